/* node/fpu.c: the MIPS32r2 floating-point unit (COP1) in FR=0 mode.
 *
 * Executes what node_fpu_decode() accepts with results and FCSR effects
 * bit-identical to qemu-mipsel 7.2 (its 24Kf model, legacy NaNs). The facts
 * this file relies on, all checked against qemu-mipsel:
 *
 *  - Legacy NaNs: a NaN whose fraction MSB is set is signalling. QEMU runs
 *    these in default-NaN mode, so every NaN result is the default NaN,
 *    0x7fbfffff / 0x7ff7ffffffffffff, whatever the operands were; invalid
 *    is raised by a signalling operand or an invalid operation, never by a
 *    quiet NaN operand (compares excepted, below).
 *  - Tininess is detected after rounding; underflow is raised only when the
 *    tiny result is also inexact (IEEE default handling).
 *  - FCSR.FS=1: a result whose exact value is nonzero and below the smallest
 *    normal (judged before rounding) becomes a zero of the same sign and
 *    raises nothing at all (not even inexact). Operands are not flushed.
 *  - abs, neg, mov, movf/movt/movz/movn are bit operations: a NaN keeps its
 *    payload (abs/neg flip the sign bit), nothing is raised, and the FCSR
 *    cause field is left as it was.
 *  - madd/msub/nmadd/nmsub are unfused: the product is rounded (and may
 *    raise) on its own, then the sum. nmadd/nmsub negate the final value,
 *    NaN included (a NaN result is 0xffbfffff / 0xfff7ffffffffffff).
 *  - recip is 1/x; rsqrt is 1/sqrt(x) with the square root rounded first.
 *  - Conversions to word of a NaN, an infinity or a value out of range give
 *    0x7fffffff and raise invalid alone (no inexact).
 *  - c.cond: the quiet conditions raise invalid only for a signalling NaN,
 *    the signalling ones (cond bit 3) for any NaN.
 *  - The cause field is rewritten by every other op. An enabled exception
 *    leaves the destination and the flags untouched.
 *
 * Speed. Round-to-nearest with FS=0 is what guest code runs, so that case
 * has a fast path in plain C on the host's own IEEE arithmetic, which is
 * assumed to be in its default environment (round to nearest, no FTZ/DAZ;
 * see node_fpu_ops in fpu.h). The result is the host's; the exceptions come
 * from exact error checks instead of the host's sticky flags, because
 * reloading MXCSR costs more than the arithmetic: TwoSum for sums, exact
 * double products for single precision, and a significand bit count for
 * double products. The fast path declines (returns 0) whenever a result
 * could overflow or be tiny, or an operand is a NaN, an infinity or (for
 * some ops) zero or subnormal; then the general path runs, with the guest's
 * rounding mode loaded into the host FPU around the one operation and the
 * host's flags read back (MXCSR on x86, <fenv.h> elsewhere). IEEE 754 fixes
 * results and flags completely and x86 SSE, like QEMU for MIPS, detects
 * tininess after rounding, so both paths agree with QEMU; NaN operands, NaN
 * results (replaced by the default NaN) and FS=1 get their own handling.
 * Conversions to word are done in integer arithmetic. This file must be
 * compiled with -frounding-math -ffp-contract=off (node/CMakeLists.txt): no
 * constant folding under an assumed rounding mode and no fused multiply-add
 * (TwoSum and the exactness tests rely on every operation being rounded).
 */
#include "node/fpu.h"

#include <float.h>
#include <string.h>

#if defined(__GNUC__) && (defined(__x86_64__) || (defined(__i386__) && defined(__SSE2__))) && \
	!defined(NODE_FPU_PORTABLE)
#define FPU_HOST_SSE 1
#else
#define FPU_HOST_SSE 0
#include <fenv.h>
#if !defined(__GNUC__) || defined(__clang__) /* GCC ignores it: -frounding-math */
#pragma STDC FENV_ACCESS ON
#endif
#endif

/* The fast path needs operations evaluated in their own format. */
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0 && !defined(NODE_FPU_NO_FAST)
#define FPU_FAST 1
#else
#define FPU_FAST 0
#endif

#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#else
#define ALWAYS_INLINE inline
#define likely(x) (x)
#define unlikely(x) (x)
#endif

/* ---- formats ------------------------------------------------------------ */

#define S_SIGN 0x80000000u
#define S_EXP 0x7f800000u
#define S_MIN 0x00800000u /* smallest normal */
#define S_ONE 0x3f800000u
#define S_DNAN 0x7fbfffffu
#define D_SIGN 0x8000000000000000ull
#define D_EXP 0x7ff0000000000000ull
#define D_FRAC 0x000fffffffffffffull
#define D_MIN 0x0010000000000000ull
#define D_ONE 0x3ff0000000000000ull
#define D_DNAN 0x7ff7ffffffffffffull
#define D_EXP1 (2 * D_MIN) /* smallest value with biased exponent 2 */

/* Tininess after rounding, in round-to-nearest: a single result is tiny iff
 * its exact value is below 2^-126 * (1 - 2^-25) in magnitude (from there
 * up, rounding to 24 bits with unbounded exponent reaches 2^-126). */
#define S_TINY 0x1.ffffffp-127

enum { RM_RN, RM_RZ, RM_RP, RM_RM }; /* FCSR.RM encoding */

static inline int s_isnan(uint32_t x)
{
	return (x & ~S_SIGN) > S_EXP;
}

/* Legacy encoding: exponent all ones and fraction MSB set. */
static inline int s_issnan(uint32_t x)
{
	return (x & 0x7fc00000u) == 0x7fc00000u;
}

static inline int d_isnan(uint64_t x)
{
	return (x & ~D_SIGN) > D_EXP;
}

static inline int d_issnan(uint64_t x)
{
	return (x & 0x7ff8000000000000ull) == 0x7ff8000000000000ull;
}

static inline float s_f(uint32_t x)
{
	float f;
	memcpy(&f, &x, sizeof f);
	return f;
}

static inline uint32_t s_u(float f)
{
	uint32_t x;
	memcpy(&x, &f, sizeof x);
	return x;
}

static inline double d_f(uint64_t x)
{
	double f;
	memcpy(&f, &x, sizeof f);
	return f;
}

static inline uint64_t d_u(double f)
{
	uint64_t x;
	memcpy(&x, &f, sizeof x);
	return x;
}

/* FR=0 double register r (even): fpr[r] is the low word. */
static inline uint64_t rd_d(const node_fpu *f, unsigned r)
{
	return (uint64_t)f->fpr[r + 1] << 32 | f->fpr[r];
}

static inline void wr_d(node_fpu *f, unsigned r, uint64_t v)
{
	f->fpr[r] = (uint32_t)v;
	f->fpr[r + 1] = (uint32_t)(v >> 32);
}

