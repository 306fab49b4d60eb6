/* guest/smp/litmus.c: memory-model litmus tests across nodes - store
 * buffering (SB), message passing (MP), independent reads of independent
 * writes (IRIW) and Dekker's mutual exclusion - on a machine that promises
 * sequential consistency.
 *
 * Every CPU runs every test (smp_run). Role r of a test runs on the r-th CPU
 * of the list that takes one CPU from each node in turn (node 0, 1, 2, ...,
 * then the second CPU of each node), so the roles sit on different nodes;
 * CPUs without a role only take part in the barriers. Each test variable
 * has a 128-byte line of its own, homed on node (k + 1 + set) mod nnodes for
 * variable k, and there are two sets used in alternate iterations: in
 * iteration i, after the barrier, the roles run on set i & 1 (each after a
 * random delay from its own LCG) while CPU 0, after its own role, zeroes the
 * other set for iteration i + 1, so one barrier per iteration suffices and
 * every iteration starts with the variables dirty in CPU 0's cache. Results
 * go to per-role arrays in the role CPU's node; CPU 0 tallies them at the
 * end.
 *
 * Prints, per test, the histogram of outcomes, the number of SC-forbidden
 * ones and (SB, MP, Dekker) whether an interleaved, not trivially serial,
 * outcome was seen. Exit status: 0 when no forbidden outcome appeared, 1
 * when one did, 2 when the machine cannot run the tests (fewer than 2 CPUs,
 * no memory). IRIW needs 4 CPUs and is skipped with fewer. An interleaving
 * never seen is reported but is not a failure.
 */
#include "smp_rt.h"

#ifndef LITMUS_ITERS
#define LITMUS_ITERS 2000 /* iterations per test */
#endif
#define DELAY_MAX 256 /* random delay before a role's body: 0..255 spins (~3 cycles each) */
#define MAX_VARS 5
#define MAX_ROLES 4

typedef struct test test;
/* One role's part of one iteration on the variables v; returns its result. */
typedef uint32_t (*body_fn)(unsigned role, volatile uint32_t *const *v, uint32_t *rng);

struct test {
	const char *name;
	unsigned nroles, nvars, iters;
	body_fn body;
	/* the iteration's outcome (0..nout-1) from the roles' results */
	unsigned nout;
	unsigned (*outcome)(const test *t, unsigned i);
	void (*print_outcome)(unsigned k);
	uint32_t forbidden;   /* bit k: outcome k is forbidden under SC */
	uint32_t interleaved; /* bit k: outcome k needs the roles' accesses interleaved */
	volatile uint32_t *set[2][MAX_VARS];
	volatile uint32_t *res[MAX_ROLES];
};

/* ---- roles and placement --------------------------------------------------- */

/* Position of cpu in the list: node 0's first CPU, node 1's first, ...,
 * node 0's second, ... */
static unsigned cpu_rank(unsigned cpu)
{
	return (cpu % smp_cpn()) * smp_nnodes() + smp_node_of(cpu);
}
static unsigned rank_cpu(unsigned rank)
{
	return smp_first_cpu(rank % smp_nnodes()) + rank / smp_nnodes();
}

static void reset_set(const test *t, unsigned s)
{
	for (unsigned k = 0; k < t->nvars; k++)
		*t->set[s][k] = 0;
}

/* CPU 0: the test's variables and result arrays. -1 when memory ran out. */
static int place(test *t)
{
	unsigned nn = smp_nnodes();

	for (unsigned s = 0; s < 2; s++)
		for (unsigned k = 0; k < t->nvars; k++)
			if (!(t->set[s][k] = smp_node_alloc((k + 1 + s) % nn, SMP_LINE, SMP_LINE)))
				return -1;
	for (unsigned r = 0; r < t->nroles; r++)
		if (!(t->res[r] = smp_node_alloc(smp_node_of(rank_cpu(r)), t->iters * 4, SMP_LINE)))
			return -1;
	reset_set(t, 0);
	reset_set(t, 1);
	return 0;
}

/* Every CPU: the test's iterations. */
static void run_cpu(unsigned cpu, void *arg)
{
	test *t = arg;
	unsigned rank = cpu_rank(cpu);
	int role = rank < t->nroles ? (int)rank : -1;
	uint32_t rng = 0x9e3779b9u * (cpu + 1) + t->nroles * 77u + t->nvars;

	for (unsigned i = 0; i < t->iters; i++) {
		smp_barrier_all();
		if (role >= 0) {
			smp_spin(smp_rand(&rng) % DELAY_MAX);
			t->res[role][i] = t->body((unsigned)role, t->set[i & 1], &rng);
		}
		if (cpu == 0)
			reset_set(t, (i + 1) & 1);
	}
	smp_barrier_all();
}

