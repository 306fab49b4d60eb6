/* guest/smp/latency.c: load latencies seen by CPU 0 (node 0), in CPU cycles
 * per load (CP0 Count ticks * 2): an L1 hit, a miss to local memory, a miss
 * to remote memory that no cache holds (2 hops), and a miss to a remote line
 * that a third node's cache holds dirty (3 hops).
 *
 * Each measurement chases a cyclic chain of LAT_CHASE_LOADS pointers, one
 * per 128-byte line, in a random order, with the straight-line dependent
 * loads of lat_chase (latency_chase.S). The lines are 35 lines (4480 bytes)
 * apart: each on a page of its own, and, 35 being odd, each in a different
 * set of the L1 (128 sets of 2 ways) and of the L2 (4096 sets), so the L1
 * chain fits the L1. The chains:
 *   l1_hit        node 0, written cached by CPU 0 and chased twice first;
 *                 its cycles per load are the loop overhead of the others
 *                 (one instruction plus whatever an L1 hit stalls);
 *   local         node 0, written through KSEG1 (uncached) by CPU 0: no
 *                 cache has the lines when the chase starts;
 *   remote_clean  node 1, likewise written through KSEG1 by CPU 0;
 *   remote_dirty  node 1, written cached by node 2's first CPU (which then
 *                 holds the lines dirty) just before CPU 0 chases them.
 * The timing frame's own cost (lat_empty) is subtracted from every
 * measurement. The misses are measured over up to LAT_ROUNDS fresh chains
 * each and reported as cycles per load less the L1 chain's cycles per load.
 * l1_hit is reported as the L1 chain's cycles per load less the 1 cycle
 * every instruction takes (DESIGN.md 2: 1 cycle per instruction plus memory
 * stalls): what an L1 hit adds, 0.0 when nothing. So all four are stall
 * cycles, the quantities of the model's figures in discoflash's statistics.
 * The other CPUs wait in smp_rt's work loop, spinning in their own caches;
 * after each hand-out of work CPU 0 idles a few thousand cycles before
 * timing, so that their last coherence traffic is over.
 *
 * Prints `latency local|remote_clean|remote_dirty|l1_hit <cycles>` (one
 * decimal) for tests/smp_latency.sh. Needs 3 nodes: exit 2 otherwise, or
 * when the nodes' memory is too small for one chain of each kind; exit 1
 * when a chain did not lead back to its start (wrong data); 0 otherwise.
 */
#include "smp_rt.h"
#include "latency_chase.h"

#define LAT_LINES LAT_CHASE_LOADS	    /* lines per chain */
#define LAT_STRIDE (35 * SMP_LINE)	    /* bytes between a chain's lines */
#define LAT_REGION (LAT_LINES * LAT_STRIDE) /* bytes one chain spans */
#define LAT_ROUNDS 4			    /* chains per kind of miss, at most */
#define LAT_SETTLE 1000 /* smp_spin count (~3000 cycles) for the others' traffic to end */

typedef struct dirty_job {
	uint8_t *base;
	uint32_t seed;
	void *volatile start;
} dirty_job;

/* Writes a cyclic chain through the LAT_LINES lines of the region at base
 * (KSEG0) in an order shuffled by seed: each line's first word gets the
 * KSEG0 address of the next. Through KSEG1 when uncached. Returns the first
 * line. */
