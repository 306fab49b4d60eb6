/* guest/randinsn/gen.c: the random MIPS32r2 instruction sequence generator
 * and the random initial state.
 *
 * Everything here is a pure function of the PRNG stream, so the bare and
 * the Linux flavour generate the same sequences; only ri_gen_emit() sees
 * run-time addresses (branch targets of j/jal and jr/jalr, the tail).
 *
 * What is generated, and what is deliberately not:
 *  - no trapping instructions (add/sub/addi, traps, syscall, break), no
 *    privileged ones, no unaligned lw/lh/sw/sh/ldc1 (offsets are aligned);
 *  - divides get a non-zero divisor in the same group (INT_MIN / -1 is
 *    generated on purpose);
 *  - sc only directly after its ll (same address, ALU-only filler), so the
 *    result does not depend on how LLbit is modelled;
 *  - FR=0 rules: double operands and the mfhc1/mthc1/ldc1/sdc1 registers
 *    are even; FCSR is only written with enables and cause E clear and
 *    reserved bits 0; FIR is never read (its value is a model choice);
 *  - branches and jumps go forward only, never sit in a delay slot, and
 *    targets are group starts; rs != rd for jalr; clz/clo have rt == rd;
 *    ext/ins have a valid pos/size;
 *  - where MIPS32r2 calls a result UNPREDICTABLE but qemu and hardware
 *    keep the obvious value (HI/LO after mul, LO after mult;mthi, FPR bits
 *    used in another format), the raw-bit behaviour is compared.
 */
#include "randinsn.h"

/* ---- PRNG ----------------------------------------------------------------- */

static uint32_t rotl(uint32_t x, unsigned k)
{
	return (x << k) | (x >> (32 - k));
}

static uint32_t mix32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

void ri_rng_seed(ri_rng *r, uint32_t seed, uint32_t index)
{
	uint32_t x = mix32(seed ^ 0x52414e44u) ^ mix32(index + 0x9e3779b9u);

	for (int i = 0; i < 4; i++) {
		x += 0x9e3779b9u;
		r->s[i] = mix32(x);
	}
	if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
		r->s[0] = 1;
}

uint32_t ri_rand(ri_rng *r)
{
	uint32_t *s = r->s;
	uint32_t res = rotl(s[1] * 5, 7) * 9;
	uint32_t t = s[1] << 9;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 11);
	return res;
}

uint32_t ri_below(ri_rng *r, uint32_t n)
{
	return (uint32_t)(((uint64_t)ri_rand(r) * n) >> 32);
}

/* true with probability num/den */
static int chance(ri_rng *r, uint32_t num, uint32_t den)
{
	return ri_below(r, den) < num;
}

/* ---- Values biased to edge cases ---------------------------------------- */

static uint32_t rand_int(ri_rng *r)
{
	static const uint32_t edge[] = {
		0x00000000, 0xffffffff, 0x80000000, 0x7fffffff, 0x00000001, 0x0000ffff, 0x00008000,
		0x00007fff, 0xffff8000, 0xffff7fff, 0x00010000, 0x000000ff, 0x00000080, 0xffffff80,
		0x0000007f, 0x80000001, 0xfffffffe, 0x55555555, 0xaaaaaaaa, 0x0000001f,
	};

	switch (ri_below(r, 10)) {
	case 0:
	case 1: return edge[ri_below(r, sizeof edge / sizeof edge[0])];
	case 2: return ri_below(r, 33) - 16; /* -16..16 */
	case 3: return 1u << ri_below(r, 32);
	case 4: return (1u << ri_below(r, 32)) - 1 + ri_below(r, 3) - 1;
	case 5: /* sign-extended byte or half */
		return ri_below(r, 2) ? (uint32_t)(int32_t)(int8_t)ri_rand(r)
				      : (uint32_t)(int32_t)(int16_t)ri_rand(r);
	default: return ri_rand(r);
	}
}

static uint32_t rand_imm16(ri_rng *r)
{
	static const uint32_t edge[] = {0,    1,    0xffff, 0x8000, 0x7fff,
					0xff, 0x80, 0xfffe, 0x1f,   0x20};

	switch (ri_below(r, 4)) {
	case 0: return edge[ri_below(r, sizeof edge / sizeof edge[0])];
	case 1: return (ri_below(r, 33) - 16) & 0xffff;
	default: return ri_rand(r) & 0xffff;
	}
}

/* Number of leading zeros of a non-zero 64-bit value (no libgcc needed). */
static unsigned clz64(uint64_t v)
{
	unsigned n = 0;

	while (!(v & 0x8000000000000000ull)) {
		v <<= 1;
		n++;
	}
	return n;
}

