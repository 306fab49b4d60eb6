/* node/flash_stats.c: the distributed machine's statistics (see
 * flash_write_stats_json in node/flash.h). */
#include <stdlib.h>
#include <string.h>
#ifdef DISCOFLASH_MPI
#include <mpi.h>
#endif

#include "node/flash_internal.h"

/* ---- statistics ------------------------------------------------------------------------ */

/* One line per record: "<kind> <id> <json object>\n", kinds C (CPU),
 * N (node), R (rank); rank 0 gathers every rank's lines and sorts them. */
static void stats_lines(flash_machine *m, FILE *f, double host_seconds)
{
	for (int i = 0; i < m->nnodes; i++) {
		fnode *n = m->nodes[i];
		if (!n)
			continue;
		for (int c = 0; c < m->cpn; c++) {
			const fcpu *fc = &n->fc[c];
			const node_cpu *cpu = fc->cpu;
			uint64_t misses = 0, lat = 0;
			for (int k = 0; k < COH_MISS_NCLASS; k++) {
				misses += fc->miss[k];
				lat += fc->miss_latency[k];
			}
			fprintf(f,
				"C %d {\"cpu\": %d, \"node\": %d, \"instructions\": %llu, "
				"\"cycles\": %llu, \"stall_cycles\": %llu, \"idle_cycles\": %llu, "
				"\"l1d_misses\": %llu, \"l1i_misses\": %llu, \"l2_misses\": %llu, "
				"\"local_misses\": %llu, \"remote_misses\": %llu, "
				"\"three_hop_misses\": %llu, \"mean_miss_latency\": %.3f, "
				"\"uncached_remote\": %llu, \"exceptions\": %llu, "
				"\"tlb_refills\": %llu}\n",
				fc->global, fc->global, i, (unsigned long long)cpu->insns,
				(unsigned long long)cpu->cycles,
				(unsigned long long)cpu->stall_cycles,
				(unsigned long long)fc->idle_cycles,
				(unsigned long long)fc->l1d.misses,
				(unsigned long long)fc->l1i.misses, (unsigned long long)misses,
				(unsigned long long)fc->miss[COH_MISS_LOCAL],
				(unsigned long long)fc->miss[COH_MISS_REMOTE],
				(unsigned long long)fc->miss[COH_MISS_3HOP],
				misses ? (double)lat / (double)misses : 0.0,
				(unsigned long long)fc->uc_remote,
				(unsigned long long)cpu->exceptions,
				(unsigned long long)cpu->tlb_refills);
		}
		const coh_node_stats *s = coh_node_stats_of(n->coh);
		uint64_t in = 0, out = 0;
		fprintf(f, "N %d {\"node\": %d, \"messages_in\": {", i, i);
		bool first = true;
		for (int t = COH_MSG_PROTOCOL_FIRST; t < COH_TYPE_END; t++) {
			in += s->msgs_in[t];
			out += s->msgs_out[t];
			if (!s->msgs_in[t])
				continue;
			fprintf(f, "%s\"%s\": %llu", first ? "" : ", ", coh_type_name(t),
				(unsigned long long)s->msgs_in[t]);
			first = false;
		}
		fprintf(f,
			"}, \"directory_messages_in\": %llu, \"directory_messages_out\": %llu, "
			"\"naks_sent\": %llu, \"naks_received\": %llu, \"l2_hits\": %llu, "
			"\"l2_misses\": %llu, \"upgrades\": %llu, \"evictions\": %llu, "
			"\"writebacks\": %llu, \"deferred\": %llu, \"hot_page_events\": %llu, "
			"\"magic_accesses\": %llu}\n",
			(unsigned long long)in, (unsigned long long)out,
			(unsigned long long)s->naks_sent, (unsigned long long)s->naks_received,
			(unsigned long long)s->hits, (unsigned long long)s->misses,
			(unsigned long long)s->upgrades, (unsigned long long)s->evictions,
			(unsigned long long)s->writebacks, (unsigned long long)s->deferred,
			(unsigned long long)n->hot_events, (unsigned long long)n->magic_accesses);
	}
	const coh_transport_stats *ts = coh_transport_stats_of(m->t);
	int nodes = 0;
	for (int i = 0; i < m->nnodes; i++)
		nodes += m->nodes[i] != NULL;
	fprintf(f,
		"R %d {\"rank\": %d, \"nodes\": %d, \"quanta\": %llu, \"skips\": %llu, "
		"\"skipped_cycles\": %llu, \"messages_local\": %llu, \"messages_remote\": %llu, "
		"\"messages_received\": %llu, \"bytes_remote\": %llu, \"late_messages\": %llu, "
		"\"late_cycles\": %llu, \"late_max\": %llu, \"exchange_seconds\": %.6f, "
		"\"exchange_us_per_quantum\": %.3f, \"host_seconds\": %.6f, "
		"\"instructions\": %llu}\n",
		m->rank, m->rank, nodes, (unsigned long long)m->pdes.stats.quanta,
		(unsigned long long)m->pdes.stats.skips,
		(unsigned long long)m->pdes.stats.skipped_cycles,
		(unsigned long long)ts->sent_local, (unsigned long long)ts->sent_remote,
		(unsigned long long)ts->received_remote, (unsigned long long)ts->bytes_remote,
		(unsigned long long)ts->late_msgs, (unsigned long long)ts->late_cycles,
		(unsigned long long)ts->late_max, m->exchange_seconds,
		m->exchange_calls ? m->exchange_seconds * 1e6 / (double)m->exchange_calls : 0.0,
		host_seconds, (unsigned long long)flash_local_insns(m));
}