/* ---- the host's IEEE arithmetic ------------------------------------------
 *
 * host_enter(rm) switches the calling thread's FP environment to the MIPS
 * rounding mode rm with no sticky flags (and, on SSE, all exceptions
 * masked, no DAZ/FTZ); host_leave() returns the flags raised since, as
 * NODE_FPE_* bits, and restores the environment saved by host_enter(). The
 * operation in between must take its operands through HOST_PIN() after
 * host_enter() and pass its result through HOST_PIN() before host_leave():
 * those empty volatile asm statements keep the compiler from moving the
 * arithmetic out of the window.
 */
#if FPU_HOST_SSE

typedef unsigned host_env;

static inline host_env host_enter(unsigned rm)
{
	static const uint16_t rc[4] = {
		[RM_RN] = 0x0000, [RM_RZ] = 0x6000, [RM_RP] = 0x4000, [RM_RM] = 0x2000};
	unsigned old, csr = 0x1f80u | rc[rm];
	__asm__ volatile("stmxcsr %0" : "=m"(old));
	__asm__ volatile("ldmxcsr %0" : : "m"(csr));
	return old;
}

static inline unsigned host_leave(host_env old)
{
	unsigned csr;
	__asm__ volatile("stmxcsr %0" : "=m"(csr));
	__asm__ volatile("ldmxcsr %0" : : "m"(old));
	/* MXCSR: IE 0, DE 1 (ignored), ZE 2, OE 3, UE 4, PE 5. */
	return (csr & 0x01) << 4 | (csr & 0x04) << 1 | (csr & 0x08) >> 1 | (csr & 0x10) >> 3 |
	       (csr & 0x20) >> 5;
}

#define HOST_PIN(x) __asm__ volatile("" : "+x"(x))
#define HOST_PIN_INT(x) __asm__ volatile("" : "+r"(x))

#else /* portable <fenv.h> fallback */

typedef fenv_t host_env;

static inline host_env host_enter(unsigned rm)
{
	static const int mode[4] = {[RM_RN] = FE_TONEAREST,
				    [RM_RZ] = FE_TOWARDZERO,
				    [RM_RP] = FE_UPWARD,
				    [RM_RM] = FE_DOWNWARD};
	fenv_t old;
	feholdexcept(&old); /* saves, clears the flags, masks traps */
	fesetround(mode[rm]);
	return old;
}

static inline unsigned host_leave(host_env old)
{
	int e = fetestexcept(FE_ALL_EXCEPT);
	fesetenv(&old);
	return (e & FE_INVALID ? NODE_FPE_V : 0) | (e & FE_DIVBYZERO ? NODE_FPE_Z : 0) |
	       (e & FE_OVERFLOW ? NODE_FPE_O : 0) | (e & FE_UNDERFLOW ? NODE_FPE_U : 0) |
	       (e & FE_INEXACT ? NODE_FPE_I : 0);
}

#if defined(__GNUC__)
#define HOST_PIN(x) __asm__ volatile("" : "+m"(x))
#else
#define HOST_PIN(x)                                \
	do {                                       \
		volatile __typeof__(x) pin_ = (x); \
		(x) = pin_;                        \
	} while (0)
#endif
#define HOST_PIN_INT(x) HOST_PIN(x)

#endif

enum { B_ADD, B_SUB, B_MUL, B_DIV };

static inline float host_bin_s(int op, float a, float b, unsigned rm, unsigned *e)
{
	host_env env = host_enter(rm);
	float r;
	HOST_PIN(a);
	HOST_PIN(b);
	switch (op) {
	case B_ADD: r = a + b; break;
	case B_SUB: r = a - b; break;
	case B_MUL: r = a * b; break;
	default: r = a / b; break;
	}
	HOST_PIN(r);
	*e = host_leave(env);
	return r;
}

static inline double host_bin_d(int op, double a, double b, unsigned rm, unsigned *e)
{
	host_env env = host_enter(rm);
	double r;
	HOST_PIN(a);
	HOST_PIN(b);
	switch (op) {
	case B_ADD: r = a + b; break;
	case B_SUB: r = a - b; break;
	case B_MUL: r = a * b; break;
	default: r = a / b; break;
	}
	HOST_PIN(r);
	*e = host_leave(env);
	return r;
}

static inline float host_sqrt_s(float a, unsigned rm, unsigned *e)
{
	host_env env = host_enter(rm);
	float r;
	HOST_PIN(a);
	r = __builtin_sqrtf(a);
	HOST_PIN(r);
	*e = host_leave(env);
	return r;
}

static inline double host_sqrt_d(double a, unsigned rm, unsigned *e)
{
	host_env env = host_enter(rm);
	double r;
	HOST_PIN(a);
	r = __builtin_sqrt(a);
	HOST_PIN(r);
	*e = host_leave(env);
	return r;
}

static inline float host_d2s(double a, unsigned rm, unsigned *e)
{
	host_env env = host_enter(rm);
	float r;
	HOST_PIN(a);
	r = (float)a;
	HOST_PIN(r);
	*e = host_leave(env);
	return r;
}

static inline float host_w2s(int32_t a, unsigned rm, unsigned *e)
{
	host_env env = host_enter(rm);
	float r;
	HOST_PIN_INT(a);
	r = (float)a;
	HOST_PIN(r);
	*e = host_leave(env);
	return r;
}

/* ---- one rounded operation: the general path ------------------------------
 *
 * The *_slow() functions perform one IEEE operation as QEMU's softfloat
 * does for this FPU, for any operands and any FCSR: NaN operands give the
 * default NaN (invalid if one signals), NaN results become the default NaN,
 * FCSR.FS flushes tiny results. The operation's exceptions are ORed into
 * *exc; fcsr supplies RM and FS. s_bin() and friends, further down, try
 * the fast path first.
 */

/* FS=1: does the result r (with its exceptions e) come from an exact value
 * below the smallest normal? A subnormal result, or a zero that is inexact,
 * certainly does; the smallest normal reached inexactly may have been
 * rounded up from below, which the same operation rounded toward zero
 * decides. Returns 0 no, 1 yes, 2 redo it toward zero and look. */
static inline int s_tiny(uint32_t r, unsigned e)
{
	uint32_t m = r & ~S_SIGN;
	if (m < S_MIN)
		return m != 0 || (e & NODE_FPE_I);
	return m == S_MIN && (e & NODE_FPE_I) ? 2 : 0;
}

static inline int d_tiny(uint64_t r, unsigned e)
{
	uint64_t m = r & ~D_SIGN;
	if (m < D_MIN)
		return m != 0 || (e & NODE_FPE_I);
	return m == D_MIN && (e & NODE_FPE_I) ? 2 : 0;
}