/* m * 2^e as an IEEE single (m != 0, exact when m has <= 24 significant
 * bits, else truncated; exponents kept in the normal range). */
static uint32_t f32_make(int neg, uint64_t m, int e)
{
	unsigned lz = clz64(m);
	int msb = 63 - (int)lz;
	int exp = msb + e + 127;
	uint32_t frac;

	if (exp < 1)
		exp = 1;
	if (exp > 254)
		exp = 254;
	frac = (uint32_t)((m << lz) >> 40) & 0x7fffff; /* bits below the msb */
	return (neg ? 0x80000000u : 0) | (uint32_t)exp << 23 | frac;
}

static uint64_t f64_make(int neg, uint64_t m, int e)
{
	unsigned lz = clz64(m);
	int msb = 63 - (int)lz;
	int exp = msb + e + 1023;
	uint64_t frac;

	if (exp < 1)
		exp = 1;
	if (exp > 2046)
		exp = 2046;
	frac = ((m << lz) << 1) >> 12;
	return (neg ? 0x8000000000000000ull : 0) | (uint64_t)exp << 52 | frac;
}

static const uint32_t f32_edge[] = {
	0x00000000, 0x80000000, 0x7f800000, 0xff800000, /* +-0, +-inf */
	0x7fbfffff, 0xffbfffff, 0x7f800001, 0x7fc00000, /* legacy qNaN, sNaN */
	0x00000001, 0x807fffff, 0x00400000, 0x00800000, /* denormals, min normal */
	0x7f7fffff, 0xff7fffff, 0x3f800000, 0xbf800000, /* max, +-1 */
	0x4f000000, 0xcf000000, 0x4effffff, 0xcf000001, /* around +-2^31 */
	0x3f000000, 0x3fc00000, 0x40200000, 0x34000000, /* 0.5 1.5 2.5 eps */
	0x3f7fffff, 0x3f800001, 0x007fffff, 0x00800001, /* 1-eps 1+eps, around min normal */
};

static uint32_t rand_f32(ri_rng *r)
{
	const uint32_t *edge = f32_edge;
	int neg = ri_rand(r) & 1;

	switch (ri_below(r, 8)) {
	case 0:
	case 1: return edge[ri_below(r, sizeof f32_edge / sizeof f32_edge[0])];
	case 2: /* small integer or half-integer */
		return f32_make(neg, ri_below(r, 2000) + 1, -(int)ri_below(r, 2));
	case 3: /* few significant bits, any exponent */
		return f32_make(neg, ri_below(r, 255) + 1, (int)ri_below(r, 280) - 150);
	case 4: /* denormal or barely normal */
		return (neg ? 0x80000000u : 0) | ri_below(r, 3) << 23 | (ri_rand(r) & 0x7fffff);
	case 5: /* near 1 */
		return (neg ? 0x80000000u : 0) | (123 + ri_below(r, 8)) << 23 |
		       (ri_rand(r) & 0x7fffff);
	default: return ri_rand(r);
	}
}

static const uint64_t f64_edge[] = {
	0x0000000000000000ull, 0x8000000000000000ull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
	0x7ff7ffffffffffffull, 0xfff7ffffffffffffull, 0x7ff8000000000000ull, 0x7ff0000000000001ull,
	0x0000000000000001ull, 0x800fffffffffffffull, 0x0010000000000000ull, 0x7fefffffffffffffull,
	0x3ff0000000000000ull, 0xbff0000000000000ull, 0x41dfffffffc00000ull, 0xc1e0000000000000ull,
	0x41e0000000000000ull, 0x41dfffffffe00000ull, 0xc1e0000000100000ull, 0x47efffffe0000000ull,
	0x3810000000000000ull, 0x36a0000000000000ull, 0x3fe0000000000000ull, 0x3cb0000000000000ull,
	0x3fefffffffffffffull, 0x3ff0000000000001ull, 0x000fffffffffffffull, 0x0010000000000001ull,
	0x3fe0000000000001ull, 0x001fffffffffffffull,
};

