/* guest/splashos/include/stdlib.h: SPLASHOS's general utilities.
 *
 * The heap is shared by every vCPU (one lock). Out of memory is fatal: malloc,
 * calloc and realloc print one line naming the vCPU, the caller, the size and
 * the heap size and end the application (SOS_EXIT_NOMEM, splashos.h); they
 * never return NULL, except realloc(p, 0), which frees p. exit() flushes the
 * open files and ends the whole application from any vCPU.
 */
#ifndef SPLASHOS_STDLIB_H
#define SPLASHOS_STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

void *malloc(size_t n);
void *calloc(size_t count, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);

__attribute__((noreturn)) void exit(int status);
__attribute__((noreturn)) void abort(void);

int atoi(const char *s);
long atol(const char *s);
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
int abs(int x);
long labs(long x);

#endif
