/* tests/test_virtio.c: the virtio-mmio transport with virtio-blk on an
 * in-memory disk and two virtio-net devices on a loopback, driven through
 * their registers with rings built in guest memory - including hostile
 * rings, which must fail the device, never the host. */
#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "node/dev_virtio_blk.h"
#include "node/dev_virtio_net.h"

#define QSIZE 8
#define DESC 0x1000u
#define AVAIL 0x2000u
#define USED 0x3000u

typedef struct rig {
	node_mem mem;
	node_virtio vio[2];
	node_virtio_blk blk;
	node_virtio_net net[2];
	int irq_level[2];
	uint16_t avail_idx[2][2];
} rig;

static void irq_fn(void *opaque, int line, bool level)
{
	((rig *)opaque)->irq_level[line] = level;
}

static int dma_read(void *o, uint64_t a, void *b, uint32_t l)
{
	return a > UINT32_MAX || node_mem_dma_read(o, (uint32_t)a, b, l) ? -1 : 0;
}
static int dma_write(void *o, uint64_t a, const void *b, uint32_t l)
{
	return a > UINT32_MAX || node_mem_dma_write(o, (uint32_t)a, b, l) ? -1 : 0;
}

static void wr(node_virtio *v, uint32_t off, uint32_t val)
{
	node_virtio_ops.write(v, off, val, 4);
}
static uint32_t rd(node_virtio *v, uint32_t off)
{
	return node_virtio_ops.read(v, off, 4);
}

/* Queue q of device d lives at DESC/AVAIL/USED + (d*2+q)*0x4000. */
static uint32_t qbase(int d, int q)
{
	return (uint32_t)(d * 2 + q) * 0x4000u;
}

