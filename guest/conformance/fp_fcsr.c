/* guest/conformance/fp_fcsr.c: conformance of the FPU control registers.
 *
 * ctc1/cfc1 on FCSR ($31) and its views FCCR ($25), FEXR ($26) and FENR
 * ($28): which bits are writable, how the views map onto FCSR, which
 * writes are ignored; then how FCSR evolves over a sequence of operations
 * that are not separated by ctc1 (flags are sticky, the cause field is
 * rewritten by each arithmetic instruction and left alone by abs/neg/mov
 * and the moves), signed-zero results in each rounding mode, and FCSR.FS
 * (tiny results become zeros and raise nothing). FIR ($0) is not printed:
 * discoflash models an FPU without F64, qemu-mipsel's 24Kf claims it.
 * No write leaves an enabled cause set (that would raise the exception).
 * Built twice (bare for discoflash, Linux for qemu-mipsel); the outputs
 * must be identical.
 */
#include "rt.h"

static uint32_t rd31(void)
{
	uint32_t v;
	__asm__ volatile("cfc1 %0, $31" : "=r"(v));
	return v;
}

static void wr31(uint32_t v)
{
	__asm__ volatile("ctc1 %0, $31" : : "r"(v));
}

static void show(const char *what)
{
	uint32_t r25, r26, r28, r31;

	__asm__ volatile("cfc1 %0, $25\n\tcfc1 %1, $26\n\tcfc1 %2, $28\n\tcfc1 %3, $31"
			 : "=r"(r25), "=r"(r26), "=r"(r28), "=r"(r31));
	rt_printf("%s fcsr %08x fccr %08x fexr %08x fenr %08x\n", what, r31, r25, r26, r28);
}

/* Single-precision operations on $f0 = $f2 op $f4 without touching FCSR. */
#define OP_S(fn, text)                                                          \
	static uint32_t fn(uint32_t a, uint32_t b)                              \
	{                                                                       \
		uint32_t r;                                                     \
		__asm__ volatile("mtc1 %1, $f2\n\tmtc1 %2, $f4\n\t" text "\n\t" \
				 "mfc1 %0, $f0"                                 \
				 : "=&r"(r)                                     \
				 : "r"(a), "r"(b)                               \
				 : "$f0", "$f2", "$f4");                        \
		return r;                                                       \
	}
OP_S(add_s, "add.s $f0, $f2, $f4")
OP_S(sub_s, "sub.s $f0, $f2, $f4")
OP_S(mul_s, "mul.s $f0, $f2, $f4")
OP_S(div_s, "div.s $f0, $f2, $f4")
OP_S(abs_s, "abs.s $f0, $f2")
OP_S(neg_s, "neg.s $f0, $f2")
OP_S(mov_s, "mov.s $f0, $f2")
OP_S(movt_s, "mtc1 $0, $f0\n\tmovt.s $f0, $f2, $fcc0")
OP_S(cvt_w_s, "cvt.w.s $f0, $f2")
OP_S(c_un_s, "mtc1 $0, $f0\n\tc.un.s $f2, $f4")
OP_S(c_sf_s, "mtc1 $0, $f0\n\tc.sf.s $f2, $f4")
OP_S(cvt_d_w_lo, "cvt.d.w $f0, $f2") /* low word of the result */

static const struct {
	const char *name;
	uint32_t (*f)(uint32_t, uint32_t);
	uint32_t a, b;
} seq[] = {
	{"add.s inexact", add_s, 0x3f800000, 0x33800000},
	{"abs.s keeps cause", abs_s, 0xbf800000, 0},
	{"mul.s overflow", mul_s, 0x7f7fffff, 0x40000000},
	{"neg.s keeps cause", neg_s, 0x7fc00000, 0},
	{"mov.s keeps cause", mov_s, 0x7fc00000, 0},
	{"div.s by zero", div_s, 0x3f800000, 0x00000000},
	{"movt.s keeps cause", movt_s, 0x12345678, 0},
	{"add.s exact clears cause", add_s, 0x3f800000, 0x3f800000},
	{"mul.s underflow", mul_s, 0x00800001, 0x3f000000},
	{"c.un.s qNaN: no cause", c_un_s, 0x7f800001, 0x3f800000},
	{"c.sf.s qNaN: invalid", c_sf_s, 0x7f800001, 0x3f800000},
	{"cvt.w.s 2^31: invalid", cvt_w_s, 0x4f000000, 0},
	{"cvt.d.w: clears cause", cvt_d_w_lo, 0x00000005, 0},
	{"sub.s inf-inf", sub_s, 0x7f800000, 0x7f800000},
};

/* Results whose sign depends on the rounding mode. */
static const struct {
	const char *name;
	uint32_t (*f)(uint32_t, uint32_t);
	uint32_t a, b;
} zeros[] = {
	{"1 - 1", sub_s, 0x3f800000, 0x3f800000},
	{"1 + -1", add_s, 0x3f800000, 0xbf800000},
	{"-0 + +0", add_s, 0x80000000, 0x00000000},
	{"-0 + -0", add_s, 0x80000000, 0x80000000},
	{"-0 - -0", sub_s, 0x80000000, 0x80000000},
	{"-0 * 5", mul_s, 0x80000000, 0x40a00000},
	{"-tiny * tiny", mul_s, 0x80000001, 0x00000001},
	{"tiny * tiny", mul_s, 0x00000001, 0x00000001},
	{"0 / -3", div_s, 0x00000000, 0xc0400000},
};

