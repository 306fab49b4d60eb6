#!/usr/bin/env bash
# scripts/run.sh [discoflash options]: the main job. Installs what is missing,
# builds discoflash, the guest kernel (cached outside the clone) and the root
# disk, and boots Linux to a shell on the default machine
# (configs/one-node.yaml: one node, one CPU, 64 MiB). Options replace the
# default `-c configs/one-node.yaml`. Ctrl-A x quits; `poweroff` too.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh" "$root/build"
"$root/scripts/guest-images.sh" "$root/build" # Linux kernel (cached) and root disk
if [ $# -eq 0 ]; then
	set -- -c "$root/configs/one-node.yaml"
fi
exec "$root/build/cli/discoflash" "$@"
