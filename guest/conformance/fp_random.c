/* guest/conformance/fp_random.c: randomized FPU conformance.
 *
 * A fixed-seed xorshift generator draws operands (edge values, random bit
 * patterns, values near 1, near the bottom and the top of the exponent
 * range, with few significant bits, and second operands close to or equal
 * to the first, so that sums cancel and compares tie) and a random FCSR
 * (rounding mode, FS, sticky flags, a stale cause, condition codes; no
 * enables). Every FPU instruction of the model (arithmetic, recip/rsqrt,
 * madd family, conversions, compares with several condition codes,
 * conditional moves, in .s, .d and .w) runs ROUNDS times with $f0..$f7
 * loaded from the draw; the registers and FCSR afterwards are folded into
 * a checksum per instruction, printed at the end, together with a running
 * checksum of all instructions every 256 rounds to locate a divergence.
 * Built twice (bare for discoflash, Linux for qemu-mipsel); the outputs must
 * be identical.
 */
#include "rt.h"

#define ROUNDS 1024

static uint32_t rng_state = 0x9e3779b9;

static uint32_t rng(void)
{
	uint32_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return rng_state = x;
}

static unsigned rn(unsigned n)
{
	return rng() % n;
}

static const uint32_t s_edges[] = {
	0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7f800001, 0x7fbfffff,
	0xff800001, 0x7fc00000, 0x7fffffff, 0x00000001, 0x807fffff, 0x00800000,
	0x00800001, 0x7f7fffff, 0x3f800000, 0xbf800000, 0x3f000000, 0x40200000,
	0x4f000000, 0xcf000000, 0x4effffff, 0x3f7fffff, 0x33800000, 0x00ffffff,
};
static const uint64_t d_edges[] = {
	0,
	0x8000000000000000ull,
	0x7ff0000000000000ull,
	0xfff0000000000000ull,
	0x7ff0000000000001ull,
	0x7ff7ffffffffffffull,
	0x7ff8000000000000ull,
	0x0000000000000001ull,
	0x000fffffffffffffull,
	0x0010000000000000ull,
	0x7fefffffffffffffull,
	0x3ff0000000000000ull,
	0xbff8000000000000ull,
	0x41dfffffffe00000ull,
	0xc1e0000000100000ull,
	0x380ffffffc000000ull,
	0x36a8000000000000ull,
	0x47effffff0000000ull,
	0x3ca0000000000000ull,
};
static const uint32_t w_edges[] = {
	0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 0x01000001, 0x00ffffff, 0x7ffffff0,
};

static uint32_t gen_s(void)
{
	uint32_t sign = rng() & 0x80000000u, m = rng() & 0x7fffff;

	switch (rn(8)) {
	case 0:
	case 1: return s_edges[rn(sizeof s_edges / sizeof s_edges[0])];
	case 2: return rng();
	case 3:
	case 4: return sign | (118 + rn(20)) << 23 | m;
	case 5: return sign | rn(30) << 23 | m;
	case 6: return sign | (224 + rn(31)) << 23 | m;
	default: return sign | (120 + rn(40)) << 23 | (m & (0xffffffffu << rn(23)));
	}
}

static uint64_t gen_d(void)
{
	uint64_t sign = (uint64_t)(rng() & 0x80000000u) << 32;
	uint64_t m = ((uint64_t)rng() << 32 | rng()) & 0xfffffffffffffull;

	switch (rn(8)) {
	case 0:
	case 1: return d_edges[rn(sizeof d_edges / sizeof d_edges[0])];
	case 2: return (uint64_t)rng() << 32 | rng();
	case 3: return sign | (uint64_t)(1013 + rn(20)) << 52 | m;
	case 4: return sign | (uint64_t)rn(40) << 52 | m;
	case 5: return sign | (uint64_t)(2008 + rn(39)) << 52 | m;
	case 6: return sign | (uint64_t)(873 + rn(300)) << 52 | m; /* single's range */
	default: return sign | (uint64_t)(1000 + rn(60)) << 52 | (m & (~0ull << rn(52)));
	}
}

