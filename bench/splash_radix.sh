#!/usr/bin/env bash
# bench/splash_radix.sh [DISCOFLASH] [GUEST_DIR] [IMAGES] [KEYS]: the
# paper's Figure 7 radix result on our machine (issue 6). radix
# (guest/apps/radix.c) sorts the same KEYS keys (default 262144, seed 1)
# with 8 threads on an 8-node machine (one CPU per node, configs/flash8.yaml's
# latencies), two ways:
#   splashos:  radix.sos in a VM with 8 vCPUs, one per node, on SPLASHOS
#              (memory interleaved over the 8 nodes, page faults the
#              monitor's);
#   linux:     radix.linux with 8 pthreads on Linux on the bare machine
#              (the programs on a virtio disk). Its figures are the run with
#              radix minus the run without it (boot, mount and power-off
#              alone), so they are radix's own.
# Prints, for each: the parallel phase's cycles (radix's own clock), the
# whole program's cycles (start to exit; SPLASHOS: the VM's life), the time
# of the 8 CPUs split into user, kernel, monitor and idle, page faults
# (Linux: the process's, from BusyBox time -v; SPLASHOS: none in the guest,
# the monitor's TLB fills of its flat address space instead), TLB refills and L2 misses (local and remote).
# Ratios are SPLASHOS against Linux, same run of this script.
set -eu
disco=${1:-build/cli/discoflash}
guest=${2:-build/guest}
images=${3:-build/images}
keys=${4:-262144}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
args="-n $keys -s 1 -p 8"

machine() { # the 8-node machine of configs/flash8.yaml
	cat <<YAML
machine:
  nodes: 8
  cpus_per_node: 1
  memory_per_node: 32M
  clock_mhz: 200
  memory_model: detailed
console:
  input: none
YAML
}

# SPLASHOS
{
	machine
	cat <<YAML
vms:
  - name: radix
    vcpus: 8
    memory: 64M
    app: $guest/apps/radix.sos
    args: "$args"
YAML
} >"$work/sos.yaml"
echo "splash_radix: radix $args on SPLASHOS (8 vCPUs)" >&2
"$disco" -c "$work/sos.yaml" --no-progress --stats-json "$work/sos.json" >"$work/sos.log"

# Linux, with and without radix
mkdir "$work/disk"
cp "$guest/apps/radix.linux" "$work/disk/"
mke2fs -q -t ext2 -F -d "$work/disk" "$work/apps.ext2" 16M >/dev/null 2>&1
linux() { # NAME COMMAND
	{
		printf 'expect "Run /sbin/init"\nexpect "flash0:/# "\n'
		printf 'send "mount -t ext2 /dev/vda /mnt\\n"\nexpect "flash0:/# "\n'
		[ -n "$2" ] && printf 'send "%s\\n"\nexpect "flash0:/# "\n' "$2"
		printf 'send "umount /mnt; poweroff\\n"\n'
	} >"$work/$1.script"
	{
		machine
		cat <<YAML
disks:
  - image: $work/apps.ext2
boot:
  kernel: $images/vmlinux
  initrd: $images/rootfs.cpio
  cmdline: "console=ttyS0 rdinit=/sbin/init"
YAML
	} >"$work/$1.yaml"
	echo "splash_radix: Linux, 8 CPUs: ${2:-boot and power-off alone}" >&2
	"$disco" -c "$work/$1.yaml" --console-script "$work/$1.script" --no-progress \
		--stats-json "$work/$1.json" >"$work/$1.log"
}
linux none ""
linux radix "time -v /mnt/radix.linux $args"

python3 - "$work" <<'PY'
import json, re, sys
w = sys.argv[1]

def cpus(name):
    d = json.load(open(f"{w}/{name}.json"))
    t = {k: sum(int(c.get(k, 0)) for c in d["cpus"]) for k in (
        "user_cycles", "kernel_cycles", "monitor_cycles", "idle_cycles", "tlb_refills",
        "local_misses", "remote_misses", "three_hop_misses")}
    t["cycles"] = int(d["cycles"])
    return t, d

def phase(name):
    log = open(f"{w}/{name}.log").read()
    assert "radix: result ok" in log, f"{name}: radix did not check its result:\n{log[-2000:]}"
    return int(re.search(r"radix: parallel phase (\d+) cycles", log).group(1)), \
        re.search(r"radix: checksum (0x[0-9a-f]+)", log).group(1), log

sos, sosd = cpus("sos")
sos_phase, sos_sum, _ = phase("sos")
vm = sosd["vms"][0]
none, _ = cpus("none")
lin_all, _ = cpus("radix")
lin_phase, lin_sum, log = phase("radix")
assert sos_sum == lin_sum, f"checksums differ: SPLASHOS {sos_sum}, Linux {lin_sum}"
lin = {k: lin_all[k] - none[k] for k in lin_all}
# BusyBox time -v: the process's page faults
lin_faults = sum(int(x) for x in re.findall(r"(?:Major|Minor) \([^)]*\) page faults: (\d+)", log))
sos_faults = 0  # its pages were mapped when the VM was built (interleave)

def row(name, t, ph, pf, ratio):
    tot = t["user_cycles"] + t["kernel_cycles"] + t["monitor_cycles"] + t["idle_cycles"]
    print(f"| {name} | {ph / 1e6:.2f} | {t['cycles'] / 1e6:.2f} | "
          f"{t['user_cycles'] / 1e6:.1f} | {t['kernel_cycles'] / 1e6:.1f} | "
          f"{t['monitor_cycles'] / 1e6:.1f} | {t['idle_cycles'] / 1e6:.1f} | {tot / 1e6:.1f} | "
          f"{pf} | {t['tlb_refills']} | {t['local_misses']} | "
          f"{t['remote_misses'] + t['three_hop_misses']} | {ratio} |")

print(f"radix, same keys, 8 threads on 8 CPUs; checksum {sos_sum} on both")
print("| run | parallel phase Mcycles | program Mcycles | user M | kernel M | monitor M | "
      "idle M | CPU time M (8 CPUs) | page faults | TLB refills | local L2 misses | "
      "remote L2 misses | parallel phase vs Linux |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
row("Linux, pthreads", lin, lin_phase, lin_faults, "1.00")
row("SPLASHOS in a VM", sos, sos_phase, sos_faults, f"{sos_phase / lin_phase:.2f}")
print("SPLASHOS's TLB refills are the monitor's fills of its KSEG0 address space; "
      "SPLASHOS runs the application in the guest's kernel mode and its idle vCPUs spin, "
      "so its CPU time is kernel time with no idle.")
print("SPLASHOS VM counters:", {k: vm.get(k) for k in (
    "kseg_tlb_faults", "hw_tlb_misses", "privileged_emulated", "device_accesses",
    "monitor_cycles")}, "traps:", vm.get("traps"))
PY
