/* guest/conformance/int_random.c: randomized integer conformance.
 *
 * A fixed-seed xorshift generator draws operands (plain random words, edge
 * values, small numbers and single-bit patterns) and runs every integer
 * instruction class on them many times; each instruction's results are
 * folded into its own checksum, printed at the end (and every 1024 rounds
 * for the whole set, to locate a divergence). Covers the ALU, shifts and
 * rotates, clz/clo, seb/seh/wsbh, ext/ins, movn/movz, mul, mult(u),
 * div(u) (nonzero divisors), madd(u)/msub(u), conditional branches
 * (taken/not taken), and lwl/lwr/swl/swr at random offsets. The same
 * output is required from discoflash and qemu-mipsel.
 */
#include "rt.h"

#define ROUNDS 20000

static uint32_t rng_state = 0x2545f491;

static uint32_t rng(void)
{
	uint32_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return rng_state = x;
}

static const uint32_t edges[] = {
	0,	    1,		2,	    0xffffffff, 0xfffffffe, 0x7fffffff,
	0x80000000, 0x80000001, 0x0000ffff, 0xffff0000, 0x00008000, 0x00007fff,
	0xffff8000, 0x000000ff, 0x00000080, 0x0000001f, 0x00000020,
};

/* An operand: a quarter each random, edge, small signed, single bit. */
static uint32_t operand(void)
{
	uint32_t r = rng();

	switch (r & 3) {
	case 0: return rng();
	case 1: return edges[(r >> 2) % (sizeof edges / sizeof edges[0])];
	case 2: return (uint32_t)((int32_t)(r >> 8) % 64);
	default: return 1u << ((r >> 2) & 31) ^ (((r >> 7) & 1) ? 0xffffffff : 0);
	}
}

enum {
	K_ADDU,
	K_SUBU,
	K_AND,
	K_OR,
	K_XOR,
	K_NOR,
	K_SLT,
	K_SLTU,
	K_SLLV,
	K_SRLV,
	K_SRAV,
	K_ROTRV,
	K_SLL,
	K_SRL,
	K_SRA,
	K_ROTR,
	K_CLZ,
	K_CLO,
	K_SEB,
	K_SEH,
	K_WSBH,
	K_EXT,
	K_INS,
	K_MOVN,
	K_MOVZ,
	K_MUL,
	K_MULT,
	K_MULTU,
	K_DIV,
	K_DIVU,
	K_MADD,
	K_MADDU,
	K_MSUB,
	K_MSUBU,
	K_BRANCH,
	K_LWLR,
	K_SWLR,
	K_N
};
static const char *const names[K_N] = {
	"addu", "subu",	 "and",	 "or",	  "xor",      "nor",	 "slt",	    "sltu",  "sllv", "srlv",
	"srav", "rotrv", "sll",	 "srl",	  "sra",      "rotr",	 "clz",	    "clo",   "seb",  "seh",
	"wsbh", "ext",	 "ins",	 "movn",  "movz",     "mul",	 "mult",    "multu", "div",  "divu",
	"madd", "maddu", "msub", "msubu", "branches", "lwl/lwr", "swl/swr",
};
static uint32_t sums[K_N];

static void fold(int k, uint32_t v)
{
	sums[k] = ((sums[k] << 5) | (sums[k] >> 27)) ^ v;
	sums[k] += 0x9e3779b9;
}

#define R3(op, a, b)                                                            \
	({                                                                      \
		uint32_t _r;                                                    \
		__asm__ volatile(op " %0, %1, %2" : "=r"(_r) : "r"(a), "r"(b)); \
		_r;                                                             \
	})
#define R2(op, a)                                                   \
	({                                                          \
		uint32_t _r;                                        \
		__asm__ volatile(op " %0, %1" : "=r"(_r) : "r"(a)); \
		_r;                                                 \
	})
