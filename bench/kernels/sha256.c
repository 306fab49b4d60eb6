/* bench/kernels/sha256.c: SHA-256 (FIPS 180-4) of a pseudo-random buffer,
 * many passes, each pass's digest written into the start of the buffer
 * before the next. Checks the "abc" test vector first. Measures 32-bit
 * rotates, adds and logic on values held in registers.
 */
#include "bench.h"

#ifndef SHA256_BUF
#define SHA256_BUF 16384 /* bytes hashed per pass, a multiple of 64 */
#endif
#ifndef SHA256_PASSES
#define SHA256_PASSES 384
#endif

const char bench_name[] = "sha256";

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

static uint8_t buf[SHA256_BUF];

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void compress(uint32_t st[8], const uint8_t *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = st[0];
	b = st[1];
	c = st[2];
	d = st[3];
	e = st[4];
	f = st[5];
	g = st[6];
	h = st[7];
	for (i = 0; i < 64; i++) {
		t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
		t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	st[0] += a;
	st[1] += b;
	st[2] += c;
	st[3] += d;
	st[4] += e;
	st[5] += f;
	st[6] += g;
	st[7] += h;
}

/* Hashes n bytes at p into st[8]; n < 2^29. */
static void sha256(uint32_t st[8], const uint8_t *p, uint32_t n)
{
	static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
				       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	uint8_t last[128];
	uint32_t i, rest, bits = n * 8, len;

	for (i = 0; i < 8; i++)
		st[i] = iv[i];
	for (; n >= 64; n -= 64, p += 64)
		compress(st, p);
	rest = n;
	len = rest < 56 ? 64 : 128;
	for (i = 0; i < len; i++)
		last[i] = i < rest ? p[i] : i == rest ? 0x80 : 0;
	for (i = 0; i < 4; i++)
		last[len - 1 - i] = (uint8_t)(bits >> (8 * i));
	compress(st, last);
	if (len == 128)
		compress(st, last + 64);
}

uint32_t bench_run(void)
{
	static const uint8_t abc[3] = {'a', 'b', 'c'};
	uint32_t st[8], seed = 0xcafef00d, h = BENCH_MIX_INIT;
	int i, pass;

	sha256(st, abc, 3);
	if (st[0] != 0xba7816bf || st[7] != 0xf20015ad)
		return 0xbad05a25u;
	for (i = 0; i < SHA256_BUF; i++)
		buf[i] = (uint8_t)(bench_rand(&seed) >> 24);
	for (pass = 0; pass < SHA256_PASSES; pass++) {
		sha256(st, buf, SHA256_BUF);
		for (i = 0; i < 32; i++)
			buf[i] = (uint8_t)(st[i / 4] >> (8 * (i % 4)));
		h = bench_mix(h, st[pass % 8]);
	}
	for (i = 0; i < 8; i++)
		h = bench_mix(h, st[i]);
	return h;
}
