/* guest/tests/exc_test.c: synchronous exceptions of the MIPS32r2 PRA.
 *
 * Checks, with expected values from the architecture: integer overflow of
 * add/addi/sub (Ov 12, destination unchanged); every trap instruction with
 * a true condition (Tr 13) and not trapping when false; syscall (Sys 8),
 * break (Bp 9); reserved instructions (RI 10); unaligned lw/lh/lhu (AdEL 4)
 * and sw/sh (AdES 5) with BadVAddr, and an unaligned instruction fetch
 * (AdEL with EPC = BadVAddr = the target), unaligned ll/sc; an exception in a branch delay
 * slot (EPC = the branch, Cause.BD = 1) for taken, not-taken, likely and
 * jal branches; eret to an EPC changed by the handler; eret clearing LLbit
 * (sc after ll + exception fails); eret with ERL=1 going to ErrorEPC
 * and clearing ERL; Status.EXL set in the handler and clear
 * after eret; in user mode: syscall, loads/stores/fetches of kernel
 * addresses (AdEL/AdES), mfc0 with CU0 clear (CpU, CE = 0); CP1 use with
 * CU1 clear (CpU, CE = 1). Exits 0 only when every check held.
 */
#include "rt_check.h"

RTC_INSN(t_add, "add $v0, $a0, $a1");
RTC_INSN(t_addi, "addi $v0, $a0, 1");
RTC_INSN(t_addi_neg, "addi $v0, $a0, -1");
RTC_INSN(t_sub, "sub $v0, $a0, $a1");

RTC_INSN(t_teq, "teq $a0, $a1");
RTC_INSN(t_tne, "tne $a0, $a1");
RTC_INSN(t_tge, "tge $a0, $a1");
RTC_INSN(t_tgeu, "tgeu $a0, $a1");
RTC_INSN(t_tlt, "tlt $a0, $a1");
RTC_INSN(t_tltu, "tltu $a0, $a1");
RTC_INSN(t_teqi, "teqi $a0, 5");
RTC_INSN(t_tnei, "tnei $a0, 5");
RTC_INSN(t_tgei, "tgei $a0, -2");
RTC_INSN(t_tgeiu, "tgeiu $a0, -1");
RTC_INSN(t_tlti, "tlti $a0, -1");
RTC_INSN(t_tltiu, "tltiu $a0, -32768");

RTC_INSN(t_syscall, "syscall");
RTC_INSN(t_break, "break 7");
RTC_INSN(t_ri, ".word 0x60000000");  /* opcode 24 (DADDI): MIPS64 only */
RTC_INSN(t_ri2, ".word 0x70000010"); /* SPECIAL2 function 0x10: unused */

RTC_INSN(t_lw, "lw $v0, 0($a0)");
RTC_INSN(t_lw3, "lw $v0, 3($a0)");
RTC_INSN(t_lh, "lh $v0, 0($a0)");
RTC_INSN(t_lhu, "lhu $v0, 0($a0)");
RTC_INSN(t_sw, "sw $a1, 0($a0)");
RTC_INSN(t_sh, "sh $a1, 0($a0)");
RTC_INSN(t_mtc1, "mtc1 $a0, $f0");
RTC_INSN(t_ll, "ll $v0, 0($a0)");
RTC_INSN(t_sc, "sc $a1, 0($a0)");
/* sc to a0+1 after a successful ll of a0 (LLbit set). */
RTC_FN(t_llsc_bad, "ll $t0, 0($a0)\n" RTC_LABEL(t_llsc_bad_x) "sc $a1, 1($a0)\n\tjr $ra\n\tnop");
extern char t_llsc_bad_x[];
/* Sets ERL and ErrorEPC, erets: must land at t_erl_tgt with ERL clear and
 * without running the instruction after eret. Returns Status there. */
RTC_FN(t_erl,
       "la $t0, t_erl_tgt\n\tmtc0 $t0, $30\n\tmfc0 $t1, $12\n\t"
       "ori $t1, $t1, 4\n\tmtc0 $t1, $12\n\tehb\n\teret\n\t"
       "li $v0, 0xbad\n\tjr $ra\n\tnop\n" RTC_LABEL(t_erl_tgt) "mfc0 $v0, $12\n\tjr $ra\n\tnop");

RTC_FN(t_fetch, "jr $a0\n\tnop\n" RTC_LABEL(t_fetch_ret) "jr $ra\n\tnop");
extern char t_fetch_ret[];

