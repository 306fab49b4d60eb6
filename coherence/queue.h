/* coherence/queue.h: a node's inbound message queue, a binary min-heap in
 * delivery order (delivery time, source node, sequence: coh_msg_order).
 * Owned by the transport; one per node of this rank. Not thread-safe.
 */
#ifndef COH_QUEUE_H
#define COH_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "coherence/msg.h"

typedef struct coh_queue {
	coh_msg *heap;
	size_t n, cap;
} coh_queue;

void coh_queue_init(coh_queue *q);
void coh_queue_free(coh_queue *q);
/* Copies *m in. 0, or -ENOMEM (the queue is unchanged). */
int coh_queue_push(coh_queue *q, const coh_msg *m);
/* The first message in delivery order, or NULL when empty. */
static inline const coh_msg *coh_queue_head(const coh_queue *q)
{
	return q->n ? &q->heap[0] : NULL;
}
/* Removes the first message into *out; false when empty. */
bool coh_queue_pop(coh_queue *q, coh_msg *out);

#endif
