/* tests/test_fpu.c: unit tests of node/fpu.c, the MIPS32r2 FPU (FR=0).
 *
 * Tables of instructions with operands, FCSR before, and the destination,
 * FCSR and return value expected after. The expectations follow from IEEE
 * 754 and the MIPS32 architecture with legacy NaNs, as qemu-mipsel 7.2
 * implements them; every row of the op table was also run on qemu-mipsel
 * (a guest program executing the same encodings) and agrees with it.
 *
 * Register convention of the op table: fd = $f0, fs = $f2, ft = $f4,
 * fr = $f6 (doubles in the pairs $f0/$f1 ... $f6/$f7), the GPR of movz/movn
 * is given directly; $f0/$f1 start as a sentinel so that "unchanged" can be
 * checked, and single results must leave $f1 alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "node/fpu.h"

/* ---- encodings ------------------------------------------------------------ */

#define COP1(fmt, ft, fs, fd, fn) \
	(0x44000000u | (fmt) << 21 | (ft) << 16 | (fs) << 11 | (fd) << 6 | (fn))
#define COP1X(fr, ft, fs, fd, fn) \
	(0x4c000000u | (fr) << 21 | (ft) << 16 | (fs) << 11 | (fd) << 6 | (fn))
#define FS_ 16
#define FD_ 17
#define FW_ 20
/* fd = f0, fs = f2, ft = f4 */
#define S(fn) COP1(FS_, 4, 2, 0, fn)
#define D(fn) COP1(FD_, 4, 2, 0, fn)
#define W(fn) COP1(FW_, 4, 2, 0, fn)
#define CS(cond, cc) COP1(FS_, 4, 2, (cc) << 2, 48 + (cond))
#define CD(cond, cc) COP1(FD_, 4, 2, (cc) << 2, 48 + (cond))
#define MOVCF(fmt, cc, tf) COP1(fmt, (cc) << 2 | (tf), 2, 0, 17)
#define MOVZN(fmt, fn) COP1(fmt, 6, 2, 0, fn) /* rt = $6 */
#define MADD(fn) COP1X(6, 4, 2, 0, fn)	      /* fr = f6 */

/* COP1 functions */
enum {
	F_ADD = 0,
	F_SUB = 1,
	F_MUL = 2,
	F_DIV = 3,
	F_SQRT = 4,
	F_ABS = 5,
	F_MOV = 6,
	F_NEG = 7,
	F_ROUND_W = 12,
	F_TRUNC_W = 13,
	F_CEIL_W = 14,
	F_FLOOR_W = 15,
	F_MOVZ = 18,
	F_MOVN = 19,
	F_RECIP = 21,
	F_RSQRT = 22,
	F_CVT_S = 32,
	F_CVT_D = 33,
	F_CVT_W = 36,
};
/* COP1X functions */
enum {
	X_MADD_S = 0x20,
	X_MADD_D = 0x21,
	X_MSUB_S = 0x28,
	X_MSUB_D = 0x29,
	X_NMADD_S = 0x30,
	X_NMADD_D = 0x31,
	X_NMSUB_S = 0x38,
	X_NMSUB_D = 0x39,
};
/* c.cond */
enum {
	C_F,
	C_UN,
	C_EQ,
	C_UEQ,
	C_OLT,
	C_ULT,
	C_OLE,
	C_ULE,
	C_SF,
	C_NGLE,
	C_SEQ,
	C_NGL,
	C_LT,
	C_NGE,
	C_LE,
	C_NGT,
};

/* ---- values ------------------------------------------------------------------ */

#define SENT 0xcafef00ddeadbeefull /* initial $f1:$f0 */
#define SENT_LO 0xdeadbeefu

#define ONE_S 0x3f800000u
#define TWO_S 0x40000000u
#define HALF_S 0x3f000000u
#define MAX_S 0x7f7fffffu
#define MIN_S 0x00800000u
#define INF_S 0x7f800000u
#define QNAN_S 0x7f800001u /* legacy: fraction MSB clear = quiet */
#define SNAN_S 0x7fc00000u /* fraction MSB set = signalling */
#define DNAN_S 0x7fbfffffu
#define ONE_D 0x3ff0000000000000ull
#define TWO_D 0x4000000000000000ull
#define THREE_D 0x4008000000000000ull
#define INF_D 0x7ff0000000000000ull
#define QNAN_D 0x7ff0000000000001ull
#define SNAN_D 0x7ff8000000000000ull
#define DNAN_D 0x7ff7ffffffffffffull

/* FCSR */
#define RN 0u
#define RZ 1u
#define RP 2u
#define RMI 3u
#define FS 0x01000000u
#define CC0 0x00800000u
#define CC5 (1u << 29)
#define EN(x) ((x) << 7)
#define CAUSE(x) ((x) << 12)
#define FLAG(x) ((x) << 2)
#define EXC(x) (CAUSE(x) | FLAG(x)) /* cause and flag of an untrapped op */
#define I NODE_FPE_I
#define U NODE_FPE_U
#define O NODE_FPE_O
#define Z NODE_FPE_Z
#define V NODE_FPE_V

#define OK NODE_FPU_OK
#define TRAP NODE_FPU_TRAP

/* ---- the op table --------------------------------------------------------------- */

struct op_case {
	const char *name;
	uint32_t insn;
	uint32_t fcsr;
	uint64_t fs, ft, fr; /* operands; a single lives in the low word */
	uint32_t gpr;	     /* GPR rt of movz/movn */
	int ret;
	uint64_t fd;	   /* $f1:$f0 after; singles/words leave $f1 = SENT */
	uint32_t fcsr_out; /* FCSR after */
};

/* Single or word result in $f0, $f1 untouched. */
#define RS(x) ((SENT & 0xffffffff00000000ull) | (uint32_t)(x))

