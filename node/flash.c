/* node/flash.c: the distributed FLASH machine (see node/flash.h). */
#include "node/flash.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef DISCOFLASH_MPI
#include <mpi.h>
#endif

#include "coherence/panic.h"
#include "coherence/pdes.h"
#include "coherence/queue.h"
#include "coherence/transport.h"
#include "node/elf.h"
#include "node/fdt.h"
#include "node/l1.h"
#include "node/flash_internal.h"
#include "node/magic_regs.h"

#define LINE_SHIFT 7
#define LINE_BYTES (1u << LINE_SHIFT)
#define NO_LINE 0xffffffffu
#define POLL_SHIFT 16	   /* host poll every 2^16 simulated cycles */
#define SLICE_CYCLES 10000 /* most cycles a CPU runs before the loop looks again */
#define KSEG1_BASE 0xa0000000u
#define KSEG2_BASE 0xc0000000u

static uint64_t max64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* ---- messages ----------------------------------------------------------- */

static void route(fnode *n, coh_msg *msg)
{
	if (msg->dst == n->id) {
		msg->version = COH_MSG_VERSION;
		msg->seq = n->self_seq++;
		COH_CHECK(coh_queue_push(&n->selfq, msg) == 0, "out of memory");
		return;
	}
	int err = coh_send(n->m->t, msg);
	COH_CHECK(err == 0, "node %d: sending %s to node %d failed: %s", n->id,
		  coh_type_name(msg->type), msg->dst, coh_strerror(err));
}

/* A node-level message (uncached access, halt): one hop, in pair order. */
static void send_node_msg(fnode *n, int type, int dst, uint64_t addr, uint64_t send,
			  const void *payload, uint16_t len)
{
	coh_msg msg;
	memset(&msg, 0, sizeof(msg));
	msg.type = (uint16_t)type;
	msg.src = (uint16_t)n->id;
	msg.dst = (uint16_t)dst;
	msg.addr = addr;
	msg.len = len;
	memcpy(msg.data, payload, len);
	msg.send_time = send;
	uint64_t d = send + (dst == n->id ? 0 : n->m->cfg.coh.hop);
	msg.deliver_time = max64(d, n->uc_last[dst]);
	n->uc_last[dst] = msg.deliver_time;
	route(n, &msg);
}

/* ---- interrupts and CPU state -------------------------------------------- */

static bool wakeable(const node_cpu *cpu)
{
	return (cpu->cause & cpu->status & NODE_ST_IM) != 0;
}

/* Brings a CPU that idles in `wait` up to time t (it was idle until then). */
static void idle_until(fcpu *fc, uint64_t t)
{
	node_cpu *cpu = fc->cpu;
	if (cpu->waiting && cpu->cycles < t) {
		fc->idle_cycles += t - cpu->cycles;
		cpu->cycles = t;
	}
}

static void cpu_irq(void *opaque, int line, bool level)
{
	fcpu *fc = opaque;
	node_cpu_set_irq(fc->cpu, line, level);
	if (level)
		idle_until(fc, fc->node->now);
}

/* ---- the coherence engine's callbacks ------------------------------------ */

static void on_send(void *opaque, coh_msg *msg)
{
	route(opaque, msg);
}

/* A CPU stalled on memory goes on at time: the wait counts as stall. */
static void resume(node_cpu *cpu, uint64_t time)
{
	if (!cpu->stalled)
		return;
	cpu->stalled = false;
	if (time > cpu->cycles) {
		cpu->stall_cycles += time - cpu->cycles;
		cpu->cycles = time;
	}
}

static void on_wake(void *opaque, int req, uint64_t line, uint64_t time, enum coh_miss_class cls,
		    uint64_t latency)
{
	fnode *n = opaque;
	if (req >= n->m->cpn) {
		/* the DMA requester: the devices retry after this message */
		n->dma_waiting = false;
		n->dma_kick = true;
		return;
	}
	fcpu *fc = &n->fc[req];
	node_cpu *cpu = fc->cpu;
	fc->miss[cls]++;
	fc->miss_latency[cls] += latency;
	fc->refill_line = (uint32_t)(line >> LINE_SHIFT);
	fc->woken = true;
	resume(cpu, time);
}

static void on_lose(void *opaque, uint64_t line, bool keep_read)
{
	fnode *n = opaque;
	uint32_t l = (uint32_t)(line >> LINE_SHIFT);
	for (int i = 0; i < n->m->cpn; i++) {
		fcpu *fc = &n->fc[i];
		node_l1_drop(&fc->l1d, l, keep_read);
		if (keep_read)
			continue;
		node_l1_drop(&fc->l1i, l, false);
		if (fc->cpu->llbit && fc->cpu->ll_line == l)
			fc->cpu->llbit = 0;
	}
	if (!keep_read)
		node_mem_invalidate_code(&n->mem, (uint32_t)(l << LINE_SHIFT), LINE_BYTES);
}

static void on_filled(void *opaque, uint64_t line)
{
	fnode *n = opaque;
	node_mem_invalidate_code(&n->mem, (uint32_t)(line & ~(uint64_t)(LINE_BYTES - 1)),
				 LINE_BYTES);
}

static void on_hot_page(void *opaque, uint64_t page, int node, uint32_t count, uint64_t time)
{
	(void)page;
	(void)node;
	(void)count;
	(void)time;
	fnode *n = opaque;
	n->hot_events++; /* the monitor (issue 5) consumes these */
}

static const coh_node_ops engine_ops = {
	.send = on_send,
	.wake = on_wake,
	.lose = on_lose,
	.filled = on_filled,
	.hot_page = on_hot_page,
};

/* ---- uncached accesses ---------------------------------------------------- */

static int device_owner(const flash_machine *m, uint32_t pa)
{
	if (pa >= MAGIC_BASE && pa < MAGIC_BASE + (uint32_t)m->nnodes * MAGIC_STRIDE)
		return (int)((pa - MAGIC_BASE) / MAGIC_STRIDE);
	return 0;
}

