/* node/cp0.c: System Control Coprocessor (CP0) of the emulated 24Kc -
 * register reads and writes, reset, exception entry, interrupts and the
 * Count/Compare timer.
 *
 * Called by the interpreter (mfc0/mtc0, exceptions) and by the node run loop
 * (interrupt delivery and timer between slices). The interpreter keeps
 * cpu->cycles exact before calling in here.
 */
#include <string.h>

#include "node/cpu.h"

#define PRID_24KC 0x00019300u
/* Config0: M, AR=1 (Release 2), MT=1 (standard TLB), K0=2 (uncached). */
#define CONFIG0_RESET 0x80000482u
/* Config1: M, MMUSize-1=63, I and D caches 512 sets x 32 B x 2 ways (32 KiB),
 * no performance counters, no watch registers, no MIPS16, no EJTAG, FP=1. */
#define CONFIG1_VALUE                                                                   \
	((1u << 31) | (63u << 25) | (3u << 22) | (4u << 19) | (1u << 16) | (3u << 13) | \
	 (4u << 10) | (1u << 7) | 1u)
#define CONFIG2_VALUE 0x80000000u /* M: Config3 present; no L2/L3 described */
#define CONFIG3_VALUE (1u << 13)  /* ULRI: UserLocal implemented */
#define INTCTL_VALUE (7u << 29)	  /* IPTI = 7: the timer interrupts on IP7 */

#define STATUS_WRITABLE 0x3878ff1fu /* CU1|CU0|RP|BEV|TS|SR|NMI|IM|KSU|ERL|EXL|IE */
#define CAUSE_WRITABLE 0x08c00300u  /* DC|IV|WP|IP1..0 */

static const node_ftlb invalid_ftlb = {NODE_FTLB_INVALID, 0};

void node_cpu_flush_fast(node_cpu *cpu)
{
	for (int m = 0; m < NODE_NMODES; m++) {
		for (unsigned i = 0; i < NODE_FTLB_SIZE; i++) {
			cpu->rtlb[m][i] = invalid_ftlb;
			cpu->wtlb[m][i] = invalid_ftlb;
			cpu->xtlb[m][i].tag = NODE_FTLB_INVALID;
		}
	}
}

void node_cpu_flush_fast_write_page(node_cpu *cpu, uint32_t ppn)
{
	if (!cpu->mem->ram) {
		/* detailed mode: entries point into cache lines, not at RAM;
		 * code pages are created rarely, so drop every write entry */
		for (int m = 0; m < NODE_NMODES; m++)
			for (unsigned i = 0; i < NODE_FTLB_SIZE; i++)
				cpu->wtlb[m][i] = invalid_ftlb;
		return;
	}
	uint8_t *host = cpu->mem->ram + ((uintptr_t)ppn << NODE_PAGE_SHIFT);
	for (int m = 0; m < NODE_NMODES; m++) {
		for (unsigned i = 0; i < NODE_FTLB_SIZE; i++) {
			node_ftlb *e = &cpu->wtlb[m][i];
			if (e->tag == NODE_FTLB_INVALID)
				continue;
			uintptr_t page = (uintptr_t)(e->tag & ~(NODE_PAGE_SIZE - 1)) + e->addend;
			if ((uint8_t *)page == host)
				*e = invalid_ftlb;
		}
	}
}

void node_cpu_update_mode(node_cpu *cpu)
{
	uint32_t st = cpu->status;
	if (cpu->cycles > cpu->mode_mark) {
		cpu->mode_cycles[cpu->mode] += cpu->cycles - cpu->mode_mark;
		cpu->mode_mark = cpu->cycles;
	}
	if (st & NODE_ST_ERL)
		cpu->mode = NODE_MODE_KERNEL_ERL;
	else if (st & NODE_ST_EXL)
		cpu->mode = NODE_MODE_KERNEL;
	else
		switch ((st & NODE_ST_KSU) >> 3) {
		case 0: cpu->mode = NODE_MODE_KERNEL; break;
		case 1: cpu->mode = NODE_MODE_SUPER; break;
		default: cpu->mode = NODE_MODE_USER; break;
		}
}

uint32_t node_cp0_count(const node_cpu *cpu)
{
	return cpu->count_at_base + (uint32_t)((cpu->cycles - cpu->count_base_cycle) >> 1);
}

