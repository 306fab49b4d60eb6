/* guest/tests/tlb_test.c: the JTLB and the TLB exceptions of the MIPS32r2
 * PRA.
 *
 * Checks: tlbwi/tlbr round trips of EntryHi, EntryLo0/1 and PageMask
 * (G read back as the AND of both EntryLo G bits; EntryHi bits 12:8 read 0);
 * tlbp hits, Index.P on a miss, ASID and G in matching, masked VPN2 bits
 * ignored by tlbp on a 16 KiB page; Wired and Random (Random within
 * [Wired, entries-1], tlbwr lands there); TLB refill through EBase+0x000
 * when EXL=0 for loads (TLBL), stores (TLBS) and instruction fetches, with
 * BadVAddr, EntryHi.VPN2 (ASID kept) and Context.BadVPN2 (PTEBase kept), and
 * a refill handler that installs the entry with tlbwr and retries; invalid
 * entries (V=0: TLBL/TLBS through +0x180); Mod on a store to a D=0 page;
 * ASID mismatch with G=0 misses, G=1 hits any ASID; even/odd page pairs;
 * 16 KiB and 1 MiB pages; a mapped kseg2 address in kernel mode; and a
 * refill taken with EXL=1, which goes through +0x180 and leaves EPC alone;
 * a refill in a jal delay slot (EPC = jal, BD = 1, retried with the right
 * link); a refill from user mode; tlbwr never replacing wired entries.
 * Exits 0 only when every check held.
 */
#include "rt_check.h"

RTC_INSN(t_lw, "lw $v0, 0($a0)");
RTC_INSN(t_sw, "sw $a1, 0($a0)");
RTC_FN(t_fetch, "jr $a0\n\tnop\n" RTC_LABEL(t_fetch_ret) "jr $ra\n\tnop");
extern char t_fetch_ret[];
/* Sets EXL by hand, presets EPC to t_nested_ret, then misses in the TLB. */
RTC_FN(t_nested,
       "move $v0, $a2\n\tmfc0 $t0, $12\n\tori $t0, $t0, 2\n\t"
       "la $t1, t_nested_ret\n\tmtc0 $t1, $14\n\tmtc0 $t0, $12\n\tehb\n" RTC_LABEL(
	       t_nested_x) "lw $v0, 0($a0)\n\tli $v0, 0xbad\n" RTC_LABEL(t_nested_ret) "jr "
										       "$ra\n\tno"
										       "p");
extern char t_nested_x[], t_nested_ret[];

/* Loads 0(a0) in the delay slot of a jal and stores ($31 - jal address)
 * at 0(a1); returns the loaded value. */
RTC_FN(t_bd_refill,
       "move $t9, $ra\n\tmove $v0, $a2\n" RTC_LABEL(
	       t_bd_refill_br) "jal 1f\n\tlw $v0, 0($a0)\n1:\tla $t0, t_bd_refill_br\n\t"
			       "subu $t0, $ra, $t0\n\tsw $t0, 0($a1)\n\tjr $t9\n\tnop");
extern char t_bd_refill_br[];
/* lw with base = destination: the retried load must see the old base. */
RTC_FN(t_lw_self, RTC_LABEL(t_lw_self_x) "lw $a0, 0($a0)\n\tjr $ra\n\tmove $v0, $a0");
extern char t_lw_self_x[];
RTC_FN(u_lw, RTC_LABEL(u_lw_x) "lw $v0, 0($a0)\n\tsyscall\n\tnop");
extern char u_lw_x[];

#define PAGE 4096
/* Eight physical pages, 16 KiB aligned so pages[0] and pages[4] can back a
 * 16 KiB page pair. Word j of page i holds PAT(i, j). */
static uint32_t pages[8][PAGE / 4] __attribute__((aligned(16384)));
#define PAT(i, j) (0xa0000000u | ((uint32_t)(i) << 16) | (uint32_t)(j))
static const uint32_t marker = 0x600dda7a;

static volatile int refill_install;
static volatile uint32_t refill_lo0, refill_lo1;

/* Refill vector hook: when armed, writes EntryLo0/1 for the VPN2 the
 * hardware put in EntryHi with tlbwr and retries the instruction. */
