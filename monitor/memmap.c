/* monitor/memmap.c: per machine page, its mappers and replicas; the per-node
 * free-page lists (see memmap.h for the contract and how Disco used it). */
#include <errno.h>
#include <stdlib.h>

#include "monitor/memmap.h"

int mon_memmap_create(mon_memmap **out, uint32_t npages, uint32_t pages_per_node,
		      uint32_t max_mappers)
{
	if (npages == 0 || pages_per_node == 0 || npages % pages_per_node != 0 ||
	    npages - 1 > MON_LO_PFN_MAX || max_mappers == 0)
		return -EINVAL;
	mon_memmap *mm = calloc(1, sizeof(*mm));
	if (!mm)
		return -ENOMEM;
	mm->npages = npages;
	mm->pages_per_node = pages_per_node;
	mm->nnodes = npages / pages_per_node;
	mm->pages = malloc((size_t)npages * sizeof(*mm->pages));
	mm->free_head = malloc((size_t)mm->nnodes * sizeof(*mm->free_head));
	mm->free_count = malloc((size_t)mm->nnodes * sizeof(*mm->free_count));
	mm->mappers = malloc((size_t)max_mappers * sizeof(*mm->mappers));
	int err = mm->pages && mm->free_head && mm->free_count && mm->mappers
			  ? mon__pool_init(&mm->pool, max_mappers)
			  : -ENOMEM;
	if (err) {
		mon_memmap_free(mm);
		return err;
	}
	for (uint32_t n = 0; n < mm->nnodes; n++) {
		mm->free_head[n] = MON_NO_PAGE;
		mm->free_count[n] = 0;
	}
	/* pushed from the top down, so each node hands out its lowest page first */
	for (uint32_t p = npages; p-- > 0;) {
		mm->pages[p] = (mon_mpage){MON__NIL, MON_NO_PAGE, MON_NO_PAGE, MON_NO_PAGE, false};
		mon_memmap_release(mm, p);
	}
	*out = mm;
	return 0;
}

void mon_memmap_free(mon_memmap *mm)
{
	if (!mm)
		return;
	mon__pool_fini(&mm->pool);
	free(mm->mappers);
	free(mm->free_count);
	free(mm->free_head);
	free(mm->pages);
	free(mm);
}

static uint32_t take_free(mon_memmap *mm, uint32_t node)
{
	uint32_t p = mm->free_head[node];
	mon_mpage *pg = &mm->pages[p];
	mm->free_head[node] = pg->sibling;
	mm->free_count[node]--;
	pg->sibling = MON_NO_PAGE;
	pg->free = false;
	return p;
}

int64_t mon_memmap_alloc(mon_memmap *mm, uint32_t node, uint32_t flags)
{
	if (node >= mm->nnodes)
		return -EINVAL;
	if (mm->free_count[node])
		return take_free(mm, node);
	if (flags & MON_MEMMAP_EXACT)
		return -ENOMEM;
	/* nearest by node number: node-1, node+1, node-2, node+2, ... */
	for (uint32_t d = 1; d < mm->nnodes; d++) {
		if (d <= node && mm->free_count[node - d])
			return take_free(mm, node - d);
		if (node + d < mm->nnodes && mm->free_count[node + d])
			return take_free(mm, node + d);
	}
	return -ENOMEM;
}

int mon_memmap_reserve(mon_memmap *mm, uint32_t mppn)
{
	if (mppn >= mm->npages)
		return -ERANGE;
	if (!mm->pages[mppn].free)
		return -EBUSY;
	uint32_t node = mon_memmap_node(mm, mppn);
	uint32_t *link = &mm->free_head[node];
	while (*link != mppn)
		link = &mm->pages[*link].sibling;
	*link = mm->pages[mppn].sibling;
	mm->free_count[node]--;
	mm->pages[mppn].sibling = MON_NO_PAGE;
	mm->pages[mppn].free = false;
	return 0;
}

