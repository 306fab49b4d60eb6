/* guest/splashos/tests/sostest.c: a SPLASHOS application that checks
 * SPLASHOS itself: printf's floating point, the string and number
 * functions, math identities and known values, the heap under every vCPU at
 * once, locks and barriers with every vCPU, and file output and input on
 * /dev/vda when the VM has a disk (its contents are overwritten).
 *
 * Prints "sostest: ok" and exits 0, or one line per failed check and
 * "sostest: N checks failed" and exits 1.
 */
#include <math.h>
#include <splashos.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEAP_ROUNDS 3000 /* allocations per thread in the heap test */
#define HEAP_LIVE 48	 /* blocks each thread keeps at once */
#define LOCK_ROUNDS 2000 /* increments per thread in the lock test */
#define BARRIER_PHASES 50

static sos_lock_t fail_lock;
static volatile int failures;

static void check(int ok, const char *what)
{
	if (ok)
		return;
	sos_lock(&fail_lock);
	failures++;
	sos_unlock(&fail_lock);
	printf("sostest: FAIL (vCPU %u) %s\n", sos_cpu(), what);
}

static void check_str(const char *got, const char *want, const char *what)
{
	if (strcmp(got, want) == 0)
		return;
	printf("sostest: got '%s', want '%s'\n", got, want);
	check(0, what);
}

static int near(double a, double b, double rel)
{
	return fabs(a - b) <= rel * fabs(b);
}

/* ---- printf ---------------------------------------------------------------- */

/* Expected strings are glibc's. */
static const struct {
	const char *fmt;
	double v;
	const char *want;
} fmts[] = {
	{"%f", 3.14159265358979, "3.141593"},
	{"%.3f", 3.14159265358979, "3.142"},
	{"%10.6e", 12345.678, "1.234568e+04"},
	{"%g", 0.0001, "0.0001"},
	{"%g", 1e-5, "1e-05"},
	{"%g", 123456789.0, "1.23457e+08"},
	{"%.0f", 2.5, "2"},
	{"%.0f", 3.5, "4"},
	{"%.2f", 0.125, "0.12"},
	{"%f", -0.0, "-0.000000"},
	{"%e", 0.0, "0.000000e+00"},
	{"%G", 1e100, "1E+100"},
	{"%.17g", 0.1, "0.10000000000000001"},
	{"%-8.1f|", 9.96, "10.0    |"},
	{"%08.2f", -1.5, "-0001.50"},
	{"%+.1e", 6.02214076e23, "+6.0e+23"},
	{"%#g", 1.0, "1.00000"},
	{"%.3g", 0.0009996, "0.001"},
	{"%f", 1e20, "100000000000000000000.000000"},
	{"%.10f", 1.0 / 3, "0.3333333333"},
	{"%e", 4.9406564584124654e-324, "4.940656e-324"},
	{"%g", 1.7976931348623157e308, "1.79769e+308"},
	{"%f", 1.0 / 0.0, "inf"},
	{"%5.1f", -1.0 / 0.0, " -inf"},
};

static void test_printf(void)
{
	char buf[128];

	for (unsigned i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
		snprintf(buf, sizeof buf, fmts[i].fmt, fmts[i].v);
		check_str(buf, fmts[i].want, fmts[i].fmt);
	}
	snprintf(buf, sizeof buf, "%d|%5u|%-4x|%08X|%lld|%s|%c|%%", -42, 7u, 0xabu, 0xbeefu,
		 -1234567890123ll, "str", 'z');
	check_str(buf, "-42|    7|ab  |0000BEEF|-1234567890123|str|z|%", "integer conversions");
	check(snprintf(buf, 4, "%s", "abcdef") == 6 && strcmp(buf, "abc") == 0,
	      "snprintf truncates and counts");
}

/* ---- strings and numbers --------------------------------------------------- */

