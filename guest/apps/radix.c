/* guest/apps/radix.c: parallel radix sort of 32-bit unsigned keys, in the
 * manner of SPLASH-2's RADIX: one pass per digit of log2(RADIX) bits, least
 * significant first, each pass a stable counting sort from one key array into
 * the other.
 *
 * Thread t owns the t-th of p equal slices of the key array. A pass:
 *   1. t counts the digits of its slice into its row of the histogram
 *      (hist[t][digit]);
 *   2. t takes a p-th of the buckets and, for each, turns the column
 *      hist[0..p-1][b] into offsets within the bucket (an exclusive prefix
 *      sum down the threads) and records the bucket's total; it sums its
 *      buckets' totals into part[t];
 *   3. t adds to its buckets' offsets the keys of all lower buckets: the sum
 *      of part[0..t-1], then its own buckets' totals in order;
 *   4. t moves each key of its slice to dst[hist[t][digit]++].
 * with a barrier after each step. Keys equal in a digit keep their order
 * (slices are in order, and each slice is scanned in order), so the sort is
 * stable and its output does not depend on p.
 *
 * Keys are generated from their index and the seed (app_hash32), by the
 * thread that owns them, or read from a file of little-endian words (-i).
 * Checks: the output is in order, and has the same count, sum, xor and sum of
 * hashes as the input. Checksum: FNV-1a of the sorted keys' bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "par.h"
#include "app.h"

#define RADIX_NAME "radix"
#define RADIX_MAXKEYS (1u << 28) /* most keys: 1 GiB per key array */

struct radix {
	unsigned n;	    /* keys */
	unsigned nthreads;  /* p */
	unsigned radix;	    /* buckets per pass, a power of 2 */
	unsigned bits;	    /* log2(radix): bits of a digit */
	unsigned passes;    /* digits in 32 bits */
	unsigned seed;	    /* generator seed, when keys is not from a file */
	bool from_file;	    /* keys[0] holds the input already */
	uint32_t *keys[2];  /* pass d reads keys[d & 1], writes keys[~d & 1] */
	uint32_t *hist;	    /* nthreads rows of radix: counts, then offsets */
	uint32_t *total;    /* radix: keys in each bucket this pass */
	uint32_t *part;	    /* nthreads, PAR_LINE apart: sum of a thread's totals */
	par_barrier_t *bar; /* all nthreads */
	uint64_t cycles;    /* thread 0: the timed phase */
};

/* A summary of a multiset of keys: equal for a permutation. */
struct radix_sig {
	uint64_t sum;
	uint32_t xored;
	uint32_t hashsum;
};

static uint32_t radix_gen(unsigned seed, unsigned i)
{
	return app_hash32(i ^ app_hash32(seed + 0x3c6ef372u));
}

static void radix_sig_add(struct radix_sig *s, uint32_t k)
{
	s->sum += k;
	s->xored ^= k;
	s->hashsum += app_hash32(k);
}

static void radix_thread(unsigned t, void *arg)
{
	struct radix *r = arg;
	unsigned p = r->nthreads, mask = r->radix - 1;
	unsigned lo, hi, blo, bhi;
	uint32_t *mine = r->hist + (size_t)t * r->radix;
	uint64_t start = 0;

	app_split(r->n, t, p, &lo, &hi);
	app_split(r->radix, t, p, &blo, &bhi);
	if (!r->from_file) {
		for (unsigned i = lo; i < hi; i++)
			r->keys[0][i] = radix_gen(r->seed, i);
	}

	par_barrier_wait(r->bar);
	if (t == 0)
		start = par_cycles();

	for (unsigned d = 0; d < r->passes; d++) {
		const uint32_t *src = r->keys[d & 1];
		uint32_t *dst = r->keys[~d & 1];
		unsigned shift = d * r->bits;

		/* 1: count */
		memset(mine, 0, r->radix * sizeof(*mine));
		for (unsigned i = lo; i < hi; i++)
			mine[(src[i] >> shift) & mask]++;
		par_barrier_wait(r->bar);

		/* 2: offsets within my buckets, and their totals */
		uint32_t mysum = 0;
		for (unsigned b = blo; b < bhi; b++) {
			uint32_t run = 0;
			for (unsigned q = 0; q < p; q++) {
				uint32_t *h = &r->hist[(size_t)q * r->radix + b];
				uint32_t c = *h;
				*h = run;
				run += c;
			}
			r->total[b] = run;
			mysum += run;
		}
		r->part[t * (PAR_LINE / sizeof(uint32_t))] = mysum;
		par_barrier_wait(r->bar);

		/* 3: add the keys of lower buckets */
		uint32_t base = 0;
		for (unsigned q = 0; q < t; q++)
			base += r->part[q * (PAR_LINE / sizeof(uint32_t))];
		for (unsigned b = blo; b < bhi; b++) {
			for (unsigned q = 0; q < p; q++)
				r->hist[(size_t)q * r->radix + b] += base;
			base += r->total[b];
		}
		par_barrier_wait(r->bar);

		/* 4: move */
		for (unsigned i = lo; i < hi; i++) {
			uint32_t k = src[i];
			dst[mine[(k >> shift) & mask]++] = k;
		}
		par_barrier_wait(r->bar);
	}

	if (t == 0)
		r->cycles = par_cycles() - start;
}

