/* guest/splashos/sos_stdlib.c: the number conversions and small helpers of
 * stdlib.h (the heap is sos_malloc.c, exit and abort sos_start.c).
 * strtol/strtoul follow C: leading white space, a sign, base 0 (0x, 0
 * prefixes), 2..36; on overflow LONG_MAX/LONG_MIN/ULONG_MAX (no errno). */
#include <limits.h>
#include <stdlib.h>

static int is_space(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/* Parses the magnitude after the sign into *v (saturating at max); returns
 * where parsing stopped (s itself when there was no digit). */
static const char *parse_digits(const char *s, int base, unsigned long max, unsigned long *v,
				int *overflow)
{
	const char *p = s;

	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] | 0x20) == 'x' &&
	    digit_value(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	*v = 0;
	*overflow = 0;
	for (; digit_value(*p) < base; p++) {
		unsigned long d = (unsigned long)digit_value(*p);
		if (*v > (max - d) / (unsigned long)base)
			*overflow = 1;
		else
			*v = *v * (unsigned long)base + d;
	}
	return p == s || (base < 2 || base > 36) ? s : p;
}

/* The common part of strtol and strtoul: sign in *neg, magnitude limit max
 * (of the negated value when negative, via max_neg). */
static unsigned long parse(const char *s, char **end, int base, unsigned long max,
			   unsigned long max_neg, int *neg, int *overflow)
{
	const char *p = s, *q;
	unsigned long v;

	while (is_space(*p))
		p++;
	*neg = *p == '-';
	if (*p == '-' || *p == '+')
		p++;
	q = parse_digits(p, base, *neg ? max_neg : max, &v, overflow);
	if (end)
		*end = (char *)(q == p ? s : q);
	return v;
}

long strtol(const char *s, char **end, int base)
{
	int neg, overflow;
	unsigned long v =
		parse(s, end, base, LONG_MAX, (unsigned long)LONG_MAX + 1, &neg, &overflow);

	if (overflow)
		return neg ? LONG_MIN : LONG_MAX;
	return neg ? (long)(0 - v) : (long)v;
}

unsigned long strtoul(const char *s, char **end, int base)
{
	int neg, overflow;
	unsigned long v = parse(s, end, base, ULONG_MAX, ULONG_MAX, &neg, &overflow);

	if (overflow)
		return ULONG_MAX;
	return neg ? 0 - v : v;
}

long atol(const char *s)
{
	return strtol(s, NULL, 10);
}

int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

int abs(int x)
{
	return x < 0 ? -x : x;
}

long labs(long x)
{
	return x < 0 ? -x : x;
}