static uint32_t s_bin_slow(int op, uint32_t a, uint32_t b, uint32_t fcsr, unsigned *exc)
{
	unsigned e;
	uint32_t r;

	if (unlikely(s_isnan(a) || s_isnan(b))) {
		if (s_issnan(a) || s_issnan(b))
			*exc |= NODE_FPE_V;
		return S_DNAN;
	}
	r = s_u(host_bin_s(op, s_f(a), s_f(b), fcsr & NODE_FCSR_RM_MASK, &e));
	if (unlikely(s_isnan(r))) {
		r = S_DNAN;
	} else if (unlikely(fcsr & NODE_FCSR_FS)) {
		int t = s_tiny(r, e);
		unsigned ez;
		if (t == 2)
			t = (s_u(host_bin_s(op, s_f(a), s_f(b), RM_RZ, &ez)) & ~S_SIGN) < S_MIN;
		if (t) {
			r &= S_SIGN;
			e = 0;
		}
	}
	*exc |= e;
	return r;
}

static uint64_t d_bin_slow(int op, uint64_t a, uint64_t b, uint32_t fcsr, unsigned *exc)
{
	unsigned e;
	uint64_t r;

	if (unlikely(d_isnan(a) || d_isnan(b))) {
		if (d_issnan(a) || d_issnan(b))
			*exc |= NODE_FPE_V;
		return D_DNAN;
	}
	r = d_u(host_bin_d(op, d_f(a), d_f(b), fcsr & NODE_FCSR_RM_MASK, &e));
	if (unlikely(d_isnan(r))) {
		r = D_DNAN;
	} else if (unlikely(fcsr & NODE_FCSR_FS)) {
		int t = d_tiny(r, e);
		unsigned ez;
		if (t == 2)
			t = (d_u(host_bin_d(op, d_f(a), d_f(b), RM_RZ, &ez)) & ~D_SIGN) < D_MIN;
		if (t) {
			r &= D_SIGN;
			e = 0;
		}
	}
	*exc |= e;
	return r;
}

/* A square root is never tiny, so FS does not matter. */
static uint32_t s_sqrt_slow(uint32_t a, uint32_t fcsr, unsigned *exc)
{
	unsigned e;
	uint32_t r;

	if (unlikely(s_isnan(a))) {
		if (s_issnan(a))
			*exc |= NODE_FPE_V;
		return S_DNAN;
	}
	r = s_u(host_sqrt_s(s_f(a), fcsr & NODE_FCSR_RM_MASK, &e));
	if (unlikely(s_isnan(r)))
		r = S_DNAN;
	*exc |= e;
	return r;
}

static uint64_t d_sqrt_slow(uint64_t a, uint32_t fcsr, unsigned *exc)
{
	unsigned e;
	uint64_t r;

	if (unlikely(d_isnan(a))) {
		if (d_issnan(a))
			*exc |= NODE_FPE_V;
		return D_DNAN;
	}
	r = d_u(host_sqrt_d(d_f(a), fcsr & NODE_FCSR_RM_MASK, &e));
	if (unlikely(d_isnan(r)))
		r = D_DNAN;
	*exc |= e;
	return r;
}

static uint32_t cvt_s_d_slow(uint64_t a, uint32_t fcsr, unsigned *exc)
{
	unsigned e;
	uint32_t r;

	if (unlikely(d_isnan(a))) {
		if (d_issnan(a))
			*exc |= NODE_FPE_V;
		return S_DNAN;
	}
	r = s_u(host_d2s(d_f(a), fcsr & NODE_FCSR_RM_MASK, &e));
	if (unlikely(fcsr & NODE_FCSR_FS)) {
		int t = s_tiny(r, e);
		unsigned ez;
		if (t == 2)
			t = (s_u(host_d2s(d_f(a), RM_RZ, &ez)) & ~S_SIGN) < S_MIN;
		if (t) {
			r &= S_SIGN;
			e = 0;
		}
	}
	*exc |= e;
	return r;
}

/* ---- the round-to-nearest fast path ---------------------------------------
 *
 * Each *_fast() either stores the result in *res, ORs its exceptions into
 * *exc and returns 1, or returns 0 without side effects. They run on the
 * host's default environment (round to nearest) and are only called when
 * FCSR.RM = RN and FS = 0.
 */
#if FPU_FAST

static inline int s_finite(uint32_t x)
{
	return (x & S_EXP) != S_EXP;
}

static inline int d_finite(uint64_t x)
{
	return (x & D_EXP) != D_EXP;
}

/* Normal, non-tiny, finite: nothing can have underflowed or overflowed. */
static inline int d_safe(uint64_t r)
{
	uint64_t m = r & ~D_SIGN;
	return m > D_MIN && m < D_EXP;
}

/* Is the exact product of two nonzero finite doubles' significands
 * representable in 53 bits? Strip the trailing zeros: the odd parts
 * multiply to an odd number of bit length k or k - 1. */
static inline int d_prod_exact(uint64_t x, uint64_t y)
{
	uint64_t mx = (x & D_FRAC) | ((x & D_EXP) ? D_MIN : 0);
	uint64_t my = (y & D_FRAC) | ((y & D_EXP) ? D_MIN : 0);
	int k;

	mx >>= __builtin_ctzll(mx);
	my >>= __builtin_ctzll(my);
	k = 128 - __builtin_clzll(mx) - __builtin_clzll(my);
	if (k > 64)
		return 0;
	return mx * my < (1ull << 53);
}

static ALWAYS_INLINE int s_bin_fast(int op, uint32_t a, uint32_t b, uint32_t *res, unsigned *exc)
{
	float fa = s_f(a), fb = s_f(b), r;

	if (!s_finite(a) || !s_finite(b))
		return 0;
	switch (op) {
	case B_ADD:
	case B_SUB: {
		/* TwoSum: err is the exact rounding error of r (a sum never
		 * underflows inexactly). */
		float sb = op == B_ADD ? fb : -fb, bb, err;
		r = fa + sb;
		if (!s_finite(s_u(r)))
			return 0;
		bb = r - fa;
		err = (fa - (r - bb)) + (sb - bb);
		if (err != 0)
			*exc |= NODE_FPE_I;
		break;
	}
	case B_MUL: {
		double p = (double)fa * (double)fb; /* exact: 48 bits */
		r = (float)p;
		if (!s_finite(s_u(r)))
			return 0;
		if ((double)r != p)
			*exc |= __builtin_fabs(p) < S_TINY ? NODE_FPE_I | NODE_FPE_U : NODE_FPE_I;
		break;
	}
	default: /* B_DIV */
		if (!(b & ~S_SIGN))
			return 0;
		r = fa / fb;
		if (!s_finite(s_u(r)))
			return 0;
		if ((double)r * (double)fb != (double)fa) /* exact products */
			*exc |= __builtin_fabs((double)fa) < S_TINY * __builtin_fabs((double)fb)
					? NODE_FPE_I | NODE_FPE_U
					: NODE_FPE_I;
		break;
	}
	*res = s_u(r);
	return 1;
}

