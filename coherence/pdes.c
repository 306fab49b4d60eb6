/* coherence/pdes.c: conservative quanta and skipping (see pdes.h). */
#include <errno.h>
#include <string.h>

#include "coherence/panic.h"
#include "coherence/param.h"
#include "coherence/pdes.h"

int coh_pdes_init(coh_pdes *p, coh_transport *t, const coh_pdes_config *cfg)
{
	memset(p, 0, sizeof(*p));
	uint64_t la = coh_transport_lookahead(t);
	if (!la)
		return -EINVAL;
	p->t = t;
	p->quantum = cfg->quantum ? cfg->quantum : COH_QUANTUM_CYCLES;
	p->exact = p->quantum <= la;
	p->no_skip = cfg->no_skip;
	p->stop = cfg->stop;
	p->start = 0;
	p->end = p->quantum;
	return 0;
}

bool coh_pdes_running(const coh_pdes *p)
{
	return !p->idle && !(p->stop && p->start >= p->stop);
}

int coh_pdes_end_quantum(coh_pdes *p, uint64_t local_next)
{
	uint64_t late = coh_transport_stats_of(p->t)->late_msgs;
	uint64_t global = 0;
	int err = coh_exchange(p->t, p->end, local_next, &global);
	if (err)
		return err;
	p->stats.quanta++;
	COH_CHECK(!p->exact || coh_transport_stats_of(p->t)->late_msgs == late,
		  "exact quantum [%llu, %llu) received a message due before its end",
		  (unsigned long long)p->start, (unsigned long long)p->end);
	uint64_t next = p->end;
	p->idle = global == UINT64_MAX;
	if (!p->no_skip && !p->idle && global > next) {
		p->stats.skips++;
		p->stats.skipped_cycles += global - next;
		next = global;
	}
	p->start = next;
	p->end = next + p->quantum;
	return 0;
}
