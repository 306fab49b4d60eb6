/* guest/conformance/fp_cvt.c: conformance of the FPU conversions.
 *
 * From single: cvt.d.s, cvt.w.s, round/trunc/ceil/floor.w.s; from double:
 * cvt.s.d, cvt.w.d, round/trunc/ceil/floor.w.d; from word: cvt.s.w,
 * cvt.d.w. Each runs on a table of edge values (halfway cases, the int32
 * limits and just beyond them, denormals, infinities, legacy NaNs, values
 * that overflow or underflow single precision) in each rounding mode, and
 * cvt.s.d also with FCSR.FS set (flush to zero). Every result is printed
 * as bits with the FCSR cause field after it (".xx"); exceptions are not
 * enabled. Built twice (bare for discoflash, Linux for qemu-mipsel); the
 * outputs must be identical.
 */
#include "rt.h"

static const uint32_t sv[] = {
	0x00000000,
	0x80000000,
	0x3f000000 /* 0.5 */,
	0xbf000000,
	0x3fc00000 /* 1.5 */,
	0x40200000 /* 2.5 */,
	0xc0200000,
	0x40300000 /* 2.75 */,
	0xc0300000,
	0x3f7fffff,
	0x00000001,
	0x807fffff,
	0x00800000,
	0x4b000001 /* 2^23+1 */,
	0x4effffff /* 2^31-128 */,
	0x4f000000 /* 2^31 */,
	0xcf000000 /* -2^31 */,
	0xcf000001 /* -2^31-256 */,
	0x7f7fffff,
	0xff7fffff,
	0x7f800000,
	0xff800000,
	0x7f800001 /* qNaN */,
	0x7fbfffff /* default NaN */,
	0x7fc00000 /* sNaN */,
	0xffffffff /* -sNaN */,
	0x3eaaaaab /* 1/3 */,
	0x42f6e979 /* 123.456 */,
};
#define NSV (sizeof sv / sizeof sv[0])

static const uint64_t dv[] = {
	0x0000000000000000ull,
	0x8000000000000000ull,
	0x3fe0000000000000ull /* 0.5 */,
	0xbff8000000000000ull /* -1.5 */,
	0x4004000000000000ull /* 2.5 */,
	0xc006000000000000ull /* -2.75 */,
	0x3fefffffffffffffull,
	0x41dfffffffc00000ull /* 2^31-1 */,
	0x41dfffffffe00000ull /* 2^31-0.5 */,
	0x41dffffffff9999aull /* 2^31-0.1 */,
	0x41e0000000000000ull /* 2^31 */,
	0xc1e0000000000000ull /* -2^31 */,
	0xc1e00000000ccccdull /* -2^31-0.4 */,
	0xc1e0000000100000ull /* -2^31-0.5 */,
	0xc1e0000000200000ull /* -2^31-1 */,
	0x4330000000000001ull /* 2^52+1 */,
	0x3fd5555555555555ull /* 1/3 */,
	0x47efffffe0000000ull /* largest single */,
	0x47effffff0000000ull /* tie to inf */,
	0x47efffffefffffffull,
	0xc7f0000000000000ull /* -2^128 */,
	0x3810000000000000ull /* 2^-126 */,
	0x380ffffffc000000ull /* rounds to 2^-126 */,
	0x380fffffe0000000ull /* largest single denormal */,
	0x36a0000000000000ull /* 2^-149 */,
	0x36a8000000000000ull /* 1.5 * 2^-149 */,
	0x3690000000000000ull /* 2^-150 */,
	0x3690000000000001ull,
	0x8000000000000001ull,
	0x7e37e43c8800759cull /* 1e300 */,
	0x7ff0000000000000ull,
	0xfff0000000000000ull,
	0x7ff0000000000001ull /* qNaN */,
	0x7ff8000000000000ull /* sNaN */,
	0x7ff7ffffffffffffull,
	0xffffffffffffffffull,
};
#define NDV (sizeof dv / sizeof dv[0])

static const uint32_t wv[] = {
	0,
	1,
	0xffffffff,
	0x7fffffff,
	0x80000000,
	0x80000001,
	0x01000001 /* 2^24+1 */,
	0x01000003,
	0x00ffffff,
	0xfeffffff,
	0x7ffffff0,
	0x12345678,
	0xff000001,
	0x40000041,
};
#define NWV (sizeof wv / sizeof wv[0])

static const char *const rm_name[4] = {"RN", "RZ", "RP", "RM"};

static unsigned cause(uint32_t fcsr)
{
	return (fcsr >> 12) & 0x3f;
}

/* Single or word source in $f2 -> single or word result in $f0. */
#define CV_SS(fn, insn)                                                                  \
	static uint32_t fn(uint32_t a, uint32_t fcsr, uint32_t *fo)                      \
	{                                                                                \
		uint32_t r, o;                                                           \
		__asm__ volatile("mtc1 %2, $f2\n\tctc1 %3, $31\n\t" insn " $f0, $f2\n\t" \
				 "cfc1 %1, $31\n\tmfc1 %0, $f0"                          \
				 : "=&r"(r), "=&r"(o)                                    \
				 : "r"(a), "r"(fcsr)                                     \
				 : "$f0", "$f2");                                        \
		*fo = o;                                                                 \
		return r;                                                                \
	}
