/* tests/test_cpu.c: the interpreter on hand-encoded programs - delay slots,
 * branch-likely, exceptions in delay slots, self-modifying code (by store and
 * by DMA), TLB refill and the Count/Compare deadline. Expected values come
 * from the MIPS32r2 architecture. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "node/cpu.h"

enum { ZERO = 0, V0 = 2, T0 = 8, T1 = 9, T2 = 10, T3 = 11, S0 = 16 };

static uint32_t i_type(unsigned op, unsigned rs, unsigned rt, uint32_t imm)
{
	return (op << 26) | (rs << 21) | (rt << 16) | (imm & 0xffff);
}
static uint32_t r_type(unsigned rs, unsigned rt, unsigned rd, unsigned sa, unsigned fn)
{
	return (rs << 21) | (rt << 16) | (rd << 11) | (sa << 6) | fn;
}
#define ADDIU(rt, rs, imm) i_type(9, rs, rt, imm)
#define LUI(rt, imm) i_type(15, 0, rt, imm)
#define ORI(rt, rs, imm) i_type(13, rs, rt, imm)
#define SW(rt, off, base) i_type(43, base, rt, off)
#define LW(rt, off, base) i_type(35, base, rt, off)
#define BEQ(rs, rt, off) i_type(4, rs, rt, off)
#define BEQL(rs, rt, off) i_type(20, rs, rt, off)
#define ADD(rd, rs, rt) r_type(rs, rt, rd, 0, 32)
#define SYSCALL 0x0000000cu
#define WAIT 0x42000020u
#define NOP 0u
#define J(addr) ((2u << 26) | (((addr) >> 2) & 0x03ffffff))

typedef struct fixture {
	node_mem mem;
	node_cpu cpu;
} fixture;

static int setup(void **state)
{
	fixture *f = test_malloc(sizeof(*f));
	assert_int_equal(node_mem_init(&f->mem, 1u << 20), 0);
	node_cpu_reset(&f->cpu, &f->mem, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	node_mem_destroy(&f->mem);
	test_free(f);
	return 0;
}

/* Writes words at KSEG0 address va (physical va & 0x1fffffff). */
static void put(fixture *f, uint32_t va, const uint32_t *w, size_t n)
{
	assert_int_equal(node_mem_dma_write(&f->mem, va & 0x1fffffffu, w, (uint32_t)(n * 4)), 0);
}

/* Starts at va in kernel mode with BEV=0, ERL=0, EBase 0x80000000. */
static int run_from(fixture *f, uint32_t va)
{
	f->cpu.status = 0;
	node_cpu_update_mode(&f->cpu);
	f->cpu.pc = va;
	return node_cpu_run(&f->cpu, 1000);
}

static void test_delay_slot_taken(void **state)
{
	fixture *f = *state;
	const uint32_t prog[] = {
		ADDIU(T0, ZERO, 1), BEQ(ZERO, ZERO, 2),
		ADDIU(T1, ZERO, 2), /* delay slot */
		ADDIU(T2, ZERO, 3), /* skipped */
		ADDIU(T3, ZERO, 4), WAIT,
	};
	put(f, 0x80001000u, prog, 6);
	assert_int_equal(run_from(f, 0x80001000u), NODE_RUN_WAIT);
	assert_int_equal(f->cpu.r[T0], 1);
	assert_int_equal(f->cpu.r[T1], 2);
	assert_int_equal(f->cpu.r[T2], 0);
	assert_int_equal(f->cpu.r[T3], 4);
	assert_int_equal(f->cpu.pc, 0x80001018u);
	assert_int_equal(f->cpu.insns, 5); /* addiu, beq, slot, addiu, wait */
}

static void test_branch_likely_nullifies(void **state)
{
	fixture *f = *state;
	const uint32_t prog[] = {
		ADDIU(T0, ZERO, 1), BEQL(T0, ZERO, 2),
		ADDIU(T1, ZERO, 2), /* nullified */
		ADDIU(T2, ZERO, 3), WAIT,
	};
	put(f, 0x80001000u, prog, 5);
	assert_int_equal(run_from(f, 0x80001000u), NODE_RUN_WAIT);
	assert_int_equal(f->cpu.r[T1], 0);
	assert_int_equal(f->cpu.r[T2], 3);
}

