/* guest/apps/lu.c: parallel blocked LU factorisation A = L*U of a dense n x n
 * matrix without pivoting, in the manner of SPLASH-2's LU (contiguous
 * blocks): the matrix is an nb x nb grid of b x b blocks, each block's
 * elements contiguous (row by row), and block (I, J) belongs to thread
 * (I mod pr) * pc + J mod pc of a pr x pc grid of the p threads (2-D
 * scatter). L is unit lower triangular; L and U overwrite A.
 *
 * Step K of nb, each part by the owners of the blocks, a barrier after each:
 *   1. factor the diagonal block (K, K);
 *   2. perimeter: blocks (I, K), I > K, become A(I,K) * U(K,K)^-1, and blocks
 *      (K, J), J > K, become L(K,K)^-1 * A(K,J);
 *   3. interior: blocks (I, J), I, J > K, less A(I,K) * A(K,J).
 * Every kernel subtracts one product at a time straight from the element, in
 * increasing k, and divides by the pivot when k reaches the element's column:
 * each element sees exactly the operations, in the order, of the unblocked
 * right-looking algorithm. So the factors are the same bits for any p (and
 * any b).
 *
 * The matrix: element (i, j) is a hashed value in [-0.5, 0.5) (24 bits, exact
 * in a double), plus n on the diagonal, so it is diagonally dominant and needs
 * no pivoting. Each owner fills its own blocks. Check: the relative residual
 * ||A - L*U||_F / ||A||_F, recomputed serially from a regenerated A, must be
 * below LU_RESIDUAL. Checksum: FNV-1a of the factors' bit patterns (each
 * double as 8 little-endian bytes), row by row; -o writes those bytes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "par.h"
#include "app.h"

#define LU_NAME "lu"
#define LU_RESIDUAL 1e-10 /* largest accepted ||A - L*U||_F / ||A||_F */
#define LU_MAXN 4096	  /* largest n */

struct lu {
	unsigned n, b, nb;  /* matrix side, block side, blocks per side */
	unsigned nthreads;  /* p = pr * pc */
	unsigned pr, pc;    /* thread grid */
	unsigned seed;	    /* of the matrix */
	double *a;	    /* nb * nb blocks of b * b: block (I, J) at (I*nb + J) * b*b */
	par_barrier_t *bar; /* all nthreads */
	uint64_t cycles;    /* thread 0: the timed phase */
};

static double lu_gen(const struct lu *lu, unsigned i, unsigned j)
{
	uint32_t h = app_hash32((i * lu->n + j) ^ app_hash32(lu->seed + 0x1b873593u));
	double v = (double)(h >> 8) / 16777216.0 - 0.5;

	return i == j ? v + lu->n : v;
}

static double *lu_block(const struct lu *lu, unsigned bi, unsigned bj)
{
	return lu->a + ((size_t)bi * lu->nb + bj) * lu->b * lu->b;
}

static unsigned lu_owner(const struct lu *lu, unsigned bi, unsigned bj)
{
	return (bi % lu->pr) * lu->pc + bj % lu->pc;
}

/* Factors the b x b block d in place: unit L below the diagonal, U on and
 * above it. */
static void lu_factor_diag(double *d, unsigned b)
{
	for (unsigned k = 0; k < b; k++) {
		double pivot = d[k * b + k];
		for (unsigned i = k + 1; i < b; i++) {
			double *row = &d[i * b];
			double l = row[k] / pivot;
			row[k] = l;
			for (unsigned j = k + 1; j < b; j++)
				row[j] -= l * d[k * b + j];
		}
	}
}

/* Block x below the diagonal block d (factored): x = x * U(d)^-1. */
static void lu_solve_lower(double *x, const double *d, unsigned b)
{
	for (unsigned i = 0; i < b; i++) {
		double *row = &x[i * b];
		for (unsigned k = 0; k < b; k++) {
			double l = row[k] / d[k * b + k];
			row[k] = l;
			for (unsigned j = k + 1; j < b; j++)
				row[j] -= l * d[k * b + j];
		}
	}
}

