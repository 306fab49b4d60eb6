/* monitor/pool.c: the index-linked node pool and record lists behind the
 * monitor's back-maps and mappers (see pool.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/pool.h"

int mon__pool_init(mon__pool *p, uint32_t cap)
{
	if (cap == 0 || cap == MON__NIL)
		return -EINVAL;
	p->next = malloc((size_t)cap * sizeof(*p->next));
	if (!p->next)
		return -ENOMEM;
	for (uint32_t i = 0; i < cap; i++)
		p->next[i] = i + 1 < cap ? i + 1 : MON__NIL;
	p->cap = cap;
	p->used = 0;
	p->free_head = 0;
	return 0;
}

void mon__pool_fini(mon__pool *p)
{
	free(p->next);
	p->next = NULL;
	p->cap = p->used = 0;
	p->free_head = MON__NIL;
}

/* The link that points at the record equal to *item, or NULL. */
static uint32_t *find(const mon__list *l, const void *item)
{
	for (uint32_t *link = l->head; *link != MON__NIL; link = &l->pool->next[*link])
		if (l->eq((const char *)l->items + (size_t)*link * l->size, item))
			return link;
	return NULL;
}

int mon__list_add(const mon__list *l, const void *item)
{
	if (find(l, item))
		return -EEXIST;
	mon__pool *p = l->pool;
	uint32_t i = p->free_head;
	if (i == MON__NIL)
		return -ENOSPC;
	p->free_head = p->next[i];
	p->next[i] = *l->head;
	*l->head = i;
	p->used++;
	memcpy((char *)l->items + (size_t)i * l->size, item, l->size);
	return 0;
}

int mon__list_remove(const mon__list *l, const void *item)
{
	uint32_t *link = find(l, item);
	if (!link)
		return -ENOENT;
	mon__pool_unlink(l->pool, link, *link);
	return 0;
}

void mon__pool_unlink(mon__pool *p, uint32_t *link, uint32_t i)
{
	*link = p->next[i];
	p->next[i] = p->free_head;
	p->free_head = i;
	p->used--;
}
