/* tests/test_monitor_pmap.c: the monitor's memory structures - pmap with
 * back-maps, the second-level TLB, the memmap and its allocator - and the
 * shootdown path that ties them together. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "monitor/l2tlb.h"
#include "monitor/memmap.h"
#include "monitor/pmap.h"

#define LO(pfn, bits) ((uint32_t)(pfn) << MON_LO_PFN_SHIFT | (bits))

/* ---- pmap ---------------------------------------------------------------- */

static mon_pmap *new_pmap(uint32_t npages, uint32_t max_backmaps)
{
	mon_pmap *pm = NULL;
	assert_int_equal(mon_pmap_create(&pm, npages, max_backmaps), 0);
	return pm;
}

/* Collects visited back-maps. */
typedef struct seen {
	int n;
	mon_backmap bm[8];
	uint32_t gppn[8];
	mon_pmap *pm; /* for the re-entrant visitor */
} seen;

static void collect(void *arg, uint32_t gppn, const mon_backmap *bm)
{
	seen *s = arg;
	s->gppn[s->n] = gppn;
	s->bm[s->n++] = *bm;
}

static void test_pmap_create_and_empty(void **state)
{
	mon_pmap *pm = NULL;
	assert_int_equal(mon_pmap_create(&pm, 0, 4), -EINVAL);
	assert_int_equal(mon_pmap_create(&pm, 4, 0), -EINVAL);
	pm = new_pmap(16, 4);
	const mon_pmap_entry *e = mon_pmap_lookup(pm, 15);
	assert_non_null(e);
	assert_int_equal(e->mppn, MON_NO_PAGE);
	assert_int_equal(e->flags & MON_PMAP_VALID, 0);
	assert_null(mon_pmap_lookup(pm, 16));
	mon_pmap_free(pm);
}

static void test_pmap_set_precomputes_lo(void **state)
{
	mon_pmap *pm = new_pmap(16, 4);
	assert_int_equal(mon_pmap_set(pm, 5, 0x123, MON_PMAP_WRITABLE), 0);
	const mon_pmap_entry *e = mon_pmap_lookup(pm, 5);
	assert_int_equal(e->mppn, 0x123);
	assert_int_equal(e->flags, MON_PMAP_VALID | MON_PMAP_WRITABLE);
	assert_int_equal(e->lo, LO(0x123, MON_LO_CACHED | MON_LO_D | MON_LO_V));
	/* copy-on-write and replicas are read-only: no D */
	assert_int_equal(mon_pmap_set(pm, 6, 0x200, MON_PMAP_COW), 0);
	assert_int_equal(mon_pmap_lookup(pm, 6)->lo, LO(0x200, MON_LO_CACHED | MON_LO_V));
	assert_int_equal(mon_pmap_set(pm, 7, 0x201, MON_PMAP_REPLICA), 0);
	assert_int_equal(mon_pmap_lookup(pm, 7)->lo & MON_LO_D, 0);
	/* errors leave the entry alone */
	assert_int_equal(mon_pmap_set(pm, 5, 0x300, MON_PMAP_WRITABLE | MON_PMAP_COW), -EINVAL);
	assert_int_equal(mon_pmap_set(pm, 5, MON_LO_PFN_MAX + 1, 0), -EINVAL);
	assert_int_equal(mon_pmap_set(pm, 5, 0x300, 0x100), -EINVAL);
	assert_int_equal(mon_pmap_lookup(pm, 5)->mppn, 0x123);
	assert_int_equal(mon_pmap_set(pm, 16, 1, 0), -ERANGE);
	assert_int_equal(mon_pmap_set(pm, 8, MON_LO_PFN_MAX, 0), 0);
	mon_pmap_free(pm);
}

static void test_pmap_lo_merges_guest_bits(void **state)
{
	mon_pmap *pm = new_pmap(16, 4);
	mon_pmap_set(pm, 3, 0x777, MON_PMAP_WRITABLE);
	mon_pmap_set(pm, 4, 0x778, MON_PMAP_COW);
	uint32_t guest = LO(3, (2u << MON_LO_C_SHIFT) | MON_LO_D | MON_LO_V | MON_LO_G);
	/* machine PFN and cache attribute, the guest's D/V/G */
	assert_int_equal(mon_pmap_lo(mon_pmap_lookup(pm, 3), guest),
			 LO(0x777, MON_LO_CACHED | MON_LO_D | MON_LO_V | MON_LO_G));
	/* the guest's read-only mapping stays read-only */
	assert_int_equal(mon_pmap_lo(mon_pmap_lookup(pm, 3), LO(3, MON_LO_V)),
			 LO(0x777, MON_LO_CACHED | MON_LO_V));
	/* the pmap's read-only wins over the guest's D */
	assert_int_equal(mon_pmap_lo(mon_pmap_lookup(pm, 4), LO(4, MON_LO_D | MON_LO_V)),
			 LO(0x778, MON_LO_CACHED | MON_LO_V));
	/* an invalid guest half stays invalid; an unmapped page gives 0 */
	assert_int_equal(mon_pmap_lo(mon_pmap_lookup(pm, 3), LO(3, MON_LO_D)) & MON_LO_V, 0);
	assert_int_equal(mon_pmap_lo(mon_pmap_lookup(pm, 9), guest), 0);
	mon_pmap_free(pm);
}

