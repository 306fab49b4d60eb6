/* guest/conformance/int_alu.c: conformance of the integer ALU instructions.
 *
 * Every instruction is forced with inline asm and run on a table of edge
 * values; the results are printed as hex, one line per (instruction, first
 * operand). Built twice (bare for discoflash, Linux for qemu-mipsel) and the
 * outputs must be identical. Covers addu/subu/and/or/xor/nor, add/sub/addi
 * (only where they do not overflow: overflow traps are in tests/exc_test.c),
 * addiu/andi/ori/xori/lui, slt/sltu/slti/sltiu, sll/srl/sra and their
 * variable forms, rotr/rotrv, clz/clo, ext/ins, seb/seh/wsbh, movn/movz,
 * and trap instructions whose condition is false (they must not trap).
 */
#include "rt.h"

static const uint32_t vals[] = {
	0x00000000, 0x00000001, 0xffffffff, 0x7fffffff, 0x80000000, 0x80000001, 0x7ffffffe,
	0x12345678, 0xedcba987, 0x0000ffff, 0xffff0000, 0x00008000, 0x00007fff, 0x000000ff,
	0x00000080, 0x55aa33cc, 0x0000001f, 0x00000020, 0xfffffffe,
};
#define NV (sizeof vals / sizeof vals[0])

