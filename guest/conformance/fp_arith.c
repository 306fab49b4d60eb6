/* guest/conformance/fp_arith.c: conformance of the FPU arithmetic.
 *
 * add/sub/mul/div .s and .d on every pair of a table of edge values (zeros,
 * denormals, the normal extremes, infinities, quiet and signalling legacy
 * NaNs, values that round to ties), and sqrt/abs/neg/mov/recip/rsqrt on
 * every value, in each of the four rounding modes. Each result is printed
 * as its bit pattern followed by the FCSR cause field (".xx", set by the
 * one instruction with FCSR cleared before it; exceptions are not
 * enabled). Built twice (bare for discoflash, Linux for qemu-mipsel); the
 * outputs must be identical.
 */
#include "rt.h"

static const uint32_t sv[] = {
	0x00000000, /* +0 */
	0x80000000, /* -0 */
	0x3f800000, /* 1 */
	0xbfc00000, /* -1.5 */
	0x40400000, /* 3 */
	0x3dcccccd, /* 0.1 */
	0x33800000, /* 2^-24: 1 + this is a tie */
	0x00000001, /* smallest denormal */
	0x807fffff, /* -largest denormal */
	0x00800000, /* smallest normal */
	0x7f7fffff, /* largest normal */
	0xff000000, /* -2^127 */
	0x7f800000, /* +inf */
	0xff800000, /* -inf */
	0x7f800001, /* quiet NaN (legacy: fraction MSB clear) */
	0xffc00000, /* -signalling NaN (fraction MSB set) */
};
#define NSV (sizeof sv / sizeof sv[0])

static const uint64_t dv[] = {
	0x0000000000000000ull, /* +0 */
	0x8000000000000000ull, /* -0 */
	0x3ff0000000000000ull, /* 1 */
	0xbff8000000000000ull, /* -1.5 */
	0x4008000000000000ull, /* 3 */
	0x3fb999999999999aull, /* 0.1 */
	0x3ca0000000000000ull, /* 2^-53 */
	0x0000000000000001ull, /* smallest denormal */
	0x800fffffffffffffull, /* -largest denormal */
	0x0010000000000000ull, /* smallest normal */
	0x7fefffffffffffffull, /* largest normal */
	0x7ff0000000000000ull, /* +inf */
	0xfff0000000000000ull, /* -inf */
	0x7ff0000000000001ull, /* quiet NaN */
	0x7ff8000000000000ull, /* signalling NaN */
};
#define NDV (sizeof dv / sizeof dv[0])

static const char *const rm_name[4] = {"RN", "RZ", "RP", "RM"};

/* fd = $f0, fs = $f2, ft = $f4; FCSR = fcsr before, *fo = FCSR after. */
#define S2(fn, insn)                                                                     \
	static uint32_t fn(uint32_t a, uint32_t b, uint32_t fcsr, uint32_t *fo)          \
	{                                                                                \
		uint32_t r, o;                                                           \
		__asm__ volatile("mtc1 %2, $f2\n\tmtc1 %3, $f4\n\tctc1 %4, $31\n\t" insn \
				 " $f0, $f2, $f4\n\tcfc1 %1, $31\n\tmfc1 %0, $f0"        \
				 : "=&r"(r), "=&r"(o)                                    \
				 : "r"(a), "r"(b), "r"(fcsr)                             \
				 : "$f0", "$f2", "$f4");                                 \
		*fo = o;                                                                 \
		return r;                                                                \
	}
#define S1(fn, insn)                                                                     \
	static uint32_t fn(uint32_t a, uint32_t fcsr, uint32_t *fo)                      \
	{                                                                                \
		uint32_t r, o;                                                           \
		__asm__ volatile("mtc1 %2, $f2\n\tmtc1 $0, $f0\n\tctc1 %3, $31\n\t" insn \
				 " $f0, $f2\n\tcfc1 %1, $31\n\tmfc1 %0, $f0"             \
				 : "=&r"(r), "=&r"(o)                                    \
				 : "r"(a), "r"(fcsr)                                     \
				 : "$f0", "$f2");                                        \
		*fo = o;                                                                 \
		return r;                                                                \
	}
#define D2(fn, insn)                                                                             \
	static uint64_t fn(uint64_t a, uint64_t b, uint32_t fcsr, uint32_t *fo)                  \
	{                                                                                        \
		uint32_t lo, hi, o;                                                              \
		__asm__ volatile("mtc1 %3, $f2\n\tmtc1 %4, $f3\n\t"                              \
				 "mtc1 %5, $f4\n\tmtc1 %6, $f5\n\tctc1 %7, $31\n\t" insn         \
				 " $f0, $f2, $f4\n\tcfc1 %2, $31\n\t"                            \
				 "mfc1 %0, $f0\n\tmfc1 %1, $f1"                                  \
				 : "=&r"(lo), "=&r"(hi), "=&r"(o)                                \
				 : "r"((uint32_t)a), "r"((uint32_t)(a >> 32)), "r"((uint32_t)b), \
				   "r"((uint32_t)(b >> 32)), "r"(fcsr)                           \
				 : "$f0", "$f1", "$f2", "$f3", "$f4", "$f5");                    \
		*fo = o;                                                                         \
		return (uint64_t)hi << 32 | lo;                                                  \
	}
