#!/usr/bin/env bash
# tests/disk_errors.sh DISCOFLASH KERNEL.elf: a disk image that is missing,
# not a regular file, empty or not writable gives a clear error naming the
# image and exit status 2; a read-only disk on a read-only image is fine.
set -u
disco=$1 kernel=$2
tmp=$(mktemp -d)
immutable=""
cleanup() {
	[ -n "$immutable" ] && chattr -i "$immutable" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail=0

expect() { # expect STATUS REGEX ARGS...
	local want=$1 regex=$2
	shift 2
	local out rc
	out=$("$disco" --kernel "$kernel" --no-input "$@" 2>&1)
	rc=$?
	if [ "$rc" != "$want" ] || ! grep -Eq -- "$regex" <<<"$out"; then
		echo "FAIL: $* -> status $rc (want $want): $out"
		fail=1
	else
		echo "ok: $* -> status $rc: $(head -n1 <<<"$out")"
	fi
}

expect 2 "none\.img: cannot open disk image: No such file" --disk "$tmp/none.img"
mkdir "$tmp/dir.img"
expect 2 "dir\.img: (disk image is not a regular file|cannot open disk image)" --disk "$tmp/dir.img"
: >"$tmp/empty.img"
expect 2 "empty\.img: disk image is empty" --disk "$tmp/empty.img"

truncate -s 1M "$tmp/ro.img"
if [ "$(id -u)" = 0 ]; then
	# root ignores file modes: make the file immutable instead
	if chattr +i "$tmp/ro.img" 2>/dev/null; then
		immutable=$tmp/ro.img
	else
		echo "SKIP: cannot make a file read-only for root here (no chattr +i)"
		exit 77
	fi
else
	chmod 444 "$tmp/ro.img"
fi
expect 2 "ro\.img: disk image is not writable" --disk "$tmp/ro.img"

# the same image as a read-only disk is accepted (the demo then exits 42)
cat >"$tmp/ro.yaml" <<YAML
disks:
  - image: ro.img
    readonly: true
YAML
expect 42 "PRId" -c "$tmp/ro.yaml"
exit $fail
