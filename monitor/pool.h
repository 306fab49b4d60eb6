/* monitor/pool.h: a fixed-capacity pool of singly linked list nodes, linked
 * by 32-bit index, and the sets of records kept in such lists (internal to
 * monitor/).
 *
 * The pmap's back-maps and the memmap's mapper lists are many short lists
 * whose total size must stay bounded: each keeps its payloads in an array of
 * its own, indexed like this pool, and threads its lists through next[]. A
 * list holds each record once (mon__list_add refuses an equal one).
 * Memory is allocated once, at init; a full pool is -ENOSPC for the caller.
 * Not locked: the owner of the structure that embeds it serializes access.
 */
#ifndef MON_POOL_H
#define MON_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MON__NIL UINT32_MAX /* the end of a list / no node */

typedef struct mon__pool {
	uint32_t *next;	    /* next[i]: the node after i in its list (or the free list) */
	uint32_t cap;	    /* nodes in all */
	uint32_t used;	    /* nodes handed out */
	uint32_t free_head; /* first free node, MON__NIL when full */
} mon__pool;

/* Allocates cap nodes, all free. 0, -EINVAL (cap 0 or MON__NIL) or -ENOMEM. */
int mon__pool_init(mon__pool *p, uint32_t cap);
void mon__pool_fini(mon__pool *p);

/* Whether two payloads are the same record. */
typedef bool (*mon__pool_eq)(const void *a, const void *b);

/* A list whose payloads live in items[], size bytes each, indexed like the
 * pool, and whose records are compared with eq. */
typedef struct mon__list {
	mon__pool *pool;
	uint32_t *head;
	void *items;
	size_t size;
	mon__pool_eq eq;
} mon__list;

/* Pushes a copy of *item on the list. 0, -EEXIST (an equal one is there)
 * or -ENOSPC (the pool is full). */
int mon__list_add(const mon__list *l, const void *item);

/* Removes the record equal to *item. 0 or -ENOENT. */
int mon__list_remove(const mon__list *l, const void *item);

/* Unlinks node i, whose predecessor link is *link (the list head or the
 * previous node's next[]), and returns it to the free list. */
void mon__pool_unlink(mon__pool *p, uint32_t *link, uint32_t i);

#endif