static void test_exception_in_delay_slot(void **state)
{
	fixture *f = *state;
	const uint32_t vec[] = {WAIT};
	put(f, 0x80000180u, vec, 1);
	const uint32_t prog[] = {BEQ(ZERO, ZERO, 4), SYSCALL, NOP};
	put(f, 0x80001000u, prog, 3);
	assert_int_equal(run_from(f, 0x80001000u), NODE_RUN_WAIT);
	assert_int_equal(f->cpu.epc, 0x80001000u); /* the branch */
	assert_true(f->cpu.cause & NODE_CAUSE_BD);
	assert_int_equal((f->cpu.cause >> 2) & 31, NODE_EXC_SYS);
	assert_true(f->cpu.status & NODE_ST_EXL);
}

static void test_overflow_leaves_rd(void **state)
{
	fixture *f = *state;
	const uint32_t vec[] = {WAIT};
	put(f, 0x80000180u, vec, 1);
	const uint32_t prog[] = {LUI(T0, 0x7fff), ORI(T0, T0, 0xffff), ADDIU(T2, ZERO, 77),
				 ADD(T2, T0, T0)};
	put(f, 0x80001000u, prog, 4);
	assert_int_equal(run_from(f, 0x80001000u), NODE_RUN_WAIT);
	assert_int_equal((f->cpu.cause >> 2) & 31, NODE_EXC_OV);
	assert_int_equal(f->cpu.epc, 0x8000100cu);
	assert_false(f->cpu.cause & NODE_CAUSE_BD);
	assert_int_equal(f->cpu.r[T2], 77);
}

static void test_self_modifying_code(void **state)
{
	fixture *f = *state;
	/* A: v0 = 1; wait.  B: store "v0 = 2" over A, jump to A. */
	const uint32_t a[] = {ADDIU(V0, ZERO, 1), WAIT};
	put(f, 0x80002000u, a, 2);
	assert_int_equal(run_from(f, 0x80002000u), NODE_RUN_WAIT);
	assert_int_equal(f->cpu.r[V0], 1);

	uint32_t insn2 = ADDIU(V0, ZERO, 2);
	const uint32_t b[] = {LUI(T0, 0x8000),
			      ORI(T0, T0, 0x2000),
			      LUI(T1, insn2 >> 16),
			      ORI(T1, T1, insn2 & 0xffff),
			      SW(T1, 0, T0),
			      J(0x80002000u),
			      NOP};
	put(f, 0x80003000u, b, 7);
	assert_int_equal(run_from(f, 0x80003000u), NODE_RUN_WAIT);
	assert_int_equal(f->cpu.r[V0], 2);

	/* and a device (DMA) writing code is seen too */
	uint32_t insn3 = ADDIU(V0, ZERO, 3);
	put(f, 0x80002000u, &insn3, 1);
	assert_int_equal(run_from(f, 0x80002000u), NODE_RUN_WAIT);
	assert_int_equal(f->cpu.r[V0], 3);
}

static void test_tlb_refill(void **state)
{
	fixture *f = *state;
	const uint32_t refill[] = {WAIT};
	put(f, 0x80000000u, refill, 1);
	f->cpu.entryhi = 0x42; /* ASID */
	const uint32_t prog[] = {LUI(T0, 0x0040), ORI(T0, T0, 0x1234), LW(T1, 0, T0)};
	put(f, 0x80001000u, prog, 3);
	assert_int_equal(run_from(f, 0x80001000u), NODE_RUN_WAIT);
	assert_int_equal((f->cpu.cause >> 2) & 31, NODE_EXC_TLBL);
	assert_int_equal(f->cpu.badvaddr, 0x00401234u);
	assert_int_equal(f->cpu.entryhi, 0x00400000u | 0x42);
	assert_int_equal(f->cpu.context & 0x007ffff0u, (0x00401234u >> 9) & 0x007ffff0u);
	assert_int_equal(f->cpu.epc, 0x80001008u);
}

/* A VM's kernel runs in supervisor mode: KSEG0 is an address error there,
 * unless the monitor asked for the VM segments, which are then mapped by
 * the TLB (a refill first, then the monitor's entry translates). */
