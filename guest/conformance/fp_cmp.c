/* guest/conformance/fp_cmp.c: conformance of FPU compares and
 * conditional moves.
 *
 * c.cond.s and c.cond.d, all 16 conditions, on every pair of a table of
 * values (signed zeros, denormals, infinities, quiet and signalling legacy
 * NaNs): one line per pair gives, for conditions 0..15, the condition code
 * as a 16-bit mask and the invalid cause as another (a quiet condition
 * raises invalid only for a signalling NaN, a signalling one for any NaN).
 * Then: every condition-code number 0..7 as the target of c.cond and as
 * the source of bc1t/bc1f, movt/movf (integer, .s and .d); movz/movn .s
 * and .d; and that compares clear the cause field while the moves leave it.
 * Exceptions are not enabled. Built twice (bare for discoflash, Linux for
 * qemu-mipsel); the outputs must be identical.
 */
#include "rt.h"

static const uint32_t sv[] = {
	0x00000000,
	0x80000000,
	0x3f800000,
	0xbf800000,
	0x3f800001,
	0x00000001,
	0x80000001,
	0x7f7fffff,
	0x7f800000,
	0xff800000,
	0x7f800001 /* qNaN */,
	0xffbfffff /* -qNaN */,
	0x7fc00000 /* sNaN */,
};
#define NSV (sizeof sv / sizeof sv[0])

static const uint64_t dv[] = {
	0x0000000000000000ull,
	0x8000000000000000ull,
	0x3ff0000000000000ull,
	0x3ff0000000000001ull,
	0xbff0000000000000ull,
	0x0000000000000001ull,
	0x7ff0000000000000ull,
	0xfff0000000000000ull,
	0x7ff0000000000001ull /* qNaN */,
	0x7ff8000000000000ull /* sNaN */,
	0xfff7ffffffffffffull /* -qNaN */,
};
#define NDV (sizeof dv / sizeof dv[0])

static uint32_t get_fcsr(void)
{
	uint32_t v;
	__asm__ volatile("cfc1 %0, $31" : "=r"(v));
	return v;
}

static void set_fcsr(uint32_t v)
{
	__asm__ volatile("ctc1 %0, $31" : : "r"(v));
}

/* c.<cond>.s $fcc0, fs, ft with FCSR cleared; returns FCSR after. */
#define CMP_S(cond)                                                                              \
	static uint32_t c_##cond##_s(uint32_t a, uint32_t b)                                     \
	{                                                                                        \
		uint32_t o;                                                                      \
		__asm__ volatile("mtc1 %1, $f2\n\tmtc1 %2, $f4\n\tctc1 $0, $31\n\t"              \
				 "c." #cond ".s $f2, $f4\n\tcfc1 %0, $31"                        \
				 : "=&r"(o)                                                      \
				 : "r"(a), "r"(b)                                                \
				 : "$f2", "$f4");                                                \
		return o;                                                                        \
	}                                                                                        \
	static uint32_t c_##cond##_d(uint64_t a, uint64_t b)                                     \
	{                                                                                        \
		uint32_t o;                                                                      \
		__asm__ volatile("mtc1 %1, $f2\n\tmtc1 %2, $f3\n\tmtc1 %3, $f4\n\t"              \
				 "mtc1 %4, $f5\n\tctc1 $0, $31\n\t"                              \
				 "c." #cond ".d $f2, $f4\n\tcfc1 %0, $31"                        \
				 : "=&r"(o)                                                      \
				 : "r"((uint32_t)a), "r"((uint32_t)(a >> 32)), "r"((uint32_t)b), \
				   "r"((uint32_t)(b >> 32))                                      \
				 : "$f2", "$f3", "$f4", "$f5");                                  \
		return o;                                                                        \
	}
CMP_S(f)
CMP_S(un)
CMP_S(eq)
CMP_S(ueq)
CMP_S(olt)
CMP_S(ult)
CMP_S(ole)
CMP_S(ule)
CMP_S(sf)
CMP_S(ngle)
CMP_S(seq)
CMP_S(ngl)
CMP_S(lt)
CMP_S(nge)
CMP_S(le)
CMP_S(ngt)