/* ---- SB: P0: x = 1; r0 = y   P1: y = 1; r1 = x   forbidden: r0 = r1 = 0 --- */

static uint32_t sb_body(unsigned role, volatile uint32_t *const *v, uint32_t *rng)
{
	*v[role] = 1;
	return *v[1 - role];
}
static unsigned sb_outcome(const test *t, unsigned i)
{
	return (t->res[0][i] & 1) | (t->res[1][i] & 1) << 1;
}
static void sb_print(unsigned k)
{
	rt_printf("r0=%u r1=%u", k & 1, k >> 1 & 1);
}

/* ---- MP: P0: data = 1; flag = 1   P1: r0 = flag; r1 = data
 *      forbidden: r0 = 1, r1 = 0 ---------------------------------------------- */

static uint32_t mp_body(unsigned role, volatile uint32_t *const *v, uint32_t *rng)
{
	volatile uint32_t *data = v[0], *flag = v[1];

	if (role == 0) {
		*data = 1;
		*flag = 1;
		return 0;
	}
	uint32_t f = *flag;
	uint32_t d = *data;
	return (f & 1) | (d & 1) << 1;
}
static unsigned mp_outcome(const test *t, unsigned i)
{
	return t->res[1][i] & 3;
}
static void mp_print(unsigned k)
{
	rt_printf("flag=%u data=%u", k & 1, k >> 1 & 1);
}

/* ---- IRIW: P0: x = 1   P1: y = 1   P2: a = x; b = y   P3: c = y; d = x
 *      forbidden: a = 1, b = 0, c = 1, d = 0 (P2 and P3 disagree on the
 *      order of the two writes) -------------------------------------------- */

static uint32_t iriw_body(unsigned role, volatile uint32_t *const *v, uint32_t *rng)
{
	volatile uint32_t *x = v[0], *y = v[1];

	switch (role) {
	case 0: *x = 1; return 0;
	case 1: *y = 1; return 0;
	case 2: {
		uint32_t a = *x;
		uint32_t b = *y;
		return (a & 1) | (b & 1) << 1;
	}
	default: {
		uint32_t c = *y;
		uint32_t d = *x;
		return (c & 1) | (d & 1) << 1;
	}
	}
}
static unsigned iriw_outcome(const test *t, unsigned i)
{
	return (t->res[2][i] & 3) | (t->res[3][i] & 3) << 2;
}
static void iriw_print(unsigned k)
{
	rt_printf("P2: x=%u y=%u  P3: y=%u x=%u", k & 1, k >> 1 & 1, k >> 2 & 1, k >> 3 & 1);
}

/* ---- Dekker's algorithm: flag0, flag1, turn, ticket, owner ---------------
 * In the critical section a role checks that owner is 0, sets it, takes
 * ticket with a non-atomic read, delay and write, checks owner is still
 * itself and clears it. Result: ticket taken (bit 0), saw the other's flag
 * (bit 1), saw the other in the critical section (bit 2). Under mutual
 * exclusion the two tickets are 0 and 1 and owner is never seen. */

enum { DK_FIRST0, DK_FIRST1, DK_SAME_TICKET, DK_OWNER_SEEN, DK_NOUT };

static uint32_t dekker_body(unsigned me, volatile uint32_t *const *v, uint32_t *rng)
{
	volatile uint32_t *mine = v[me], *other = v[1 - me];
	volatile uint32_t *turn = v[2], *ticket = v[3], *owner = v[4];
	uint32_t contended = 0, seen = 0;

	*mine = 1;
	while (*other) {
		contended = 1;
		if (*turn != me) {
			*mine = 0;
			while (*turn != me)
				;
			*mine = 1;
		}
	}
	/* critical section */
	if (*owner != 0)
		seen = 1;
	*owner = me + 1;
	uint32_t t = *ticket;
	smp_spin(smp_rand(rng) % 16);
	*ticket = t + 1;
	if (*owner != me + 1)
		seen = 1;
	*owner = 0;
	/* exit */
	*turn = 1 - me;
	*mine = 0;
	return (t & 1) | contended << 1 | seen << 2;
}
static unsigned dekker_outcome(const test *t, unsigned i)
{
	uint32_t r0 = t->res[0][i], r1 = t->res[1][i];

	if ((r0 | r1) & 4)
		return DK_OWNER_SEEN;
	if ((r0 & 1) == (r1 & 1))
		return DK_SAME_TICKET;
	return (r0 & 1) ? DK_FIRST1 : DK_FIRST0;
}
static void dekker_print(unsigned k)
{
	static const char *const names[DK_NOUT] = {
		[DK_FIRST0] = "P0 entered first",
		[DK_FIRST1] = "P1 entered first",
		[DK_SAME_TICKET] = "both took the same ticket",
		[DK_OWNER_SEEN] = "saw the other in the critical section",
	};
	rt_puts(names[k]);
}

