/* node/flash_stats.c: the distributed machine's statistics (flash_write_stats
 * in node/flash.h) as a discoflash.Run of proto/stats.proto, the one schema
 * of the statistics.
 *
 * Every rank describes its own CPUs, nodes and itself in a Run (its share:
 * only cpus, nodes and ranks set) and packs it; rank 0 gathers the packed
 * shares (MPI_Gather of the sizes, MPI_Gatherv of the bytes), unpacks them,
 * merges them in CPU, node and rank order, adds the machine-wide fields and
 * writes the Run packed and as JSON. The JSON comes from the schema's
 * descriptors (proto/json.c), so the two outputs cannot disagree. One rank
 * takes the same path, through pack and unpack of its own share.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#ifdef DISCOFLASH_MPI
#include <mpi.h>
#endif

#include "node/flash_internal.h"
#include "proto/json.h"
#include "proto/stats.pb-c.h"

typedef Discoflash__Run pb_run;
typedef Discoflash__CpuStats pb_cpu;
typedef Discoflash__NodeStats pb_node;
typedef Discoflash__NodeStats__MessagesInEntry pb_msgs;
typedef Discoflash__RankStats pb_rank;
typedef Discoflash__VmStats pb_vm;
typedef Discoflash__VmStats__TrapsEntry pb_trap;

enum { NTYPES = COH_TYPE_END - COH_MSG_PROTOCOL_FIRST }; /* protocol message types */

/* ---- this rank's share ------------------------------------------------------- */

/* The share and the storage its pointers point into (all of it this rank's
 * own: nothing is unpacked here). */
typedef struct share {
	pb_run run;
	pb_rank rank, *rankp;
	pb_cpu *cpu, **cpup;
	pb_node *node, **nodep;
	pb_msgs *msgs, **msgsp;
	flash_vm_stats *fvs;
	pb_vm *vm, **vmp;
	pb_trap *traps, **trapsp;
} share;

static void share_free(share *s)
{
	free(s->cpu);
	free(s->cpup);
	free(s->node);
	free(s->nodep);
	free(s->msgs);
	free(s->msgsp);
	free(s->fvs);
	free(s->vm);
	free(s->vmp);
	free(s->traps);
	free(s->trapsp);
}

static void fill_cpu(pb_cpu *p, const fcpu *fc, int node)
{
	const node_cpu *cpu = fc->cpu;
	const flash_machine *m = fc->node->m;
	uint64_t misses = 0, lat = 0;
	for (int k = 0; k < COH_MISS_NCLASS; k++) {
		misses += fc->miss[k];
		lat += fc->miss_latency[k];
	}
	discoflash__cpu_stats__init(p);
	p->cpu = fc->global;
	p->node = node;
	p->instructions = cpu->insns;
	p->cycles = cpu->cycles;
	p->stall_cycles = cpu->stall_cycles;
	p->idle_cycles = fc->idle_cycles;
	p->l1d_misses = fc->l1d.misses;
	p->l1i_misses = fc->l1i.misses;
	p->l2_misses = misses;
	p->local_misses = fc->miss[COH_MISS_LOCAL];
	p->remote_misses = fc->miss[COH_MISS_REMOTE];
	p->three_hop_misses = fc->miss[COH_MISS_3HOP];
	p->mean_miss_latency = misses ? (double)lat / (double)misses : 0.0;
	p->uncached_remote = fc->uc_remote;
	p->exceptions = cpu->exceptions;
	p->tlb_refills = cpu->tlb_refills;
	if (m->guest) {
		m->guest->cpu_time(m->guest_opaque, cpu, &p->user_cycles, &p->kernel_cycles,
				   &p->monitor_cycles);
	} else {
		/* the modes up to the last switch, then the current one */
		uint64_t c[NODE_NMODES];
		memcpy(c, cpu->mode_cycles, sizeof(c));
		if (cpu->cycles > cpu->mode_mark)
			c[cpu->mode] += cpu->cycles - cpu->mode_mark;
		p->user_cycles = c[NODE_MODE_USER];
		uint64_t k = c[NODE_MODE_KERNEL] + c[NODE_MODE_KERNEL_ERL] + c[NODE_MODE_SUPER];
		p->kernel_cycles = k > fc->idle_cycles ? k - fc->idle_cycles : 0;
	}
}

