#!/usr/bin/env bash
# guest/randinsn/params.sh IN OUT [NAME=VALUE...]
# Copies the randinsn program IN (either flavour) to OUT with the parameter
# block patched: the bare flavour has no command line, so this is how a run
# is chosen. NAME is seed, first, count, block, verbose, flags, mask_lo or
# mask_hi (see struct ri_params in randinsn.c); VALUE is decimal or 0x hex.
# Exits 2 with a message if IN does not hold exactly one parameter block.
set -eu
if [ $# -lt 2 ]; then
	echo "usage: $0 IN OUT [seed=N] [first=N] [count=N] [block=N] [verbose=N] [flags=N] [mask_lo=N] [mask_hi=N]" >&2
	exit 2
fi
in=$1 out=$2
shift 2
offs=$(LC_ALL=C grep -obUaF RANDINSN_PARAMS "$in" | cut -d: -f1)
if [ "$(printf '%s\n' "$offs" | grep -c .)" != 1 ]; then
	echo "$0: $in: expected exactly one RANDINSN_PARAMS block, found offsets: $offs" >&2
	exit 2
fi
# current values: seed first count block verbose flags mask_lo mask_hi
read -r -a b <<<"$(od -An -v -tu1 -j $((offs + 16)) -N32 "$in" | tr '\n' ' ')"
v=()
for k in 0 1 2 3 4 5 6 7; do
	v[k]=$((b[4 * k] | b[4 * k + 1] << 8 | b[4 * k + 2] << 16 | b[4 * k + 3] << 24))
done
for kv in "$@"; do
	name=${kv%%=*}
	case $name in
	seed) k=0 ;; first) k=1 ;; count) k=2 ;; block) k=3 ;;
	verbose) k=4 ;; flags) k=5 ;; mask_lo) k=6 ;; mask_hi) k=7 ;;
	*) echo "$0: unknown parameter '$name'" >&2; exit 2 ;;
	esac
	v[k]=$((${kv#*=}))
done
bytes=
for x in "${v[@]}"; do
	bytes+=$(printf '\\%03o\\%03o\\%03o\\%03o' $((x & 255)) $((x >> 8 & 255)) \
		$((x >> 16 & 255)) $((x >> 24 & 255)))
done
cp "$in" "$out.tmp.$$"
chmod u+w "$out.tmp.$$"
# shellcheck disable=SC2059 # octal escapes in the format are the point
printf "$bytes" | dd of="$out.tmp.$$" bs=1 seek=$((offs + 16)) conv=notrunc status=none
mv -f "$out.tmp.$$" "$out"
