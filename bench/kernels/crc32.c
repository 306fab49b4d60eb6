/* bench/kernels/crc32.c: CRC-32 (IEEE 802.3, reflected, polynomial
 * 0xEDB88320) computed a byte at a time with a 256-entry table, over a
 * pseudo-random buffer, many passes chained through the CRC. Measures byte
 * loads, table lookups and shifts in a tight loop.
 */
#include "bench.h"

#ifndef CRC32_BUF
#define CRC32_BUF 65536 /* bytes */
#endif
#ifndef CRC32_PASSES
#define CRC32_PASSES 640
#endif

const char bench_name[] = "crc32";

static uint32_t table[256];
static uint8_t buf[CRC32_BUF];

static void make_table(void)
{
	uint32_t i, c;
	int k;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		table[i] = c;
	}
}

static uint32_t crc32(uint32_t crc, const uint8_t *p, uint32_t n)
{
	crc = ~crc;
	while (n--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

uint32_t bench_run(void)
{
	static const uint8_t check[9] = "123456789";
	uint32_t seed = 0x9e3779b9, crc = 0, h = BENCH_MIX_INIT;
	int i;

	make_table();
	if (crc32(0, check, 9) != 0xcbf43926u) /* the standard check value */
		return 0xbad0c7c0u;
	for (i = 0; i < CRC32_BUF; i++)
		buf[i] = (uint8_t)(bench_rand(&seed) >> 24);
	for (i = 0; i < CRC32_PASSES; i++) {
		crc = crc32(crc, buf, CRC32_BUF);
		h = bench_mix(h, crc);
		buf[i % CRC32_BUF] ^= (uint8_t)crc; /* each pass sees new data */
	}
	return h;
}
