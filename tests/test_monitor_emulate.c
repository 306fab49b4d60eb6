/* tests/test_monitor_emulate.c: unit tests of monitor/vcpu.c and
 * monitor/emulate.c - the vCPU's virtual CP0 and TLB, the emulation of the
 * guest's privileged instructions and the reflection of exceptions.
 *
 * Expectations come from the MIPS32 Release 2 privileged architecture as
 * the emulated 24Kc implements it (node/cp0.c, node/tlb.c); where the two
 * must agree bit for bit (reset values, writable masks) the test also runs
 * the same writes on a host node_cpu and compares.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "monitor/emulate.h"

/* ---- encodings ------------------------------------------------------------ */

#define MFC0(rt, rd, sel) (0x40000000u | (rt) << 16 | (rd) << 11 | (sel))
#define MTC0(rt, rd, sel) (0x40800000u | (rt) << 16 | (rd) << 11 | (sel))
#define TLBR 0x42000001u
#define TLBWI 0x42000002u
#define TLBWR 0x42000006u
#define TLBP 0x42000008u
#define ERET 0x42000018u
#define WAIT 0x42000020u
#define DI(rt) (0x41606000u | (rt) << 16)
#define EI(rt) (0x41606020u | (rt) << 16)
#define CACHE(op, base, off) (0xbc000000u | (base) << 21 | (op) << 16 | (off))
#define RDHWR(rt, rd) (0x7c00003bu | (rt) << 16 | (rd) << 11)
#define ADDU(rd, rs, rt) ((rs) << 21 | (rt) << 16 | (rd) << 11 | 0x21u)
#define MFC2(rt, rd) (0x48000000u | (rt) << 16 | (rd) << 11)
#define COP0_UNDEFINED 0x42000003u /* CO=1, function 3: no such instruction */

#define PC 0x80001000u
#define EBASE_VEC 0x80000000u /* reset EBase of vCPU 0 */
#define KSU_SUPER (1u << 3)
#define KSU_USER (2u << 3)

/* A vCPU of a guest kernel that has left reset: ERL and BEV clear, kernel
 * mode, interrupts off. */
static void kernel_vcpu(mon_vcpu *v)
{
	mon_vcpu_reset(v, 0, 0);
	v->status = NODE_ST_CU0;
}

static mon_emu_result emu_at(mon_vcpu *v, uint32_t insn, uint64_t now)
{
	mon_trap t = {.pc = PC, .now = now};
	mon_emu_result res;
	assert_int_equal(mon_emulate(v, insn, &t, &res), 0);
	return res;
}

static mon_emu_result emu(mon_vcpu *v, uint32_t insn)
{
	return emu_at(v, insn, 0);
}

static void mtc0(mon_vcpu *v, unsigned rd, unsigned sel, uint32_t val)
{
	v->r[8] = val;
	emu(v, MTC0(8, rd, sel));
}

static uint32_t mfc0(mon_vcpu *v, unsigned rd, unsigned sel)
{
	v->r[9] = 0xdeadbeefu;
	mon_emu_result r = emu(v, MFC0(9, rd, sel));
	assert_int_equal(r.kind, MON_COST_MFC0);
	return v->r[9];
}

static node_cpu *host_cpu(void)
{
	node_cpu *cpu = calloc(1, sizeof(*cpu));
	assert_non_null(cpu);
	node_cpu_reset(cpu, NULL, 0);
	return cpu;
}

/* ---- vCPU state ----------------------------------------------------------- */

/* The virtual CPU resets exactly as the host's emulated 24Kc. */
static void test_reset_matches_host(void **state)
{
	node_cpu *cpu = calloc(1, sizeof(*cpu));
	assert_non_null(cpu);
	node_cpu_reset(cpu, NULL, 5);
	mon_vcpu v;
	mon_vcpu_reset(&v, 5, 1000);
	assert_int_equal(v.status, cpu->status);
	assert_int_equal(v.status, NODE_ST_BEV | NODE_ST_ERL);
	assert_int_equal(v.pc, 0xbfc00000u);
	assert_int_equal(v.prid, cpu->prid);
	assert_int_equal(v.ebase, cpu->ebase);
	assert_int_equal(v.ebase, 0x80000005u);
	assert_int_equal(v.config0, cpu->config0);
	assert_int_equal(v.config1, cpu->config1);
	assert_int_equal(v.config2, cpu->config2);
	assert_int_equal(v.config3, cpu->config3);
	assert_int_equal(v.config7, cpu->config7);
	assert_int_equal(v.intctl, cpu->intctl);
	for (int i = 0; i < MON_TLB_ENTRIES; i++)
		assert_int_equal(v.tlb[i].hi, cpu->tlb[i].hi);
	assert_int_equal(mon_vcpu_guest_mode(&v), NODE_MODE_KERNEL_ERL);
	assert_int_equal(mon_vcpu_random(&v, 1000), 63);
	assert_int_equal(mon_vcpu_count(&v, 1000), 0);
	assert_int_equal(mon_vcpu_count(&v, 1010), 5); /* Count at half the clock */
	free(cpu);
}

