#!/usr/bin/env bash
# scripts/check-format.sh: fails when a tracked C file differs from
# .clang-format's layout.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bad=0
while IFS= read -r f; do
	if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
		echo "not clang-formatted: $f"
		bad=1
	fi
done < <(git ls-files '*.c' '*.h')
exit $bad
