/* tests/fuzz/fuzz_elf.c: libFuzzer target for the ELF loader. Any input must
 * load or be refused with a message - never crash or touch memory outside
 * the node's RAM. Build with -DDISCOFLASH_FUZZ=ON (clang). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "node/elf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/discoflash-fuzz-elf-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
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
