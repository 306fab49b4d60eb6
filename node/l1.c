/* node/l1.c: the L1 timing model (see node/l1.h). */
#include "node/l1.h"

#include <stdlib.h>

int node_l1_init(node_l1 *c, uint32_t bytes, unsigned ways)
{
	unsigned lines = bytes >> NODE_L1_LINE_SHIFT;
	if (ways == 0 || lines < ways || (bytes & (bytes - 1)) || lines % ways)
		return -1;
	c->ways = ways;
	c->sets = lines / ways;
	if (c->sets & (c->sets - 1))
		return -1;
	c->tick = 0;
	c->hits = c->misses = 0;
	c->w = calloc(lines, sizeof(*c->w));
	if (!c->w)
		return -1;
	for (unsigned i = 0; i < lines; i++)
		c->w[i].line = NODE_L1_EMPTY;
	return 0;
}

void node_l1_free(node_l1 *c)
{
	free(c->w);
	c->w = NULL;
}

static node_l1_way *set_of(node_l1 *c, uint32_t line)
{
	return &c->w[(line & (c->sets - 1)) * c->ways];
}

static void drop_refs(node_ftlb **refs, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (refs[i])
			refs[i]->tag = NODE_FTLB_INVALID;
		refs[i] = NULL;
	}
}

node_l1_way *node_l1_find(node_l1 *c, uint32_t line)
{
	node_l1_way *s = set_of(c, line);
	for (unsigned i = 0; i < c->ways; i++) {
		if (s[i].line == line) {
			s[i].lru = ++c->tick;
			return &s[i];
		}
	}
	return NULL;
}

node_l1_way *node_l1_insert(node_l1 *c, uint32_t line, uint32_t *victim)
{
	node_l1_way *s = set_of(c, line), *v = &s[0];
	for (unsigned i = 0; i < c->ways; i++) {
		if (s[i].line == NODE_L1_EMPTY) {
			v = &s[i];
			break;
		}
		if (s[i].lru < v->lru)
			v = &s[i];
	}
	*victim = v->line;
	drop_refs(v->rref, NODE_L1_RREFS);
	drop_refs(v->wref, NODE_L1_WREFS);
	v->line = line;
	v->writable = false;
	v->lru = ++c->tick;
	v->nr = v->nw = 0;
	return v;
}

bool node_l1_drop(node_l1 *c, uint32_t line, bool keep_read)
{
	node_l1_way *s = set_of(c, line);
	for (unsigned i = 0; i < c->ways; i++) {
		if (s[i].line != line)
			continue;
		drop_refs(s[i].wref, NODE_L1_WREFS);
		s[i].writable = false;
		if (!keep_read) {
			drop_refs(s[i].rref, NODE_L1_RREFS);
			s[i].line = NODE_L1_EMPTY;
		}
		return true;
	}
	return false;
}

void node_l1_ref(node_l1_way *w, node_ftlb *e, bool write)
{
	node_ftlb **slot =
		write ? &w->wref[w->nw++ % NODE_L1_WREFS] : &w->rref[w->nr++ % NODE_L1_RREFS];
	if (*slot && *slot != e)
		(*slot)->tag = NODE_FTLB_INVALID;
	*slot = e;
}