static const char *const exc_names[32] = {
	"Int", "Mod",	"TLBL",	  "TLBS", "AdEL", "AdES", "IBE", "DBE", "Sys", "Bp", "RI",
	"CpU", "Ov",	"Tr",	  "14",	  "FPE",  "16",	  "17",	 "18",	"19",  "20", "21",
	"22",  "WATCH", "MCheck", "25",	  "26",	  "27",	  "28",	 "29",	"30",  "31",
};

/* This rank's VMs (the monitor's) into the share. -ENOMEM or 0. */
static int fill_vms(flash_machine *m, share *s)
{
	if (!m->guest)
		return 0;
	int max = 64;
	s->fvs = calloc((size_t)max, sizeof(*s->fvs));
	if (!s->fvs)
		return -ENOMEM;
	int n = m->guest->vm_stats(m->guest_opaque, s->fvs, max);
	s->vm = calloc((size_t)n + 1, sizeof(*s->vm));
	s->vmp = calloc((size_t)n + 1, sizeof(*s->vmp));
	s->traps = calloc((size_t)n * 32 + 1, sizeof(*s->traps));
	s->trapsp = calloc((size_t)n * 32 + 1, sizeof(*s->trapsp));
	if (!s->vm || !s->vmp || !s->traps || !s->trapsp)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		const flash_vm_stats *f = &s->fvs[i];
		pb_vm *p = &s->vm[i];
		discoflash__vm_stats__init(p);
		p->name = (char *)f->name;
		p->index = f->index;
		p->home_node = f->home_node;
		p->vcpus = f->vcpus;
		p->user_cycles = f->user_cycles;
		p->kernel_cycles = f->kernel_cycles;
		p->monitor_cycles = f->monitor_cycles;
		p->traps = &s->trapsp[i * 32];
		for (int k = 0; k < 32; k++) {
			if (!f->traps[k])
				continue;
			pb_trap *t = &s->traps[i * 32 + (int)p->n_traps];
			discoflash__vm_stats__traps_entry__init(t);
			t->key = (char *)exc_names[k];
			t->value = f->traps[k];
			p->traps[p->n_traps++] = t;
		}
		p->privileged_emulated = f->privileged_emulated;
		p->hw_tlb_misses = f->hw_tlb_misses;
		p->l2tlb_hits = f->l2tlb_hits;
		p->l2tlb_misses_filled = f->l2tlb_misses_filled;
		p->tlb_misses_reflected = f->tlb_misses_reflected;
		p->kseg_tlb_faults = f->kseg_tlb_faults;
		p->device_accesses = f->device_accesses;
		p->virtual_irqs = f->virtual_irqs;
		p->vcpu_switches = f->vcpu_switches;
		p->monitor_calls = f->monitor_calls;
		p->pages_zeroed = f->pages_zeroed;
		p->pages_returned = f->pages_returned;
		p->dma_errors = f->dma_errors;
		p->net_frames_sent = f->net_frames_sent;
		p->net_frames_received = f->net_frames_received;
		p->exit_value = f->exit_value;
		p->powered_off = f->powered_off;
		s->vmp[i] = p;
	}
	s->run.vms = s->vmp;
	s->run.n_vms = (size_t)n;
	return 0;
}

