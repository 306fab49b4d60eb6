/* node/tlb.c: the MIPS32 JTLB (64 paired entries) and virtual address
 * translation by segment: kuseg, kseg0, kseg1, ksseg/sseg, kseg3.
 *
 * Called by the interpreter's slow path (node/cpu.c) when its fast
 * translation misses, and by tlbp/tlbr/tlbwi/tlbwr. Translations cached in
 * the fast tables are dropped here whenever the entry they came from is
 * overwritten.
 */
#include <string.h>

#include "node/cpu.h"

#define ENTRYHI_ASID 0xffu
#define ENTRYHI_VPN2 0xffffe000u
#define ENTRYLO_MASK 0x3fffffffu

static int lookup(const node_cpu *cpu, uint32_t va)
{
	uint8_t asid = cpu->entryhi & ENTRYHI_ASID;
	for (int i = 0; i < NODE_TLB_ENTRIES; i++) {
		const node_tlb_entry *e = &cpu->tlb[i];
		uint32_t vmask = ~(e->mask | 0x1fffu);
		if (((va ^ e->hi) & vmask) == 0 && (e->g || (e->hi & ENTRYHI_ASID) == asid))
			return i;
	}
	return -1;
}

static void set_fault_regs(node_cpu *cpu, uint32_t va, bool tlb)
{
	cpu->badvaddr = va;
	if (tlb) {
		cpu->context = (cpu->context & 0xff800000u) | ((va >> 9) & 0x007ffff0u);
		cpu->entryhi = (cpu->entryhi & ENTRYHI_ASID) | (va & ENTRYHI_VPN2);
	}
}

int node_segment(uint32_t va, int mode, bool vm_segments, uint32_t *pa)
{
	if (va >= 0x80000000u) {
		if (mode == NODE_MODE_USER)
			return NODE_SEG_ERROR;
		if (va < 0xc0000000u || va >= 0xe0000000u) {
			/* kseg0, kseg1, kseg3: kernel only - except for a VM's
			 * kernel, for which all three go through the TLB (kseg3
			 * is mapped in the guest's kernel mode anyway) */
			if (mode == NODE_MODE_SUPER)
				return vm_segments ? NODE_SEG_MAPPED : NODE_SEG_ERROR;
			if (va < 0xa0000000u) {
				*pa = va - 0x80000000u;
				return NODE_SEG_UNMAPPED;
			}
			if (va < 0xc0000000u) {
				*pa = va - 0xa0000000u;
				return NODE_SEG_UNMAPPED;
			}
		}
		return NODE_SEG_MAPPED; /* ksseg/sseg and kseg3 */
	}
	if (mode == NODE_MODE_KERNEL_ERL) {
		*pa = va; /* kuseg is unmapped and uncached while ERL=1 */
		return NODE_SEG_UNMAPPED;
	}
	return NODE_SEG_MAPPED;
}

int node_tlb_entry_translate(const node_tlb_entry *e, uint32_t va, int access, uint32_t *pa,
			     uint32_t *lo)
{
	uint32_t page = ((e->mask | 0x1fffu) + 1) >> 1; /* bytes per page */
	uint32_t l = e->lo[(va & page) ? 1 : 0];
	if (!(l & 2))
		return access == NODE_ACC_STORE ? NODE_EXC_TLBS : NODE_EXC_TLBL;
	if (access == NODE_ACC_STORE && !(l & 4))
		return NODE_EXC_MOD;
	*lo = l;
	*pa = (((l >> 6) << 12) & ~(page - 1)) | (va & (page - 1));
	return 0;
}

int node_tlb_translate(node_cpu *cpu, uint32_t va, int access, uint32_t *pa, bool *refill)
{
	*refill = false;
	int seg = node_segment(va, cpu->mode, cpu->vm_segments, pa);
	if (seg == NODE_SEG_UNMAPPED)
		return 0;
	if (seg == NODE_SEG_ERROR) {
		set_fault_regs(cpu, va, false);
		return access == NODE_ACC_STORE ? NODE_EXC_ADES : NODE_EXC_ADEL;
	}
	int i = lookup(cpu, va);
	if (i < 0) {
		*refill = true;
		set_fault_regs(cpu, va, true);
		cpu->tlb_refills++;
		return access == NODE_ACC_STORE ? NODE_EXC_TLBS : NODE_EXC_TLBL;
	}
	uint32_t lo;
	int exc = node_tlb_entry_translate(&cpu->tlb[i], va, access, pa, &lo);
	if (exc)
		set_fault_regs(cpu, va, true);
	return exc;
}

