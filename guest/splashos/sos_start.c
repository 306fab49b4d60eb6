/* guest/splashos/sos_start.c: the start and the end of a SPLASHOS
 * application: splashos__start (entered from crt0_bare.S built with
 * RT_ENTRY=splashos__start, see splashos.h for the loader contract), exit,
 * abort, assertion failures and fatal errors.
 *
 * Ending is claimed once: the first vCPU to end the application (exit, a
 * fault, a fatal error) prints its line and writes the power-off register;
 * a vCPU that tries to end it later spins until the power-off stops it, so
 * exactly one ending line reaches the console.
 */
#include "sos_internal.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv);

static char app_name[] = "app";
static char *default_argv[] = {app_name, NULL};

/* Number of vCPUs that tried to end the application, and 1 + the first. */
static volatile uint32_t end_tries SMP_ALIGNED;
static volatile uint32_t end_cpu SMP_ALIGNED;

void splashos__start(int argc, char **argv, uint32_t marker, uint32_t memsize)
{
	(void)memsize; /* the machine's own description (MAGIC) says it too */
	if (marker != SOS_MARKER || argc < 1 || !argv) {
		argc = 1;
		argv = default_argv;
	}
	if (smp_init()) {
		rt_printf("splashos: cannot start the vCPUs (above)\n");
		rt_exit(SOS_EXIT_FATAL);
	}
	rt_set_exception_handler(sos__fault);
	sos__threads_init();
	sos__heap_init();
	exit(main(argc, argv));
}

void sos__end_claim(void)
{
	uint32_t me = smp_cpu_id() + 1;

	if (smp_atomic_add(&end_tries, 1) == 0) {
		end_cpu = me;
		smp_mb();
		return;
	}
	while (end_cpu != me) /* someone else is ending it: wait for the power-off */
		;
}

void sos__vfatal(int status, const char *fmt, va_list ap)
{
	char msg[240];
	int n;

	sos__end_claim();
	n = snprintf(msg, sizeof msg, "splashos: vCPU %u: ", smp_cpu_id());
	vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
	sos__console_line(msg);
	rt_exit(status);
}

void sos_fatal(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sos__vfatal(status, fmt, ap);
}

void exit(int status)
{
	char msg[40];

	sos__end_claim();
	sos__files_flush_all();
	snprintf(msg, sizeof msg, "splashos: exit %d", status);
	sos__console_line(msg);
	rt_exit(status);
}

void abort(void)
{
	sos_fatal(SOS_EXIT_ABORT, "abort() called from 0x%08x",
		  (unsigned)(uintptr_t)__builtin_return_address(0));
}

void sos__assert_fail(const char *expr, const char *file, int line)
{
	sos_fatal(SOS_EXIT_ABORT, "assertion failed: %s (%s:%d)", expr, file, line);
}
