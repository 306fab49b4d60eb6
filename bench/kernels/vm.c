/* bench/kernels/vm.c: a small bytecode interpreter, the shape of the
 * emulator itself: a register machine (16 registers, 32-bit words) whose
 * instructions are decoded and dispatched through a switch in a loop. The
 * program, assembled at start-up, runs a sieve of Eratosthenes and then sums
 * the Collatz stopping times of 1..VM_COLLATZ-1 through a subroutine.
 * Measures indirect jumps (the switch's jump table), unpredictable branches
 * and loads/stores to the register file.
 */
#include "bench.h"

#ifndef VM_SIEVE
#define VM_SIEVE 65536 /* sieve size in words, a power of two */
#endif
#ifndef VM_COLLATZ
#define VM_COLLATZ 24000 /* Collatz start values 1..VM_COLLATZ-1, < 100000 */
#endif

const char bench_name[] = "vm";

enum {
	OP_HALT,
	OP_LI,	/* ra = next word */
	OP_MOV, /* ra = rb */
	OP_ADD, /* ra = rb + rc */
	OP_SUB,
	OP_MUL,
	OP_AND,
	OP_XOR,
	OP_SHR,	 /* ra = rb >> (rc & 31) */
	OP_ADDI, /* ra = rb + (int8_t)c */
	OP_LD,	 /* ra = mem[rb] */
	OP_ST,	 /* mem[rb] = ra */
	OP_JMP,	 /* pc = next word */
	OP_JZ,	 /* if ra == 0: pc = next word */
	OP_JEQ,	 /* if ra == rb: pc = next word */
	OP_JLT,	 /* if ra < rb (unsigned): pc = next word */
	OP_CALL, /* push pc after the target word; pc = next word */
	OP_RET,
};

#define PROG_MAX 128
#define STACK_MAX 16

static uint32_t prog[PROG_MAX];
static unsigned prog_len;
static uint32_t mem[VM_SIEVE];

static unsigned emit(unsigned op, unsigned a, unsigned b, unsigned c)
{
	prog[prog_len] = op | a << 8 | b << 16 | (c & 0xff) << 24;
	return prog_len++;
}

/* Emits an instruction with an immediate word; returns the word's index so
 * a forward jump can be patched once its label is known. */
static unsigned emit_imm(unsigned op, unsigned a, unsigned b, uint32_t imm)
{
	emit(op, a, b, 0);
	prog[prog_len] = imm;
	return prog_len++;
}

#define HERE() prog_len
#define PATCH(at) (prog[at] = prog_len)

static void assemble(void)
{
	unsigned clear, outer, inner, next_i, done, cnt, loop_n, call, c_loop, c_even, c_done,
		collatz;

	prog_len = 0;
	/* r0 = 0 and r3 = 1 throughout; r2 = sieve size */
	emit_imm(OP_LI, 0, 0, 0);
	emit_imm(OP_LI, 3, 0, 1);
	emit_imm(OP_LI, 2, 0, VM_SIEVE);
	emit_imm(OP_LI, 1, 0, 0);
	clear = HERE(); /* mem[0..S) = 1 */
	emit(OP_ST, 3, 1, 0);
	emit(OP_ADDI, 1, 1, 1);
	emit_imm(OP_JLT, 1, 2, clear);
	emit_imm(OP_LI, 1, 0, 2);
	outer = HERE(); /* for i = 2; i * i < S; i++ */
	emit(OP_MUL, 4, 1, 1);
	emit_imm(OP_JLT, 4, 2, HERE() + 4);
	done = emit_imm(OP_JMP, 0, 0, 0);
	emit(OP_LD, 5, 1, 0);
	next_i = emit_imm(OP_JZ, 5, 0, 0);
	inner = HERE(); /* for j = i * i; j < S; j += i */
	emit(OP_ST, 0, 4, 0);
	emit(OP_ADD, 4, 4, 1);
	emit_imm(OP_JLT, 4, 2, inner);
	PATCH(next_i);
	emit(OP_ADDI, 1, 1, 1);
	emit_imm(OP_JMP, 0, 0, outer);
	PATCH(done);
	emit_imm(OP_LI, 1, 0, 2); /* r6 = number of primes < S */
	emit_imm(OP_LI, 6, 0, 0);
	cnt = HERE();
	emit(OP_LD, 5, 1, 0);
	emit(OP_ADD, 6, 6, 5);
	emit(OP_ADDI, 1, 1, 1);
	emit_imm(OP_JLT, 1, 2, cnt);

	/* r7 = sum of stopping times, r11 = a hash of them (r11 * 31 + t) */
	emit_imm(OP_LI, 8, 0, 3);
	emit_imm(OP_LI, 12, 0, 31);
	emit_imm(OP_LI, 2, 0, VM_COLLATZ);
	emit_imm(OP_LI, 1, 0, 1);
	emit_imm(OP_LI, 7, 0, 0);
	emit_imm(OP_LI, 11, 0, 0);
	loop_n = HERE();
	emit(OP_MOV, 9, 1, 0);
	call = emit_imm(OP_CALL, 0, 0, 0);
	emit(OP_ADD, 7, 7, 10);
	emit(OP_MUL, 11, 11, 12);
	emit(OP_ADD, 11, 11, 10);
	emit(OP_ADDI, 1, 1, 1);
	emit_imm(OP_JLT, 1, 2, loop_n);
	emit(OP_HALT, 0, 0, 0);

	/* collatz: r10 = stopping time of r9 (r9 is destroyed, r13 scratch) */
	collatz = HERE();
	prog[call] = collatz;
	emit_imm(OP_LI, 10, 0, 0);
	c_loop = HERE();
	c_done = emit_imm(OP_JEQ, 9, 3, 0);
	emit(OP_AND, 13, 9, 3);
	c_even = emit_imm(OP_JZ, 13, 0, 0);
	emit(OP_MUL, 9, 9, 8); /* odd: 3x + 1 */
	emit(OP_ADDI, 9, 9, 1);
	emit(OP_ADDI, 10, 10, 1);
	emit_imm(OP_JMP, 0, 0, c_loop);
	PATCH(c_even);
	emit(OP_SHR, 9, 9, 3); /* even: x / 2 */
	emit(OP_ADDI, 10, 10, 1);
	emit_imm(OP_JMP, 0, 0, c_loop);
	PATCH(c_done);
	emit(OP_RET, 0, 0, 0);
}

