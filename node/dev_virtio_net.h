/* node/dev_virtio_net.h: virtio-net with a pluggable backend.
 *
 * Backends: none (frames sent are dropped) and a loopback that joins two
 * devices like a cable. The monitor's virtual subnet plugs in the same way.
 */
#ifndef NODE_DEV_VIRTIO_NET_H
#define NODE_DEV_VIRTIO_NET_H

#include <stddef.h>
#include <stdint.h>

#include "node/dev_virtio.h"

typedef struct node_net_backend {
	/* Delivers one Ethernet frame sent by the device; NULL drops it. */
	void (*send)(void *opaque, const uint8_t *frame, size_t len);
	void *opaque;
} node_net_backend;

#define NODE_NET_BACKLOG 64

typedef struct node_virtio_net {
	node_virtio *vio;
	uint8_t mac[6];
	node_net_backend backend;
	uint64_t tx_frames, rx_frames, rx_dropped, tx_bytes, rx_bytes;
	/* detailed mode: frames waiting for their receive buffer's memory */
	struct node_net_frame *backlog[NODE_NET_BACKLOG];
	unsigned backlog_head, backlog_count;
	uint8_t frame[65536]; /* transmit bounce buffer */
} node_virtio_net;

extern const node_virtio_dev node_virtio_net_dev;

/* Hands a frame to the guest (rx queue). Returns 0, or -1 when the guest has
 * no receive buffer posted (the frame is dropped and counted). In detailed
 * mode (DMA with prepare) the frame waits in a backlog of NODE_NET_BACKLOG
 * frames until the receive buffers' memory is ready and a buffer is
 * posted; -1 when the backlog is full (dropped, counted). */
int node_virtio_net_receive(node_virtio_net *n, const uint8_t *frame, size_t len);
/* Joins a and b: what one sends, the other receives. */
void node_virtio_net_connect(node_virtio_net *a, node_virtio_net *b);
/* Frees the backlog. */
void node_virtio_net_destroy(node_virtio_net *n);

#endif
