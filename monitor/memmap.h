/* monitor/memmap.h: the machine-wide memmap and free-page allocator.
 *
 * What Disco did (DISCO-FACTS.md, NUMA policy): one memmap entry per
 * machine page listing the VMs that map it and its replicas. The monitor
 * needs the reverse direction of the pmaps whenever it changes a machine
 * page itself: to migrate or replicate a hot page (FLASH's per-page miss
 * counters flag it), to break copy-on-write sharing of a disk-cache page,
 * or to reclaim one. memmap gives (VM, guest-physical page) for each user of
 * the page; that VM's pmap back-maps (pmap.h) then give the virtual
 * addresses to shoot down, so the two together are the paper's "VMs and
 * virtual addresses that map it".
 *
 * Replicas: a read-shared page copied onto other nodes has one master; each
 * replica points at its master and the master lists its replicas. A write
 * to any copy collapses them (the caller unlinks and frees the replicas).
 *
 * Placement: machine memory is split evenly over the nodes, node n holding
 * pages [n * pages_per_node, (n + 1) * pages_per_node), so the node of a page
 * is mppn / pages_per_node (= mppn * 4096 / memory_per_node). Each node has
 * a free list; first touch asks for "a free page on node n". Freed pages are
 * reused first (LIFO); at init the lowest pages come out first. The
 * allocator hands out pages as they are: zeroing is the caller's job.
 *
 * Memory is bounded: an entry per machine page and a pool of max_mappers
 * mapper records, all allocated at init. Errors are negative errno values.
 * Not locked: the caller serializes (across ranks, each page's memmap entry
 * has the page's node as home, DESIGN.md 5).
 */
#ifndef MON_MEMMAP_H
#define MON_MEMMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "monitor/page.h"
#include "monitor/pool.h"

/* mon_memmap_alloc flag: only the node asked for, no fallback (migration
 * and replication, which are pointless on another node). */
#define MON_MEMMAP_EXACT 0x1u

/* A user of a machine page: guest-physical page gppn of VM vm. */
typedef struct mon_mapper {
	uint32_t gppn;
	uint16_t vm;
} mon_mapper;

typedef struct mon_mpage {
	uint32_t mappers;  /* first mapper (pool index), MON__NIL when none */
	uint32_t master;   /* of a replica: its master page; else MON_NO_PAGE */
	uint32_t replicas; /* of a master: its first replica; else MON_NO_PAGE */
	uint32_t sibling;  /* of a replica: the master's next replica; of a free
			    * page: the next free page on its node */
	bool free;
} mon_mpage;

typedef struct mon_memmap {
	uint32_t npages; /* machine pages in all */
	uint32_t pages_per_node;
	uint32_t nnodes; /* npages / pages_per_node */
	mon_mpage *pages;
	uint32_t *free_head;  /* per node: first free page, MON_NO_PAGE when none */
	uint32_t *free_count; /* per node */
	mon__pool pool;	      /* mapper list links */
	mon_mapper *mappers;  /* mapper payloads, indexed like pool */
} mon_memmap;

/* Visits one mapper of machine page mppn / one replica of a master. */
typedef void (*mon_mapper_fn)(void *arg, uint32_t mppn, const mon_mapper *m);
typedef void (*mon_replica_fn)(void *arg, uint32_t master, uint32_t replica);

/* Creates the memmap of a machine of npages pages, pages_per_node on each
 * node (npages a multiple of it, the last page's PFN within EntryLo), all
 * free, with room for max_mappers mapper records. 0, -EINVAL or -ENOMEM. */
int mon_memmap_create(mon_memmap **out, uint32_t npages, uint32_t pages_per_node,
		      uint32_t max_mappers);
void mon_memmap_free(mon_memmap *mm);

/* The node machine page mppn lives on (mppn must be < npages). */
static inline uint32_t mon_memmap_node(const mon_memmap *mm, uint32_t mppn)
{
	return mppn / mm->pages_per_node;
}

/* Allocates a free page on node, or, unless flags has MON_MEMMAP_EXACT and
 * node has none, on the nearest node that has one: nearest by node number
 * (|n - node|, the lower node on a tie), a stand-in for the machine's
 * topology until the monitor has one. Returns the page (>= 0), -EINVAL (no
 * such node) or -ENOMEM (none free: on node, or anywhere when falling back). */
int64_t mon_memmap_alloc(mon_memmap *mm, uint32_t node, uint32_t flags);

/* Takes the given free page (the monitor's own pages, boot images): a walk
 * of its node's free list, for setup rather than hot paths. 0, -ERANGE, or
 * -EBUSY when it is not free. */
int mon_memmap_reserve(mon_memmap *mm, uint32_t mppn);

/* Returns mppn to its node's free list. 0, -ERANGE, -EINVAL (already free)
 * or -EBUSY (it still has mappers, replicas or a master). */
int mon_memmap_release(mon_memmap *mm, uint32_t mppn);

static inline bool mon_memmap_is_free(const mon_memmap *mm, uint32_t mppn)
{
	return mppn < mm->npages && mm->pages[mppn].free;
}

static inline uint32_t mon_memmap_free_pages(const mon_memmap *mm, uint32_t node)
{
	return node < mm->nnodes ? mm->free_count[node] : 0;
}

/* Records that VM m->vm maps m->gppn to mppn. 0, -ERANGE, -EINVAL (mppn is
 * free), -EEXIST (recorded already) or -ENOSPC (no mapper records left). */
int mon_memmap_add_mapper(mon_memmap *mm, uint32_t mppn, const mon_mapper *m);

/* Removes that record. 0, -ERANGE or -ENOENT. */
int mon_memmap_remove_mapper(mon_memmap *mm, uint32_t mppn, const mon_mapper *m);

/* Calls fn for each mapper of mppn, most recently added first; fn must not
 * change this memmap. Returns the number visited, or -ERANGE. */
int mon_memmap_foreach_mapper(const mon_memmap *mm, uint32_t mppn, mon_mapper_fn fn, void *arg);

/* Makes replica a replica of master. Both must be allocated, distinct, and
 * the master no replica itself; the replica neither a replica nor a master.
 * 0, -ERANGE or -EINVAL. */
int mon_memmap_link_replica(mon_memmap *mm, uint32_t master, uint32_t replica);

/* Detaches replica from its master. 0, -ERANGE or -EINVAL (not a replica). */
int mon_memmap_unlink_replica(mon_memmap *mm, uint32_t replica);

/* The master of a replica, or MON_NO_PAGE (not a replica, or out of range). */
static inline uint32_t mon_memmap_master(const mon_memmap *mm, uint32_t mppn)
{
	return mppn < mm->npages ? mm->pages[mppn].master : MON_NO_PAGE;
}

/* Calls fn for each replica of master, most recently linked first; fn must
 * not change this memmap. Returns the number visited, or -ERANGE. */
int mon_memmap_foreach_replica(const mon_memmap *mm, uint32_t master, mon_replica_fn fn, void *arg);

/* The copy of master's page that lives on node: master itself, one of its
 * replicas, or MON_NO_PAGE when neither is there (or master is out of range). */
uint32_t mon_memmap_copy_on(const mon_memmap *mm, uint32_t master, uint32_t node);

#endif
