#!/usr/bin/env bash
# tests/splashos.sh DISCOFLASH GUEST_DIR MODE [IMAGES_DIR]: SPLASHOS
# applications (guest/apps, guest/splashos) in VMs under the monitor.
#   apps    radix, raytrace and lu, small sizes: the Linux flavour under
#           qemu-mipsel with 1, 4 and 8 pthreads and the SPLASHOS flavour in
#           a VM with 1, 4 and 8 vCPUs (8-node machine) all print "result ok"
#           and the same checksum;
#   ranks   radix with 8 vCPUs on 8 nodes, on 1 rank and on 2 ranks: the
#           same console (checksum and cycles of the parallel phase) and the
#           same statistics;
#   faults  on one machine: SPLASHOS applications that dereference NULL,
#           divide by zero (on a vCPU other than 0), run out of memory and
#           load from the device window where no device is (off the home
#           node: the forwarded access fails), beside radix and a Linux VM
#           (IMAGES_DIR): each faulting one ends with the line naming its
#           vCPU and address, the others finish;
#   linux   the Linux flavours on Linux on the machine (bare, 4 CPUs), from a
#           disk made of the programs: the same checksums as under qemu;
#   libc    SPLASHOS's printf and math against glibc's (sos_glibc_check under
#           qemu-mipsel), and sostest.sos in a VM with 4 vCPUs and a disk
#           (malloc, strings, math, locks and barriers, a file written and
#           read back through /dev/vda).
set -u
disco=$1 guest=$2 mode=$3 images=${4:-}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
apps=$guest/apps
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fail() { echo "FAIL: $*"; exit 1; }

# the small problem of each application (CI sizes)
declare -A size=([radix]="-n 16384" [raytrace]="-w 48 -h 32" [lu]="-n 64 -b 16")
declare -A ref # each application's checksum under qemu-mipsel (ref_checksums)

checksum() { # LOG APP: the checksum line's value, after checking "result ok"
	grep -q "^$2: result ok" "$1" || { cat "$1"; fail "$2: no 'result ok' in $1"; }
	tr -d '\r' <"$1" | sed -n "s/^$2: checksum \(0x[0-9a-f]*\)$/\1/p"
}

machine() { # NODES: the machine part of a config
	printf 'machine:\n  nodes: %s\n  cpus_per_node: 1\n  memory_per_node: 32M\n' "$1"
	printf '  memory_model: detailed\nconsole:\n  input: none\nvms:\n'
}

vm() { # NAME VCPUS NODES APP ARGS [MEMORY]
	printf '  - name: %s\n    vcpus: %s\n    nodes: [%s]\n    memory: %s\n' "$1" "$2" "$3" "${6:-16M}"
	printf '    app: %s\n    args: "%s"\n    console: %s\n' "$4" "$5" "$work/$1.log"
}

run() { # CONFIG RANKS [more discoflash options]
	local cfg=$1 ranks=$2
	shift 2
	local launch=()
	[ "$ranks" -gt 1 ] && launch=(mpirun -np "$ranks" --oversubscribe)
	"${launch[@]}" "$disco" -c "$cfg" --no-progress "$@" >"$work/out.log" 2>"$work/err.log"
}

ref_checksums() { # the Linux flavours under qemu-mipsel: 1, 4 and 8 threads agree
	for app in radix raytrace lu; do
		ref[$app]=""
		for p in 1 4 8; do
			qemu-mipsel "$apps/$app.linux" ${size[$app]} -p $p >"$work/q.log" 2>&1 ||
				{ cat "$work/q.log"; fail "$app.linux -p $p under qemu-mipsel"; }
			local c
			c=$(checksum "$work/q.log" $app)
			[ -z "${ref[$app]}" ] && ref[$app]=$c
			[ "$c" = "${ref[$app]}" ] || fail "$app.linux: checksum $c with $p threads, ${ref[$app]} with 1"
		done
		echo "ok: $app.linux under qemu-mipsel, 1/4/8 threads: checksum ${ref[$app]}"
	done
}

case $mode in
apps)
	ref_checksums
	for v in 1 4 8; do
		for app in radix raytrace lu; do
			{
				machine 8
				vm "$app" $v "$(seq -s, 0 $((v - 1)))" "$apps/$app.sos" "${size[$app]} -p $v"
			} >"$work/c.yaml"
			run "$work/c.yaml" 1 || { cat "$work/err.log" "$work/$app.log"; fail "$app.sos, $v vCPUs: exit status"; }
			c=$(checksum "$work/$app.log" $app)
			[ "$c" = "${ref[$app]}" ] || fail "$app.sos with $v vCPUs: checksum $c, Linux flavour ${ref[$app]}"
			grep -q "^splashos: exit 0" "$work/$app.log" || fail "$app.sos: no clean exit"
			echo "ok: $app.sos with $v vCPUs: checksum $c"
		done
	done
	;;
ranks)
	{
		machine 8
		vm radix 8 "0,1,2,3,4,5,6,7" "$apps/radix.sos" "${size[radix]} -p 8"
	} >"$work/c.yaml"
	sed -i '/console: /d' "$work/c.yaml" # on stdout, compared by ranks_compare.sh
	"$here/ranks_compare.sh" "$work" "1 2" "$disco" -c "$work/c.yaml" --no-progress ||
		fail "radix on 1 and 2 ranks differ"
	grep -q "radix: result ok" "$work/console1.log" || fail "radix did not check its result"
	grep "radix: checksum\|parallel phase" "$work/console1.log"
	echo "ok: radix with 8 vCPUs on 8 nodes: the same console and statistics on 1 and 2 ranks"
	;;