static void test_modes(void **state)
{
	mon_vcpu v;
	kernel_vcpu(&v);
	assert_int_equal(mon_vcpu_guest_mode(&v), NODE_MODE_KERNEL);
	assert_int_equal(mon_vcpu_real_mode(&v), NODE_MODE_SUPER);
	assert_true(mon_vcpu_cp0_usable(&v));
	v.status = KSU_USER;
	assert_int_equal(mon_vcpu_guest_mode(&v), NODE_MODE_USER);
	assert_int_equal(mon_vcpu_real_mode(&v), NODE_MODE_USER);
	assert_false(mon_vcpu_cp0_usable(&v));
	v.status = KSU_USER | NODE_ST_EXL; /* exception level: kernel */
	assert_int_equal(mon_vcpu_guest_mode(&v), NODE_MODE_KERNEL);
	assert_int_equal(mon_vcpu_real_mode(&v), NODE_MODE_SUPER);
	v.status = KSU_USER | NODE_ST_ERL;
	assert_int_equal(mon_vcpu_guest_mode(&v), NODE_MODE_KERNEL_ERL);
	v.status = KSU_SUPER;
	assert_int_equal(mon_vcpu_guest_mode(&v), NODE_MODE_SUPER);
	assert_int_equal(mon_vcpu_real_mode(&v), NODE_MODE_SUPER);
	assert_false(mon_vcpu_cp0_usable(&v));
	v.status = KSU_USER | NODE_ST_CU0;
	assert_true(mon_vcpu_cp0_usable(&v));

	/* the real Status: never CU0, EXL, ERL or BEV; FPU enable passes */
	v.status = NODE_ST_CU0 | NODE_ST_CU1 | NODE_ST_BEV | NODE_ST_EXL | NODE_ST_ERL;
	uint32_t hs = mon_vcpu_host_status(&v);
	assert_int_equal(hs & (NODE_ST_CU0 | NODE_ST_EXL | NODE_ST_ERL | NODE_ST_BEV), 0);
	assert_int_equal(hs & NODE_ST_KSU, KSU_SUPER);
	assert_true(hs & NODE_ST_CU1);
	assert_int_equal(hs & (NODE_ST_IE | NODE_ST_IM), NODE_ST_IE | NODE_ST_IM);
	v.status = KSU_USER;
	hs = mon_vcpu_host_status(&v);
	assert_int_equal(hs & NODE_ST_KSU, KSU_USER);
	assert_false(hs & NODE_ST_CU1);
}

static void test_load_save(void **state)
{
	node_cpu *cpu = host_cpu();
	mon_vcpu v, w;
	kernel_vcpu(&v);
	for (int i = 1; i < 32; i++)
		v.r[i] = 0x1000u * i;
	v.hi = 1, v.lo = 2, v.pc = 0xc0001234u, v.llbit = 1;
	v.fpu.fpr[7] = 0x3f800000u;
	v.fpu.fcsr = 3;
	v.userlocal = 0x7700u;
	v.hwrena = MON_HWRENA_MASK;
	mon_vcpu_load(&v, cpu);
	assert_int_equal(cpu->r[31], 0x1f000u);
	assert_int_equal(cpu->pc, 0xc0001234u);
	assert_int_equal(cpu->llbit, 1);
	assert_int_equal(cpu->fpu.fpr[7], 0x3f800000u);
	assert_int_equal(cpu->userlocal, 0x7700u);
	/* CPUNum and CC are per vCPU: their rdhwr must trap to the monitor */
	assert_int_equal(cpu->hwrena, 0x2000000au);

	cpu->r[5] = 55, cpu->pc += 8, cpu->hi = 9, cpu->fpu.fcsr = 0;
	mon_vcpu_reset(&w, 1, 0);
	mon_vcpu_save(&w, cpu);
	assert_int_equal(w.r[5], 55);
	assert_int_equal(w.r[31], 0x1f000u);
	assert_int_equal(w.pc, 0xc000123cu);
	assert_int_equal(w.hi, 9);
	assert_int_equal(w.lo, 2);
	assert_int_equal(w.fpu.fcsr, 0);
	assert_int_equal(w.fpu.fpr[7], 0x3f800000u);
	free(cpu);
}

/* ---- mfc0 / mtc0 ---------------------------------------------------------- */

/* Writing all ones and all zeros keeps exactly the architecture's writable
 * fields; read-only registers keep their value. */
static void test_mtc0_masks(void **state)
{
	static const struct {
		unsigned rd, sel;
		uint32_t ones, zeros; /* read back after writing ~0, then 0 */
	} rows[] = {
		{0, 0, 63, 0},			   /* Index (P is not writable) */
		{2, 0, 0x3fffffffu, 0},		   /* EntryLo0 */
		{3, 0, 0x3fffffffu, 0},		   /* EntryLo1 */
		{4, 0, 0xff800000u, 0},		   /* Context: PTEBase only */
		{4, 2, 0xffffffffu, 0},		   /* UserLocal */
		{5, 0, 0x1fffe000u, 0},		   /* PageMask */
		{6, 0, 63, 0},			   /* Wired */
		{7, 0, 0x2000000fu, 0},		   /* HWREna */
		{8, 0, 0, 0},			   /* BadVAddr: read-only */
		{10, 0, 0xffffe0ffu, 0},	   /* EntryHi */
		{11, 0, 0xffffffffu, 0},	   /* Compare */
		{12, 1, MON_INTCTL, MON_INTCTL},   /* IntCtl: read-only */
		{12, 2, 0, 0},			   /* SRSCtl: read-only */
		{13, 0, 0x08c00300u, 0},	   /* Cause: DC, IV, WP, IP1..0 */
		{14, 0, 0xffffffffu, 0},	   /* EPC */
		{15, 0, MON_PRID, MON_PRID},	   /* PRId: read-only */
		{15, 1, 0xbffff000u, 0x80000000u}, /* EBase: bits 29..12 */
		{16, 0, 0x80000487u, 0x80000480u}, /* Config0: K0 */
		{16, 1, MON_CONFIG1, MON_CONFIG1}, /* Config1: read-only */
		{16, 3, MON_CONFIG3, MON_CONFIG3}, /* Config3: read-only */
		{17, 0, 0, 0},			   /* LLAddr: read-only */
		{30, 0, 0xffffffffu, 0},	   /* ErrorEPC */
		{25, 0, 0, 0},			   /* PerfCnt: absent */
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		mon_vcpu v;
		kernel_vcpu(&v);
		mtc0(&v, rows[i].rd, rows[i].sel, 0xffffffffu);
		assert_int_equal(mfc0(&v, rows[i].rd, rows[i].sel), rows[i].ones);
		mtc0(&v, rows[i].rd, rows[i].sel, 0);
		assert_int_equal(mfc0(&v, rows[i].rd, rows[i].sel), rows[i].zeros);
	}

	/* Status: CU1|CU0|RP|BEV|TS|SR|NMI|IM|KSU|ERL|EXL|IE. Written while
	 * still in kernel mode: KSU = 0 and EXL stay off to keep it usable. */
	mon_vcpu v;
	kernel_vcpu(&v);
	mtc0(&v, 12, 0, 0xffffffe7u);
	assert_int_equal(v.status, 0x3878ff07u);
	v.status = NODE_ST_CU0;
	mtc0(&v, 12, 0, 0xffffffffu); /* now user mode at exception level */
	assert_int_equal(v.status, 0x3878ff1fu);
}

