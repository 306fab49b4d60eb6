/* bench/kernels/sort.c: integer sorting. Each round fills an array with
 * pseudo-random ints and sorts it, alternately with quicksort (median of
 * three, insertion sort below 16 elements) and heap sort, then checks the
 * order. Measures loads, stores, compares and data-dependent branches.
 */
#include "bench.h"

#ifndef SORT_N
#define SORT_N 16384 /* elements per round */
#endif
#ifndef SORT_ROUNDS
#define SORT_ROUNDS 96
#endif

const char bench_name[] = "sort";

static int32_t a[SORT_N];

static void insertion_sort(int32_t *v, int n)
{
	int i, j;

	for (i = 1; i < n; i++) {
		int32_t x = v[i];
		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* Recurses into the smaller part only, so the depth stays under log2(n). */
static void quick_sort(int32_t *v, int n)
{
	while (n > 16) {
		int32_t lo = v[0], mid = v[n / 2], hi = v[n - 1], p, t;
		int i = 0, j = n - 1;

		/* pivot: the median of the first, middle and last elements */
		if (lo > mid) {
			t = lo;
			lo = mid;
			mid = t;
		}
		if (mid > hi)
			mid = hi > lo ? hi : lo;
		p = mid;
		for (;;) {
			while (v[i] < p)
				i++;
			while (v[j] > p)
				j--;
			if (i >= j)
				break;
			t = v[i];
			v[i] = v[j];
			v[j] = t;
			i++;
			j--;
		}
		/* [0, j] <= p <= [j + 1, n) */
		if (j + 1 < n - j - 1) {
			quick_sort(v, j + 1);
			v += j + 1;
			n -= j + 1;
		} else {
			quick_sort(v + j + 1, n - j - 1);
			n = j + 1;
		}
	}
	insertion_sort(v, n);
}

static void sift_down(int32_t *v, int root, int n)
{
	int32_t x = v[root];

	for (;;) {
		int child = 2 * root + 1;
		if (child >= n)
			break;
		if (child + 1 < n && v[child + 1] > v[child])
			child++;
		if (v[child] <= x)
			break;
		v[root] = v[child];
		root = child;
	}
	v[root] = x;
}

static void heap_sort(int32_t *v, int n)
{
	int i;

	for (i = n / 2 - 1; i >= 0; i--)
		sift_down(v, i, n);
	for (i = n - 1; i > 0; i--) {
		int32_t t = v[0];
		v[0] = v[i];
		v[i] = t;
		sift_down(v, 0, i);
	}
}

uint32_t bench_run(void)
{
	uint32_t seed = 0x2545f491, h = BENCH_MIX_INIT;
	int r, i;

	for (r = 0; r < SORT_ROUNDS; r++) {
		for (i = 0; i < SORT_N; i++)
			a[i] = (int32_t)bench_rand(&seed);
		if (r & 1)
			heap_sort(a, SORT_N);
		else
			quick_sort(a, SORT_N);
		for (i = 1; i < SORT_N; i++)
			if (a[i - 1] > a[i])
				return 0xbad00000u | (uint32_t)r; /* not sorted */
		h = bench_mix(h, (uint32_t)a[0]);
		h = bench_mix(h, (uint32_t)a[SORT_N / 3]);
		h = bench_mix(h, (uint32_t)a[SORT_N - 1]);
	}
	for (i = 0; i < SORT_N; i += 64)
		h = bench_mix(h, (uint32_t)a[i]);
	return h;
}
