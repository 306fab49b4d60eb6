/* bench/kernels/harness_rt.c: main() of the MIPS builds of a kernel, on the
 * guest runtime API (guest/rt/rt.h): the discoflash bare flavour, the Linux
 * flavour for qemu-mipsel and the Malta flavour (bench/rt_malta/). Prints
 * one line, "<kernel> checksum <8 hex digits>", and exits 0.
 */
#include "rt.h"
#include "bench.h"

int main(void)
{
	uint32_t sum = bench_run();

	rt_printf("%s checksum %08x\n", bench_name, sum);
	return 0;
}
