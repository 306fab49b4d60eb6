/* guest/splashos/sos_math.c: math.h for SPLASHOS.
 *
 * sqrt and fabs are single FPU instructions. The others reduce the argument
 * to a small interval and sum a Taylor series there (terms 1/k!, or 2/(2j+1)
 * for log's atanh series), far enough that the truncation stays below
 * 2^-60 of the result:
 *   sin, cos  x = n * pi/2 + y, |y| <= pi/4, y carried as y0 + y1: pi/2 in
 *             three pieces (33 + 33 + 53 bits) below 2^19 * pi/2, above that
 *             the bits of 2/pi times the 53-bit significand in integers
 *             (Payne and Hanek's method);
 *   exp       x = k ln2 + r, |r| <= ln2/2, ln2 in two pieces, then 2^k;
 *   log       x = 2^k m, m in [sqrt(1/2), sqrt(2)), log m = 2 atanh(s) with
 *             s = (m-1)/(m+1), kept in double-double;
 *   pow       exp(y log x) with log x and the product in double-double.
 * The constants were computed for this file from pi and ln 2 to 1500 bits
 * (Machin's formula, atanh(1/3)).
 */
#include <math.h>
#include <stdint.h>

#define PIO2_1 0x1.921fb544p+0		 /* pi/2: first 33 bits */
#define PIO2_2 0x1.0b4611a6p-34		 /* next 33 bits */
#define PIO2_3 0x1.3198a2e037073p-69	 /* the rest, rounded */
#define PIO2_HI 0x1.921fb54442d18p+0	 /* pi/2 rounded */
#define PIO2_LO 0x1.1a62633145c07p-54	 /* pi/2 - PIO2_HI */
#define INV_PIO2 0x1.45f306dc9c883p-1	 /* 2/pi */
#define PI_4 0x1.921fb54442d18p-1	 /* pi/4 */
#define MEDIUM_MAX 0x1.921fb54442d18p+19 /* 2^19 pi/2: n * PIO2_1 stays exact */
#define LN2_HI 0x1.62e42fefa38p-1	 /* ln 2: first 42 bits (k * LN2_HI exact) */
#define LN2_LO 0x1.ef35793c7673p-45	 /* ln 2 - LN2_HI */
#define INV_LN2 0x1.71547652b82fep+0	 /* 1/ln 2 */
#define SQRT2 0x1.6a09e667f3bcdp+0

typedef union {
	double d;
	uint64_t u;
} dbits;

double sqrt(double x)
{
	double r;

	__asm__("sqrt.d %0, %1" : "=f"(r) : "f"(x));
	return r;
}

double fabs(double x)
{
	double r;

	__asm__("abs.d %0, %1" : "=f"(r) : "f"(x));
	return r;
}

static int exponent_of(double x) /* the biased exponent field */
{
	dbits b = {x};

	return (int)(b.u >> 52) & 0x7ff;
}

double floor(double x)
{
	dbits b = {x};
	int e = exponent_of(x) - 1023;

	if (e >= 52)
		return x; /* integral, inf or nan */
	if (e < 0)	  /* |x| < 1 */
		return x == 0 || !(b.u >> 63) ? x * 0 : -1.0;
	uint64_t frac = (1ull << (52 - e)) - 1;
	if (!(b.u & frac))
		return x;
	if (b.u >> 63)
		b.u += frac + 1; /* one more in magnitude; a carry moves the exponent */
	b.u &= ~frac;
	return b.d;
}

double ceil(double x)
{
	return -floor(-x);
}

/* ---- exact arithmetic helpers ------------------------------------------------ */

/* a + b = *s + *e exactly. */
static void two_sum(double a, double b, double *s, double *e)
{
	double t = a + b, bb = t - a;

	*s = t;
	*e = (a - (t - bb)) + (b - bb);
}

/* a * b = *p + *e exactly (Dekker, with Veltkamp's split; no fma). */
static void two_prod(double a, double b, double *p, double *e)
{
	double ca = 0x1.0000002p+27 * a, cb = 0x1.0000002p+27 * b;
	double ah = ca - (ca - a), al = a - ah, bh = cb - (cb - b), bl = b - bh;

	*p = a * b;
	*e = ((ah * bh - *p) + ah * bl + al * bh) + al * bl;
}

