#!/usr/bin/env bash
# tests/conformance.sh DISCOFLASH BARE.elf LINUX.bin [ARGS...]
# Runs the bare flavour on discoflash and the Linux flavour under qemu-mipsel
# and requires the same output bytes and the same exit status. DISCO_OPTS:
# more discoflash options (e.g. --memory-model detailed).
set -u
disco=$1 bare=$2 linux=$3
shift 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
qemu-mipsel "$linux" "$@" >"$tmp/qemu.out" 2>"$tmp/qemu.err"
qrc=$?
# shellcheck disable=SC2086
"$disco" ${DISCO_OPTS:-} --kernel "$bare" >"$tmp/disco.out" 2>"$tmp/disco.err"
drc=$?
status=0
if ! cmp -s "$tmp/qemu.out" "$tmp/disco.out"; then
	echo "MISMATCH: output differs (qemu-mipsel < > discoflash):"
	diff "$tmp/qemu.out" "$tmp/disco.out" | head -n 40
	status=1
fi
if [ "$qrc" != "$drc" ]; then
	echo "MISMATCH: exit status qemu-mipsel=$qrc discoflash=$drc"
	cat "$tmp/disco.err"
	status=1
fi
lines=$(wc -l <"$tmp/qemu.out")
[ $status = 0 ] && echo "conformance: $lines lines identical, exit status $qrc"
exit $status
