/* guest/smp/latency_chase.h: shared by latency.c and latency_chase.S (plain
 * #defines and, for C only, the prototypes). */
#ifndef GUEST_SMP_LATENCY_CHASE_H
#define GUEST_SMP_LATENCY_CHASE_H

#define LAT_CHASE_LOADS 128 /* dependent loads in one lat_chase call */

#ifndef __ASSEMBLER__
#include <stdint.h>
/* LAT_CHASE_LOADS dependent loads p = *(void **)p from p, straight-line
 * code with no loop; stores the final p to *endp and returns the CP0 Count
 * ticks from just before the first load to just after the last load's
 * value was used. */
uint32_t lat_chase(void *p, void **endp);
/* The same timing frame with no loads: the measurement's own overhead. */
uint32_t lat_empty(void *p, void **endp);
#endif

#endif
