#!/usr/bin/env bash
# tests/random_conformance.sh [options] DISCOFLASH RANDINSN.elf RANDINSN.linux
#
# Random instruction sequences (guest/randinsn): the bare flavour runs on
# discoflash, the Linux flavour under qemu-mipsel (the reference), both with
# the same parameters patched in by guest/randinsn/params.sh; the hash that
# each prints for every sequence must agree.
#
# Options:
#   -n COUNT   sequences to run (default 20000)
#   -s SEED    generator seed (default 1)
#   -f FIRST   index of the first sequence (default 0)
#   -c CHUNK   sequences per program run (default 25000)
#   -F FLAGS   RI_NO_* category mask (guest/randinsn/randinsn.h; default 0)
#   -t SECS    time limit of one program run (default 600)
#   -m MAX     sequences to analyse in detail on mismatch (default 1)
# Prints "N sequences, M mismatches" with timings. For each of the first MAX
# mismatching sequences it prints the code, the input state and the
# differing output, then minimises the sequence (replacing instruction
# groups by nops while the mismatch persists) and prints what is left.
# Exit status: 0 all agree; 1 mismatches; 2 usage error or the reference
# (qemu-mipsel) run failed.
set -u
count=20000 seed=1 first=0 chunk=25000 flags=0 tlimit=600 maxan=1
while getopts "n:s:f:c:F:t:m:" o; do
	case $o in
	n) count=$OPTARG ;; s) seed=$OPTARG ;; f) first=$OPTARG ;; c) chunk=$OPTARG ;;
	F) flags=$OPTARG ;; t) tlimit=$OPTARG ;; m) maxan=$OPTARG ;;
	*) sed -n '2,25p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# != 3 ]; then
	sed -n '2,25p' "$0" >&2
	exit 2
fi
disco=$1 elf=$2 linux=$3
here=$(cd "$(dirname "$0")" && pwd)
params=$here/../guest/randinsn/params.sh
objdump=$(command -v mipsel-linux-gnu-objdump || true)
for f in "$disco" "$elf" "$linux" "$params"; do
	[ -e "$f" ] || { echo "random_conformance: $f: not found" >&2; exit 2; }
done
command -v qemu-mipsel >/dev/null || { echo "random_conformance: qemu-mipsel not found" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now_ms() { date +%s%3N; }

# hex(s): awk function (mawk has no strtonum)
hexfn='function hex(s,    i, v) { v = 0; s = tolower(s)
	for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v }'

# run_pair TAG PARAM...: runs both flavours with the parameters, concurrently;
# leaves $tmp/TAG.{q,d}.{out,err,rc,ms}.
run_pair() {
	local tag=$1
	shift
	"$params" "$elf" "$tmp/$tag.elf" seed="$seed" flags="$flags" "$@" || exit 2
	"$params" "$linux" "$tmp/$tag.linux" seed="$seed" flags="$flags" "$@" || exit 2
	(
		t0=$(now_ms)
		timeout "$tlimit" qemu-mipsel "$tmp/$tag.linux" </dev/null >"$tmp/$tag.q.out" 2>"$tmp/$tag.q.err"
		echo $? >"$tmp/$tag.q.rc"
		echo $(($(now_ms) - t0)) >"$tmp/$tag.q.ms"
	) &
	(
		t0=$(now_ms)
		timeout "$tlimit" "$disco" --kernel "$tmp/$tag.elf" </dev/null >"$tmp/$tag.d.out" 2>"$tmp/$tag.d.err"
		echo $? >"$tmp/$tag.d.rc"
		echo $(($(now_ms) - t0)) >"$tmp/$tag.d.ms"
	) &
	wait
}

# Indices (one per line) of sequences whose "seq I H" line differs or is
# missing on discoflash, for run TAG.
mismatches() {
	awk 'FNR == NR { if ($1 == "seq") d[$2] = $3; next }
	     $1 == "seq" && d[$2] != $3 { print $2 }' "$tmp/$1.d.out" "$tmp/$1.q.out"
}

