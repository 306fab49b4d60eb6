/* monitor/l2tlb.c: a vCPU's second-level software TLB (see l2tlb.h for the
 * structure and how Disco used it). */
#include <errno.h>
#include <stdlib.h>

#include "monitor/l2tlb.h"

#define ASID_MASK 0xffu
#define PAGEMASK_BITS 0x1fffe000u /* the PageMask bits MIPS32 defines */

static bool is_pow2(uint32_t x)
{
	return x && !(x & (x - 1));
}

int mon_l2tlb_create(mon_l2tlb **out, uint32_t entries, uint32_t ways)
{
	if (!is_pow2(entries) || !is_pow2(ways) || ways > entries)
		return -EINVAL;
	mon_l2tlb *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->e = calloc(entries, sizeof(*t->e));
	if (!t->e) {
		free(t);
		return -ENOMEM;
	}
	t->ways = ways;
	t->sets = entries / ways;
	while ((1u << t->set_bits) < t->sets)
		t->set_bits++;
	*out = t;
	return 0;
}

void mon_l2tlb_free(mon_l2tlb *t)
{
	if (!t)
		return;
	free(t->e);
	free(t);
}

void mon_l2tlb_set_drop_hook(mon_l2tlb *t, mon_l2tlb_drop_fn fn, void *arg)
{
	t->drop = fn;
	t->drop_arg = arg;
}

/* The size class of a PageMask (pages of 4^k * 4 KiB), or -1 if it is not
 * one MIPS defines. */
static int size_class(uint32_t mask)
{
	for (int k = 0; k < MON_L2TLB_SIZES; k++)
		if (mask == (((1u << (2 * k)) - 1) << 13))
			return k;
	return -1;
}

/* VPN2 at size class k: va >> (13 + 2k). */
static uint32_t vpn2(uint32_t va, int k)
{
	return va >> (13 + 2 * k);
}

/* The first entry of the set holding (vpn2, asid) or, when g, global vpn2.
 * Consecutive pairs fall in consecutive sets; the ASID (times an odd
 * constant, a bijection modulo the set count) spreads address spaces. */
static mon_l2tlb_entry *set_of(const mon_l2tlb *t, uint32_t vpn, uint8_t asid, bool g)
{
	uint32_t x = vpn ^ (g ? 0 : asid * 0x9e3779b1u);
	return &t->e[(size_t)(x & (t->sets - 1)) * t->ways];
}

/* The valid entry of size class k keyed (vpn, asid, g), or NULL. */
static mon_l2tlb_entry *probe(const mon_l2tlb *t, int k, uint32_t vpn, uint8_t asid, bool g)
{
	mon_l2tlb_entry *s = set_of(t, vpn, asid, g);
	for (uint32_t w = 0; w < t->ways; w++) {
		mon_l2tlb_entry *e = &s[w];
		if (e->valid && e->size == k && e->g == g && vpn2(e->hi, k) == vpn &&
		    (g || (e->hi & ASID_MASK) == asid))
			return e;
	}
	return NULL;
}

/* Removes a valid entry and tells the drop hook. */
static void drop(mon_l2tlb *t, mon_l2tlb_entry *e)
{
	e->valid = false;
	t->count[e->size][e->g]--;
	if (t->drop) {
		mon_l2tlb_entry copy = *e;
		t->drop(t->drop_arg, &copy);
	}
}

const mon_l2tlb_entry *mon_l2tlb_lookup(mon_l2tlb *t, uint32_t va, uint8_t asid)
{
	for (int k = 0; k < MON_L2TLB_SIZES; k++) {
		mon_l2tlb_entry *e = NULL;
		if (t->count[k][0])
			e = probe(t, k, vpn2(va, k), asid, false);
		if (!e && t->count[k][1])
			e = probe(t, k, vpn2(va, k), 0, true);
		if (e) {
			e->stamp = ++t->clock;
			t->hits++;
			return e;
		}
	}
	t->misses++;
	return NULL;
}

