/* monitor/pmap.h: a VM's physical-to-machine map, with back-maps.
 *
 * What Disco did (DISCO-FACTS.md, "pmap per VM"): a guest believes it owns
 * contiguous physical memory from 0; the monitor keeps, per VM, one pmap
 * entry per guest-physical page saying which machine page backs it, with a
 * TLB entry for that machine page precomputed. When the guest writes its
 * TLB (tlbwi/tlbwr), the monitor looks up the entry of each guest-physical
 * page named by EntryLo0/1 and writes the machine EntryLo instead: one
 * lookup, the guest's V/D/G bits merged with the pmap's (mon_pmap_lo).
 *
 * Back-maps: for each entry, the (vCPU, guest virtual page, ASID) triples
 * whose translations currently reach the page through a vCPU's TLB or
 * second-level TLB (monitor/l2tlb.h). Changing or freeing the mapping
 * (page migration, replication, copy-on-write break, a page the guest hands
 * back) shoots down exactly those translations instead of flushing every
 * TLB. Invariant kept by mon_pmap_set: an entry with back-maps cannot be
 * remapped or have its rights changed; shoot them down first.
 *
 * Unmapped entries (MON_NO_PAGE) are pages the guest has not touched yet:
 * the monitor allocates them on first touch (memmap.h, mon_memmap_alloc on
 * the faulting CPU's node). The pmap does not update the memmap; its caller
 * keeps both in step (mon_memmap_add_mapper/remove_mapper).
 *
 * Memory is bounded: npages entries plus a pool of max_backmaps back-maps,
 * both allocated at create. Errors are negative errno values (strerror(-e)).
 * Not locked: one VM's pmap is changed by one monitor thread at a time (the
 * caller's lock; across ranks, the pmap's home node, DESIGN.md 5).
 */
#ifndef MON_PMAP_H
#define MON_PMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "monitor/page.h"
#include "monitor/pool.h"

/* Entry flags. */
#define MON_PMAP_VALID 0x1u    /* mapped to a machine page */
#define MON_PMAP_WRITABLE 0x2u /* the guest may write: D is allowed */
#define MON_PMAP_COW 0x4u      /* read-only shared (disk cache, network, sharing) */
#define MON_PMAP_REPLICA 0x8u  /* read-only replica of a read-shared page */
#define MON_PMAP_FLAGS 0xfu    /* all of the above */

/* One translation that uses a page: guest virtual page vpn (va >> 12) in
 * address space asid (or every address space when global) on vCPU vcpu. */
typedef struct mon_backmap {
	uint32_t vpn;
	uint16_t vcpu;
	uint8_t asid;
	bool global;
} mon_backmap;

typedef struct mon_pmap_entry {
	uint32_t mppn;	   /* machine page, MON_NO_PAGE when not yet allocated */
	uint32_t lo;	   /* precomputed EntryLo: PFN | C=3 | D (if writable) | V; 0 if unmapped */
	uint32_t flags;	   /* MON_PMAP_* */
	uint32_t backmaps; /* first back-map (pool index), MON__NIL when none */
} mon_pmap_entry;

typedef struct mon_pmap {
	uint32_t npages; /* guest-physical pages: memory size / 4 KiB */
	mon_pmap_entry *entries;
	mon__pool pool;	 /* back-map list links */
	mon_backmap *bm; /* back-map payloads, indexed like pool */
} mon_pmap;

/* Visits one back-map of guest-physical page gppn. */
typedef void (*mon_backmap_fn)(void *arg, uint32_t gppn, const mon_backmap *bm);

/* Creates the pmap of a VM with npages guest-physical pages, all unmapped,
 * and room for max_backmaps back-maps. 0, -EINVAL (a size of 0) or -ENOMEM. */
int mon_pmap_create(mon_pmap **out, uint32_t npages, uint32_t max_backmaps);
void mon_pmap_free(mon_pmap *pm);

/* Maps gppn to machine page mppn with flags (MON_PMAP_WRITABLE, _COW,
 * _REPLICA; VALID is implied) and precomputes its EntryLo. -ERANGE: gppn
 * out of range; -EINVAL: mppn beyond MON_LO_PFN_MAX, unknown flags, or
 * WRITABLE with COW or REPLICA (shared pages are read-only); -EBUSY: the
 * entry still has back-maps and its machine page or flags would change. */
int mon_pmap_set(mon_pmap *pm, uint32_t gppn, uint32_t mppn, uint32_t flags);

/* The entry of gppn (check MON_PMAP_VALID: an invalid entry is first
 * touch), or NULL when gppn is beyond the VM's memory (a bus error). */
static inline const mon_pmap_entry *mon_pmap_lookup(const mon_pmap *pm, uint32_t gppn)
{
	return gppn < pm->npages ? &pm->entries[gppn] : NULL;
}

/* The machine EntryLo for a guest EntryLo whose PFN is e's page: the
 * pmap's PFN and cache attribute, V and D only where both the guest and
 * the pmap allow them, G as the guest wrote it. 0 (invalid) if e is. */
uint32_t mon_pmap_lo(const mon_pmap_entry *e, uint32_t guest_lo);

/* Shoots down gppn: calls fn (if not NULL) for each of its back-maps and
 * removes them all; the mapping stays. fn may call mon_pmap_remove_backmap
 * (the list is detached before the first call; such calls find nothing).
 * Returns the number of back-maps visited, or -ERANGE. */
int mon_pmap_shootdown(mon_pmap *pm, uint32_t gppn, mon_backmap_fn fn, void *arg);

/* mon_pmap_shootdown, then marks gppn unmapped. Returns the number of
 * back-maps visited, or -ERANGE. The machine page is the caller's to free. */
int mon_pmap_unmap(mon_pmap *pm, uint32_t gppn, mon_backmap_fn fn, void *arg);

/* Records that vCPU bm->vcpu now caches a translation to gppn. Adding one
 * already there is a no-op. 0, -ERANGE, -EINVAL (gppn is not mapped) or
 * -ENOSPC (the pool is full: shoot something down and retry). */
int mon_pmap_add_backmap(mon_pmap *pm, uint32_t gppn, const mon_backmap *bm);

/* Removes the back-map equal to *bm (vcpu, vpn, asid, global). 0, -ERANGE,
 * or -ENOENT when there is none. */
int mon_pmap_remove_backmap(mon_pmap *pm, uint32_t gppn, const mon_backmap *bm);

/* Calls fn for each back-map of gppn, most recently added first; fn must
 * not change this pmap. Returns the number visited, or -ERANGE. */
int mon_pmap_foreach_backmap(const mon_pmap *pm, uint32_t gppn, mon_backmap_fn fn, void *arg);

/* Back-maps in use, over all pages. */
static inline uint32_t mon_pmap_backmaps_used(const mon_pmap *pm)
{
	return pm->pool.used;
}

#endif
