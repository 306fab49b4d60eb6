/* guest/splashos/sos_thread.c: SPLASHOS threads (one per vCPU), locks,
 * barriers and the cycle counter: thin layers over smp_rt.
 *
 * sos_run hands the work to every vCPU with smp_run; vCPUs at or above
 * nthreads return at once, the others run fn on their own thread stack
 * (SOS_STACK_SIZE bytes in their node, allocated at start-up), vCPU 0 on
 * the main stack. The lowest bytes of each thread stack hold a pattern that
 * is checked after every run: a thread that overflowed its stack is
 * reported (fatal) instead of silently corrupting its neighbour.
 */
#include "sos_internal.h"

#include <stddef.h>

#define GUARD_WORDS 32
#define GUARD_VALUE 0x5350534bu /* "KSPS" */

_Static_assert(sizeof(sos_lock_t) == sizeof(smp_lock) &&
		       offsetof(sos_lock_t, held) == offsetof(smp_lock, held),
	       "sos_lock_t mirrors smp_lock");
_Static_assert(sizeof(sos_barrier_t) == sizeof(smp_barrier) &&
		       offsetof(sos_barrier_t, sense) == offsetof(smp_barrier, sense) &&
		       offsetof(sos_barrier_t, n) == offsetof(smp_barrier, n),
	       "sos_barrier_t mirrors smp_barrier");

static uint32_t *stacks[SMP_MAX_CPUS]; /* lowest word of each thread stack */

/* The work of the current sos_run, written by vCPU 0 before smp_run. */
static struct {
	void (*fn)(unsigned id, void *arg);
	void *arg;
	unsigned n;
} job;
static int running; /* vCPU 0 only: inside sos_run */

/* The 64-bit cycle count of each vCPU: Count's last value and the number of
 * times it wrapped. */
static struct {
	uint32_t last, wraps;
} SMP_ALIGNED clock[SMP_MAX_CPUS];

void sos__threads_init(void)
{
	for (unsigned cpu = 1; cpu < smp_ncpus(); cpu++) {
		void *s = smp_node_alloc(smp_node_of(cpu), SOS_STACK_SIZE, 16);
		if (!s) /* the node's memory is out of reach: node 0's */
			s = smp_node_alloc(0, SOS_STACK_SIZE, 16);
		if (!s)
			sos_fatal(SOS_EXIT_FATAL, "no memory for the thread stack of vCPU %u", cpu);
		stacks[cpu] = s;
	}
}

static void thread(unsigned cpu, void *unused)
{
	uint32_t *guard = stacks[cpu];

	(void)unused;
	if (cpu >= job.n)
		return;
	if (cpu == 0) {
		job.fn(0, job.arg);
		return;
	}
	for (int i = 0; i < GUARD_WORDS; i++)
		guard[i] = GUARD_VALUE;
	sos__call_on_stack(job.fn, cpu, job.arg, (uint8_t *)guard + SOS_STACK_SIZE);
	for (int i = 0; i < GUARD_WORDS; i++)
		if (guard[i] != GUARD_VALUE)
			sos_fatal(SOS_EXIT_FATAL, "thread stack overflow (%u bytes)",
				  SOS_STACK_SIZE);
}

void sos_run(unsigned nthreads, void (*fn)(unsigned id, void *arg), void *arg)
{
	if (sos_cpu() != 0 || running)
		sos_fatal(SOS_EXIT_FATAL,
			  "sos_run: only main's thread may call it, once at a time");
	if (nthreads < 1 || nthreads > sos_ncpus())
		sos_fatal(SOS_EXIT_FATAL, "sos_run: %u threads asked, the VM has %u vCPUs",
			  nthreads, sos_ncpus());
	job.fn = fn;
	job.arg = arg;
	job.n = nthreads;
	running = 1;
	smp_run(thread, NULL);
	running = 0;
}

unsigned sos_ncpus(void)
{
	return smp_ncpus();
}

unsigned sos_cpu(void)
{
	return smp_cpu_id();
}

void sos_lock_init(sos_lock_t *l)
{
	l->held = 0;
	smp_mb();
}

void sos_lock(sos_lock_t *l)
{
	smp_lock_acquire((smp_lock *)l);
}

void sos_unlock(sos_lock_t *l)
{
	smp_lock_release((smp_lock *)l);
}

void sos_barrier_init(sos_barrier_t *b, unsigned n)
{
	smp_barrier_init((smp_barrier *)b, n);
}

void sos_barrier_wait(sos_barrier_t *b)
{
	smp_barrier_wait((smp_barrier *)b);
}

uint64_t sos_cycles(void)
{
	unsigned me = smp_cpu_id();
	uint32_t now = smp_count();

	if (now < clock[me].last)
		clock[me].wraps++;
	clock[me].last = now;
	return (((uint64_t)clock[me].wraps << 32) | now) * 2;
}