/* y * 2^k for y near 1 and |k| up to about 2100, with one final rounding
 * (each step below is exact). */
static double scale2(double y, int k)
{
	dbits p;

	while (k > 1000) {
		y *= 0x1p1000;
		k -= 1000;
	}
	while (k < -1000) {
		y *= 0x1p-1000;
		k += 1000;
	}
	p.u = (uint64_t)(k + 1023) << 52;
	return y * p.d;
}

/* ---- exp ------------------------------------------------------------------- */

/* 1/k! for k = 0..18. */
/* clang-format off */
static const double inv_fact[19] = {
	1.0, 1.0, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320,
	1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800.0,
	1.0 / 87178291200.0, 1.0 / 1307674368000.0, 1.0 / 20922789888000.0,
	1.0 / 355687428096000.0, 1.0 / 6402373705728000.0,
};
/* clang-format on */

/* e^(hi + lo), lo a small correction to hi. */
static double exp_dd(double hi, double lo)
{
	if (hi != hi)
		return hi + lo;
	if (hi > 709.8)
		return 0x1p1023 * 2.0; /* overflow: inf */
	if (hi < -745.2)
		return 0x1p-1022 * 0x1p-1022; /* underflow: 0 */
	int k = (int)(hi * INV_LN2 + (hi < 0 ? -0.5 : 0.5));
	double r = (hi - k * LN2_HI) + (lo - k * LN2_LO); /* the first part is exact */
	double q = inv_fact[13];
	for (int i = 12; i >= 2; i--)
		q = q * r + inv_fact[i];
	return scale2(1.0 + (r + r * r * q), k);
}

double exp(double x)
{
	return exp_dd(x, 0);
}

/* ---- log ------------------------------------------------------------------- */

/* 2/(2j+1) for j = 0..12: the atanh series. */
static const double two_over_odd[13] = {
	2.0,	  2.0 / 3,  2.0 / 5,  2.0 / 7,	2.0 / 9,  2.0 / 11, 2.0 / 13,
	2.0 / 15, 2.0 / 17, 2.0 / 19, 2.0 / 21, 2.0 / 23, 2.0 / 25,
};

/* log(x) = *hi + *lo for a finite x > 0, about 2^-60 relative. */
static void log_dd(double x, double *hi, double *lo)
{
	dbits b = {x};
	int k = -1023;

	if (exponent_of(x) == 0) { /* subnormal */
		b.d = x * 0x1p54;
		k -= 54;
	}
	k += exponent_of(b.d);
	b.u = (b.u & ((1ull << 52) - 1)) | (1023ull << 52); /* m in [1, 2) */
	if (b.d > SQRT2) {
		b.u -= 1ull << 52; /* m / 2 */
		k++;
	}
	double f = b.d - 1.0; /* exact */
	double u, ue, s, p, pe;
	two_sum(2.0, f, &u, &ue); /* 2 + f = u + ue */
	s = f / u;
	two_prod(s, u, &p, &pe);
	double s_lo = (((f - p) - pe) - s * ue) / u; /* s + s_lo = f / (2 + f) */
	double z = s * s, t = two_over_odd[12];
	for (int j = 11; j >= 1; j--)
		t = t * z + two_over_odd[j];
	double tail = 2 * s_lo + s * z * t; /* log m = 2s + tail */
	double sh, se;
	two_sum(k * LN2_HI, 2 * s, &sh, &se);
	double l = se + tail + k * LN2_LO;
	*hi = sh + l;
	*lo = l - (*hi - sh);
}

double log(double x)
{
	double hi, lo;

	if (x != x || x == 1.0 / 0.0)
		return x + x;
	if (x == 0)
		return -1.0 / 0.0;
	if (x < 0)
		return (x - x) / (x - x); /* nan, invalid */
	log_dd(x, &hi, &lo);
	return hi;
}

/* ---- pow ------------------------------------------------------------------- */

/* 0: y is not an integer, 1: an odd integer, 2: an even integer. */
static int int_kind(double y)
{
	if (floor(y) != y)
		return 0;
	if (fabs(y) >= 0x1p53)
		return 2;
	return floor(y * 0.5) * 2 == y ? 2 : 1;
}

/* pow for x or y zero, infinite or nan (C99 F.9.4.4); *done says whether it
 * was one of those. */
