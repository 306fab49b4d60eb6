/* guest/tests/cp0_test.c: identification and configuration registers of
 * CP0, rdhwr and software interrupts (MIPS32r2 PRA, 24Kc-like platform).
 *
 * Checks: PRId = 0x00019300; Config (M, little-endian, MIPS32, Release 2,
 * standard TLB), Config1 (M, 64 TLB entries, FP), Config2.M, Config3.ULRI;
 * IntCtl.IPTI = 7; the runtime's reset work (EBase at its vector page,
 * BEV/ERL/EXL clear); EBase writable bits 29:12 only (31:30 read 10, CPUNum
 * read-only), written with BEV=1; Wired/HWREna/UserLocal/Cause.IV
 * read-write; rdhwr 0/1/2/3/29 in kernel mode (CPUNum, SYNCI_Step from the
 * L1 line sizes, Count, CCRes != 0, UserLocal) and a reserved hardware
 * register giving RI; in user mode (CU0=0) rdhwr gives RI unless the
 * HWREna bit is set, then the same values; software interrupts IP0/IP1
 * taken when enabled. Exits 0 only when every check held.
 */
#include "rt_check.h"

extern char rt__vectors[];

#define USER_RDHWR(n)                                                                          \
	RTC_FN(u_rdhwr##n, "li $v0, 0x5a5a\n" RTC_LABEL(u_rdhwr##n##_x) "rdhwr $v0, $" #n      \
									"\n\tsyscall\n\tnop"); \
	extern char u_rdhwr##n##_x[]
USER_RDHWR(0);
USER_RDHWR(1);
USER_RDHWR(2);
USER_RDHWR(3);
USER_RDHWR(29);
RTC_INSN(t_rdhwr4, "rdhwr $v0, $4");
RTC_FN(t_swint, "mtc0 $a0, $13\n\tehb\n" RTC_LABEL(t_swint_after) "jr $ra\n\tnop");
extern char t_swint_after[];

