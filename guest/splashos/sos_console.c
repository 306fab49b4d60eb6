/* guest/splashos/sos_console.c: the console of SPLASHOS: whole lines from
 * any vCPU.
 *
 * Each vCPU gathers its output in its own line buffer (no lock: only that
 * vCPU touches it) and writes the line to the UART (rt_putc) under the
 * console lock at '\n', at fflush, or when SOS_LINE_MAX bytes wait. A line
 * longer than that comes out in pieces, each whole.
 */
#include "sos_internal.h"

typedef struct line {
	char buf[SOS_LINE_MAX];
	unsigned len;
} SMP_ALIGNED line;

static line lines[SMP_MAX_CPUS];
static smp_lock console_lock;
/* 1 + the vCPU holding console_lock, 0 when free; read by the end paths. */
static volatile uint32_t console_owner SMP_ALIGNED;

/* Takes the console lock unless this vCPU holds it already; returns
 * whether it took it. */
static int console_acquire(uint32_t me)
{
	if (console_owner == me + 1)
		return 0;
	smp_lock_acquire(&console_lock);
	console_owner = me + 1;
	return 1;
}

static void console_release(int taken)
{
	if (!taken)
		return;
	console_owner = 0;
	smp_lock_release(&console_lock);
}

static void line_out(line *l, uint32_t me)
{
	unsigned n = l->len;
	int taken;

	if (!n)
		return;
	l->len = 0; /* first: a fault while writing must not write it again */
	taken = console_acquire(me);
	for (unsigned i = 0; i < n; i++)
		rt_putc(l->buf[i]);
	console_release(taken);
}

void sos__console_write(const char *s, size_t n)
{
	uint32_t me = smp_cpu_id();
	line *l = &lines[me];

	while (n--) {
		char c = *s++;
		l->buf[l->len++] = c;
		if (c == '\n' || l->len == SOS_LINE_MAX)
			line_out(l, me);
	}
}

void sos__console_flush(void)
{
	uint32_t me = smp_cpu_id();

	line_out(&lines[me], me);
}

void sos__console_line(const char *s)
{
	uint32_t me = smp_cpu_id();
	int taken;

	line_out(&lines[me], me);
	taken = console_acquire(me);
	rt_puts(s);
	rt_putc('\n');
	console_release(taken);
}
