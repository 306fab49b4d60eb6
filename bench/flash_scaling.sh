#!/usr/bin/env bash
# bench/flash_scaling.sh: speed of the distributed machine (node/flash.c).
# Not a test: nothing here is in CTest. Every ratio is measured in the same
# run against its baseline.
#
#   1. aggregate guest instructions per host second of guest/smp/parwork.elf
#      (every CPU sorts its own array in its own node, a little sharing) on
#      a 2-node and an 8-node machine, with 1 rank and with 2 ranks, and the
#      parallel efficiency (MIPS on 2 ranks / (2 x MIPS on 1 rank));
#   2. host time per quantum exchange (the statistics' exchange time / quanta);
#   3. the effect of --quantum on speed and on timing error: the 8-node run
#      (on 1 and on 2 ranks; speed-ups against the exact 1-rank run)
#      and guest/smp/latency.elf with growing quanta (lax beyond the
#      lookahead), against the exact run's cycles and the model's latencies;
#   4. what caches and coherence cost: the single-CPU compute kernels of
#      bench/kernels on one node, fast model against detailed model.
#
# usage: bench/flash_scaling.sh [--discoflash FILE] [--guest DIR] [--ranks "1 2"]
#                               [--quanta "60 120 240 480 960"] [--json FILE]
# (--guest: the guest build directory holding smp/ and bench_kernels/;
# default build/guest/guest-build or $TMPDIR/discoflash-bench-guest.)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
disco=${DISCOFLASH:-$repo/build/cli/discoflash}
guest=
ranks="1 2"
quanta="60 120 240 480 960"
json=
while [ $# -gt 0 ]; do
	case $1 in
	--discoflash) disco=$2; shift 2 ;;
	--guest) guest=$2; shift 2 ;;
	--ranks) ranks=$2; shift 2 ;;
	--quanta) quanta=$2; shift 2 ;;
	--json) json=$2; shift 2 ;;
	-h | --help) sed -n '2,21s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "flash_scaling: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
done
[ -x "$disco" ] || { echo "flash_scaling: no discoflash at $disco (build it or pass --discoflash)" >&2; exit 2; }
if [ -z "$guest" ]; then
	for g in "$repo/build/guest/guest-build" "$(dirname "$(dirname "$disco")")/guest/guest-build" \
		"$(dirname "$(dirname "$disco")")/guest"; do
		[ -f "$g/smp/parwork.elf" ] && guest=$g && break
	done