/* ---- driver ---------------------------------------------------------------- */

static test tests[] = {
	{.name = "SB",
	 .nroles = 2,
	 .nvars = 2,
	 .body = sb_body,
	 .nout = 4,
	 .outcome = sb_outcome,
	 .print_outcome = sb_print,
	 .forbidden = 1u << 0,
	 .interleaved = 1u << 3},
	{.name = "MP",
	 .nroles = 2,
	 .nvars = 2,
	 .body = mp_body,
	 .nout = 4,
	 .outcome = mp_outcome,
	 .print_outcome = mp_print,
	 .forbidden = 1u << 1,
	 .interleaved = 1u << 2},
	{.name = "IRIW",
	 .nroles = 4,
	 .nvars = 2,
	 .body = iriw_body,
	 .nout = 16,
	 .outcome = iriw_outcome,
	 .print_outcome = iriw_print,
	 .forbidden = 1u << 5,
	 .interleaved = 0},
	{.name = "Dekker",
	 .nroles = 2,
	 .nvars = 5,
	 .body = dekker_body,
	 .nout = DK_NOUT,
	 .outcome = dekker_outcome,
	 .print_outcome = dekker_print,
	 .forbidden = 1u << DK_SAME_TICKET | 1u << DK_OWNER_SEEN,
	 .interleaved = 0},
};

/* CPU 0: runs one test and prints its histogram; returns the number of
 * forbidden outcomes, or -1 when the test could not be placed. */
static int run_test(test *t)
{
	uint32_t hist[16];
	unsigned forbidden = 0, inter = 0, contended = 0;

	rt_memset(hist, 0, sizeof(hist)); /* freestanding: no implicit memset */

	t->iters = LITMUS_ITERS;
	if (t->nroles > smp_ncpus()) {
		rt_printf("%s: skipped, needs %u CPUs\n", t->name, t->nroles);
		return 0;
	}
	if (place(t)) {
		rt_printf("%s: out of node memory\n", t->name);
		return -1;
	}
	rt_printf("%s: %u iterations; roles on CPUs", t->name, t->iters);
	for (unsigned r = 0; r < t->nroles; r++)
		rt_printf(" %u", rank_cpu(r));
	rt_printf("; variables on nodes");
	for (unsigned k = 0; k < t->nvars; k++)
		rt_printf(" %u/%u", smp_home_of(smp_pa((const void *)t->set[0][k])),
			  smp_home_of(smp_pa((const void *)t->set[1][k])));
	rt_printf("\n");

	smp_run(run_cpu, t);

	for (unsigned i = 0; i < t->iters; i++) {
		hist[t->outcome(t, i)]++;
		if (t->body == dekker_body && ((t->res[0][i] | t->res[1][i]) & 2))
			contended++;
	}
	for (unsigned k = 0; k < t->nout; k++) {
		int bad = t->forbidden >> k & 1;
		if (!hist[k] && !bad)
			continue;
		rt_printf("%s:   ", t->name);
		t->print_outcome(k);
		rt_printf(": %u%s\n", hist[k], bad ? "  (forbidden)" : "");
		if (bad)
			forbidden += hist[k];
		if (t->interleaved >> k & 1)
			inter += hist[k];
	}
	rt_printf("%s: forbidden outcomes: %u\n", t->name, forbidden);
	if (t->interleaved)
		rt_printf("%s: interleaved outcome seen: %s (%u)\n", t->name, inter ? "yes" : "no",
			  inter);
	if (t->body == dekker_body)
		rt_printf("%s: contended entries: %u (%s)\n", t->name, contended,
			  contended ? "interleaved" : "never interleaved");
	return (int)forbidden;
}

int main(void)
{
	unsigned total = 0;

	if (smp_init())
		rt_exit(2);
	rt_printf("litmus: %u nodes x %u CPUs\n", smp_nnodes(), smp_cpn());
	if (smp_ncpus() < 2) {
		rt_printf("litmus: needs at least 2 CPUs\n");
		smp_exit(2);
	}
	for (unsigned n = 0; n < sizeof(tests) / sizeof(tests[0]); n++) {
		int f = run_test(&tests[n]);
		if (f < 0)
			smp_exit(2);
		total += (unsigned)f;
	}
	rt_printf("litmus: %s (%u forbidden outcomes)\n", total ? "FAIL" : "ok", total);
	smp_exit(total ? 1 : 0);
}