/* The same writes on the host's CP0 give the same registers. */
static void test_mtc0_matches_host(void **state)
{
	static const unsigned regs[][2] = {{0, 0},  {2, 0},  {3, 0},  {4, 0},  {4, 2},	{5, 0},
					   {6, 0},  {7, 0},  {10, 0}, {12, 0}, {13, 0}, {14, 0},
					   {15, 1}, {16, 0}, {16, 7}, {30, 0}, {31, 0}};
	node_cpu *cpu = host_cpu();
	mon_vcpu v;
	mon_vcpu_reset(&v, 0, 0);
	uint32_t x = 0x12345678u;
	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
			x = x * 1664525u + 1013904223u;
			uint32_t val = x;
			if (regs[i][0] == 12)
				val &= ~(NODE_ST_KSU | NODE_ST_EXL | NODE_ST_ERL); /* stay kernel */
			cpu->status |= NODE_ST_CU0;
			v.status |= NODE_ST_CU0;
			node_cp0_write(cpu, regs[i][0], regs[i][1], val);
			mtc0(&v, regs[i][0], regs[i][1], val);
			assert_int_equal(mfc0(&v, regs[i][0], regs[i][1]),
					 node_cp0_read(cpu, regs[i][0], regs[i][1]));
		}
	}
	free(cpu);
}

static void test_mfc0_random_index_prid(void **state)
{
	mon_vcpu v;
	kernel_vcpu(&v);
	assert_int_equal(mfc0(&v, 15, 0), 0x00019300u);
	assert_int_equal(emu_at(&v, MFC0(9, 1, 0), 0).kind, MON_COST_MFC0);
	assert_int_equal(v.r[9], 63);
	emu_at(&v, MFC0(9, 1, 0), 1);
	assert_int_equal(v.r[9], 62);
	/* a Wired write restarts Random at 63; it then stays in Wired..63 */
	v.r[8] = 10;
	emu_at(&v, MTC0(8, 6, 0), 500);
	emu_at(&v, MFC0(9, 1, 0), 500);
	assert_int_equal(v.r[9], 63);
	bool seen_wired = false;
	for (uint64_t now = 500; now < 700; now++) {
		emu_at(&v, MFC0(9, 1, 0), now);
		assert_in_range(v.r[9], 10, 63);
		seen_wired |= v.r[9] == 10;
	}
	assert_true(seen_wired);
	/* Index: the probe-failure bit reads back, writes keep it */
	v.entryhi = 0x12340000u;
	emu(&v, TLBP);
	assert_int_equal(mfc0(&v, 0, 0), 0x80000000u);
	mtc0(&v, 0, 0, 7);
	assert_int_equal(mfc0(&v, 0, 0), 0x80000007u);
	/* mfc0 to $zero writes nothing */
	emu(&v, MFC0(0, 15, 0));
	assert_int_equal(v.r[0], 0);
}

static void test_count_compare(void **state)
{
	mon_vcpu v;
	kernel_vcpu(&v);
	v.r[8] = 100;
	mon_emu_result r = emu_at(&v, MTC0(8, 9, 0), 1000);
	assert_true(r.flags & MON_EMU_TIMER_CHANGED);
	emu_at(&v, MFC0(9, 9, 0), 1040);
	assert_int_equal(v.r[9], 120);
	v.r[8] = 150;
	r = emu_at(&v, MTC0(8, 11, 0), 1040);
	assert_true(r.flags & MON_EMU_TIMER_CHANGED);
	assert_int_equal(v.timer_deadline, 1100); /* 30 ticks later */
	assert_false(mon_vcpu_timer_check(&v, 1099));
	assert_false(v.cause & NODE_CAUSE_IP7);
	assert_true(mon_vcpu_timer_check(&v, 1100));
	assert_int_equal(v.cause & (NODE_CAUSE_TI | NODE_CAUSE_IP7),
			 NODE_CAUSE_TI | NODE_CAUSE_IP7);
	assert_true(v.timer_deadline > 1100); /* re-armed a wrap later */
	/* deliverable only with IE and IM7 */
	assert_false(mon_vcpu_irq_deliverable(&v));
	v.r[8] = NODE_ST_CU0 | NODE_ST_IM7 | NODE_ST_IE;
	r = emu_at(&v, MTC0(8, 12, 0), 1100);
	assert_true(r.flags & MON_EMU_IRQ);
	/* writing Compare acknowledges */
	v.r[8] = 0;
	r = emu_at(&v, MTC0(8, 11, 0), 1100);
	assert_false(v.cause & (NODE_CAUSE_TI | NODE_CAUSE_IP7));
	assert_false(r.flags & MON_EMU_IRQ);
}

