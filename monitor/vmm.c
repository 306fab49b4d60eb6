/* monitor/vmm.c: the monitor on the FLASH machine (see monitor/vmm.h). */
#include "monitor/vmm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "coherence/panic.h"
#include "monitor/emulate.h"
#include "monitor/l2tlb.h"
#include "monitor/memmap.h"
#include "monitor/pmap.h"
#include "monitor/vcpu.h"
#include "node/elf.h"
#include "node/fdt.h"
#include "node/magic_regs.h"

#define DOORBELL_IP 2 /* the real line the monitor wakes a CPU with */
#define KSEG0 0x80000000u
#define KSEG2 0xc0000000u
#define PAIR_MASK 0xffffe000u
#define DEV_BASE 0x1f000000u
#define DEV_END 0x1f300000u

/* Messages of the monitor on the machine's transport. */
enum {
	MSG_MON_START = FLASH_MSG_GUEST_FIRST, /* start vCPU: payload mon_ref + mailbox */
	MSG_MON_IPI,			       /* set IPI bits of a vCPU */
	MSG_MON_STOP,			       /* a VM powered off: stop its vCPUs here */
	MSG_MON_VMOFF,			       /* to node 0: VM off, with its exit value */
	MSG_MON_NET,			       /* a piece of a frame on the virtual subnet */
	MSG_MON_IRQ,			       /* a device line of a vCPU on another node */
	MSG_MON_DEV,			       /* to the home node: a vCPU's device access */
	MSG_MON_DEV_DONE,		       /* its answer: the value loaded, or a failure */
};

/* The virtual subnet: every network device of every VM is on it, with MAC
 * 52:54:00:d1:VM:DEV. A frame goes to the device its destination MAC
 * names, or to every other device for a broadcast or multicast, as
 * messages of at most 128 bytes (copying; page remapping is for later). */
#define NET_MAX_FRAME 1536
#define NET_HDR(dvm, ddev, svm, len, off)                                                          \
	((uint64_t)(dvm) | (uint64_t)(ddev) << 8 | (uint64_t)(svm) << 16 | (uint64_t)(len) << 32 | \
	 (uint64_t)(off) << 48)

typedef struct mon_ref {
	uint32_t vm, vcpu, value;
	uint32_t mbox[4];
} mon_ref;

struct pcpu;
struct vm;

/* A vCPU with what the monitor keeps beside the guest-visible state. */
typedef struct vcpu {
	mon_vcpu v;
	struct vm *vm;
	struct pcpu *p; /* the CPU it runs on (affinity) */
	int node;
	mon_l2tlb *l2;
	bool started, idle, off;
	/* waiting for the home node to run its device access (MSG_MON_DEV):
	 * the faulting pc, whether in a delay slot, the address and the load
	 * or store word (how to write the loaded value back) */
	bool dev_wait, dw_delay;
	uint32_t dw_pc, dw_va, dw_insn;
	uint32_t ipi_pending;
	uint32_t sp[2]; /* its special page while not loaded (magic_regs.h) */
	/* statistics */
	uint64_t user_cycles, kernel_cycles, monitor_cycles;
	uint64_t traps[32];
	uint64_t emulated, hw_tlb_misses, l2tlb_hits, vtlb_fills, reflected_tlb;
	uint64_t kseg_faults, mmio, irqs, switches, calls;
} vcpu;

typedef struct vm {
	mon_machine *mm;
	int index;
	const mon_vm_config *cfg;
	int home;	 /* node of its devices (and its pmap, with first touch) */
	bool local;	 /* its home node is on this rank */
	bool here;	 /* some vCPU of it runs on this rank (so does, if local) */
	bool interleave; /* MON_PLACE_INTERLEAVE: its pmap is fixed at build time */
	mon_pmap *pmap;
	vcpu vcpus[MON_VM_MAX_VCPUS];
	int nvcpus;
	node_mem dev; /* the VM's device window (no RAM) */
	node_uart uart;
	node_power power;
	node_virtio slots[NODE_MAX_SLOTS];
	char slot_label[NODE_MAX_SLOTS][32];
	node_virtio_blk blk[NODE_MAX_DISKS];
	node_virtio_net net[NODE_MAX_NETS];
	int nslots;
	uint32_t mbox[MON_VM_MAX_VCPUS][4];
	bool off;
	uint32_t exit_value;
	uint64_t pages_zeroed, dma_errors, pages_returned;
	uint8_t *rx_asm[NODE_MAX_NETS][MON_MAX_VMS]; /* frames being reassembled, by source */
	uint64_t net_sent, net_received;
} vm;

/* A physical CPU: the vCPUs that have affinity to it. */
typedef struct pcpu {
	mon_machine *mm;
	node_cpu *cpu;
	int node, global;
	vcpu *run[MON_MAX_VMS * MON_VM_MAX_VCPUS];
	int nrun, cur;
	unsigned hw_next;   /* next hardware TLB entry to replace */
	uint64_t mark;	    /* cycle up to which time is accounted */
	uint64_t idle_mark; /* flash_cpu_idle at mark */
	uint64_t slice_end; /* when another runnable vCPU may take over */
	uint64_t monitor_cycles;
} pcpu;

struct mon_machine {
	flash_machine *fm;
	mon_config cfg;
	int nnodes, cpn;
	mon_memmap *memmap;
	vm vms[MON_MAX_VMS];
	int nvms;
	pcpu *pcpus; /* nnodes * cpn; cpu NULL on other ranks */
	int vms_off; /* node 0: VMs that powered off */
	/* machine pages given back by VMs, per node, waiting to be zeroed by
	 * the node's DMA engine (coherently) before they are free again */
	uint32_t **zq;
	uint32_t *zq_len, zq_cap;
	uint32_t exit_value;
	uint64_t now; /* time of the event being handled (a trap, a message, DMA) */
	int cur_node; /* ... and the node handling it */
	void (*console_poll)(void *o, int vm);
	void *console_opaque;
};

/* DISCOFLASH_MON_TRACE=1 in the environment: every trap and every reflected
 * exception (other than TLB misses, syscalls, CpU and Mod) on stderr, and
 * the CPUs' state at the end - for debugging the monitor. */
static bool tracing(void)
{
	static int on = -1;
	if (on < 0)
		on = getenv("DISCOFLASH_MON_TRACE") != NULL;
	return on;
}

/* ---- placement -------------------------------------------------------------- */

static int vcpu_node(const mon_machine *mm, const mon_vm_config *c, int i)
{
	if (c->nnodes > 0)
		return c->nodes[i % c->nnodes];
	return i % mm->nnodes;
}

/* ---- the hardware TLB (owned by the monitor while a VM runs) ----------------- */

/* An entry that matches nothing a guest uses (top of kseg3, distinct). */
static void hw_write(node_cpu *cpu, unsigned idx, uint32_t hi, uint32_t lo0, uint32_t lo1, bool g)
{
	uint32_t saved = cpu->entryhi;
	cpu->entryhi = hi;
	cpu->pagemask = 0;
	cpu->entrylo0 = lo0 | (g ? 1u : 0u);
	cpu->entrylo1 = lo1 | (g ? 1u : 0u);
	node_tlb_write(cpu, idx);
	cpu->entryhi = saved;
}

static void hw_invalidate(node_cpu *cpu, unsigned idx)
{
	hw_write(cpu, idx, 0xff000000u + idx * 0x2000u, 0, 0, false);
}

static void hw_flush(node_cpu *cpu)
{
	for (unsigned i = 0; i < NODE_TLB_ENTRIES; i++)
		hw_invalidate(cpu, i);
}

/* Drops hardware entries overlapping [lo, hi] (inclusive) for asid (or
 * any, asid < 0); global entries match every asid. */
static void hw_invalidate_range(node_cpu *cpu, uint32_t lo, uint32_t hi, int asid)
{
	for (unsigned i = 0; i < NODE_TLB_ENTRIES; i++) {
		const node_tlb_entry *e = &cpu->tlb[i];
		uint32_t len = (e->mask | 0x1fffu) + 1, base = e->hi & ~(len - 1);
		if (base > hi || base + (len - 1) < lo)
			continue;
		if (asid >= 0 && !e->g && (e->hi & 0xffu) != (uint32_t)asid)
			continue;
		hw_invalidate(cpu, i);
	}
}

static void hw_fill(pcpu *p, uint32_t va, unsigned asid, uint32_t lo0, uint32_t lo1, bool g)
{
	node_cpu *cpu = p->cpu;
	/* a non-refill fault finds the old pair still there: replace it */
	hw_invalidate_range(cpu, va & PAIR_MASK, (va & PAIR_MASK) | 0x1fffu, (int)asid);
	unsigned idx = p->hw_next++ & (NODE_TLB_ENTRIES - 1);
	hw_write(cpu, idx, (va & PAIR_MASK) | (g ? 0 : asid), lo0, lo1, g);
}

/* ---- guest memory ------------------------------------------------------------ */

/* The pmap entry of gppn, allocating its machine page on first touch on
 * the toucher's node (node < 0: the VM's home). NULL when no machine
 * memory is left on this rank's nodes. */
static const mon_pmap_entry *touch(vm *w, uint32_t gppn, int node, uint32_t *cost)
{
	const mon_pmap_entry *e = mon_pmap_lookup(w->pmap, gppn);
	if (!e)
		return NULL;
	if (e->flags & MON_PMAP_VALID)
		return e;
	mon_machine *mm = w->mm;
	if (node < 0)
		node = w->home;
	/* first touch: this node, else the nearest node of this rank */
	int64_t mp = -1;
	for (int d = 0; d < mm->nnodes && mp < 0; d++) {
		for (int s = d ? -1 : 1; s <= 1; s += 2) {
			int n = node + s * d;
			if (n < 0 || n >= mm->nnodes || !flash_cpu(mm->fm, n, 0))
				continue;
			mp = mon_memmap_alloc(mm->memmap, (uint32_t)n, MON_MEMMAP_EXACT);
			if (mp >= 0)
				break;
		}
	}
	if (mp < 0)
		return NULL;
	mon_mapper mr = {gppn, (uint16_t)w->index};
	mon_memmap_add_mapper(mm->memmap, (uint32_t)mp, &mr);
	mon_pmap_set(w->pmap, gppn, (uint32_t)mp, MON_PMAP_WRITABLE);
	w->pages_zeroed++;
	if (cost)
		*cost += mm->cfg.cost.page_zero;
	return mon_pmap_lookup(w->pmap, gppn);
}

