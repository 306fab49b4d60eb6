/* tests/test_coherence_transport.c: coherence/transport and coherence/pdes in
 * one process: the node map, delivery order (time, source, sequence) with
 * same-time ties, visibility only after the exchange, the checks of coh_send,
 * lax-mode lateness and skipping of empty quanta. Multi-rank behaviour is
 * tested by tests/transport_compare.sh.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "coherence/map.h"
#include "coherence/pdes.h"
#include "coherence/transport.h"

enum { NODES = 4 };

static coh_transport *new_transport(uint64_t lookahead)
{
	int err;
	coh_map *map = coh_map_new(NODES, 1, COH_PLACE_BLOCKS, NULL, &err);
	assert_non_null(map);
	coh_transport_config c = {.map = map, .lookahead = lookahead};
	coh_transport *t;
	assert_int_equal(coh_transport_new(&c, &t), 0);
	free(map);
	return t;
}

static coh_msg make(int src, int dst, uint64_t send, uint64_t deliver)
{
	coh_msg m;
	memset(&m, 0, sizeof(m));
	m.type = COH_MSG_TEST;
	m.src = (uint16_t)src;
	m.dst = (uint16_t)dst;
	m.send_time = send;
	m.deliver_time = deliver;
	return m;
}

/* --- the node map ---------------------------------------------------------- */

typedef struct map_case {
	int nnodes, nranks;
	enum coh_placement how;
	int list[8];
	int err;
	int want[8];
} map_case;

static const map_case map_cases[] = {
	{8, 2, COH_PLACE_BLOCKS, {0}, 0, {0, 0, 0, 0, 1, 1, 1, 1}},
	{8, 4, COH_PLACE_BLOCKS, {0}, 0, {0, 0, 1, 1, 2, 2, 3, 3}},
	{5, 2, COH_PLACE_BLOCKS, {0}, 0, {0, 0, 0, 1, 1}},
	{8, 4, COH_PLACE_ROUND_ROBIN, {0}, 0, {0, 1, 2, 3, 0, 1, 2, 3}},
	{4, 2, COH_PLACE_LIST, {1, 0, 0, 1}, 0, {1, 0, 0, 1}},
	{4, 2, COH_PLACE_LIST, {0, 0, 0, 0}, -EINVAL, {0}}, /* rank 1 holds nothing */
	{4, 2, COH_PLACE_LIST, {0, 2, 1, 0}, -EINVAL, {0}}, /* rank out of range */
	{2, 4, COH_PLACE_BLOCKS, {0}, -EINVAL, {0}},	    /* more ranks than nodes */
	{0, 1, COH_PLACE_BLOCKS, {0}, -EINVAL, {0}},
};

static void test_map(void **state)
{
	for (size_t i = 0; i < sizeof(map_cases) / sizeof(map_cases[0]); i++) {
		const map_case *c = &map_cases[i];
		int err = 1;
		coh_map *m = coh_map_new(c->nnodes, c->nranks, c->how, c->list, &err);
		assert_int_equal(err, c->err);
		if (c->err) {
			assert_null(m);
			continue;
		}
		for (int n = 0; n < c->nnodes; n++)
			assert_int_equal(m->rank_of[n], c->want[n]);
		free(m);
	}
}

/* --- delivery order ---------------------------------------------------------- */

typedef struct send_row {
	int src;
	uint64_t send, deliver;
} send_row;

/* Messages to node 2 in the order sent; want[] lists them (by row) in the
 * order they must come out: delivery time, then source, then sequence (the
 * source's send order). */
typedef struct order_case {
	const char *name;
	send_row rows[8];
	int nrows;
	int want[8];
} order_case;

static const order_case order_cases[] = {
	{"by time", {{0, 0, 300}, {1, 0, 100}, {3, 0, 200}}, 3, {1, 2, 0}},
	{"ties by source", {{3, 0, 100}, {0, 10, 100}, {2, 5, 100}, {1, 0, 100}}, 4, {1, 3, 2, 0}},
	{"ties by sequence",
	 {{1, 0, 100}, {1, 1, 100}, {1, 2, 100}, {0, 40, 100}},
	 4,
	 {3, 0, 1, 2}},
	{"mixed",
	 {{1, 0, 90}, {0, 0, 90}, {1, 1, 80}, {2, 0, 90}, {0, 1, 80}, {1, 2, 90}, {2, 3, 70}},
	 7,
	 {6, 4, 2, 1, 0, 5, 3}},
};

