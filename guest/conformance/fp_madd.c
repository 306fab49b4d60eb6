/* guest/conformance/fp_madd.c: conformance of madd/msub/nmadd/nmsub.
 *
 * On MIPS32r2 these COP1X instructions are not fused: fs * ft is rounded
 * (and may raise) on its own, then fr is added or subtracted and the sum
 * rounded; nmadd/nmsub negate the final value, NaNs included. Every triple
 * (fs, ft, fr) of a small value table is run through the four instructions
 * in .s (all rounding modes) and .d (RN and RM), and a few with FCSR.FS set;
 * one line per (instruction, mode, fs, ft) lists the results for each fr as
 * bits with the FCSR cause field after them (".xx"). Exceptions are not
 * enabled. Built twice (bare for discoflash, Linux for qemu-mipsel); the
 * outputs must be identical.
 */
#include "rt.h"

static const uint32_t sv[] = {
	0x3f800001, /* 1 + 2^-23: its square is inexact */
	0xbf800000, /* -1 */
	0x00000000, /* +0 */
	0x80800000, /* -2^-126 */
	0x3f000000, /* 0.5 */
	0x7f7fffff, /* largest */
	0xff800000, /* -inf */
	0x7f800001, /* qNaN */
	0x7fc00000, /* sNaN */
};
#define NSV (sizeof sv / sizeof sv[0])

static const uint64_t dv[] = {
	0x3ff0000000000001ull, 0xbff0000000000000ull, 0x8000000000000000ull,
	0x0010000000000000ull, 0x3fe0000000000000ull, 0x7fefffffffffffffull,
	0x7ff0000000000000ull, 0x7ff0000000000001ull, 0x7ff8000000000000ull,
};
#define NDV (sizeof dv / sizeof dv[0])

static const char *const rm_name[4] = {"RN", "RZ", "RP", "RM"};

static unsigned cause(uint32_t fcsr)
{
	return (fcsr >> 12) & 0x3f;
}

/* insn fd=$f0, fr=$f6, fs=$f2, ft=$f4 */
#define M_S(fn, insn)                                                                       \
	static uint32_t fn(uint32_t s, uint32_t t, uint32_t r, uint32_t fcsr, uint32_t *fo) \
	{                                                                                   \
		uint32_t d, o;                                                              \
		__asm__ volatile("mtc1 %2, $f2\n\tmtc1 %3, $f4\n\tmtc1 %4, $f6\n\t"         \
				 "ctc1 %5, $31\n\t" insn " $f0, $f6, $f2, $f4\n\t"          \
				 "cfc1 %1, $31\n\tmfc1 %0, $f0"                             \
				 : "=&r"(d), "=&r"(o)                                       \
				 : "r"(s), "r"(t), "r"(r), "r"(fcsr)                        \
				 : "$f0", "$f2", "$f4", "$f6");                             \
		*fo = o;                                                                    \
		return d;                                                                   \
	}
#define M_D(fn, insn)                                                                            \
	static uint64_t fn(uint64_t s, uint64_t t, uint64_t r, uint32_t fcsr, uint32_t *fo)      \
	{                                                                                        \
		uint32_t lo, hi, o;                                                              \
		__asm__ volatile("mtc1 %3, $f2\n\tmtc1 %4, $f3\n\tmtc1 %5, $f4\n\t"              \
				 "mtc1 %6, $f5\n\tmtc1 %7, $f6\n\tmtc1 %8, $f7\n\t"              \
				 "ctc1 %9, $31\n\t" insn " $f0, $f6, $f2, $f4\n\t"               \
				 "cfc1 %2, $31\n\tmfc1 %0, $f0\n\tmfc1 %1, $f1"                  \
				 : "=&r"(lo), "=&r"(hi), "=&r"(o)                                \
				 : "r"((uint32_t)s), "r"((uint32_t)(s >> 32)), "r"((uint32_t)t), \
				   "r"((uint32_t)(t >> 32)), "r"((uint32_t)r),                   \
				   "r"((uint32_t)(r >> 32)), "r"(fcsr)                           \
				 : "$f0", "$f1", "$f2", "$f3", "$f4", "$f5", "$f6", "$f7");      \
		*fo = o;                                                                         \
		return (uint64_t)hi << 32 | lo;                                                  \
	}