/* Guest-physical [gpa, gpa+len) to machine addresses, page by page,
 * through fn. -1 when any byte is outside the VM's memory. */
static int guest_dma(vm *w, uint64_t gpa, uint8_t *buf, uint32_t len, bool write, bool copy)
{
	if (gpa >= w->cfg->memory || len > w->cfg->memory - gpa) {
		w->dma_errors++;
		return -1;
	}
	while (len) {
		uint32_t off = (uint32_t)(gpa & (NODE_PAGE_SIZE - 1));
		uint32_t k = NODE_PAGE_SIZE - off;
		if (k > len)
			k = len;
		const mon_pmap_entry *e = touch(w, (uint32_t)(gpa >> NODE_PAGE_SHIFT), -1, NULL);
		if (!e) {
			w->dma_errors++;
			return -1;
		}
		uint64_t ma = ((uint64_t)e->mppn << NODE_PAGE_SHIFT) | off;
		int r = flash_dma(w->mm->fm, w->home, w->mm->now, ma, copy ? buf : NULL, k, write);
		if (r)
			return r;
		gpa += k;
		len -= k;
		if (buf)
			buf += k;
	}
	return 0;
}

static int vm_dma_read(void *o, uint64_t addr, void *buf, uint32_t len)
{
	return guest_dma(o, addr, buf, len, false, true);
}

static int vm_dma_write(void *o, uint64_t addr, const void *buf, uint32_t len)
{
	return guest_dma(o, addr, (uint8_t *)buf, len, true, true);
}

static int vm_dma_prepare(void *o, uint64_t addr, uint32_t len, bool write)
{
	return guest_dma(o, addr, NULL, len, write, false);
}

/* ---- time accounting ----------------------------------------------------------- */

static vcpu *current(pcpu *p)
{
	return p->nrun ? p->run[p->cur] : NULL;
}

/* Charges the cycles since the last mark (minus idle) to the current
 * vCPU's guest mode. */
static void account(pcpu *p)
{
	node_cpu *cpu = p->cpu;
	uint64_t idle = flash_cpu_idle(cpu);
	uint64_t span = cpu->cycles - p->mark, idled = idle - p->idle_mark;
	uint64_t run = span > idled ? span - idled : 0;
	vcpu *x = current(p);
	if (x && run) {
		if (mon_vcpu_guest_mode(&x->v) == NODE_MODE_USER)
			x->user_cycles += run;
		else
			x->kernel_cycles += run;
	}
	p->mark = cpu->cycles;
	p->idle_mark = idle;
}

static void charge(pcpu *p, vcpu *x, uint32_t cycles)
{
	p->cpu->pending_trap += cycles;
	p->monitor_cycles += cycles;
	if (x)
		x->monitor_cycles += cycles;
	p->mark += cycles; /* the trap's cycles are the monitor's, not the guest's */
}

/* ---- loading vCPUs onto the real CPU ----------------------------------------------- */

static void set_host_timer(pcpu *p, uint64_t deadline)
{
	node_cpu *cpu = p->cpu;
	uint64_t now = cpu->cycles;
	/* Count ticks every 2 cycles: one more tick so that it never fires
	 * before the deadline */
	uint64_t ticks = deadline > now ? ((deadline - now) >> 1) + 1 : 1;
	if (ticks > 0x7fffffffu)
		ticks = 0x7fffffffu;
	if (ticks == 0)
		ticks = 1;
	node_cp0_write(cpu, 11, 0, node_cp0_count(cpu) + (uint32_t)ticks);
}

static bool runnable(const vcpu *x)
{
	return x->started && !x->idle && !x->off && !x->dev_wait;
}

static int nrunnable(const pcpu *p)
{
	int n = 0;
	for (int i = 0; i < p->nrun; i++)
		n += runnable(p->run[i]);
	return n;
}

/* Real Status, ASID and timer for the loaded vCPU. */
static void sync_real(pcpu *p, vcpu *x)
{
	node_cpu *cpu = p->cpu;
	node_cp0_write(cpu, 12, 0, mon_vcpu_host_status(&x->v));
	/* the guest's own supervisor mode runs in real supervisor mode like
	 * its kernel, but may not reach kseg0/1/3: no entry the monitor made
	 * for its kernel may stay (misses then follow the guest's rules) */
	if (mon_vcpu_guest_mode(&x->v) == NODE_MODE_SUPER)
		hw_flush(cpu);
	uint32_t asid = x->v.entryhi & MON_ENTRYHI_ASID;
	if ((cpu->entryhi & 0xffu) != asid)
		node_cp0_write(cpu, 10, 0, (cpu->entryhi & ~0xffu) | asid);
	uint64_t t = x->v.timer_deadline;
	if (nrunnable(p) > 1 && p->slice_end < t)
		t = p->slice_end;
	set_host_timer(p, t);
}

static void load(pcpu *p, int i)
{
	node_cpu *cpu = p->cpu;
	p->cur = i;
	vcpu *x = p->run[i];
	mon_vcpu_load(&x->v, cpu);
	memcpy(flash_cpu_special(cpu), x->sp, sizeof(x->sp));
	hw_flush(cpu);
	p->slice_end = cpu->cycles + p->mm->cfg.timeslice;
	mon_vcpu_timer_check(&x->v, cpu->cycles);
	sync_real(p, x);
	cpu->pc = x->v.pc;
}

/* A vCPU of this CPU should run (it was started or woken): if the CPU
 * sleeps, it wakes up. */
static void poke(pcpu *p)
{
	node_cpu *cpu = p->cpu;
	if (cpu->halted) {
		/* nothing was loaded: load the first runnable vCPU */
		for (int i = 0; i < p->nrun; i++)
			if (runnable(p->run[i])) {
				cpu->halted = false;
				account(p);
				load(p, i);
				return;
			}
		return;
	}
	flash_cpu_irq(cpu, p->mm->now, DOORBELL_IP, true);
}

/* Picks what runs next on p after the current vCPU (idle, slice over or
 * off). Returns the pc to continue at; sets the CPU waiting when nothing
 * is runnable. */
static uint32_t schedule(pcpu *p, uint32_t pc)
{
	node_cpu *cpu = p->cpu;
	vcpu *x = current(p);
	int next = -1;
	for (int k = 1; k <= p->nrun; k++) {
		int i = (p->cur + k) % p->nrun;
		if (runnable(p->run[i])) {
			next = i;
			break;
		}
	}
	if (next < 0) {
		/* nothing to run: the CPU sleeps until the earliest virtual
		 * timer of its vCPUs or an interrupt */
		uint64_t t = UINT64_MAX;
		for (int i = 0; i < p->nrun; i++)
			if (p->run[i]->started && !p->run[i]->off &&
			    p->run[i]->v.timer_deadline < t)
				t = p->run[i]->v.timer_deadline;
		if (t != UINT64_MAX)
			set_host_timer(p, t);
		else
			node_cp0_write(cpu, 12, 0, cpu->status & ~NODE_ST_IM7);
		cpu->waiting = true;
		cpu->exit_request = true;
		return pc;
	}
	if (next == p->cur && x && runnable(x)) {
		p->slice_end = cpu->cycles + p->mm->cfg.timeslice;
		sync_real(p, x);
		return pc;
	}
	if (x) {
		mon_vcpu_save(&x->v, cpu);
		memcpy(x->sp, flash_cpu_special(cpu), sizeof(x->sp));
		x->v.pc = pc;
		x->v.llbit = 0; /* like an exception and eret: the link is gone */
	}
	p->run[next]->switches++;
	charge(p, p->run[next], p->mm->cfg.cost.vcpu_switch);
	load(p, next);
	cpu->exit_request = true;
	return p->run[next]->v.pc;
}

/* ---- virtual interrupts --------------------------------------------------------- */

static void vcpu_irq(vcpu *x, int line, bool level)
{
	mon_machine *mm = x->vm->mm;
	if (mm->cur_node >= 0 && x->node != mm->cur_node) {
		/* another node's CPU: its line changes at a message's arrival
		 * (that node may be past this time already) */
		mon_ref ref = {(uint32_t)x->vm->index,
			       (uint32_t)x->v.id,
			       (uint32_t)line | (level ? 0x100u : 0),
			       {0}};
		flash_send(mm->fm, mm->cur_node, x->node, MSG_MON_IRQ, mm->now, flash_hop(mm->fm),
			   0, &ref, sizeof(ref));
		return;
	}
	mon_vcpu_set_irq(&x->v, line, level);
	if (level && x->started && !x->off) {
		x->idle = false;
		poke(x->p);
	}
}

static void dev_irq(void *o, int line, bool level)
{
	vm *w = o;
	vcpu_irq(&w->vcpus[0], line, level);
}

/* ---- the VM's virtual MAGIC block (one virtual node) ------------------------------ */