/* cases: begin */
static const struct op_case op_cases[] = {
	/* add/sub/mul/div .s: rounding modes and flags */
	{"add.s 1+2", S(F_ADD), RN, ONE_S, TWO_S, 0, 0, OK, RS(0x40400000), RN},
	{"add.s tie to even", S(F_ADD), RN, ONE_S, 0x33800000, 0, 0, OK, RS(ONE_S), EXC(I)},
	{"add.s RP rounds up", S(F_ADD), RP, ONE_S, 0x33800000, 0, 0, OK, RS(0x3f800001),
	 RP | EXC(I)},
	{"add.s RZ", S(F_ADD), RZ, ONE_S, 0x33c00000, 0, 0, OK, RS(ONE_S), RZ | EXC(I)},
	{"add.s RM 1-1 = -0", S(F_ADD), RMI, ONE_S, 0xbf800000, 0, 0, OK, RS(0x80000000), RMI},
	{"add.s RN 1-1 = +0", S(F_ADD), RN, ONE_S, 0xbf800000, 0, 0, OK, RS(0), RN},
	{"add.s -0 + -0", S(F_ADD), RN, 0x80000000, 0x80000000, 0, 0, OK, RS(0x80000000), RN},
	{"add.s flags accumulate", S(F_ADD), FLAG(Z | V), ONE_S, 0x33800000, 0, 0, OK, RS(ONE_S),
	 FLAG(Z | V) | EXC(I)},
	{"add.s clears old cause", S(F_ADD), CAUSE(O | I), ONE_S, TWO_S, 0, 0, OK, RS(0x40400000),
	 RN},
	{"add.s denormals exact", S(F_ADD), RN, 0x00000001, 0x007fffff, 0, 0, OK, RS(MIN_S), RN},
	{"sub.s inf-inf", S(F_SUB), RN, INF_S, INF_S, 0, 0, OK, RS(DNAN_S), EXC(V)},
	{"sub.s inf-(-inf)", S(F_SUB), RN, INF_S, 0xff800000, 0, 0, OK, RS(INF_S), RN},
	{"add.s qNaN quiet", S(F_ADD), RN, QNAN_S, ONE_S, 0, 0, OK, RS(DNAN_S), RN},
	{"add.s 1+negative qNaN", S(F_ADD), RN, ONE_S, 0xff800001, 0, 0, OK, RS(DNAN_S), RN},
	{"add.s sNaN invalid", S(F_ADD), RN, SNAN_S, ONE_S, 0, 0, OK, RS(DNAN_S), EXC(V)},
	{"add.s qNaN+sNaN", S(F_ADD), RN, QNAN_S, 0xffffffff, 0, 0, OK, RS(DNAN_S), EXC(V)},
	{"mul.s overflow RN", S(F_MUL), RN, MAX_S, TWO_S, 0, 0, OK, RS(INF_S), EXC(O | I)},
	{"mul.s overflow RZ", S(F_MUL), RZ, MAX_S, TWO_S, 0, 0, OK, RS(MAX_S), RZ | EXC(O | I)},
	{"mul.s overflow RM +", S(F_MUL), RMI, MAX_S, TWO_S, 0, 0, OK, RS(MAX_S), RMI | EXC(O | I)},
	{"mul.s overflow RM -", S(F_MUL), RMI, MAX_S, 0xc0000000, 0, 0, OK, RS(0xff800000),
	 RMI | EXC(O | I)},
	{"mul.s 0*inf", S(F_MUL), RN, 0, INF_S, 0, 0, OK, RS(DNAN_S), EXC(V)},
	{"mul.s exact denormal", S(F_MUL), RN, MIN_S, HALF_S, 0, 0, OK, RS(0x00400000), RN},
	{"mul.s underflow", S(F_MUL), RN, 0x00800001, HALF_S, 0, 0, OK, RS(0x00400000), EXC(U | I)},
	{"mul.s underflow to 0", S(F_MUL), RN, 0x00000001, HALF_S, 0, 0, OK, RS(0), EXC(U | I)},
	{"mul.s underflow RP", S(F_MUL), RP, 0x00000001, HALF_S, 0, 0, OK, RS(1), RP | EXC(U | I)},
	/* tiny before rounding, normal after: no underflow (after rounding) */
	{"mul.s tiny after rounding too", S(F_MUL), RN, 0x00ffffff, HALF_S, 0, 0, OK, RS(MIN_S),
	 EXC(U | I)},
	{"mul.s to min normal, not tiny", S(F_MUL), RN, 0x3f7fffff, 0x00800001, 0, 0, OK, RS(MIN_S),
	 EXC(I)},
	{"div.s 1/3", S(F_DIV), RN, ONE_S, 0x40400000, 0, 0, OK, RS(0x3eaaaaab), EXC(I)},
	{"div.s 1/3 RZ", S(F_DIV), RZ, ONE_S, 0x40400000, 0, 0, OK, RS(0x3eaaaaaa), RZ | EXC(I)},
	{"div.s 1/0", S(F_DIV), RN, ONE_S, 0, 0, 0, OK, RS(INF_S), EXC(Z)},
	{"div.s -1/0", S(F_DIV), RN, 0xbf800000, 0, 0, 0, OK, RS(0xff800000), EXC(Z)},
	{"div.s 1/-0", S(F_DIV), RN, ONE_S, 0x80000000, 0, 0, OK, RS(0xff800000), EXC(Z)},
	{"div.s 0/0", S(F_DIV), RN, 0, 0, 0, 0, OK, RS(DNAN_S), EXC(V)},
	{"div.s inf/0", S(F_DIV), RN, INF_S, 0, 0, 0, OK, RS(INF_S), RN},
	{"div.s inf/inf", S(F_DIV), RN, INF_S, INF_S, 0, 0, OK, RS(DNAN_S), EXC(V)},
	{"div.s underflow", S(F_DIV), RN, MIN_S, 0x40400000, 0, 0, OK, RS(0x002aaaab), EXC(U | I)},
	/* FCSR.FS: tiny results (judged before rounding) flush, raising nothing */
	{"mul.s FS exact denormal", S(F_MUL), FS, MIN_S, HALF_S, 0, 0, OK, RS(0), FS},
	{"mul.s FS underflow", S(F_MUL), FS, 0x00800001, HALF_S, 0, 0, OK, RS(0), FS},
	{"mul.s FS negative", S(F_MUL), FS, 0x80800001, HALF_S, 0, 0, OK, RS(0x80000000), FS},
	{"mul.s FS tiny, rounds to normal", S(F_MUL), FS, 0x00ffffff, HALF_S, 0, 0, OK, RS(0), FS},
	{"mul.s FS normal", S(F_MUL), FS, 0x3f7fffff, 0x00800001, 0, 0, OK, RS(MIN_S), FS | EXC(I)},
	{"add.s FS denormal operands", S(F_ADD), FS, 0x00400000, 0x00000001, 0, 0, OK, RS(0), FS},
	{"add.s FS denormal operand, normal sum", S(F_ADD), FS, 0x00000001, ONE_S, 0, 0, OK,
	 RS(ONE_S), FS | EXC(I)},

	/* .d arithmetic */
	{"add.d 1+2", D(F_ADD), RN, ONE_D, TWO_D, 0, 0, OK, THREE_D, RN},
	{"add.d 1+2^-53 tie", D(F_ADD), RN, ONE_D, 0x3ca0000000000000ull, 0, 0, OK, ONE_D, EXC(I)},
	{"add.d RP", D(F_ADD), RP, ONE_D, 0x3ca0000000000000ull, 0, 0, OK, 0x3ff0000000000001ull,
	 RP | EXC(I)},
	{"sub.d RM x-x = -0", D(F_SUB), RMI, THREE_D, THREE_D, 0, 0, OK, 0x8000000000000000ull,
	 RMI},
	{"mul.d overflow", D(F_MUL), RN, 0x7fefffffffffffffull, TWO_D, 0, 0, OK, INF_D, EXC(O | I)},
	{"mul.d underflow", D(F_MUL), RN, 0x0010000000000001ull, 0x3fe0000000000000ull, 0, 0, OK,
	 0x0008000000000000ull, EXC(U | I)},
	{"mul.d 1/3*3", D(F_MUL), RN, 0x3fd5555555555555ull, THREE_D, 0, 0, OK, ONE_D, EXC(I)},
	{"div.d 1/0", D(F_DIV), RN, ONE_D, 0, 0, 0, OK, INF_D, EXC(Z)},
	{"div.d 1/3", D(F_DIV), RN, ONE_D, THREE_D, 0, 0, OK, 0x3fd5555555555555ull, EXC(I)},
	{"div.d sNaN", D(F_DIV), RN, SNAN_D, ONE_D, 0, 0, OK, DNAN_D, EXC(V)},
	{"div.d qNaN", D(F_DIV), RN, ONE_D, QNAN_D, 0, 0, OK, DNAN_D, RN},
	{"mul.d FS flush", D(F_MUL), FS, 0x0010000000000001ull, 0x3fe0000000000000ull, 0, 0, OK, 0,
	 FS},

	/* sqrt, abs, neg, mov */
	{"sqrt.s 4", S(F_SQRT), RN, 0x40800000, 0, 0, 0, OK, RS(TWO_S), RN},
	{"sqrt.s 2", S(F_SQRT), RN, TWO_S, 0, 0, 0, OK, RS(0x3fb504f3), EXC(I)},
	{"sqrt.s 2 RZ", S(F_SQRT), RZ, TWO_S, 0, 0, 0, OK, RS(0x3fb504f3), RZ | EXC(I)},
	{"sqrt.s 2 RP", S(F_SQRT), RP, TWO_S, 0, 0, 0, OK, RS(0x3fb504f4), RP | EXC(I)},
	{"sqrt.s -0", S(F_SQRT), RN, 0x80000000, 0, 0, 0, OK, RS(0x80000000), RN},
	{"sqrt.s -1", S(F_SQRT), RN, 0xbf800000, 0, 0, 0, OK, RS(DNAN_S), EXC(V)},
	{"sqrt.s -denormal", S(F_SQRT), RN, 0x80000001, 0, 0, 0, OK, RS(DNAN_S), EXC(V)},
	{"sqrt.s inf", S(F_SQRT), RN, INF_S, 0, 0, 0, OK, RS(INF_S), RN},
	{"sqrt.d 2", D(F_SQRT), RN, TWO_D, 0, 0, 0, OK, 0x3ff6a09e667f3bcdull, EXC(I)},
	{"sqrt.d 9", D(F_SQRT), RN, 0x4022000000000000ull, 0, 0, 0, OK, THREE_D, RN},
	{"abs.s sNaN keeps payload and cause", S(F_ABS), EXC(I), 0xffc00001, 0, 0, 0, OK,
	 RS(0x7fc00001), EXC(I)},
	{"neg.s qNaN", S(F_NEG), CAUSE(V), QNAN_S, 0, 0, 0, OK, RS(0xff800001), CAUSE(V)},
	{"neg.s 0", S(F_NEG), RN, 0, 0, 0, 0, OK, RS(0x80000000), RN},
	{"mov.s sNaN", S(F_MOV), RN, SNAN_S, 0, 0, 0, OK, RS(SNAN_S), RN},
	{"abs.d -inf", D(F_ABS), RN, 0xfff0000000000000ull, 0, 0, 0, OK, INF_D, RN},
	{"neg.d sNaN", D(F_NEG), EXC(O), SNAN_D, 0, 0, 0, OK, 0xfff8000000000000ull, EXC(O)},
	{"mov.d", D(F_MOV), RN, 0x123456789abcdef0ull, 0, 0, 0, OK, 0x123456789abcdef0ull, RN},

	/* recip, rsqrt */
	{"recip.s 4", S(F_RECIP), RN, 0x40800000, 0, 0, 0, OK, RS(0x3e800000), RN},
	{"recip.s 3", S(F_RECIP), RN, 0x40400000, 0, 0, 0, OK, RS(0x3eaaaaab), EXC(I)},
	{"recip.s 0", S(F_RECIP), RN, 0, 0, 0, 0, OK, RS(INF_S), EXC(Z)},
	{"recip.s huge underflows", S(F_RECIP), RN, MAX_S, 0, 0, 0, OK, RS(0x00200000), EXC(U | I)},
	{"recip.s sNaN", S(F_RECIP), RN, SNAN_S, 0, 0, 0, OK, RS(DNAN_S), EXC(V)},
	{"recip.d 2", D(F_RECIP), RN, TWO_D, 0, 0, 0, OK, 0x3fe0000000000000ull, RN},
	{"rsqrt.s 4", S(F_RSQRT), RN, 0x40800000, 0, 0, 0, OK, RS(HALF_S), RN},
	{"rsqrt.s 2: sqrt rounded first", S(F_RSQRT), RN, TWO_S, 0, 0, 0, OK, RS(0x3f3504f3),
	 EXC(I)},
	{"rsqrt.s -0", S(F_RSQRT), RN, 0x80000000, 0, 0, 0, OK, RS(0xff800000), EXC(Z)},
	{"rsqrt.s -1", S(F_RSQRT), RN, 0xbf800000, 0, 0, 0, OK, RS(DNAN_S), EXC(V)},
	{"rsqrt.s inf", S(F_RSQRT), RN, INF_S, 0, 0, 0, OK, RS(0), RN},
	{"rsqrt.d 4", D(F_RSQRT), RN, 0x4010000000000000ull, 0, 0, 0, OK, 0x3fe0000000000000ull,
	 RN},

	/* madd family: fd = +-(fs * ft +- fr), product rounded first */
	{"madd.s 2*3+1", MADD(X_MADD_S), RN, TWO_S, 0x40400000, ONE_S, 0, OK, RS(0x40e00000), RN},
	{"madd.s unfused", MADD(X_MADD_S), RN, 0x3f800001, 0x3f800001, 0xbf800000, 0, OK,
	 RS(0x34800000), EXC(I)},
	{"msub.s 1.5*2-3 = +0", MADD(X_MSUB_S), RN, 0x3fc00000, TWO_S, 0x40400000, 0, OK, RS(0),
	 RN},
	{"nmsub.s -(1.5*2-3) = -0", MADD(X_NMSUB_S), RN, 0x3fc00000, TWO_S, 0x40400000, 0, OK,
	 RS(0x80000000), RN},
	{"nmadd.s 2*3+1", MADD(X_NMADD_S), RN, TWO_S, 0x40400000, ONE_S, 0, OK, RS(0xc0e00000), RN},
	{"nmadd.s inf*0+1: negated default NaN", MADD(X_NMADD_S), RN, INF_S, 0, ONE_S, 0, OK,
	 RS(0xffbfffff), EXC(V)},
	{"madd.s inf*0+qNaN", MADD(X_MADD_S), RN, INF_S, 0, QNAN_S, 0, OK, RS(DNAN_S), EXC(V)},
	{"madd.s 1*1+sNaN", MADD(X_MADD_S), RN, ONE_S, ONE_S, SNAN_S, 0, OK, RS(DNAN_S), EXC(V)},
	{"madd.s product overflow then qNaN", MADD(X_MADD_S), RN, MAX_S, MAX_S, QNAN_S, 0, OK,
	 RS(DNAN_S), EXC(O | I)},
	{"madd.s inf + -inf", MADD(X_MADD_S), RN, MAX_S, MAX_S, 0xff800000, 0, OK, RS(DNAN_S),
	 EXC(V | O | I)},
	{"madd.s product underflow", MADD(X_MADD_S), RN, 0x00800001, HALF_S, ONE_S, 0, OK,
	 RS(ONE_S), EXC(U | I)},
	{"madd.d unfused", MADD(X_MADD_D), RN, 0x3ff0000000000001ull, 0x3ff0000000000001ull,
	 0xbff0000000000000ull, 0, OK, 0x3cc0000000000000ull, EXC(I)},
	{"msub.d 2*3-1", MADD(X_MSUB_D), RN, TWO_D, THREE_D, ONE_D, 0, OK, 0x4014000000000000ull,
	 RN},
	{"nmadd.d NaN", MADD(X_NMADD_D), RN, INF_D, 0, ONE_D, 0, OK, 0xfff7ffffffffffffull, EXC(V)},
	{"nmsub.d 2*3-1", MADD(X_NMSUB_D), RN, TWO_D, THREE_D, ONE_D, 0, OK, 0xc014000000000000ull,
	 RN},

	/* conversions to word */
	{"cvt.w.s 2.5 RN", S(F_CVT_W), RN, 0x40200000, 0, 0, 0, OK, RS(2), EXC(I)},
	{"cvt.w.s 2.5 RP", S(F_CVT_W), RP, 0x40200000, 0, 0, 0, OK, RS(3), RP | EXC(I)},
	{"cvt.w.s -2.5 RM", S(F_CVT_W), RMI, 0xc0200000, 0, 0, 0, OK, RS(0xfffffffd), RMI | EXC(I)},
	{"round.w.s 2.5", S(F_ROUND_W), RMI, 0x40200000, 0, 0, 0, OK, RS(2), RMI | EXC(I)},
	{"round.w.s 3.5", S(F_ROUND_W), RZ, 0x40600000, 0, 0, 0, OK, RS(4), RZ | EXC(I)},
	{"trunc.w.s -2.75", S(F_TRUNC_W), RN, 0xc0300000, 0, 0, 0, OK, RS(0xfffffffe), EXC(I)},
	{"ceil.w.s -2.75", S(F_CEIL_W), RN, 0xc0300000, 0, 0, 0, OK, RS(0xfffffffe), EXC(I)},
	{"ceil.w.s 2.25", S(F_CEIL_W), RN, 0x40100000, 0, 0, 0, OK, RS(3), EXC(I)},
	{"floor.w.s -2.75", S(F_FLOOR_W), RN, 0xc0300000, 0, 0, 0, OK, RS(0xfffffffd), EXC(I)},
	{"floor.w.s -0.0", S(F_FLOOR_W), RN, 0x80000000, 0, 0, 0, OK, RS(0), RN},
	{"ceil.w.s denormal", S(F_CEIL_W), RN, 0x00000001, 0, 0, 0, OK, RS(1), EXC(I)},
	{"cvt.w.s 2^31 invalid", S(F_CVT_W), RN, 0x4f000000, 0, 0, 0, OK, RS(0x7fffffff), EXC(V)},
	{"cvt.w.s -2^31 exact", S(F_CVT_W), RN, 0xcf000000, 0, 0, 0, OK, RS(0x80000000), RN},
	{"trunc.w.s qNaN", S(F_TRUNC_W), RN, QNAN_S, 0, 0, 0, OK, RS(0x7fffffff), EXC(V)},
	{"trunc.w.s -inf", S(F_TRUNC_W), RN, 0xff800000, 0, 0, 0, OK, RS(0x7fffffff), EXC(V)},
	{"cvt.w.d 2^31-0.5 rounds out", D(F_CVT_W), RN, 0x41dfffffffe00000ull, 0, 0, 0, OK,
	 RS(0x7fffffff), EXC(V)},
	{"trunc.w.d 2^31-0.1 fits", D(F_TRUNC_W), RN, 0x41dffffffff9999aull, 0, 0, 0, OK,
	 RS(0x7fffffff), EXC(I)},
	{"cvt.w.d -2^31-0.4", D(F_CVT_W), RN, 0xc1e00000000ccccdull, 0, 0, 0, OK, RS(0x80000000),
	 EXC(I)},
	{"floor.w.d -2^31-0.4 out", D(F_FLOOR_W), RN, 0xc1e00000000ccccdull, 0, 0, 0, OK,
	 RS(0x7fffffff), EXC(V)},
	{"round.w.d 0.5", D(F_ROUND_W), RN, 0x3fe0000000000000ull, 0, 0, 0, OK, RS(0), EXC(I)},
	{"round.w.d -1.5", D(F_ROUND_W), RN, 0xbff8000000000000ull, 0, 0, 0, OK, RS(0xfffffffe),
	 EXC(I)},
	{"cvt.w.d sNaN", D(F_CVT_W), RN, SNAN_D, 0, 0, 0, OK, RS(0x7fffffff), EXC(V)},
	{"cvt.w.d 1e300", D(F_CVT_W), RN, 0x7e37e43c8800759cull, 0, 0, 0, OK, RS(0x7fffffff),
	 EXC(V)},

	/* conversions between formats */
	{"cvt.d.s 1", S(F_CVT_D), RN, ONE_S, 0, 0, 0, OK, ONE_D, RN},
	{"cvt.d.s denormal", S(F_CVT_D), RN, 0x00000001, 0, 0, 0, OK, 0x36a0000000000000ull, RN},
	{"cvt.d.s -denormal", S(F_CVT_D), RN, 0x807fffff, 0, 0, 0, OK, 0xb80fffffc0000000ull, RN},
	{"cvt.d.s -inf", S(F_CVT_D), RN, 0xff800000, 0, 0, 0, OK, 0xfff0000000000000ull, RN},
	{"cvt.d.s qNaN", S(F_CVT_D), RN, QNAN_S, 0, 0, 0, OK, DNAN_D, RN},
	{"cvt.d.s sNaN", S(F_CVT_D), RN, SNAN_S, 0, 0, 0, OK, DNAN_D, EXC(V)},
	{"cvt.s.d 1/3", D(F_CVT_S), RN, 0x3fd5555555555555ull, 0, 0, 0, OK, RS(0x3eaaaaab), EXC(I)},
	{"cvt.s.d 1/3 RZ", D(F_CVT_S), RZ, 0x3fd5555555555555ull, 0, 0, 0, OK, RS(0x3eaaaaaa),
	 RZ | EXC(I)},
	{"cvt.s.d overflow", D(F_CVT_S), RN, 0x7e37e43c8800759cull, 0, 0, 0, OK, RS(INF_S),
	 EXC(O | I)},
	{"cvt.s.d qNaN", D(F_CVT_S), RN, QNAN_D, 0, 0, 0, OK, RS(DNAN_S), RN},
	{"cvt.s.d tiny, rounds to normal", D(F_CVT_S), RN, 0x380ffffffc000000ull, 0, 0, 0, OK,
	 RS(MIN_S), EXC(I)},
	{"cvt.s.d FS tiny, rounds to normal", D(F_CVT_S), FS, 0x380ffffffc000000ull, 0, 0, 0, OK,
	 RS(0), FS},
	{"cvt.s.d underflow", D(F_CVT_S), RN, 0x36a8000000000000ull, 0, 0, 0, OK, RS(2),
	 EXC(U | I)},
	{"cvt.s.w 2^24+1", W(F_CVT_S), RN, 16777217, 0, 0, 0, OK, RS(0x4b800000), EXC(I)},
	{"cvt.s.w 2^24+1 RP", W(F_CVT_S), RP, 16777217, 0, 0, 0, OK, RS(0x4b800001), RP | EXC(I)},
	{"cvt.s.w -2^31", W(F_CVT_S), RN, 0x80000000, 0, 0, 0, OK, RS(0xcf000000), RN},
	{"cvt.d.w -1", W(F_CVT_D), CAUSE(I), 0xffffffff, 0, 0, 0, OK, 0xbff0000000000000ull, RN},

	/* compares: cc in FCSR, $f0 untouched */
	{"c.eq.s 1,1", CS(C_EQ, 0), RN, ONE_S, ONE_S, 0, 0, OK, SENT, CC0},
	{"c.eq.s -0,+0", CS(C_EQ, 0), RN, 0x80000000, 0, 0, 0, OK, SENT, CC0},
	{"c.eq.s cc5 clears", CS(C_EQ, 5), CC5 | CC0, ONE_S, TWO_S, 0, 0, OK, SENT, CC0},
	{"c.eq.s cc5 sets", CS(C_EQ, 5), RN, TWO_S, TWO_S, 0, 0, OK, SENT, CC5},
	{"c.f.s", CS(C_F, 0), CC0, ONE_S, ONE_S, 0, 0, OK, SENT, RN},
	{"c.f.s sNaN", CS(C_F, 0), CC0, SNAN_S, ONE_S, 0, 0, OK, SENT, EXC(V)},
	{"c.un.s qNaN", CS(C_UN, 0), RN, QNAN_S, ONE_S, 0, 0, OK, SENT, CC0},
	{"c.un.s ordered", CS(C_UN, 0), CC0, ONE_S, ONE_S, 0, 0, OK, SENT, RN},
	{"c.ueq.s qNaN", CS(C_UEQ, 0), RN, ONE_S, QNAN_S, 0, 0, OK, SENT, CC0},
	{"c.olt.s 1<2", CS(C_OLT, 0), RN, ONE_S, TWO_S, 0, 0, OK, SENT, CC0},
	{"c.olt.s qNaN", CS(C_OLT, 0), CC0, QNAN_S, TWO_S, 0, 0, OK, SENT, RN},
	{"c.olt.s sNaN", CS(C_OLT, 0), CC0, SNAN_S, TWO_S, 0, 0, OK, SENT, EXC(V)},
	{"c.ult.s qNaN", CS(C_ULT, 0), RN, QNAN_S, TWO_S, 0, 0, OK, SENT, CC0},
	{"c.ole.s 2<=2", CS(C_OLE, 0), RN, TWO_S, TWO_S, 0, 0, OK, SENT, CC0},
	{"c.ule.s 3<=2", CS(C_ULE, 0), CC0, 0x40400000, TWO_S, 0, 0, OK, SENT, RN},
	{"c.sf.s qNaN", CS(C_SF, 0), RN, QNAN_S, ONE_S, 0, 0, OK, SENT, EXC(V)},
	{"c.ngle.s qNaN", CS(C_NGLE, 0), RN, QNAN_S, ONE_S, 0, 0, OK, SENT, CC0 | EXC(V)},
	{"c.seq.s qNaN", CS(C_SEQ, 0), CC0, QNAN_S, QNAN_S, 0, 0, OK, SENT, EXC(V)},
	{"c.ngl.s 1,1", CS(C_NGL, 0), RN, ONE_S, ONE_S, 0, 0, OK, SENT, CC0},
	{"c.lt.s -inf<denormal", CS(C_LT, 0), RN, 0xff800000, 0x00000001, 0, 0, OK, SENT, CC0},
	{"c.nge.s qNaN", CS(C_NGE, 0), RN, ONE_S, QNAN_S, 0, 0, OK, SENT, CC0 | EXC(V)},
	{"c.le.s 1<=-1", CS(C_LE, 0), CC0, ONE_S, 0xbf800000, 0, 0, OK, SENT, RN},
	{"c.ngt.s qNaN", CS(C_NGT, 0), RN, QNAN_S, QNAN_S, 0, 0, OK, SENT, CC0 | EXC(V)},
	{"c.eq.s clears old cause", CS(C_EQ, 0), CAUSE(I), ONE_S, TWO_S, 0, 0, OK, SENT, RN},
	{"c.eq.d", CD(C_EQ, 0), RN, THREE_D, THREE_D, 0, 0, OK, SENT, CC0},
	{"c.lt.d cc5", CD(C_LT, 5), RN, 0xfff0000000000000ull, 1, 0, 0, OK, SENT, CC5},
	{"c.ult.d sNaN", CD(C_ULT, 0), RN, ONE_D, SNAN_D, 0, 0, OK, SENT, CC0 | EXC(V)},
	{"c.ole.d qNaN", CD(C_OLE, 0), CC0, QNAN_D, ONE_D, 0, 0, OK, SENT, RN},

	/* conditional moves: FCSR untouched */
	{"movt.s cc0 set", MOVCF(FS_, 0, 1), CC0 | CAUSE(I), TWO_S, 0, 0, 0, OK, RS(TWO_S),
	 CC0 | CAUSE(I)},
	{"movt.s cc0 clear", MOVCF(FS_, 0, 1), RN, TWO_S, 0, 0, 0, OK, SENT, RN},
	{"movf.s cc0 clear", MOVCF(FS_, 0, 0), RN, TWO_S, 0, 0, 0, OK, RS(TWO_S), RN},
	{"movf.s cc3 set", MOVCF(FS_, 3, 0), 1u << 27, TWO_S, 0, 0, 0, OK, SENT, 1u << 27},
	{"movt.d cc7", MOVCF(FD_, 7, 1), 1u << 31, THREE_D, 0, 0, 0, OK, THREE_D, 1u << 31},
	{"movz.s rt=0", MOVZN(FS_, F_MOVZ), RN, TWO_S, 0, 0, 0, OK, RS(TWO_S), RN},
	{"movz.s rt!=0", MOVZN(FS_, F_MOVZ), RN, TWO_S, 0, 0, 7, OK, SENT, RN},
	{"movn.s rt!=0", MOVZN(FS_, F_MOVN), RN, TWO_S, 0, 0, 0x80000000, OK, RS(TWO_S), RN},
	{"movn.d rt=0", MOVZN(FD_, F_MOVN), RN, THREE_D, 0, 0, 0, OK, SENT, RN},
	{"movz.d rt=0", MOVZN(FD_, F_MOVZ), EXC(V), SNAN_D, 0, 0, 0, OK, SNAN_D, EXC(V)},

	/* enabled exceptions trap: cause set, flags and destination unchanged */
	{"add.s inexact enabled", S(F_ADD), EN(I) | FLAG(Z), ONE_S, 0x33800000, 0, 0, TRAP, SENT,
	 EN(I) | FLAG(Z) | CAUSE(I)},
	{"add.s exact, I enabled", S(F_ADD), EN(I), ONE_S, ONE_S, 0, 0, OK, RS(TWO_S), EN(I)},
	{"div.s 1/0 Z enabled", S(F_DIV), EN(Z), ONE_S, 0, 0, 0, TRAP, SENT, EN(Z) | CAUSE(Z)},
	{"div.s 1/0 V enabled", S(F_DIV), EN(V), ONE_S, 0, 0, 0, OK, RS(INF_S), EN(V) | EXC(Z)},
	{"mul.s overflow, O enabled", S(F_MUL), EN(O), MAX_S, TWO_S, 0, 0, TRAP, SENT,
	 EN(O) | CAUSE(O | I)},
	{"mul.d underflow, U enabled", D(F_MUL), EN(U), 0x0010000000000001ull,
	 0x3fe0000000000000ull, 0, 0, TRAP, SENT, EN(U) | CAUSE(U | I)},
	{"cvt.w.s NaN, V enabled", S(F_CVT_W), EN(V), QNAN_S, 0, 0, 0, TRAP, SENT,
	 EN(V) | CAUSE(V)},
	{"c.lt.s qNaN, V enabled: cc kept", CS(C_LT, 0), EN(V) | CC0, QNAN_S, ONE_S, 0, 0, TRAP,
	 SENT, EN(V) | CC0 | CAUSE(V)},
	{"madd.s product traps I", MADD(X_MADD_S), EN(I), 0x3f800001, 0x3f800001, 0, 0, TRAP, SENT,
	 EN(I) | CAUSE(I)},
	{"neg.s never traps", S(F_NEG), EN(V), SNAN_S, 0, 0, 0, OK, RS(0xffc00000), EN(V)},
};
/* cases: end */

