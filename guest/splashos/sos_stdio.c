/* guest/splashos/sos_stdio.c: the printf family and the character-output
 * helpers of stdio.h, on rt_vformat (guest/rt/printf.c) and fwrite
 * (sos_file.c). Formatted output to a FILE is gathered in chunks on the
 * stack and written with fwrite, so a console line costs one append per
 * chunk, not one per character. */
#include "sos_internal.h"

#include <stdio.h>
#include <string.h>

#define CHUNK 128

typedef struct file_sink {
	FILE *f;
	unsigned n;
	char buf[CHUNK];
} file_sink;

static void sink_drain(file_sink *s)
{
	fwrite(s->buf, 1, s->n, s->f);
	s->n = 0;
}

static void put_file(void *ctx, int c)
{
	file_sink *s = ctx;

	s->buf[s->n++] = (char)c;
	if (s->n == CHUNK)
		sink_drain(s);
}

int vfprintf(FILE *f, const char *fmt, va_list ap)
{
	file_sink s = {f, 0, {0}};
	int n = rt_vformat(put_file, &s, fmt, ap);

	sink_drain(&s);
	return ferror(f) ? -1 : n;
}

int fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

int vprintf(const char *fmt, va_list ap)
{
	return vfprintf(stdout, fmt, ap);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(stdout, fmt, ap);
	va_end(ap);
	return n;
}

/* A caller's buffer of size bytes; n counts every character formatted. */
typedef struct buf_sink {
	char *p;
	size_t size, n;
} buf_sink;

static void put_buf(void *ctx, int c)
{
	buf_sink *s = ctx;

	if (s->n + 1 < s->size)
		s->p[s->n] = (char)c;
	s->n++;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	buf_sink s = {buf, size, 0};
	int n = rt_vformat(put_buf, &s, fmt, ap);

	if (size)
		buf[s.n < size ? s.n : size - 1] = 0;
	return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vsprintf(char *buf, const char *fmt, va_list ap)
{
	return vsnprintf(buf, (size_t)-1 / 2, fmt, ap);
}

int sprintf(char *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsprintf(buf, fmt, ap);
	va_end(ap);
	return n;
}

int fputc(int c, FILE *f)
{
	unsigned char ch = (unsigned char)c;

	return fwrite(&ch, 1, 1, f) == 1 ? ch : EOF;
}

int putchar(int c)
{
	return fputc(c, stdout);
}

int fputs(const char *s, FILE *f)
{
	size_t n = strlen(s);

	return fwrite(s, 1, n, f) == n ? 0 : EOF;
}

/* s and the newline through one chunked sink, as printf writes. */
int puts(const char *s)
{
	file_sink k = {stdout, 0, {0}};

	for (; *s; s++)
		put_file(&k, *s);
	put_file(&k, '\n');
	sink_drain(&k);
	return ferror(stdout) ? EOF : 0;
}
