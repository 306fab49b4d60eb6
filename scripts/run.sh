#!/usr/bin/env bash
# scripts/run.sh [discoflash options]: the main job. Installs what is missing,
# builds, and runs discoflash on the default machine (one node, one CPU,
# 64 MiB). With no options it boots the demo guest program guest/demo/hello.c.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh" "$root/build"
if [ $# -eq 0 ]; then
	set -- --kernel "$root/build/guest/demo/hello.elf" --stats
fi
exec "$root/build/cli/discoflash" "$@"
