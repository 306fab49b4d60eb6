/* node/machine.h: one emulated node with its CPUs, memory and devices, and
 * the run loop that interleaves CPU slices, timer interrupts and device
 * input.
 *
 * This is the single-node machine (issue 2): RAM at physical 0, the UART at
 * 0x1f000000 and the power-off register at 0x1f200000, as the platform
 * contract fixes them.
 */
#ifndef NODE_MACHINE_H
#define NODE_MACHINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "node/cpu.h"
#include "node/dev_power.h"
#include "node/dev_uart.h"
#include "node/mem.h"

#define NODE_UART_BASE 0x1f000000u
#define NODE_POWER_BASE 0x1f200000u

typedef struct node_machine_config {
	uint32_t ram_bytes; /* default 64 MiB */
	int ncpus;	    /* default 1 */
	uint64_t max_insns; /* stop after this many instructions (0: never) */
	FILE *console;	    /* UART output (stdout) */
	int slice;	    /* instructions per CPU slice (default 10000) */
} node_machine_config;

/* Why node_machine_run stopped. */
enum {
	NODE_STOP_POWEROFF, /* the guest wrote the power-off register */
	NODE_STOP_LIMIT,    /* max_insns reached */
	NODE_STOP_IDLE,	    /* every CPU waits with nothing that could wake it */
};

typedef struct node_machine {
	node_machine_config cfg;
	node_mem mem;
	node_cpu *cpus;
	int ncpus;
	node_uart uart;
	node_power power;
	/* Optional hook called between slices roughly every 2^20 instructions
	 * (progress line, host input). */
	void (*poll)(struct node_machine *m, void *opaque);
	void *poll_opaque;
} node_machine;

void node_machine_config_default(node_machine_config *cfg);
/* Returns 0 or -1 (out of host memory). */
int node_machine_init(node_machine *m, const node_machine_config *cfg);
void node_machine_destroy(node_machine *m);
/* Runs until power-off, the instruction limit, or a dead idle. */
int node_machine_run(node_machine *m);
uint64_t node_machine_insns(const node_machine *m);

#endif