static void test_flags_mode_asid(void **state)
{
	mon_vcpu v;
	kernel_vcpu(&v);
	v.r[8] = 0x00400042u;
	mon_emu_result r = emu(&v, MTC0(8, 10, 0));
	assert_true(r.flags & MON_EMU_ASID_CHANGED);
	assert_false(r.flags & MON_EMU_MODE_CHANGED);
	v.r[8] = 0x00800042u; /* same ASID */
	r = emu(&v, MTC0(8, 10, 0));
	assert_false(r.flags & MON_EMU_ASID_CHANGED);
	v.r[8] = NODE_ST_CU0 | NODE_ST_EXL | KSU_USER;
	r = emu(&v, MTC0(8, 12, 0));
	assert_false(r.flags & MON_EMU_MODE_CHANGED); /* still kernel (EXL) */
	v.r[8] = NODE_ST_CU0 | NODE_ST_EXL | KSU_USER | NODE_ST_CU1;
	r = emu(&v, MTC0(8, 12, 0));
	assert_true(r.flags & MON_EMU_MODE_CHANGED); /* real Status gains CU1 */
	assert_int_equal(r.next_pc, PC + 4);
	assert_int_equal(v.pc, PC + 4);
}

/* ---- TLB instructions ------------------------------------------------------ */

static void set_entry_regs(mon_vcpu *v, uint32_t hi, uint32_t mask, uint32_t lo0, uint32_t lo1)
{
	mtc0(v, 10, 0, hi);
	mtc0(v, 5, 0, mask);
	mtc0(v, 2, 0, lo0);
	mtc0(v, 3, 0, lo1);
}

static void tlbwi_at(mon_vcpu *v, unsigned idx, uint32_t hi, uint32_t mask, uint32_t lo0,
		     uint32_t lo1)
{
	set_entry_regs(v, hi, mask, lo0, lo1);
	mtc0(v, 0, 0, idx);
	mon_emu_result r = emu(v, TLBWI);
	assert_true(r.flags & MON_EMU_TLB_CHANGED);
	assert_int_equal(r.tlb_index, (int)idx);
}

static void test_tlbwi_tlbr(void **state)
{
	mon_vcpu v;
	kernel_vcpu(&v);
	/* 16 KiB pages: VPN2 bit 14 is masked off in the entry */
	set_entry_regs(&v, 0x00406042u, 0x6000u, (0x123u << 6) | 0x7, (0x124u << 6) | 0x7);
	mtc0(&v, 0, 0, 5);
	node_tlb_entry before = v.tlb[5];
	mon_emu_result r = emu(&v, TLBWI);
	assert_int_equal(r.kind, MON_COST_TLBWI);
	assert_true(r.flags & MON_EMU_TLB_CHANGED);
	assert_int_equal(r.tlb_index, 5);
	assert_int_equal(r.old.hi, before.hi);
	assert_true(v.tlb[5].g);
	set_entry_regs(&v, 0x00001001u, 0, 0, 0);
	r = emu(&v, TLBR);
	assert_int_equal(r.kind, MON_COST_TLBR);
	assert_true(r.flags & MON_EMU_ASID_CHANGED);
	assert_int_equal(mfc0(&v, 10, 0), 0x00400042u);
	assert_int_equal(mfc0(&v, 5, 0), 0x6000u);
	assert_int_equal(mfc0(&v, 2, 0), (0x123u << 6) | 0x7);
	assert_int_equal(mfc0(&v, 3, 0), (0x124u << 6) | 0x7);

	/* G only when both halves have it; then neither reads back G */
	tlbwi_at(&v, 6, 0x00800001u, 0, (0x10u << 6) | 0x3, (0x11u << 6) | 0x2);
	emu(&v, TLBR);
	assert_false(v.tlb[6].g);
	assert_int_equal(v.entrylo0, (0x10u << 6) | 0x2);
	assert_int_equal(v.entrylo1, (0x11u << 6) | 0x2);
	/* tlbwi takes Index modulo the TLB size */
	mtc0(&v, 0, 0, 6);
	v.index |= 0x80000000u;
	r = emu(&v, TLBWI);
	assert_int_equal(r.tlb_index, 6);
}

static void test_tlbp(void **state)
{
	mon_vcpu v;
	kernel_vcpu(&v);
	tlbwi_at(&v, 7, 0x00400005u, 0, 0x2, 0x2);	 /* ASID 5 */
	tlbwi_at(&v, 8, 0x00600009u, 0, 0x3, 0x3);	 /* global */
	tlbwi_at(&v, 9, 0x01000005u, 0x6000u, 0x2, 0x2); /* 16 KiB pages */

	static const struct {
		uint32_t entryhi, index;
	} probes[] = {
		{0x00400005u, 7},	    {0x00400006u, 0x80000000u}, /* other ASID */
		{0x00600006u, 8},	    {0x006000ffu, 8},		/* global: any ASID */
		{0x01006005u, 9},					/* within the 32 KiB pair */
		{0x01008005u, 0x80000000u}, {0x00402005u, 0x80000000u},
	};
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		mtc0(&v, 10, 0, probes[i].entryhi);
		mon_emu_result r = emu(&v, TLBP);
		assert_int_equal(r.kind, MON_COST_TLBP);
		assert_false(r.flags & MON_EMU_TLB_CHANGED);
		assert_int_equal(v.index, probes[i].index);
	}
}

static void test_tlbwr_range(void **state)
{
	mon_vcpu v;
	kernel_vcpu(&v);
	mtc0(&v, 6, 0, 10);
	node_tlb_entry wired[10];
	for (int i = 0; i < 10; i++)
		wired[i] = v.tlb[i];
	bool hit[MON_TLB_ENTRIES] = {false};
	for (uint64_t now = 1; now < 200; now++) {
		set_entry_regs(&v, 0x10000000u + ((uint32_t)now << 13), 0, 0x2, 0x2);
		mon_emu_result r = emu_at(&v, TLBWR, now);
		assert_int_equal(r.kind, MON_COST_TLBWR);
		assert_true(r.flags & MON_EMU_TLB_CHANGED);
		assert_in_range(r.tlb_index, 10, 63);
		assert_int_equal(r.tlb_index, (int)mon_vcpu_random(&v, now));
		assert_int_equal(v.tlb[r.tlb_index].hi, 0x10000000u + ((uint32_t)now << 13));
		hit[r.tlb_index] = true;
	}
	for (int i = 0; i < 10; i++) {
		assert_false(hit[i]);
		assert_memory_equal(&v.tlb[i], &wired[i], sizeof(wired[i]));
	}
	int distinct = 0;
	for (int i = 10; i < MON_TLB_ENTRIES; i++)
		distinct += hit[i];
	assert_int_equal(distinct, MON_TLB_ENTRIES - 10); /* every non-wired entry */
}

