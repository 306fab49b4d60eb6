/* coherence/proto.h: the directory protocol of coherence/PROTOCOL.md in C - one
 * engine per node, holding that node's L2 (the coherence point: line states
 * and the line data), the directory of the lines it is home for, and its
 * share of machine memory.
 *
 * The engine is pure protocol: it never runs a CPU and never talks to the
 * transport itself. The node (node/, or a test harness) drives it:
 *   - coh_access() for every L1 miss of a requester (a CPU of the node, or
 *     the node's DMA engine): a hit returns the line's data, a miss sends the
 *     request and the requester waits for ops->wake;
 *   - coh_handle() for every message addressed to the node, in delivery
 *     order, at the time the node takes it;
 *   - coh_release() after a woken requester has retried its access.
 * and the engine calls back through coh_node_ops to send messages and to
 * tell the node what happened to lines (so it can drop L1 copies, decoded
 * code and LL reservations).
 *
 * Time is in cycles. Latency comes from the path (PROTOCOL.md 6): a message
 * sent by a handler leaves at handler start + occupancy and arrives after
 * hops * hop cycles (0 hops to itself); the home's controller (MAGIC) is
 * occupied by one handler at a time, so a message waits while it is busy.
 *
 * Holding: when a transaction completes, the requesters waiting for it are
 * woken and the line is held - forwards and invalidations that arrive for it
 * are deferred - until coh_release(). A woken requester therefore always
 * finds the line on its retry, so two nodes fighting over a line both make
 * progress (no livelock from a line stolen between completion and retry). A
 * load that completed in IS_DI (its copy already invalidated, PROTOCOL.md)
 * leaves the line readable, for the held requester's retry only; the release
 * drops it. (PROTOCOL.md 8 has the details: what a held line admits, which
 * merged requesters may use one-shot data.)
 *
 * The ops callbacks must not call back into the engine; they run inside
 * coh_access, coh_handle, coh_release and coh_evict.
 */
#ifndef COH_PROTO_H
#define COH_PROTO_H

#include <stdbool.h>
#include <stdint.h>

#include "coherence/msg.h"

/* Protocol message types (PROTOCOL.md 4), from COH_MSG_PROTOCOL_FIRST. */
enum coh_type {
	COH_GET = COH_MSG_PROTOCOL_FIRST,
	COH_GETX,
	COH_UPGRADE,
	COH_PUTX,
	COH_SWB,
	COH_XFER,
	COH_UNBLOCK,
	COH_FWD_GET,
	COH_FWD_GETX,
	COH_INV,
	COH_DATA,
	COH_UPG_ACK,
	COH_INV_ACK,
	COH_NAK,
	COH_WB_ACK,
	COH_RETRY, /* to itself: a NAKed request's back-off has ended */
	COH_TYPE_END,
};
/* The node's own message types (uncached accesses, IPIs) start here; the
 * engine ignores them. */
#define COH_MSG_NODE_FIRST 64

/* Directory states (PROTOCOL.md 3). */
enum coh_dstate { COH_D_U, COH_D_S, COH_D_E, COH_D_B_SF, COH_D_B_XF, COH_D_B_XI };
/* Cache line states at a node (PROTOCOL.md 3). */
enum coh_cstate {
	COH_C_I,
	COH_C_S,
	COH_C_E,
	COH_C_M,
	COH_C_IS_D,
	COH_C_IS_DI,
	COH_C_IM_AD,
	COH_C_SM_AD,
	COH_C_IM_A,
	COH_C_MI_A,
	COH_C_II_A,
};

/* Where a miss was satisfied, for the statistics. */
enum coh_miss_class {
	COH_MISS_LOCAL,	 /* the home is this node and it had the data */
	COH_MISS_REMOTE, /* a remote home supplied the data (2 hops) */
	COH_MISS_3HOP,	 /* the owner, a third node, supplied it (forwarded) */
	COH_MISS_NCLASS,
};

typedef struct coh_proto_params {
	uint32_t hop;	      /* cycles: one network hop, node to node (>= lookahead) */
	uint32_t dir;	      /* cycles: directory occupancy of every handler */
	uint32_t mem;	      /* cycles: memory access at the home (DATA from memory, PUTX, SWB) */
	uint32_t cache;	      /* cycles: an owner reading its L2 to serve a forward */
	uint32_t nak_backoff; /* cycles: a NAKed requester waits this long before resending */
	uint32_t l2_bytes;    /* L2 capacity, a power of two multiple of ways * 128 */
	uint32_t l2_ways;     /* L2 associativity */
	uint32_t hot_threshold; /* misses per (page, requesting node) that raise a hot-page
				 * event; 0: never */
} coh_proto_params;

/* The defaults of DESIGN.md 2: 300 ns local miss, 900 ns remote clean miss. */
void coh_proto_params_default(coh_proto_params *p);

