/* guest/rt/crt0_bare.S: reset entry and exception vectors of the bare-metal
 * flavour.
 *
 * _start (entered in kernel mode with CP0 reset values, BEV=ERL=1) sets up
 * the stack, clears .bss, points EBase at the vector page below, clears
 * Cause (IV=0) and sets Status to CU1 only (BEV, ERL, EXL, IE, IM, KSU all
 * clear: kernel mode, interrupts disabled), clears FCSR, then calls main()
 * and rt_exit(its return value).
 *
 * The vector page holds the TLB refill vector (+0x000), the general vector
 * (+0x180) and the interrupt vector (+0x200, used when Cause.IV=1). Each
 * saves every register into an rt_frame, calls rt__exc_dispatch(frame) with
 * EXL still set, then restores the GPRs, HI, LO, EPC and Status from the
 * frame (Status with EXL forced on, so the write cannot leave exception
 * level before eret) and erets. cause, badvaddr and vector are information
 * only and are not written back. The frame goes below the interrupted sp
 * when that is a kernel address (bit 31 set), else on the exception stack,
 * so nested exceptions from the handler stack up below it.
 *
 * a0..a3 reach main untouched (the loader's arguments). Built with
 * -DRT_ENTRY=name, _start calls name instead of main: SPLASHOS's start
 * object is this file with RT_ENTRY=splashos__start.
 */
#ifndef RT_ENTRY
#define RT_ENTRY main
#endif
#define FRAME_ALLOC 176 /* 16 bytes o32 argument area + rt_frame, 8-aligned */
#define F(off) (16 + (off))
#define R(n) F(4 * (n))
#define F_HI F(128)
#define F_LO F(132)
#define F_EPC F(136)
#define F_CAUSE F(140)
#define F_STATUS F(144)
#define F_BADVADDR F(148)
#define F_VECTOR F(152)

	.set	noreorder
	.set	noat

	.section .text.start, "ax", @progbits
	.globl	_start
	.type	_start, @function
_start:
	la	$sp, _stack_top
	la	$t0, __bss_start
	la	$t1, __bss_end
1:	beq	$t0, $t1, 2f
	nop
	sw	$zero, 0($t0)
	b	1b
	addiu	$t0, $t0, 4
2:	la	$t0, rt__vectors
	mtc0	$t0, $15, 1		/* EBase, written while BEV=1 */
	ehb
	mtc0	$zero, $13		/* Cause: IV=0, no software interrupts */
	li	$t0, 0x20000000		/* Status: CU1 only */
	mtc0	$t0, $12
	ehb
	ctc1	$zero, $31		/* FCSR: round to nearest, no enables */
	jal	RT_ENTRY
	nop
	jal	rt_exit
	move	$a0, $v0
3:	b	3b
	nop
	.size	_start, . - _start

	.section .text.vectors, "ax", @progbits
	.align	12
	.globl	rt__vectors
rt__vectors:
	j	exc_common		/* +0x000: TLB refill, EXL=0 */
	li	$k1, 0x000
	.org	0x180
	j	exc_common		/* +0x180: general */
	li	$k1, 0x180
	.org	0x200
	j	exc_common		/* +0x200: interrupt when Cause.IV=1 */
	li	$k1, 0x200

/* k1 = vector offset; every other register still holds the interrupted
 * context. */
exc_common:
	bltz	$sp, 1f
	move	$k0, $sp
	la	$k0, rt__exc_stack_top
1:	addiu	$k0, $k0, -FRAME_ALLOC
	sw	$zero, R(0)($k0)
	sw	$1, R(1)($k0)
	sw	$2, R(2)($k0)
	sw	$3, R(3)($k0)
	sw	$4, R(4)($k0)
	sw	$5, R(5)($k0)
	sw	$6, R(6)($k0)
	sw	$7, R(7)($k0)
	sw	$8, R(8)($k0)
	sw	$9, R(9)($k0)
	sw	$10, R(10)($k0)
	sw	$11, R(11)($k0)
	sw	$12, R(12)($k0)
	sw	$13, R(13)($k0)
	sw	$14, R(14)($k0)
	sw	$15, R(15)($k0)
	sw	$16, R(16)($k0)
	sw	$17, R(17)($k0)
	sw	$18, R(18)($k0)
	sw	$19, R(19)($k0)
	sw	$20, R(20)($k0)
	sw	$21, R(21)($k0)
	sw	$22, R(22)($k0)
	sw	$23, R(23)($k0)
	sw	$24, R(24)($k0)
	sw	$25, R(25)($k0)
	sw	$zero, R(26)($k0)
	sw	$zero, R(27)($k0)
	sw	$28, R(28)($k0)
	sw	$29, R(29)($k0)
	sw	$30, R(30)($k0)
	sw	$31, R(31)($k0)
	sw	$k1, F_VECTOR($k0)
	mfhi	$k1
	sw	$k1, F_HI($k0)
	mflo	$k1
	sw	$k1, F_LO($k0)
	mfc0	$k1, $14
	sw	$k1, F_EPC($k0)
	mfc0	$k1, $13
	sw	$k1, F_CAUSE($k0)
	mfc0	$k1, $12
	sw	$k1, F_STATUS($k0)
	mfc0	$k1, $8
	sw	$k1, F_BADVADDR($k0)

	move	$sp, $k0
	addiu	$s0, $k0, 16		/* s0 = frame, preserved by the call */
	jal	rt__exc_dispatch
	move	$a0, $s0

	addiu	$k0, $s0, -16
	lw	$k1, F_HI($k0)
	mthi	$k1
	lw	$k1, F_LO($k0)
	mtlo	$k1
	lw	$k1, F_EPC($k0)
	mtc0	$k1, $14
	lw	$k1, F_STATUS($k0)
	ori	$k1, $k1, 2		/* keep EXL until eret */
	mtc0	$k1, $12
	lw	$1, R(1)($k0)
	lw	$2, R(2)($k0)
	lw	$3, R(3)($k0)
	lw	$4, R(4)($k0)
	lw	$5, R(5)($k0)
	lw	$6, R(6)($k0)
	lw	$7, R(7)($k0)
	lw	$8, R(8)($k0)
	lw	$9, R(9)($k0)
	lw	$10, R(10)($k0)
	lw	$11, R(11)($k0)
	lw	$12, R(12)($k0)
	lw	$13, R(13)($k0)
	lw	$14, R(14)($k0)
	lw	$15, R(15)($k0)
	lw	$16, R(16)($k0)
	lw	$17, R(17)($k0)
	lw	$18, R(18)($k0)
	lw	$19, R(19)($k0)
	lw	$20, R(20)($k0)
	lw	$21, R(21)($k0)
	lw	$22, R(22)($k0)
	lw	$23, R(23)($k0)
	lw	$24, R(24)($k0)
	lw	$25, R(25)($k0)
	lw	$28, R(28)($k0)
	lw	$29, R(29)($k0)
	lw	$30, R(30)($k0)
	lw	$31, R(31)($k0)
	ehb
	eret
	nop
