/* node/dev_virtio_net.c: the virtio network device (virtio 1.x, §5.1) with
 * a backend (see node/dev_virtio_net.h). No offloads and no mergeable
 * buffers: the driver posts receive buffers large enough for a frame. */
#include "node/dev_virtio_net.h"

#include <linux/virtio_net.h>
#include <stdlib.h>
#include <string.h>

#define RXQ 0
#define TXQ 1
#define MAX_FRAME sizeof(((node_virtio_net *)0)->frame)

static uint32_t net_config_read(node_virtio *v, uint32_t off, unsigned size)
{
	node_virtio_net *n = v->state;
	uint8_t cfg[8] = {0};
	memcpy(cfg, n->mac, 6);
	uint32_t val = 0;
	if (off < sizeof(cfg) && size <= sizeof(cfg) - off)
		memcpy(&val, cfg + off, size);
	return val;
}

struct node_net_frame {
	size_t len;
	uint8_t data[];
};

static int deliver(node_virtio_net *n, const uint8_t *frame, size_t len);

int node_virtio_net_receive(node_virtio_net *n, const uint8_t *frame, size_t len)
{
	if (!n->vio->dma.prepare)
		return deliver(n, frame, len);
	struct node_net_frame *f;
	if (n->backlog_count == NODE_NET_BACKLOG || len > MAX_FRAME ||
	    !(f = malloc(sizeof(*f) + len))) {
		n->rx_dropped++;
		return -1;
	}
	f->len = len;
	memcpy(f->data, frame, len);
	n->backlog[(n->backlog_head + n->backlog_count++) % NODE_NET_BACKLOG] = f;
	n->vio->prepare_max[RXQ] = (uint16_t)n->backlog_count;
	node_virtio_self_notify(n->vio, RXQ);
	return 0;
}

/* Detailed mode: the receive queue's memory is ready for the frames
 * waiting (or the guest posted buffers): deliver what fits. */
static void drain_backlog(node_virtio_net *n)
{
	while (n->backlog_count) {
		struct node_net_frame *f = n->backlog[n->backlog_head];
		node_virtq_elem e;
		int r = node_virtq_pop(n->vio, RXQ, &e);
		if (r == 0 || r == NODE_DMA_MISS)
			break; /* no buffer posted yet (or not ready): keep it */
		n->backlog_head = (n->backlog_head + 1) % NODE_NET_BACKLOG;
		n->backlog_count--;
		if (r == 1) {
			n->vio->q[RXQ].last_avail--; /* deliver pops it again */
			deliver(n, f->data, f->len);
		}
		free(f);
		if (r < 0)
			return;
	}
	n->vio->prepare_max[RXQ] = (uint16_t)(n->backlog_count ? n->backlog_count : 1);
}

void node_virtio_net_destroy(node_virtio_net *n)
{
	while (n->backlog_count) {
		free(n->backlog[n->backlog_head]);
		n->backlog_head = (n->backlog_head + 1) % NODE_NET_BACKLOG;
		n->backlog_count--;
	}
}

static int deliver(node_virtio_net *n, const uint8_t *frame, size_t len)
{
	node_virtio *v = n->vio;
	node_virtq_elem e;
	if (node_virtq_pop(v, RXQ, &e) != 1) {
		n->rx_dropped++;
		return -1;
	}
	struct virtio_net_hdr_v1 h;
	memset(&h, 0, sizeof(h));
	h.num_buffers = 1;
	if (e.in_len < sizeof(h) + len) {
		n->rx_dropped++;
		node_virtq_push(v, RXQ, &e, 0);
		return -1;
	}
	if (node_virtq_write(v, &e, 0, &h, sizeof(h)) ||
	    node_virtq_write(v, &e, sizeof(h), frame, (uint32_t)len)) {
		node_virtio_fail(v, "receive buffer outside memory");
		return -1;
	}
	n->rx_frames++;
	n->rx_bytes += len;
	return node_virtq_push(v, RXQ, &e, (uint32_t)(sizeof(h) + len));
}

static void net_notify(node_virtio *v, int q)
{
	node_virtio_net *n = v->state;
	if (q != TXQ) {
		/* new receive buffers, or (detailed mode) frames waiting */
		if (v->dma.prepare)
			drain_backlog(n);
		return;
	}
	uint8_t *frame = n->frame;
	node_virtq_elem e;
	while (node_virtq_pop(v, TXQ, &e) == 1) {
		struct virtio_net_hdr_v1 h;
		if (e.out_len < sizeof(h) || e.out_len - sizeof(h) > MAX_FRAME) {
			node_virtio_fail(v, "transmit buffer shorter than the header or too long");
			return;
		}
		uint32_t len = e.out_len - (uint32_t)sizeof(h);
		if (node_virtq_read(v, &e, sizeof(h), frame, len)) {
			node_virtio_fail(v, "transmit buffer outside memory");
			return;
		}
		n->tx_frames++;
		n->tx_bytes += len;
		if (node_virtq_push(v, TXQ, &e, 0))
			return;
		if (n->backend.send)
			n->backend.send(n->backend.opaque, frame, len);
	}
}

static void loopback_send(void *opaque, const uint8_t *frame, size_t len)
{
	node_virtio_net_receive(opaque, frame, len);
}

void node_virtio_net_connect(node_virtio_net *a, node_virtio_net *b)
{
	a->backend = (node_net_backend){loopback_send, b};
	b->backend = (node_net_backend){loopback_send, a};
}

/* The driver reset the device: frames waiting are gone; detailed mode
 * makes ready one receive buffer at a time until frames wait (making all
 * of a 256-entry ring ready holds thousands of lines). */
static void net_reset(node_virtio *v)
{
	node_virtio_net *n = v->state;
	node_virtio_net_destroy(n);
	v->prepare_max[RXQ] = 1;
}

const node_virtio_dev node_virtio_net_dev = {
	.name = "virtio-net",
	.device_id = 1,
	.features = 1ull << VIRTIO_NET_F_MAC,
	.nqueues = 2,
	.config_read = net_config_read,
	.notify = net_notify,
	.reset = net_reset,
};
