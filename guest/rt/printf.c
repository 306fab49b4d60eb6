/* guest/rt/printf.c: formatted output and the few string helpers every guest
 * program uses, shared by the bare and Linux flavours of the runtime.
 *
 * Freestanding: no libc and no libgcc calls (64-bit decimal conversion is done
 * with shifts and subtractions), so the same object code runs on both
 * flavours. All output goes through rt_putc, which each flavour implements
 * (the Linux one buffers; the bare one writes the UART).
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

/* Writes the digits of v (base 10 or 16) into buf from the end; returns the
 * number of digits (at least one). */
static int fmt_u64(char *buf, uint64_t v, int base, int upper)
{
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, i;

	do {
		if (base == 16) {
			tmp[n++] = dig[v & 15];
			v >>= 4;
		} else {
			tmp[n++] = dig[divmod10(&v)];
		}
	} while (v);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

static void pad(int c, int n, int *count)
{
	while (n-- > 0) {
		rt_putc(c);
		(*count)++;
	}
}

/* Conversion subset documented in rt.h; unknown conversions are printed
 * verbatim. Returns the number of characters written. */
int rt_vprintf(const char *fmt, va_list ap)
{
	int count = 0;

	for (; *fmt; fmt++) {
		int left = 0, zero = 0, width = 0, lng = 0;
		char buf[24];
		const char *s;
		int len, neg = 0;
		uint64_t v;

		if (*fmt != '%') {
			rt_putc(*fmt);
			count++;
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				left = 1;
			else if (*fmt == '0')
				zero = 1;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			if (lng >= 2) {
				int64_t x = va_arg(ap, long long);
				neg = x < 0;
				v = neg ? -(uint64_t)x : (uint64_t)x;
			} else {
				int32_t x = lng ? (int32_t)va_arg(ap, long) : va_arg(ap, int);
				neg = x < 0;
				v = neg ? -(uint64_t)(int64_t)x : (uint64_t)x;
			}
			len = fmt_u64(buf, v, 10, 0);
			s = buf;
			break;
		case 'u':
		case 'x':
		case 'X':
			if (lng >= 2)
				v = va_arg(ap, unsigned long long);
			else if (lng)
				v = va_arg(ap, unsigned long);
			else
				v = va_arg(ap, unsigned int);
			len = fmt_u64(buf, v, *fmt == 'u' ? 10 : 16, *fmt == 'X');
			s = buf;
			break;
		case 'p':
			v = (uintptr_t)va_arg(ap, void *);
			buf[0] = '0';
			buf[1] = 'x';
			len = 2 + fmt_u64(buf + 2, v, 16, 0);
			s = buf;
			break;
		case 'c':
			buf[0] = (char)va_arg(ap, int);
			len = 1;
			s = buf;
			break;
		case 's':
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			len = (int)rt_strlen(s);
			break;
		case '%':
			rt_putc('%');
			count++;
			continue;
		case '\0': return count;
		default:
			rt_putc('%');
			rt_putc(*fmt);
			count += 2;
			continue;
		}
		width -= len + neg;
		if (left) {
			if (neg) {
				rt_putc('-');
				count++;
			}
		} else if (zero) {
			if (neg) {
				rt_putc('-');
				count++;
			}
			pad('0', width, &count);
		} else {
			pad(' ', width, &count);
			if (neg) {
				rt_putc('-');
				count++;
			}
		}
		for (int i = 0; i < len; i++)
			rt_putc(s[i]);
		count += len;
		if (left)
			pad(' ', width, &count);
	}
	return count;
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
