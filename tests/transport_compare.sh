#!/usr/bin/env bash
# tests/transport_compare.sh MPIEXEC PINGPONG: runs the token workload of
# tests/transport_pingpong.c without mpirun and under mpirun with 1, 2 and 4
# ranks, blocks and round-robin placement, both exchange algorithms, and
# requires the same digests everywhere:
#   exact (quantum 60 = lookahead): also with skipping off (same deliveries,
#     more quanta), and no message may be late;
#   lax (quantum 200): the same late-message statistics everywhere too.
set -u
mpiexec=$1
prog=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

run() { # name np args...
	local name=$1 np=$2
	shift 2
	if [ "$np" = 0 ]; then
		"$prog" "$@" >"$tmp/$name" 2>"$tmp/$name.err"
	else
		timeout 120 "$mpiexec" -np "$np" --oversubscribe "$prog" "$@" \
			>"$tmp/$name" 2>"$tmp/$name.err"
	fi
	local rc=$?
	if [ $rc -ne 0 ] || ! grep -q '^total msgs' "$tmp/$name"; then
		echo "FAIL $name: status $rc"
		cat "$tmp/$name.err"
		fail=1
	fi
}

# compare MODE REF FILTER: every run of MODE against REF on the lines FILTER.
compare() {
	local ref=$1 filter=$2
	shift 2
	for f in "$@"; do
		if ! diff <(grep -E "$filter" "$tmp/$ref") <(grep -E "$filter" "$tmp/$f") >"$tmp/diff"; then
			echo "FAIL $f differs from $ref:"
			cat "$tmp/diff"
			fail=1
		fi
	done
}

for mode in exact lax; do
	q=60
	[ $mode = lax ] && q=200
	names=()
	run "$mode-plain" 0 --quantum $q
	names+=("$mode-plain")
	for np in 1 2 4; do
		for place in blocks rr; do
			for algo in counts nbx; do
				n="$mode-np$np-$place-$algo"
				run "$n" $np --quantum $q --placement $place --algo $algo
				names+=("$n")
			done
		done
	done
	# Everything but the rank count and remote traffic must match.
	compare "$mode-plain" '^[a-z]' "${names[@]}"
	if [ $mode = exact ]; then
		run exact-noskip 0 --no-skip
		run exact-noskip-np4 4 --no-skip --placement rr --algo nbx
		compare exact-plain '^(node|total|late)' exact-noskip exact-noskip-np4
		if ! grep -q '^late msgs 0 ' "$tmp/exact-plain"; then
			echo "FAIL exact mode had late messages"
			fail=1
		fi
		grep -qE '^quanta [0-9]+ skips [1-9]' "$tmp/exact-plain" ||
			{ echo "FAIL no quantum was skipped"; fail=1; }
	else
		grep -qE '^late msgs [1-9]' "$tmp/lax-plain" ||
			{ echo "FAIL lax mode had no late message"; fail=1; }
	fi
	# Multi-rank runs really crossed ranks.
	for n in "${names[@]}"; do
		case $n in *np2* | *np4*)
			grep -qE '^# ranks [24] remote_msgs [1-9]' "$tmp/$n" ||
				{ echo "FAIL $n sent nothing between ranks"; fail=1; } ;;
		esac
	done
	echo "== $mode (reference $mode-plain):"
	cat "$tmp/$mode-plain"
done
[ $fail = 0 ] && echo "PASS: identical digests for 1, 2, 4 ranks, both placements and algorithms"
exit $fail
