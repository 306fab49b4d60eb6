#!/usr/bin/env bash
# tests/linux_boot.sh DISCOFLASH IMAGES_DIR: the scripted boot test. Boots
# Linux (IMAGES_DIR/vmlinux) on a copy of the root disk, runs commands at the
# shell through a console script, powers off, and checks the console output,
# the exit status and what the guest wrote to the disk image.
set -u
disco=$1 images=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
session=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/guest/linux/session.script
for f in vmlinux rootfs.ext2; do
	if [ ! -e "$images/$f" ]; then
		echo "FAIL: $images/$f missing: run scripts/guest-images.sh (scripts/test.sh does)"
		exit 1
	fi
done
cp "$images/rootfs.ext2" "$tmp/root.img"
"$disco" --kernel "$images/vmlinux" --disk "$tmp/root.img" --no-input \
	--cmdline "console=ttyS0 root=/dev/vda rw" \
	--console-script "$session" --max-insns 20000000000 \
	--stats-json "$tmp/stats.json" >"$tmp/console.log" 2>"$tmp/stderr.log"
rc=$?
cat "$tmp/console.log"
cat "$tmp/stderr.log"
fail=0
check() { # check DESCRIPTION REGEX
	if grep -Eq -- "$2" "$tmp/console.log"; then
		echo "ok: $1"
	else
		echo "FAIL: $1: no line matches /$2/"
		fail=1
	fi
}
check "the kernel is Debian's Linux 6.1" "^(\[ *[0-9.]+\] )?Linux version 6\.1\."
check "uname -a" "^Linux flash0 6\.1\.[0-9]+ .* mips GNU/Linux"
check "cpuinfo names the 24Kc" "^cpu model[[:space:]]+: MIPS 24Kc"
check "cpuinfo shows the FPU" "^cpu model.*FPU"
check "cpuinfo shows MIPS32r2" "^isa[[:space:]]+:.*mips32r2"
check "the root is ext2 on the virtio disk" "^/dev/root on / type ext2|^/dev/vda on / type ext2"
check "a file written on the disk reads back" "^written-by-the-guest"
check "the kernel powered off" "reboot: Power down"
if [ "$rc" != 0 ]; then
	echo "FAIL: exit status $rc, expected 0 (power-off)"
	fail=1
fi
# the write reached the image file on the host
if debugfs -R "cat /root/note.txt" "$tmp/root.img" 2>/dev/null | grep -q written-by-the-guest; then
	echo "ok: the guest's file is in the disk image"
else
	echo "FAIL: /root/note.txt is not in the disk image"
	fail=1
fi
cat "$tmp/stats.json"
exit $fail
