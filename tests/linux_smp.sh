#!/usr/bin/env bash
# tests/linux_smp.sh DISCOFLASH IMAGES_DIR [RANKS...]: SMP Linux across the
# nodes of tests/configs/linux4.yaml (4 nodes, one CPU each, the detailed
# memory model). Boots IMAGES_DIR/vmlinux with IMAGES_DIR/rootfs.cpio,
# runs guest/linux/smp-session.script (every CPU up, a parallel BusyBox job,
# power-off) and checks the console. With RANKS (e.g. 1 2 4) it runs once
# per rank count under mpirun and requires identical console output and
# statistics (all but the per-rank and host-time fields): the determinism
# test.
set -u
disco=$1 images=$2
shift 2
ranks=("$@")
[ ${#ranks[@]} = 0 ] && ranks=(1)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
session=$here/../guest/linux/smp-session.script
config=$here/configs/linux4.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in vmlinux rootfs.cpio; do
	if [ ! -e "$images/$f" ]; then
		echo "FAIL: $images/$f missing: run scripts/guest-images.sh (scripts/test.sh does)"
		exit 1
	fi
done
fail=0
"$here/ranks_compare.sh" "$tmp" "${ranks[*]}" "$disco" -c "$config" --kernel "$images/vmlinux" \
	--initrd "$images/rootfs.cpio" --no-input --no-progress --console-script "$session" \
	--max-cycles 4000000000 || fail=1
log=$tmp/console${ranks[0]}.log
[ -f "$log" ] && cat "$log"
check() { # check DESCRIPTION REGEX
	if grep -Eq -- "$2" "$log"; then
		echo "ok: $1"
	else
		echo "FAIL: $1: no line matches /$2/"
		fail=1
	fi
}
check "Linux brought all 4 CPUs up" "smp: Brought up 1 node, 4 CPUs"
check "/proc/cpuinfo lists 4 processors" "^4[[:space:]]*$"
check "4 md5sums ran in parallel and agree" "^ +4 [0-9a-f]{32} +/bin/busybox"
check "the kernel powered off" "reboot: Power down"
[ $fail = 0 ] && echo "linux_smp: all checks passed"
exit $fail
