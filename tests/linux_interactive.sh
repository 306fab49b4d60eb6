#!/usr/bin/env bash
# tests/linux_interactive.sh DISCOFLASH PTYDRIVE IMAGES_DIR: a person at the
# console. Runs discoflash on a pseudo-terminal, waits for the shell prompt,
# types a command (Enter is \r, as a keyboard sends it), reads the answer,
# then quits with Ctrl-A x, and checks that the terminal is back in its
# normal (cooked, echoing) mode afterwards.
set -u
disco=$1 ptydrive=$2 images=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in vmlinux rootfs.ext2; do
	[ -e "$images/$f" ] || { echo "FAIL: $images/$f missing: run scripts/guest-images.sh"; exit 1; }
done
cp "$images/rootfs.ext2" "$tmp/root.img"
cat >"$tmp/person.script" <<'SCRIPT'
expect "flash0:/# "
send "echo answer=$((6*7))\r"
expect "answer=42"
expect "flash0:/# "
send "\x01x"
expect "status=5"
SCRIPT
"$ptydrive" "$tmp/person.script" 300 -- sh -c \
	"'$disco' --kernel '$images/vmlinux' --disk '$tmp/root.img' --cmdline 'console=ttyS0 root=/dev/vda rw'; echo status=\$?; stty -a" \
	>"$tmp/out.log" 2>&1
rc=$?
cat "$tmp/out.log"
fail=0
[ "$rc" = 0 ] || { echo "FAIL: ptydrive status $rc"; fail=1; }
grep -q "answer=42" "$tmp/out.log" || { echo "FAIL: the typed command did not run"; fail=1; }
grep -q "status=5" "$tmp/out.log" || { echo "FAIL: Ctrl-A x did not stop discoflash with status 5"; fail=1; }
if grep -Eq "(^| )-icanon( |$)|(^| )-echo( |$)" "$tmp/out.log"; then
	echo "FAIL: the terminal was left in raw mode"
	fail=1
fi
grep -Eq "(^| )icanon( |$)" "$tmp/out.log" || { echo "FAIL: no stty output"; fail=1; }
[ $fail = 0 ] && echo "ok: typed at the console, quit with Ctrl-A x, terminal restored"
exit $fail