# differs I LO HI: true when sequence I, with the groups in mask LO/HI
# replaced by nops, still gives a different hash or exit status.
differs() {
	run_pair one first="$1" count=1 verbose=1 mask_lo="$2" mask_hi="$3"
	[ "$(cat "$tmp/one.q.rc")" = 0 ] || return 1 # the reference must work
	! cmp -s "$tmp/one.q.out" "$tmp/one.d.out" ||
		[ "$(cat "$tmp/one.q.rc")" != "$(cat "$tmp/one.d.rc")" ]
}

# disasm DUMP [LO HI]: the code of a verbose=2 dump, one group per block,
# groups in the mask omitted.
disasm() {
	awk -v lo="${2:-0}" -v hi="${3:-0}" "$hexfn"'
	function bit(g) { return g < 32 ? int(lo / 2 ^ g) % 2 : int(hi / 2 ^ (g - 32)) % 2 }
	$1 == "code" { base = hex($3); w = 0 }
	$1 == "group" || $1 == "tail:" {
		g = ($1 == "group") ? $2 + 0 : -1
		n = ($1 == "group") ? 3 : 2
		skip = (g >= 0 && bit(g))
		if (!skip) printf "%s\n", (g >= 0 ? "group " g : "tail")
		for (i = n; i <= NF; i++) {
			if (!skip) printf "  %08x %s\n", base + 4 * w, $i
			w++
		}
	}' "$1" >"$tmp/words"
	while read -r a b; do
		if [ "$a" = group ] || [ "$a" = tail ]; then
			echo "  $a $b"
			continue
		fi
		local txt="" addr=$((16#$a))
		if [ -n "$objdump" ]; then
			# shellcheck disable=SC2059 # octal escapes in the format are the point
			printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((16#${b:6:2})) $((16#${b:4:2})) \
				$((16#${b:2:2})) $((16#${b:0:2})))" >"$tmp/w.bin"
			txt=$("$objdump" -b binary -m mips:isa32r2 -EL --adjust-vma="$addr" -D "$tmp/w.bin" |
				awk -F'\t' 'NF >= 3 { $1 = $2 = ""; sub(/^ +/, ""); print; exit }')
		fi
		printf "    %s: %s  %s\n" "$a" "$b" "$txt"
	done <"$tmp/words"
}

# outdiff QDUMP DDUMP: the output words that differ, by name.
outdiff() {
	awk "$hexfn"'
	function name(kind, i) {
		if (kind == "gpr") return "r" i
		if (kind == "fpr") return "f" i
		return sprintf("mem[%+d]", 4 * i - 128)
	}
	function scan(file, arr,    line, f, n, i, k, base) {
		while ((getline line < file) > 0) {
			n = split(line, f, " ")
			if (f[1] != "out") continue
			if (f[2] == "hi") { arr["hi"] = f[3]; arr["lo"] = f[5]; arr["fcsr"] = f[7]; continue }
			if (f[3] !~ /:$/) continue
			base = hex(substr(f[3], 1, length(f[3]) - 1))
			for (i = 4; i <= n; i++) { k = name(f[2], base + i - 4); arr[k] = f[i]; order[++no] = k }
		}
	}
	BEGIN {
		scan(ARGV[1], q); scan(ARGV[2], d)
		order[++no] = "hi"; order[++no] = "lo"; order[++no] = "fcsr"
		for (i = 1; i <= no; i++) {
			k = order[i]
			if (seen[k]++) continue
			if (q[k] != d[k]) printf "    %-10s qemu %s  discoflash %s\n", k, q[k], (k in d) ? d[k] : "(none)"
		}
	}' "$1" "$2"
}

# analyse I: dump, minimise and report sequence I.
analyse() {
	local i=$1 lo=0 hi=0 g ng
	echo "=== sequence $i (seed $seed, flags $flags) ==="
	run_pair dump first="$i" count=1 verbose=2
	cp "$tmp/dump.q.out" "$tmp/full.q"
	cp "$tmp/dump.d.out" "$tmp/full.d"
	echo "exit status: qemu-mipsel $(cat "$tmp/dump.q.rc"), discoflash $(cat "$tmp/dump.d.rc")"
	[ -s "$tmp/dump.d.err" ] && { echo "discoflash stderr:"; head -n 20 "$tmp/dump.d.err"; }
	echo "code (as run under qemu-mipsel):"
	disasm "$tmp/full.q"
	echo "input state:"
	grep '^in ' "$tmp/full.q" | grep -v '(r1'
	echo "differing output (r1/r31 relative to the code base):"
	outdiff "$tmp/full.q" "$tmp/full.d"
	if ! grep -q "^out" "$tmp/full.d"; then
		echo "discoflash output of that run:"
		tail -n 20 "$tmp/full.d"
	fi

	ng=$(awk '$1 == "code" { print $7; exit }' "$tmp/full.q")
	echo "minimising ($ng groups)..."
	# drop runs of groups, halving the run length down to single groups
	local size=$(((ng + 1) / 2)) start nlo nhi
	while ((size >= 1)); do
		for ((start = 0; start < ng; start += size)); do
			nlo=$lo nhi=$hi
			for ((g = start; g < start + size && g < ng; g++)); do
				if ((g < 32)); then nlo=$((nlo | 1 << g)); else nhi=$((nhi | 1 << (g - 32))); fi
			done
			[ "$nlo/$nhi" = "$lo/$hi" ] && continue
			if differs "$i" "$nlo" "$nhi"; then lo=$nlo hi=$nhi; fi
		done
		size=$((size / 2))
	done
	lo=$(printf '0x%08x' "$lo") hi=$(printf '0x%08x' "$hi")
	run_pair dump first="$i" count=1 verbose=2 mask_lo="$lo" mask_hi="$hi"
	echo "minimal sequence (other groups replaced by nops; params mask_lo=$lo mask_hi=$hi):"
	disasm "$tmp/dump.q.out" "$lo" "$hi"
	echo "differing output of the minimal sequence:"
	outdiff "$tmp/dump.q.out" "$tmp/dump.d.out"
	echo "reproduce: guest/randinsn/params.sh IN OUT seed=$seed first=$i count=1 verbose=2 flags=$flags mask_lo=$lo mask_hi=$hi"
}

total_mis=0 done_n=0 qms=0 dms=0 analysed=0 status=0
: >"$tmp/all.mis"
while ((done_n < count)); do
	n=$((count - done_n < chunk ? count - done_n : chunk))
	f=$((first + done_n))
	run_pair chunk first="$f" count="$n" verbose=1 block=1000
	qrc=$(cat "$tmp/chunk.q.rc") drc=$(cat "$tmp/chunk.d.rc")
	qms=$((qms + $(cat "$tmp/chunk.q.ms"))) dms=$((dms + $(cat "$tmp/chunk.d.ms")))
	nq=$(grep -c '^seq ' "$tmp/chunk.q.out")
	if [ "$qrc" != 0 ] || [ "$nq" != "$n" ]; then
		echo "random_conformance: reference run failed (qemu-mipsel exit $qrc, $nq of $n sequences):"
		tail -n 5 "$tmp/chunk.q.out" "$tmp/chunk.q.err"
		exit 2
	fi
	mismatches chunk >"$tmp/chunk.mis"
	m=$(wc -l <"$tmp/chunk.mis")
	if [ "$drc" != 0 ]; then
		echo "discoflash exit status $drc in sequences $f..$((f + n - 1)):"
		tail -n 5 "$tmp/chunk.d.out" "$tmp/chunk.d.err"
		status=1
	fi
	if ((m > 0)); then
		status=1
		echo "sequences $f..$((f + n - 1)): $m mismatches, first: $(head -n 5 "$tmp/chunk.mis" | tr '\n' ' ')"
		cat "$tmp/chunk.mis" >>"$tmp/all.mis"
	fi
	total_mis=$((total_mis + m)) done_n=$((done_n + n))
	((count > chunk)) && echo "progress: $done_n/$count sequences, $total_mis mismatches"
done

echo "$count sequences, $total_mis mismatches (seed $seed, first $first, flags $flags)"
echo "time: qemu-mipsel $((qms / 1000)).$(printf %03d $((qms % 1000)))s," \
	"discoflash $((dms / 1000)).$(printf %03d $((dms % 1000)))s" \
	"($((dms > 0 ? count * 1000 / dms : 0)) sequences/s)"
if ((total_mis > 0)); then
	while read -r i && ((analysed < maxan)); do
		analyse "$i"
		analysed=$((analysed + 1))
	done <"$tmp/all.mis"
fi
exit $status