static ALWAYS_INLINE int d_bin_fast(int op, uint64_t a, uint64_t b, uint64_t *res, unsigned *exc)
{
	double fa = d_f(a), fb = d_f(b), r;

	if (!d_finite(a) || !d_finite(b))
		return 0;
	switch (op) {
	case B_ADD:
	case B_SUB: {
		double sb = op == B_ADD ? fb : -fb, bb, err;
		r = fa + sb;
		if (!d_finite(d_u(r)))
			return 0;
		bb = r - fa;
		err = (fa - (r - bb)) + (sb - bb);
		if (err != 0)
			*exc |= NODE_FPE_I;
		break;
	}
	case B_MUL:
		r = fa * fb;
		if (!(a & ~D_SIGN) || !(b & ~D_SIGN))
			break; /* exact zero */
		if (!d_safe(d_u(r)))
			return 0;
		if (!d_prod_exact(a, b))
			*exc |= NODE_FPE_I;
		break;
	default: /* B_DIV */
		if (!(b & ~D_SIGN))
			return 0;
		r = fa / fb;
		if (!(a & ~D_SIGN))
			break; /* exact zero */
		/* |a| >= 2^-1021 keeps r * b, which is within an ulp of a, in
		 * the normal range. */
		if ((a & ~D_SIGN) < D_EXP1 || !d_safe(d_u(r)))
			return 0;
		if (!d_prod_exact(d_u(r), b) || r * fb != fa)
			*exc |= NODE_FPE_I;
		break;
	}
	*res = d_u(r);
	return 1;
}

static ALWAYS_INLINE int s_sqrt_fast(uint32_t a, uint32_t *res, unsigned *exc)
{
	float r;

	if (!s_finite(a) || ((a & S_SIGN) && a != S_SIGN))
		return 0;
	r = __builtin_sqrtf(s_f(a));
	if ((double)r * (double)r != (double)s_f(a))
		*exc |= NODE_FPE_I;
	*res = s_u(r);
	return 1;
}

static ALWAYS_INLINE int d_sqrt_fast(uint64_t a, uint64_t *res, unsigned *exc)
{
	double r;

	if (!(a & ~D_SIGN)) {
		*res = a; /* sqrt(-0) = -0 */
		return 1;
	}
	if (a < D_EXP1 || a >= D_EXP) /* tiny, negative, inf or NaN */
		return 0;
	r = __builtin_sqrt(d_f(a));
	if (!d_prod_exact(d_u(r), d_u(r)) || r * r != d_f(a))
		*exc |= NODE_FPE_I;
	*res = d_u(r);
	return 1;
}

static ALWAYS_INLINE int cvt_s_d_fast(uint64_t a, uint32_t *res, unsigned *exc)
{
	double d = d_f(a);
	float r;

	if (!d_finite(a))
		return 0;
	r = (float)d;
	if (!s_finite(s_u(r)))
		return 0;
	if ((double)r != d)
		*exc |= __builtin_fabs(d) < S_TINY ? NODE_FPE_I | NODE_FPE_U : NODE_FPE_I;
	*res = s_u(r);
	return 1;
}

#define FAST(call) (likely(!(fcsr & (NODE_FCSR_RM_MASK | NODE_FCSR_FS))) && (call))

#else

#define FAST(call) 0

#endif

static ALWAYS_INLINE uint32_t s_bin(int op, uint32_t a, uint32_t b, uint32_t fcsr, unsigned *exc)
{
	uint32_t r;

	if (FAST(s_bin_fast(op, a, b, &r, exc)))
		return r;
	return s_bin_slow(op, a, b, fcsr, exc);
}

static ALWAYS_INLINE uint64_t d_bin(int op, uint64_t a, uint64_t b, uint32_t fcsr, unsigned *exc)
{
	uint64_t r;

	if (FAST(d_bin_fast(op, a, b, &r, exc)))
		return r;
	return d_bin_slow(op, a, b, fcsr, exc);
}

static ALWAYS_INLINE uint32_t s_sqrt(uint32_t a, uint32_t fcsr, unsigned *exc)
{
	uint32_t r;

	if (FAST(s_sqrt_fast(a, &r, exc)))
		return r;
	return s_sqrt_slow(a, fcsr, exc);
}

static ALWAYS_INLINE uint64_t d_sqrt(uint64_t a, uint32_t fcsr, unsigned *exc)
{
	uint64_t r;

	if (FAST(d_sqrt_fast(a, &r, exc)))
		return r;
	return d_sqrt_slow(a, fcsr, exc);
}

static ALWAYS_INLINE uint32_t cvt_s_d(uint64_t a, uint32_t fcsr, unsigned *exc)
{
	uint32_t r;

	if (FAST(cvt_s_d_fast(a, &r, exc)))
		return r;
	return cvt_s_d_slow(a, fcsr, exc);
}

static ALWAYS_INLINE uint32_t cvt_s_w(uint32_t a, uint32_t fcsr, unsigned *exc)
{
	int32_t w = (int32_t)a;

#if FPU_FAST
	if (likely(!(fcsr & NODE_FCSR_RM_MASK))) {
		float r = (float)w;
		if ((double)r != (double)w)
			*exc |= NODE_FPE_I;
		return s_u(r);
	}
#endif
	{
		unsigned e;
		uint32_t r = s_u(host_w2s(w, fcsr & NODE_FCSR_RM_MASK, &e));
		*exc |= e;
		return r;
	}
}

/* Exact widening, in integer arithmetic. */
static uint64_t cvt_d_s(uint32_t a, unsigned *exc)
{
	uint64_t sign = (uint64_t)(a & S_SIGN) << 32;
	unsigned exp = (a >> 23) & 0xff;
	uint64_t frac = a & 0x7fffff;

	if (exp == 0xff) {
		if (!frac)
			return sign | D_EXP;
		if (s_issnan(a))
			*exc |= NODE_FPE_V;
		return D_DNAN;
	}
	if (exp == 0) {
		int shift;
		if (!frac)
			return sign;
		/* Subnormal: normalise so that bit 23 is the hidden bit. */
		shift = __builtin_clzll(frac) - 40;
		frac = (frac << shift) & 0x7fffff;
		return sign | (uint64_t)(1023 - 126 - shift) << 52 | frac << 29;
	}
	return sign | (uint64_t)(exp - 127 + 1023) << 52 | frac << 29;
}