/* msgs: room for NTYPES entries (and their pointers) of this node. */
static void fill_node(pb_node *p, const fnode *n, pb_msgs *msgs, pb_msgs **msgsp)
{
	const coh_node_stats *s = coh_node_stats_of(n->coh);
	discoflash__node_stats__init(p);
	p->node = n->id;
	p->messages_in = msgsp;
	for (int t = COH_MSG_PROTOCOL_FIRST; t < COH_TYPE_END; t++) {
		p->directory_messages_in += s->msgs_in[t];
		p->directory_messages_out += s->msgs_out[t];
		if (!s->msgs_in[t])
			continue;
		pb_msgs *e = &msgs[p->n_messages_in];
		discoflash__node_stats__messages_in_entry__init(e);
		e->key = (char *)coh_type_name(t);
		e->value = s->msgs_in[t];
		msgsp[p->n_messages_in++] = e;
	}
	p->naks_sent = s->naks_sent;
	p->naks_received = s->naks_received;
	p->l2_hits = s->hits;
	p->l2_misses = s->misses;
	p->upgrades = s->upgrades;
	p->evictions = s->evictions;
	p->writebacks = s->writebacks;
	p->deferred = s->deferred;
	p->hot_page_events = n->hot_events;
	p->magic_accesses = n->magic_accesses;
}

static void fill_rank(pb_rank *p, flash_machine *m, int nodes, double host_seconds)
{
	const coh_transport_stats *ts = coh_transport_stats_of(m->t);
	discoflash__rank_stats__init(p);
	p->rank = m->rank;
	p->nodes = nodes;
	p->quanta = m->pdes.stats.quanta;
	p->skips = m->pdes.stats.skips;
	p->skipped_cycles = m->pdes.stats.skipped_cycles;
	p->messages_local = ts->sent_local;
	p->messages_remote = ts->sent_remote;
	p->messages_received = ts->received_remote;
	p->bytes_remote = ts->bytes_remote;
	p->late_messages = ts->late_msgs;
	p->late_cycles = ts->late_cycles;
	p->late_max = ts->late_max;
	p->exchange_seconds = m->exchange_seconds;
	p->exchange_us_per_quantum =
		m->exchange_calls ? m->exchange_seconds * 1e6 / (double)m->exchange_calls : 0.0;
	p->host_seconds = host_seconds;
	p->instructions = flash_local_insns(m);
}

/* This rank's share, packed into *buf (malloc'd) of *len bytes. 0 or
 * -ENOMEM. */
static int share_pack(flash_machine *m, double host_seconds, uint8_t **buf, size_t *len)
{
	share s = {0};
	int nodes = 0;
	for (int i = 0; i < m->nnodes; i++)
		nodes += m->nodes[i] != NULL;
	size_t ncpu = (size_t)nodes * (size_t)m->cpn, nmsgs = (size_t)nodes * NTYPES;
	s.cpu = calloc(ncpu + 1, sizeof(*s.cpu));
	s.cpup = calloc(ncpu + 1, sizeof(*s.cpup));
	s.node = calloc((size_t)nodes + 1, sizeof(*s.node));
	s.nodep = calloc((size_t)nodes + 1, sizeof(*s.nodep));
	s.msgs = calloc(nmsgs + 1, sizeof(*s.msgs));
	s.msgsp = calloc(nmsgs + 1, sizeof(*s.msgsp));
	if (!s.cpu || !s.cpup || !s.node || !s.nodep || !s.msgs || !s.msgsp) {
		share_free(&s);
		return -ENOMEM;
	}
	discoflash__run__init(&s.run);
	s.run.cpus = s.cpup;
	s.run.nodes = s.nodep;
	for (int i = 0; i < m->nnodes; i++) {
		const fnode *n = m->nodes[i];
		if (!n)
			continue;
		for (int c = 0; c < m->cpn; c++) {
			pb_cpu *p = &s.cpu[s.run.n_cpus];
			fill_cpu(p, &n->fc[c], i);
			s.cpup[s.run.n_cpus++] = p;
		}
		pb_node *p = &s.node[s.run.n_nodes];
		fill_node(p, n, &s.msgs[s.run.n_nodes * NTYPES], &s.msgsp[s.run.n_nodes * NTYPES]);
		s.nodep[s.run.n_nodes++] = p;
	}
	if (fill_vms(m, &s)) {
		share_free(&s);
		return -ENOMEM;
	}
	fill_rank(&s.rank, m, nodes, host_seconds);
	s.rankp = &s.rank;
	s.run.ranks = &s.rankp;
	s.run.n_ranks = 1;
	*len = discoflash__run__get_packed_size(&s.run);
	*buf = malloc(*len + 1);
	if (*buf)
		discoflash__run__pack(&s.run, *buf);
	share_free(&s);
	return *buf ? 0 : -ENOMEM;
}