static uint64_t rand_f64(ri_rng *r)
{
	const uint64_t *edge = f64_edge;
	int neg = ri_rand(r) & 1;
	uint64_t rnd = (uint64_t)ri_rand(r) << 32 | ri_rand(r);

	switch (ri_below(r, 8)) {
	case 0:
	case 1: return edge[ri_below(r, sizeof f64_edge / sizeof f64_edge[0])];
	case 2: return f64_make(neg, ri_below(r, 2000) + 1, -(int)ri_below(r, 2));
	case 3: return f64_make(neg, ri_below(r, 0xffff) + 1, (int)ri_below(r, 2200) - 1100);
	case 4: /* around the float range edges (for cvt.s.d) */
		return f64_make(neg, ((uint64_t)ri_rand(r) << 8) | 1,
				(int)ri_below(r, 60) - 190 + (ri_below(r, 2) ? 290 : 0));
	case 5:
		return (neg ? 0x8000000000000000ull : 0) | (uint64_t)(1019 + ri_below(r, 8)) << 52 |
		       (rnd & 0xfffffffffffffull);
	case 6: /* denormal or barely normal */
		return (neg ? 0x8000000000000000ull : 0) | (uint64_t)ri_below(r, 3) << 52 |
		       (rnd & 0xfffffffffffffull);
	default: return rnd;
	}
}

static uint32_t rand_fcsr(ri_rng *r, uint32_t flags)
{
	uint32_t v = ri_below(r, 4); /* RM */

	if (chance(r, 1, 2))
		v |= (ri_rand(r) & 0x1f) << 2; /* flags */
	if (chance(r, 1, 4))
		v |= (ri_rand(r) & 0x1f) << 12; /* cause V..I, not E */
	if (!(flags & RI_NO_FS) && chance(r, 1, 8))
		v |= 1u << 24;	       /* FS */
	v |= ri_rand(r) & 0xfe800000u; /* cc0..cc7 */
	return v;
}

/* Initial FPR and memory values come half from a per-sequence palette of a
 * few values, so that chosen pairs (min normal times 1-eps, x - x, ...)
 * meet often. */
typedef struct palette {
	uint32_t s[4];
	uint64_t d[4];
} palette;

static uint32_t pick_f32(ri_rng *r, const palette *p)
{
	return ri_below(r, 2) ? p->s[ri_below(r, 4)] : rand_f32(r);
}

static uint64_t pick_f64(ri_rng *r, const palette *p)
{
	return ri_below(r, 2) ? p->d[ri_below(r, 4)] : rand_f64(r);
}

void ri_gen_state(ri_state *st, uint32_t *mem, ri_rng *r, uint32_t flags)
{
	palette p;

	for (int i = 0; i < 4; i++) {
		p.s[i] = ri_below(r, 4)
				 ? f32_edge[ri_below(r, sizeof f32_edge / sizeof f32_edge[0])]
				 : rand_f32(r);
		p.d[i] = ri_below(r, 4)
				 ? f64_edge[ri_below(r, sizeof f64_edge / sizeof f64_edge[0])]
				 : rand_f64(r);
	}
	for (int i = 0; i < 32; i++)
		st->gpr[i] = i ? rand_int(r) : 0;
	st->hi = rand_int(r);
	st->lo = rand_int(r);
	st->fcsr = (flags & RI_NO_FCSR) ? 0 : rand_fcsr(r, flags);
	for (int i = 0; i < 32; i += 2) {
		switch (ri_below(r, 4)) {
		case 0:
		case 1: {
			uint64_t d = pick_f64(r, &p);
			st->fpr[i] = (uint32_t)d;
			st->fpr[i + 1] = (uint32_t)(d >> 32);
			break;
		}
		case 2:
			st->fpr[i] = pick_f32(r, &p);
			st->fpr[i + 1] = pick_f32(r, &p);
			break;
		default:
			st->fpr[i] = rand_int(r);
			st->fpr[i + 1] = pick_f32(r, &p);
			break;
		}
	}
	for (int i = 0; i < RI_MEM_BYTES / 4; i++) {
		switch (ri_below(r, 4)) {
		case 0: mem[i] = pick_f32(r, &p); break;
		case 1:
			if (!(i & 1)) {
				uint64_t d = pick_f64(r, &p);
				mem[i] = (uint32_t)d;
				mem[i + 1] = (uint32_t)(d >> 32);
				i++;
				break;
			}
			/* fall through */
		default: mem[i] = rand_int(r); break;
		}
	}
}

/* ---- Encodings ------------------------------------------------------------ */

#define OP_SPECIAL 0x00
#define OP_REGIMM 0x01
#define OP_SPECIAL2 0x1c
#define OP_SPECIAL3 0x1f
#define OP_COP1 0x11
#define OP_COP1X 0x13
#define FMT_S 16
#define FMT_D 17
#define FMT_W 20

static uint32_t enc_r(unsigned rs, unsigned rt, unsigned rd, unsigned sa, unsigned fn)
{
	return rs << 21 | rt << 16 | rd << 11 | sa << 6 | fn;
}

static uint32_t enc_i(unsigned op, unsigned rs, unsigned rt, uint32_t imm)
{
	return op << 26 | rs << 21 | rt << 16 | (imm & 0xffff);
}