static void test_vtlb_translate(void **state)
{
	mon_vcpu v;
	kernel_vcpu(&v);
	tlbwi_at(&v, 1, 0x00400005u, 0, (0x100u << 6) | 0x6, (0x101u << 6) | 0x2);
	mtc0(&v, 10, 0, 5);
	uint32_t gpa, lo;
	bool refill;
	assert_int_equal(mon_vtlb_translate(&v, 0x00400123u, NODE_ACC_STORE, &gpa, &lo, &refill),
			 0);
	assert_int_equal(gpa, 0x00100123u);
	assert_int_equal(lo, (0x100u << 6) | 0x6);
	assert_int_equal(mon_vtlb_translate(&v, 0x00401010u, NODE_ACC_LOAD, &gpa, &lo, &refill), 0);
	assert_int_equal(gpa, 0x00101010u);
	assert_int_equal(mon_vtlb_translate(&v, 0x00401010u, NODE_ACC_STORE, &gpa, &lo, &refill),
			 NODE_EXC_MOD);
	assert_int_equal(mon_vtlb_translate(&v, 0x00500000u, NODE_ACC_FETCH, &gpa, &lo, &refill),
			 NODE_EXC_TLBL);
	assert_true(refill);
	mtc0(&v, 10, 0, 6); /* another ASID: no match */
	assert_int_equal(mon_vtlb_translate(&v, 0x00400000u, NODE_ACC_STORE, &gpa, &lo, &refill),
			 NODE_EXC_TLBS);
	assert_true(refill);
	/* an invalid half: TLB invalid, not refill */
	tlbwi_at(&v, 2, 0x00600006u, 0, 0, 0x2);
	assert_int_equal(mon_vtlb_translate(&v, 0x00600000u, NODE_ACC_LOAD, &gpa, &lo, &refill),
			 NODE_EXC_TLBL);
	assert_false(refill);
	/* kseg0/kseg1 in guest kernel mode; address errors in user mode */
	assert_int_equal(mon_vtlb_translate(&v, 0x80123456u, NODE_ACC_LOAD, &gpa, &lo, &refill), 0);
	assert_int_equal(gpa, 0x00123456u);
	assert_int_equal(mon_vtlb_translate(&v, 0xa0001000u, NODE_ACC_LOAD, &gpa, &lo, &refill), 0);
	assert_int_equal(gpa, 0x1000u);
	v.status = KSU_USER;
	assert_int_equal(mon_vtlb_translate(&v, 0x80000000u, NODE_ACC_STORE, &gpa, &lo, &refill),
			 NODE_EXC_ADES);
	v.status = KSU_SUPER;
	assert_int_equal(mon_vtlb_translate(&v, 0x80000000u, NODE_ACC_LOAD, &gpa, &lo, &refill),
			 NODE_EXC_ADEL);
	assert_int_equal(mon_vtlb_translate(&v, 0xc0000000u, NODE_ACC_LOAD, &gpa, &lo, &refill),
			 NODE_EXC_TLBL); /* sseg is mapped for supervisor */
	v.status = NODE_ST_ERL;
	assert_int_equal(mon_vtlb_translate(&v, 0x00500000u, NODE_ACC_LOAD, &gpa, &lo, &refill), 0);
	assert_int_equal(gpa, 0x00500000u);
}

/* ---- eret, di/ei, wait, cache, rdhwr ---------------------------------------- */

static void test_eret_exl(void **state)
{
	mon_vcpu v;
	kernel_vcpu(&v);
	v.status = NODE_ST_EXL | KSU_USER | NODE_ST_IE;
	v.epc = 0x00400100u;
	v.errorepc = 0x11111111u;
	v.llbit = 1;
	mon_emu_result r = emu(&v, ERET);
	assert_int_equal(r.kind, MON_COST_ERET);
	assert_int_equal(r.next_pc, 0x00400100u);
	assert_int_equal(v.pc, 0x00400100u);
	assert_int_equal(v.status, KSU_USER | NODE_ST_IE);
	assert_int_equal(v.llbit, 0);
	assert_true(r.flags & MON_EMU_MODE_CHANGED);
	assert_int_equal(mon_vcpu_guest_mode(&v), NODE_MODE_USER);
	assert_int_equal(mon_vcpu_real_mode(&v), NODE_MODE_USER);
}

static void test_eret_erl(void **state)
{
	mon_vcpu v;
	kernel_vcpu(&v);
	v.status = NODE_ST_ERL | NODE_ST_EXL | NODE_ST_IE | NODE_ST_IM7;
	v.errorepc = 0x80002000u;
	v.epc = 0x80003000u;
	v.llbit = 1;
	v.cause = NODE_CAUSE_IP7;
	mon_emu_result r = emu(&v, ERET);
	assert_int_equal(r.next_pc, 0x80002000u);
	assert_int_equal(v.status, NODE_ST_EXL | NODE_ST_IE | NODE_ST_IM7); /* ERL first */
	assert_int_equal(v.llbit, 0);
	assert_false(r.flags & MON_EMU_IRQ); /* EXL still blocks */
	r = emu(&v, ERET);
	assert_int_equal(r.next_pc, 0x80003000u);
	assert_true(r.flags & MON_EMU_IRQ); /* the pending timer can now be taken */
	/* eret in a delay slot: the branch is dropped */
	v.status = NODE_ST_EXL;
	mon_trap t = {.pc = PC, .in_delay = true, .ds_next = 0x80009000u};
	assert_int_equal(mon_emulate(&v, ERET, &t, &r), 0);
	assert_int_equal(r.next_pc, 0x80003000u);
}