static uint32_t gen_w(void)
{
	switch (rn(4)) {
	case 0: return w_edges[rn(sizeof w_edges / sizeof w_edges[0])];
	case 1: return rng();
	case 2: return rng() >> rn(32);
	default: return -(rng() >> rn(32));
	}
}

/* A second operand related to the first. */
static uint32_t rel_s(uint32_t a)
{
	switch (rn(6)) {
	case 0: return a;
	case 1: return a ^ 0x80000000u;
	case 2: return a + rn(5) - 2;
	case 3: return (a ^ 0x80000000u) + rn(5) - 2;
	default: return gen_s();
	}
}

static uint64_t rel_d(uint64_t a)
{
	switch (rn(6)) {
	case 0: return a;
	case 1: return a ^ 0x8000000000000000ull;
	case 2: return a + rn(5) - 2;
	case 3: return (a ^ 0x8000000000000000ull) + rn(5) - 2;
	default: return gen_d();
	}
}

/* Loads $f0..$f7 from r[], sets FCSR and $a2 (the GPR of movz/movn), runs
 * the instruction, stores $f0..$f7 back to r[] and returns FCSR. Operands:
 * fd = $f0, fs = $f2, ft = $f4, fr = $f6. */
#define OP(fn, text)                                                                           \
	static uint32_t fn(uint32_t *r, uint32_t fcsr, uint32_t gpr)                           \
	{                                                                                      \
		uint32_t o;                                                                    \
		__asm__ volatile(                                                              \
			"lwc1 $f0, 0(%1)\n\tlwc1 $f1, 4(%1)\n\tlwc1 $f2, 8(%1)\n\t"            \
			"lwc1 $f3, 12(%1)\n\tlwc1 $f4, 16(%1)\n\tlwc1 $f5, 20(%1)\n\t"         \
			"lwc1 $f6, 24(%1)\n\tlwc1 $f7, 28(%1)\n\tctc1 %2, $31\n\t" text "\n\t" \
			"cfc1 %0, $31\n\t"                                                     \
			"swc1 $f0, 0(%1)\n\tswc1 $f1, 4(%1)\n\tswc1 $f2, 8(%1)\n\t"            \
			"swc1 $f3, 12(%1)\n\tswc1 $f4, 16(%1)\n\tswc1 $f5, 20(%1)\n\t"         \
			"swc1 $f6, 24(%1)\n\tswc1 $f7, 28(%1)"                                 \
			: "=&r"(o)                                                             \
			: "r"(r), "r"(fcsr), "r"(gpr)                                          \
			: "$f0", "$f1", "$f2", "$f3", "$f4", "$f5", "$f6", "$f7", "memory");   \
		return o;                                                                      \
	}

