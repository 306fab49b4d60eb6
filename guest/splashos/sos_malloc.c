/* guest/splashos/sos_malloc.c: malloc, calloc, realloc and free over the
 * SPLASHOS heap (all of node 0's memory left after start-up), safe from any
 * vCPU: one lock, heap_lock, covers every block header and the free list.
 *
 * A block is an 8-byte header (its size in bytes, header included, a
 * multiple of 8; and a tag saying used or free) followed by the payload,
 * which is 8-byte aligned. Free blocks form a list in address order (the
 * next pointer lives in the payload); allocation is first fit, splitting off
 * the tail; free merges with both neighbours.
 *
 * Out of memory is fatal (SOS_EXIT_NOMEM), SPLASHOS's choice: a parallel
 * application has no sensible recovery, and one clear line naming the vCPU,
 * the caller, the size asked and the heap size beats a NULL dereference
 * later. So malloc and calloc never return NULL; realloc(p, 0) frees p and
 * returns NULL, as glibc's does. free of anything malloc did not return (or
 * a second free) is fatal too (SOS_EXIT_FATAL).
 */
#include "sos_internal.h"

#include <stdlib.h>
#include <string.h>

#define TAG_USED 0x55534544u /* "DESU" */
#define TAG_FREE 0x46524545u /* "EERF" */
#define HDR 8u		     /* header bytes */
#define MIN_BLOCK 16u	     /* header + the free list's next pointer */

typedef struct block {
	uint32_t size; /* bytes, header included */
	uint32_t tag;
	struct block *next; /* free blocks only: the next free block above */
} block;

static smp_lock heap_lock;
static block *free_list;	   /* lowest free block */
static uintptr_t heap_lo, heap_hi; /* [heap_lo, heap_hi) */

void sos__heap_init(void)
{
	uint32_t size = smp_node_free(0) & ~(SMP_LINE - 1u);
	block *b = size >= MIN_BLOCK ? smp_node_alloc(0, size, SMP_LINE) : NULL;

	if (!b)
		sos_fatal(SOS_EXIT_FATAL, "no memory left for the heap");
	b->size = size;
	b->tag = TAG_FREE;
	b->next = NULL;
	free_list = b;
	heap_lo = (uintptr_t)b;
	heap_hi = heap_lo + size;
}

static uint32_t heap_size(void)
{
	return (uint32_t)(heap_hi - heap_lo);
}

/* Block bytes for a payload of n, or 0 when it cannot fit in the heap. */
static uint32_t block_size(size_t n)
{
	if (n > heap_size())
		return 0;
	n = (n + HDR + 7) & ~(size_t)7;
	return n < MIN_BLOCK ? MIN_BLOCK : (uint32_t)n;
}

/* Takes need bytes off the front of free block b (whose predecessor's next
 * pointer is *link); returns b, now used. */
static block *take(block **link, block *b, uint32_t need)
{
	if (b->size - need >= MIN_BLOCK) {
		block *rest = (block *)((uint8_t *)b + need);
		rest->size = b->size - need;
		rest->tag = TAG_FREE;
		rest->next = b->next;
		*link = rest;
		b->size = need;
	} else {
		*link = b->next;
	}
	b->tag = TAG_USED;
	return b;
}

/* First fit; heap_lock held. NULL when nothing is large enough. */
static block *find(uint32_t need)
{
	for (block **link = &free_list; *link; link = &(*link)->next)
		if ((*link)->size >= need)
			return take(link, *link, need);
	return NULL;
}

__attribute__((noreturn)) static void out_of_memory(const char *what, size_t n, void *caller)
{
	sos_fatal(SOS_EXIT_NOMEM, "out of memory: %s of %u bytes from 0x%08x; the heap is %u bytes",
		  what, (unsigned)n, (unsigned)(uintptr_t)caller, heap_size());
}

/* malloc for caller (its return address, for the out-of-memory line). */
static void *alloc(size_t n, const char *what, void *caller)
{
	uint32_t need = block_size(n);
	block *b = NULL;

	if (need) {
		smp_lock_acquire(&heap_lock);
		b = find(need);
		smp_lock_release(&heap_lock);
	}
	if (!b)
		out_of_memory(what, n, caller);
	return (uint8_t *)b + HDR;
}

/* The used block of payload p, or fatal when p is not one. */
static block *used_block(void *p, const char *what, void *caller)
{
	block *b = (block *)((uint8_t *)p - HDR);
	int inside = !((uintptr_t)p & 7) && (uintptr_t)b >= heap_lo && (uintptr_t)p < heap_hi;

	if (!inside || b->tag != TAG_USED)
		sos_fatal(SOS_EXIT_FATAL, "%s(%p) from 0x%08x: not a block malloc returned%s", what,
			  p, (unsigned)(uintptr_t)caller,
			  inside && b->tag == TAG_FREE ? " (freed already)" : "");
	return b;
}

static uint8_t *end_of(block *b)
{
	return (uint8_t *)b + b->size;
}

/* Puts used block b back on the free list, merged with free neighbours;
 * heap_lock held. */
static void release(block *b)
{
	block **link = &free_list, *prev = NULL;

	while (*link && *link < b) {
		prev = *link;
		link = &(*link)->next;
	}
	b->tag = TAG_FREE;
	b->next = *link;
	if (b->next && end_of(b) == (uint8_t *)b->next) {
		b->size += b->next->size;
		b->next = b->next->next;
	}
	if (prev && end_of(prev) == (uint8_t *)b) {
		prev->size += b->size;
		prev->next = b->next;
	} else {
		*link = b;
	}
}

void *malloc(size_t n)
{
	return alloc(n, "malloc", __builtin_return_address(0));
}

void *calloc(size_t count, size_t size)
{
	void *caller = __builtin_return_address(0);

	if (size && count > (size_t)-1 / size)
		out_of_memory("calloc", (size_t)-1, caller);
	void *p = alloc(count * size, "calloc", caller);
	memset(p, 0, count * size);
	return p;
}

void free(void *p)
{
	if (!p)
		return;
	smp_lock_acquire(&heap_lock);
	release(used_block(p, "free", __builtin_return_address(0)));
	smp_lock_release(&heap_lock);
}

/* Grows used block b in place to need bytes by taking from the free block
 * right after it; heap_lock held. Returns whether it did. */
static int grow(block *b, uint32_t need)
{
	block **link = &free_list;

	while (*link && (uint8_t *)*link < end_of(b))
		link = &(*link)->next;
	block *nb = *link;
	if (!nb || (uint8_t *)nb != end_of(b) || b->size + nb->size < need)
		return 0;
	take(link, nb, need - b->size);
	b->size += nb->size;
	return 1;
}

void *realloc(void *p, size_t n)
{
	void *caller = __builtin_return_address(0);

	if (!p)
		return alloc(n, "realloc", caller);
	if (n == 0) {
		free(p);
		return NULL;
	}
	uint32_t need = block_size(n);
	smp_lock_acquire(&heap_lock);
	block *b = used_block(p, "realloc", caller);
	uint32_t old = b->size;
	int fits = need && (old >= need || grow(b, need));
	smp_lock_release(&heap_lock);
	if (fits)
		return p;
	void *q = alloc(n, "realloc", caller);
	memcpy(q, p, old - HDR);
	free(p);
	return q;
}