static int refill_hook(rt_frame *f)
{
	if (f->vector == 0x000 && refill_install) {
		MTC0(2, 0, refill_lo0);
		MTC0(3, 0, refill_lo1);
		MTC0(5, 0, 0);
		__asm__ volatile("tlbwr\n\tehb" ::: "memory");
		refill_install = 0;
		return 1;
	}
	return 0;
}

static uint32_t pa_lo(int page, uint32_t flags)
{
	return ELO_PFN(KSEG0_TO_PA(pages[page])) | ELO_C(3) | flags;
}

/* Checks the fields one TLB exception must set. */
static void expect_tlb_exc(const char *what, uint32_t code, uint32_t vector, uint32_t epc,
			   uint32_t va, uint32_t asid, uint32_t ptebase)
{
	char buf[96];
	size_t n = rt_strlen(what);

	rt_memcpy(buf, what, n);
	rt_memcpy(buf + n, ": exceptions", 13);
	rtc_check(buf, rtc_nexc, 1);
	rt_memcpy(buf + n, ": ExcCode", 10);
	rtc_check(buf, CA_EXC(rtc_first.cause), code);
	rt_memcpy(buf + n, ": vector", 9);
	rtc_check(buf, rtc_first.vector, vector);
	rt_memcpy(buf + n, ": EPC", 6);
	rtc_check(buf, rtc_first.epc, epc);
	rt_memcpy(buf + n, ": BadVAddr", 11);
	rtc_check(buf, rtc_first.badvaddr, va);
	rt_memcpy(buf + n, ": EntryHi", 10);
	rtc_check(buf, rtc_first.entryhi, (va & 0xffffe000u) | asid);
	rt_memcpy(buf + n, ": Context", 10);
	rtc_check(buf, rtc_first.context, ptebase | ((va >> 13) << 4));
}

static uint32_t probe(uint32_t hi)
{
	MTC0(10, 0, hi);
	__asm__ volatile("tlbp\n\tehb" ::: "memory");
	return MFC0(0, 0);
}

static void round_trips(void)
{
	uint32_t hi = 0x12344000u | 0x21, lo0 = ELO_PFN(0x345000) | ELO_C(3) | ELO_D | ELO_V,
		 lo1 = ELO_PFN(0x678000) | ELO_C(2) | ELO_V;

	MTC0(0, 0, 5);
	rtc_check("Index write/read", MFC0(0, 0) & 0x8000003f, 5);
	MTC0(10, 0, 0x12345fff);
	rtc_check("EntryHi write/read (bits 12:8 read 0)", MFC0(10, 0), 0x123440ff);
	MTC0(5, 0, PM_16K);
	rtc_check("PageMask write/read 16K", MFC0(5, 0), PM_16K);
	MTC0(5, 0, PM_1M);
	rtc_check("PageMask write/read 1M", MFC0(5, 0), PM_1M);
	MTC0(4, 0, 0xffffffff);
	rtc_check("Context.PTEBase writable, bits 3:0 zero", MFC0(4, 0) & 0xff80000f, 0xff800000);

	rtc_tlb_write(5, hi, lo0, lo1, 0);
	MTC0(10, 0, 0);
	MTC0(2, 0, 0);
	MTC0(3, 0, 0);
	MTC0(5, 0, PM_1M);
	MTC0(0, 0, 5);
	__asm__ volatile("tlbr\n\tehb" ::: "memory");
	rtc_check("tlbr EntryHi", MFC0(10, 0), hi);
	rtc_check("tlbr EntryLo0", MFC0(2, 0), lo0);
	rtc_check("tlbr EntryLo1", MFC0(3, 0), lo1);
	rtc_check("tlbr PageMask", MFC0(5, 0), 0);

	rtc_tlb_write(5, hi, lo0 | ELO_G, lo1, 0);
	MTC0(0, 0, 5);
	__asm__ volatile("tlbr\n\tehb" ::: "memory");
	rtc_check("tlbr G only in EntryLo0: EntryLo0.G", MFC0(2, 0) & ELO_G, 0);
	rtc_check("tlbr G only in EntryLo0: EntryLo1.G", MFC0(3, 0) & ELO_G, 0);

	rtc_tlb_write(5, hi, lo0 | ELO_G, lo1 | ELO_G, 0);
	MTC0(0, 0, 5);
	__asm__ volatile("tlbr\n\tehb" ::: "memory");
	rtc_check("tlbr G in both: EntryLo0", MFC0(2, 0), lo0 | ELO_G);
	rtc_check("tlbr G in both: EntryLo1", MFC0(3, 0), lo1 | ELO_G);

	rtc_tlb_write(5, 0x20000000u | 0x33, lo0, lo1, PM_16K);
	MTC0(0, 0, 5);
	__asm__ volatile("tlbr\n\tehb" ::: "memory");
	rtc_check("tlbr 16K: PageMask", MFC0(5, 0), PM_16K);
	rtc_check("tlbr 16K: EntryHi", MFC0(10, 0), 0x20000033);

	/* tlbp */
	rtc_tlb_write(5, hi, lo0, lo1, 0);
	rtc_check("tlbp hit: Index", probe(hi), 5);
	rtc_check("tlbp other ASID, G=0: Index.P", probe((hi & ~0xffu) | 0x22) >> 31, 1);
	rtc_check("tlbp other VPN2: Index.P", probe(hi + 0x2000) >> 31, 1);
	rtc_check("tlbp odd half of the pair: Index", probe(hi | 0x1000), 5);
	rtc_tlb_write(5, hi, lo0 | ELO_G, lo1 | ELO_G, 0);
	rtc_check("tlbp other ASID, G=1: Index", probe((hi & ~0xffu) | 0x22), 5);
	rtc_tlb_write(5, 0x20000000u, lo0, lo1, PM_16K);
	MTC0(5, 0, 0);
	rtc_check("tlbp 16K page, VA in odd 16K half: Index", probe(0x20004000u), 5);
	rtc_check("tlbp 16K page, VA past the pair: Index.P", probe(0x20008000u) >> 31, 1);
	rtc_tlb_write(5, 0x80000000u + (5u << 13), 0, 0, 0);
	MTC0(10, 0, 0);
}

