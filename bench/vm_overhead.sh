#!/usr/bin/env bash
# bench/vm_overhead.sh [DISCOFLASH] [IMAGES]: the monitor's overhead on one
# CPU (issue 5; the paper's Figure 5 kind of result). The same Linux image
# and initramfs run bare on a one-node machine and in one VM on it; two
# workloads run from the console, each after the boot:
#   kernel-heavy:  a shell loop of many short processes and small files
#                  (300 x: echo > file, cat, wc, rm) - exec, fork, page
#                  faults, file system;
#   compute-heavy: md5sum of a 2 MiB file, 8 times (working set beyond the
#                  64-entry TLB's 512 KiB reach).
# Each workload's time is the run with it minus the run without it (boot
# and power-off alone), split into user, kernel, monitor and idle cycles of
# the CPU (statistics of --stats-json). Three runs of each: bare, in a VM
# with the HAL's special page (the kernel's interrupt enable bit in the
# monitor's page: guest/linux/patches/0002) and in a VM without it
# (special_page: false: every irq save/restore traps). Prints a table;
# ratios are against bare, same workload, same session.
set -eu
disco=${1:-build/cli/discoflash}
images=${2:-build/images}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

session() { # WORKLOAD-COMMAND
	printf 'expect "Run /sbin/init"\nexpect "flash0:/# "\n'
	[ -n "$1" ] && printf 'send "%s\\n"\nexpect "flash0:/# "\n' "$1"
	printf 'send "poweroff\\n"\n'
}
kernel_heavy='i=0; while [ $i -lt 300 ]; do echo $i > /tmp/f$i; cat /tmp/f$i | wc -c > /dev/null; rm /tmp/f$i; i=$((i+1)); done; echo done'
compute_heavy='dd if=/bin/busybox of=/tmp/big bs=1024 count=2048 2>/dev/null; for i in 1 2 3 4 5 6 7 8; do md5sum /tmp/big > /dev/null; done; echo done'

run() { # bare|vm NAME COMMAND
	session "$3" >"$work/$2.script"
	if [ "$1" = bare ]; then
		printf 'machine:\n  nodes: 1\n  memory_per_node: 32M\n  memory_model: detailed\n' >"$work/$2.yaml"
		printf 'boot:\n  cmdline: "console=ttyS0 rdinit=/sbin/init"\nconsole:\n  input: none\n' >>"$work/$2.yaml"
		"$disco" -c "$work/$2.yaml" --kernel "$images/vmlinux" --initrd "$images/rootfs.cpio" \
			--console-script "$work/$2.script" --no-progress --stats-json "$work/$2.json" >/dev/null
	else
		sp=true
		[ "$1" = vm-nosp ] && sp=false
		cat >"$work/$2.yaml" <<YAML
machine:
  nodes: 1
  memory_per_node: 64M
  memory_model: detailed
console:
  input: none
vms:
  - name: vm
    memory: 32M
    kernel: $images/vmlinux
    initrd: $images/rootfs.cpio
    cmdline: "console=ttyS0 rdinit=/sbin/init"
    console: $work/$2.console
    console_script: $work/$2.script
    special_page: $sp
YAML
		"$disco" -c "$work/$2.yaml" --no-progress --stats-json "$work/$2.json" >/dev/null
	fi
}

for where in bare vm vm-nosp; do
	run $where $where-none ""
	run $where $where-kernel "$kernel_heavy"
	run $where $where-compute "$compute_heavy"
done

python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
def split(name):
    d = json.load(open(f"{w}/{name}.json"))
    c = d["cpus"][0]
    return {k: int(c.get(k + "_cycles", 0)) for k in ("user", "kernel", "monitor", "idle")} | {"total": int(d["cycles"])}
d = json.load(open(f"{w}/vm-kernel.json"))["vms"][0]
print("VM, kernel-heavy run:", {k: d.get(k) for k in ("privileged_emulated", "kseg_tlb_faults", "l2tlb_hits",
      "l2tlb_misses_filled", "tlb_misses_reflected", "monitor_calls", "pages_zeroed", "pages_returned")})
d = json.load(open(f"{w}/vm-nosp-kernel.json"))["vms"][0]
print("VM without special page, kernel-heavy run:", {k: d.get(k) for k in ("privileged_emulated", "monitor_calls")})
print("| workload | run | total Mcycles | user | kernel | monitor | idle | time vs bare |")
print("|---|---|---|---|---|---|---|---|")
for wl in ("kernel", "compute"):
    base = None
    for where in ("bare", "vm", "vm-nosp"):
        a, b = split(f"{where}-{wl}"), split(f"{where}-none")
        d = {k: a[k] - b[k] for k in a}
        busy = d["user"] + d["kernel"] + d["monitor"]
        if base is None:
            base = busy
        print(f"| {wl}-heavy | {where} | {busy/1e6:.1f} | {d['user']/1e6:.1f} | {d['kernel']/1e6:.1f} | "
              f"{d['monitor']/1e6:.1f} | {d['idle']/1e6:.1f} | {busy/base:.2f} |")
PY