static void test_pmap_backmaps(void **state)
{
	mon_pmap *pm = new_pmap(16, 8);
	mon_backmap a = {0x400, 0, 5, false}, b = {0x401, 1, 5, false}, c = {0x80000, 0, 0, true};
	assert_int_equal(mon_pmap_add_backmap(pm, 2, &a), -EINVAL); /* not mapped */
	mon_pmap_set(pm, 2, 0x40, MON_PMAP_WRITABLE);
	assert_int_equal(mon_pmap_add_backmap(pm, 2, &a), 0);
	assert_int_equal(mon_pmap_add_backmap(pm, 2, &b), 0);
	assert_int_equal(mon_pmap_add_backmap(pm, 2, &c), 0);
	assert_int_equal(mon_pmap_add_backmap(pm, 2, &a), 0); /* already there */
	assert_int_equal(mon_pmap_backmaps_used(pm), 3);
	assert_int_equal(mon_pmap_add_backmap(pm, 16, &a), -ERANGE);

	seen s = {0};
	assert_int_equal(mon_pmap_foreach_backmap(pm, 2, collect, &s), 3);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.bm[0].vpn, 0x80000); /* most recent first */
	assert_true(s.bm[0].global);
	assert_int_equal(s.bm[1].vcpu, 1);
	assert_int_equal(s.bm[2].vpn, 0x400);
	assert_int_equal(s.gppn[2], 2);

	/* the mapping cannot move or lose rights under live back-maps */
	assert_int_equal(mon_pmap_set(pm, 2, 0x41, MON_PMAP_WRITABLE), -EBUSY);
	assert_int_equal(mon_pmap_set(pm, 2, 0x40, MON_PMAP_COW), -EBUSY);
	assert_int_equal(mon_pmap_set(pm, 2, 0x40, MON_PMAP_WRITABLE), 0);

	/* removal matches every field */
	mon_backmap b_other_asid = b;
	b_other_asid.asid = 6;
	assert_int_equal(mon_pmap_remove_backmap(pm, 2, &b_other_asid), -ENOENT);
	assert_int_equal(mon_pmap_remove_backmap(pm, 2, &b), 0);
	assert_int_equal(mon_pmap_remove_backmap(pm, 2, &b), -ENOENT);
	s.n = 0;
	assert_int_equal(mon_pmap_foreach_backmap(pm, 2, collect, &s), 2);
	assert_int_equal(s.bm[0].vpn, 0x80000);
	assert_int_equal(s.bm[1].vpn, 0x400);
	assert_int_equal(mon_pmap_foreach_backmap(pm, 3, collect, &s), 0);
	mon_pmap_free(pm);
}

static void test_pmap_unmap_visits_backmaps(void **state)
{
	mon_pmap *pm = new_pmap(16, 8);
	mon_pmap_set(pm, 1, 0x10, MON_PMAP_WRITABLE);
	mon_pmap_set(pm, 9, 0x11, MON_PMAP_WRITABLE);
	mon_backmap a = {0x100, 0, 1, false}, b = {0x200, 3, 2, false};
	mon_pmap_add_backmap(pm, 1, &a);
	mon_pmap_add_backmap(pm, 1, &b);
	mon_pmap_add_backmap(pm, 9, &a);
	seen s = {0};
	assert_int_equal(mon_pmap_unmap(pm, 1, collect, &s), 2);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.bm[0].vcpu, 3);
	assert_int_equal(s.bm[1].vpn, 0x100);
	const mon_pmap_entry *e = mon_pmap_lookup(pm, 1);
	assert_int_equal(e->mppn, MON_NO_PAGE);
	assert_int_equal(e->flags, 0);
	assert_int_equal(e->lo, 0);
	/* the other page keeps its back-map; the pool got the two back */
	assert_int_equal(mon_pmap_backmaps_used(pm), 1);
	assert_int_equal(mon_pmap_foreach_backmap(pm, 9, collect, &s), 1);
	/* a freed page can be mapped anew; a second unmap visits nothing */
	assert_int_equal(mon_pmap_unmap(pm, 1, NULL, NULL), 0);
	assert_int_equal(mon_pmap_set(pm, 1, 0x12, 0), 0);
	assert_int_equal(mon_pmap_unmap(pm, 16, NULL, NULL), -ERANGE);
	mon_pmap_free(pm);
}

/* A shootdown visitor that, like an L2TLB drop hook would, removes the
 * back-map it is visiting. */
static void remove_while_visiting(void *arg, uint32_t gppn, const mon_backmap *bm)
{
	seen *s = arg;
	assert_int_equal(mon_pmap_remove_backmap(s->pm, gppn, bm), -ENOENT);
	collect(arg, gppn, bm);
}

static void test_pmap_shootdown_keeps_mapping(void **state)
{
	mon_pmap *pm = new_pmap(8, 4);
	mon_pmap_set(pm, 4, 0x99, MON_PMAP_WRITABLE);
	mon_backmap a = {0x10, 0, 1, false}, b = {0x11, 0, 1, false};
	mon_pmap_add_backmap(pm, 4, &a);
	mon_pmap_add_backmap(pm, 4, &b);
	seen s = {.pm = pm};
	assert_int_equal(mon_pmap_shootdown(pm, 4, remove_while_visiting, &s), 2);
	assert_int_equal(s.n, 2);
	assert_int_equal(mon_pmap_backmaps_used(pm), 0);
	assert_int_equal(mon_pmap_lookup(pm, 4)->mppn, 0x99);
	/* with no back-maps left, the rights can now be downgraded */
	assert_int_equal(mon_pmap_set(pm, 4, 0x99, MON_PMAP_REPLICA), 0);
	mon_pmap_free(pm);
}

