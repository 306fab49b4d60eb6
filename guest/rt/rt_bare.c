/* guest/rt/rt_bare.c: console, exit and exception dispatch for the
 * bare-metal flavour, on the platform contract: a 16550 UART at physical
 * 0x1f000000 and the power-off register at 0x1f200000, both reached through
 * KSEG1 (uncached).
 *
 * rt_putc is unbuffered (it polls LSR.THRE and writes THR), so rt_flush has
 * nothing to do. rt__exc_dispatch is called by crt0_bare.S's vectors with
 * EXL set; single CPU, no locking.
 */
#ifndef GUEST_BARE
#define GUEST_BARE 1 /* the rt_bare library is built without -DGUEST_BARE */
#endif
#include "rt.h"

#define UART_BASE ((volatile uint8_t *)0xbf000000)
#define UART_THR 0
#define UART_LSR 5
#define UART_LSR_THRE 0x20
#define POWEROFF ((volatile uint32_t *)0xbf200000)

static rt_exc_handler exc_handler;

void rt__exc_dispatch(rt_frame *f);

void rt_putc(int c)
{
	while (!(UART_BASE[UART_LSR] & UART_LSR_THRE))
		;
	UART_BASE[UART_THR] = (uint8_t)c;
}

void rt_flush(void) {}

void rt_exit(int status)
{
	rt_flush();
	*POWEROFF = (uint32_t)status;
	for (;;)
		;
}

void rt_set_exception_handler(rt_exc_handler h)
{
	exc_handler = h;
}

static void default_handler(rt_frame *f)
{
	rt_printf("unexpected exception: vector +0x%03x cause %08x (ExcCode %u) "
		  "epc %08x badvaddr %08x status %08x\n",
		  f->vector, f->cause, (f->cause >> 2) & 31, f->epc, f->badvaddr, f->status);
	rt_exit(99);
}

/* Called only from the vectors in crt0_bare.S, with f on the stack. */
void rt__exc_dispatch(rt_frame *f)
{
	rt_exc_handler h = exc_handler;

	if (h)
		h(f);
	else
		default_handler(f);
}
