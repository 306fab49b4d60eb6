/* tests/fuzz/fuzz_file.h: the loaders under test read files, so each fuzz
 * input is written to a temporary file first. */
#ifndef FUZZ_FILE_H
#define FUZZ_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

/* Writes data to a new file named from tmpl (ending in XXXXXX, changed in
 * place). Returns 0, or -1 with no file left behind. */
static inline int fuzz_write_temp(char *tmpl, const uint8_t *data, size_t size)
{
	int fd = mkstemp(tmpl);
	if (fd < 0)
		return -1;
	int ok = write(fd, data, size) == (ssize_t)size;
	close(fd);
	if (!ok)
		unlink(tmpl);
	return ok ? 0 : -1;
}

#endif
