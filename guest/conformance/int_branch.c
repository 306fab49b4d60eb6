/* guest/conformance/int_branch.c: conformance of branches, jumps and delay
 * slots.
 *
 * Each conditional branch is run on edge operands and reports a code:
 *   bit 0 = the delay-slot instruction executed, bit 1 = fell through.
 * So a taken branch gives 1, an ordinary branch not taken 3, and a
 * branch-likely not taken 2 (delay slot nullified). The linking forms also
 * report (link register - branch address), which must be 8 whether or not
 * the branch is taken. Jumps (j, jal, jr, jalr with rd != 31, jr.hb) and
 * delay-slot corner cases follow: the slot writing the branch's source
 * register or $31 after jal, a load in the slot, a store in a nullified slot,
 * a counting loop with work in the slot, and a branch near the maximum
 * forward offset. Output is compared between discoflash and qemu-mipsel.
 */
#include "rt.h"

static const uint32_t vals[] = {0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 2};
#define NV (sizeof vals / sizeof vals[0])

#define BR2(op)                                                          \
	static uint32_t f_##op(uint32_t a, uint32_t b)                   \
	{                                                                \
		uint32_t r;                                              \
		__asm__ volatile(".set push\n\t.set noreorder\n\t"       \
				 "move %0, $0\n\t" #op " %1, %2, 1f\n\t" \
				 "ori %0, %0, 1\n\t"                     \
				 "ori %0, %0, 2\n"                       \
				 "1:\n\t.set pop"                        \
				 : "=&r"(r)                              \
				 : "r"(a), "r"(b));                      \
		return r;                                                \
	}
BR2(beq)
BR2(bne)
BR2(beql)
BR2(bnel)

#define BR1(op)                                                      \
	static uint32_t f_##op(uint32_t a, uint32_t unused)          \
	{                                                            \
		uint32_t r;                                          \
		(void)unused;                                        \
		__asm__ volatile(".set push\n\t.set noreorder\n\t"   \
				 "move %0, $0\n\t" #op " %1, 1f\n\t" \
				 "ori %0, %0, 1\n\t"                 \
				 "ori %0, %0, 2\n"                   \
				 "1:\n\t.set pop"                    \
				 : "=&r"(r)                          \
				 : "r"(a));                          \
		return r;                                            \
	}
BR1(blez)
BR1(bgtz)
BR1(bltz)
BR1(bgez)
BR1(blezl)
BR1(bgtzl)
BR1(bltzl)
BR1(bgezl)

/* Linking branches: returns the code, *link = $31 - branch address. */
#define BRAL(op)                                                   \
	static uint32_t f_##op(uint32_t a, uint32_t *link)         \
	{                                                          \
		uint32_t r, l;                                     \
		__asm__ volatile(".set push\n\t.set noreorder\n\t" \
				 "move %0, $0\n"                   \
				 "2:\t" #op " %2, 1f\n\t"          \
				 "ori %0, %0, 1\n\t"               \
				 "ori %0, %0, 2\n"                 \
				 "1:\tla %1, 2b\n\t"               \
				 "subu %1, $31, %1\n\t.set pop"    \
				 : "=&r"(r), "=&r"(l)              \
				 : "r"(a)                          \
				 : "$31");                         \
		*link = l;                                         \
		return r;                                          \
	}
BRAL(bltzal)
BRAL(bgezal)
BRAL(bltzall)
BRAL(bgezall)

