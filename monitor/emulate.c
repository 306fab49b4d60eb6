/* monitor/emulate.c: the guest's privileged instructions (mfc0/mtc0 per
 * register, the TLB instructions on the virtual TLB, eret, di/ei, wait,
 * cache, rdhwr) and the reflection of exceptions and interrupts into it.
 *
 * Called by the monitor's trap handler with the vCPU saved (emulate.h). The
 * register semantics are those of the emulated 24Kc in node/cp0.c and
 * node/tlb.c, applied to the virtual state instead of the host's.
 */
#include <errno.h>
#include <string.h>

#include "monitor/emulate.h"
#include "node/decode.h"

/* ---- CP0 registers -------------------------------------------------------- */

static uint32_t cp0_read(const mon_vcpu *v, unsigned reg, unsigned sel, uint64_t now)
{
	switch (reg * 8 + sel) {
	case 0 * 8: return v->index;
	case 1 * 8: return mon_vcpu_random(v, now);
	case 2 * 8: return v->entrylo0;
	case 3 * 8: return v->entrylo1;
	case 4 * 8: return v->context;
	case 4 * 8 + 2: return v->userlocal;
	case 5 * 8: return v->pagemask;
	case 6 * 8: return v->wired;
	case 7 * 8: return v->hwrena;
	case 8 * 8: return v->badvaddr;
	case 9 * 8: return mon_vcpu_count(v, now);
	case 10 * 8: return v->entryhi;
	case 11 * 8: return v->compare;
	case 12 * 8: return v->status;
	case 12 * 8 + 1: return v->intctl;
	case 12 * 8 + 2: return v->srsctl;
	case 13 * 8: return v->cause;
	case 14 * 8: return v->epc;
	case 15 * 8: return v->prid;
	case 15 * 8 + 1: return v->ebase;
	case 16 * 8: return v->config0;
	case 16 * 8 + 1: return v->config1;
	case 16 * 8 + 2: return v->config2;
	case 16 * 8 + 3: return v->config3;
	case 16 * 8 + 7: return v->config7;
	case 17 * 8: return v->lladdr;
	case 30 * 8: return v->errorepc;
	default: return 0; /* absent registers (Watch, PerfCnt, EJTAG, ...) read 0 */
	}
}

static void cp0_write(mon_vcpu *v, unsigned reg, unsigned sel, uint32_t val, uint64_t now)
{
	switch (reg * 8 + sel) {
	case 0 * 8: v->index = (v->index & 0x80000000u) | (val & (MON_TLB_ENTRIES - 1)); break;
	case 2 * 8: v->entrylo0 = val & MON_ENTRYLO_MASK; break;
	case 3 * 8: v->entrylo1 = val & MON_ENTRYLO_MASK; break;
	case 4 * 8:
		v->context = (v->context & MON_CONTEXT_BADVPN2) | (val & MON_CONTEXT_PTEBASE);
		break;
	case 4 * 8 + 2: v->userlocal = val; break;
	case 5 * 8: v->pagemask = val & MON_PAGEMASK_MASK; break;
	case 6 * 8:
		v->wired = val & (MON_TLB_ENTRIES - 1);
		v->random_base = now; /* Random restarts at 63 */
		break;
	case 7 * 8: v->hwrena = val & MON_HWRENA_MASK; break;
	case 9 * 8:
		mon_vcpu_set_count(v, val, now);
		mon_vcpu_timer_rearm(v, now);
		break;
	case 10 * 8: v->entryhi = val & MON_ENTRYHI_MASK; break;
	case 11 * 8:
		v->compare = val;
		v->cause &= ~NODE_CAUSE_TI; /* a Compare write acknowledges the timer */
		mon__vcpu_update_cause_ip(v);
		mon_vcpu_timer_rearm(v, now);
		break;
	case 12 * 8:
		v->status = (v->status & ~MON_STATUS_WRITABLE) | (val & MON_STATUS_WRITABLE);
		break;
	case 13 * 8:
		v->cause = (v->cause & ~MON_CAUSE_WRITABLE) | (val & MON_CAUSE_WRITABLE);
		break;
	case 14 * 8: v->epc = val; break;
	case 15 * 8 + 1:
		v->ebase = (v->ebase & ~MON_EBASE_WRITABLE) | (val & MON_EBASE_WRITABLE);
		break;
	case 16 * 8: v->config0 = (v->config0 & ~7u) | (val & 7u); break; /* K0 */
	case 30 * 8: v->errorepc = val; break;
	default: break; /* read-only or absent: writes are ignored */
	}
}

/* ---- virtual TLB instructions ------------------------------------------- */

static void tlb_read(mon_vcpu *v)
{
	const node_tlb_entry *e = &v->tlb[v->index & (MON_TLB_ENTRIES - 1)];
	v->entryhi = e->hi;
	v->pagemask = e->mask;
	v->entrylo0 = e->lo[0] | e->g;
	v->entrylo1 = e->lo[1] | e->g;
}