static void test_vm_segments(void **state)
{
	fixture *f = *state;
	const uint32_t data = 0x600dcafeu;
	assert_int_equal(node_mem_dma_write(&f->mem, 0x5010, &data, 4), 0);
	const uint32_t refill[] = {WAIT};
	put(f, 0x80000000u, refill, 1);
	put(f, 0x80000180u, refill, 1);
	/* the program runs from ksseg, mapped to physical 0x2000 */
	const uint32_t prog[] = {LUI(T0, 0x8000), LW(T1, 0x10, T0), WAIT};
	put(f, 0x80002000u, prog, 3);
	f->cpu.tlb[0] = (node_tlb_entry){0xc0000000u, 0, {(0x2000u >> 12) << 6 | 0x7, 0x7}, true};
	f->cpu.status = NODE_ST_KSU & 0x08; /* supervisor */
	node_cpu_update_mode(&f->cpu);
	f->cpu.pc = 0xc0000000u;
	assert_int_equal(node_cpu_run(&f->cpu, 100), NODE_RUN_WAIT);
	assert_int_equal((f->cpu.cause >> 2) & 31, NODE_EXC_ADEL); /* no VM segments */

	f->cpu.vm_segments = true;
	f->cpu.status = 0x08;
	node_cpu_update_mode(&f->cpu);
	f->cpu.pc = 0xc0000000u;
	assert_int_equal(node_cpu_run(&f->cpu, 100), NODE_RUN_WAIT);
	assert_int_equal((f->cpu.cause >> 2) & 31, NODE_EXC_TLBL);
	assert_int_equal(f->cpu.epc, 0xc0000004u);
	assert_int_equal(f->cpu.pc, 0x80000004u); /* the refill vector ran */

	/* the monitor's entry: KSEG0 page 0x80004000/0x80005000 -> 0x4000/0x5000 */
	f->cpu.tlb[1] = (node_tlb_entry){
		0x80004000u, 0, {(0x4000u >> 12) << 6 | 0x7, (0x5000u >> 12) << 6 | 0x7}, true};
	const uint32_t prog2[] = {LUI(T0, 0x8000), ORI(T0, T0, 0x5000), LW(T1, 0x10, T0), WAIT};
	put(f, 0x80002000u, prog2, 4);
	f->cpu.status = 0x08;
	node_cpu_update_mode(&f->cpu);
	node_cpu_flush_fast(&f->cpu);
	f->cpu.pc = 0xc0000000u;
	assert_int_equal(node_cpu_run(&f->cpu, 100), NODE_RUN_WAIT);
	assert_int_equal(f->cpu.r[T1], 0x600dcafeu);
	/* and it was supervisor mode: its `wait` is privileged there */
	assert_int_equal((f->cpu.cause >> 2) & 31, NODE_EXC_CPU);
	assert_int_equal(f->cpu.epc, 0xc000000cu);
}

static uint32_t trapped_pc, trapped_insn;
static int trapped_exc;
static bool trapped_delay;

static uint32_t trap_to_monitor(node_cpu *cpu, int exc, uint32_t pc, bool in_delay, bool refill)
{
	(void)refill;
	trapped_exc = exc;
	trapped_pc = pc;
	trapped_delay = in_delay;
	trapped_insn = cpu->exc_insn;
	cpu->r[V0] = 0x1234; /* the "monitor" handled it */
	return 0x80001100u;  /* and continues here */
}

/* With a trap hook every exception goes to the monitor, in place of the
 * vector, and the CPU goes on where the monitor says: no EXL, no EPC. */
static void test_trap_hook(void **state)
{
	fixture *f = *state;
	const uint32_t prog[] = {BEQ(ZERO, ZERO, 2), SYSCALL, NOP, NOP};
	put(f, 0x80001000u, prog, 4);
	const uint32_t after[] = {WAIT};
	put(f, 0x80001100u, after, 1);
	f->cpu.trap = trap_to_monitor;
	assert_int_equal(run_from(f, 0x80001000u), NODE_RUN_WAIT);
	assert_int_equal(trapped_exc, NODE_EXC_SYS);
	assert_int_equal(trapped_pc, 0x80001004u);
	assert_true(trapped_delay);
	assert_int_equal(trapped_insn, SYSCALL);
	assert_int_equal(f->cpu.exc_branch_target, 0x8000100cu); /* beq's target */
	assert_int_equal(f->cpu.r[V0], 0x1234);
	assert_int_equal(f->cpu.status & NODE_ST_EXL, 0);
	assert_int_equal(f->cpu.pc, 0x80001104u);
}

