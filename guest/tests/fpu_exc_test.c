/* guest/tests/fpu_exc_test.c: floating-point exceptions and coprocessor 1
 * usability (MIPS32r2 PRA and the FPU chapter of Volume I).
 *
 * Checks: with FCSR enables clear, 1/0 gives +inf and 0/0 the legacy
 * default quiet NaN, setting the FCSR cause and flag bits without trapping;
 * with an enable set, div.s/div.d by zero (Z), sqrt of -1, 0/0 and inf-inf
 * (V) and an overflowing mul.s (O) raise FPE (ExcCode 15) at the
 * instruction, set the FCSR cause bit, leave the flags and the destination
 * register unchanged; with Status.CU1 clear, lwc1, mtc1, cfc1 and add.s
 * raise CpU (ExcCode 11) with Cause.CE = 1; unaligned lwc1/swc1 and
 * ldc1/sdc1 at a word but not doubleword boundary raise AdEL/AdES. Exits 0 only when every check
 * held.
 */
#include "rt_check.h"

#define FCSR_CAUSE(c) ((c) << 12) /* bit: E 0x20, V 0x10, Z 8, O 4, U 2, I 1 */
#define FCSR_ENABLE(c) ((c) << 7) /* V 0x10, Z 8, O 4, U 2, I 1 */
#define FCSR_FLAG(c) ((c) << 2)
#define FX_V 0x10u
#define FX_Z 0x08u
#define FX_O 0x04u

#define ONE 0x3f800000u
#define MINUS_ONE 0xbf800000u
#define INF 0x7f800000u
#define BIG 0x7f000000u

