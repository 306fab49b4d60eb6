/* coherence/transport.h: time-stamped messages between nodes, in one process
 * or across MPI ranks (DESIGN.md 3).
 *
 * A transport belongs to one rank and owns the inbound queues of that rank's
 * nodes. During a quantum the nodes call coh_send; nothing sent is visible to
 * any node (on this rank or another) before the quantum's coh_exchange, which
 * moves every message into its destination queue: same-rank messages without
 * MPI, the others in one batch buffer per peer rank. Between exchanges a node
 * takes its messages with coh_next in delivery order (delivery time, source
 * node, sequence). Because same-rank and remote messages become visible at
 * the same point, nothing depends on the node-to-rank map.
 *
 * Not thread-safe: one thread per rank calls everything here. With MPI, every
 * rank of the communicator must call coh_exchange the same number of times.
 */
#ifndef COH_TRANSPORT_H
#define COH_TRANSPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "coherence/map.h"
#include "coherence/msg.h"

/* How the ranks exchange batches at the end of a quantum. Both carry every
 * rank's earliest next event, for skipping empty quanta (pdes.h). */
enum coh_exchange_algo {
	/* MPI_Ialltoall of {batch bytes, earliest event} per peer, then
	 * Isend/Irecv of the non-empty batches. Empty quantum: one alltoall. */
	COH_EXCHANGE_COUNTS,
	/* NBX (Hoefler et al.): MPI_Issend of the non-empty batches, probe for
	 * incoming ones, and once the own sends are matched, an MPI_Iallreduce
	 * (MIN of the earliest event) that ends the exchange when it completes
	 * everywhere. Empty quantum: one allreduce. */
	COH_EXCHANGE_NBX,
};

typedef struct coh_transport_config {
	const coh_map *map; /* copied; map->nranks must match the communicator */
	void *mpi_comm;	    /* MPI_Comm * (duplicated), or NULL: one process, rank 0 of 1 */
	uint64_t lookahead; /* cycles; 0: COH_LOOKAHEAD_CYCLES */
	enum coh_exchange_algo algo;
} coh_transport_config;

/* Counters of this rank since coh_transport_new. */
typedef struct coh_transport_stats {
	uint64_t sent_local;	  /* messages to a node of this rank */
	uint64_t sent_remote;	  /* messages to another rank */
	uint64_t received_remote; /* messages from another rank */
	uint64_t bytes_remote;	  /* batch bytes sent to other ranks */
	uint64_t exchanges;	  /* coh_exchange calls */
	uint64_t late_msgs;	  /* messages visible only after their delivery time (lax) */
	uint64_t late_cycles;	  /* sum of their lateness, cycles */
	uint64_t late_max;	  /* largest lateness, cycles */
} coh_transport_stats;

typedef struct coh_transport coh_transport;

/* 0 and *out, or -EINVAL (bad config, or MPI built out and mpi_comm given),
 * -ENOMEM or -EIO. Collective over the communicator when mpi_comm is set. */
int coh_transport_new(const coh_transport_config *cfg, coh_transport **out);
/* Frees the queues, batches and the duplicated communicator (collective). */
void coh_transport_free(coh_transport *t);

int coh_transport_rank(const coh_transport *t);
int coh_transport_nodes(const coh_transport *t);
uint64_t coh_transport_lookahead(const coh_transport *t);
bool coh_is_local(const coh_transport *t, int node);
const coh_transport_stats *coh_transport_stats_of(const coh_transport *t);

/* Sends *m from m->src (a node of this rank) to m->dst. The caller fills
 * type, src, dst, len, flags, send_time, deliver_time, addr and data[0..len);
 * coh_send sets version and seq (the source's next), and copies the
 * message. 0, -EINVAL (a node out of range or not local, len too large, or
 * deliver_time < send_time + lookahead), -ENOMEM or -EMSGSIZE. */
int coh_send(coh_transport *t, coh_msg *m);

/* Ends the quantum that ends at quantum_end (cycles): delivers every message
 * sent since the last exchange to its destination queue, here or on its
 * rank, and counts those due before quantum_end as late. local_next is the
 * earliest time a node of this rank has something to do other than take a
 * message (UINT64_MAX: nothing until a message comes). *global_next becomes
 * the same value on every rank: the earliest event anywhere, queued messages
 * included (UINT64_MAX: the whole machine is idle for good). Collective.
 * 0, -ENOMEM or -EIO. */
int coh_exchange(coh_transport *t, uint64_t quantum_end, uint64_t local_next,
		 uint64_t *global_next);

/* Takes node's first message into *out if its delivery time is <= now.
 * node must be local. False when there is none due. */
bool coh_next(coh_transport *t, int node, uint64_t now, coh_msg *out);
/* node's first queued message (due or not), NULL when none; valid until
 * the next coh_next or coh_exchange. */
const coh_msg *coh_peek(const coh_transport *t, int node);
/* Delivery time of node's first queued message, UINT64_MAX when none. */
uint64_t coh_next_time(const coh_transport *t, int node);

#endif