static void test_strings(void)
{
	char a[32], b[32];
	char *end;

	check(strlen("hello") == 5 && strlen("") == 0, "strlen");
	check(strcmp("abc", "abd") < 0 && strcmp("b", "a") > 0 && strcmp("x", "x") == 0, "strcmp");
	check(strncmp("abcx", "abcy", 3) == 0 && strncmp("ab", "abc", 3) < 0, "strncmp");
	strcpy(a, "split");
	strcat(a, "ash");
	check_str(a, "splitash", "strcpy/strcat");
	memset(b, 'x', sizeof b);
	strncpy(b, "ab", 5);
	check(b[0] == 'a' && b[2] == 0 && b[4] == 0 && b[5] == 'x', "strncpy pads with NULs");
	strcpy(a, "banana");
	check(strchr(a, 'n') == a + 2 && strrchr(a, 'n') == a + 4 && strrchr(a, 'a') == a + 5,
	      "strchr, strrchr");
	check(strchr("abc", 'z') == NULL && strchr("abc", 0) != NULL, "strchr misses and NUL");
	strcpy(a, "0123456789");
	memmove(a + 2, a, 6);
	check_str(a, "0101234589", "memmove overlapping up");
	memmove(a, a + 2, 6);
	check_str(a, "0123454589", "memmove overlapping down");
	check(memcmp("abc", "abd", 3) < 0 && memcmp("abc", "abc", 3) == 0, "memcmp");
	check(atoi("  -123xyz") == -123 && atoi("42") == 42, "atoi");
	check(strtol("0x1f", &end, 0) == 31 && *end == 0, "strtol base 0, hex");
	check(strtol("0777", NULL, 0) == 511 && strtol("z", &end, 36) == 35, "strtol octal, 36");
	check(strtol("99999999999", NULL, 10) == 2147483647L, "strtol saturates");
	check(strtoul("4294967295", NULL, 10) == 4294967295UL, "strtoul");
	check(strtol("  +", &end, 10) == 0 && *end == ' ', "strtol without digits");
	check(abs(-7) == 7 && abs(7) == 7, "abs");
}

/* ---- math ------------------------------------------------------------------ */

static void test_math(void)
{
	for (double x = -20; x < 20; x += 0.37) {
		double s = sin(x), c = cos(x);
		check(fabs(s * s + c * c - 1) < 4e-16, "sin^2 + cos^2 = 1");
		check(near(exp(log(fabs(x) + 0.1)), fabs(x) + 0.1, 1e-15), "exp(log x) = x");
		check(near(sin(2 * x), 2 * s * c, 1e-13) || fabs(sin(2 * x)) < 1e-13,
		      "sin 2x = 2 sin x cos x");
	}
	check(near(sin(M_PI / 6), 0.5, 1e-15) && near(cos(M_PI / 3), 0.5, 1e-15),
	      "sin pi/6, cos pi/3");
	check(fabs(sin(M_PI)) < 2e-16 && near(cos(M_PI), -1, 1e-16), "sin pi, cos pi");
	check(near(sin(1e6), -0.34999350217129294, 1e-15), "sin 1e6");
	check(near(cos(1e22), 0.5232147853951389, 1e-15), "cos 1e22 (huge argument)");
	check(near(exp(1), M_E, 3e-16) && exp(0) == 1 && near(exp(-1), 0.36787944117144233, 3e-16),
	      "exp");
	check(near(log(M_E), 1, 3e-16) && log(1) == 0 && near(log(10), M_LN10, 3e-16), "log");
	check(near(pow(2, 10), 1024, 3e-16) && near(pow(2, 0.5), sqrt(2), 3e-16) &&
		      near(pow(-2, 3), -8, 3e-16),
	      "pow");
	check(near(pow(10, -3), 0.001, 1e-16) && pow(0, 0) == 1 && isnan(pow(-2, 0.5)),
	      "pow special");
	check(sqrt(16) == 4 && near(sqrt(2) * sqrt(2), 2, 1e-15) && isnan(sqrt(-1)), "sqrt");
	check(floor(-2.5) == -3 && ceil(-2.5) == -2 && floor(2.5) == 2 && ceil(2.5) == 3,
	      "floor, ceil");
	check(floor(1e300) == 1e300 && fabs(-3.5) == 3.5, "floor of a huge value, fabs");
	check(isinf(exp(1000)) && exp(-1000) == 0 && isinf(log(0)) && isnan(log(-1)),
	      "exp and log out of range");
}