/* Runs one row; returns 0 when it holds, else prints why and returns 1. */
static int run_op_case(const struct op_case *c)
{
	node_fpu f;
	node_fpu_args a;
	unsigned op;
	int ret;

	node_fpu_reset(&f);
	for (unsigned i = 0; i < 32; i++)
		f.fpr[i] = 0x5a5a0000u + i;
	f.fpr[0] = (uint32_t)SENT;
	f.fpr[1] = (uint32_t)(SENT >> 32);
	f.fpr[2] = (uint32_t)c->fs;
	f.fpr[3] = (uint32_t)(c->fs >> 32);
	f.fpr[4] = (uint32_t)c->ft;
	f.fpr[5] = (uint32_t)(c->ft >> 32);
	f.fpr[6] = (uint32_t)c->fr;
	f.fpr[7] = (uint32_t)(c->fr >> 32);
	f.fcsr = c->fcsr;
	op = node_fpu_decode(c->insn, &a);
	if (!op) {
		print_error("%s: %08x not decoded\n", c->name, c->insn);
		return 1;
	}
	a.gpr = c->gpr;
	ret = node_fpu_ops[op](&f, a);
	if (ret != c->ret || f.fpr[0] != (uint32_t)c->fd || f.fpr[1] != (uint32_t)(c->fd >> 32) ||
	    f.fcsr != c->fcsr_out) {
		print_error(
			"%s: got ret %d fd %08x%08x fcsr %08x, want ret %d fd %016llx fcsr %08x\n",
			c->name, ret, f.fpr[1], f.fpr[0], f.fcsr, c->ret, (unsigned long long)c->fd,
			c->fcsr_out);
		return 1;
	}
	/* Operands and the other registers are never written. */
	for (unsigned i = 2; i < 32; i++) {
		uint32_t want = 0x5a5a0000u + i;
		if (i >= 2 && i <= 7) {
			uint64_t v = i < 4 ? c->fs : i < 6 ? c->ft : c->fr;
			want = (uint32_t)(v >> (i & 1 ? 32 : 0));
		}
		if (f.fpr[i] != want) {
			print_error("%s: $f%u changed to %08x\n", c->name, i, f.fpr[i]);
			return 1;
		}
	}
	return 0;
}