/* Block x right of the diagonal block d (factored): x = L(d)^-1 * x. */
static void lu_solve_upper(double *x, const double *d, unsigned b)
{
	for (unsigned k = 0; k < b; k++) {
		const double *xk = &x[k * b];
		for (unsigned i = k + 1; i < b; i++) {
			double l = d[i * b + k];
			double *row = &x[i * b];
			for (unsigned j = 0; j < b; j++)
				row[j] -= l * xk[j];
		}
	}
}

/* c -= l * u, all b x b. */
static void lu_update(double *c, const double *l, const double *u, unsigned b)
{
	for (unsigned i = 0; i < b; i++) {
		double *row = &c[i * b];
		for (unsigned k = 0; k < b; k++) {
			double lik = l[i * b + k];
			const double *uk = &u[k * b];
			for (unsigned j = 0; j < b; j++)
				row[j] -= lik * uk[j];
		}
	}
}

static void lu_thread(unsigned t, void *arg)
{
	struct lu *lu = arg;
	unsigned nb = lu->nb, b = lu->b;
	uint64_t start = 0;

	/* each owner fills its blocks, so they are first touched by it */
	for (unsigned bi = 0; bi < nb; bi++) {
		for (unsigned bj = 0; bj < nb; bj++) {
			if (lu_owner(lu, bi, bj) != t)
				continue;
			double *blk = lu_block(lu, bi, bj);
			for (unsigned i = 0; i < b; i++) {
				for (unsigned j = 0; j < b; j++)
					blk[i * b + j] = lu_gen(lu, bi * b + i, bj * b + j);
			}
		}
	}

	par_barrier_wait(lu->bar);
	if (t == 0)
		start = par_cycles();

	for (unsigned k = 0; k < nb; k++) {
		double *diag = lu_block(lu, k, k);

		if (lu_owner(lu, k, k) == t)
			lu_factor_diag(diag, b);
		par_barrier_wait(lu->bar);

		for (unsigned i = k + 1; i < nb; i++) {
			if (lu_owner(lu, i, k) == t)
				lu_solve_lower(lu_block(lu, i, k), diag, b);
			if (lu_owner(lu, k, i) == t)
				lu_solve_upper(lu_block(lu, k, i), diag, b);
		}
		par_barrier_wait(lu->bar);

		for (unsigned i = k + 1; i < nb; i++) {
			for (unsigned j = k + 1; j < nb; j++) {
				if (lu_owner(lu, i, j) == t)
					lu_update(lu_block(lu, i, j), lu_block(lu, i, k),
						  lu_block(lu, k, j), b);
			}
		}
		par_barrier_wait(lu->bar);
	}

	if (t == 0)
		lu->cycles = par_cycles() - start;
}

/* ||A - L*U||_F / ||A||_F, serially, A regenerated; f holds L and U row by
 * row, n x n. */
static double lu_residual(const struct lu *lu, const double *f)
{
	unsigned n = lu->n;
	double err = 0, norm = 0;

	for (unsigned i = 0; i < n; i++) {
		const double *fi = &f[(size_t)i * n];
		for (unsigned j = 0; j < n; j++) {
			unsigned m = i < j ? i : j;
			double s = 0;
			for (unsigned k = 0; k < m; k++)
				s += fi[k] * f[(size_t)k * n + j];
			/* k = m: L's diagonal is 1 */
			s += i <= j ? fi[j] : fi[j] * f[(size_t)j * n + j];
			double a = lu_gen(lu, i, j);
			err += (a - s) * (a - s);
			norm += a * a;
		}
	}
	return sqrt(err) / sqrt(norm);
}

