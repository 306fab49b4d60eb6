#!/usr/bin/env bash
# bench/transport.sh: cost of one quantum exchange of coherence/transport,
# with nothing to send and with one 128-byte message per node per quantum,
# for 1 (the baseline: no MPI), 2 and 4 ranks (oversubscribed where the
# machine has fewer cores) and both exchange algorithms (counts: Ialltoall
# of sizes; nbx: Issend + Iallreduce termination). Not a test.
#
# usage: bench/transport.sh [PINGPONG] [EXCHANGES]
#   PINGPONG   tests/transport_pingpong binary (default: build/tests/...)
#   EXCHANGES  exchanges per measurement (default 20000)
# Prints microseconds per exchange (the slowest rank's mean) and the highest
# CPU seconds per wall second of any rank (1.0: spinning; well below: a
# waiting rank leaves its core to the others).
set -u
here=$(cd "$(dirname "$0")" && pwd)
prog=${1:-$here/../build/tests/transport_pingpong}
n=${2:-20000}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
printf '%-6s %-7s %14s %14s %10s %10s\n' ranks algo empty_us msgs_us cpu_empty cpu_msgs
row() { # ranks algo output
	local e m ce cm
	e=$(awk '/^bench empty/ {print $4}' <<<"$3")
	m=$(awk '/^bench msgs/ {print $4}' <<<"$3")
	ce=$(awk '/^bench empty/ {print $6}' <<<"$3")
	cm=$(awk '/^bench msgs/ {print $6}' <<<"$3")
	printf '%-6s %-7s %14s %14s %10s %10s\n' "$1" "$2" "$e" "$m" "$ce" "$cm"
}
row 1 none "$("$prog" --nodes 8 --bench "$n")"
for np in 2 4; do
	for algo in counts nbx; do
		row $np $algo "$(mpirun -np $np --oversubscribe "$prog" --nodes 8 --algo $algo \
			--bench "$n" 2>&1)"
	done
done