int mon_l2tlb_insert(mon_l2tlb *t, const mon_l2tlb_entry *ne)
{
	int k = size_class(ne->mask);
	if (k < 0)
		return -EINVAL;
	uint32_t vpn = vpn2(ne->hi, k);
	uint8_t asid = ne->hi & ASID_MASK;
	mon_l2tlb_entry *slot = probe(t, k, vpn, asid, ne->g);
	if (!slot) {
		/* an empty way, else the least recently used one */
		mon_l2tlb_entry *s = set_of(t, vpn, asid, ne->g);
		slot = &s[0];
		for (uint32_t w = 0; w < t->ways && slot->valid; w++)
			if (!s[w].valid || s[w].stamp < slot->stamp)
				slot = &s[w];
		if (slot->valid)
			t->evictions++;
	}
	if (slot->valid)
		drop(t, slot);
	*slot = *ne;
	slot->hi = (vpn << (13 + 2 * k)) | asid;
	slot->size = k;
	slot->valid = true;
	slot->stamp = ++t->clock;
	t->count[k][ne->g]++;
	t->inserts++;
	return 0;
}

int mon_l2tlb_invalidate_va(mon_l2tlb *t, uint32_t va, uint8_t asid)
{
	int n = 0;
	for (int k = 0; k < MON_L2TLB_SIZES; k++) {
		for (int g = 0; g < 2; g++) {
			mon_l2tlb_entry *e =
				t->count[k][g] ? probe(t, k, vpn2(va, k), g ? 0 : asid, g) : NULL;
			if (e) {
				drop(t, e);
				n++;
			}
		}
	}
	t->invalidations += n;
	return n;
}

int mon_l2tlb_invalidate_range(mon_l2tlb *t, uint32_t lo, uint32_t hi)
{
	int n = 0;
	for (size_t i = 0; i < (size_t)t->sets * t->ways; i++) {
		mon_l2tlb_entry *e = &t->e[i];
		uint32_t len = (e->mask | 0x1fffu) + 1, base = e->hi & ~(len - 1);
		if (e->valid && base <= hi && base + (len - 1) >= lo) {
			drop(t, e);
			n++;
		}
	}
	t->invalidations += n;
	return n;
}

/* Drops every valid entry for which match(e, key) holds. */
static int drop_where(mon_l2tlb *t, bool (*match)(const mon_l2tlb_entry *, uint32_t), uint32_t key)
{
	int n = 0;
	for (size_t i = 0; i < (size_t)t->sets * t->ways; i++) {
		if (t->e[i].valid && match(&t->e[i], key)) {
			drop(t, &t->e[i]);
			n++;
		}
	}
	t->invalidations += n;
	return n;
}

static bool match_asid(const mon_l2tlb_entry *e, uint32_t asid)
{
	return !e->g && (e->hi & ASID_MASK) == asid;
}

static bool match_any(const mon_l2tlb_entry *e, uint32_t unused)
{
	return true;
}

/* Whether a valid half of e maps machine page mppn: a half of PageMask m
 * covers (m >> 13) + 1 4 KiB pages from its PFN, aligned down to that size
 * as the hardware does. */
static bool match_mppn(const mon_l2tlb_entry *e, uint32_t mppn)
{
	uint32_t npages = (e->mask >> 13) + 1;
	for (int h = 0; h < 2; h++) {
		uint32_t base = mon_lo_pfn(e->lo[h]) & ~(npages - 1);
		if ((e->lo[h] & MON_LO_V) && mppn - base < npages)
			return true;
	}
	return false;
}

int mon_l2tlb_invalidate_asid(mon_l2tlb *t, uint8_t asid)
{
	return drop_where(t, match_asid, asid);
}

int mon_l2tlb_invalidate_all(mon_l2tlb *t)
{
	return drop_where(t, match_any, 0);
}

int mon_l2tlb_invalidate_mppn(mon_l2tlb *t, uint32_t mppn)
{
	return drop_where(t, match_mppn, mppn);
}