/* Runs prog from 0 to OP_HALT and leaves the registers in r[16]. Returns
 * 0, or -1 on a malformed program (bad opcode, pc or call depth). */
static int run(uint32_t r[16])
{
	uint32_t stack[STACK_MAX];
	unsigned pc = 0, sp = 0;

	for (;;) {
		uint32_t insn, a, b, c;

		if (pc >= prog_len)
			return -1;
		insn = prog[pc++];
		a = insn >> 8 & 15;
		b = insn >> 16 & 15;
		c = insn >> 24;
		switch (insn & 0xff) {
		case OP_HALT: return 0;
		case OP_LI: r[a] = prog[pc++]; break;
		case OP_MOV: r[a] = r[b]; break;
		case OP_ADD: r[a] = r[b] + r[c & 15]; break;
		case OP_SUB: r[a] = r[b] - r[c & 15]; break;
		case OP_MUL: r[a] = r[b] * r[c & 15]; break;
		case OP_AND: r[a] = r[b] & r[c & 15]; break;
		case OP_XOR: r[a] = r[b] ^ r[c & 15]; break;
		case OP_SHR: r[a] = r[b] >> (r[c & 15] & 31); break;
		case OP_ADDI: r[a] = r[b] + (uint32_t)(int32_t)(int8_t)c; break;
		case OP_LD: r[a] = mem[r[b] & (VM_SIEVE - 1)]; break;
		case OP_ST: mem[r[b] & (VM_SIEVE - 1)] = r[a]; break;
		case OP_JMP: pc = prog[pc]; break;
		case OP_JZ: pc = r[a] == 0 ? prog[pc] : pc + 1; break;
		case OP_JEQ: pc = r[a] == r[b] ? prog[pc] : pc + 1; break;
		case OP_JLT: pc = r[a] < r[b] ? prog[pc] : pc + 1; break;
		case OP_CALL:
			if (sp == STACK_MAX)
				return -1;
			stack[sp++] = pc + 1;
			pc = prog[pc];
			break;
		case OP_RET:
			if (sp == 0)
				return -1;
			pc = stack[--sp];
			break;
		default: return -1;
		}
	}
}

uint32_t bench_run(void)
{
	uint32_t r[16], h = BENCH_MIX_INIT;
	int i;

	for (i = 0; i < 16; i++)
		r[i] = 0;
	assemble();
	if (run(r) != 0)
		return 0xbad0e000u;
	if (VM_SIEVE == 65536 && r[6] != 6542) /* pi(65536) */
		return 0xbad0e001u;
	for (i = 0; i < 16; i++)
		h = bench_mix(h, r[i]);
	return h;
}