typedef struct rec {
	char kind;
	int id;
	const char *json;
} rec;

static int rec_order(const void *a, const void *b)
{
	const rec *x = a, *y = b;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

static void emit_array(FILE *f, const char *name, rec *r, int n, char kind)
{
	fprintf(f, ",\n  \"%s\": [", name);
	bool first = true;
	for (int i = 0; i < n; i++) {
		if (r[i].kind != kind)
			continue;
		fprintf(f, "%s\n    %s", first ? "" : ",", r[i].json);
		first = false;
	}
	fprintf(f, "\n  ]");
}

int flash_write_stats_json(flash_machine *m, FILE *f, double host_seconds, const char *stop)
{
	char *mine = NULL, *all = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&mine, &len);
	if (!mf)
		return -1;
	stats_lines(m, mf, host_seconds);
	fclose(mf);
	uint64_t insns = flash_local_insns(m), total = insns;
	all = mine;
	size_t all_len = len;
#ifdef DISCOFLASH_MPI
	if (m->cfg.mpi_comm && m->nranks > 1) {
		MPI_Comm comm = *(MPI_Comm *)m->cfg.mpi_comm;
		int n = (int)len, *lens = NULL, *offs = NULL;
		if (m->rank == 0) {
			lens = calloc((size_t)m->nranks, sizeof(int));
			offs = calloc((size_t)m->nranks, sizeof(int));
		}
		MPI_Gather(&n, 1, MPI_INT, lens, 1, MPI_INT, 0, comm);
		if (m->rank == 0) {
			all_len = 0;
			for (int r = 0; r < m->nranks; r++) {
				offs[r] = (int)all_len;
				all_len += (size_t)lens[r];
			}
			all = malloc(all_len + 1);
		}
		MPI_Gatherv(mine, n, MPI_CHAR, all, lens, offs, MPI_CHAR, 0, comm);
		MPI_Reduce(&insns, &total, 1, MPI_UINT64_T, MPI_SUM, 0, comm);
		free(lens);
		free(offs);
		if (m->rank != 0) {
			free(mine);
			return 0;
		}
		free(mine);
		all[all_len] = 0;
	}
#endif
	int rc = 0;
	if (m->rank == 0 && f) {
		int cap = 0, nrec = 0;
		for (size_t i = 0; i < all_len; i++)
			cap += all[i] == '\n';
		rec *r = calloc((size_t)cap + 1, sizeof(*r));
		for (char *line = all; r && line < all + all_len;) {
			char *nl = strchr(line, '\n');
			*nl = 0;
			char *sp = strchr(line + 2, ' ');
			r[nrec++] = (rec){line[0], atoi(line + 2), sp + 1};
			line = nl + 1;
		}
		qsort(r, (size_t)nrec, sizeof(*r), rec_order);
		flash_model md = flash_model_of(&m->cfg);
		fprintf(f,
			"{\n  \"stop\": \"%s\",\n  \"exit_value\": %u,\n  \"cycles\": %llu,\n"
			"  \"instructions\": %llu,\n  \"host_seconds\": %.6f,\n"
			"  \"mips\": %.3f,\n  \"ranks_used\": %d,\n",
			stop, m->exit_value, (unsigned long long)m->pdes.start,
			(unsigned long long)total, host_seconds,
			host_seconds > 0 ? (double)total / host_seconds / 1e6 : 0.0, m->nranks);
		fprintf(f,
			"  \"machine\": {\"nodes\": %d, \"cpus_per_node\": %d, "
			"\"memory_per_node\": %llu, \"clock_hz\": %u, \"quantum\": %llu, "
			"\"lookahead\": %u, \"exact\": %s},\n",
			m->nnodes, m->cpn, (unsigned long long)m->mem_per_node, m->cfg.base.cpu_hz,
			(unsigned long long)m->pdes.quantum, (unsigned)m->lookahead,
			m->pdes.exact ? "true" : "false");
		fprintf(f,
			"  \"model\": {\"l1_hit\": 0, \"l2_hit\": %u, \"local_miss\": %u, "
			"\"remote_clean_miss\": %u, \"remote_dirty_miss\": %u}",
			md.l2_hit, md.local_miss, md.remote_clean_miss, md.remote_dirty_miss);
		emit_array(f, "cpus", r, nrec, 'C');
		emit_array(f, "nodes", r, nrec, 'N');
		emit_array(f, "ranks", r, nrec, 'R');
		fprintf(f, "\n}\n");
		free(r);
	}
	free(all);
	return rc;
}
