/* coherence/pdes.h: conservative quanta (DESIGN.md 3). Every node of every
 * rank runs from the quantum's start to its end, then the ranks exchange the
 * messages produced (coh_exchange) and agree on the next quantum.
 *
 * Exact mode (quantum <= lookahead): a message sent at s in [start, end) is
 * due at s + latency >= start + lookahead >= end, so it is always queued
 * before its delivery time; coh_pdes_end_quantum checks that and panics
 * otherwise. Lax mode (quantum > lookahead): a message due before the end of
 * the quantum it was sent in is delivered at the start of the next one;
 * the transport counts its lateness. Both modes are deterministic: the
 * quantum boundaries depend only on emulated state, never on the ranks.
 *
 * Skipping: at each exchange every rank contributes its earliest next event
 * (local work, queued and in-flight messages). When the minimum over all
 * ranks, X, lies beyond the quantum's end, nothing anywhere happens before X
 * and nobody can send anything due before X + lookahead, so the next quantum
 * starts at X instead: quanta with nothing to say cost no exchange at all.
 *
 * The run loop (node/, tests) uses it as:
 *     while (coh_pdes_running(p)) {
 *             for each local node: run it over [p->start, p->end), taking
 *                     messages with coh_next(t, node, now) and sending with
 *                     coh_send; a message with deliver_time < p->start is
 *                     late (lax) and is handled at p->start;
 *             coh_pdes_end_quantum(p, earliest local event at or after p->end);
 *     }
 */
#ifndef COH_PDES_H
#define COH_PDES_H

#include <stdbool.h>
#include <stdint.h>

#include "coherence/transport.h"

typedef struct coh_pdes_config {
	uint64_t quantum; /* cycles; 0: COH_QUANTUM_CYCLES */
	bool no_skip;	  /* run every quantum, even empty ones (for comparisons) */
	uint64_t stop;	  /* stop once start >= stop (cycles); 0: when the machine is idle */
} coh_pdes_config;

typedef struct coh_pdes_stats {
	uint64_t quanta;	 /* quanta run (exchanges) */
	uint64_t skips;		 /* times the start jumped ahead */
	uint64_t skipped_cycles; /* cycles jumped over */
} coh_pdes_stats;

typedef struct coh_pdes {
	coh_transport *t;
	uint64_t quantum;
	bool exact; /* quantum <= lookahead */
	bool no_skip;
	uint64_t stop;
	uint64_t start, end; /* the current quantum [start, end), cycles */
	bool idle;	     /* every node of every rank idle for good */
	coh_pdes_stats stats;
} coh_pdes;

/* Starts at cycle 0. -EINVAL for a zero lookahead. */
int coh_pdes_init(coh_pdes *p, coh_transport *t, const coh_pdes_config *cfg);
/* Whether there is a quantum to run: false once the machine is idle for good
 * or the start reached cfg->stop. The same on every rank. */
bool coh_pdes_running(const coh_pdes *p);
/* Ends the quantum [start, end): exchanges, checks exactness, and moves to
 * the next quantum. local_next: the earliest time (>= end) a node of this
 * rank has work other than messages; UINT64_MAX when none. Collective.
 * 0 or an error of coh_exchange. */
int coh_pdes_end_quantum(coh_pdes *p, uint64_t local_next);

#endif