#define HILO(op, a, b, hi0, lo0)                                           \
	({                                                                 \
		uint32_t _h, _l;                                           \
		__asm__ volatile("mthi %2\n\tmtlo %3\n\t" op " %4, %5\n\t" \
				 "mfhi %0\n\tmflo %1"                      \
				 : "=&r"(_h), "=&r"(_l)                    \
				 : "r"(hi0), "r"(lo0), "r"(a), "r"(b)      \
				 : "hi", "lo");                            \
		_h ^ (_l * 3u);                                            \
	})
#define DIVOP(op, a, b)                                                 \
	({                                                              \
		uint32_t _h, _l;                                        \
		__asm__ volatile(op " $0, %2, %3\n\tmfhi %0\n\tmflo %1" \
				 : "=r"(_h), "=r"(_l)                   \
				 : "r"(a), "r"(b)                       \
				 : "hi", "lo");                         \
		_h ^ (_l * 3u);                                         \
	})

/* Immediate forms need constant fields: one of eight per instruction. */
static uint32_t shift_imm(int op, uint32_t a, unsigned sel)
{
	uint32_t r = 0;

#define SH(n)                                                                   \
	case n:                                                                 \
		switch (op) {                                                   \
		case 0: __asm__("sll %0, %1, " #n : "=r"(r) : "r"(a)); break;   \
		case 1: __asm__("srl %0, %1, " #n : "=r"(r) : "r"(a)); break;   \
		case 2: __asm__("sra %0, %1, " #n : "=r"(r) : "r"(a)); break;   \
		default: __asm__("rotr %0, %1, " #n : "=r"(r) : "r"(a)); break; \
		}                                                               \
		break;
	switch (sel & 7) {
		SH(0) SH(1) SH(3) SH(8) SH(13) SH(16) SH(30) SH(31)
	}
#undef SH
	return r;
}

static uint32_t field_op(int ins, uint32_t a, uint32_t b, unsigned sel)
{
	uint32_t r = b;

#define F(n, p, s)                                                             \
	case n:                                                                \
		if (ins)                                                       \
			__asm__("ins %0, %1, " #p ", " #s : "+r"(r) : "r"(a)); \
		else                                                           \
			__asm__("ext %0, %1, " #p ", " #s : "=r"(r) : "r"(a)); \
		break;
	switch (sel & 7) {
		F(0, 0, 1)
		F(1, 0, 32) F(2, 5, 11) F(3, 31, 1) F(4, 12, 20) F(5, 1, 30) F(6, 24, 8) F(7, 9, 9)
	}
#undef F
	return r;
}

static uint32_t branches(uint32_t a, uint32_t b)
{
	uint32_t r;

	__asm__ volatile(".set push\n\t.set noreorder\n\tmove %0, $0\n\t"
			 "beq %1, %2, 1f\n\tnop\n\tori %0, %0, 1\n"
			 "1:\tbne %1, %2, 2f\n\tnop\n\tori %0, %0, 2\n"
			 "2:\tblez %1, 3f\n\tnop\n\tori %0, %0, 4\n"
			 "3:\tbgtz %1, 4f\n\tnop\n\tori %0, %0, 8\n"
			 "4:\tbltz %2, 5f\n\tnop\n\tori %0, %0, 16\n"
			 "5:\tbgez %2, 6f\n\tnop\n\tori %0, %0, 32\n"
			 "6:\tbeql %1, %2, 7f\n\tori %0, %0, 64\n\tnop\n"
			 "7:\tbgtzl %2, 8f\n\tori %0, %0, 128\n\tnop\n"
			 "8:\t.set pop"
			 : "=&r"(r)
			 : "r"(a), "r"(b));
	return r;
}

static uint8_t mem[16] __attribute__((aligned(8)));

static void unaligned(uint32_t a, uint32_t b, unsigned off)
{
	uint32_t l = a, r = a, w[4];
	uint8_t *p = mem + (off & 7);

	for (int i = 0; i < 16; i++)
		mem[i] = (uint8_t)(b >> (i & 3) * 8) ^ (uint8_t)(i * 37);
	__asm__ volatile("lwl %0, 0(%2)\n\tlwr %1, 0(%2)" : "+r"(l), "+r"(r) : "r"(p) : "memory");
	fold(K_LWLR, l);
	fold(K_LWLR, r);
	__asm__ volatile("swl %0, 0(%1)" : : "r"(a), "r"(p) : "memory");
	__asm__ volatile("swr %0, 0(%1)" : : "r"(~a), "r"(mem + ((off >> 3) & 7)) : "memory");
	rt_memcpy(w, mem, 16);
	for (int i = 0; i < 4; i++)
		fold(K_SWLR, w[i]);
}

static uint32_t all(void)
{
	uint32_t x = 0;

	for (int k = 0; k < K_N; k++)
		x ^= sums[k] * (uint32_t)(2 * k + 1);
	return x;
}

int main(void)
{
	rt_printf("int_random: %d randomized rounds\n", ROUNDS);
	for (int i = 0; i < ROUNDS; i++) {
		uint32_t a = operand(), b = operand(), c = operand(), d = operand();
		unsigned sel = rng();

		fold(K_ADDU, R3("addu", a, b));
		fold(K_SUBU, R3("subu", a, b));
		fold(K_AND, R3("and", a, b));
		fold(K_OR, R3("or", a, b));
		fold(K_XOR, R3("xor", a, b));
		fold(K_NOR, R3("nor", a, b));
		fold(K_SLT, R3("slt", a, b));
		fold(K_SLTU, R3("sltu", a, b));
		fold(K_SLLV, R3("sllv", a, b));
		fold(K_SRLV, R3("srlv", a, b));
		fold(K_SRAV, R3("srav", a, b));
		fold(K_ROTRV, R3("rotrv", a, b));
		fold(K_SLL, shift_imm(0, a, sel));
		fold(K_SRL, shift_imm(1, a, sel));
		fold(K_SRA, shift_imm(2, a, sel));
		fold(K_ROTR, shift_imm(3, a, sel));
		fold(K_CLZ, R2("clz", a));
		fold(K_CLO, R2("clo", a));
		fold(K_SEB, R2("seb", a));
		fold(K_SEH, R2("seh", a));
		fold(K_WSBH, R2("wsbh", a));
		fold(K_EXT, field_op(0, a, b, sel >> 3));
		fold(K_INS, field_op(1, a, b, sel >> 6));
		{
			uint32_t n = c, z = c;
			__asm__ volatile("movn %0, %1, %2"
					 : "+r"(n)
					 : "r"(a), "r"(b & (sel >> 9 & 1 ? 0 : ~0u)));
			__asm__ volatile("movz %0, %1, %2"
					 : "+r"(z)
					 : "r"(a), "r"(b & (sel >> 10 & 1 ? 0 : ~0u)));
			fold(K_MOVN, n);
			fold(K_MOVZ, z);
		}
		fold(K_MUL, R3("mul", a, b));
		fold(K_MULT, HILO("mult", a, b, c, d));
		fold(K_MULTU, HILO("multu", a, b, c, d));
		if (b) {
			fold(K_DIV, DIVOP("div", a, b));
			fold(K_DIVU, DIVOP("divu", a, b));
		}
		fold(K_MADD, HILO("madd", a, b, c, d));
		fold(K_MADDU, HILO("maddu", a, b, c, d));
		fold(K_MSUB, HILO("msub", a, b, c, d));
		fold(K_MSUBU, HILO("msubu", a, b, c, d));
		fold(K_BRANCH, branches(a, (sel & 0x1000) ? a : b));
		unaligned(a, b, sel >> 13);
		if ((i & 1023) == 1023)
			rt_printf("round %5d: %08x\n", i + 1, all());
	}
	for (int k = 0; k < K_N; k++)
		rt_printf("%-8s %08x\n", names[k], sums[k]);
	rt_printf("int_random: done\n");
	return 0;
}