static void test_ops(void **state)
{
	int failed = 0;

	(void)state;
	for (size_t i = 0; i < sizeof op_cases / sizeof op_cases[0]; i++)
		failed += run_op_case(&op_cases[i]);
	assert_int_equal(failed, 0);
}

/* Rounding modes leave the host environment as it was: the same sum in
 * round-to-nearest after an op in every other mode. */
static void test_host_env_restored(void **state)
{
	node_fpu f;
	node_fpu_args a;
	unsigned add = node_fpu_decode(S(F_ADD), &a);
	volatile float x = 1.0f, y = 0x1p-25f;

	(void)state;
	node_fpu_reset(&f);
	for (unsigned rm = 1; rm < 4; rm++) {
		f.fcsr = rm | FS;
		f.fpr[2] = ONE_S;
		f.fpr[4] = 0x33800001;
		assert_int_equal(node_fpu_ops[add](&f, a), OK);
		assert_true(x + y == 1.0f);
		assert_true(x - y == 1.0f);
	}
}

/* ---- decoding ------------------------------------------------------------------ */

struct decode_case {
	const char *name;
	uint32_t insn;
	int valid;
	uint8_t fd, fs, ft, fr_cc; /* when valid */
};

#define BAD(name, insn)                   \
	{                                 \
		name, insn, 0, 0, 0, 0, 0 \
	}

