#!/usr/bin/env bash
# scripts/guest-images.sh [BUILD_DIR]: makes the guest images that
# configs/one-node.yaml boots, in BUILD_DIR/images/ (default build/images/):
#   vmlinux       a link to the kernel in the build cache (guest/linux/
#                 build-kernel.sh: built once per set of inputs, ~7 minutes)
#   rootfs.ext2   the root disk (guest/rootfs/build-rootfs.sh), rebuilt when
#                 guest/rootfs/ changes - the old image is then replaced, so
#                 files you wrote into it are lost.
#   rootfs.cpio   the same tree as an initramfs, for the multi-node machine
#                 (configs/flash8.yaml), which boots without disks for now.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${1:-$root/build}/images
mkdir -p "$dir"

kernel=$("$root/guest/linux/build-kernel.sh" | tail -n1)
[ -f "$kernel" ] || { echo "guest-images: kernel build gave no vmlinux" >&2; exit 1; }
ln -sfn "$kernel" "$dir/vmlinux"

key=$(cd "$root/guest/rootfs" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
if [ ! -f "$dir/rootfs.ext2" ] || [ "$(cat "$dir/rootfs.ext2.key" 2>/dev/null)" != "$key" ]; then
	[ -f "$dir/rootfs.ext2" ] && echo "guest-images: guest/rootfs changed: rebuilding rootfs.ext2" >&2
	"$root/guest/rootfs/build-rootfs.sh" "$dir/rootfs.ext2" >/dev/null
	echo "$key" >"$dir/rootfs.ext2.key"
fi
if [ ! -f "$dir/rootfs.cpio" ] || [ "$(cat "$dir/rootfs.cpio.key" 2>/dev/null)" != "$key" ]; then
	"$root/guest/rootfs/build-rootfs.sh" "$dir/rootfs.cpio" >/dev/null
	echo "$key" >"$dir/rootfs.cpio.key"
fi
echo "guest-images: $dir/vmlinux -> $kernel" >&2
echo "guest-images: $dir/rootfs.ext2, $dir/rootfs.cpio (initramfs)" >&2
