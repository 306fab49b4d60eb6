/* node/flash.h: the distributed FLASH machine in detailed mode (DESIGN.md 2-4):
 * nodes with CPUs, L1 timing caches, an L2 + directory + memory slice each
 * (coherence/proto.h), a MAGIC register block each (node/magic_regs.h), and
 * the I/O devices on node 0, spread over MPI ranks and run in conservative
 * quanta (coherence/pdes.h).
 *
 * Every rank builds the same machine description and holds the nodes the
 * placement gives it. Nodes interact only through time-stamped messages:
 * coherence traffic, uncached accesses to another node's memory or devices
 * (MAGIC start mailboxes and IPIs included) and the power-off broadcast. So
 * cycle counts, console output and statistics do not depend on the number
 * of ranks or the placement.
 *
 * Simplifications (named here and in the code):
 *   - L1 lines are 128 bytes like the L2's, and the CPUs of one node share
 *     that node's L2 (FLASH had one CPU per node; several per node are
 *     allowed, like a bus-based cluster);
 *   - instruction fetch is charged at decode: a decoded 128-byte chunk
 *     stands for a line in the L1I (evicting it from the L1I model resets
 *     the chunk), shared by the node's CPUs;
 *   - cacheability follows the address: KSEG1 is uncached, everything else
 *     that is RAM is cached (the TLB's C bits are not consulted);
 *   - devices on node 0 reach memory through node 0's L2 (coherent DMA);
 *     a device whose DMA must wait for lines fails over to retrying at the
 *     line's arrival - see dma_* in flash.c;
 *   - uncached stores to another node are posted (no acknowledgement).
 */
#ifndef NODE_FLASH_H
#define NODE_FLASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "coherence/map.h"
#include "coherence/proto.h"
#include "node/machine.h"

typedef struct flash_config {
	node_machine_config base; /* ram_bytes: memory per node; ncpus: CPUs per node */
	int nnodes;
	uint32_t l1_bytes, l1_ways; /* each of L1I and L1D */
	uint32_t l2_hit;	    /* cycles: an L1 miss that hits the L2 */
	coh_proto_params coh;	    /* network, directory, memory, L2 geometry */
	enum coh_placement placement;
	const int *place_list; /* nnodes ranks, for COH_PLACE_LIST */
	uint64_t quantum;      /* cycles; 0: the lookahead (exact) */
	uint64_t max_cycles;   /* stop at this simulated time (0: never) */
	const char *initrd;    /* an initramfs image handed over in the DT, or NULL */
	void *mpi_comm;	       /* MPI_Comm * or NULL (one process) */
} flash_config;

/* The defaults of DESIGN.md 2 on top of node_machine_config_default. */
void flash_config_default(flash_config *c);

typedef struct flash_machine flash_machine;

/* Builds this rank's share of the machine. NULL with a message in err. */
flash_machine *flash_new(const flash_config *cfg, char *err, size_t errlen);
void flash_free(flash_machine *m);
/* Loads the kernel (and the initrd) into machine memory, writes the device
 * tree and sets global CPU 0 up for the UHI hand-over. 0 or -1 + err. */
int flash_boot(flash_machine *m, const char *kernel, char *err, size_t errlen);

/* Host hook, called on the rank holding node 0 at quantum boundaries every
 * 2^16 simulated cycles (console input, progress), the same boundaries on
 * any number of ranks. */
void flash_set_poll(flash_machine *m, void (*poll)(flash_machine *m, void *opaque), void *opaque);
/* The UART of node 0 (for console input), NULL on other ranks. */
node_uart *flash_uart(flash_machine *m);
/* Asks every rank to stop at the next poll boundary (console escape). */
void flash_request_stop(flash_machine *m);

/* Runs until power-off (NODE_STOP_POWEROFF), max_cycles (NODE_STOP_LIMIT),
 * idle for good (NODE_STOP_IDLE) or a stop request (NODE_STOP_HOST). The
 * same on every rank. */
int flash_run(flash_machine *m);
uint32_t flash_exit_value(const flash_machine *m);
bool flash_is_rank0(const flash_machine *m);
/* Simulated time now (cycles) and instructions retired by this rank's
 * CPUs. */
uint64_t flash_now(const flash_machine *m);
uint64_t flash_local_insns(const flash_machine *m);

/* The model's predicted latencies in cycles (what the latency test
 * compares with): L1 hit 0, an L2 hit, and L2 misses satisfied locally,
 * by a remote home, and by a dirty third node. */
typedef struct flash_model {
	uint32_t l2_hit, local_miss, remote_clean_miss, remote_dirty_miss;
} flash_model;
flash_model flash_model_of(const flash_config *c);

/* Writes the run's statistics, a discoflash.Run of proto/stats.proto: as
 * JSON to json and packed (binary, one message) to pb; either or both may
 * be NULL. Collective: every rank must call it; only rank 0 writes, and
 * rank 0's files are the ones used. host_seconds: this rank's host time of
 * the run; stop: why it stopped ("poweroff", ...). 0, -ENOMEM, or -EIO when
 * writing failed (on rank 0). */
int flash_write_stats(flash_machine *m, FILE *json, FILE *pb, double host_seconds,
		      const char *stop);

#endif