/* Faulting instructions in delay slots; branch targets follow the slot.
 * The not-taken case tests a register (a3 = 0), not $zero, since an
 * emulator may decode "bne $zero, $zero" as a plain nop. */
RTC_FN(t_bd_beq, "move $v0, $a2\n" RTC_LABEL(
			 t_bd_beq_br) "beq $zero, $zero, 1f\n\tlw $v0, 0($a0)\n1:\tjr $ra\n\tnop");
RTC_FN(t_bd_bne, "move $v0, $a2\n" RTC_LABEL(
			 t_bd_bne_br) "bne $a3, $zero, 1f\n\tlw $v0, 0($a0)\n1:\tjr $ra\n\tnop");
RTC_FN(t_bd_beql,
       "move $v0, $a2\n" RTC_LABEL(
	       t_bd_beql_br) "beql $zero, $zero, 1f\n\tsw $a1, 0($a0)\n1:\tjr $ra\n\tnop");
RTC_FN(t_bd_jal, "move $t9, $ra\n" RTC_LABEL(t_bd_jal_br) "jal 1f\n\tsyscall\n1:\tjr $t9\n\tnop");
RTC_FN(t_bd_jr,
       "la $t0, 1f\n" RTC_LABEL(t_bd_jr_br) "jr $t0\n\tadd $v0, $a0, $a0\n1:\tjr $ra\n\tnop");
extern char t_bd_beq_br[], t_bd_bne_br[], t_bd_beql_br[], t_bd_jal_br[], t_bd_jr_br[];

RTC_FN(t_eret, "li $v0, 1\n" RTC_LABEL(t_eret_sys) "syscall\n\tli $v0, 2\n" RTC_LABEL(
		       t_eret_tgt) "addiu $v0, $v0, 10\n\tjr $ra\n\tnop");
extern char t_eret_sys[], t_eret_tgt[];

RTC_FN(t_llsc, "ll $t0, 0($a0)\n\taddiu $t0, $t0, 1\n\tsc $t0, 0($a0)\n\t"
	       "jr $ra\n\tmove $v0, $t0");
RTC_FN(t_llsc_exc, "ll $t0, 0($a0)\n\taddiu $t0, $t0, 1\n" RTC_LABEL(
			   t_llsc_exc_sys) "syscall\n\tsc $t0, 0($a0)\n\t"
					   "jr $ra\n\tmove $v0, $t0");
extern char t_llsc_exc_sys[];

/* User-mode snippets (run through rtc_enter_user at RTC_UVA(name)). */
RTC_FN(u_sys, "li $v0, 0x77\n" RTC_LABEL(u_sys_x) "syscall\n\tnop");
RTC_FN(u_lw, RTC_LABEL(u_lw_x) "lw $v0, 0($a0)\n\tsyscall\n\tnop");
RTC_FN(u_sw, RTC_LABEL(u_sw_x) "sw $a0, 0($a0)\n\tsyscall\n\tnop");
RTC_FN(u_jr, "jr $a0\n\tnop");
RTC_FN(u_mfc0, "li $v0, 0x55\n" RTC_LABEL(u_mfc0_x) "mfc0 $v0, $12\n\tsyscall\n\tnop");
extern char u_sys_x[], u_lw_x[], u_sw_x[], u_mfc0_x[];

static uint32_t words[4] __attribute__((aligned(16))) = {
	0x11111111,
	0x22222222,
	0x33333333,
	0x44444444,
};

