/* guest/apps/app.h: what the three applications share besides par.h: the
 * command-line parser, the result checksum, a hash for generating inputs,
 * whole-file reads and writes, and the common output lines. Uses only what
 * both C libraries (glibc and SPLASHOS's) have: printf with %s %u %x, fopen,
 * fread, fwrite, fclose.
 *
 * Output contract of every application NAME (tests match these lines):
 *   NAME: result ok                      or  NAME: FAILED: <why>  (exit 1)
 *   NAME: checksum 0x%08x                the same for every thread count and
 *                                        on both flavours
 *   NAME: parallel phase <N> cycles      thread 0's cycles between barriers
 * A bad command line prints the usage and exits 2.
 */
#ifndef GUEST_APPS_APP_H
#define GUEST_APPS_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "par.h"

#define APP_FNV_INIT 0x811c9dc5u /* FNV-1a offset basis: an empty checksum */

/* One option of a command line: `-<flag> VALUE`, VALUE a number (decimal, or
 * hex with 0x, with an optional K or M suffix for 1024 or 1048576) stored in
 * *num, or a string stored in *str. Exactly one of num and str is set. */
struct app_opt {
	char flag;
	unsigned *num;
	const char **str;
};

/* Parses s into *out. Returns false when s is not a number that fits. */
static inline bool app_parse_uint(const char *s, unsigned *out)
{
	unsigned base = 10;
	uint64_t v = 0;
	const char *p = s;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!*p)
		return false;
	for (; *p; p++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			break;
		v = v * base + d;
		if (v > 0xffffffffu)
			return false;
	}
	if ((*p == 'K' || *p == 'k') && p > s) {
		v <<= 10;
		p++;
	} else if ((*p == 'M' || *p == 'm') && p > s) {
		v <<= 20;
		p++;
	}
	if (*p || v > 0xffffffffu)
		return false;
	*out = (unsigned)v;
	return true;
}

/* Parses argv[1..argc-1] against the nopts options of opts, storing each
 * value given. Returns false, having said what is wrong as `name: ...`, on an
 * unknown option, a missing value or a bad number. */
static inline bool app_parse_args(const char *name, int argc, char **argv,
				  const struct app_opt *opts, size_t nopts)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct app_opt *o = NULL;

		if (a[0] == '-' && a[1] && !a[2]) {
			for (size_t k = 0; k < nopts; k++) {
				if (opts[k].flag == a[1])
					o = &opts[k];
			}
		}
		if (!o) {
			printf("%s: unknown argument '%s'\n", name, a);
			return false;
		}
		if (i + 1 >= argc) {
			printf("%s: %s needs a value\n", name, a);
			return false;
		}
		i++;
		if (o->str) {
			*o->str = argv[i];
		} else if (!app_parse_uint(argv[i], o->num)) {
			printf("%s: %s %s: not a number\n", name, a, argv[i]);
			return false;
		}
	}
	return true;
}

/* A 32-bit integer mix: every input bit affects every output bit. Used to
 * generate inputs from an index, so the input does not depend on which
 * thread makes it. */
static inline uint32_t app_hash32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x9e3779b1u;
	x ^= x >> 13;
	x *= 0x6b43a9b5u;
	x ^= x >> 16;
	return x;
}

/* FNV-1a over n bytes, continuing from h (APP_FNV_INIT to start). */
static inline uint32_t app_fnv1a(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 16777619u;
	}
	return h;
}

/* FNV-1a over the four bytes of v, least significant first (so the checksum
 * of a word does not depend on the host's byte order). */
static inline uint32_t app_fnv1a_u32(uint32_t h, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		h ^= (v >> (8 * i)) & 0xff;
		h *= 16777619u;
	}
	return h;
}

/* [*lo, *hi): the t-th of p near-equal parts of 0..n-1 (the first n % p
 * parts one longer). */
static inline void app_split(unsigned n, unsigned t, unsigned p, unsigned *lo, unsigned *hi)
{
	unsigned q = n / p, r = n % p;

	*lo = q * t + (t < r ? t : r);
	*hi = *lo + q + (t < r);
}

/* Writes v in decimal into buf (at least 21 bytes); returns buf. Divides in
 * 16-bit steps, so that no 64-bit division (libgcc) is needed. */
static inline char *app_u64_str(char *buf, uint64_t v)
{
	uint16_t part[4] = {(uint16_t)(v >> 48), (uint16_t)(v >> 32), (uint16_t)(v >> 16),
			    (uint16_t)v};
	char tmp[21];
	int n = 0, i = 0;
	bool more;

	do {
		uint32_t rem = 0;
		more = false;
		for (int k = 0; k < 4; k++) {
			uint32_t cur = rem << 16 | part[k];
			part[k] = (uint16_t)(cur / 10);
			rem = cur % 10;
			more |= part[k] != 0;
		}
		tmp[n++] = (char)('0' + rem);
	} while (more);
	while (n)
		buf[i++] = tmp[--n];
	buf[i] = 0;
	return buf;
}

static inline void app_print_cycles(const char *name, uint64_t cycles)
{
	char buf[21];

	printf("%s: parallel phase %s cycles\n", name, app_u64_str(buf, cycles));
}

/* Writes the hn bytes of hdr (hdr may be NULL) and then the n bytes of data
 * to the file at path (on SPLASHOS: /dev/vda or /dev/vdb, which must be big
 * enough). Returns false, having printed why, on failure. */
static inline bool app_write_file(const char *name, const char *path, const void *hdr, size_t hn,
				  const void *data, size_t n)
{
	FILE *f = fopen(path, "w");
	bool ok;

	if (!f) {
		printf("%s: cannot open %s for writing\n", name, path);
		return false;
	}
	ok = (hn == 0 || fwrite(hdr, 1, hn, f) == hn) && fwrite(data, 1, n, f) == n;
	if (fclose(f) != 0)
		ok = false;
	if (!ok)
		printf("%s: cannot write %u bytes to %s\n", name, (unsigned)(hn + n), path);
	return ok;
}

/* Reads exactly n bytes from the start of the file at path into data.
 * Returns false, having printed why, when the file is missing or short. */
static inline bool app_read_file(const char *name, const char *path, void *data, size_t n)
{
	FILE *f = fopen(path, PAR_READ_MODE);
	size_t got;

	if (!f) {
		printf("%s: cannot open %s\n", name, path);
		return false;
	}
	got = fread(data, 1, n, f);
	fclose(f);
	if (got != n) {
		printf("%s: %s has %u bytes, %u needed\n", name, path, (unsigned)got, (unsigned)n);
		return false;
	}
	return true;
}

#endif