static void test_order(void **state)
{
	for (size_t i = 0; i < sizeof(order_cases) / sizeof(order_cases[0]); i++) {
		const order_case *c = &order_cases[i];
		coh_transport *t = new_transport(60);
		uint64_t seqs[8];
		for (int r = 0; r < c->nrows; r++) {
			coh_msg m = make(c->rows[r].src, 2, c->rows[r].send, c->rows[r].deliver);
			m.addr = (uint64_t)r; /* row number, to identify it */
			assert_int_equal(coh_send(t, &m), 0);
			seqs[r] = m.seq;
		}
		uint64_t g;
		assert_int_equal(coh_exchange(t, 60, UINT64_MAX, &g), 0);
		coh_msg m;
		for (int k = 0; k < c->nrows; k++) {
			assert_true(coh_next(t, 2, UINT64_MAX, &m));
			if ((int)m.addr != c->want[k])
				fail_msg("%s: position %d: row %d, want row %d", c->name, k,
					 (int)m.addr, c->want[k]);
			assert_int_equal(m.seq, seqs[m.addr]);
			assert_int_equal(m.version, COH_MSG_VERSION);
		}
		assert_false(coh_next(t, 2, UINT64_MAX, &m));
		coh_transport_free(t);
	}
}

/* Sequence numbers count per source node, from 0. */
static void test_seq_per_source(void **state)
{
	coh_transport *t = new_transport(60);
	int srcs[] = {0, 1, 0, 3, 0, 1};
	uint64_t want[] = {0, 0, 1, 0, 2, 1};
	for (int i = 0; i < 6; i++) {
		coh_msg m = make(srcs[i], i % NODES, 0, 60);
		assert_int_equal(coh_send(t, &m), 0);
		assert_int_equal(m.seq, want[i]);
	}
	coh_transport_free(t);
}

/* Nothing sent is visible before the exchange; after it, a message is taken
 * only once now reaches its delivery time, with its payload intact. */
static void test_visibility_and_payload(void **state)
{
	coh_transport *t = new_transport(60);
	coh_msg m = make(0, 1, 10, 100);
	m.len = COH_LINE_BYTES;
	m.addr = 0x1280;
	for (int i = 0; i < COH_LINE_BYTES; i++)
		m.data[i] = (uint8_t)(i * 7);
	assert_int_equal(coh_send(t, &m), 0);
	coh_msg got;
	assert_false(coh_next(t, 1, UINT64_MAX, &got));
	assert_int_equal(coh_next_time(t, 1), UINT64_MAX);
	uint64_t g;
	assert_int_equal(coh_exchange(t, 60, UINT64_MAX, &g), 0);
	assert_int_equal(g, 100);
	assert_int_equal(coh_next_time(t, 1), 100);
	assert_false(coh_next(t, 1, 99, &got));
	assert_true(coh_next(t, 1, 100, &got));
	assert_int_equal(got.addr, 0x1280);
	assert_int_equal(got.len, COH_LINE_BYTES);
	assert_memory_equal(got.data, m.data, COH_LINE_BYTES);
	const coh_transport_stats *s = coh_transport_stats_of(t);
	assert_int_equal(s->sent_local, 1);
	assert_int_equal(s->sent_remote, 0);
	assert_int_equal(s->late_msgs, 0);
	coh_transport_free(t);
}

/* --- coh_send's checks -------------------------------------------------------- */

typedef struct send_case {
	int src, dst, len;
	uint64_t send, deliver;
	int err;
} send_case;

static const send_case send_cases[] = {
	{0, 1, 0, 0, 60, 0},
	{0, 0, 0, 0, 60, 0},			    /* to itself */
	{0, 1, COH_LINE_BYTES, 5, 65, 0},	    /* exactly the lookahead */
	{0, 1, 0, 5, 64, -EINVAL},		    /* faster than the lookahead */
	{0, NODES, 0, 0, 60, -EINVAL},		    /* no such node */
	{NODES, 0, 0, 0, 60, -EINVAL},		    /* no such source */
	{0, 1, COH_LINE_BYTES + 1, 0, 60, -EINVAL}, /* payload too large */
	{0, 1, 0, UINT64_MAX - 10, UINT64_MAX, -EINVAL},
};