static uint32_t vmagic_read(void *dev, uint32_t off, unsigned size)
{
	vm *w = dev;
	if (size != 4)
		return 0;
	switch (off) {
	case MAGIC_ID: return MAGIC_ID_VALUE;
	case MAGIC_NODE: return 0;
	case MAGIC_NNODES: return 1;
	case MAGIC_CPN: return (uint32_t)w->nvcpus;
	case MAGIC_NCPUS: return (uint32_t)w->nvcpus;
	case MAGIC_FIRST_CPU: return 0;
	case MAGIC_MEM_BASE: return 0;
	case MAGIC_MEM_SIZE: return w->cfg->memory;
	}
	if (off >= MAGIC_MBOX(0) && off < MAGIC_MBOX(w->nvcpus)) {
		unsigned c = (off - MAGIC_MBOX(0)) / 0x20, r = (off - MAGIC_MBOX(0)) % 0x20;
		if (r < 0x10)
			return w->mbox[c][r / 4];
		if (r == MAGIC_MBOX_STATE)
			return w->vcpus[c].started;
		return 0;
	}
	if (off >= MAGIC_IPI(0) && off < MAGIC_IPI(w->nvcpus) &&
	    (off - MAGIC_IPI(0)) % 0x10 == MAGIC_IPI_PENDING)
		return w->vcpus[(off - MAGIC_IPI(0)) / 0x10].ipi_pending;
	return 0;
}

static vcpu *g_writer; /* the vCPU whose device access is being run */

static void vmagic_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
	vm *w = dev;
	vcpu *from = g_writer;
	if (size != 4 || !from)
		return;
	mon_machine *mm = w->mm;
	uint64_t now = from->p->cpu->cycles;
	if (off >= MAGIC_MBOX(0) && off < MAGIC_MBOX(w->nvcpus)) {
		unsigned c = (off - MAGIC_MBOX(0)) / 0x20, r = (off - MAGIC_MBOX(0)) % 0x20;
		if (r < 0x10) {
			w->mbox[c][r / 4] = val;
		} else if (r == MAGIC_MBOX_START && val == 1 && !w->vcpus[c].started) {
			mon_ref ref = {(uint32_t)w->index, c, 0, {0}};
			memcpy(ref.mbox, w->mbox[c], sizeof(ref.mbox));
			flash_send(mm->fm, from->node, w->vcpus[c].node, MSG_MON_START, now,
				   flash_hop(mm->fm), 0, &ref, sizeof(ref));
		}
		return;
	}
	if (off >= MAGIC_IPI(0) && off < MAGIC_IPI(w->nvcpus)) {
		unsigned c = (off - MAGIC_IPI(0)) / 0x10, r = (off - MAGIC_IPI(0)) % 0x10;
		vcpu *t = &w->vcpus[c];
		if (r == MAGIC_IPI_SET) {
			mon_ref ref = {(uint32_t)w->index, c, val, {0}};
			flash_send(mm->fm, from->node, t->node, MSG_MON_IPI, now, flash_hop(mm->fm),
				   0, &ref, sizeof(ref));
		} else if (r == MAGIC_IPI_CLEAR) {
			t->ipi_pending &= ~val;
			if (!t->ipi_pending)
				mon_vcpu_set_irq(&t->v, MON_IPI_IP, false);
		}
	}
}

/* ---- stopping a VM -------------------------------------------------------------------- */

static void stop_vcpus_here(mon_machine *mm, vm *w, int node)
{
	for (int i = 0; i < w->nvcpus; i++) {
		vcpu *x = &w->vcpus[i];
		if (x->node == node && !x->off) {
			x->off = true;
			poke(x->p);
		}
	}
	(void)mm;
}

/* VM w powered off: node (this rank's) tells the nodes of its vCPUs and
 * node 0. */
static void vm_poweroff(vm *w, int node, uint64_t now)
{
	mon_machine *mm = w->mm;
	w->off = true;
	w->exit_value = w->power.value;
	bool sent[64] = {false};
	for (int i = 0; i < w->nvcpus; i++) {
		int n = w->vcpus[i].node;
		if (sent[n])
			continue;
		sent[n] = true;
		mon_ref ref = {(uint32_t)w->index, 0, w->exit_value, {0}};
		flash_send(mm->fm, node, n, MSG_MON_STOP, now, flash_hop(mm->fm), 0, &ref,
			   sizeof(ref));
	}
	mon_ref ref = {(uint32_t)w->index, 0, w->exit_value, {0}};
	flash_send(mm->fm, node, 0, MSG_MON_VMOFF, now, flash_hop(mm->fm), 0, &ref, sizeof(ref));
}

/* ---- the trap handler ------------------------------------------------------------------ */

static uint32_t next_pc(const node_cpu *cpu, uint32_t pc, bool in_delay)
{
	return in_delay ? cpu->exc_branch_target : pc + 4;
}

static uint32_t reflect(pcpu *p, vcpu *x, int exc, uint32_t pc, bool in_delay, uint32_t bad,
			bool refill, unsigned ce)
{
	const mon_cost *c = &p->mm->cfg.cost;
	if (tracing() && exc != NODE_EXC_TLBL && exc != NODE_EXC_TLBS && exc != NODE_EXC_SYS &&
	    exc != NODE_EXC_CPU && exc != NODE_EXC_MOD)
		fprintf(stderr, "reflect vm%d exc %d pc %08x bad %08x mode %d cyc %llu\n",
			x->vm->index, exc, pc, bad, mon_vcpu_guest_mode(&x->v),
			(unsigned long long)p->cpu->cycles);
	uint32_t vec = mon_reflect(&x->v, exc, pc, in_delay, bad, refill, ce);
	charge(p, x, c->trap_entry + c->reflect + c->trap_exit);
	node_cp0_write(p->cpu, 12, 0, mon_vcpu_host_status(&x->v));
	return vec;
}

static bool is_vmagic(uint32_t gpa)
{
	return gpa >= MAGIC_BASE && gpa < MAGIC_BASE + MAGIC_STRIDE;
}

/* Runs x's access to VM w's device registers at gpa: the virtual MAGIC
 * block on x's own rank, the other devices on the home node's. 0, or -1
 * when no device answers there. */
static int dev_access(vm *w, vcpu *x, uint32_t gpa, unsigned size, bool store, uint32_t *val)
{
	int r = 0;
	g_writer = x;
	if (is_vmagic(gpa) && store)
		vmagic_write(w, gpa - MAGIC_BASE, *val, size);
	else if (is_vmagic(gpa))
		*val = vmagic_read(w, gpa - MAGIC_BASE, size);
	else
		r = store ? node_mem_write(&w->dev, gpa, size, *val)
			  : node_mem_read(&w->dev, gpa, size, val);
	g_writer = NULL;
	return r;
}

/* The size (1, 2, 4) of the load or store insn, whether it is a store and
 * whether it sign-extends; 0 for any other word. */
static unsigned access_size(uint32_t insn, bool *store, bool *sign)
{
	*store = *sign = false;
	switch (insn >> 26) {
	case 0x20: *sign = true; return 1; /* lb */
	case 0x21: *sign = true; return 2; /* lh */
	case 0x23: return 4;		   /* lw */
	case 0x24: return 1;		   /* lbu */
	case 0x25: return 2;		   /* lhu */
	case 0x28: *store = true; return 1;
	case 0x29: *store = true; return 2;
	case 0x2b: *store = true; return 4;
	}
	return 0;
}

/* The register value of a load of size bytes that read val. */
static uint32_t loaded(uint32_t val, unsigned size, bool sign)
{
	if (!sign || size == 4)
		return val;
	return size == 1 ? (uint32_t)(int32_t)(int8_t)val : (uint32_t)(int32_t)(int16_t)val;
}

/* An interleaved VM's vCPU off the home node: its device access travels
 * there (MSG_MON_DEV) and the vCPU waits for the answer (dev_done). */
static uint32_t dev_forward(pcpu *p, vcpu *x, uint32_t pc, bool in_delay, uint32_t va, uint32_t gpa,
			    unsigned size, bool store)
{
	node_cpu *cpu = p->cpu;
	vm *w = x->vm;
	unsigned rt = (cpu->exc_insn >> 16) & 31;
	x->dev_wait = true;
	x->dw_pc = pc;
	x->dw_delay = in_delay;
	x->dw_va = va;
	x->dw_insn = cpu->exc_insn;
	mon_ref ref = {(uint32_t)w->index,
		       (uint32_t)x->v.id,
		       store ? cpu->r[rt] : 0,
		       {gpa, size | (store ? 0x100u : 0), 0, 0}};
	flash_send(w->mm->fm, x->node, w->home, MSG_MON_DEV, cpu->cycles, flash_hop(w->mm->fm), 0,
		   &ref, sizeof(ref));
	x->mmio++;
	charge(p, x, p->mm->cfg.cost.mmio);
	return schedule(p, next_pc(cpu, pc, in_delay));
}

/* The answer to x's forwarded device access arrived: the loaded value goes
 * to its register (or a bus error to the guest), and it runs again. */
static void dev_done(vcpu *x, uint32_t val, bool ok)
{
	if (!x->dev_wait || x->off)
		return;
	x->dev_wait = false;
	pcpu *p = x->p;
	node_cpu *cpu = p->cpu;
	bool in_cpu = current(p) == x && !cpu->halted; /* its registers are the CPU's */
	if (!ok) {
		/* (the reflection's cost is not charged: this runs outside a trap) */
		uint32_t vec =
			mon_reflect(&x->v, NODE_EXC_DBE, x->dw_pc, x->dw_delay, x->dw_va, false, 0);
		if (in_cpu) {
			cpu->pc = vec;
			node_cp0_write(cpu, 12, 0, mon_vcpu_host_status(&x->v));
		} else {
			x->v.pc = vec;
		}
	} else {
		bool store, sign;
		unsigned size = access_size(x->dw_insn, &store, &sign),
			 rt = (x->dw_insn >> 16) & 31;
		if (!store && rt)
			*(in_cpu ? &cpu->r[rt] : &x->v.r[rt]) = loaded(val, size, sign);
	}
	poke(p);
}

