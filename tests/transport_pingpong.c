/* tests/transport_pingpong.c: a multi-rank scenario for coherence/transport
 * and coherence/pdes, run under mpirun from CTest (tests/transport_compare.sh)
 * and by bench/transport.sh.
 *
 * Token workload: every node injects a few tokens at sparse times (so whole
 * stretches of quanta are empty and skipped); a node that receives a token
 * forwards it, one hop fewer, to a node chosen by a hash of the message, with
 * a latency of lookahead plus a small multiple of 4 (many same-time ties),
 * sometimes spawning a second token. Every delivered message enters its
 * node's digest as (node, handling time, source, sequence, delivery time,
 * payload). Rank 0 prints the digests; they must be identical for any number
 * of ranks, any placement and either exchange algorithm.
 *
 * --bench N instead times N exchanges with nothing to send, then N with one
 * message per node per quantum, and prints microseconds per exchange (the
 * slowest rank's mean) and CPU seconds per wall second (a waiting rank must
 * not spin its core away).
 *
 * Runs without mpirun too (one process holds every node).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <mpi.h>

#include "coherence/pdes.h"
#include "coherence/transport.h"

typedef struct options {
	int nodes, tokens, hops;
	enum coh_placement place;
	enum coh_exchange_algo algo;
	uint64_t quantum, lookahead, seed;
	bool no_skip;
	long bench;
} options;

typedef struct node_state {
	uint64_t digest, msgs;
	int injected; /* tokens injected so far */
} node_state;

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

static uint64_t inject_time(const options *o, int node, int k)
{
	return (uint64_t)k * 25000u + (uint64_t)node * 13u;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "transport_pingpong: %s: %s\n", what, coh_strerror(err));
	exit(1);
}

/* Sends a token with hops left from node at time now; x picks the rest. */
static void send_token(coh_transport *t, const options *o, int node, uint64_t now, uint32_t hops,
		       uint64_t x)
{
	coh_msg m;
	memset(&m, 0, sizeof(m));
	m.type = COH_MSG_TEST;
	m.src = (uint16_t)node;
	m.dst = (uint16_t)(x % (uint64_t)o->nodes);
	m.send_time = now + ((x >> 16) & 3);
	m.deliver_time = m.send_time + o->lookahead + ((x >> 20) & 7) * 4;
	m.addr = (x >> 8) & ~(uint64_t)127;
	m.len = (uint16_t)(4 + (x >> 28) % (COH_LINE_BYTES - 3));
	memcpy(m.data, &hops, 4);
	for (int i = 4; i < m.len; i++)
		m.data[i] = (uint8_t)(x >> ((i % 8) * 8)) ^ (uint8_t)i;
	int err = coh_send(t, &m);
	if (err)
		die("coh_send", err);
}

/* Runs one local node over [p->start, p->end). */
static void run_node(coh_pdes *p, const options *o, int node, node_state *s)
{
	coh_transport *t = p->t;
	for (;;) {
		uint64_t tm = coh_next_time(t, node);
		uint64_t ti =
			s->injected < o->tokens ? inject_time(o, node, s->injected) : UINT64_MAX;
		if (ti < p->start)
			ti = p->start;
		if (tm < p->start)
			tm = p->start; /* late (lax): handled at the boundary */
		if (ti <= tm && ti < p->end) {
			uint64_t x = mix(o->seed ^ ((uint64_t)node << 32) ^ (uint64_t)s->injected);
			s->injected++;
			send_token(t, o, node, ti, (uint32_t)o->hops, x);
			continue;
		}
		if (tm >= p->end)
			return;
		coh_msg m;
		if (!coh_next(t, node, tm, &m))
			abort();
		uint64_t now = tm;
		s->msgs++;
		uint64_t h = s->digest;
		h = fnv(h, &node, sizeof(node));
		h = fnv(h, &now, sizeof(now));
		h = fnv(h, &m.src, sizeof(m.src));
		h = fnv(h, &m.seq, sizeof(m.seq));
		h = fnv(h, &m.deliver_time, sizeof(m.deliver_time));
		h = fnv(h, &m.addr, sizeof(m.addr));
		h = fnv(h, &m.len, sizeof(m.len));
		h = fnv(h, m.data, m.len);
		s->digest = h;
		uint32_t hops;
		memcpy(&hops, m.data, 4);
		if (!hops)
			continue;
		uint64_t x = mix(o->seed ^ h);
		send_token(t, o, node, now, hops - 1, x);
		if ((x >> 40) % 16 == 0)
			send_token(t, o, node, now, hops - 1, mix(x));
	}
}

