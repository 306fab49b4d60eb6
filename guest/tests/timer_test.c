/* guest/tests/timer_test.c: the CP0 timer (Count/Compare) and interrupt
 * delivery of the MIPS32r2 PRA.
 *
 * Checks: Count increments and is writable; when Count reaches Compare,
 * Cause.TI and Cause.IP7 (IntCtl.IPTI = 7) are set; writing Compare clears
 * them; the interrupt (ExcCode 0) is taken through EBase+0x200 when
 * Cause.IV=1 and through EBase+0x180 when IV=0; it is held off by
 * Status.IM7=0, IE=0 and EXL=1, and taken right after the enabling mtc0/ei
 * and ehb (EPC = the ehb or the instruction after it); di/ei return the old
 * Status and clear/set IE only; wait returns after the timer interrupt with
 * EPC = the instruction after wait; a tight loop hit by many timer
 * interrupts computes the right result, and an interrupt taken in its
 * delay slot reports EPC = the branch with Cause.BD = 1. Exits 0 only when every check held.
 */
#include "rt_check.h"

#define SPIN_MAX 20000000u /* loop bound for waiting on Count */
#define DELTA 20000u	   /* Count ticks to the next match */

RTC_FN(t_set_status, "mtc0 $a0, $12\n\tehb\n" RTC_LABEL(t_set_status_after) "jr $ra\n\tnop");
RTC_FN(t_ei, "ei\n\tehb\n" RTC_LABEL(t_ei_after) "jr $ra\n\tnop");
RTC_FN(t_wait, "wait\n" RTC_LABEL(t_wait_after) "jr $ra\n\tnop");
extern char t_set_status_after[], t_ei_after[], t_wait_after[];
/* Counts a0 down to 0, adding 1 to v0 in the delay slot of the bne:
 * returns the initial a0 whatever interrupts hit it. */
RTC_FN(t_loop,
       "move $v0, $zero\n" RTC_LABEL(t_loop_top) "addiu $a0, $a0, -1\n" RTC_LABEL(
	       t_loop_br) "bne $a0, $zero, t_loop_top\n\taddiu $v0, $v0, 1\n" RTC_LABEL(t_loop_end) "jr $ra\n\tnop");
extern char t_loop_top[], t_loop_br[], t_loop_end[];

/* Clears the timer interrupt by moving Compare far away. */
static int timer_hook(rt_frame *f)
{
	if (CA_EXC(f->cause) == EXC_INT && (f->cause & CA_TI))
		MTC0(11, 0, MFC0(9, 0) - 1);
	return 0;
}

/* Spins until Count has reached cmp; 0 on timeout. */
static int wait_count(uint32_t cmp)
{
	for (uint32_t i = 0; i < SPIN_MAX; i++)
		if ((int32_t)(MFC0(9, 0) - cmp) >= 0)
			return 1;
	return 0;
}

/* Spins until an exception was recorded; 0 on timeout. */
static int wait_exc(void)
{
	for (uint32_t i = 0; i < SPIN_MAX; i++)
		if (rtc_nexc)
			return 1;
	return 0;
}

static uint32_t arm(uint32_t delta)
{
	uint32_t cmp = MFC0(9, 0) + delta;

	MTC0(11, 0, cmp);
	return cmp;
}

static void count_compare(void)
{
	uint32_t c0, c1, cmp, base;
	volatile uint32_t sink = 0;

	c0 = MFC0(9, 0);
	for (int i = 0; i < 10000; i++)
		sink += i;
	c1 = MFC0(9, 0);
	rtc_check_true("Count increments", (int32_t)(c1 - c0) > 0, c1 - c0);
	MTC0(9, 0, 0x12345678);
	base = MFC0(9, 0) - 0x12345678;
	rtc_check_true("Count writable", base < 0x01000000, base);

	cmp = arm(DELTA);
	rtc_check("after Compare write: Cause.TI", MFC0(13, 0) & CA_TI, 0);
	rtc_check_true("Count reaches Compare", wait_count(cmp), cmp);
	c0 = MFC0(13, 0);
	rtc_check("Count past Compare: Cause.TI", c0 & CA_TI, CA_TI);
	rtc_check("Count past Compare: Cause.IP7", c0 & CA_IP(7), CA_IP(7));
	rtc_check("interrupts disabled: no exception", rtc_nexc, 0);
	MTC0(11, 0, MFC0(9, 0) + 0x40000000);
	c0 = MFC0(13, 0);
	rtc_check("Compare written: Cause.TI cleared", c0 & CA_TI, 0);
	rtc_check("Compare written: Cause.IP7 cleared", c0 & CA_IP(7), 0);
}