static void wired_random(void)
{
	uint32_t n = rtc_tlb_entries(), r, ok = 1, idx;

	MTC0(6, 0, 0);
	for (int i = 0; i < 20; i++) {
		r = MFC0(1, 0);
		if (r > n - 1)
			ok = 0;
	}
	rtc_check_true("Random within [0, entries-1] with Wired=0", ok, r);
	MTC0(6, 0, 8);
	rtc_check("Wired write/read", MFC0(6, 0), 8);
	ok = 1;
	for (int i = 0; i < 50; i++) {
		r = MFC0(1, 0);
		if (r < 8 || r > n - 1)
			ok = 0;
	}
	rtc_check_true("Random within [Wired=8, entries-1]", ok, r);
	MTC0(10, 0, 0x30000000);
	MTC0(2, 0, pa_lo(0, ELO_V));
	MTC0(3, 0, pa_lo(1, ELO_V));
	MTC0(5, 0, 0);
	__asm__ volatile("tlbwr\n\tehb" ::: "memory");
	idx = probe(0x30000000);
	rtc_check_true("tlbwr: entry found by tlbp within [Wired, entries-1]",
		       idx >= 8 && idx <= n - 1, idx);
	rtc_clear();
	rtc_check("tlbwr entry maps: lw", t_lw(0x30001010, 0, 0xdead, 0), PAT(1, 4));
	rtc_check("tlbwr entry maps: exceptions", rtc_nexc, 0);
	rtc_tlb_write(idx, 0x80000000u + (idx << 13), 0, 0, 0);
	/* Wired stays 8 for the rest: fixed entries below use indices 1-7. */
}

