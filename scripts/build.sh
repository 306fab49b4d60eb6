#!/usr/bin/env bash
# scripts/build.sh [BUILD_DIR] [cmake options...]: configures and builds
# discoflash and the guest programs (default build dir: build/).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${1:-$root/build}
shift || true
cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$dir" -j "$(nproc)"
