#!/usr/bin/env bash
# bench/linux_boot.sh [--reps N]: how long discoflash takes to boot Linux.
#
# Boots the default machine's kernel (build/images/vmlinux) on a copy of the
# root disk with a console script, and reports, from discoflash's console
# marks (--stats-json): host seconds and guest instructions from reset to
# "Run /sbin/init", to the shell prompt, and to power-off after the scripted
# session of the boot test (uname, cpuinfo, mount, a file write, poweroff),
# plus MIPS. Each figure is the median of N runs (default 3).
#
# Baseline in the same run: qemu-system-mipsel (QEMU's mipssim board) running
# the same vmlinux with a device tree for mipssim appended (QEMU cannot hand
# one over), measured to the same console lines it can reach: mipssim has no
# disk, so its boot ends at the root mount ("VFS: Cannot open root device" /
# panic); the comparison point is the root-mount attempt on both machines.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD:-$root/build}
disco=${DISCOFLASH:-$build/cli/discoflash}
images=$build/images
reps=3
[ "${1:-}" = "--reps" ] && reps=$2
for f in "$disco" "$images/vmlinux" "$images/rootfs.ext2"; do
	[ -e "$f" ] || { echo "linux_boot: $f missing: run scripts/test.sh or scripts/guest-images.sh" >&2; exit 2; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
session=$root/guest/linux/session.script

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { # field JSON MARK_INDEX KEY  (MARK_INDEX -1: top level)
	python3 - "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
i, k = int(sys.argv[2]), sys.argv[3]
print(d[k] if i < 0 else d["console_marks"][i][k])
PY
}

for r in $(seq "$reps"); do
	cp "$images/rootfs.ext2" "$tmp/root.img"
	"$disco" --kernel "$images/vmlinux" --disk "$tmp/root.img" --no-input --no-progress \
		--cmdline "console=ttyS0 root=/dev/vda rw" --console-script "$session" \
		--stats-json "$tmp/run$r.json" >"$tmp/console$r.log" 2>&1 || {
		echo "linux_boot: run $r failed:" >&2
		tail -n 20 "$tmp/console$r.log" >&2
		exit 1
	}
done

report() { # report LABEL MARK_INDEX
	local secs insns
	secs=$(for r in $(seq "$reps"); do field "$tmp/run$r.json" "$2" host_seconds; done | median)
	insns=$(for r in $(seq "$reps"); do field "$tmp/run$r.json" "$2" instructions; done | median)
	awk -v l="$1" -v s="$secs" -v n="$insns" \
		'BEGIN { printf "%-30s %8.3f s %10.1f M instr %6.0f MIPS\n", l, s, n / 1e6, n / s / 1e6 }'
}
echo "discoflash, median of $reps runs (host seconds from process start)"
report "reset -> root mounted" 0
report "reset -> Run /sbin/init" 1
report "reset -> shell prompt" 2
report "reset -> power-off (session)" -1

# ---- the same kernel on QEMU (mipssim), to the root mount ------------------
# Both machines get lpj=995328 (the delay-loop value discoflash measures at
# 200 MHz): QEMU calibrates its delay loop against host time, so without it
# every udelay() in its boot spins millions of extra guest instructions.
# Wall time is measured the same way for both processes: from start until
# the console shows the root-mount line (QEMU: "Cannot open root device",
# it has no disk; discoflash: "VFS: Mounted root"), start-up included.
command -v qemu-system-mipsel >/dev/null || { echo "(qemu-system-mipsel not installed: no baseline)"; exit 0; }
dtc -q -I dts -O dtb -o "$tmp/mipssim.dtb" "$root/bench/qemu/mipssim.dts"
mipsel-linux-gnu-objcopy --update-section .appended_dtb="$tmp/mipssim.dtb" \
	"$(readlink -f "$images/vmlinux")" "$tmp/vmlinux.qemu"
wall_until() { # wall_until PATTERN CMD... : seconds until CMD prints PATTERN
	local start end
	start=$EPOCHREALTIME
	grep -m1 -q -- "$1" < <(shift; exec "$@" 2>&1)
	end=$EPOCHREALTIME
	awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'
}
q=() d=()
for r in $(seq "$reps"); do
	q+=("$(wall_until "Cannot open root device" timeout 60 qemu-system-mipsel -M mipssim -m 64 \
		-kernel "$tmp/vmlinux.qemu" -nographic -monitor none -serial stdio)")
	pkill -f "$tmp/vmlinux.qemu" 2>/dev/null || true
	cp "$images/rootfs.ext2" "$tmp/root.img"
	d+=("$(wall_until "VFS: Mounted root" timeout 60 "$disco" --kernel "$images/vmlinux" \
		--disk "$tmp/root.img" --no-input --no-progress \
		--cmdline "console=ttyS0 root=/dev/vda rw lpj=995328")")
	pkill -f "$tmp/root.img" 2>/dev/null || true
done
qm=$(printf '%s\n' "${q[@]}" | median)
dm=$(printf '%s\n' "${d[@]}" | median)
echo
echo "reset -> root mount, same vmlinux, lpj=995328, process wall time incl. start-up (median of $reps)"
awk -v q="$qm" -v d="$dm" 'BEGIN {
	printf "  discoflash          %8.3f s\n  qemu-system-mipsel  %8.3f s   (mipssim)\n  ratio discoflash / qemu  %.2f\n", d, q, d / q }'
