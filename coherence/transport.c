/* coherence/transport.c: message batches, the per-quantum exchange and the
 * inbound queues (see transport.h).
 *
 * Waiting for MPI never busy-polls a blocking call: Open MPI's blocking
 * calls spin in opal_progress (with mpi_yield_when_idle, which mpirun turns
 * on when it oversubscribes, they sched_yield, which still burns the core
 * when nothing else is runnable). A waiting rank here calls MPI_Test up to
 * COH_WAIT_SPINS times (a 2-rank exchange on idle cores completes within
 * those), then COH_WAIT_YIELDS times with sched_yield between (ranks that
 * share a core get it at once), then sleeps COH_WAIT_SLEEP_NS between tests,
 * so that a rank waiting for a slow peer uses almost no CPU.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

#ifdef DISCOFLASH_MPI
#include <mpi.h>
#endif

#include "coherence/panic.h"
#include "coherence/queue.h"
#include "coherence/transport.h"

/* Messages bound for one peer rank, encoded back to back (msg.h). */
typedef struct batch {
	uint8_t *buf;
	size_t len, cap;
} batch;

struct coh_transport {
	coh_map *map;
	int rank, nranks;
	uint64_t lookahead;
	enum coh_exchange_algo algo;
	coh_queue *queues;  /* [nnodes]; used for local nodes only */
	uint64_t *next_seq; /* [nnodes]; per source node */
	coh_msg *self;	    /* same-rank messages of this quantum */
	size_t nself, capself;
	batch *out;	  /* [nranks]; out[rank] unused */
	batch in;	  /* receive buffer (NBX) */
	batch *inp;	  /* [nranks] receive buffers (counts) */
	uint64_t out_min; /* earliest delivery time sent this quantum */
	coh_transport_stats stats;
#ifdef DISCOFLASH_MPI
	bool mpi;
	MPI_Comm comm;
	MPI_Request *reqs;	      /* [2 * nranks] */
	uint64_t *info_out, *info_in; /* [2 * nranks] (counts) */
#endif
};

static int batch_reserve(batch *b, size_t need)
{
	if (need <= b->cap)
		return 0;
	if (need > COH_BATCH_MAX_BYTES)
		return -EMSGSIZE;
	size_t cap = b->cap ? b->cap : COH_BATCH_INIT_BYTES;
	while (cap < need)
		cap *= 2;
	uint8_t *p = realloc(b->buf, cap);
	if (!p)
		return -ENOMEM;
	b->buf = p;
	b->cap = cap;
	return 0;
}

#ifdef DISCOFLASH_MPI
static long wait_spins = COH_WAIT_SPINS, wait_yields = COH_WAIT_YIELDS;
static long wait_sleep_ns = COH_WAIT_SLEEP_NS;

/* More ranks on this host than cores (mpirun --oversubscribe): a peer we
 * wait for may need this very core, so yield at once instead of spinning,
 * and keep yielding rather than sleeping (a sleep lasts far longer than the
 * peer's turn on the core: the ranks would mostly sleep). */
static void choose_wait_spins(void)
{
	const char *local = getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	if (local && cores > 0 && atol(local) > cores) {
		wait_spins = 0;
		wait_yields = COH_WAIT_YIELDS_OVERSUBSCRIBED;
	}
	/* a tuning knob for measurements: SPINS,YIELDS,SLEEP_NS */
	const char *knob = getenv("DISCOFLASH_WAIT");
	if (knob)
		sscanf(knob, "%ld,%ld,%ld", &wait_spins, &wait_yields, &wait_sleep_ns);
	prctl(PR_SET_TIMERSLACK, 1000UL); /* 1 us: short sleeps stay short */
}

#endif

