/* guest/hostile/hostile_asm.S: the parts of the hostile guest that must be
 * assembly (see hostile.h for the contracts):
 *
 *   hl_exec       runs the generated code in hl_codebuf with random GPRs
 *                 and puts the CP0 state the program depends on back
 *                 afterwards;
 *   hl_lb .. hl_sw  single loads and stores to arbitrary addresses;
 *   hl_wait       a wait with the Count/Compare timer armed;
 *   hl_irq_window   a short stretch with interrupts enabled.
 *
 * Everything between hl_risky_start and hl_risky_end may fault: the
 * exception handler in hostile.c resumes at EPC + 4 for those, so each
 * risky instruction is followed by something that is safe to fall into and
 * is never in a delay slot.
 */
#include "hostile.h"

#define ST_BEV 0x00400000

	.set	noreorder
	.set	noat
	.set	mips32r2

	.text
	.balign	4
	.globl	hl_risky_start
hl_risky_start:

/* ---- single accesses: the access, then jr ra ---------------------------- */
	.macro	LOADFN name, insn
	.globl	\name
	.type	\name, @function
\name:
	\insn	$2, 0($4)
	jr	$31
	nop
	.size	\name, . - \name
	.endm

	.macro	STOREFN name, insn
	.globl	\name
	.type	\name, @function
\name:
	\insn	$5, 0($4)
	jr	$31
	nop
	.size	\name, . - \name
	.endm

	LOADFN	hl_lb, lb
	LOADFN	hl_lbu, lbu
	LOADFN	hl_lh, lh
	LOADFN	hl_lhu, lhu
	LOADFN	hl_lw, lw
	LOADFN	hl_ll, ll
	STOREFN	hl_sb, sb
	STOREFN	hl_sh, sh
	STOREFN	hl_sw, sw

/* ---- void hl_wait(uint32_t status, uint32_t ticks) ---------------------- */
	.globl	hl_wait
	.type	hl_wait, @function
hl_wait:
	mfc0	$8, $9			/* Compare = Count + ticks (also clears TI) */
	addu	$8, $8, $5
	mtc0	$8, $11
	ehb
	mtc0	$4, $12			/* IE and IM7 on */
	ehb
	.globl	hl_wait_insn
hl_wait_insn:
	wait
	nop
	lui	$1, %hi(hl_save)
	addiu	$1, $1, %lo(hl_save)
	lw	$8, SV_STATUS($1)
	mtc0	$8, $12
	ehb
	jr	$31
	nop
	.size	hl_wait, . - hl_wait

/* ---- void hl_irq_window(uint32_t status) -------------------------------- */
	.globl	hl_irq_window
	.type	hl_irq_window, @function
hl_irq_window:
	mtc0	$4, $12
	ehb
	nop
	nop
	nop
	nop
	di
	ehb
	lui	$1, %hi(hl_save)
	addiu	$1, $1, %lo(hl_save)
	lw	$8, SV_STATUS($1)
	mtc0	$8, $12
	ehb
	jr	$31
	nop
	.size	hl_irq_window, . - hl_irq_window

	.globl	hl_risky_end
hl_risky_end:

/* ---- void hl_exec(const uint32_t *regs) --------------------------------- */
	.globl	hl_exec
	.type	hl_exec, @function
hl_exec:
	lui	$1, %hi(hl_save)
	addiu	$1, $1, %lo(hl_save)
	.irp	r, 16, 17, 18, 19, 20, 21, 22, 23
	sw	$\r, SV_S0 + 4*(\r - 16)($1)
	.endr
	sw	$28, SV_GP($1)
	sw	$29, SV_SP($1)
	sw	$30, SV_FP($1)
	sw	$31, SV_RA($1)
	/* an eret/deret in the generated code lands on its next word */
	lui	$8, %hi(hl_codebuf + 4)
	addiu	$8, $8, %lo(hl_codebuf + 4)
	mtc0	$8, $14			/* EPC */
	mtc0	$8, $30			/* ErrorEPC */
	mtc0	$8, $24			/* DEPC (absent on a 24Kc without EJTAG) */
	ehb
	lui	$25, %hi(hl_codebuf)
	addiu	$25, $25, %lo(hl_codebuf)
	.irp	r, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 28, 30
	lw	$\r, 4*\r($4)
	.endr
	lw	$4, 16($4)
	jalr.hb	$25
	nop
	/* Back (the code's tail is jr ra). Status first: the generated code
	 * may have left any mode, EXL/ERL, BEV or interrupt enables. */
	lui	$1, %hi(hl_save)
	addiu	$1, $1, %lo(hl_save)
	lw	$8, SV_STATUS($1)
	mtc0	$8, $12
	ehb
	mtc0	$0, $13			/* Cause: IV = DC = 0, no software IRQs */
	lui	$9, %hi(ST_BEV)
	or	$9, $9, $8
	mtc0	$9, $12			/* EBase may only change with BEV = 1 */
	ehb
	lw	$10, SV_EBASE($1)
	mtc0	$10, $15, 1
	ehb
	mtc0	$8, $12
	ehb
	lw	$10, SV_CONFIG0($1)
	mtc0	$10, $16, 0
	lw	$10, SV_INTCTL($1)
	mtc0	$10, $12, 1
	lw	$10, SV_SRSCTL($1)
	mtc0	$10, $12, 2
	mtc0	$0, $18, 0		/* WatchLo0/WatchHi0 (absent on the 24Kc model) */
	mtc0	$0, $19, 0
	ehb
	.irp	r, 16, 17, 18, 19, 20, 21, 22, 23
	lw	$\r, SV_S0 + 4*(\r - 16)($1)
	.endr
	lw	$28, SV_GP($1)
	lw	$29, SV_SP($1)
	lw	$30, SV_FP($1)
	lw	$31, SV_RA($1)
	jr	$31
	nop
	.size	hl_exec, . - hl_exec

	.data
	.balign	4
	.globl	hl_save
	.type	hl_save, @object
hl_save:
	.space	4 * SV_WORDS
	.size	hl_save, 4 * SV_WORDS

/* The code buffer, alone on its page: the emulator resets decoded code per
 * chunk when it is written, and no data store lands next to it. */
	.section .hostile_code, "awx", @progbits
	.balign	4096
	.globl	hl_codebuf
	.type	hl_codebuf, @object
hl_codebuf:
	.space	4096
	.size	hl_codebuf, 4096