/* Performs an uncached access at this node (its memory or its devices).
 * Returns NODE_MEM_OK / NODE_MEM_DEVICE or NODE_MEM_EBUS. */
static int uc_local(fnode *n, uint32_t pa, unsigned size, bool write, uint32_t *val)
{
	flash_machine *m = n->m;
	if (pa < m->ram_total) {
		uint8_t *p = n->ram + (pa - (uint64_t)n->id * m->mem_per_node);
		if (write)
			memcpy(p, val, size); /* little-endian host: the low bytes */
		else {
			*val = 0;
			memcpy(val, p, size);
		}
		return NODE_MEM_OK;
	}
	int r = write ? node_mem_write(&n->mem, pa, size, *val)
		      : node_mem_read(&n->mem, pa, size, val);
	return r ? NODE_MEM_EBUS : NODE_MEM_DEVICE;
}

static int uncached(fnode *n, node_cpu *cpu, uint32_t pa, unsigned size, uint64_t now, bool write,
		    uint32_t *val)
{
	flash_machine *m = n->m;
	fcpu *fc = cpu->sys;
	bool ram = pa < m->ram_total;
	int owner = ram ? (int)(pa / m->mem_per_node) : device_owner(m, pa);
	if (owner == n->id) {
		n->now = now;
		if (ram)
			cpu->pending_stall += m->cfg.coh.dir + m->cfg.coh.mem;
		return uc_local(n, pa, size, write, val);
	}
	fc->uc_remote++;
	uc_payload p = {size, write ? *val : 0, (uint32_t)fc->global, 0};
	if (write) {
		send_node_msg(n, MSG_UC_WRITE, owner, pa, now, &p, sizeof(p));
		return ram ? NODE_MEM_OK : NODE_MEM_DEVICE;
	}
	if (fc->uc_state == UC_READY && fc->uc_pa == pa) {
		fc->uc_state = UC_NONE;
		*val = fc->uc_value;
		if (fc->uc_err)
			return NODE_MEM_EBUS;
		return ram ? NODE_MEM_OK : NODE_MEM_DEVICE;
	}
	fc->uc_state = UC_WAIT;
	fc->uc_pa = pa;
	send_node_msg(n, MSG_UC_READ, owner, pa, now, &p, sizeof(p));
	return NODE_MEM_STALL;
}

/* ---- the memory system (node_memsys) --------------------------------------- */

static bool is_uncached_va(uint32_t va)
{
	return va >= KSEG1_BASE && va < KSEG2_BASE;
}

static int sys_data(fnode *n, node_cpu *cpu, uint32_t va, uint32_t pa, unsigned size, uint64_t now,
		    bool write, uint32_t *val)
{
	flash_machine *m = n->m;
	fcpu *sf = cpu->sys;
	if (pa >= FLASH_SPECIAL_BASE &&
	    (pa >> NODE_PAGE_SHIFT) ==
		    (FLASH_SPECIAL_BASE >> NODE_PAGE_SHIFT) + (uint32_t)sf->global) {
		/* the CPU's special page: two words, no coherence */
		uint32_t off = pa & (NODE_PAGE_SIZE - 1);
		if (off + size > sizeof(sf->special))
			return NODE_MEM_EBUS;
		if (write)
			memcpy((uint8_t *)sf->special + off, val, size);
		else {
			*val = 0;
			memcpy(val, (uint8_t *)sf->special + off, size);
		}
		return NODE_MEM_OK;
	}
	if (pa >= m->ram_total || is_uncached_va(va))
		return uncached(n, cpu, pa, size, now, write, val);
	fcpu *fc = cpu->sys;
	uint32_t line = pa >> LINE_SHIFT;
	node_l1_way *w = node_l1_find(&fc->l1d, line);
	bool l1hit = w && (!write || w->writable);
	uint8_t *data;
	uint64_t t_req = now + (w ? 0 : m->cfg.l2_hit);
	if (coh_access(n->coh, cpu->local, pa, write, t_req, &data) == COH_MISS)
		return NODE_MEM_STALL;
	if (!l1hit) {
		if (!w) {
			fc->l1d.misses++;
			if (fc->refill_line != line)
				cpu->pending_stall += m->cfg.l2_hit;
			uint32_t victim;
			w = node_l1_insert(&fc->l1d, line, &victim);
		}
		if (write)
			w->writable = true;
	} else {
		fc->l1d.hits++;
	}
	fc->refill_line = NO_LINE;
	uint8_t *p = data + (pa & (LINE_BYTES - 1));
	bool code = n->mem.code[pa >> NODE_PAGE_SHIFT] != NULL;
	if (write) {
		memcpy(p, val, size);
		if (code)
			node_mem_invalidate_code(&n->mem, pa, size);
		for (int i = 0; i < m->cpn; i++) {
			node_cpu *o = n->fc[i].cpu;
			if (o != cpu && o->llbit && o->ll_line == line)
				o->llbit = 0;
		}
	} else {
		*val = 0;
		memcpy(val, p, size);
	}
	if (cpu->ll_pending) {
		cpu->ll_line = line;
		/* other CPUs of the node must store through here, so that
		 * their stores break this link */
		for (int i = 0; i < m->cpn; i++)
			if (n->fc[i].cpu != cpu)
				node_l1_drop(&n->fc[i].l1d, line, true);
	}
	if (!(write && code)) {
		uint32_t vline = va & ~(LINE_BYTES - 1);
		unsigned slot = (va >> LINE_SHIFT) & (NODE_FTLB_SIZE - 1);
		node_ftlb *e = write ? &cpu->wtlb[cpu->mode][slot] : &cpu->rtlb[cpu->mode][slot];
		e->tag = vline;
		e->addend = (uintptr_t)data - (uintptr_t)vline;
		node_l1_ref(w, e, write);
	}
	return NODE_MEM_OK;
}

