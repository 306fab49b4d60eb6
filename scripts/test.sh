#!/usr/bin/env bash
# scripts/test.sh [--sanitize]: the test command. Installs what is missing,
# builds, and runs every test with CTest. --sanitize builds with
# AddressSanitizer and UBSan into build-asan/ and runs the tests there.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/setup.sh"
dir=$root/build
opts=()
if [ "${1:-}" = "--sanitize" ]; then
	dir=$root/build-asan
	opts=(-DDISCOFLASH_SANITIZE=ON)
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
"$root/scripts/build.sh" "$dir" "${opts[@]}"
"$root/scripts/guest-images.sh" "$dir" # Linux kernel (cached) and root disk
cd "$dir"
ctest --output-on-failure -j "$(nproc)"