/* A load or store to the VM's device window at guest-physical gpa. */
static uint32_t mmio(pcpu *p, vcpu *x, uint32_t pc, bool in_delay, uint32_t va, uint32_t gpa,
		     bool fetch)
{
	node_cpu *cpu = p->cpu;
	vm *w = x->vm;
	uint32_t rt = (cpu->exc_insn >> 16) & 31;
	bool store, sign;
	unsigned size = access_size(cpu->exc_insn, &store, &sign);
	if (fetch || !size || (gpa & (size - 1)))
		return reflect(p, x, fetch ? NODE_EXC_IBE : NODE_EXC_DBE, pc, in_delay, va, false,
			       0);
	if (w->interleave && x->node != w->home && !is_vmagic(gpa))
		return dev_forward(p, x, pc, in_delay, va, gpa, size, store);
	uint32_t val = store ? cpu->r[rt] : 0;
	if (dev_access(w, x, gpa, size, store, &val))
		return reflect(p, x, NODE_EXC_DBE, pc, in_delay, va, false, 0);
	if (!store && rt)
		cpu->r[rt] = loaded(val, size, sign);
	x->mmio++;
	charge(p, x, p->mm->cfg.cost.mmio);
	if (w->power.off && !w->off)
		vm_poweroff(w, x->node, cpu->cycles);
	return next_pc(cpu, pc, in_delay);
}

/* The machine EntryLo of guest-physical page gppn under guest EntryLo
 * glo, or 0 when it is not the VM's memory. */
static uint32_t machine_lo(pcpu *p, vcpu *x, uint32_t gppn, uint32_t glo, uint32_t *cost)
{
	if (!(glo & MON_LO_V))
		return 0;
	const mon_pmap_entry *e = touch(x->vm, gppn, p->node, cost);
	if (!e)
		return 0;
	return mon_pmap_lo(e, glo) & ~MON_LO_G;
}

static bool is_device(uint32_t gpa)
{
	return gpa >= DEV_BASE && gpa < DEV_END;
}

static uint32_t tlb_fault(pcpu *p, vcpu *x, int exc, uint32_t pc, bool in_delay, bool refill)
{
	/* a fault the monitor fixes is retried: in a delay slot, from its
	 * branch (as the architecture does with EPC) */
	uint32_t retry = in_delay ? pc - 4 : pc;
	node_cpu *cpu = p->cpu;
	const mon_cost *c = &p->mm->cfg.cost;
	vm *w = x->vm;
	uint32_t va = cpu->badvaddr;
	bool fetch = cpu->exc_insn == 0;
	int access =
		exc == NODE_EXC_TLBL ? (fetch ? NODE_ACC_FETCH : NODE_ACC_LOAD) : NODE_ACC_STORE;
	unsigned asid = x->v.entryhi & MON_ENTRYHI_ASID;
	(void)refill;
	x->hw_tlb_misses++;

	/* the L2TLB first: the refill fast path */
	const mon_l2tlb_entry *le = mon_l2tlb_lookup(x->l2, va, (uint8_t)asid);
	if (le) {
		uint32_t lo = mon_l2tlb_lo(le, va);
		if ((lo & MON_LO_V) && (access != NODE_ACC_STORE || (lo & MON_LO_D))) {
			x->l2tlb_hits++;
			hw_fill(p, va, asid, le->lo[0], le->lo[1], le->g);
			charge(p, x, c->l2tlb_refill);
			return retry;
		}
	}
	uint32_t gpa, glo;
	bool grefill;
	int e = mon_vtlb_translate(&x->v, va, access, &gpa, &glo, &grefill);
	if (e) {
		x->reflected_tlb++;
		return reflect(p, x, e, pc, in_delay, va, grefill, 0);
	}
	if (!glo && (gpa & ~(NODE_PAGE_SIZE - 1)) == DISCO_SPECIAL_GPA && !w->cfg->no_special &&
	    !(va & NODE_PAGE_SIZE) && va < 0xa0000000u) {
		/* the special page (KSEG0, even half): this CPU's */
		uint32_t spfn = (FLASH_SPECIAL_BASE >> NODE_PAGE_SHIFT) + (uint32_t)p->global;
		hw_fill(p, va, asid, spfn << 6 | MON_LO_CACHED | MON_LO_D | MON_LO_V, 0, true);
		x->kseg_faults++;
		charge(p, x, c->kseg_fill);
		return retry;
	}
	if (gpa >= w->cfg->memory) {
		if (is_device(gpa))
			return mmio(p, x, pc, in_delay, va, gpa, fetch);
		return reflect(p, x, fetch ? NODE_EXC_IBE : NODE_EXC_DBE, pc, in_delay, va, false,
			       0);
	}
	uint32_t cost = 0, base = va & PAIR_MASK;
	if (!glo) {
		/* kseg0/kseg1 of the guest's kernel: the pmap gives the pair */
		uint32_t lo[2];
		for (int h = 0; h < 2; h++) {
			uint32_t g = ((base & 0x1fffffffu) >> NODE_PAGE_SHIFT) + (uint32_t)h;
			lo[h] = (uint64_t)g << NODE_PAGE_SHIFT < w->cfg->memory
					? machine_lo(p, x, g, MON_LO_V | MON_LO_D | MON_LO_CACHED,
						     &cost)
					: 0;
		}
		if (!(lo[(va >> NODE_PAGE_SHIFT) & 1] & MON_LO_V))
			return reflect(p, x, NODE_EXC_DBE, pc, in_delay, va, false, 0);
		hw_fill(p, va, asid, lo[0], lo[1], true);
		x->kseg_faults++;
		charge(p, x, c->kseg_fill + cost);
		return retry;
	}
	/* a mapped address the virtual TLB translates: build the pair */
	int idx = mon_vtlb_lookup(&x->v, va, asid);
	COH_CHECK(idx >= 0, "vCPU %d: translated %#x without a virtual TLB entry", x->v.id, va);
	const node_tlb_entry *ge = &x->v.tlb[idx];
	mon_l2tlb_entry ne;
	memset(&ne, 0, sizeof(ne));
	ne.hi = base | (ge->g ? 0 : asid);
	ne.g = ge->g;
	for (int h = 0; h < 2; h++) {
		uint32_t vh = base | ((uint32_t)h << NODE_PAGE_SHIFT), ga, l;
		if (node_tlb_entry_translate(ge, vh, NODE_ACC_LOAD, &ga, &l) ||
		    ga >= w->cfg->memory)
			continue;
		ne.glo[h] = l;
		ne.lo[h] = machine_lo(p, x, ga >> NODE_PAGE_SHIFT, l, &cost);
	}
	mon_l2tlb_insert(x->l2, &ne);
	hw_fill(p, va, asid, ne.lo[0], ne.lo[1], ne.g);
	x->vtlb_fills++;
	charge(p, x, c->vtlb_fill + cost);
	return retry;
}

/* The guest changed virtual TLB entry res->tlb_index: drop what was built
 * from the entry it replaced and anything at the new entry's addresses. */
static void vtlb_changed(pcpu *p, vcpu *x, const mon_emu_result *res)
{
	const node_tlb_entry *ents[2] = {&res->old, &x->v.tlb[res->tlb_index]};
	for (int k = 0; k < 2; k++) {
		const node_tlb_entry *e = ents[k];
		uint32_t len = (e->mask | 0x1fffu) + 1, base = e->hi & ~(len - 1);
		if (base >= KSEG0 && base < KSEG2)
			continue; /* unmapped in the guest: never translated */
		int asid = e->g ? -1 : (int)(e->hi & 0xffu);
		hw_invalidate_range(p->cpu, base, base + (len - 1), asid);
		if (e->g || len > 16 * 0x2000u)
			mon_l2tlb_invalidate_range(x->l2, base, base + (len - 1));
		else
			for (uint32_t off = 0; off < len; off += 0x2000u)
				mon_l2tlb_invalidate_va(x->l2, base + off,
							(uint8_t)(e->hi & 0xffu));
	}
	/* a guest TLB with no valid entry outside the wired ones remembers
	 * nothing: neither may the L2TLB (Linux's flush of the whole TLB) */
	const node_tlb_entry *ne = &x->v.tlb[res->tlb_index];
	if (!((ne->lo[0] | ne->lo[1]) & MON_LO_V)) {
		bool any = false;
		for (unsigned i = x->v.wired & 63; i < MON_TLB_ENTRIES && !any; i++)
			any = ((x->v.tlb[i].lo[0] | x->v.tlb[i].lo[1]) & MON_LO_V) != 0;
		if (!any) {
			mon_l2tlb_invalidate_all(x->l2);
			hw_flush(p->cpu);
		}
	}
}

/* tlbp looks for an address the guest is about to replace or drop: the
 * L2TLB drops it too (it may hold it after the guest's TLB evicted it). */
static void vtlb_probed(pcpu *p, vcpu *x)
{
	uint32_t va = x->v.entryhi & MON_ENTRYHI_VPN2;
	unsigned asid = x->v.entryhi & MON_ENTRYHI_ASID;
	mon_l2tlb_invalidate_va(x->l2, va, (uint8_t)asid);
	hw_invalidate_range(p->cpu, va, va | 0x1fffu, (int)asid);
}

/* ---- monitor calls and the zeroing of returned pages ---------------------------- */

/* Zeroes returned pages of node through its DMA engine (coherently: the
 * lines may still be in caches), then frees them; stops at a miss (the
 * node's DMA retry calls again). */
static void zero_some(mon_machine *mm, int node)
{
	static const uint8_t zeros[NODE_PAGE_SIZE];
	while (mm->zq_len[node]) {
		uint32_t mp = mm->zq[node][mm->zq_len[node] - 1];
		int r = flash_dma(mm->fm, node, mm->now, (uint64_t)mp << NODE_PAGE_SHIFT,
				  (void *)zeros, NODE_PAGE_SIZE, true);
		if (r == NODE_DMA_MISS)
			return;
		COH_CHECK(r == 0, "node %d: zeroing machine page %#x failed", node, mp);
		mm->zq_len[node]--;
		mon_memmap_release(mm->memmap, mp);
	}
}

/* VM w gives guest-physical page gppn's machine page back: every
 * translation to it goes (its vCPUs' L2TLBs and the hardware TLBs they are
 * loaded in), the next touch gets a fresh zeroed page. */
