/* bench/rt_malta/rt_malta.c: rt_putc/rt_flush/rt_exit of guest/rt/rt.h for
 * QEMU's Malta board, so the bench kernels also run on qemu-system-mipsel
 * (with guest/rt/printf.c for the rest of the API).
 *
 * Console: the Malta FPGA's 16550 UART at physical 0x1f000900, registers 8
 * bytes apart. QEMU connects it to its third serial port, so run with
 * "-serial null -serial null -serial stdio" (bench/cpu_speed.sh does).
 * Exit: writing 0x42 to the board reset register (GORESET, physical
 * 0x1f000500) asks for a reset, which -no-reboot turns into QEMU exiting
 * with status 0. The guest's status cannot reach the host that way, so a
 * non-zero status is printed first ("malta: exit N"). Unbuffered; single
 * CPU; no exception handling.
 */
#include "rt.h"

#define UART ((volatile uint8_t *)0xbf000900)
#define UART_THR (0 << 3)
#define UART_LSR (5 << 3)
#define UART_LSR_THRE 0x20
#define GORESET ((volatile uint32_t *)0xbf000500)
#define GORESET_MAGIC 0x42

void rt_putc(int c)
{
	while (!(UART[UART_LSR] & UART_LSR_THRE))
		;
	UART[UART_THR] = (uint8_t)c;
}

void rt_flush(void) {}

void rt_exit(int status)
{
	if (status != 0)
		rt_printf("malta: exit %d\n", status);
	*GORESET = GORESET_MAGIC;
	for (;;)
		;
}