static void delivery(int iv)
{
	uint32_t st = MFC0(12, 0), cmp;
	const char *name = iv ? "IV=1" : "IV=0";

	MTC0(13, 0, iv ? CA_IV : 0);
	rtc_clear();
	cmp = arm(DELTA);
	MTC0(12, 0, st | ST_IM(7) | ST_IE);
	rtc_check_true(name, wait_exc(), cmp);
	MTC0(12, 0, st);
	rt_printf("     %s:\n", name);
	rtc_check("  timer interrupt: exceptions", rtc_nexc, 1);
	rtc_check("  timer interrupt: ExcCode", CA_EXC(rtc_log.cause), EXC_INT);
	rtc_check("  timer interrupt: vector", rtc_log.vector, iv ? 0x200 : 0x180);
	rtc_check("  timer interrupt: Cause.TI", rtc_log.cause & CA_TI, CA_TI);
	rtc_check("  timer interrupt: Cause.IP7", rtc_log.cause & CA_IP(7), CA_IP(7));
	rtc_check("  timer interrupt: Status.EXL in handler", rtc_log.status & ST_EXL, ST_EXL);
	rtc_check("  after handler wrote Compare: Cause.TI", MFC0(13, 0) & CA_TI, 0);
	MTC0(13, 0, 0);
}

/* Arms the timer with enables (everything in 'hold' set, one of them
 * blocking), checks nothing is taken once Count passes Compare, then runs
 * 'release' (which must take the interrupt right after its ehb). */
static void masking(void)
{
	uint32_t st = MFC0(12, 0), cmp;
	uint32_t old;

	/* IM7 = 0 */
	rtc_clear();
	MTC0(12, 0, st | ST_IE);
	cmp = arm(DELTA);
	wait_count(cmp + 1000);
	rtc_check("IM7=0: not taken", rtc_nexc, 0);
	rtc_check("IM7=0: Cause.TI pending", MFC0(13, 0) & CA_TI, CA_TI);
	t_set_status(st | ST_IE | ST_IM(7), 0, 0, 0);
	rtc_check("IM7 set: taken", rtc_nexc, 1);
	rtc_check_true("IM7 set: EPC at the ehb or right after it",
		       rtc_log.epc == RTC_ADDR(t_set_status_after) ||
			       rtc_log.epc == RTC_ADDR(t_set_status_after) - 4,
		       rtc_log.epc);
	MTC0(12, 0, st);

	/* IE = 0 */
	rtc_clear();
	MTC0(12, 0, st | ST_IM(7));
	cmp = arm(DELTA);
	wait_count(cmp + 1000);
	rtc_check("IE=0: not taken", rtc_nexc, 0);
	t_ei(0, 0, 0, 0);
	rtc_check("ei: taken", rtc_nexc, 1);
	rtc_check_true("ei: EPC at the ehb or right after it",
		       rtc_log.epc == RTC_ADDR(t_ei_after) ||
			       rtc_log.epc == RTC_ADDR(t_ei_after) - 4,
		       rtc_log.epc);
	MTC0(12, 0, st);

	/* EXL = 1 */
	rtc_clear();
	MTC0(12, 0, st | ST_IM(7) | ST_IE | ST_EXL);
	cmp = arm(DELTA);
	wait_count(cmp + 1000);
	old = rtc_nexc;
	t_set_status(st | ST_IM(7) | ST_IE, 0, 0, 0);
	rtc_check("EXL=1: not taken", old, 0);
	rtc_check("EXL cleared: taken", rtc_nexc, 1);
	rtc_check_true("EXL cleared: EPC at the ehb or right after it",
		       rtc_log.epc == RTC_ADDR(t_set_status_after) ||
			       rtc_log.epc == RTC_ADDR(t_set_status_after) - 4,
		       rtc_log.epc);
	MTC0(12, 0, st);
}