static void branches(void)
{
	static const struct {
		const char *name;
		uint32_t (*f)(uint32_t, uint32_t);
		int two;
	} br[] = {
		{"beq", f_beq, 1},     {"bne", f_bne, 1},     {"beql", f_beql, 1},
		{"bnel", f_bnel, 1},   {"blez", f_blez, 0},   {"bgtz", f_bgtz, 0},
		{"bltz", f_bltz, 0},   {"bgez", f_bgez, 0},   {"blezl", f_blezl, 0},
		{"bgtzl", f_bgtzl, 0}, {"bltzl", f_bltzl, 0}, {"bgezl", f_bgezl, 0},
	};
	static const struct {
		const char *name;
		uint32_t (*f)(uint32_t, uint32_t *);
	} bral[] = {
		{"bltzal", f_bltzal},
		{"bgezal", f_bgezal},
		{"bltzall", f_bltzall},
		{"bgezall", f_bgezall},
	};

	for (unsigned k = 0; k < sizeof br / sizeof br[0]; k++) {
		for (unsigned i = 0; i < NV; i++) {
			rt_printf("%-7s %08x:", br[k].name, vals[i]);
			if (br[k].two) {
				for (unsigned j = 0; j < NV; j++)
					rt_printf(" %u", br[k].f(vals[i], vals[j]));
			} else {
				rt_printf(" %u", br[k].f(vals[i], 0));
			}
			rt_printf("\n");
		}
	}
	for (unsigned k = 0; k < sizeof bral / sizeof bral[0]; k++) {
		for (unsigned i = 0; i < NV; i++) {
			uint32_t link = 0, code = bral[k].f(vals[i], &link);
			rt_printf("%-7s %08x: %u link %d\n", bral[k].name, vals[i], code,
				  (int)link);
		}
	}
}

static void jumps(void)
{
	uint32_t r, l, t;

	__asm__ volatile(".set push\n\t.set noreorder\n\tmove %0, $0\n\t"
			 "j 1f\n\tori %0, %0, 1\n\tori %0, %0, 2\n1:\n\t.set pop"
			 : "=&r"(r));
	rt_printf("j: %u\n", r);

	__asm__ volatile(".set push\n\t.set noreorder\n\tmove %0, $0\n"
			 "2:\tjal 1f\n\tori %0, %0, 1\n\tori %0, %0, 2\n"
			 "1:\tla %1, 2b\n\tsubu %1, $31, %1\n\t.set pop"
			 : "=&r"(r), "=&r"(l)
			 :
			 : "$31");
	rt_printf("jal: %u link %d\n", r, (int)l);

	__asm__ volatile(".set push\n\t.set noreorder\n\tmove %0, $0\n"
			 "2:\tbal 1f\n\tori %0, %0, 1\n\tori %0, %0, 2\n"
			 "1:\tla %1, 2b\n\tsubu %1, $31, %1\n\t.set pop"
			 : "=&r"(r), "=&r"(l)
			 :
			 : "$31");
	rt_printf("bal: %u link %d\n", r, (int)l);

	__asm__ volatile(".set push\n\t.set noreorder\n\tmove %0, $0\n\t"
			 "la %1, 1f\n\tjr %1\n\tori %0, %0, 1\n\tori %0, %0, 2\n"
			 "1:\n\t.set pop"
			 : "=&r"(r), "=&r"(t));
	rt_printf("jr: %u\n", r);

	__asm__ volatile(".set push\n\t.set noreorder\n\tmove %0, $0\n\t"
			 "la %1, 1f\n\tjr.hb %1\n\tori %0, %0, 1\n\tori %0, %0, 2\n"
			 "1:\n\t.set pop"
			 : "=&r"(r), "=&r"(t));
	rt_printf("jr.hb: %u\n", r);

	/* jalr rd, rs with rd = a temporary: the link goes to rd, $31 stays. */
	__asm__ volatile(".set push\n\t.set noreorder\n\tmove %0, $0\n\t"
			 "la %2, 1f\n\tli $31, 0x5a5a\n"
			 "2:\tjalr %1, %2\n\tori %0, %0, 1\n\tori %0, %0, 2\n"
			 "1:\tla %2, 2b\n\tsubu %1, %1, %2\n\tmove %2, $31\n\t.set pop"
			 : "=&r"(r), "=&r"(l), "=&r"(t)
			 :
			 : "$31");
	rt_printf("jalr rd: %u link %d ra %08x\n", r, (int)l, t);

	__asm__ volatile(".set push\n\t.set noreorder\n\tmove %0, $0\n\t"
			 "la %2, 1f\n"
			 "2:\tjalr %2\n\tori %0, %0, 1\n\tori %0, %0, 2\n"
			 "1:\tla %2, 2b\n\tsubu %1, $31, %2\n\t.set pop"
			 : "=&r"(r), "=&r"(l), "=&r"(t)
			 :
			 : "$31");
	rt_printf("jalr: %u link %d\n", r, (int)l);
}

