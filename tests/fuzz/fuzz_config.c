/* tests/fuzz/fuzz_config.c: libFuzzer target for the YAML machine
 * description. Any input must parse or be refused with a message. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/discoflash-fuzz-cfg-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	cli_config c;
	char err[1024];
	cli_config_default(&c);
	cli_config_load(&c, path, err, sizeof(err));
	cli_config_free(&c);
	unlink(path);
	return 0;
}