static void give_back(vm *w, uint32_t gppn)
{
	mon_machine *mm = w->mm;
	const mon_pmap_entry *e = mon_pmap_lookup(w->pmap, gppn);
	if (!e || !(e->flags & MON_PMAP_VALID))
		return;
	uint32_t mp = e->mppn;
	for (int i = 0; i < w->nvcpus; i++) {
		vcpu *x = &w->vcpus[i];
		mon_l2tlb_invalidate_mppn(x->l2, mp);
		if (current(x->p) != x)
			continue; /* its CPU's TLB is flushed when it is loaded */
		node_cpu *cpu = x->p->cpu;
		for (unsigned k = 0; k < NODE_TLB_ENTRIES; k++) {
			const node_tlb_entry *t = &cpu->tlb[k];
			if (((t->lo[0] & 2) && (t->lo[0] >> 6) == mp) ||
			    ((t->lo[1] & 2) && (t->lo[1] >> 6) == mp))
				hw_invalidate(cpu, k);
		}
	}
	mon_pmap_unmap(w->pmap, gppn, NULL, NULL);
	mon_mapper mr = {gppn, (uint16_t)w->index};
	mon_memmap_remove_mapper(mm->memmap, mp, &mr);
	uint32_t node = mon_memmap_node(mm->memmap, mp);
	mm->zq[node][mm->zq_len[node]++] = mp;
	w->pages_returned++;
	zero_some(mm, (int)node);
}

/* A monitor call (magic_regs.h): number in v0, arguments in a0 and a1. */
static uint32_t monitor_call(pcpu *p, vcpu *x, uint32_t pc, bool in_delay)
{
	node_cpu *cpu = p->cpu;
	vm *w = x->vm;
	const mon_cost *c = &p->mm->cfg.cost;
	uint32_t nr = cpu->r[2], a0 = cpu->r[4], a1 = cpu->r[5], ret = DISCO_CALL_EFAIL;
	uint32_t npages = w->cfg->memory >> NODE_PAGE_SHIFT, g = a0 >> NODE_PAGE_SHIFT;
	uint32_t cost = c->trap_entry + c->hcall + c->trap_exit;
	x->calls++;
	if (w->interleave) {
		/* its pmap is fixed (every rank holds a copy): the guest zeroes
		 * its pages itself and keeps the ones it frees */
	} else if (nr == DISCO_CALL_ZERO_PAGE && !(a0 & (NODE_PAGE_SIZE - 1)) && g < npages) {
		give_back(w, g);
		ret = 0;
	} else if (nr == DISCO_CALL_FREE_PAGES && !(a0 & (NODE_PAGE_SIZE - 1)) && g < npages &&
		   a1 <= npages - g) {
		for (uint32_t i = 0; i < a1; i++)
			give_back(w, g + i);
		cost += 10 * a1; /* a pmap and memmap update per page */
		ret = 0;
	}
	cpu->r[2] = ret;
	charge(p, x, cost);
	return next_pc(cpu, pc, in_delay);
}

static uint32_t emulate(pcpu *p, vcpu *x, int exc, uint32_t pc, bool in_delay)
{
	node_cpu *cpu = p->cpu;
	const mon_cost *c = &p->mm->cfg.cost;
	uint32_t insn = cpu->exc_insn;
	unsigned ce = (cpu->cause >> NODE_CAUSE_CE_SHIFT) & 3;
	if (exc == NODE_EXC_CPU && ce != 0)
		return reflect(p, x, exc, pc, in_delay, 0, false, ce);
	/* (the CPU has no VZ: hypcall is a reserved instruction there, and
	 * traps as RI under the monitor) */
	if (insn == DISCO_HYPCALL && mon_vcpu_guest_mode(&x->v) != NODE_MODE_USER)
		return monitor_call(p, x, pc, in_delay);
	memcpy(x->v.r, cpu->r, sizeof(x->v.r));
	mon_vcpu_timer_check(&x->v, cpu->cycles); /* Cause.TI as of now */
	mon_trap t = {pc, in_delay, in_delay ? cpu->exc_branch_target : pc + 4, cpu->cycles};
	mon_emu_result res;
	if (mon_emulate(&x->v, insn, &t, &res))
		return reflect(p, x, exc, pc, in_delay, 0, false, ce);
	memcpy(cpu->r, x->v.r, sizeof(cpu->r));
	cpu->r[0] = 0;
	if (res.flags & MON_EMU_REFLECTED) {
		charge(p, x, c->trap_entry + c->reflect + c->trap_exit);
		node_cp0_write(cpu, 12, 0, mon_vcpu_host_status(&x->v));
		return res.next_pc;
	}
	x->emulated++;
	charge(p, x, c->trap_entry + c->emulate[res.kind] + c->trap_exit);
	if (res.kind == MON_COST_MTC0)
		mon_vcpu_sync_hwr(&x->v, cpu);
	if (res.kind == MON_COST_ERET)
		cpu->llbit = 0;
	if (res.kind == MON_COST_TLBP)
		vtlb_probed(p, x);
	if (res.flags & MON_EMU_TLB_CHANGED)
		vtlb_changed(p, x, &res);
	if (res.flags & (MON_EMU_MODE_CHANGED | MON_EMU_ASID_CHANGED | MON_EMU_TIMER_CHANGED))
		sync_real(p, x);
	if (res.flags & MON_EMU_IDLE) {
		if (!mon_vcpu_irq_pending(&x->v)) {
			x->idle = true;
			return schedule(p, res.next_pc);
		}
	}
	if ((res.flags & MON_EMU_IRQ) && mon_deliver_irq(&x->v)) {
		x->irqs++;
		charge(p, x, c->reflect);
		node_cp0_write(cpu, 12, 0, mon_vcpu_host_status(&x->v));
		return x->v.pc;
	}
	return res.next_pc;
}

/* A real interrupt: the timer (virtual timer or time slice) or the
 * doorbell (a virtual interrupt or a vCPU to run). */
static uint32_t interrupt(pcpu *p, uint32_t pc)
{
	node_cpu *cpu = p->cpu;
	const mon_cost *c = &p->mm->cfg.cost;
	uint64_t now = cpu->cycles;
	flash_cpu_irq(cpu, p->mm->now, DOORBELL_IP, false);
	for (int i = 0; i < p->nrun; i++) {
		vcpu *y = p->run[i];
		if (y->started && !y->off) {
			mon_vcpu_timer_check(&y->v, now);
			if (y->idle && mon_vcpu_irq_pending(&y->v))
				y->idle = false;
		}
	}
	vcpu *x = current(p);
	charge(p, x, c->trap_entry + c->trap_exit);
	bool others = nrunnable(p) - (x && runnable(x)) > 0;
	if (!x || !runnable(x) || (others && now >= p->slice_end))
		pc = schedule(p, pc);
	x = current(p);
	if (!x || !runnable(x) || cpu->waiting)
		return pc;
	sync_real(p, x);
	if (mon_vcpu_irq_deliverable(&x->v)) {
		x->v.pc = pc;
		if (mon_deliver_irq(&x->v)) {
			x->irqs++;
			charge(p, x, c->reflect);
			node_cp0_write(cpu, 12, 0, mon_vcpu_host_status(&x->v));
			return x->v.pc;
		}
	}
	return pc;
}

static uint32_t trap_body(pcpu *p, vcpu *x, int exc, uint32_t pc, bool in_delay, bool refill)
{
	node_cpu *cpu = p->cpu;
	if (x)
		x->traps[exc & 31]++;
	if (exc == NODE_EXC_INT)
		return interrupt(p, pc);
	COH_CHECK(
		x && runnable(x),
		"CPU %d: exception %d with no vCPU running (started %d idle %d off %d waiting %d)",
		p->global, exc, x ? x->started : -1, x ? x->idle : -1, x ? x->off : -1,
		cpu->waiting);
	switch (exc) {
	case NODE_EXC_CPU:
	case NODE_EXC_RI: return emulate(p, x, exc, pc, in_delay);
	case NODE_EXC_TLBL:
	case NODE_EXC_TLBS:
	case NODE_EXC_MOD: return tlb_fault(p, x, exc, pc, in_delay, refill);
	case NODE_EXC_ADEL:
	case NODE_EXC_ADES: return reflect(p, x, exc, pc, in_delay, cpu->badvaddr, false, 0);
	default: return reflect(p, x, exc, pc, in_delay, 0, false, 0);
	}
}

/* The special page (magic_regs.h): the guest may have changed its IE
 * word since the last trap; the monitor's answer goes back at the exit. */
static void sp_in(pcpu *p, vcpu *x)
{
	const uint32_t *sp = flash_cpu_special(p->cpu);
	x->v.status = (x->v.status & ~NODE_ST_IE) | (sp[0] & NODE_ST_IE);
}

static void sp_out(pcpu *p, vcpu *x)
{
	uint32_t *sp = flash_cpu_special(p->cpu);
	sp[0] = x->v.status & NODE_ST_IE;
	sp[1] = mon_vcpu_irq_pending(&x->v) && !(x->v.status & (NODE_ST_EXL | NODE_ST_ERL));
}

static uint32_t trap(node_cpu *cpu, int exc, uint32_t pc, bool in_delay, bool refill)
{
	pcpu *p = cpu->trap_opaque;
	account(p);
	p->mm->now = cpu->cycles;
	p->mm->cur_node = p->node;
	vcpu *x = current(p);
	if (tracing())
		fprintf(stderr,
			"trap cpu%d exc %d pc %08x bad %08x insn %08x ds %d cyc %llu rt %08x vst "
			"%08x\n",
			p->global, exc, pc, cpu->badvaddr, cpu->exc_insn, in_delay,
			(unsigned long long)cpu->cycles, cpu->r[(cpu->exc_insn >> 16) & 31],
			x ? x->v.status : 0);
	if (x && x->started && !x->vm->cfg->no_special)
		sp_in(p, x);
	uint32_t next = trap_body(p, x, exc, pc, in_delay, refill);
	vcpu *y = current(p);
	if (y && y->started && !y->vm->cfg->no_special)
		sp_out(p, y);
	return next;
}