static void tlb_write(mon_vcpu *v, unsigned idx, mon_emu_result *res)
{
	node_tlb_entry *e = &v->tlb[idx];
	uint32_t mask = v->pagemask & MON_PAGEMASK_MASK;
	res->flags |= MON_EMU_TLB_CHANGED;
	res->tlb_index = (int)idx;
	res->old = *e;
	e->mask = mask;
	e->hi = (v->entryhi & ~(mask | 0x1fffu)) | (v->entryhi & MON_ENTRYHI_ASID);
	e->g = v->entrylo0 & v->entrylo1 & 1;
	e->lo[0] = v->entrylo0 & MON_ENTRYLO_MASK & ~1u;
	e->lo[1] = v->entrylo1 & MON_ENTRYLO_MASK & ~1u;
}

static void tlb_probe(mon_vcpu *v)
{
	int i = mon_vtlb_lookup(v, v->entryhi & MON_ENTRYHI_VPN2, v->entryhi & MON_ENTRYHI_ASID);
	v->index = i < 0 ? 0x80000000u : (uint32_t)i;
}

/* ---- reflection ------------------------------------------------------------ */

uint32_t mon_reflect(mon_vcpu *v, int exc, uint32_t pc, bool in_delay, uint32_t badvaddr,
		     bool refill, unsigned ce)
{
	bool iv = exc == NODE_EXC_INT && (v->cause & NODE_CAUSE_IV);
	uint32_t offset;
	v->reflected[exc & 31]++;
	if (!(v->status & NODE_ST_EXL)) {
		v->epc = in_delay ? pc - 4 : pc;
		if (in_delay)
			v->cause |= NODE_CAUSE_BD;
		else
			v->cause &= ~NODE_CAUSE_BD;
		offset = iv ? 0x200 : refill ? 0x000 : 0x180;
	} else {
		offset = iv ? 0x200 : 0x180; /* nested: EPC and BD stay */
	}
	switch (exc) {
	case NODE_EXC_MOD:
	case NODE_EXC_TLBL:
	case NODE_EXC_TLBS:
		v->context = (v->context & MON_CONTEXT_PTEBASE) |
			     ((badvaddr >> 9) & MON_CONTEXT_BADVPN2);
		v->entryhi = (v->entryhi & MON_ENTRYHI_ASID) | (badvaddr & MON_ENTRYHI_VPN2);
		/* fall through */
	case NODE_EXC_ADEL:
	case NODE_EXC_ADES: v->badvaddr = badvaddr; break;
	default: break;
	}
	uint32_t ce_bits = exc == NODE_EXC_CPU ? (ce & 3u) << NODE_CAUSE_CE_SHIFT : 0;
	v->cause = (v->cause & ~(0x7cu | (3u << NODE_CAUSE_CE_SHIFT))) | ((uint32_t)exc << 2) |
		   ce_bits;
	v->status |= NODE_ST_EXL;
	uint32_t base = (v->status & NODE_ST_BEV) ? 0xbfc00200u : (v->ebase & 0xfffff000u);
	v->pc = base + offset;
	return v->pc;
}

bool mon_deliver_irq(mon_vcpu *v)
{
	if (!mon_vcpu_irq_deliverable(v))
		return false;
	mon_reflect(v, NODE_EXC_INT, v->pc, false, 0, false, 0);
	return true;
}

/* ---- emulation --------------------------------------------------------------- */

/* rdhwr: the registers of the 24Kc (node/cpu.c), from the virtual state.
 * Returns false when the guest may not read hw (RI). */
static bool rdhwr(const mon_vcpu *v, unsigned hw, uint64_t now, uint32_t *val)
{
	bool kernel = mon_vcpu_cp0_usable(v); /* kernel mode or CU0 */
	if (hw >= 32 || (!kernel && !(v->hwrena & (1u << hw))))
		return false;
	switch (hw) {
	case 0: *val = v->ebase & 0x3ffu; return true;	    /* CPUNum */
	case 1: *val = 32; return true;			    /* SYNCI_Step: the L1 line */
	case 2: *val = mon_vcpu_count(v, now); return true; /* CC */
	case 3: *val = 1u << MON_COUNT_SHIFT; return true;  /* CCRes */
	case 29: *val = v->userlocal; return true;	    /* UL */
	default: return false;
	}
}

static bool is_cp0_op(int op)
{
	switch (op) {
	case NODE_OP_MFC0:
	case NODE_OP_MTC0:
	case NODE_OP_TLBR:
	case NODE_OP_TLBWI:
	case NODE_OP_TLBWR:
	case NODE_OP_TLBP:
	case NODE_OP_ERET:
	case NODE_OP_WAIT:
	case NODE_OP_DI:
	case NODE_OP_EI:
	case NODE_OP_CACHE: return true;
	default: return false;
	}
}

