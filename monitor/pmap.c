/* monitor/pmap.c: a VM's physical-to-machine map and its back-maps (see
 * pmap.h for the contract and how Disco used it). */
#include <errno.h>
#include <stdlib.h>

#include "monitor/pmap.h"

int mon_pmap_create(mon_pmap **out, uint32_t npages, uint32_t max_backmaps)
{
	if (npages == 0 || max_backmaps == 0)
		return -EINVAL;
	mon_pmap *pm = calloc(1, sizeof(*pm));
	if (!pm)
		return -ENOMEM;
	pm->npages = npages;
	pm->entries = malloc((size_t)npages * sizeof(*pm->entries));
	pm->bm = malloc((size_t)max_backmaps * sizeof(*pm->bm));
	int err = pm->entries && pm->bm ? mon__pool_init(&pm->pool, max_backmaps) : -ENOMEM;
	if (err) {
		free(pm->entries);
		free(pm->bm);
		free(pm);
		return err;
	}
	for (uint32_t i = 0; i < npages; i++)
		pm->entries[i] = (mon_pmap_entry){MON_NO_PAGE, 0, 0, MON__NIL};
	*out = pm;
	return 0;
}

void mon_pmap_free(mon_pmap *pm)
{
	if (!pm)
		return;
	mon__pool_fini(&pm->pool);
	free(pm->bm);
	free(pm->entries);
	free(pm);
}

int mon_pmap_set(mon_pmap *pm, uint32_t gppn, uint32_t mppn, uint32_t flags)
{
	if (gppn >= pm->npages)
		return -ERANGE;
	flags |= MON_PMAP_VALID;
	if (mppn > MON_LO_PFN_MAX || (flags & ~MON_PMAP_FLAGS))
		return -EINVAL;
	if ((flags & MON_PMAP_WRITABLE) && (flags & (MON_PMAP_COW | MON_PMAP_REPLICA)))
		return -EINVAL;
	mon_pmap_entry *e = &pm->entries[gppn];
	if (e->backmaps != MON__NIL && (e->mppn != mppn || e->flags != flags))
		return -EBUSY;
	e->mppn = mppn;
	e->flags = flags;
	e->lo = mppn << MON_LO_PFN_SHIFT | MON_LO_CACHED | MON_LO_V;
	if (flags & MON_PMAP_WRITABLE)
		e->lo |= MON_LO_D;
	return 0;
}

uint32_t mon_pmap_lo(const mon_pmap_entry *e, uint32_t guest_lo)
{
	if (!(e->flags & MON_PMAP_VALID))
		return 0;
	uint32_t rights = guest_lo & e->lo & (MON_LO_V | MON_LO_D);
	return (e->lo & ~(MON_LO_V | MON_LO_D)) | rights | (guest_lo & MON_LO_G);
}

int mon_pmap_shootdown(mon_pmap *pm, uint32_t gppn, mon_backmap_fn fn, void *arg)
{
	if (gppn >= pm->npages)
		return -ERANGE;
	/* detach first: fn may call back into mon_pmap_remove_backmap */
	uint32_t list = pm->entries[gppn].backmaps;
	pm->entries[gppn].backmaps = MON__NIL;
	int n = 0;
	while (list != MON__NIL) {
		uint32_t i = list;
		if (fn)
			fn(arg, gppn, &pm->bm[i]);
		mon__pool_unlink(&pm->pool, &list, i);
		n++;
	}
	return n;
}

int mon_pmap_unmap(mon_pmap *pm, uint32_t gppn, mon_backmap_fn fn, void *arg)
{
	int n = mon_pmap_shootdown(pm, gppn, fn, arg);
	if (n >= 0)
		pm->entries[gppn] = (mon_pmap_entry){MON_NO_PAGE, 0, 0, MON__NIL};
	return n;
}

static bool backmap_eq(const void *a, const void *b)
{
	const mon_backmap *x = a, *y = b;
	return x->vpn == y->vpn && x->vcpu == y->vcpu && x->asid == y->asid &&
	       x->global == y->global;
}

/* The back-map list of gppn. */
static mon__list backmaps(mon_pmap *pm, uint32_t gppn)
{
	return (mon__list){&pm->pool, &pm->entries[gppn].backmaps, pm->bm, sizeof(*pm->bm),
			   backmap_eq};
}

int mon_pmap_add_backmap(mon_pmap *pm, uint32_t gppn, const mon_backmap *bm)
{
	if (gppn >= pm->npages)
		return -ERANGE;
	if (!(pm->entries[gppn].flags & MON_PMAP_VALID))
		return -EINVAL;
	mon__list l = backmaps(pm, gppn);
	int err = mon__list_add(&l, bm);
	return err == -EEXIST ? 0 : err;
}

int mon_pmap_remove_backmap(mon_pmap *pm, uint32_t gppn, const mon_backmap *bm)
{
	if (gppn >= pm->npages)
		return -ERANGE;
	mon__list l = backmaps(pm, gppn);
	return mon__list_remove(&l, bm);
}

int mon_pmap_foreach_backmap(const mon_pmap *pm, uint32_t gppn, mon_backmap_fn fn, void *arg)
{
	if (gppn >= pm->npages)
		return -ERANGE;
	int n = 0;
	for (uint32_t i = pm->entries[gppn].backmaps; i != MON__NIL; i = pm->pool.next[i], n++)
		fn(arg, gppn, &pm->bm[i]);
	return n;
}