/* ---- heap, locks, barriers: every vCPU --------------------------------------- */

static void fill(unsigned char *p, size_t n, unsigned tag)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(tag + i);
}

static int intact(const unsigned char *p, size_t n, unsigned tag)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(tag + i))
			return 0;
	return 1;
}

/* Random allocations, reallocations and frees, each block filled with a
 * pattern of its own and checked before it changes or goes. */
static void heap_thread(unsigned id, void *arg)
{
	unsigned char *blk[HEAP_LIVE] = {0};
	size_t len[HEAP_LIVE] = {0};
	uint32_t seed = 12345 + id * 7919, bad = 0;

	(void)arg;
	for (int r = 0; r < HEAP_ROUNDS; r++) {
		seed = seed * 1664525u + 1013904223u;
		unsigned i = (seed >> 8) % HEAP_LIVE, tag = id * 31 + i;
		size_t n = (seed >> 16) % 3000 + 1;
		if (blk[i] && !intact(blk[i], len[i], tag))
			bad++;
		if (blk[i] && (seed & 3) == 0) {
			blk[i] = realloc(blk[i], n);
			if (!intact(blk[i], n < len[i] ? n : len[i], tag))
				bad++;
		} else {
			free(blk[i]);
			blk[i] = (seed & 8) ? calloc(1, n) : malloc(n);
			if ((seed & 8) && blk[i][n - 1] != 0)
				bad++;
		}
		len[i] = n;
		fill(blk[i], n, tag);
	}
	for (unsigned i = 0; i < HEAP_LIVE; i++) {
		if (blk[i] && !intact(blk[i], len[i], id * 31 + i))
			bad++;
		free(blk[i]);
	}
	check(bad == 0, "heap blocks keep their contents");
}

static sos_lock_t count_lock;
static volatile unsigned counter;
static sos_barrier_t phase_barrier;
static volatile unsigned slot[64];

static void sync_thread(unsigned id, void *arg)
{
	unsigned n = *(unsigned *)arg, bad = 0;

	for (int i = 0; i < LOCK_ROUNDS; i++) {
		sos_lock(&count_lock);
		counter = counter + 1;
		sos_unlock(&count_lock);
	}
	for (unsigned p = 1; p <= BARRIER_PHASES; p++) {
		slot[id] = p;
		sos_barrier_wait(&phase_barrier);
		for (unsigned j = 0; j < n; j++)
			if (slot[j] != p)
				bad++;
		sos_barrier_wait(&phase_barrier);
	}
	check(bad == 0, "every vCPU is in the same barrier phase");
}

static void test_threads(void)
{
	unsigned n = sos_ncpus() < 64 ? sos_ncpus() : 64;
	uint64_t t0 = sos_cycles();

	sos_run(n, heap_thread, NULL);
	/* the heap is whole again: a block of most of it fits */
	void *big = malloc(1 << 20);
	free(big);
	sos_lock_init(&count_lock);
	sos_barrier_init(&phase_barrier, n);
	sos_run(n, sync_thread, &n);
	check(counter == n * LOCK_ROUNDS, "the lock counts every increment");
	check(sos_cycles() > t0, "sos_cycles advances");
	printf("sostest: heap, lock and barrier with %u vCPUs: %llu cycles\n", n,
	       (unsigned long long)(sos_cycles() - t0));
}

/* ---- files ----------------------------------------------------------------- */

#define FILE_SPAN 3000 /* bytes at an odd offset, across sector boundaries */
#define FILE_OFF 1001
#define BIG_OFF 16384
#define BIG_LEN 8192

