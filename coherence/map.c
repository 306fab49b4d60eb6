/* coherence/map.c: the node-to-rank map (see map.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "coherence/map.h"
#include "coherence/param.h"

coh_map *coh_map_new(int nnodes, int nranks, enum coh_placement how, const int *ranks, int *err)
{
	*err = -EINVAL;
	if (nnodes < 1 || nnodes > COH_MAX_NODES || nranks < 1 || nranks > nnodes)
		return NULL;
	coh_map *m = calloc(1, sizeof(*m) + (size_t)nnodes * sizeof(m->rank_of[0]));
	if (!m) {
		*err = -ENOMEM;
		return NULL;
	}
	m->nnodes = nnodes;
	m->nranks = nranks;
	int held[COH_MAX_NODES] = {0};
	for (int n = 0; n < nnodes; n++) {
		int r;
		switch (how) {
		case COH_PLACE_BLOCKS: r = (int)((long)n * nranks / nnodes); break;
		case COH_PLACE_ROUND_ROBIN: r = n % nranks; break;
		case COH_PLACE_LIST: r = ranks ? ranks[n] : -1; break;
		default: r = -1; break;
		}
		if (r < 0 || r >= nranks) {
			free(m);
			return NULL;
		}
		m->rank_of[n] = (uint16_t)r;
		held[r]++;
	}
	for (int r = 0; r < nranks; r++) {
		if (!held[r]) {
			free(m);
			return NULL;
		}
	}
	*err = 0;
	return m;
}

int coh_placement_parse(const char *s, enum coh_placement *out)
{
	if (!strcmp(s, "blocks"))
		*out = COH_PLACE_BLOCKS;
	else if (!strcmp(s, "round-robin") || !strcmp(s, "rr"))
		*out = COH_PLACE_ROUND_ROBIN;
	else if (!strcmp(s, "list"))
		*out = COH_PLACE_LIST;
	else
		return -EINVAL;
	return 0;
}

const char *coh_strerror(int err)
{
	switch (err) {
	case 0: return "success";
	case -EINVAL: return "invalid argument (node, rank, length or timing out of range)";
	case -ENOMEM: return "out of memory";
	case -EMSGSIZE: return "batch for one peer rank exceeds COH_BATCH_MAX_BYTES";
	case -EIO: return "MPI error";
	default: return "unknown coherence error";
	}
}