static void overflow(void)
{
	static const struct {
		const char *what;
		uint32_t (*f)(uint32_t, uint32_t, uint32_t, uint32_t);
		const char *x;
		uint32_t a, b;
	} ov[] = {
		{"add 7fffffff+1", t_add, t_add_x, 0x7fffffff, 1},
		{"add 80000000+80000000", t_add, t_add_x, 0x80000000, 0x80000000},
		{"add 80000000+ffffffff", t_add, t_add_x, 0x80000000, 0xffffffff},
		{"addi 7fffffff+1", t_addi, t_addi_x, 0x7fffffff, 0},
		{"addi 80000000-1", t_addi_neg, t_addi_neg_x, 0x80000000, 0},
		{"sub 80000000-1", t_sub, t_sub_x, 0x80000000, 1},
		{"sub 7fffffff-ffffffff", t_sub, t_sub_x, 0x7fffffff, 0xffffffff},
		{"sub 0-80000000", t_sub, t_sub_x, 0, 0x80000000},
	};

	for (unsigned i = 0; i < sizeof ov / sizeof ov[0]; i++) {
		char buf[80];
		size_t n = rt_strlen(ov[i].what);
		rtc_clear();
		uint32_t r = ov[i].f(ov[i].a, ov[i].b, 0xdead, 0);
		rtc_expect(ov[i].what, EXC_OV, RTC_ADDR(ov[i].x));
		rt_memcpy(buf, ov[i].what, n);
		rt_memcpy(buf + n, ": rd unchanged", 15);
		rtc_check(buf, r, 0xdead);
	}
	rtc_clear();
	rtc_check("add 7ffffffe+1", t_add(0x7ffffffe, 1, 0xdead, 0), 0x7fffffff);
	rtc_check("addi ffffffff+1", t_addi(0xffffffff, 0, 0xdead, 0), 0);
	rtc_check("sub 80000001-1", t_sub(0x80000001, 1, 0xdead, 0), 0x80000000);
	rtc_check("sub ffffffff-7fffffff", t_sub(0xffffffff, 0x7fffffff, 0xdead, 0), 0x80000000);
	rtc_check("no exception without overflow", rtc_nexc, 0);
}

static void traps(void)
{
	static const struct {
		const char *what;
		uint32_t (*f)(uint32_t, uint32_t, uint32_t, uint32_t);
		const char *x;
		uint32_t yes_a, yes_b, no_a, no_b;
	} tr[] = {
		{"teq", t_teq, t_teq_x, 5, 5, 5, 6},
		{"tne", t_tne, t_tne_x, 5, 6, 7, 7},
		{"tge", t_tge, t_tge_x, 0xffffffff, 0xfffffffe, 0xffffffff, 1},
		{"tgeu", t_tgeu, t_tgeu_x, 0xffffffff, 1, 1, 0xffffffff},
		{"tlt", t_tlt, t_tlt_x, 0xffffffff, 1, 1, 0xffffffff},
		{"tltu", t_tltu, t_tltu_x, 1, 0xffffffff, 0xffffffff, 1},
		{"teqi", t_teqi, t_teqi_x, 5, 0, 6, 0},
		{"tnei", t_tnei, t_tnei_x, 6, 0, 5, 0},
		{"tgei", t_tgei, t_tgei_x, 0xffffffff, 0, 0xfffffffd, 0},
		{"tgeiu", t_tgeiu, t_tgeiu_x, 0xffffffff, 0, 0xfffffffe, 0},
		{"tlti", t_tlti, t_tlti_x, 0xfffffffe, 0, 0, 0},
		{"tltiu", t_tltiu, t_tltiu_x, 5, 0, 0xffff8000, 0},
	};

	for (unsigned i = 0; i < sizeof tr / sizeof tr[0]; i++) {
		char buf[64];
		size_t n = rt_strlen(tr[i].what);
		rtc_clear();
		tr[i].f(tr[i].yes_a, tr[i].yes_b, 0, 0);
		rtc_expect(tr[i].what, EXC_TR, RTC_ADDR(tr[i].x));
		rtc_clear();
		tr[i].f(tr[i].no_a, tr[i].no_b, 0, 0);
		rt_memcpy(buf, tr[i].what, n);
		rt_memcpy(buf + n, " false: exceptions", 19);
		rtc_check(buf, rtc_nexc, 0);
	}
}

static void misc_codes(void)
{
	rtc_clear();
	t_syscall(0, 0, 0, 0);
	rtc_expect("syscall", EXC_SYS, RTC_ADDR(t_syscall_x));
	rtc_check("syscall: Status.EXL in handler", rtc_log.status & ST_EXL, ST_EXL);
	rtc_check("Status.EXL after eret", rd_c0(C0_STATUS) & ST_EXL, 0);
	rtc_clear();
	t_break(0, 0, 0, 0);
	rtc_expect("break", EXC_BP, RTC_ADDR(t_break_x));
	rtc_clear();
	t_ri(0, 0, 0, 0);
	rtc_expect("reserved opcode 24", EXC_RI, RTC_ADDR(t_ri_x));
	rtc_clear();
	t_ri2(0, 0, 0, 0);
	rtc_expect("reserved SPECIAL2 function 0x10", EXC_RI, RTC_ADDR(t_ri2_x));
}

