/* guest/smp/counter.c: every CPU adds 1 to two shared counters K times -
 * one with a non-atomic read, delay, write under the ll/sc spinlock, the
 * other with a bare ll/sc atomic add - and CPU 0 checks that both end at
 * NCPUS * K.
 *
 * The lock, the two counters and the per-CPU tallies each have a line of
 * their own, homed on nodes 1, 2 and 3 (mod the node count), so the lines
 * travel between nodes. The delay inside the critical section widens the
 * window a broken lock would lose updates in. Exit status 0 when both
 * counters are exact, 1 when not, 2 when the machine cannot run it.
 */
#include "smp_rt.h"

#ifndef COUNTER_K
#define COUNTER_K 2000 /* increments of each counter per CPU */
#endif

static struct {
	smp_lock *lock;
	volatile uint32_t *locked;  /* the counter under the lock */
	volatile uint32_t *atomic;  /* the ll/sc counter */
	volatile uint32_t *maxheld; /* most CPUs ever seen inside the lock at once */
	volatile uint32_t *inside;  /* CPUs inside the lock now (non-atomic: a check) */
} c;

static void count_cpu(unsigned cpu, void *arg)
{
	uint32_t rng = 12345u + cpu * 7919u;

	smp_barrier_all();
	for (unsigned i = 0; i < COUNTER_K; i++) {
		smp_lock_acquire(c.lock);
		uint32_t in = *c.inside + 1;
		*c.inside = in;
		if (in > *c.maxheld)
			*c.maxheld = in;
		uint32_t v = *c.locked;
		smp_spin(smp_rand(&rng) % 8);
		*c.locked = v + 1;
		*c.inside = *c.inside - 1;
		smp_lock_release(c.lock);

		smp_atomic_add(c.atomic, 1);
		smp_spin(smp_rand(&rng) % 32);
	}
}

int main(void)
{
	if (smp_init())
		rt_exit(2);
	unsigned nn = smp_nnodes(), n = smp_ncpus();
	rt_printf("counter: %u nodes x %u CPUs, %u increments per CPU\n", nn, smp_cpn(), COUNTER_K);
	c.lock = smp_node_alloc(1 % nn, sizeof(smp_lock), SMP_LINE);
	c.locked = smp_node_alloc(2 % nn, SMP_LINE, SMP_LINE);
	c.atomic = smp_node_alloc(3 % nn, SMP_LINE, SMP_LINE);
	c.maxheld = smp_node_alloc(2 % nn, SMP_LINE, SMP_LINE);
	c.inside = c.maxheld + 1; /* same line: both only touched under the lock */
	if (!c.lock || !c.locked || !c.atomic || !c.maxheld) {
		rt_printf("counter: out of node memory\n");
		smp_exit(2);
	}
	c.lock->held = 0;
	*c.locked = 0;
	*c.atomic = 0;
	*c.maxheld = 0;
	*c.inside = 0;

	uint32_t t0 = smp_count();
	smp_run(count_cpu, NULL);
	uint32_t ticks = smp_count() - t0;

	uint32_t want = n * COUNTER_K, got_l = *c.locked, got_a = *c.atomic;
	rt_printf("counter: lock-protected %u, ll/sc atomic %u, expected %u\n", got_l, got_a, want);
	rt_printf("counter: most CPUs inside the lock at once: %u\n", *c.maxheld);
	rt_printf("counter: %u cycles on CPU 0\n", ticks * 2);
	int ok = got_l == want && got_a == want && *c.maxheld == 1;
	rt_printf("counter: %s\n", ok ? "ok" : "FAIL");
	smp_exit(ok ? 0 : 1);
}