static const struct decode_case decode_cases[] = {
	{"add.s odd regs", COP1(FS_, 3, 5, 7, F_ADD), 1, 7, 5, 3, 0},
	{"add.d even", COP1(FD_, 4, 2, 0, F_ADD), 1, 0, 2, 4, 0},
	BAD("add.d odd ft", COP1(FD_, 5, 2, 0, F_ADD)),
	BAD("add.d odd fs", COP1(FD_, 4, 3, 0, F_ADD)),
	BAD("add.d odd fd", COP1(FD_, 4, 2, 1, F_ADD)),
	{"sqrt.d odd ft ignored", COP1(FD_, 5, 2, 0, F_SQRT), 1, 0, 2, 5, 0},
	BAD("sqrt.d odd fs", COP1(FD_, 0, 3, 0, F_SQRT)),
	BAD("recip.d odd fd", COP1(FD_, 0, 2, 1, F_RECIP)),
	{"cvt.w.d odd fd ok", COP1(FD_, 0, 2, 1, F_CVT_W), 1, 1, 2, 0, 0},
	BAD("round.w.d odd fs", COP1(FD_, 0, 3, 0, F_ROUND_W)),
	{"cvt.s.d odd fd ok", COP1(FD_, 0, 2, 3, F_CVT_S), 1, 3, 2, 0, 0},
	BAD("cvt.s.d odd fs", COP1(FD_, 0, 3, 2, F_CVT_S)),
	{"cvt.d.s odd fs ok", COP1(FS_, 0, 3, 2, F_CVT_D), 1, 2, 3, 0, 0},
	BAD("cvt.d.s odd fd", COP1(FS_, 0, 2, 3, F_CVT_D)),
	BAD("cvt.d.w odd fd", COP1(FW_, 0, 2, 3, F_CVT_D)),
	{"cvt.s.w", COP1(FW_, 0, 3, 5, F_CVT_S), 1, 5, 3, 0, 0},
	BAD("c.eq.d odd fs", COP1(FD_, 4, 3, 0, 50)),
	BAD("c.eq.d odd ft", COP1(FD_, 5, 2, 0, 50)),
	{"c.eq.s cc3, low bits ignored", COP1(FS_, 4, 2, 3 << 2 | 3, 50), 1, 15, 2, 4, 3},
	{"movn.d odd regs use the pair", COP1(FD_, 9, 5, 7, F_MOVN), 1, 6, 4, 9, 0},
	{"movt.d cc6, bit 17 ignored", COP1(FD_, 6 << 2 | 3, 3, 1, 17), 1, 0, 2, 27, 6},
	{"movf.s cc2", COP1(FS_, 2 << 2, 3, 1, 17), 1, 1, 3, 8, 2},
	{"madd.s odd", COP1X(7, 5, 3, 1, X_MADD_S), 1, 1, 3, 5, 7},
	{"madd.d even", COP1X(6, 4, 2, 0, X_MADD_D), 1, 0, 2, 4, 6},
	BAD("madd.d odd fr", COP1X(7, 4, 2, 0, X_MADD_D)),
	BAD("nmsub.d odd fd", COP1X(6, 4, 2, 1, X_NMSUB_D)),
	BAD("madd.ps", COP1X(6, 4, 2, 0, 0x26)),
	BAD("lwxc1", COP1X(6, 4, 2, 0, 0x00)),
	BAD("prefx", COP1X(6, 4, 2, 0, 0x0f)),
	BAD("round.l.s", COP1(FS_, 0, 2, 0, 8)),
	BAD("cvt.l.d", COP1(FD_, 0, 2, 0, 37)),
	BAD("cvt.ps.s", COP1(FS_, 4, 2, 0, 38)),
	BAD("cvt.s.s", COP1(FS_, 0, 2, 0, F_CVT_S)),
	BAD("cvt.d.d", COP1(FD_, 0, 2, 0, F_CVT_D)),
	BAD("cvt.w.w", COP1(FW_, 0, 2, 0, F_CVT_W)),
	BAD("add.w", COP1(FW_, 4, 2, 0, F_ADD)),
	BAD("S function 16 (R6 sel)", COP1(FS_, 4, 2, 0, 16)),
	BAD("S function 20", COP1(FS_, 4, 2, 0, 20)),
	BAD("fmt L", COP1(21, 0, 2, 0, F_CVT_S)),
	BAD("fmt PS add", COP1(22, 4, 2, 0, F_ADD)),
	BAD("mfc1", COP1(0, 4, 2, 0, 0)),
	BAD("ctc1", COP1(6, 4, 31, 0, 0)),
	BAD("bc1t", 0x45010004u),
	BAD("special addu", 0x00851021u),
	BAD("lwc1", 0xc4820000u),
};