#define D1(fn, insn)                                                                     \
	static uint64_t fn(uint64_t a, uint32_t fcsr, uint32_t *fo)                      \
	{                                                                                \
		uint32_t lo, hi, o;                                                      \
		__asm__ volatile("mtc1 %3, $f2\n\tmtc1 %4, $f3\n\tctc1 %5, $31\n\t" insn \
				 " $f0, $f2\n\tcfc1 %2, $31\n\t"                         \
				 "mfc1 %0, $f0\n\tmfc1 %1, $f1"                          \
				 : "=&r"(lo), "=&r"(hi), "=&r"(o)                        \
				 : "r"((uint32_t)a), "r"((uint32_t)(a >> 32)), "r"(fcsr) \
				 : "$f0", "$f1", "$f2", "$f3");                          \
		*fo = o;                                                                 \
		return (uint64_t)hi << 32 | lo;                                          \
	}

S2(add_s, "add.s")
S2(sub_s, "sub.s")
S2(mul_s, "mul.s")
S2(div_s, "div.s")
S1(sqrt_s, "sqrt.s")
S1(abs_s, "abs.s")
S1(neg_s, "neg.s")
S1(mov_s, "mov.s")
S1(recip_s, "recip.s")
S1(rsqrt_s, "rsqrt.s")
D2(add_d, "add.d")
D2(sub_d, "sub.d")
D2(mul_d, "mul.d")
D2(div_d, "div.d")
D1(sqrt_d, "sqrt.d")
D1(abs_d, "abs.d")
D1(neg_d, "neg.d")
D1(mov_d, "mov.d")
D1(recip_d, "recip.d")
D1(rsqrt_d, "rsqrt.d")

/* FCSR cause field (E V Z O U I). */
static unsigned cause(uint32_t fcsr)
{
	return (fcsr >> 12) & 0x3f;
}

static const struct {
	const char *name;
	uint32_t (*f)(uint32_t, uint32_t, uint32_t, uint32_t *);
} sbin[] = {{"add.s", add_s}, {"sub.s", sub_s}, {"mul.s", mul_s}, {"div.s", div_s}};

static const struct {
	const char *name;
	uint64_t (*f)(uint64_t, uint64_t, uint32_t, uint32_t *);
} dbin[] = {{"add.d", add_d}, {"sub.d", sub_d}, {"mul.d", mul_d}, {"div.d", div_d}};

static const struct {
	const char *name;
	uint32_t (*f)(uint32_t, uint32_t, uint32_t *);
} sun[] = {{"sqrt.s", sqrt_s}, {"abs.s", abs_s},     {"neg.s", neg_s},
	   {"mov.s", mov_s},   {"recip.s", recip_s}, {"rsqrt.s", rsqrt_s}};

static const struct {
	const char *name;
	uint64_t (*f)(uint64_t, uint32_t, uint32_t *);
} dun[] = {{"sqrt.d", sqrt_d}, {"abs.d", abs_d},     {"neg.d", neg_d},
	   {"mov.d", mov_d},   {"recip.d", recip_d}, {"rsqrt.d", rsqrt_d}};

int main(void)
{
	uint32_t fo;

	rt_printf("fp_arith: FPU arithmetic conformance\n");
	for (unsigned k = 0; k < 4; k++) {
		for (unsigned rm = 0; rm < 4; rm++) {
			for (unsigned i = 0; i < NSV; i++) {
				rt_printf("%s %s %08x:", sbin[k].name, rm_name[rm], sv[i]);
				for (unsigned j = 0; j < NSV; j++) {
					uint32_t r = sbin[k].f(sv[i], sv[j], rm, &fo);
					rt_printf(" %08x.%02x", r, cause(fo));
				}
				rt_printf("\n");
			}
		}
	}
	for (unsigned k = 0; k < 4; k++) {
		for (unsigned rm = 0; rm < 4; rm++) {
			for (unsigned i = 0; i < NDV; i++) {
				rt_printf("%s %s %016llx:", dbin[k].name, rm_name[rm],
					  (unsigned long long)dv[i]);
				for (unsigned j = 0; j < NDV; j++) {
					uint64_t r = dbin[k].f(dv[i], dv[j], rm, &fo);
					rt_printf(" %016llx.%02x", (unsigned long long)r,
						  cause(fo));
				}
				rt_printf("\n");
			}
		}
	}
	for (unsigned k = 0; k < sizeof sun / sizeof sun[0]; k++) {
		for (unsigned rm = 0; rm < 4; rm++) {
			rt_printf("%s %s:", sun[k].name, rm_name[rm]);
			for (unsigned i = 0; i < NSV; i++) {
				uint32_t r = sun[k].f(sv[i], rm, &fo);
				rt_printf(" %08x.%02x", r, cause(fo));
			}
			rt_printf("\n");
			rt_printf("%s %s:", dun[k].name, rm_name[rm]);
			for (unsigned i = 0; i < NDV; i++) {
				uint64_t r = dun[k].f(dv[i], rm, &fo);
				rt_printf(" %016llx.%02x", (unsigned long long)r, cause(fo));
			}
			rt_printf("\n");
		}
	}
	/* abs/neg/mov leave the cause of the previous instruction. */
	rt_printf("abs.s after inexact: %08x\n",
		  (add_s(0x3f800000, 0x33800000, 0, &fo), abs_s(0xffc00000, fo, &fo), fo));
	__asm__ volatile("ctc1 $0, $31");
	rt_exit(0);
}