void node_tlb_probe(node_cpu *cpu)
{
	int i = lookup(cpu, cpu->entryhi & ENTRYHI_VPN2);
	/* lookup() masks the VPN by each entry's PageMask, as tlbp does */
	cpu->index = i < 0 ? 0x80000000u : (uint32_t)i;
}

void node_tlb_read(node_cpu *cpu)
{
	const node_tlb_entry *e = &cpu->tlb[cpu->index & (NODE_TLB_ENTRIES - 1)];
	uint32_t old_asid = cpu->entryhi & ENTRYHI_ASID;
	cpu->entryhi = e->hi;
	cpu->pagemask = e->mask;
	cpu->entrylo0 = e->lo[0] | e->g;
	cpu->entrylo1 = e->lo[1] | e->g;
	if ((cpu->entryhi & ENTRYHI_ASID) != old_asid)
		node_cpu_flush_fast(cpu);
}

/* Drops the fast translations of every 4 KiB page of [va, va+len). */
static void flush_range(node_cpu *cpu, uint32_t va, uint32_t len)
{
	if (len > 64 * NODE_PAGE_SIZE) {
		node_cpu_flush_fast(cpu);
		return;
	}
	for (uint32_t off = 0; off < len; off += NODE_PAGE_SIZE) {
		uint32_t page = (va + off) & ~(NODE_PAGE_SIZE - 1);
		unsigned slot = (page >> NODE_PAGE_SHIFT) & (NODE_FTLB_SIZE - 1);
		/* data tables are per page, or per line in detailed mode (then
		 * the page's lines occupy consecutive slots) */
		unsigned dslots = 1u << (NODE_PAGE_SHIFT - cpu->ftlb_shift);
		for (int m = 0; m < NODE_NMODES; m++) {
			for (unsigned k = 0; k < dslots; k++) {
				unsigned d = ((page >> cpu->ftlb_shift) + k) & (NODE_FTLB_SIZE - 1);
				if ((cpu->rtlb[m][d].tag & ~(NODE_PAGE_SIZE - 1)) == page)
					cpu->rtlb[m][d].tag = NODE_FTLB_INVALID;
				if ((cpu->wtlb[m][d].tag & ~(NODE_PAGE_SIZE - 1)) == page)
					cpu->wtlb[m][d].tag = NODE_FTLB_INVALID;
			}
			if (cpu->xtlb[m][slot].tag == page)
				cpu->xtlb[m][slot].tag = NODE_FTLB_INVALID;
		}
	}
}

void node_tlb_write(node_cpu *cpu, unsigned idx)
{
	node_tlb_entry *e = &cpu->tlb[idx & (NODE_TLB_ENTRIES - 1)];
	uint32_t mask = cpu->pagemask & 0x1fffe000u;
	/* the entry being replaced may have been cached: drop its pages */
	uint32_t old_len = (e->mask | 0x1fffu) + 1;
	flush_range(cpu, e->hi & ~(old_len - 1), old_len);
	e->mask = mask;
	e->hi = (cpu->entryhi & ~(mask | 0x1fffu)) | (cpu->entryhi & ENTRYHI_ASID);
	e->g = cpu->entrylo0 & cpu->entrylo1 & 1;
	e->lo[0] = cpu->entrylo0 & ENTRYLO_MASK & ~1u;
	e->lo[1] = cpu->entrylo1 & ENTRYLO_MASK & ~1u;
	/* A new entry can shadow nothing that was cached (a cached translation
	 * came from another entry covering the same address, which would be a
	 * duplicate). Flush its range anyway: cheap, and safe against guests
	 * that write duplicates. */
	uint32_t len = (mask | 0x1fffu) + 1;
	flush_range(cpu, e->hi & ~(len - 1), len);
}

unsigned node_tlb_random(const node_cpu *cpu)
{
	unsigned wired = cpu->wired & 63;
	unsigned span = NODE_TLB_ENTRIES - wired;
	return 63 - (unsigned)((cpu->cycles - cpu->random_base_cycle) % span);
}
