/* guest/hostile/canary.c: a victim for isolation tests.
 *
 * Runs in a virtual machine next to one running hostile.elf and checks that
 * nothing the neighbour does reaches its memory: it fills CANARY_BYTES of
 * its RAM from physical CANARY_BASE (through KSEG0) with a pattern derived
 * from each word's physical address and a generation number, then for
 * CANARY_ROUNDS rounds reads the whole region back, comparing every word
 * with the pattern of the current generation, and rewrites it with the next
 * one (so lost or stale writes show up as well as foreign ones). Each clean
 * round prints `canary: round R ok`; the first wrong word prints `canary:
 * CORRUPTED at 0x<physical address> ...` and powers off with 1. After the
 * last round it prints `canary: intact` and powers off with 0. Any exception
 * is a failure too: it prints `canary: FAILED: exception ...` and exits 99.
 * Built with -DCANARY_CORRUPT_ROUND=R it flips a bit itself before round R,
 * to check that the corruption report works.
 *
 * The region must lie above the program (bare.ld puts it at physical 1 MiB,
 * well under 1 MiB long) and inside the RAM MAGIC reports (when there is a
 * MAGIC block: the fast memory model has none); it is shortened to fit the
 * RAM if necessary.
 */
#include "rt.h"

#ifndef CANARY_ROUNDS
#define CANARY_ROUNDS 50
#endif
#ifndef CANARY_BASE
#define CANARY_BASE 0x00200000u /* physical */
#endif
#ifndef CANARY_BYTES
#define CANARY_BYTES 0x00400000u
#endif

#define KSEG0(pa) (0x80000000u | (uint32_t)(pa))
#define KSEG1(pa) (0xa0000000u | (uint32_t)(pa))
#define MAGIC_PA 0x1f100000u /* node 0's MAGIC block: node/magic_regs.h */
#define MAGIC_ID_VALUE 0x4347414du
#define MAGIC_MEM_SIZE 0x01cu

extern char rt__exc_stack_top[];

/* uint32_t probe_lw(uint32_t addr): a load that may raise a bus error (the
 * fast memory model has no MAGIC block); on_exception resumes after it with
 * probe_failed set. Any other exception ends the run like rt's default. */
uint32_t probe_lw(uint32_t addr);
__asm__(".text\n\t.set push\n\t.set noreorder\n"
	".globl probe_lw\n.type probe_lw, @function\nprobe_lw:\n"
	"\tlw $2, 0($4)\n\tjr $31\n\tnop\n"
	".size probe_lw, . - probe_lw\n\t.set pop\n");
static volatile int probe_failed;

static void on_exception(rt_frame *f)
{
	if (f->epc == (uint32_t)(uintptr_t)probe_lw) {
		probe_failed = 1;
		f->r[2] = 0;
		f->epc += 4;
		return;
	}
	rt_printf("canary: FAILED: exception ExcCode %u at epc %08x badvaddr %08x cause %08x\n",
		  (f->cause >> 2) & 31, f->epc, f->badvaddr, f->cause);
	rt_exit(99);
}

/* The word expected at physical address pa in generation g: a mix of both,
 * so that a word copied from elsewhere or from another round never matches. */
static uint32_t pattern(uint32_t pa, uint32_t g)
{
	uint32_t x = pa * 0x9e3779b1u ^ (g + 1) * 0x85ebca6bu;

	x ^= x >> 15;
	x *= 0x2c1b3c6du;
	x ^= x >> 12;
	return x ^ pa;
}

static void fill(uint32_t base, uint32_t bytes, uint32_t g)
{
	volatile uint32_t *p = (volatile uint32_t *)KSEG0(base);

	for (uint32_t off = 0; off < bytes; off += 4)
		p[off / 4] = pattern(base + off, g);
}

/* Verifies generation g and rewrites the region with generation g + 1. */
static void verify_and_refill(uint32_t base, uint32_t bytes, uint32_t g, uint32_t round)
{
	volatile uint32_t *p = (volatile uint32_t *)KSEG0(base);

	for (uint32_t off = 0; off < bytes; off += 4) {
		uint32_t want = pattern(base + off, g), got = p[off / 4];

		if (got != want) {
			rt_printf("canary: CORRUPTED at 0x%08x (physical) in round %u: read %08x, "
				  "expected %08x\n",
				  base + off, round, got, want);
			rt_exit(1);
		}
		p[off / 4] = pattern(base + off, g + 1);
	}
}

int main(void)
{
	uint32_t image_end = (uint32_t)(uintptr_t)rt__exc_stack_top & 0x1fffffffu;
	uint32_t base = CANARY_BASE, bytes = CANARY_BYTES, ram = 0;

	rt_set_exception_handler(on_exception);
	if (probe_lw(KSEG1(MAGIC_PA)) == MAGIC_ID_VALUE && !probe_failed)
		ram = probe_lw(KSEG1(MAGIC_PA + MAGIC_MEM_SIZE));
	if (image_end > base) {
		rt_printf("canary: the program ends at %08x, above the region at %08x\n", image_end,
			  base);
		rt_exit(2);
	}
	if (ram && base + bytes > ram) {
		if (ram <= base + 0x10000) {
			rt_printf("canary: RAM is only %u KiB\n", ram / 1024);
			rt_exit(2);
		}
		bytes = ram - base;
	}
	rt_printf("canary: region %08x-%08x (physical), %u rounds\n", base, base + bytes,
		  CANARY_ROUNDS);

	fill(base, bytes, 0);
	for (uint32_t r = 1; r <= CANARY_ROUNDS; r++) {
#ifdef CANARY_CORRUPT_ROUND /* self-test: this round must report corruption */
		if (r == CANARY_CORRUPT_ROUND)
			((volatile uint32_t *)KSEG0(base))[bytes / 8] ^= 0x100;
#endif
		verify_and_refill(base, bytes, r - 1, r);
		rt_printf("canary: round %u ok\n", r);
	}
	verify_and_refill(base, bytes, CANARY_ROUNDS, CANARY_ROUNDS + 1);
	rt_printf("canary: intact\n");
	rt_exit(0);
}