static void test_pmap_backmap_pool_is_bounded(void **state)
{
	mon_pmap *pm = new_pmap(8, 2);
	mon_pmap_set(pm, 0, 1, 0);
	mon_pmap_set(pm, 1, 2, 0);
	mon_backmap a = {1, 0, 0, false}, b = {2, 0, 0, false}, c = {3, 0, 0, false};
	assert_int_equal(mon_pmap_add_backmap(pm, 0, &a), 0);
	assert_int_equal(mon_pmap_add_backmap(pm, 1, &b), 0);
	assert_int_equal(mon_pmap_add_backmap(pm, 1, &c), -ENOSPC);
	assert_int_equal(mon_pmap_remove_backmap(pm, 0, &a), 0);
	assert_int_equal(mon_pmap_add_backmap(pm, 1, &c), 0);
	seen s = {0};
	assert_int_equal(mon_pmap_foreach_backmap(pm, 1, collect, &s), 2);
	assert_int_equal(mon_pmap_foreach_backmap(pm, 0, collect, &s), 0);
	mon_pmap_free(pm);
}

/* ---- second-level TLB ------------------------------------------------------ */

static mon_l2tlb *new_l2tlb(uint32_t entries, uint32_t ways)
{
	mon_l2tlb *t = NULL;
	assert_int_equal(mon_l2tlb_create(&t, entries, ways), 0);
	return t;
}

static mon_l2tlb_entry pair(uint32_t va, uint8_t asid, uint32_t mask, uint32_t pfn0, uint32_t pfn1,
			    bool g)
{
	uint32_t bits = MON_LO_CACHED | MON_LO_D | MON_LO_V | (g ? MON_LO_G : 0);
	return (mon_l2tlb_entry){.hi = va | asid,
				 .mask = mask,
				 .lo = {LO(pfn0, bits), LO(pfn1, bits)},
				 .glo = {LO(pfn0 + 0x1000, bits), LO(pfn1 + 0x1000, bits)},
				 .g = g};
}

/* Records dropped entries. */
typedef struct drops {
	int n;
	mon_l2tlb_entry last;
} drops;

static void record_drop(void *arg, const mon_l2tlb_entry *e)
{
	drops *d = arg;
	d->n++;
	d->last = *e;
}

/* An L2TLB whose drop hook records into *d. */
static mon_l2tlb *new_recording_l2tlb(uint32_t entries, uint32_t ways, drops *d)
{
	mon_l2tlb *t = new_l2tlb(entries, ways);
	*d = (drops){0};
	mon_l2tlb_set_drop_hook(t, record_drop, d);
	return t;
}

static void test_l2tlb_create_errors(void **state)
{
	mon_l2tlb *t = NULL;
	assert_int_equal(mon_l2tlb_create(&t, 1000, 4), -EINVAL);
	assert_int_equal(mon_l2tlb_create(&t, 1024, 3), -EINVAL);
	assert_int_equal(mon_l2tlb_create(&t, 4, 8), -EINVAL);
	assert_null(t);
	t = new_l2tlb(MON_L2TLB_ENTRIES, MON_L2TLB_WAYS);
	assert_int_equal(t->sets, MON_L2TLB_ENTRIES / MON_L2TLB_WAYS);
	mon_l2tlb_free(t);
}

static void test_l2tlb_insert_lookup(void **state)
{
	mon_l2tlb *t = new_l2tlb(1024, 4);
	mon_l2tlb_entry ne = pair(0x00400000, 5, 0, 0x100, 0x101, false);
	assert_int_equal(mon_l2tlb_insert(t, &ne), 0);
	const mon_l2tlb_entry *e = mon_l2tlb_lookup(t, 0x00400123, 5);
	assert_non_null(e);
	assert_int_equal(mon_l2tlb_lo(e, 0x00400123), ne.lo[0]);
	assert_int_equal(e->glo[0], ne.glo[0]);
	e = mon_l2tlb_lookup(t, 0x00401abc, 5);
	assert_non_null(e);
	assert_int_equal(mon_l2tlb_lo(e, 0x00401abc), ne.lo[1]);
	assert_null(mon_l2tlb_lookup(t, 0x00402000, 5)); /* the next pair */
	assert_null(mon_l2tlb_lookup(t, 0x003ff000, 5)); /* the previous one */
	assert_null(mon_l2tlb_lookup(t, 0x00400000, 6)); /* another ASID */
	assert_int_equal(t->hits, 2);
	assert_int_equal(t->misses, 3);
	mon_l2tlb_free(t);
}

/* A range drops what overlaps it under every ASID, global entries too,
 * and nothing else. */
static void test_l2tlb_invalidate_range(void **state)
{
	mon_l2tlb *t = new_l2tlb(256, 4);
	mon_l2tlb_entry a = pair(0x00400000, 1, 0, 0x100, 0x101, false);
	mon_l2tlb_entry b = pair(0x00402000, 2, 0, 0x102, 0x103, false);
	mon_l2tlb_entry g = pair(0x00404000, 3, 0, 0x104, 0x105, true);
	mon_l2tlb_entry c = pair(0x00406000, 1, 0, 0x106, 0x107, false);
	mon_l2tlb_insert(t, &a);
	mon_l2tlb_insert(t, &b);
	mon_l2tlb_insert(t, &g);
	mon_l2tlb_insert(t, &c);
	/* [0x00401fff, 0x00404000]: touches a (last byte), b, and g (first byte) */
	assert_int_equal(mon_l2tlb_invalidate_range(t, 0x00401fff, 0x00404000), 3);
	assert_null(mon_l2tlb_lookup(t, 0x00400000, 1));
	assert_null(mon_l2tlb_lookup(t, 0x00402000, 2));
	assert_null(mon_l2tlb_lookup(t, 0x00404000, 7));
	assert_non_null(mon_l2tlb_lookup(t, 0x00406000, 1));
	assert_int_equal(mon_l2tlb_invalidate_range(t, 0x10000000, 0x1fffffff), 0);
	mon_l2tlb_free(t);
}