#define RDHWR(n)                                               \
	({                                                     \
		uint32_t _v;                                   \
		__asm__ volatile("rdhwr %0, $" #n : "=r"(_v)); \
		_v;                                            \
	})

static uint32_t synci_step_expected(void)
{
	uint32_t c1 = MFC0(16, 1), il = (c1 >> 19) & 7, dl = (c1 >> 10) & 7;
	uint32_t i = il ? 2u << il : 0, d = dl ? 2u << dl : 0;

	if (!i)
		return d;
	if (!d)
		return i;
	return i < d ? i : d;
}

static void ident(void)
{
	uint32_t c0 = MFC0(16, 0), c1 = MFC0(16, 1), c2 = MFC0(16, 2), c3 = MFC0(16, 3);

	rtc_check("PRId", MFC0(15, 0), 0x00019300);
	rtc_check("Config.M", c0 >> 31, 1);
	rtc_check("Config.BE (little-endian)", (c0 >> 15) & 1, 0);
	rtc_check("Config.AT (MIPS32)", (c0 >> 13) & 3, 0);
	rtc_check("Config.AR (Release 2)", (c0 >> 10) & 7, 1);
	rtc_check("Config.MT (standard TLB)", (c0 >> 7) & 7, 1);
	rtc_check("Config1.M", c1 >> 31, 1);
	rtc_check("Config1.MMUSize-1", (c1 >> 25) & 63, 63);
	rtc_check("Config1.FP", c1 & 1, 1);
	rtc_check("Config2.M", c2 >> 31, 1);
	rtc_check("Config3.ULRI", (c3 >> 13) & 1, 1);
	rtc_check("IntCtl.IPTI", MFC0(12, 1) >> 29, 7);
}

static void reset_state(void)
{
	uint32_t eb = MFC0(15, 1), st = MFC0(12, 0);

	rtc_check("EBase = the runtime's vector page", eb & 0xfffff000u, RTC_ADDR(rt__vectors));
	rtc_check("Status.BEV/ERL/EXL after crt0", st & (ST_BEV | ST_ERL | ST_EXL), 0);
	rtc_check("Status.KSU after crt0", st & ST_KSU, 0);
}

static void writable(void)
{
	uint32_t st = MFC0(12, 0), eb = MFC0(15, 1), cpunum = eb & 0x3ff, v;

	MTC0(12, 0, st | ST_BEV);
	MTC0(15, 1, 0xffffffff);
	v = MFC0(15, 1);
	MTC0(15, 1, 0);
	uint32_t v0 = MFC0(15, 1);
	MTC0(15, 1, eb);
	MTC0(12, 0, st);
	rtc_check("EBase written 0xffffffff", v, 0xbffff000u | cpunum);
	rtc_check("EBase written 0", v0, 0x80000000u | cpunum);
	rtc_check("EBase restored", MFC0(15, 1), eb);

	MTC0(6, 0, 5);
	rtc_check("Wired write/read", MFC0(6, 0), 5);
	MTC0(6, 0, 0);
	MTC0(7, 0, 0x2000000f);
	rtc_check("HWREna write/read", MFC0(7, 0), 0x2000000f);
	MTC0(7, 0, 0);
	rtc_check("HWREna cleared", MFC0(7, 0), 0);
	MTC0(4, 2, 0xfeedf00d);
	rtc_check("UserLocal write/read", MFC0(4, 2), 0xfeedf00d);
	MTC0(13, 0, CA_IV);
	rtc_check("Cause.IV write/read", MFC0(13, 0) & CA_IV, CA_IV);
	MTC0(13, 0, 0);
	rtc_check("Cause.IV cleared", MFC0(13, 0) & CA_IV, 0);
}

static void rdhwr_kernel(void)
{
	uint32_t c0, cc, c1;

	rtc_check("rdhwr 0 (CPUNum)", RDHWR(0), MFC0(15, 1) & 0x3ff);
	rtc_check("rdhwr 1 (SYNCI_Step)", RDHWR(1), synci_step_expected());
	c0 = MFC0(9, 0);
	cc = RDHWR(2);
	c1 = MFC0(9, 0);
	rtc_check_true("rdhwr 2 (CC) between two Count reads", cc - c0 <= c1 - c0, cc);
	rtc_check_true("rdhwr 3 (CCRes) nonzero", RDHWR(3) != 0, RDHWR(3));
	MTC0(4, 2, 0x12345678);
	rtc_check("rdhwr 29 (UserLocal)", RDHWR(29), 0x12345678);
	rtc_clear();
	t_rdhwr4(0, 0, 0xdead, 0);
	rtc_expect("rdhwr 4 (reserved) in kernel mode", EXC_RI, RTC_ADDR(t_rdhwr4_x));
}

static void rdhwr_user(void)
{
	static const struct {
		const char *what;
		uint32_t (*f)(uint32_t, uint32_t, uint32_t, uint32_t);
		const char *x;
		uint32_t bit;
	} u[] = {
		{"user rdhwr 0", u_rdhwr0, u_rdhwr0_x, 1u << 0},
		{"user rdhwr 1", u_rdhwr1, u_rdhwr1_x, 1u << 1},
		{"user rdhwr 2", u_rdhwr2, u_rdhwr2_x, 1u << 2},
		{"user rdhwr 3", u_rdhwr3, u_rdhwr3_x, 1u << 3},
		{"user rdhwr 29", u_rdhwr29, u_rdhwr29_x, 1u << 29},
	};
	uint32_t want[5];

	rtc_tlb_init();
	rtc_user_map();
	MTC0(4, 2, 0xc0ffee00);
	want[0] = RDHWR(0);
	want[1] = RDHWR(1);
	want[3] = RDHWR(3);
	want[4] = 0xc0ffee00;
	for (unsigned i = 0; i < 5; i++) {
		char buf[80];
		size_t n = rt_strlen(u[i].what);
		uint32_t r, c0;
		rt_memcpy(buf, u[i].what, n);

		MTC0(7, 0, ~u[i].bit & 0x2000000fu);
		rtc_clear();
		r = rtc_enter_user(RTC_UVA(u[i].f), 0);
		rt_memcpy(buf + n, ", HWREna bit clear: ExcCode", 28);
		rtc_check(buf, CA_EXC(rtc_log.cause), EXC_RI);
		rt_memcpy(buf + n, ", HWREna bit clear: EPC", 24);
		rtc_check(buf, rtc_log.epc, RTC_UVA(u[i].x));
		rt_memcpy(buf + n, ", HWREna bit clear: rt unchanged", 33);
		rtc_check(buf, r, 0x5a5a);

		MTC0(7, 0, u[i].bit);
		rtc_clear();
		c0 = MFC0(9, 0);
		r = rtc_enter_user(RTC_UVA(u[i].f), 0);
		rt_memcpy(buf + n, ", HWREna bit set: ExcCode (final syscall)", 42);
		rtc_check(buf, CA_EXC(rtc_log.cause), EXC_SYS);
		rt_memcpy(buf + n, ", HWREna bit set: value", 24);
		if (i == 2)
			rtc_check_true(buf, r - c0 <= MFC0(9, 0) - c0, r);
		else
			rtc_check(buf, r, want[i]);
	}
	MTC0(7, 0, 0);
}

static int swint_hook(rt_frame *f)
{
	if (CA_EXC(f->cause) == EXC_INT)
		MTC0(13, 0, MFC0(13, 0) & ~(CA_IP(0) | CA_IP(1)));
	return 0;
}

static void software_interrupts(void)
{
	uint32_t st = MFC0(12, 0);

	rtc_hook = swint_hook;
	for (int n = 0; n < 2; n++) {
		rt_printf("     software interrupt %d:\n", n);
		MTC0(12, 0, st | ST_IE | ST_IM(n));
		rtc_clear();
		t_swint(CA_IP(n), 0, 0, 0);
		MTC0(12, 0, st);
		rtc_check("  exceptions", rtc_nexc, 1);
		rtc_check("  ExcCode", CA_EXC(rtc_log.cause), EXC_INT);
		rtc_check("  Cause.IP", rtc_log.cause & (CA_IP(0) | CA_IP(1)), CA_IP(n));
		rtc_check_true("  EPC at the ehb or right after it",
			       rtc_log.epc == RTC_ADDR(t_swint_after) ||
				       rtc_log.epc == RTC_ADDR(t_swint_after) - 4,
			       rtc_log.epc);
		rtc_check("  cleared by the handler", MFC0(13, 0) & (CA_IP(0) | CA_IP(1)), 0);
	}
	/* Masked: IM0 clear, the request stays pending in Cause. */
	MTC0(12, 0, st | ST_IE);
	rtc_clear();
	t_swint(CA_IP(0), 0, 0, 0);
	MTC0(12, 0, st);
	rtc_check("masked software interrupt: not taken", rtc_nexc, 0);
	rtc_check("masked software interrupt: Cause.IP0 pending", MFC0(13, 0) & CA_IP(0), CA_IP(0));
	MTC0(13, 0, 0);
	rtc_hook = 0;
}

int main(void)
{
	rt_printf("cp0_test: CP0 identification, configuration, rdhwr\n");
	rtc_install();
	ident();
	reset_state();
	writable();
	rdhwr_kernel();
	rdhwr_user();
	software_interrupts();
	return rtc_finish("cp0_test");
}
