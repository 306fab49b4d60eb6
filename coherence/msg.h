/* coherence/msg.h: the hot-path message every node-to-node interaction
 * travels in (coherence requests and replies, IPIs, monitor RPCs, DMA).
 *
 * A fixed-layout plain C struct (DESIGN.md 4): no pointers, every field at a
 * fixed offset with explicit padding, so a message can be copied with memcpy
 * into a batch buffer and out again on another rank. The wire layout is the
 * host layout of a little-endian host (the only hosts we build for: checked
 * below); the header is sent in full, the payload only up to len bytes.
 *
 * Times are emulated cycles. deliver_time >= send_time + lookahead for every
 * message (coh_send checks it): that promise is what makes quanta exact.
 */
#ifndef COH_MSG_H
#define COH_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "coherence/param.h"

#define COH_MSG_VERSION 2 /* bump on any change of the layout below (2: req, acks) */

/* Message types. The protocol (coherence/PROTOCOL.md) adds its own from
 * COH_MSG_PROTOCOL_FIRST on; the transport never looks at the type. */
enum coh_msg_type {
	COH_MSG_NONE = 0,
	COH_MSG_TEST = 1, /* tests and benchmarks of the transport */
	COH_MSG_PROTOCOL_FIRST = 16,
};

typedef struct coh_msg {
	uint16_t type;		      /* enum coh_msg_type or a protocol type */
	uint16_t version;	      /* COH_MSG_VERSION; set by coh_send */
	uint16_t src;		      /* sending node */
	uint16_t dst;		      /* receiving node */
	uint16_t len;		      /* payload bytes in data[], <= COH_LINE_BYTES */
	uint16_t flags;		      /* protocol bits (COH_FLAG_*); the transport keeps it */
	uint16_t req;		      /* protocol: requester node; the transport keeps it */
	uint16_t acks;		      /* protocol: INV_ACKs the requester must collect */
	uint64_t seq;		      /* per source node, from 0; set by coh_send */
	uint64_t send_time;	      /* cycles */
	uint64_t deliver_time;	      /* cycles, >= send_time + lookahead */
	uint64_t addr;		      /* machine address of the line (or 0) */
	uint8_t data[COH_LINE_BYTES]; /* payload, e.g. a line's data */
} coh_msg;

/* Bits of coh_msg.flags used by the protocol (PROTOCOL.md 4): the grant a
 * DATA carries, and whether a PUTX's data is newer than memory. */
#define COH_FLAG_GRANT_MASK 0x3u /* DATA: one of COH_GRANT_S/E/X */
#define COH_GRANT_S 1u		 /* read-only copy */
#define COH_GRANT_E 2u		 /* exclusive, clean: the only copy */
#define COH_GRANT_X 3u		 /* for a store: exclusive, acks may follow */
#define COH_FLAG_DIRTY 0x4u	 /* PUTX: data[] holds a modified line */

/* Bytes of a message before its payload: what is always sent. */
#define COH_MSG_HEADER_BYTES offsetof(coh_msg, data)

_Static_assert(COH_MSG_HEADER_BYTES == 48, "coh_msg header layout changed: bump COH_MSG_VERSION");
_Static_assert(sizeof(coh_msg) == 48 + COH_LINE_BYTES, "coh_msg has hidden padding");
_Static_assert(COH_LINE_BYTES <= UINT16_MAX, "coh_msg.len is 16 bits");
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "coh_msg travels in host layout: a big-endian host needs byte swapping in transport.c"
#endif

/* Bytes a message takes in a batch buffer: header plus payload, rounded up
 * to 8 so that the next header stays aligned. */
static inline size_t coh_msg_wire_bytes(const coh_msg *m)
{
	return COH_MSG_HEADER_BYTES + (((size_t)m->len + 7u) & ~(size_t)7u);
}

/* The delivery order (DESIGN.md 3): delivery time, then source node, then
 * sequence. Total, since (src, seq) is unique. Negative, zero or positive. */
static inline int coh_msg_order(const coh_msg *a, const coh_msg *b)
{
	if (a->deliver_time != b->deliver_time)
		return a->deliver_time < b->deliver_time ? -1 : 1;
	if (a->src != b->src)
		return a->src < b->src ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return 0;
}

#endif