/* Single-precision op on f4 (a0) and f6 (a1) into f2 (preset to a2). */
#define FOP2(name, insn)                                                                          \
	RTC_FN(name, "mtc1 $a0, $f4\n\tmtc1 $a1, $f6\n\tmtc1 $a2, $f2\n" RTC_LABEL(name##_x) insn \
	       "\n\tmfc1 $v0, $f2\n\t"                                                            \
	       "jr $ra\n\tnop");                                                                  \
	extern char name##_x[]
FOP2(t_div_s, "div.s $f2, $f4, $f6");
FOP2(t_sub_s, "sub.s $f2, $f4, $f6");
FOP2(t_mul_s, "mul.s $f2, $f4, $f6");
FOP2(t_add_s, "add.s $f2, $f4, $f6");
FOP2(t_sqrt_s, "sqrt.s $f2, $f4");
/* 1.0 / 0.0 in double precision; f2/f3 preset to a2/a3; returns f3. */
RTC_FN(t_div_d, "lui $t0, 0x3ff0\n\tmtc1 $zero, $f4\n\tmtc1 $t0, $f5\n\t"
		"mtc1 $zero, $f6\n\tmtc1 $zero, $f7\n\tmtc1 $a2, $f2\n\tmtc1 $a3, $f3\n" RTC_LABEL(
			t_div_d_x) "div.d $f2, $f4, $f6\n\tmfc1 $v0, $f3\n\t"
				   "jr $ra\n\tnop");
extern char t_div_d_x[];

RTC_INSN(t_lwc1, "lwc1 $f0, 0($a0)");
RTC_INSN(t_mtc1, "mtc1 $a0, $f0");
RTC_INSN(t_cfc1, "cfc1 $v0, $31");
RTC_INSN(t_add_s_only, "add.s $f0, $f2, $f4");
RTC_INSN(t_lwc1_a, "lwc1 $f0, 0($a0)");
RTC_INSN(t_swc1_a, "swc1 $f0, 0($a0)");
RTC_INSN(t_ldc1_a, "ldc1 $f0, 0($a0)");
RTC_INSN(t_sdc1_a, "sdc1 $f0, 0($a0)");

static uint32_t get_fcsr(void)
{
	uint32_t v;

	__asm__ volatile("cfc1 %0, $31" : "=r"(v));
	return v;
}

static void set_fcsr(uint32_t v)
{
	__asm__ volatile("ctc1 %0, $31" : : "r"(v) : "memory");
}

static void untrapped(void)
{
	uint32_t r;

	set_fcsr(0);
	rtc_clear();
	r = t_div_s(ONE, 0, 0xdead, 0);
	rtc_check("1/0 untrapped: +inf", r, INF);
	rtc_check("1/0 untrapped: FCSR cause Z, flag Z", get_fcsr(),
		  FCSR_CAUSE(FX_Z) | FCSR_FLAG(FX_Z));
	set_fcsr(0);
	r = t_div_s(0, 0, 0xdead, 0);
	rtc_check("0/0 untrapped: default NaN", r, 0x7fbfffff);
	rtc_check("0/0 untrapped: FCSR cause V, flag V", get_fcsr(),
		  FCSR_CAUSE(FX_V) | FCSR_FLAG(FX_V));
	r = t_add_s(ONE, ONE, 0xdead, 0);
	rtc_check("1+1: 2.0", r, 0x40000000);
	rtc_check("1+1: cause cleared, flag V kept", get_fcsr(), FCSR_FLAG(FX_V));
	rtc_check("untrapped: no exception", rtc_nexc, 0);
	set_fcsr(0);
}

static void trapped(void)
{
	static const struct {
		const char *what;
		uint32_t (*f)(uint32_t, uint32_t, uint32_t, uint32_t);
		const char *x;
		uint32_t a, b, enable, cause;
	} t[] = {
		{"div.s 1/0, Z enabled", t_div_s, t_div_s_x, ONE, 0, FX_Z, FX_Z},
		{"div.s 0/0, V+Z enabled", t_div_s, t_div_s_x, 0, 0, FX_V | FX_Z, FX_V},
		{"sqrt.s -1, V enabled", t_sqrt_s, t_sqrt_s_x, MINUS_ONE, 0, FX_V, FX_V},
		{"sub.s inf-inf, V enabled", t_sub_s, t_sub_s_x, INF, INF, FX_V, FX_V},
	};

	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		char buf[96];
		size_t n = rt_strlen(t[i].what);
		uint32_t r, fcsr;

		rt_memcpy(buf, t[i].what, n);
		set_fcsr(FCSR_ENABLE(t[i].enable));
		rtc_clear();
		r = t[i].f(t[i].a, t[i].b, 0x12345678, 0);
		fcsr = get_fcsr();
		set_fcsr(0);
		rtc_expect(t[i].what, EXC_FPE, RTC_ADDR(t[i].x));
		rt_memcpy(buf + n, ": destination unchanged", 24);
		rtc_check(buf, r, 0x12345678);
		rt_memcpy(buf + n, ": FCSR (cause set, flags not)", 30);
		rtc_check(buf, fcsr, FCSR_ENABLE(t[i].enable) | FCSR_CAUSE(t[i].cause));
	}

	set_fcsr(FCSR_ENABLE(FX_Z));
	rtc_clear();
	uint32_t hi = t_div_d(0, 0, 0x11111111, 0x22222222);
	uint32_t fcsr = get_fcsr();
	set_fcsr(0);
	rtc_expect("div.d 1/0, Z enabled", EXC_FPE, RTC_ADDR(t_div_d_x));
	rtc_check("div.d 1/0: destination high word unchanged", hi, 0x22222222);
	rtc_check("div.d 1/0: FCSR", fcsr, FCSR_ENABLE(FX_Z) | FCSR_CAUSE(FX_Z));

	set_fcsr(FCSR_ENABLE(FX_O));
	rtc_clear();
	uint32_t r = t_mul_s(BIG, BIG, 0x12345678, 0);
	fcsr = get_fcsr();
	set_fcsr(0);
	rtc_expect("mul.s overflow, O enabled", EXC_FPE, RTC_ADDR(t_mul_s_x));
	rtc_check("mul.s overflow: destination unchanged", r, 0x12345678);
	rtc_check("mul.s overflow: FCSR cause O", fcsr & FCSR_CAUSE(FX_O), FCSR_CAUSE(FX_O));
	rtc_check("mul.s overflow: no flags", fcsr & FCSR_FLAG(0x1f), 0);

	rtc_clear();
	set_fcsr(FCSR_ENABLE(FX_Z | FX_V | FX_O));
	rtc_check("enabled, no exceptional operation: 1+1", t_add_s(ONE, ONE, 0, 0), 0x40000000);
	set_fcsr(0);
	rtc_check("enabled, no exceptional operation: exceptions", rtc_nexc, 0);
}