int coh_transport_new(const coh_transport_config *cfg, coh_transport **out)
{
	*out = NULL;
	if (!cfg->map || cfg->map->nnodes < 1 || cfg->map->nranks < 1)
		return -EINVAL;
	int rank = 0, nranks = 1;
#ifdef DISCOFLASH_MPI
	if (cfg->mpi_comm) {
		MPI_Comm c = *(MPI_Comm *)cfg->mpi_comm;
		MPI_Comm_rank(c, &rank);
		MPI_Comm_size(c, &nranks);
		choose_wait_spins();
	}
#else
	if (cfg->mpi_comm)
		return -EINVAL;
#endif
	if (nranks != cfg->map->nranks)
		return -EINVAL;
	int nnodes = cfg->map->nnodes;
	coh_transport *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	size_t mapsz = sizeof(coh_map) + (size_t)nnodes * sizeof(cfg->map->rank_of[0]);
	t->map = malloc(mapsz);
	t->queues = calloc((size_t)nnodes, sizeof(*t->queues));
	t->next_seq = calloc((size_t)nnodes, sizeof(*t->next_seq));
	t->out = calloc((size_t)nranks, sizeof(*t->out));
	t->inp = calloc((size_t)nranks, sizeof(*t->inp));
	bool ok = t->map && t->queues && t->next_seq && t->out && t->inp;
#ifdef DISCOFLASH_MPI
	t->reqs = calloc(2 * (size_t)nranks, sizeof(*t->reqs));
	t->info_out = calloc(2 * (size_t)nranks, sizeof(uint64_t));
	t->info_in = calloc(2 * (size_t)nranks, sizeof(uint64_t));
	ok = ok && t->reqs && t->info_out && t->info_in;
#endif
	if (!ok) {
		coh_transport_free(t);
		return -ENOMEM;
	}
	memcpy(t->map, cfg->map, mapsz);
	t->rank = rank;
	t->nranks = nranks;
	t->lookahead = cfg->lookahead ? cfg->lookahead : COH_LOOKAHEAD_CYCLES;
	t->algo = cfg->algo;
	t->out_min = UINT64_MAX;
	for (int n = 0; n < nnodes; n++)
		coh_queue_init(&t->queues[n]);
#ifdef DISCOFLASH_MPI
	if (cfg->mpi_comm) {
		if (MPI_Comm_dup(*(MPI_Comm *)cfg->mpi_comm, &t->comm) != MPI_SUCCESS) {
			coh_transport_free(t);
			return -EIO;
		}
		t->mpi = true;
	}
#endif
	*out = t;
	return 0;
}

void coh_transport_free(coh_transport *t)
{
	if (!t)
		return;
	if (t->map && t->queues) {
		for (int n = 0; n < t->map->nnodes; n++)
			coh_queue_free(&t->queues[n]);
	}
	for (int r = 0; t->out && r < t->nranks; r++)
		free(t->out[r].buf);
	for (int r = 0; t->inp && r < t->nranks; r++)
		free(t->inp[r].buf);
	free(t->in.buf);
#ifdef DISCOFLASH_MPI
	if (t->mpi)
		MPI_Comm_free(&t->comm);
	free(t->reqs);
	free(t->info_out);
	free(t->info_in);
#endif
	free(t->self);
	free(t->out);
	free(t->inp);
	free(t->next_seq);
	free(t->queues);
	free(t->map);
	free(t);
}

int coh_transport_rank(const coh_transport *t)
{
	return t->rank;
}

int coh_transport_nodes(const coh_transport *t)
{
	return t->map->nnodes;
}

uint64_t coh_transport_lookahead(const coh_transport *t)
{
	return t->lookahead;
}

bool coh_is_local(const coh_transport *t, int node)
{
	return node >= 0 && node < t->map->nnodes && t->map->rank_of[node] == t->rank;
}

const coh_transport_stats *coh_transport_stats_of(const coh_transport *t)
{
	return &t->stats;
}

int coh_send(coh_transport *t, coh_msg *m)
{
	if (!coh_is_local(t, m->src) || m->dst >= t->map->nnodes || m->len > COH_LINE_BYTES ||
	    m->send_time > UINT64_MAX - t->lookahead ||
	    m->deliver_time < m->send_time + t->lookahead)
		return -EINVAL;
	m->version = COH_MSG_VERSION;
	int dr = t->map->rank_of[m->dst];
	if (dr == t->rank) {
		if (t->nself == t->capself) {
			size_t cap = t->capself ? 2 * t->capself : COH_QUEUE_INIT_MSGS;
			coh_msg *p = realloc(t->self, cap * sizeof(*p));
			if (!p)
				return -ENOMEM;
			t->self = p;
			t->capself = cap;
		}
		m->seq = t->next_seq[m->src]++;
		t->self[t->nself++] = *m;
		t->stats.sent_local++;
	} else {
		batch *b = &t->out[dr];
		size_t n = coh_msg_wire_bytes(m);
		int err = batch_reserve(b, b->len + n);
		if (err)
			return err;
		m->seq = t->next_seq[m->src]++;
		memcpy(b->buf + b->len, m, COH_MSG_HEADER_BYTES + m->len);
		memset(b->buf + b->len + COH_MSG_HEADER_BYTES + m->len, 0,
		       n - COH_MSG_HEADER_BYTES - m->len);
		b->len += n;
		t->stats.sent_remote++;
	}
	if (m->deliver_time < t->out_min)
		t->out_min = m->deliver_time;
	return 0;
}

