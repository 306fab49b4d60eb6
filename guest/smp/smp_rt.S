/* guest/smp/smp_rt.S: the assembly half of the SMP layer (smp_rt.h): the
 * ll/sc primitives and the entry point of the secondary CPUs.
 *
 * smp__secondary_entry is where a CPU started through its MAGIC mailbox
 * begins (smp_init writes its address into MBOX.PC), with $sp = the top of
 * its own stack (MBOX.SP), $a0 = its global CPU number (MBOX.A0), $gp = 0
 * (unused: -G0), and every other register and CP0 at reset values: kernel
 * mode, BEV = ERL = 1, Config.K0 = 2 (uncached). It does for itself what
 * crt0_bare.S does for CPU 0 (EBase = rt__vectors written while BEV = 1,
 * Cause = 0, Status = CU1 only, which clears BEV and ERL, FCSR = 0), also
 * makes KSEG0 cacheable (Config.K0 = 3, as smp_init does on CPU 0), and
 * calls smp__secondary_main(a0), which never returns. Until K0 is set it
 * touches no data, only fetches code (which nobody writes).
 */
	.set	noreorder

	.text

/* uint32_t smp_atomic_add(volatile uint32_t *p, uint32_t v): returns the
 * old *p. */
	.globl	smp_atomic_add
	.type	smp_atomic_add, @function
smp_atomic_add:
	sync
1:	ll	$v0, 0($a0)
	addu	$t0, $v0, $a1
	sc	$t0, 0($a0)
	beqz	$t0, 1b		/* sc failed: the line was taken away, retry */
	nop
	sync
	jr	$ra
	nop
	.size	smp_atomic_add, . - smp_atomic_add

/* uint32_t smp_atomic_swap(volatile uint32_t *p, uint32_t v): returns the
 * old *p. */
	.globl	smp_atomic_swap
	.type	smp_atomic_swap, @function
smp_atomic_swap:
	sync
1:	ll	$v0, 0($a0)
	move	$t0, $a1
	sc	$t0, 0($a0)
	beqz	$t0, 1b
	nop
	sync
	jr	$ra
	nop
	.size	smp_atomic_swap, . - smp_atomic_swap

	.globl	smp__secondary_entry
	.type	smp__secondary_entry, @function
smp__secondary_entry:
	la	$t0, rt__vectors
	mtc0	$t0, $15, 1		/* EBase, written while BEV=1; CPUNum is RO */
	ehb
	mtc0	$zero, $13		/* Cause: IV=0, no software interrupts */
	mfc0	$t0, $16		/* Config: K0 = 3, cacheable write-back */
	li	$t1, 3
	ins	$t0, $t1, 0, 3
	mtc0	$t0, $16
	li	$t0, 0x20000000		/* Status: CU1 only (BEV, ERL now clear) */
	mtc0	$t0, $12
	ehb
	ctc1	$zero, $31		/* FCSR: round to nearest, no enables */
	li	$t0, -16
	and	$sp, $sp, $t0		/* 16-byte aligned, then the o32 arg area */
	addiu	$sp, $sp, -32
	move	$fp, $zero
	jal	smp__secondary_main	/* a0 = CPU number, as started; never returns */
	nop
1:	b	1b
	nop
	.size	smp__secondary_entry, . - smp__secondary_entry
