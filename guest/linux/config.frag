# guest/linux/config.frag: discoflash's kernel configuration, merged on top of
# `make tinyconfig` by build-kernel.sh (then `make olddefconfig`).
#
# Board contract (the device tree the emulator generates): RAM at physical 0,
# a 16550 UART at 0x1f000000 (CPU IP2), virtio-mmio slots from 0x1f001000
# (0x1000 apart, 0x200 long; block on IP3, net on IP4, slots 2 and up share
# IP5), a syscon-poweroff register at 0x1f200000, a "discoflash,magic" node
# for the per-node MAGIC blocks at 0x1f100000 + n * 0x1000 (IPIs on IP6),
# Count/Compare timer on IP7, DTB handed over by UHI (a0 = -2, a1 = KSEG0
# address of the DTB), command line from /chosen/bootargs. Device interrupts
# reach CPU 0 only; IP6 and IP7 are per CPU.
#
# build-kernel.sh checks that every `=y` and every value line below survived
# olddefconfig, and that every "is not set" line is really off: a line that
# Kconfig silently drops (a missing dependency) fails the build by name.

# --- Platform: the generic, device-tree driven MIPS kernel. -----------------
# No board file: any root `compatible` is accepted. Little-endian MIPS32r2,
# 32-bit, no HIGHMEM (all RAM fits in KSEG0's 512 MiB).
CONFIG_MIPS_GENERIC_KERNEL=y
CONFIG_CPU_LITTLE_ENDIAN=y
CONFIG_CPU_MIPS32_R2=y
CONFIG_32BIT=y
# CONFIG_HIGHMEM is not set
# CONFIG_LEGACY_BOARD_SEAD3 is not set
# CONFIG_PCI is not set

# --- SMP through the MAGIC registers (patches/0001-discoflash-magic-smp). ----
# The HAL patch: CPUs start through each node's mailbox, IPIs through its IPI
# registers on IP6. It selects SMP, the IPI irq domain code, WEAK_ORDERING
# (barriers are real `sync`s), SYNC_R4K (each new CPU's Count is set to CPU
# 0's) and CLOCKSOURCE_VALIDATE_LAST_CYCLE (a CPU whose Count is slightly
# behind the last tick's reads "no time passed", not a 2^32-tick jump: each
# CPU's Count is the clocksource on that CPU). Without a "discoflash,magic"
# node (today's one-CPU machine) the same kernel runs on CPU 0 alone. No NUMA
# (flat memory), no CPU hotplug. NR_CPUS 32: the documented maximum for
# 32-bit MIPS kernels; a machine with more CPUs boots the first 32.
CONFIG_DISCOFLASH_MAGIC_SMP=y
# The monitor HAL (patches/0002): monitor calls for zeroed and freed pages,
# the interrupt enable bit in the monitor's special page; inert without a
# "discoflash,monitor" device-tree node (bare runs). Set to n to build the
# kernel without it (bench/vm_overhead.sh compares with and without).
CONFIG_DISCOFLASH_HAL=y
CONFIG_SMP=y
CONFIG_NR_CPUS=32
CONFIG_WEAK_ORDERING=y
CONFIG_SYNC_R4K=y
CONFIG_CLOCKSOURCE_VALIDATE_LAST_CYCLE=y
# CONFIG_HOTPLUG_CPU is not set
# CONFIG_NUMA is not set

# --- Timer tick. --------------------------------------------------------------
# 100 Hz periodic tick from CP0 Count/Compare (its rate is half the cpu
# node's clock).
CONFIG_HZ_100=y

# --- Floating point. ----------------------------------------------------------
# Debian's mipsel userland is hard-float: the kernel saves/restores the FPU
# and emulates what the FPU does not implement.
CONFIG_MIPS_FP_SUPPORT=y

# --- Device tree and command line. -------------------------------------------
# The DTB comes by UHI. An ELF-appended DTB (empty in the built vmlinux) lets
# a copy of the same kernel run on machines that cannot hand one over (used
# for the QEMU mipssim smoke test); it wins over UHI only when filled in.
# The command line is /chosen/bootargs, never built in.
CONFIG_OF=y
CONFIG_MIPS_ELF_APPENDED_DTB=y
CONFIG_MIPS_CMDLINE_FROM_DTB=y
# CONFIG_CMDLINE_BOOL is not set

# --- Kernel messages. ---------------------------------------------------------
# printk with timestamps, BUG() reports, and symbol names in oops backtraces
# (KALLSYMS) so an emulator bug that crashes the guest says where. The early
# console is `earlycon` (SERIAL_EARLYCON below): the generic kernel has no
# SYS_HAS_EARLY_PRINTK, so MIPS EARLY_PRINTK cannot be enabled.
CONFIG_PRINTK=y
CONFIG_PRINTK_TIME=y
CONFIG_BUG=y
CONFIG_KALLSYMS=y