static double pow_special(double x, double y, int *done)
{
	double ax = fabs(x);
	int kind = int_kind(y), odd = kind == 1;

	*done = 1;
	if (y == 0 || x == 1)
		return 1.0;
	if (x != x || y != y)
		return x + y;
	if (y == 1.0 / 0.0 || y == -1.0 / 0.0) {
		if (ax == 1)
			return 1.0;
		return (ax > 1) == (y > 0) ? 1.0 / 0.0 : 0.0;
	}
	if (x == 0 || ax == 1.0 / 0.0) {
		double r = (x == 0) == (y < 0) ? 1.0 / 0.0 : 0.0;
		return odd && signbit(x) ? -r : r;
	}
	if (ax == 1 && kind) /* x = -1, y an integer */
		return odd ? -1.0 : 1.0;
	if (fabs(y) > 0x1p64) /* even; y log x is far out of range (and of two_prod's) */
		return (ax > 1) == (y > 0) ? 1.0 / 0.0 : 0.0;
	*done = 0;
	return 0;
}

double pow(double x, double y)
{
	int done, kind = int_kind(y);
	double r = pow_special(x, y, &done), lh, ll, ph, pe;

	if (done)
		return r;
	if (x < 0 && kind == 0)
		return (x - x) / (x - x); /* nan, invalid */
	log_dd(fabs(x), &lh, &ll);
	two_prod(y, lh, &ph, &pe);
	r = exp_dd(ph, pe + y * ll);
	return x < 0 && kind == 1 ? -r : r;
}

/* ---- sin, cos -------------------------------------------------------------- */

/* Bits of 2/pi after the binary point, most significant first: enough for
 * every finite double (the largest needs bits up to about 1170). */
static const uint32_t two_over_pi[40] = {
	0xa2f9836e, 0x4e441529, 0xfc2757d1, 0xf534ddc0, 0xdb629599, 0x3c439041, 0xfe5163ab,
	0xdebbc561, 0xb7246e3a, 0x424dd2e0, 0x06492eea, 0x09d1921c, 0xfe1deb1c, 0xb129a73e,
	0xe88235f5, 0x2ebb4484, 0xe99c7026, 0xb45f7e41, 0x3991d639, 0x835339f4, 0x9c845f8b,
	0xbdf9283b, 0x1ff897ff, 0xde05980f, 0xef2f118b, 0x5a0a6d1f, 0x6d367ecf, 0x27cb09b7,
	0x4f463f66, 0x9e5fea2d, 0x7527bac7, 0xebe5f17b, 0x3d0739f7, 0x8a5292ea, 0x6bfb5fb1,
	0x1f8d5d08, 0x56033046, 0xfc7b6bab, 0xf0cfbc20, 0x9af4361d,
};

/* 32 bits of 2/pi from fraction bit i on (bit 0 weighs 1/2). */
static uint32_t two_over_pi_bits(int i)
{
	int w = i >> 5, s = i & 31;
	uint32_t v = two_over_pi[w] << s;

	return s ? v | two_over_pi[w + 1] >> (32 - s) : v;
}

static int bit(const uint32_t *p, int i)
{
	return (p[i >> 5] >> (i & 31)) & 1;
}

/* p[0..7] (256 bits, least significant first) = m * w[0..5] (w[0] most
 * significant), m < 2^53. */
static void mul_window(uint64_t m, const uint32_t *w, uint32_t *p)
{
	uint32_t mh = (uint32_t)(m >> 32), ml = (uint32_t)m;

	for (int i = 0; i < 8; i++)
		p[i] = 0;
	for (int j = 0; j < 6; j++) {
		uint64_t carry = 0;
		int at = 5 - j; /* limb position of w[j] */
		for (int i = 0; i < 2; i++) {
			uint64_t t = (uint64_t)(i ? mh : ml) * w[j] + p[at + i] + carry;
			p[at + i] = (uint32_t)t;
			carry = t >> 32;
		}
		for (int i = at + 2; carry && i < 8; i++) {
			uint64_t t = (uint64_t)p[i] + carry;
			p[i] = (uint32_t)t;
			carry = t >> 32;
		}
	}
}

/* n and y0 + y1 = ax - n pi/2 (|y| <= pi/4) for a huge finite ax: the
 * significand times the bits of 2/pi that matter modulo 4. */
