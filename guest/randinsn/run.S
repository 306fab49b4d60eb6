/* guest/randinsn/run.S: enters a generated sequence with a complete
 * register state and leaves it through ri_save, plus the code buffer.
 *
 * void ri_run(ri_state *st, uint32_t *code)
 *   Called from C. Saves the o32 callee-saved state (s0-s8, gp, ra, the
 *   host FCSR, $f20-$f30) on its stack, records st in ri_cur and sp in
 *   st->host_sp, loads HI, LO, $f0-$f31, FCSR and every GPR except $26,
 *   $27 and $29 from st, and jumps to code with jr.hb (the caller has
 *   written code and run synci over it).
 * ri_save
 *   Reached by the sequence's tail: lui/ori $26, ri_save; jr $26. Stores
 *   every GPR ($26/$27 as found), HI, LO, FCSR and the FPRs into *ri_cur,
 *   then restores the host state and returns from ri_run.
 * The sequence must not touch $26, $27 or $29, and must leave FCSR without
 * an enabled cause (it never sets enables).
 */
#include "randinsn.h"

#define FRAME 96 /* ra, s0-s7, s8, gp, FCSR at 0..44; $f20-$f30 at 48..88 */

	.set	noreorder
	.set	noat
	.set	mips32r2
	.set	hardfloat

	.text
	.globl	ri_run
	.type	ri_run, @function
	.ent	ri_run
ri_run:
	addiu	$sp, $sp, -FRAME
	sw	$31, 0($sp)
	.irp	r, 16, 17, 18, 19, 20, 21, 22, 23
	sw	$\r, 4*(\r - 15)($sp)	/* s0..s7 at 4..32 */
	.endr
	sw	$30, 36($sp)
	sw	$28, 40($sp)
	cfc1	$8, $31
	sw	$8, 44($sp)
	sdc1	$f20, 48($sp)
	sdc1	$f22, 56($sp)
	sdc1	$f24, 64($sp)
	sdc1	$f26, 72($sp)
	sdc1	$f28, 80($sp)
	sdc1	$f30, 88($sp)
	sw	$sp, RI_HOST_SP($4)
	lui	$8, %hi(ri_cur)
	sw	$4, %lo(ri_cur)($8)
	move	$26, $5
	lw	$8, RI_HI($4)
	mthi	$8
	lw	$8, RI_LO($4)
	mtlo	$8
	.irp	f, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30
	ldc1	$f\f, RI_FPR+4*\f($4)
	.endr
	lw	$8, RI_FCSR($4)
	ctc1	$8, $31
	.irp	r, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 28, 30, 31
	lw	$\r, RI_GPR+4*\r($4)
	.endr
	lw	$4, RI_GPR+16($4)
	jr.hb	$26
	nop
	.end	ri_run
	.size	ri_run, . - ri_run

	.globl	ri_save
	.type	ri_save, @function
	.ent	ri_save
ri_save:
	lui	$26, %hi(ri_cur)
	lw	$26, %lo(ri_cur)($26)
	.irp	r, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 27, 28, 29, 30, 31
	sw	$\r, RI_GPR+4*\r($26)
	.endr
	sw	$26, RI_GPR+4*26($26)
	mfhi	$27
	sw	$27, RI_HI($26)
	mflo	$27
	sw	$27, RI_LO($26)
	cfc1	$27, $31
	sw	$27, RI_FCSR($26)
	.irp	f, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30
	sdc1	$f\f, RI_FPR+4*\f($26)
	.endr
	lw	$sp, RI_HOST_SP($26)
	lw	$8, 44($sp)
	ctc1	$8, $31
	ldc1	$f20, 48($sp)
	ldc1	$f22, 56($sp)
	ldc1	$f24, 64($sp)
	ldc1	$f26, 72($sp)
	ldc1	$f28, 80($sp)
	ldc1	$f30, 88($sp)
	.irp	r, 16, 17, 18, 19, 20, 21, 22, 23
	lw	$\r, 4*(\r - 15)($sp)
	.endr
	lw	$30, 36($sp)
	lw	$28, 40($sp)
	lw	$31, 0($sp)
	jr	$31
	addiu	$sp, $sp, FRAME
	.end	ri_save
	.size	ri_save, . - ri_save

	.data
	.align	2
ri_cur:	.word	0	/* the ri_state of the sequence running now */

/* The code buffer: its own page (nothing else is written there, so qemu's
 * self-modifying-code detection fires once per sequence), writable and
 * executable in the Linux flavour. */
	.section .ri_code, "awx", @progbits
	.balign	4096
	.globl	ri_code
	.type	ri_code, @object
ri_code:
	.space	RI_CODE_BYTES
	.size	ri_code, RI_CODE_BYTES
	.balign	4096