static void reflect_insn(mon_vcpu *v, const mon_trap *t, mon_emu_result *res, int exc, unsigned ce)
{
	res->flags |= MON_EMU_REFLECTED;
	res->exc = exc;
	res->kind = -1;
	res->next_pc = mon_reflect(v, exc, t->pc, t->in_delay, 0, false, ce);
}

/* Runs the instruction; returns the cost kind, or -1 when it reflected an
 * exception (res says which) or -2 when insn is no trapping instruction. */
static int execute(mon_vcpu *v, uint32_t insn, const mon_trap *t, mon_emu_result *res)
{
	node_insn d;
	node_decode_insn(insn, &d);
	uint32_t *R = v->r;

	if (is_cp0_op(d.op) && !mon_vcpu_cp0_usable(v)) {
		reflect_insn(v, t, res, NODE_EXC_CPU, 0);
		return -1;
	}
	switch (d.op) {
	case NODE_OP_MFC0: R[d.rt] = cp0_read(v, d.rd, d.aux, t->now); return MON_COST_MFC0;
	case NODE_OP_MTC0:
		cp0_write(v, d.rd, d.aux, R[d.rt], t->now);
		if (d.rd == 9 || d.rd == 11)
			res->flags |= MON_EMU_TIMER_CHANGED;
		return MON_COST_MTC0;
	case NODE_OP_TLBR: tlb_read(v); return MON_COST_TLBR;
	case NODE_OP_TLBWI:
		tlb_write(v, v->index & (MON_TLB_ENTRIES - 1), res);
		return MON_COST_TLBWI;
	case NODE_OP_TLBWR: tlb_write(v, mon_vcpu_random(v, t->now), res); return MON_COST_TLBWR;
	case NODE_OP_TLBP: tlb_probe(v); return MON_COST_TLBP;
	case NODE_OP_ERET:
		if (v->status & NODE_ST_ERL) {
			res->next_pc = v->errorepc;
			v->status &= ~NODE_ST_ERL;
		} else {
			res->next_pc = v->epc;
			v->status &= ~NODE_ST_EXL;
		}
		v->llbit = 0;
		return MON_COST_ERET;
	case NODE_OP_DI:
	case NODE_OP_EI:
		R[d.rt] = v->status;
		if (d.op == NODE_OP_EI)
			v->status |= NODE_ST_IE;
		else
			v->status &= ~NODE_ST_IE;
		return MON_COST_DIEI;
	case NODE_OP_WAIT: res->flags |= MON_EMU_IDLE; return MON_COST_WAIT;
	case NODE_OP_CACHE: return MON_COST_CACHE; /* caches are coherent: nothing to do */
	case NODE_OP_RDHWR: {
		uint32_t val;
		if (!rdhwr(v, d.rd, t->now, &val)) {
			reflect_insn(v, t, res, NODE_EXC_RI, 0);
			return -1;
		}
		R[d.rt] = val;
		return MON_COST_RDHWR;
	}
	case NODE_OP_RI:
		/* a reserved COP0 encoding is CpU where CP0 is unusable */
		if ((insn >> 26) == 16 && !mon_vcpu_cp0_usable(v))
			reflect_insn(v, t, res, NODE_EXC_CPU, 0);
		else
			reflect_insn(v, t, res, NODE_EXC_RI, 0);
		return -1;
	case NODE_OP_CPU_UNUSABLE: reflect_insn(v, t, res, NODE_EXC_CPU, d.aux); return -1;
	default: return -2;
	}
}

int mon_emulate(mon_vcpu *v, uint32_t insn, const mon_trap *t, mon_emu_result *res)
{
	memset(res, 0, sizeof(*res));
	res->tlb_index = -1;
	res->next_pc = t->in_delay ? t->ds_next : t->pc + 4;
	int mode = mon_vcpu_guest_mode(v);
	uint32_t host_status = mon_vcpu_host_status(v);
	uint32_t asid = v->entryhi & MON_ENTRYHI_ASID;

	int kind = execute(v, insn, t, res);
	if (kind == -2)
		return -EINVAL;
	v->r[0] = 0;
	if (kind >= 0) {
		res->kind = kind;
		v->emulated[kind]++;
		v->pc = res->next_pc;
	}
	if (mon_vcpu_guest_mode(v) != mode || mon_vcpu_host_status(v) != host_status)
		res->flags |= MON_EMU_MODE_CHANGED;
	if ((v->entryhi & MON_ENTRYHI_ASID) != asid)
		res->flags |= MON_EMU_ASID_CHANGED;
	if (mon_vcpu_irq_deliverable(v))
		res->flags |= MON_EMU_IRQ;
	return 0;
}