static void di_ei(void)
{
	uint32_t st = MFC0(12, 0), old, now;

	MTC0(12, 0, st | ST_IE);
	__asm__ volatile("di %0\n\tehb" : "=r"(old) : : "memory");
	now = MFC0(12, 0);
	rtc_check("di returns the old Status", old, st | ST_IE);
	rtc_check("di clears only IE", now, st & ~ST_IE);
	__asm__ volatile("ei %0\n\tehb" : "=r"(old) : : "memory");
	now = MFC0(12, 0);
	rtc_check("ei returns the old Status", old, st & ~ST_IE);
	rtc_check("ei sets only IE", now, st | ST_IE);
	MTC0(12, 0, st);
}

static void wait_insn(void)
{
	uint32_t st = MFC0(12, 0);

	rtc_clear();
	arm(DELTA * 5);
	MTC0(12, 0, st | ST_IM(7) | ST_IE);
	t_wait(0, 0, 0, 0);
	MTC0(12, 0, st);
	rtc_check("wait: interrupts taken", rtc_nexc, 1);
	rtc_check("wait: ExcCode", CA_EXC(rtc_log.cause), EXC_INT);
	rtc_check("wait: EPC = instruction after wait", rtc_log.epc, RTC_ADDR(t_wait_after));
}

static volatile uint32_t loop_ints, loop_bd, loop_bad, loop_bad_epc;

/* Handler for the delay-slot test: re-arms the timer a varying distance
 * ahead (always past the handler's own exit) and classifies EPC. */
static void loop_handler(rt_frame *f)
{
	uint32_t n;

	if (CA_EXC(f->cause) != EXC_INT) {
		rt_printf("FAIL unexpected exception %08x at %08x\n", f->cause, f->epc);
		rt_exit(97);
	}
	n = ++loop_ints;
	if (f->cause & CA_BD) {
		loop_bd++;
		if (f->epc != RTC_ADDR(t_loop_br)) {
			loop_bad++;
			loop_bad_epc = f->epc;
		}
	} else if (f->epc == RTC_ADDR(t_loop_br) + 4) {
		loop_bad++; /* the delay slot reported without BD */
		loop_bad_epc = f->epc;
	}
	MTC0(11, 0, MFC0(9, 0) + 300 + (n * 7) % 61);
}

static void slot_interrupts(void)
{
	uint32_t st = MFC0(12, 0), r;
	const uint32_t n = 200000;

	rt_set_exception_handler(loop_handler);
	MTC0(11, 0, MFC0(9, 0) + 300);
	MTC0(12, 0, st | ST_IM(7) | ST_IE);
	r = t_loop(n, 0, 0, 0);
	MTC0(12, 0, st);
	MTC0(11, 0, MFC0(9, 0) + 0x40000000);
	rtc_install();
	rtc_hook = timer_hook;
	rt_printf("     %u interrupts during the loop, %u with Cause.BD\n", loop_ints, loop_bd);
	rtc_check_true("interrupts taken during the loop", loop_ints > 0, loop_ints);
	rtc_check("loop result with interrupts in it", r, n);
	rtc_check("interrupts in the delay slot: EPC = branch, BD = 1", loop_bad, 0);
}

int main(void)
{
	rt_printf("timer_test: Count/Compare and interrupts\n");
	rtc_install();
	rtc_hook = timer_hook;
	MTC0(12, 0, MFC0(12, 0) & ~(ST_IE | 0xff00u));
	MTC0(11, 0, MFC0(9, 0) + 0x40000000);
	count_compare();
	delivery(1);
	delivery(0);
	masking();
	di_ei();
	wait_insn();
	slot_interrupts();
	MTC0(11, 0, MFC0(9, 0) + 0x40000000);
	return rtc_finish("timer_test");
}
