/* guest/splashos/sos_virtio.c: a polled virtio-blk driver over virtio-mmio
 * version 2 (virtio 1.x, "MMIO Device Register Layout" and "Block Device"),
 * for the disks of the platform (node/machine.h: slots at physical
 * 0x1f001000 + 0x1000 * slot, disks first; node/dev_virtio_blk.c).
 *
 * Registers are reached through KSEG1. The queue, request header and status
 * byte of each disk live in .bss; the device sees them (and the callers'
 * buffers) at guest physical = KSEG0 address & 0x1fffffff. DMA is coherent,
 * so no cache maintenance is needed; interrupts stay masked and the driver
 * polls the used ring. One request is in flight per disk at a time.
 *
 * Not thread-safe by itself: the caller (sos_file.c) holds its file lock.
 */
#include "sos_internal.h"

#define SLOT_BASE 0xbf001000u /* KSEG1 address of slot 0 */
#define SLOT_STRIDE 0x1000u
#define MAX_SLOTS 8

/* virtio-mmio registers (byte offsets) */
#define R_MAGIC 0x000
#define R_VERSION 0x004
#define R_DEVICE_ID 0x008
#define R_DEV_FEATURES 0x010
#define R_DEV_FEATURES_SEL 0x014
#define R_DRV_FEATURES 0x020
#define R_DRV_FEATURES_SEL 0x024
#define R_QUEUE_SEL 0x030
#define R_QUEUE_NUM_MAX 0x034
#define R_QUEUE_NUM 0x038
#define R_QUEUE_READY 0x044
#define R_QUEUE_NOTIFY 0x050
#define R_INT_STATUS 0x060
#define R_INT_ACK 0x064
#define R_STATUS 0x070
#define R_QUEUE_DESC 0x080 /* low word; high word at + 4 */
#define R_QUEUE_AVAIL 0x090
#define R_QUEUE_USED 0x0a0
#define R_CONFIG 0x100 /* virtio-blk: capacity in sectors, 64 bits */

#define VIRT_MAGIC 0x74726976u /* "virt" */
#define DEVICE_BLK 2

/* Status bits */
#define S_ACKNOWLEDGE 1u
#define S_DRIVER 2u
#define S_DRIVER_OK 4u
#define S_FEATURES_OK 8u
#define S_NEEDS_RESET 0x40u

#define F_BLK_FLUSH 9  /* feature bit: the flush request exists */
#define F_VERSION_1 32 /* feature bit: virtio 1.x (in the high word) */

#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4

#define DESC_NEXT 1
#define DESC_WRITE 2 /* the device writes this buffer */

#define QSIZE 4 /* a request takes three descriptors */

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

typedef struct disk {
	struct desc desc[QSIZE] __attribute__((aligned(16)));
	struct {
		uint16_t flags, idx, ring[QSIZE], used_event;
	} avail __attribute__((aligned(4)));
	volatile struct {
		uint16_t flags, idx;
		struct {
			uint32_t id, len;
		} ring[QSIZE];
		uint16_t avail_event;
	} used __attribute__((aligned(4)));
	struct {
		uint32_t type, reserved;
		uint64_t sector;
	} hdr;
	volatile uint8_t status;
	uint32_t regs; /* KSEG1 address of the slot */
	uint64_t sectors;
	int can_flush;
	uint16_t last_used;
} SMP_ALIGNED disk;

static disk disks[SOS_MAX_DISKS];
static int ndisks = -1; /* -1: not probed yet */

static uint32_t rd(const disk *d, uint32_t reg)
{
	return *(volatile uint32_t *)(uintptr_t)(d->regs + reg);
}

static void wr(const disk *d, uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)(d->regs + reg) = v;
}

static uint32_t pa(const volatile void *p)
{
	return (uint32_t)(uintptr_t)p & 0x1fffffffu;
}

static void set_queue_addr(disk *d, uint32_t reg, const volatile void *p)
{
	wr(d, reg, pa(p));
	wr(d, reg + 4, 0);
}

/* Negotiates features (VERSION_1, and FLUSH when offered) and sets up
 * queue 0. 0, or -1 when the device does not go along. */
