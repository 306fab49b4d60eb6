/* guest/rt/rt_check.h: helpers for the bare-metal architecture tests in
 * guest/tests/ (include after defining nothing; needs GUEST_BARE).
 *
 * Provides CP0 accessors and bit names from the MIPS32r2 Privileged
 * Resource Architecture, check reporting (rtc_check / rtc_finish), an
 * exception handler that records every exception in rtc_log and resumes
 * (rtc_catch), TLB initialisation, and a way to run a code snippet in user
 * mode (rtc_user_map + rtc_enter_user). Each test program includes this
 * header exactly once (it defines the top-level asm routine
 * rtc_enter_user); single CPU, no locking: the state below is shared
 * between main() and the exception handler, hence volatile.
 */
#ifndef GUEST_RT_CHECK_H
#define GUEST_RT_CHECK_H

#include "rt.h"

/* ---- CP0 access ----------------------------------------------------------- */
#define MFC0(reg, sel)                                                    \
	({                                                                \
		uint32_t _v;                                              \
		__asm__ volatile("mfc0 %0, $" #reg ", " #sel : "=r"(_v)); \
		_v;                                                       \
	})
/* mtc0 followed by ehb, so the new value is in effect for what follows. */
#define MTC0(reg, sel, v) \
	__asm__ volatile("mtc0 %0, $" #reg ", " #sel "\n\tehb" : : "r"((uint32_t)(v)) : "memory")

#define C0_INDEX 0, 0
#define C0_RANDOM 1, 0
#define C0_ENTRYLO0 2, 0
#define C0_ENTRYLO1 3, 0
#define C0_CONTEXT 4, 0
#define C0_USERLOCAL 4, 2
#define C0_PAGEMASK 5, 0
#define C0_WIRED 6, 0
#define C0_HWRENA 7, 0
#define C0_BADVADDR 8, 0
#define C0_COUNT 9, 0
#define C0_ENTRYHI 10, 0
#define C0_COMPARE 11, 0
#define C0_STATUS 12, 0
#define C0_INTCTL 12, 1
#define C0_CAUSE 13, 0
#define C0_EPC 14, 0
#define C0_PRID 15, 0
#define C0_EBASE 15, 1
#define C0_CONFIG 16, 0
#define C0_CONFIG1 16, 1
#define C0_CONFIG2 16, 2
#define C0_CONFIG3 16, 3
#define MFC0_X(reg, sel) MFC0(reg, sel)
#define MTC0_X(reg, sel, v) MTC0(reg, sel, v)
/* Usage: rd_c0(C0_STATUS), wr_c0(C0_STATUS, v). */
#define rd_c0(...) MFC0_X(__VA_ARGS__)
#define wr_c0(...) MTC0_X(__VA_ARGS__)

/* Status */
#define ST_CU1 (1u << 29)
#define ST_CU0 (1u << 28)
#define ST_BEV (1u << 22)
#define ST_IM(n) (1u << (8 + (n)))
#define ST_UM (1u << 4) /* KSU = 10: user */
#define ST_KSU (3u << 3)
#define ST_ERL (1u << 2)
#define ST_EXL (1u << 1)
#define ST_IE (1u << 0)
/* Cause */
#define CA_BD (1u << 31)
#define CA_TI (1u << 30)
#define CA_CE(c) (((c) >> 28) & 3)
#define CA_IV (1u << 23)
#define CA_IP(n) (1u << (8 + (n)))
#define CA_EXC(c) (((c) >> 2) & 31)
/* ExcCode values */
enum {
	EXC_INT = 0,
	EXC_MOD = 1,
	EXC_TLBL = 2,
	EXC_TLBS = 3,
	EXC_ADEL = 4,
	EXC_ADES = 5,
	EXC_SYS = 8,
	EXC_BP = 9,
	EXC_RI = 10,
	EXC_CPU = 11,
	EXC_OV = 12,
	EXC_TR = 13,
	EXC_FPE = 15,
};
/* EntryLo */
#define ELO_PFN(pa) ((((uint32_t)(pa)) >> 12) << 6)
#define ELO_C(c) ((uint32_t)(c) << 3)
#define ELO_D (1u << 2)
#define ELO_V (1u << 1)
#define ELO_G (1u << 0)
#define KSEG0_TO_PA(p) ((uint32_t)(uintptr_t)(p)&0x1fffffffu)

/* ---- checks --------------------------------------------------------------- */
static int rtc_nchecks, rtc_nfailed;

/* Records one check of got == want and prints it. */
static inline void rtc_check(const char *what, uint32_t got, uint32_t want)
{
	rtc_nchecks++;
	if (got == want) {
		rt_printf("ok   %s = 0x%x\n", what, got);
	} else {
		rtc_nfailed++;
		rt_printf("FAIL %s = 0x%x, expected 0x%x\n", what, got, want);
	}
}

/* Records one boolean check; info is printed either way. */
static inline void rtc_check_true(const char *what, int cond, uint32_t info)
{
	rtc_nchecks++;
	if (cond) {
		rt_printf("ok   %s (0x%x)\n", what, info);
	} else {
		rtc_nfailed++;
		rt_printf("FAIL %s (0x%x)\n", what, info);
	}
}

/* Prints the summary; the return value is main()'s exit status (0 only
 * when every check held). */
static inline int rtc_finish(const char *name)
{
	rt_printf("%s: %d checks, %d failed\n", name, rtc_nchecks, rtc_nfailed);
	return rtc_nfailed ? 1 : 0;
}

/* ---- exception capture ---------------------------------------------------- */
struct rtc_exc {
	uint32_t cause, epc, badvaddr, status, vector, entryhi, context;
	uint32_t r2; /* v0 at the exception */
};

/* Written by rtc_catch: number of exceptions since rtc_clear() and the
 * first and last of them. */
static volatile int rtc_nexc;
static volatile struct rtc_exc rtc_first, rtc_log;
/* When nonzero, the next exception from kernel mode resumes here (then it
 * is reset to 0). */
static volatile uint32_t rtc_resume;
/* Optional per-test hook, called first; returns nonzero when it has set
 * f->epc (and anything else) itself. */
static int (*volatile rtc_hook)(rt_frame *f);

/* Kernel context saved by rtc_enter_user: s0-s7, gp, sp, fp, ra. */
uint32_t rtc__kctx[12];
static volatile int rtc_user_active;

static inline void rtc_clear(void)
{
	rtc_nexc = 0;
	rt_memset((void *)&rtc_log, 0, sizeof rtc_log);
	rt_memset((void *)&rtc_first, 0, sizeof rtc_first);
	rtc_log.cause = 0xffffffff;
}

/* The handler installed by rtc_install(). Records the exception, then:
 *  - from user mode entered by rtc_enter_user: returns to the kernel, as
 *    if rtc_enter_user returned the user's v0;
 *  - else if rtc_resume is set: resumes there;
 *  - else for an interrupt: resumes at EPC (the hook must clear the source);
 *  - else skips the faulting instruction (EPC + 4, or + 8 when Cause.BD,
 *    which assumes the branch target is the instruction after the slot). */
static void rtc_catch(rt_frame *f)
{
	struct rtc_exc e;

	e.cause = f->cause;
	e.epc = f->epc;
	e.badvaddr = f->badvaddr;
	e.status = f->status;
	e.vector = f->vector;
	e.entryhi = MFC0(10, 0);
	e.context = MFC0(4, 0);
	e.r2 = f->r[2];
	if (rtc_nexc == 0)
		rtc_first = e;
	rtc_log = e;
	rtc_nexc++;
	if (rtc_nexc > 100) {
		rt_printf("FAIL exception storm: cause %08x epc %08x\n", f->cause, f->epc);
		rt_exit(98);
	}
	if (rtc_hook && rtc_hook(f))
		return;
	if (rtc_user_active && (f->status & ST_KSU) == ST_UM) {
		for (int i = 0; i < 8; i++)
			f->r[16 + i] = rtc__kctx[i];
		f->r[28] = rtc__kctx[8];
		f->r[29] = rtc__kctx[9];
		f->r[30] = rtc__kctx[10];
		f->r[31] = rtc__kctx[11];
		f->epc = rtc__kctx[11];
		f->status &= ~ST_KSU;
		rtc_user_active = 0;
		return;
	}
	if (rtc_resume) {
		f->epc = rtc_resume;
		rtc_resume = 0;
		return;
	}
	if (CA_EXC(f->cause) == EXC_INT)
		return;
	f->epc += (f->cause & CA_BD) ? 8 : 4;
}

static inline void rtc_install(void)
{
	rtc_clear();
	rt_set_exception_handler(rtc_catch);
}

/* Checks that exactly one exception with ExcCode code was taken at epc,
 * through the general vector, outside a delay slot. */
static inline void rtc_expect(const char *what, uint32_t code, uint32_t epc)
{
	char buf[96];
	size_t n = rt_strlen(what);

	if (n > 60)
		n = 60;
	rt_memcpy(buf, what, n);
	rt_memcpy(buf + n, ": exceptions", 13);
	rtc_check(buf, rtc_nexc, 1);
	rt_memcpy(buf + n, ": ExcCode", 10);
	rtc_check(buf, CA_EXC(rtc_log.cause), code);
	rt_memcpy(buf + n, ": EPC", 6);
	rtc_check(buf, rtc_log.epc, epc);
	rt_memcpy(buf + n, ": Cause.BD", 11);
	rtc_check(buf, rtc_log.cause >> 31, 0);
	rt_memcpy(buf + n, ": vector", 9);
	rtc_check(buf, rtc_log.vector, 0x180);
}

/* ---- code snippets -------------------------------------------------------- */
/* Defines a global assembly routine NAME (noreorder, noat) callable as
 * uint32_t NAME(a0, a1, a2, a3); labels inside it are made global with
 * RTC_LABEL so C can compare them with EPC. */
#define RTC_FN(name, body)                                                                         \
	__asm__(".pushsection .text\n\t.set push\n\t.set noreorder\n\t"                            \
		".set noat\n\t.globl " #name "\n\t.type " #name ", @function\n" #name ":\n\t" body \
		"\n\t.set pop\n\t"                                                                 \
		".popsection\n");                                                                  \
	uint32_t name(uint32_t, uint32_t, uint32_t, uint32_t)
#define RTC_LABEL(l) ".globl " #l "\n" #l ":\n\t"
#define RTC_ADDR(l) ((uint32_t)(uintptr_t)(l))

/* A routine returning a2 in v0 unless INSN (at label NAME_x) changes it. */
#define RTC_INSN(name, insn)                                                          \
	RTC_FN(name, "move $v0, $a2\n" RTC_LABEL(name##_x) insn "\n\tjr $ra\n\tnop"); \
	extern char name##_x[]

/* ---- TLB and user mode ---------------------------------------------------- */
static inline uint32_t rtc_tlb_entries(void)
{
	return ((MFC0(16, 1) >> 25) & 63) + 1;
}

/* Makes every TLB entry unique and unmatchable (VPN2 in KSEG0, which is
 * never translated), invalid, 4 KiB; sets Wired to 0 and ASID to 0. */
static inline void rtc_tlb_init(void)
{
	uint32_t n = rtc_tlb_entries();

	MTC0(6, 0, 0);
	MTC0(5, 0, 0);
	MTC0(2, 0, 0);
	MTC0(3, 0, 0);
	for (uint32_t i = 0; i < n; i++) {
		MTC0(0, 0, i);
		MTC0(10, 0, 0x80000000u + (i << 13));
		__asm__ volatile("tlbwi\n\tehb" ::: "memory");
	}
	MTC0(10, 0, 0);
}

/* Writes TLB entry idx. */
static inline void rtc_tlb_write(uint32_t idx, uint32_t hi, uint32_t lo0, uint32_t lo1,
				 uint32_t mask)
{
	MTC0(0, 0, idx);
	MTC0(10, 0, hi);
	MTC0(2, 0, lo0);
	MTC0(3, 0, lo1);
	MTC0(5, 0, mask);
	__asm__ volatile("tlbwi\n\tehb" ::: "memory");
}

#define RTC_USER_TLB_INDEX 0
#define PM_1M 0x001fe000u
#define PM_16K 0x00006000u
/* User virtual address of a KSEG0 program address once rtc_user_map() has
 * run: VA 0x00000000-0x001fffff maps physical 0-0x1fffff with a global
 * 1 MiB page pair in TLB entry RTC_USER_TLB_INDEX, so the program (loaded
 * at physical 0x100000) can run in user mode at KSEG0 address - 0x80000000.
 * Snippets run this way must use only PC-relative branches. */
#define RTC_UVA(p) ((uint32_t)(uintptr_t)(p)-0x80000000u)

static inline void rtc_user_map(void)
{
	rtc_tlb_write(RTC_USER_TLB_INDEX, 0, ELO_PFN(0) | ELO_C(3) | ELO_D | ELO_V | ELO_G,
		      ELO_PFN(0x100000) | ELO_C(3) | ELO_D | ELO_V | ELO_G, PM_1M);
	MTC0(5, 0, 0);
}

/* uint32_t rtc_enter_user(uint32_t user_pc, uint32_t a0): runs the code at
 * user_pc in user mode (Status.KSU = user, through eret) with a0 in $a0.
 * The first exception it takes (a final `syscall` if nothing else) comes
 * back here through rtc_catch, which returns the user's v0; rtc_log says
 * which exception it was. Needs rtc_install() and rtc_user_map(). */
__asm__(".pushsection .text\n\t.set push\n\t.set noreorder\n\t"
	".globl rtc__enter_user\n"
	"rtc__enter_user:\n\t"
	"la $t0, rtc__kctx\n\t"
	"sw $s0, 0($t0)\n\tsw $s1, 4($t0)\n\tsw $s2, 8($t0)\n\tsw $s3, 12($t0)\n\t"
	"sw $s4, 16($t0)\n\tsw $s5, 20($t0)\n\tsw $s6, 24($t0)\n\tsw $s7, 28($t0)\n\t"
	"sw $gp, 32($t0)\n\tsw $sp, 36($t0)\n\tsw $fp, 40($t0)\n\tsw $ra, 44($t0)\n\t"
	"mfc0 $t1, $12\n\t"
	"ori $t1, $t1, 0x12\n\t" /* KSU = user, EXL: still kernel until eret */
	"mtc0 $t1, $12\n\t"
	"mtc0 $a0, $14\n\t"
	"move $a0, $a1\n\t"
	"ehb\n\t"
	"eret\n\t"
	"nop\n\t"
	".set pop\n\t.popsection\n");
uint32_t rtc__enter_user(uint32_t user_pc, uint32_t a0);

static inline uint32_t rtc_enter_user(uint32_t user_pc, uint32_t a0)
{
	rtc_user_active = 1;
	return rtc__enter_user(user_pc, a0);
}

#endif