static uint32_t enc_sp2(unsigned rs, unsigned rt, unsigned rd, unsigned fn)
{
	return OP_SPECIAL2 << 26 | enc_r(rs, rt, rd, 0, fn);
}

static uint32_t enc_sp3(unsigned rs, unsigned rt, unsigned rd, unsigned sa, unsigned fn)
{
	return OP_SPECIAL3 << 26 | enc_r(rs, rt, rd, sa, fn);
}

static uint32_t enc_cop1(unsigned fmt, unsigned ft, unsigned fs, unsigned fd, unsigned fn)
{
	return OP_COP1 << 26 | fmt << 21 | ft << 16 | fs << 11 | fd << 6 | fn;
}

static uint32_t enc_cop1x(unsigned fr, unsigned ft, unsigned fs, unsigned fd, unsigned fn)
{
	return OP_COP1X << 26 | fr << 21 | ft << 16 | fs << 11 | fd << 6 | fn;
}

/* ---- Generator state ------------------------------------------------------ */

typedef struct gen {
	ri_rng *r;
	uint32_t flags;
	uint8_t gact[10]; /* the GPRs this sequence mostly uses */
	unsigned ngact;
	uint8_t fact[8]; /* the FPRs this sequence mostly uses */
	unsigned nfact;
} gen;

static int gpr_free(unsigned n)
{
	return n != RI_REG_AT && n != RI_REG_K0 && n != RI_REG_K1 && n != RI_REG_SP &&
	       n != RI_REG_BASE && n != RI_REG_RA;
}

static unsigned any_gpr(gen *g)
{
	unsigned n;

	do
		n = 1 + ri_below(g->r, 31);
	while (!gpr_free(n));
	return n;
}

/* A GPR to write: mostly the active set, sometimes $0 or any free one. */
static unsigned wreg(gen *g)
{
	uint32_t c = ri_below(g->r, 100);

	if (c < 3)
		return 0;
	if (c < 8)
		return any_gpr(g);
	return g->gact[ri_below(g->r, g->ngact)];
}

/* A GPR to read. */
static unsigned rreg(gen *g)
{
	uint32_t c = ri_below(g->r, 100);

	if (c < 6)
		return 0;
	if (c < 12)
		return any_gpr(g);
	return g->gact[ri_below(g->r, g->ngact)];
}

/* A GPR to write that is not $0. */
static unsigned wreg_nz(gen *g)
{
	unsigned n;

	do
		n = wreg(g);
	while (!n);
	return n;
}

static unsigned freg(gen *g)
{
	if (chance(g->r, 1, 10))
		return ri_below(g->r, 32);
	return g->fact[ri_below(g->r, g->nfact)];
}

static unsigned freg_even(gen *g)
{
	return freg(g) & ~1u;
}

/* Offset from $30 for an access of size bytes, aligned to size. */
static uint32_t mem_off(gen *g, unsigned size)
{
	return (uint32_t)(-RI_BASE_OFF + (int)(ri_below(g->r, RI_MEM_BYTES / size) * size));
}

/* ---- Single instructions (safe anywhere, delay slots included) ------------ */

