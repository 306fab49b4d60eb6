/* guest/smp/smp_rt.c: machine discovery, secondary start-up, work hand-out,
 * the spinlock, the barrier and node-local memory of the SMP layer
 * (smp_rt.h).
 *
 * Shared state lives in .bss (node 0's memory, cached); every variable that
 * more than one CPU touches has a line of its own. smp_init, smp_start,
 * smp_wait, smp_run, smp_exit and smp_node_alloc are CPU 0's; the secondaries
 * run smp__secondary_main's loop: spin on job.seq (a hit in their own cache
 * until CPU 0 writes it), call the job, count themselves done.
 */
#include "smp_rt.h"

#define MAGIC_KSEG1 (0xa0000000u + MAGIC_BASE) /* uncached view of node 0's block */
#define KSEG0_LIMIT 0x1f000000u		       /* physical: devices from here on */
#define NODE0_RESERVE 0x40000u /* bytes kept free after the image: the loader's DTB */
#define EXC_ADEL 4
#define EXC_DBE 7

extern char rt__exc_stack_top[]; /* bare.ld: the end of the program image */
void smp__secondary_entry(void); /* smp_rt.S */
void smp__secondary_main(unsigned a0);

smp_machine smp_mach;

/* Node memory handed out so far: [alloc_next, alloc_end) is free.
 * CPU 0 only. */
static uint32_t alloc_next[SMP_MAX_NODES], alloc_end[SMP_MAX_NODES];

/* The current work: CPU 0 writes fn and arg, then bumps seq. */
static struct {
	volatile uint32_t seq;
	volatile smp_fn fn;
	void *volatile arg;
} SMP_ALIGNED job;
static volatile uint32_t job_done SMP_ALIGNED; /* secondaries done with job.seq */
static int job_pending;			       /* CPU 0 only: job_done not awaited */

/* Start-up: each secondary adds itself to online and marks alive[cpu]; a
 * CPU whose EBase.CPUNum differs from the number it was started with (or is
 * out of range) sets bad_cpunum = 1 + that number and bad_ebase = CPUNum. */
static volatile uint32_t online SMP_ALIGNED;
static volatile uint8_t alive[SMP_MAX_CPUS] SMP_ALIGNED;
static volatile uint32_t bad_cpunum SMP_ALIGNED, bad_ebase;

static smp_barrier all_barrier;
static smp_lock print_lock;

static volatile int probe_faulted;

static inline volatile uint32_t *magic(unsigned node, unsigned reg)
{
	return (volatile uint32_t *)(uintptr_t)(MAGIC_KSEG1 + node * MAGIC_STRIDE + reg);
}

/* ---- discovery ------------------------------------------------------------- */

/* Catches the bus error of a load from an absent device (ExcCode DBE, or
 * AdEL) during smp_probe_load; anything else is fatal, as rt's default. */
static void probe_handler(rt_frame *f)
{
	unsigned code = (f->cause >> 2) & 31;

	if (code == EXC_DBE || code == EXC_ADEL) {
		probe_faulted = 1;
		f->epc += 4; /* smp_probe_load's lw, never in a delay slot */
		return;
	}
	rt_printf("smp: unexpected exception %u at %08x during the MAGIC probe\n", code, f->epc);
	rt_exit(99);
}

/* Config.K0 = 3 (cacheable, write-back): the reset value 2 would leave
 * KSEG0 uncached on a model that honours it. CPU 0 runs this before any
 * other CPU exists, so nothing was cached under the old setting. */
static void kseg0_cacheable(void)
{
	uint32_t c;

	__asm__ volatile("mfc0 %0, $16" : "=r"(c));
	c = (c & ~7u) | 3u;
	__asm__ volatile("mtc0 %0, $16\n\tehb" : : "r"(c) : "memory");
}