/* ---- messages ------------------------------------------------------------------------------ */

static void net_piece(mon_machine *mm, const coh_msg *msg);

static void on_msg(void *o, int node, const coh_msg *msg, uint64_t now)
{
	mon_machine *mm = o;
	mm->now = now;
	mm->cur_node = node;
	if (msg->type == MSG_MON_NET) {
		net_piece(mm, msg);
		return;
	}
	mon_ref ref;
	memcpy(&ref, msg->data, sizeof(ref));
	COH_CHECK(ref.vm < (uint32_t)mm->nvms, "monitor message for VM %u", ref.vm);
	vm *w = &mm->vms[ref.vm];
	switch (msg->type) {
	case MSG_MON_START: {
		vcpu *x = &w->vcpus[ref.vcpu];
		if (x->started || x->off)
			break;
		x->v.pc = ref.mbox[0];
		x->v.r[29] = ref.mbox[1];
		x->v.r[28] = ref.mbox[2];
		x->v.r[4] = ref.mbox[3];
		x->started = true;
		node_cpu *cpu = x->p->cpu;
		if (cpu->halted && cpu->cycles < now)
			cpu->cycles = now;
		poke(x->p);
		break;
	}
	case MSG_MON_IPI: {
		vcpu *x = &w->vcpus[ref.vcpu];
		x->ipi_pending |= ref.value;
		vcpu_irq(x, MON_IPI_IP, x->ipi_pending != 0);
		break;
	}
	case MSG_MON_IRQ:
		vcpu_irq(&w->vcpus[ref.vcpu], (int)(ref.value & 0xff), (ref.value & 0x100) != 0);
		break;
	case MSG_MON_DEV: {
		/* at the home node: run it, answer with the value */
		vcpu *x = &w->vcpus[ref.vcpu];
		uint32_t val = ref.value, size = ref.mbox[1] & 0xff;
		bool store = (ref.mbox[1] & 0x100) != 0;
		int r = w->off ? -1 : dev_access(w, x, ref.mbox[0], size, store, &val);
		mon_ref ans = {ref.vm, ref.vcpu, val, {r == 0, 0, 0, 0}};
		flash_send(mm->fm, node, x->node, MSG_MON_DEV_DONE, now, flash_hop(mm->fm), 0, &ans,
			   sizeof(ans));
		if (w->power.off && !w->off)
			vm_poweroff(w, node, now);
		break;
	}
	case MSG_MON_DEV_DONE: dev_done(&w->vcpus[ref.vcpu], ref.value, ref.mbox[0] != 0); break;
	case MSG_MON_STOP: stop_vcpus_here(mm, w, node); break;
	case MSG_MON_VMOFF:
		/* the machine's exit value: the last one of a VM that is an
		 * error status (low byte nonzero; Linux's power-off writes
		 * 0x100, a clean exit) */
		if (ref.value & 0xff)
			mm->exit_value = ref.value;
		if (++mm->vms_off == mm->nvms)
			flash_halt(mm->fm, node, now, mm->exit_value);
		break;
	default: COH_CHECK(0, "unknown monitor message %u", msg->type);
	}
}

static void net_piece(mon_machine *mm, const coh_msg *msg)
{
	uint64_t h = msg->addr;
	unsigned dvm = h & 0xff, ddev = (h >> 8) & 0xf, svm = (h >> 16) & 0xff;
	unsigned len = (h >> 32) & 0xffff, off = (unsigned)(h >> 48);
	if (dvm >= (unsigned)mm->nvms || svm >= (unsigned)mm->nvms || len > NET_MAX_FRAME)
		return;
	vm *w = &mm->vms[dvm];
	if (!w->local || ddev >= (unsigned)w->cfg->nnets)
		return;
	uint8_t **b = &w->rx_asm[ddev][svm];
	if (!*b && !(*b = malloc(NET_MAX_FRAME)))
		return;
	if (off + msg->len > len)
		return;
	memcpy(*b + off, msg->data, msg->len);
	if (off + msg->len == len) {
		w->net_received++;
		node_virtio_net_receive(&w->net[ddev], *b, len);
	}
}

static void net_send_to(vm *from, int node, uint64_t now, unsigned dvm, unsigned ddev,
			const uint8_t *frame, size_t len)
{
	mon_machine *mm = from->mm;
	for (size_t off = 0; off < len; off += COH_LINE_BYTES) {
		size_t k = len - off < COH_LINE_BYTES ? len - off : COH_LINE_BYTES;
		flash_send(mm->fm, node, mm->vms[dvm].home, MSG_MON_NET, now, flash_hop(mm->fm),
			   NET_HDR(dvm, ddev, from->index, len, off), frame + off, (uint16_t)k);
	}
	from->net_sent++;
}

/* A device of VM `from` sent a frame (its backend). */
static void net_send(void *o, const uint8_t *frame, size_t len)
{
	vm *from = o;
	mon_machine *mm = from->mm;
	if (len < 14 || len > NET_MAX_FRAME)
		return;
	uint64_t now = mm->now; /* the access or DMA that made the device send */
	const uint8_t *dst = frame;
	static const uint8_t prefix[4] = {0x52, 0x54, 0x00, 0xd1};
	if (!(dst[0] & 1)) {
		if (memcmp(dst, prefix, 4) || dst[4] >= mm->nvms ||
		    dst[5] >= mm->cfg.vms[dst[4]].nnets)
			return; /* nobody on the subnet has that address */
		net_send_to(from, from->home, now, dst[4], dst[5], frame, len);
		return;
	}
	for (int i = 0; i < mm->nvms; i++)
		for (int d = 0; d < mm->cfg.vms[i].nnets; d++)
			if (i != from->index)
				net_send_to(from, from->home, now, (unsigned)i, (unsigned)d, frame,
					    len);
}

static void on_dma_retry(void *o, int node, uint64_t now)
{
	mon_machine *mm = o;
	mm->now = now;
	mm->cur_node = node;
	zero_some(mm, node);
	for (int i = 0; i < mm->nvms; i++) {
		vm *w = &mm->vms[i];
		if (w->local && w->home == node)
			for (int s = 0; s < w->nslots; s++)
				node_virtio_kick(&w->slots[s]);
	}
}

static void on_poll(void *o, uint64_t now)
{
	mon_machine *mm = o;
	if (!mm->console_poll)
		return;
	for (int i = 0; i < mm->nvms; i++)
		if (mm->vms[i].local) {
			mm->now = now; /* console input arrives at the home node now */
			mm->cur_node = mm->vms[i].home;
			mm->console_poll(mm->console_opaque, i);
		}
}

static int vm_stats(void *o, flash_vm_stats *out, int max)
{
	mon_machine *mm = o;
	int n = 0;
	for (int v = 0; v < mm->nvms && n < max; v++) {
		const vm *w = &mm->vms[v];
		if (!w->here)
			continue; /* (a VM on several ranks: each sends its vCPUs' part) */
		flash_vm_stats *f = &out[n++];
		memset(f, 0, sizeof(*f));
		f->name = w->cfg->name;
		f->index = v;
		f->home_node = w->home;
		f->vcpus = w->nvcpus;
		for (int i = 0; i < w->nvcpus; i++) {
			const vcpu *x = &w->vcpus[i];
			f->user_cycles += x->user_cycles;
			f->kernel_cycles += x->kernel_cycles;
			f->monitor_cycles += x->monitor_cycles;
			for (int k = 0; k < 32; k++)
				f->traps[k] += x->traps[k];
			f->privileged_emulated += x->emulated;
			f->hw_tlb_misses += x->hw_tlb_misses;
			f->l2tlb_hits += x->l2tlb_hits;
			f->l2tlb_misses_filled += x->vtlb_fills;
			f->tlb_misses_reflected += x->reflected_tlb;
			f->kseg_tlb_faults += x->kseg_faults;
			f->device_accesses += x->mmio;
			f->virtual_irqs += x->irqs;
			f->vcpu_switches += x->switches;
			f->monitor_calls += x->calls;
		}
		f->pages_zeroed = w->pages_zeroed;
		f->pages_returned = w->pages_returned;
		f->dma_errors = w->dma_errors;
		f->net_frames_sent = w->net_sent;
		f->net_frames_received = w->net_received;
		f->exit_value = w->exit_value;
		f->powered_off = w->off;
	}
	return n;
}

static void cpu_time(void *o, const node_cpu *cpu, uint64_t *user, uint64_t *kernel,
		     uint64_t *monitor)
{
	pcpu *p = cpu->trap_opaque;
	(void)o;
	account(p); /* the time since its last trap (called before vm_stats) */
	*user = *kernel = 0;
	for (int i = 0; i < p->nrun; i++) {
		*user += p->run[i]->user_cycles;
		*kernel += p->run[i]->kernel_cycles;
	}
	*monitor = p->monitor_cycles;
}

static const flash_guest_ops guest_ops = {on_msg, on_dma_retry, on_poll, vm_stats, cpu_time};

/* ---- construction ------------------------------------------------------------------------- */

static int fail(char *err, size_t errlen, const char *fmt, const char *a, const char *b)
{
	snprintf(err, errlen, fmt, a, b);
	return -1;
}

/* The device tree and the initrd of a kernel after its image in img; used
 * is where they end. vCPU 0's UHI registers. */