M_S(madd_s, "madd.s")
M_S(msub_s, "msub.s")
M_S(nmadd_s, "nmadd.s")
M_S(nmsub_s, "nmsub.s")
M_D(madd_d, "madd.d")
M_D(msub_d, "msub.d")
M_D(nmadd_d, "nmadd.d")
M_D(nmsub_d, "nmsub.d")

static const struct {
	const char *name;
	uint32_t (*f)(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t *);
} ms[] = {{"madd.s", madd_s}, {"msub.s", msub_s}, {"nmadd.s", nmadd_s}, {"nmsub.s", nmsub_s}};

static const struct {
	const char *name;
	uint64_t (*f)(uint64_t, uint64_t, uint64_t, uint32_t, uint32_t *);
} md[] = {{"madd.d", madd_d}, {"msub.d", msub_d}, {"nmadd.d", nmadd_d}, {"nmsub.d", nmsub_d}};

int main(void)
{
	uint32_t fo;

	rt_printf("fp_madd: unfused multiply-add conformance\n");
	for (unsigned k = 0; k < 4; k++) {
		for (unsigned rm = 0; rm < 4; rm++) {
			for (unsigned i = 0; i < NSV; i++) {
				for (unsigned j = 0; j < NSV; j++) {
					rt_printf("%s %s %08x %08x:", ms[k].name, rm_name[rm],
						  sv[i], sv[j]);
					for (unsigned r = 0; r < NSV; r++) {
						uint32_t x = ms[k].f(sv[i], sv[j], sv[r], rm, &fo);
						rt_printf(" %08x.%02x", x, cause(fo));
					}
					rt_printf("\n");
				}
			}
		}
	}
	for (unsigned k = 0; k < 4; k++) {
		for (unsigned rm = 0; rm < 4; rm += 3) {
			for (unsigned i = 0; i < NDV; i++) {
				for (unsigned j = 0; j < NDV; j++) {
					rt_printf("%s %s %016llx %016llx:", md[k].name, rm_name[rm],
						  (unsigned long long)dv[i],
						  (unsigned long long)dv[j]);
					for (unsigned r = 0; r < NDV; r++) {
						uint64_t x = md[k].f(dv[i], dv[j], dv[r], rm, &fo);
						rt_printf(" %016llx.%02x", (unsigned long long)x,
							  cause(fo));
					}
					rt_printf("\n");
				}
			}
		}
	}
	/* FS=1: a tiny product is flushed before the addition. */
	for (unsigned rm = 0; rm < 4; rm++) {
		static const uint32_t tiny[][3] = {
			{0x00800001, 0x3f000000, 0x00000001}, /* product flushed */
			{0x00800001, 0x3f000000, 0x80000000},
			{0x00ffffff, 0x3f000000, 0x00000000},
			{0x3f7fffff, 0x00800001, 0x80000000},
			{0x00c00000, 0x3f400000, 0x80400000}, /* sum tiny too */
			{0x3f800001, 0x3f800001, 0xbf800000},
		};
		rt_printf("FS %s:", rm_name[rm]);
		for (unsigned i = 0; i < sizeof tiny / sizeof tiny[0]; i++) {
			for (unsigned k = 0; k < 4; k++) {
				uint32_t x = ms[k].f(tiny[i][0], tiny[i][1], tiny[i][2],
						     rm | 0x01000000u, &fo);
				rt_printf(" %08x.%02x", x, cause(fo));
			}
		}
		rt_printf("\n");
	}
	__asm__ volatile("ctc1 $0, $31");
	rt_exit(0);
}