static void test_di_ei(void **state)
{
	mon_vcpu v;
	kernel_vcpu(&v);
	v.status = NODE_ST_CU0 | NODE_ST_IM7 | NODE_ST_IE;
	mon_emu_result r = emu(&v, DI(4));
	assert_int_equal(r.kind, MON_COST_DIEI);
	assert_int_equal(v.r[4], NODE_ST_CU0 | NODE_ST_IM7 | NODE_ST_IE);
	assert_int_equal(v.status, NODE_ST_CU0 | NODE_ST_IM7);
	v.cause = NODE_CAUSE_IP7; /* timer pending while disabled */
	r = emu(&v, EI(5));
	assert_int_equal(v.r[5], NODE_ST_CU0 | NODE_ST_IM7);
	assert_int_equal(v.status, NODE_ST_CU0 | NODE_ST_IM7 | NODE_ST_IE);
	assert_true(r.flags & MON_EMU_IRQ);
	r = emu(&v, DI(0)); /* di with rt = $zero */
	assert_int_equal(v.r[0], 0);
	assert_false(v.status & NODE_ST_IE);
	assert_false(r.flags & MON_EMU_IRQ);
}

static void test_wait_cache(void **state)
{
	mon_vcpu v;
	kernel_vcpu(&v);
	mon_emu_result r = emu(&v, WAIT);
	assert_int_equal(r.kind, MON_COST_WAIT);
	assert_true(r.flags & MON_EMU_IDLE);
	assert_int_equal(r.next_pc, PC + 4);
	r = emu(&v, CACHE(0x15, 4, 0x20)); /* Hit_Writeback_Inv_D */
	assert_int_equal(r.kind, MON_COST_CACHE);
	assert_false(r.flags & MON_EMU_IDLE);
	emu(&v, CACHE(0x00, 4, 0)); /* Index_Invalidate_I */
	assert_int_equal(v.emulated[MON_COST_CACHE], 2);
	assert_int_equal(v.emulated[MON_COST_WAIT], 1);
}

static void test_rdhwr(void **state)
{
	mon_vcpu v;
	mon_vcpu_reset(&v, 3, 0);
	v.status = KSU_USER;
	v.userlocal = 0x5555u;
	mon_trap t = {.pc = 0x00400000u, .now = 200};
	mon_emu_result r;
	/* user mode, HWREna clear: RI */
	assert_int_equal(mon_emulate(&v, RDHWR(2, 2), &t, &r), 0);
	assert_true(r.flags & MON_EMU_REFLECTED);
	assert_int_equal(r.exc, NODE_EXC_RI);
	v.status = KSU_USER;
	v.hwrena = MON_HWRENA_MASK;
	v.count_offset = 1000;
	assert_int_equal(mon_emulate(&v, RDHWR(2, 2), &t, &r), 0);
	assert_int_equal(r.kind, MON_COST_RDHWR);
	assert_int_equal(v.r[2], 1100); /* virtual Count */
	mon_emulate(&v, RDHWR(2, 0), &t, &r);
	assert_int_equal(v.r[2], 3); /* CPUNum of the vCPU */
	mon_emulate(&v, RDHWR(2, 29), &t, &r);
	assert_int_equal(v.r[2], 0x5555u);
	mon_emulate(&v, RDHWR(2, 3), &t, &r);
	assert_int_equal(v.r[2], 2);
	assert_int_equal(mon_emulate(&v, RDHWR(2, 5), &t, &r), 0); /* no such register */
	assert_int_equal(r.exc, NODE_EXC_RI);
}

/* ---- delay slots, reserved and unusable ----------------------------------- */

static void test_delay_slot(void **state)
{
	mon_vcpu v;
	kernel_vcpu(&v);
	v.r[8] = 0x1234u;
	mon_trap t = {.pc = PC, .in_delay = true, .ds_next = 0x80005000u};
	mon_emu_result r;
	assert_int_equal(mon_emulate(&v, MTC0(8, 14, 0), &t, &r), 0);
	assert_int_equal(r.next_pc, 0x80005000u);
	assert_int_equal(v.pc, 0x80005000u);
	assert_int_equal(v.epc, 0x1234u);
	assert_int_equal(mon_emulate(&v, WAIT, &t, &r), 0);
	assert_int_equal(r.next_pc, 0x80005000u);
	assert_true(r.flags & MON_EMU_IDLE);
}

