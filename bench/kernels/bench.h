/* bench/kernels/bench.h: the contract between a compute kernel and the
 * harness that runs it.
 *
 * Each kernel is one C file that defines bench_name and bench_run() and
 * nothing else with external linkage. It uses no libc (not even memset: the
 * MIPS builds are freestanding), so the same source builds bare for
 * discoflash, as a Linux o32 program for qemu-mipsel, bare for QEMU's Malta
 * board and natively on the host. bench_run() does all the work and returns
 * a 32-bit checksum of its results; every build must print the same one.
 * Sizes are compile-time defines at the top of each kernel (override with
 * -D, on every build alike, or the checksums will differ).
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>

extern const char bench_name[];
uint32_t bench_run(void);

/* xorshift32: the pseudo-random source of every kernel. *s must not be 0. */
static inline uint32_t bench_rand(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

/* Folds v into the running checksum h (FNV-1a over the four bytes). */
static inline uint32_t bench_mix(uint32_t h, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++) {
		h ^= (v >> (8 * i)) & 0xff;
		h *= 16777619u;
	}
	return h;
}

#define BENCH_MIX_INIT 2166136261u

#endif