/* Recomputes the cycle at which Count next becomes equal to Compare. */
static void timer_rearm(node_cpu *cpu)
{
	uint64_t ticks = (cpu->cycles - cpu->count_base_cycle) >> 1;
	uint32_t now = cpu->count_at_base + (uint32_t)ticks;
	uint64_t k = (uint32_t)(cpu->compare - now);
	if (k == 0)
		k = 1ull << 32;
	cpu->timer_deadline = cpu->count_base_cycle + 2 * (ticks + k);
}

static void update_cause_ip(node_cpu *cpu)
{
	uint32_t ip = cpu->hw_irq & 0x7c00u;
	if (cpu->cause & NODE_CAUSE_TI)
		ip |= NODE_CAUSE_IP7;
	cpu->cause = (cpu->cause & ~0xfc00u) | ip;
}

uint64_t node_cpu_cycles_to_timer(const node_cpu *cpu)
{
	return cpu->timer_deadline > cpu->cycles ? cpu->timer_deadline - cpu->cycles : 1;
}

void node_cpu_timer_tick(node_cpu *cpu)
{
	if (cpu->cycles < cpu->timer_deadline)
		return;
	cpu->cause |= NODE_CAUSE_TI;
	update_cause_ip(cpu);
	/* next match after a full wrap of Count */
	cpu->timer_deadline += 2ull << 32;
}

void node_cpu_set_irq(node_cpu *cpu, int ip, bool level)
{
	uint32_t bit = 1u << (8 + ip);
	if (level)
		cpu->hw_irq |= bit;
	else
		cpu->hw_irq &= ~bit;
	update_cause_ip(cpu);
}

void node_cpu_reset(node_cpu *cpu, node_mem *mem, int cpunum)
{
	memset(cpu, 0, sizeof(*cpu));
	cpu->mem = mem;
	cpu->cpunum = cpunum;
	node_fpu_reset(&cpu->fpu);
	cpu->status = NODE_ST_BEV | NODE_ST_ERL;
	cpu->prid = PRID_24KC;
	cpu->ebase = 0x80000000u | (cpunum & 0x3ff);
	cpu->config0 = CONFIG0_RESET;
	cpu->config1 = CONFIG1_VALUE;
	/* AR: no virtual aliases in the data cache. The cache model (node/l1.h)
	 * is physically indexed, so there are none; without the bit Linux
	 * flushes caches on every fork and exec, with IPIs on SMP. */
	cpu->config7 = 1u << 16;
	cpu->config2 = CONFIG2_VALUE;
	cpu->config3 = CONFIG3_VALUE;
	cpu->intctl = INTCTL_VALUE;
	cpu->pc = 0xbfc00000u;
	cpu->compare = 0;
	cpu->ftlb_shift = NODE_PAGE_SHIFT;
	cpu->ftlb_mask = ~(NODE_PAGE_SIZE - 1);
	/* TLB entries start distinct and invalid, as Linux expects after its
	 * own local_flush_tlb_all anyway; pick unmapped-range VPNs. */
	for (int i = 0; i < NODE_TLB_ENTRIES; i++)
		cpu->tlb[i].hi = 0x80000000u + ((uint32_t)i << 13);
	node_cpu_update_mode(cpu);
	node_cpu_flush_fast(cpu);
	timer_rearm(cpu);
	if (mem)
		node_mem_attach_cpu(mem, cpu);
}

uint32_t node_cp0_read(node_cpu *cpu, unsigned reg, unsigned sel)
{
	switch (reg * 8 + sel) {
	case 0 * 8: return cpu->index;
	case 1 * 8: return node_tlb_random(cpu);
	case 2 * 8: return cpu->entrylo0;
	case 3 * 8: return cpu->entrylo1;
	case 4 * 8: return cpu->context;
	case 4 * 8 + 2: return cpu->userlocal;
	case 5 * 8: return cpu->pagemask;
	case 6 * 8: return cpu->wired;
	case 7 * 8: return cpu->hwrena;
	case 8 * 8: return cpu->badvaddr;
	case 9 * 8: return node_cp0_count(cpu);
	case 10 * 8: return cpu->entryhi;
	case 11 * 8: return cpu->compare;
	case 12 * 8: return cpu->status;
	case 12 * 8 + 1: return cpu->intctl;
	case 12 * 8 + 2: return cpu->srsctl;
	case 13 * 8: return cpu->cause;
	case 14 * 8: return cpu->epc;
	case 15 * 8: return cpu->prid;
	case 15 * 8 + 1: return cpu->ebase;
	case 16 * 8: return cpu->config0;
	case 16 * 8 + 1: return cpu->config1;
	case 16 * 8 + 2: return cpu->config2;
	case 16 * 8 + 3: return cpu->config3;
	case 16 * 8 + 7: return cpu->config7;
	case 17 * 8: return cpu->lladdr;
	case 30 * 8: return cpu->errorepc;
	default: return 0; /* absent registers (Watch, PerfCnt, EJTAG, ...) read 0 */
	}
}