static void test_send_checks(void **state)
{
	coh_transport *t = new_transport(60);
	for (size_t i = 0; i < sizeof(send_cases) / sizeof(send_cases[0]); i++) {
		const send_case *c = &send_cases[i];
		coh_msg m = make(c->src, c->dst, c->send, c->deliver);
		m.len = (uint16_t)c->len;
		if (coh_send(t, &m) != c->err)
			fail_msg("send case %zu: want %d", i, c->err);
	}
	coh_transport_free(t);
}

/* --- quanta ------------------------------------------------------------------ */

/* Lax mode (quantum 200 > lookahead 60): messages due inside the quantum
 * they were sent in are late by (end - delivery time); the others are not. */
static void test_lax_lateness(void **state)
{
	coh_transport *t = new_transport(60);
	coh_pdes p;
	coh_pdes_config c = {.quantum = 200};
	assert_int_equal(coh_pdes_init(&p, t, &c), 0);
	assert_false(p.exact);
	coh_msg m = make(0, 1, 10, 70); /* late by 130 */
	assert_int_equal(coh_send(t, &m), 0);
	m = make(2, 1, 100, 190); /* late by 10 */
	assert_int_equal(coh_send(t, &m), 0);
	m = make(3, 1, 150, 210); /* on time */
	assert_int_equal(coh_send(t, &m), 0);
	assert_int_equal(coh_pdes_end_quantum(&p, 200), 0);
	assert_int_equal(p.start, 200);
	const coh_transport_stats *s = coh_transport_stats_of(t);
	assert_int_equal(s->late_msgs, 2);
	assert_int_equal(s->late_cycles, 140);
	assert_int_equal(s->late_max, 130);
	/* Late ones come first, at the boundary, still in delivery order. */
	coh_msg got;
	assert_true(coh_next(t, 1, p.start, &got));
	assert_int_equal(got.src, 0);
	assert_true(coh_next(t, 1, p.start, &got));
	assert_int_equal(got.src, 2);
	assert_false(coh_next(t, 1, p.start, &got));
	coh_transport_free(t);
}

/* Exact mode: the next quantum starts at the earliest event anywhere (a
 * queued message or local work), and the run ends when nothing is left. */
static void test_exact_skip(void **state)
{
	coh_transport *t = new_transport(60);
	coh_pdes p;
	coh_pdes_config c = {0};
	assert_int_equal(coh_pdes_init(&p, t, &c), 0);
	assert_true(p.exact);
	assert_int_equal(p.end, 60);
	coh_msg m = make(0, 3, 0, 500);
	assert_int_equal(coh_send(t, &m), 0);
	assert_int_equal(coh_pdes_end_quantum(&p, 10000), 0);
	assert_int_equal(p.start, 500); /* the message, not the local event */
	assert_int_equal(p.end, 560);
	coh_msg got;
	assert_true(coh_next(t, 3, p.start, &got));
	assert_int_equal(coh_pdes_end_quantum(&p, 10000), 0);
	assert_int_equal(p.start, 10000);
	assert_int_equal(p.stats.skips, 2);
	assert_int_equal(p.stats.skipped_cycles, (500 - 60) + (10000 - 560));
	assert_true(coh_pdes_running(&p));
	assert_int_equal(coh_pdes_end_quantum(&p, UINT64_MAX), 0);
	assert_false(coh_pdes_running(&p));
	assert_int_equal(p.stats.quanta, 3);
	assert_int_equal(coh_transport_stats_of(t)->late_msgs, 0);
	coh_transport_free(t);
}

/* With skipping off every quantum runs; a busy rank (local work at the next
 * quantum) is never skipped past. */
static void test_no_skip(void **state)
{
	coh_transport *t = new_transport(60);
	coh_pdes p;
	coh_pdes_config c = {.no_skip = true};
	assert_int_equal(coh_pdes_init(&p, t, &c), 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(coh_pdes_end_quantum(&p, 1000), 0);
	assert_int_equal(p.start, 300);
	assert_int_equal(p.stats.skips, 0);
	coh_pdes_config c2 = {0};
	assert_int_equal(coh_pdes_init(&p, t, &c2), 0);
	assert_int_equal(coh_pdes_end_quantum(&p, 60), 0);
	assert_int_equal(p.start, 60);
	assert_int_equal(p.stats.skips, 0);
	coh_transport_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_seq_per_source),
		cmocka_unit_test(test_visibility_and_payload),
		cmocka_unit_test(test_send_checks),
		cmocka_unit_test(test_lax_lateness),
		cmocka_unit_test(test_exact_skip),
		cmocka_unit_test(test_no_skip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