/* ---- rank 0: the whole run --------------------------------------------------- */

static int cpu_order(const void *a, const void *b)
{
	int x = (*(pb_cpu *const *)a)->cpu, y = (*(pb_cpu *const *)b)->cpu;
	return (x > y) - (x < y);
}

static int node_order(const void *a, const void *b)
{
	int x = (*(pb_node *const *)a)->node, y = (*(pb_node *const *)b)->node;
	return (x > y) - (x < y);
}

static int vm_order(const void *a, const void *b)
{
	int x = (*(pb_vm *const *)a)->index, y = (*(pb_vm *const *)b)->index;
	return (x > y) - (x < y);
}

/* A VM whose vCPUs run on several ranks comes as one record from each
 * (sorted together by vm_order). */
static void add_vm(pb_vm *a, const pb_vm *b)
{
#define ADD(f) a->f += b->f
	ADD(user_cycles), ADD(kernel_cycles), ADD(monitor_cycles), ADD(privileged_emulated);
	ADD(hw_tlb_misses), ADD(l2tlb_hits), ADD(l2tlb_misses_filled), ADD(tlb_misses_reflected);
	ADD(kseg_tlb_faults), ADD(device_accesses), ADD(virtual_irqs), ADD(vcpu_switches);
	ADD(monitor_calls), ADD(pages_zeroed), ADD(pages_returned), ADD(dma_errors);
	ADD(net_frames_sent), ADD(net_frames_received);
#undef ADD
	/* the home rank's record has these */
	a->exit_value = a->exit_value > b->exit_value ? a->exit_value : b->exit_value;
	a->powered_off = a->powered_off || b->powered_off;
}

/* Folds the records of one VM into one, copied to out (the parts' records
 * stay as they came, for free_unpacked). The trap counts go to traps
 * (room for 32) in exception order. */
static void fold_vm(pb_vm *const *recs, size_t n, pb_vm *out, pb_trap *traps, pb_trap **tp)
{
	uint64_t t[32] = {0};
	*out = *recs[0];
	for (size_t k = 0; k < n; k++) {
		if (k)
			add_vm(out, recs[k]);
		for (size_t e = 0; e < recs[k]->n_traps; e++)
			for (int i = 0; i < 32; i++)
				if (!strcmp(recs[k]->traps[e]->key, exc_names[i]))
					t[i] += recs[k]->traps[e]->value;
	}
	out->traps = tp;
	out->n_traps = 0;
	for (int i = 0; i < 32; i++) {
		if (!t[i])
			continue;
		pb_trap *e = &traps[out->n_traps];
		discoflash__vm_stats__traps_entry__init(e);
		e->key = (char *)exc_names[i];
		e->value = t[i];
		tp[out->n_traps++] = e;
	}
}

/* Folds run's VM records of the same index; folded ones go to merged
 * (room for one per record, with 32 traps each). */
static void fold_vms(pb_run *run, pb_vm *merged, pb_trap *traps, pb_trap **tp)
{
	size_t out = 0;
	for (size_t i = 0, j; i < run->n_vms; i = j) {
		for (j = i + 1; j < run->n_vms && run->vms[j]->index == run->vms[i]->index; j++)
			;
		if (j > i + 1) {
			fold_vm(run->vms + i, j - i, &merged[out], traps + 32 * out, tp + 32 * out);
			run->vms[out] = &merged[out];
			out++;
		} else {
			run->vms[out++] = run->vms[i];
		}
	}
	run->n_vms = out;
}

