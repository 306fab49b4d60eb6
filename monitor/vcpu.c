/* monitor/vcpu.c: vCPU state - reset, moving registers between a vCPU and
 * the host CPU, guest and real modes, the virtual Count/Compare timer and
 * interrupt lines, and lookups in the virtual TLB.
 *
 * Called by the monitor's scheduler (reset, load/save, timer, lines) and by
 * monitor/emulate.c and the TLB-miss path (mode, Random, TLB lookups).
 */
#include <string.h>

#include "monitor/vcpu.h"

void mon_vcpu_reset(mon_vcpu *v, int id, uint64_t now)
{
	memset(v, 0, sizeof(*v));
	v->id = id;
	node_fpu_reset(&v->fpu);
	v->pc = 0xbfc00000u;
	v->status = NODE_ST_BEV | NODE_ST_ERL;
	v->prid = MON_PRID;
	v->ebase = 0x80000000u | ((uint32_t)id & 0x3ffu);
	v->config0 = MON_CONFIG0_RESET;
	v->config1 = MON_CONFIG1;
	v->config2 = MON_CONFIG2;
	v->config3 = MON_CONFIG3;
	v->config7 = MON_CONFIG7;
	v->intctl = MON_INTCTL;
	v->random_base = now;
	mon_vcpu_set_count(v, 0, now);
	/* distinct, invalid entries in unmapped kseg0 (as node_cpu_reset) */
	for (int i = 0; i < MON_TLB_ENTRIES; i++)
		v->tlb[i].hi = 0x80000000u + ((uint32_t)i << 13);
	mon_vcpu_timer_rearm(v, now);
}

/* HWREna bits whose registers read the same on host and guest. */
#define HWRENA_SAME 0x2000000au /* UL, CCRes, SYNCI_Step */

void mon_vcpu_load(const mon_vcpu *v, node_cpu *cpu)
{
	memcpy(cpu->r, v->r, 32 * sizeof(uint32_t));
	cpu->hi = v->hi;
	cpu->lo = v->lo;
	cpu->pc = v->pc;
	cpu->llbit = v->llbit;
	cpu->fpu = v->fpu;
	mon_vcpu_sync_hwr(v, cpu);
}

void mon_vcpu_sync_hwr(const mon_vcpu *v, node_cpu *cpu)
{
	cpu->userlocal = v->userlocal;
	cpu->hwrena = v->hwrena & HWRENA_SAME;
}

void mon_vcpu_save(mon_vcpu *v, const node_cpu *cpu)
{
	memcpy(v->r, cpu->r, 32 * sizeof(uint32_t));
	v->r[0] = 0;
	v->hi = cpu->hi;
	v->lo = cpu->lo;
	v->pc = cpu->pc;
	v->llbit = cpu->llbit;
	v->fpu = cpu->fpu;
}

int mon_vcpu_guest_mode(const mon_vcpu *v)
{
	uint32_t st = v->status;
	if (st & NODE_ST_ERL)
		return NODE_MODE_KERNEL_ERL;
	if (st & NODE_ST_EXL)
		return NODE_MODE_KERNEL;
	switch ((st & NODE_ST_KSU) >> 3) {
	case 0: return NODE_MODE_KERNEL;
	case 1: return NODE_MODE_SUPER;
	default: return NODE_MODE_USER; /* KSU = 3 is reserved; the 24Kc treats it as user */
	}
}

bool mon_vcpu_cp0_usable(const mon_vcpu *v)
{
	int m = mon_vcpu_guest_mode(v);
	return m == NODE_MODE_KERNEL || m == NODE_MODE_KERNEL_ERL || (v->status & NODE_ST_CU0);
}

int mon_vcpu_real_mode(const mon_vcpu *v)
{
	return mon_vcpu_guest_mode(v) == NODE_MODE_USER ? NODE_MODE_USER : NODE_MODE_SUPER;
}

uint32_t mon_vcpu_host_status(const mon_vcpu *v)
{
	uint32_t ksu = mon_vcpu_real_mode(v) == NODE_MODE_USER ? 2u << 3 : 1u << 3;
	return ksu | NODE_ST_IE | NODE_ST_IM | (v->status & (NODE_ST_CU1 | NODE_ST_FR));
}

