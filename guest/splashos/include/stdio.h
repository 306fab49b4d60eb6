/* guest/splashos/include/stdio.h: SPLASHOS's standard I/O (see splashos.h).
 *
 * stdout and stderr are the console, line-buffered per vCPU (whole lines from
 * any vCPU); stdin reads nothing (EOF). printf's conversions are rt_printf's
 * (guest/rt/rt.h): d i u o x X c s p f F e E g G %, the usual flags, width,
 * precision and length modifiers.
 *
 * Files are the VM's virtio-blk disks: fopen("/dev/vda", mode) opens the
 * first disk, "/dev/vdb" the second, ... as a file whose size is the disk's
 * capacity. mode "r" reads, "r+" and "w+" read and write, "w" writes ("b" is
 * ignored; nothing is truncated, "a" is refused). fread/fwrite/fseek/ftell
 * work on bytes: a partial sector is read, changed and written back;
 * fflush and fclose write back and ask the disk to make the data durable.
 * Reads and writes stop at the end of the disk (a short count, feof or
 * ferror). Every file operation takes one lock: safe from any vCPU. Two
 * FILEs on one disk see each other's writes after fflush. At most
 * FOPEN_MAX files are open at once; fopen returns NULL for an unknown path,
 * a missing disk, a bad mode or no free FILE.
 */
#ifndef SPLASHOS_STDIO_H
#define SPLASHOS_STDIO_H

#include <stdarg.h>
#include <stddef.h>

typedef struct sos_file FILE;

extern FILE *const stdin, *const stdout, *const stderr;
#define stdin stdin
#define stdout stdout
#define stderr stderr

#define EOF (-1)
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define FOPEN_MAX 8
#define BUFSIZ 512

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int fprintf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vfprintf(FILE *f, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int sprintf(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vsprintf(char *buf, const char *fmt, va_list ap);

int puts(const char *s);
int putchar(int c);
int fputs(const char *s, FILE *f);
int fputc(int c, FILE *f);
#define putc(c, f) fputc(c, f)
int fgetc(FILE *f);
#define getc(f) fgetc(f)
int getchar(void);

FILE *fopen(const char *path, const char *mode);
int fclose(FILE *f);
int fflush(FILE *f); /* NULL: every open file and this vCPU's console line */
size_t fread(void *buf, size_t size, size_t n, FILE *f);
size_t fwrite(const void *buf, size_t size, size_t n, FILE *f);
int fseek(FILE *f, long off, int whence);
long ftell(FILE *f);
void rewind(FILE *f);
int feof(FILE *f);
int ferror(FILE *f);
void clearerr(FILE *f);

#endif