# --- System calls BusyBox and ordinary programs expect. ----------------------
CONFIG_MULTIUSER=y
CONFIG_FUTEX=y
CONFIG_EPOLL=y
CONFIG_SIGNALFD=y
CONFIG_TIMERFD=y
CONFIG_EVENTFD=y
CONFIG_SHMEM=y
CONFIG_POSIX_TIMERS=y
CONFIG_FILE_LOCKING=y
# Debian bookworm's mipsel userland (glibc 2.36, BusyBox) still calls the
# 32-bit-time system calls (clock_nanosleep, rt_sigtimedwait, ...); without
# them they return ENOSYS and BusyBox init spins instead of sleeping.
CONFIG_COMPAT_32BIT_TIME=y

# --- Executables. -------------------------------------------------------------
CONFIG_BINFMT_ELF=y
CONFIG_BINFMT_SCRIPT=y

# --- Pseudo file systems. -----------------------------------------------------
# devtmpfs is mounted on /dev by the kernel after the root mount; init mounts
# /proc and /sys itself.
CONFIG_PROC_FS=y
CONFIG_SYSFS=y
CONFIG_TMPFS=y
CONFIG_DEVTMPFS=y
CONFIG_DEVTMPFS_MOUNT=y

# --- Root file system: ext2 on the virtio disk, or an initramfs. -------------
CONFIG_EXT2_FS=y
# An initramfs handed over by the emulator (/chosen linux,initrd-start/end,
# an uncompressed newc cpio) is the root of multi-node machines, whose disks
# are not used yet; the one-node machine keeps its ext2 root disk.
CONFIG_BLK_DEV_INITRD=y
# CONFIG_RD_GZIP is not set
# CONFIG_RD_BZIP2 is not set
# CONFIG_RD_LZMA is not set
# CONFIG_RD_XZ is not set
# CONFIG_RD_LZO is not set
# CONFIG_RD_LZ4 is not set
# CONFIG_RD_ZSTD is not set

# --- Console: the 16550 UART from the device tree. ---------------------------
# ttyS0 is the console (`console=ttyS0`); `earlycon` finds the same UART
# through /chosen/stdout-path before the driver probes. Exactly one UART.
CONFIG_TTY=y
CONFIG_UNIX98_PTYS=y
CONFIG_SERIAL_EARLYCON=y
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y
CONFIG_SERIAL_OF_PLATFORM=y
CONFIG_SERIAL_8250_NR_UARTS=1
CONFIG_SERIAL_8250_RUNTIME_UARTS=1
# CONFIG_SERIAL_8250_DEPRECATED_OPTIONS is not set
# CONFIG_SERIAL_8250_16550A_VARIANTS is not set

# --- Virtio over MMIO: the disk (/dev/vda) and the network card. ------------
CONFIG_BLOCK=y
CONFIG_BLK_DEV=y
CONFIG_VIRTIO_MENU=y
CONFIG_VIRTIO_MMIO=y
CONFIG_VIRTIO_BLK=y
# One virtio queue per disk: no I/O scheduler ("none").
# CONFIG_MQ_IOSCHED_DEADLINE is not set
# CONFIG_MQ_IOSCHED_KYBER is not set

# --- Networking: TCP/IP and UNIX sockets over virtio-net. --------------------
CONFIG_NET=y
CONFIG_UNIX=y
CONFIG_INET=y
CONFIG_NETDEVICES=y
CONFIG_NET_CORE=y
CONFIG_VIRTIO_NET=y
# IPv4 only; none of the wired/wireless driver menus or PTP clocks that
# tinyconfig + olddefconfig would otherwise leave on.
# CONFIG_IPV6 is not set
# CONFIG_INET_DIAG is not set
# CONFIG_ETHERNET is not set
# CONFIG_WIRELESS is not set
# CONFIG_WLAN is not set
# CONFIG_PTP_1588_CLOCK is not set

# --- Left out: no screen, keyboard or mouse. ---------------------------------
# The only terminal is the serial console (and ptys): no virtual terminals,
# no input layer (it would bring PS/2 keyboard and mouse drivers).
# CONFIG_VT is not set
# CONFIG_INPUT is not set
# CONFIG_LEGACY_PTYS is not set

# --- Power-off through the device tree. ---------------------------------------
# A "syscon" node maps the power register (regmap over MMIO) and a
# "syscon-poweroff" node names it; `poweroff` ends in one 32-bit write there.
CONFIG_POWER_RESET=y
CONFIG_POWER_RESET_SYSCON_POWEROFF=y
CONFIG_MFD_SYSCON=y
CONFIG_REGMAP_MMIO=y