static void test_l2tlb_global_entries(void **state)
{
	mon_l2tlb *t = new_l2tlb(256, 4);
	mon_l2tlb_entry g = pair(0xc0010000, 3, 0, 0x500, 0x501, true);
	mon_l2tlb_entry u = pair(0x00400000, 3, 0, 0x600, 0x601, false);
	mon_l2tlb_insert(t, &g);
	mon_l2tlb_insert(t, &u);
	/* a global entry matches every ASID, including the one it came with */
	for (unsigned asid = 0; asid < 256; asid += 51)
		assert_non_null(mon_l2tlb_lookup(t, 0xc0011000, asid));
	assert_null(mon_l2tlb_lookup(t, 0x00400000, 4));
	/* dropping ASID 3 leaves the global entry */
	assert_int_equal(mon_l2tlb_invalidate_asid(t, 3), 1);
	assert_null(mon_l2tlb_lookup(t, 0x00400000, 3));
	assert_non_null(mon_l2tlb_lookup(t, 0xc0010000, 3));
	/* invalidating the VA in any address space drops it */
	assert_int_equal(mon_l2tlb_invalidate_va(t, 0xc0010fff, 77), 1);
	assert_null(mon_l2tlb_lookup(t, 0xc0010000, 3));
	mon_l2tlb_free(t);
}

static void test_l2tlb_page_sizes(void **state)
{
	mon_l2tlb *t = new_l2tlb(256, 4);
	mon_l2tlb_entry e16k = pair(0x10000000, 1, 0x6000, 0x2000, 0x2004, false);
	mon_l2tlb_entry e1m = pair(0x20000000, 1, 0x1fe000, 0x4000, 0x4100, false);
	mon_l2tlb_entry e4k = pair(0x10008000, 1, 0, 0x3000, 0x3001, false);
	/* hi's bits under the mask are ignored */
	e1m.hi |= 0x12000;
	assert_int_equal(mon_l2tlb_insert(t, &e16k), 0);
	assert_int_equal(mon_l2tlb_insert(t, &e1m), 0);
	assert_int_equal(mon_l2tlb_insert(t, &e4k), 0);
	mon_l2tlb_entry bad = pair(0x30000000, 1, 0x2000, 1, 2, false);
	assert_int_equal(mon_l2tlb_insert(t, &bad), -EINVAL);

	const mon_l2tlb_entry *e = mon_l2tlb_lookup(t, 0x10003ffc, 1);
	assert_non_null(e);
	assert_int_equal(e->mask, 0x6000);
	assert_int_equal(mon_l2tlb_lo(e, 0x10003ffc), e16k.lo[0]);
	e = mon_l2tlb_lookup(t, 0x10004000, 1);
	assert_int_equal(mon_l2tlb_lo(e, 0x10004000), e16k.lo[1]);
	e = mon_l2tlb_lookup(t, 0x10007fff, 1);
	assert_int_equal(e->mask, 0x6000);
	/* right after the 16 KiB pair: the 4 KiB one */
	e = mon_l2tlb_lookup(t, 0x10008000, 1);
	assert_non_null(e);
	assert_int_equal(e->mask, 0);
	/* 1 MiB pages: the pair spans 2 MiB */
	e = mon_l2tlb_lookup(t, 0x200fffff, 1);
	assert_int_equal(mon_l2tlb_lo(e, 0x200fffff), e1m.lo[0]);
	e = mon_l2tlb_lookup(t, 0x201fffff, 1);
	assert_int_equal(mon_l2tlb_lo(e, 0x201fffff), e1m.lo[1]);
	assert_int_equal(e->hi, 0x20000001);
	assert_null(mon_l2tlb_lookup(t, 0x20200000, 1));
	/* invalidating one address inside the large pair drops all of it */
	assert_int_equal(mon_l2tlb_invalidate_va(t, 0x20180000, 1), 1);
	assert_null(mon_l2tlb_lookup(t, 0x20000000, 1));
	assert_non_null(mon_l2tlb_lookup(t, 0x10000000, 1));
	mon_l2tlb_free(t);
}

static void test_l2tlb_lru_replacement(void **state)
{
	drops d;
	mon_l2tlb *t = new_recording_l2tlb(4, 4, &d); /* one set of four ways */
	for (uint32_t i = 0; i < 4; i++) {
		mon_l2tlb_entry ne = pair(i << 13, 1, 0, i, i, false);
		mon_l2tlb_insert(t, &ne);
	}
	assert_int_equal(d.n, 0);
	/* use pair 0: pair 1 becomes the least recently used */
	assert_non_null(mon_l2tlb_lookup(t, 0, 1));
	mon_l2tlb_entry fifth = pair(4 << 13, 1, 0, 4, 4, false);
	mon_l2tlb_insert(t, &fifth);
	assert_int_equal(t->evictions, 1);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.last.hi, (1 << 13) | 1);
	assert_null(mon_l2tlb_lookup(t, 1 << 13, 1));
	assert_non_null(mon_l2tlb_lookup(t, 0, 1));
	assert_non_null(mon_l2tlb_lookup(t, 2 << 13, 1));
	assert_non_null(mon_l2tlb_lookup(t, 4 << 13, 1));
	/* now pair 3 is the oldest */
	mon_l2tlb_entry sixth = pair(5 << 13, 1, 0, 5, 5, false);
	mon_l2tlb_insert(t, &sixth);
	assert_int_equal(d.last.hi, (3 << 13) | 1);
	mon_l2tlb_free(t);
}

