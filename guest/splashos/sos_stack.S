/* guest/splashos/sos_stack.S: sos__call_on_stack(fn, id, arg, sp) calls
 * fn(id, arg) with $sp = sp (the top of a thread stack, 16-byte aligned)
 * and returns on the caller's stack. The caller's sp and ra are kept at the
 * top of the new stack, above fn's o32 argument area.
 */
	.set	noreorder
	.text
	.globl	sos__call_on_stack
	.type	sos__call_on_stack, @function
sos__call_on_stack:
	addiu	$a3, $a3, -24		/* 16 bytes argument area, saved sp, ra */
	sw	$sp, 16($a3)
	sw	$ra, 20($a3)
	move	$sp, $a3
	move	$t9, $a0
	move	$a0, $a1
	jalr	$t9
	move	$a1, $a2		/* delay slot */
	lw	$ra, 20($sp)
	lw	$sp, 16($sp)
	jr	$ra
	nop
	.size	sos__call_on_stack, . - sos__call_on_stack
