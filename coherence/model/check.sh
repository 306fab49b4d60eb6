#!/usr/bin/env bash
# coherence/model/check.sh: model-checks the directory protocol
# (coherence/PROTOCOL.md) with SPIN; exits non-zero on any violation or an
# incomplete exhaustive search. Run by CTest as coherence_model.
#
#   check.sh            1. open: 3 nodes, 1 line, CPUs access for ever;
#                          exhaustive (invariants, deadlock);
#                       2. drain: 3 nodes, 2 lines, 6 CPU accesses in all,
#                          then every run must end quiescent (no transaction
#                          left hanging, channels empty: pan -q); exhaustive;
#                       3. open: 3 nodes, 2 lines, bitstate (supertrace) for
#                          $SPIN_MINUTES minutes (default 1): a partial search,
#                          the full space is over 10^8 states.
#   check.sh --mutants  each seeded bug of flash.pml must be caught (non-vacuity).
#
# Needs spin and a C compiler. Works in a temporary directory.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
minutes=${SPIN_MINUTES:-1}
command -v spin >/dev/null || { echo "check.sh: spin not found (scripts/setup.sh installs it)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/flash.pml" "$work/"
cd "$work"

# run NAME SPIN_DEFINES CC_DEFINES PAN_ARGS: builds and runs pan, prints its
# summary; returns 0 if no error was found (and, unless partial, the search
# completed), 1 on a violation, 2 on an incomplete exhaustive search.
run() {
	local name=$1 sdefs=$2 cdefs=$3 args=$4 out rc=0
	spin $sdefs -a flash.pml >/dev/null
	gcc -O2 -w $cdefs -o pan pan.c
	out=$( /usr/bin/time -f 'time: %e s wall, %M KB max RSS' ./pan $args 2>&1 | grep -v '^Depth=' ) || true
	echo "== $name: spin $sdefs; cc $cdefs; pan $args"
	echo "$out" | grep -E 'errors:|states, stored|transitions|total actual memory|elapsed time|assertion violated|invalid end state|max search depth|time:' | sed 's/^/   /' | cut -c1-200
	if ! echo "$out" | grep -q 'errors: 0'; then
		rc=1
	elif [[ $args != *-Q* ]] && echo "$out" | grep -q 'max search depth too small'; then
		rc=2
	fi
	return $rc
}

CC_EXH="-DSAFETY -DCOLLAPSE -DMEMLIM=3000"
open1() { run "$1: open, 3 nodes, 1 line, exhaustive" "-DL=1 $2" "$CC_EXH" "-m10000000"; }
drain1() { run "$1: drain, 3 nodes, 1 line, 8 accesses, exhaustive" "-DL=1 -DOPS=8 $2" "$CC_EXH" "-q -m10000000"; }
drain2() { run "$1: drain, 3 nodes, 2 lines, 6 accesses, exhaustive" "-DOPS=6 $2" "$CC_EXH" "-q -m10000000"; }
bitstate() { run "$1: open, 3 nodes, 2 lines, bitstate ${minutes} min" "$2" "-DSAFETY -DBITSTATE" "-m3000000 -w27 -Q$minutes"; }

if [ "${1:-}" = --mutants ]; then
	fail=0
	for bug in BUG_SKIP_INV BUG_NO_ACKWAIT BUG_NO_ISDI BUG_NO_BUSY BUG_DROP_FWD BUG_PUTX_MEM BUG_NAK_PUTX; do
		caught=""
		for check in open1 drain1 drain2; do
			if ! $check "$bug" "-D$bug"; then caught=$check; break; fi
		done
		if [ -z "$caught" ]; then
			echo "check.sh: $bug NOT caught: the check is vacuous for it" >&2
			fail=1
		else
			echo "   -> $bug caught by $caught"
		fi
	done
	exit $fail
fi

rc=0
for check in open1 drain2 bitstate; do
	$check correct "" || { rc=$?; break; }
done
[ $rc = 0 ] && echo "check.sh: no violation" || echo "check.sh: FAILED" >&2
exit $rc
