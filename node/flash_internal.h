/* node/flash_internal.h: the state of the distributed machine shared by
 * node/flash.c (the machine and its run loop) and node/flash_stats.c (its
 * statistics). Not an interface: nothing outside node/flash*.c includes it.
 */
#ifndef NODE_FLASH_INTERNAL_H
#define NODE_FLASH_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "coherence/pdes.h"
#include "coherence/queue.h"
#include "coherence/transport.h"
#include "node/flash.h"
#include "node/l1.h"
#include "node/magic_regs.h"

/* The node's own message types (coherence/proto.h: from COH_MSG_NODE_FIRST). */
enum {
	MSG_UC_READ = COH_MSG_NODE_FIRST, /* uncached load: payload uc_payload */
	MSG_UC_WRITE,			  /* uncached (posted) store */
	MSG_UC_REPLY,			  /* the value of an uncached load */
	MSG_HALT,			  /* the machine stops; payload: exit value */
};

typedef struct uc_payload {
	uint32_t size;	/* 1, 2 or 4 */
	uint32_t value; /* store value or loaded value */
	uint32_t cpu;	/* global number of the CPU that loads */
	uint32_t err;	/* reply: nothing answered at that address */
} uc_payload;

enum { UC_NONE, UC_WAIT, UC_READY };

struct fnode;

/* What the memory system keeps per CPU. */
typedef struct fcpu {
	node_cpu *cpu;
	struct fnode *node;
	int global;
	node_l1 l1d, l1i;
	uint32_t refill_line; /* the line just brought in for it: no L2 charge on retry */
	bool woken;	      /* lines may be held for it (coh_release after its run) */
	int uc_state;
	uint32_t uc_pa, uc_value;
	bool uc_err;
	uint64_t idle_cycles;
	uint64_t miss[COH_MISS_NCLASS], miss_latency[COH_MISS_NCLASS];
	uint64_t uc_remote;  /* uncached accesses sent to another node */
	uint32_t special[2]; /* its monitor special page (flash.h) */
} fcpu;

typedef struct fnode {
	flash_machine *m;
	int id;
	uint64_t now; /* time of the event being handled */
	node_mem mem; /* devices, decoded code; data through the memory system */
	uint8_t *ram; /* this node's slice of machine memory (home memory) */
	coh_node *coh;
	node_cpu *cpus;
	fcpu *fc;
	coh_queue selfq; /* messages to itself, due within the quantum */
	uint64_t self_seq;
	uint64_t *uc_last; /* per destination: last uncached delivery (pair order) */
	/* MAGIC */
	uint32_t mbox[MAGIC_MAX_CPN][4];
	uint32_t ipi[MAGIC_MAX_CPN];
	bool dma_waiting; /* the DMA requester has a miss out */
	bool dma_kick;	  /* ... and it completed: retry the devices */
	uint64_t hot_events;
	uint64_t magic_accesses;
} fnode;

struct flash_machine {
	flash_config cfg;
	int nnodes, cpn, rank, nranks;
	uint64_t mem_per_node, ram_total;
	coh_map *map;
	coh_transport *t;
	coh_pdes pdes;
	fnode **nodes; /* by node id; NULL when on another rank */
	/* node 0's devices (on the rank holding node 0) */
	node_uart uart;
	node_power power;
	node_virtio slots[NODE_MAX_SLOTS];
	char slot_label[NODE_MAX_SLOTS][32];
	node_virtio_blk blk[NODE_MAX_DISKS];
	node_virtio_net net[NODE_MAX_NETS];
	int nslots;
	bool power_sent;
	bool halt;
	uint32_t exit_value;
	int stop;
	bool stop_request;
	void (*poll)(flash_machine *m, void *opaque);
	void *poll_opaque;
	const flash_guest_ops *guest; /* the monitor, when it runs the machine */
	void *guest_opaque;
	uint64_t lookahead;
	double exchange_seconds;
	uint64_t exchange_calls;
};

#endif
