#!/usr/bin/env bash
# tests/stats_pb.sh DISCOFLASH PROGRAM.elf CONFIG.yaml STATS.proto PROTOC-C [MPIEXEC]:
# the protobuf statistics (--stats-pb, a packed discoflash.Run of
# proto/stats.proto) against the JSON ones (--stats-json) of the same run.
#
# Runs PROGRAM on the machine of CONFIG (placement made round-robin, so that
# under MPI every rank holds nodes that are not neighbours and rank 0 has to
# sort what it gathers), decodes the protobuf with Google's protobuf parser
# (protoc --decode when protoc is installed, else protoc-c --decode: the same
# libprotoc, independent of the protobuf-c runtime that wrote the file) and
# requires every field of the JSON to equal the decoded one (absent from the
# protobuf: the proto3 default), and no field in the protobuf that the JSON
# lacks. Checks the totals add up. With MPIEXEC, does the same on 2 and 3
# ranks and requires everything but the per-rank and host-time fields (ranks,
# host_seconds, mips, ranks_used) to equal the 1-rank run's. Last, the
# command line: --stats-pb on the fast model and to an unwritable file fail
# with status 2. Skips (77) without python3, which compares.
set -u
disco=$1 elf=$2 config=$3 proto=$4 protoc=$5 mpiexec=${6:-}
if command -v protoc >/dev/null 2>&1; then
	protoc=$(command -v protoc)
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: python3 (which compares the outputs) is not installed"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

sed -E 's/^machine:[[:space:]]*$/machine:\n  placement: round-robin/' "$config" >"$tmp/machine.yaml"
if ! grep -q '^  placement: round-robin$' "$tmp/machine.yaml"; then
	echo "FAIL: $config has no 'machine:' line to add the placement to"
	exit 1
fi

# compare JSON DECODED PROTO RANKS: every field of the JSON against protoc's
# text format of the same Run; RANKS: the rank count the run must report
compare() {
	python3 - "$@" <<'PY'
import json, re, sys

jpath, tpath, ppath, nranks = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
j = json.load(open(jpath))
# map fields: JSON objects, in the text format repeated {key, value} entries
maps = set(re.findall(r"map<\s*\w+\s*,\s*\w+\s*>\s+(\w+)\s*=", open(ppath).read()))

# protoc's text format: `name: value` and `name {` ... `}`; every field a
# list (repeated and singular alike)
root, stack = {}, []
stack.append(root)
for line in open(tpath):
    line = line.strip()
    if not line:
        continue
    if line == "}":
        stack.pop()
    elif line.endswith("{"):
        child = {}
        stack[-1].setdefault(line[:-1].strip(), []).append(child)
        stack.append(child)
    else:
        name, _, val = line.partition(": ")
        stack[-1].setdefault(name, []).append(val)

errors = []

def scalar(path, jv, tv):
    if len(tv) > 1:
        errors.append(f"{path}: {len(tv)} values in the protobuf")
        return
    if not tv:  # proto3 leaves defaults out
        if jv not in (0, False, "") or isinstance(jv, (dict, list)):
            errors.append(f"{path}: JSON {jv!r}, protobuf absent (default)")
        return
    t = tv[0]
    if isinstance(t, dict):
        errors.append(f"{path}: JSON {jv!r}, protobuf a message")
    elif isinstance(jv, bool):
        if t != ("true" if jv else "false"):
            errors.append(f"{path}: JSON {jv}, protobuf {t}")
    elif isinstance(jv, str):
        if not (t.startswith('"') and t.endswith('"')) or \
                t[1:-1].encode().decode("unicode_escape") != jv:
            errors.append(f"{path}: JSON {jv!r}, protobuf {t}")
    elif isinstance(jv, int) and re.fullmatch(r"-?[0-9]+", t):
        if int(t) != jv:
            errors.append(f"{path}: JSON {jv}, protobuf {t}")
    elif isinstance(jv, (int, float)):
        if float(t) != float(jv):  # both the shortest form of one double
            errors.append(f"{path}: JSON {jv!r}, protobuf {t}")
    else:
        errors.append(f"{path}: JSON {jv!r} of an unexpected kind")

def message(path, jm, tm):
    for k in tm:
        if k not in jm:
            errors.append(f"{path}.{k}: in the protobuf, not in the JSON")
    for k, jv in jm.items():
        p, tv = f"{path}.{k}", tm.get(k, [])
        if k in maps:
            got = {}
            for e in tv:
                key = e.get("key", ['""'])[0].strip('"')
                got[key] = int(e.get("value", ["0"])[0])
            if got != jv:
                errors.append(f"{p}: JSON {jv}, protobuf {got}")
        elif isinstance(jv, dict):
            if len(tv) != 1 or not isinstance(tv[0], dict):
                errors.append(f"{p}: not one message in the protobuf")
            else:
                message(p, jv, tv[0])
        elif isinstance(jv, list):
            if len(tv) != len(jv):
                errors.append(f"{p}: {len(jv)} in the JSON, {len(tv)} in the protobuf")
                continue
            for i, (a, b) in enumerate(zip(jv, tv)):
                if isinstance(a, dict):
                    message(f"{p}[{i}]", a, b if isinstance(b, dict) else {})
                else:
                    scalar(f"{p}[{i}]", a, [b])
        else:
            scalar(p, jv, tv)

message("run", j, root)

# the totals and the order rank 0 merged the shares in
cpus, nodes, ranks = j["cpus"], j["nodes"], j["ranks"]
m = j["machine"]
checks = [
    (j["ranks_used"] == nranks, f"ranks_used {j['ranks_used']}, expected {nranks}"),
    ([r["rank"] for r in ranks] == list(range(nranks)), "ranks not 0..N-1 in order"),
    ([c["cpu"] for c in cpus] == list(range(m["nodes"] * m["cpus_per_node"])),
     "cpus not 0..N-1 in order"),
    ([n["node"] for n in nodes] == list(range(m["nodes"])), "nodes not 0..N-1 in order"),
    (sum(r["nodes"] for r in ranks) == m["nodes"], "the ranks' nodes do not add up"),
    (sum(c["instructions"] for c in cpus) == j["instructions"],
     "the CPUs' instructions do not add up to instructions"),
    (sum(r["instructions"] for r in ranks) == j["instructions"],
     "the ranks' instructions do not add up to instructions"),
    (all(sum(n["messages_in"].values()) == n["directory_messages_in"] for n in nodes),
     "messages_in does not add up to directory_messages_in"),
    (j["instructions"] > 0 and j["cycles"] > 0, "no instructions or cycles"),
]
errors += [msg for ok, msg in checks if not ok]
for e in errors:
    print("FAIL:", e)
if not errors:
    print(f"ok: {nranks} rank(s): the protobuf holds the JSON's values "
          f"({len(cpus)} CPUs, {len(nodes)} nodes, {len(ranks)} ranks; "
          f"{j['instructions']} instructions, {j['cycles']} cycles)")
sys.exit(1 if errors else 0)
PY
}

