/* node/dev_virtio.c: the virtio-mmio transport and split virtqueues (see
 * node/dev_virtio.h). Register layout: virtio 1.x, "MMIO Device Register
 * Layout" (the offsets of Linux's uapi/linux/virtio_mmio.h). */
#include "node/dev_virtio.h"

#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>
#include <stdio.h>
#include <string.h>

#define VIRT_MAGIC 0x74726976u	/* "virt" */
#define VIRT_VENDOR 0x48534c46u /* "FLSH" */

static void update_irq(node_virtio *v)
{
	node_irq_set(&v->irq, v->isr != 0);
}

void node_virtio_fail(node_virtio *v, const char *why)
{
	v->errors++;
	if (!(v->status & VIRTIO_CONFIG_S_NEEDS_RESET))
		fprintf(stderr, "discoflash: %s (%s): %s; device needs reset\n", v->label,
			v->dev ? v->dev->name : "empty", why);
	v->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	v->isr |= VIRTIO_MMIO_INT_CONFIG;
	update_irq(v);
}

static void virtio_reset(node_virtio *v)
{
	v->status = 0;
	v->isr = 0;
	v->dev_features_sel = v->drv_features_sel = v->queue_sel = 0;
	v->drv_features = 0;
	v->pending = 0;
	memset(v->q, 0, sizeof(v->q));
	if (v->dev && v->dev->reset)
		v->dev->reset(v);
	update_irq(v);
}

void node_virtio_init(node_virtio *v, const node_virtio_dev *dev, void *state, node_dma dma,
		      node_irq irq, const char *label)
{
	memset(v, 0, sizeof(*v));
	v->dev = dev;
	v->state = state;
	v->dma = dma;
	v->irq = irq;
	v->label = label;
	virtio_reset(v);
}

static node_virtq *cur_queue(node_virtio *v)
{
	if (!v->dev || v->queue_sel >= (uint32_t)v->dev->nqueues)
		return NULL;
	return &v->q[v->queue_sel];
}

static uint32_t virtio_read(void *opaque, uint32_t off, unsigned size)
{
	node_virtio *v = opaque;
	if (off >= VIRTIO_MMIO_CONFIG) {
		if (!v->dev || !v->dev->config_read)
			return 0;
		return v->dev->config_read(v, off - VIRTIO_MMIO_CONFIG, size);
	}
	if (size != 4)
		return 0;
	node_virtq *q = cur_queue(v);
	uint64_t feats = v->dev ? v->dev->features | (1ull << VIRTIO_F_VERSION_1) : 0;
	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE: return VIRT_MAGIC;
	case VIRTIO_MMIO_VERSION: return 2;
	case VIRTIO_MMIO_DEVICE_ID: return v->dev ? v->dev->device_id : 0;
	case VIRTIO_MMIO_VENDOR_ID: return VIRT_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return v->dev_features_sel == 0	  ? (uint32_t)feats
		       : v->dev_features_sel == 1 ? (uint32_t)(feats >> 32)
						  : 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX: return q ? NODE_VIRTIO_QUEUE_MAX : 0;
	case VIRTIO_MMIO_QUEUE_READY: return q ? q->ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS: return v->isr;
	case VIRTIO_MMIO_STATUS: return v->status;
	case VIRTIO_MMIO_CONFIG_GENERATION: return v->config_gen;
	default: return 0;
	}
}

static void set_half(uint64_t *p, bool high, uint32_t val)
{
	if (high)
		*p = (*p & 0xffffffffu) | ((uint64_t)val << 32);
	else
		*p = (*p & ~0xffffffffull) | val;
}