static int kernel_image(vm *w, node_mem *img, const node_elf_info *info, uint32_t *used, char *err,
			size_t errlen)
{
	const mon_vm_config *c = w->cfg;
	node_fdt_board b = {
		.ram_bytes = c->memory,
		.ncpus = c->vcpus,
		.cpu_hz = flash_cpu_hz(w->mm->fm),
		.bootargs = c->cmdline,
		.uart_base = NODE_UART_BASE,
		.uart_ip = NODE_UART_IP,
		.nvirtio = w->nslots,
		.poweroff_base = NODE_POWER_BASE,
		.magic_base = MAGIC_BASE,
		.magic_size = c->vcpus > 1 ? MAGIC_STRIDE : 0,
		.monitor = true,
		.special_page = c->no_special ? 0 : DISCO_SPECIAL_GPA,
	};
	for (int s = 0; s < w->nslots; s++) {
		b.virtio_base[s] = NODE_VIRTIO_BASE + (uint32_t)s * NODE_VIRTIO_STRIDE;
		b.virtio_ip[s] = node_virtio_ip(s);
	}
	uint32_t dtb = (info->hi + 0xffffu) & ~0xffffu;
	uint8_t buf[16384];
	*used = dtb + sizeof(buf);
	if (c->initrd) {
		uint32_t rd = (*used + NODE_PAGE_SIZE - 1) & ~(NODE_PAGE_SIZE - 1), n = 0;
		FILE *f = fopen(c->initrd, "rb");
		if (!f)
			return fail(err, errlen, "VM %s: %s: cannot open the initrd", c->name,
				    c->initrd);
		size_t k;
		while (rd + n < c->memory &&
		       (k = fread(img->ram + rd + n, 1, c->memory - rd - n, f)) > 0)
			n += (uint32_t)k;
		bool more = fgetc(f) != EOF;
		fclose(f);
		if (more)
			return fail(err, errlen,
				    "VM %s: %s: the initrd does not fit in the VM's memory",
				    c->name, c->initrd);
		b.initrd_start = rd;
		b.initrd_end = rd + n;
		*used = rd + n;
	}
	int size = node_fdt_build(&b, buf, sizeof(buf));
	if (size < 0 || !node_mem_is_ram(img, dtb, (uint32_t)size))
		return fail(err, errlen, "VM %s: %s: no room for the device tree after the kernel",
			    c->name, c->kernel);
	node_mem_dma_write(img, dtb, buf, (uint32_t)size);
	w->vcpus[0].v.r[4] = (uint32_t)-2;
	w->vcpus[0].v.r[5] = KSEG0 | dtb;
	return 0;
}

/* Copies img's first used bytes into the VM's machine pages (those on this
 * rank's nodes). */
static int load_pages(vm *w, const node_mem *img, uint32_t used, char *err, size_t errlen)
{
	mon_machine *mm = w->mm;
	for (uint32_t pa = 0; pa < used && pa < w->cfg->memory; pa += NODE_PAGE_SIZE) {
		const mon_pmap_entry *e = touch(w, pa >> NODE_PAGE_SHIFT, w->home, NULL);
		if (!e)
			return fail(err, errlen,
				    "VM %s: no machine memory left for its boot image%s",
				    w->cfg->name, "");
		if (!flash_cpu(mm->fm, (int)mon_memmap_node(mm->memmap, e->mppn), 0))
			continue; /* interleaved: that node's rank loads it */
		flash_poke(mm->fm, (uint64_t)e->mppn << NODE_PAGE_SHIFT, img->ram + pa,
			   NODE_PAGE_SIZE);
	}
	return 0;
}

/* A SPLASHOS application's arguments (vmm.h): at blk of img, argv[]
 * (KSEG0 pointers, NULL-terminated) then the strings; argv[0] is the
 * application file's name. The bytes used, or 0 after a message. */
static uint32_t app_args(const mon_vm_config *c, node_mem *img, uint32_t blk, uint32_t *argc,
			 char *err, size_t errlen)
{
	const char *slash = strrchr(c->app, '/');
	const char *words[MON_APP_MAX_ARGS + 1];
	size_t lens[MON_APP_MAX_ARGS + 1];
	int n = 0;
	words[n] = slash ? slash + 1 : c->app;
	lens[n++] = strlen(words[0]);
	for (const char *a = c->args ? c->args : ""; *a;) {
		size_t k = strcspn(a, " \t\n");
		if (k && n == MON_APP_MAX_ARGS + 1) {
			snprintf(err, errlen, "VM %s: args: more than %d arguments", c->name,
				 MON_APP_MAX_ARGS);
			return 0;
		}
		if (k) {
			words[n] = a;
			lens[n++] = k;
		}
		a += k;
		a += strspn(a, " \t\n");
	}
	uint32_t ptrs = blk, str = blk + 4 * ((uint32_t)n + 1), used = str - blk;
	for (int i = 0; i < n; i++)
		used += (uint32_t)lens[i] + 1;
	if (used > MON_APP_ARGS_BYTES || !node_mem_is_ram(img, blk, used)) {
		fail(err, errlen, "VM %s: args: no room for the arguments after the application%s",
		     c->name, "");
		return 0;
	}
	for (int i = 0; i <= n; i++) {
		uint32_t p = i < n ? KSEG0 | str : 0;
		node_mem_dma_write(img, ptrs + 4 * (uint32_t)i, &p, 4);
		if (i == n)
			break;
		node_mem_dma_write(img, str, words[i], (uint32_t)lens[i]);
		node_mem_dma_write(img, str + (uint32_t)lens[i], "", 1);
		str += (uint32_t)lens[i] + 1;
	}
	*argc = (uint32_t)n;
	return used;
}

/* Loads the kernel, the device tree and the initrd - or a SPLASHOS
 * application and its arguments - into the VM's memory and sets vCPU 0 up
 * for the UHI hand-over (or the application's entry). With first touch the
 * loader touches the pages on the home node; an interleaved VM's pages are
 * loaded by the rank of the node that holds each. */
static int vm_boot(vm *w, char *err, size_t errlen)
{
	const mon_vm_config *c = w->cfg;
	node_mem img;
	if (node_mem_init(&img, c->memory))
		return fail(err, errlen, "VM %s: out of host memory for its boot image%s", c->name,
			    "");
	int rc = -1;
	node_elf_info info;
	char e2[256];
	if (node_elf_load(&img, c->app ? c->app : c->kernel, &info, e2, sizeof(e2))) {
		fail(err, errlen, "VM %s: %s", c->name, e2);
		goto out;
	}
	vcpu *x = &w->vcpus[0];
	uint32_t used;
	if (c->app) {
		uint32_t blk = (info.hi + 0xffffu) & ~0xffffu, argc = 0;
		uint32_t n = app_args(c, &img, blk, &argc, err, errlen);
		if (!n)
			goto out;
		used = blk + n;
		x->v.r[4] = argc;
		x->v.r[5] = KSEG0 | blk;
		x->v.r[6] = MON_APP_MARKER;
		x->v.r[7] = c->memory;
	} else if (kernel_image(w, &img, &info, &used, err, errlen)) {
		goto out;
	}
	if (load_pages(w, &img, used, err, errlen))
		goto out;
	x->v.pc = info.entry;
	x->started = w->local;
	rc = 0;
out:
	node_mem_destroy(&img);
	return rc;
}

/* Every guest page of an interleaved VM gets its machine page now, round
 * robin over the nodes of its vCPUs (in vCPU order). Runs on every rank.
 *
 * Page colouring: a node's pages at the same offset share the L2's sets, so
 * plain round robin would put guest pages g, g+1, ... (on different nodes)
 * all in the same sets - conflict misses, and a device's DMA, which needs
 * every line of a request in the home node's L2 at once, could never hold
 * them. Instead the i-th of the k nodes starts i * colours / k pages in, so
 * that any `colours` consecutive guest pages have different colours. */
static int vm_interleave(vm *w, char *err, size_t errlen)
{
	mon_machine *mm = w->mm;
	const mon_vm_config *c = w->cfg;
	int nodes[MON_VM_MAX_VCPUS], k = 0;
	for (int i = 0; i < w->nvcpus; i++) {
		bool seen = false;
		for (int j = 0; j < k; j++)
			seen |= nodes[j] == w->vcpus[i].node;
		if (!seen)
			nodes[k++] = w->vcpus[i].node;
	}
	uint32_t npages = c->memory >> NODE_PAGE_SHIFT;
	uint32_t ppn = (uint32_t)(flash_mem_per_node(mm->fm) >> NODE_PAGE_SHIFT);
	uint32_t step = flash_page_colours(mm->fm) / (uint32_t)k;
	for (uint32_t g = 0; g < npages; g++) {
		uint32_t i = g % (uint32_t)k, j = g / (uint32_t)k;
		int n = nodes[i];
		/* the coloured page if it is free, else any of the node's */
		int64_t mp = (uint32_t)n * ppn + (i * step + j) % ppn;
		if (mon_memmap_reserve(mm->memmap, (uint32_t)mp))
			mp = mon_memmap_alloc(mm->memmap, (uint32_t)n, MON_MEMMAP_EXACT);
		if (mp < 0) {
			snprintf(err, errlen,
				 "VM %s: node %d has no machine memory left for its share of the "
				 "VM's %u MiB (memory_placement: interleave over %d nodes)",
				 c->name, n, c->memory >> 20, k);
			return -1;
		}
		mon_mapper mr = {g, (uint16_t)w->index};
		mon_memmap_add_mapper(mm->memmap, (uint32_t)mp, &mr);
		mon_pmap_set(w->pmap, g, (uint32_t)mp, MON_PMAP_WRITABLE);
	}
	return 0;
}

/* The VM's devices, on its home node's rank. */
static int vm_devices(vm *w, char *err, size_t errlen)
{
	const mon_vm_config *c = w->cfg;
	if (node_mem_init_sys(&w->dev, 0, NULL, NULL))
		return fail(err, errlen, "VM %s: out of host memory%s", c->name, "");
	node_uart_init(&w->uart, stdout, (node_irq){dev_irq, w, NODE_UART_IP});
	node_mem_map_device(&w->dev, NODE_UART_BASE, 0x100, &node_uart_ops, &w->uart);
	node_mem_map_device(&w->dev, NODE_POWER_BASE, 0x4, &node_power_ops, &w->power);
	node_machine_config mc;
	node_machine_config_default(&mc);
	mc.ndisks = c->ndisks;
	for (int d = 0; d < c->ndisks; d++)
		mc.disks[d] = c->disks[d];
	mc.nnets = c->nnets;
	mc.slots = w->nslots;
	node_dma dma = {vm_dma_read, vm_dma_write, vm_dma_prepare, w};
	char e2[256];
	if (node_virtio_slots_init(&w->dev, &mc, w->slots, w->slot_label, w->blk, w->net, dma,
				   dev_irq, w, e2, sizeof(e2)))
		return fail(err, errlen, "VM %s: %s", c->name, e2);
	for (int d = 0; d < c->nnets; d++) {
		const uint8_t mac[6] = {0x52, 0x54, 0x00, 0xd1, (uint8_t)w->index, (uint8_t)d};
		memcpy(w->net[d].mac, mac, 6);
		w->net[d].backend = (node_net_backend){net_send, w};
	}
	return 0;
}

