/* guest/rt/printf.c: formatted output and the few string helpers every guest
 * program uses, shared by the bare and Linux flavours of the runtime and by
 * SPLASHOS (guest/splashos), which formats into its own sinks through
 * rt_vformat.
 *
 * Freestanding: no libc and no libgcc calls (64-bit decimal conversion is done
 * with shifts and subtractions, floating point with 32-bit limbs), so the same
 * object code runs on both flavours. rt_printf's output goes through rt_putc,
 * which each flavour implements (the Linux one buffers; the bare one writes
 * the UART).
 *
 * Floating point (%f %e %g, upper case too) is converted exactly: the double
 * m * 2^e becomes the decimal integer m * 2^e or m * 5^-e held in base-10^4
 * limbs, which is then rounded half to even at the digit asked for. That is
 * what glibc prints in the default rounding mode.
 */
#include "rt.h"

void *rt_memset(void *d, int c, size_t n)
{
	unsigned char *p = d;

	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *rt_memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

size_t rt_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

void rt_puts(const char *s)
{
	while (*s)
		rt_putc(*s++);
}

/* ---- output ---------------------------------------------------------------- */

/* Where one formatting call writes: put(ctx, c) per character, or nowhere
 * when put is NULL (a dry run that only counts). */
typedef struct out {
	void (*put)(void *ctx, int c);
	void *ctx;
	int count;
} out;

static void emit(out *o, int c)
{
	if (o->put)
		o->put(o->ctx, c);
	o->count++;
}

static void emit_str(out *o, const char *s, int len)
{
	for (int i = 0; i < len; i++)
		emit(o, s[i]);
}

static void pad(out *o, int c, int n)
{
	while (n-- > 0)
		emit(o, c);
}

/* One conversion specification: %[flags][width][.prec][length]conv. */
typedef struct spec {
	int left, zero, plus, space, alt;
	int width;
	int prec; /* -1: none given */
	int lng;  /* number of 'l' (j and ll: 2) */
	int half; /* number of 'h' (h: short, hh: char) */
	int conv;
} spec;

/* Padding around a field of len characters that starts with prefix (a sign,
 * 0x): spaces before it, or zeros after the prefix when zeros is set, or
 * spaces after the whole field (field_end) when left-adjusted. */
static void field_start(out *o, const spec *sp, const char *prefix, int len, int zeros)
{
	int w = sp->width - len;

	if (!sp->left && !zeros)
		pad(o, ' ', w);
	emit_str(o, prefix, (int)rt_strlen(prefix));
	if (!sp->left && zeros)
		pad(o, '0', w);
}

static void field_end(out *o, const spec *sp, int len)
{
	if (sp->left)
		pad(o, ' ', sp->width - len);
}

/* ---- integers -------------------------------------------------------------- */

/* Divides *n by 10 in place and returns the remainder, without __udivdi3. */
static unsigned divmod10(uint64_t *n)
{
	uint64_t q = 0, r = 0, v = *n;
	int i;

	for (i = 63; i >= 0; i--) {
		r = (r << 1) | ((v >> 63) & 1);
		v <<= 1;
		q <<= 1;
		if (r >= 10) {
			r -= 10;
			q |= 1;
		}
	}
	*n = q;
	return (unsigned)r;
}

/* Writes the digits of v (base 8, 10 or 16) into buf from the start; returns
 * the number of digits (at least one). */
static int fmt_u64(char *buf, uint64_t v, int base, int upper)
{
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, i;

	do {
		if (base == 16) {
			tmp[n++] = dig[v & 15];
			v >>= 4;
		} else if (base == 8) {
			tmp[n++] = dig[v & 7];
			v >>= 3;
		} else {
			tmp[n++] = dig[divmod10(&v)];
		}
	} while (v);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

/* An integer conversion (d i u o x X) of magnitude v, negative when neg. */
static void fmt_int(out *o, const spec *sp, uint64_t v, int neg)
{
	char buf[24], prefix[3] = "";
	int base = sp->conv == 'x' || sp->conv == 'X' ? 16 : sp->conv == 'o' ? 8 : 10;
	int len = fmt_u64(buf, v, base, sp->conv == 'X');
	int zeros = 0;

	if (sp->prec == 0 && v == 0)
		len = 0; /* C: precision 0 prints no digits for zero */
	if (neg)
		prefix[0] = '-';
	else if (sp->plus && base == 10 && sp->conv != 'u')
		prefix[0] = '+';
	else if (sp->space && base == 10 && sp->conv != 'u')
		prefix[0] = ' ';
	if (sp->alt && base == 16 && v) {
		prefix[0] = '0';
		prefix[1] = (char)sp->conv;
	}
	if (sp->prec > len)
		zeros = sp->prec - len;
	if (sp->alt && base == 8 && zeros == 0 && (len == 0 || buf[0] != '0'))
		zeros = 1;
	int total = (int)rt_strlen(prefix) + zeros + len;
	field_start(o, sp, prefix, total, sp->zero && sp->prec < 0);
	pad(o, '0', zeros);
	emit_str(o, buf, len);
	field_end(o, sp, total);
}

/* ---- floating point -------------------------------------------------------- */

#define DEC_LIMBS 200 /* base-10^4 limbs: 800 digits; a double needs at most 767 */

/* A non-negative decimal: value = 0.d[0]d[1]...d[nd-1] * 10^point, digits
 * 0-9 with no trailing zero; nd == 0 is zero. */
typedef struct dec {
	uint8_t d[DEC_LIMBS * 4];
	int nd, point;
} dec;

/* limb[0..*n) (least significant first) = limb * mul + add; mul <= 5^8 keeps
 * every step within 32 bits. */
static void big_mul_add(uint32_t *limb, int *n, uint32_t mul, uint32_t add)
{
	uint32_t carry = add;

	for (int i = 0; i < *n; i++) {
		uint32_t t = limb[i] * mul + carry;
		limb[i] = t % 10000;
		carry = t / 10000;
	}
	while (carry && *n < DEC_LIMBS) {
		limb[(*n)++] = carry % 10000;
		carry /= 10000;
	}
}

/* limb *= base^k, base 2 or 5, in steps small enough for big_mul_add. */
static void big_mul_pow(uint32_t *limb, int *n, uint32_t base, int k)
{
	int step = base == 2 ? 16 : 8;

	while (k > 0) {
		int s = k < step ? k : step;
		uint32_t mul = 1;
		for (int i = 0; i < s; i++)
			mul *= base;
		big_mul_add(limb, n, mul, 0);
		k -= s;
	}
}

/* The exact decimal value of a finite x >= 0. */
static void to_dec(double x, dec *r)
{
	union {
		double d;
		uint64_t u;
	} b = {.d = x};
	int be = (int)(b.u >> 52) & 0x7ff;
	uint64_t m = b.u & ((1ull << 52) - 1);
	uint32_t limb[DEC_LIMBS];
	int n = 1, frac, k, i;

	if (be)
		m |= 1ull << 52;
	else
		be = 1;
	int e = be - 1075; /* x = m * 2^e */
	r->nd = 0;
	r->point = 1;
	if (m == 0)
		return;
	limb[0] = 0;
	for (i = 48; i >= 0; i -= 16)
		big_mul_add(limb, &n, 65536, (uint32_t)(m >> i) & 0xffff);
	if (e > 0)
		big_mul_pow(limb, &n, 2, e);
	else
		big_mul_pow(limb, &n, 5, -e); /* m * 2^e = m * 5^-e / 10^-e */
	frac = e < 0 ? -e : 0;
	for (i = n - 1; i >= 0; i--)
		for (k = 1000; k; k /= 10)
			if (r->nd || limb[i] / k % 10)
				r->d[r->nd++] = (uint8_t)(limb[i] / k % 10);
	r->point = r->nd - frac;
	while (r->nd && r->d[r->nd - 1] == 0)
		r->nd--;
}

/* Keeps the first keep digits of r, rounding half to even. */
static void dec_round(dec *r, int keep)
{
	int up, i;

	if (keep >= r->nd)
		return;
	if (keep < 0) {
		r->nd = 0;
		return;
	}
	if (r->d[keep] != 5)
		up = r->d[keep] > 5;
	else if (keep + 1 < r->nd)
		up = 1; /* more nonzero digits follow: above the half */
	else
		up = keep > 0 && (r->d[keep - 1] & 1);
	r->nd = keep;
	if (up) {
		for (i = keep - 1; i >= 0 && r->d[i] == 9; i--)
			;
		if (i < 0) {
			r->d[0] = 1;
			r->nd = 1;
			r->point++;
		} else {
			r->d[i]++;
			r->nd = i + 1;
		}
	}
	while (r->nd && r->d[r->nd - 1] == 0)
		r->nd--;
}

static int dec_digit(const dec *r, int i)
{
	return '0' + (i >= 0 && i < r->nd ? r->d[i] : 0);
}

/* %f body: integer digits, then the point and prec fraction digits. */
static void put_fixed(out *o, const dec *r, int prec, int dot)
{
	if (r->point <= 0)
		emit(o, '0');
	for (int i = 0; i < r->point; i++)
		emit(o, dec_digit(r, i));
	if (prec > 0 || dot)
		emit(o, '.');
	for (int i = 0; i < prec; i++)
		emit(o, dec_digit(r, r->point + i));
}

/* %e body: d.ddd then e+XX (at least two exponent digits). */
static void put_exp(out *o, const dec *r, int prec, int dot, int upper)
{
	int x = r->nd ? r->point - 1 : 0;
	char buf[24];

	emit(o, dec_digit(r, 0));
	if (prec > 0 || dot)
		emit(o, '.');
	for (int i = 1; i <= prec; i++)
		emit(o, dec_digit(r, i));
	emit(o, upper ? 'E' : 'e');
	emit(o, x < 0 ? '-' : '+');
	if (x < 0)
		x = -x;
	if (x < 10)
		emit(o, '0');
	emit_str(o, buf, fmt_u64(buf, (uint64_t)x, 10, 0));
}

/* How a rounded decimal is written: exponent style or not, precision. */
typedef struct fstyle {
	int exp, prec, dot, upper;
} fstyle;

static void put_float_body(out *o, const dec *r, const fstyle *st)
{
	if (st->exp)
		put_exp(o, r, st->prec, st->dot, st->upper);
	else
		put_fixed(o, r, st->prec, st->dot);
}

/* Rounds r for conversion f/e/g at precision prec (-1: default) and says
 * how to write it. */
static fstyle float_style(const spec *sp, dec *r)
{
	int conv = sp->conv | 0x20, prec = sp->prec < 0 ? 6 : sp->prec;
	fstyle st = {conv == 'e', prec, sp->alt, sp->conv < 'a'};

	if (conv == 'f') {
		dec_round(r, r->point + prec);
		return st;
	}
	if (conv == 'e') {
		dec_round(r, prec + 1);
		return st;
	}
	int p = prec ? prec : 1; /* %g: p significant digits */
	dec_round(r, p);
	int x = r->nd ? r->point - 1 : 0;
	st.exp = !(p > x && x >= -4);
	st.prec = st.exp ? p - 1 : p - 1 - x;
	if (!sp->alt) { /* no trailing zeros */
		int need = st.exp ? r->nd - 1 : r->nd - r->point;
		if (need < 0)
			need = 0;
		if (need < st.prec)
			st.prec = need;
	}
	return st;
}

/* A floating-point conversion (f F e E g G) of x. */
static void fmt_float(out *o, const spec *sp, double x)
{
	union {
		double d;
		uint64_t u;
	} b = {.d = x};
	char prefix[2] = "";
	int upper = sp->conv < 'a';

	if (b.u >> 63)
		prefix[0] = '-';
	else if (sp->plus)
		prefix[0] = '+';
	else if (sp->space)
		prefix[0] = ' ';
	b.u &= ~(1ull << 63);
	if ((b.u >> 52) == 0x7ff) { /* inf, nan: never zero-padded */
		const char *s = (b.u << 12) ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");
		int total = (int)rt_strlen(prefix) + 3;
		field_start(o, sp, prefix, total, 0);
		emit_str(o, s, 3);
		field_end(o, sp, total);
		return;
	}
	dec r;
	to_dec(b.d, &r);
	fstyle st = float_style(sp, &r);
	out dry = {NULL, NULL, 0};
	put_float_body(&dry, &r, &st);
	int total = (int)rt_strlen(prefix) + dry.count;
	field_start(o, sp, prefix, total, sp->zero);
	put_float_body(o, &r, &st);
	field_end(o, sp, total);
}

/* ---- the format loop ------------------------------------------------------- */

/* A string or character field: s, len characters, padded as the original
 * rt_printf did (the '0' flag pads with zeros). */
static void fmt_text(out *o, const spec *sp, const char *s, int len)
{
	field_start(o, sp, "", len, sp->zero);
	emit_str(o, s, len);
	field_end(o, sp, len);
}

/* Parses flags, width, precision and length after a '%'; *fmt is left on
 * the conversion character. '*' takes its value from args. */
static const char *parse_spec(const char *fmt, spec *sp, va_list *ap)
{
	rt_memset(sp, 0, sizeof(*sp));
	sp->prec = -1;
	for (;; fmt++) {
		if (*fmt == '-')
			sp->left = 1;
		else if (*fmt == '0')
			sp->zero = 1;
		else if (*fmt == '+')
			sp->plus = 1;
		else if (*fmt == ' ')
			sp->space = 1;
		else if (*fmt == '#')
			sp->alt = 1;
		else
			break;
	}
	if (*fmt == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = 1;
			sp->width = -sp->width;
		}
		fmt++;
	}
	while (*fmt >= '0' && *fmt <= '9')
		sp->width = sp->width * 10 + (*fmt++ - '0');
	if (*fmt == '.') {
		fmt++;
		sp->prec = 0;
		if (*fmt == '*') {
			sp->prec = va_arg(*ap, int);
			if (sp->prec < 0)
				sp->prec = -1;
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			sp->prec = sp->prec * 10 + (*fmt++ - '0');
	}
	for (;; fmt++) {
		if (*fmt == 'l')
			sp->lng++;
		else if (*fmt == 'h')
			sp->half++;
		else if (*fmt == 'j' || *fmt == 'q')
			sp->lng = 2;
		else if (*fmt != 'z' && *fmt != 't' && *fmt != 'L')
			break;
	}
	sp->conv = *fmt;
	return fmt;
}

/* Conversions: d i u o x X c s p f F e E g G %, flags - 0 + space #, width
 * and precision (digits or *), length modifiers hh h l ll j z t L (ints are
 * 32 bits, so only ll and j change the argument's size; L is double).
 * Unknown conversions are printed verbatim. Returns the number of characters
 * written. */
int rt_vformat(void (*put)(void *ctx, int c), void *ctx, const char *fmt, va_list ap)
{
	out o = {put, ctx, 0};
	va_list args;

	va_copy(args, ap);
	for (; *fmt; fmt++) {
		spec sp;
		char c;
		const char *s;

		if (*fmt != '%') {
			emit(&o, *fmt);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, &args);
		switch (sp.conv) {
		case 'd':
		case 'i': {
			int64_t x = sp.lng >= 2 ? va_arg(args, long long)
				    : sp.lng	? (int32_t)va_arg(args, long)
						: va_arg(args, int);
			if (sp.half)
				x = sp.half == 1 ? (short)x : (signed char)x;
			fmt_int(&o, &sp, x < 0 ? -(uint64_t)x : (uint64_t)x, x < 0);
			break;
		}
		case 'u':
		case 'o':
		case 'x':
		case 'X': {
			uint64_t v = sp.lng >= 2 ? va_arg(args, unsigned long long)
				     : sp.lng	 ? va_arg(args, unsigned long)
						 : va_arg(args, unsigned int);
			if (sp.half)
				v = sp.half == 1 ? (unsigned short)v : (unsigned char)v;
			fmt_int(&o, &sp, v, 0);
			break;
		}
		case 'p': {
			char buf[24] = "0x";
			uint64_t v = (uintptr_t)va_arg(args, void *);
			fmt_text(&o, &sp, buf, 2 + fmt_u64(buf + 2, v, 16, 0));
			break;
		}
		case 'c':
			c = (char)va_arg(args, int);
			fmt_text(&o, &sp, &c, 1);
			break;
		case 's': {
			s = va_arg(args, const char *);
			if (!s)
				s = "(null)";
			int len = 0;
			while (s[len] && (sp.prec < 0 || len < sp.prec))
				len++;
			fmt_text(&o, &sp, s, len);
			break;
		}
		case 'f':
		case 'F':
		case 'e':
		case 'E':
		case 'g':
		case 'G': fmt_float(&o, &sp, va_arg(args, double)); break;
		case '%': emit(&o, '%'); break;
		case '\0': va_end(args); return o.count;
		default:
			emit(&o, '%');
			emit(&o, sp.conv);
			break;
		}
	}
	va_end(args);
	return o.count;
}

static void put_console(void *ctx, int c)
{
	(void)ctx;
	rt_putc(c);
}

int rt_vprintf(const char *fmt, va_list ap)
{
	return rt_vformat(put_console, NULL, fmt, ap);
}

int rt_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = rt_vprintf(fmt, ap);
	va_end(ap);
	return n;
}
