#!/usr/bin/env bash
# scripts/setup.sh: installs the Debian packages discoflash needs that are
# missing (build tools, Open MPI, cmocka, the mipsel cross compiler, the QEMU
# reference oracles, ...). Safe to run again: it installs only what is absent.
# Needs root (or sudo) when something is missing.
set -euo pipefail

packages=(
	build-essential cmake pkg-config clang-format
	libopenmpi-dev openmpi-bin
	libprotobuf-c-dev protobuf-c-compiler libuv1-dev libcmocka-dev libyaml-dev
	gcc-mipsel-linux-gnu device-tree-compiler libfdt-dev e2fsprogs
	qemu-user qemu-system-mips
	linux-source-6.1 bc flex bison libssl-dev libelf-dev cpio
	spin
)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "setup: all ${#packages[@]} packages present"
	exit 0
fi

echo "setup: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || { echo "setup: need root to install packages" >&2; exit 1; }
	sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup: done"
