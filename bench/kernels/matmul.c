/* bench/kernels/matmul.c: double-precision matrix multiply-accumulate,
 * C += A * B with N x N matrices, repeated; A and B change a little between
 * repetitions. Measures FPU loads, stores, mul.d and add.d. Built with
 * -ffp-contract=off everywhere so no build fuses the multiply and the add
 * and all of them round identically (IEEE 754 double, round to nearest).
 */
#include "bench.h"

#ifndef MATMUL_N
#define MATMUL_N 64 /* matrix order */
#endif
#ifndef MATMUL_REPS
#define MATMUL_REPS 192
#endif

#define N MATMUL_N

const char bench_name[] = "matmul";

static double A[N][N], B[N][N], C[N][N];

/* A pseudo-random double in [-0.5, 0.5), exact in binary. */
static double rand_unit(uint32_t *seed)
{
	return (double)(int32_t)(bench_rand(seed) >> 16) / 65536.0 - 0.5;
}

static void mul_add(void)
{
	int i, j, k;

	for (i = 0; i < N; i++)
		for (k = 0; k < N; k++) {
			double a = A[i][k];
			for (j = 0; j < N; j++)
				C[i][j] += a * B[k][j];
		}
}

static uint32_t fold(uint32_t h, double d)
{
	union {
		double d;
		uint32_t w[2];
	} u;

	u.d = d;
	return bench_mix(bench_mix(h, u.w[0]), u.w[1]);
}

uint32_t bench_run(void)
{
	uint32_t seed = 0x1234567, h = BENCH_MIX_INIT;
	int r, i, j;

	for (i = 0; i < N; i++)
		for (j = 0; j < N; j++) {
			A[i][j] = rand_unit(&seed);
			B[i][j] = rand_unit(&seed);
			C[i][j] = 0.0;
		}
	for (r = 0; r < MATMUL_REPS; r++) {
		mul_add();
		/* keep C bounded and make the next product different */
		for (i = 0; i < N; i++) {
			C[i][i] *= 0.5;
			A[r % N][i] = C[i][r % N] / (double)(N * N);
			B[i][r % N] -= C[r % N][i] * 0.001;
		}
		h = fold(h, C[r % N][(r * 7) % N]);
	}
	for (i = 0; i < N; i++)
		for (j = 0; j < N; j++)
			h = fold(h, C[i][j]);
	return h;
}