/* Rounds the value m * 2^-sh (m < 2^53) with sign to a word in mode rm.
 * Out of range gives 0x7fffffff and invalid alone; otherwise inexact when
 * the value was not an integer. */
static uint32_t round_w(int sign, uint64_t m, int sh, unsigned rm, unsigned *exc)
{
	uint64_t ip;
	int rnd, sticky, inc;

	if (sh <= 0) {
		if (-sh > 10)
			goto invalid;
		ip = m << -sh;
		rnd = sticky = 0;
	} else if (sh >= 64) {
		ip = 0;
		rnd = 0; /* m * 2^-64 < 2^-11 */
		sticky = m != 0;
	} else {
		ip = m >> sh;
		rnd = (m >> (sh - 1)) & 1;
		sticky = (m & ((1ull << (sh - 1)) - 1)) != 0;
	}
	switch (rm) {
	case RM_RN: inc = rnd && (sticky || (ip & 1)); break;
	case RM_RZ: inc = 0; break;
	case RM_RP: inc = !sign && (rnd || sticky); break;
	default: inc = sign && (rnd || sticky); break;
	}
	ip += inc;
	if (ip > (sign ? 0x80000000u : 0x7fffffffu))
		goto invalid;
	if (rnd || sticky)
		*exc |= NODE_FPE_I;
	return sign ? (uint32_t)(0 - ip) : (uint32_t)ip;
invalid:
	*exc |= NODE_FPE_V;
	return 0x7fffffffu;
}

static uint32_t s_to_w(uint32_t a, unsigned rm, unsigned *exc)
{
	unsigned exp = (a >> 23) & 0xff;
	uint64_t frac = a & 0x7fffff;

	if (exp == 0xff) {
		*exc |= NODE_FPE_V;
		return 0x7fffffffu;
	}
	if (exp == 0)
		return round_w(a >> 31, frac, 149, rm, exc);
	return round_w(a >> 31, frac | 0x800000, 150 - (int)exp, rm, exc);
}

static uint32_t d_to_w(uint64_t a, unsigned rm, unsigned *exc)
{
	unsigned exp = (a >> 52) & 0x7ff;
	uint64_t frac = a & D_FRAC;

	if (exp == 0x7ff) {
		*exc |= NODE_FPE_V;
		return 0x7fffffffu;
	}
	if (exp == 0)
		return round_w(a >> 63, frac, 1074, rm, exc);
	return round_w(a >> 63, frac | D_MIN, 1075 - (int)exp, rm, exc);
}

/* ---- FCSR ---------------------------------------------------------------- */

/* Ends an arithmetic op that raised exc: writes the cause; then either
 * traps (returns 1, flags untouched) or accumulates the flags (returns 0,
 * the caller writes the destination). */
static inline int finish(node_fpu *f, unsigned exc)
{
	uint32_t fcsr = (f->fcsr & ~NODE_FCSR_CAUSE_MASK) | exc << NODE_FCSR_CAUSE_SHIFT;

	if (unlikely(exc & (fcsr >> NODE_FCSR_ENABLES_SHIFT) & 0x1f)) {
		f->fcsr = fcsr;
		return 1;
	}
	f->fcsr = fcsr | exc << NODE_FCSR_FLAGS_SHIFT;
	return 0;
}

static inline unsigned cc_bit(unsigned cc)
{
	return cc ? 24 + cc : 23;
}

/* ---- the ops --------------------------------------------------------------- */

enum {
	OP_NONE,
#define FPU_FMT_OPS(F)                                                                          \
	OP_ADD_##F, OP_SUB_##F, OP_MUL_##F, OP_DIV_##F, OP_SQRT_##F, OP_ABS_##F, OP_MOV_##F,    \
		OP_NEG_##F, OP_ROUND_W_##F, OP_TRUNC_W_##F, OP_CEIL_W_##F, OP_FLOOR_W_##F,      \
		OP_MOVF_##F, OP_MOVT_##F, OP_MOVZ_##F, OP_MOVN_##F, OP_RECIP_##F, OP_RSQRT_##F, \
		OP_CVT_W_##F, OP_MADD_##F, OP_MSUB_##F, OP_NMADD_##F, OP_NMSUB_##F,             \
		OP_C_##F /* 16 consecutive: c.f .. c.ngt */
	FPU_FMT_OPS(S),
	OP_CVT_D_S = OP_C_S + 16,
	FPU_FMT_OPS(D),
	OP_CVT_S_D = OP_C_D + 16,
	OP_CVT_S_W,
	OP_CVT_D_W,
	OP_COUNT
};

#define OP_S(name) static int name(node_fpu *f, node_fpu_args a)

