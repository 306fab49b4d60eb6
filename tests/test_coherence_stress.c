/* tests/test_coherence_stress.c: coherence/proto (the directory protocol
 * engine) in one process, no MPI. A harness gives every node an engine and
 * routes every message through one global heap in delivery order (time,
 * source, sequence: coh_queue); requesters on every node run loads, stores,
 * LL/SC increments and evictions against a reference memory.
 *
 * Unit tests: the latency formulas of PROTOCOL.md 6 (local, remote, 3-hop,
 * upgrade), NAK and retry under contention, hot-page events, parameter
 * checks. The stress test runs many random machines (3..8 nodes, tiny L2s,
 * random timing) and checks on every access: single writer, exact values on
 * plain hits, IS_DI one-shot reads no older than the access, per-requester
 * monotonic observation, LL/SC atomicity; at the end: every operation done
 * (no deadlock, no livelock within a bound), every node quiescent, memory
 * and owners holding the reference, and that the runs covered the
 * transitions of PROTOCOL.md 5.
 *
 * Environment: COH_STRESS_SEEDS (default 200), COH_STRESS_SEED0 (first seed,
 * default 1), COH_STRESS_OPS (operations per machine, default 5000),
 * COH_STRESS_VERBOSE (print the transition coverage).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "coherence/proto.h"
#include "coherence/queue.h"

enum { MAXN = 8, MAXR = 4, MAXL = 12, NSTATES = COH_C_II_A + 1, NDSTATES = COH_D_B_XI + 1 };

enum { OP_NONE, OP_LOAD, OP_STORE, OP_LLSC, OP_EVICT };
/* Requester states in the harness. */
enum { H_SLEEP, H_BUSY, H_WAIT, H_READY, H_DONE };

typedef struct mach mach;

typedef struct hreq {
	int node, id;
	int left;   /* operations still to start */
	int state;  /* H_* */
	uint64_t t; /* next step, in H_SLEEP and H_READY */
	int op, phase, li;
	int forced_op, forced_li;      /* unit tests: the next operation (OP_NONE: random) */
	uint64_t start_ver, start_ctr; /* reference values when the operation began */
	bool woken;		       /* retries after a wake: release after it */
	bool linked;		       /* LL reservation on line li */
	uint64_t ll_val;
	uint64_t seen_ver[MAXL], seen_ctr[MAXL];
	int last_cls; /* last miss wake: class, latency */
	uint64_t last_lat;
} hreq;

typedef struct nodectx {
	mach *m;
	int id;
} nodectx;

struct mach {
	unsigned seed;
	uint64_t rng;
	int nn, nr, nl;
	uint64_t mem_bytes;
	coh_proto_params p;
	coh_node *node[MAXN];
	uint8_t *mem[MAXN];
	nodectx ctx[MAXN];
	coh_queue q;
	uint64_t seq[MAXN];
	uint64_t last[MAXN][MAXN];  /* deliver_time of the last message per pair, as sent */
	uint64_t lastj[MAXN][MAXN]; /* and as delivered, after the jitter */
	uint32_t jitter_max;	    /* network: extra delay per message, pair order kept */
	uint32_t jitter_far;	    /* and, on one message in 32, up to this much */
	int delay_type, delay_src, delay_dst; /* directed tests: this kind of message */
	uint32_t delay;			      /* is delivered this much later */
	hreq rq[MAXN][MAXR];
	uint64_t line[MAXL];
	uint64_t ref_ver[MAXL], ref_ctr[MAXL], sc_ok[MAXL];
	uint64_t now;
	int think_max, wake_delay_max;
	int pct_load, pct_store, pct_llsc; /* the rest: evictions */
	/* hot-page events */
	int hot_events;
	uint64_t hot_page;
	int hot_node;
	uint32_t hot_count;
	/* transition coverage: message type by the state it met */
	uint64_t cov_cache[COH_TYPE_END][NSTATES], cov_home[COH_TYPE_END][NDSTATES];
	uint64_t oneshot_reads, sc_fail, ops_done;
	uint64_t wakes, wake_latency; /* as reported to the node */
};