static void test_l2tlb_same_key_replaces(void **state)
{
	drops d;
	mon_l2tlb *t = new_recording_l2tlb(16, 2, &d);
	mon_l2tlb_entry a = pair(0x7fff0000, 9, 0, 0x10, 0x11, false);
	mon_l2tlb_entry b = pair(0x7fff0000, 9, 0, 0x20, 0x21, false);
	mon_l2tlb_insert(t, &a);
	mon_l2tlb_insert(t, &b);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.last.lo[0], a.lo[0]);
	assert_int_equal(t->evictions, 0);
	assert_int_equal(mon_l2tlb_lookup(t, 0x7fff0000, 9)->lo[0], b.lo[0]);
	/* only one copy: one invalidation empties it */
	assert_int_equal(mon_l2tlb_invalidate_all(t), 1);
	assert_null(mon_l2tlb_lookup(t, 0x7fff0000, 9));
	mon_l2tlb_free(t);
}

static void test_l2tlb_asids_spread_over_sets(void **state)
{
	/* eight processes at the same address: more than the ways of one set */
	mon_l2tlb *t = new_l2tlb(1024, 4);
	for (unsigned asid = 1; asid <= 8; asid++) {
		mon_l2tlb_entry ne = pair(0x00400000, asid, 0, asid, asid, false);
		mon_l2tlb_insert(t, &ne);
	}
	for (unsigned asid = 1; asid <= 8; asid++) {
		const mon_l2tlb_entry *e = mon_l2tlb_lookup(t, 0x00400000, asid);
		assert_non_null(e);
		assert_int_equal(mon_lo_pfn(e->lo[0]), asid);
	}
	assert_int_equal(t->evictions, 0);
	mon_l2tlb_free(t);
}

static void test_l2tlb_invalidate(void **state)
{
	drops d;
	mon_l2tlb *t = new_recording_l2tlb(64, 4, &d);
	mon_l2tlb_entry a = pair(0x1000000, 1, 0, 0x10, 0x11, false);
	mon_l2tlb_entry b = pair(0x1002000, 1, 0, 0x12, 0x13, false);
	mon_l2tlb_entry c = pair(0x1000000, 2, 0, 0x14, 0x15, false);
	mon_l2tlb_entry big = pair(0x4000000, 2, 0x1e000, 0x40, 0x50, false); /* 64 KiB */
	mon_l2tlb_entry half = pair(0x2000000, 3, 0, 0x60, 0x61, false);
	half.lo[1] &= ~MON_LO_V; /* the odd page is invalid */
	mon_l2tlb_insert(t, &a);
	mon_l2tlb_insert(t, &b);
	mon_l2tlb_insert(t, &c);
	mon_l2tlb_insert(t, &big);
	mon_l2tlb_insert(t, &half);

	/* by VA: only that ASID's pair */
	assert_int_equal(mon_l2tlb_invalidate_va(t, 0x1001000, 1), 1);
	assert_null(mon_l2tlb_lookup(t, 0x1000000, 1));
	assert_non_null(mon_l2tlb_lookup(t, 0x1000000, 2));
	assert_int_equal(mon_l2tlb_invalidate_va(t, 0x1001000, 1), 0);

	/* by machine page: a 4 KiB half, then the last page of the 64 KiB
	 * pair's even half (0x40..0x4f) */
	assert_int_equal(mon_l2tlb_invalidate_mppn(t, 0x60), 1);
	assert_int_equal(mon_l2tlb_invalidate_mppn(t, 0x4f), 1);
	assert_null(mon_l2tlb_lookup(t, 0x4000000, 2));
	assert_int_equal(mon_l2tlb_invalidate_mppn(t, 0x60), 0);
	assert_int_equal(mon_l2tlb_invalidate_mppn(t, 0x16), 0);

	/* by ASID, then all */
	assert_int_equal(mon_l2tlb_invalidate_asid(t, 2), 1);
	assert_non_null(mon_l2tlb_lookup(t, 0x1002000, 1));
	assert_int_equal(mon_l2tlb_invalidate_all(t), 1);
	assert_null(mon_l2tlb_lookup(t, 0x1002000, 1));
	assert_int_equal(d.n, 5);
	assert_int_equal(t->invalidations, 5);
	mon_l2tlb_free(t);
}

static void test_l2tlb_invalidate_mppn_ignores_invalid_half(void **state)
{
	mon_l2tlb *t = new_l2tlb(64, 4);
	mon_l2tlb_entry half = pair(0x2000000, 3, 0, 0x60, 0x61, false);
	half.lo[1] &= ~MON_LO_V;
	mon_l2tlb_insert(t, &half);
	assert_int_equal(mon_l2tlb_invalidate_mppn(t, 0x61), 0);
	assert_non_null(mon_l2tlb_lookup(t, 0x2000000, 3));
	assert_int_equal(mon_l2tlb_invalidate_mppn(t, 0x60), 1);
	mon_l2tlb_free(t);
}

/* ---- memmap ---------------------------------------------------------------- */