static void *build_chain(uint8_t *base, int uncached, uint32_t seed)
{
	unsigned perm[LAT_LINES];

	for (unsigned i = 0; i < LAT_LINES; i++)
		perm[i] = i;
	for (unsigned i = LAT_LINES - 1; i > 0; i--) {
		unsigned j = smp_rand(&seed) % (i + 1), t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	for (unsigned k = 0; k < LAT_LINES; k++) {
		uint8_t *line = base + perm[k] * LAT_STRIDE;
		uint8_t *next = base + perm[(k + 1) % LAT_LINES] * LAT_STRIDE;
		void *volatile *w = uncached ? smp_uncached(line) : (void *)line;
		*w = next;
	}
	return base + perm[0] * LAT_STRIDE;
}

/* Reads an uncached chain back through KSEG1 (which also makes sure every
 * uncached write has landed); 0 when it is one cycle of LAT_LINES lines. */
static int check_uncached_chain(void *start)
{
	void *p = start;

	for (unsigned k = 0; k < LAT_LINES; k++) {
		p = *(void *volatile *)smp_uncached(p);
		if (k + 1 < LAT_LINES && p == start)
			return -1;
	}
	return p == start ? 0 : -1;
}

/* Node 2's first CPU writes the dirty chain; the others have nothing to
 * do. */
static void build_dirty(unsigned cpu, void *arg)
{
	dirty_job *j = arg;

	if (cpu == smp_first_cpu(2))
		j->start = build_chain(j->base, 0, j->seed);
}

static uint32_t empty_ticks;

/* Chases the chain at start; the ticks it took less the timing frame's,
 * or exits 1 when the chain does not lead back to start. */
static uint32_t chase(void *start, const char *what)
{
	void *end;
	uint32_t t = lat_chase(start, &end);

	if (end != start) {
		rt_printf("lat: %s chain from %p ended at %p, not where it started\n", what, start,
			  end);
		smp_exit(1);
	}
	return t - empty_ticks;
}

/* Tenths of a cycle per load: ticks over n loads, rounded. */
static int tenths_per_load(uint32_t ticks, unsigned n)
{
	return (int)((ticks * 20u + n / 2) / n);
}

static void print_latency(const char *name, int t10)
{
	unsigned a = t10 < 0 ? (unsigned)-t10 : (unsigned)t10;

	rt_printf("latency %s %s%u.%u\n", name, t10 < 0 ? "-" : "", a / 10, a % 10);
}

int main(void)
{
	if (smp_init())
		rt_exit(2);
	rt_printf("lat: %u nodes x %u CPUs\n", smp_nnodes(), smp_cpn());
	if (smp_nnodes() < 3) {
		rt_printf("lat: needs at least 3 nodes (local, remote home, remote owner); this "
			  "machine has %u\n",
			  smp_nnodes());
		smp_exit(2);
	}

	/* as many rounds as node 0 (l1 + local) and node 1 (clean + dirty) hold */
	unsigned rounds = LAT_ROUNDS, room0 = smp_node_free(0) / (LAT_REGION + SMP_LINE);
	unsigned room1 = smp_node_free(1) / (2 * (LAT_REGION + SMP_LINE));
	if (room0 < 2 || room1 < 1) {
		rt_printf("lat: nodes 0 and 1 need %u and %u bytes free; they have %u and %u\n",
			  2 * (LAT_REGION + SMP_LINE), 2 * (LAT_REGION + SMP_LINE),
			  smp_node_free(0), smp_node_free(1));
		smp_exit(2);
	}
	if (rounds > room0 - 1)
		rounds = room0 - 1;
	if (rounds > room1)
		rounds = room1;

	uint8_t *l1 = smp_node_alloc(0, LAT_REGION, SMP_LINE);
	void *local[LAT_ROUNDS], *clean[LAT_ROUNDS];
	dirty_job dirty[LAT_ROUNDS];
	for (unsigned r = 0; r < rounds; r++) {
		uint8_t *lb = smp_node_alloc(0, LAT_REGION, SMP_LINE);
		uint8_t *cb = smp_node_alloc(1, LAT_REGION, SMP_LINE);
		dirty[r].base = smp_node_alloc(1, LAT_REGION, SMP_LINE);
		dirty[r].seed = 0xd1e7u + r;
		dirty[r].start = NULL;
		local[r] = build_chain(lb, 1, 0x10c0u + r);
		clean[r] = build_chain(cb, 1, 0xc1ea0u + r);
		if (check_uncached_chain(local[r]) || check_uncached_chain(clean[r])) {
			rt_printf("lat: an uncached chain reads back wrong\n");
			smp_exit(1);
		}
	}
	void *l1start = build_chain(l1, 0, 0x11u);
	rt_printf("lat: %u lines per chain, %u bytes apart; %u chains per miss kind; "
		  "node 2's CPU %u writes the dirty ones\n",
		  LAT_LINES, LAT_STRIDE, rounds, smp_first_cpu(2));

	/* warm the code and the L1 chain, then time the frame and the hits */
	smp_spin(LAT_SETTLE);
	void *end;
	uint32_t e = ~0u;
	for (int i = 0; i < 4; i++) {
		uint32_t t = lat_empty(l1start, &end);
		if (t < e)
			e = t;
	}
	empty_ticks = e;
	chase(l1start, "l1");
	chase(l1start, "l1");
	uint32_t t_l1 = chase(l1start, "l1");

	uint32_t t_local = 0, t_clean = 0, t_dirty = 0;
	for (unsigned r = 0; r < rounds; r++)
		t_local += chase(local[r], "local");
	for (unsigned r = 0; r < rounds; r++)
		t_clean += chase(clean[r], "remote clean");
	for (unsigned r = 0; r < rounds; r++) {
		smp_run(build_dirty, &dirty[r]);
		if (!dirty[r].start) {
			rt_printf("lat: node 2's CPU did not build the dirty chain\n");
			smp_exit(1);
		}
		/* the others re-read job.seq (which CPU 0 holds) after counting
		 * themselves done: let that finish before timing */
		smp_spin(LAT_SETTLE);
		t_dirty += chase(dirty[r].start, "remote dirty");
	}

	unsigned n = rounds * LAT_LINES;
	int l1_10 = tenths_per_load(t_l1, LAT_LINES);
	rt_printf("lat: ticks: frame %u, l1 %u, local %u, remote clean %u, remote dirty %u "
		  "(%u loads each but l1)\n",
		  empty_ticks, t_l1, t_local, t_clean, t_dirty, n);
	print_latency("local", tenths_per_load(t_local, n) - l1_10);
	print_latency("remote_clean", tenths_per_load(t_clean, n) - l1_10);
	print_latency("remote_dirty", tenths_per_load(t_dirty, n) - l1_10);
	print_latency("l1_hit", l1_10 - 10); /* less the load's own issue cycle */
	smp_exit(0);
}
