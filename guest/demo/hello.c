/* guest/demo/hello.c: a self-contained bare-metal program written only
 * against the platform contract - its own start code, UART output and
 * power-off - with no runtime library. Build it by hand with
 *
 *   mipsel-linux-gnu-gcc -march=mips32r2 -O2 -static -nostdlib -mno-abicalls \
 *       -fno-pic -G0 -Wl,-Ttext-segment=0x80100000 -o hello.elf hello.c
 *
 * and run it with `discoflash --kernel hello.elf`: it prints a greeting, the
 * CPU's identity and a checksum, and exits with status 42.
 */
#include <stdint.h>

#define UART ((volatile uint8_t *)0xbf000000)	    /* KSEG1 of physical 0x1f000000 */
#define POWER_OFF ((volatile uint32_t *)0xbf200000) /* KSEG1 of physical 0x1f200000 */
#define UART_LSR 5
#define LSR_THRE 0x20

uint8_t hello_stack[16384] __attribute__((aligned(16)));

static void putc_uart(char c)
{
	while (!(UART[UART_LSR] & LSR_THRE))
		;
	UART[0] = (uint8_t)c;
}

static void puts_uart(const char *s)
{
	while (*s)
		putc_uart(*s++);
}

static void puthex(uint32_t v)
{
	for (int i = 28; i >= 0; i -= 4)
		putc_uart("0123456789abcdef"[(v >> i) & 15]);
}

static uint32_t cp0_prid(void)
{
	uint32_t v;
	__asm__ volatile("mfc0 %0, $15, 0" : "=r"(v));
	return v;
}

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

__attribute__((noreturn)) static void power_off(uint32_t status)
{
	*POWER_OFF = status;
	for (;;)
		;
}

__attribute__((noreturn, used)) static void c_start(void)
{
	puts_uart("hello from discoflash: a MIPS32r2 CPU on one FLASH node\n");
	puts_uart("PRId 0x");
	puthex(cp0_prid());
	puts_uart("  fnv1a(\"FLASH\") 0x");
	puthex(fnv1a("FLASH"));
	puts_uart("\n");
	power_off(42);
}

/* The entry point (__start, the MIPS linker default): set the stack pointer,
 * then C. */
__asm__(".section .text.__start\n"
	".globl __start\n"
	".set noreorder\n"
	"__start:\n"
	"  la $sp, hello_stack + 16384\n"
	"  j c_start\n"
	"  nop\n"
	".set reorder\n"
	".previous\n");