/* 4 nodes of 4 pages each, room for mappers mapper records. */
static mon_memmap *new_memmap(uint32_t mappers)
{
	mon_memmap *mm = NULL;
	assert_int_equal(mon_memmap_create(&mm, 16, 4, mappers), 0);
	return mm;
}

static void test_memmap_create_errors(void **state)
{
	mon_memmap *mm = NULL;
	assert_int_equal(mon_memmap_create(&mm, 0, 4, 8), -EINVAL);
	assert_int_equal(mon_memmap_create(&mm, 18, 4, 8), -EINVAL);
	assert_int_equal(mon_memmap_create(&mm, 16, 0, 8), -EINVAL);
	assert_int_equal(mon_memmap_create(&mm, 16, 4, 0), -EINVAL);
	assert_int_equal(mon_memmap_create(&mm, MON_LO_PFN_MAX + 2, 1, 8), -EINVAL);
	assert_null(mm);
}

static void test_memmap_alloc_per_node(void **state)
{
	mon_memmap *mm = new_memmap(4);
	assert_int_equal(mm->nnodes, 4);
	assert_int_equal(mon_memmap_free_pages(mm, 2), 4);
	assert_int_equal(mon_memmap_alloc(mm, 2, 0), 8);
	assert_int_equal(mon_memmap_alloc(mm, 2, 0), 9);
	assert_int_equal(mon_memmap_alloc(mm, 0, 0), 0);
	assert_int_equal(mon_memmap_free_pages(mm, 2), 2);
	assert_int_equal(mon_memmap_node(mm, 9), 2);
	assert_int_equal(mon_memmap_node(mm, 15), 3);
	assert_false(mon_memmap_is_free(mm, 9));
	assert_true(mon_memmap_is_free(mm, 10));
	assert_false(mon_memmap_is_free(mm, 16));
	assert_int_equal(mon_memmap_alloc(mm, 4, 0), -EINVAL);
	/* freed pages are reused first */
	assert_int_equal(mon_memmap_release(mm, 8), 0);
	assert_int_equal(mon_memmap_alloc(mm, 2, 0), 8);
	mon_memmap_free(mm);
}

