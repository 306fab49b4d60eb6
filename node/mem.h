/* node/mem.h: the node's physical address space - RAM, device windows and
 * the interface through which CPUs and DMA reach them.
 *
 * This is the memory-system boundary of DESIGN.md §2: the CPU never touches
 * RAM except through it. node_mem_fast_page() grants a host pointer for a
 * whole 4 KiB page when the memory system allows the CPU to cache it in its
 * fast translation (fast mode, no cache model); otherwise the CPU calls
 * node_mem_read()/node_mem_write() for each access, which is where the cache
 * and coherence model sit in detailed mode.
 *
 * Writes that land on a page holding pre-decoded instructions (node/decode.c)
 * invalidate those instructions, whoever writes: CPU slow path or DMA.
 */
#ifndef NODE_MEM_H
#define NODE_MEM_H

#include <stdbool.h>
#include <stdint.h>

#define NODE_PAGE_SHIFT 12
#define NODE_PAGE_SIZE (1u << NODE_PAGE_SHIFT)

struct node_decode_page;
struct node_cpu;

/* A device: a state struct plus a const ops table (STYLE.md 4). Offsets are
 * relative to the device's base; size is 1, 2 or 4 bytes. */
typedef struct node_dev_ops {
	const char *name;
	uint32_t (*read)(void *dev, uint32_t off, unsigned size);
	void (*write)(void *dev, uint32_t off, uint32_t val, unsigned size);
	void (*reset)(void *dev);
} node_dev_ops;

/* Detailed mode: the cache and coherence model behind the CPU (node/flash.c).
 * Every data access that misses the CPU's fast tables and every instruction
 * word decoded goes through it. Return NODE_MEM_OK, NODE_MEM_DEVICE (a
 * device was accessed: the CPU leaves its slice soon), NODE_MEM_STALL (the
 * access waits: the CPU retries it later) or NODE_MEM_EBUS. Latency beyond
 * the instruction's cycle is added to cpu->pending_stall. va tells
 * cacheable from uncached (KSEG1). */
typedef struct node_memsys {
	int (*load)(void *o, struct node_cpu *cpu, uint32_t va, uint32_t pa, unsigned size,
		    uint64_t now, uint32_t *val);
	int (*store)(void *o, struct node_cpu *cpu, uint32_t va, uint32_t pa, unsigned size,
		     uint64_t now, uint32_t val);
	int (*fetch)(void *o, struct node_cpu *cpu, uint32_t pa, uint64_t now, uint32_t *word);
} node_memsys;

enum { NODE_MEM_OK = 0, NODE_MEM_DEVICE = 1, NODE_MEM_STALL = 2 };

typedef struct node_region {
	uint32_t base, size;
	const node_dev_ops *ops;
	void *dev;
} node_region;

#define NODE_MEM_MAX_REGIONS 32
#define NODE_MEM_MAX_CPUS 16

typedef struct node_mem {
	uint8_t *ram;	   /* host copy of RAM, physical [0, ram_size) */
	uint32_t ram_size; /* bytes, a multiple of NODE_PAGE_SIZE */
	node_region regions[NODE_MEM_MAX_REGIONS];
	int nregions;
	/* Pre-decoded instruction pages by physical page number (NULL when the
	 * page holds no decoded code). Owned by node/decode.c. */
	struct node_decode_page **code;
	struct node_cpu *cpus[NODE_MEM_MAX_CPUS]; /* for fast-TLB shootdown */
	int ncpus;
	/* Detailed mode (NULL: fast mode, RAM is ram[]): ram is NULL and
	 * ram_size is the whole machine's memory. */
	const node_memsys *sys;
	void *sys_opaque;
} node_mem;

/* Errors (negative errno-style). */
#define NODE_MEM_EBUS (-14) /* no RAM or device at that physical address */

int node_mem_init(node_mem *mem, uint32_t ram_size);
/* Detailed mode: no RAM array (the memory system holds the data); ram_size
 * is the machine's memory, for address checks and decoded pages. */
int node_mem_init_sys(node_mem *mem, uint32_t ram_size, const node_memsys *sys, void *opaque);
void node_mem_destroy(node_mem *mem);
/* Resets decoded instructions of [pa, pa+len) (their bytes changed). */
void node_mem_invalidate_code(node_mem *mem, uint32_t pa, uint32_t len);
/* Maps a device on [base, base+size). Returns 0 or -1 when full/overlapping. */
int node_mem_map_device(node_mem *mem, uint32_t base, uint32_t size, const node_dev_ops *ops,
			void *dev);
void node_mem_attach_cpu(node_mem *mem, struct node_cpu *cpu);

/* Host pointer to the RAM page holding physical address pa, for the CPU's
 * fast translation; NULL when the page is not RAM (the caller then uses
 * node_mem_read/write). For writes, NULL also when the page holds decoded
 * code, so that every store to it is seen by the slow path. */
uint8_t *node_mem_fast_page(node_mem *mem, uint32_t pa, bool write);

/* One access of 1, 2 or 4 bytes at pa (naturally aligned). Returns 0 or
 * NODE_MEM_EBUS. */
int node_mem_read(node_mem *mem, uint32_t pa, unsigned size, uint32_t *val);
int node_mem_write(node_mem *mem, uint32_t pa, unsigned size, uint32_t val);

/* DMA and loaders: copy len bytes to/from RAM. Returns 0 or NODE_MEM_EBUS
 * when any byte falls outside RAM (nothing is copied then). */
int node_mem_dma_read(node_mem *mem, uint32_t pa, void *buf, uint32_t len);
int node_mem_dma_write(node_mem *mem, uint32_t pa, const void *buf, uint32_t len);

static inline bool node_mem_is_ram(const node_mem *mem, uint32_t pa, uint32_t len)
{
	return pa < mem->ram_size && len <= mem->ram_size - pa;
}

#endif
