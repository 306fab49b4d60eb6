/* tests/fuzz/fuzz_elf.c: libFuzzer target for the ELF loader. Any input must
 * load or be refused with a message - never crash or touch memory outside
 * the node's RAM. Build with -DDISCOFLASH_FUZZ=ON (clang). */
#include <stdint.h>

#include "node/elf.h"
#include "tests/fuzz/fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/discoflash-fuzz-elf-XXXXXX";
	if (fuzz_write_temp(path, data, size))
		return 0;
	node_mem mem;
	if (node_mem_init(&mem, 1u << 20) == 0) {
		node_elf_info info;
		char err[512];
		node_elf_load(&mem, path, &info, err, sizeof(err));
		node_mem_destroy(&mem);
	}
	unlink(path);
	return 0;
}
