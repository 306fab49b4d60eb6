/* guest/splashos/tests/sosfault.c: a SPLASHOS application that faults on
 * purpose, to check that a fault on any vCPU ends the whole VM with one
 * clear line.
 *
 *   sosfault KIND [VCPU]
 * KIND: null (load from address 0), div0 (integer division by zero), oom
 * (allocate 1 MiB blocks until the heap is gone), bus (load from a physical
 * address where nothing is), dev (load from the device window where no
 * device is: under the monitor, from a vCPU off the VM's home node, the
 * access travels to the home node and its failure comes back), none (no
 * fault: exit 0). VCPU (default: the
 * last) is the thread that faults; the others wait in a barrier, then spin.
 * Without arguments (a plain `kernel:` VM) KIND is SOSFAULT_KIND, set at
 * build time (default none).
 */
#include <splashos.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SOSFAULT_KIND
#define SOSFAULT_KIND "none"
#endif

#define NOTHING_THERE 0xbe000000u /* KSEG1 of physical 0x1e000000: no RAM, no device */
#define NO_DEVICE 0xbf0ff000u	  /* KSEG1: in the device window, between devices */

static const char *kind;
static unsigned who;
static sos_barrier_t start;
static volatile int done;
static volatile int zero, hundred = 100; /* volatile: a real division */

static void fault(void)
{
	if (strcmp(kind, "null") == 0) {
		printf("sosfault: vCPU %u loads from address 0 = %d\n", sos_cpu(),
		       *(volatile int *)0);
	} else if (strcmp(kind, "div0") == 0) {
		printf("sosfault: vCPU %u: 100 / 0 = %d\n", sos_cpu(), hundred / zero);
	} else if (strcmp(kind, "oom") == 0) {
		for (unsigned mb = 1;; mb++)
			memset(malloc(1 << 20), mb, 64);
	} else if (strcmp(kind, "bus") == 0) {
		printf("sosfault: vCPU %u reads %u\n", sos_cpu(),
		       *(volatile unsigned *)NOTHING_THERE);
	} else if (strcmp(kind, "dev") == 0) {
		printf("sosfault: vCPU %u reads %u\n", sos_cpu(), *(volatile unsigned *)NO_DEVICE);
	}
}

static void thread(unsigned id, void *arg)
{
	(void)arg;
	sos_barrier_wait(&start);
	if (id == who)
		fault();
	if (strcmp(kind, "none") == 0)
		return;
	while (!done) /* the fault ends the VM */
		;
}

int main(int argc, char **argv)
{
	unsigned n = sos_ncpus();

	kind = argc > 1 ? argv[1] : SOSFAULT_KIND;
	who = argc > 2 ? (unsigned)atoi(argv[2]) : n - 1;
	if (strcmp(kind, "null") && strcmp(kind, "div0") && strcmp(kind, "oom") &&
	    strcmp(kind, "bus") && strcmp(kind, "dev") && strcmp(kind, "none")) {
		printf("usage: sosfault null|div0|oom|bus|dev|none [vCPU]\n");
		return 2;
	}
	if (who >= n) {
		printf("sosfault: no vCPU %u (the VM has %u)\n", who, n);
		return 2;
	}
	printf("sosfault: %s on vCPU %u of %u\n", kind, who, n);
	sos_barrier_init(&start, n);
	sos_run(n, thread, NULL);
	printf("sosfault: no fault\n");
	return 0;
}
