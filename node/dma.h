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

#include <stdint.h>

typedef struct node_dma {
	/* Return 0, or -1 when any byte of [addr, addr+len) is not memory the
	 * device may reach (then nothing was transferred). */
	int (*read)(void *opaque, uint64_t addr, void *buf, uint32_t len);
	int (*write)(void *opaque, uint64_t addr, const void *buf, uint32_t len);
	void *opaque;
} node_dma;

static inline int node_dma_read(const node_dma *d, uint64_t addr, void *buf, uint32_t len)
{
	return d->read(d->opaque, addr, buf, len);
}

static inline int node_dma_write(const node_dma *d, uint64_t addr, const void *buf, uint32_t len)
{
	return d->write(d->opaque, addr, buf, len);
}

#endif