static int start(disk *d)
{
	wr(d, R_STATUS, 0); /* reset */
	wr(d, R_STATUS, S_ACKNOWLEDGE);
	wr(d, R_STATUS, S_ACKNOWLEDGE | S_DRIVER);
	wr(d, R_DEV_FEATURES_SEL, 1);
	if (!(rd(d, R_DEV_FEATURES) & (1u << (F_VERSION_1 - 32))))
		return -1;
	wr(d, R_DEV_FEATURES_SEL, 0);
	d->can_flush = (rd(d, R_DEV_FEATURES) >> F_BLK_FLUSH) & 1;
	wr(d, R_DRV_FEATURES_SEL, 0);
	wr(d, R_DRV_FEATURES, (uint32_t)d->can_flush << F_BLK_FLUSH);
	wr(d, R_DRV_FEATURES_SEL, 1);
	wr(d, R_DRV_FEATURES, 1u << (F_VERSION_1 - 32));
	wr(d, R_STATUS, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK);
	if (!(rd(d, R_STATUS) & S_FEATURES_OK))
		return -1;
	wr(d, R_QUEUE_SEL, 0);
	if (rd(d, R_QUEUE_NUM_MAX) < QSIZE)
		return -1;
	wr(d, R_QUEUE_NUM, QSIZE);
	set_queue_addr(d, R_QUEUE_DESC, d->desc);
	set_queue_addr(d, R_QUEUE_AVAIL, &d->avail);
	set_queue_addr(d, R_QUEUE_USED, &d->used);
	wr(d, R_QUEUE_READY, 1);
	wr(d, R_STATUS, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	d->sectors = ((uint64_t)rd(d, R_CONFIG + 4) << 32) | rd(d, R_CONFIG);
	return 0;
}

int sos__blk_probe(void)
{
	uint32_t v;

	if (ndisks >= 0)
		return ndisks;
	ndisks = 0;
	for (uint32_t s = 0; s < MAX_SLOTS && ndisks < SOS_MAX_DISKS; s++) {
		disk *d = &disks[ndisks];
		d->regs = SLOT_BASE + s * SLOT_STRIDE;
		/* a slot beyond the window answers with a bus error */
		if (sos__probe_read(d->regs + R_MAGIC, &v) || v != VIRT_MAGIC)
			continue;
		if (rd(d, R_VERSION) != 2 || rd(d, R_DEVICE_ID) != DEVICE_BLK)
			continue;
		if (start(d) == 0)
			ndisks++;
	}
	return ndisks;
}

uint64_t sos__blk_sectors(int d)
{
	return d >= 0 && d < ndisks ? disks[d].sectors : 0;
}

/* Puts the chain at descriptor 0 on the ring, notifies and polls for its
 * completion. 0, or -1 on a device error. */
static int submit(disk *d)
{
	d->status = 0xff;
	d->avail.ring[d->avail.idx % QSIZE] = 0;
	smp_mb(); /* the chain before the index */
	d->avail.idx++;
	smp_mb();
	wr(d, R_QUEUE_NOTIFY, 0);
	for (uint32_t spins = 1; d->used.idx == d->last_used; spins++)
		if (spins % 1024 == 0 && (rd(d, R_STATUS) & S_NEEDS_RESET))
			return -1;
	d->last_used++;
	smp_mb();
	wr(d, R_INT_ACK, rd(d, R_INT_STATUS));
	return d->status == 0 ? 0 : -1;
}

static void set_desc(disk *d, int i, const volatile void *p, uint32_t len, uint16_t flags)
{
	d->desc[i].addr = pa(p);
	d->desc[i].len = len;
	d->desc[i].flags = flags;
	d->desc[i].next = (uint16_t)(i + 1);
}

int sos__blk_rw(int i, uint64_t sector, void *buf, uint32_t n, int write)
{
	disk *d = &disks[i];

	if (i < 0 || i >= ndisks || sector > d->sectors || n > d->sectors - sector)
		return -1;
	d->hdr.type = write ? T_OUT : T_IN;
	d->hdr.reserved = 0;
	d->hdr.sector = sector;
	set_desc(d, 0, &d->hdr, sizeof(d->hdr), DESC_NEXT);
	set_desc(d, 1, buf, n * SOS_SECTOR, DESC_NEXT | (write ? 0 : DESC_WRITE));
	set_desc(d, 2, &d->status, 1, DESC_WRITE);
	return submit(d);
}

int sos__blk_flush(int i)
{
	disk *d = &disks[i];

	if (i < 0 || i >= ndisks)
		return -1;
	if (!d->can_flush)
		return 0;
	d->hdr.type = T_FLUSH;
	d->hdr.reserved = 0;
	d->hdr.sector = 0;
	set_desc(d, 0, &d->hdr, sizeof(d->hdr), DESC_NEXT);
	set_desc(d, 1, &d->status, 1, DESC_WRITE);
	return submit(d);
}