static void refill(void)
{
	uint32_t va, r;

	MTC0(4, 0, 0xff800000);
	MTC0(10, 0, 0x07); /* current ASID 7 */

	/* Load miss, the handler installs the entry and retries. */
	va = 0x10000104;
	rtc_clear();
	refill_lo0 = pa_lo(2, ELO_V | ELO_D);
	refill_lo1 = pa_lo(3, ELO_V | ELO_D);
	refill_install = 1;
	r = t_lw(va, 0, 0xdead, 0);
	expect_tlb_exc("refill lw", EXC_TLBL, 0x000, RTC_ADDR(t_lw_x), va, 7, 0xff800000);
	rtc_check("refill lw: value after retry", r, PAT(2, 0x104 / 4));
	rtc_check("refill lw: odd page of the new pair", t_lw(va + 0x1000, 0, 0xdead, 0),
		  PAT(3, 0x104 / 4));

	/* Store miss. */
	va = 0x10003008;
	rtc_clear();
	refill_lo0 = pa_lo(4, ELO_V | ELO_D);
	refill_lo1 = pa_lo(5, ELO_V | ELO_D);
	refill_install = 1;
	t_sw(va, 0x5707e, 0, 0);
	expect_tlb_exc("refill sw", EXC_TLBS, 0x000, RTC_ADDR(t_sw_x), va, 7, 0xff800000);
	rtc_check("refill sw: stored through the odd page", pages[5][2], 0x5707e);
	pages[5][2] = PAT(5, 2);

	/* Instruction fetch miss (not installed: resumes at t_fetch_ret). */
	va = 0x10080000;
	rtc_clear();
	rtc_resume = RTC_ADDR(t_fetch_ret);
	t_fetch(va, 0, 0, 0);
	expect_tlb_exc("refill fetch", EXC_TLBL, 0x000, va, va, 7, 0xff800000);

	/* Refill with EXL=1: general vector, EPC not written. */
	va = 0x10070010;
	rtc_clear();
	rtc_resume = RTC_ADDR(t_nested_ret);
	r = t_nested(va, 0, 0xdead, 0);
	expect_tlb_exc("miss with EXL=1", EXC_TLBL, 0x180, RTC_ADDR(t_nested_ret), va, 7,
		       0xff800000);
	rtc_check("miss with EXL=1: returned through the preset EPC", r, 0xdead);
	rtc_check("Status.EXL clear after eret", MFC0(12, 0) & ST_EXL, 0);
	/* Refill of a load in a jal delay slot: EPC = jal, BD = 1, and the
	 * retried jal links again to the same place. */
	va = 0x10090020;
	rtc_clear();
	refill_lo0 = pa_lo(6, ELO_V);
	refill_lo1 = pa_lo(7, ELO_V);
	refill_install = 1;
	static volatile uint32_t link;
	link = 0;
	r = t_bd_refill(va, RTC_ADDR(&link), 0xdead, 0);
	rtc_check("refill in jal slot: exceptions", rtc_nexc, 1);
	rtc_check("refill in jal slot: vector", rtc_first.vector, 0x000);
	rtc_check("refill in jal slot: EPC = jal", rtc_first.epc, RTC_ADDR(t_bd_refill_br));
	rtc_check("refill in jal slot: Cause.BD", rtc_first.cause >> 31, 1);
	rtc_check("refill in jal slot: value after retry", r, PAT(6, 8));
	rtc_check("refill in jal slot: link after retry", link, 8);

	va = 0x100b0010;
	rtc_clear();
	refill_lo0 = pa_lo(1, ELO_V);
	refill_lo1 = pa_lo(2, ELO_V);
	refill_install = 1;
	r = t_lw_self(va, 0, 0, 0);
	rtc_check("refill of lw a0, 0(a0): exceptions", rtc_nexc, 1);
	rtc_check("refill of lw a0, 0(a0): EPC", rtc_first.epc, RTC_ADDR(t_lw_self_x));
	rtc_check("refill of lw a0, 0(a0): value after retry", r, PAT(1, 4));

	/* Refill from user mode: same vector, Status.KSU = user in the frame. */
	rtc_user_map(); /* leaves EntryHi = 0: ASID back to 7 */
	MTC0(10, 0, 0x07);
	va = 0x100a0000;
	rtc_clear();
	rtc_enter_user(RTC_UVA(u_lw), va);
	expect_tlb_exc("user refill lw", EXC_TLBL, 0x000, RTC_UVA(u_lw_x), va, 7, 0xff800000);
	rtc_check("user refill lw: Status.KSU = user", rtc_first.status & ST_KSU, ST_UM);
	MTC0(10, 0, 0);
}