static void test_decode(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof decode_cases / sizeof decode_cases[0]; i++) {
		const struct decode_case *c = &decode_cases[i];
		node_fpu_args a;
		unsigned op = node_fpu_decode(c->insn, &a);
		if (!!op != c->valid || (op && (a.fd != c->fd || a.fs != c->fs || a.ft != c->ft ||
						a.fr_cc != c->fr_cc || a.gpr != 0))) {
			print_error("%s: %08x decoded to %u fd %u fs %u ft %u fr_cc %u\n", c->name,
				    c->insn, op, a.fd, a.fs, a.ft, a.fr_cc);
			fail();
		}
		if (op)
			assert_non_null(node_fpu_ops[op]);
	}
}

/* ---- control registers --------------------------------------------------------- */

struct ctl_case {
	const char *name;
	uint32_t fcsr;	/* before */
	unsigned reg;	/* ctc1 target */
	uint32_t value; /* written */
	int ret;
	uint32_t fcsr_out;
};

static const struct ctl_case ctl_cases[] = {
	{"fcsr all writable bits", 0, 31, 0xfffc007f, OK, 0xff80007f},
	{"fcsr bits 22..18 read-only", 0, 31, 0x007c0000, OK, 0},
	{"fcsr all ones traps", 0, 31, 0xffffffff, TRAP, 0xff83ffff},
	{"fcsr cause E always traps", 0, 31, CAUSE(NODE_FPE_E), TRAP, CAUSE(NODE_FPE_E)},
	{"fcsr enabled cause traps", 0, 31, EN(I) | CAUSE(I), TRAP, EN(I) | CAUSE(I)},
	{"fcsr disabled cause", 0, 31, EN(V) | CAUSE(I), OK, EN(V) | CAUSE(I)},
	{"fccr sets cc", FLAG(I) | RZ, 25, 0xff, OK, 0xfe800000 | FLAG(I) | RZ},
	{"fccr cc0 only", 0xfe000000 | FS, 25, 0x01, OK, CC0 | FS},
	{"fccr high bits: ignored", 0, 25, 0x1ff, OK, 0},
	{"fexr cause and flags", FS | RP | CC0, 26, 0x0001f07c, OK, FS | RP | CC0 | 0x0001f07c},
	{"fexr with E traps", 0, 26, CAUSE(NODE_FPE_E), TRAP, CAUSE(NODE_FPE_E)},
	{"fexr bit 18: ignored", FLAG(I), 26, 0x00040000, OK, FLAG(I)},
	{"fenr enables, fs, rm", CC0 | FLAG(O), 28, 0xf87, OK, CC0 | FLAG(O) | FS | EN(0x1f) | RMI},
	{"fenr enabling a pending cause traps", CAUSE(O), 28, EN(O), TRAP, CAUSE(O) | EN(O)},
	{"fenr bit 22: ignored", RZ, 28, 0x00400000, OK, RZ},
	{"fir: ignored", RZ, 0, 0xffffffff, OK, RZ},
	{"register 30: ignored", RZ, 30, 0xffffffff, OK, RZ},
};

