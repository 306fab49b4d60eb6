/* coherence/map.h: which rank holds which node. A node lives in exactly one
 * rank; a rank may hold several (DESIGN.md 1). Results never depend on the
 * map: it decides only where a message travels, never when it is delivered.
 */
#ifndef COH_MAP_H
#define COH_MAP_H

#include <stdint.h>

enum coh_placement {
	COH_PLACE_BLOCKS,      /* ranks get consecutive nodes: 0 1 | 2 3 */
	COH_PLACE_ROUND_ROBIN, /* node n on rank n % nranks: 0 2 | 1 3 */
	COH_PLACE_LIST,	       /* an explicit rank per node */
};

typedef struct coh_map {
	int nnodes;
	int nranks;
	uint16_t rank_of[]; /* nnodes entries */
} coh_map;

/* Builds a map of nnodes nodes over nranks ranks. ranks[] (nnodes entries)
 * is read only for COH_PLACE_LIST. Returns NULL with *err set to -EINVAL
 * (bad counts, a rank out of range, a rank without nodes: every rank must
 * hold at least one node) or -ENOMEM. Free with free(). */
coh_map *coh_map_new(int nnodes, int nranks, enum coh_placement how, const int *ranks, int *err);

/* Parses "blocks", "round-robin" (or "rr") and "list"; -EINVAL otherwise. */
int coh_placement_parse(const char *s, enum coh_placement *out);

/* A negative errno-style code of this module as text. */
const char *coh_strerror(int err);

#endif