/* Double source in $f2/$f3 -> single or word result in $f0. */
#define CV_DS(fn, insn)                                                                  \
	static uint32_t fn(uint64_t a, uint32_t fcsr, uint32_t *fo)                      \
	{                                                                                \
		uint32_t r, o;                                                           \
		__asm__ volatile("mtc1 %2, $f2\n\tmtc1 %3, $f3\n\tctc1 %4, $31\n\t" insn \
				 " $f0, $f2\n\tcfc1 %1, $31\n\tmfc1 %0, $f0"             \
				 : "=&r"(r), "=&r"(o)                                    \
				 : "r"((uint32_t)a), "r"((uint32_t)(a >> 32)), "r"(fcsr) \
				 : "$f0", "$f2", "$f3");                                 \
		*fo = o;                                                                 \
		return r;                                                                \
	}
/* Single or word source in $f2 -> double result in $f0/$f1. */
#define CV_SD(fn, insn)                                                                  \
	static uint64_t fn(uint32_t a, uint32_t fcsr, uint32_t *fo)                      \
	{                                                                                \
		uint32_t lo, hi, o;                                                      \
		__asm__ volatile("mtc1 %3, $f2\n\tctc1 %4, $31\n\t" insn " $f0, $f2\n\t" \
				 "cfc1 %2, $31\n\tmfc1 %0, $f0\n\tmfc1 %1, $f1"          \
				 : "=&r"(lo), "=&r"(hi), "=&r"(o)                        \
				 : "r"(a), "r"(fcsr)                                     \
				 : "$f0", "$f1", "$f2");                                 \
		*fo = o;                                                                 \
		return (uint64_t)hi << 32 | lo;                                          \
	}

CV_SD(cvt_d_s, "cvt.d.s")
CV_SS(cvt_w_s, "cvt.w.s")
CV_SS(round_w_s, "round.w.s")
CV_SS(trunc_w_s, "trunc.w.s")
CV_SS(ceil_w_s, "ceil.w.s")
CV_SS(floor_w_s, "floor.w.s")
CV_DS(cvt_s_d, "cvt.s.d")
CV_DS(cvt_w_d, "cvt.w.d")
CV_DS(round_w_d, "round.w.d")
CV_DS(trunc_w_d, "trunc.w.d")
CV_DS(ceil_w_d, "ceil.w.d")
CV_DS(floor_w_d, "floor.w.d")
CV_SS(cvt_s_w, "cvt.s.w")
CV_SD(cvt_d_w, "cvt.d.w")

static const struct {
	const char *name;
	uint32_t (*f)(uint32_t, uint32_t, uint32_t *);
} from_s[] = {{"cvt.w.s", cvt_w_s},
	      {"round.w.s", round_w_s},
	      {"trunc.w.s", trunc_w_s},
	      {"ceil.w.s", ceil_w_s},
	      {"floor.w.s", floor_w_s}};

static const struct {
	const char *name;
	uint32_t (*f)(uint64_t, uint32_t, uint32_t *);
} from_d[] = {{"cvt.s.d", cvt_s_d},	{"cvt.w.d", cvt_w_d},	{"round.w.d", round_w_d},
	      {"trunc.w.d", trunc_w_d}, {"ceil.w.d", ceil_w_d}, {"floor.w.d", floor_w_d}};

int main(void)
{
	uint32_t fo;

	rt_printf("fp_cvt: FPU conversion conformance\n");
	for (unsigned rm = 0; rm < 4; rm++) {
		for (unsigned i = 0; i < NSV; i++) {
			uint64_t d = cvt_d_s(sv[i], rm, &fo);
			rt_printf("%s s %08x: cvt.d.s %016llx.%02x", rm_name[rm], sv[i],
				  (unsigned long long)d, cause(fo));
			for (unsigned k = 0; k < sizeof from_s / sizeof from_s[0]; k++) {
				uint32_t r = from_s[k].f(sv[i], rm, &fo);
				rt_printf(" %s %08x.%02x", from_s[k].name, r, cause(fo));
			}
			rt_printf("\n");
		}
	}
	for (unsigned rm = 0; rm < 4; rm++) {
		for (unsigned i = 0; i < NDV; i++) {
			rt_printf("%s d %016llx:", rm_name[rm], (unsigned long long)dv[i]);
			for (unsigned k = 0; k < sizeof from_d / sizeof from_d[0]; k++) {
				uint32_t r = from_d[k].f(dv[i], rm, &fo);
				rt_printf(" %s %08x.%02x", from_d[k].name, r, cause(fo));
			}
			rt_printf("\n");
		}
	}
	/* FS=1: tiny cvt.s.d results (judged before rounding) become zero. */
	for (unsigned rm = 0; rm < 4; rm++) {
		rt_printf("FS %s cvt.s.d:", rm_name[rm]);
		for (unsigned i = 0; i < NDV; i++) {
			uint32_t r = cvt_s_d(dv[i], rm | 0x01000000u, &fo);
			rt_printf(" %08x.%02x", r, cause(fo));
		}
		rt_printf("\n");
	}
	for (unsigned rm = 0; rm < 4; rm++) {
		for (unsigned i = 0; i < NWV; i++) {
			uint32_t s = cvt_s_w(wv[i], rm, &fo);
			unsigned cs = cause(fo);
			uint64_t d = cvt_d_w(wv[i], rm, &fo);
			rt_printf("%s w %08x: cvt.s.w %08x.%02x cvt.d.w %016llx.%02x\n",
				  rm_name[rm], wv[i], s, cs, (unsigned long long)d, cause(fo));
		}
	}
	__asm__ volatile("ctc1 $0, $31");
	rt_exit(0);
}