int mon_memmap_release(mon_memmap *mm, uint32_t mppn)
{
	if (mppn >= mm->npages)
		return -ERANGE;
	mon_mpage *pg = &mm->pages[mppn];
	if (pg->free)
		return -EINVAL;
	if (pg->mappers != MON__NIL || pg->master != MON_NO_PAGE || pg->replicas != MON_NO_PAGE)
		return -EBUSY;
	uint32_t node = mon_memmap_node(mm, mppn);
	pg->sibling = mm->free_head[node];
	pg->free = true;
	mm->free_head[node] = mppn;
	mm->free_count[node]++;
	return 0;
}

static bool mapper_eq(const void *a, const void *b)
{
	const mon_mapper *x = a, *y = b;
	return x->vm == y->vm && x->gppn == y->gppn;
}

/* The mapper list of mppn. */
static mon__list mappers(mon_memmap *mm, uint32_t mppn)
{
	return (mon__list){&mm->pool, &mm->pages[mppn].mappers, mm->mappers, sizeof(*mm->mappers),
			   mapper_eq};
}

int mon_memmap_add_mapper(mon_memmap *mm, uint32_t mppn, const mon_mapper *m)
{
	if (mppn >= mm->npages)
		return -ERANGE;
	if (mm->pages[mppn].free)
		return -EINVAL;
	mon__list l = mappers(mm, mppn);
	return mon__list_add(&l, m);
}

int mon_memmap_remove_mapper(mon_memmap *mm, uint32_t mppn, const mon_mapper *m)
{
	if (mppn >= mm->npages)
		return -ERANGE;
	mon__list l = mappers(mm, mppn);
	return mon__list_remove(&l, m);
}

int mon_memmap_foreach_mapper(const mon_memmap *mm, uint32_t mppn, mon_mapper_fn fn, void *arg)
{
	if (mppn >= mm->npages)
		return -ERANGE;
	int n = 0;
	for (uint32_t i = mm->pages[mppn].mappers; i != MON__NIL; i = mm->pool.next[i], n++)
		fn(arg, mppn, &mm->mappers[i]);
	return n;
}

int mon_memmap_link_replica(mon_memmap *mm, uint32_t master, uint32_t replica)
{
	if (master >= mm->npages || replica >= mm->npages)
		return -ERANGE;
	mon_mpage *m = &mm->pages[master], *r = &mm->pages[replica];
	if (master == replica || m->free || r->free || m->master != MON_NO_PAGE ||
	    r->master != MON_NO_PAGE || r->replicas != MON_NO_PAGE)
		return -EINVAL;
	r->master = master;
	r->sibling = m->replicas;
	m->replicas = replica;
	return 0;
}

int mon_memmap_unlink_replica(mon_memmap *mm, uint32_t replica)
{
	if (replica >= mm->npages)
		return -ERANGE;
	mon_mpage *r = &mm->pages[replica];
	if (r->master == MON_NO_PAGE)
		return -EINVAL;
	uint32_t *link = &mm->pages[r->master].replicas;
	while (*link != replica)
		link = &mm->pages[*link].sibling;
	*link = r->sibling;
	r->sibling = MON_NO_PAGE;
	r->master = MON_NO_PAGE;
	return 0;
}

int mon_memmap_foreach_replica(const mon_memmap *mm, uint32_t master, mon_replica_fn fn, void *arg)
{
	if (master >= mm->npages)
		return -ERANGE;
	int n = 0;
	for (uint32_t r = mm->pages[master].replicas; r != MON_NO_PAGE;
	     r = mm->pages[r].sibling, n++)
		fn(arg, master, r);
	return n;
}

uint32_t mon_memmap_copy_on(const mon_memmap *mm, uint32_t master, uint32_t node)
{
	if (master >= mm->npages)
		return MON_NO_PAGE;
	if (mon_memmap_node(mm, master) == node)
		return master;
	for (uint32_t r = mm->pages[master].replicas; r != MON_NO_PAGE; r = mm->pages[r].sibling)
		if (mon_memmap_node(mm, r) == node)
			return r;
	return MON_NO_PAGE;
}