/* Register-register-register instructions: rd = op(rs, rt). */
#define RRR(op)                                                                 \
	static uint32_t f_##op(uint32_t a, uint32_t b)                          \
	{                                                                       \
		uint32_t r;                                                     \
		__asm__ volatile(#op " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); \
		return r;                                                       \
	}
RRR(addu)
RRR(subu)
RRR(and)
RRR(or)
RRR(xor)
RRR(nor)
RRR(slt)
RRR(sltu)
RRR(add)
RRR(sub)

/* Variable shifts: the assembler syntax is "op rd, rt, rs" (rs = amount). */
#define SHV(op)                                                                 \
	static uint32_t f_##op(uint32_t v, uint32_t s)                          \
	{                                                                       \
		uint32_t r;                                                     \
		__asm__ volatile(#op " %0, %1, %2" : "=r"(r) : "r"(v), "r"(s)); \
		return r;                                                       \
	}
SHV(sllv)
SHV(srlv)
SHV(srav)
SHV(rotrv)

static uint32_t f_movn(uint32_t d, uint32_t s, uint32_t t)
{
	__asm__ volatile("movn %0, %1, %2" : "+r"(d) : "r"(s), "r"(t));
	return d;
}

static uint32_t f_movz(uint32_t d, uint32_t s, uint32_t t)
{
	__asm__ volatile("movz %0, %1, %2" : "+r"(d) : "r"(s), "r"(t));
	return d;
}

typedef uint32_t (*binop)(uint32_t, uint32_t);

static void table(const char *name, binop f)
{
	for (unsigned i = 0; i < NV; i++) {
		rt_printf("%-5s %08x:", name, vals[i]);
		for (unsigned j = 0; j < NV; j++)
			rt_printf(" %08x", f(vals[i], vals[j]));
		rt_printf("\n");
	}
}

/* add/sub trap on signed overflow; those pairs print "ovf" unexecuted. */
static void table_trapping(const char *name, binop f, int is_sub)
{
	for (unsigned i = 0; i < NV; i++) {
		rt_printf("%-5s %08x:", name, vals[i]);
		for (unsigned j = 0; j < NV; j++) {
			int64_t a = (int32_t)vals[i], b = (int32_t)vals[j];
			int64_t r = is_sub ? a - b : a + b;
			if (r != (int32_t)r)
				rt_printf("      ovf");
			else
				rt_printf(" %08x", f(vals[i], vals[j]));
		}
		rt_printf("\n");
	}
}

/* One-operand instructions "op rd, rt". */
#define UN(op)                                                      \
	static uint32_t f_##op(uint32_t a)                          \
	{                                                           \
		uint32_t r;                                         \
		__asm__ volatile(#op " %0, %1" : "=r"(r) : "r"(a)); \
		return r;                                           \
	}
UN(clz)
UN(clo)
UN(seb)
UN(seh)
UN(wsbh)

static void unary(const char *name, uint32_t (*f)(uint32_t))
{
	rt_printf("%-5s:", name);
	for (unsigned i = 0; i < NV; i++)
		rt_printf(" %08x", f(vals[i]));
	rt_printf("\n");
}

/* Immediate forms: the immediate must be a constant, so each is expanded. */
#define RI(op, imm)                                                         \
	({                                                                  \
		uint32_t _r;                                                \
		__asm__ volatile(#op " %0, %1, " #imm : "=r"(_r) : "r"(a)); \
		_r;                                                         \
	})
#define SIMM(X, op) \
	X(op, 0) X(op, 1) X(op, -1) X(op, 0x7fff) X(op, -0x8000) X(op, 0x1234) X(op, -2) X(op, 0x80)
/* clang-format off */
#define UIMM(X, op)                                                                    \
	X(op, 0)                                                                       \
	X(op, 1) X(op, 0xffff) X(op, 0x8000) X(op, 0x7fff) X(op, 0x1234) X(op, 0xff00) \
		X(op, 0x00ff)
/* clang-format on */
#define SHAMT(X, op) X(op, 0) X(op, 1) X(op, 4) X(op, 8) X(op, 15) X(op, 16) X(op, 17) X(op, 31)
#define PRINT_RI(op, imm) rt_printf(" %08x", RI(op, imm));

static void imm_ops(void)
{
	for (unsigned i = 0; i < NV; i++) {
		uint32_t a = vals[i];
		rt_printf("addiu %08x:", a);
		SIMM(PRINT_RI, addiu)
		rt_printf("\nslti  %08x:", a);
		SIMM(PRINT_RI, slti)
		rt_printf("\nsltiu %08x:", a);
		SIMM(PRINT_RI, sltiu)
		rt_printf("\nandi  %08x:", a);
		UIMM(PRINT_RI, andi)
		rt_printf("\nori   %08x:", a);
		UIMM(PRINT_RI, ori)
		rt_printf("\nxori  %08x:", a);
		UIMM(PRINT_RI, xori)
		rt_printf("\nsll   %08x:", a);
		SHAMT(PRINT_RI, sll)
		rt_printf("\nsrl   %08x:", a);
		SHAMT(PRINT_RI, srl)
		rt_printf("\nsra   %08x:", a);
		SHAMT(PRINT_RI, sra)
		rt_printf("\nrotr  %08x:", a);
		SHAMT(PRINT_RI, rotr)
		/* addi traps on overflow: only small immediates on values far
		 * from the limits. */
		if ((int32_t)a > -0x10000000 && (int32_t)a < 0x10000000) {
			rt_printf("\naddi  %08x:", a);
			SIMM(PRINT_RI, addi)
		}
		rt_printf("\n");
	}
}

static void lui_ops(void)
{
	uint32_t r0, r1, r2, r3;

	__asm__ volatile("lui %0, 0\n\tlui %1, 1\n\tlui %2, 0x8000\n\tlui %3, 0xffff"
			 : "=r"(r0), "=r"(r1), "=r"(r2), "=r"(r3));
	rt_printf("lui: %08x %08x %08x %08x\n", r0, r1, r2, r3);
}

/* ext rt, rs, pos, size and ins rt, rs, pos, size for a set of fields with
 * pos + size <= 32. */
#define EXT(pos, size)                                                                \
	({                                                                            \
		uint32_t _r;                                                          \
		__asm__ volatile("ext %0, %1, " #pos ", " #size : "=r"(_r) : "r"(a)); \
		_r;                                                                   \
	})
#define INS(pos, size)                                                                \
	({                                                                            \
		uint32_t _r = b;                                                      \
		__asm__ volatile("ins %0, %1, " #pos ", " #size : "+r"(_r) : "r"(a)); \
		_r;                                                                   \
	})
#define FIELDS(X) \
	X(0, 1) X(0, 32) X(4, 8) X(31, 1) X(16, 16) X(3, 29) X(0, 16) X(7, 13) X(1, 31) X(30, 2)
#define PRINT_EXT(p, s) rt_printf(" %08x", EXT(p, s));
#define PRINT_INS(p, s) rt_printf(" %08x", INS(p, s));

static void ext_ins(void)
{
	for (unsigned i = 0; i < NV; i++) {
		uint32_t a = vals[i], b;
		rt_printf("ext   %08x:", a);
		FIELDS(PRINT_EXT)
		rt_printf("\n");
		for (unsigned j = 0; j < NV; j += 3) {
			b = vals[j];
			rt_printf("ins   %08x into %08x:", a, b);
			FIELDS(PRINT_INS)
			rt_printf("\n");
		}
	}
}

static void moves(void)
{
	for (unsigned i = 0; i < NV; i++) {
		rt_printf("movn/movz cond %08x: %08x %08x\n", vals[i],
			  f_movn(0x11111111, 0x22222222, vals[i]),
			  f_movz(0x11111111, 0x22222222, vals[i]));
	}
}

/* Trap instructions with false conditions: must fall through silently. */
static void traps_not_taken(void)
{
	uint32_t one = 1, two = 2, m1 = 0xffffffff;

	__asm__ volatile("teq %0, %1\n\ttne %0, %0\n\ttge %0, %1\n\ttgeu %0, %1\n\t"
			 "tlt %1, %0\n\ttltu %1, %0\n\ttlt %0, %2\n\ttgeu %0, %2\n\t"
			 "teqi %0, 2\n\ttnei %0, 1\n\ttgei %2, 0\n\ttgeiu %0, 3\n\t"
			 "tlti %0, 1\n\ttltiu %2, 5\n\ttgeiu %0, -1"
			 :
			 : "r"(one), "r"(two), "r"(m1));
	rt_printf("false-condition traps fell through\n");
}

int main(void)
{
	rt_printf("int_alu: integer ALU conformance\n");
	table("addu", f_addu);
	table("subu", f_subu);
	table_trapping("add", f_add, 0);
	table_trapping("sub", f_sub, 1);
	table("and", f_and);
	table("or", f_or);
	table("xor", f_xor);
	table("nor", f_nor);
	table("slt", f_slt);
	table("sltu", f_sltu);
	table("sllv", f_sllv);
	table("srlv", f_srlv);
	table("srav", f_srav);
	table("rotrv", f_rotrv);
	unary("clz", f_clz);
	unary("clo", f_clo);
	unary("seb", f_seb);
	unary("seh", f_seh);
	unary("wsbh", f_wsbh);
	imm_ops();
	lui_ops();
	ext_ins();
	moves();
	traps_not_taken();
	rt_printf("int_alu: done\n");
	return 0;
}
