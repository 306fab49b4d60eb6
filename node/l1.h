/* node/l1.h: a CPU's first-level cache as a timing model (DESIGN.md 2: the L2
 * holds the data and is the coherence point; the L1s model timing).
 *
 * Tags only, set-associative with LRU, on 128-byte lines (the L2's line:
 * a simplification - the R10000's L1 lines were 32 and 64 bytes). A line
 * in the L1 is always in its node's L2 (inclusion: the L2 drops L1 copies
 * before it drops or downgrades a line).
 *
 * The CPU's fast data tables (node_ftlb, line-granular in detailed mode)
 * are a subset of the L1D: an entry is installed only for a line the L1D
 * holds with the needed permission, and each way remembers the entries that
 * point at it, so that evicting or downgrading the way removes them. A
 * fast-table hit therefore is an L1 hit, at no cost in the interpreter.
 */
#ifndef NODE_L1_H
#define NODE_L1_H

#include <stdbool.h>
#include <stdint.h>

#include "node/cpu.h"

#define NODE_L1_LINE_SHIFT 7
#define NODE_L1_EMPTY 0xffffffffu
#define NODE_L1_RREFS 4 /* fast read entries remembered per way */
#define NODE_L1_WREFS 2 /* fast write entries remembered per way */

typedef struct node_l1_way {
	uint32_t line; /* physical address >> 7, or NODE_L1_EMPTY */
	bool writable; /* the L2 has the line in M and a store went through */
	uint32_t lru;
	uint8_t nr, nw; /* next slot to fill in rref / wref */
	node_ftlb *rref[NODE_L1_RREFS];
	node_ftlb *wref[NODE_L1_WREFS];
} node_l1_way;

typedef struct node_l1 {
	unsigned sets, ways;
	uint32_t tick;
	node_l1_way *w; /* sets * ways */
	uint64_t hits, misses;
} node_l1;

/* bytes: a power of two, at least ways * 128. 0 or -1 (bad geometry, no
 * memory). */
int node_l1_init(node_l1 *c, uint32_t bytes, unsigned ways);
void node_l1_free(node_l1 *c);
/* The way holding line, or NULL. Touches LRU. */
node_l1_way *node_l1_find(node_l1 *c, uint32_t line);
/* Installs line (not present), evicting the LRU way of its set: the
 * victim's fast entries are dropped and *victim names its line
 * (NODE_L1_EMPTY when the way was free). */
node_l1_way *node_l1_insert(node_l1 *c, uint32_t line, uint32_t *victim);
/* Drops line (keep_read: only its write permission) with its fast entries.
 * True when the line was present. */
bool node_l1_drop(node_l1 *c, uint32_t line, bool keep_read);
/* Remembers fast entry e (a write entry when write) as pointing at way w;
 * an entry pushed out of the way's memory is dropped at once. */
void node_l1_ref(node_l1_way *w, node_ftlb *e, bool write);

#endif