static int read_machine(void)
{
	rt_set_exception_handler(probe_handler);
	probe_faulted = 0;
	uint32_t id = smp_probe_load(MAGIC_KSEG1 + MAGIC_ID); /* 0, probe_faulted = 1 on a fault */
	rt_set_exception_handler(NULL);
	if (probe_faulted || id != MAGIC_ID_VALUE) {
		rt_printf("smp: no MAGIC block at physical 0x%08x (%s 0x%08x): this is not a "
			  "multi-node discoflash machine\n",
			  MAGIC_BASE, probe_faulted ? "bus error, read" : "ID reads", id);
		return -1;
	}
	unsigned nn = *magic(0, MAGIC_NNODES), cpn = *magic(0, MAGIC_CPN);
	unsigned ncpus = *magic(0, MAGIC_NCPUS);
	if (nn < 1 || nn > MAGIC_MAX_NODES || cpn < 1 || cpn > MAGIC_MAX_CPN || ncpus != nn * cpn) {
		rt_printf(
			"smp: MAGIC reports %u nodes x %u CPUs per node = %u CPUs: inconsistent\n",
			nn, cpn, ncpus);
		return -1;
	}
	if (ncpus > SMP_MAX_CPUS) {
		rt_printf("smp: %u CPUs; this layer supports at most %u\n", ncpus, SMP_MAX_CPUS);
		return -1;
	}
	smp_mach.nnodes = nn;
	smp_mach.cpn = cpn;
	smp_mach.ncpus = ncpus;
	for (unsigned n = 0; n < nn; n++) {
		uint32_t nid = *magic(n, MAGIC_ID), node = *magic(n, MAGIC_NODE);
		uint32_t first = *magic(n, MAGIC_FIRST_CPU);
		uint32_t base = *magic(n, MAGIC_MEM_BASE), size = *magic(n, MAGIC_MEM_SIZE);
		if (nid != MAGIC_ID_VALUE || node != n || first != n * cpn) {
			rt_printf("smp: node %u's MAGIC block: ID 0x%08x, NODE %u, FIRST_CPU %u "
				  "(expected node %u, first CPU %u)\n",
				  n, nid, node, first, n, n * cpn);
			return -1;
		}
		/* only what KSEG0/KSEG1 reach is usable here */
		if (base >= KSEG0_LIMIT)
			size = 0;
		else if (size > KSEG0_LIMIT - base)
			size = KSEG0_LIMIT - base;
		smp_mach.mem_base[n] = base;
		smp_mach.mem_size[n] = size;
		alloc_next[n] = base;
		alloc_end[n] = base + size;
	}
	/* node 0 holds the image; keep it, and the DTB after it, out */
	uint32_t end = ((smp_pa(rt__exc_stack_top) + 0xffffu) & ~0xffffu) + NODE0_RESERVE;
	if (smp_home_of(smp_pa(rt__exc_stack_top) - 1) != 0) {
		rt_printf("smp: the program image (up to 0x%08x) is not in node 0's memory\n",
			  smp_pa(rt__exc_stack_top));
		return -1;
	}
	alloc_next[0] = end < alloc_end[0] ? end : alloc_end[0];
	return 0;
}

int smp_home_of(uint32_t pa)
{
	for (unsigned n = 0; n < smp_mach.nnodes; n++)
		if (pa >= smp_mach.mem_base[n] && pa - smp_mach.mem_base[n] < smp_mach.mem_size[n])
			return (int)n;
	return -1;
}

void *smp_node_alloc(unsigned node, uint32_t size, uint32_t align)
{
	if (node >= smp_mach.nnodes || align == 0 || (align & (align - 1)))
		return NULL;
	size = (size + SMP_LINE - 1) & ~(SMP_LINE - 1u); /* whole lines: no false sharing */
	uint32_t p = (alloc_next[node] + align - 1) & ~(align - 1);
	if (p < alloc_next[node] || p > alloc_end[node] || alloc_end[node] - p < size)
		return NULL;
	alloc_next[node] = p + size;
	return (void *)(uintptr_t)(0x80000000u | p);
}

uint32_t smp_node_free(unsigned node)
{
	return node < smp_mach.nnodes ? alloc_end[node] - alloc_next[node] : 0;
}

/* ---- start-up -------------------------------------------------------------- */

/* Starts global CPU cpu at smp__secondary_entry on a stack in its node. */
static int start_cpu(unsigned cpu)
{
	unsigned node = smp_node_of(cpu), local = cpu % smp_mach.cpn;
	uint8_t *stack = smp_node_alloc(node, SMP_STACK_SIZE, SMP_LINE);

	if (!stack) /* the node's memory is out of KSEG0's reach: borrow node 0's */
		stack = smp_node_alloc(0, SMP_STACK_SIZE, SMP_LINE);
	if (!stack) {
		rt_printf("smp: no memory for CPU %u's stack\n", cpu);
		return -1;
	}
	uint32_t mb = MAGIC_MBOX(local);
	uint32_t state = *magic(node, mb + MAGIC_MBOX_STATE);
	if (state != 0) {
		rt_printf("smp: CPU %u (node %u, local %u) is already running (STATE %u)\n", cpu,
			  node, local, state);
		return -1;
	}
	*magic(node, mb + MAGIC_MBOX_PC) = (uint32_t)(uintptr_t)smp__secondary_entry;
	*magic(node, mb + MAGIC_MBOX_SP) = (uint32_t)(uintptr_t)(stack + SMP_STACK_SIZE);
	*magic(node, mb + MAGIC_MBOX_GP) = 0;
	*magic(node, mb + MAGIC_MBOX_A0) = cpu;
	*magic(node, mb + MAGIC_MBOX_START) = 1;
	return 0;
}

