/* coherence/proto.c: the directory protocol engine of one node
 * (coherence/PROTOCOL.md; interface coherence/proto.h). It holds the node's
 * L2 (set-associative, LRU; line states, data and the MSHR state of
 * transient lines), the write-back buffer of lines whose PUTX is out, the
 * directory and memory of the lines the node is home for, the holds of
 * completed lines for woken requesters (with the messages deferred by them),
 * and the occupancy of the node's controller (MAGIC).
 *
 * The handlers are those of PROTOCOL.md 5, one per message type, in the two
 * dispatch tables coh_home_handlers[] and coh_cache_handlers[]; each branch
 * corresponds to the branch of coherence/model/flash.pml that names it.
 * Everything the model asserts false is a coh_panic here.
 *
 * Not thread-safe: one engine is driven by one thread (its node's). The ops
 * callbacks must not call back into the engine.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coherence/panic.h"
#include "coherence/proto.h"

#define COH_LINE_SHIFT 7  /* log2(COH_LINE_BYTES) */
#define COH_PAGE_SHIFT 12 /* hot-page counters count per 4 KiB page */
#define COH_MAX_BITS 64	  /* nodes in a sharer set, requesters in a hold mask */

_Static_assert(COH_LINE_BYTES == 1 << COH_LINE_SHIFT, "COH_LINE_SHIFT");
_Static_assert(COH_TYPE_END <= COH_MSG_NODE_FIRST, "protocol types overlap the node's");

/* The defaults (DESIGN.md 2; the one place they are set). At 200 MHz:
 *   hop 60 cycles = 300 ns, the lookahead (COH_LOOKAHEAD_CYCLES);
 *   dir 10 = 50 ns of handler (directory lookup) occupancy;
 *   mem 50 = 250 ns of memory access at the home;
 *   cache 10 = 50 ns for an owner reading its L2 (the L2 hit time);
 *   nak_backoff 20 = 100 ns before a NAKed request is resent.
 * Hence a local clean miss costs dir + mem = 60 cycles (300 ns), a remote
 * clean miss hop + dir + mem + hop = 180 (900 ns), a 3-hop miss
 * 3 hop + 2 dir + cache = 210 (1050 ns) (PROTOCOL.md 6). L2: 1 MiB, 2-way. */
void coh_proto_params_default(coh_proto_params *p)
{
	*p = (coh_proto_params){
		.hop = 60,
		.dir = 10,
		.mem = 50,
		.cache = 10,
		.nak_backoff = 20,
		.l2_bytes = 1u << 20,
		.l2_ways = 2,
		.hot_threshold = 0,
	};
}

/* ---------------- state ---------------- */

/* One L2 way. A transient line occupies its way; its MSHR is the fields
 * from need on. */
typedef struct coh_way {
	uint64_t line;	  /* machine address of the line (unless state I) */
	uint64_t lru;	  /* last use, from n->tick */
	uint64_t held;	  /* requesters the completed line is held for, bit per requester */
	uint64_t waiters; /* MSHR: requesters waiting for the transaction, bit per requester */
	uint8_t state;	  /* enum coh_cstate: I/S/E/M or a request state (not MI_A/II_A) */
	bool oneshot;	  /* an IS_DI load completed: readable by the holders only; the
			   * release drops it */
	bool retry;	  /* NAKed: our COH_RETRY is on its way */
	bool unblock;	  /* UNBLOCK the home at completion */
	int16_t need;	  /* INV_ACKs to collect; -1 until the DATA / UPG_ACK tells */
	int16_t got;	  /* INV_ACKs collected */
	uint8_t cls;	  /* enum coh_miss_class of the reply that completes the miss */
	uint16_t fwd;	  /* a forward that overtook the DATA (IM_AD): its type, or 0 */
	uint16_t fwd_req; /* and its requester */
} coh_way;

/* A line whose PUTX is out (MI_A, II_A): moved out of its way, kept here
 * with the data to serve a forward that crossed the PUTX. */
typedef struct coh_wb {
	uint64_t line;
	uint8_t state; /* COH_C_MI_A or COH_C_II_A */
	bool dirty;    /* the PUTX carries data */
	bool retry;    /* NAKed: our COH_RETRY is on its way */
	uint8_t data[COH_LINE_BYTES];
} coh_wb;

/* Directory entry of a line homed here (PROTOCOL.md 3). */
typedef struct coh_dir_entry {
	uint64_t sharers; /* D_S: superset of the S copies, bit per node */
	uint16_t owner;	  /* D_E, D_B_SF, D_B_XF */
	uint16_t req;	  /* D_B_*: the requester the entry is busy for */
	uint8_t state;	  /* enum coh_dstate */
} coh_dir_entry;

/* What a requester waits for (after a COH_MISS, until ops->wake). */
enum coh_wait {
	COH_W_NONE,
	COH_W_MSHR, /* the transaction of its line (its own or merged) */
	COH_W_SET,  /* a way of its set: all are transient or held */
	COH_W_HELD, /* the end of the hold of its line (for other requesters) */
	COH_W_WB,   /* the end of its line's write-back (WB_ACK) */
};

typedef struct coh_requester {
	uint8_t wait;	  /* enum coh_wait */
	bool write;	  /* the access it waits to retry */
	bool pre_inv;	  /* COH_W_MSHR: waited before the line's IS_D -> IS_DI, so its load
			   * is ordered before the write that INV served: it may use the
			   * one-shot data */
	bool open;	  /* a miss is being timed from `first` */
	uint64_t line;	  /* the line it waits for */
	uint64_t first;	  /* time of the first coh_access of the open miss */
	uint32_t nheld;	  /* ways held for it (coh_release looks for them only then) */
	uint32_t held[4]; /* their indices, while nheld <= 4 and !held_lost */
	bool held_lost;	  /* more were held than held[] keeps: scan on release */
} coh_requester;

struct coh_node {
	int self, nnodes, nreq;
	coh_proto_params p;
	const coh_node_ops *ops;
	void *opaque;

	uint8_t *mem; /* home memory: machine addresses [base, base + mem_bytes) */
	uint64_t mem_bytes, base;

	uint32_t nsets, nways;
	coh_way *ways;	/* nsets * nways, set-major */
	uint8_t *ldata; /* their data, COH_LINE_BYTES each */
	uint64_t tick;	/* LRU clock */
	coh_wb *wb;	/* write-back buffer */
	size_t nwb, capwb;

	coh_dir_entry *dir; /* mem_bytes / COH_LINE_BYTES entries */
	uint64_t nbusy;	    /* entries in a busy state */
	uint32_t *hot;	    /* [page][node] request counts; NULL: hot_threshold 0 */

	coh_requester *rq; /* nreq */
	coh_msg *dq;	   /* messages deferred by holds, in arrival order */
	size_t ndq, capdq;

	uint64_t busy_until;	 /* MAGIC is occupied until then */
	uint64_t *last_sent;	 /* [dst]: latest deliver_time sent to dst (pair order) */
	uint64_t h_start, h_occ; /* the running handler: start time, occupancy so far */
	bool retrying;		 /* recheck_waiters retries an access */

