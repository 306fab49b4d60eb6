/* bench/kernels/harness_host.c: main() of the native (host) build of a
 * kernel; prints the same line as harness_rt.c. Built by bench/cpu_speed.sh
 * with the host gcc -O2.
 */
#include <stdio.h>

#include "bench.h"

int main(void)
{
	uint32_t sum = bench_run();

	printf("%s checksum %08x\n", bench_name, (unsigned)sum);
	return 0;
}
