/* node/dev_virtio_blk.c: the virtio block device (virtio 1.x, §5.2) on a
 * vdisk backend. Requests complete when the driver notifies, with zero
 * simulated latency (a simplification: disk timing comes with the I/O model
 * of a later issue). A flush request is an fdatasync of the image, so writes
 * the guest flushed survive the process being killed. */
#include "node/dev_virtio_blk.h"

#include <linux/virtio_blk.h>
#include <stdlib.h>
#include <string.h>

#define BOUNCE (64u * 1024)

static uint32_t blk_config_read(node_virtio *v, uint32_t off, unsigned size)
{
	node_virtio_blk *b = v->state;
	struct virtio_blk_config c;
	memset(&c, 0, sizeof(c));
	c.capacity = b->disk->size / VDISK_SECTOR;
	c.seg_max = NODE_VIRTIO_MAX_SEGS - 2;
	c.blk_size = VDISK_SECTOR;
	uint32_t val = 0;
	if (off < sizeof(c) && size <= sizeof(c) - off)
		memcpy(&val, (uint8_t *)&c + off, size);
	return val;
}

/* Serves one request; returns the virtio status byte. *written counts the
 * data bytes put into the chain. */
static uint8_t blk_request(node_virtio *v, node_virtio_blk *b, const node_virtq_elem *e,
			   uint32_t *written)
{
	struct virtio_blk_outhdr h;
	*written = 0;
	if (node_virtq_read(v, e, 0, &h, sizeof(h)))
		return VIRTIO_BLK_S_IOERR;
	uint64_t off = h.sector * VDISK_SECTOR;
	switch (h.type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT: {
		bool in = h.type == VIRTIO_BLK_T_IN;
		uint32_t len = in ? e->in_len - 1 : e->out_len - (uint32_t)sizeof(h);
		if (len % VDISK_SECTOR || h.sector > b->disk->size / VDISK_SECTOR ||
		    len > b->disk->size - off)
			return VIRTIO_BLK_S_IOERR;
		if (!in && b->disk->readonly)
			return VIRTIO_BLK_S_IOERR;
		uint8_t *buf = malloc(BOUNCE);
		if (!buf)
			return VIRTIO_BLK_S_IOERR;
		uint8_t status = VIRTIO_BLK_S_OK;
		for (uint32_t done = 0; done < len;) {
			uint32_t n = len - done < BOUNCE ? len - done : BOUNCE;
			int rc;
			if (in) {
				rc = b->disk->ops->read(b->disk, off + done, buf, n);
				if (!rc && node_virtq_write(v, e, done, buf, n))
					rc = -1;
			} else {
				rc = node_virtq_read(v, e, (uint32_t)sizeof(h) + done, buf, n);
				if (!rc)
					rc = b->disk->ops->write(b->disk, off + done, buf, n);
			}
			if (rc) {
				status = VIRTIO_BLK_S_IOERR;
				break;
			}
			done += n;
		}
		free(buf);
		if (status == VIRTIO_BLK_S_OK) {
			if (in) {
				b->reads++;
				b->bytes_read += len;
				*written = len;
			} else {
				b->writes++;
				b->bytes_written += len;
			}
		}
		return status;
	}
	case VIRTIO_BLK_T_FLUSH:
		b->flushes++;
		return b->disk->ops->flush(b->disk) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID: {
		char id[VIRTIO_BLK_ID_BYTES] = "discoflash-disk";
		uint32_t n = e->in_len - 1 < sizeof(id) ? e->in_len - 1 : (uint32_t)sizeof(id);
		if (node_virtq_write(v, e, 0, id, n))
			return VIRTIO_BLK_S_IOERR;
		*written = n;
		return VIRTIO_BLK_S_OK;
	}
	default: return VIRTIO_BLK_S_UNSUPP;
	}
}

static void blk_notify(node_virtio *v, int q)
{
	node_virtio_blk *b = v->state;
	node_virtq_elem e;
	int rc;
	while ((rc = node_virtq_pop(v, q, &e)) == 1) {
		if (e.in_len < 1) {
			node_virtio_fail(v, "block request without a status byte");
			return;
		}
		uint32_t written;
		uint8_t status = blk_request(v, b, &e, &written);
		if (status != VIRTIO_BLK_S_OK)
			b->io_errors++;
		if (node_virtq_write(v, &e, e.in_len - 1, &status, 1)) {
			node_virtio_fail(v, "status byte outside memory");
			return;
		}
		if (node_virtq_push(v, q, &e, written + 1))
			return;
	}
}

const node_virtio_dev node_virtio_blk_dev = {
	.name = "virtio-blk",
	.device_id = 2,
	.features = (1ull << VIRTIO_BLK_F_FLUSH) | (1ull << VIRTIO_BLK_F_SEG_MAX) |
		    (1ull << VIRTIO_BLK_F_BLK_SIZE),
	.nqueues = 1,
	.config_read = blk_config_read,
	.notify = blk_notify,
};