/* FCSR.FS: tiny results. */
static const struct {
	const char *name;
	uint32_t (*f)(uint32_t, uint32_t);
	uint32_t a, b;
} flush[] = {
	{"min * 0.5 (exact denormal)", mul_s, 0x00800000, 0x3f000000},
	{"denormal + 0", add_s, 0x00000001, 0x00000000},
	{"denormal + denormal", add_s, 0x00400000, 0x00400000},
	{"-denormal - denormal", sub_s, 0x80000001, 0x00000001},
	{"0x00800001 * 0.5", mul_s, 0x00800001, 0x3f000000},
	{"0x00ffffff * 0.5", mul_s, 0x00ffffff, 0x3f000000},
	{"0x3f7fffff * 0x00800001", mul_s, 0x3f7fffff, 0x00800001},
	{"min / 3", div_s, 0x00800000, 0x40400000},
	{"1 / max", div_s, 0x3f800000, 0x7f7fffff},
	{"denormal * 1 ", mul_s, 0x00000003, 0x3f800000},
	{"denormal * 2^24", mul_s, 0x00000001, 0x4b800000},
	{"abs.s denormal", abs_s, 0x80000001, 0},
	{"cvt.w.s denormal", cvt_w_s, 0x00000001, 0},
};

int main(void)
{
	static const uint32_t w31[] = {
		0xfffc007f, 0x007c0000, 0x01000000, 0x00000003, 0x0000007c, 0x0003f000 & ~0x20000u,
		0xfe800000, 0x00000f80,
	};
	static const uint32_t w25[] = {0x000000ff, 0x00000001, 0x000000fe, 0x00000100, 0x5a};
	static const uint32_t w26[] = {0x0001f07c, 0x00000004, 0x00040000, 0xffffffff & 0x0001f07c};
	static const uint32_t w28[] = {0x00000f87, 0x00000004, 0x00000003, 0x00400000, 0x00000f80};

	rt_printf("fp_fcsr: FPU control register conformance\n");
	show("reset:");
	for (unsigned i = 0; i < sizeof w31 / sizeof w31[0]; i++) {
		wr31(w31[i]);
		rt_printf("ctc1 $31 %08x:", w31[i]);
		show("");
	}
	for (unsigned i = 0; i < sizeof w25 / sizeof w25[0]; i++) {
		wr31(0x0000007c);
		__asm__ volatile("ctc1 %0, $25" : : "r"(w25[i]));
		rt_printf("ctc1 $25 %08x:", w25[i]);
		show("");
	}
	for (unsigned i = 0; i < sizeof w26 / sizeof w26[0]; i++) {
		wr31(0xfe800003);
		__asm__ volatile("ctc1 %0, $26" : : "r"(w26[i]));
		rt_printf("ctc1 $26 %08x:", w26[i]);
		show("");
	}
	for (unsigned i = 0; i < sizeof w28 / sizeof w28[0]; i++) {
		wr31(0x0000107c & ~0x1000u);
		__asm__ volatile("ctc1 %0, $28" : : "r"(w28[i]));
		rt_printf("ctc1 $28 %08x:", w28[i]);
		show("");
	}
	for (unsigned i = 1; i < 32; i++) {
		/* Every readable register besides FIR, after a known FCSR. */
		uint32_t v = 0;
		wr31(0xa580107e);
		switch (i) {
/* clang-format off */
#define R(n) case n: __asm__ volatile("cfc1 %0, $" #n : "=r"(v)); break;
		R(1) R(2) R(3) R(4) R(5) R(6) R(7) R(8) R(9) R(10) R(11) R(12) R(13) R(14) R(15)
		R(16) R(17) R(18) R(19) R(20) R(21) R(22) R(23) R(24) R(25) R(26) R(27) R(28)
		R(29) R(30) R(31)
#undef R
			/* clang-format on */
		}
		rt_printf("cfc1 $%u = %08x\n", i, v);
	}

	for (unsigned rm = 0; rm < 4; rm++) {
		wr31(rm);
		for (unsigned i = 0; i < sizeof seq / sizeof seq[0]; i++) {
			uint32_t r = seq[i].f(seq[i].a, seq[i].b);
			rt_printf("rm %u %-26s %08x fcsr %08x\n", rm, seq[i].name, r, rd31());
		}
	}
	for (unsigned rm = 0; rm < 4; rm++) {
		for (unsigned i = 0; i < sizeof zeros / sizeof zeros[0]; i++) {
			uint32_t r;
			wr31(rm);
			r = zeros[i].f(zeros[i].a, zeros[i].b);
			rt_printf("rm %u %-14s %08x fcsr %08x\n", rm, zeros[i].name, r, rd31());
		}
	}
	for (unsigned rm = 0; rm < 4; rm++) {
		for (unsigned i = 0; i < sizeof flush / sizeof flush[0]; i++) {
			uint32_t r;
			wr31(0x01000000u | rm);
			r = flush[i].f(flush[i].a, flush[i].b);
			rt_printf("FS rm %u %-26s %08x fcsr %08x\n", rm, flush[i].name, r, rd31());
		}
	}
	wr31(0);
	rt_exit(0);
}