int smp_init(void)
{
	if (smp_cpu_id() != 0) {
		rt_printf("smp: smp_init runs on CPU 0, not CPU %u\n", smp_cpu_id());
		return -1;
	}
	kseg0_cacheable();
	if (read_machine())
		return -1;
	smp_barrier_init(&all_barrier, smp_mach.ncpus);
	for (unsigned cpu = 1; cpu < smp_mach.ncpus; cpu++)
		if (start_cpu(cpu))
			return -1;

	uint32_t t0 = smp_count();
	while (online != smp_mach.ncpus - 1) {
		if (smp_count() - t0 > SMP_START_TIMEOUT) {
			rt_printf("smp: only %u of %u secondary CPUs came up; missing:", online,
				  smp_mach.ncpus - 1);
			for (unsigned cpu = 1; cpu < smp_mach.ncpus; cpu++)
				if (!alive[cpu])
					rt_printf(" %u (mailbox STATE %u)", cpu,
						  *magic(smp_node_of(cpu),
							 MAGIC_MBOX(cpu % smp_mach.cpn) +
								 MAGIC_MBOX_STATE));
			rt_printf("\n");
			return -1;
		}
	}
	smp_mb();
	if (bad_cpunum) {
		rt_printf("smp: the CPU started as %u reads EBase.CPUNum %u\n", bad_cpunum - 1,
			  bad_ebase);
		return -1;
	}
	return 0;
}

/* Called by smp__secondary_entry with the number the CPU was started as;
 * never returns. */
void smp__secondary_main(unsigned a0)
{
	unsigned cpu = smp_cpu_id();
	uint32_t seen = 0; /* smp_init waits for us before any work is posted */

	if (cpu != a0 || cpu >= SMP_MAX_CPUS) {
		bad_ebase = cpu;
		bad_cpunum = a0 + 1;
	} else {
		alive[cpu] = 1;
	}
	smp_atomic_add(&online, 1);
	for (;;) {
		while (job.seq == seen)
			;
		seen = job.seq;
		smp_fn f = job.fn;
		void *arg = job.arg;
		f(cpu, arg);
		smp_atomic_add(&job_done, 1);
	}
}

/* ---- work ------------------------------------------------------------------ */

void smp_start(smp_fn f, void *arg)
{
	smp_wait();
	job_done = 0;
	job.fn = f;
	job.arg = arg;
	smp_mb();
	job.seq = job.seq + 1;
	job_pending = 1;
}

void smp_wait(void)
{
	if (!job_pending)
		return;
	while (job_done != smp_mach.ncpus - 1)
		;
	smp_mb();
	job_pending = 0;
}

void smp_run(smp_fn f, void *arg)
{
	smp_start(f, arg);
	f(0, arg);
	smp_wait();
}

void smp_exit(int status)
{
	if (smp_cpu_id() == 0)
		smp_wait();
	rt_exit(status);
}

/* ---- lock and barrier ------------------------------------------------------ */

void smp_lock_acquire(smp_lock *l)
{
	for (;;) {
		while (l->held) /* spin in the cache until it looks free */
			;
		if (smp_atomic_swap(&l->held, 1) == 0)
			return;
	}
}

void smp_lock_release(smp_lock *l)
{
	smp_mb();
	l->held = 0;
}

void smp_barrier_init(smp_barrier *b, unsigned n)
{
	b->count = 0;
	b->n = n;
	b->sense = 0;
	smp_mb();
}

/* The sense is read before arriving: it cannot flip until this CPU has
 * arrived, so it is this episode's. The last to arrive resets count and
 * then flips sense, which releases the others; a CPU that leaves and
 * arrives again at once reads the new sense and counts from 0. */
void smp_barrier_wait(smp_barrier *b)
{
	uint32_t s = b->sense;

	if (smp_atomic_add(&b->count, 1) == b->n - 1) {
		b->count = 0;
		smp_mb();
		b->sense = !s;
	} else {
		while (b->sense == s)
			;
	}
	smp_mb();
}

void smp_barrier_all(void)
{
	smp_barrier_wait(&all_barrier);
}

int smp_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	smp_lock_acquire(&print_lock);
	n = rt_vprintf(fmt, ap);
	smp_lock_release(&print_lock);
	va_end(ap);
	return n;
}