static uint64_t local_next(const coh_pdes *p, const options *o, const node_state *s)
{
	uint64_t n = UINT64_MAX;
	for (int i = 0; i < o->nodes; i++) {
		if (!coh_is_local(p->t, i) || s[i].injected >= o->tokens)
			continue;
		uint64_t ti = inject_time(o, i, s[i].injected);
		if (ti < n)
			n = ti;
	}
	return n;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

static void bench_phase(coh_pdes *p, const options *o, bool mpi, bool with_msgs, int rank)
{
	coh_transport *t = p->t;
	if (mpi)
		MPI_Barrier(MPI_COMM_WORLD);
	double w0 = now_s(), c0 = cpu_s();
	for (long i = 0; i < o->bench; i++) {
		for (int n = 0; n < o->nodes; n++) {
			if (!coh_is_local(t, n))
				continue;
			coh_msg m;
			while (coh_next(t, n, p->end - 1, &m))
				;
			if (!with_msgs)
				continue;
			memset(&m, 0, sizeof(m));
			m.type = COH_MSG_TEST;
			m.src = (uint16_t)n;
			m.dst = (uint16_t)((n + o->nodes / 2) % o->nodes);
			m.send_time = p->start;
			m.deliver_time = p->start + o->lookahead;
			m.len = COH_LINE_BYTES;
			int err = coh_send(t, &m);
			if (err)
				die("coh_send", err);
		}
		int err = coh_pdes_end_quantum(p, p->end); /* busy: never skip */
		if (err)
			die("coh_exchange", err);
	}
	double us = (now_s() - w0) * 1e6 / (double)o->bench;
	double cpu = (cpu_s() - c0) / (now_s() - w0);
	double v[2] = {us, cpu}, mx[2] = {us, cpu};
	if (mpi)
		MPI_Reduce(v, mx, 2, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
	if (rank == 0)
		printf("bench %s us_per_exchange %.3f max_cpu_per_wall %.2f\n",
		       with_msgs ? "msgs" : "empty", mx[0], mx[1]);
}

static int parse(int argc, char **argv, options *o)
{
	*o = (options){.nodes = 8,
		       .tokens = 4,
		       .hops = 40,
		       .place = COH_PLACE_BLOCKS,
		       .algo = COH_EXCHANGE_COUNTS,
		       .quantum = COH_QUANTUM_CYCLES,
		       .lookahead = COH_LOOKAHEAD_CYCLES,
		       .seed = 1};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--no-skip")) {
			o->no_skip = true;
			continue;
		}
		if (!v)
			return -1;
		i++;
		if (!strcmp(a, "--nodes"))
			o->nodes = atoi(v);
		else if (!strcmp(a, "--tokens"))
			o->tokens = atoi(v);
		else if (!strcmp(a, "--hops"))
			o->hops = atoi(v);
		else if (!strcmp(a, "--quantum"))
			o->quantum = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--lookahead"))
			o->lookahead = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--seed"))
			o->seed = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--bench"))
			o->bench = atol(v);
		else if (!strcmp(a, "--placement")) {
			if (coh_placement_parse(v, &o->place) || o->place == COH_PLACE_LIST)
				return -1;
		} else if (!strcmp(a, "--algo")) {
			if (!strcmp(v, "counts"))
				o->algo = COH_EXCHANGE_COUNTS;
			else if (!strcmp(v, "nbx"))
				o->algo = COH_EXCHANGE_NBX;
			else
				return -1;
		} else
			return -1;
	}
	return o->nodes > 0 && o->quantum > 0 && o->lookahead > 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	options o;
	if (parse(argc, argv, &o)) {
		fprintf(stderr, "usage: transport_pingpong [--nodes N] [--placement blocks|rr] "
				"[--quantum Q] [--lookahead L] [--algo counts|nbx] [--no-skip] "
				"[--tokens K] [--hops H] [--seed S] [--bench N]\n");
		return 2;
	}
	bool mpi = getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK");
	int rank = 0, nranks = 1;
	MPI_Comm comm = MPI_COMM_NULL;
	if (mpi) {
		MPI_Init(&argc, &argv);
		MPI_Comm_rank(MPI_COMM_WORLD, &rank);
		MPI_Comm_size(MPI_COMM_WORLD, &nranks);
		comm = MPI_COMM_WORLD;
	}
	int err;
	coh_map *map = coh_map_new(o.nodes, nranks, o.place, NULL, &err);
	if (!map)
		die("coh_map_new", err);
	coh_transport *t;
	coh_transport_config tc = {.map = map,
				   .mpi_comm = mpi ? &comm : NULL,
				   .lookahead = o.lookahead,
				   .algo = o.algo};
	if ((err = coh_transport_new(&tc, &t)))
		die("coh_transport_new", err);
	free(map);
	coh_pdes p;
	coh_pdes_config pc = {.quantum = o.quantum, .no_skip = o.no_skip};
	if ((err = coh_pdes_init(&p, t, &pc)))
		die("coh_pdes_init", err);

	if (o.bench > 0) {
		if (rank == 0)
			printf("ranks %d nodes %d algo %s\n", nranks, o.nodes,
			       o.algo == COH_EXCHANGE_NBX ? "nbx" : "counts");
		bench_phase(&p, &o, mpi, false, rank);
		bench_phase(&p, &o, mpi, true, rank);
	} else {
		node_state *s = calloc((size_t)o.nodes, sizeof(*s));
		if (!s)
			die("calloc", -ENOMEM);
		for (int n = 0; n < o.nodes; n++)
			s[n].digest = 0xcbf29ce484222325ull;
		while (coh_pdes_running(&p)) {
			for (int n = 0; n < o.nodes; n++) {
				if (coh_is_local(t, n))
					run_node(&p, &o, n, &s[n]);
			}
			if ((err = coh_pdes_end_quantum(&p, local_next(&p, &o, s))))
				die("coh_pdes_end_quantum", err);
		}
		/* Per-node results live on the owner's rank: sum to rank 0. */
		uint64_t *v = calloc(2 * (size_t)o.nodes + 3, sizeof(uint64_t));
		uint64_t *sum = calloc(2 * (size_t)o.nodes + 3, sizeof(uint64_t));
		if (!v || !sum)
			die("calloc", -ENOMEM);
		for (int n = 0; n < o.nodes; n++) {
			if (coh_is_local(t, n)) {
				v[2 * n] = s[n].msgs;
				v[2 * n + 1] = s[n].digest;
			}
		}
		const coh_transport_stats *ts = coh_transport_stats_of(t);
		v[2 * o.nodes] = ts->late_msgs;
		v[2 * o.nodes + 1] = ts->late_cycles;
		v[2 * o.nodes + 2] = ts->received_remote;
		uint64_t late_max = ts->late_max, gmax = late_max;
		if (mpi) {
			MPI_Reduce(v, sum, 2 * o.nodes + 3, MPI_UINT64_T, MPI_SUM, 0,
				   MPI_COMM_WORLD);
			MPI_Reduce(&late_max, &gmax, 1, MPI_UINT64_T, MPI_MAX, 0, MPI_COMM_WORLD);
		} else {
			memcpy(sum, v, (2 * (size_t)o.nodes + 3) * sizeof(uint64_t));
		}
		if (rank == 0) {
			uint64_t total = 0, d = 0xcbf29ce484222325ull;
			for (int n = 0; n < o.nodes; n++) {
				printf("node %d msgs %" PRIu64 " digest %016" PRIx64 "\n", n,
				       sum[2 * n], sum[2 * n + 1]);
				total += sum[2 * n];
				d = fnv(d, &sum[2 * n], 2 * sizeof(uint64_t));
			}
			printf("total msgs %" PRIu64 " digest %016" PRIx64 "\n", total, d);
			printf("late msgs %" PRIu64 " cycles %" PRIu64 " max %" PRIu64 "\n",
			       sum[2 * o.nodes], sum[2 * o.nodes + 1], gmax);
			printf("quanta %" PRIu64 " skips %" PRIu64 " skipped_cycles %" PRIu64
			       " end %" PRIu64 "\n",
			       p.stats.quanta, p.stats.skips, p.stats.skipped_cycles, p.start);
			printf("# ranks %d remote_msgs %" PRIu64 "\n", nranks,
			       sum[2 * o.nodes + 2]);
		}
		free(v);
		free(sum);
		free(s);
	}
	coh_transport_free(t);
	if (mpi)
		MPI_Finalize();
	return 0;
}
