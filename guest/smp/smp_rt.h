/* guest/smp/smp_rt.h: a small SMP layer for bare-metal test programs, on top
 * of guest/rt (rt.h) and the per-node MAGIC register block
 * (node/magic_regs.h, DESIGN.md 2).
 *
 * main() runs on global CPU 0 and calls smp_init() first: it reads the
 * machine's shape from node 0's MAGIC block (nodes, CPUs per node, each
 * node's memory), makes KSEG0 cacheable (Config.K0 = 3), and starts every
 * other CPU through its mailbox at smp__secondary_entry on a 16 KiB stack in
 * its own node's memory. A secondary sets up CP0 as crt0_bare.S does for
 * CPU 0 (EBase = rt's vector page, Status = CU1 only, FCSR = 0) and waits
 * for work. CPU 0 then hands out work with smp_run(f, arg) (f(cpu, arg) on
 * every CPU, CPU 0 included, returning when all have returned) and ends with
 * smp_exit(status).
 *
 * Synchronisation is built on ll/sc only: smp_atomic_add/swap, a
 * test-and-test-and-set spinlock and a sense-reversing barrier. The machine
 * is sequentially consistent; the primitives still issue `sync` where a
 * relaxed MIPS would need it, so they stay correct if that ever changes.
 * Shared variables are `volatile` so that the compiler keeps every access
 * and their order.
 *
 * Memory: smp_node_alloc(node, ...) hands out pieces of a node's memory
 * slice that nothing has touched since boot (no cache holds them), as KSEG0
 * (cached) addresses; smp_uncached() gives the KSEG1 alias. Never access one
 * line both ways: uncached accesses bypass the caches and are not coherent
 * with them.
 *
 * Output: rt_printf from CPU 0 only; smp_printf from any CPU (it takes a
 * lock).
 */
#ifndef GUEST_SMP_RT_H
#define GUEST_SMP_RT_H

#include "rt.h"
#include "node/magic_regs.h"

#define SMP_MAX_CPUS 64 /* CPUs this layer supports (tables are sized by it) */
#define SMP_MAX_NODES MAGIC_MAX_NODES
#define SMP_LINE 128		    /* coherence unit, bytes */
#define SMP_STACK_SIZE 16384	    /* bytes of stack per secondary CPU */
#define SMP_START_TIMEOUT 50000000u /* Count ticks (2 cycles each) for all CPUs to come up */

#define SMP_ALIGNED __attribute__((aligned(SMP_LINE)))

/* The machine, as read from MAGIC by smp_init; read-only afterwards. */
typedef struct smp_machine {
	unsigned nnodes, cpn, ncpus;
	uint32_t mem_base[SMP_MAX_NODES]; /* physical */
	uint32_t mem_size[SMP_MAX_NODES]; /* bytes, clipped to what KSEG0 reaches */
} smp_machine;
extern smp_machine smp_mach;

/* CPU 0, once, first thing in main(). Returns 0 when every CPU is up, or -1
 * after printing why (no MAGIC block, inconsistent values, more than
 * SMP_MAX_CPUS, a CPU that did not start); the caller should then
 * rt_exit(2). */
int smp_init(void);

static inline unsigned smp_ncpus(void)
{
	return smp_mach.ncpus;
}
static inline unsigned smp_nnodes(void)
{
	return smp_mach.nnodes;
}
static inline unsigned smp_cpn(void)
{
	return smp_mach.cpn;
}
/* Global CPU numbers are node * cpn + local index (MAGIC_FIRST_CPU). */
static inline unsigned smp_node_of(unsigned cpu)
{
	return cpu / smp_mach.cpn;
}
static inline unsigned smp_first_cpu(unsigned node)
{
	return node * smp_mach.cpn;
}

/* This CPU's global number: EBase.CPUNum. */
static inline unsigned smp_cpu_id(void)
{
	uint32_t v;
	__asm__ volatile("mfc0 %0, $15, 1" : "=r"(v));
	return v & 0x3ff;
}

/* CP0 Count: one tick every 2 CPU cycles. */
static inline uint32_t smp_count(void)
{
	uint32_t v;
	__asm__ volatile("mfc0 %0, $9" : "=r"(v));
	return v;
}

/* A full fence (sync) that the compiler does not move accesses across. */
static inline void smp_mb(void)
{
	__asm__ volatile("sync" ::: "memory");
}
/* A compiler-only barrier. */
static inline void smp_cbarrier(void)
{
	__asm__ volatile("" ::: "memory");
}