/* FNV-1a of the n x n doubles of f, each as its 8 bytes little-endian. */
static uint32_t lu_checksum(const double *f, unsigned n)
{
	uint32_t h = APP_FNV_INIT;

	for (size_t i = 0; i < (size_t)n * n; i++) {
		uint64_t bits;
		memcpy(&bits, &f[i], sizeof(bits));
		h = app_fnv1a_u32(h, (uint32_t)bits);
		h = app_fnv1a_u32(h, (uint32_t)(bits >> 32));
	}
	return h;
}

static int lu_usage(void)
{
	printf("usage: lu [-p THREADS] [-n N] [-b BLOCK] [-s SEED] [-o OUTFILE]\n"
	       "  -p  threads, 1..%u (default: 1 on Linux, the VM's CPUs on SPLASHOS)\n"
	       "  -n  matrix side, 1..%u, a multiple of BLOCK (default 128)\n"
	       "  -b  block side (default 16)\n"
	       "  -s  seed of the matrix (default 1)\n"
	       "  -o  write L and U (one n x n matrix, row by row) to OUTFILE as\n"
	       "      little-endian doubles\n",
	       par_max_threads(), LU_MAXN);
	return 2;
}

int main(int argc, char **argv)
{
	struct lu lu = {0};
	unsigned p = par_default_threads(), n = 128, b = 16, seed = 1;
	const char *out = NULL;
	const struct app_opt opts[] = {
		{'p', &p, NULL},    {'n', &n, NULL},   {'b', &b, NULL},
		{'s', &seed, NULL}, {'o', NULL, &out},
	};

	if (!app_parse_args(LU_NAME, argc, argv, opts, sizeof(opts) / sizeof(opts[0])))
		return lu_usage();
	const char *bad = NULL;
	if (p < 1 || p > par_max_threads())
		bad = "-p: thread count out of range";
	else if (n < 1 || n > LU_MAXN)
		bad = "-n: matrix side out of range";
	else if (b < 1 || n % b != 0)
		bad = "-b: the block side must divide the matrix side";
	if (bad) {
		printf("lu: %s\n", bad);
		return lu_usage();
	}

	lu.n = n;
	lu.b = b;
	lu.nb = n / b;
	lu.nthreads = p;
	lu.seed = seed;
	/* the squarest grid: pr the largest divisor of p with pr * pr <= p */
	for (unsigned r = 1; r * r <= p; r++) {
		if (p % r == 0)
			lu.pr = r;
	}
	lu.pc = p / lu.pr;
	lu.a = par_malloc((size_t)n * n * sizeof(double));
	lu.bar = par_malloc(sizeof(*lu.bar));
	if (!lu.a || !lu.bar) {
		printf("lu: FAILED: out of memory for a %ux%u matrix\n", n, n);
		return 1;
	}
	par_barrier_init(lu.bar, p);

	printf("lu: %ux%u matrix, %ux%u blocks, %u threads (%ux%u grid)\n", n, n, b, b, p, lu.pr,
	       lu.pc);
	par_run(p, lu_thread, &lu);

	/* the factors row by row, for the check and the checksum */
	double *f = malloc((size_t)n * n * sizeof(double));
	if (!f) {
		printf("lu: FAILED: out of memory for the check\n");
		return 1;
	}
	for (unsigned i = 0; i < n; i++) {
		for (unsigned j = 0; j < n; j++)
			f[(size_t)i * n + j] = lu_block(&lu, i / b, j / b)[(i % b) * b + j % b];
	}
	if (!(lu_residual(&lu, f) < LU_RESIDUAL)) {
		printf("lu: FAILED: relative residual ||A - L*U|| / ||A|| not below 1e-10\n");
		return 1;
	}
	printf("lu: result ok\n");
	printf("lu: checksum 0x%08x\n", (unsigned)lu_checksum(f, n));
	app_print_cycles(LU_NAME, lu.cycles);
	/* mipsel: the doubles are little-endian already */
	if (out && !app_write_file(LU_NAME, out, NULL, 0, f, (size_t)n * n * sizeof(double)))
		return 1;
	return 0;
}