static int radix_usage(void)
{
	printf("usage: radix [-p THREADS] [-n KEYS] [-r RADIX] [-s SEED] [-i INFILE] [-o OUTFILE]\n"
	       "  -p  threads, 1..%u (default: 1 on Linux, the VM's CPUs on SPLASHOS)\n"
	       "  -n  keys to sort, 1..%u (default 65536; K and M suffixes)\n"
	       "  -r  buckets per pass, a power of 2 from 2 to 65536 (default 1024)\n"
	       "  -s  seed of the generated keys (default 1)\n"
	       "  -i  read the n keys from INFILE, little-endian 32-bit words\n"
	       "  -o  write the sorted keys to OUTFILE, little-endian 32-bit words\n",
	       par_max_threads(), RADIX_MAXKEYS);
	return 2;
}

int main(int argc, char **argv)
{
	struct radix r = {0};
	unsigned p = par_default_threads(), n = 65536, rdx = 1024, seed = 1;
	const char *in = NULL, *out = NULL;
	const struct app_opt opts[] = {
		{'p', &p, NULL},    {'n', &n, NULL},  {'r', &rdx, NULL},
		{'s', &seed, NULL}, {'i', NULL, &in}, {'o', NULL, &out},
	};

	if (!app_parse_args(RADIX_NAME, argc, argv, opts, sizeof(opts) / sizeof(opts[0])))
		return radix_usage();
	const char *bad = NULL;
	if (p < 1 || p > par_max_threads())
		bad = "-p: thread count out of range";
	else if (n < 1 || n > RADIX_MAXKEYS)
		bad = "-n: key count out of range";
	else if (rdx < 2 || rdx > 65536 || (rdx & (rdx - 1)))
		bad = "-r: radix must be a power of 2 from 2 to 65536";
	if (bad) {
		printf("radix: %s\n", bad);
		return radix_usage();
	}

	r.n = n;
	r.nthreads = p;
	r.radix = rdx;
	while ((1u << r.bits) < rdx)
		r.bits++;
	r.passes = (32 + r.bits - 1) / r.bits;
	r.seed = seed;
	r.keys[0] = par_malloc((size_t)n * sizeof(uint32_t));
	r.keys[1] = par_malloc((size_t)n * sizeof(uint32_t));
	r.hist = par_malloc((size_t)p * rdx * sizeof(uint32_t));
	r.total = par_malloc(rdx * sizeof(uint32_t));
	r.part = par_malloc((size_t)p * PAR_LINE);
	r.bar = par_malloc(sizeof(*r.bar));
	if (!r.keys[0] || !r.keys[1] || !r.hist || !r.total || !r.part || !r.bar) {
		printf("radix: FAILED: out of memory for %u keys\n", n);
		return 1;
	}
	par_barrier_init(r.bar, p);

	struct radix_sig want = {0}, got = {0};
	if (in) {
		if (!app_read_file(RADIX_NAME, in, r.keys[0], (size_t)n * sizeof(uint32_t)))
			return 2;
		r.from_file = true;
		for (unsigned i = 0; i < n; i++)
			radix_sig_add(&want, r.keys[0][i]);
	} else {
		for (unsigned i = 0; i < n; i++)
			radix_sig_add(&want, radix_gen(seed, i));
	}

	printf("radix: %u keys, radix %u (%u passes), %u threads, keys from %s\n", n, rdx, r.passes,
	       p, in ? in : "the generator");
	par_run(p, radix_thread, &r);

	const uint32_t *sorted = r.keys[r.passes & 1];
	uint32_t sum = APP_FNV_INIT;
	const char *why = NULL;
	for (unsigned i = 0; i < n; i++) {
		if (i > 0 && sorted[i - 1] > sorted[i] && !why)
			why = "keys out of order";
		radix_sig_add(&got, sorted[i]);
		sum = app_fnv1a_u32(sum, sorted[i]);
	}
	if (!why && (got.sum != want.sum || got.xored != want.xored || got.hashsum != want.hashsum))
		why = "output is not a permutation of the input";
	if (why) {
		printf("radix: FAILED: %s\n", why);
		return 1;
	}
	printf("radix: result ok\n");
	printf("radix: checksum 0x%08x\n", (unsigned)sum);
	app_print_cycles(RADIX_NAME, r.cycles);
	/* mipsel: the array is little-endian words already */
	if (out && !app_write_file(RADIX_NAME, out, NULL, 0, sorted, (size_t)n * sizeof(uint32_t)))
		return 1;
	return 0;
}
