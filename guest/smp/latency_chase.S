/* guest/smp/latency_chase.S: the timed pointer chase of latency.c (see
 * latency_chase.h). The loads are unrolled (.rept), so the only overhead
 * per load is the load instruction itself; the `move` after the last load
 * consumes its value, so the closing Count read cannot be taken before the
 * load has completed even on a CPU with non-blocking loads.
 */
#include "latency_chase.h"

	.set	noreorder
	.text

	.globl	lat_chase
	.type	lat_chase, @function
	.align	7			/* start on an I-cache line */
lat_chase:
	mfc0	$t0, $9			/* Count */
	.rept	LAT_CHASE_LOADS
	lw	$a0, 0($a0)
	.endr
	move	$t2, $a0
	mfc0	$t1, $9
	sw	$t2, 0($a1)
	jr	$ra
	subu	$v0, $t1, $t0		/* (delay slot) ticks */
	.size	lat_chase, . - lat_chase

	.globl	lat_empty
	.type	lat_empty, @function
lat_empty:
	mfc0	$t0, $9
	move	$t2, $a0
	mfc0	$t1, $9
	sw	$t2, 0($a1)
	jr	$ra
	subu	$v0, $t1, $t0
	.size	lat_empty, . - lat_empty