static void address_errors(void)
{
	uint32_t base = RTC_ADDR(words), r;

	rtc_clear();
	r = t_lw(base + 1, 0, 0xdead, 0);
	rtc_expect("lw at +1", EXC_ADEL, RTC_ADDR(t_lw_x));
	rtc_check("lw at +1: BadVAddr", rtc_log.badvaddr, base + 1);
	rtc_check("lw at +1: rt unchanged", r, 0xdead);
	rtc_clear();
	t_lw(base + 2, 0, 0xdead, 0);
	rtc_expect("lw at +2", EXC_ADEL, RTC_ADDR(t_lw_x));
	rtc_check("lw at +2: BadVAddr", rtc_log.badvaddr, base + 2);
	rtc_clear();
	t_lw3(base, 0, 0xdead, 0);
	rtc_expect("lw 3(base)", EXC_ADEL, RTC_ADDR(t_lw3_x));
	rtc_check("lw 3(base): BadVAddr", rtc_log.badvaddr, base + 3);
	rtc_clear();
	t_lh(base + 3, 0, 0xdead, 0);
	rtc_expect("lh at +3", EXC_ADEL, RTC_ADDR(t_lh_x));
	rtc_check("lh at +3: BadVAddr", rtc_log.badvaddr, base + 3);
	rtc_clear();
	t_lhu(base + 1, 0, 0xdead, 0);
	rtc_expect("lhu at +1", EXC_ADEL, RTC_ADDR(t_lhu_x));
	rtc_check("lhu at +1: BadVAddr", rtc_log.badvaddr, base + 1);
	rtc_clear();
	t_sw(base + 6, 0xbad, 0, 0);
	rtc_expect("sw at +6", EXC_ADES, RTC_ADDR(t_sw_x));
	rtc_check("sw at +6: BadVAddr", rtc_log.badvaddr, base + 6);
	rtc_check("sw at +6: memory unchanged", words[1], 0x22222222);
	rtc_clear();
	t_sh(base + 9, 0xbad, 0, 0);
	rtc_expect("sh at +9", EXC_ADES, RTC_ADDR(t_sh_x));
	rtc_check("sh at +9: BadVAddr", rtc_log.badvaddr, base + 9);
	rtc_check("sh at +9: memory unchanged", words[2], 0x33333333);
	/* The assembler may put a sync (Loongson 3 erratum workaround) in
	 * front of ll: then ll is the next instruction. */
	uint32_t ll_pc = RTC_ADDR(t_ll_x) + (*(uint32_t *)t_ll_x == 0x0000000f ? 4 : 0);
	rtc_clear();
	t_ll(base + 2, 0, 0xdead, 0);
	rtc_expect("ll at +2", EXC_ADEL, ll_pc);
	rtc_check("ll at +2: BadVAddr", rtc_log.badvaddr, base + 2);
	rtc_clear();
	t_llsc_bad(base + 12, 0xbad, 0, 0);
	rtc_expect("sc at +13 after ll (LLbit set)", EXC_ADES, RTC_ADDR(t_llsc_bad_x));
	rtc_check("sc at +13 after ll: BadVAddr", rtc_log.badvaddr, base + 13);
	rtc_check("sc at +13 after ll: memory unchanged", words[3], 0x44444444);
	/* The address check comes before the LLbit test in SC's pseudocode
	 * (Vol. II), so an unaligned sc faults even when it would fail. */
	rtc_clear();
	t_sc(base + 13, 0xbad, 0, 0);
	rtc_expect("sc at +13 with LLbit clear", EXC_ADES, RTC_ADDR(t_sc_x));
	rtc_check("sc at +13 with LLbit clear: BadVAddr", rtc_log.badvaddr, base + 13);
	rtc_clear();
	rtc_check("aligned lw/lh still work", t_lw(base + 4, 0, 0, 0) + t_lh(base + 2, 0, 0, 0),
		  0x22222222 + 0x1111);
	rtc_check("aligned: no exception", rtc_nexc, 0);

	rtc_clear();
	rtc_resume = RTC_ADDR(t_fetch_ret);
	t_fetch(RTC_ADDR(t_fetch_ret) + 2, 0, 0, 0);
	rtc_check("fetch at +2: exceptions", rtc_nexc, 1);
	rtc_check("fetch at +2: ExcCode", CA_EXC(rtc_log.cause), EXC_ADEL);
	rtc_check("fetch at +2: EPC", rtc_log.epc, RTC_ADDR(t_fetch_ret) + 2);
	rtc_check("fetch at +2: BadVAddr", rtc_log.badvaddr, RTC_ADDR(t_fetch_ret) + 2);
	rtc_check("fetch at +2: Cause.BD", rtc_log.cause >> 31, 0);
}

