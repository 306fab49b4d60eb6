/* guest/rt/rt.h: the tiny runtime shared by every guest test program.
 *
 * The same API is implemented twice:
 *   rt_bare.c + crt0_bare.S  - bare metal on the platform contract (UART at
 *                              physical 0x1f000000, power-off register at
 *                              0x1f200000), linked at KSEG0 by bare.ld;
 *   rt_linux.c + crt0_linux.S - Linux o32 system calls, for qemu-mipsel.
 * A program written against it prints the same bytes on both, which is what
 * the conformance tests compare.
 */
#ifndef GUEST_RT_H
#define GUEST_RT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

void rt_putc(int c);
void rt_puts(const char *s); /* no newline added */
/* printf: %d %i %u %o %x %X %c %s %p %f %e %g (and F E G) %%, flags
 * '-' '0' '+' ' ' '#', width and precision (digits or *), length modifiers
 * (ll and j: 64-bit). Floating point is printed exactly as glibc does. */
int rt_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int rt_vprintf(const char *fmt, va_list ap);
/* The formatter under rt_printf: put(ctx, c) for each character. Returns
 * the number of characters. */
int rt_vformat(void (*put)(void *ctx, int c), void *ctx, const char *fmt, va_list ap);
void rt_flush(void);
__attribute__((noreturn)) void rt_exit(int status); /* flushes, then exits */

void *rt_memset(void *d, int c, size_t n);
void *rt_memcpy(void *d, const void *s, size_t n);
size_t rt_strlen(const char *s);

/* ---- bare metal only ------------------------------------------------------ */
#ifdef GUEST_BARE
/* Registers saved by the runtime's exception vectors. A handler may change
 * any of them (epc included); they are restored by eret. */
typedef struct rt_frame {
	uint32_t r[32];
	uint32_t hi, lo;
	uint32_t epc, cause, status, badvaddr;
	uint32_t vector; /* 0x000 refill, 0x180 general, 0x200 interrupt */
} rt_frame;

typedef void (*rt_exc_handler)(rt_frame *f);
/* Installs the handler called for every exception and interrupt (all three
 * vectors). NULL restores the default, which prints the frame and exits 99. */
void rt_set_exception_handler(rt_exc_handler h);

/* The runtime has set EBase to its vector page, cleared BEV and ERL and set
 * Status.CU1 before main() runs. */
#endif

#endif