static int sys_load(void *o, node_cpu *cpu, uint32_t va, uint32_t pa, unsigned size, uint64_t now,
		    uint32_t *val)
{
	return sys_data(o, cpu, va, pa, size, now, false, val);
}

static int sys_store(void *o, node_cpu *cpu, uint32_t va, uint32_t pa, unsigned size, uint64_t now,
		     uint32_t val)
{
	return sys_data(o, cpu, va, pa, size, now, true, &val);
}

/* An instruction word for the decoder. A chunk decoded for the first time
 * is an L1I miss (decoded chunks are the L1I's contents). */
static int sys_fetch(void *o, node_cpu *cpu, uint32_t pa, uint64_t now, uint32_t *word)
{
	fnode *n = o;
	fcpu *fc = cpu->sys;
	uint32_t line = pa >> LINE_SHIFT;
	const node_decode_page *page = n->mem.code[pa >> NODE_PAGE_SHIFT];
	bool first = !(page->chunks & (1u << ((pa & (NODE_PAGE_SIZE - 1)) >> NODE_CHUNK_SHIFT)));
	uint8_t *data;
	if (coh_access(n->coh, cpu->local, pa, false, now + (first ? n->m->cfg.l2_hit : 0),
		       &data) == COH_MISS)
		return NODE_MEM_STALL;
	if (first && !node_l1_find(&fc->l1i, line)) {
		fc->l1i.misses++;
		if (fc->refill_line != line)
			cpu->pending_stall += n->m->cfg.l2_hit;
		uint32_t victim;
		node_l1_insert(&fc->l1i, line, &victim);
		if (victim != NODE_L1_EMPTY)
			node_mem_invalidate_code(&n->mem, victim << LINE_SHIFT, LINE_BYTES);
	}
	fc->refill_line = NO_LINE;
	memcpy(word, data + (pa & (LINE_BYTES - 1)), 4);
	return NODE_MEM_OK;
}

static const node_memsys flash_memsys = {sys_load, sys_store, sys_fetch};

/* ---- DMA: node 0's devices reach memory through node 0's L2 ------------------ */

/* Requester number of node 0's DMA engine (after the CPUs). */
#define DMA_REQ(m) ((m)->cpn)

/* Each line of [addr, addr+len) must be in node 0's L2 with permission;
 * copies in or out when buf is set. -1 outside memory, NODE_DMA_MISS when
 * a line is not there yet (its request is out: one at a time). */
static int dma_lines(fnode *n, uint64_t addr, uint8_t *buf, uint32_t len, bool write, bool copy)
{
	flash_machine *m = n->m;
	if (addr >= m->ram_total || len > m->ram_total - addr)
		return -1;
	if (n->dma_waiting)
		return NODE_DMA_MISS;
	while (len) {
		uint32_t off = (uint32_t)(addr & (LINE_BYTES - 1)), k = LINE_BYTES - off;
		if (k > len)
			k = len;
		uint8_t *data;
		if (coh_access(n->coh, DMA_REQ(m), addr, write, n->now, &data) == COH_MISS) {
			n->dma_waiting = true;
			return NODE_DMA_MISS;
		}
		if (copy && write) {
			memcpy(data + off, buf, k);
			node_mem_invalidate_code(&n->mem, (uint32_t)addr, k);
			uint32_t line = (uint32_t)(addr >> LINE_SHIFT);
			for (int i = 0; i < m->cpn; i++)
				if (n->fc[i].cpu->llbit && n->fc[i].cpu->ll_line == line)
					n->fc[i].cpu->llbit = 0;
		} else if (copy) {
			memcpy(buf, data + off, k);
		}
		addr += k;
		len -= k;
		if (buf)
			buf += k;
	}
	return 0;
}

static int dma_read(void *opaque, uint64_t addr, void *buf, uint32_t len)
{
	return dma_lines(opaque, addr, buf, len, false, true);
}

static int dma_write(void *opaque, uint64_t addr, const void *buf, uint32_t len)
{
	return dma_lines(opaque, addr, (uint8_t *)buf, len, true, true);
}

static int dma_prepare(void *opaque, uint64_t addr, uint32_t len, bool write)
{
	return dma_lines(opaque, addr, NULL, len, write, false);
}

/* After the DMA requester's miss completed: the devices try again, then the
 * lines held for it go. */
static void dma_retry(fnode *n, uint64_t now)
{
	flash_machine *m = n->m;
	n->dma_kick = false;
	n->now = now;
	if (m->guest)
		m->guest->dma_retry(m->guest_opaque, n->id, now);
	else if (n->id == 0)
		for (int s = 0; s < m->nslots; s++)
			node_virtio_kick(&m->slots[s]);
	coh_release(n->coh, DMA_REQ(m), now);
}

/* ---- MAGIC ------------------------------------------------------------------ */

static uint32_t magic_read(void *dev, uint32_t off, unsigned size)
{
	fnode *n = dev;
	flash_machine *m = n->m;
	n->magic_accesses++;
	if (size != 4)
		return 0;
	switch (off) {
	case MAGIC_ID: return MAGIC_ID_VALUE;
	case MAGIC_NODE: return (uint32_t)n->id;
	case MAGIC_NNODES: return (uint32_t)m->nnodes;
	case MAGIC_CPN: return (uint32_t)m->cpn;
	case MAGIC_NCPUS: return (uint32_t)(m->nnodes * m->cpn);
	case MAGIC_FIRST_CPU: return (uint32_t)(n->id * m->cpn);
	case MAGIC_MEM_BASE: return (uint32_t)((uint64_t)n->id * m->mem_per_node);
	case MAGIC_MEM_SIZE: return (uint32_t)m->mem_per_node;
	}
	if (off >= MAGIC_MBOX(0) && off < MAGIC_MBOX(m->cpn)) {
		unsigned c = (off - MAGIC_MBOX(0)) / 0x20, r = (off - MAGIC_MBOX(0)) % 0x20;
		if (r < 0x10)
			return n->mbox[c][r / 4];
		if (r == MAGIC_MBOX_STATE)
			return !n->cpus[c].halted;
		return 0;
	}
	if (off >= MAGIC_IPI(0) && off < MAGIC_IPI(m->cpn) &&
	    (off - MAGIC_IPI(0)) % 0x10 == MAGIC_IPI_PENDING)
		return n->ipi[(off - MAGIC_IPI(0)) / 0x10];
	return 0;
}

