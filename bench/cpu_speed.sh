#!/usr/bin/env bash
# bench/cpu_speed.sh: CPU interpreter speed of discoflash, against the same
# compute kernels run natively, under qemu-mipsel (user mode) and under
# qemu-system-mipsel (Malta board). Not a test: nothing here is in CTest.
#
# usage: bench/cpu_speed.sh [options]
#   --kernels "K ..."   kernels to run (default: sort crc32 matmul sha256 vm);
#                       "empty" (start-up and exit only) is always added
#   --reps N            repetitions of every run; the median is reported (3)
#   --discoflash FILE   emulator binary (default: $DISCOFLASH, else
#                       build/cli/discoflash of this repository)
#   --guest-build DIR   CMake build directory of guest/ (default: build/guest
#                       when it exists, else $TMPDIR/discoflash-bench-guest);
#                       configured if needed, then "bench_kernels" is built
#   --out FILE          JSON results (default: bench/results/cpu_speed.json)
#   --timeout S         kill any single run after S seconds (default 600)
#
# Every time is the wall time of the whole process (start-up, ELF loading
# and, for QEMU, machine set-up included), the median of --reps runs. The
# instruction count comes from discoflash --stats-json and is used for every
# runner (the same compiled kernel; the qemu-mipsel binary differs only in
# its few-instruction Linux runtime). discoflash's MIPS rate uses its own
# "host_seconds" (also a median). Every run must print the native build's
# checksum and exit 0; otherwise the script says so loudly and exits 1.
set -u
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
kernels="sort crc32 matmul sha256 vm"
reps=3
disco=${DISCOFLASH:-$repo/build/cli/discoflash}
gb=""
out=$here/results/cpu_speed.json
run_timeout=600

die() {
	echo "cpu_speed.sh: $*" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--kernels) kernels=$2; shift 2 ;;
	--reps) reps=$2; shift 2 ;;
	--discoflash) disco=$2; shift 2 ;;
	--guest-build) gb=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--timeout) run_timeout=$2; shift 2 ;;
	-h | --help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
done
case $reps in '' | *[!0-9]* | 0) die "--reps wants a positive integer, not '$reps'" ;; esac
case " $kernels " in
*" empty "*) ;;
*) kernels="empty $kernels" ;; # always measured: the start-up cost of each runner
esac
for k in $kernels; do
	[ -f "$here/kernels/$k.c" ] || die "no kernel '$k' (bench/kernels/$k.c)"
done

[ -x "$disco" ] || die "discoflash not found at '$disco': build it (cmake --build build) or pass --discoflash FILE"
for tool in gcc qemu-mipsel qemu-system-mipsel mipsel-linux-gnu-gcc cmake timeout; do
	command -v $tool >/dev/null || die "'$tool' is not installed (scripts/setup.sh installs it)"
done

# --- builds ---------------------------------------------------------------
if [ -z "$gb" ]; then
	if [ -f "$repo/build/guest/CMakeCache.txt" ]; then
		gb=$repo/build/guest
	else
		gb=${TMPDIR:-/tmp}/discoflash-bench-guest
	fi
fi
if [ ! -f "$gb/CMakeCache.txt" ]; then
	cmake -S "$repo/guest" -B "$gb" -DCMAKE_BUILD_TYPE=Release \
		-DCMAKE_TOOLCHAIN_FILE="$repo/guest/cmake/mipsel.cmake" >/dev/null ||
		die "configuring the guest build in $gb failed"
fi
if ! cmake --build "$gb" --target bench_kernels -j2 >"$gb/bench_build.log" 2>&1; then
	tail -n 30 "$gb/bench_build.log" >&2
	die "building the MIPS kernels in $gb failed (log: $gb/bench_build.log)"
fi
kdir=$gb/bench_kernels

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for k in $kernels; do
	gcc -O2 -ffp-contract=off -o "$tmp/$k.native" "$here/kernels/$k.c" \
		"$here/kernels/harness_host.c" || die "native build of $k failed"
