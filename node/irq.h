/* node/irq.h: an interrupt line, as a small value {fn, opaque, line}
 * (STYLE.md 4). A device raises or lowers its line by calling node_irq_set. */
#ifndef NODE_IRQ_H
#define NODE_IRQ_H

#include <stdbool.h>

typedef struct node_irq {
	void (*fn)(void *opaque, int line, bool level);
	void *opaque;
	int line;
} node_irq;

static inline void node_irq_set(const node_irq *irq, bool level)
{
	if (irq->fn)
		irq->fn(irq->opaque, irq->line, level);
}

#endif