static void virtio_write(void *opaque, uint32_t off, uint32_t val, unsigned size)
{
	node_virtio *v = opaque;
	if (off >= VIRTIO_MMIO_CONFIG) {
		if (v->dev && v->dev->config_write)
			v->dev->config_write(v, off - VIRTIO_MMIO_CONFIG, val, size);
		return;
	}
	if (size != 4 || !v->dev)
		return;
	node_virtq *q = cur_queue(v);
	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL: v->dev_features_sel = val; break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL: v->drv_features_sel = val; break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (v->drv_features_sel < 2)
			set_half(&v->drv_features, v->drv_features_sel == 1, val);
		break;
	case VIRTIO_MMIO_QUEUE_SEL: v->queue_sel = val; break;
	case VIRTIO_MMIO_QUEUE_NUM:
		if (q)
			q->num = val;
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		if (!q)
			break;
		if ((val & 1) &&
		    (q->num == 0 || q->num > NODE_VIRTIO_QUEUE_MAX || (q->num & (q->num - 1)))) {
			node_virtio_fail(v, "queue size is not a power of two up to 256");
			break;
		}
		q->ready = val & 1;
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		if (val < (uint32_t)v->dev->nqueues && v->q[val].ready &&
		    (v->status & VIRTIO_CONFIG_S_DRIVER_OK) &&
		    !(v->status & VIRTIO_CONFIG_S_NEEDS_RESET)) {
			if (v->dma.prepare) {
				v->pending |= 1u << val;
				node_virtio_kick(v);
			} else {
				v->dev->notify(v, (int)val);
			}
		}
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		v->isr &= ~val;
		update_irq(v);
		break;
	case VIRTIO_MMIO_STATUS:
		if (val == 0)
			virtio_reset(v);
		else
			v->status = val;
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		if (q)
			set_half(&q->desc, off == VIRTIO_MMIO_QUEUE_DESC_HIGH, val);
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		if (q)
			set_half(&q->avail, off == VIRTIO_MMIO_QUEUE_AVAIL_HIGH, val);
		break;
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		if (q)
			set_half(&q->used, off == VIRTIO_MMIO_QUEUE_USED_HIGH, val);
		break;
	default: break;
	}
}

static void virtio_dev_reset(void *opaque)
{
	virtio_reset(opaque);
}

const node_dev_ops node_virtio_ops = {
	.name = "virtio-mmio",
	.read = virtio_read,
	.write = virtio_write,
	.reset = virtio_dev_reset,
};

int node_virtq_pop(node_virtio *v, int qi, node_virtq_elem *e)
{
	node_virtq *q = &v->q[qi];
	if (!q->ready || (v->status & VIRTIO_CONFIG_S_NEEDS_RESET))
		return 0;
	uint16_t avail_idx;
	int rc = node_dma_read(&v->dma, q->avail + 2, &avail_idx, 2);
	if (rc == NODE_DMA_MISS)
		return NODE_DMA_MISS;
	if (rc) {
		node_virtio_fail(v, "available ring outside memory");
		return -1;
	}
	if (avail_idx == q->last_avail)
		return 0;
	if ((uint16_t)(avail_idx - q->last_avail) > q->num) {
		node_virtio_fail(v, "available index moved by more than the queue size");
		return -1;
	}
	uint16_t head;
	rc = node_dma_read(&v->dma, q->avail + 4 + 2ull * (q->last_avail % q->num), &head, 2);
	if (rc == NODE_DMA_MISS)
		return NODE_DMA_MISS;
	if (rc) {
		node_virtio_fail(v, "available ring outside memory");
		return -1;
	}
	q->last_avail++;
	if (head >= q->num) {
		node_virtio_fail(v, "descriptor index beyond the queue size");
		return -1;
	}
	e->head = head;
	e->nsegs = 0;
	e->in_len = e->out_len = 0;
	uint16_t i = head;
	for (;;) {
		struct vring_desc d;
		if (e->nsegs == NODE_VIRTIO_MAX_SEGS || e->nsegs >= (int)q->num) {
			node_virtio_fail(v, "descriptor chain too long or looping");
			return -1;
		}
		rc = node_dma_read(&v->dma, q->desc + 16ull * i, &d, sizeof(d));
		if (rc == NODE_DMA_MISS) {
			q->last_avail--; /* not taken: tried again later */
			return NODE_DMA_MISS;
		}
		if (rc) {
			node_virtio_fail(v, "descriptor table outside memory");
			return -1;
		}
		if (d.flags & VRING_DESC_F_INDIRECT) {
			node_virtio_fail(v, "indirect descriptors were not offered");
			return -1;
		}
		bool w = d.flags & VRING_DESC_F_WRITE;
		if (!w && e->in_len) {
			node_virtio_fail(v, "a readable descriptor follows a writable one");
			return -1;
		}
		e->seg[e->nsegs++] = (node_virtq_seg){d.addr, d.len, w};
		if (w)
			e->in_len += d.len;
		else
			e->out_len += d.len;
		if (!(d.flags & VRING_DESC_F_NEXT))
			break;
		if (d.next >= q->num) {
			node_virtio_fail(v, "descriptor next index beyond the queue size");
			return -1;
		}
		i = d.next;
	}
	return 1;
}

/* Detailed mode: makes every line the queue's pending chains, their buffers
 * and the used ring entries will touch ready, without consuming anything.
 * 0 ready (or the ring is broken: the device's notify then fails it),
 * NODE_DMA_MISS when the memory system needs time first. */