static void test_memmap_exhaustion_and_fallback(void **state)
{
	mon_memmap *mm = new_memmap(4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(mon_memmap_alloc(mm, 1, 0), 4 + i);
	assert_int_equal(mon_memmap_alloc(mm, 1, MON_MEMMAP_EXACT), -ENOMEM);
	/* nodes 0 and 2 are equally near: the lower one */
	assert_int_equal(mon_memmap_alloc(mm, 1, 0), 0);
	/* empty node 0 too: node 2 is nearer to 1 than node 3 */
	for (int i = 0; i < 3; i++)
		assert_int_equal(mon_memmap_alloc(mm, 0, MON_MEMMAP_EXACT), 1 + i);
	assert_int_equal(mon_memmap_alloc(mm, 1, 0), 8);
	/* from node 0, the nearest with pages is 2 */
	assert_int_equal(mon_memmap_node(mm, mon_memmap_alloc(mm, 0, 0)), 2);
	/* use up everything */
	int got = 0;
	while (mon_memmap_alloc(mm, 3, 0) >= 0)
		got++;
	assert_int_equal(got, 6);
	assert_int_equal(mon_memmap_alloc(mm, 0, 0), -ENOMEM);
	/* a page freed on the far node serves node 0 */
	assert_int_equal(mon_memmap_release(mm, 14), 0);
	assert_int_equal(mon_memmap_alloc(mm, 0, 0), 14);
	mon_memmap_free(mm);
}

static void test_memmap_release_and_reserve(void **state)
{
	mon_memmap *mm = new_memmap(4);
	assert_int_equal(mon_memmap_release(mm, 3), -EINVAL); /* free already */
	assert_int_equal(mon_memmap_release(mm, 16), -ERANGE);
	/* reserve a page in the middle of node 0's free list */
	assert_int_equal(mon_memmap_reserve(mm, 2), 0);
	assert_int_equal(mon_memmap_reserve(mm, 2), -EBUSY);
	assert_int_equal(mon_memmap_reserve(mm, 16), -ERANGE);
	assert_int_equal(mon_memmap_free_pages(mm, 0), 3);
	assert_int_equal(mon_memmap_alloc(mm, 0, 0), 0);
	assert_int_equal(mon_memmap_alloc(mm, 0, 0), 1);
	assert_int_equal(mon_memmap_alloc(mm, 0, 0), 3);
	assert_int_equal(mon_memmap_alloc(mm, 0, MON_MEMMAP_EXACT), -ENOMEM);
	/* a page with a mapper cannot be freed */
	mon_mapper m = {7, 1};
	assert_int_equal(mon_memmap_add_mapper(mm, 2, &m), 0);
	assert_int_equal(mon_memmap_release(mm, 2), -EBUSY);
	assert_int_equal(mon_memmap_remove_mapper(mm, 2, &m), 0);
	assert_int_equal(mon_memmap_release(mm, 2), 0);
	assert_int_equal(mon_memmap_free_pages(mm, 0), 1);
	mon_memmap_free(mm);
}

typedef struct mappers_seen {
	int n;
	mon_mapper m[4];
} mappers_seen;

static void collect_mapper(void *arg, uint32_t mppn, const mon_mapper *m)
{
	mappers_seen *s = arg;
	s->m[s->n++] = *m;
}

static void test_memmap_mappers(void **state)
{
	mon_memmap *mm = new_memmap(3);
	int64_t p = mon_memmap_alloc(mm, 0, 0);
	mon_mapper vm0 = {0x20, 0}, vm1 = {0x30, 1}, vm2 = {0x20, 2};
	assert_int_equal(mon_memmap_add_mapper(mm, 5, &vm0), -EINVAL); /* a free page */
	assert_int_equal(mon_memmap_add_mapper(mm, p, &vm0), 0);
	/* a copy-on-write page shared by three VMs */
	assert_int_equal(mon_memmap_add_mapper(mm, p, &vm1), 0);
	assert_int_equal(mon_memmap_add_mapper(mm, p, &vm2), 0);
	assert_int_equal(mon_memmap_add_mapper(mm, p, &vm1), -EEXIST);
	int64_t q = mon_memmap_alloc(mm, 0, 0);
	assert_int_equal(mon_memmap_add_mapper(mm, q, &vm0), -ENOSPC);

	mappers_seen s = {0};
	assert_int_equal(mon_memmap_foreach_mapper(mm, p, collect_mapper, &s), 3);
	assert_int_equal(s.m[0].vm, 2);
	assert_int_equal(s.m[1].gppn, 0x30);
	assert_int_equal(s.m[2].vm, 0);
	/* the same gppn of another VM is another mapper */
	assert_int_equal(mon_memmap_remove_mapper(mm, p, &vm2), 0);
	assert_int_equal(mon_memmap_remove_mapper(mm, p, &vm2), -ENOENT);
	s.n = 0;
	assert_int_equal(mon_memmap_foreach_mapper(mm, p, collect_mapper, &s), 2);
	assert_int_equal(s.m[0].vm, 1);
	assert_int_equal(s.m[1].vm, 0);
	assert_int_equal(mon_memmap_add_mapper(mm, q, &vm0), 0);
	assert_int_equal(mon_memmap_foreach_mapper(mm, 16, collect_mapper, &s), -ERANGE);
	mon_memmap_free(mm);
}

typedef struct replicas_seen {
	int n;
	uint32_t r[4];
} replicas_seen;

static void collect_replica(void *arg, uint32_t master, uint32_t replica)
{
	replicas_seen *s = arg;
	s->r[s->n++] = replica;
}

static void test_memmap_replicas(void **state)
{
	mon_memmap *mm = new_memmap(4);
	uint32_t m = mon_memmap_alloc(mm, 0, 0);
	uint32_t r1 = mon_memmap_alloc(mm, 1, MON_MEMMAP_EXACT);
	uint32_t r2 = mon_memmap_alloc(mm, 2, MON_MEMMAP_EXACT);
	uint32_t other = mon_memmap_alloc(mm, 3, 0);
	assert_int_equal(mon_memmap_link_replica(mm, m, r1), 0);
	assert_int_equal(mon_memmap_link_replica(mm, m, r2), 0);
	assert_int_equal(mon_memmap_master(mm, r1), m);
	assert_int_equal(mon_memmap_master(mm, m), MON_NO_PAGE);

	replicas_seen s = {0};
	assert_int_equal(mon_memmap_foreach_replica(mm, m, collect_replica, &s), 2);
	assert_int_equal(s.r[0], r2);
	assert_int_equal(s.r[1], r1);
	assert_int_equal(mon_memmap_copy_on(mm, m, 0), m);
	assert_int_equal(mon_memmap_copy_on(mm, m, 2), r2);
	assert_int_equal(mon_memmap_copy_on(mm, m, 3), MON_NO_PAGE);

	/* no chains, no self-links, no free pages, no second master */
	assert_int_equal(mon_memmap_link_replica(mm, r1, other), -EINVAL);
	assert_int_equal(mon_memmap_link_replica(mm, other, m), -EINVAL);
	assert_int_equal(mon_memmap_link_replica(mm, other, other), -EINVAL);
	assert_int_equal(mon_memmap_link_replica(mm, other, r1), -EINVAL);
	assert_int_equal(mon_memmap_link_replica(mm, m, 15), -EINVAL);
	assert_int_equal(mon_memmap_link_replica(mm, m, 16), -ERANGE);

	/* linked pages are not freed */
	assert_int_equal(mon_memmap_release(mm, m), -EBUSY);
	assert_int_equal(mon_memmap_release(mm, r1), -EBUSY);

	/* a write collapses the replicas: unlink and free them */
	assert_int_equal(mon_memmap_unlink_replica(mm, r1), 0);
	assert_int_equal(mon_memmap_unlink_replica(mm, r1), -EINVAL);
	assert_int_equal(mon_memmap_master(mm, r1), MON_NO_PAGE);
	s.n = 0;
	assert_int_equal(mon_memmap_foreach_replica(mm, m, collect_replica, &s), 1);
	assert_int_equal(s.r[0], r2);
	assert_int_equal(mon_memmap_release(mm, r1), 0);
	assert_int_equal(mon_memmap_unlink_replica(mm, r2), 0);
	assert_int_equal(mon_memmap_release(mm, r2), 0);
	assert_int_equal(mon_memmap_release(mm, m), 0);
	assert_int_equal(mon_memmap_foreach_replica(mm, m, collect_replica, &s), 0);
	mon_memmap_free(mm);
}

/* ---- the shootdown path: pmap back-maps driving the L2TLB ---------------- */

/* One vCPU's view: its L2TLB and the VM's pmap. Every L2TLB entry that
 * leaves removes its back-maps, as the vCPU code will. */
typedef struct vcpu_view {
	mon_l2tlb *tlb;
	mon_pmap *pm;
	uint16_t id;
	int removed;
} vcpu_view;

static void drop_backmaps(void *arg, const mon_l2tlb_entry *e)
{
	vcpu_view *v = arg;
	for (int h = 0; h < 2; h++) {
		mon_backmap bm = {(e->hi >> 12) + h, v->id, e->hi & 0xff, e->g};
		if (mon_pmap_remove_backmap(v->pm, mon_lo_pfn(e->glo[h]), &bm) == 0)
			v->removed++;
	}
}

static void shoot(void *arg, uint32_t gppn, const mon_backmap *bm)
{
	vcpu_view *v = arg;
	assert_int_equal(bm->vcpu, v->id);
	mon_l2tlb_invalidate_va(v->tlb, bm->vpn << 12, bm->asid);
}

/* Maps guest pair (gppn, gppn+1) at va for asid through the pmap into the
 * L2TLB and records the back-maps. */
static void map_pair(vcpu_view *v, uint32_t va, uint8_t asid, uint32_t gppn)
{
	mon_l2tlb_entry ne = {.hi = va | asid};
	for (int h = 0; h < 2; h++) {
		ne.glo[h] = LO(gppn + h, MON_LO_D | MON_LO_V);
		ne.lo[h] = mon_pmap_lo(mon_pmap_lookup(v->pm, gppn + h), ne.glo[h]);
		mon_backmap bm = {(va >> 12) + h, v->id, asid, false};
		assert_int_equal(mon_pmap_add_backmap(v->pm, gppn + h, &bm), 0);
	}
	assert_int_equal(mon_l2tlb_insert(v->tlb, &ne), 0);
}

static void test_shootdown_through_backmaps(void **state)
{
	vcpu_view v = {.id = 2};
	v.pm = new_pmap(64, 16);
	v.tlb = new_l2tlb(4, 2); /* two sets of two ways */
	mon_l2tlb_set_drop_hook(v.tlb, drop_backmaps, &v);
	for (uint32_t g = 0; g < 8; g++)
		mon_pmap_set(v.pm, g, 0x100 + g, MON_PMAP_WRITABLE);
	map_pair(&v, 0x00400000, 1, 0);
	map_pair(&v, 0x00402000, 1, 2);
	assert_int_equal(mon_pmap_lo(mon_pmap_lookup(v.pm, 3), LO(3, MON_LO_V)),
			 mon_l2tlb_lo(mon_l2tlb_lookup(v.tlb, 0x00403000, 1), 0x00403000) &
				 ~MON_LO_D);
	assert_int_equal(mon_pmap_backmaps_used(v.pm), 4);

	/* migrating gppn 3 shoots down the pair that maps it, and only it */
	assert_int_equal(mon_pmap_shootdown(v.pm, 3, shoot, &v), 1);
	assert_null(mon_l2tlb_lookup(v.tlb, 0x00403000, 1));
	assert_non_null(mon_l2tlb_lookup(v.tlb, 0x00400000, 1));
	/* the drop hook removed the pair's other back-map (gppn 2) too */
	assert_int_equal(v.removed, 1);
	assert_int_equal(mon_pmap_backmaps_used(v.pm), 2);
	assert_int_equal(mon_pmap_set(v.pm, 3, 0x200, MON_PMAP_WRITABLE), 0);
	assert_int_equal(mon_pmap_set(v.pm, 2, 0x201, MON_PMAP_WRITABLE), 0);

	/* evictions release back-maps: the pool does not fill up */
	for (uint32_t i = 0; i < 8; i++)
		map_pair(&v, 0x01000000 + (i << 13), 1, 4);
	assert_int_equal(mon_pmap_backmaps_used(v.pm), 8);
	assert_int_equal(mon_l2tlb_invalidate_all(v.tlb), 4);
	assert_int_equal(mon_pmap_backmaps_used(v.pm), 0);
	mon_l2tlb_free(v.tlb);
	mon_pmap_free(v.pm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pmap_create_and_empty),
		cmocka_unit_test(test_pmap_set_precomputes_lo),
		cmocka_unit_test(test_pmap_lo_merges_guest_bits),
		cmocka_unit_test(test_pmap_backmaps),
		cmocka_unit_test(test_pmap_unmap_visits_backmaps),
		cmocka_unit_test(test_pmap_shootdown_keeps_mapping),
		cmocka_unit_test(test_pmap_backmap_pool_is_bounded),
		cmocka_unit_test(test_l2tlb_create_errors),
		cmocka_unit_test(test_l2tlb_insert_lookup),
		cmocka_unit_test(test_l2tlb_global_entries),
		cmocka_unit_test(test_l2tlb_invalidate_range),
		cmocka_unit_test(test_l2tlb_page_sizes),
		cmocka_unit_test(test_l2tlb_lru_replacement),
		cmocka_unit_test(test_l2tlb_same_key_replaces),
		cmocka_unit_test(test_l2tlb_asids_spread_over_sets),
		cmocka_unit_test(test_l2tlb_invalidate),
		cmocka_unit_test(test_l2tlb_invalidate_mppn_ignores_invalid_half),
		cmocka_unit_test(test_memmap_create_errors),
		cmocka_unit_test(test_memmap_alloc_per_node),
		cmocka_unit_test(test_memmap_exhaustion_and_fallback),
		cmocka_unit_test(test_memmap_release_and_reserve),
		cmocka_unit_test(test_memmap_mappers),
		cmocka_unit_test(test_memmap_replicas),
		cmocka_unit_test(test_shootdown_through_backmaps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