static void setup_queue(node_virtio *v, int d, int q)
{
	wr(v, VIRTIO_MMIO_QUEUE_SEL, (uint32_t)q);
	wr(v, VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr(v, VIRTIO_MMIO_QUEUE_DESC_LOW, DESC + qbase(d, q));
	wr(v, VIRTIO_MMIO_QUEUE_AVAIL_LOW, AVAIL + qbase(d, q));
	wr(v, VIRTIO_MMIO_QUEUE_USED_LOW, USED + qbase(d, q));
	wr(v, VIRTIO_MMIO_QUEUE_READY, 1);
}

static void driver_init(node_virtio *v, int d, int nq)
{
	wr(v, VIRTIO_MMIO_STATUS, 0);
	wr(v, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	wr(v, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(v, VIRTIO_MMIO_DRIVER_FEATURES, 1); /* VERSION_1 */
	for (int q = 0; q < nq; q++)
		setup_queue(v, d, q);
	wr(v, VIRTIO_MMIO_STATUS,
	   VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK |
		   VIRTIO_CONFIG_S_DRIVER_OK);
}

static int setup(void **state)
{
	rig *r = test_calloc(1, sizeof(*r));
	assert_int_equal(node_mem_init(&r->mem, 1u << 20), 0);
	node_dma dma = {dma_read, dma_write, NULL, &r->mem};
	r->blk.disk = vdisk_mem_create(64 * 1024);
	node_virtio_init(&r->vio[0], &node_virtio_blk_dev, &r->blk, dma, (node_irq){irq_fn, r, 0},
			 "blk");
	driver_init(&r->vio[0], 0, 1);
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	rig *r = *state;
	vdisk_close(r->blk.disk);
	node_mem_destroy(&r->mem);
	test_free(r);
	return 0;
}

static void put_desc(rig *r, int d, int q, int i, uint64_t addr, uint32_t len, uint16_t flags,
		     uint16_t next)
{
	struct vring_desc desc = {addr, len, flags, next};
	node_mem_dma_write(&r->mem, DESC + qbase(d, q) + 16u * i, &desc, sizeof(desc));
}

static void submit(rig *r, int d, int q, uint16_t head)
{
	uint16_t *idx = &r->avail_idx[d][q];
	node_mem_dma_write(&r->mem, AVAIL + qbase(d, q) + 4 + 2u * (*idx % QSIZE), &head, 2);
	(*idx)++;
	node_mem_dma_write(&r->mem, AVAIL + qbase(d, q) + 2, idx, 2);
	wr(&r->vio[d], VIRTIO_MMIO_QUEUE_NOTIFY, (uint32_t)q);
}

static uint16_t used_idx(rig *r, int d, int q)
{
	uint16_t v;
	node_mem_dma_read(&r->mem, USED + qbase(d, q) + 2, &v, 2);
	return v;
}

/* A block request: header at 0x10000, data at 0x11000, status at 0x12000. */
static uint8_t blk_io(rig *r, uint32_t type, uint64_t sector, uint32_t len)
{
	struct virtio_blk_outhdr h = {type, 0, sector};
	node_mem_dma_write(&r->mem, 0x10000, &h, sizeof(h));
	uint8_t st = 0xff;
	node_mem_dma_write(&r->mem, 0x12000, &st, 1);
	bool in = type == VIRTIO_BLK_T_IN;
	put_desc(r, 0, 0, 0, 0x10000, sizeof(h), VRING_DESC_F_NEXT, 1);
	if (len) {
		put_desc(r, 0, 0, 1, 0x11000, len,
			 VRING_DESC_F_NEXT | (in ? VRING_DESC_F_WRITE : 0), 2);
		put_desc(r, 0, 0, 2, 0x12000, 1, VRING_DESC_F_WRITE, 0);
	} else {
		put_desc(r, 0, 0, 1, 0x12000, 1, VRING_DESC_F_WRITE, 0);
	}
	submit(r, 0, 0, 0);
	node_mem_dma_read(&r->mem, 0x12000, &st, 1);
	return st;
}

static void test_identity(void **state)
{
	rig *r = *state;
	assert_int_equal(rd(&r->vio[0], VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	assert_int_equal(rd(&r->vio[0], VIRTIO_MMIO_VERSION), 2);
	assert_int_equal(rd(&r->vio[0], VIRTIO_MMIO_DEVICE_ID), 2);
	assert_int_equal(node_virtio_ops.read(&r->vio[0], VIRTIO_MMIO_CONFIG, 4),
			 128); /* sectors */
	node_virtio empty;
	node_virtio_init(&empty, NULL, NULL, (node_dma){dma_read, dma_write, NULL, &r->mem},
			 (node_irq){0}, "empty");
	assert_int_equal(rd(&empty, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	assert_int_equal(rd(&empty, VIRTIO_MMIO_DEVICE_ID), 0);
}

static void test_write_read_flush(void **state)
{
	rig *r = *state;
	uint8_t data[1024];
	for (int i = 0; i < 1024; i++)
		data[i] = (uint8_t)(i * 7);
	node_mem_dma_write(&r->mem, 0x11000, data, sizeof(data));
	assert_int_equal(blk_io(r, VIRTIO_BLK_T_OUT, 3, 1024), VIRTIO_BLK_S_OK);
	assert_memory_equal(vdisk_mem_data(r->blk.disk) + 3 * 512, data, 1024);
	assert_int_equal(r->irq_level[0], 1);
	wr(&r->vio[0], VIRTIO_MMIO_INTERRUPT_ACK, 1);
	assert_int_equal(r->irq_level[0], 0);

	memset(data, 0, sizeof(data));
	node_mem_dma_write(&r->mem, 0x11000, data, sizeof(data));
	assert_int_equal(blk_io(r, VIRTIO_BLK_T_IN, 3, 1024), VIRTIO_BLK_S_OK);
	node_mem_dma_read(&r->mem, 0x11000, data, sizeof(data));
	assert_memory_equal(vdisk_mem_data(r->blk.disk) + 3 * 512, data, 1024);
	assert_int_equal(blk_io(r, VIRTIO_BLK_T_FLUSH, 0, 0), VIRTIO_BLK_S_OK);
	assert_int_equal(used_idx(r, 0, 0), 3);
	assert_int_equal(r->blk.flushes, 1);
}

static void test_bad_requests_fail_the_request(void **state)
{
	rig *r = *state;
	/* past the end of the disk, a partial sector, an unknown type */
	assert_int_equal(blk_io(r, VIRTIO_BLK_T_IN, 127, 1024), VIRTIO_BLK_S_IOERR);
	assert_int_equal(blk_io(r, VIRTIO_BLK_T_IN, UINT64_MAX / 256, 512), VIRTIO_BLK_S_IOERR);
	assert_int_equal(blk_io(r, VIRTIO_BLK_T_OUT, 0, 100), VIRTIO_BLK_S_IOERR);
	assert_int_equal(blk_io(r, 99, 0, 0), VIRTIO_BLK_S_UNSUPP);
	assert_false(rd(&r->vio[0], VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
	r->blk.disk->readonly = true;
	assert_int_equal(blk_io(r, VIRTIO_BLK_T_OUT, 0, 512), VIRTIO_BLK_S_IOERR);
}

typedef enum { H_DESC_OUTSIDE, H_LOOP, H_AVAIL_JUMP, H_HEAD_RANGE, H_NEXT_RANGE } hostile;

static void run_hostile(rig *r, hostile h)
{
	struct virtio_blk_outhdr hdr = {VIRTIO_BLK_T_IN, 0, 0};
	node_mem_dma_write(&r->mem, 0x10000, &hdr, sizeof(hdr));
	switch (h) {
	case H_DESC_OUTSIDE: /* data buffer far outside the 1 MiB of RAM */
		put_desc(r, 0, 0, 0, 0x10000, 16, VRING_DESC_F_NEXT, 1);
		put_desc(r, 0, 0, 1, 0x7fff0000ull, 4096, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE,
			 2);
		put_desc(r, 0, 0, 2, 0xfffffffffffull, 1, VRING_DESC_F_WRITE, 0);
		submit(r, 0, 0, 0);
		return;
	case H_LOOP:
		put_desc(r, 0, 0, 0, 0x10000, 16, VRING_DESC_F_NEXT, 1);
		put_desc(r, 0, 0, 1, 0x11000, 512, VRING_DESC_F_NEXT, 0);
		submit(r, 0, 0, 0);
		return;
	case H_AVAIL_JUMP: {
		uint16_t idx = 1000;
		node_mem_dma_write(&r->mem, AVAIL + 2, &idx, 2);
		wr(&r->vio[0], VIRTIO_MMIO_QUEUE_NOTIFY, 0);
		return;
	}
	case H_HEAD_RANGE: submit(r, 0, 0, 200); return;
	case H_NEXT_RANGE:
		put_desc(r, 0, 0, 0, 0x10000, 16, VRING_DESC_F_NEXT, 4000);
		submit(r, 0, 0, 0);
		return;
	}
}

static void test_hostile_rings(void **state)
{
	rig *r = *state;
	for (hostile h = H_DESC_OUTSIDE; h <= H_NEXT_RANGE; h++) {
		driver_init(&r->vio[0], 0, 1);
		memset(r->avail_idx, 0, sizeof(r->avail_idx));
		uint16_t zero = 0;
		node_mem_dma_write(&r->mem, AVAIL + 2, &zero, 2);
		node_mem_dma_write(&r->mem, USED + 2, &zero, 2);
		uint64_t before = r->vio[0].errors;
		run_hostile(r, h);
		bool failed = rd(&r->vio[0], VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET;
		uint8_t st;
		node_mem_dma_read(&r->mem, 0x12000, &st, 1);
		/* either the device is marked broken, or (a bad data buffer) the
		 * request failed with an error status */
		print_message("hostile %d: needs_reset=%d errors=%llu\n", h, failed,
			      (unsigned long long)(r->vio[0].errors - before));
		assert_true(failed && r->vio[0].errors > before);
		/* a reset brings it back */
		driver_init(&r->vio[0], 0, 1);
		assert_false(rd(&r->vio[0], VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
	}
}

static void test_net_loopback(void **state)
{
	rig *r = *state;
	node_dma dma = {dma_read, dma_write, NULL, &r->mem};
	for (int d = 0; d < 2; d++) {
		r->net[d].vio = &r->vio[d];
		node_virtio_init(&r->vio[d], &node_virtio_net_dev, &r->net[d], dma,
				 (node_irq){irq_fn, r, d}, d ? "net1" : "net0");
		driver_init(&r->vio[d], d, 2);
	}
	node_virtio_net_connect(&r->net[0], &r->net[1]);
	memset(r->avail_idx, 0, sizeof(r->avail_idx));
	/* device 1 posts a receive buffer */
	put_desc(r, 1, 0, 0, 0x20000, 2048, VRING_DESC_F_WRITE, 0);
	submit(r, 1, 0, 0);
	/* device 0 sends header + frame */
	uint8_t pkt[12 + 60];
	memset(pkt, 0, 12);
	for (int i = 0; i < 60; i++)
		pkt[12 + i] = (uint8_t)(0xa0 + i);
	node_mem_dma_write(&r->mem, 0x30000, pkt, sizeof(pkt));
	put_desc(r, 0, 1, 0, 0x30000, sizeof(pkt), 0, 0);
	submit(r, 0, 1, 0);
	assert_int_equal(r->net[0].tx_frames, 1);
	assert_int_equal(r->net[1].rx_frames, 1);
	uint8_t got[12 + 60];
	node_mem_dma_read(&r->mem, 0x20000, got, sizeof(got));
	assert_memory_equal(got + 12, pkt + 12, 60);
	assert_int_equal(r->irq_level[1], 1);
	/* no buffer posted on device 0: a frame to it is dropped, not a crash */
	put_desc(r, 1, 1, 0, 0x30000, sizeof(pkt), 0, 0);
	submit(r, 1, 1, 0);
	assert_int_equal(r->net[0].rx_dropped, 1);
	assert_int_equal(node_virtio_ops.read(&r->vio[0], VIRTIO_MMIO_CONFIG + 5, 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_read_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_requests_fail_the_request, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_hostile_rings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_net_loopback, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
