/* node/dev_virtio.h: the virtio-mmio transport, version 2 (virtio 1.x), and
 * split virtqueues.
 *
 * One node_virtio is one slot of the device window (0x200 bytes). A device
 * model (virtio-blk, virtio-net) plugs in with a node_virtio_dev table; a slot
 * without one answers as DeviceID 0, which Linux skips. Everything the guest
 * puts in a ring is checked: a descriptor outside memory, a chain that loops
 * or is too long, or an index beyond the queue size puts the device in the
 * DEVICE_NEEDS_RESET state and is counted and reported - the guest's request
 * fails, the host is never at risk.
 */
#ifndef NODE_DEV_VIRTIO_H
#define NODE_DEV_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

#include "node/dma.h"
#include "node/irq.h"
#include "node/mem.h"

#define NODE_VIRTIO_SLOT_SIZE 0x200
#define NODE_VIRTIO_MAX_QUEUES 2
#define NODE_VIRTIO_QUEUE_MAX 256 /* QueueNumMax */
#define NODE_VIRTIO_MAX_SEGS 64	  /* descriptors in one chain */

struct node_virtio;

typedef struct node_virtio_dev {
	const char *name;
	uint32_t device_id;
	uint64_t features; /* offered, VIRTIO_F_VERSION_1 is added */
	int nqueues;
	/* Device-specific configuration space (offset from 0x100). */
	uint32_t (*config_read)(struct node_virtio *v, uint32_t off, unsigned size);
	void (*config_write)(struct node_virtio *v, uint32_t off, uint32_t val, unsigned size);
	/* The driver notified queue q; the device pops and pushes buffers. */
	void (*notify)(struct node_virtio *v, int q);
	void (*reset)(struct node_virtio *v);
} node_virtio_dev;

typedef struct node_virtq {
	uint32_t num;
	bool ready;
	uint64_t desc, avail, used;
	uint16_t last_avail;
} node_virtq;

/* One buffer chain popped from a queue. */
typedef struct node_virtq_seg {
	uint64_t addr;
	uint32_t len;
	bool write; /* device writes it */
} node_virtq_seg;

typedef struct node_virtq_elem {
	uint16_t head;
	int nsegs;
	node_virtq_seg seg[NODE_VIRTIO_MAX_SEGS];
	uint32_t in_len, out_len; /* bytes the device may read / write */
} node_virtq_elem;

typedef struct node_virtio {
	const node_virtio_dev *dev; /* NULL: empty slot */
	void *state;		    /* the device model's own state */
	node_dma dma;
	node_irq irq;
	const char *label; /* for messages, e.g. "virtio@1f001000" */
	uint32_t status, isr, config_gen;
	uint32_t dev_features_sel, drv_features_sel, queue_sel;
	uint64_t drv_features;
	node_virtq q[NODE_VIRTIO_MAX_QUEUES];
	uint64_t errors;  /* malformed requests seen */
	unsigned pending; /* detailed mode: queues notified, waiting for memory */
	/* detailed mode: chains of queue q to make ready before its notify
	 * (0: every available chain); a receive queue needs only as many as
	 * there are frames waiting */
	uint16_t prepare_max[NODE_VIRTIO_MAX_QUEUES];
} node_virtio;

extern const node_dev_ops node_virtio_ops;

void node_virtio_init(node_virtio *v, const node_virtio_dev *dev, void *state, node_dma dma,
		      node_irq irq, const char *label);

/* Detailed mode (the DMA interface has prepare): runs the notified queues
 * whose memory is ready; the machine calls it again when lines arrive.
 * Returns the queues still waiting (bit q). */
unsigned node_virtio_kick(node_virtio *v);
/* The device itself has work for queue q (a frame arrived): as a driver
 * notify, the queue is run once its memory is ready. */
void node_virtio_self_notify(node_virtio *v, int q);
/* Pops the next available chain of queue q. Returns 1 with *e filled, 0
 * when the queue is empty or not ready, -1 when the ring is malformed (the
 * device is then marked as needing a reset), NODE_DMA_MISS when the ring's
 * memory is not ready yet (nothing was taken). */
int node_virtq_pop(node_virtio *v, int q, node_virtq_elem *e);
/* Returns the chain to the used ring with len bytes written, and raises the
 * used-buffer interrupt. */
int node_virtq_push(node_virtio *v, int q, const node_virtq_elem *e, uint32_t len);
/* Copies between a chain's readable (out) / writable (in) bytes and buf,
 * starting off bytes into that part. Return 0 or -1 (out of range / bad
 * address). */
int node_virtq_read(node_virtio *v, const node_virtq_elem *e, uint32_t off, void *buf,
		    uint32_t len);
int node_virtq_write(node_virtio *v, const node_virtq_elem *e, uint32_t off, const void *buf,
		     uint32_t len);
/* Marks the device broken (DEVICE_NEEDS_RESET) and reports why on stderr. */
void node_virtio_fail(node_virtio *v, const char *why);

#endif
