#!/usr/bin/env bash
# bench/random_conformance.sh N [SEED] [FIRST]
#
# Runs N random instruction sequences (guest/randinsn) on discoflash and under
# qemu-mipsel and compares every sequence's final-state hash; prints
# "N sequences, M mismatches" with timings, and for the first mismatch the
# code, the differing state and a minimised sequence. Sequences run in
# chunks of 25,000 per program run (CHUNK= to change), the two machines
# side by side.
#
# Uses the build in $BUILD (default: build/ at the repository root):
# $BUILD/cli/discoflash and $BUILD/guest/randinsn/randinsn.{elf,linux};
# DISCOFLASH= overrides the emulator. Build first (scripts/test.sh or
# cmake --build build). Exit status as tests/random_conformance.sh: 0 when
# all agree, 1 on mismatches, 2 on a usage error or a failed reference run.
set -u
if [ $# -lt 1 ] || [ $# -gt 3 ]; then
	sed -n '2,16p' "$0" >&2
	exit 2
fi
n=$1 seed=${2:-1} first=${3:-0}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
disco=${DISCOFLASH:-$build/cli/discoflash}
guest=$build/guest/randinsn
for f in "$disco" "$guest/randinsn.elf" "$guest/randinsn.linux"; do
	if [ ! -e "$f" ]; then
		echo "bench/random_conformance.sh: $f not found: build first (cmake --build $build)," \
			"or set BUILD= / DISCOFLASH=" >&2
		exit 2
	fi
done
t0=$(date +%s)
"$root/tests/random_conformance.sh" -n "$n" -s "$seed" -f "$first" -c "${CHUNK:-25000}" \
	-t 600 "$disco" "$guest/randinsn.elf" "$guest/randinsn.linux"
status=$?
echo "wall time: $(($(date +%s) - t0))s for $n sequences (seed $seed, first $first)"
exit $status