static void ipi_update(fnode *n, unsigned c)
{
	cpu_irq(&n->fc[c], MAGIC_IPI_IP, n->ipi[c] != 0);
}

static void magic_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
	fnode *n = dev;
	flash_machine *m = n->m;
	n->magic_accesses++;
	if (size != 4)
		return;
	if (off >= MAGIC_MBOX(0) && off < MAGIC_MBOX(m->cpn)) {
		unsigned c = (off - MAGIC_MBOX(0)) / 0x20, r = (off - MAGIC_MBOX(0)) % 0x20;
		if (r < 0x10) {
			n->mbox[c][r / 4] = val;
		} else if (r == MAGIC_MBOX_START && val == 1 && n->cpus[c].halted) {
			node_cpu *cpu = &n->cpus[c];
			cpu->halted = false;
			cpu->pc = n->mbox[c][0];
			cpu->r[29] = n->mbox[c][1];
			cpu->r[28] = n->mbox[c][2];
			cpu->r[4] = n->mbox[c][3];
			cpu->cycles = max64(cpu->cycles, n->now);
			node_cpu_timer_tick(cpu);
		}
		return;
	}
	if (off >= MAGIC_IPI(0) && off < MAGIC_IPI(m->cpn)) {
		unsigned c = (off - MAGIC_IPI(0)) / 0x10, r = (off - MAGIC_IPI(0)) % 0x10;
		if (r == MAGIC_IPI_SET)
			n->ipi[c] |= val;
		else if (r == MAGIC_IPI_CLEAR)
			n->ipi[c] &= ~val;
		ipi_update(n, c);
	}
}

static const node_dev_ops magic_ops = {"magic", magic_read, magic_write, NULL};

/* ---- message handling ------------------------------------------------------- */

static void halt_broadcast(fnode *n, uint64_t now, uint32_t value)
{
	/* once per rank: the first reason to stop wins */
	if (n->m->power_sent)
		return;
	n->m->power_sent = true;
	/* every node hears it through the transport - itself too - so that
	 * every rank sees it in the same quantum and stops after the same
	 * exchange */
	flash_machine *m = n->m;
	for (int d = 0; d < m->nnodes; d++) {
		coh_msg msg;
		memset(&msg, 0, sizeof(msg));
		msg.type = MSG_HALT;
		msg.src = (uint16_t)n->id;
		msg.dst = (uint16_t)d;
		msg.len = 4;
		memcpy(msg.data, &value, 4);
		msg.send_time = now;
		/* at the next quantum boundary at the earliest: never late */
		msg.deliver_time = max64(now + m->lookahead, m->pdes.end);
		int err = coh_send(m->t, &msg);
		COH_CHECK(err == 0, "halt broadcast failed: %s", coh_strerror(err));
	}
}

static void check_power(fnode *n, uint64_t now)
{
	flash_machine *m = n->m;
	if (n->id == 0 && m->power.off)
		halt_broadcast(n, now, m->power.value);
}

static void handle(fnode *n, const coh_msg *msg, uint64_t now)
{
	flash_machine *m = n->m;
	if (msg->type < COH_MSG_NODE_FIRST) {
		coh_handle(n->coh, msg, now);
		while (n->dma_kick)
			dma_retry(n, now);
		return;
	}
	if (msg->type >= FLASH_MSG_GUEST_FIRST) {
		COH_CHECK(m->guest, "node %d: monitor message %u without a monitor", n->id,
			  msg->type);
		m->guest->msg(m->guest_opaque, n->id, msg, now);
		return;
	}
	uc_payload p;
	memcpy(&p, msg->data, sizeof(p));
	switch (msg->type) {
	case MSG_UC_READ: {
		uint32_t v = 0;
		int r = uc_local(n, (uint32_t)msg->addr, p.size, false, &v);
		uc_payload reply = {p.size, v, p.cpu, r == NODE_MEM_EBUS};
		send_node_msg(n, MSG_UC_REPLY, msg->src, msg->addr, now + m->cfg.coh.dir, &reply,
			      sizeof(reply));
		break;
	}
	case MSG_UC_WRITE: uc_local(n, (uint32_t)msg->addr, p.size, true, &p.value); break;
	case MSG_UC_REPLY: {
		fcpu *fc = &n->fc[(int)p.cpu - n->id * m->cpn];
		COH_CHECK(fc->uc_state == UC_WAIT && fc->uc_pa == msg->addr,
			  "node %d: unexpected uncached reply for %#llx", n->id,
			  (unsigned long long)msg->addr);
		fc->uc_state = UC_READY;
		fc->uc_value = p.value;
		fc->uc_err = p.err != 0;
		resume(fc->cpu, now);
		break;
	}
	case MSG_HALT:
		if (!m->halt) {
			m->halt = true;
			memcpy(&m->exit_value, msg->data, 4);
		}
		break;
	default:
		COH_CHECK(0, "node %d: unknown message type %u from node %u", n->id, msg->type,
			  msg->src);
	}
	check_power(n, now);
}

/* ---- the run loop ------------------------------------------------------------ */

/* When the CPU can next run: UINT64_MAX when it cannot by itself. */
static uint64_t ready_time(const node_cpu *cpu)
{
	if (cpu->halted || cpu->stalled)
		return UINT64_MAX;
	if (cpu->waiting) {
		if (wakeable(cpu))
			return cpu->cycles;
		if (cpu->status & NODE_ST_IM7)
			return max64(cpu->cycles, cpu->timer_deadline);
		return UINT64_MAX;
	}
	return cpu->cycles;
}