/* Spins for about 3 * n cycles (a counted loop; no memory accesses). */
static inline void smp_spin(uint32_t n)
{
	if (n)
		__asm__ volatile(".set push\n\t.set noreorder\n"
				 "1:\taddiu %0, %0, -1\n\t"
				 "bnez %0, 1b\n\t"
				 "nop\n\t"
				 ".set pop"
				 : "+r"(n));
}

/* One lw from addr that the compiler cannot put into a delay slot, so that
 * an exception handler may step over it with EPC + 4: the load of a probe
 * for a device that may be absent (a bus error). */
static inline uint32_t smp_probe_load(uint32_t addr)
{
	uint32_t v = 0;

	__asm__ volatile(".set push\n\t.set noreorder\n\t"
			 "lw %0, 0(%1)\n\t"
			 "nop\n\t"
			 ".set pop"
			 : "+r"(v)
			 : "r"(addr)
			 : "memory");
	return v;
}

/* Per-CPU pseudo-random numbers (an LCG); *s is the caller's state. */
static inline uint32_t smp_rand(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

/* ---- memory ---------------------------------------------------------------- */
/* KSEG1 (uncached) alias of a KSEG0 address, and a KSEG0 address's physical
 * address. */
static inline void *smp_uncached(void *p)
{
	return (void *)((uintptr_t)p | 0x20000000u);
}
static inline uint32_t smp_pa(const void *p)
{
	return (uint32_t)(uintptr_t)p & 0x1fffffffu;
}
/* The node whose memory holds physical address pa, or -1. */
int smp_home_of(uint32_t pa);

/* CPU 0 only (no lock): size bytes of node's memory, aligned to align (a
 * power of two, at least SMP_LINE is sensible), untouched since boot, as a
 * KSEG0 pointer. NULL when the node has no room left. Node 0's pieces come
 * from above the program image (and the DTB the loader puts after it). */
void *smp_node_alloc(unsigned node, uint32_t size, uint32_t align);
/* Bytes still free in node's memory. */
uint32_t smp_node_free(unsigned node);

/* ---- ll/sc primitives (smp_rt.S) ----------------------------------------- */
/* *p += v atomically; returns the old value. Full fence before and after. */
uint32_t smp_atomic_add(volatile uint32_t *p, uint32_t v);
/* *p = v atomically; returns the old value. Full fence before and after. */
uint32_t smp_atomic_swap(volatile uint32_t *p, uint32_t v);

/* A test-and-test-and-set spinlock on its own line. Zero-initialised =
 * free. */
typedef struct smp_lock {
	volatile uint32_t held;
} SMP_ALIGNED smp_lock;
void smp_lock_acquire(smp_lock *l);
void smp_lock_release(smp_lock *l);

/* A sense-reversing barrier for n CPUs: the arrival counter (ll/sc) and the
 * sense word the waiters spin on are on separate lines. */
typedef struct smp_barrier {
	volatile uint32_t count; /* arrivals in this episode */
	uint32_t n;		 /* participants */
	uint8_t pad[SMP_LINE - 8];
	volatile uint32_t sense; /* flips when the last one arrives */
} SMP_ALIGNED smp_barrier;
void smp_barrier_init(smp_barrier *b, unsigned n);
/* Returns when all n participants have called it for this episode. */
void smp_barrier_wait(smp_barrier *b);
/* The barrier of all CPUs (set up by smp_init). */
void smp_barrier_all(void);

/* ---- running work on every CPU ------------------------------------------- */
typedef void (*smp_fn)(unsigned cpu, void *arg);
/* CPU 0: every other CPU calls f(its number, arg); returns at once (after
 * smp_wait for the previous work, if any). */
void smp_start(smp_fn f, void *arg);
/* CPU 0: returns when every other CPU has returned from the last smp_start's
 * f (at once when nothing is outstanding). */
void smp_wait(void);
/* CPU 0: f(cpu, arg) on every CPU, CPU 0 included; returns when all have
 * returned. */
void smp_run(smp_fn f, void *arg);
/* CPU 0: smp_wait, then rt_exit(status) (the other CPUs stop with the
 * machine). */
__attribute__((noreturn)) void smp_exit(int status);

/* rt_printf under the console lock: whole lines from any CPU. */
int smp_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
