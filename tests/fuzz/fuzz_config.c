/* tests/fuzz/fuzz_config.c: libFuzzer target for the YAML machine
 * description. Any input must parse or be refused with a message. */
#include <stdint.h>

#include "cli/config.h"
#include "tests/fuzz/fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/discoflash-fuzz-cfg-XXXXXX";
	if (fuzz_write_temp(path, data, size))
		return 0;
	cli_config c;
	char err[1024];
	cli_config_default(&c);
	cli_config_load(&c, path, err, sizeof(err));
	cli_config_free(&c);
	unlink(path);
	return 0;
}