static void delay_slots(void)
{
	static const struct {
		const char *what;
		uint32_t (*f)(uint32_t, uint32_t, uint32_t, uint32_t);
		const char *br;
		uint32_t code;
		int badv;
	} bd[] = {
		{"lw in beq slot (taken)", t_bd_beq, t_bd_beq_br, EXC_ADEL, 1},
		{"lw in bne slot (not taken)", t_bd_bne, t_bd_bne_br, EXC_ADEL, 1},
		{"sw in beql slot (taken)", t_bd_beql, t_bd_beql_br, EXC_ADES, 1},
		{"syscall in jal slot", t_bd_jal, t_bd_jal_br, EXC_SYS, 0},
		{"add overflow in jr slot", t_bd_jr, t_bd_jr_br, EXC_OV, 0},
	};
	uint32_t bad = RTC_ADDR(words) + 1;

	for (unsigned i = 0; i < sizeof bd / sizeof bd[0]; i++) {
		char buf[80];
		size_t n = rt_strlen(bd[i].what);
		rt_memcpy(buf, bd[i].what, n);
		rtc_clear();
		bd[i].f(bd[i].code == EXC_OV ? 0x40000000 : bad, 0, 0, 0);
		rt_memcpy(buf + n, ": exceptions", 13);
		rtc_check(buf, rtc_nexc, 1);
		rt_memcpy(buf + n, ": ExcCode", 10);
		rtc_check(buf, CA_EXC(rtc_log.cause), bd[i].code);
		rt_memcpy(buf + n, ": EPC = branch", 15);
		rtc_check(buf, rtc_log.epc, RTC_ADDR(bd[i].br));
		rt_memcpy(buf + n, ": Cause.BD", 11);
		rtc_check(buf, rtc_log.cause >> 31, 1);
		if (bd[i].badv) {
			rt_memcpy(buf + n, ": BadVAddr", 11);
			rtc_check(buf, rtc_log.badvaddr, bad);
		}
	}
	/* BD is rewritten by the next exception outside a slot. */
	rtc_clear();
	t_syscall(0, 0, 0, 0);
	rtc_check("syscall after slot exceptions: Cause.BD", rtc_log.cause >> 31, 0);
	rtc_check("sw in beql slot: memory unchanged", words[0], 0x11111111);
}

static void eret_and_llbit(void)
{
	uint32_t r;

	rtc_clear();
	rtc_resume = RTC_ADDR(t_eret_tgt);
	r = t_eret(0, 0, 0, 0);
	rtc_check("eret to modified EPC: exceptions", rtc_nexc, 1);
	rtc_check("eret to modified EPC: EPC was syscall", rtc_log.epc, RTC_ADDR(t_eret_sys));
	rtc_check("eret to modified EPC: skipped code", r, 11);

	words[3] = 40;
	rtc_clear();
	r = t_llsc(RTC_ADDR(&words[3]), 0, 0, 0);
	rtc_check("ll/sc without exception: sc", r, 1);
	rtc_check("ll/sc without exception: memory", words[3], 41);
	r = t_llsc_exc(RTC_ADDR(&words[3]), 0, 0, 0);
	rtc_check("ll/syscall/sc: exceptions", rtc_nexc, 1);
	rtc_check("ll/syscall/sc: EPC", rtc_log.epc, RTC_ADDR(t_llsc_exc_sys));
	rtc_check("ll/syscall/sc: sc fails (eret cleared LLbit)", r, 0);
	rtc_check("ll/syscall/sc: memory unchanged", words[3], 41);

	rtc_clear();
	r = t_erl(0, 0, 0, 0);
	rtc_check("eret with ERL=1: returned through ErrorEPC, ERL cleared",
		  r & (ST_ERL | 0xfff00000u), MFC0(12, 0) & (ST_ERL | 0xfff00000u));
	rtc_check("eret with ERL=1: Status.ERL", r & ST_ERL, 0);
	rtc_check("eret with ERL=1: exceptions", rtc_nexc, 0);
}

