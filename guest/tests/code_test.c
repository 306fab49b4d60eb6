/* guest/tests/code_test.c: instruction fetch after code is rewritten or
 * remapped (what an emulator's decode or translation cache must honour).
 *
 * Uses the MIPS32r2 recipe for new code: stores, SYNCI over the lines
 * (step from rdhwr 1), SYNC, then a JR.HB to clear the instruction hazard.
 * Checks: a routine rewritten many times in place returns each new value,
 * through KSEG0 and through its KSEG1 alias; code stored through KSEG1 and
 * run through KSEG0; the same virtual address mapped by the TLB to two
 * physical pages in turn (tlbwi + hazard barrier) runs the code of the page
 * mapped at the time; the same virtual address under two ASIDs (G=0) runs
 * each ASID's code. Exits 0 only when every check held.
 */
#include "rt_check.h"

/* sync_icache(addr, len): synci every line of [addr, addr+len), sync,
 * then return with jr.hb. */
RTC_FN(sync_icache, "rdhwr $t0, $1\n\tbeqz $t0, 2f\n\taddu $a1, $a0, $a1\n"
		    "1:\tsynci 0($a0)\n\taddu $a0, $a0, $t0\n\tsltu $t1, $a0, $a1\n\t"
		    "bnez $t1, 1b\n\tnop\n2:\tsync\n\tjr.hb $ra\n\tnop");

#define ADDIU_V0(imm) (0x24020000u | ((uint32_t)(imm)&0xffff))
#define JR_RA 0x03e00008u
#define NOP 0u
#define VA_CODE 0x10000000u

static uint32_t code[2][1024] __attribute__((aligned(4096)));

typedef uint32_t (*fn0)(void);

static uint32_t call(uint32_t addr)
{
	return ((fn0)(uintptr_t)addr)();
}

/* Writes "addiu v0, zero, imm; jr ra; nop" at p (any alias). */
static void emit(volatile uint32_t *p, uint32_t imm)
{
	p[0] = ADDIU_V0(imm);
	p[1] = JR_RA;
	p[2] = NOP;
}

static void rewrite_in_place(void)
{
	uint32_t k0 = RTC_ADDR(code[0]), k1 = (k0 & 0x1fffffffu) | 0xa0000000u;
	uint32_t bad = 0, first_bad = 0;

	for (uint32_t i = 1; i <= 200; i++) {
		emit(code[0], i);
		sync_icache(k0, 12, 0, 0);
		uint32_t r = call(k0);
		if (r != i && !bad++)
			first_bad = (i << 16) | r;
	}
	rtc_check("rewritten 200 times, run through KSEG0: mismatches", bad, 0);
	if (bad)
		rt_printf("     first: wrote %u, ran %u\n", first_bad >> 16, first_bad & 0xffff);
	rtc_check("run through the KSEG1 alias", call(k1), 200);
	emit((volatile uint32_t *)k1, 0x1234);
	sync_icache(k0, 12, 0, 0);
	rtc_check("written through KSEG1, run through KSEG0", call(k0), 0x1234);
	rtc_check("written through KSEG1, run through KSEG1", call(k1), 0x1234);
}

static void remap(void)
{
	uint32_t pa0 = KSEG0_TO_PA(code[0]), pa1 = KSEG0_TO_PA(code[1]);
	uint32_t lo = ELO_C(3) | ELO_V | ELO_D;

	rtc_tlb_init();
	emit(code[0], 0x111);
	emit(code[1], 0x222);
	sync_icache(RTC_ADDR(code[0]), 12, 0, 0);
	sync_icache(RTC_ADDR(code[1]), 12, 0, 0);

	rtc_tlb_write(1, VA_CODE, ELO_PFN(pa0) | lo | ELO_G, ELO_G, 0);
	sync_icache(RTC_ADDR(code[0]), 0, 0, 0); /* only the jr.hb */
	rtc_check("VA mapped to page 0", call(VA_CODE), 0x111);
	rtc_tlb_write(1, VA_CODE, ELO_PFN(pa1) | lo | ELO_G, ELO_G, 0);
	sync_icache(RTC_ADDR(code[0]), 0, 0, 0);
	rtc_check("same VA remapped to page 1", call(VA_CODE), 0x222);
	rtc_tlb_write(1, VA_CODE, ELO_PFN(pa0) | lo | ELO_G, ELO_G, 0);
	sync_icache(RTC_ADDR(code[0]), 0, 0, 0);
	rtc_check("same VA mapped back to page 0", call(VA_CODE), 0x111);

	/* Two ASIDs, two non-global entries for the same VPN2. */
	rtc_tlb_write(1, VA_CODE | 1, ELO_PFN(pa0) | lo, 0, 0);
	rtc_tlb_write(2, VA_CODE | 2, ELO_PFN(pa1) | lo, 0, 0);
	MTC0(10, 0, 1);
	sync_icache(RTC_ADDR(code[0]), 0, 0, 0);
	rtc_check("ASID 1 runs page 0", call(VA_CODE), 0x111);
	MTC0(10, 0, 2);
	sync_icache(RTC_ADDR(code[0]), 0, 0, 0);
	rtc_check("ASID 2 runs page 1", call(VA_CODE), 0x222);
	MTC0(10, 0, 1);
	sync_icache(RTC_ADDR(code[0]), 0, 0, 0);
	rtc_check("ASID 1 again runs page 0", call(VA_CODE), 0x111);

	/* Rewrite page 1 and run it through the mapping (synci on the VA). */
	MTC0(10, 0, 2);
	emit(code[1], 0x333);
	sync_icache(VA_CODE, 12, 0, 0);
	rtc_check("page 1 rewritten, run through the mapping", call(VA_CODE), 0x333);
	MTC0(10, 0, 0);
	rtc_tlb_init();
}

int main(void)
{
	rt_printf("code_test: fetch after rewriting and remapping code\n");
	rtc_install();
	rewrite_in_place();
	remap();
	rtc_check("no exceptions", rtc_nexc, 0);
	return rtc_finish("code_test");
}