/* Arithmetic in both formats. */
#define FMT_OPS(x)                                       \
	OP(add_##x, "add." #x " $f0, $f2, $f4")          \
	OP(sub_##x, "sub." #x " $f0, $f2, $f4")          \
	OP(mul_##x, "mul." #x " $f0, $f2, $f4")          \
	OP(div_##x, "div." #x " $f0, $f2, $f4")          \
	OP(sqrt_##x, "sqrt." #x " $f0, $f2")             \
	OP(abs_##x, "abs." #x " $f0, $f2")               \
	OP(neg_##x, "neg." #x " $f0, $f2")               \
	OP(mov_##x, "mov." #x " $f0, $f2")               \
	OP(recip_##x, "recip." #x " $f0, $f2")           \
	OP(rsqrt_##x, "rsqrt." #x " $f0, $f2")           \
	OP(madd_##x, "madd." #x " $f0, $f6, $f2, $f4")   \
	OP(msub_##x, "msub." #x " $f0, $f6, $f2, $f4")   \
	OP(nmadd_##x, "nmadd." #x " $f0, $f6, $f2, $f4") \
	OP(nmsub_##x, "nmsub." #x " $f0, $f6, $f2, $f4") \
	OP(cvt_w_##x, "cvt.w." #x " $f0, $f2")           \
	OP(round_w_##x, "round.w." #x " $f0, $f2")       \
	OP(trunc_w_##x, "trunc.w." #x " $f0, $f2")       \
	OP(ceil_w_##x, "ceil.w." #x " $f0, $f2")         \
	OP(floor_w_##x, "floor.w." #x " $f0, $f2")       \
	OP(trunc_w1_##x, "trunc.w." #x " $f1, $f2")      \
	OP(movt_##x, "movt." #x " $f0, $f2, $fcc0")      \
	OP(movf3_##x, "movf." #x " $f0, $f2, $fcc3")     \
	OP(movz_##x, "movz." #x " $f0, $f2, %3")         \
	OP(movn_##x, "movn." #x " $f0, $f2, %3")         \
	OP(c_f_##x, "c.f." #x " $f2, $f4")               \
	OP(c_un_##x, "c.un." #x " $f2, $f4")             \
	OP(c_eq_##x, "c.eq." #x " $f2, $f4")             \
	OP(c_ueq_##x, "c.ueq." #x " $fcc1, $f2, $f4")    \
	OP(c_olt_##x, "c.olt." #x " $f2, $f4")           \
	OP(c_ult_##x, "c.ult." #x " $fcc7, $f2, $f4")    \
	OP(c_ole_##x, "c.ole." #x " $f2, $f4")           \
	OP(c_ule_##x, "c.ule." #x " $f2, $f4")           \
	OP(c_sf_##x, "c.sf." #x " $f2, $f4")             \
	OP(c_ngle_##x, "c.ngle." #x " $f2, $f4")         \
	OP(c_seq_##x, "c.seq." #x " $fcc2, $f2, $f4")    \
	OP(c_ngl_##x, "c.ngl." #x " $f2, $f4")           \
	OP(c_lt_##x, "c.lt." #x " $fcc5, $f2, $f4")      \
	OP(c_nge_##x, "c.nge." #x " $f2, $f4")           \
	OP(c_le_##x, "c.le." #x " $f2, $f4")             \
	OP(c_ngt_##x, "c.ngt." #x " $f2, $f4")
FMT_OPS(s)
FMT_OPS(d)
OP(cvt_d_s, "cvt.d.s $f0, $f2")
OP(cvt_s_d, "cvt.s.d $f0, $f2")
OP(cvt_s_d1, "cvt.s.d $f1, $f2")
OP(cvt_s_w, "cvt.s.w $f0, $f2")
OP(cvt_d_w, "cvt.d.w $f0, $f2")

typedef uint32_t (*op_fn)(uint32_t *, uint32_t, uint32_t);

#define FMT_ENTRIES(x, k)                                                                          \
	{"add." #x, add_##x, k}, {"sub." #x, sub_##x, k}, {"mul." #x, mul_##x, k},                 \
		{"div." #x, div_##x, k}, {"sqrt." #x, sqrt_##x, k}, {"abs." #x, abs_##x, k},       \
		{"neg." #x, neg_##x, k}, {"mov." #x, mov_##x, k}, {"recip." #x, recip_##x, k},     \
		{"rsqrt." #x, rsqrt_##x, k}, {"madd." #x, madd_##x, k}, {"msub." #x, msub_##x, k}, \
		{"nmadd." #x, nmadd_##x, k}, {"nmsub." #x, nmsub_##x, k},                          \
		{"cvt.w." #x, cvt_w_##x, k}, {"round.w." #x, round_w_##x, k},                      \
		{"trunc.w." #x, trunc_w_##x, k}, {"ceil.w." #x, ceil_w_##x, k},                    \
		{"floor.w." #x, floor_w_##x, k}, {"trunc.w." #x " $f1", trunc_w1_##x, k},          \
		{"movt." #x, movt_##x, k}, {"movf." #x " cc3", movf3_##x, k},                      \
		{"movz." #x, movz_##x, k}, {"movn." #x, movn_##x, k}, {"c.f." #x, c_f_##x, k},     \
		{"c.un." #x, c_un_##x, k}, {"c.eq." #x, c_eq_##x, k},                              \
		{"c.ueq." #x " cc1", c_ueq_##x, k}, {"c.olt." #x, c_olt_##x, k},                   \
		{"c.ult." #x " cc7", c_ult_##x, k}, {"c.ole." #x, c_ole_##x, k},                   \
		{"c.ule." #x, c_ule_##x, k}, {"c.sf." #x, c_sf_##x, k},                            \
		{"c.ngle." #x, c_ngle_##x, k}, {"c.seq." #x " cc2", c_seq_##x, k},                 \
		{"c.ngl." #x, c_ngl_##x, k}, {"c.lt." #x " cc5", c_lt_##x, k},                     \
		{"c.nge." #x, c_nge_##x, k}, {"c.le." #x, c_le_##x, k},                            \
	{                                                                                          \
		"c.ngt." #x, c_ngt_##x, k                                                          \
	}

static const struct {
	const char *name;
	op_fn f;
	char kind; /* operand format: s, d or w */
} ops[] = {
	FMT_ENTRIES(s, 's'),
	FMT_ENTRIES(d, 'd'),
	{"cvt.d.s", cvt_d_s, 's'},
	{"cvt.s.d", cvt_s_d, 'd'},
	{"cvt.s.d $f1", cvt_s_d1, 'd'},
	{"cvt.s.w", cvt_s_w, 'w'},
	{"cvt.d.w", cvt_d_w, 'w'},
};
#define NOPS (sizeof ops / sizeof ops[0])

static uint32_t sums[NOPS];

static uint32_t fold(uint32_t h, uint32_t v)
{
	h ^= v;
	h *= 0x01000193u; /* FNV-1a prime */
	return h ^ (h >> 15);
}

int main(void)
{
	uint32_t all = 0x811c9dc5u;

	rt_printf("fp_random: randomized FPU conformance, %d rounds\n", ROUNDS);
	for (unsigned i = 0; i < NOPS; i++)
		sums[i] = 0x811c9dc5u;
	for (unsigned round = 0; round < ROUNDS; round++) {
		for (unsigned k = 0; k < NOPS; k++) {
			uint32_t r[8], fcsr, gpr, out;

			for (unsigned i = 0; i < 8; i++)
				r[i] = rng();
			if (ops[k].kind == 's') {
				r[2] = gen_s();
				r[4] = rel_s(r[2]);
				r[6] = rn(2) ? gen_s() : rel_s(rn(2) ? r[2] : r[4]);
			} else if (ops[k].kind == 'd') {
				uint64_t a = gen_d(), b = rel_d(a);
				uint64_t c = rn(2) ? gen_d() : rel_d(rn(2) ? a : b);
				r[2] = (uint32_t)a;
				r[3] = (uint32_t)(a >> 32);
				r[4] = (uint32_t)b;
				r[5] = (uint32_t)(b >> 32);
				r[6] = (uint32_t)c;
				r[7] = (uint32_t)(c >> 32);
			} else {
				r[2] = gen_w();
			}
			/* RM, FS one time in four, flags, maybe a stale cause
			 * (never E), condition codes; no enables. */
			fcsr = rn(4) | (rn(4) ? 0 : 0x01000000u) | (rng() & 0xfe80007cu) |
			       (rn(2) ? rng() & 0x0001f000u : 0);
			gpr = rn(2) ? 0 : rng() | 1;
			out = ops[k].f(r, fcsr, gpr);
			sums[k] = fold(sums[k], out);
			for (unsigned i = 0; i < 8; i++)
				sums[k] = fold(sums[k], r[i]);
			all = fold(all, sums[k]);
		}
		if ((round & 255) == 255)
			rt_printf("round %4u: %08x\n", round + 1, all);
	}
	__asm__ volatile("ctc1 $0, $31");
	for (unsigned k = 0; k < NOPS; k++)
		rt_printf("%-16s %08x\n", ops[k].name, sums[k]);
	rt_exit(0);
}