static void user_mode(void)
{
	uint32_t r;

	rtc_tlb_init();
	rtc_user_map();

	rtc_clear();
	r = rtc_enter_user(RTC_UVA(u_sys), 0);
	rtc_check("user syscall: ExcCode", CA_EXC(rtc_log.cause), EXC_SYS);
	rtc_check("user syscall: EPC (user address)", rtc_log.epc, RTC_UVA(u_sys_x));
	rtc_check("user syscall: Status.KSU = user", rtc_log.status & ST_KSU, ST_UM);
	rtc_check("user syscall: Status.EXL", rtc_log.status & ST_EXL, ST_EXL);
	rtc_check("user syscall: v0", r, 0x77);
	rtc_check("back in kernel mode: Status.KSU", rd_c0(C0_STATUS) & ST_KSU, 0);

	rtc_clear();
	r = rtc_enter_user(RTC_UVA(u_lw), RTC_UVA(&words[1]));
	rtc_check("user lw of mapped user address: ExcCode (final syscall)", CA_EXC(rtc_log.cause),
		  EXC_SYS);
	rtc_check("user lw of mapped user address: value", r, 0x22222222);

	static const struct {
		const char *what;
		uint32_t fn;
		uint32_t a0, code, epc;
	} u[] = {
		{"user lw 0x80000000", RTC_UVA(u_lw), 0x80000000, EXC_ADEL, RTC_UVA(u_lw_x)},
		{"user lw 0xbf000000", RTC_UVA(u_lw), 0xbf000000, EXC_ADEL, RTC_UVA(u_lw_x)},
		{"user lw 0xc0000000", RTC_UVA(u_lw), 0xc0000000, EXC_ADEL, RTC_UVA(u_lw_x)},
		{"user sw 0x80100000", RTC_UVA(u_sw), 0x80100000, EXC_ADES, RTC_UVA(u_sw_x)},
		{"user sw 0xfffffff0", RTC_UVA(u_sw), 0xfffffff0, EXC_ADES, RTC_UVA(u_sw_x)},
		{"user fetch 0x80001000", RTC_UVA(u_jr), 0x80001000, EXC_ADEL, 0x80001000},
	};
	for (unsigned i = 0; i < sizeof u / sizeof u[0]; i++) {
		char buf[80];
		size_t n = rt_strlen(u[i].what);
		rt_memcpy(buf, u[i].what, n);
		rtc_clear();
		rtc_enter_user(u[i].fn, u[i].a0);
		rt_memcpy(buf + n, ": exceptions", 13);
		rtc_check(buf, rtc_nexc, 1);
		rt_memcpy(buf + n, ": ExcCode", 10);
		rtc_check(buf, CA_EXC(rtc_log.cause), u[i].code);
		rt_memcpy(buf + n, ": EPC", 6);
		rtc_check(buf, rtc_log.epc, u[i].epc);
		rt_memcpy(buf + n, ": BadVAddr", 11);
		rtc_check(buf, rtc_log.badvaddr, u[i].a0);
	}

	rtc_clear();
	r = rtc_enter_user(RTC_UVA(u_mfc0), 0);
	rtc_check("user mfc0 with CU0=0: ExcCode", CA_EXC(rtc_log.cause), EXC_CPU);
	rtc_check("user mfc0 with CU0=0: Cause.CE", CA_CE(rtc_log.cause), 0);
	rtc_check("user mfc0 with CU0=0: EPC", rtc_log.epc, RTC_UVA(u_mfc0_x));
	rtc_check("user mfc0 with CU0=0: rt unchanged", r, 0x55);
}

static void cp1_unusable(void)
{
	uint32_t st = rd_c0(C0_STATUS);

	wr_c0(C0_STATUS, st & ~ST_CU1);
	rtc_clear();
	t_mtc1(0, 0, 0, 0);
	wr_c0(C0_STATUS, st);
	rtc_expect("mtc1 with CU1=0", EXC_CPU, RTC_ADDR(t_mtc1_x));
	rtc_check("mtc1 with CU1=0: Cause.CE", CA_CE(rtc_log.cause), 1);
	rtc_clear();
	t_mtc1(0, 0, 0, 0);
	rtc_check("mtc1 with CU1=1: exceptions", rtc_nexc, 0);
}

int main(void)
{
	rt_printf("exc_test: synchronous exceptions\n");
	rtc_install();
	overflow();
	traps();
	misc_codes();
	address_errors();
	delay_slots();
	eret_and_llbit();
	user_mode();
	cp1_unusable();
	return rtc_finish("exc_test");
}