static void run_cpu(fnode *n, fcpu *fc, uint64_t ready, uint64_t limit)
{
	node_cpu *cpu = fc->cpu;
	if (cpu->waiting) {
		idle_until(fc, ready);
		node_cpu_timer_tick(cpu);
		if (!wakeable(cpu))
			return;
		cpu->waiting = false;
	}
	node_cpu_timer_tick(cpu);
	node_cpu_check_interrupts(cpu);
	if (cpu->waiting || cpu->halted)
		return; /* a monitor's trap hook put the CPU to sleep */
	uint64_t budget = limit > cpu->cycles ? limit - cpu->cycles : 1;
	budget = min64(budget, SLICE_CYCLES);
	budget = min64(budget, node_cpu_cycles_to_timer(cpu));
	n->now = cpu->cycles;
	int r = node_cpu_run(cpu, (int64_t)budget);
	if (fc->woken) {
		fc->woken = false;
		coh_release(n->coh, cpu->local, cpu->cycles);
		while (n->dma_kick)
			dma_retry(n, cpu->cycles);
	}
	node_cpu_timer_tick(cpu);
	if (r == NODE_RUN_STALL)
		cpu->stalled = true;
	check_power(n, cpu->cycles);
}

static const coh_msg *next_msg(fnode *n, bool *self)
{
	const coh_msg *a = coh_queue_head(&n->selfq), *b = coh_peek(n->m->t, n->id);
	*self = a && (!b || coh_msg_order(a, b) <= 0);
	return *self ? a : b;
}

static void node_quantum(fnode *n, uint64_t start, uint64_t end)
{
	for (;;) {
		bool self;
		const coh_msg *h = next_msg(n, &self);
		uint64_t tm = h ? max64(h->deliver_time, start) : UINT64_MAX;
		fcpu *best = NULL;
		uint64_t tc = UINT64_MAX;
		for (int i = 0; i < n->m->cpn; i++) {
			uint64_t r = ready_time(&n->cpus[i]);
			if (r < tc) {
				tc = r;
				best = &n->fc[i];
			}
		}
		if (h && tm < end && tm <= tc) {
			coh_msg msg;
			if (self)
				coh_queue_pop(&n->selfq, &msg);
			else
				coh_next(n->m->t, n->id, UINT64_MAX, &msg);
			n->now = tm;
			handle(n, &msg, tm);
			continue;
		}
		if (!best || tc >= end)
			return;
		run_cpu(n, best, tc, min64(end, tm));
	}
}

/* The node's earliest event from `from` on, messages in the transport not
 * counted (the exchange knows those). */