fi
[ -n "$guest" ] && [ -f "$guest/smp/parwork.elf" ] ||
	{ echo "flash_scaling: guest/smp/parwork.elf not found (pass --guest DIR)" >&2; exit 2; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cores=$(nproc)

machine() { # machine NODES -> config path
	printf 'machine:\n  nodes: %s\n  memory_per_node: 16M\n  memory_model: detailed\nconsole:\n  input: none\n' \
		"$1" >"$tmp/n$1.yaml"
	echo "$tmp/n$1.yaml"
}

# run NAME RANKS ARGS...: runs discoflash, keeps its statistics in
# $tmp/NAME.json and its wall time (start-up included) in $tmp/NAME.wall
run() {
	local name=$1 n=$2
	shift 2
	local launch=()
	[ "$n" -gt 1 ] && launch=(mpirun -np "$n" --oversubscribe --bind-to none)
	local t0 t1
	t0=$(date +%s.%N)
	"${launch[@]}" "$disco" "$@" --no-input --no-progress --stats-json "$tmp/$name.json" \
		>"$tmp/$name.out" 2>"$tmp/$name.err" || {
		echo "flash_scaling: run $name failed:" >&2
		cat "$tmp/$name.out" "$tmp/$name.err" >&2
		exit 1
	}
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc >"$tmp/$name.wall"
}

field() { # field NAME PYTHON-EXPR-ON-d
	python3 -c "import json,sys; d=json.load(open('$tmp/$1.json')); print($2)"
}

echo "discoflash distributed machine: $(nproc) host cores, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "1+2. parwork.elf: aggregate MIPS (guest instructions / wall time) and exchange cost"
printf '%-8s %6s %12s %9s %8s %10s %12s %10s\n' machine ranks instructions wall_s MIPS efficiency quanta us/exchange
results=()
for nodes in 2 8; do
	cfg=$(machine $nodes)
	base=
	for n in $ranks; do
		[ "$n" -le "$nodes" ] || continue # every rank needs a node
		name=par$nodes.$n
		run "$name" "$n" -c "$cfg" --kernel "$guest/smp/parwork.elf"
		insns=$(field "$name" "d['instructions']")
		wall=$(cat "$tmp/$name.wall")
		mips=$(echo "scale=1; $insns / $wall / 1000000" | bc)
		[ -z "$base" ] && base=$mips
		eff=$(echo "scale=3; $mips / ($n * $base)" | bc)
		nq=$(field "$name" "d['ranks'][0]['quanta']")
		xus=$(field "$name" "'%.2f' % max(r['exchange_us_per_quantum'] for r in d['ranks'])")
		printf '%-8s %6s %12s %9.2f %8s %10s %12s %10s\n' "$nodes-node" "$n" "$insns" "$wall" \
			"$mips" "$eff" "$nq" "$xus"
		results+=("{\"nodes\": $nodes, \"ranks\": $n, \"instructions\": $insns, \"wall_s\": $wall, \"mips\": $mips, \"efficiency\": $eff, \"quanta\": $nq, \"exchange_us\": $xus}")
		if [ "$n" -gt "$cores" ]; then echo "  (ranks > host cores: oversubscribed)"; fi
	done
done
cmp -s "$tmp/par8.1.out" "$tmp/par8.${ranks##* }.out" ||
	echo "  !! parwork output differs between rank counts"

echo
echo "3. --quantum: speed and timing error (8 nodes; lookahead 60 cycles); 2-rank columns: 2 ranks"
printf '%8s %6s %9s %10s %9s %10s %14s %10s %10s %10s\n' quantum mode wall_s speedup wall_2r speedup_2r \
	cycles_error local remote dirty
cfg=$(machine 8)
qres=()
exact_cycles=
exact_wall=
for q in $quanta; do
	run q$q 1 -c "$cfg" --kernel "$guest/smp/parwork.elf" --quantum "$q"
	run q2r$q 2 -c "$cfg" --kernel "$guest/smp/parwork.elf" --quantum "$q"
	wall2=$(cat "$tmp/q2r$q.wall")
	run lat$q 1 -c "$cfg" --kernel "$guest/smp/latency.elf" --quantum "$q"
	cyc=$(field q$q "d['cycles']")
	wall=$(cat "$tmp/q$q.wall")
	mode=$(field q$q "'exact' if d['machine']['exact'] else 'lax'")
	[ -z "$exact_cycles" ] && exact_cycles=$cyc && exact_wall=$wall && exact_wall2=$wall2
	err=$(echo "scale=4; 100 * ($cyc - $exact_cycles) / $exact_cycles" | bc)
	lat() { grep "^latency $1 " "$tmp/lat$q.out" | awk '{print $3}'; }
	printf '%8s %6s %9.2f %10s %9.2f %10s %13s%% %10s %10s %10s\n' "$q" "$mode" "$wall" \
		"$(echo "scale=2; $exact_wall / $wall" | bc)" "$wall2" \
		"$(echo "scale=2; $exact_wall / $wall2" | bc)" "$err" "$(lat local)" "$(lat remote_clean)" \
		"$(lat remote_dirty)"
	qres+=("{\"quantum\": $q, \"mode\": \"$mode\", \"wall_s\": $wall, \"wall_2ranks_s\": $wall2, \"cycles\": $cyc, \"cycles_error_pct\": $err, \"latency_local\": $(lat local), \"latency_remote_clean\": $(lat remote_clean), \"latency_remote_dirty\": $(lat remote_dirty)}")
done
echo "  model: $(field lat60 "d['model']")"

echo
echo "4. caches and coherence: one CPU, one node, fast model vs detailed model"
printf '%-8s %12s %10s %10s %8s %10s\n' kernel instructions fast_MIPS det_MIPS ratio det_CPI
kres=()
for k in sort crc32 matmul sha256 vm; do
	elf=$guest/bench_kernels/bench_$k.elf
	[ -f "$elf" ] || continue
	run f$k 1 --kernel "$elf" --memory-model fast
	run d$k 1 --kernel "$elf" --memory-model detailed
	fi=$(field f$k "d['instructions']")
	fm=$(field f$k "'%.1f' % d['mips']")
	dm=$(field d$k "'%.1f' % d['mips']")
	cpi=$(field d$k "'%.3f' % (d['cycles'] / d['instructions'])")
	printf '%-8s %12s %10s %10s %8s %10s\n' "$k" "$fi" "$fm" "$dm" "$(echo "scale=2; $fm / $dm" | bc)" "$cpi"
	kres+=("{\"kernel\": \"$k\", \"instructions\": $fi, \"fast_mips\": $fm, \"detailed_mips\": $dm, \"detailed_cpi\": $cpi}")
done

if [ -n "$json" ]; then
	join() { local IFS=,; echo "$*"; }
	printf '{"host_cores": %s, "parwork": [%s], "quantum": [%s], "one_node": [%s]}\n' "$cores" \
		"$(join "${results[@]}")" "$(join "${qres[@]}")" "$(join "${kres[@]}")" >"$json"
	echo "wrote $json"
fi