static void delay_slots(void)
{
	uint32_t r, a, t;
	static volatile uint32_t word = 0x600dcafe;

	/* The slot changes the branch operand: the decision uses the old one. */
	a = 0;
	__asm__ volatile(".set push\n\t.set noreorder\n\tli %0, 7\n\t"
			 "beq %1, $0, 1f\n\taddiu %1, %1, 1\n\tli %0, 9\n"
			 "1:\n\t.set pop"
			 : "=&r"(r), "+r"(a));
	rt_printf("slot writes beq operand: r %u a %u\n", r, a);

	/* The slot changes the jr target register: the jump uses the old one. */
	__asm__ volatile(".set push\n\t.set noreorder\n\tli %0, 1\n\t"
			 "la %1, 1f\n\tjr %1\n\tla %1, 2f\n"
			 "2:\tli %0, 2\n1:\n\t.set pop"
			 : "=&r"(r), "=&r"(t));
	rt_printf("slot writes jr target: %u\n", r);

	/* jal writes $31, then its delay slot overwrites it. */
	__asm__ volatile(".set push\n\t.set noreorder\n\t"
			 "jal 1f\n\tli $31, 0x1234\n\tnop\n"
			 "1:\tmove %0, $31\n\t.set pop"
			 : "=r"(r)
			 :
			 : "$31");
	rt_printf("slot writes $31 after jal: %08x\n", r);

	/* A load in the delay slot of a taken branch. */
	__asm__ volatile(".set push\n\t.set noreorder\n\tmove %0, $0\n\t"
			 "beq $0, $0, 1f\n\tlw %0, 0(%1)\n\tli %0, 3\n"
			 "1:\n\t.set pop"
			 : "=&r"(r)
			 : "r"(&word)
			 : "memory");
	rt_printf("load in slot: %08x\n", r);

	/* A store in the nullified slot of a not-taken branch-likely. */
	t = 0xdeadbeef;
	__asm__ volatile(".set push\n\t.set noreorder\n\t"
			 "bnel $0, $0, 1f\n\tsw %1, 0(%0)\n"
			 "1:\n\t.set pop"
			 :
			 : "r"(&word), "r"(t)
			 : "memory");
	rt_printf("store in nullified slot: word %08x\n", word);

	/* A store in the slot of a taken branch-likely. */
	__asm__ volatile(".set push\n\t.set noreorder\n\t"
			 "beql $0, $0, 1f\n\tsw %1, 0(%0)\n"
			 "1:\n\t.set pop"
			 :
			 : "r"(&word), "r"(t)
			 : "memory");
	rt_printf("store in taken likely slot: word %08x\n", word);

	/* Backward loop, work in the delay slot: 5 iterations of +3. */
	__asm__ volatile(".set push\n\t.set noreorder\n\tli %0, 0\n\tli %1, 5\n"
			 "1:\taddiu %1, %1, -1\n\tbne %1, $0, 1b\n\taddiu %0, %0, 3\n\t"
			 ".set pop"
			 : "=&r"(r), "=&r"(t));
	rt_printf("loop: %u\n", r);

	/* The same with branch-likely: the slot runs only while looping. */
	__asm__ volatile(".set push\n\t.set noreorder\n\tli %0, 0\n\tli %1, 5\n"
			 "1:\taddiu %1, %1, -1\n\tbnel %1, $0, 1b\n\taddiu %0, %0, 3\n\t"
			 ".set pop"
			 : "=&r"(r), "=&r"(t));
	rt_printf("loop likely: %u\n", r);

	/* A forward branch near the largest offset (+0x7fff instructions). */
	__asm__ volatile(".set push\n\t.set noreorder\n\tli %0, 1\n\t"
			 "b 1f\n\tnop\n\t.space 0x1fff0\n\tli %0, 2\n"
			 "1:\n\t.set pop"
			 : "=&r"(r));
	rt_printf("far branch: %u\n", r);
}

int main(void)
{
	rt_printf("int_branch: branch and jump conformance\n");
	branches();
	jumps();
	delay_slots();
	rt_printf("int_branch: done\n");
	return 0;
}
