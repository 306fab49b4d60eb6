#!/usr/bin/env bash
# guest/rootfs/build-rootfs.sh OUT.img: builds the guest's root file system,
# a 32 MiB ext2 image for the virtio disk (/dev/vda): Debian's busybox-static
# for mipsel (/bin/busybox plus a symlink per applet) and the project's own
# files from guest/rootfs/files/ (inittab, rcS, passwd, profile, ...).
#
# Deterministic: fixed UUID, hash seed, owners (root) and timestamps, and
# sorted directory entries, so the same inputs give a byte-identical image.
# The busybox .deb is downloaded once into
# ${DISCOFLASH_CACHE:-$HOME/.cache/discoflash}/debs/ (this adds the mipsel
# dpkg architecture if needed; needs root or sudo the first time only).
# The image is written next to OUT.img and renamed into place when complete.
# Messages go to stderr; the last stdout line is OUT.img's path.
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${DISCOFLASH_CACHE:-$HOME/.cache/discoflash}
debs=$cache/debs

size=32M                                   # image size
epoch=1767225600                           # every timestamp: 2026-01-01 00:00:00 UTC
uuid=d15c0f1a-5ee0-4a11-8f00-000000000001  # file system UUID
seed=d15c0f1a-5ee0-4a11-8f00-000000000002  # directory hash seed

say() { echo "build-rootfs: $*" >&2; }
die() { say "error: $*"; exit 1; }

[ $# = 1 ] && [ "${1#-}" = "$1" ] || die "usage: $0 OUT.img | OUT.cpio"
out=$(realpath -m "$1")
mkdir -p "$(dirname "$out")"

for tool in dpkg-deb mke2fs debugfs e2fsck qemu-mipsel; do
	command -v "$tool" >/dev/null || missing_tool=$tool
done
if [ -n "${missing_tool:-}" ]; then
	say "missing $missing_tool: running scripts/setup.sh"
	"$repo/scripts/setup.sh" >&2
fi

sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo

# BusyBox: Debian's static mipsel build, fetched once into the cache.
mkdir -p "$debs"
deb=$(find "$debs" -maxdepth 1 -name 'busybox-static_*_mipsel.deb' | sort -V | tail -n1)
if [ -z "$deb" ]; then
	if ! dpkg --print-foreign-architectures | grep -qx mipsel; then
		say "adding the mipsel dpkg architecture"
		$sudo dpkg --add-architecture mipsel
		$sudo apt-get update -qq
	elif ! apt-cache show busybox-static:mipsel >/dev/null 2>&1; then
		$sudo apt-get update -qq
	fi
	say "downloading busybox-static:mipsel into $debs"
	# As root, apt's _apt sandbox user could not write into $debs.
	(cd "$debs" && apt-get download -q -o APT::Sandbox::User="$(id -un)" busybox-static:mipsel >&2) ||
		die "apt-get download busybox-static:mipsel failed"
	deb=$(find "$debs" -maxdepth 1 -name 'busybox-static_*_mipsel.deb' | sort -V | tail -n1)
	[ -n "$deb" ] || die "no busybox-static_*_mipsel.deb in $debs after download"
fi
say "using $(basename "$deb")"

tmp=$(mktemp -d)
img=$out.tmp.$$
trap 'rm -rf "$tmp" "$img"' EXIT
root=$tmp/root
umask 022

# Staging tree: busybox, its applets, the project's files, mount points.
dpkg-deb -x "$deb" "$tmp/deb"
install -D -m 755 "$tmp/deb/bin/busybox" "$root/bin/busybox"
applets=$(qemu-mipsel "$root/bin/busybox" --list-full) || die "qemu-mipsel cannot run busybox"
n=0
for a in $applets; do
	[ "$a" = linuxrc ] || [ -e "$root/$a" ] || [ -L "$root/$a" ] && continue
	mkdir -p "$(dirname "$root/$a")"
	ln -s /bin/busybox "$root/$a"
	n=$((n + 1))
done
say "busybox with $n applet links"

cp -R "$here/files/." "$root/"
# Modes do not depend on the checkout: scripts (#!) 755, other files 644.
find "$root" -path "$root/bin/busybox" -prune -o -type f -print | while IFS= read -r f; do
	if [ "$(head -c2 "$f")" = "#!" ]; then chmod 755 "$f"; else chmod 644 "$f"; fi
done
for d in dev proc sys tmp root mnt run; do mkdir -p "$root/$d"; done
find "$root" -type d -exec chmod 755 {} +
chmod 1777 "$root/tmp"
chmod 700 "$root/root"
chmod 600 "$root/etc/shadow"

# An initramfs instead (OUT ends in .cpio): a newc archive of the same tree
# for the multi-node machine, which boots without disks. The kernel does not
# mount devtmpfs on an initramfs root, so the console node is in the archive
# (rcS mounts devtmpfs over it).
if [ "${out%.cpio}" != "$out" ]; then
	rm -f "$root/dev/console"
	mknod -m 600 "$root/dev/console" c 5 1
	find "$root" -exec touch -h -d "@$epoch" {} +
	(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc --reproducible -R 0:0 --quiet) >"$img"
	mv "$img" "$out"
	say "done: $out ($(du -k --apparent-size "$out" | cut -f1) KiB)"
	echo "$out"
	exit 0
fi

# The image, with our own mke2fs.conf so that no host defaults leak in.
say "creating a $size ext2 image"
printf '[fs_types]\n\text2 = {\n\t\tblocksize = 4096\n\t}\n\tsmall = {\n\t\tblocksize = 4096\n\t}\n' >"$tmp/mke2fs.conf"
MKE2FS_CONFIG=$tmp/mke2fs.conf E2FSPROGS_FAKE_TIME=$epoch mke2fs -q -F -t ext2 \
	-O none,dir_index,filetype,sparse_super,large_file \
	-b 4096 -I 256 -N 4096 -m 0 -L flash0-root -U "$uuid" \
	-E hash_seed="$seed",root_owner=0:0 -d "$root" "$img" "$size" >&2

# Owners and times as on the staging tree would vary with the host user and
# the clock: set every inode to root and $epoch.
(
	cd "$root"
	find . -mindepth 1 | sed 's|^\.||'
	echo /
	echo /lost+found
) | while IFS= read -r p; do
	for field in uid gid; do echo "sif \"$p\" $field 0"; done
	for field in atime mtime ctime; do echo "sif \"$p\" $field @$epoch"; done
done >"$tmp/debugfs.cmds"
E2FSPROGS_FAKE_TIME=$epoch debugfs -w -f "$tmp/debugfs.cmds" "$img" >"$tmp/debugfs.log" 2>&1
if grep -v '^debugfs' "$tmp/debugfs.log" | grep -q .; then
	cat "$tmp/debugfs.log" >&2
	die "debugfs could not set owners/times"
fi
E2FSPROGS_FAKE_TIME=$epoch e2fsck -fn "$img" >"$tmp/fsck.log" 2>&1 || {
	cat "$tmp/fsck.log" >&2
	die "e2fsck found errors in the new image"
}

mv "$img" "$out"
say "done: $out ($(du -k --apparent-size "$out" | cut -f1) KiB, $(du -k "$out" | cut -f1) KiB used)"
echo "$out"