static uint32_t (*const cmp_s[16])(uint32_t, uint32_t) = {
	c_f_s,	c_un_s,	  c_eq_s,  c_ueq_s, c_olt_s, c_ult_s, c_ole_s, c_ule_s,
	c_sf_s, c_ngle_s, c_seq_s, c_ngl_s, c_lt_s,  c_nge_s, c_le_s,  c_ngt_s,
};
static uint32_t (*const cmp_d[16])(uint64_t, uint64_t) = {
	c_f_d,	c_un_d,	  c_eq_d,  c_ueq_d, c_olt_d, c_ult_d, c_ole_d, c_ule_d,
	c_sf_d, c_ngle_d, c_seq_d, c_ngl_d, c_lt_d,  c_nge_d, c_le_d,  c_ngt_d,
};

/* Condition code n of an FCSR value. */
static unsigned cc(uint32_t fcsr, unsigned n)
{
	return (fcsr >> (n ? 24 + n : 23)) & 1;
}

/* c.eq.s into $fcc<n>, then bc1t/bc1f/movt/movf/movt.s/movf.d on it. */
#define CC_TEST(n)                                                                         \
	static void cc_test_##n(uint32_t a, uint32_t b)                                    \
	{                                                                                  \
		uint32_t fcsr, t = 0, f = 0, mt = 0, mf = 0, ms, mdl, mdh;                 \
		__asm__ volatile(".set push\n\t.set noreorder\n\t"                         \
				 "mtc1 %9, $f2\n\tmtc1 %10, $f4\n\t"                       \
				 "mtc1 $0, $f0\n\tmtc1 $0, $f6\n\tmtc1 $0, $f7\n\t"        \
				 "li $8, 0x11111111\n\tmtc1 $8, $f8\n\t"                   \
				 "li $8, 0x22222222\n\tmtc1 $8, $f9\n\t"                   \
				 "c.eq.s $fcc" #n ", $f2, $f4\n\t"                         \
				 "cfc1 %0, $31\n\t"                                        \
				 "bc1t $fcc" #n ", 1f\n\tnop\n\tb 2f\n\tnop\n"             \
				 "1:\tli %1, 1\n"                                          \
				 "2:\tbc1f $fcc" #n ", 3f\n\tnop\n\tb 4f\n\tnop\n"         \
				 "3:\tli %2, 1\n"                                          \
				 "4:\tli $8, 7\n\tmovt %3, $8, $fcc" #n "\n\t"             \
				 "movf %4, $8, $fcc" #n "\n\t"                             \
				 "movt.s $f0, $f2, $fcc" #n "\n\t"                         \
				 "movf.d $f6, $f8, $fcc" #n "\n\t"                         \
				 "mfc1 %5, $f0\n\tmfc1 %6, $f6\n\tmfc1 %7, $f7\n\t"        \
				 ".set pop"                                                \
				 : "=&r"(fcsr), "+&r"(t), "+&r"(f), "+&r"(mt), "+&r"(mf),  \
				   "=&r"(ms), "=&r"(mdl), "=&r"(mdh)                       \
				 : "r"(0), "r"(a), "r"(b)                                  \
				 : "$8", "$f0", "$f2", "$f4", "$f6", "$f7", "$f8", "$f9"); \
		rt_printf("cc%d %08x %08x: fcsr %08x bc1t %u bc1f %u movt %u movf %u "     \
			  "movt.s %08x movf.d %08x%08x\n",                                 \
			  n, a, b, fcsr, t, f, mt, mf, ms, mdh, mdl);                      \
	}
CC_TEST(0)
CC_TEST(1)
CC_TEST(2)
CC_TEST(3)
CC_TEST(4)
CC_TEST(5)
CC_TEST(6)
CC_TEST(7)

/* movz.fmt/movn.fmt on GPR g; the moved-into registers start as 0x5555...
 * and FCSR holds a cause the moves must not clear. */
