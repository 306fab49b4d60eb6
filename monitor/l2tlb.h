/* monitor/l2tlb.h: a vCPU's second-level software TLB.
 *
 * What Disco did (DISCO-FACTS.md): ASIDs are not virtualized, so the
 * hardware TLB is flushed whenever another vCPU runs on a CPU, and a vCPU
 * would then take a TLB miss, reflected into its guest, for every page it
 * touches again. The second-level TLB, one per vCPU and much larger than the
 * hardware's 64 pairs, caches the vCPU's already translated entries: the
 * guest's EntryHi/PageMask with EntryLo0/1 rewritten to machine pages (via
 * the pmap, pmap.h). A hardware TLB miss first looks here; only a miss here
 * is reflected into the guest. The paper credits it with absorbing most
 * misses (and with the guest's kernel time sometimes dropping under Disco).
 *
 * Structure: a set-associative cache (entries and ways configurable, both
 * powers of two) with LRU replacement in each set. The key is (VPN2 under
 * the entry's PageMask, ASID, global): a global entry matches every ASID, a
 * non-global one only its own. The set is a hash of the VPN2 at the entry's
 * page size and, for non-global entries, the ASID; so a lookup probes, for
 * each page size present, the ASID's set and then the global set. Page
 * sizes are MIPS PageMask values from 4 KiB to 256 MiB pages (pairs of 8 KiB
 * to 512 MiB); the lookup skips sizes with no entries, so with only 4 KiB
 * pairs it costs one probe (two for global pages).
 *
 * Coherence with the guest: an entry here may outlive the guest TLB entry
 * it came from (random replacement). The vCPU's trap code must invalidate
 * here whatever the guest invalidates: the old entry's range on tlbwi/tlbwr
 * (mon_l2tlb_invalidate_va), an ASID's entries when the guest recycles it
 * (mon_l2tlb_invalidate_asid), everything on a full flush.
 *
 * Shootdowns by machine page: the normal path is the pmap's back-maps
 * (mon_pmap_shootdown visits each (vCPU, vpn, ASID) and the monitor calls
 * mon_l2tlb_invalidate_va on that vCPU's L2TLB). mon_l2tlb_invalidate_mppn
 * is a reverse scan of the whole table, for when back-maps are not kept.
 *
 * Every valid entry that leaves (eviction, replacement of the same key,
 * invalidation) is passed to the drop hook, if set, so the monitor can
 * remove its back-maps; the hook must not call into this L2TLB.
 * Not locked: only the vCPU's CPU touches it (shootdowns arrive as IPIs).
 */
#ifndef MON_L2TLB_H
#define MON_L2TLB_H

#include <stdbool.h>
#include <stdint.h>

#include "monitor/page.h"

/* Default geometry. */
#define MON_L2TLB_ENTRIES 1024 /* entries (pairs) */
#define MON_L2TLB_WAYS 4       /* entries per set */

#define MON_L2TLB_SIZES 9 /* PageMask classes: 4 KiB, 16 KiB, ... 256 MiB pages */

typedef struct mon_l2tlb_entry {
	uint32_t hi;	 /* EntryHi: VPN2 (bits under the mask cleared) | ASID */
	uint32_t mask;	 /* PageMask: 0 for 4 KiB pages, 0x6000 for 16 KiB, ... */
	uint32_t lo[2];	 /* machine EntryLo0/1, as written into the hardware TLB */
	uint32_t glo[2]; /* the guest's EntryLo0/1 (guest PFNs), for back-map removal */
	bool g;		 /* global: matches every ASID */
	/* private */
	bool valid;
	uint8_t size;	/* PageMask class */
	uint64_t stamp; /* last use, for LRU */
} mon_l2tlb_entry;

/* Called with a copy of each valid entry that leaves the L2TLB. */
typedef void (*mon_l2tlb_drop_fn)(void *arg, const mon_l2tlb_entry *e);

typedef struct mon_l2tlb {
	uint32_t sets, ways;
	uint32_t set_bits;		    /* log2(sets) */
	mon_l2tlb_entry *e;		    /* sets * ways; set s is e[s * ways ...] */
	uint64_t clock;			    /* LRU time: one tick per lookup hit or insert */
	uint32_t count[MON_L2TLB_SIZES][2]; /* valid entries per [size][global] */
	mon_l2tlb_drop_fn drop;
	void *drop_arg;
	/* statistics */
	uint64_t hits, misses, inserts, evictions, invalidations;
} mon_l2tlb;

/* Creates an empty L2TLB of entries entries, ways per set (powers of two,
 * ways <= entries). 0, -EINVAL or -ENOMEM. */
int mon_l2tlb_create(mon_l2tlb **out, uint32_t entries, uint32_t ways);
void mon_l2tlb_free(mon_l2tlb *t);

/* Sets (or clears, fn NULL) the drop hook. */
void mon_l2tlb_set_drop_hook(mon_l2tlb *t, mon_l2tlb_drop_fn fn, void *arg);

/* The entry translating va for address space asid, or NULL (a miss). Counts
 * the hit or miss and marks the entry used. The pointer is valid until the
 * next insert or invalidation. */
const mon_l2tlb_entry *mon_l2tlb_lookup(mon_l2tlb *t, uint32_t va, uint8_t asid);

/* The EntryLo of the half of e's pair that va falls in. */
static inline uint32_t mon_l2tlb_lo(const mon_l2tlb_entry *e, uint32_t va)
{
	uint32_t half = ((e->mask | 0x1fffu) + 1) >> 1;
	return e->lo[(va & half) ? 1 : 0];
}

/* Inserts a translated entry (hi, mask, lo, glo, g; hi's bits under the
 * mask are ignored, and its ASID when g). An entry with the same key is
 * replaced; otherwise the set's least recently used entry, if the set is
 * full. 0, or -EINVAL for a PageMask that is not a MIPS page size. */
int mon_l2tlb_insert(mon_l2tlb *t, const mon_l2tlb_entry *ne);

/* Drops the entries that translate va for asid (its own and global ones).
 * Returns how many. */
int mon_l2tlb_invalidate_va(mon_l2tlb *t, uint32_t va, uint8_t asid);

/* Drops every entry overlapping virtual [lo, hi] (inclusive), whatever its
 * ASID (a scan). Returns how many. */
int mon_l2tlb_invalidate_range(mon_l2tlb *t, uint32_t lo, uint32_t hi);

/* Drops the non-global entries of asid. Returns how many. */
int mon_l2tlb_invalidate_asid(mon_l2tlb *t, uint8_t asid);

/* Drops every entry. Returns how many. */
int mon_l2tlb_invalidate_all(mon_l2tlb *t);

/* Drops every entry with a valid half mapping machine page mppn (a scan of
 * the whole table). Returns how many. */
int mon_l2tlb_invalidate_mppn(mon_l2tlb *t, uint32_t mppn);

#endif