void node_cp0_write(node_cpu *cpu, unsigned reg, unsigned sel, uint32_t v)
{
	switch (reg * 8 + sel) {
	case 0 * 8: cpu->index = (cpu->index & 0x80000000u) | (v & 63); break;
	case 2 * 8: cpu->entrylo0 = v & 0x3fffffffu; break;
	case 3 * 8: cpu->entrylo1 = v & 0x3fffffffu; break;
	case 4 * 8: cpu->context = (cpu->context & 0x007ffff0u) | (v & 0xff800000u); break;
	case 4 * 8 + 2: cpu->userlocal = v; break;
	case 5 * 8: cpu->pagemask = v & 0x1fffe000u; break;
	case 6 * 8:
		cpu->wired = v & 63;
		cpu->random_base_cycle = cpu->cycles;
		break;
	case 7 * 8: cpu->hwrena = v & 0x2000000fu; break;
	case 9 * 8:
		cpu->count_at_base = v;
		cpu->count_base_cycle = cpu->cycles;
		timer_rearm(cpu);
		break;
	case 10 * 8: {
		uint32_t old = cpu->entryhi;
		cpu->entryhi = v & 0xffffe0ffu;
		if ((old ^ cpu->entryhi) & 0xff)
			node_cpu_flush_fast(cpu);
		break;
	}
	case 11 * 8:
		cpu->compare = v;
		cpu->cause &= ~NODE_CAUSE_TI;
		update_cause_ip(cpu);
		timer_rearm(cpu);
		break;
	case 12 * 8:
		cpu->status = (cpu->status & ~STATUS_WRITABLE) | (v & STATUS_WRITABLE);
		node_cpu_update_mode(cpu);
		break;
	case 13 * 8: cpu->cause = (cpu->cause & ~CAUSE_WRITABLE) | (v & CAUSE_WRITABLE); break;
	case 14 * 8: cpu->epc = v; break;
	case 15 * 8 + 1: cpu->ebase = (cpu->ebase & 0xc00003ffu) | (v & 0x3ffff000u); break;
	case 16 * 8: cpu->config0 = (cpu->config0 & ~7u) | (v & 7u); break;
	case 30 * 8: cpu->errorepc = v; break;
	default: break; /* read-only or absent: writes are ignored */
	}
}

uint32_t node_cpu_exception(node_cpu *cpu, int exc, uint32_t pc, bool in_delay, bool refill)
{
	uint32_t offset;
	cpu->exceptions++;
	cpu->exc_by_code[exc & 31]++;
	if (cpu->trap)
		return cpu->trap(cpu, exc, pc, in_delay, refill);
	if (!(cpu->status & NODE_ST_EXL)) {
		cpu->epc = in_delay ? pc - 4 : pc;
		if (in_delay)
			cpu->cause |= NODE_CAUSE_BD;
		else
			cpu->cause &= ~NODE_CAUSE_BD;
		if (exc == NODE_EXC_INT && (cpu->cause & NODE_CAUSE_IV))
			offset = 0x200;
		else
			offset = refill ? 0x000 : 0x180;
	} else {
		offset = (exc == NODE_EXC_INT && (cpu->cause & NODE_CAUSE_IV)) ? 0x200 : 0x180;
	}
	cpu->cause = (cpu->cause & ~(0x7cu | (3u << NODE_CAUSE_CE_SHIFT))) | ((uint32_t)exc << 2);
	cpu->status |= NODE_ST_EXL;
	node_cpu_update_mode(cpu);
	uint32_t base = (cpu->status & NODE_ST_BEV) ? 0xbfc00200u : (cpu->ebase & 0xfffff000u);
	return base + offset;
}

bool node_cpu_check_interrupts(node_cpu *cpu)
{
	uint32_t st = cpu->status;
	if (!(st & NODE_ST_IE) || (st & (NODE_ST_EXL | NODE_ST_ERL)))
		return false;
	if (!(cpu->cause & st & NODE_ST_IM))
		return false;
	cpu->waiting = false;
	cpu->exc_insn = 0;
	cpu->pc = node_cpu_exception(cpu, NODE_EXC_INT, cpu->pc, false, false);
	cpu->cycles += cpu->pending_trap;
	cpu->trap_cycles += cpu->pending_trap;
	cpu->pending_trap = 0;
	cpu->exit_request = false;
	return true;
}