static void movzn(uint32_t g)
{
	uint32_t z_s, n_s, zl, zh, nl, nh, fcsr;

	__asm__ volatile(
		"li $8, 0x55555555\n\tmtc1 $8, $f0\n\tmtc1 $8, $f6\n\t"
		"mtc1 $8, $f8\n\tmtc1 $8, $f9\n\tmtc1 $8, $f10\n\tmtc1 $8, $f11\n\t"
		"li $8, 0x3f800000\n\tmtc1 $8, $f2\n\t"
		"li $8, 0x89abcdef\n\tmtc1 $8, $f4\n\tli $8, 0x01234567\n\tmtc1 $8, $f5\n\t"
		"li $8, 0x00001004\n\tctc1 $8, $31\n\t"
		"movz.s $f0, $f2, %7\n\tmovn.s $f6, $f2, %7\n\t"
		"movz.d $f8, $f4, %7\n\tmovn.d $f10, $f4, %7\n\t"
		"cfc1 %6, $31\n\t"
		"mfc1 %0, $f0\n\tmfc1 %1, $f6\n\tmfc1 %2, $f8\n\tmfc1 %3, $f9\n\t"
		"mfc1 %4, $f10\n\tmfc1 %5, $f11"
		: "=&r"(z_s), "=&r"(n_s), "=&r"(zl), "=&r"(zh), "=&r"(nl), "=&r"(nh), "=&r"(fcsr)
		: "r"(g)
		: "$8", "$f0", "$f2", "$f4", "$f5", "$f6", "$f8", "$f9", "$f10", "$f11");
	rt_printf("gpr %08x: movz.s %08x movn.s %08x movz.d %08x%08x movn.d %08x%08x fcsr %08x\n",
		  g, z_s, n_s, zh, zl, nh, nl, fcsr);
	set_fcsr(0);
}

int main(void)
{
	rt_printf("fp_cmp: FPU compare and conditional-move conformance\n");
	for (unsigned i = 0; i < NSV; i++) {
		for (unsigned j = 0; j < NSV; j++) {
			unsigned ccm = 0, inv = 0, other = 0;
			for (unsigned c = 0; c < 16; c++) {
				uint32_t o = cmp_s[c](sv[i], sv[j]);
				ccm |= cc(o, 0) << c;
				inv |= ((o >> 16) & 1) << c; /* cause V */
				other |= o & ~0x00810040u;   /* anything else */
			}
			rt_printf("c.s %08x %08x: cc %04x v %04x %08x\n", sv[i], sv[j], ccm, inv,
				  other);
		}
	}
	for (unsigned i = 0; i < NDV; i++) {
		for (unsigned j = 0; j < NDV; j++) {
			unsigned ccm = 0, inv = 0, other = 0;
			for (unsigned c = 0; c < 16; c++) {
				uint32_t o = cmp_d[c](dv[i], dv[j]);
				ccm |= cc(o, 0) << c;
				inv |= ((o >> 16) & 1) << c;
				other |= o & ~0x00810040u;
			}
			rt_printf("c.d %016llx %016llx: cc %04x v %04x %08x\n",
				  (unsigned long long)dv[i], (unsigned long long)dv[j], ccm, inv,
				  other);
		}
	}
	/* Each cc set and cleared, with the other cc bits preset to all ones
	 * and to all zeros. */
	for (unsigned pre = 0; pre < 2; pre++) {
		static void (*const cct[8])(uint32_t, uint32_t) = {
			cc_test_0, cc_test_1, cc_test_2, cc_test_3,
			cc_test_4, cc_test_5, cc_test_6, cc_test_7,
		};
		for (unsigned n = 0; n < 8; n++) {
			/* ctc1 inside cc_test clears nothing: the preset
			 * survives in the other condition codes. */
			set_fcsr(pre ? 0xfe800000u : 0);
			cct[n](0x3f800000, 0x3f800000);
			set_fcsr(pre ? 0xfe800000u : 0);
			cct[n](0x3f800000, 0x40000000);
		}
	}
	movzn(0);
	movzn(1);
	movzn(0x80000000);
	/* Compares clear the cause; c.cond and ctc1 to FCCR agree. */
	{
		uint32_t o, fccr;
		set_fcsr(0x0001f07c);
		__asm__ volatile("mtc1 %2, $f2\n\tc.eq.s $fcc0, $f2, $f2\n\t"
				 "cfc1 %0, $31\n\tcfc1 %1, $25"
				 : "=&r"(o), "=&r"(fccr)
				 : "r"(0x3f800000)
				 : "$f2");
		rt_printf("after c.eq.s: fcsr %08x fccr %08x\n", o, fccr);
		__asm__ volatile("ctc1 %0, $25" : : "r"(0xa5));
		rt_printf("fccr a5: fcsr %08x\n", get_fcsr());
	}
	set_fcsr(0);
	rt_exit(0);
}
