/* guest/rt/rt_linux.c: rt_putc/rt_flush/rt_exit for the Linux o32 flavour,
 * on raw system calls (write = 4004, exit_group = 4246), so the same test
 * program can run under qemu-mipsel as the reference for discoflash.
 *
 * Output is buffered in one static buffer, flushed at each newline, when
 * full, and by rt_exit. Single-threaded: no locking.
 */
#include "rt.h"

#define SYS_write 4004
#define SYS_exit_group 4246

static char outbuf[4096];
static unsigned outlen;

/* o32 system call with up to three arguments; returns v0 (a negative errno
 * when the kernel reports failure in a3). */
static long sys3(long nr, long a, long b, long c)
{
	register long v0 __asm__("$2") = nr;
	register long a0 __asm__("$4") = a;
	register long a1 __asm__("$5") = b;
	register long a2 __asm__("$6") = c;
	register long a3 __asm__("$7");

	__asm__ volatile("syscall"
			 : "+r"(v0), "=r"(a3), "+r"(a0), "+r"(a1), "+r"(a2)
			 :
			 : "$1", "$3", "$8", "$9", "$10", "$11", "$12", "$13", "$14", "$15", "$24",
			   "$25", "hi", "lo", "memory");
	return a3 ? -v0 : v0;
}

void rt_flush(void)
{
	unsigned off = 0;

	while (off < outlen) {
		long n = sys3(SYS_write, 1, (long)(outbuf + off), outlen - off);
		if (n <= 0)
			break;
		off += n;
	}
	outlen = 0;
}

void rt_putc(int c)
{
	outbuf[outlen++] = (char)c;
	if (c == '\n' || outlen == sizeof outbuf)
		rt_flush();
}

void rt_exit(int status)
{
	rt_flush();
	for (;;)
		sys3(SYS_exit_group, status, 0, 0);
}