static void test_ctc1(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof ctl_cases / sizeof ctl_cases[0]; i++) {
		const struct ctl_case *c = &ctl_cases[i];
		node_fpu f;
		int ret;
		node_fpu_reset(&f);
		f.fcsr = c->fcsr;
		ret = node_fpu_ctc1(&f, c->reg, c->value);
		if (ret != c->ret || f.fcsr != c->fcsr_out) {
			print_error("%s: got ret %d fcsr %08x, want %d %08x\n", c->name, ret,
				    f.fcsr, c->ret, c->fcsr_out);
			fail();
		}
	}
}

static void test_cfc1(void **state)
{
	static const struct {
		unsigned reg;
		uint32_t value;
	} want[] = {
		{0, NODE_FIR_VALUE}, {1, 0},	       {2, 0xff80107f},	 {5, 0},
		{25, 0xff},	     {26, 0x0000107c}, {27, 0xff80107f}, {28, 0x00000007},
		{31, 0xff80107f},
	};
	node_fpu f;

	(void)state;
	node_fpu_reset(&f);
	assert_int_equal(node_fpu_ctc1(&f, 31, 0xff80107f), OK);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		if (node_fpu_cfc1(&f, want[i].reg) != want[i].value) {
			print_error("cfc1 $%u = %08x, want %08x\n", want[i].reg,
				    node_fpu_cfc1(&f, want[i].reg), want[i].value);
			fail();
		}
	}
	for (unsigned cc = 0; cc < 8; cc++)
		assert_int_equal(node_fpu_cc(&f, cc), 1);
	assert_int_equal(node_fpu_ctc1(&f, 25, 0x5a), OK);
	for (unsigned cc = 0; cc < 8; cc++)
		assert_int_equal(node_fpu_cc(&f, cc), (0x5a >> cc) & 1);
}

static void test_reset(void **state)
{
	node_fpu f;

	(void)state;
	for (unsigned i = 0; i < 32; i++)
		f.fpr[i] = 0xffffffffu;
	f.fcsr = 0xffffffffu;
	node_fpu_reset(&f);
	for (unsigned i = 0; i < 32; i++)
		assert_int_equal(f.fpr[i], 0);
	assert_int_equal(f.fcsr, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ops),    cmocka_unit_test(test_host_env_restored),
		cmocka_unit_test(test_decode), cmocka_unit_test(test_ctc1),
		cmocka_unit_test(test_cfc1),   cmocka_unit_test(test_reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
