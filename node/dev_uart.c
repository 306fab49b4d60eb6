/* node/dev_uart.c: the 16550A UART model (see node/dev_uart.h). */
#include "node/dev_uart.h"

#include <string.h>

enum { RBR_THR = 0, IER = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

#define LCR_DLAB 0x80
#define IER_RDI 0x01  /* received data available */
#define IER_THRI 0x02 /* transmitter holding register empty */
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define MCR_LOOP 0x10

static uint8_t iir(const node_uart *u)
{
	uint8_t fifo = (u->fcr & 1) ? 0xc0 : 0;
	if ((u->ier & IER_RDI) && u->rx_count)
		return fifo | 0x04;
	if ((u->ier & IER_THRI) && u->thr_ipending)
		return fifo | 0x02;
	return fifo | 0x01; /* no interrupt pending */
}

static void update_irq(node_uart *u)
{
	node_irq_set(&u->irq, !(iir(u) & 1));
}

static uint32_t uart_read(void *dev, uint32_t off, unsigned size)
{
	node_uart *u = dev;
	uint8_t v = 0;
	switch (off) {
	case RBR_THR:
		if (u->lcr & LCR_DLAB) {
			v = u->dll;
		} else if (u->rx_count) {
			v = u->rx[u->rx_head];
			u->rx_head = (u->rx_head + 1) % NODE_UART_FIFO;
			u->rx_count--;
			update_irq(u);
		}
		break;
	case IER: v = (u->lcr & LCR_DLAB) ? u->dlm : u->ier; break;
	case IIR_FCR:
		v = iir(u);
		if ((v & 0x0f) == 0x02) { /* reading IIR acknowledges THRE */
			u->thr_ipending = 0;
			update_irq(u);
		}
		break;
	case LCR: v = u->lcr; break;
	case MCR: v = u->mcr; break;
	case LSR: v = LSR_THRE | LSR_TEMT | (u->rx_count ? LSR_DR : 0); break;
	case MSR: v = (u->mcr & MCR_LOOP) ? 0 : 0xb0; break; /* DCD, DSR, CTS */
	case SCR: v = u->scr; break;
	}
	return v;
}

static void uart_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
	node_uart *u = dev;
	uint8_t v = (uint8_t)val;
	switch (off) {
	case RBR_THR:
		if (u->lcr & LCR_DLAB) {
			u->dll = v;
			break;
		}
		if (u->mcr & MCR_LOOP) {
			node_uart_rx_push(u, v);
		} else if (u->tx) {
			u->tx(u->tx_opaque, v);
		} else if (u->out) {
			fputc(v, u->out);
			if (v == '\n')
				fflush(u->out);
		}
		u->tx_bytes++;
		u->thr_ipending = 1;
		update_irq(u);
		break;
	case IER:
		if (u->lcr & LCR_DLAB) {
			u->dlm = v;
		} else {
			/* enabling THRI with THR empty raises the interrupt */
			if ((v & IER_THRI) && !(u->ier & IER_THRI))
				u->thr_ipending = 1;
			u->ier = v & 0x0f;
			update_irq(u);
		}
		break;
	case IIR_FCR:
		u->fcr = v & 0xc9;
		if (v & 0x02) { /* clear receive FIFO */
			u->rx_count = 0;
			u->rx_head = 0;
		}
		update_irq(u);
		break;
	case LCR: u->lcr = v; break;
	case MCR: u->mcr = v & 0x1f; break;
	case SCR: u->scr = v; break;
	}
}

static void uart_reset(void *dev)
{
	node_uart *u = dev;
	node_uart keep = *u;
	memset(u, 0, sizeof(*u));
	u->out = keep.out;
	u->irq = keep.irq;
	u->tx = keep.tx;
	u->tx_opaque = keep.tx_opaque;
	u->tx_bytes = keep.tx_bytes;
	u->lcr = 0x03;
}

const node_dev_ops node_uart_ops = {
	.name = "uart16550",
	.read = uart_read,
	.write = uart_write,
	.reset = uart_reset,
};

void node_uart_init(node_uart *u, FILE *out, node_irq irq)
{
	memset(u, 0, sizeof(*u));
	u->out = out;
	u->irq = irq;
	uart_reset(u);
}

int node_uart_rx_space(const node_uart *u)
{
	return NODE_UART_FIFO - (int)u->rx_count;
}

int node_uart_rx_push(node_uart *u, uint8_t byte)
{
	if (u->rx_count == NODE_UART_FIFO)
		return -1;
	u->rx[(u->rx_head + u->rx_count) % NODE_UART_FIFO] = byte;
	u->rx_count++;
	update_irq(u);
	return 0;
}
