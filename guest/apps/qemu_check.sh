#!/usr/bin/env bash
# guest/apps/qemu_check.sh DIR: runs the Linux flavour of each application
# in DIR (radix.linux, raytrace.linux, lu.linux) under qemu-mipsel at 1, 2,
# 4 and 8 threads, at the small sizes of tests/splashos.sh, and fails unless
# every run says "result ok" and the checksums of an application agree
# across thread counts.
# Prints one line per application: `NAME <sizes> checksum 0x...`.
set -euo pipefail
dir=${1:?usage: qemu_check.sh DIR}
bad=0
check() { # name args...
	local name=$1 sum="" out s rc
	shift
	for p in 1 2 4 8; do
		rc=0
		out=$(qemu-mipsel "$dir/$name.linux" -p "$p" "$@") || rc=$?
		if [ $rc -ne 0 ]; then
			echo "$name -p $p $*: exit status $rc"
			bad=1
			continue
		fi
		if ! grep -q "^$name: result ok$" <<<"$out"; then
			echo "$name -p $p $*: no 'result ok'"
			bad=1
		fi
		s=$(sed -n "s/^$name: checksum \(0x[0-9a-f]*\)$/\1/p" <<<"$out")
		if [ -z "$sum" ]; then
			sum=$s
		elif [ "$s" != "$sum" ]; then
			echo "$name -p $p $*: checksum $s, $sum with 1 thread"
			bad=1
		fi
	done
	echo "$name $* checksum $sum"
}
check radix -n 16384
check raytrace -w 48 -h 32
check lu -n 64 -b 16
exit $bad
