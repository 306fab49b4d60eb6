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

/* ---- the guest layer: the monitor (monitor/) runs on the machine ---------
 *
 * In place of a bare kernel (flash_boot), a monitor may take the machine:
 * it sets every local CPU's trap hook, and hears through these hooks what
 * only the machine knows. Its messages travel on the machine's transport
 * with types from FLASH_MSG_GUEST_FIRST on, so they are time-stamped and
 * delivered in the same order on any number of ranks. */
#define FLASH_MSG_GUEST_FIRST (COH_MSG_NODE_FIRST + 16)

/* A VM's statistics, for the run's statistics (proto/stats.proto VmStats). */
typedef struct flash_vm_stats {
	const char *name;
	int index, home_node, vcpus;
	uint64_t user_cycles, kernel_cycles, monitor_cycles;
	uint64_t traps[32]; /* by ExcCode */
	uint64_t privileged_emulated, hw_tlb_misses, l2tlb_hits, l2tlb_misses_filled;
	uint64_t tlb_misses_reflected, kseg_tlb_faults, device_accesses, virtual_irqs;
	uint64_t vcpu_switches, monitor_calls, pages_zeroed, pages_returned, dma_errors;
	uint64_t net_frames_sent, net_frames_received;
	uint32_t exit_value;
	bool powered_off;
} flash_vm_stats;

typedef struct flash_guest_ops {
	/* a message of the guest layer arrived at local node `node` */
	void (*msg)(void *o, int node, const coh_msg *msg, uint64_t now);
	/* node's DMA requester got its line: devices that wait may retry */
	void (*dma_retry)(void *o, int node, uint64_t now);
	/* every 2^16 simulated cycles, at the same quantum boundaries on every
	 * rank (console scripts of VMs) */
	void (*poll)(void *o, uint64_t now);
	/* statistics: this rank's VMs (up to max; returns how many), and a
	 * local CPU's time split */
	int (*vm_stats)(void *o, flash_vm_stats *out, int max);
	void (*cpu_time)(void *o, const node_cpu *cpu, uint64_t *user, uint64_t *kernel,
			 uint64_t *monitor);
} flash_guest_ops;

void flash_set_guest(flash_machine *m, const flash_guest_ops *ops, void *opaque);
int flash_nnodes(const flash_machine *m);
int flash_cpn(const flash_machine *m);
int flash_rank(const flash_machine *m);
/* The rank that runs node `node` (the same answer on every rank). */
int flash_node_rank(const flash_machine *m, int node);
uint64_t flash_mem_per_node(const flash_machine *m);
uint32_t flash_cpu_hz(const flash_machine *m);
/* Page colours of a node's L2: pages that share no L2 set with each other
 * (L2 bytes / ways / page size; at least 1). */
uint32_t flash_page_colours(const flash_machine *m);
/* The machine's hop latency (cycles): the least node-to-node latency. */
uint64_t flash_hop(const flash_machine *m);
/* CPU c of node `node`, NULL when that node is on another rank. */
node_cpu *flash_cpu(flash_machine *m, int node, int c);
/* Sends a guest-layer message of `type` (>= FLASH_MSG_GUEST_FIRST) from
 * local node src to node dst, delivered latency cycles after send (at
 * least a hop between different nodes; in pair order). len <= 128. */
void flash_send(flash_machine *m, int src, int dst, int type, uint64_t send, uint64_t latency,
		uint64_t addr, const void *payload, uint16_t len);
/* Coherent DMA by local node `node`'s DMA requester, as node 0's devices
 * do, at time now (or the node's own time, if later: a device may be
 * driven by a CPU of another node of the rank): 0, -1 outside machine
 * memory, NODE_DMA_MISS when a line is not there yet (dma_retry is called
 * when it is). buf NULL: make ready only. */
int flash_dma(flash_machine *m, int node, uint64_t now, uint64_t addr, void *buf, uint32_t len,
	      bool write);
/* Before the run: writes machine memory of local nodes directly (boot
 * images; memory starts zeroed and nothing is cached yet). 0 or -1. */
int flash_poke(flash_machine *m, uint64_t addr, const void *buf, uint32_t len);
/* Raises or lowers a hardware interrupt line of a local CPU at time now
 * (the node's own time if later), waking it from `wait` then. */
void flash_cpu_irq(node_cpu *cpu, uint64_t now, int line, bool level);
/* Each CPU has a private "special page" at machine physical address
 * FLASH_SPECIAL_BASE + 4 KiB x its global number, of which the first two
 * words exist: outside the coherence domain, accessed at the cost of an L1
 * hit, read and written by the monitor directly (its special page for the
 * vCPU it runs, magic_regs.h). Simplification: a page of SRAM beside each
 * CPU rather than a cached memory page, so that the monitor reads the
 * guest's word without a coherence transaction. */
#define FLASH_SPECIAL_BASE 0x1f400000u
uint32_t *flash_cpu_special(node_cpu *cpu);

/* Cycles a local CPU spent idle in `wait`. */
uint64_t flash_cpu_idle(const node_cpu *cpu);
/* The machine stops at the next quantum boundary on every rank (the last
 * VM powered off); called on node `node`'s rank. */
void flash_halt(flash_machine *m, int node, uint64_t now, uint32_t value);

#endif
