/* guest/splashos/include/splashos.h: SPLASHOS, a thin library OS for
 * parallel applications (SPLASH-style: one thread per processor, shared
 * memory, locks and barriers), and its native API.
 *
 * What it is. An application is one ordinary C program linked with
 * libsplashos.a (splashos_program() in guest/splashos/CMakeLists.txt). It
 * runs in kernel mode as the only software of a Disco virtual machine (or of
 * a bare discoflash machine): no processes, no user mode, no system calls.
 * SPLASHOS is the bare runtime guest/rt (console, exception vectors,
 * power-off) and the SMP layer guest/smp (CPU start-up, ll/sc locks and
 * barriers) plus a small libc: stdio.h, stdlib.h, string.h, math.h,
 * assert.h in this folder, with gcc's freestanding headers for the rest.
 *
 * Memory model. One flat address space: the program, its data, its heap and
 * every stack are KSEG0 addresses (cached, guest physical = address -
 * 0x80000000), shared by every vCPU. The monitor maps KSEG0 onto machine
 * pages (by default interleaved over the VM's nodes, monitor/vmm.h); page
 * faults, NUMA placement and the TLB are the monitor's business, not
 * SPLASHOS's. The heap is all the memory of node 0
 * that smp_rt has not handed out at start-up (the image, the loader's block
 * after it, the stacks): malloc and friends carve it up under one lock.
 * Devices (UART, virtio-mmio, MAGIC, power-off) are reached through KSEG1.
 *
 * Loader contract. vCPU 0 enters the ELF entry in kernel mode with
 *   a0 = argc, a1 = argv (KSEG0 address of a NULL-terminated array of KSEG0
 *   strings), a2 = SOS_MARKER, a3 = the VM's memory size in bytes.
 * The argv block lies at the first 64 KiB boundary after the image, in the
 * 0x40000 bytes smp_rt keeps free there. When a2 is not SOS_MARKER (a plain
 * `kernel:` VM or a bare machine) the program gets argc = 1, argv = {"app"}.
 * splashos__start then starts every vCPU (smp_init), installs the fault
 * handler, sets up the thread stacks and the heap, and calls
 * exit(main(argc, argv)). SPLASHOS needs the MAGIC block (a VM, or a
 * discoflash machine of several nodes); without one, start-up fails with
 * smp_rt's message and SOS_EXIT_FATAL.
 *
 * Threads. One per vCPU: sos_run(n, fn, arg) runs fn(id, arg) on vCPUs
 * 0..n-1, vCPU 0 included, each on a stack of SOS_STACK_SIZE bytes (vCPU 0
 * keeps the main stack), and returns when all have returned. Only main's
 * thread (vCPU 0) may call sos_run, and not from inside fn.
 *
 * Console. printf and friends from any vCPU come out as whole lines: each
 * vCPU gathers its line and writes it under the console lock at '\n',
 * fflush or when SOS_LINE_MAX bytes are waiting. exit() writes out the
 * calling vCPU's partial line; other vCPUs' partial lines are lost.
 *
 * Files. fopen("/dev/vda") is the first virtio-blk disk of the VM, "/dev/vdb"
 * the second, ..., as a file whose size is the disk's capacity (see stdio.h).
 *
 * Exit statuses, written to the power-off register (the monitor and
 * discoflash report them):
 *   0..127            exit(status) or return from main (after "splashos: exit
 *                     <status>" on the console; open files are flushed)
 *   128 + ExcCode     a fault on any vCPU, after one line
 *                     "splashos: vCPU <n>: <what> at pc 0x..., address 0x..."
 *                     (128+9: breakpoint, 128+13 or 128+9: division by zero,
 *                     128+2..5: bad address, 128+6/7: bus error, ...)
 *   SOS_EXIT_ABORT    abort() or a failed assert()
 *   SOS_EXIT_NOMEM    malloc could not satisfy a request (SPLASHOS's choice:
 *                     out of memory is fatal, malloc never returns NULL)
 *   SOS_EXIT_FATAL    misuse of SPLASHOS (too many threads, a bad free, a
 *                     thread stack overflow, start-up failure)
 * A fault or exit on any vCPU ends the whole VM. Faults do not flush files.
 */
#ifndef SPLASHOS_H
#define SPLASHOS_H

#include <stdint.h>

#define SOS_MARKER 0x534f5321u /* "SOS!": a2 at entry when argv is valid */
#define SOS_STACK_SIZE 65536u  /* bytes of stack of each sos_run thread */
#define SOS_LINE_MAX 256       /* console bytes a vCPU gathers before writing */

#define SOS_EXIT_ABORT 160
#define SOS_EXIT_NOMEM 161
#define SOS_EXIT_FATAL 162

#define SOS_LINE 128 /* coherence unit: locks and barriers sit on their own lines */

/* Number of vCPUs of the VM, and the calling vCPU's number (0..n-1). */
unsigned sos_ncpus(void);
unsigned sos_cpu(void);

/* fn(id, arg) on vCPUs 0..nthreads-1 (id = the vCPU); returns when every
 * one has returned. nthreads must be 1..sos_ncpus() (anything else is fatal,
 * SOS_EXIT_FATAL); main's thread only, not nested. */
void sos_run(unsigned nthreads, void (*fn)(unsigned id, void *arg), void *arg);

/* A spinlock on ll/sc (smp_rt's): zero-initialised or SOS_LOCK_INIT = free. */
typedef struct sos_lock {
	volatile uint32_t held;
} __attribute__((aligned(SOS_LINE))) sos_lock_t;
#define SOS_LOCK_INIT \
	{             \
		0     \
	}
void sos_lock_init(sos_lock_t *l);
void sos_lock(sos_lock_t *l);
void sos_unlock(sos_lock_t *l);

/* A sense-reversing barrier for n threads (smp_rt's); reusable at once. */
typedef struct sos_barrier {
	volatile uint32_t count;
	uint32_t n;
	uint8_t pad[SOS_LINE - 8];
	volatile uint32_t sense;
} __attribute__((aligned(SOS_LINE))) sos_barrier_t;
void sos_barrier_init(sos_barrier_t *b, unsigned n);
/* Returns when n threads have called it for this episode. */
void sos_barrier_wait(sos_barrier_t *b);

/* CPU cycles of the calling vCPU: CP0 Count (one tick every 2 cycles)
 * extended to 64 bits, so call it at least once every 2^32 ticks (about 40 s
 * of simulated time at 200 MHz) on each vCPU to keep it monotonic. Counts of
 * different vCPUs are not synchronised. */
uint64_t sos_cycles(void);

/* Ends the application from any vCPU with one line "splashos: vCPU <n>:
 * <message>" and the given status; files are not flushed. */
__attribute__((noreturn, format(printf, 2, 3))) void sos_fatal(int status, const char *fmt, ...);

#endif