/* Puts a message that became visible at the exchange ending quantum_end
 * into its queue, counting lateness. */
static int deliver(coh_transport *t, const coh_msg *m, uint64_t quantum_end)
{
	if (m->deliver_time < quantum_end) {
		uint64_t late = quantum_end - m->deliver_time;
		t->stats.late_msgs++;
		t->stats.late_cycles += late;
		if (late > t->stats.late_max)
			t->stats.late_max = late;
	}
	return coh_queue_push(&t->queues[m->dst], m);
}

#ifdef DISCOFLASH_MPI
/* Decodes a batch from a peer rank and queues its messages. */
static int take_batch(coh_transport *t, const uint8_t *p, size_t len, uint64_t quantum_end)
{
	size_t off = 0;
	while (off < len) {
		coh_msg m;
		COH_CHECK(len - off >= COH_MSG_HEADER_BYTES, "truncated batch (%zu of %zu)", off,
			  len);
		memcpy(&m, p + off, COH_MSG_HEADER_BYTES);
		COH_CHECK(m.version == COH_MSG_VERSION && m.len <= COH_LINE_BYTES &&
				  coh_is_local(t, m.dst),
			  "message version %u, len %u, dst %u on rank %d", m.version, m.len, m.dst,
			  t->rank);
		size_t n = coh_msg_wire_bytes(&m);
		COH_CHECK(len - off >= n, "truncated message payload");
		memcpy(m.data, p + off + COH_MSG_HEADER_BYTES, m.len);
		memset(m.data + m.len, 0, sizeof(m.data) - m.len);
		int err = deliver(t, &m, quantum_end);
		if (err)
			return err;
		t->stats.received_remote++;
		off += n;
	}
	return 0;
}

/* The i-th time a waiting rank found nothing done: spin, then yield the
 * core to a runnable rank, then sleep. */
static void backoff(long i)
{
	if (i < wait_spins)
		return;
	if (i < wait_spins + wait_yields)
		sched_yield();
	else
		nanosleep(&(struct timespec){0, wait_sleep_ns}, NULL);
}

/* Waits for one request without hogging the core (see the top comment). */
static void wait_one(MPI_Request *r)
{
	int done = 0;
	for (long i = 0;; i++) {
		MPI_Test(r, &done, MPI_STATUS_IGNORE);
		if (done)
			return;
		backoff(i);
	}
}

static void wait_all(int n, MPI_Request *r)
{
	int done = 0;
	for (long i = 0;; i++) {
		MPI_Testall(n, r, &done, MPI_STATUSES_IGNORE);
		if (done)
			return;
		backoff(i);
	}
}

static int exchange_counts(coh_transport *t, int tag, uint64_t quantum_end, uint64_t horizon,
			   uint64_t *global)
{
	int R = t->nranks;
	for (int r = 0; r < R; r++) {
		t->info_out[2 * r] = r == t->rank ? 0 : t->out[r].len;
		t->info_out[2 * r + 1] = horizon;
	}
	MPI_Request req;
	if (MPI_Ialltoall(t->info_out, 2, MPI_UINT64_T, t->info_in, 2, MPI_UINT64_T, t->comm,
			  &req) != MPI_SUCCESS)
		return -EIO;
	wait_one(&req);
	int nreq = 0;
	uint64_t g = UINT64_MAX;
	for (int r = 0; r < R; r++) {
		if (t->info_in[2 * r + 1] < g)
			g = t->info_in[2 * r + 1];
		size_t n = r == t->rank ? 0 : t->info_in[2 * r];
		t->inp[r].len = n;
		if (!n)
			continue;
		int err = batch_reserve(&t->inp[r], n);
		if (err)
			return err;
		MPI_Irecv(t->inp[r].buf, (int)n, MPI_BYTE, r, tag, t->comm, &t->reqs[nreq++]);
	}
	for (int r = 0; r < R; r++) {
		if (r != t->rank && t->out[r].len)
			MPI_Isend(t->out[r].buf, (int)t->out[r].len, MPI_BYTE, r, tag, t->comm,
				  &t->reqs[nreq++]);
	}
	if (nreq)
		wait_all(nreq, t->reqs);
	for (int r = 0; r < R; r++) {
		if (r == t->rank || !t->inp[r].len)
			continue;
		int err = take_batch(t, t->inp[r].buf, t->inp[r].len, quantum_end);
		if (err)
			return err;
	}
	*global = g;
	return 0;
}