	coh_node_stats st;
};

/* Holds way w for requester i until its coh_release (proto.h). */
static void hold(coh_node *n, coh_way *w, int i)
{
	coh_requester *r = &n->rq[i];
	if (!(w->held & (1ull << i))) {
		if (r->nheld < 4)
			r->held[r->nheld] = (uint32_t)(w - n->ways);
		else
			r->held_lost = true;
		r->nheld++;
	}
	w->held |= 1ull << i;
}

typedef void coh_handler(coh_node *n, const coh_msg *m);

/* ---------------- names and panics ---------------- */

static const char *const type_names[COH_TYPE_END] = {
	[COH_MSG_NONE] = "NONE",   [COH_MSG_TEST] = "TEST",	[COH_GET] = "GET",
	[COH_GETX] = "GETX",	   [COH_UPGRADE] = "UPGRADE",	[COH_PUTX] = "PUTX",
	[COH_SWB] = "SWB",	   [COH_XFER] = "XFER",		[COH_UNBLOCK] = "UNBLOCK",
	[COH_FWD_GET] = "FWD_GET", [COH_FWD_GETX] = "FWD_GETX", [COH_INV] = "INV",
	[COH_DATA] = "DATA",	   [COH_UPG_ACK] = "UPG_ACK",	[COH_INV_ACK] = "INV_ACK",
	[COH_NAK] = "NAK",	   [COH_WB_ACK] = "WB_ACK",	[COH_RETRY] = "RETRY",
};

const char *coh_type_name(int type)
{
	if (type >= COH_MSG_NODE_FIRST)
		return "NODE";
	if (type < 0 || type >= COH_TYPE_END || !type_names[type])
		return "?";
	return type_names[type];
}

