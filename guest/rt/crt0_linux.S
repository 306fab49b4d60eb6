/* guest/rt/crt0_linux.S: process entry for the Linux o32 flavour (no libc).
 *
 * The kernel (or qemu-mipsel) enters _start (alias __start, the MIPS ld
 * default entry name) with sp pointing at argc, then
 * argv[]. _start calls main(argc, argv) on an 8-byte aligned stack with the
 * 16-byte o32 argument area reserved, then rt_exit(main's return value);
 * it never returns.
 */
	.text
	.globl	_start
	.globl	__start
	.type	_start, @function
	.set	noreorder
_start:
__start:
	lw	$a0, 0($sp)
	addiu	$a1, $sp, 4
	li	$t0, -8
	and	$sp, $sp, $t0
	addiu	$sp, $sp, -16
	jal	main
	nop
	jal	rt_exit
	move	$a0, $v0
1:	b	1b
	nop
	.size	_start, . - _start
