/* bench/rt_malta/crt0_malta.S: entry of a bench program on QEMU's Malta
 * board.
 *
 * QEMU's Malta boot code (run from its flash at 0xbfc00000 when given
 * -kernel) sets up the GT-64120 and jumps to the ELF entry in kernel mode
 * with a0-a3 holding YAMON-style arguments, which are ignored here. _start
 * sets Status to CU1|CU0|BEV (kernel mode, FPU usable with FR=0, interrupts
 * off, exceptions left on the boot vectors: a bench program takes none),
 * clears FCSR, sets up the stack, clears .bss, then calls main() and
 * rt_exit(its return value).
 */
	.set	noreorder

	.section .text.start, "ax", @progbits
	.globl	_start
	.type	_start, @function
_start:
	li	$t0, 0x30400000		/* Status: CU1 | CU0 | BEV */
	mtc0	$t0, $12
	ehb
	ctc1	$zero, $31		/* FCSR: round to nearest, no enables */
	la	$sp, _stack_top
	la	$t0, __bss_start
	la	$t1, __bss_end
1:	beq	$t0, $t1, 2f
	nop
	sw	$zero, 0($t0)
	b	1b
	addiu	$t0, $t0, 4
2:	move	$a0, $zero
	jal	main
	move	$a1, $zero
	jal	rt_exit
	move	$a0, $v0
3:	b	3b
	nop
	.size	_start, . - _start