const char *coh_cstate_name(enum coh_cstate s)
{
	static const char *const names[] = {
		[COH_C_I] = "I",	 [COH_C_S] = "S",	  [COH_C_E] = "E",
		[COH_C_M] = "M",	 [COH_C_IS_D] = "IS_D",	  [COH_C_IS_DI] = "IS_DI",
		[COH_C_IM_AD] = "IM_AD", [COH_C_SM_AD] = "SM_AD", [COH_C_IM_A] = "IM_A",
		[COH_C_MI_A] = "MI_A",	 [COH_C_II_A] = "II_A",
	};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

const char *coh_dstate_name(enum coh_dstate s)
{
	static const char *const names[] = {
		[COH_D_U] = "U",       [COH_D_S] = "S",	      [COH_D_E] = "E",
		[COH_D_B_SF] = "B_SF", [COH_D_B_XF] = "B_XF", [COH_D_B_XI] = "B_XI",
	};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

/* A message the protocol does not allow in this state (the model asserts
 * false): names the node, line, state and message, then aborts. */
#define coh_panic(n, m, state, why) coh__panic(n, m, state, why, __FILE__, __LINE__)

static _Noreturn void coh__panic(const coh_node *n, const coh_msg *m, const char *state,
				 const char *why, const char *file, int line)
{
	fprintf(stderr,
		"discoflash: %s:%d: coherence protocol error at node %d: line %#llx in state %s: "
		"%s from node %d (req %d, acks %d, flags %#x): %s\n",
		file, line, n->self, (unsigned long long)m->addr, state, coh_type_name(m->type),
		m->src, m->req, m->acks, m->flags, why);
	abort();
}

/* ---------------- small helpers ---------------- */

static inline uint64_t max64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static inline uint64_t line_of(uint64_t addr)
{
	return addr & ~(uint64_t)(COH_LINE_BYTES - 1);
}

static inline int home_of(const coh_node *n, uint64_t line)
{
	return (int)(line / n->mem_bytes);
}

static inline bool readable(const coh_way *w)
{
	return w->state == COH_C_S || w->state == COH_C_E || w->state == COH_C_M ||
	       w->state == COH_C_SM_AD;
}

static inline bool stable(uint8_t s)
{
	return s <= COH_C_M;
}

static inline uint8_t *way_data(const coh_node *n, const coh_way *w)
{
	return n->ldata + (size_t)(w - n->ways) * COH_LINE_BYTES;
}

static inline coh_way *set_of(const coh_node *n, uint64_t line)
{
	uint64_t set = (line >> COH_LINE_SHIFT) & (n->nsets - 1);
	return n->ways + set * n->nways;
}

/* The way holding line (any state but I), or NULL. */
static coh_way *way_find(const coh_node *n, uint64_t line)
{
	coh_way *s = set_of(n, line);
	for (uint32_t i = 0; i < n->nways; i++)
		if (s[i].state != COH_C_I && s[i].line == line)
			return &s[i];
	return NULL;
}

static coh_wb *wb_find(const coh_node *n, uint64_t line)
{
	for (size_t i = 0; i < n->nwb; i++)
		if (n->wb[i].line == line)
			return &n->wb[i];
	return NULL;
}

static void wb_remove(coh_node *n, coh_wb *b)
{
	*b = n->wb[--n->nwb];
}

static coh_dir_entry *dir_of(coh_node *n, const coh_msg *m)
{
	if (m->addr < n->base || m->addr - n->base >= n->mem_bytes)
		coh_panic(n, m, "-", "a request for a line homed elsewhere");
	return &n->dir[(m->addr - n->base) >> COH_LINE_SHIFT];
}

static void set_dstate(coh_node *n, coh_dir_entry *e, enum coh_dstate s)
{
	bool was = e->state >= COH_D_B_SF, is = s >= COH_D_B_SF;
	n->nbusy += (uint64_t)is - (uint64_t)was;
	e->state = (uint8_t)s;
}

/* ---------------- sending and occupancy ---------------- */

/* A handler starts when MAGIC is free and the message is there. */
static void h_begin(coh_node *n, uint64_t now)
{
	n->h_start = max64(now, n->busy_until);
	n->h_occ = n->p.dir;
}

/* The running handler occupies MAGIC `cycles` more; call before its sends. */
static inline void h_occupy(coh_node *n, uint32_t cycles)
{
	n->h_occ += cycles;
}

/* When the running handler's messages leave. */
static inline uint64_t h_out(const coh_node *n)
{
	return n->h_start + n->h_occ;
}

/* Sends a message leaving at `at`, delivered after the hop (none to itself)
 * plus `delay`, no earlier than the previous one to the same node. data:
 * the line's bytes, or NULL for a message without payload. */
static void send_at(coh_node *n, int type, int dst, uint64_t line, int req, int acks,
		    unsigned flags, const uint8_t *data, uint64_t at, uint64_t delay)
{
	coh_msg m;
	memset(&m, 0, sizeof(m));
	m.type = (uint16_t)type;
	m.version = COH_MSG_VERSION;
	m.src = (uint16_t)n->self;
	m.dst = (uint16_t)dst;
	m.flags = (uint16_t)flags;
	m.req = (uint16_t)req;
	m.acks = (uint16_t)acks;
	m.addr = line;
	m.send_time = at;
	uint64_t d = at + (dst == n->self ? 0 : n->p.hop) + delay;
	if (d < n->last_sent[dst])
		d = n->last_sent[dst];
	n->last_sent[dst] = d;
	m.deliver_time = d;
	if (data) {
		m.len = COH_LINE_BYTES;
		memcpy(m.data, data, COH_LINE_BYTES);
	}
	n->st.msgs_out[type]++;
	n->ops->send(n->opaque, &m);
}

/* A message from the running handler. */
static void send_h(coh_node *n, int type, int dst, uint64_t line, int req, int acks, unsigned flags,
		   const uint8_t *data)
{
	send_at(n, type, dst, line, req, acks, flags, data, h_out(n), 0);
}

static void lose(coh_node *n, uint64_t line, bool keep_read)
{
	if (n->ops->lose)
		n->ops->lose(n->opaque, line, keep_read);
}

/* ---------------- requesters: waits, wakes and holds ---------------- */

/* Requester req waits (COH_MISS) for `what` about line; w: the transient
 * way for COH_W_MSHR. */
static void wait_for(coh_node *n, int req, enum coh_wait what, uint64_t line, bool write,
		     uint64_t time, coh_way *w)
{
	coh_requester *r = &n->rq[req];
	if (what == COH_W_MSHR)
		w->waiters |= 1ull << req;
	r->wait = (uint8_t)what;
	r->line = line;
	r->write = write;
	r->pre_inv = false;
	if (!r->open) {
		r->open = true;
		r->first = time;
	}
	if (!n->retrying)
		n->st.misses++; /* not again for the engine's retry */
}

/* The transaction of way w completed at time t with a reply of class cls:
 * every requester waiting for it whose access the line now allows is woken
 * and the line held for it; the others wait for the hold to end. One-shot
 * (IS_DI) data is only for the loads that waited before the INV came: a
 * load that merged after it (the write it served may have completed) could
 * read a value older than one it saw elsewhere (not SC). */
static void wake_line(coh_node *n, coh_way *w, uint64_t t, enum coh_miss_class cls)
{
	uint64_t waiters = w->waiters;
	w->waiters = 0;
	for (int i = 0; waiters; i++, waiters >>= 1) {
		coh_requester *r = &n->rq[i];
		if (!(waiters & 1))
			continue;
		bool ok = r->write     ? w->state == COH_C_E || w->state == COH_C_M
			  : w->oneshot ? r->pre_inv
				       : readable(w);
		if (!ok) {
			r->wait = COH_W_HELD;
			continue;
		}
		r->wait = COH_W_NONE;
		hold(n, w, i);
		uint64_t lat = r->open ? t - r->first : 0;
		r->open = false;
		n->st.miss_by_class[cls]++;
		n->st.latency_by_class[cls] += lat;
		n->ops->wake(n->opaque, i, w->line, t, cls, lat);
	}
}

/* May a requester waiting with `what` for line go again? */
static bool wait_over(const coh_node *n, const coh_requester *r)
{
	const coh_way *w;
	switch (r->wait) {
	case COH_W_WB: return !wb_find(n, r->line);
	case COH_W_HELD: w = way_find(n, r->line); return !w || !w->held;
	case COH_W_SET:
		if (way_find(n, r->line) || wb_find(n, r->line))
			return true;
		w = set_of(n, r->line);
		for (uint32_t i = 0; i < n->nways; i++)
			if (w[i].state == COH_C_I || (stable(w[i].state) && !w[i].held))
				return true;
		return false;
	default: return false;
	}
}

static int access_line(coh_node *n, int req, uint64_t line, bool write, uint64_t time,
		       uint8_t **data);
static bool hit_ok(const coh_way *w, bool write, bool mine);

/* Every requester whose wait for a way, a hold or a write-back is over
 * tries its access again here, at time t, on its behalf: it merges, or
 * its request goes out, or it waits again. So the node retries only after
 * ops->wake, which always means a completed miss and a held line. (Should
 * the stable line already allow the access, it is held for the requester,
 * which is woken with the class of the line's last fill; a transient one
 * is merged with.) Called at the end of every entry point, so no such
 * retry is lost; one pass suffices, as a retry only takes ways and never
 * frees one. */
static void recheck_waiters(coh_node *n, uint64_t t)
{
	for (int i = 0; i < n->nreq; i++) {
		coh_requester *r = &n->rq[i];
		if (r->wait == COH_W_NONE || r->wait == COH_W_MSHR || !wait_over(n, r))
			continue;
		r->wait = COH_W_NONE;
		coh_way *w = way_find(n, r->line);
		if (w && !stable(w->state)) { /* e.g. a load on SM_AD: merge */
			n->retrying = true;
			wait_for(n, i, COH_W_MSHR, r->line, r->write, t, w);
			n->retrying = false;
			continue;
		}
		if (w && hit_ok(w, r->write, false)) {
			hold(n, w, i);
			enum coh_miss_class cls = (enum coh_miss_class)w->cls;
			uint64_t lat = t - r->first;
			r->open = false;
			n->st.miss_by_class[cls]++;
			n->st.latency_by_class[cls] += lat;
			n->ops->wake(n->opaque, i, r->line, t, cls, lat);
			continue;
		}
		uint8_t *d;
		n->retrying = true;
		int res = access_line(n, i, r->line, r->write, t, &d);
		n->retrying = false;
		COH_CHECK(res == COH_MISS, "requester %d retried into a hit", i);
	}
}

static bool dispatch(coh_node *n, const coh_msg *m, uint64_t now);

/* Requester req's hold of way w ends at `now`. When it was the last: a
 * one-shot (IS_DI) line goes, and the messages deferred for the line are
 * handled, in the order they came. */
static void unhold(coh_node *n, coh_way *w, int req, uint64_t now)
{
	w->held &= ~(1ull << req);
	n->rq[req].nheld--;
	if (w->held)
		return;
	uint64_t line = w->line;
	if (w->oneshot) {
		w->oneshot = false;
		w->state = COH_C_I;
		lose(n, line, false);
	}
	for (;;) {
		size_t i = 0;
		while (i < n->ndq && n->dq[i].addr != line)
			i++;
		if (i == n->ndq)
			break;
		coh_msg m = n->dq[i];
		memmove(&n->dq[i], &n->dq[i + 1], (n->ndq - i - 1) * sizeof(*n->dq));
		n->ndq--;
		dispatch(n, &m, now);
	}
}

static void defer(coh_node *n, const coh_msg *m)
{
	if (n->ndq == n->capdq) {
		size_t cap = n->capdq ? 2 * n->capdq : 8;
		coh_msg *q = realloc(n->dq, cap * sizeof(*q));
		COH_CHECK(q, "out of memory deferring a message");
		n->dq = q;
		n->capdq = cap;
	}
	n->dq[n->ndq++] = *m;
	n->st.deferred++;
}

/* ---------------- the L2: allocation and eviction ---------------- */

/* Way w (stable, not held) gives its line up at time `at`: S silently, E/M
 * by a PUTX, the line moving to the write-back buffer (MI_A). */
static void evict_way(coh_node *n, coh_way *w, uint64_t at)
{
	uint64_t line = w->line;
	n->st.evictions++;
	lose(n, line, false);
	if (w->state == COH_C_E || w->state == COH_C_M) {
		if (n->nwb == n->capwb) {
			size_t cap = n->capwb ? 2 * n->capwb : 4;
			coh_wb *b = realloc(n->wb, cap * sizeof(*b));
			COH_CHECK(b, "out of memory in the write-back buffer");
			n->wb = b;
			n->capwb = cap;
		}
		coh_wb *b = &n->wb[n->nwb++];
		b->line = line;
		b->state = COH_C_MI_A;
		b->dirty = w->state == COH_C_M;
		b->retry = false;
		memcpy(b->data, way_data(n, w), COH_LINE_BYTES);
		n->st.writebacks++;
		send_at(n, COH_PUTX, home_of(n, line), line, n->self, 0,
			b->dirty ? COH_FLAG_DIRTY : 0, b->dirty ? b->data : NULL, at, 0);
	}
	w->state = COH_C_I;
}

/* A way for line in its set: a free one, else the least recently used stable
 * line that is not held (evicted at `at`); NULL when every way is transient
 * or held. */
static coh_way *alloc_way(coh_node *n, uint64_t line, uint64_t at)
{
	coh_way *s = set_of(n, line), *victim = NULL;
	for (uint32_t i = 0; i < n->nways; i++) {
		if (s[i].state == COH_C_I) {
			victim = &s[i];
			break;
		}
		if (stable(s[i].state) && !s[i].held && (!victim || s[i].lru < victim->lru))
			victim = &s[i];
	}
	if (!victim)
		return NULL;
	if (victim->state != COH_C_I)
		evict_way(n, victim, at);
	victim->line = line;
	victim->held = 0;
	victim->waiters = 0;
	victim->oneshot = false;
	victim->lru = ++n->tick;
	return victim;
}

/* Way w starts a transaction: MSHR cleared, state st, request type sent at `at`. */
static void start_request(coh_node *n, coh_way *w, enum coh_cstate st, int type, uint64_t at)
{
	COH_CHECK(!w->held && !w->waiters, "line %#llx starts a request while held",
		  (unsigned long long)w->line);
	w->state = (uint8_t)st;
	w->retry = false;
	w->unblock = false;
	w->need = -1;
	w->got = 0;
	w->fwd = 0;
	w->cls = COH_MISS_LOCAL;
	send_at(n, type, home_of(n, w->line), w->line, n->self, 0, 0, NULL, at, 0);
}

/* ---------------- the CPU side ---------------- */

/* May requester req (holding the line: mine) use way w for this access now? */
static bool hit_ok(const coh_way *w, bool write, bool mine)
{
	if (write)
		return w->state == COH_C_E || w->state == COH_C_M;
	if (w->oneshot)
		return mine;
	return readable(w);
}

static int access_line(coh_node *n, int req, uint64_t line, bool write, uint64_t time,
		       uint8_t **data)
{
	for (;;) {
		if (wb_find(n, line)) { /* one transaction per line: after the WB_ACK */
			wait_for(n, req, COH_W_WB, line, write, time, NULL);
			return COH_MISS;
		}
		coh_way *w = way_find(n, line);
		if (!w) {
			w = alloc_way(n, line, time);
			if (!w) {
				wait_for(n, req, COH_W_SET, line, write, time, NULL);
				return COH_MISS;
			}
			start_request(n, w, write ? COH_C_IM_AD : COH_C_IS_D,
				      write ? COH_GETX : COH_GET, time);
			wait_for(n, req, COH_W_MSHR, line, write, time, w);
			return COH_MISS;
		}
		bool mine = w->held >> req & 1;
		if (hit_ok(w, write, mine)) {
			if (write)
				w->state = COH_C_M; /* E -> M silently */
			w->lru = ++n->tick;
			n->rq[req].open = false;
			n->st.hits++;
			*data = way_data(n, w);
			return COH_HIT;
		}
		if (w->held) {
			/* A held line admits hits only: it stays stable, so the
			 * messages deferred for it meet the state they would have
			 * met. Our own hold ends here (we retried); others' holds
			 * end at their release. */
			if (mine) {
				unhold(n, w, req, time);
				continue;
			}
			wait_for(n, req, COH_W_HELD, line, write, time, NULL);
			return COH_MISS;
		}
		if (!stable(w->state)) { /* merge with the transaction in flight */
			wait_for(n, req, COH_W_MSHR, line, write, time, w);
			return COH_MISS;
		}
		/* a store to an S copy */
		COH_CHECK(w->state == COH_C_S && write, "line %#llx state %s",
			  (unsigned long long)line, coh_cstate_name(w->state));
		w->lru = ++n->tick;
		n->st.upgrades++;
		start_request(n, w, COH_C_SM_AD, COH_UPGRADE, time);
		wait_for(n, req, COH_W_MSHR, line, write, time, w);
		return COH_MISS;
	}
}

int coh_access(coh_node *n, int req, uint64_t addr, bool write, uint64_t time, uint8_t **data)
{
	COH_CHECK(req >= 0 && req < n->nreq, "requester %d of %d", req, n->nreq);
	COH_CHECK(addr / n->mem_bytes < (uint64_t)n->nnodes, "address %#llx beyond the machine",
		  (unsigned long long)addr);
	uint64_t line = line_of(addr);
	coh_requester *r = &n->rq[req];
	if (r->wait != COH_W_NONE) {
		/* not woken yet: still the same miss (one per requester) */
		COH_CHECK(r->line == line,
			  "requester %d of node %d accesses %#llx while it waits for %#llx", req,
			  n->self, (unsigned long long)line, (unsigned long long)r->line);
		return COH_MISS;
	}
	int res = access_line(n, req, line, write, time, data);
	recheck_waiters(n, time);
	return res;
}

void coh_release(coh_node *n, int req, uint64_t now)
{
	COH_CHECK(req >= 0 && req < n->nreq, "requester %d of %d", req, n->nreq);
	uint64_t bit = 1ull << req;
	coh_requester *r = &n->rq[req];
	if (!r->held_lost) {
		uint32_t idx[4], k = r->nheld;
		memcpy(idx, r->held, sizeof(idx));
		for (uint32_t j = 0; j < k; j++)
			if (n->ways[idx[j]].held & bit)
				unhold(n, &n->ways[idx[j]], req, now);
	}
	/* ways held[] lost track of (or held again meanwhile): look for them */
	for (uint32_t i = 0; r->nheld && i < n->nsets * n->nways; i++)
		if (n->ways[i].held & bit)
			unhold(n, &n->ways[i], req, now);
	if (!r->nheld)
		r->held_lost = false;
	recheck_waiters(n, now);
}

void coh_evict(coh_node *n, uint64_t addr, uint64_t time)
{
	coh_way *w = way_find(n, line_of(addr));
	if (!w || !stable(w->state) || w->held)
		return;
	evict_way(n, w, time);
	recheck_waiters(n, time);
}

/* ---------------- completion ---------------- */

static enum coh_miss_class class_of(const coh_node *n, uint64_t line, int src)
{
	if (src == n->self)
		return COH_MISS_LOCAL;
	return src == home_of(n, line) ? COH_MISS_REMOTE : COH_MISS_3HOP;
}

/* The running handler serves forward `type` for requester req with the
 * line's data (from an E/M way or the write-back buffer): the data goes to
 * req, the home gets the SWB / XFER. The caller charged the L2 read. */
static void coh__serve_fwd(coh_node *n, uint64_t line, const uint8_t *data, int type, int req)
{
	int home = home_of(n, line);
	if (type == COH_FWD_GET) {
		send_h(n, COH_DATA, req, line, req, 0, COH_GRANT_S, data);
		send_h(n, COH_SWB, home, line, req, 0, 0, data);
	} else {
		send_h(n, COH_DATA, req, line, req, 0, COH_GRANT_X, data);
		send_h(n, COH_XFER, home, line, req, 0, 0, NULL);
	}
}

/* Way w served a forward: S after a Get (write permission lost), I after a
 * GetX. */
static void after_fwd(coh_node *n, coh_way *w, int type)
{
	if (type == COH_FWD_GET) {
		w->state = COH_C_S;
		lose(n, w->line, true);
	} else {
		w->state = COH_C_I;
		lose(n, w->line, false);
	}
}

/* The requesters of a finished transaction go; a line that nobody could be
 * woken for is not held (a one-shot one goes at once). */
static void finish(coh_node *n, coh_way *w)
{
	wake_line(n, w, n->h_start, (enum coh_miss_class)w->cls);
	if (!w->held && w->oneshot) {
		w->oneshot = false;
		w->state = COH_C_I;
		lose(n, w->line, false);
	}
}

/* A store's transaction is complete (got == need): the line is M and held
 * for the waiting requesters, who retry the store itself; the home is
 * unblocked; a forward that overtook the data is served when the hold ends
 * (deferred like one that arrives during the hold), at once if nobody
 * holds the line. */
static void coh__complete_store(coh_node *n, coh_way *w)
{
	w->state = COH_C_M;
	bool unblock = w->unblock;
	uint16_t fwd = w->fwd, fwd_req = w->fwd_req;
	w->unblock = false;
	w->need = -1;
	w->got = 0;
	w->fwd = 0;
	finish(n, w);
	bool serve = fwd && !w->held;
	if (serve)
		h_occupy(n, n->p.cache);
	if (unblock)
		send_h(n, COH_UNBLOCK, home_of(n, w->line), w->line, n->self, 0, 0, NULL);
	if (serve) {
		coh__serve_fwd(n, w->line, way_data(n, w), fwd, fwd_req);
		after_fwd(n, w, fwd);
	} else if (fwd) {
		coh_msg m;
		memset(&m, 0, sizeof(m));
		m.type = fwd;
		m.version = COH_MSG_VERSION;
		m.src = (uint16_t)home_of(n, w->line);
		m.dst = (uint16_t)n->self;
		m.req = fwd_req;
		m.addr = w->line;
		defer(n, &m);
		n->st.deferred--; /* counted once, when the MSHR took it */
	}
}

/* need := acks; complete when all acks are in, else wait for them (IM_A). */
static void check_done(coh_node *n, coh_way *w, const coh_msg *m)
{
	w->need = (int16_t)m->acks;
	w->unblock = m->acks > 0;
	if (w->got > w->need)
		coh_panic(n, m, coh_cstate_name(w->state), "more INV_ACKs than invalidations");
	if (w->got == w->need)
		coh__complete_store(n, w);
	else
		w->state = COH_C_IM_A;
}

/* ---------------- at the home ---------------- */

/* A request served (not NAKed) at the home: counts toward a hot page. */
static void hot_count(coh_node *n, const coh_msg *m)
{
	if (!n->hot)
		return;
	uint64_t page = (m->addr - n->base) >> COH_PAGE_SHIFT;
	uint32_t *c = &n->hot[page * (uint64_t)n->nnodes + m->req];
	if (++*c < n->p.hot_threshold)
		return;
	*c = 0;
	n->st.hot_events++;
	if (n->ops->hot_page)
		n->ops->hot_page(n->opaque, m->addr & ~(uint64_t)((1u << COH_PAGE_SHIFT) - 1),
				 m->req, n->p.hot_threshold, n->h_start);
}

static bool busy(const coh_dir_entry *e)
{
	return e->state >= COH_D_B_SF;
}

static void nak(coh_node *n, const coh_msg *m)
{
	n->st.naks_sent++;
	send_h(n, COH_NAK, m->req, m->addr, m->req, 0, 0, NULL);
}

static uint8_t *home_data(coh_node *n, uint64_t line)
{
	return n->mem + (line - n->base);
}

/* A request from the recorded owner cannot happen: it makes none until its
 * write-back is answered. */
static void check_not_owner(coh_node *n, const coh_msg *m, const coh_dir_entry *e)
{
	if (e->owner == m->req)
		coh_panic(n, m, coh_dstate_name(e->state), "a request from the owner");
}

/* INV to every sharer but r; returns how many. */
static int send_invs(coh_node *n, coh_dir_entry *e, uint64_t line, int r)
{
	int k = 0;
	for (int i = 0; i < n->nnodes; i++)
		if ((e->sharers >> i & 1) && i != r) {
			send_h(n, COH_INV, i, line, r, 0, 0, NULL);
			k++;
		}
	return k;
}

/* A request for a line nobody caches: the data comes from memory and the
 * requester becomes its owner (grant E for a read, X for a write). */
static void grant_unowned(coh_node *n, const coh_msg *m, coh_dir_entry *e, int grant)
{
	int r = m->req;
	h_occupy(n, n->p.mem);
	send_h(n, COH_DATA, r, m->addr, r, 0, grant, home_data(n, m->addr));
	set_dstate(n, e, COH_D_E);
	e->owner = (uint16_t)r;
}

/* coh_on_getx, and coh_on_upgrade from a node that lost its copy
 * (model: home_getx). The entry is not busy. */
static void home_getx(coh_node *n, const coh_msg *m, coh_dir_entry *e)
{
	int r = m->req;
	hot_count(n, m);
	switch (e->state) {
	case COH_D_U: grant_unowned(n, m, e, COH_GRANT_X); break;
	case COH_D_S: {
		h_occupy(n, n->p.mem);
		int k = send_invs(n, e, m->addr, r);
		send_h(n, COH_DATA, r, m->addr, r, k, COH_GRANT_X, home_data(n, m->addr));
		e->sharers = 0;
		if (k > 0) {
			set_dstate(n, e, COH_D_B_XI);
			e->req = (uint16_t)r;
		} else {
			set_dstate(n, e, COH_D_E);
			e->owner = (uint16_t)r;
		}
		break;
	}
	case COH_D_E:
		check_not_owner(n, m, e);
		send_h(n, COH_FWD_GETX, e->owner, m->addr, r, 0, 0, NULL);
		set_dstate(n, e, COH_D_B_XF);
		e->req = (uint16_t)r;
		break;
	default: coh_panic(n, m, coh_dstate_name(e->state), "unreachable");
	}
}

static void coh_on_get(coh_node *n, const coh_msg *m)
{
	coh_dir_entry *e = dir_of(n, m);
	int r = m->req;
	if (busy(e)) {
		nak(n, m);
		return;
	}
	hot_count(n, m);
	switch (e->state) {
	case COH_D_U: grant_unowned(n, m, e, COH_GRANT_E); break;
	case COH_D_S:
		h_occupy(n, n->p.mem);
		send_h(n, COH_DATA, r, m->addr, r, 0, COH_GRANT_S, home_data(n, m->addr));
		e->sharers |= 1ull << r;
		break;
	case COH_D_E:
		check_not_owner(n, m, e);
		send_h(n, COH_FWD_GET, e->owner, m->addr, r, 0, 0, NULL);
		set_dstate(n, e, COH_D_B_SF);
		e->req = (uint16_t)r;
		break;
	}
}

static void coh_on_getx(coh_node *n, const coh_msg *m)
{
	coh_dir_entry *e = dir_of(n, m);
	if (busy(e))
		nak(n, m);
	else
		home_getx(n, m, e);
}

static void coh_on_upgrade(coh_node *n, const coh_msg *m)
{
	coh_dir_entry *e = dir_of(n, m);
	int r = m->req;
	if (busy(e)) {
		nak(n, m);
		return;
	}
	if (e->state != COH_D_S || !(e->sharers >> r & 1)) {
		home_getx(n, m, e); /* it lost its copy meanwhile */
		return;
	}
	hot_count(n, m);
	int k = send_invs(n, e, m->addr, r);
	send_h(n, COH_UPG_ACK, r, m->addr, r, k, 0, NULL);
	e->sharers = 0;
	if (k > 0) {
		set_dstate(n, e, COH_D_B_XI);
		e->req = (uint16_t)r;
	} else {
		set_dstate(n, e, COH_D_E);
		e->owner = (uint16_t)r;
	}
}

static void coh_on_putx(coh_node *n, const coh_msg *m)
{
	coh_dir_entry *e = dir_of(n, m);
	int p = m->src;
	if (e->state == COH_D_E && e->owner == p) {
		if (m->flags & COH_FLAG_DIRTY) {
			if (m->len != COH_LINE_BYTES)
				coh_panic(n, m, "E", "a dirty PUTX without data");
			h_occupy(n, n->p.mem);
			memcpy(home_data(n, m->addr), m->data, COH_LINE_BYTES);
		}
		set_dstate(n, e, COH_D_U);
		send_h(n, COH_WB_ACK, p, m->addr, p, 0, 0, NULL);
	} else if ((e->state == COH_D_B_SF || e->state == COH_D_B_XF) && e->owner == p) {
		/* crossed our forward: its SWB / XFER follows on this pair */
		send_h(n, COH_WB_ACK, p, m->addr, p, 0, 0, NULL);
	} else if (e->state == COH_D_B_XF && e->req == p) {
		/* overtook the old owner's XFER: not the owner here yet */
		n->st.naks_sent++;
		send_h(n, COH_NAK, p, m->addr, p, 0, 0, NULL);
	} else {
		coh_panic(n, m, coh_dstate_name(e->state), "no such write-back");
	}
}

static void coh_on_swb(coh_node *n, const coh_msg *m)
{
	coh_dir_entry *e = dir_of(n, m);
	if (e->state != COH_D_B_SF || e->owner != m->src || e->req != m->req ||
	    m->len != COH_LINE_BYTES)
		coh_panic(n, m, coh_dstate_name(e->state), "unexpected sharing write-back");
	h_occupy(n, n->p.mem);
	memcpy(home_data(n, m->addr), m->data, COH_LINE_BYTES);
	set_dstate(n, e, COH_D_S);
	e->sharers = 1ull << m->src | 1ull << m->req;
}

static void coh_on_xfer(coh_node *n, const coh_msg *m)
{
	coh_dir_entry *e = dir_of(n, m);
	if (e->state != COH_D_B_XF || e->owner != m->src || e->req != m->req)
		coh_panic(n, m, coh_dstate_name(e->state), "unexpected ownership transfer");
	set_dstate(n, e, COH_D_E);
	e->owner = m->req;
}

static void coh_on_unblock(coh_node *n, const coh_msg *m)
{
	coh_dir_entry *e = dir_of(n, m);
	if (e->state != COH_D_B_XI || e->req != m->src)
		coh_panic(n, m, coh_dstate_name(e->state), "unexpected UNBLOCK");
	set_dstate(n, e, COH_D_E);
	e->owner = m->src;
}

/* ---------------- at a cache ---------------- */

static const char *line_state(const coh_node *n, uint64_t line)
{
	return coh_cstate_name(coh_cache_state(n, line));
}

/* coh_on_fwd_get and coh_on_fwd_getx (model: one branch for both). */
static void on_fwd(coh_node *n, const coh_msg *m)
{
	coh_way *w = way_find(n, m->addr);
	coh_wb *b;
	if (w && (w->state == COH_C_E || w->state == COH_C_M)) {
		h_occupy(n, n->p.cache);
		coh__serve_fwd(n, m->addr, way_data(n, w), m->type, m->req);
		after_fwd(n, w, m->type);
	} else if ((b = wb_find(n, m->addr)) && b->state == COH_C_MI_A) {
		h_occupy(n, n->p.cache);
		coh__serve_fwd(n, m->addr, b->data, m->type, m->req);
		b->state = COH_C_II_A;
	} else if (w && w->state == COH_C_IM_AD) {
		/* overtook the DATA from the old owner: serve after the store */
		if (w->fwd || w->got)
			coh_panic(n, m, "IM_AD", "a second forward, or acks with a forward");
		w->fwd = m->type;
		w->fwd_req = m->req;
		n->st.deferred++;
	} else {
		coh_panic(n, m, line_state(n, m->addr), "a forward to a non-owner");
	}
}

static void coh_on_fwd_get(coh_node *n, const coh_msg *m)
{
	on_fwd(n, m);
}

static void coh_on_fwd_getx(coh_node *n, const coh_msg *m)
{
	on_fwd(n, m);
}

static void coh_on_inv(coh_node *n, const coh_msg *m)
{
	coh_way *w = way_find(n, m->addr);
	coh_wb *b = w ? NULL : wb_find(n, m->addr);
	if (b && b->state == COH_C_MI_A)
		coh_panic(n, m, "MI_A", "an invalidation of an owner");
	if (w) {
		switch (w->state) {
		case COH_C_S:
			w->state = COH_C_I;
			lose(n, m->addr, false);
			break;
		case COH_C_SM_AD:
			w->state = COH_C_IM_AD;
			lose(n, m->addr, false);
			break;
		case COH_C_IS_D:
			w->state = COH_C_IS_DI;
			for (int i = 0; i < n->nreq; i++)
				if (w->waiters >> i & 1)
					n->rq[i].pre_inv = true;
			break;
		case COH_C_IS_DI:
		case COH_C_IM_AD: break; /* the copy is already gone */
		default: coh_panic(n, m, coh_cstate_name(w->state), "an invalidation of an owner");
		}
	}
	send_h(n, COH_INV_ACK, m->req, m->addr, m->req, 0, 0, NULL);
}

static coh_way *transient_way(coh_node *n, const coh_msg *m)
{
	coh_way *w = way_find(n, m->addr);
	if (!w || stable(w->state))
		coh_panic(n, m, line_state(n, m->addr), "a reply without a request");
	return w;
}

static void coh_on_data(coh_node *n, const coh_msg *m)
{
	coh_way *w = transient_way(n, m);
	unsigned g = m->flags & COH_FLAG_GRANT_MASK;
	if (m->len != COH_LINE_BYTES)
		coh_panic(n, m, coh_cstate_name(w->state), "DATA without data");
	w->cls = (uint8_t)class_of(n, m->addr, m->src);
	switch (w->state) {
	case COH_C_IS_D:
	case COH_C_IS_DI:
		if (g != COH_GRANT_S && g != COH_GRANT_E)
			coh_panic(n, m, coh_cstate_name(w->state), "a load granted X");
		memcpy(way_data(n, w), m->data, COH_LINE_BYTES);
		if (n->ops->filled)
			n->ops->filled(n->opaque, m->addr);
		/* IS_DI, grant S: the INV may be newer than the data (3-hop), so
		 * the data serves the waiting loads once; grant E came from the
		 * home after the INV (same pair) and is current. */
		w->oneshot = w->state == COH_C_IS_DI && g == COH_GRANT_S;
		w->state = g == COH_GRANT_S ? COH_C_S : COH_C_E;
		finish(n, w);
		break;
	case COH_C_IM_AD:
	case COH_C_SM_AD:
		if (g != COH_GRANT_X)
			coh_panic(n, m, coh_cstate_name(w->state), "a store granted S or E");
		memcpy(way_data(n, w), m->data, COH_LINE_BYTES);
		if (n->ops->filled)
			n->ops->filled(n->opaque, m->addr);
		check_done(n, w, m);
		break;
	default: coh_panic(n, m, coh_cstate_name(w->state), "unexpected DATA");
	}
}

static void coh_on_upg_ack(coh_node *n, const coh_msg *m)
{
	coh_way *w = transient_way(n, m);
	if (w->state != COH_C_SM_AD)
		coh_panic(n, m, coh_cstate_name(w->state), "unexpected UPG_ACK");
	w->cls = (uint8_t)(m->src == n->self ? COH_MISS_LOCAL : COH_MISS_REMOTE);
	check_done(n, w, m);
}

static void coh_on_inv_ack(coh_node *n, const coh_msg *m)
{
	coh_way *w = transient_way(n, m);
	if (w->state != COH_C_IM_AD && w->state != COH_C_SM_AD && w->state != COH_C_IM_A)
		coh_panic(n, m, coh_cstate_name(w->state), "unexpected INV_ACK");
	w->got++;
	if (w->state == COH_C_IM_A) {
		if (w->got > w->need)
			coh_panic(n, m, "IM_A", "more INV_ACKs than invalidations");
		if (w->got == w->need)
			coh__complete_store(n, w);
	}
}

static void coh_on_nak(coh_node *n, const coh_msg *m)
{
	coh_way *w = way_find(n, m->addr);
	coh_wb *b = w ? NULL : wb_find(n, m->addr);
	bool *retry;
	if (w && (w->state == COH_C_IS_D || w->state == COH_C_IS_DI || w->state == COH_C_IM_AD ||
		  w->state == COH_C_SM_AD))
		retry = &w->retry;
	else if (b)
		retry = &b->retry;
	else
		coh_panic(n, m, line_state(n, m->addr), "a NAK without a request");
	if (*retry)
		coh_panic(n, m, line_state(n, m->addr), "a second NAK");
	*retry = true;
	n->st.naks_received++;
	send_at(n, COH_RETRY, n->self, m->addr, n->self, 0, 0, NULL, h_out(n), n->p.nak_backoff);
}

/* The back-off of a NAKed request has ended: resend per the state now. */
static void coh_on_retry(coh_node *n, const coh_msg *m)
{
	if (m->src != n->self)
		coh_panic(n, m, line_state(n, m->addr), "a RETRY from another node");
	coh_way *w = way_find(n, m->addr);
	coh_wb *b = w ? NULL : wb_find(n, m->addr);
	if ((w && !w->retry) || (b && !b->retry) || (!w && !b))
		coh_panic(n, m, line_state(n, m->addr), "a RETRY without a NAK");
	int home = home_of(n, m->addr);
	if (b) {
		b->retry = false;
		if (b->state == COH_C_II_A) {
			/* a forward took the data home meanwhile: nothing to resend */
			wb_remove(n, b);
			return;
		}
		send_h(n, COH_PUTX, home, m->addr, n->self, 0, b->dirty ? COH_FLAG_DIRTY : 0,
		       b->dirty ? b->data : NULL);
		return;
	}
	w->retry = false;
	switch (w->state) {
	case COH_C_IS_D:
	case COH_C_IS_DI:
		w->state = COH_C_IS_D;
		send_h(n, COH_GET, home, m->addr, n->self, 0, 0, NULL);
		break;
	case COH_C_IM_AD:
	case COH_C_SM_AD:
		if (w->got)
			coh_panic(n, m, coh_cstate_name(w->state), "acks for a NAKed request");
		send_h(n, w->state == COH_C_IM_AD ? COH_GETX : COH_UPGRADE, home, m->addr, n->self,
		       0, 0, NULL);
		break;
	default: coh_panic(n, m, coh_cstate_name(w->state), "a RETRY in this state");
	}
}

static void coh_on_wb_ack(coh_node *n, const coh_msg *m)
{
	coh_wb *b = wb_find(n, m->addr);
	if (!b || b->retry)
		coh_panic(n, m, line_state(n, m->addr), "a WB_ACK without a write-back");
	wb_remove(n, b);
}

/* ---------------- dispatch ---------------- */

static coh_handler *const coh_home_handlers[COH_TYPE_END] = {
	[COH_GET] = coh_on_get,		[COH_GETX] = coh_on_getx, [COH_UPGRADE] = coh_on_upgrade,
	[COH_PUTX] = coh_on_putx,	[COH_SWB] = coh_on_swb,	  [COH_XFER] = coh_on_xfer,
	[COH_UNBLOCK] = coh_on_unblock,
};

static coh_handler *const coh_cache_handlers[COH_TYPE_END] = {
	[COH_FWD_GET] = coh_on_fwd_get, [COH_FWD_GETX] = coh_on_fwd_getx,
	[COH_INV] = coh_on_inv,		[COH_DATA] = coh_on_data,
	[COH_UPG_ACK] = coh_on_upg_ack, [COH_INV_ACK] = coh_on_inv_ack,
	[COH_NAK] = coh_on_nak,		[COH_WB_ACK] = coh_on_wb_ack,
	[COH_RETRY] = coh_on_retry,
};

/* Runs the handler of *m at `now` (MAGIC permitting), or defers a forward or
 * invalidation of a held line until its release (returns false). */
static bool dispatch(coh_node *n, const coh_msg *m, uint64_t now)
{
	coh_handler *h = m->type < COH_TYPE_END ? coh_home_handlers[m->type] : NULL;
	if (!h && m->type < COH_TYPE_END)
		h = coh_cache_handlers[m->type];
	if (!h)
		coh_panic(n, m, line_state(n, m->addr), "no handler for this message type");
	if (m->type == COH_FWD_GET || m->type == COH_FWD_GETX || m->type == COH_INV) {
		coh_way *w = way_find(n, m->addr);
		if (w && w->held) {
			defer(n, m);
			return false;
		}
	}
	h_begin(n, now);
	h(n, m);
	n->busy_until = h_out(n);
	return true;
}

void coh_handle(coh_node *n, const coh_msg *m, uint64_t now)
{
	if (m->type < COH_MSG_PROTOCOL_FIRST || m->type >= COH_MSG_NODE_FIRST)
		return; /* not the protocol's */
	COH_CHECK(m->version == COH_MSG_VERSION, "message version %u, want %u", m->version,
		  COH_MSG_VERSION);
	COH_CHECK(m->dst == n->self && m->src < n->nnodes && m->req < n->nnodes,
		  "%s from %d to %d (req %d) at node %d", coh_type_name(m->type), m->src, m->dst,
		  m->req, n->self);
	COH_CHECK(m->addr / n->mem_bytes < (uint64_t)n->nnodes && m->addr == line_of(m->addr),
		  "%s for address %#llx", coh_type_name(m->type), (unsigned long long)m->addr);
	if (m->type < COH_TYPE_END)
		n->st.msgs_in[m->type]++;
	bool ran = dispatch(n, m, now);
	recheck_waiters(n, ran ? h_out(n) : now);
}

/* ---------------- life cycle and inspection ---------------- */

coh_node *coh_node_new(int self, int nnodes, uint8_t *mem, uint64_t mem_bytes, int nreq,
		       const coh_proto_params *p, const coh_node_ops *ops, void *opaque)
{
	if (nnodes < 1 || nnodes > COH_MAX_BITS || self < 0 || self >= nnodes || !mem ||
	    !mem_bytes || mem_bytes % COH_LINE_BYTES || mem_bytes > UINT64_MAX / (uint64_t)nnodes ||
	    nreq < 1 || nreq > COH_MAX_BITS || !p || !ops || !ops->send || !ops->wake ||
	    !p->l2_ways || p->l2_bytes % (p->l2_ways * COH_LINE_BYTES))
		return NULL;
	uint32_t nsets = p->l2_bytes / (p->l2_ways * COH_LINE_BYTES);
	if (!nsets || (nsets & (nsets - 1)))
		return NULL;
	coh_node *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->self = self;
	n->nnodes = nnodes;
	n->nreq = nreq;
	n->p = *p;
	n->ops = ops;
	n->opaque = opaque;
	n->mem = mem;
	n->mem_bytes = mem_bytes;
	n->base = (uint64_t)self * mem_bytes;
	n->nsets = nsets;
	n->nways = p->l2_ways;
	size_t nw = (size_t)nsets * p->l2_ways;
	uint64_t nlines = mem_bytes / COH_LINE_BYTES;
	uint64_t npages = (mem_bytes + (1u << COH_PAGE_SHIFT) - 1) >> COH_PAGE_SHIFT;
	n->ways = calloc(nw, sizeof(*n->ways));
	n->ldata = calloc(nw, COH_LINE_BYTES);
	n->dir = calloc(nlines, sizeof(*n->dir));
	n->rq = calloc((size_t)nreq, sizeof(*n->rq));
	n->last_sent = calloc((size_t)nnodes, sizeof(*n->last_sent));
	if (p->hot_threshold)
		n->hot = calloc(npages * (uint64_t)nnodes, sizeof(*n->hot));
	if (!n->ways || !n->ldata || !n->dir || !n->rq || !n->last_sent ||
	    (p->hot_threshold && !n->hot)) {
		coh_node_free(n);
		return NULL;
	}
	return n;
}

void coh_node_free(coh_node *n)
{
	if (!n)
		return;
	free(n->ways);
	free(n->ldata);
	free(n->wb);
	free(n->dir);
	free(n->hot);
	free(n->rq);
	free(n->dq);
	free(n->last_sent);
	free(n);
}

enum coh_cstate coh_cache_state(const coh_node *n, uint64_t addr)
{
	uint64_t line = line_of(addr);
	const coh_way *w = way_find(n, line);
	if (w)
		return w->oneshot ? COH_C_IS_DI : (enum coh_cstate)w->state;
	const coh_wb *b = wb_find(n, line);
	return b ? (enum coh_cstate)b->state : COH_C_I;
}

const uint8_t *coh_cache_data(const coh_node *n, uint64_t addr)
{
	const coh_way *w = way_find(n, line_of(addr));
	return w && !w->oneshot && readable(w) ? way_data(n, w) : NULL;
}

enum coh_dstate coh_dir_state(const coh_node *n, uint64_t addr, uint64_t *sharers, int *owner)
{
	COH_CHECK(addr >= n->base && addr - n->base < n->mem_bytes,
		  "address %#llx is not homed at node %d", (unsigned long long)addr, n->self);
	const coh_dir_entry *e = &n->dir[(addr - n->base) >> COH_LINE_SHIFT];
	if (sharers)
		*sharers = e->state == COH_D_S ? e->sharers : 0;
	if (owner)
		*owner = e->state == COH_D_E || e->state == COH_D_B_SF || e->state == COH_D_B_XF
				 ? e->owner
				 : -1;
	return (enum coh_dstate)e->state;
}

bool coh_node_quiescent(const coh_node *n)
{
	if (n->nbusy || n->nwb || n->ndq)
		return false;
	for (size_t i = 0; i < (size_t)n->nsets * n->nways; i++)
		if (!stable(n->ways[i].state) || n->ways[i].held)
			return false;
	for (int i = 0; i < n->nreq; i++)
		if (n->rq[i].wait != COH_W_NONE)
			return false;
	return true;
}

const coh_node_stats *coh_node_stats_of(const coh_node *n)
{
	return &n->st;
}
