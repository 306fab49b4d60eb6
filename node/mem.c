/* node/mem.c: the node's physical address space (see node/mem.h). */
#include "node/mem.h"

#include <stdlib.h>
#include <string.h>

#include "node/cpu.h"
#include "node/decode.h"

static void invalidate_code(node_mem *mem, uint32_t pa, uint32_t len)
{
	uint32_t end = pa + len;
	for (uint32_t p = pa; p < end;) {
		uint32_t ppn = p >> NODE_PAGE_SHIFT;
		uint32_t page_end = (ppn + 1) << NODE_PAGE_SHIFT;
		uint32_t n = (end < page_end ? end : page_end) - p;
		if (mem->code[ppn])
			node_decode_invalidate(mem->code[ppn], p & (NODE_PAGE_SIZE - 1), n);
		p += n;
	}
}

int node_mem_init(node_mem *mem, uint32_t ram_size)
{
	memset(mem, 0, sizeof(*mem));
	ram_size &= ~(NODE_PAGE_SIZE - 1);
	mem->ram = calloc(1, ram_size ? ram_size : NODE_PAGE_SIZE);
	mem->code = calloc(ram_size / NODE_PAGE_SIZE + 1, sizeof(*mem->code));
	if (!mem->ram || !mem->code) {
		free(mem->ram);
		free(mem->code);
		return -12;
	}
	mem->ram_size = ram_size;
	return 0;
}

int node_mem_init_sys(node_mem *mem, uint32_t ram_size, const node_memsys *sys, void *opaque)
{
	memset(mem, 0, sizeof(*mem));
	mem->ram_size = ram_size & ~(NODE_PAGE_SIZE - 1);
	mem->code = calloc(mem->ram_size / NODE_PAGE_SIZE + 1, sizeof(*mem->code));
	if (!mem->code)
		return -12;
	mem->sys = sys;
	mem->sys_opaque = opaque;
	return 0;
}

void node_mem_invalidate_code(node_mem *mem, uint32_t pa, uint32_t len)
{
	invalidate_code(mem, pa, len);
}

void node_mem_destroy(node_mem *mem)
{
	node_decode_destroy(mem);
	free(mem->code);
	free(mem->ram);
	mem->ram = NULL;
	mem->code = NULL;
}

int node_mem_map_device(node_mem *mem, uint32_t base, uint32_t size, const node_dev_ops *ops,
			void *dev)
{
	if (mem->nregions == NODE_MEM_MAX_REGIONS || size == 0)
		return -1;
	if (base < mem->ram_size)
		return -1;
	for (int i = 0; i < mem->nregions; i++) {
		node_region *r = &mem->regions[i];
		if (base < r->base + r->size && r->base < base + size)
			return -1;
	}
	mem->regions[mem->nregions++] = (node_region){base, size, ops, dev};
	return 0;
}

void node_mem_attach_cpu(node_mem *mem, node_cpu *cpu)
{
	if (mem->ncpus < NODE_MEM_MAX_CPUS)
		mem->cpus[mem->ncpus++] = cpu;
}

uint8_t *node_mem_fast_page(node_mem *mem, uint32_t pa, bool write)
{
	if (!mem->ram || pa >= mem->ram_size)
		return NULL;
	uint32_t ppn = pa >> NODE_PAGE_SHIFT;
	if (write && mem->code[ppn])
		return NULL;
	return mem->ram + ((uint32_t)ppn << NODE_PAGE_SHIFT);
}

static node_region *find_region(node_mem *mem, uint32_t pa)
{
	for (int i = 0; i < mem->nregions; i++) {
		node_region *r = &mem->regions[i];
		if (pa - r->base < r->size)
			return r;
	}
	return NULL;
}

int node_mem_read(node_mem *mem, uint32_t pa, unsigned size, uint32_t *val)
{
	if (mem->ram && pa < mem->ram_size) {
		const uint8_t *p = mem->ram + pa;
		switch (size) {
		case 1: *val = *p; break;
		case 2: *val = *(const uint16_t *)p; break;
		default: *val = *(const uint32_t *)p; break;
		}
		return 0;
	}
	node_region *r = find_region(mem, pa);
	if (!r)
		return NODE_MEM_EBUS;
	*val = r->ops->read ? r->ops->read(r->dev, pa - r->base, size) : 0;
	return 0;
}

int node_mem_write(node_mem *mem, uint32_t pa, unsigned size, uint32_t val)
{
	if (mem->ram && pa < mem->ram_size) {
		uint8_t *p = mem->ram + pa;
		switch (size) {
		case 1: *p = (uint8_t)val; break;
		case 2: *(uint16_t *)p = (uint16_t)val; break;
		default: *(uint32_t *)p = val; break;
		}
		if (mem->code[pa >> NODE_PAGE_SHIFT])
			invalidate_code(mem, pa, size);
		return 0;
	}
	node_region *r = find_region(mem, pa);
	if (!r)
		return NODE_MEM_EBUS;
	if (r->ops->write)
		r->ops->write(r->dev, pa - r->base, val, size);
	return 0;
}

int node_mem_dma_read(node_mem *mem, uint32_t pa, void *buf, uint32_t len)
{
	if (!mem->ram || !node_mem_is_ram(mem, pa, len))
		return NODE_MEM_EBUS;
	memcpy(buf, mem->ram + pa, len);
	return 0;
}

int node_mem_dma_write(node_mem *mem, uint32_t pa, const void *buf, uint32_t len)
{
	if (!mem->ram || !node_mem_is_ram(mem, pa, len))
		return NODE_MEM_EBUS;
	memcpy(mem->ram + pa, buf, len);
	invalidate_code(mem, pa, len);
	return 0;
}