typedef struct coh_node_ops {
	/* Sends *m. The engine filled type, src, dst, addr, len, data, the
	 * protocol fields, send_time and deliver_time (pair order already
	 * enforced). dst == src is allowed (a message to itself, 0 hops: the
	 * node keeps it in its own queue). */
	void (*send)(void *opaque, coh_msg *m);
	/* The access requester `req` waits for can be retried from time
	 * `time` on (the line is held for it). cls/latency: the miss it
	 * waited for (latency = time - the time of its first coh_access).
	 * Every wake is such a completion (cls < COH_MISS_NCLASS) and its
	 * retry hits: a requester that had to wait for a way of its set, for
	 * another requester's hold or for a write-back is retried by the
	 * engine itself when that ends (PROTOCOL.md 8.2). */
	void (*wake)(void *opaque, int req, uint64_t line, uint64_t time, enum coh_miss_class cls,
		     uint64_t latency);
	/* The node's copy of line loses write permission (keep_read) or goes
	 * away (!keep_read): L1 copies, fast translations, decoded code and
	 * LL reservations of it must go before the engine reuses the data. */
	void (*lose)(void *opaque, uint64_t line, bool keep_read);
	/* New data arrived for line (DATA installed): decoded code of it is
	 * stale. */
	void (*filled)(void *opaque, uint64_t line);
	/* Home side: misses from `node` to page crossed the threshold.
	 * page: machine address of the 4 KiB page; count: the threshold.
	 * Counted are the GET/GETX/UPGRADEs the home serves (not NAKed). */
	void (*hot_page)(void *opaque, uint64_t page, int node, uint32_t count, uint64_t time);
} coh_node_ops;

/* Counters of one node. */
typedef struct coh_node_stats {
	uint64_t msgs_in[COH_TYPE_END]; /* handled, by type */
	uint64_t msgs_out[COH_TYPE_END];
	uint64_t naks_sent;	/* as home */
	uint64_t naks_received; /* as requester */
	uint64_t hits, misses;	/* coh_access outcomes */
	uint64_t upgrades;
	uint64_t evictions, writebacks;
	uint64_t miss_by_class[COH_MISS_NCLASS];
	uint64_t latency_by_class[COH_MISS_NCLASS]; /* summed cycles */
	uint64_t hot_events;
	uint64_t deferred; /* forwards/invalidations deferred by a hold or the MSHR */
} coh_node_stats;

typedef struct coh_node coh_node;

/* Node `self` of `nnodes`; its memory is mem[0..mem_bytes) holding machine
 * addresses [self * mem_bytes, (self + 1) * mem_bytes) (every node holds
 * the same amount). The engine does not own mem. nreq: requesters
 * (0 .. nreq-1). NULL on a bad parameter or no memory: nnodes and nreq are
 * at most 64 (bit sets), mem_bytes a multiple of 128, l2_bytes / (l2_ways
 * * 128) a power of two; ops->send and ops->wake are required, the other
 * callbacks may be NULL. */
coh_node *coh_node_new(int self, int nnodes, uint8_t *mem, uint64_t mem_bytes, int nreq,
		       const coh_proto_params *p, const coh_node_ops *ops, void *opaque);
void coh_node_free(coh_node *n);

enum { COH_HIT, COH_MISS };
/* Requester req of this node accesses the line holding machine address
 * addr at time `time`, for reading or writing. COH_HIT: *data points to the
 * line's 128 bytes (writable when write: the line is now M), valid until the
 * engine's next call that may change the line (coh_handle, coh_access of
 * another line of the same set, coh_release). COH_MISS: the request is out
 * (or already was, for another requester of the node), and ops->wake will
 * name req when it may retry. A requester has at most one miss outstanding.
 * A held line is a hit for the requester it is held for. */
int coh_access(coh_node *n, int req, uint64_t addr, bool write, uint64_t time, uint8_t **data);
/* Handles message *m (m->dst == this node) at time now >= m->deliver_time. */
void coh_handle(coh_node *n, const coh_msg *m, uint64_t now);
/* Ends the hold of every line held for req (after its retry, or when it
 * went elsewhere, e.g. took an interrupt); deferred messages are handled
 * now. */
void coh_release(coh_node *n, int req, uint64_t now);
/* Evicts line (write-back when dirty), e.g. for a cache flush instruction.
 * Nothing happens for a line that is absent, transient or held. */
void coh_evict(coh_node *n, uint64_t addr, uint64_t time);

/* Inspection, for tests and statistics. A one-shot line (an IS_DI load
 * completed, held until its release) reads as COH_C_IS_DI. */
enum coh_cstate coh_cache_state(const coh_node *n, uint64_t addr);
/* The line's bytes when this node has them readable (S/E/M, and SM_AD
 * whose S copy is still valid), else NULL. */
const uint8_t *coh_cache_data(const coh_node *n, uint64_t addr);
/* Directory entry of a line homed here. *sharers: the set in S (else 0);
 * *owner: in E, B_SF and B_XF (else -1); either may be NULL. */
enum coh_dstate coh_dir_state(const coh_node *n, uint64_t addr, uint64_t *sharers, int *owner);
/* True when no line is transient, held or busy and no message is deferred. */
bool coh_node_quiescent(const coh_node *n);
const coh_node_stats *coh_node_stats_of(const coh_node *n);

/* Text names for messages and states (panics, logs, statistics). */
const char *coh_type_name(int type);
const char *coh_cstate_name(enum coh_cstate s);
const char *coh_dstate_name(enum coh_dstate s);

#endif
