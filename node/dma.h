/* node/dma.h: the only way a device reaches memory (DESIGN.md §2).
 *
 * On the bare machine a DMA address is a machine physical address; inside a
 * VM (the monitor, later) the same device model gets a node_dma that
 * translates guest-physical addresses through the VM's pmap and refuses
 * anything outside the VM. Either way a bad address is an error returned to
 * the device, which fails the request - never a host crash.
 */
#ifndef NODE_DMA_H
#define NODE_DMA_H

#include <stdbool.h>
#include <stdint.h>

/* The memory system needs time for this range (detailed mode: lines are on
 * their way into the device node's cache); nothing was transferred. */
#define NODE_DMA_MISS (-2)

typedef struct node_dma {
	/* Return 0, or -1 when any byte of [addr, addr+len) is not memory the
	 * device may reach (then nothing was transferred), or NODE_DMA_MISS. */
	int (*read)(void *opaque, uint64_t addr, void *buf, uint32_t len);
	int (*write)(void *opaque, uint64_t addr, const void *buf, uint32_t len);
	/* Optional (detailed mode): makes [addr, addr+len) ready for a read or
	 * a write without transferring anything. 0 when ready, -1 outside
	 * memory, NODE_DMA_MISS when the device must try again after the memory
	 * system's wake-up (the transport then retries the whole queue). */
	int (*prepare)(void *opaque, uint64_t addr, uint32_t len, bool write);
	void *opaque;
} node_dma;

static inline int node_dma_prepare(const node_dma *d, uint64_t addr, uint32_t len, bool write)
{
	return d->prepare ? d->prepare(d->opaque, addr, len, write) : 0;
}

static inline int node_dma_read(const node_dma *d, uint64_t addr, void *buf, uint32_t len)
{
	return d->read(d->opaque, addr, buf, len);
}

static inline int node_dma_write(const node_dma *d, uint64_t addr, const void *buf, uint32_t len)
{
	return d->write(d->opaque, addr, buf, len);
}

#endif