uint32_t mon_vcpu_count(const mon_vcpu *v, uint64_t now)
{
	return v->count_offset + (uint32_t)(now >> MON_COUNT_SHIFT);
}

void mon_vcpu_set_count(mon_vcpu *v, uint32_t count, uint64_t now)
{
	v->count_offset = count - (uint32_t)(now >> MON_COUNT_SHIFT);
}

unsigned mon_vcpu_random(const mon_vcpu *v, uint64_t now)
{
	unsigned wired = v->wired & (MON_TLB_ENTRIES - 1);
	unsigned span = MON_TLB_ENTRIES - wired;
	return MON_TLB_ENTRIES - 1 - (unsigned)((now - v->random_base) % span);
}

static void update_cause_ip(mon_vcpu *v)
{
	uint32_t ip = v->irq_lines & MON_HW_IRQ_MASK;
	if (v->cause & NODE_CAUSE_TI)
		ip |= NODE_CAUSE_IP7;
	v->cause = (v->cause & ~0xfc00u) | ip;
}

void mon_vcpu_set_irq(mon_vcpu *v, int ip, bool level)
{
	if (ip < MON_IRQ_FIRST || ip > MON_IRQ_LAST)
		return;
	uint32_t bit = 1u << (8 + ip);
	if (level)
		v->irq_lines |= bit;
	else
		v->irq_lines &= ~bit;
	update_cause_ip(v);
}

void mon_vcpu_timer_rearm(mon_vcpu *v, uint64_t now)
{
	uint64_t ticks = now >> MON_COUNT_SHIFT;
	uint32_t count = v->count_offset + (uint32_t)ticks;
	uint64_t k = (uint32_t)(v->compare - count);
	if (k == 0)
		k = 1ull << 32; /* equal now: the next match is a full wrap away */
	v->timer_deadline = (ticks + k) << MON_COUNT_SHIFT;
}

bool mon_vcpu_timer_check(mon_vcpu *v, uint64_t now)
{
	if (now < v->timer_deadline)
		return false;
	v->cause |= NODE_CAUSE_TI;
	update_cause_ip(v);
	mon_vcpu_timer_rearm(v, now);
	return true;
}

/* The Cause.IP update after a Compare write or a Cause write (emulate.c). */
void mon__vcpu_update_cause_ip(mon_vcpu *v)
{
	update_cause_ip(v);
}

bool mon_vcpu_irq_pending(const mon_vcpu *v)
{
	return (v->cause & v->status & NODE_ST_IM) != 0;
}

bool mon_vcpu_irq_deliverable(const mon_vcpu *v)
{
	return (v->status & NODE_ST_IE) && !(v->status & (NODE_ST_EXL | NODE_ST_ERL)) &&
	       mon_vcpu_irq_pending(v);
}

int mon_vtlb_lookup(const mon_vcpu *v, uint32_t va, unsigned asid)
{
	for (int i = 0; i < MON_TLB_ENTRIES; i++) {
		const node_tlb_entry *e = &v->tlb[i];
		uint32_t vmask = ~(e->mask | 0x1fffu);
		if (((va ^ e->hi) & vmask) == 0 &&
		    (e->g || (e->hi & MON_ENTRYHI_ASID) == (asid & MON_ENTRYHI_ASID)))
			return i;
	}
	return -1;
}

int mon_vtlb_translate(const mon_vcpu *v, uint32_t va, int access, uint32_t *gpa, uint32_t *lo,
		       bool *refill)
{
	*refill = false;
	*lo = 0;
	int seg = node_segment(va, mon_vcpu_guest_mode(v), false, gpa);
	if (seg == NODE_SEG_UNMAPPED)
		return 0;
	if (seg == NODE_SEG_ERROR)
		return access == NODE_ACC_STORE ? NODE_EXC_ADES : NODE_EXC_ADEL;
	int i = mon_vtlb_lookup(v, va, v->entryhi & MON_ENTRYHI_ASID);
	if (i < 0) {
		*refill = true;
		return access == NODE_ACC_STORE ? NODE_EXC_TLBS : NODE_EXC_TLBL;
	}
	int exc = node_tlb_entry_translate(&v->tlb[i], va, access, gpa, lo);
	if (!exc)
		*lo |= v->tlb[i].g;
	return exc;
}
