/* node/elf.h: loads a MIPS32 little-endian ELF executable into node memory.
 *
 * Segments linked at KSEG0/KSEG1 addresses load at their physical address
 * (address & 0x1fffffff); segments linked in kuseg load at their virtual
 * address taken as physical (the CPU starts with ERL=1, where kuseg is
 * unmapped). Every field is checked against the file and RAM: bad input gives
 * an error message naming the file and what is wrong, never a crash.
 */
#ifndef NODE_ELF_H
#define NODE_ELF_H

#include <stddef.h>
#include <stdint.h>

#include "node/mem.h"

typedef struct node_elf_info {
	uint32_t entry;
	uint32_t lo, hi; /* physical range loaded: [lo, hi) */
} node_elf_info;

/* Returns 0, or -1 with a message in err. */
int node_elf_load(node_mem *mem, const char *path, node_elf_info *info, char *err, size_t errlen);

#endif
