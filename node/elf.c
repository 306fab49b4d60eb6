/* node/elf.c: the ELF loader (see node/elf.h). */
#include "node/elf.h"

#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t errlen, const char *path, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "%s: ", path);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static uint32_t to_physical(uint32_t va)
{
	if (va >= 0x80000000u && va < 0xc0000000u)
		return va & 0x1fffffffu;
	return va;
}

int node_elf_load(node_mem *mem, const char *path, node_elf_info *info, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return fail(err, errlen, path, "cannot open: %s", strerror(errno));
	if (fseek(f, 0, SEEK_END) != 0) {
		fclose(f);
		return fail(err, errlen, path, "cannot seek: %s", strerror(errno));
	}
	long size = ftell(f);
	rewind(f);
	if (size < 0 || size > (1L << 30)) {
		fclose(f);
		return fail(err, errlen, path, "not a regular file or larger than 1 GiB");
	}
	uint8_t *buf = malloc(size ? (size_t)size : 1);
	if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
		free(buf);
		fclose(f);
		return fail(err, errlen, path, "cannot read the file");
	}
	fclose(f);

	int rc = -1;
	Elf32_Ehdr eh;
	if ((size_t)size < sizeof(eh) || memcmp(buf, ELFMAG, SELFMAG) != 0) {
		fail(err, errlen, path, "not an ELF file");
		goto out;
	}
	memcpy(&eh, buf, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS32) {
		fail(err, errlen, path, "not a 32-bit ELF file (need MIPS32 o32)");
		goto out;
	}
	if (eh.e_ident[EI_DATA] != ELFDATA2LSB) {
		fail(err, errlen, path, "big-endian ELF; the machine is little-endian (mipsel)");
		goto out;
	}
	if (eh.e_machine != EM_MIPS) {
		fail(err, errlen, path, "ELF machine %u is not MIPS (%u)", eh.e_machine, EM_MIPS);
		goto out;
	}
	if (eh.e_type != ET_EXEC) {
		fail(err, errlen, path, "ELF type %u is not an executable (ET_EXEC)", eh.e_type);
		goto out;
	}
	if (eh.e_phentsize != sizeof(Elf32_Phdr) || eh.e_phnum == 0 ||
	    eh.e_phoff > (uint32_t)size ||
	    (uint64_t)eh.e_phnum * sizeof(Elf32_Phdr) > (uint64_t)size - eh.e_phoff) {
		fail(err, errlen, path, "program header table is missing or outside the file");
		goto out;
	}
	info->entry = eh.e_entry;
	info->lo = UINT32_MAX;
	info->hi = 0;
	int loaded = 0;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf32_Phdr ph;
		memcpy(&ph, buf + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_filesz > ph.p_memsz) {
			fail(err, errlen, path,
			     "segment %u: file size 0x%x exceeds memory size 0x%x", i, ph.p_filesz,
			     ph.p_memsz);
			goto out;
		}
		if (ph.p_offset > (uint32_t)size || ph.p_filesz > (uint32_t)size - ph.p_offset) {
			fail(err, errlen, path,
			     "segment %u: data [0x%x, +0x%x) lies outside the file", i, ph.p_offset,
			     ph.p_filesz);
			goto out;
		}
		uint32_t pa = to_physical(ph.p_vaddr);
		if (!node_mem_is_ram(mem, pa, ph.p_memsz)) {
			fail(err, errlen, path,
			     "segment %u: address 0x%08x size 0x%x (physical 0x%08x) is outside "
			     "RAM "
			     "[0, 0x%08x); link at KSEG0 (0x80000000 + physical) inside RAM, or "
			     "give "
			     "the machine more memory",
			     i, ph.p_vaddr, ph.p_memsz, pa, mem->ram_size);
			goto out;
		}
		node_mem_dma_write(mem, pa, buf + ph.p_offset, ph.p_filesz);
		uint32_t bss = ph.p_memsz - ph.p_filesz;
		if (bss) {
			void *zero = calloc(1, bss);
			if (!zero) {
				fail(err, errlen, path, "out of memory");
				goto out;
			}
			node_mem_dma_write(mem, pa + ph.p_filesz, zero, bss);
			free(zero);
		}
		if (pa < info->lo)
			info->lo = pa;
		if (pa + ph.p_memsz > info->hi)
			info->hi = pa + ph.p_memsz;
		loaded++;
	}
	if (!loaded) {
		fail(err, errlen, path, "no loadable segment");
		goto out;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}
