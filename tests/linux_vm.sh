#!/usr/bin/env bash
# tests/linux_vm.sh DISCOFLASH IMAGES one|two: Linux under the monitor.
#   one: one VM (1 vCPU, 32 MiB) on a one-node machine runs the scripted
#        session (guest/linux/vm-session.script) and powers off; the VM's
#        statistics show the monitor at work (privileged instructions
#        emulated, kernel TLB faults, pages given and zeroed, its time
#        split into user, kernel and monitor).
#   smp: one VM of 2 vCPUs on 2 nodes: Linux brings the second vCPU up
#        through the virtual MAGIC and runs a job on both (IPIs counted);
#   timeshare: two VMs on a machine of one CPU: the scheduler time-shares
#        it; both run the session and ping each other;
#   two: two VMs on a 2-node machine, once on 1 rank and once on 2 ranks
#        (one VM per rank): both run the session and ping each other over
#        the virtual subnet; each VM's console and the whole statistics
#        must be identical on 1 and 2 ranks (determinism).
set -u
disco=$1 images=$2 mode=$3
here=$(cd "$(dirname "$0")/.." && pwd)
script=$here/guest/linux/vm-session.script
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fail() { echo "FAIL: $*"; exit 1; }

vm() { # NAME NODES CONSOLE [VCPUS [SCRIPT]]
	cat <<YAML
  - name: $1
    memory: 32M
    vcpus: ${4:-1}
    nodes: [$2]
    kernel: $images/vmlinux
    initrd: $images/rootfs.cpio
    cmdline: "console=ttyS0 rdinit=/sbin/init"
    network_devices: 1
    console: $3
    console_script: ${5:-$script}
YAML
}

machine() { # NODES MEM
	printf 'machine:\n  nodes: %s\n  cpus_per_node: 1\n  memory_per_node: %s\n' "$1" "$2"
	printf '  memory_model: detailed\nconsole:\n  input: none\nvms:\n'
}

check_stats() { # JSON NVMS
	python3 - "$1" "$2" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
vms = d.get("vms", [])
assert len(vms) == int(sys.argv[2]), f"{len(vms)} VMs in the statistics"
for v in vms:
    for k in ("privileged_emulated", "kseg_tlb_faults", "pages_zeroed", "user_cycles",
              "kernel_cycles", "monitor_cycles", "hw_tlb_misses", "l2tlb_hits",
              "tlb_misses_reflected", "device_accesses", "virtual_irqs", "monitor_calls",
              "pages_returned"):
        assert int(v.get(k, 0)) > 0, f"VM {v['name']}: {k} is 0"
    assert v.get("powered_off"), f"VM {v['name']} did not power off"
    print(f"VM {v['name']}: user {v['user_cycles']} kernel {v['kernel_cycles']} "
          f"monitor {v['monitor_cycles']} cycles; emulated {v['privileged_emulated']}, "
          f"kseg faults {v['kseg_tlb_faults']}, L2TLB hits {v['l2tlb_hits']}, "
          f"reflected {v['tlb_misses_reflected']}, pages {v['pages_zeroed']}")
PY
}

check_console() { # FILE
	for want in "vm-index" "Linux flash0 6.1" "4629a7aa7e78fe69dbd35a1acef0331d  /bin/busybox" \
		"reboot: Power down"; do
		grep -q "$want" "$1" || { cat "$1"; fail "$1: no '$want'"; }
	done
}

case $mode in
one)
	{ machine 1 64M; vm vm0 0 "$work/vm0.log"; } >"$work/one.yaml"
	"$disco" -c "$work/one.yaml" --no-progress --stats-json "$work/s.json" ||
		{ cat "$work/vm0.log"; fail "exit status $?"; }
	check_console "$work/vm0.log"
	check_stats "$work/s.json" 1
	echo "ok: Linux ran its session in a VM and powered off"
	;;
smp)
	{ machine 2 48M; vm s "0, 1" "$work/s.log" 2 "$here/guest/linux/smp-session.script"; } >"$work/smp.yaml"
	"$disco" -c "$work/smp.yaml" --no-progress --stats-json "$work/s.json" ||
		{ cat "$work/s.log"; fail "exit status $?"; }
	# (whether "reboot: Power down" still reaches the console depends on
	# which CPU holds the console when the VM stops: not checked)
	for want in "smp: Brought up 1 node, 2 CPUs" "2 4629a7aa7e78fe69dbd35a1acef0331d  /bin/busybox" \
		"MAGIC-IPI" "Requesting system poweroff"; do
		grep -q "$want" "$work/s.log" || { cat "$work/s.log"; fail "no '$want'"; }
	done
	check_stats "$work/s.json" 1
	echo "ok: a VM of 2 vCPUs on 2 nodes ran a job on both"
	;;
timeshare)
	{ machine 1 96M; vm a 0 "$work/a.log"; vm b 0 "$work/b.log"; } >"$work/ts.yaml"
	"$disco" -c "$work/ts.yaml" --no-progress --stats-json "$work/s.json" ||
		{ cat "$work/"*.log; fail "exit status $?"; }
	for v in a b; do
		check_console "$work/$v.log"
		grep -q "3 packets transmitted, 3 packets received" "$work/$v.log" ||
			{ cat "$work/$v.log"; fail "VM $v: no ping answers over the subnet"; }
	done
	check_stats "$work/s.json" 2
	python3 - "$work/s.json" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
for v in d["vms"]:
    assert int(v.get("vcpu_switches", 0)) > 10, f"VM {v['name']}: no time-sharing"
c = d["cpus"][0]
parts = sum(int(c.get(k, 0)) for k in ("user_cycles", "kernel_cycles", "monitor_cycles", "idle_cycles"))
assert abs(parts - int(c["cycles"])) < int(c["cycles"]) // 100, f"time split {parts} vs {c['cycles']}"
print("switches:", [v["vcpu_switches"] for v in d["vms"]])
PY
	echo "ok: two VMs time-shared one CPU and pinged each other"
	;;
two)
	for n in 1 2; do
		mkdir -p "$work/r$n"
		{ machine 2 48M; vm a 0 "$work/r$n/a.log"; vm b 1 "$work/r$n/b.log"; } >"$work/r$n.yaml"
		launch=()
		[ "$n" -gt 1 ] && launch=(mpirun -np "$n" --oversubscribe)
		"${launch[@]}" "$disco" -c "$work/r$n.yaml" --no-progress \
			--stats-json "$work/r$n/s.json" >"$work/r$n/out.log" 2>&1 ||
			{ cat "$work/r$n/"*.log; fail "exit status $? on $n rank(s)"; }
		for v in a b; do
			check_console "$work/r$n/$v.log"
			grep -q "3 packets transmitted, 3 packets received" "$work/r$n/$v.log" ||
				{ cat "$work/r$n/$v.log"; fail "VM $v: no ping answers over the subnet"; }
		done
		check_stats "$work/r$n/s.json" 2
		python3 - "$work/r$n/s.json" >"$work/r$n/m.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("ranks", "host_seconds", "mips", "ranks_used"):
    d.pop(k, None)
json.dump(d, sys.stdout, indent=1, sort_keys=True)
PY
	done
	for f in a.log b.log m.json; do
		cmp -s "$work/r1/$f" "$work/r2/$f" ||
			{ diff "$work/r1/$f" "$work/r2/$f" | head -20; fail "$f differs between 1 and 2 ranks"; }
	done
	echo "ok: 2 VMs on 2 ranks: same consoles and statistics as on 1 rank; they pinged each other"
	;;
*) fail "mode one, smp, timeshare or two" ;;
esac