static void invalid_modified(void)
{
	uint32_t va = 0x10010000;

	MTC0(4, 0, 0);
	rtc_tlb_write(1, va, pa_lo(0, ELO_D), pa_lo(1, ELO_V | ELO_D), 0);
	rtc_clear();
	t_lw(va + 0x20, 0, 0xdead, 0);
	expect_tlb_exc("lw from V=0 page", EXC_TLBL, 0x180, RTC_ADDR(t_lw_x), va + 0x20, 0, 0);
	rtc_clear();
	t_sw(va + 0x24, 1, 0, 0);
	expect_tlb_exc("sw to V=0 page", EXC_TLBS, 0x180, RTC_ADDR(t_sw_x), va + 0x24, 0, 0);
	rtc_check("sw to V=0 page: memory unchanged", pages[0][9], PAT(0, 9));
	rtc_clear();
	rtc_check("lw from valid odd page of the same pair", t_lw(va + 0x1028, 0, 0xdead, 0),
		  PAT(1, 10));
	rtc_check("lw from valid odd page: exceptions", rtc_nexc, 0);

	va = 0x10012000;
	rtc_tlb_write(2, va, pa_lo(6, ELO_V), pa_lo(7, ELO_V), 0);
	rtc_clear();
	t_sw(va + 0x1004, 0xbad, 0, 0);
	expect_tlb_exc("sw to D=0 page", EXC_MOD, 0x180, RTC_ADDR(t_sw_x), va + 0x1004, 0, 0);
	rtc_check("sw to D=0 page: memory unchanged", pages[7][1], PAT(7, 1));
	rtc_clear();
	rtc_check("lw from D=0 page", t_lw(va + 0x1004, 0, 0xdead, 0), PAT(7, 1));
	rtc_check("lw from D=0 page: exceptions", rtc_nexc, 0);
}