# machine JSON: the statistics without the per-rank and host-time fields
machine() {
	python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("ranks", "host_seconds", "mips", "ranks_used"):
    d.pop(k, None)
json.dump(d, sys.stdout, indent=1, sort_keys=True)
PY
}

fail=0
counts=1
[ -n "$mpiexec" ] && counts="1 2 3"
for n in $counts; do
	launch=()
	# Open MPI keeps allocations past MPI_Finalize: no leak check under it
	[ "$n" -gt 1 ] && launch=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
		"$mpiexec" -np "$n" --oversubscribe)
	"${launch[@]}" "$disco" -c "$tmp/machine.yaml" --kernel "$elf" --no-input \
		--max-cycles 4000000000 --stats-json "$tmp/stats$n.json" \
		--stats-pb "$tmp/stats$n.pb" >"$tmp/out$n.log" 2>&1
	rc=$?
	if [ "$rc" != 0 ] || [ ! -s "$tmp/stats$n.json" ] || [ ! -s "$tmp/stats$n.pb" ]; then
		tail -n 20 "$tmp/out$n.log"
		echo "FAIL: $n rank(s): exit status $rc (expected 0), or no statistics written"
		fail=1
		continue
	fi
	if ! "$protoc" --decode=discoflash.Run -I"$(dirname "$proto")" "$proto" \
		<"$tmp/stats$n.pb" >"$tmp/stats$n.txt" 2>"$tmp/decode$n.log"; then
		cat "$tmp/decode$n.log"
		echo "FAIL: $n rank(s): $protoc cannot decode the --stats-pb file"
		fail=1
		continue
	fi
	compare "$tmp/stats$n.json" "$tmp/stats$n.txt" "$proto" "$n" || fail=1
	machine "$tmp/stats$n.json" >"$tmp/machine$n.json"
	if [ "$n" -gt 1 ]; then
		if cmp -s "$tmp/machine1.json" "$tmp/machine$n.json"; then
			echo "ok: $n ranks: the statistics equal 1 rank's (ranks and host times aside)"
		else
			echo "FAIL: $n ranks: the statistics differ from 1 rank's:"
			diff "$tmp/machine1.json" "$tmp/machine$n.json" | head -20
			fail=1
		fi
	fi
done

# the command line: the fast model has no such statistics; a file that cannot
# be written is an error
"$disco" --kernel "$elf" --memory-model fast --no-input --stats-pb "$tmp/fast.pb" \
	>"$tmp/fast.log" 2>&1
rc=$?
if [ "$rc" = 2 ] && grep -q -- "--stats-pb" "$tmp/fast.log"; then
	echo "ok: --stats-pb on the fast model: status 2, $(head -n1 "$tmp/fast.log")"
else
	cat "$tmp/fast.log"
	echo "FAIL: --stats-pb on the fast model: status $rc, expected 2 with a message"
	fail=1
fi
"$disco" -c "$tmp/machine.yaml" --kernel "$elf" --no-input --max-cycles 4000000000 \
	--stats-pb "$tmp/no/such/dir/stats.pb" >"$tmp/nodir.log" 2>&1
rc=$?
if [ "$rc" = 2 ] && grep -q "no/such/dir/stats.pb" "$tmp/nodir.log"; then
	echo "ok: --stats-pb to an unwritable file: status 2"
else
	tail -n 5 "$tmp/nodir.log"
	echo "FAIL: --stats-pb to an unwritable file: status $rc, expected 2 naming the file"
	fail=1
fi
exit $fail
