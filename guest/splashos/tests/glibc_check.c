/* guest/splashos/tests/glibc_check.c: SPLASHOS's printf (guest/rt/printf.c,
 * rt_vformat) and math (sos_math.c, linked as sos_ref_*) against glibc's,
 * in one static Linux program for qemu-mipsel:
 *   qemu-mipsel build/guest/splashos/tests/sos_glibc_check
 * printf must give the same bytes and count for a table of formats and
 * values and for random doubles; each math function must agree within
 * 1e-14 relative (and in NaN-ness and sign) on special values, a table and
 * random arguments. Prints a summary per function; exits 1 on any mismatch.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int rt_vformat(void (*put)(void *ctx, int c), void *ctx, const char *fmt, va_list ap);
double sos_ref_sqrt(double), sos_ref_fabs(double), sos_ref_sin(double), sos_ref_cos(double);
double sos_ref_exp(double), sos_ref_log(double), sos_ref_floor(double), sos_ref_ceil(double);
double sos_ref_pow(double, double);

void rt_putc(int c) /* printf.c's console, unused here */
{
	putchar(c);
}

static int mismatches;

/* ---- printf ---------------------------------------------------------------- */

typedef struct sink {
	char *p;
	int n;
} sink;

static void put(void *ctx, int c)
{
	sink *s = ctx;

	if (s->n < 4000)
		s->p[s->n++] = (char)c;
}

static int sos_format(char *buf, const char *fmt, ...)
{
	va_list ap;
	sink s = {buf, 0};
	int n;

	va_start(ap, fmt);
	n = rt_vformat(put, &s, fmt, ap);
	va_end(ap);
	buf[s.n] = 0;
	return n;
}

static void compare(const char *fmt, const char *mine, int nm, const char *ref, int nr)
{
	if (strcmp(mine, ref) == 0 && nm == nr)
		return;
	if (mismatches++ < 20)
		printf("printf MISMATCH %s: '%s' (%d), glibc '%s' (%d)\n", fmt, mine, nm, ref, nr);
}

static void printf_table(void)
{
	static const char *fmts[] = {
		"%f",	 "%e",	     "%g",	"%.0f",	 "%.1f", "%.3f",   "%10.6e", "%.17g",
		"%.20f", "%-12.3f|", "%012.4f", "%+g",	 "% e",	 "%#g",	   "%#.0f",  "%#.0e",
		"%G",	 "%E",	     "%.10g",	"%.0e",	 "%.0g", "%15.8g", "%.30e",  "%.40f",
		"%5.1f", "%-+9.2e|", "%.15g",	"%.16g", "%F",	 "%*.*f",
	};
	/* clang-format off */
	static const double vals[] = {
		0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 2.5, 0.125, 0.375, 3.14159265358979, 1e-300,
		4.9e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 123456789.0, 1e21, 1e22,
		1e100, 0.1, 0.2, 0.3, 0.33333333333333331, 0.66666666666666663, 9.5, 99.5,
		999.9999999, 0.00001234, 0.0001, 1e-5, 123456.5, 1234567.0, 0.05, 0.15, 0.25, 0.35,
		6.02214076e23, -273.15, 1e15, 1e16, 9.999999e-5, 0.000099999999, 2.0e-7, 65536.0,
		4294967296.0, 18446744073709551616.0, INFINITY, -INFINITY, NAN, -NAN,
	};
	/* clang-format on */
	char a[4100], b[4100];

	for (unsigned i = 0; i < sizeof fmts / sizeof *fmts; i++)
		for (unsigned j = 0; j < sizeof vals / sizeof *vals; j++) {
			int na, nb;
			if (strchr(fmts[i], '*')) {
				na = sos_format(a, fmts[i], 12, 4, vals[j]);
				nb = snprintf(b, sizeof b, fmts[i], 12, 4, vals[j]);
			} else {
				na = sos_format(a, fmts[i], vals[j]);
				nb = snprintf(b, sizeof b, fmts[i], vals[j]);
			}
			compare(fmts[i], a, na, b, nb);
		}
	static const char *ifmts[] = {
		"%d",	"%5d",	   "%-5d|",  "%05d",   "%.3d", "%+d",  "% d",  "%x",   "%#x", "%#o",
		"%o",	"%.0d",	   "%8.3x",  "%-08d|", "%lld", "%llu", "%llx", "%c",   "%5c", "%s",
		"%.2s", "%10.3s|", "%-10s|", "%u",     "%%",   "%hd",  "%zu",  "%hhu", "%hx",
	};
	static const long long ivals[] = {0, 1, -1, 42, -42, 123456, 2147483647, -2147483647 - 1};
	for (unsigned i = 0; i < sizeof ifmts / sizeof *ifmts; i++)
		for (unsigned j = 0; j < 8; j++) {
			int na, nb;
			const char *s = j & 1 ? "hello" : "";
			if (strchr(ifmts[i], 's')) {
				na = sos_format(a, ifmts[i], s);
				nb = snprintf(b, sizeof b, ifmts[i], s);
			} else if (strstr(ifmts[i], "ll")) {
				na = sos_format(a, ifmts[i], ivals[j] * 1000003);
				nb = snprintf(b, sizeof b, ifmts[i], ivals[j] * 1000003);
			} else {
				na = sos_format(a, ifmts[i], (int)ivals[j]);
				nb = snprintf(b, sizeof b, ifmts[i], (int)ivals[j]);
			}
			compare(ifmts[i], a, na, b, nb);
		}
}

static uint64_t state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void) /* xorshift64 */
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

static double urand(void) /* [0, 1) */
{
	return (double)(rnd() >> 11) * 0x1p-53;
}