static int rem_pio2_large(double ax, double *y0, double *y1)
{
	dbits b = {ax};
	int e = exponent_of(ax) - 1075; /* ax = m 2^e, e >= -34 here */
	uint64_t m = (b.u & ((1ull << 52) - 1)) | (1ull << 52);
	int i0 = e - 2 > 0 ? e - 2 : 0; /* bits before i0 only add multiples of 4 */
	int s = i0 + 192 - e;		/* fraction bits of the product */
	uint32_t w[6], p[8];

	for (int j = 0; j < 6; j++)
		w[j] = two_over_pi_bits(i0 + 32 * j);
	mul_window(m, w, p);
	int n = bit(p, s) + 2 * bit(p, s + 1), neg = bit(p, s - 1);
	if (neg) { /* fraction >= 1/2: round n up, take 1 - fraction */
		n++;
		uint64_t carry = 1;
		for (int i = 0; i < 8; i++) {
			uint64_t t = (uint64_t)(uint32_t)~p[i] + carry;
			p[i] = (uint32_t)t;
			carry = t >> 32;
		}
	}
	int lead = s - 1;
	while (lead > 63 && !bit(p, lead))
		lead--;
	uint32_t fh = 0, fl = 0; /* 64 bits from the leading one down */
	for (int i = 0; i < 64; i++) {
		fh = fh << 1 | fl >> 31;
		fl = fl << 1 | (uint32_t)bit(p, lead - i);
	}
	double scale = scale2(1.0, lead - 63 - s), f, fe, ph, pe;
	two_sum((double)fh * 0x1p32 * scale, (double)fl * scale, &f, &fe);
	two_prod(f, PIO2_HI, &ph, &pe);
	pe += f * PIO2_LO + fe * PIO2_HI;
	two_sum(ph, pe, y0, y1);
	if (neg) {
		*y0 = -*y0;
		*y1 = -*y1;
	}
	return n;
}

/* n and y0 + y1 = ax - n pi/2, |y| <= pi/4 (about), for a finite ax >= 0. */
static int rem_pio2(double ax, double *y0, double *y1)
{
	if (ax <= PI_4) {
		*y0 = ax;
		*y1 = 0;
		return 0;
	}
	if (ax >= MEDIUM_MAX)
		return rem_pio2_large(ax, y0, y1);
	int n = (int)(ax * INV_PIO2 + 0.5);
	double t = ax - n * PIO2_1; /* exact: n has at most 20 bits */
	double y, ye;
	two_sum(t, -n * PIO2_2, &y, &ye);
	two_sum(y, ye - n * PIO2_3, y0, y1);
	return n;
}

/* The Taylor coefficient of y^k in sin (k odd) or cos (k even): +-1/k!. */
static double taylor(int k)
{
	return (k & 2) ? -inv_fact[k] : inv_fact[k];
}

/* sin(y0 + y1), |y0| <= pi/4, y1 tiny. */
static double sin_k(double y0, double y1)
{
	double z = y0 * y0, s = taylor(17);

	for (int k = 15; k >= 3; k -= 2)
		s = s * z + taylor(k);
	return y0 + (y0 * z * s + y1 * (1 - 0.5 * z));
}

/* cos(y0 + y1), |y0| <= pi/4, y1 tiny. */
static double cos_k(double y0, double y1)
{
	double z = y0 * y0, c = taylor(18), hz = 0.5 * z, w = 1.0 - hz;

	for (int k = 16; k >= 4; k -= 2)
		c = c * z + taylor(k);
	return w + (((1.0 - w) - hz) + (z * z * c - y0 * y1));
}

/* sin (cos when shift is 1) of x: quadrant n + shift of the reduction. */
static double sin_cos(double x, int shift)
{
	double y0, y1, r;

	if (x - x != 0)
		return x - x; /* inf or nan: nan */
	int n = rem_pio2(fabs(x), &y0, &y1) + shift;
	r = (n & 1) ? cos_k(y0, y1) : sin_k(y0, y1);
	if (n & 2)
		r = -r;
	return signbit(x) && !shift ? -r : r;
}

double sin(double x)
{
	return sin_cos(x, 0);
}

double cos(double x)
{
	return sin_cos(x, 1);
}