static unsigned char pattern(long off)
{
	return (unsigned char)(off * 7 + (off >> 9));
}

static int write_span(FILE *f, long off, long len)
{
	unsigned char buf[512];

	if (fseek(f, off, SEEK_SET))
		return -1;
	for (long done = 0; done < len;) {
		long n = len - done < 512 ? len - done : 512;
		for (long i = 0; i < n; i++)
			buf[i] = pattern(off + done + i);
		if (fwrite(buf, 1, (size_t)n, f) != (size_t)n)
			return -1;
		done += n;
	}
	return 0;
}

static int span_ok(FILE *f, long off, long len)
{
	unsigned char *buf = malloc((size_t)len);
	int ok = fseek(f, off, SEEK_SET) == 0 && fread(buf, 1, (size_t)len, f) == (size_t)len;

	for (long i = 0; ok && i < len; i++)
		ok = buf[i] == pattern(off + i);
	free(buf);
	return ok;
}

/* Each thread writes its own sectors through its own FILE. */
static void file_thread(unsigned id, void *arg)
{
	FILE *f = fopen("/dev/vda", "r+");

	(void)arg;
	check(f != NULL && write_span(f, 4096L * (id + 8) + 7, 1000) == 0, "thread writes");
	check(f && fclose(f) == 0, "thread fclose");
}

static void test_files(void)
{
	FILE *f = fopen("/dev/vda", "r+");
	unsigned char *big = malloc(BIG_LEN);

	if (!f) {
		printf("sostest: no /dev/vda: file test skipped\n");
		free(big);
		return;
	}
	check(fseek(f, 0, SEEK_END) == 0 && ftell(f) >= 65536, "a disk of 64 KiB or more");
	long size = ftell(f);
	check(write_span(f, FILE_OFF, FILE_SPAN) == 0, "byte writes");
	for (int i = 0; i < BIG_LEN; i++)
		big[i] = pattern(BIG_OFF + i);
	check(fseek(f, BIG_OFF, SEEK_SET) == 0 && fwrite(big, 1, BIG_LEN, f) == BIG_LEN,
	      "sector-aligned write");
	check(ftell(f) == BIG_OFF + BIG_LEN, "ftell after fwrite");
	check(fclose(f) == 0, "fclose");
	unsigned n = sos_ncpus() < 6 ? sos_ncpus() : 6;
	sos_run(n, file_thread, NULL);

	f = fopen("/dev/vda", "r");
	check(f != NULL, "reopen for reading");
	if (!f)
		return;
	check(span_ok(f, FILE_OFF, FILE_SPAN), "byte writes read back");
	check(span_ok(f, BIG_OFF, BIG_LEN), "aligned write read back");
	check(span_ok(f, BIG_OFF + 100, 1000), "part of it read back");
	for (unsigned id = 0; id < n; id++)
		check(span_ok(f, 4096L * (id + 8) + 7, 1000), "thread writes read back");
	check(fseek(f, size - 10, SEEK_SET) == 0 && fread(big, 1, 100, f) == 10 && feof(f),
	      "a read stops at the end of the disk");
	check(fwrite(big, 1, 1, f) == 0 && ferror(f), "no writes on a file opened \"r\"");
	check(fseek(f, size + 1, SEEK_SET) != 0, "no seek past the end");
	check(fclose(f) == 0, "fclose after reading");
	check(fopen("/dev/vdz", "r") == NULL && fopen("/etc/passwd", "r") == NULL,
	      "unknown files do not open");
	free(big);
	printf("sostest: /dev/vda (%ld bytes) written and read back\n", size);
}

int main(int argc, char **argv)
{
	printf("sostest: %s with %d argument(s), %u vCPUs\n", argv[0], argc - 1, sos_ncpus());
	test_printf();
	test_strings();
	test_math();
	test_threads();
	test_files();
	if (failures) {
		printf("sostest: %d checks failed\n", failures);
		return 1;
	}
	printf("sostest: ok\n");
	return 0;
}