static void printf_random(int count)
{
	char a[4100], b[4100], fmt[16];

	for (int i = 0; i < count; i++) {
		union {
			double d;
			uint64_t u;
		} v = {.u = rnd()};
		if (i & 1)
			v.d = (double)(rnd() % 2000000) / (double)(1 << (rnd() % 20));
		int e = (int)(v.u >> 52) & 0x7ff;
		char conv = "feg"[rnd() % 3];
		if (e == 0x7ff || (conv == 'f' && e > 1100))
			continue;
		snprintf(fmt, sizeof fmt, "%%.%d%c", (int)(rnd() % 20), conv);
		int na = sos_format(a, fmt, v.d), nb = snprintf(b, sizeof b, fmt, v.d);
		compare(fmt, a, na, b, nb);
	}
}

/* ---- math ------------------------------------------------------------------ */

/* The unary functions first, pow last. */
enum { F_SIN, F_COS, F_EXP, F_LOG, F_SQRT, F_FLOOR, F_CEIL, F_FABS, F_POW, NFUNCS };
static const struct {
	const char *name;
	double (*mine)(double), (*ref)(double);
} unary[F_POW] = {
	[F_SIN] = {"sin", sos_ref_sin, sin},	 [F_COS] = {"cos", sos_ref_cos, cos},
	[F_EXP] = {"exp", sos_ref_exp, exp},	 [F_LOG] = {"log", sos_ref_log, log},
	[F_SQRT] = {"sqrt", sos_ref_sqrt, sqrt}, [F_FLOOR] = {"floor", sos_ref_floor, floor},
	[F_CEIL] = {"ceil", sos_ref_ceil, ceil}, [F_FABS] = {"fabs", sos_ref_fabs, fabs},
};
static int checks[NFUNCS], bad[NFUNCS];
static double worst[NFUNCS];

static const char *name_of(int f)
{
	return f == F_POW ? "pow" : unary[f].name;
}

static void check(int f, double x, double y, double mine, double ref)
{
	checks[f]++;
	if (isnan(ref) && isnan(mine))
		return;
	double rel = ref == mine ? 0 : ref == 0 || isinf(ref) ? 1 : fabs((mine - ref) / ref);
	if (rel > worst[f])
		worst[f] = rel;
	if (rel <= 1e-14 && isnan(mine) == isnan(ref) && signbit(mine) == signbit(ref))
		return;
	bad[f]++;
	if (mismatches++ < 40)
		printf("math MISMATCH %s(%.17g, %.17g) = %.17g, glibc %.17g\n", name_of(f), x, y,
		       mine, ref);
}

/* Unary function f at x. */
static void check_at(int f, double x)
{
	check(f, x, 0, unary[f].mine(x), unary[f].ref(x));
}

static void check_all(double x)
{
	for (int f = 0; f < F_POW; f++)
		check_at(f, x);
}

static void check_pow(double x, double y)
{
	check(F_POW, x, y, sos_ref_pow(x, y), pow(x, y));
}

static void math_table(void)
{
	/* clang-format off */
	static const double sp[] = {
		0.0, -0.0, 1.0, -1.0, 0.5, 2.0, M_PI, M_PI_2, 0.78539816339744828, -M_PI, 1e-300,
		5e-324, 1e-8, 3.0, 10.0, 100.0, 1e5, 1e6, 1e10, 1e22, 1e300, 1.7976931348623157e308,
		709.78, 709.79, -745.1, -745.2, -708.5, M_LN2, 1e-20, 2.2250738585072014e-308,
		INFINITY, -INFINITY, NAN, 0x1.6ac5b262ca1ffp+849, M_SQRT2, 0.70710678118654746,
		0.9999999999, 1.0000000001, 355.0, 22.0, 823549.0, 823550.0, 1048576.0, 3.0e7,
		314159.265358979, -2.0, -8.0, -0.5, -3.0, -2.5, 52.0, 53.0, 1023.0, 1024.0, -1074.0,
		-1075.0,
	};
	/* clang-format on */
	int n = sizeof sp / sizeof *sp;

	for (int i = 0; i < n; i++) {
		check_all(sp[i]);
		for (int j = 0; j < n; j++)
			check_pow(sp[i], sp[j]);
	}
}

static void math_random(int count)
{
	for (int k = 0; k < count; k++) {
		double small = (urand() - 0.5) * 20, mid = (urand() - 0.5) * 2e4;
		double big = ldexp(urand() + 0.5, (int)(rnd() % 1000));
		double any = ldexp(urand() + 0.5, (int)(rnd() % 2000) - 1000);
		check_at(F_SIN, small);
		check_at(F_COS, small);
		check_at(F_SIN, mid);
		check_at(F_COS, mid);
		check_at(F_SIN, big);
		check_at(F_COS, big);
		check_at(F_EXP, small * 70);
		check_at(F_LOG, any);
		check_at(F_LOG, 1 + (urand() - 0.5) * 1e-3);
		check_pow(urand() * 10, (urand() - 0.5) * 200);
		check_all(mid * 50);
	}
}

int main(void)
{
	printf_table();
	printf_random(20000);
	printf("printf: %d mismatches with glibc\n", mismatches);
	int pm = mismatches;
	math_table();
	math_random(100000);
	for (int f = 0; f < NFUNCS; f++)
		printf("%-5s %7d checks, largest relative difference %.3g, %d over 1e-14\n",
		       name_of(f), checks[f], worst[f], bad[f]);
	printf("sos_glibc_check: %s\n", mismatches ? "FAILED" : "ok");
	return mismatches != pm || pm ? 1 : 0;
}
