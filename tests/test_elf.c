/* tests/test_elf.c: the ELF loader against a table of good and broken files. */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "node/elf.h"

/* A minimal valid image: header, one program header, 16 bytes of code. */
typedef struct image {
	Elf32_Ehdr eh;
	Elf32_Phdr ph;
	uint8_t code[16];
} image;

static image good_image(void)
{
	image im;
	memset(&im, 0, sizeof(im));
	memcpy(im.eh.e_ident, ELFMAG, SELFMAG);
	im.eh.e_ident[EI_CLASS] = ELFCLASS32;
	im.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	im.eh.e_ident[EI_VERSION] = EV_CURRENT;
	im.eh.e_type = ET_EXEC;
	im.eh.e_machine = EM_MIPS;
	im.eh.e_version = EV_CURRENT;
	im.eh.e_entry = 0x80100000u;
	im.eh.e_phoff = offsetof(image, ph);
	im.eh.e_ehsize = sizeof(Elf32_Ehdr);
	im.eh.e_phentsize = sizeof(Elf32_Phdr);
	im.eh.e_phnum = 1;
	im.ph.p_type = PT_LOAD;
	im.ph.p_offset = offsetof(image, code);
	im.ph.p_vaddr = 0x80100000u;
	im.ph.p_paddr = 0x80100000u;
	im.ph.p_filesz = sizeof(im.code);
	im.ph.p_memsz = 64; /* 48 bytes of bss */
	for (unsigned i = 0; i < sizeof(im.code); i++)
		im.code[i] = (uint8_t)(0xa0 + i);
	return im;
}

typedef struct elf_case {
	const char *name;
	void (*mutate)(image *im, size_t *len);
	const char *error; /* NULL: must load */
} elf_case;

static void m_none(image *im, size_t *len) {}
static void m_truncated(image *im, size_t *len)
{
	*len = 20;
}
static void m_magic(image *im, size_t *len)
{
	im->eh.e_ident[1] = 'X';
}
static void m_class64(image *im, size_t *len)
{
	im->eh.e_ident[EI_CLASS] = ELFCLASS64;
}
static void m_bigendian(image *im, size_t *len)
{
	im->eh.e_ident[EI_DATA] = ELFDATA2MSB;
}
static void m_x86(image *im, size_t *len)
{
	im->eh.e_machine = EM_386;
}
static void m_dyn(image *im, size_t *len)
{
	im->eh.e_type = ET_DYN;
}
static void m_phoff(image *im, size_t *len)
{
	im->eh.e_phoff = 0x7fffff00u;
}
static void m_phnum(image *im, size_t *len)
{
	im->eh.e_phnum = 0xffff;
}
static void m_phentsize(image *im, size_t *len)
{
	im->eh.e_phentsize = 7;
}
static void m_seg_outside_file(image *im, size_t *len)
{
	im->ph.p_offset = 0xfffffff0u;
}
static void m_filesz(image *im, size_t *len)
{
	im->ph.p_filesz = 0x1000;
	im->ph.p_memsz = 0x2000;
}
static void m_filesz_gt_memsz(image *im, size_t *len)
{
	im->ph.p_memsz = 4;
}
static void m_outside_ram(image *im, size_t *len)
{
	im->ph.p_vaddr = 0x9f000000u;
}
static void m_wraps(image *im, size_t *len)
{
	im->ph.p_vaddr = 0x80100000u;
	im->ph.p_memsz = 0xfffffff0u;
}
static void m_no_load(image *im, size_t *len)
{
	im->ph.p_type = PT_NOTE;
}

static const elf_case cases[] = {
	{"valid", m_none, NULL},
	{"truncated", m_truncated, "not an ELF file"},
	{"bad magic", m_magic, "not an ELF file"},
	{"64-bit", m_class64, "not a 32-bit ELF"},
	{"big-endian", m_bigendian, "big-endian"},
	{"x86", m_x86, "is not MIPS"},
	{"shared object", m_dyn, "not an executable"},
	{"phoff outside", m_phoff, "program header table"},
	{"phnum huge", m_phnum, "program header table"},
	{"phentsize wrong", m_phentsize, "program header table"},
	{"segment offset outside", m_seg_outside_file, "outside the file"},
	{"segment data past end", m_filesz, "outside the file"},
	{"filesz > memsz", m_filesz_gt_memsz, "exceeds memory size"},
	{"outside RAM", m_outside_ram, "outside RAM"},
	{"wraps around", m_wraps, "outside RAM"},
	{"no PT_LOAD", m_no_load, "no loadable segment"},
};

static void test_table(void **state)
{
	char path[] = "/tmp/discoflash-test-elf-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		image im = good_image();
		size_t len = sizeof(im);
		cases[i].mutate(&im, &len);
		FILE *f = fopen(path, "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(&im, 1, len, f), len);
		fclose(f);

		node_mem mem;
		assert_int_equal(node_mem_init(&mem, 16u << 20), 0);
		memset(mem.ram + 0x100000, 0x55, 64); /* bss must come out zero */
		node_elf_info info;
		char err[512] = "";
		int rc = node_elf_load(&mem, path, &info, err, sizeof(err));
		print_message("%-24s -> %s\n", cases[i].name, rc ? err : "loaded");
		if (!cases[i].error) {
			assert_int_equal(rc, 0);
			assert_int_equal(info.entry, 0x80100000u);
			assert_int_equal(info.lo, 0x100000u);
			assert_int_equal(info.hi, 0x100040u);
			assert_memory_equal(mem.ram + 0x100000, im.code, sizeof(im.code));
			for (int b = 16; b < 64; b++)
				assert_int_equal(mem.ram[0x100000 + b], 0);
		} else {
			assert_int_equal(rc, -1);
			assert_non_null(strstr(err, path));
			assert_non_null(strstr(err, cases[i].error));
		}
		node_mem_destroy(&mem);
	}
	unlink(path);
}

static void test_missing_file(void **state)
{
	node_mem mem;
	assert_int_equal(node_mem_init(&mem, 1u << 20), 0);
	node_elf_info info;
	char err[256];
	assert_int_equal(node_elf_load(&mem, "/nonexistent/x.elf", &info, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/x.elf: cannot open"));
	node_mem_destroy(&mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_missing_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
