/* node/dev_virtio_blk.h: virtio-blk in front of a vdisk backend. */
#ifndef NODE_DEV_VIRTIO_BLK_H
#define NODE_DEV_VIRTIO_BLK_H

#include "node/dev_virtio.h"
#include "vdisk/vdisk.h"

typedef struct node_virtio_blk {
	vdisk *disk;
	uint64_t reads, writes, flushes, bytes_read, bytes_written, io_errors;
} node_virtio_blk;

extern const node_virtio_dev node_virtio_blk_dev;

#endif