static void test_user_privileged_cpu(void **state)
{
	static const uint32_t insns[] = {MFC0(2, 12, 0),
					 MTC0(2, 12, 0),
					 TLBR,
					 TLBWI,
					 TLBWR,
					 TLBP,
					 ERET,
					 WAIT,
					 DI(2),
					 EI(2),
					 CACHE(0x15, 4, 0),
					 COP0_UNDEFINED};
	for (size_t i = 0; i < sizeof(insns) / sizeof(insns[0]); i++) {
		for (int mode = 0; mode < 2; mode++) {
			mon_vcpu v;
			kernel_vcpu(&v);
			uint32_t st = (mode ? KSU_SUPER : KSU_USER) | NODE_ST_IE;
			v.status = st;
			v.cause = 3u << NODE_CAUSE_CE_SHIFT;
			v.r[2] = 0x77u;
			node_tlb_entry tlb5 = v.tlb[5];
			mon_trap t = {.pc = 0x00400010u};
			mon_emu_result r;
			assert_int_equal(mon_emulate(&v, insns[i], &t, &r), 0);
			assert_true(r.flags & MON_EMU_REFLECTED);
			assert_true(r.flags & MON_EMU_MODE_CHANGED);
			assert_int_equal(r.kind, -1);
			assert_int_equal(r.exc, NODE_EXC_CPU);
			assert_int_equal(r.next_pc, EBASE_VEC + 0x180);
			assert_int_equal(v.pc, EBASE_VEC + 0x180);
			assert_int_equal(v.epc, 0x00400010u);
			assert_int_equal(v.cause & 0x7c, NODE_EXC_CPU << 2);
			assert_int_equal(v.cause & (3u << NODE_CAUSE_CE_SHIFT), 0); /* CP0 */
			assert_int_equal(v.status, st | NODE_ST_EXL);
			assert_int_equal(v.r[2], 0x77u);
			assert_memory_equal(&v.tlb[5], &tlb5, sizeof(tlb5));
			assert_int_equal(v.emulated[MON_COST_WAIT] + v.emulated[MON_COST_MFC0], 0);
			assert_int_equal(v.reflected[NODE_EXC_CPU], 1);
		}
	}
	/* in a delay slot: EPC is the branch, BD set */
	mon_vcpu v;
	kernel_vcpu(&v);
	v.status = KSU_USER;
	mon_trap t = {.pc = 0x00400014u, .in_delay = true, .ds_next = 0x00400800u};
	mon_emu_result r;
	mon_emulate(&v, TLBWI, &t, &r);
	assert_int_equal(v.epc, 0x00400010u);
	assert_true(v.cause & NODE_CAUSE_BD);
	assert_int_equal(r.next_pc, EBASE_VEC + 0x180);
	/* with Status.CU0, user mode may use CP0 */
	kernel_vcpu(&v);
	v.status = KSU_USER | NODE_ST_CU0;
	v.r[2] = 0;
	r = emu(&v, MFC0(2, 15, 0));
	assert_false(r.flags & MON_EMU_REFLECTED);
	assert_int_equal(v.r[2], MON_PRID);
}

static void test_reserved_and_unusable(void **state)
{
	mon_vcpu v;
	kernel_vcpu(&v);
	mon_emu_result r = emu(&v, COP0_UNDEFINED); /* kernel: RI */
	assert_true(r.flags & MON_EMU_REFLECTED);
	assert_int_equal(r.exc, NODE_EXC_RI);
	assert_int_equal(v.cause & 0x7c, NODE_EXC_RI << 2);
	kernel_vcpu(&v);
	r = emu(&v, MFC2(2, 0)); /* COP2: CpU with CE = 2 */
	assert_int_equal(r.exc, NODE_EXC_CPU);
	assert_int_equal((v.cause >> NODE_CAUSE_CE_SHIFT) & 3, 2);
	/* an instruction that does not trap: refused, nothing changed */
	kernel_vcpu(&v);
	v.r[3] = 1;
	mon_vcpu before;
	memcpy(&before, &v, sizeof(v));
	mon_trap t = {.pc = PC};
	assert_int_equal(mon_emulate(&v, ADDU(2, 3, 3), &t, &r), -EINVAL);
	assert_memory_equal(&v, &before, sizeof(v));
}

/* ---- reflection ------------------------------------------------------------- */

static void test_reflect_epc_bd_exl(void **state)
{
	mon_vcpu v;
	kernel_vcpu(&v);
	v.status = KSU_USER | NODE_ST_IE;
	uint32_t vec = mon_reflect(&v, NODE_EXC_SYS, 0x00400020u, false, 0, false, 0);
	assert_int_equal(vec, EBASE_VEC + 0x180);
	assert_int_equal(v.pc, vec);
	assert_int_equal(v.epc, 0x00400020u);
	assert_false(v.cause & NODE_CAUSE_BD);
	assert_int_equal(v.cause & 0x7c, NODE_EXC_SYS << 2);
	assert_int_equal(v.status, KSU_USER | NODE_ST_IE | NODE_ST_EXL);
	assert_int_equal(mon_vcpu_guest_mode(&v), NODE_MODE_KERNEL);

	kernel_vcpu(&v);
	v.status = KSU_USER;
	mon_reflect(&v, NODE_EXC_BP, 0x00400024u, true, 0, false, 0);
	assert_int_equal(v.epc, 0x00400020u);
	assert_true(v.cause & NODE_CAUSE_BD);
	/* nested (EXL already set): EPC and BD stay, general vector even for a
	 * refill */
	vec = mon_reflect(&v, NODE_EXC_TLBL, 0x80001230u, false, 0x00700000u, true, 0);
	assert_int_equal(vec, EBASE_VEC + 0x180);
	assert_int_equal(v.epc, 0x00400020u);
	assert_true(v.cause & NODE_CAUSE_BD);
	assert_int_equal(v.cause & 0x7c, NODE_EXC_TLBL << 2);
	assert_int_equal(v.badvaddr, 0x00700000u);
}

static void test_reflect_vectors(void **state)
{
	mon_vcpu v;
	kernel_vcpu(&v);
	v.ebase = 0x80100000u;
	assert_int_equal(mon_reflect(&v, NODE_EXC_TLBS, 0x400000u, false, 0x1000u, true, 0),
			 0x80100000u); /* refill, EXL = 0 */
	kernel_vcpu(&v);
	v.ebase = 0x80100000u;
	assert_int_equal(mon_reflect(&v, NODE_EXC_TLBS, 0x400000u, false, 0x1000u, false, 0),
			 0x80100180u); /* TLB invalid: general */
	kernel_vcpu(&v);
	v.ebase = 0x80100000u;
	assert_int_equal(mon_reflect(&v, NODE_EXC_INT, 0x400000u, false, 0, false, 0), 0x80100180u);
	kernel_vcpu(&v);
	v.ebase = 0x80100000u;
	v.cause = NODE_CAUSE_IV;
	assert_int_equal(mon_reflect(&v, NODE_EXC_INT, 0x400000u, false, 0, false, 0), 0x80100200u);
	kernel_vcpu(&v);
	v.cause = NODE_CAUSE_IV; /* IV does not move other exceptions */
	assert_int_equal(mon_reflect(&v, NODE_EXC_SYS, 0x400000u, false, 0, false, 0),
			 EBASE_VEC + 0x180);
	/* BEV: the bootstrap vectors at 0xbfc00200 + offset */
	static const struct {
		int exc;
		bool refill, iv;
		uint32_t vec;
	} bev[] = {
		{NODE_EXC_TLBL, true, false, 0xbfc00200u},
		{NODE_EXC_SYS, false, false, 0xbfc00380u},
		{NODE_EXC_INT, false, true, 0xbfc00400u},
	};
	for (size_t i = 0; i < sizeof(bev) / sizeof(bev[0]); i++) {
		kernel_vcpu(&v);
		v.status = NODE_ST_BEV;
		v.cause = bev[i].iv ? NODE_CAUSE_IV : 0;
		assert_int_equal(mon_reflect(&v, bev[i].exc, 0x400000u, false, 0, bev[i].refill, 0),
				 bev[i].vec);
	}
}