static void test_erl_kuseg_unmapped(void **state)
{
	fixture *f = *state;
	/* at reset ERL=1: kuseg is unmapped, so lw from 0x4000 reads physical 0x4000 */
	const uint32_t data = 0xfeedf00du;
	assert_int_equal(node_mem_dma_write(&f->mem, 0x4000, &data, 4), 0);
	const uint32_t prog[] = {ADDIU(T0, ZERO, 0x4000), LW(T1, 0, T0), WAIT};
	put(f, 0x80001000u, prog, 3);
	f->cpu.pc = 0x80001000u;
	assert_int_equal(node_cpu_run(&f->cpu, 100), NODE_RUN_WAIT);
	assert_int_equal(f->cpu.r[T1], 0xfeedf00du);
}

/* Branches on the last words of a page: the delay slot (or the
 * fall-through) is in the next page, and a target kept as an entry of the
 * page must survive the page change. */
static void test_branches_at_page_end(void **state)
{
	fixture *f = *state;
	const uint32_t end = 0x80005000u;	    /* first word of the next page */
	const uint32_t after[] = {ADDIU(T1, T1, 1), /* delay slot / fall-through */
				  ADDIU(T2, T2, 1), WAIT};
	put(f, end, after, 3);
	/* taken, backward, target in the same page, delay slot in the next */
	const uint32_t back[] = {ADDIU(T3, T3, 1), WAIT};
	put(f, end - 0x100, back, 2);
	/* at pc = end - 4: target = pc + 4 + off * 4 = end - 0x100 */
	uint32_t br = BEQ(ZERO, ZERO, (uint32_t)(-0x100 / 4) & 0xffff);
	put(f, end - 4, &br, 1);
	assert_int_equal(run_from(f, end - 4), NODE_RUN_WAIT);
	assert_int_equal(f->cpu.r[T1], 1); /* delay slot ran */
	assert_int_equal(f->cpu.r[T2], 0);
	assert_int_equal(f->cpu.r[T3], 1); /* target reached */
	assert_int_equal(f->cpu.pc, end - 0x100 + 8);

	/* not taken at the last word: slot and fall-through in the next page */
	br = BEQ(ZERO, T3, 5); /* t3 = 1: not taken */
	put(f, end - 4, &br, 1);
	assert_int_equal(run_from(f, end - 4), NODE_RUN_WAIT);
	assert_int_equal(f->cpu.r[T1], 2);
	assert_int_equal(f->cpu.r[T2], 1);

	/* branch-likely not taken on the last and second-to-last words */
	const uint32_t bl2[] = {BEQL(ZERO, T3, 5), ADDIU(T3, T3, 100)};
	put(f, end - 8, bl2, 2);
	assert_int_equal(run_from(f, end - 8), NODE_RUN_WAIT);
	assert_int_equal(f->cpu.r[T3], 1); /* the nullified slot did not run */
	assert_int_equal(f->cpu.r[T1], 3);
	uint32_t bl1 = BEQL(ZERO, T3, 5);
	put(f, end - 4, &bl1, 1);
	assert_int_equal(run_from(f, end - 4), NODE_RUN_WAIT);
	assert_int_equal(f->cpu.r[T1], 3); /* slot (next page) skipped */
	assert_int_equal(f->cpu.r[T2], 3);
}

static void test_timer_deadline(void **state)
{
	fixture *f = *state;
	node_cpu *c = &f->cpu;
	node_cp0_write(c, 9, 0, 1000);	/* Count */
	node_cp0_write(c, 11, 0, 1100); /* Compare: 100 ticks = 200 cycles away */
	assert_int_equal(node_cpu_cycles_to_timer(c), 200);
	c->cycles += 199;
	node_cpu_timer_tick(c);
	assert_false(c->cause & NODE_CAUSE_TI);
	c->cycles += 1;
	node_cpu_timer_tick(c);
	assert_true(c->cause & NODE_CAUSE_TI);
	assert_true(c->cause & NODE_CAUSE_IP7);
	assert_int_equal(node_cp0_count(c), 1100);
	node_cp0_write(c, 11, 0, 5); /* writing Compare clears the interrupt */
	assert_false(c->cause & NODE_CAUSE_TI);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_delay_slot_taken, setup, teardown),
		cmocka_unit_test_setup_teardown(test_branch_likely_nullifies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exception_in_delay_slot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overflow_leaves_rd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_self_modifying_code, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tlb_refill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_erl_kuseg_unmapped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_segments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trap_hook, setup, teardown),
		cmocka_unit_test_setup_teardown(test_branches_at_page_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer_deadline, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