/* fd = fs op ft */
#define BIN_OPS(name, bop)                                                            \
	OP_S(op_##name##_s)                                                           \
	{                                                                             \
		unsigned exc = 0;                                                     \
		uint32_t r = s_bin(bop, f->fpr[a.fs], f->fpr[a.ft], f->fcsr, &exc);   \
		if (finish(f, exc))                                                   \
			return NODE_FPU_TRAP;                                         \
		f->fpr[a.fd] = r;                                                     \
		return NODE_FPU_OK;                                                   \
	}                                                                             \
	OP_S(op_##name##_d)                                                           \
	{                                                                             \
		unsigned exc = 0;                                                     \
		uint64_t r = d_bin(bop, rd_d(f, a.fs), rd_d(f, a.ft), f->fcsr, &exc); \
		if (finish(f, exc))                                                   \
			return NODE_FPU_TRAP;                                         \
		wr_d(f, a.fd, r);                                                     \
		return NODE_FPU_OK;                                                   \
	}
BIN_OPS(add, B_ADD)
BIN_OPS(sub, B_SUB)
BIN_OPS(mul, B_MUL)
BIN_OPS(div, B_DIV)

OP_S(op_sqrt_s)
{
	unsigned exc = 0;
	uint32_t r = s_sqrt(f->fpr[a.fs], f->fcsr, &exc);
	if (finish(f, exc))
		return NODE_FPU_TRAP;
	f->fpr[a.fd] = r;
	return NODE_FPU_OK;
}

OP_S(op_sqrt_d)
{
	unsigned exc = 0;
	uint64_t r = d_sqrt(rd_d(f, a.fs), f->fcsr, &exc);
	if (finish(f, exc))
		return NODE_FPU_TRAP;
	wr_d(f, a.fd, r);
	return NODE_FPU_OK;
}

OP_S(op_recip_s)
{
	unsigned exc = 0;
	uint32_t r = s_bin(B_DIV, S_ONE, f->fpr[a.fs], f->fcsr, &exc);
	if (finish(f, exc))
		return NODE_FPU_TRAP;
	f->fpr[a.fd] = r;
	return NODE_FPU_OK;
}

OP_S(op_recip_d)
{
	unsigned exc = 0;
	uint64_t r = d_bin(B_DIV, D_ONE, rd_d(f, a.fs), f->fcsr, &exc);
	if (finish(f, exc))
		return NODE_FPU_TRAP;
	wr_d(f, a.fd, r);
	return NODE_FPU_OK;
}

OP_S(op_rsqrt_s)
{
	unsigned exc = 0;
	uint32_t r = s_sqrt(f->fpr[a.fs], f->fcsr, &exc);
	r = s_bin(B_DIV, S_ONE, r, f->fcsr, &exc);
	if (finish(f, exc))
		return NODE_FPU_TRAP;
	f->fpr[a.fd] = r;
	return NODE_FPU_OK;
}

OP_S(op_rsqrt_d)
{
	unsigned exc = 0;
	uint64_t r = d_sqrt(rd_d(f, a.fs), f->fcsr, &exc);
	r = d_bin(B_DIV, D_ONE, r, f->fcsr, &exc);
	if (finish(f, exc))
		return NODE_FPU_TRAP;
	wr_d(f, a.fd, r);
	return NODE_FPU_OK;
}

/* fd = +-(fs * ft +- fr), each step rounded. */
#define MADD_OPS(name, bop, neg)                                                         \
	OP_S(op_##name##_s)                                                              \
	{                                                                                \
		unsigned exc = 0;                                                        \
		uint32_t r = s_bin(B_MUL, f->fpr[a.fs], f->fpr[a.ft], f->fcsr, &exc);    \
		r = s_bin(bop, r, f->fpr[a.fr_cc], f->fcsr, &exc) ^ (neg ? S_SIGN : 0);  \
		if (finish(f, exc))                                                      \
			return NODE_FPU_TRAP;                                            \
		f->fpr[a.fd] = r;                                                        \
		return NODE_FPU_OK;                                                      \
	}                                                                                \
	OP_S(op_##name##_d)                                                              \
	{                                                                                \
		unsigned exc = 0;                                                        \
		uint64_t r = d_bin(B_MUL, rd_d(f, a.fs), rd_d(f, a.ft), f->fcsr, &exc);  \
		r = d_bin(bop, r, rd_d(f, a.fr_cc), f->fcsr, &exc) ^ (neg ? D_SIGN : 0); \
		if (finish(f, exc))                                                      \
			return NODE_FPU_TRAP;                                            \
		wr_d(f, a.fd, r);                                                        \
		return NODE_FPU_OK;                                                      \
	}
MADD_OPS(madd, B_ADD, 0)
MADD_OPS(msub, B_SUB, 0)
MADD_OPS(nmadd, B_ADD, 1)
MADD_OPS(nmsub, B_SUB, 1)

/* Bit operations: no exception, FCSR untouched. */
OP_S(op_abs_s)
{
	f->fpr[a.fd] = f->fpr[a.fs] & ~S_SIGN;
	return NODE_FPU_OK;
}

OP_S(op_abs_d)
{
	wr_d(f, a.fd, rd_d(f, a.fs) & ~D_SIGN);
	return NODE_FPU_OK;
}

OP_S(op_neg_s)
{
	f->fpr[a.fd] = f->fpr[a.fs] ^ S_SIGN;
	return NODE_FPU_OK;
}

OP_S(op_neg_d)
{
	wr_d(f, a.fd, rd_d(f, a.fs) ^ D_SIGN);
	return NODE_FPU_OK;
}

OP_S(op_mov_s)
{
	f->fpr[a.fd] = f->fpr[a.fs];
	return NODE_FPU_OK;
}

OP_S(op_mov_d)
{
	wr_d(f, a.fd, rd_d(f, a.fs));
	return NODE_FPU_OK;
}

#define CMOV_OPS(name, cond)                          \
	OP_S(op_##name##_s)                           \
	{                                             \
		if (cond)                             \
			f->fpr[a.fd] = f->fpr[a.fs];  \
		return NODE_FPU_OK;                   \
	}                                             \
	OP_S(op_##name##_d)                           \
	{                                             \
		if (cond)                             \
			wr_d(f, a.fd, rd_d(f, a.fs)); \
		return NODE_FPU_OK;                   \
	}
CMOV_OPS(movf, !((f->fcsr >> cc_bit(a.fr_cc)) & 1))
CMOV_OPS(movt, (f->fcsr >> cc_bit(a.fr_cc)) & 1)
CMOV_OPS(movz, a.gpr == 0)
CMOV_OPS(movn, a.gpr != 0)

/* Conversions to word: cvt.w uses FCSR.RM, the others their own mode. */
#define TO_W_OPS(name, rm)                                    \
	OP_S(op_##name##_s)                                   \
	{                                                     \
		unsigned exc = 0;                             \
		uint32_t r = s_to_w(f->fpr[a.fs], rm, &exc);  \
		if (finish(f, exc))                           \
			return NODE_FPU_TRAP;                 \
		f->fpr[a.fd] = r;                             \
		return NODE_FPU_OK;                           \
	}                                                     \
	OP_S(op_##name##_d)                                   \
	{                                                     \
		unsigned exc = 0;                             \
		uint32_t r = d_to_w(rd_d(f, a.fs), rm, &exc); \
		if (finish(f, exc))                           \
			return NODE_FPU_TRAP;                 \
		f->fpr[a.fd] = r;                             \
		return NODE_FPU_OK;                           \
	}
TO_W_OPS(cvt_w, f->fcsr &NODE_FCSR_RM_MASK)
TO_W_OPS(round_w, RM_RN)
TO_W_OPS(trunc_w, RM_RZ)
TO_W_OPS(ceil_w, RM_RP)
TO_W_OPS(floor_w, RM_RM)

OP_S(op_cvt_d_s)
{
	unsigned exc = 0;
	uint64_t r = cvt_d_s(f->fpr[a.fs], &exc);
	if (finish(f, exc))
		return NODE_FPU_TRAP;
	wr_d(f, a.fd, r);
	return NODE_FPU_OK;
}

OP_S(op_cvt_s_d)
{
	unsigned exc = 0;
	uint32_t r = cvt_s_d(rd_d(f, a.fs), f->fcsr, &exc);
	if (finish(f, exc))
		return NODE_FPU_TRAP;
	f->fpr[a.fd] = r;
	return NODE_FPU_OK;
}

OP_S(op_cvt_s_w)
{
	unsigned exc = 0;
	uint32_t r = cvt_s_w(f->fpr[a.fs], f->fcsr, &exc);
	if (finish(f, exc))
		return NODE_FPU_TRAP;
	f->fpr[a.fd] = r;
	return NODE_FPU_OK;
}

OP_S(op_cvt_d_w)
{
	uint64_t r = d_u((double)(int32_t)f->fpr[a.fs]); /* always exact */
	finish(f, 0);
	wr_d(f, a.fd, r);
	return NODE_FPU_OK;
}

/* c.cond.fmt: cond bit 0 = true if unordered, 1 = if equal, 2 = if less,
 * 3 = signalling (invalid on a quiet NaN too). */
static inline int cmp_finish(node_fpu *f, unsigned cc, unsigned exc, int c)
{
	if (finish(f, exc))
		return NODE_FPU_TRAP;
	if (c)
		f->fcsr |= 1u << cc_bit(cc);
	else
		f->fcsr &= ~(1u << cc_bit(cc));
	return NODE_FPU_OK;
}

static inline int cmp_s(node_fpu *f, node_fpu_args a, unsigned cond)
{
	uint32_t x = f->fpr[a.fs], y = f->fpr[a.ft];
	unsigned exc = 0;
	int c;

	if (unlikely(s_isnan(x) || s_isnan(y))) {
		if ((cond & 8) || s_issnan(x) || s_issnan(y))
			exc = NODE_FPE_V;
		c = cond & 1;
	} else {
		/* Ordered operands: host compares raise nothing. */
		float fx = s_f(x), fy = s_f(y);
		c = ((cond & 2) && fx == fy) || ((cond & 4) && fx < fy);
	}
	return cmp_finish(f, a.fr_cc, exc, c);
}

static inline int cmp_d(node_fpu *f, node_fpu_args a, unsigned cond)
{
	uint64_t x = rd_d(f, a.fs), y = rd_d(f, a.ft);
	unsigned exc = 0;
	int c;

	if (unlikely(d_isnan(x) || d_isnan(y))) {
		if ((cond & 8) || d_issnan(x) || d_issnan(y))
			exc = NODE_FPE_V;
		c = cond & 1;
	} else {
		double fx = d_f(x), fy = d_f(y);
		c = ((cond & 2) && fx == fy) || ((cond & 4) && fx < fy);
	}
	return cmp_finish(f, a.fr_cc, exc, c);
}

#define CMP_OPS(n)                     \
	OP_S(op_c##n##_s)              \
	{                              \
		return cmp_s(f, a, n); \
	}                              \
	OP_S(op_c##n##_d)              \
	{                              \
		return cmp_d(f, a, n); \
	}
CMP_OPS(0)
CMP_OPS(1)
CMP_OPS(2)
CMP_OPS(3)
CMP_OPS(4)
CMP_OPS(5)
CMP_OPS(6)
CMP_OPS(7)
CMP_OPS(8)
CMP_OPS(9)
CMP_OPS(10)
CMP_OPS(11)
CMP_OPS(12)
CMP_OPS(13)
CMP_OPS(14)
CMP_OPS(15)

#define FMT_ENTRIES(F, f)                                                                         \
	[OP_ADD_##F] = op_add_##f, [OP_SUB_##F] = op_sub_##f, [OP_MUL_##F] = op_mul_##f,          \
	[OP_DIV_##F] = op_div_##f, [OP_SQRT_##F] = op_sqrt_##f, [OP_ABS_##F] = op_abs_##f,        \
	[OP_MOV_##F] = op_mov_##f, [OP_NEG_##F] = op_neg_##f, [OP_ROUND_W_##F] = op_round_w_##f,  \
	[OP_TRUNC_W_##F] = op_trunc_w_##f, [OP_CEIL_W_##F] = op_ceil_w_##f,                       \
	[OP_FLOOR_W_##F] = op_floor_w_##f, [OP_MOVF_##F] = op_movf_##f,                           \
	[OP_MOVT_##F] = op_movt_##f, [OP_MOVZ_##F] = op_movz_##f, [OP_MOVN_##F] = op_movn_##f,    \
	[OP_RECIP_##F] = op_recip_##f, [OP_RSQRT_##F] = op_rsqrt_##f,                             \
	[OP_CVT_W_##F] = op_cvt_w_##f, [OP_MADD_##F] = op_madd_##f, [OP_MSUB_##F] = op_msub_##f,  \
	[OP_NMADD_##F] = op_nmadd_##f, [OP_NMSUB_##F] = op_nmsub_##f, [OP_C_##F + 0] = op_c0_##f, \
	[OP_C_##F + 1] = op_c1_##f, [OP_C_##F + 2] = op_c2_##f, [OP_C_##F + 3] = op_c3_##f,       \
	[OP_C_##F + 4] = op_c4_##f, [OP_C_##F + 5] = op_c5_##f, [OP_C_##F + 6] = op_c6_##f,       \
	[OP_C_##F + 7] = op_c7_##f, [OP_C_##F + 8] = op_c8_##f, [OP_C_##F + 9] = op_c9_##f,       \
	[OP_C_##F + 10] = op_c10_##f, [OP_C_##F + 11] = op_c11_##f, [OP_C_##F + 12] = op_c12_##f, \
	[OP_C_##F + 13] = op_c13_##f, [OP_C_##F + 14] = op_c14_##f, [OP_C_##F + 15] = op_c15_##f

const node_fpu_op_fn node_fpu_ops[OP_COUNT] = {
	FMT_ENTRIES(S, s),	   /* S format and COP1X .s */
	FMT_ENTRIES(D, d),	   /* D format and COP1X .d */
	[OP_CVT_D_S] = op_cvt_d_s, /* S */
	[OP_CVT_S_D] = op_cvt_s_d, /* D */
	[OP_CVT_S_W] = op_cvt_s_w, /* W */
	[OP_CVT_D_W] = op_cvt_d_w, /* W */
};

/* ---- decoding ---------------------------------------------------------------- */

/* Operands of a .d instruction that must name an even register (FR=0). */
/* PAIR_ROUND: movf/movt/movz/movn.d take any number and use reg & ~1. */
enum { EVEN_FT = 1, EVEN_FS = 2, EVEN_FD = 4, PAIR_ROUND = 8 };

/* COP1 function -> op index, relative to the format's OP_ADD_x (S and D
 * share the layout); 0 = reserved. */
#define REL(op) (op - OP_ADD_S + 1)
static const uint8_t fn_rel[64] = {
	[0] = REL(OP_ADD_S),
	[1] = REL(OP_SUB_S),
	[2] = REL(OP_MUL_S),
	[3] = REL(OP_DIV_S),
	[4] = REL(OP_SQRT_S),
	[5] = REL(OP_ABS_S),
	[6] = REL(OP_MOV_S),
	[7] = REL(OP_NEG_S),
	[12] = REL(OP_ROUND_W_S),
	[13] = REL(OP_TRUNC_W_S),
	[14] = REL(OP_CEIL_W_S),
	[15] = REL(OP_FLOOR_W_S),
	[17] = REL(OP_MOVF_S) /* or MOVT, by tf */,
	[18] = REL(OP_MOVZ_S),
	[19] = REL(OP_MOVN_S),
	[21] = REL(OP_RECIP_S),
	[22] = REL(OP_RSQRT_S),
	[36] = REL(OP_CVT_W_S),
	[48] = REL(OP_C_S) + 0,
	[49] = REL(OP_C_S) + 1,
	[50] = REL(OP_C_S) + 2,
	[51] = REL(OP_C_S) + 3,
	[52] = REL(OP_C_S) + 4,
	[53] = REL(OP_C_S) + 5,
	[54] = REL(OP_C_S) + 6,
	[55] = REL(OP_C_S) + 7,
	[56] = REL(OP_C_S) + 8,
	[57] = REL(OP_C_S) + 9,
	[58] = REL(OP_C_S) + 10,
	[59] = REL(OP_C_S) + 11,
	[60] = REL(OP_C_S) + 12,
	[61] = REL(OP_C_S) + 13,
	[62] = REL(OP_C_S) + 14,
	[63] = REL(OP_C_S) + 15,
};

/* Register rules of the .d functions, as qemu-mipsel applies them. */
static const uint8_t fn_even_d[64] = {
	[0 ... 3] = EVEN_FT | EVEN_FS | EVEN_FD,
	[4 ... 7] = EVEN_FS | EVEN_FD,
	[12 ... 15] = EVEN_FS,
	[17 ... 19] = PAIR_ROUND,
	[21 ... 22] = EVEN_FS | EVEN_FD,
	[32] = EVEN_FS,
	[36] = EVEN_FS,
	[48 ... 63] = EVEN_FS | EVEN_FT,
};

static unsigned decode_cop1(uint32_t insn, node_fpu_args *a)
{
	unsigned fmt = (insn >> 21) & 31, fn = insn & 63;
	unsigned op, even = 0;

	switch (fmt) {
	case 16: /* S */
		if (fn == 33) {
			op = OP_CVT_D_S;
			even = EVEN_FD;
			break;
		}
		if (!fn_rel[fn])
			return 0;
		op = OP_ADD_S + fn_rel[fn] - 1;
		break;
	case 17: /* D */
		if (fn == 32) {
			op = OP_CVT_S_D;
		} else {
			if (!fn_rel[fn])
				return 0;
			op = OP_ADD_D + fn_rel[fn] - 1;
		}
		even = fn_even_d[fn];
		break;
	case 20: /* W */
		if (fn == 32) {
			op = OP_CVT_S_W;
		} else if (fn == 33) {
			op = OP_CVT_D_W;
			even = EVEN_FD;
		} else {
			return 0;
		}
		break;
	default: return 0;
	}
	if (((even & EVEN_FT) && (a->ft & 1)) || ((even & EVEN_FS) && (a->fs & 1)) ||
	    ((even & EVEN_FD) && (a->fd & 1)))
		return 0;
	if (even & PAIR_ROUND) {
		a->fs &= ~1;
		a->fd &= ~1;
	}
	if (fn == 17) { /* movf/movt: ft = cc << 2 | nd << 1 | tf */
		a->fr_cc = a->ft >> 2;
		if (a->ft & 1)
			op += OP_MOVT_S - OP_MOVF_S;
	} else if (fn >= 48) { /* c.cond: fd = cc << 2 | 0 */
		a->fr_cc = a->fd >> 2;
	}
	return op;
}

static unsigned decode_cop1x(uint32_t insn, node_fpu_args *a)
{
	static const uint8_t ops[64] = {
		[0x20] = OP_MADD_S,  [0x21] = OP_MADD_D,  [0x28] = OP_MSUB_S,  [0x29] = OP_MSUB_D,
		[0x30] = OP_NMADD_S, [0x31] = OP_NMADD_D, [0x38] = OP_NMSUB_S, [0x39] = OP_NMSUB_D,
	};
	unsigned op = ops[insn & 63];

	a->fr_cc = (insn >> 21) & 31;
	if (op && (insn & 1) && ((a->fr_cc | a->ft | a->fs | a->fd) & 1))
		return 0; /* .d with an odd register */
	return op;
}

unsigned node_fpu_decode(uint32_t insn, node_fpu_args *a)
{
	a->ft = (insn >> 16) & 31;
	a->fs = (insn >> 11) & 31;
	a->fd = (insn >> 6) & 31;
	a->fr_cc = 0;
	a->gpr = 0;
	switch (insn >> 26) {
	case 0x11: return decode_cop1(insn, a);
	case 0x13: return decode_cop1x(insn, a);
	default: return 0;
	}
}

/* ---- control registers ------------------------------------------------------ */

void node_fpu_reset(node_fpu *fpu)
{
	memset(fpu, 0, sizeof *fpu);
}

int node_fpu_ctc1(node_fpu *fpu, unsigned reg, uint32_t v)
{
	uint32_t fcsr = fpu->fcsr;

	switch (reg) {
	case 25: /* FCCR: cc7..cc1 cc0 in bits 7..0 */
		if (v & 0xffffff00u)
			return NODE_FPU_OK;
		fcsr = (fcsr & 0x017fffffu) | (v & 0xfe) << 24 | (v & 1) << 23;
		break;
	case 26: /* FEXR: cause and flags */
		if (v & 0x007c0000u)
			return NODE_FPU_OK;
		fcsr = (fcsr & 0xfffc0f83u) | (v & 0x0003f07cu);
		break;
	case 28: /* FENR: enables, FS (bit 2) and RM */
		if (v & 0x007c0000u)
			return NODE_FPU_OK;
		fcsr = (fcsr & 0xfefff07cu) | (v & 0x00000f83u) | (v & 4) << 22;
		break;
	case 31: fcsr = v & NODE_FCSR_WRITABLE; break;
	default: return NODE_FPU_OK;
	}
	fpu->fcsr = fcsr;
	if (((fcsr >> NODE_FCSR_ENABLES_SHIFT & 0x1f) | NODE_FPE_E) &
	    (fcsr >> NODE_FCSR_CAUSE_SHIFT & 0x3f))
		return NODE_FPU_TRAP;
	return NODE_FPU_OK;
}

uint32_t node_fpu_cfc1(const node_fpu *fpu, unsigned reg)
{
	uint32_t fcsr = fpu->fcsr;

	switch (reg) {
	case 0: return NODE_FIR_VALUE;
	case 1:
	case 5: return 0;
	case 25: return (fcsr >> 24 & 0xfe) | (fcsr >> 23 & 1);
	case 26: return fcsr & 0x0003f07cu;
	case 28: return (fcsr & 0x00000f83u) | (fcsr >> 22 & 4);
	default: return fcsr;
	}
}
