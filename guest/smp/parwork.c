/* guest/smp/parwork.c: the parallel workload of the scaling benchmark
 * (bench/flash_scaling.sh). Every CPU sorts and checksums a private array in
 * its own node's memory, round after round, and once per round adds its
 * checksum into a shared total with an ll/sc atomic add homed on node 0 -
 * mostly local work with a little sharing, like a well-placed parallel
 * program. CPU 0 prints the total (the same for any number of ranks) and
 * the cycles of the parallel phase.
 *
 * PARWORK_WORDS words per CPU (default 4096, 16 KiB: fits the L1 and the
 * L2), PARWORK_ROUNDS rounds (default 40).
 */
#include "smp_rt.h"

#ifndef PARWORK_WORDS
#define PARWORK_WORDS 4096
#endif
#ifndef PARWORK_ROUNDS
#define PARWORK_ROUNDS 40
#endif

static volatile uint32_t *total;
static uint32_t *arrays[64];

/* Shell sort: data-dependent branches and loads, like real code. */
static void sort(uint32_t *a, unsigned n)
{
	for (unsigned gap = n / 2; gap > 0; gap /= 2)
		for (unsigned i = gap; i < n; i++) {
			uint32_t v = a[i];
			unsigned j = i;
			for (; j >= gap && a[j - gap] > v; j -= gap)
				a[j] = a[j - gap];
			a[j] = v;
		}
}

static void work(unsigned cpu, void *arg)
{
	(void)arg;
	uint32_t *a = arrays[cpu];
	uint32_t rng = 2463534242u + cpu;
	smp_barrier_all();
	for (unsigned r = 0; r < PARWORK_ROUNDS; r++) {
		for (unsigned i = 0; i < PARWORK_WORDS; i++)
			a[i] = smp_rand(&rng);
		sort(a, PARWORK_WORDS);
		uint32_t sum = 0;
		for (unsigned i = 0; i < PARWORK_WORDS; i++)
			sum = sum * 31u + a[i];
		smp_atomic_add(total, sum);
	}
}

int main(void)
{
	if (smp_init())
		rt_exit(2);
	unsigned n = smp_ncpus();
	total = smp_node_alloc(0, SMP_LINE, SMP_LINE);
	for (unsigned c = 0; c < n && c < 64; c++) {
		arrays[c] = smp_node_alloc(smp_node_of(c), PARWORK_WORDS * 4, SMP_LINE);
		if (!arrays[c]) {
			rt_printf("parwork: out of memory on node %u\n", smp_node_of(c));
			rt_exit(2);
		}
	}
	if (!total || n > 64)
		rt_exit(2);
	uint32_t t0 = smp_count();
	smp_run(work, NULL);
	uint32_t t1 = smp_count();
	rt_printf("parwork: %u CPUs, %u words x %u rounds each: total %08x, %u cycles\n", n,
		  PARWORK_WORDS, PARWORK_ROUNDS, *total, (t1 - t0) * 2);
	return 0;
}
