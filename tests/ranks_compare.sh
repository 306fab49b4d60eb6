#!/usr/bin/env bash
# tests/ranks_compare.sh OUTDIR "RANKS" DISCOFLASH ARGS...: runs DISCOFLASH
# ARGS once per rank count in RANKS (e.g. "1 2 4"; 1 runs without mpirun),
# each with --stats-json, and requires exit status 0 and, for every rank
# count, the console output and statistics of the first (all fields but the
# per-rank and host-time ones): results must not depend on the number of
# ranks. Leaves console<N>.log, stderr<N>.log and machine<N>.json in OUTDIR.
set -u
out=$1 ranks=$2
shift 2
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fail=0
first=
for n in $ranks; do
	launch=()
	[ "$n" -gt 1 ] && launch=(mpirun -np "$n" --oversubscribe)
	start=$(date +%s.%N)
	"${launch[@]}" "$@" --stats-json "$out/stats$n.json" >"$out/console$n.log" 2>"$out/stderr$n.log"
	rc=$?
	echo "--- $n rank(s): exit status $rc, $(echo "$(date +%s.%N) - $start" | bc) s host"
	if [ "$rc" != 0 ]; then
		cat "$out/console$n.log" "$out/stderr$n.log"
		echo "FAIL: exit status $rc on $n rank(s), expected 0"
		fail=1
		continue
	fi
	python3 - "$out/stats$n.json" >"$out/machine$n.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("ranks", "host_seconds", "mips", "ranks_used"):
    d.pop(k, None)
json.dump(d, sys.stdout, indent=1, sort_keys=True)
PY
	if [ -z "$first" ]; then
		first=$n
	elif cmp -s "$out/console$first.log" "$out/console$n.log" &&
		cmp -s "$out/machine$first.json" "$out/machine$n.json"; then
		echo "ok: $n ranks give the console output and statistics of $first"
	else
		echo "FAIL: $n ranks differ from $first:"
		diff "$out/console$first.log" "$out/console$n.log" | head -20
		diff "$out/machine$first.json" "$out/machine$n.json" | head -20
		fail=1
	fi
done
exit $fail