static void test_reflect_tlb_regs(void **state)
{
	mon_vcpu v;
	kernel_vcpu(&v);
	v.context = 0xc0000000u | 0x1230u; /* PTEBase | stale BadVPN2 */
	v.entryhi = 0x12340000u | 0x2au;
	v.badvaddr = 1;
	mon_reflect(&v, NODE_EXC_MOD, 0x400000u, false, 0x7fff5678u, false, 0);
	assert_int_equal(v.badvaddr, 0x7fff5678u);
	assert_int_equal(v.context, 0xc0000000u | (0x7fff5678u >> 9 & 0x007ffff0u));
	assert_int_equal(v.entryhi, 0x7fff4000u | 0x2au); /* VPN2, ASID kept */

	/* address error: BadVAddr only */
	kernel_vcpu(&v);
	v.context = 0xc0000000u;
	v.entryhi = 0x2au;
	mon_reflect(&v, NODE_EXC_ADEL, 0x400000u, false, 0x80000001u, false, 0);
	assert_int_equal(v.badvaddr, 0x80000001u);
	assert_int_equal(v.context, 0xc0000000u);
	assert_int_equal(v.entryhi, 0x2au);

	/* other exceptions touch none of them */
	kernel_vcpu(&v);
	v.badvaddr = 0x1111u;
	mon_reflect(&v, NODE_EXC_SYS, 0x400000u, false, 0x2222u, false, 0);
	assert_int_equal(v.badvaddr, 0x1111u);
	/* CE is set for CpU only */
	kernel_vcpu(&v);
	mon_reflect(&v, NODE_EXC_CPU, 0x400000u, false, 0, false, 1);
	assert_int_equal((v.cause >> NODE_CAUSE_CE_SHIFT) & 3, 1);
	mon_reflect(&v, NODE_EXC_OV, 0x400000u, false, 0, false, 1);
	assert_int_equal((v.cause >> NODE_CAUSE_CE_SHIFT) & 3, 0);
}

static void test_interrupt_lines(void **state)
{
	mon_vcpu v;
	kernel_vcpu(&v);
	v.pc = 0x00400040u;
	mon_vcpu_set_irq(&v, MON_IPI_IP, true);
	assert_int_equal(v.cause & NODE_CAUSE_IP, 1u << 14);
	mon_vcpu_set_irq(&v, 1, true); /* software line: not a device line */
	mon_vcpu_set_irq(&v, 7, true); /* the timer's: only from Count/Compare */
	assert_int_equal(v.cause & NODE_CAUSE_IP, 1u << 14);
	assert_false(mon_vcpu_irq_pending(&v)); /* masked */
	v.status = KSU_USER | (1u << 14) | NODE_ST_EXL | NODE_ST_IE;
	assert_true(mon_vcpu_irq_pending(&v));
	assert_false(mon_vcpu_irq_deliverable(&v)); /* EXL */
	assert_false(mon_deliver_irq(&v));
	assert_int_equal(v.pc, 0x00400040u);
	v.status &= ~NODE_ST_EXL;
	assert_true(mon_vcpu_irq_deliverable(&v));
	assert_true(mon_deliver_irq(&v));
	assert_int_equal(v.pc, EBASE_VEC + 0x180);
	assert_int_equal(v.epc, 0x00400040u);
	assert_int_equal(v.cause & 0x7c, NODE_EXC_INT << 2);
	assert_true(v.status & NODE_ST_EXL);
	/* a software interrupt written through Cause */
	kernel_vcpu(&v);
	v.status = NODE_ST_CU0 | (1u << 9) | NODE_ST_IE;
	v.r[8] = 1u << 9;
	mon_emu_result r = emu(&v, MTC0(8, 13, 0));
	assert_true(r.flags & MON_EMU_IRQ);
	mon_vcpu_set_irq(&v, MON_IPI_IP, false);
	assert_int_equal(v.cause & NODE_CAUSE_IP, 1u << 9); /* IP1 kept */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_matches_host),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_load_save),
		cmocka_unit_test(test_mtc0_masks),
		cmocka_unit_test(test_mtc0_matches_host),
		cmocka_unit_test(test_mfc0_random_index_prid),
		cmocka_unit_test(test_count_compare),
		cmocka_unit_test(test_flags_mode_asid),
		cmocka_unit_test(test_tlbwi_tlbr),
		cmocka_unit_test(test_tlbp),
		cmocka_unit_test(test_tlbwr_range),
		cmocka_unit_test(test_vtlb_translate),
		cmocka_unit_test(test_eret_exl),
		cmocka_unit_test(test_eret_erl),
		cmocka_unit_test(test_di_ei),
		cmocka_unit_test(test_wait_cache),
		cmocka_unit_test(test_rdhwr),
		cmocka_unit_test(test_delay_slot),
		cmocka_unit_test(test_user_privileged_cpu),
		cmocka_unit_test(test_reserved_and_unusable),
		cmocka_unit_test(test_reflect_epc_bd_exl),
		cmocka_unit_test(test_reflect_vectors),
		cmocka_unit_test(test_reflect_tlb_regs),
		cmocka_unit_test(test_interrupt_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
