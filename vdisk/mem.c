/* vdisk/mem.c: an in-memory disk, for tests (see vdisk/vdisk.h). */
#include <stdlib.h>
#include <string.h>

#include "vdisk/vdisk.h"

typedef struct mem_disk {
	vdisk d;
	uint8_t *data;
} mem_disk;

static int mem_read(vdisk *d, uint64_t off, void *buf, size_t len)
{
	memcpy(buf, ((mem_disk *)d)->data + off, len);
	return 0;
}

static int mem_write(vdisk *d, uint64_t off, const void *buf, size_t len)
{
	memcpy(((mem_disk *)d)->data + off, buf, len);
	return 0;
}

static int mem_flush(vdisk *d)
{
	return 0;
}

static void mem_close(vdisk *d)
{
	free(((mem_disk *)d)->data);
	free(d);
}

static const vdisk_ops mem_ops = {
	.read = mem_read,
	.write = mem_write,
	.flush = mem_flush,
	.close = mem_close,
};

vdisk *vdisk_mem_create(uint64_t size)
{
	mem_disk *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->data = calloc(1, size ? size : 1);
	if (!m->data) {
		free(m);
		return NULL;
	}
	m->d.ops = &mem_ops;
	m->d.size = size;
	m->d.name = "(memory)";
	return &m->d;
}

uint8_t *vdisk_mem_data(vdisk *d)
{
	return ((mem_disk *)d)->data;
}