/* On a rank with the VM's home node or one of its vCPUs. */
static int vm_init(vm *w, char *err, size_t errlen)
{
	const mon_vm_config *c = w->cfg;
	w->nslots = c->ndisks + c->nnets;
	if (w->local && vm_devices(w, err, errlen))
		return -1;
	for (int i = 0; i < w->nvcpus; i++) {
		vcpu *x = &w->vcpus[i];
		mon_vcpu_reset(&x->v, i, 0);
		if (mon_l2tlb_create(&x->l2, MON_L2TLB_ENTRIES, MON_L2TLB_WAYS))
			return fail(err, errlen, "VM %s: out of host memory%s", c->name, "");
	}
	return vm_boot(w, err, errlen);
}

mon_machine *mon_new(flash_machine *fm, const mon_config *cfg, char *err, size_t errlen)
{
	mon_machine *mm = calloc(1, sizeof(*mm));
	if (!mm) {
		snprintf(err, errlen, "out of host memory");
		return NULL;
	}
	mm->fm = fm;
	mm->cfg = *cfg;
	mm->cur_node = -1; /* building: no event is being handled */
	if (!mm->cfg.timeslice)
		mm->cfg.timeslice = 2000000; /* 10 ms at 200 MHz */
	mm->nnodes = flash_nnodes(fm);
	mm->cpn = flash_cpn(fm);
	mm->nvms = cfg->nvms;
	uint64_t mpn = flash_mem_per_node(fm);
	int ncpus = mm->nnodes * mm->cpn;
	mm->pcpus = calloc((size_t)ncpus, sizeof(pcpu));
	if (!mm->pcpus ||
	    mon_memmap_create(&mm->memmap,
			      (uint32_t)((uint64_t)mm->nnodes * mpn >> NODE_PAGE_SHIFT),
			      (uint32_t)(mpn >> NODE_PAGE_SHIFT), 1u << 20)) {
		snprintf(err, errlen, "out of host memory");
		goto fail;
	}
	mm->zq = calloc((size_t)mm->nnodes, sizeof(*mm->zq));
	mm->zq_len = calloc((size_t)mm->nnodes, sizeof(*mm->zq_len));
	if (!mm->zq || !mm->zq_len) {
		snprintf(err, errlen, "out of host memory");
		goto fail;
	}
	for (int n = 0; n < mm->nnodes; n++)
		if (flash_cpu(fm, n, 0) &&
		    !(mm->zq[n] = calloc((size_t)(mpn >> NODE_PAGE_SHIFT), sizeof(uint32_t)))) {
			snprintf(err, errlen, "out of host memory");
			goto fail;
		}
	for (int g = 0; g < ncpus; g++) {
		pcpu *p = &mm->pcpus[g];
		p->mm = mm;
		p->node = g / mm->cpn;
		p->global = g;
		p->cpu = flash_cpu(fm, p->node, g % mm->cpn);
	}
	/* every rank places every vCPU the same way: vCPU i of a VM on its
	 * i-th preferred node, on that node's CPUs in turn */
	int *next_cpu = calloc((size_t)mm->nnodes, sizeof(int));
	if (!next_cpu) {
		snprintf(err, errlen, "out of host memory");
		goto fail;
	}
	for (int v = 0; v < mm->nvms; v++) {
		vm *w = &mm->vms[v];
		const mon_vm_config *c = &mm->cfg.vms[v];
		w->mm = mm;
		w->index = v;
		w->cfg = c;
		w->nvcpus = c->vcpus;
		if (c->vcpus < 1 || c->vcpus > MON_VM_MAX_VCPUS) {
			snprintf(err, errlen, "VM %s: %d vCPUs (1 to %d)", c->name, c->vcpus,
				 MON_VM_MAX_VCPUS);
			free(next_cpu);
			goto fail;
		}
		w->interleave = c->placement == MON_PLACE_INTERLEAVE ||
				(c->placement == MON_PLACE_DEFAULT && c->app);
		int rank0 = -1;
		for (int i = 0; i < c->vcpus; i++) {
			vcpu *x = &w->vcpus[i];
			int n = vcpu_node(mm, c, i);
			if (n < 0 || n >= mm->nnodes) {
				snprintf(err, errlen, "VM %s: node %d does not exist (%d nodes)",
					 c->name, n, mm->nnodes);
				free(next_cpu);
				goto fail;
			}
			x->vm = w;
			x->node = n;
			pcpu *p = &mm->pcpus[n * mm->cpn + next_cpu[n]];
			next_cpu[n] = (next_cpu[n] + 1) % mm->cpn;
			x->p = p;
			p->run[p->nrun++] = x;
			int r = flash_node_rank(fm, n);
			if (rank0 < 0)
				rank0 = r;
			if (r != rank0 && !w->interleave) {
				snprintf(
					err, errlen,
					"VM %s: its vCPUs are on nodes of different ranks (%d and "
					"%d), which needs memory_placement: interleave (a "
					"first-touch VM runs on the nodes of one rank: else choose "
					"its nodes (vms: nodes:) or machine.placement so that they "
					"are together)",
					c->name, rank0, r);
				free(next_cpu);
				goto fail;
			}
			if (flash_cpu(fm, n, 0))
				w->here = true;
		}
		w->home = w->vcpus[0].node;
		w->local = flash_cpu(fm, w->home, 0) != NULL;
	}
	free(next_cpu);
	/* a pmap where the VM runs, and every interleaved VM's on every rank;
	 * interleaved memory first, on every rank in the same order, so that
	 * every rank's memmap agrees on it */
	for (int v = 0; v < mm->nvms; v++) {
		vm *w = &mm->vms[v];
		if ((w->here || w->interleave) &&
		    mon_pmap_create(&w->pmap, w->cfg->memory >> NODE_PAGE_SHIFT, 1u << 16)) {
			snprintf(err, errlen, "VM %s: out of host memory", w->cfg->name);
			goto fail;
		}
	}
	for (int v = 0; v < mm->nvms; v++)
		if (mm->vms[v].interleave && vm_interleave(&mm->vms[v], err, errlen))
			goto fail;
	for (int v = 0; v < mm->nvms; v++)
		if (mm->vms[v].here && vm_init(&mm->vms[v], err, errlen))
			goto fail;
	/* take the CPUs */
	for (int g = 0; g < ncpus; g++) {
		pcpu *p = &mm->pcpus[g];
		node_cpu *cpu = p->cpu;
		if (!cpu)
			continue;
		cpu->trap = trap;
		cpu->trap_opaque = p;
		cpu->vm_segments = true;
		cpu->halted = true;
		node_cp0_write(cpu, 12, 0, 0); /* kernel mode, BEV = ERL = 0 */
		p->mark = cpu->cycles;
		poke(p);
	}
	flash_set_guest(fm, &guest_ops, mm);
	return mm;
fail:
	mon_free(mm);
	return NULL;
}

void mon_free(mon_machine *mm)
{
	if (!mm)
		return;
	if (tracing())
		for (int g = 0; g < mm->nnodes * mm->cpn; g++) {
			pcpu *p = &mm->pcpus[g];
			if (!p->cpu)
				continue;
			vcpu *x = current(p);
			fprintf(stderr,
				"cpu%d pc %08x st %08x cause %08x cyc %llu dl %llu wait %d halt %d "
				"vst %08x vcause %08x vdl %llu\n",
				g, p->cpu->pc, p->cpu->status, p->cpu->cause,
				(unsigned long long)p->cpu->cycles,
				(unsigned long long)p->cpu->timer_deadline, p->cpu->waiting,
				p->cpu->halted, x ? x->v.status : 0, x ? x->v.cause : 0,
				x ? (unsigned long long)x->v.timer_deadline : 0ull);
		}
	for (int v = 0; v < mm->nvms; v++) {
		vm *w = &mm->vms[v];
		for (int i = 0; i < w->nvcpus; i++)
			mon_l2tlb_free(w->vcpus[i].l2);
		if (w->local) {
			for (int d = 0; d < w->cfg->nnets; d++)
				node_virtio_net_destroy(&w->net[d]);
			for (int d = 0; d < w->cfg->ndisks; d++)
				vdisk_close(w->blk[d].disk);
			node_mem_destroy(&w->dev);
		}
		for (int d = 0; d < NODE_MAX_NETS; d++)
			for (int s = 0; s < MON_MAX_VMS; s++)
				free(w->rx_asm[d][s]);
		mon_pmap_free(w->pmap);
	}
	mon_memmap_free(mm->memmap);
	for (int n = 0; mm->zq && n < mm->nnodes; n++)
		free(mm->zq[n]);
	free(mm->zq);
	free(mm->zq_len);
	free(mm->pcpus);
	free(mm);
}

node_uart *mon_vm_uart(mon_machine *mm, int i)
{
	return i >= 0 && i < mm->nvms && mm->vms[i].local ? &mm->vms[i].uart : NULL;
}

void mon_set_console_poll(mon_machine *mm, void (*fn)(void *o, int vm), void *opaque)
{
	mm->console_poll = fn;
	mm->console_opaque = opaque;
}

bool mon_vm_off(const mon_machine *mm, int i, uint32_t *value)
{
	if (value)
		*value = mm->vms[i].exit_value;
	return mm->vms[i].off;
}

uint32_t mon_exit_value(const mon_machine *mm)
{
	return mm->exit_value;
}
