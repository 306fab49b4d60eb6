#!/usr/bin/env bash
# tests/determinism.sh DISCOFLASH IMAGES_DIR: the same machine, kernel, disk
# and console script must give the same console output, instruction and cycle
# counts and statistics on every run (host timings aside).
set -u
disco=$1 images=$2
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for r in 1 2; do
	cp "$images/rootfs.ext2" "$tmp/root$r.img"
	"$disco" --kernel "$images/vmlinux" --disk "$tmp/root$r.img" --no-input --no-progress \
		--cmdline "console=ttyS0 root=/dev/vda rw" \
		--console-script "$root/guest/linux/session.script" \
		--stats-json "$tmp/stats$r.json" >"$tmp/console$r.log" 2>&1 || {
		echo "FAIL: run $r exited with $?"
		tail -n 20 "$tmp/console$r.log"
		exit 1
	}
	# host timings are the only fields allowed to differ
	grep -vE '"(host_seconds|mips)"' "$tmp/stats$r.json" | sed -E 's/, "host_seconds": [0-9.]+//' \
		>"$tmp/det$r.json"
done
fail=0
cmp -s "$tmp/console1.log" "$tmp/console2.log" || { echo "FAIL: console output differs"; diff "$tmp/console1.log" "$tmp/console2.log" | head; fail=1; }
cmp -s "$tmp/det1.json" "$tmp/det2.json" || { echo "FAIL: statistics differ"; diff "$tmp/det1.json" "$tmp/det2.json"; fail=1; }
cmp -s "$tmp/root1.img" "$tmp/root2.img" || { echo "FAIL: the disk images differ"; fail=1; }
[ $fail = 0 ] && echo "ok: two runs gave identical console output, statistics and disk image" && cat "$tmp/det1.json"
exit $fail
