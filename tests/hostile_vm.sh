#!/usr/bin/env bash
# tests/hostile_vm.sh DISCOFLASH GUEST_DIR: a hostile VM beside a canary VM.
# guest/hostile/hostile.elf runs as one VM's kernel: random privileged
# instructions and TLB writes, loads and stores all over the physical
# address space and the device window, virtio rings and descriptors that
# point anywhere (its disk is a scratch image), syscalls and hypcalls with
# random registers. guest/hostile/canary.elf runs in the other VM and keeps
# re-verifying a pattern in its memory. The monitor must survive (no crash,
# the machine powers off when both VMs are done), the hostile VM must run
# to its end, and the canary's memory must stay intact. Run twice: both
# VMs on one node (one rank), and on two nodes over two ranks.
set -u
disco=$1 guest=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fail() { echo "FAIL: $*"; exit 1; }
truncate -s 4M "$work/scratch.img"

for setup in "1 2 0 1" "2 1 1 2"; do
	set -- $setup
	nodes=$1 cpn=$2 canary_node=$3 ranks=$4
	cat >"$work/h.yaml" <<YAML
machine:
  nodes: $nodes
  cpus_per_node: $cpn
  memory_per_node: $((64 / nodes))M
  memory_model: detailed
console:
  input: none
vms:
  - name: hostile
    memory: 16M
    nodes: [0]
    kernel: $guest/hostile/hostile.elf
    disks:
      - image: $work/scratch.img
    network_devices: 1
    console: $work/hostile.log
  - name: canary
    memory: 16M
    nodes: [$canary_node]
    kernel: $guest/hostile/canary.elf
    console: $work/canary.log
YAML
	launch=()
	[ "$ranks" -gt 1 ] && launch=(mpirun -np "$ranks" --oversubscribe)
	"${launch[@]}" "$disco" -c "$work/h.yaml" --no-progress --stats-json "$work/s.json" \
		>"$work/out.log" 2>"$work/err.log"
	rc=$?
	[ $rc = 0 ] || { tail -20 "$work/err.log"; fail "$ranks rank(s): exit status $rc"; }
	grep -q "^canary: intact" "$work/canary.log" ||
		{ tail "$work/canary.log"; fail "the canary VM's memory changed"; }
	grep -q "^hostile: done" "$work/hostile.log" ||
		{ tail "$work/hostile.log"; fail "the hostile VM did not run to its end"; }
	# as on the bare machine: every exception it saw was one it provoked
	grep -q "^hostile: .* exceptions (.*, 0 stray)" "$work/hostile.log" ||
		{ grep stray "$work/hostile.log"; fail "the monitor raised an exception the hostile VM did not provoke"; }
	python3 - "$work/s.json" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
h, c = d["vms"]
assert h.get("powered_off") and c.get("powered_off"), "a VM did not power off"
assert int(h.get("dma_errors", 0)) > 0, "no DMA outside the VM was tried"
assert int(c.get("dma_errors", 0)) == 0
print(f"hostile: traps {h['traps']}, dma_errors {h['dma_errors']}; canary: traps {c['traps']}")
PY
	echo "ok ($nodes node(s), $ranks rank(s)): $(tail -1 "$work/hostile.log" | cut -c1-100)"
done
echo "ok: the monitor survived the hostile VM and the canary stayed intact"