static int prepare_queue(node_virtio *v, int qi)
{
	node_virtq *q = &v->q[qi];
	uint16_t saved = q->last_avail, used_idx;
	int rc = node_dma_read(&v->dma, q->used + 2, &used_idx, 2);
	if (rc)
		return rc == NODE_DMA_MISS ? rc : 0;
	rc = node_dma_prepare(&v->dma, q->used + 2, 2, true);
	node_virtq_elem e;
	uint16_t max = v->prepare_max[qi];
	for (uint16_t k = 0; rc == 0 && (!max || k < max); k++) {
		int r = node_virtq_pop(v, qi, &e);
		if (r != 1) {
			rc = r == NODE_DMA_MISS ? r : 0;
			break;
		}
		for (int i = 0; i < e.nsegs && rc == 0; i++)
			rc = node_dma_prepare(&v->dma, e.seg[i].addr, e.seg[i].len, e.seg[i].write);
		if (rc == 0)
			rc = node_dma_prepare(
				&v->dma, q->used + 4 + 8ull * ((uint16_t)(used_idx + k) % q->num),
				8, true);
		if (rc == -1)
			rc = 0; /* a bad buffer: the device's own pass fails the request */
	}
	q->last_avail = saved;
	return rc;
}

void node_virtio_self_notify(node_virtio *v, int q)
{
	if (!v->dev || q >= v->dev->nqueues || !v->q[q].ready ||
	    !(v->status & VIRTIO_CONFIG_S_DRIVER_OK) || (v->status & VIRTIO_CONFIG_S_NEEDS_RESET))
		return;
	if (v->dma.prepare) {
		v->pending |= 1u << q;
		node_virtio_kick(v);
	} else {
		v->dev->notify(v, q);
	}
}

unsigned node_virtio_kick(node_virtio *v)
{
	for (int qi = 0; qi < NODE_VIRTIO_MAX_QUEUES; qi++) {
		if (!(v->pending & (1u << qi)))
			continue;
		if (!v->dev || (v->status & VIRTIO_CONFIG_S_NEEDS_RESET) || !v->q[qi].ready) {
			v->pending &= ~(1u << qi);
			continue;
		}
		if (prepare_queue(v, qi) == NODE_DMA_MISS)
			return v->pending;
		v->pending &= ~(1u << qi);
		v->dev->notify(v, qi);
	}
	return v->pending;
}

int node_virtq_push(node_virtio *v, int qi, const node_virtq_elem *e, uint32_t len)
{
	node_virtq *q = &v->q[qi];
	uint16_t used_idx;
	if (node_dma_read(&v->dma, q->used + 2, &used_idx, 2)) {
		node_virtio_fail(v, "used ring outside memory");
		return -1;
	}
	struct vring_used_elem u = {.id = e->head, .len = len};
	if (node_dma_write(&v->dma, q->used + 4 + 8ull * (used_idx % q->num), &u, sizeof(u))) {
		node_virtio_fail(v, "used ring outside memory");
		return -1;
	}
	used_idx++;
	node_dma_write(&v->dma, q->used + 2, &used_idx, 2);
	v->isr |= VIRTIO_MMIO_INT_VRING;
	update_irq(v);
	return 0;
}

/* Walks the readable (write=false) or writable part of a chain. */
static int chain_copy(node_virtio *v, const node_virtq_elem *e, bool writable, uint32_t off,
		      void *buf, uint32_t len, bool to_guest)
{
	uint8_t *p = buf;
	for (int i = 0; i < e->nsegs && len; i++) {
		const node_virtq_seg *s = &e->seg[i];
		if (s->write != writable)
			continue;
		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		uint32_t n = s->len - off < len ? s->len - off : len;
		int rc = to_guest ? node_dma_write(&v->dma, s->addr + off, p, n)
				  : node_dma_read(&v->dma, s->addr + off, p, n);
		if (rc)
			return -1;
		p += n;
		len -= n;
		off = 0;
	}
	return len ? -1 : 0;
}

int node_virtq_read(node_virtio *v, const node_virtq_elem *e, uint32_t off, void *buf, uint32_t len)
{
	return chain_copy(v, e, false, off, buf, len, false);
}

int node_virtq_write(node_virtio *v, const node_virtq_elem *e, uint32_t off, const void *buf,
		     uint32_t len)
{
	return chain_copy(v, e, true, off, (void *)buf, len, true);
}