static void unusable(void)
{
	static uint32_t word = ONE;
	static const struct {
		const char *what;
		uint32_t (*f)(uint32_t, uint32_t, uint32_t, uint32_t);
		const char *x;
	} u[] = {
		{"lwc1 with CU1=0", t_lwc1, t_lwc1_x},
		{"mtc1 with CU1=0", t_mtc1, t_mtc1_x},
		{"cfc1 with CU1=0", t_cfc1, t_cfc1_x},
		{"add.s with CU1=0", t_add_s_only, t_add_s_only_x},
	};
	uint32_t st = MFC0(12, 0);

	for (unsigned i = 0; i < sizeof u / sizeof u[0]; i++) {
		char buf[64];
		size_t n = rt_strlen(u[i].what);
		rt_memcpy(buf, u[i].what, n);
		rt_memcpy(buf + n, ": Cause.CE", 11);
		MTC0(12, 0, st & ~ST_CU1);
		rtc_clear();
		u[i].f(RTC_ADDR(&word), 0, 0, 0);
		MTC0(12, 0, st);
		rtc_expect(u[i].what, EXC_CPU, RTC_ADDR(u[i].x));
		rtc_check(buf, CA_CE(rtc_log.cause), 1);
	}
	rtc_clear();
	t_lwc1(RTC_ADDR(&word), 0, 0, 0);
	rtc_check("lwc1 with CU1=1: exceptions", rtc_nexc, 0);
}

static void alignment(void)
{
	static uint32_t buf[4] __attribute__((aligned(8)));
	static const struct {
		const char *what;
		uint32_t (*f)(uint32_t, uint32_t, uint32_t, uint32_t);
		const char *x;
		uint32_t off, code;
	} a[] = {
		{"lwc1 at +2", t_lwc1_a, t_lwc1_a_x, 2, EXC_ADEL},
		{"swc1 at +1", t_swc1_a, t_swc1_a_x, 1, EXC_ADES},
		{"ldc1 at +4", t_ldc1_a, t_ldc1_a_x, 4, EXC_ADEL},
		{"sdc1 at +4", t_sdc1_a, t_sdc1_a_x, 4, EXC_ADES},
	};

	for (unsigned i = 0; i < sizeof a / sizeof a[0]; i++) {
		char b[64];
		size_t n = rt_strlen(a[i].what);
		rt_memcpy(b, a[i].what, n);
		rt_memcpy(b + n, ": BadVAddr", 11);
		rtc_clear();
		a[i].f(RTC_ADDR(buf) + a[i].off, 0, 0, 0);
		rtc_expect(a[i].what, a[i].code, RTC_ADDR(a[i].x));
		rtc_check(b, rtc_log.badvaddr, RTC_ADDR(buf) + a[i].off);
	}
	rtc_clear();
	t_ldc1_a(RTC_ADDR(buf) + 8, 0, 0, 0);
	t_sdc1_a(RTC_ADDR(buf), 0, 0, 0);
	rtc_check("aligned ldc1/sdc1: exceptions", rtc_nexc, 0);
}

int main(void)
{
	rt_printf("fpu_exc_test: FP exceptions and CP1 usability\n");
	rtc_install();
	rtc_check("Status.CU1 set by the runtime", MFC0(12, 0) & ST_CU1, ST_CU1);
	untrapped();
	trapped();
	unusable();
	alignment();
	return rtc_finish("fpu_exc_test");
}
