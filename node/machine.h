/* node/machine.h: one emulated node - CPUs, memory and devices on the fixed
 * physical map - and the run loop that interleaves CPU slices, timer
 * interrupts and host input.
 *
 * Physical map (the platform contract): RAM from 0; UART 0x1f000000;
 * virtio-mmio slots from 0x1f001000, 0x1000 apart (disks first, then network
 * devices; empty slots answer DeviceID 0); power-off register 0x1f200000.
 */
#ifndef NODE_MACHINE_H
#define NODE_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "node/cpu.h"
#include "node/dev_power.h"
#include "node/dev_uart.h"
#include "node/dev_virtio.h"
#include "node/dev_virtio_blk.h"
#include "node/dev_virtio_net.h"
#include "node/mem.h"

#define NODE_UART_BASE 0x1f000000u
#define NODE_VIRTIO_BASE 0x1f001000u
#define NODE_VIRTIO_STRIDE 0x1000u
#define NODE_POWER_BASE 0x1f200000u
#define NODE_MAX_DISKS 4
#define NODE_MAX_NETS 4
#define NODE_MAX_SLOTS 8
#define NODE_UART_IP 2 /* CPU interrupt line of the UART */

/* CPU interrupt line of virtio slot s: IP3, IP4, then IP5 shared by the
 * rest (virtio-mmio interrupts are shareable); IP6 is the MAGIC IPI line. */
static inline int node_virtio_ip(int slot)
{
	return 3 + (slot < 2 ? slot : 2);
}

typedef struct node_disk_config {
	const char *image;
	bool readonly;
} node_disk_config;

typedef struct node_machine_config {
	uint32_t ram_bytes; /* default 64 MiB */
	int ncpus;	    /* default 1 */
	uint32_t cpu_hz;    /* default 200 MHz */
	uint64_t max_insns; /* stop after this many instructions (0: never) */
	FILE *console;	    /* UART output (stdout) */
	int slice;	    /* instructions per CPU slice (default 10000) */
	const char *cmdline;
	int ndisks;
	node_disk_config disks[NODE_MAX_DISKS];
	int nnets;
	bool net_loopback; /* connect network devices 0 and 1 */
	int slots;	   /* virtio slots in the window (default 4) */
} node_machine_config;

/* Why node_machine_run stopped. */
enum {
	NODE_STOP_POWEROFF, /* the guest wrote the power-off register */
	NODE_STOP_LIMIT,    /* max_insns reached */
	NODE_STOP_IDLE,	    /* every CPU waits with nothing that could wake it */
	NODE_STOP_HOST,	    /* the host side asked to stop (console escape) */
};

typedef struct node_machine {
	node_machine_config cfg;
	node_mem mem;
	node_cpu *cpus;
	int ncpus;
	node_uart uart;
	node_power power;
	node_virtio slots[NODE_MAX_SLOTS];
	char slot_label[NODE_MAX_SLOTS][32];
	node_virtio_blk blk[NODE_MAX_DISKS];
	node_virtio_net net[NODE_MAX_NETS];
	bool stop_request;
	/* Host hook, called between slices about every 2^20 cycles and
	 * whenever every CPU idles: progress line, console input. When all
	 * CPUs idle, idle_cycles tells how far the next timer is (UINT64_MAX:
	 * none); the hook may block for host input up to that long. */
	void (*poll)(struct node_machine *m, void *opaque, uint64_t idle_cycles);
	void *poll_opaque;
} node_machine;

void node_machine_config_default(node_machine_config *cfg);
/* Sets up cfg->slots virtio slots on mem (disks, then network devices,
 * then empty ones; slot s interrupts on node_virtio_ip(s) through irq_fn)
 * and opens the disks. 0, or -1 with a message in err. */
int node_virtio_slots_init(node_mem *mem, const node_machine_config *cfg, node_virtio *slots,
			   char (*labels)[32], node_virtio_blk *blk, node_virtio_net *net,
			   node_dma dma, void (*irq_fn)(void *, int, bool), void *irq_opaque,
			   char *err, size_t errlen);
/* Builds the machine and opens its disks. Returns 0, or -1 with a message
 * in err naming what is wrong (a disk image missing, not writable, ...). */
int node_machine_init(node_machine *m, const node_machine_config *cfg, char *err, size_t errlen);
void node_machine_destroy(node_machine *m);
/* Loads the ELF kernel, writes the device tree after it and sets the boot
 * CPU up for a UHI hand-over (a0 = -2, a1 = KSEG0 address of the DTB).
 * Returns 0, or -1 with a message in err. */
int node_machine_boot(node_machine *m, const char *kernel, char *err, size_t errlen);
/* Runs until power-off, the instruction limit, a dead idle or a stop
 * request. */
int node_machine_run(node_machine *m);
uint64_t node_machine_insns(const node_machine *m);

#endif