static void asid_and_pairs(void)
{
	uint32_t va = 0x10020000, pa, off;

	rtc_tlb_write(3, va | 5, pa_lo(2, ELO_V | ELO_D), pa_lo(3, ELO_V | ELO_D), 0);
	MTC0(10, 0, 5);
	rtc_clear();
	rtc_check("ASID 5 entry, current ASID 5: lw", t_lw(va + 8, 0, 0xdead, 0), PAT(2, 2));
	rtc_check("ASID 5 entry, current ASID 5: exceptions", rtc_nexc, 0);
	MTC0(10, 0, 6);
	rtc_clear();
	t_lw(va + 8, 0, 0xdead, 0);
	expect_tlb_exc("ASID 5 entry, current ASID 6", EXC_TLBL, 0x000, RTC_ADDR(t_lw_x), va + 8, 6,
		       0);
	rtc_tlb_write(3, va | 5, pa_lo(2, ELO_V | ELO_D | ELO_G), pa_lo(3, ELO_V | ELO_D | ELO_G),
		      0);
	MTC0(10, 0, 6);
	rtc_clear();
	rtc_check("global entry, current ASID 6: lw", t_lw(va + 0x100c, 0, 0xdead, 0), PAT(3, 3));
	rtc_check("global entry, current ASID 6: exceptions", rtc_nexc, 0);
	MTC0(10, 0, 0);

	va = 0x10030000;
	rtc_tlb_write(4, va, pa_lo(4, ELO_V | ELO_D), pa_lo(6, ELO_V | ELO_D), 0);
	rtc_clear();
	rtc_check("pair: even page", t_lw(va + 0xffc, 0, 0xdead, 0), PAT(4, 0x3ff));
	rtc_check("pair: odd page", t_lw(va + 0x1000, 0, 0xdead, 0), PAT(6, 0));
	t_sw(va + 0x1010, 0x0dd, 0, 0);
	rtc_check("pair: store to odd page", pages[6][4], 0x0dd);
	pages[6][4] = PAT(6, 4);
	rtc_check("pair: exceptions", rtc_nexc, 0);

	/* 16 KiB pages: 0x10040000-0x10043fff -> pages[0..3],
	 * 0x10044000-0x10047fff -> pages[4..7]. */
	va = 0x10040000;
	rtc_tlb_write(5, va, pa_lo(0, ELO_V | ELO_D), pa_lo(4, ELO_V | ELO_D), PM_16K);
	MTC0(5, 0, 0);
	rtc_clear();
	rtc_check("16K: even page, 3rd 4K", t_lw(va + 0x3004, 0, 0xdead, 0), PAT(3, 1));
	rtc_check("16K: odd page, 2nd 4K", t_lw(va + 0x5008, 0, 0xdead, 0), PAT(5, 2));
	rtc_check("16K: odd page, last word", t_lw(va + 0x7ffc, 0, 0xdead, 0), PAT(7, 0x3ff));
	rtc_check("16K: exceptions", rtc_nexc, 0);
	t_lw(va + 0x8000, 0, 0xdead, 0);
	rtc_check("16K: VA past the pair misses (refill)", rtc_log.vector, 0x000);

	/* 1 MiB pages: 0x40000000 -> physical 0, 0x40100000 -> 0x100000. */
	rtc_tlb_write(6, 0x40000000, ELO_PFN(0) | ELO_C(3) | ELO_V,
		      ELO_PFN(0x100000) | ELO_C(3) | ELO_V, PM_1M);
	MTC0(5, 0, 0);
	pa = KSEG0_TO_PA(&marker);
	off = pa - 0x100000;
	rtc_clear();
	rtc_check("1M: odd page reads the program's marker", t_lw(0x40100000 + off, 0, 0xdead, 0),
		  marker);
	rtc_check("1M: even page reads physical pages[]",
		  t_lw(0x40000000 + KSEG0_TO_PA(&pages[1][5]), 0, 0xdead, 0), PAT(1, 5));
	rtc_check("1M: exceptions", rtc_nexc, 0);
	rtc_check("1M: tlbp in the middle of the odd page", probe(0x401abcd0 & ~0x1fffu), 6);
	MTC0(10, 0, 0);

	/* kseg2 is mapped in kernel mode. */
	rtc_tlb_write(7, 0xc0000000, pa_lo(6, ELO_V | ELO_D), pa_lo(7, ELO_V | ELO_D), 0);
	rtc_clear();
	rtc_check("kseg2 0xc0001040", t_lw(0xc0001040, 0, 0xdead, 0), PAT(7, 0x10));
	rtc_check("kseg2: exceptions", rtc_nexc, 0);
	rtc_clear();
	t_lw(0xc0002000, 0, 0xdead, 0);
	expect_tlb_exc("kseg2 miss", EXC_TLBL, 0x000, RTC_ADDR(t_lw_x), 0xc0002000, 0, 0);
}

/* Many tlbwr with Wired = 8 must leave entries 0-7 alone. */
static void wired_kept(void)
{
	static const uint32_t fixed[8] = {
		0,	    0x10010000, 0x10012000, 0x10020000,
		0x10030000, 0x10040000, 0x40000000, 0xc0000000,
	};
	uint32_t n = rtc_tlb_entries(), bad = 0;

	MTC0(5, 0, 0);
	MTC0(2, 0, 0);
	MTC0(3, 0, 0);
	for (uint32_t i = 0; i < 4 * n; i++) {
		MTC0(10, 0, 0x50000000u + (i << 13));
		__asm__ volatile("tlbwr\n\tehb" ::: "memory");
	}
	for (uint32_t i = 0; i < 8; i++) {
		MTC0(0, 0, i);
		__asm__ volatile("tlbr\n\tehb" ::: "memory");
		if ((MFC0(10, 0) & 0xffffe000u) != fixed[i])
			bad |= 1u << i;
	}
	MTC0(10, 0, 0);
	rtc_check("wired entries 0-7 intact after 4 x entries tlbwr", bad, 0);
}

int main(void)
{
	rt_printf("tlb_test: TLB and TLB exceptions (%u entries)\n", rtc_tlb_entries());
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < PAGE / 4; j++)
			pages[i][j] = PAT(i, j);
	rtc_install();
	rtc_hook = refill_hook;
	rtc_tlb_init();
	round_trips();
	wired_random();
	refill();
	invalid_modified();
	asid_and_pairs();
	wired_kept();
	MTC0(6, 0, 0);
	return rtc_finish("tlb_test");
}