static int rank_order(const void *a, const void *b)
{
	int x = (*(pb_rank *const *)a)->rank, y = (*(pb_rank *const *)b)->rank;
	return (x > y) - (x < y);
}

static int write_pb(FILE *f, const pb_run *run)
{
	size_t len = discoflash__run__get_packed_size(run);
	uint8_t *buf = malloc(len + 1);
	if (!buf)
		return -ENOMEM;
	discoflash__run__pack(run, buf);
	int rc = fwrite(buf, 1, len, f) == len && !fflush(f) ? 0 : -EIO;
	free(buf);
	return rc;
}

/* Merges the packed shares (share r: lens[r] bytes at offs[r] of all) into
 * one Run and writes it. -EIO when a share is missing or unreadable. */
static int write_run(flash_machine *m, const uint8_t *all, const int *lens, const int *offs,
		     FILE *json, FILE *pb, double host_seconds, const char *stop)
{
	pb_run **parts = calloc((size_t)m->nranks, sizeof(*parts));
	if (!parts)
		return -ENOMEM;
	Discoflash__Machine mach = DISCOFLASH__MACHINE__INIT;
	Discoflash__LatencyModel model = DISCOFLASH__LATENCY_MODEL__INIT;
	pb_run run = DISCOFLASH__RUN__INIT;
	int rc = 0;
	size_t ncpus = 0, nnodes = 0, nvms = 0;
	pb_vm *merged = NULL;
	pb_trap *mtraps = NULL, **mtp = NULL;
	for (int r = 0; r < m->nranks && !rc; r++) {
		/* a share is never empty: it has its rank's record */
		if (lens[r] > 0)
			parts[r] = discoflash__run__unpack(NULL, (size_t)lens[r], all + offs[r]);
		if (!parts[r] || parts[r]->n_ranks != 1 || parts[r]->ranks[0]->rank != r) {
			rc = -EIO; /* that rank's share did not come (it ran out of memory) */
			break;
		}
		ncpus += parts[r]->n_cpus;
		nnodes += parts[r]->n_nodes;
		nvms += parts[r]->n_vms;
	}
	if (!rc) {
		run.cpus = malloc((ncpus + 1) * sizeof(*run.cpus));
		run.nodes = malloc((nnodes + 1) * sizeof(*run.nodes));
		run.ranks = malloc((size_t)m->nranks * sizeof(*run.ranks));
		run.vms = malloc((nvms + 1) * sizeof(*run.vms));
		merged = calloc(nvms + 1, sizeof(*merged));
		mtraps = calloc(32 * nvms + 1, sizeof(*mtraps));
		mtp = calloc(32 * nvms + 1, sizeof(*mtp));
		if (!run.cpus || !run.nodes || !run.ranks || !run.vms || !merged || !mtraps || !mtp)
			rc = -ENOMEM;
	}
	for (int r = 0; r < m->nranks && !rc; r++) {
		const pb_run *p = parts[r];
		if (p->n_cpus) /* a rank may hold no node (then the arrays are NULL) */
			memcpy(run.cpus + run.n_cpus, p->cpus, p->n_cpus * sizeof(*p->cpus));
		run.n_cpus += p->n_cpus;
		if (p->n_nodes)
			memcpy(run.nodes + run.n_nodes, p->nodes, p->n_nodes * sizeof(*p->nodes));
		run.n_nodes += p->n_nodes;
		run.ranks[run.n_ranks++] = p->ranks[0];
		if (p->n_vms)
			memcpy(run.vms + run.n_vms, p->vms, p->n_vms * sizeof(*p->vms));
		run.n_vms += p->n_vms;
		run.instructions += p->ranks[0]->instructions;
	}
	if (!rc) {
		qsort(run.cpus, run.n_cpus, sizeof(*run.cpus), cpu_order);
		qsort(run.nodes, run.n_nodes, sizeof(*run.nodes), node_order);
		qsort(run.ranks, run.n_ranks, sizeof(*run.ranks), rank_order);
		qsort(run.vms, run.n_vms, sizeof(*run.vms), vm_order);
		fold_vms(&run, merged, mtraps, mtp);
		run.stop = (char *)stop;
		run.exit_value = m->exit_value;
		run.cycles = m->pdes.start;
		run.host_seconds = host_seconds;
		run.mips = host_seconds > 0 ? (double)run.instructions / host_seconds / 1e6 : 0.0;
		run.ranks_used = m->nranks;
		mach.nodes = m->nnodes;
		mach.cpus_per_node = m->cpn;
		mach.memory_per_node = m->mem_per_node;
		mach.clock_hz = m->cfg.base.cpu_hz;
		mach.quantum = m->pdes.quantum;
		mach.lookahead = (uint32_t)m->lookahead;
		mach.exact = m->pdes.exact;
		run.machine = &mach;
		flash_model md = flash_model_of(&m->cfg);
		model.l1_hit = 0;
		model.l2_hit = md.l2_hit;
		model.local_miss = md.local_miss;
		model.remote_clean_miss = md.remote_clean_miss;
		model.remote_dirty_miss = md.remote_dirty_miss;
		run.model = &model;
		if (json)
			rc = proto_json_write(json, &run.base);
		if (pb && !rc)
			rc = write_pb(pb, &run);
	}
	/* run borrows the parts' records: free its arrays, then the parts */
	free(run.cpus);
	free(run.nodes);
	free(run.ranks);
	free(run.vms);
	free(merged);
	free(mtraps);
	free(mtp);
	for (int r = 0; r < m->nranks; r++)
		if (parts[r])
			discoflash__run__free_unpacked(parts[r], NULL);
	free(parts);
	return rc;
}

