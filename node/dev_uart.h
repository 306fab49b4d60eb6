/* node/dev_uart.h: a 16550A UART (byte registers, reg-shift 0).
 *
 * Transmit goes to a host sink (stdout by default) at once: the model has no
 * transmit timing, so THR is always empty. Receive takes bytes that the host
 * side pushes with node_uart_rx_push (the run loop, between slices).
 */
#ifndef NODE_DEV_UART_H
#define NODE_DEV_UART_H

#include <stdint.h>
#include <stdio.h>

#include "node/irq.h"
#include "node/mem.h"

#define NODE_UART_FIFO 64

typedef struct node_uart {
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	uint8_t rx[NODE_UART_FIFO];
	unsigned rx_head, rx_count;
	int thr_ipending; /* THR-empty interrupt pending (cleared by reading IIR) */
	node_irq irq;
	FILE *out; /* transmit sink when tx is NULL */
	/* Optional transmit hook (the host console): called for every byte. */
	void (*tx)(void *opaque, uint8_t byte);
	void *tx_opaque;
	uint64_t tx_bytes;
} node_uart;

extern const node_dev_ops node_uart_ops;

void node_uart_init(node_uart *u, FILE *out, node_irq irq);
/* Queues one received byte; returns 0, or -1 when the FIFO is full. */
int node_uart_rx_push(node_uart *u, uint8_t byte);
int node_uart_rx_space(const node_uart *u);

#endif
