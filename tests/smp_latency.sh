#!/usr/bin/env bash
# tests/smp_latency.sh DISCOFLASH LATENCY.elf CONFIG.yaml: runs the latency
# probe (guest/smp/latency.c) on the machine of CONFIG (3 nodes or more)
# and compares what the guest measured with what the timing model says it
# should see.
#
# The guest prints `latency NAME CYCLES` (one decimal), all stall cycles
# per load beyond the 1 cycle every instruction takes: l1_hit, what a load
# that hits the L1 adds (0.0 when nothing); local, remote_clean and
# remote_dirty, what a miss of that kind adds on top of an L1 hit (a miss
# to local memory; to a remote home with no cached copy; to a remote home
# whose line a third node holds dirty). discoflash writes the model's
# values of the same quantities to --stats-json under "model":
# {"l1_hit", "local_miss", "remote_clean_miss", "remote_dirty_miss"}
# (cycles). Each measured value must be within 5% of the model's; 0.1
# cycle, the printed precision, is always allowed (l1_hit's model is 0).
set -u
disco=$1 elf=$2 config=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
json=$tmp/stats.json

out=$("$disco" -c "$config" --kernel "$elf" --no-input --max-cycles 4000000000 \
	--stats-json "$json" 2>&1)
rc=$?
echo "$out"
if [ "$rc" != 0 ]; then
	echo "FAIL: exit status $rc, expected 0 (1: a chain read back wrong; 2: machine" \
		"unsuitable, e.g. fewer than 3 nodes; 3: instruction limit)"
	exit 1
fi
if [ ! -s "$json" ]; then
	echo "FAIL: no statistics written to --stats-json"
	exit 1
fi

# model KEY: the model's value of KEY (a number), or nothing
model() {
	if command -v jq >/dev/null 2>&1; then
		jq -r --arg k "$1" '.model[$k] // empty | numbers' "$json" 2>/dev/null
	else
		python3 - "$json" "$1" <<'PY' 2>/dev/null
import json, sys
v = json.load(open(sys.argv[1])).get("model", {}).get(sys.argv[2])
if isinstance(v, (int, float)) and not isinstance(v, bool):
    print(v)
PY
	fi
}

fail=0
for pair in l1_hit:l1_hit local:local_miss remote_clean:remote_clean_miss \
	remote_dirty:remote_dirty_miss; do
	name=${pair%%:*} key=${pair#*:}
	got=$(sed -nE "s/^latency $name (-?[0-9]+(\.[0-9])?)\r?$/\1/p" <<<"$out" | tail -n1)
	want=$(model "$key")
	if [ -z "$got" ]; then
		echo "FAIL: the guest printed no 'latency $name' line"
		fail=1
		continue
	fi
	if [ -z "$want" ]; then
		echo "FAIL: the statistics have no numeric model.$key"
		fail=1
		continue
	fi
	if awk -v g="$got" -v w="$want" 'BEGIN {
		d = g - w; if (d < 0) d = -d
		t = 0.05 * (w < 0 ? -w : w); if (t < 0.1) t = 0.1
		exit !(d <= t) }'; then
		echo "ok:   $name measured $got cycles, model $key $want"
	else
		echo "FAIL: $name measured $got cycles, model $key $want (more than 5% apart)"
		fail=1
	fi
done
exit $fail
