/* guest/conformance/int_mem.c: conformance of loads, stores and ll/sc.
 *
 * lb/lbu at every byte, lh/lhu at every halfword and lw at every word of a
 * buffer with sign-bit patterns; loads with negative and largest
 * displacements; sb/sh/sw; lwl/lwr at all byte offsets into a prefilled
 * register (little-endian merge), the unaligned-word pair lwl+lwr and
 * swl+swr at every offset; swl/swr alone at every offset into a prefilled
 * memory pair; writes to $0 being discarded; ll/sc (single-threaded, so sc
 * after ll succeeds); sync and pref executing as no-ops. Output is compared
 * between discoflash and qemu-mipsel.
 */
#include "rt.h"

static uint8_t src[24] __attribute__((aligned(8))) = {
	0x80, 0xff, 0x7f, 0x01, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
	0x00, 0x81, 0x7e, 0xfe, 0x01, 0x80, 0xff, 0x00, 0xa5, 0x5a, 0xc3, 0x3c,
};
static uint32_t dst[4];

#define LOAD(op, p, disp)                                                                  \
	({                                                                                 \
		uint32_t _r;                                                               \
		__asm__ volatile(#op " %0, " #disp "(%1)" : "=r"(_r) : "r"(p) : "memory"); \
		_r;                                                                        \
	})
#define MERGE(op, init, p)                                                         \
	({                                                                         \
		uint32_t _r = (init);                                              \
		__asm__ volatile(#op " %0, 0(%1)" : "+r"(_r) : "r"(p) : "memory"); \
		_r;                                                                \
	})
#define STORE(op, v, p, disp) \
	__asm__ volatile(#op " %0, " #disp "(%1)" : : "r"(v), "r"(p) : "memory")

static void print_dst(const char *what)
{
	rt_printf("%s: %08x %08x %08x %08x\n", what, dst[0], dst[1], dst[2], dst[3]);
}

static void fill_dst(void)
{
	dst[0] = 0xa0a1a2a3;
	dst[1] = 0xb0b1b2b3;
	dst[2] = 0xc0c1c2c3;
	dst[3] = 0xd0d1d2d3;
}

static void loads(void)
{
	for (unsigned i = 0; i < sizeof src; i++)
		rt_printf("lb/lbu +%2u: %08x %08x\n", i, LOAD(lb, src + i, 0),
			  LOAD(lbu, src + i, 0));
	for (unsigned i = 0; i < sizeof src; i += 2)
		rt_printf("lh/lhu +%2u: %08x %08x\n", i, LOAD(lh, src + i, 0),
			  LOAD(lhu, src + i, 0));
	for (unsigned i = 0; i < sizeof src; i += 4)
		rt_printf("lw +%2u: %08x\n", i, LOAD(lw, src + i, 0));
	rt_printf("displacements: %08x %08x %08x %08x %08x\n", LOAD(lb, src + 5, -1),
		  LOAD(lh, src + 8, -2), LOAD(lw, src + 12, -8),
		  LOAD(lw, (uintptr_t)src - 0x7ffc, 0x7ffc),
		  LOAD(lhu, (uintptr_t)src + 0x8000 + 14, -0x8000));
}

static void stores(void)
{
	fill_dst();
	STORE(sb, 0x1234567f, (uint8_t *)dst + 1, 0);
	STORE(sb, 0xffffff80, (uint8_t *)dst + 6, 0);
	STORE(sh, 0x8001fffe, (uint8_t *)dst + 8, 0);
	STORE(sh, 0x00007fff, (uint8_t *)dst + 14, 0);
	STORE(sw, 0xcafebabe, (uint8_t *)dst + 8, -8);
	STORE(sb, 0x55, (uint8_t *)dst + 16, -1);
	print_dst("sb/sh/sw");
}

static void unaligned(void)
{
	for (unsigned i = 0; i < 8; i++)
		rt_printf("lwl/lwr +%u: %08x %08x\n", i, MERGE(lwl, 0x11223344, src + i),
			  MERGE(lwr, 0x11223344, src + i));
	for (unsigned i = 0; i <= 8; i++) {
		uint32_t r = 0x11223344;
		__asm__ volatile("lwl %0, 3(%1)\n\tlwr %0, 0(%1)"
				 : "+r"(r)
				 : "r"(src + i)
				 : "memory");
		rt_printf("ulw +%u: %08x\n", i, r);
	}
	for (unsigned i = 0; i < 8; i++) {
		fill_dst();
		STORE(swl, 0x11223344, (uint8_t *)dst + i, 0);
		rt_printf("swl +%u: %08x %08x %08x\n", i, dst[0], dst[1], dst[2]);
	}
	for (unsigned i = 0; i < 8; i++) {
		fill_dst();
		STORE(swr, 0x11223344, (uint8_t *)dst + i, 0);
		rt_printf("swr +%u: %08x %08x %08x\n", i, dst[0], dst[1], dst[2]);
	}
	for (unsigned i = 0; i <= 8; i++) {
		fill_dst();
		__asm__ volatile("swl %0, 3(%1)\n\tswr %0, 0(%1)"
				 :
				 : "r"(0x8899aabb), "r"((uint8_t *)dst + i)
				 : "memory");
		rt_printf("usw +%u: %08x %08x %08x %08x\n", i, dst[0], dst[1], dst[2], dst[3]);
	}
}

static void zero_register(void)
{
	uint32_t a, b;

	__asm__ volatile("lw $0, 0(%2)\n\taddiu $0, $0, 5\n\tmove %0, $0\n\t"
			 "lui $0, 0x1234\n\tor %1, $0, $0"
			 : "=r"(a), "=r"(b)
			 : "r"(src)
			 : "memory");
	rt_printf("$0 after writes: %08x %08x\n", a, b);
}

static void llsc(void)
{
	uint32_t old, ok, t;

	dst[0] = 41;
	__asm__ volatile("ll %0, 0(%3)\n\taddiu %2, %0, 1\n\tmove %1, %2\n\t"
			 "sc %1, 0(%3)"
			 : "=&r"(old), "=&r"(ok), "=&r"(t)
			 : "r"(dst)
			 : "memory");
	rt_printf("ll/sc: old %u sc %u mem %u\n", old, ok, dst[0]);

	/* The usual retry loop, with a displacement. */
	dst[1] = 100;
	__asm__ volatile(".set push\n\t.set noreorder\n"
			 "1:\tll %0, 4(%2)\n\taddiu %1, %0, 23\n\t"
			 "sc %1, 4(%2)\n\tbeqz %1, 1b\n\tnop\n\t.set pop"
			 : "=&r"(old), "=&r"(t)
			 : "r"(dst)
			 : "memory");
	rt_printf("ll/sc loop: old %u sc %u mem %u\n", old, t, dst[1]);
}

static void misc(void)
{
	__asm__ volatile("sync\n\tpref 0, 0(%0)\n\tpref 1, 4(%0)\n\tssnop\n\tehb"
			 :
			 : "r"(src)
			 : "memory");
	rt_printf("sync/pref/ssnop/ehb executed\n");
}

int main(void)
{
	rt_printf("int_mem: load/store conformance\n");
	loads();
	stores();
	unaligned();
	zero_register();
	llsc();
	misc();
	rt_printf("int_mem: done\n");
	return 0;
}