#ifdef DISCOFLASH_MPI
/* Rank 0 cannot take part in the gather, and the other ranks would wait
 * for it for ever. */
static void gather_oom(void)
{
	fprintf(stderr, "discoflash: out of memory gathering the statistics\n");
	abort();
}
#endif

int flash_write_stats(flash_machine *m, FILE *json, FILE *pb, double host_seconds, const char *stop)
{
	uint8_t *mine = NULL;
	size_t len = 0;
	int rc = share_pack(m, host_seconds, &mine, &len);
	if (rc)
		len = 0; /* still take part in the gather: rank 0 sees the gap */
	int n = (int)len, off0 = 0;
	const uint8_t *all = mine;
	const int *lens = &n, *offs = &off0;
#ifdef DISCOFLASH_MPI
	int *glens = NULL, *goffs = NULL;
	uint8_t *gall = NULL;
	if (m->cfg.mpi_comm && m->nranks > 1) {
		MPI_Comm comm = *(MPI_Comm *)m->cfg.mpi_comm;
		if (m->rank == 0) {
			glens = calloc((size_t)m->nranks, sizeof(int));
			goffs = calloc((size_t)m->nranks, sizeof(int));
			if (!glens || !goffs)
				gather_oom(); /* the gather cannot go on without them */
		}
		MPI_Gather(&n, 1, MPI_INT, glens, 1, MPI_INT, 0, comm);
		size_t total = 0;
		if (m->rank == 0) {
			for (int r = 0; r < m->nranks; r++) {
				goffs[r] = (int)total;
				total += (size_t)glens[r];
			}
			if (!(gall = malloc(total + 1)))
				gather_oom();
		}
		MPI_Gatherv(mine, n, MPI_BYTE, gall, glens, goffs, MPI_BYTE, 0, comm);
		all = gall;
		lens = glens;
		offs = goffs;
	}
#endif
	if (m->rank == 0 && (json || pb)) {
		int wrc = write_run(m, all, lens, offs, json, pb, host_seconds, stop);
		rc = rc ? rc : wrc;
	}
#ifdef DISCOFLASH_MPI
	free(glens);
	free(goffs);
	free(gall);
#endif
	free(mine);
	return rc;
}