static uint32_t gen_alu(gen *g)
{
	static const uint8_t fn3[] = {0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2a, 0x2b, 0x0a, 0x0b};
	unsigned rd = wreg(g), rs = rreg(g), rt = rreg(g);

	switch (ri_below(g->r, 16)) {
	case 0:
	case 1:
	case 2:
	case 3: /* addu subu and or xor nor slt sltu movz movn */
		return enc_r(rs, rt, rd, 0, fn3[ri_below(g->r, sizeof fn3)]);
	case 4: /* sll srl sra rotr */
	case 5: {
		static const uint8_t fn[] = {0x00, 0x02, 0x03, 0x02};
		unsigned k = ri_below(g->r, 4);
		return enc_r(k == 3, rt, rd, ri_below(g->r, 32), fn[k]);
	}
	case 6: { /* sllv srlv srav rotrv */
		static const uint8_t fn[] = {0x04, 0x06, 0x07, 0x06};
		unsigned k = ri_below(g->r, 4);
		return enc_r(rs, rt, rd, k == 3, fn[k]);
	}
	case 7:
	case 8:
	case 9: { /* addiu slti sltiu andi ori xori lui */
		static const uint8_t op[] = {0x09, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
		unsigned k = ri_below(g->r, sizeof op);
		return enc_i(op[k], op[k] == 0x0f ? 0 : rs, rd, rand_imm16(g->r));
	}
	case 10: /* clz clo: rt must equal rd */
		return enc_sp2(rs, rd, rd, 0x20 + ri_below(g->r, 2));
	case 11: /* mul */ return enc_sp2(rs, rt, rd, 0x02);
	case 12: { /* ext */
		unsigned pos = ri_below(g->r, 32), size = 1 + ri_below(g->r, 32 - pos);
		return enc_sp3(rs, rd, size - 1, pos, 0x00);
	}
	case 13: { /* ins */
		unsigned pos = ri_below(g->r, 32), size = 1 + ri_below(g->r, 32 - pos);
		return enc_sp3(rs, rd, pos + size - 1, pos, 0x04);
	}
	case 14: { /* wsbh seb seh */
		static const uint8_t op2[] = {0x02, 0x10, 0x18};
		return enc_sp3(0, rt, rd, op2[ri_below(g->r, 3)], 0x20);
	}
	default: /* sltiu/slti with edge immediates, or rare nop forms */
		if (chance(g->r, 1, 8)) {
			static const uint32_t misc[] = {0x00000000, 0x00000040, 0x000000c0,
							0x0000000f};
			return misc[ri_below(g->r, 4)]; /* nop ssnop ehb sync */
		}
		return enc_i(0x0a + ri_below(g->r, 2), rs, rd, rand_imm16(g->r));
	}
}

static uint32_t gen_muldiv1(gen *g)
{
	switch (ri_below(g->r, 10)) {
	case 0:
	case 1: /* mult multu */ return enc_r(rreg(g), rreg(g), 0, 0, 0x18 + ri_below(g->r, 2));
	case 2:
	case 3: { /* madd maddu msub msubu */
		static const uint8_t fn[] = {0x00, 0x01, 0x04, 0x05};
		return enc_sp2(rreg(g), rreg(g), 0, fn[ri_below(g->r, 4)]);
	}
	case 4:
	case 5:
	case 6: /* mfhi mflo */ return enc_r(0, 0, wreg(g), 0, ri_below(g->r, 2) ? 0x10 : 0x12);
	default: /* mthi mtlo */ return enc_r(rreg(g), 0, 0, 0, ri_below(g->r, 2) ? 0x11 : 0x13);
	}
}

static uint32_t gen_mem1(gen *g)
{
	static const uint8_t op[] = {
		0x20, 0x24, 0x21, 0x25, 0x23, 0x22, 0x26, /* lb lbu lh lhu lw lwl lwr */
		0x28, 0x29, 0x2b, 0x2a, 0x2e, 0x30,	  /* sb sh sw swl swr ll */
		0x33,					  /* pref */
	};
	static const uint8_t size[] = {1, 1, 2, 2, 4, 1, 1, 1, 2, 4, 1, 1, 4, 1};
	static const uint8_t hint[] = {0, 1, 4, 5, 6, 7};
	unsigned k = ri_below(g->r, sizeof op);
	unsigned rt;

	if (op[k] == 0x33)
		rt = hint[ri_below(g->r, sizeof hint)];
	else if (op[k] >= 0x28 && op[k] < 0x30)
		rt = rreg(g);
	else
		rt = wreg(g);
	return enc_i(op[k], RI_REG_BASE, rt, mem_off(g, size[k]));
}

/* FPU arithmetic, conversions, compares and moves; fmt S or D. */
static uint32_t gen_fp1(gen *g)
{
	int dbl = ri_below(g->r, 2);
	unsigned fmt = dbl ? FMT_D : FMT_S;
	unsigned fd = dbl ? freg_even(g) : freg(g);
	unsigned fs = dbl ? freg_even(g) : freg(g);
	unsigned ft = dbl ? freg_even(g) : freg(g);

	switch (ri_below(g->r, 20)) {
	case 0:
	case 1:
	case 2:
	case 3: /* add sub mul div */ return enc_cop1(fmt, ft, fs, fd, ri_below(g->r, 4));
	case 4: /* sqrt abs mov neg */ return enc_cop1(fmt, 0, fs, fd, 4 + ri_below(g->r, 4));
	case 5:
	case 6: { /* madd msub nmadd nmsub */
		unsigned fr = dbl ? freg_even(g) : freg(g);
		return enc_cop1x(fr, ft, fs, fd, 0x20 + 8 * ri_below(g->r, 4) + dbl);
	}
	case 7: /* round trunc ceil floor .w: fd is a word (any register) */
		return enc_cop1(fmt, 0, fs, freg(g), 0x0c + ri_below(g->r, 4));
	case 8: /* cvt.w.fmt */ return enc_cop1(fmt, 0, fs, freg(g), 0x24);
	case 9: /* cvt.d.s / cvt.s.d */
		return dbl ? enc_cop1(FMT_D, 0, fs, freg(g), 0x20)
			   : enc_cop1(FMT_S, 0, freg(g), freg_even(g), 0x21);
	case 10: /* cvt.s.w / cvt.d.w */
		return dbl ? enc_cop1(FMT_W, 0, freg(g), fd, 0x21)
			   : enc_cop1(FMT_W, 0, fs, fd, 0x20);
	case 11:
	case 12:
	case 13: /* c.cond.fmt cc */
		return enc_cop1(fmt, ft, fs, ri_below(g->r, 8) << 2, 0x30 + ri_below(g->r, 16));
	case 14: /* movf.fmt movt.fmt */
		return enc_cop1(fmt, ri_below(g->r, 8) << 2 | ri_below(g->r, 2), fs, fd, 0x11);
	case 15: /* movz.fmt movn.fmt */
		return enc_cop1(fmt, rreg(g), fs, fd, 0x12 + ri_below(g->r, 2));
	case 16: /* movf movt (GPR) */
		return enc_r(rreg(g), ri_below(g->r, 8) << 2 | ri_below(g->r, 2), wreg(g), 0, 0x01);
	case 17: /* mfc1 mtc1 mfhc1 mthc1 */
		switch (ri_below(g->r, 4)) {
		case 0: return enc_cop1(0, wreg(g), freg(g), 0, 0);
		case 1: return enc_cop1(4, rreg(g), freg(g), 0, 0);
		case 2: return enc_cop1(3, wreg(g), freg_even(g), 0, 0);
		default: return enc_cop1(7, rreg(g), freg_even(g), 0, 0);
		}
	case 18: { /* lwc1 swc1 ldc1 sdc1 */
		static const uint8_t op[] = {0x31, 0x39, 0x35, 0x3d};
		unsigned k = ri_below(g->r, 4);
		return enc_i(op[k], RI_REG_BASE, k >= 2 ? freg_even(g) : freg(g),
			     mem_off(g, k >= 2 ? 8 : 4));
	}
	default: { /* cfc1 from FCCR FEXR FENR FCSR */
		static const uint8_t fcr[] = {25, 26, 28, 31};
		if (g->flags & RI_NO_FCSR)
			return enc_cop1(0, wreg(g), freg(g), 0, 0); /* mfc1 */
		return enc_cop1(2, wreg(g), fcr[ri_below(g->r, 4)], 0, 0);
	}
	}
}

/* One instruction that may go anywhere, including a delay slot. */
static uint32_t gen_single(gen *g)
{
	for (;;) {
		uint32_t c = ri_below(g->r, 100);
		if (c < 40)
			return gen_alu(g);
		if (c < 55) {
			if (!(g->flags & RI_NO_MULDIV))
				return gen_muldiv1(g);
		} else if (c < 72) {
			if (!(g->flags & RI_NO_MEM))
				return gen_mem1(g);
		} else if (!(g->flags & RI_NO_FP)) {
			return gen_fp1(g);
		}
	}
}

/* ---- Groups --------------------------------------------------------------- */

static void put(ri_group *gr, uint32_t w)
{
	gr->w[gr->n++] = w;
}

/* lui/ori (or a single ori/addiu) loading v into rt */
static void put_li(ri_group *gr, unsigned rt, uint32_t v)
{
	if (v <= 0xffff) {
		put(gr, enc_i(0x0d, 0, rt, v));
	} else if ((int32_t)v >= -32768 && (int32_t)v < 0) {
		put(gr, enc_i(0x09, 0, rt, v));
	} else {
		put(gr, enc_i(0x0f, 0, rt, v >> 16));
		if (v & 0xffff)
			put(gr, enc_i(0x0d, rt, rt, v));
	}
}

/* div/divu with a divisor made non-zero first. */
static void gen_div(gen *g, ri_group *gr)
{
	unsigned rs = rreg(g), rt = wreg_nz(g);
	unsigned fn = 0x1a + ri_below(g->r, 2);

	switch (ri_below(g->r, 4)) {
	case 0: /* INT_MIN / -1 (or with divu: 0x80000000 / 0xffffffff) */
		do
			rs = any_gpr(g);
		while (rs == rt);
		put(gr, enc_i(0x0f, 0, rs, 0x8000));
		put(gr, enc_i(0x09, 0, rt, 0xffff));
		break;
	case 1: /* small divisor */
		put(gr, enc_i(0x09, 0, rt,
			      ri_below(g->r, 2) ? 1 + ri_below(g->r, 16)
						: (uint32_t) - (int32_t)(1 + ri_below(g->r, 16))));
		break;
	default: put(gr, enc_i(0x0d, rt, rt, rand_imm16(g->r) | 1 << ri_below(g->r, 16))); break;
	}
	put(gr, enc_r(rs, rt, 0, 0, fn));
}

/* ll; up to two ALU instructions; sc to the same word. */
static void gen_llsc(gen *g, ri_group *gr)
{
	uint32_t off = mem_off(g, 4);
	unsigned n = ri_below(g->r, 3);

	put(gr, enc_i(0x30, RI_REG_BASE, wreg(g), off));
	while (n--)
		put(gr, gen_alu(g));
	put(gr, enc_i(0x38, RI_REG_BASE, wreg(g), off));
}

/* ctc1 of an architecturally valid value (enables and cause E clear). */
static void gen_ctc1(gen *g, ri_group *gr)
{
	unsigned rt = wreg_nz(g), fcr;
	uint32_t v;

	switch (ri_below(g->r, 5)) {
	case 0: /* FCCR */
		fcr = 25;
		v = ri_rand(g->r) & 0xff;
		break;
	case 1: /* FEXR: cause V..I and flags */
		fcr = 26;
		v = (ri_rand(g->r) & 0x1f07c);
		break;
	case 2: /* FENR: RM and FS, enables clear */
		fcr = 28;
		v = ri_below(g->r, 4) | (!(g->flags & RI_NO_FS) && chance(g->r, 1, 8) ? 4 : 0);
		break;
	default:
		fcr = 31;
		v = rand_fcsr(g->r, g->flags);
		break;
	}
	put_li(gr, rt, v);
	put(gr, enc_cop1(6, rt, fcr, 0, 0));
}

/* lwxc1/ldxc1/swxc1/sdxc1 with the index set in the group. */
static void gen_fpx(gen *g, ri_group *gr)
{
	unsigned k = ri_below(g->r, 4); /* lwxc1 ldxc1 swxc1 sdxc1 */
	static const uint8_t fn[] = {0x00, 0x01, 0x08, 0x09};
	unsigned ri = wreg_nz(g);
	unsigned fr = (k & 1) ? freg_even(g) : freg(g);
	unsigned base = RI_REG_BASE, index = ri;

	put(gr, enc_i(0x09, 0, ri, mem_off(g, (k & 1) ? 8 : 4)));
	if (chance(g->r, 1, 2)) {
		base = ri;
		index = RI_REG_BASE;
	}
	if (k < 2)
		put(gr, enc_cop1x(base, index, 0, fr, fn[k]));
	else
		put(gr, enc_cop1x(base, index, fr, 0, fn[k]));
}

/* lwl+lwr or swl+swr pair on one unaligned word. */
static void gen_lrpair(gen *g, ri_group *gr)
{
	uint32_t off = (uint32_t)(-RI_BASE_OFF + (int)ri_below(g->r, RI_MEM_BYTES - 3));
	int store = ri_below(g->r, 2);
	unsigned rt = store ? rreg(g) : wreg(g);

	/* little-endian: lwl addresses the high end, lwr the low end */
	put(gr, enc_i(store ? 0x2a : 0x22, RI_REG_BASE, rt, off + 3));
	put(gr, enc_i(store ? 0x2e : 0x26, RI_REG_BASE, rt, off));
}

/* A branch or jump plus its delay slot, targeting a later group. */
static void gen_branch(gen *g, ri_group *gr, unsigned self, unsigned ngroups)
{
	unsigned span = ngroups - self; /* targets self+1 .. ngroups */
	unsigned k = ri_below(g->r, 30);
	unsigned rs = rreg(g), rt = rreg(g);
	uint32_t w;

	gr->target = self + 1 +
		     (chance(g->r, 2, 3) && span > 4 ? ri_below(g->r, 4) : ri_below(g->r, span));
	gr->fix = RI_FIX_BRANCH;
	if ((g->flags & RI_NO_FP) && k >= 20 && k < 24)
		k -= 20;
	if (k < 4) { /* beq bne beql bnel */
		static const uint8_t op[] = {0x04, 0x05, 0x14, 0x15};
		w = enc_i(op[k], rs, rt, 0);
	} else if (k < 8) { /* blez bgtz blezl bgtzl */
		static const uint8_t op[] = {0x06, 0x07, 0x16, 0x17};
		w = enc_i(op[k - 4], rs, 0, 0);
	} else if (k < 16) { /* bltz bgez bltzl bgezl bltzal bgezal bltzall bgezall */
		static const uint8_t rtf[] = {0x00, 0x01, 0x02, 0x03, 0x10, 0x11, 0x12, 0x13};
		w = enc_i(OP_REGIMM, rs, rtf[k - 8], 0);
	} else if (k < 18) { /* b, bal */
		w = k == 16 ? enc_i(0x04, 0, 0, 0) : enc_i(OP_REGIMM, 0, 0x11, 0);
	} else if (k < 20) { /* j jal */
		w = (0x02u + (k - 18)) << 26;
		gr->fix = RI_FIX_JABS;
	} else if (k < 24) { /* bc1f bc1t bc1fl bc1tl */
		w = enc_i(OP_COP1, 8, ri_below(g->r, 8) << 2 | (k - 20), 0);
	} else { /* lui/ori $1; jr / jalr $31 (.hb or not) */
		gr->fix = RI_FIX_JREG;
		gr->at = 0;
		put(gr, 0);
		put(gr, 0);
		w = k < 27 ? enc_r(RI_REG_AT, 0, 0, 0, 0x08)
			   : enc_r(RI_REG_AT, 0, RI_REG_RA, 0, 0x09);
		if (k & 1)
			w |= 1u << 10; /* hazard barrier */
		put(gr, w);
		put(gr, gen_single(g));
		return;
	}
	gr->at = gr->n;
	put(gr, w);
	put(gr, gen_single(g));
}

void ri_gen_seq(ri_seq *s, ri_rng *r, uint32_t flags)
{
	gen g = {.r = r, .flags = flags};

	/* the active register sets: 3 to 10 GPRs, 2 to 8 FPRs */
	g.ngact = 3 + ri_below(r, 8);
	for (unsigned i = 0; i < g.ngact; i++)
		g.gact[i] = any_gpr(&g);
	g.nfact = 2 + ri_below(r, 7);
	for (unsigned i = 0; i < g.nfact; i++)
		g.fact[i] = ri_below(r, 32);

	s->ngroups = 16 + ri_below(r, RI_GROUPS_MAX - 16 + 1);
	for (unsigned i = 0; i < s->ngroups; i++) {
		ri_group *gr = &s->g[i];
		uint32_t c = ri_below(r, 100);

		gr->n = 0;
		gr->fix = RI_FIX_NONE;
		gr->at = 0;
		gr->target = 0;
		if (c < 14 && !(flags & RI_NO_BRANCH))
			gen_branch(&g, gr, i, s->ngroups);
		else if (c < 18 && !(flags & RI_NO_MULDIV))
			gen_div(&g, gr);
		else if (c < 21 && !(flags & RI_NO_MEM))
			gen_llsc(&g, gr);
		else if (c < 24 && !(flags & RI_NO_MEM))
			gen_lrpair(&g, gr);
		else if (c < 27 && !(flags & (RI_NO_MEM | RI_NO_FP)))
			gen_fpx(&g, gr);
		else if (c < 29 && !(flags & (RI_NO_FCSR | RI_NO_FP)))
			gen_ctc1(&g, gr);
		else
			put(gr, gen_single(&g));
	}
}

unsigned ri_gen_emit(const ri_seq *s, uint32_t *code, uint32_t save_addr,
		     const uint32_t nop_mask[2])
{
	unsigned start[RI_GROUPS_MAX + 1];
	unsigned n = 0;
	uint32_t base = (uint32_t)(uintptr_t)code;

	for (unsigned i = 0; i < s->ngroups; i++) {
		start[i] = n;
		n += s->g[i].n;
	}
	start[s->ngroups] = n;

	for (unsigned i = 0; i < s->ngroups; i++) {
		const ri_group *gr = &s->g[i];
		uint32_t *w = code + start[i];
		uint32_t target = base + 4 * start[gr->target];
		uint32_t pc = base + 4 * (start[i] + gr->at);

		for (unsigned k = 0; k < gr->n; k++)
			w[k] = gr->w[k];
		switch (gr->fix) {
		case RI_FIX_BRANCH: w[gr->at] |= ((target - (pc + 4)) >> 2) & 0xffff; break;
		case RI_FIX_JABS: w[gr->at] |= (target >> 2) & 0x03ffffff; break;
		case RI_FIX_JREG:
			w[gr->at] = enc_i(0x0f, 0, RI_REG_AT, target >> 16);
			w[gr->at + 1] = enc_i(0x0d, RI_REG_AT, RI_REG_AT, target);
			break;
		}
		if (nop_mask[i / 32] >> (i % 32) & 1)
			for (unsigned k = 0; k < gr->n; k++)
				w[k] = 0;
	}

	/* the tail: lui/ori $26, ri_save; jr $26; nop */
	code[n++] = enc_i(0x0f, 0, RI_REG_K0, save_addr >> 16);
	code[n++] = enc_i(0x0d, RI_REG_K0, RI_REG_K0, save_addr);
	code[n++] = enc_r(RI_REG_K0, 0, 0, 0, 0x08);
	code[n++] = 0;
	return n;
}
