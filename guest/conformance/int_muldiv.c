/* guest/conformance/int_muldiv.c: conformance of multiply/divide and HI/LO.
 *
 * mult/multu/div/divu print HI and LO; madd/maddu/msub/msubu start from HI/LO
 * set by mthi/mtlo and print the accumulated pair; mul prints rd only (HI
 * and LO are UNPREDICTABLE after mul in MIPS32r2, so they are not looked at).
 * Division by zero is skipped (its result is UNPREDICTABLE); 0x80000000 / -1
 * is kept, since it must not trap and both qemu and hardware give LO =
 * 0x80000000, HI = 0. Output is compared between discoflash and qemu-mipsel.
 */
#include "rt.h"

static const uint32_t vals[] = {
	0x00000000, 0x00000001, 0xffffffff, 0x7fffffff, 0x80000000, 0x80000001,
	0x00000002, 0xfffffffe, 0x12345678, 0xedcba987, 0x0000ffff, 0x00010000,
	0xffff0000, 0x00000007, 0xfffffff9, 0x55555555, 0xaaaaaaaa,
};
#define NV (sizeof vals / sizeof vals[0])

struct hilo {
	uint32_t hi, lo;
};

#define MD(op)                                                           \
	static struct hilo f_##op(uint32_t a, uint32_t b)                \
	{                                                                \
		struct hilo r;                                           \
		__asm__ volatile(#op " $0, %2, %3\n\tmfhi %0\n\tmflo %1" \
				 : "=r"(r.hi), "=r"(r.lo)                \
				 : "r"(a), "r"(b)                        \
				 : "hi", "lo");                          \
		return r;                                                \
	}
/* "div $0, rs, rt" is the real instruction (no assembler divide-by-zero
 * check macro); mult takes two operands, so it gets its own form. */
MD(div)
MD(divu)

#define MUL(op)                                                      \
	static struct hilo f_##op(uint32_t a, uint32_t b)            \
	{                                                            \
		struct hilo r;                                       \
		__asm__ volatile(#op " %2, %3\n\tmfhi %0\n\tmflo %1" \
				 : "=r"(r.hi), "=r"(r.lo)            \
				 : "r"(a), "r"(b)                    \
				 : "hi", "lo");                      \
		return r;                                            \
	}
MUL(mult)
MUL(multu)

#define ACC(op)                                                                     \
	static struct hilo f_##op(uint32_t hi, uint32_t lo, uint32_t a, uint32_t b) \
	{                                                                           \
		struct hilo r;                                                      \
		__asm__ volatile("mthi %2\n\tmtlo %3\n\t" #op " %4, %5\n\t"         \
				 "mfhi %0\n\tmflo %1"                               \
				 : "=&r"(r.hi), "=&r"(r.lo)                         \
				 : "r"(hi), "r"(lo), "r"(a), "r"(b)                 \
				 : "hi", "lo");                                     \
		return r;                                                           \
	}
ACC(madd)
ACC(maddu)
ACC(msub)
ACC(msubu)

static uint32_t f_mul(uint32_t a, uint32_t b)
{
	uint32_t r;

	__asm__ volatile("mul %0, %1, %2" : "=r"(r) : "r"(a), "r"(b) : "hi", "lo");
	return r;
}

typedef struct hilo (*mdop)(uint32_t, uint32_t);

static void table(const char *name, mdop f, int is_div)
{
	for (unsigned i = 0; i < NV; i++) {
		rt_printf("%-5s %08x:", name, vals[i]);
		for (unsigned j = 0; j < NV; j++) {
			if (is_div && vals[j] == 0) {
				rt_printf(" -----------------");
				continue;
			}
			struct hilo r = f(vals[i], vals[j]);
			rt_printf(" %08x:%08x", r.hi, r.lo);
		}
		rt_printf("\n");
	}
}

static const struct hilo accs[] = {
	{0, 0},
	{0, 0xffffffff},
	{0xffffffff, 0xffffffff},
	{0x7fffffff, 0xffffffff},
	{0x80000000, 0},
	{0x12345678, 0x9abcdef0},
};
#define NA (sizeof accs / sizeof accs[0])

typedef struct hilo (*accop)(uint32_t, uint32_t, uint32_t, uint32_t);

static void acc_table(const char *name, accop f)
{
	for (unsigned k = 0; k < NA; k++) {
		for (unsigned i = 0; i < NV; i += 2) {
			rt_printf("%-5s acc %08x:%08x a %08x:", name, accs[k].hi, accs[k].lo,
				  vals[i]);
			for (unsigned j = 0; j < NV; j++) {
				struct hilo r = f(accs[k].hi, accs[k].lo, vals[i], vals[j]);
				rt_printf(" %08x:%08x", r.hi, r.lo);
			}
			rt_printf("\n");
		}
	}
}

/* mthi/mtlo then mfhi/mflo round trip, and HI/LO kept across ALU work. */
static void hilo_moves(void)
{
	uint32_t hi, lo;

	__asm__ volatile("mthi %2\n\tmtlo %3\n\taddu $0, $0, $0\n\t"
			 "mflo %1\n\tmfhi %0"
			 : "=r"(hi), "=r"(lo)
			 : "r"(0xcafef00d), "r"(0x0badc0de)
			 : "hi", "lo");
	rt_printf("mthi/mtlo: %08x %08x\n", hi, lo);
}

int main(void)
{
	rt_printf("int_muldiv: multiply/divide conformance\n");
	table("mult", f_mult, 0);
	table("multu", f_multu, 0);
	table("div", f_div, 1);
	table("divu", f_divu, 1);
	for (unsigned i = 0; i < NV; i++) {
		rt_printf("mul   %08x:", vals[i]);
		for (unsigned j = 0; j < NV; j++)
			rt_printf(" %08x", f_mul(vals[i], vals[j]));
		rt_printf("\n");
	}
	acc_table("madd", f_madd);
	acc_table("maddu", f_maddu);
	acc_table("msub", f_msub);
	acc_table("msubu", f_msubu);
	hilo_moves();
	rt_printf("int_muldiv: done\n");
	return 0;
}