faults)
	[ -n "$images" ] || fail "faults needs IMAGES_DIR (a Linux VM runs beside)"
	fault=$guest/splashos/tests/sosfault.sos
	{
		machine 8
		vm null 4 "0,1,2,3" "$fault" "null 2"
		vm div0 2 "4,5" "$fault" "div0 1"
		vm oom 1 "6" "$fault" "oom 0"
		vm dev 2 "2,3" "$fault" "dev 1"
		vm radix 2 "6,7" "$apps/radix.sos" "${size[radix]} -p 2"
		cat <<YAML
  - name: linux
    memory: 32M
    nodes: [7]
    kernel: $images/vmlinux
    initrd: $images/rootfs.cpio
    cmdline: "console=ttyS0 rdinit=/sbin/init"
    console: $work/linux.log
    console_script: $here/../guest/linux/vm-session.script
    network_devices: 1
YAML
	} >"$work/c.yaml"
	run "$work/c.yaml" 1 --stats-json "$work/s.json"
	rc=$?
	# the machine's exit status is a VM's nonzero exit value: a fault's
	[ $rc != 0 ] || fail "exit status 0 although applications faulted"
	grep -E "terminate|panic|internal error" "$work/err.log" && fail "the monitor failed"
	expect() { # VM REGEX
		grep -Eq -- "$2" "$work/$1.log" || { cat "$work/$1.log"; fail "$1: no line matches /$2/"; }
		echo "ok: $1: $(grep -E -- "$2" "$work/$1.log" | head -1)"
	}
	expect null "^splashos: vCPU 2: bad address on load at pc 0x[0-9a-f]{8}, address 0x00000000"
	expect div0 "^splashos: vCPU 1: division by zero at pc 0x[0-9a-f]{8}"
	expect oom "^splashos: vCPU 0: out of memory"
	expect dev "^splashos: vCPU 1: bus error at pc 0x[0-9a-f]{8}, address 0xbf0ff000"
	expect radix "^radix: result ok"
	expect radix "^splashos: exit 0"
	expect linux "reboot: Power down"
	python3 - "$work/s.json" <<'PY' || exit 1
import json, sys
vms = {v["name"]: v for v in json.load(open(sys.argv[1]))["vms"]}
for name in ("null", "div0", "oom", "dev", "radix", "linux"):
    assert vms[name]["powered_off"], f"{name} did not power off"
assert vms["radix"]["exit_value"] == 0, vms["radix"]
for name in ("null", "div0", "oom", "dev"):
    assert vms[name]["exit_value"] != 0, f"{name} exited with 0"
print("ok: every VM powered off; exit values",
      {n: v["exit_value"] for n, v in sorted(vms.items())})
PY
	;;
linux)
	[ -n "$images" ] || fail "linux needs IMAGES_DIR"
	ref_checksums
	mkdir "$work/disk"
	cp "$apps"/*.linux "$work/disk/"
	mke2fs -q -t ext2 -F -d "$work/disk" "$work/apps.ext2" 16M >/dev/null 2>&1 || fail "mke2fs"
	{
		echo 'expect "Run /sbin/init"'
		echo 'expect "flash0:/# "'
		echo 'send "mount -t ext2 /dev/vda /mnt && cd /mnt\n"'
		echo 'expect "flash0:/mnt# "'
		for app in radix raytrace lu; do
			echo "send \"./$app.linux ${size[$app]} -p 4\\n\""
			echo 'expect "flash0:/mnt# "'
		done
		echo 'send "cd / && umount /mnt && poweroff\n"'
	} >"$work/session.script"
	cat >"$work/c.yaml" <<YAML
machine:
  nodes: 4
  cpus_per_node: 1
  memory_per_node: 32M
  memory_model: detailed
disks:
  - image: $work/apps.ext2
boot:
  kernel: $images/vmlinux
  initrd: $images/rootfs.cpio
  cmdline: "console=ttyS0 rdinit=/sbin/init"
console:
  input: none
YAML
	run "$work/c.yaml" 1 --console-script "$work/session.script" --max-cycles 20000000000 ||
		{ tail -30 "$work/out.log" "$work/err.log"; fail "Linux run: exit status"; }
	for app in radix raytrace lu; do
		c=$(checksum "$work/out.log" $app)
		[ "$c" = "${ref[$app]}" ] || fail "$app.linux on Linux on discoflash: checksum $c, under qemu ${ref[$app]}"
		echo "ok: $app.linux with 4 threads on Linux on discoflash (4 CPUs): checksum $c"
	done
	;;
libc)
	qemu-mipsel "$guest/splashos/tests/sos_glibc_check" >"$work/q.log" 2>&1 ||
		{ cat "$work/q.log"; fail "SPLASHOS's printf or math differ from glibc's"; }
	tail -n 3 "$work/q.log"
	truncate -s 1M "$work/disk.img"
	{
		machine 4
		vm sostest 4 "0,1,2,3" "$guest/splashos/tests/sostest.sos" "one two"
		printf '    disks:\n      - image: %s\n' "$work/disk.img"
	} >"$work/c.yaml"
	run "$work/c.yaml" 1 || { cat "$work/err.log" "$work/sostest.log"; fail "sostest.sos: exit status"; }
	grep -q "^sostest: sostest.sos with 2 argument(s), 4 vCPUs" "$work/sostest.log" ||
		fail "sostest.sos did not get its arguments"
	grep -q "^sostest: /dev/vda .* written and read back" "$work/sostest.log" ||
		{ cat "$work/sostest.log"; fail "sostest.sos: no file test"; }
	grep -q "^sostest: ok" "$work/sostest.log" || { cat "$work/sostest.log"; fail "sostest.sos"; }
	echo "ok: sostest.sos with 4 vCPUs and a disk"
	;;
*) fail "unknown mode $mode" ;;
esac
echo "splashos $mode: all checks passed"