static int exchange_nbx(coh_transport *t, int tag, uint64_t quantum_end, uint64_t horizon,
			uint64_t *global)
{
	int nreq = 0;
	for (int r = 0; r < t->nranks; r++) {
		if (r != t->rank && t->out[r].len)
			MPI_Issend(t->out[r].buf, (int)t->out[r].len, MPI_BYTE, r, tag, t->comm,
				   &t->reqs[nreq++]);
	}
	MPI_Request bar = MPI_REQUEST_NULL;
	bool in_bar = false;
	uint64_t h = horizon;
	for (long idle = 0;; idle++) {
		int flag = 0;
		MPI_Status st;
		MPI_Iprobe(MPI_ANY_SOURCE, tag, t->comm, &flag, &st);
		if (flag) {
			int n = 0;
			MPI_Get_count(&st, MPI_BYTE, &n);
			int err = batch_reserve(&t->in, (size_t)n);
			if (err)
				return err;
			MPI_Recv(t->in.buf, n, MPI_BYTE, st.MPI_SOURCE, tag, t->comm,
				 MPI_STATUS_IGNORE);
			err = take_batch(t, t->in.buf, (size_t)n, quantum_end);
			if (err)
				return err;
			idle = 0;
			continue;
		}
		if (!in_bar) {
			int done = 1;
			if (nreq)
				MPI_Testall(nreq, t->reqs, &done, MPI_STATUSES_IGNORE);
			if (done) {
				if (MPI_Iallreduce(&h, global, 1, MPI_UINT64_T, MPI_MIN, t->comm,
						   &bar) != MPI_SUCCESS)
					return -EIO;
				in_bar = true;
			}
		} else {
			int done = 0;
			MPI_Test(&bar, &done, MPI_STATUS_IGNORE);
			if (done)
				return 0;
		}
		backoff(idle);
	}
}
#endif

int coh_exchange(coh_transport *t, uint64_t quantum_end, uint64_t local_next, uint64_t *global_next)
{
	/* This rank's earliest event: local work, messages sent (to anyone)
	 * and messages already queued here. */
	uint64_t h = local_next < t->out_min ? local_next : t->out_min;
	for (size_t i = 0; i < t->nself; i++) {
		int err = deliver(t, &t->self[i], quantum_end);
		if (err)
			return err;
	}
	t->nself = 0;
	for (int n = 0; n < t->map->nnodes; n++) {
		if (coh_is_local(t, n)) {
			uint64_t q = coh_next_time(t, n);
			if (q < h)
				h = q;
		}
	}
	int err = 0;
	*global_next = h;
#ifdef DISCOFLASH_MPI
	if (t->mpi && t->nranks > 1) {
		int tag = COH_MPI_TAG + (int)(t->stats.exchanges & 1);
		if (t->algo == COH_EXCHANGE_NBX)
			err = exchange_nbx(t, tag, quantum_end, h, global_next);
		else
			err = exchange_counts(t, tag, quantum_end, h, global_next);
		for (int r = 0; r < t->nranks; r++) {
			if (r != t->rank)
				t->stats.bytes_remote += t->out[r].len;
			t->out[r].len = 0;
		}
	}
#endif
	t->out_min = UINT64_MAX;
	t->stats.exchanges++;
	return err;
}

bool coh_next(coh_transport *t, int node, uint64_t now, coh_msg *out)
{
	COH_CHECK(coh_is_local(t, node), "node %d is not on rank %d", node, t->rank);
	const coh_msg *h = coh_queue_head(&t->queues[node]);
	if (!h || h->deliver_time > now)
		return false;
	return coh_queue_pop(&t->queues[node], out);
}

uint64_t coh_next_time(const coh_transport *t, int node)
{
	COH_CHECK(coh_is_local(t, node), "node %d is not on rank %d", node, t->rank);
	const coh_msg *h = coh_queue_head(&t->queues[node]);
	return h ? h->deliver_time : UINT64_MAX;
}

const coh_msg *coh_peek(const coh_transport *t, int node)
{
	COH_CHECK(coh_is_local(t, node), "node %d is not on rank %d", node, t->rank);
	return coh_queue_head(&t->queues[node]);
}