#define CHECK(m, cond, ...)                                                  \
	do {                                                                 \
		if (!(cond)) {                                               \
			char msg_[512];                                      \
			snprintf(msg_, sizeof(msg_), __VA_ARGS__);           \
			fail_msg("seed %u, t=%llu: %s: %s", (m)->seed,       \
				 (unsigned long long)(m)->now, #cond, msg_); \
		}                                                            \
	} while (0)

static uint64_t rnd(mach *m)
{
	/* splitmix64 */
	uint64_t z = (m->rng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t rnd_in(mach *m, uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)(rnd(m) % (uint64_t)(hi - lo + 1));
}

/* Word 0 of a line holds enc(line index, version): a unique value per write;
 * word 1 the LL/SC counter. */
static uint64_t enc(int li, uint64_t ver)
{
	return (uint64_t)(li + 1) << 40 | ver;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static void wr64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static int line_index(const mach *m, uint64_t line)
{
	for (int i = 0; i < m->nl; i++)
		if (m->line[i] == line)
			return i;
	return -1;
}

static bool readable_state(enum coh_cstate s)
{
	return s == COH_C_S || s == COH_C_E || s == COH_C_M || s == COH_C_SM_AD;
}

/* ---------------- engine callbacks ---------------- */

static void cb_send(void *opaque, coh_msg *msg)
{
	nodectx *c = opaque;
	mach *m = c->m;
	CHECK(m, msg->src == c->id && msg->dst < m->nn, "%s from %d to %d",
	      coh_type_name(msg->type), msg->src, msg->dst);
	CHECK(m, msg->version == COH_MSG_VERSION, "version %u", msg->version);
	CHECK(m, msg->len == 0 || msg->len == COH_LINE_BYTES, "len %u", msg->len);
	uint64_t min = msg->send_time + (msg->dst == msg->src ? 0 : m->p.hop);
	if (msg->type == COH_RETRY)
		min += m->p.nak_backoff;
	CHECK(m, msg->deliver_time >= min, "%s delivered at %llu, sent %llu",
	      coh_type_name(msg->type), (unsigned long long)msg->deliver_time,
	      (unsigned long long)msg->send_time);
	CHECK(m, msg->deliver_time >= m->last[msg->src][msg->dst], "pair order %d->%d broken",
	      msg->src, msg->dst);
	CHECK(m, msg->type != COH_RETRY || msg->dst == msg->src, "RETRY to another node");
	m->last[msg->src][msg->dst] = msg->deliver_time;
	/* a slower network: any extra delay, FIFO per pair (all that the
	 * protocol assumes, PROTOCOL.md 2), so that races between pairs happen
	 * that uniform hops never produce */
	uint64_t d = msg->deliver_time;
	if (m->jitter_max)
		d += rnd_in(m, 0, m->jitter_max);
	if (m->jitter_far && rnd_in(m, 0, 31) == 0)
		d += rnd_in(m, 0, m->jitter_far);
	if (msg->type == m->delay_type && msg->src == m->delay_src && msg->dst == m->delay_dst)
		d += m->delay;
	if (d < m->lastj[msg->src][msg->dst])
		d = m->lastj[msg->src][msg->dst];
	m->lastj[msg->src][msg->dst] = d;
	msg->deliver_time = d;
	msg->seq = m->seq[msg->src]++;
	CHECK(m, coh_queue_push(&m->q, msg) == 0, "out of memory");
}

static void cb_wake(void *opaque, int req, uint64_t line, uint64_t time, enum coh_miss_class cls,
		    uint64_t latency)
{
	nodectx *c = opaque;
	mach *m = c->m;
	CHECK(m, req >= 0 && req < m->nr, "wake of requester %d", req);
	hreq *r = &m->rq[c->id][req];
	CHECK(m, r->state == H_WAIT, "node %d requester %d woken in state %d", c->id, req,
	      r->state);
	CHECK(m, line == m->line[r->li], "woken for %#llx, waits for %#llx",
	      (unsigned long long)line, (unsigned long long)m->line[r->li]);
	CHECK(m, time >= m->now, "woken in the past: %llu", (unsigned long long)time);
	CHECK(m, cls < COH_MISS_NCLASS, "class %d", cls);
	r->state = H_READY;
	r->woken = true;
	r->t = time + (m->wake_delay_max ? rnd_in(m, 0, (uint32_t)m->wake_delay_max) : 0);
	r->last_cls = cls;
	r->last_lat = latency;
	m->wakes++;
	m->wake_latency += latency;
}

static void cb_lose(void *opaque, uint64_t line, bool keep_read)
{
	nodectx *c = opaque;
	mach *m = c->m;
	int li = line_index(m, line);
	CHECK(m, li >= 0, "lose of an unknown line %#llx", (unsigned long long)line);
	for (int i = 0; i < m->nr; i++)
		if (m->rq[c->id][i].linked && m->rq[c->id][i].li == li)
			m->rq[c->id][i].linked = false;
}

static void cb_filled(void *opaque, uint64_t line)
{
	nodectx *c = opaque;
	CHECK(c->m, line_index(c->m, line) >= 0, "filled an unknown line");
}

static void cb_hot(void *opaque, uint64_t page, int node, uint32_t count, uint64_t time)
{
	nodectx *c = opaque;
	mach *m = c->m;
	m->hot_events++;
	m->hot_page = page;
	m->hot_node = node;
	m->hot_count = count;
}

static const coh_node_ops ops = {
	.send = cb_send,
	.wake = cb_wake,
	.lose = cb_lose,
	.filled = cb_filled,
	.hot_page = cb_hot,
};

/* ---------------- the machine ---------------- */

static void mach_init(mach *m, unsigned seed, int nn, int nr, uint64_t mem_bytes,
		      const coh_proto_params *p)
{
	memset(m, 0, sizeof(*m));
	m->seed = seed;
	m->rng = seed * 0x2545f4914f6cdd1dull + 1;
	m->nn = nn;
	m->nr = nr;
	m->mem_bytes = mem_bytes;
	m->p = *p;
	m->pct_load = 100;
	coh_queue_init(&m->q);
	for (int i = 0; i < nn; i++) {
		m->mem[i] = calloc(1, mem_bytes);
		assert_non_null(m->mem[i]);
		m->ctx[i] = (nodectx){m, i};
		m->node[i] = coh_node_new(i, nn, m->mem[i], mem_bytes, nr, p, &ops, &m->ctx[i]);
		assert_non_null(m->node[i]);
		for (int j = 0; j < nr; j++) {
			m->rq[i][j] = (hreq){.node = i, .id = j, .state = H_DONE};
		}
	}
}

/* Lines under test: their initial values go into the homes' memories. */
static void mach_add_line(mach *m, uint64_t addr)
{
	assert_true(m->nl < MAXL);
	int li = m->nl++;
	m->line[li] = addr;
	uint8_t *p = m->mem[addr / m->mem_bytes] + addr % m->mem_bytes;
	wr64(p, enc(li, 0));
	wr64(p + 8, 0);
}

static void mach_free(mach *m)
{
	for (int i = 0; i < m->nn; i++) {
		coh_node_free(m->node[i]);
		free(m->mem[i]);
	}
	coh_queue_free(&m->q);
}

static hreq *req_of(mach *m, int node, int id)
{
	return &m->rq[node][id];
}

/* Requester (node, id) will run `left` more operations from time t. */
static void req_start(mach *m, int node, int id, int left, uint64_t t)
{
	hreq *r = req_of(m, node, id);
	r->left = left;
	r->state = H_SLEEP;
	r->t = t;
	r->op = OP_NONE;
}

static uint64_t think(mach *m)
{
	return m->think_max ? rnd_in(m, 0, (uint32_t)m->think_max) : 0;
}

static void op_done(mach *m, hreq *r, uint64_t t)
{
	r->op = OP_NONE;
	r->state = H_SLEEP;
	r->t = t + think(m);
	m->ops_done++;
}

/* Other requesters of the node lose their reservation on a line stored to. */
static void store_clears_links(mach *m, hreq *r, int li)
{
	for (int i = 0; i < m->nr; i++) {
		hreq *o = &m->rq[r->node][i];
		if (o != r && o->linked && o->li == li)
			o->linked = false;
	}
}

/* The access of r hit at time t with the line's bytes d: check and do it. */
static void perform(mach *m, hreq *r, uint8_t *d, bool write, uint64_t t)
{
	int li = r->li;
	uint64_t line = m->line[li];
	coh_node *n = m->node[r->node];
	enum coh_cstate st = coh_cache_state(n, line);
	uint64_t w0 = rd64(d), ctr = rd64(d + 8);
	CHECK(m, w0 >> 40 == (uint64_t)li + 1, "node %d line %d holds %#llx", r->node, li,
	      (unsigned long long)w0);
	uint64_t ver = w0 & ((1ull << 40) - 1);
	if (st == COH_C_IS_DI) {
		/* a load completed after an INV: the value may be older than
		 * the last write, but not older than the access */
		CHECK(m, !write, "a store hit on a one-shot line");
		CHECK(m, ver >= r->start_ver && ver <= m->ref_ver[li],
		      "one-shot read of line %d: version %llu, access began at %llu, now %llu", li,
		      (unsigned long long)ver, (unsigned long long)r->start_ver,
		      (unsigned long long)m->ref_ver[li]);
		CHECK(m, ctr >= r->start_ctr && ctr <= m->ref_ctr[li], "one-shot counter");
		m->oneshot_reads++;
	} else {
		CHECK(m, readable_state(st), "hit in state %s", coh_cstate_name(st));
		CHECK(m, ver == m->ref_ver[li] && ctr == m->ref_ctr[li],
		      "node %d req %d reads line %d version %llu counter %llu, reference %llu %llu "
		      "(state %s)",
		      r->node, r->id, li, (unsigned long long)ver, (unsigned long long)ctr,
		      (unsigned long long)m->ref_ver[li], (unsigned long long)m->ref_ctr[li],
		      coh_cstate_name(st));
		/* single writer / multiple readers */
		for (int j = 0; j < m->nn; j++) {
			if (j == r->node)
				continue;
			enum coh_cstate o = coh_cache_state(m->node[j], line);
			if (write || st == COH_C_E || st == COH_C_M)
				CHECK(m, !readable_state(o),
				      "node %d writes line %d while node %d has it %s", r->node, li,
				      j, coh_cstate_name(o));
			else
				CHECK(m, o != COH_C_E && o != COH_C_M,
				      "node %d reads line %d in %s while node %d has it %s",
				      r->node, li, coh_cstate_name(st), j, coh_cstate_name(o));
		}
	}
	CHECK(m, ver >= r->seen_ver[li] && ctr >= r->seen_ctr[li],
	      "node %d req %d saw line %d go back: %llu after %llu", r->node, r->id, li,
	      (unsigned long long)ver, (unsigned long long)r->seen_ver[li]);
	r->seen_ver[li] = ver;
	r->seen_ctr[li] = ctr;
	if (write)
		CHECK(m, st == COH_C_M, "store hit leaves %s", coh_cstate_name(st));

	switch (r->op) {
	case OP_LOAD: op_done(m, r, t); break;
	case OP_STORE:
		ver = ++m->ref_ver[li];
		wr64(d, enc(li, ver));
		r->seen_ver[li] = ver;
		store_clears_links(m, r, li);
		op_done(m, r, t);
		break;
	case OP_LLSC:
		if (r->phase == 0) { /* LL */
			r->linked = true;
			r->ll_val = ctr;
			r->phase = 1;
			r->state = H_SLEEP;
			r->t = t + think(m);
			break;
		}
		if (r->linked) { /* SC succeeds */
			CHECK(m, ctr == r->ll_val, "SC of line %d: counter %llu, LL read %llu", li,
			      (unsigned long long)ctr, (unsigned long long)r->ll_val);
			wr64(d + 8, ctr + 1);
			m->ref_ctr[li]++;
			m->sc_ok[li]++;
			r->seen_ctr[li] = ctr + 1;
			store_clears_links(m, r, li);
		} else {
			m->sc_fail++;
		}
		r->linked = false;
		op_done(m, r, t);
		break;
	default: CHECK(m, false, "no operation");
	}
}

/* r accesses its line at time t (first try or retry after a wake). */
static void do_access(mach *m, hreq *r, uint64_t t)
{
	bool write = r->op == OP_STORE || (r->op == OP_LLSC && r->phase == 1);
	coh_node *n = m->node[r->node];
	uint8_t *d = NULL;
	bool retry = r->woken;
	r->woken = false;
	r->state = H_BUSY;
	int res = coh_access(n, r->id, m->line[r->li] + (write ? 8 : 0), write, t, &d);
	/* a wake means the miss completed and the line is held for the retry */
	CHECK(m, !retry || res == COH_HIT, "node %d requester %d missed on its retry", r->node,
	      r->id);
	if (res == COH_HIT) {
		CHECK(m, d != NULL, "hit without data");
		perform(m, r, d, write, t);
	} else {
		CHECK(m, res == COH_MISS, "coh_access returned %d", res);
		r->state = H_WAIT;
	}
	if (retry)
		coh_release(n, r->id, t);
}

static void step(mach *m, hreq *r)
{
	uint64_t t = r->t;
	if (r->state == H_READY) {
		do_access(m, r, t);
		return;
	}
	if (r->op == OP_LLSC && r->phase == 1) { /* SC */
		if (!r->linked) {
			m->sc_fail++;
			op_done(m, r, t);
		} else {
			do_access(m, r, t);
		}
		return;
	}
	if (r->left == 0) {
		r->state = H_DONE;
		return;
	}
	r->left--;
	if (r->forced_op != OP_NONE) {
		r->op = r->forced_op;
		r->li = r->forced_li;
	} else {
		uint32_t x = rnd_in(m, 0, 99);
		r->op = x < (uint32_t)m->pct_load				   ? OP_LOAD
			: x < (uint32_t)(m->pct_load + m->pct_store)		   ? OP_STORE
			: x < (uint32_t)(m->pct_load + m->pct_store + m->pct_llsc) ? OP_LLSC
										   : OP_EVICT;
		r->li = (int)rnd_in(m, 0, (uint32_t)m->nl - 1);
		if (r->op == OP_LLSC && r->linked)
			r->linked = false;
	}
	r->phase = 0;
	r->start_ver = m->ref_ver[r->li];
	r->start_ctr = m->ref_ctr[r->li];
	if (r->op == OP_EVICT) {
		coh_evict(m->node[r->node], m->line[r->li], t);
		op_done(m, r, t);
		return;
	}
	do_access(m, r, t);
}

/* Runs until nothing is left to do; fails past time tmax (livelock). */
static void run(mach *m, uint64_t tmax)
{
	for (;;) {
		const coh_msg *h = coh_queue_head(&m->q);
		hreq *best = NULL;
		for (int i = 0; i < m->nn; i++)
			for (int j = 0; j < m->nr; j++) {
				hreq *r = &m->rq[i][j];
				if ((r->state == H_SLEEP || r->state == H_READY) &&
				    (!best || r->t < best->t))
					best = r;
			}
		if (!h && !best)
			return;
		if (h && (!best || h->deliver_time <= best->t)) {
			coh_msg msg;
			coh_queue_pop(&m->q, &msg);
			CHECK(m, msg.deliver_time >= m->now, "time went back");
			m->now = msg.deliver_time;
			CHECK(m, m->now <= tmax, "still running at the time bound (livelock?)");
			coh_node *n = m->node[msg.dst];
			if (msg.type >= COH_FWD_GET && msg.type < COH_TYPE_END)
				m->cov_cache[msg.type][coh_cache_state(n, msg.addr)]++;
			else if (msg.type >= COH_GET && msg.type <= COH_UNBLOCK)
				m->cov_home[msg.type][coh_dir_state(n, msg.addr, NULL, NULL)]++;
			coh_handle(n, &msg, m->now);
			continue;
		}
		CHECK(m, best->t >= m->now, "requester time went back");
		m->now = best->t;
		CHECK(m, m->now <= tmax, "still running at the time bound (livelock?)");
		step(m, best);
	}
}

/* Quiescence and the data-value invariant at rest: memory of U/S lines and
 * the owner's copy of E lines hold the reference; no two owners. */
static void check_at_rest(mach *m)
{
	for (int i = 0; i < m->nn; i++)
		CHECK(m, coh_node_quiescent(m->node[i]), "node %d not quiescent", i);
	for (int li = 0; li < m->nl; li++) {
		uint64_t line = m->line[li];
		int home = (int)(line / m->mem_bytes);
		uint64_t sharers;
		int owner;
		enum coh_dstate ds = coh_dir_state(m->node[home], line, &sharers, &owner);
		const uint8_t *p = m->mem[home] + line % m->mem_bytes;
		int owners = 0;
		for (int j = 0; j < m->nn; j++) {
			enum coh_cstate s = coh_cache_state(m->node[j], line);
			CHECK(m, s <= COH_C_M, "node %d line %d in %s at rest", j, li,
			      coh_cstate_name(s));
			if (s == COH_C_E || s == COH_C_M) {
				owners++;
				CHECK(m, ds == COH_D_E && owner == j,
				      "owner %d not in the directory", j);
				p = coh_cache_data(m->node[j], line);
			}
			if (s == COH_C_S) {
				CHECK(m, ds == COH_D_S && (sharers >> j & 1), "sharer %d unknown",
				      j);
				const uint8_t *d = coh_cache_data(m->node[j], line);
				CHECK(m,
				      rd64(d) == enc(li, m->ref_ver[li]) &&
					      rd64(d + 8) == m->ref_ctr[li],
				      "stale S copy of line %d at node %d", li, j);
			}
		}
		CHECK(m, owners <= 1 && (ds != COH_D_E || owners == 1),
		      "line %d: %d owners, dir %s", li, owners, coh_dstate_name(ds));
		CHECK(m, rd64(p) == enc(li, m->ref_ver[li]) && rd64(p + 8) == m->ref_ctr[li],
		      "line %d at rest: %#llx/%llu, reference %llu/%llu", li,
		      (unsigned long long)rd64(p), (unsigned long long)rd64(p + 8),
		      (unsigned long long)m->ref_ver[li], (unsigned long long)m->ref_ctr[li]);
	}
}

/* ---------------- unit tests: paths and latencies ---------------- */

/* One operation of requester (node, 0) on line li at time t, run to the end;
 * returns the requester. */
static hreq *one_op(mach *m, int node, int op, int li, uint64_t t)
{
	hreq *r = req_of(m, node, 0);
	r->forced_op = op;
	r->forced_li = li;
	r->last_cls = -1;
	r->last_lat = 0;
	req_start(m, node, 0, 1, t);
	run(m, t + 100000);
	assert_int_equal(r->state, H_DONE);
	return r;
}

static mach *new_default(int nn)
{
	coh_proto_params p;
	coh_proto_params_default(&p);
	mach *m = malloc(sizeof(*m));
	assert_non_null(m);
	mach_init(m, 0, nn, 1, 8192, &p);
	return m;
}

static void free_mach(mach *m)
{
	mach_free(m);
	free(m);
}

static void test_defaults(void **state)
{
	coh_proto_params p;
	coh_proto_params_default(&p);
	assert_int_equal(p.hop, 60);
	assert_int_equal(p.dir, 10);
	assert_int_equal(p.mem, 50);
	assert_int_equal(p.cache, 10);
	assert_int_equal(p.nak_backoff, 20);
	assert_int_equal(p.l2_bytes, 1u << 20);
	assert_int_equal(p.l2_ways, 2);
	assert_int_equal(p.hot_threshold, 0);
	/* DESIGN.md 2: 300 ns local, 900 ns remote clean at 200 MHz */
	assert_int_equal((p.dir + p.mem) * 1000000000ull / COH_CPU_HZ, 300);
	assert_int_equal((2 * p.hop + p.dir + p.mem) * 1000000000ull / COH_CPU_HZ, 900);
}

static void test_latency_local(void **state)
{
	mach *m = new_default(3);
	mach_add_line(m, 0x100); /* homed at node 0 */
	hreq *r = one_op(m, 0, OP_LOAD, 0, 1000);
	assert_int_equal(r->last_cls, COH_MISS_LOCAL);
	assert_int_equal(r->last_lat, m->p.dir + m->p.mem);
	assert_int_equal(coh_cache_state(m->node[0], 0x100), COH_C_E);
	const coh_node_stats *s = coh_node_stats_of(m->node[0]);
	assert_int_equal(s->miss_by_class[COH_MISS_LOCAL], 1);
	assert_int_equal(s->latency_by_class[COH_MISS_LOCAL], m->p.dir + m->p.mem);
	assert_int_equal(s->hits, 1); /* the retry */
	check_at_rest(m);
	free_mach(m);
}

static void test_latency_remote(void **state)
{
	mach *m = new_default(3);
	mach_add_line(m, 8192 + 0x80); /* homed at node 1 */
	hreq *r = one_op(m, 2, OP_LOAD, 0, 1000);
	assert_int_equal(r->last_cls, COH_MISS_REMOTE);
	assert_int_equal(r->last_lat, 2 * m->p.hop + m->p.dir + m->p.mem);
	/* node 2 holds it E now: a store from node 0 is forwarded there */
	r = one_op(m, 0, OP_STORE, 0, 5000);
	assert_int_equal(r->last_cls, COH_MISS_3HOP);
	assert_int_equal(r->last_lat, 3 * m->p.hop + 2 * m->p.dir + m->p.cache);
	check_at_rest(m);
	free_mach(m);
}

static void test_latency_3hop(void **state)
{
	mach *m = new_default(3);
	mach_add_line(m, 0x80); /* homed at node 0 */
	one_op(m, 1, OP_STORE, 0, 1000);
	assert_int_equal(coh_cache_state(m->node[1], 0x80), COH_C_M);
	hreq *r = one_op(m, 2, OP_LOAD, 0, 5000);
	assert_int_equal(r->last_cls, COH_MISS_3HOP);
	assert_int_equal(r->last_lat, 3 * m->p.hop + 2 * m->p.dir + m->p.cache);
	assert_int_equal(coh_cache_state(m->node[1], 0x80), COH_C_S);
	assert_int_equal(coh_cache_state(m->node[2], 0x80), COH_C_S);
	uint64_t sharers;
	assert_int_equal(coh_dir_state(m->node[0], 0x80, &sharers, NULL), COH_D_S);
	assert_int_equal(sharers, 6);
	check_at_rest(m);
	free_mach(m);
}

static void test_latency_local_home_remote_owner(void **state)
{
	mach *m = new_default(3);
	mach_add_line(m, 0x80); /* homed at node 0 */
	one_op(m, 1, OP_STORE, 0, 1000);
	hreq *r = one_op(m, 0, OP_LOAD, 0, 5000);
	/* GET to itself (0 hops), FWD_GET to 1, DATA back */
	assert_int_equal(r->last_cls, COH_MISS_3HOP);
	assert_int_equal(r->last_lat, 2 * m->p.hop + 2 * m->p.dir + m->p.cache);
	check_at_rest(m);
	free_mach(m);
}

static void test_latency_upgrade(void **state)
{
	mach *m = new_default(3);
	mach_add_line(m, 0x80);		/* homed at node 0 */
	one_op(m, 1, OP_LOAD, 0, 1000); /* E at 1 */
	one_op(m, 2, OP_LOAD, 0, 3000); /* S at 1 and 2 */
	hreq *r = one_op(m, 2, OP_STORE, 0, 6000);
	/* UPGRADE to the home, INV to 1 and UPG_ACK to 2 in parallel, INV_ACK
	 * from 1 to 2: hop + dir + hop + dir + hop */
	assert_int_equal(r->last_cls, COH_MISS_REMOTE);
	assert_int_equal(r->last_lat, 3 * m->p.hop + 2 * m->p.dir);
	assert_int_equal(coh_node_stats_of(m->node[2])->upgrades, 1);
	assert_int_equal(coh_cache_state(m->node[1], 0x80), COH_C_I);
	assert_int_equal(coh_cache_state(m->node[2], 0x80), COH_C_M);
	check_at_rest(m);
	free_mach(m);
}

/* Requester (node, id) will do op on line li at time t. */
static void plan(mach *m, int node, int id, int op, int li, uint64_t t)
{
	hreq *r = req_of(m, node, id);
	r->forced_op = op;
	r->forced_li = li;
	req_start(m, node, id, 1, t);
}

/* IS_DI: the INV of a store at node 3 overtakes the DATA that node 1 (the
 * old owner) forwards to node 2. Requester 0 of node 2, waiting since before
 * the INV, takes the data once (its load is ordered before the store);
 * requester 1, which merged after the INV (the store had completed), must
 * not: it gets the new value by a GET of its own. */
static void test_oneshot_merge(void **state)
{
	coh_proto_params p;
	coh_proto_params_default(&p);
	mach *m = malloc(sizeof(*m));
	assert_non_null(m);
	mach_init(m, 0, 4, 2, 8192, &p);
	mach_add_line(m, 0x80); /* homed at node 0 */
	plan(m, 1, 0, OP_STORE, 0, 1000);
	run(m, 100000);
	assert_int_equal(coh_cache_state(m->node[1], 0x80), COH_C_M);
	m->delay_type = COH_DATA;
	m->delay_src = 1;
	m->delay_dst = 2;
	m->delay = 2000;
	plan(m, 2, 0, OP_LOAD, 0, 5000);  /* GET, forwarded to 1; its DATA is slow */
	plan(m, 3, 0, OP_STORE, 0, 5400); /* GETX: INV to 1 and 2, done at ~5700 */
	plan(m, 2, 1, OP_LOAD, 0, 6000);  /* merges with IS_DI */
	run(m, 100000);
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 2; j++)
			assert_int_equal(req_of(m, i, j)->state, H_DONE);
	assert_int_equal(m->ref_ver[0], 2);
	assert_int_equal(m->oneshot_reads, 1);
	assert_int_equal(req_of(m, 2, 0)->seen_ver[0], 1); /* the one-shot data */
	assert_int_equal(req_of(m, 2, 1)->seen_ver[0], 2); /* a GET of its own */
	assert_int_equal(coh_node_stats_of(m->node[2])->msgs_out[COH_GET], 2);
	check_at_rest(m);
	free_mach(m);
}

static void test_nak_retry(void **state)
{
	mach *m = new_default(4);
	mach_add_line(m, 0x80); /* homed at node 0 */
	m->pct_load = 0;
	m->pct_store = 100;
	for (int i = 0; i < 4; i++) {
		req_of(m, i, 0)->forced_op = OP_STORE;
		req_of(m, i, 0)->forced_li = 0;
		req_start(m, i, 0, 20, 100);
	}
	run(m, 10000000);
	uint64_t naks_sent = 0, naks_received = 0, retries = 0;
	for (int i = 0; i < 4; i++) {
		assert_int_equal(req_of(m, i, 0)->state, H_DONE);
		const coh_node_stats *s = coh_node_stats_of(m->node[i]);
		naks_sent += s->naks_sent;
		naks_received += s->naks_received;
		retries += s->msgs_in[COH_RETRY];
	}
	assert_true(naks_sent > 0);
	assert_int_equal(naks_sent, naks_received);
	assert_int_equal(retries, naks_received);
	assert_int_equal(m->ref_ver[0], 80);
	check_at_rest(m);
	free_mach(m);
}

static void test_hot_page(void **state)
{
	coh_proto_params p;
	coh_proto_params_default(&p);
	p.hot_threshold = 3;
	mach *m = malloc(sizeof(*m));
	assert_non_null(m);
	mach_init(m, 0, 2, 1, 8192, &p);
	for (int i = 0; i < 7; i++)
		mach_add_line(m, 4096 + 128 * i); /* page 1 of node 0 */
	mach_add_line(m, 0);			  /* page 0 of node 0 */
	one_op(m, 1, OP_LOAD, 0, 1000);
	one_op(m, 1, OP_LOAD, 7, 2000); /* other page */
	one_op(m, 1, OP_LOAD, 1, 3000);
	one_op(m, 0, OP_LOAD, 2, 4000); /* other node */
	assert_int_equal(m->hot_events, 0);
	one_op(m, 1, OP_LOAD, 3, 5000);
	assert_int_equal(m->hot_events, 1);
	assert_int_equal(m->hot_page, 4096);
	assert_int_equal(m->hot_node, 1);
	assert_int_equal(m->hot_count, 3);
	/* the counter starts again */
	one_op(m, 1, OP_LOAD, 4, 6000);
	one_op(m, 1, OP_LOAD, 5, 7000);
	assert_int_equal(m->hot_events, 1);
	one_op(m, 1, OP_STORE, 6, 8000); /* GETX counts too */
	assert_int_equal(m->hot_events, 2);
	assert_int_equal(coh_node_stats_of(m->node[0])->hot_events, 2);
	check_at_rest(m);
	free_mach(m);
}

static void test_params(void **state)
{
	coh_proto_params p;
	coh_proto_params_default(&p);
	static uint8_t mem[4096];
	coh_node *n = coh_node_new(0, 64, mem, sizeof(mem), 4, &p, &ops, NULL);
	assert_non_null(n);
	coh_node_free(n);
	assert_null(coh_node_new(0, 65, mem, sizeof(mem), 4, &p, &ops, NULL));
	assert_null(coh_node_new(2, 2, mem, sizeof(mem), 4, &p, &ops, NULL));
	assert_null(coh_node_new(0, 2, mem, 100, 4, &p, &ops, NULL));
	assert_null(coh_node_new(0, 2, mem, sizeof(mem), 65, &p, &ops, NULL));
	p.l2_bytes = 3 * 256;
	assert_null(coh_node_new(0, 2, mem, sizeof(mem), 1, &p, &ops, NULL));
	assert_string_equal(coh_type_name(COH_FWD_GETX), "FWD_GETX");
	assert_string_equal(coh_type_name(COH_RETRY), "RETRY");
	assert_string_equal(coh_cstate_name(COH_C_IS_DI), "IS_DI");
	assert_string_equal(coh_dstate_name(COH_D_B_XI), "B_XI");
}

/* ---------------- the stress test ---------------- */

static unsigned env_uint(const char *name, unsigned def)
{
	const char *s = getenv(name);
	return s && *s ? (unsigned)strtoul(s, NULL, 0) : def;
}

/* Accumulated over all seeds. */
typedef struct totals {
	uint64_t cov_cache[COH_TYPE_END][NSTATES], cov_home[COH_TYPE_END][NDSTATES];
	uint64_t ops, oneshot_reads, sc_ok, sc_fail, naks, deferred, evictions, hot;
	uint64_t cls[COH_MISS_NCLASS];
} totals;

static void stress_one(unsigned seed, unsigned nops, totals *tot)
{
	mach *m = malloc(sizeof(*m));
	assert_non_null(m);
	mach pre = {.seed = seed, .rng = seed * 0x9e3779b97f4a7c15ull + 7};
	int nn = (int)rnd_in(&pre, 3, MAXN);
	int nr = (int)rnd_in(&pre, 1, MAXR);
	/* a quarter of the machines fight over 1 or 2 lines with many
	 * requesters and a slow network: IS_DI, merges and deferrals abound */
	bool hot = rnd_in(&pre, 0, 3) == 0;
	if (hot)
		nr = (int)rnd_in(&pre, 2, MAXR);
	coh_proto_params p;
	coh_proto_params_default(&p);
	if (rnd_in(&pre, 0, 3)) { /* mostly random timing, to vary the races */
		p.hop = rnd_in(&pre, 1, 100);
		p.dir = rnd_in(&pre, 1, 15);
		p.mem = rnd_in(&pre, 0, 60);
		p.cache = rnd_in(&pre, 0, 15);
		p.nak_backoff = rnd_in(&pre, 1, 60);
	}
	p.l2_ways = rnd_in(&pre, 1, 2);
	p.l2_bytes = p.l2_ways * COH_LINE_BYTES * (rnd_in(&pre, 0, 1) ? 2 : 1);
	p.hot_threshold = rnd_in(&pre, 0, 1) ? rnd_in(&pre, 1, 20) : 0;
	mach_init(m, seed, nn, nr, 8192, &p);
	m->rng = pre.rng;
	/* lines: some share a page, some a set; homed on several nodes */
	int nl = hot ? (int)rnd_in(m, 1, 2) : (int)rnd_in(m, 3, 8);
	while (m->nl < nl) {
		uint64_t addr = (uint64_t)rnd_in(m, 0, (uint32_t)nn - 1) * m->mem_bytes +
				rnd_in(m, 0, 1) * 4096 + rnd_in(m, 0, 3) * COH_LINE_BYTES;
		if (line_index(m, addr) < 0)
			mach_add_line(m, addr);
	}
	if (hot || rnd_in(m, 0, 3)) {
		m->jitter_max = rnd_in(m, 1, 2 * p.hop + 20);
		m->jitter_far = hot || rnd_in(m, 0, 1) ? 10 * p.hop : 0;
	}
	m->think_max = (int)rnd_in(m, 0, 3) * 20;
	m->wake_delay_max = (int)rnd_in(m, 0, 2) * 5;
	m->pct_load = (int)rnd_in(m, 20, 50);
	m->pct_store = (int)rnd_in(m, 15, 35);
	m->pct_llsc = (int)rnd_in(m, 10, 30);
	int per = (int)(nops / (unsigned)(nn * nr)) + 1;
	for (int i = 0; i < nn; i++)
		for (int j = 0; j < nr; j++)
			req_start(m, i, j, per, rnd_in(m, 0, 50));
	uint64_t bound = (uint64_t)per * 200000 + 1000000;
	run(m, bound);
	for (int i = 0; i < nn; i++)
		for (int j = 0; j < nr; j++)
			CHECK(m, m->rq[i][j].state == H_DONE && m->rq[i][j].left == 0,
			      "node %d requester %d did not finish (state %d)", i, j,
			      m->rq[i][j].state);
	check_at_rest(m);
	for (int li = 0; li < m->nl; li++)
		CHECK(m, m->ref_ctr[li] == m->sc_ok[li], "counter of line %d", li);
	uint64_t misses = 0, latency = 0;
	for (int i = 0; i < nn; i++)
		for (int c = 0; c < COH_MISS_NCLASS; c++) {
			misses += coh_node_stats_of(m->node[i])->miss_by_class[c];
			latency += coh_node_stats_of(m->node[i])->latency_by_class[c];
		}
	CHECK(m, misses == m->wakes && latency == m->wake_latency,
	      "statistics: %llu misses, %llu wakes", (unsigned long long)misses,
	      (unsigned long long)m->wakes);

	/* a final read of every line, from some node, through the protocol */
	for (int li = 0; li < m->nl; li++) {
		int node = (int)rnd_in(m, 0, (uint32_t)nn - 1);
		hreq *r = req_of(m, node, 0);
		r->forced_op = OP_LOAD;
		r->forced_li = li;
		uint64_t before = m->ops_done;
		req_start(m, node, 0, 1, m->now + 1);
		run(m, m->now + 1000000);
		CHECK(m, m->ops_done == before + 1 && r->state == H_DONE, "final read of line %d",
		      li);
		CHECK(m, r->seen_ver[li] == m->ref_ver[li] && r->seen_ctr[li] == m->ref_ctr[li],
		      "final read of line %d", li);
		r->forced_op = OP_NONE;
	}
	check_at_rest(m);

	for (int t = 0; t < COH_TYPE_END; t++) {
		for (int s = 0; s < NSTATES; s++)
			tot->cov_cache[t][s] += m->cov_cache[t][s];
		for (int s = 0; s < NDSTATES; s++)
			tot->cov_home[t][s] += m->cov_home[t][s];
	}
	tot->ops += m->ops_done;
	tot->oneshot_reads += m->oneshot_reads;
	tot->sc_fail += m->sc_fail;
	for (int li = 0; li < m->nl; li++)
		tot->sc_ok += m->sc_ok[li];
	for (int i = 0; i < nn; i++) {
		const coh_node_stats *s = coh_node_stats_of(m->node[i]);
		tot->naks += s->naks_sent;
		tot->deferred += s->deferred;
		tot->evictions += s->evictions;
		tot->hot += s->hot_events;
		for (int c = 0; c < COH_MISS_NCLASS; c++)
			tot->cls[c] += s->miss_by_class[c];
	}
	free_mach(m);
}

/* Transitions of PROTOCOL.md 5 the stress runs must have taken: message,
 * and the state it found (cache state, or directory state for the home's).
 * Not listed: DATA in SM_AD, unreachable with FIFO pairs (the home answers
 * an UPGRADE with DATA only once it sent that node an INV, which arrives
 * first and makes it IM_AD), and the rare INV in II_A. */
typedef struct cov_row {
	int type;
	int state;
	bool home;
} cov_row;

static const cov_row must_cover[] = {
	{COH_GET, COH_D_U, true},	   {COH_GET, COH_D_S, true},
	{COH_GET, COH_D_E, true},	   {COH_GET, COH_D_B_SF, true},
	{COH_GET, COH_D_B_XF, true},	   {COH_GET, COH_D_B_XI, true},
	{COH_GETX, COH_D_U, true},	   {COH_GETX, COH_D_S, true},
	{COH_GETX, COH_D_E, true},	   {COH_GETX, COH_D_B_XI, true},
	{COH_UPGRADE, COH_D_S, true},	   {COH_UPGRADE, COH_D_E, true},
	{COH_UPGRADE, COH_D_B_XI, true},   {COH_PUTX, COH_D_E, true},
	{COH_PUTX, COH_D_B_SF, true},	   {COH_PUTX, COH_D_B_XF, true},
	{COH_SWB, COH_D_B_SF, true},	   {COH_XFER, COH_D_B_XF, true},
	{COH_UNBLOCK, COH_D_B_XI, true},   {COH_FWD_GET, COH_C_E, false},
	{COH_FWD_GET, COH_C_M, false},	   {COH_FWD_GET, COH_C_MI_A, false},
	{COH_FWD_GET, COH_C_IM_AD, false}, {COH_FWD_GETX, COH_C_M, false},
	{COH_FWD_GETX, COH_C_MI_A, false}, {COH_FWD_GETX, COH_C_IM_AD, false},
	{COH_INV, COH_C_I, false},	   {COH_INV, COH_C_S, false},
	{COH_INV, COH_C_IS_D, false},	   {COH_INV, COH_C_SM_AD, false},
	{COH_DATA, COH_C_IS_D, false},	   {COH_DATA, COH_C_IS_DI, false},
	{COH_DATA, COH_C_IM_AD, false},	   {COH_INV_ACK, COH_C_SM_AD, false},
	{COH_UPG_ACK, COH_C_SM_AD, false}, {COH_INV_ACK, COH_C_IM_AD, false},
	{COH_INV_ACK, COH_C_IM_A, false},  {COH_NAK, COH_C_IS_D, false},
	{COH_NAK, COH_C_IM_AD, false},	   {COH_NAK, COH_C_SM_AD, false},
	{COH_NAK, COH_C_MI_A, false},	   {COH_RETRY, COH_C_IS_D, false},
	{COH_RETRY, COH_C_IM_AD, false},   {COH_RETRY, COH_C_MI_A, false},
	{COH_WB_ACK, COH_C_MI_A, false},   {COH_WB_ACK, COH_C_II_A, false},
};

static void test_stress(void **state)
{
	unsigned seeds = env_uint("COH_STRESS_SEEDS", 200);
	unsigned seed0 = env_uint("COH_STRESS_SEED0", 1);
	unsigned nops = env_uint("COH_STRESS_OPS", 5000);
	bool verbose = env_uint("COH_STRESS_VERBOSE", 0);
	totals *tot = calloc(1, sizeof(*tot));
	assert_non_null(tot);
	for (unsigned s = seed0; s < seed0 + seeds; s++)
		stress_one(s, nops, tot);
	printf("stress: %u seeds from %u, %llu operations; %llu one-shot reads, %llu SC ok, "
	       "%llu SC failed, %llu NAKs, %llu deferred, %llu evictions, %llu hot-page events; "
	       "misses local %llu, remote %llu, 3-hop %llu\n",
	       seeds, seed0, (unsigned long long)tot->ops, (unsigned long long)tot->oneshot_reads,
	       (unsigned long long)tot->sc_ok, (unsigned long long)tot->sc_fail,
	       (unsigned long long)tot->naks, (unsigned long long)tot->deferred,
	       (unsigned long long)tot->evictions, (unsigned long long)tot->hot,
	       (unsigned long long)tot->cls[COH_MISS_LOCAL],
	       (unsigned long long)tot->cls[COH_MISS_REMOTE],
	       (unsigned long long)tot->cls[COH_MISS_3HOP]);
	if (verbose) {
		for (int t = COH_GET; t < COH_TYPE_END; t++) {
			printf("  %-8s", coh_type_name(t));
			for (int s = 0; s < NSTATES; s++) {
				uint64_t c = t <= COH_UNBLOCK
						     ? (s < NDSTATES ? tot->cov_home[t][s] : 0)
						     : tot->cov_cache[t][s];
				if (c)
					printf(" %s:%llu",
					       t <= COH_UNBLOCK ? coh_dstate_name(s)
								: coh_cstate_name(s),
					       (unsigned long long)c);
			}
			printf("\n");
		}
	}
	if (seeds >= 50) { /* enough runs to expect every transition */
		for (size_t i = 0; i < sizeof(must_cover) / sizeof(must_cover[0]); i++) {
			const cov_row *c = &must_cover[i];
			uint64_t k = c->home ? tot->cov_home[c->type][c->state]
					     : tot->cov_cache[c->type][c->state];
			if (!k)
				fail_msg("no run took %s in %s", coh_type_name(c->type),
					 c->home ? coh_dstate_name(c->state)
						 : coh_cstate_name(c->state));
		}
		assert_true(tot->oneshot_reads > 0 && tot->sc_ok > 0 && tot->sc_fail > 0);
		assert_true(tot->naks > 0 && tot->deferred > 0 && tot->hot > 0);
		assert_true(tot->cls[COH_MISS_LOCAL] && tot->cls[COH_MISS_REMOTE] &&
			    tot->cls[COH_MISS_3HOP]);
	}
	free(tot);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_latency_local),
		cmocka_unit_test(test_latency_remote),
		cmocka_unit_test(test_latency_3hop),
		cmocka_unit_test(test_latency_local_home_remote_owner),
		cmocka_unit_test(test_latency_upgrade),
		cmocka_unit_test(test_oneshot_merge),
		cmocka_unit_test(test_nak_retry),
		cmocka_unit_test(test_hot_page),
		cmocka_unit_test(test_stress),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