static uint64_t node_next(fnode *n)
{
	uint64_t t = UINT64_MAX;
	const coh_msg *a = coh_queue_head(&n->selfq);
	if (a)
		t = a->deliver_time;
	for (int i = 0; i < n->m->cpn; i++)
		t = min64(t, ready_time(&n->cpus[i]));
	return t;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int flash_run(flash_machine *m)
{
	coh_pdes *p = &m->pdes;
	uint64_t poll_epoch = 0;
	while (coh_pdes_running(p)) {
		for (int i = 0; i < m->nnodes; i++)
			if (m->nodes[i])
				node_quantum(m->nodes[i], p->start, p->end);
		uint64_t local_next = UINT64_MAX;
		for (int i = 0; i < m->nnodes; i++)
			if (m->nodes[i])
				local_next = min64(local_next, node_next(m->nodes[i]));
		/* host time of the exchange: every one across ranks, one in 64
		 * (scaled) in one process, where the clock would cost as much */
		bool timed = m->nranks > 1 || !(m->exchange_calls & 63);
		double t0 = timed ? now_seconds() : 0;
		int err = coh_pdes_end_quantum(p, max64(local_next, p->end));
		if (timed)
			m->exchange_seconds += (now_seconds() - t0) * (m->nranks > 1 ? 1 : 64);
		m->exchange_calls++;
		COH_CHECK(err == 0, "quantum exchange failed: %s", coh_strerror(err));
		if (m->halt)
			return m->stop = m->stop_request ? NODE_STOP_HOST : NODE_STOP_POWEROFF;
		if ((p->start >> POLL_SHIFT) != poll_epoch) {
			poll_epoch = p->start >> POLL_SHIFT;
			fnode *n0 = m->nodes[0];
			if (m->guest)
				m->guest->poll(m->guest_opaque, p->start);
			if (n0 && m->poll) {
				n0->now = p->start;
				m->poll(m, m->poll_opaque);
				if (m->stop_request)
					halt_broadcast(n0, p->start, 0);
			}
		}
	}
	if (p->idle)
		return m->stop = NODE_STOP_IDLE;
	return m->stop = NODE_STOP_LIMIT;
}

/* ---- construction --------------------------------------------------------------- */

void flash_config_default(flash_config *c)
{
	memset(c, 0, sizeof(*c));
	node_machine_config_default(&c->base);
	c->base.ram_bytes = 32u << 20;
	c->nnodes = 1;
	c->l1_bytes = 32u << 10;
	c->l1_ways = 2;
	c->l2_hit = 10; /* 50 ns at 200 MHz */
	coh_proto_params_default(&c->coh);
	c->placement = COH_PLACE_BLOCKS;
}

flash_model flash_model_of(const flash_config *c)
{
	const coh_proto_params *p = &c->coh;
	flash_model f;
	f.l2_hit = c->l2_hit;
	f.local_miss = c->l2_hit + p->dir + p->mem;
	f.remote_clean_miss = c->l2_hit + 2 * p->hop + p->dir + p->mem;
	f.remote_dirty_miss = c->l2_hit + 3 * p->hop + 2 * p->dir + p->cache;
	return f;
}

static int fail(char *err, size_t errlen, const char *msg)
{
	snprintf(err, errlen, "%s", msg);
	return -1;
}

static fnode *node_new(flash_machine *m, int id, char *err, size_t errlen)
{
	fnode *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->m = m;
	n->id = id;
	coh_queue_init(&n->selfq);
	n->uc_last = calloc((size_t)m->nnodes, sizeof(uint64_t));
	n->ram = calloc(1, m->mem_per_node);
	n->cpus = calloc((size_t)m->cpn, sizeof(node_cpu));
	n->fc = calloc((size_t)m->cpn, sizeof(fcpu));
	if (!n->uc_last || !n->ram || !n->cpus || !n->fc ||
	    node_mem_init_sys(&n->mem, (uint32_t)m->ram_total, &flash_memsys, n)) {
		snprintf(err, errlen, "out of host memory for node %d", id);
		return NULL;
	}
	n->coh = coh_node_new(id, m->nnodes, n->ram, m->mem_per_node, m->cpn + 1, &m->cfg.coh,
			      &engine_ops, n);
	if (!n->coh) {
		snprintf(err, errlen, "node %d: bad cache or protocol parameters", id);
		return NULL;
	}
	for (int c = 0; c < m->cpn; c++) {
		node_cpu *cpu = &n->cpus[c];
		fcpu *fc = &n->fc[c];
		node_cpu_reset(cpu, &n->mem, id * m->cpn + c);
		cpu->ftlb_shift = LINE_SHIFT;
		cpu->ftlb_mask = ~(LINE_BYTES - 1);
		cpu->local = c;
		cpu->sys = fc;
		cpu->halted = !(id == 0 && c == 0);
		fc->cpu = cpu;
		fc->node = n;
		fc->global = id * m->cpn + c;
		fc->refill_line = NO_LINE;
		if (node_l1_init(&fc->l1d, m->cfg.l1_bytes, m->cfg.l1_ways) ||
		    node_l1_init(&fc->l1i, m->cfg.l1_bytes, m->cfg.l1_ways)) {
			snprintf(err, errlen, "bad L1 geometry: %u bytes, %u ways", m->cfg.l1_bytes,
				 m->cfg.l1_ways);
			return NULL;
		}
	}
	node_mem_map_device(&n->mem, MAGIC_BASE + (uint32_t)id * MAGIC_STRIDE, MAGIC_STRIDE,
			    &magic_ops, n);
	if (id == 0) {
		node_uart_init(&m->uart, m->cfg.base.console,
			       (node_irq){cpu_irq, &n->fc[0], NODE_UART_IP});
		node_mem_map_device(&n->mem, NODE_UART_BASE, 0x100, &node_uart_ops, &m->uart);
		node_mem_map_device(&n->mem, NODE_POWER_BASE, 0x4, &node_power_ops, &m->power);
		node_dma dma = {dma_read, dma_write, dma_prepare, n};
		if (node_virtio_slots_init(&n->mem, &m->cfg.base, m->slots, m->slot_label, m->blk,
					   m->net, dma, cpu_irq, &n->fc[0], err, errlen))
			return NULL;
		m->nslots = m->cfg.base.slots;
	}
	return n;
}

static void node_free(fnode *n)
{
	if (!n)
		return;
	if (n->fc)
		for (int c = 0; c < n->m->cpn; c++) {
			node_l1_free(&n->fc[c].l1d);
			node_l1_free(&n->fc[c].l1i);
		}
	coh_node_free(n->coh);
	node_mem_destroy(&n->mem);
	coh_queue_free(&n->selfq);
	free(n->fc);
	free(n->cpus);
	free(n->ram);
	free(n->uc_last);
	free(n);
}

flash_machine *flash_new(const flash_config *cfg, char *err, size_t errlen)
{
	flash_machine *m = calloc(1, sizeof(*m));
	if (!m) {
		fail(err, errlen, "out of host memory");
		return NULL;
	}
	m->cfg = *cfg;
	m->nnodes = cfg->nnodes;
	m->cpn = cfg->base.ncpus > 0 ? cfg->base.ncpus : 1;
	m->mem_per_node = cfg->base.ram_bytes;
	m->ram_total = (uint64_t)m->nnodes * m->mem_per_node;
	m->nranks = 1;
	if (m->nnodes < 1 || m->nnodes > MAGIC_MAX_NODES || m->cpn > MAGIC_MAX_CPN) {
		snprintf(err, errlen, "at most %d nodes of at most %d CPUs", MAGIC_MAX_NODES,
			 MAGIC_MAX_CPN);
		goto fail;
	}
	if (m->ram_total > NODE_UART_BASE) {
		snprintf(err, errlen,
			 "%d nodes x %llu MiB = %llu MiB of memory does not fit below the "
			 "device window at 0x1f000000 (496 MiB)",
			 m->nnodes, (unsigned long long)(m->mem_per_node >> 20),
			 (unsigned long long)(m->ram_total >> 20));
		goto fail;
	}
	if (cfg->base.net_loopback) {
		snprintf(err, errlen,
			 "the loopback network backend is not available on the "
			 "detailed (cache-coherent) machine yet: use backend none");
		goto fail;
	}
	if (cfg->base.ndisks > NODE_MAX_DISKS || cfg->base.nnets > NODE_MAX_NETS ||
	    cfg->base.ndisks + cfg->base.nnets > NODE_MAX_SLOTS) {
		snprintf(err, errlen, "too many devices: at most %d disks, %d network devices",
			 NODE_MAX_DISKS, NODE_MAX_NETS);
		goto fail;
	}
	if (m->cfg.base.slots < cfg->base.ndisks + cfg->base.nnets)
		m->cfg.base.slots = cfg->base.ndisks + cfg->base.nnets;
	if (m->cfg.base.slots > NODE_MAX_SLOTS)
		m->cfg.base.slots = NODE_MAX_SLOTS;
#ifdef DISCOFLASH_MPI
	if (cfg->mpi_comm)
		MPI_Comm_size(*(MPI_Comm *)cfg->mpi_comm, &m->nranks);
#endif
	int e = 0;
	/* a list names ranks of the biggest run in mind; with fewer ranks,
	 * rank r of the list runs on rank r mod N (plain discoflash: all on 0) */
	int list[MAGIC_MAX_NODES];
	if (cfg->placement == COH_PLACE_LIST && cfg->place_list)
		for (int i = 0; i < m->nnodes; i++)
			list[i] = cfg->place_list[i] % m->nranks;
	m->map = coh_map_new(m->nnodes, m->nranks, cfg->placement, list, &e);
	if (!m->map) {
		snprintf(err, errlen,
			 "cannot place %d nodes on %d ranks (machine.placement): every rank "
			 "must hold at least one node",
			 m->nnodes, m->nranks);
		goto fail;
	}
	/* The lookahead is the least node-to-node latency. A machine of one
	 * node sends nothing to another node, so its quanta can be long (the
	 * run loop's overhead per quantum then vanishes), still exact. */
	m->lookahead = m->nnodes == 1 ? SLICE_CYCLES : cfg->coh.hop;
	const char *algo = getenv("DISCOFLASH_EXCHANGE"); /* counts (default) | nbx */
	coh_transport_config tc = {m->map, cfg->mpi_comm, m->lookahead,
				   algo && !strcmp(algo, "nbx") ? COH_EXCHANGE_NBX
								: COH_EXCHANGE_COUNTS};
	e = coh_transport_new(&tc, &m->t);
	if (e) {
		snprintf(err, errlen, "cannot set the transport up: %s", coh_strerror(e));
		goto fail;
	}
	m->rank = coh_transport_rank(m->t);
	coh_pdes_config pc = {cfg->quantum ? cfg->quantum : m->lookahead, false, cfg->max_cycles};
	if (coh_pdes_init(&m->pdes, m->t, &pc)) {
		fail(err, errlen, "bad quantum");
		goto fail;
	}
	m->nodes = calloc((size_t)m->nnodes, sizeof(*m->nodes));
	if (!m->nodes) {
		fail(err, errlen, "out of host memory");
		goto fail;
	}
	for (int i = 0; i < m->nnodes; i++) {
		if (!coh_is_local(m->t, i))
			continue;
		m->nodes[i] = node_new(m, i, err, errlen);
		if (!m->nodes[i])
			goto fail;
	}
	return m;
fail:
	flash_free(m);
	return NULL;
}

void flash_free(flash_machine *m)
{
	if (!m)
		return;
	if (m->nodes)
		for (int i = 0; i < m->nnodes; i++)
			node_free(m->nodes[i]);
	for (int i = 0; i < NODE_MAX_DISKS; i++)
		vdisk_close(m->blk[i].disk);
	free(m->nodes);
	if (m->t)
		coh_transport_free(m->t);
	free(m->map);
	free(m);
}

/* ---- boot -------------------------------------------------------------------------- */

static int load_file(node_mem *img, const char *path, uint32_t at, uint32_t *size, char *err,
		     size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	uint32_t n = 0;
	int c;
	while ((c = fgetc(f)) != EOF) {
		if (!node_mem_is_ram(img, at + n, 1)) {
			fclose(f);
			snprintf(err, errlen, "%s: does not fit in machine memory at %#x", path,
				 at);
			return -1;
		}
		img->ram[at + n++] = (uint8_t)c;
	}
	fclose(f);
	*size = n;
	return 0;
}

int flash_boot(flash_machine *m, const char *kernel, char *err, size_t errlen)
{
	/* the whole image is built in one flat buffer, then each node takes
	 * its slice */
	node_mem img;
	if (node_mem_init(&img, (uint32_t)m->ram_total))
		return fail(err, errlen, "out of host memory for the boot image");
	node_elf_info info;
	int rc = -1;
	if (node_elf_load(&img, kernel, &info, err, errlen))
		goto out;
	node_fdt_board b = {
		.ram_bytes = (uint32_t)m->ram_total,
		.ncpus = m->nnodes * m->cpn,
		.cpu_hz = m->cfg.base.cpu_hz,
		.bootargs = m->cfg.base.cmdline,
		.uart_base = NODE_UART_BASE,
		.uart_ip = NODE_UART_IP,
		.nvirtio = m->cfg.base.slots,
		.poweroff_base = NODE_POWER_BASE,
		.magic_base = MAGIC_BASE,
		.magic_size = (uint32_t)m->nnodes * MAGIC_STRIDE,
	};
	for (int s = 0; s < m->cfg.base.slots; s++) {
		b.virtio_base[s] = NODE_VIRTIO_BASE + (uint32_t)s * NODE_VIRTIO_STRIDE;
		b.virtio_ip[s] = node_virtio_ip(s);
	}
	uint32_t dtb = (info.hi + 0xffffu) & ~0xffffu;
	uint8_t buf[16384];
	uint32_t rd = dtb + sizeof(buf);
	if (m->cfg.initrd) {
		uint32_t size;
		rd = (rd + NODE_PAGE_SIZE - 1) & ~(NODE_PAGE_SIZE - 1);
		if (load_file(&img, m->cfg.initrd, rd, &size, err, errlen))
			goto out;
		b.initrd_start = rd;
		b.initrd_end = rd + size;
	}
	int size = node_fdt_build(&b, buf, sizeof(buf));
	if (size < 0 || !node_mem_is_ram(&img, dtb, (uint32_t)size)) {
		snprintf(err, errlen, "%s: no room for the device tree after the image", kernel);
		goto out;
	}
	node_mem_dma_write(&img, dtb, buf, (uint32_t)size);
	/* everything written lies below `used` (node memory starts zeroed) */
	uint64_t used = max64(max64(info.hi, dtb + (uint32_t)size), b.initrd_end);
	for (int i = 0; i < m->nnodes; i++) {
		fnode *n = m->nodes[i];
		uint64_t base = (uint64_t)i * m->mem_per_node;
		if (n && used > base)
			memcpy(n->ram, img.ram + base, min64(used - base, m->mem_per_node));
	}
	if (m->nodes[0]) {
		node_cpu *cpu = &m->nodes[0]->cpus[0];
		cpu->pc = info.entry;
		cpu->r[4] = (uint32_t)-2;      /* a0: UHI */
		cpu->r[5] = 0x80000000u | dtb; /* a1: DTB (KSEG0) */
	}
	rc = 0;
out:
	node_mem_destroy(&img);
	return rc;
}

/* ---- accessors ------------------------------------------------------------------------ */

void flash_set_poll(flash_machine *m, void (*poll)(flash_machine *m, void *opaque), void *opaque)
{
	m->poll = poll;
	m->poll_opaque = opaque;
}

node_uart *flash_uart(flash_machine *m)
{
	return m->nodes[0] ? &m->uart : NULL;
}

void flash_request_stop(flash_machine *m)
{
	m->stop_request = true;
}

uint32_t flash_exit_value(const flash_machine *m)
{
	return m->exit_value;
}

bool flash_is_rank0(const flash_machine *m)
{
	return m->rank == 0;
}

uint64_t flash_now(const flash_machine *m)
{
	return m->pdes.start;
}

uint64_t flash_local_insns(const flash_machine *m)
{
	uint64_t s = 0;
	for (int i = 0; i < m->nnodes; i++)
		if (m->nodes[i])
			for (int c = 0; c < m->cpn; c++)
				s += m->nodes[i]->cpus[c].insns;
	return s;
}

/* ---- the guest layer ------------------------------------------------------------------ */

void flash_set_guest(flash_machine *m, const flash_guest_ops *ops, void *opaque)
{
	m->guest = ops;
	m->guest_opaque = opaque;
}

int flash_nnodes(const flash_machine *m)
{
	return m->nnodes;
}

int flash_cpn(const flash_machine *m)
{
	return m->cpn;
}

int flash_rank(const flash_machine *m)
{
	return m->rank;
}

int flash_node_rank(const flash_machine *m, int node)
{
	return node >= 0 && node < m->nnodes ? m->map->rank_of[node] : -1;
}

uint64_t flash_mem_per_node(const flash_machine *m)
{
	return m->mem_per_node;
}

uint32_t flash_cpu_hz(const flash_machine *m)
{
	return m->cfg.base.cpu_hz;
}

uint32_t flash_page_colours(const flash_machine *m)
{
	uint32_t c = m->cfg.coh.l2_bytes / (m->cfg.coh.l2_ways ? m->cfg.coh.l2_ways : 1) /
		     NODE_PAGE_SIZE;
	return c ? c : 1;
}

uint64_t flash_hop(const flash_machine *m)
{
	return m->cfg.coh.hop;
}

node_cpu *flash_cpu(flash_machine *m, int node, int c)
{
	if (node < 0 || node >= m->nnodes || !m->nodes[node] || c < 0 || c >= m->cpn)
		return NULL;
	return &m->nodes[node]->cpus[c];
}

void flash_send(flash_machine *m, int src, int dst, int type, uint64_t send, uint64_t latency,
		uint64_t addr, const void *payload, uint16_t len)
{
	fnode *n = m->nodes[src];
	COH_CHECK(n && type >= FLASH_MSG_GUEST_FIRST && len <= COH_LINE_BYTES,
		  "bad monitor message from node %d", src);
	COH_CHECK(send >= m->pdes.start,
		  "node %d: monitor message %d sent at %llu, before the quantum's start %llu", src,
		  type, (unsigned long long)send, (unsigned long long)m->pdes.start);
	coh_msg msg;
	memset(&msg, 0, sizeof(msg));
	msg.type = (uint16_t)type;
	msg.src = (uint16_t)src;
	msg.dst = (uint16_t)dst;
	msg.addr = addr;
	msg.len = len;
	if (len)
		memcpy(msg.data, payload, len);
	msg.send_time = send;
	if (dst != src && latency < m->cfg.coh.hop)
		latency = m->cfg.coh.hop;
	msg.deliver_time = max64(send + latency, n->uc_last[dst]);
	n->uc_last[dst] = msg.deliver_time;
	route(n, &msg);
}

int flash_dma(flash_machine *m, int node, uint64_t now, uint64_t addr, void *buf, uint32_t len,
	      bool write)
{
	fnode *n = m->nodes[node];
	if (!n)
		return -1;
	n->now = max64(n->now, now);
	return dma_lines(n, addr, buf, len, write, buf != NULL);
}

int flash_poke(flash_machine *m, uint64_t addr, const void *buf, uint32_t len)
{
	if (addr >= m->ram_total || len > m->ram_total - addr)
		return -1;
	const uint8_t *b = buf;
	while (len) {
		uint64_t node = addr / m->mem_per_node, off = addr % m->mem_per_node;
		uint32_t k = (uint32_t)min64(len, m->mem_per_node - off);
		if (!m->nodes[node])
			return -1;
		memcpy(m->nodes[node]->ram + off, b, k);
		addr += k;
		b += k;
		len -= k;
	}
	return 0;
}

void flash_cpu_irq(node_cpu *cpu, uint64_t now, int line, bool level)
{
	fcpu *fc = cpu->sys;
	fc->node->now = max64(fc->node->now, now);
	cpu_irq(fc, line, level);
}

uint32_t *flash_cpu_special(node_cpu *cpu)
{
	fcpu *fc = cpu->sys;
	return fc->special;
}

uint64_t flash_cpu_idle(const node_cpu *cpu)
{
	const fcpu *fc = cpu->sys;
	return fc->idle_cycles;
}

void flash_halt(flash_machine *m, int node, uint64_t now, uint32_t value)
{
	if (m->nodes[node])
		halt_broadcast(m->nodes[node], now, value);
}
