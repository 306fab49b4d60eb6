#!/usr/bin/env bash
# guest/linux/build-kernel.sh: builds the guest Linux kernel (vmlinux) from
# Debian's linux-source-6.1 with guest/linux/config.frag and the patches in
# guest/linux/patches/, and caches it outside the repository.
#
#   build-kernel.sh               build if needed; last stdout line = vmlinux path
#   build-kernel.sh --print-path  print the cached vmlinux path; exit 1 if absent
#
# Cache: ${DISCOFLASH_CACHE:-$HOME/.cache/discoflash}/linux-<key>/ holding
# vmlinux, .config, System.map and key.txt (the inputs the key hashes: the
# linux-source-6.1 package version, config.frag, every patch, this script,
# the cross compiler and binutils versions). A hit returns at once.
# The build runs in linux-<key>.tmp.<pid>/ and is renamed into place only
# when complete, so an interrupted build never leaves a bad entry; the
# unpacked source is deleted after success; a failed build leaves its log in
# linux-<key>.<pid>.log. All messages go to stderr.
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${DISCOFLASH_CACHE:-$HOME/.cache/discoflash}
cross=mipsel-linux-gnu-
tarball=/usr/src/linux-source-6.1.tar.xz
frag=$here/config.frag

say() { echo "build-kernel: $*" >&2; }
die() { say "error: $*"; exit 1; }

print_only=0
case "${1:-}" in
"") ;;
--print-path) print_only=1 ;;
-h | --help) sed -n '2,16s/^# \{0,1\}//p' "$0" >&2; exit 0 ;;
*) die "unknown argument '$1' (expected nothing or --print-path)" ;;
esac

# Tools: install what is missing through the project's setup script.
if [ $print_only = 0 ]; then
	for tool in "${cross}gcc" make bc flex bison patch xz; do
		command -v "$tool" >/dev/null || missing_tool=$tool
	done
	if [ -n "${missing_tool:-}" ] || [ ! -f "$tarball" ]; then
		say "missing ${missing_tool:-$tarball}: running scripts/setup.sh"
		"$repo/scripts/setup.sh" >&2
	fi
fi

# The cache key: everything that can change the vmlinux.
src_version=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
	die "linux-source-6.1 is not installed (run scripts/setup.sh)"
command -v "${cross}gcc" >/dev/null || die "${cross}gcc not found (run scripts/setup.sh)"
patches=("$here"/patches/*.patch)
[ -e "${patches[0]}" ] || patches=()
manifest=$(
	echo "linux-source-6.1 $src_version"
	echo "gcc $("${cross}gcc" --version | head -n1)"
	echo "binutils $("${cross}ld" --version | head -n1)"
	echo "config.frag $(sha256sum <"$frag" | cut -d' ' -f1)"
	echo "build-kernel.sh $(sha256sum <"$0" | cut -d' ' -f1)"
	for p in ${patches[@]+"${patches[@]}"}; do
		echo "patch $(basename "$p") $(sha256sum <"$p" | cut -d' ' -f1)"
	done
)
key=$(printf '%s\n' "$manifest" | sha256sum | cut -c1-16)
final=$cache/linux-$key

if [ $print_only = 1 ]; then
	echo "$final/vmlinux"
	[ -f "$final/vmlinux" ]
	exit
fi
if [ -f "$final/vmlinux" ]; then
	say "cached: $final"
	echo "$final/vmlinux"
	exit 0
fi

# Leftovers of builds that were killed outright (their process is gone).
mkdir -p "$cache"
for old in "$cache"/linux-*.tmp.*; do
	[ -d "$old" ] || continue
	kill -0 "${old##*.}" 2>/dev/null && continue
	say "removing stale $old"
	rm -rf "$old"
done

tmp=$cache/linux-$key.tmp.$$
src=$tmp/src
log=$cache/linux-$key.$$.log
make_pid=
cleanup() {
	if [ -n "$make_pid" ]; then kill "$make_pid" 2>/dev/null || true; wait "$make_pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'say "interrupted: removing $tmp"; exit 130' INT TERM
mkdir -p "$src"
printf '%s\n' "$manifest" >"$tmp/key.txt"
: >"$log"

# Reproducible `uname -v` and version banner.
export ARCH=mips CROSS_COMPILE=$cross
export KBUILD_BUILD_USER=discoflash KBUILD_BUILD_HOST=discoflash
export KBUILD_BUILD_VERSION=1 KBUILD_BUILD_TIMESTAMP="Thu Jan 1 00:00:00 UTC 2026"
jobs=$(nproc)
mk() { make -C "$src" -j"$jobs" "$@" >>"$log" 2>&1 || { tail -n 40 "$log" >&2; die "make $* failed (see above)"; }; }

say "[1/6] unpacking linux-source-6.1 $src_version into $tmp"
tar -xf "$tarball" -C "$src" --strip-components=1

say "[2/6] applying ${#patches[@]} patch(es)"
for p in ${patches[@]+"${patches[@]}"}; do
	say "  $(basename "$p")"
	patch -d "$src" -p1 --batch --forward --quiet <"$p" >&2 || die "patch $p does not apply"
done

say "[3/6] configuring: tinyconfig + config.frag + olddefconfig"
mk tinyconfig
(cd "$src" && ./scripts/kconfig/merge_config.sh -m .config "$frag") >>"$log" 2>&1 ||
	die "merge_config.sh failed (log: $log)"
mk olddefconfig

say "[4/6] checking that every option of config.frag is in .config"
bad=()
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qxF -- "$line" "$src/.config" ||
			bad+=("$line (got: $(grep -E "^(# )?${line%%=*}[= ]" "$src/.config" || echo absent))")
		;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt%% *}
		! grep -qE "^$opt=[ym]$" "$src/.config" || bad+=("$line (got: $(grep "^$opt=" "$src/.config"))")
		;;
	esac
done <"$frag"
if [ ${#bad[@]} -gt 0 ]; then
	say "config.frag options that olddefconfig dropped or changed (a missing dependency?):"
	printf '  %s\n' "${bad[@]}" >&2
	die "fix config.frag"
fi

say "[5/6] compiling vmlinux with $jobs jobs (several minutes; log: $log)"
make -C "$src" -j"$jobs" vmlinux >>"$log" 2>&1 &
make_pid=$!
start=$SECONDS
while kill -0 "$make_pid" 2>/dev/null; do
	for _ in $(seq 30); do
		sleep 1
		kill -0 "$make_pid" 2>/dev/null || break
	done
	kill -0 "$make_pid" 2>/dev/null || break
	# find races with make's temporary files: ignore its complaints (and,
	# under pipefail, its exit status, which would end this script).
	n=$(find "$src" -name '*.o' -type f 2>/dev/null | wc -l || true)
	say "  still compiling, $n objects done ($((SECONDS - start)) s)"
done
status=0
wait "$make_pid" || status=$?
make_pid=
if [ $status != 0 ]; then
	tail -n 40 "$log" >&2
	die "make vmlinux failed (exit $status; see above)"
fi
say "  compiled in $((SECONDS - start)) s"

say "[6/6] keeping vmlinux, .config, System.map; deleting the source tree"
cp "$src/vmlinux" "$src/.config" "$src/System.map" "$tmp/"
mv "$log" "$tmp/build.log"
rm -rf "$src"
if ! mv -T "$tmp" "$final" 2>/dev/null; then
	[ -f "$final/vmlinux" ] || die "cannot move $tmp to $final"
	say "another build finished first; using it"
fi
say "done: $final"
echo "$final/vmlinux"
