/* coherence/queue.c: the inbound message heap (see queue.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "coherence/queue.h"

void coh_queue_init(coh_queue *q)
{
	memset(q, 0, sizeof(*q));
}

void coh_queue_free(coh_queue *q)
{
	free(q->heap);
	coh_queue_init(q);
}

static void swap(coh_msg *a, coh_msg *b)
{
	coh_msg t = *a;
	*a = *b;
	*b = t;
}

int coh_queue_push(coh_queue *q, const coh_msg *m)
{
	if (q->n == q->cap) {
		size_t cap = q->cap ? 2 * q->cap : COH_QUEUE_INIT_MSGS;
		coh_msg *h = realloc(q->heap, cap * sizeof(*h));
		if (!h)
			return -ENOMEM;
		q->heap = h;
		q->cap = cap;
	}
	size_t i = q->n++;
	q->heap[i] = *m;
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (coh_msg_order(&q->heap[p], &q->heap[i]) <= 0)
			break;
		swap(&q->heap[p], &q->heap[i]);
		i = p;
	}
	return 0;
}

bool coh_queue_pop(coh_queue *q, coh_msg *out)
{
	if (!q->n)
		return false;
	*out = q->heap[0];
	q->heap[0] = q->heap[--q->n];
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < q->n && coh_msg_order(&q->heap[l], &q->heap[m]) < 0)
			m = l;
		if (r < q->n && coh_msg_order(&q->heap[r], &q->heap[m]) < 0)
			m = r;
		if (m == i)
			break;
		swap(&q->heap[m], &q->heap[i]);
		i = m;
	}
	return true;
}