done

# --- running --------------------------------------------------------------
runners="native qemu_user qemu_system discoflash"

# run_cmd RUNNER KERNEL: prints the command line running KERNEL on RUNNER.
run_cmd() {
	case $1 in
	native) echo "$tmp/$2.native" ;;
	qemu_user) echo "qemu-mipsel $kdir/bench_$2.linux" ;;
	qemu_system) echo "qemu-system-mipsel -M malta -nodefaults -display none -monitor none" \
		"-serial null -serial null -serial stdio -no-reboot -kernel $kdir/bench_$2.malta" ;;
	discoflash) echo "$disco --kernel $kdir/bench_$2.elf --no-progress --stats-json $tmp/stats.json" ;;
	esac
}

median() { # numbers on stdin, one a line
	sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
		else printf "%.6f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
mips() { # instructions host_seconds
	[ -n "$1" ] && [ -n "$2" ] || { echo null; return; }
	awk -v n="$1" -v t="$2" -v f="${3:-%.1f}" 'BEGIN { printf f, n / t / 1e6 }'
}
fdiv() { awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN { if (b > 0) printf f, a / b; else print "null" }'; }

failed=0
declare -A wall sum instr hostsec
for k in $kernels; do
	: >"$tmp/$k.host"
	for r in $runners; do : >"$tmp/$k.$r.t"; done
	for ((i = 0; i < reps; i++)); do
		for r in $runners; do # interleaved, so drift in host load hits all alike
			rm -f "$tmp/stats.json"
			t0=$EPOCHREALTIME
			timeout "$run_timeout" $(run_cmd $r $k) >"$tmp/out" 2>"$tmp/err" </dev/null
			rc=$?
			t1=$EPOCHREALTIME
			awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }' >>"$tmp/$k.$r.t"
			s=$(sed -n "s/^$k checksum \([0-9a-f]\{8\}\)\$/\1/p" "$tmp/out" | head -n 1)
			if [ $rc != 0 ] || [ -z "$s" ]; then
				echo "!!! $k on $r: exit status $rc, checksum '${s:-none}'; output:" >&2
				head -c 2000 "$tmp/out" "$tmp/err" >&2
				failed=1
			elif [ $r != native ] && [ "$s" != "${sum[$k.native]}" ]; then
				echo "!!! CHECKSUM MISMATCH in $k: $r printed $s, native ${sum[$k.native]}" >&2
				failed=1
			fi
			sum[$k.$r]=${s:-none}
			if [ $r = discoflash ]; then
				n=$(sed -n 's/^ *"instructions": *\([0-9]*\).*/\1/p' "$tmp/stats.json" 2>/dev/null)
				h=$(sed -n 's/^ *"host_seconds": *\([0-9.eE+-]*\).*/\1/p' "$tmp/stats.json" 2>/dev/null)
				if [ -z "$n" ] || [ -z "$h" ]; then
					echo "!!! $k: discoflash wrote no \"instructions\"/\"host_seconds\" to --stats-json" >&2
					failed=1
				else
					instr[$k]=$n
					echo "$h" >>"$tmp/$k.host"
				fi
			fi
		done
	done
	for r in $runners; do wall[$k.$r]=$(median <"$tmp/$k.$r.t"); done
	hostsec[$k]=$(median <"$tmp/$k.host")
	[ -n "${instr[$k]:-}" ] || instr[$k]=""
	echo "  $k done" >&2
done

# --- report ---------------------------------------------------------------
echo
echo "discoflash CPU speed: wall time of the whole process (start-up included), median of $reps"
echo "guest instructions from discoflash --stats-json; MIPS = instructions / discoflash host_seconds"
echo "ratio = discoflash wall time / other wall time (higher = discoflash slower)"
echo "empty = a kernel doing nothing: each runner's start-up and exit cost, included in every other row"
echo
agreed() { # KERNEL: the checksum every runner printed, or MISMATCH
	local r
	for r in $runners; do
		[ "${sum[$1.$r]}" = "${sum[$1.native]}" ] || { echo MISMATCH; return; }
	done
	echo "${sum[$1.native]}"
}
fmt="%-7s %9s %9s %7s | %8s %8s %8s | %7s %7s %7s | %-8s\n"
printf "$fmt" kernel "Minstr" "disco s" MIPS "native s" "q-user s" "q-sys s" "/native" "/q-user" "/q-sys" checksum
printf "$fmt" ------- --------- --------- ------- -------- -------- -------- ------- ------- ------- -------- |
	tr ' |' '-+'

for k in $kernels; do
	d=${wall[$k.discoflash]}
	printf "$fmt" "$k" "$(fdiv "${instr[$k]:-0}" 1e6 %.1f)" "$(fdiv "$d" 1 %.3f)" \
		"$([ $k = empty ] && echo - || mips "${instr[$k]:-}" "${hostsec[$k]}")" \
		"$(fdiv "${wall[$k.native]}" 1 %.3f)" "$(fdiv "${wall[$k.qemu_user]}" 1 %.3f)" \
		"$(fdiv "${wall[$k.qemu_system]}" 1 %.3f)" \
		"$(fdiv "$d" "${wall[$k.native]}" %.1f)" "$(fdiv "$d" "${wall[$k.qemu_user]}" %.1f)" \
		"$(fdiv "$d" "${wall[$k.qemu_system]}" %.1f)" "$(agreed $k)"
done

mkdir -p "$(dirname "$out")"
{
	printf '{\n  "benchmark": "cpu_speed",\n'
	printf '  "date": "%s",\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	printf '  "host_cpu": "%s",\n' "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1 | tr -d '"\\')"
	printf '  "discoflash": "%s",\n' "$("$disco" --version 2>&1 | head -n 1 | tr -d '"\\')"
	printf '  "qemu": "%s",\n' "$(qemu-mipsel --version | head -n 1 | tr -d '"\\')"
	printf '  "repetitions": %d,\n' "$reps"
	printf '  "time": "process wall seconds, start-up included, median of repetitions",\n'
	printf '  "checksums_agree": %s,\n' "$([ $failed = 0 ] && echo true || echo false)"
	printf '  "kernels": {'
	sep=""
	for k in $kernels; do
		printf '%s\n    "%s": {\n' "$sep" "$k"
		printf '      "instructions": %s,\n' "${instr[$k]:-null}"
		printf '      "checksum": "%s",\n' "${sum[$k.native]}"
		printf '      "discoflash_host_seconds": %s,\n' "${hostsec[$k]:-null}"
		printf '      "discoflash_mips": %s,\n' "$(mips "${instr[$k]:-}" "${hostsec[$k]}" %.3f)"
		for r in $runners; do
			printf '      "%s": { "wall_seconds": %s, "samples": [%s], "checksum": "%s" },\n' \
				"$r" "${wall[$k.$r]}" "$(paste -sd, "$tmp/$k.$r.t")" "${sum[$k.$r]}"
		done
		printf '      "ratio_vs_native": %s,\n' "$(fdiv "${wall[$k.discoflash]}" "${wall[$k.native]}" %.3f)"
		printf '      "ratio_vs_qemu_user": %s,\n' "$(fdiv "${wall[$k.discoflash]}" "${wall[$k.qemu_user]}" %.3f)"
		printf '      "ratio_vs_qemu_system": %s\n    }' "$(fdiv "${wall[$k.discoflash]}" "${wall[$k.qemu_system]}" %.3f)"
		sep=","
	done
	printf '\n  }\n}\n'
} >"$out"
echo
echo "results: $out"

if [ $failed != 0 ]; then
	echo >&2
	echo "!!!!!!!! cpu_speed.sh: FAILED: a run exited non-zero or printed a different checksum (see above) !!!!!!!!" >&2
	exit 1
fi
