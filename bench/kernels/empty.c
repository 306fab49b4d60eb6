/* bench/kernels/empty.c: a kernel that does nothing, so that
 * bench/cpu_speed.sh can report each runner's start-up and exit cost (the
 * part of every wall time that is not the kernel).
 */
#include "bench.h"

const char bench_name[] = "empty";

uint32_t bench_run(void)
{
	return BENCH_MIX_INIT;
}
