/* guest/randinsn/randinsn.c: random instruction sequence conformance test.
 *
 * For each index i in [first, first + count): seed a PRNG from (seed, i),
 * generate a sequence (gen.c), write it into ri_code[], run it from a
 * random initial state (run.S) and hash the final GPRs, HI/LO, FCSR, FPRs
 * and scratch memory. The output is identical on every correct MIPS32r2
 * machine, so tests/random_conformance.sh compares discoflash (bare
 * flavour) with qemu-mipsel (Linux flavour) line by line.
 *
 * Parameters live in ri_params below. The bare flavour has no command line,
 * so host scripts patch the struct in the ELF file (guest/randinsn/params.sh
 * finds it by its magic); the defaults are what the build produces.
 *
 * Output, by params.verbose:
 *   0: "blk START HASH" every params.block sequences, then "total ...";
 *   1: also "seq I HASH" for every sequence;
 *   2: also a dump of every sequence: its code (as run: absolute addresses
 *      differ between flavours), input and output state. Lines starting
 *      with "out" are position independent and comparable.
 * Exit status 0, or 3 when a reserved register was changed (a generator or
 * emulator bug that makes the hash meaningless).
 */
#include "randinsn.h"
#include "rt.h"

struct ri_params {
	char magic[16];
	uint32_t seed;
	uint32_t first;
	uint32_t count;
	uint32_t block;	      /* sequences per "blk" line */
	uint32_t verbose;     /* 0, 1 or 2 */
	uint32_t flags;	      /* RI_NO_* */
	uint32_t nop_mask[2]; /* groups replaced by nops (for minimising) */
};

/* Patched in the ELF file by guest/randinsn/params.sh: keep the layout. */
__attribute__((used, aligned(16))) volatile struct ri_params ri_params = {
	.magic = "RANDINSN_PARAMS",
	.seed = 1,
	.first = 0,
	.count = 2000,
	.block = 500,
	.verbose = 0,
	.flags = 0,
	.nop_mask = {0, 0},
};

static uint32_t ri_mem[RI_MEM_BYTES / 4] __attribute__((aligned(8)));

static uint32_t fnv(uint32_t h, uint32_t w)
{
	for (int i = 0; i < 4; i++) {
		h ^= (w >> (8 * i)) & 0xff;
		h *= 16777619u;
	}
	return h;
}

#define FNV_INIT 2166136261u

static int reserved_unhashed(int r)
{
	return r == RI_REG_K0 || r == RI_REG_K1 || r == RI_REG_SP || r == RI_REG_BASE;
}

/* The value of GPR r as hashed and printed: code-relative for $1 and $31. */
static uint32_t gpr_pi(const ri_state *st, int r, uint32_t code)
{
	if (r == RI_REG_AT || r == RI_REG_RA)
		return st->gpr[r] - code;
	return reserved_unhashed(r) ? 0 : st->gpr[r];
}

static uint32_t hash_state(const ri_state *st, const uint32_t *mem, uint32_t code)
{
	uint32_t h = FNV_INIT;

	for (int r = 1; r < 32; r++)
		if (!reserved_unhashed(r))
			h = fnv(h, gpr_pi(st, r, code));
	h = fnv(h, st->hi);
	h = fnv(h, st->lo);
	h = fnv(h, st->fcsr);
	for (int f = 0; f < 32; f++)
		h = fnv(h, st->fpr[f]);
	for (int i = 0; i < RI_MEM_BYTES / 4; i++)
		h = fnv(h, mem[i]);
	return h;
}

static void dump_words(const char *tag, const uint32_t *w, int n)
{
	for (int i = 0; i < n; i += 8) {
		rt_printf("%s %02x:", tag, i);
		for (int k = i; k < i + 8 && k < n; k++)
			rt_printf(" %08x", w[k]);
		rt_printf("\n");
	}
}

static void dump_state(const char *io, const ri_state *st, const uint32_t *mem, uint32_t code)
{
	char tag[16];
	uint32_t g[32];

	for (int r = 0; r < 32; r++)
		g[r] = gpr_pi(st, r, code);
	rt_printf("%s gpr  (r1, r31 code-relative; r26 r27 r29 r30 not compared)\n", io);
	rt_memcpy(tag, io, 4);
	rt_memcpy(tag + 3, " gpr", 5);
	dump_words(tag, g, 32);
	rt_printf("%s hi %08x lo %08x fcsr %08x\n", io, st->hi, st->lo, st->fcsr);
	rt_memcpy(tag + 3, " fpr", 5);
	dump_words(tag, st->fpr, 32);
	rt_memcpy(tag + 3, " mem", 5);
	dump_words(tag, mem, RI_MEM_BYTES / 4);
}

static void dump_code(const ri_seq *s, const uint32_t *code, uint32_t nwords)
{
	unsigned w = 0;

	rt_printf("code base %08x words %u groups %u\n", (uint32_t)(uintptr_t)code, nwords,
		  s->ngroups);
	for (unsigned i = 0; i < s->ngroups; i++) {
		rt_printf("group %u:", i);
		for (unsigned k = 0; k < s->g[i].n; k++)
			rt_printf(" %08x", code[w++]);
		rt_printf("\n");
	}
	rt_printf("tail:");
	while (w < nwords)
		rt_printf(" %08x", code[w++]);
	rt_printf("\n");
}

/* Makes the new code visible to instruction fetch (MIPS32r2 user-mode
 * sequence: synci per line, sync, then ri_run's jr.hb). 16 bytes is no
 * larger than any implementation's line. */
static void sync_icache(const void *p, unsigned bytes)
{
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)15;

	for (; a < (uintptr_t)p + bytes; a += 16)
		__asm__ volatile("synci 0(%0)" : : "r"(a) : "memory");
	__asm__ volatile("sync" : : : "memory");
}

int main(void)
{
	struct ri_params p;
	static ri_seq seq;
	static ri_state in, st;
	static uint32_t mem_in[RI_MEM_BYTES / 4];
	uint32_t code = (uint32_t)(uintptr_t)ri_code;
	uint32_t total = FNV_INIT, blk = FNV_INIT;

	p.seed = ri_params.seed;
	p.first = ri_params.first;
	p.count = ri_params.count;
	p.block = ri_params.block ? ri_params.block : 1;
	p.verbose = ri_params.verbose;
	p.flags = ri_params.flags;
	p.nop_mask[0] = ri_params.nop_mask[0];
	p.nop_mask[1] = ri_params.nop_mask[1];

	rt_printf("randinsn seed %u first %u count %u flags %x nop_mask %08x%08x\n", p.seed,
		  p.first, p.count, p.flags, p.nop_mask[1], p.nop_mask[0]);

	for (uint32_t n = 0; n < p.count; n++) {
		uint32_t i = p.first + n, h, nwords;
		ri_rng rng;

		ri_rng_seed(&rng, p.seed, i);
		ri_gen_seq(&seq, &rng, p.flags);
		ri_gen_state(&in, mem_in, &rng, p.flags);
		in.gpr[RI_REG_AT] = code + ri_rand(&rng);
		in.gpr[RI_REG_RA] = code + ri_rand(&rng);
		in.gpr[RI_REG_K0] = 0;
		in.gpr[RI_REG_K1] = 0;
		in.gpr[RI_REG_SP] = 0;
		in.gpr[RI_REG_BASE] = (uint32_t)(uintptr_t)ri_mem + RI_BASE_OFF;

		nwords = ri_gen_emit(&seq, ri_code, (uint32_t)(uintptr_t)ri_save, p.nop_mask);
		sync_icache(ri_code, 4 * nwords);
		st = in;
		rt_memcpy(ri_mem, mem_in, sizeof ri_mem);
		ri_run(&st, ri_code);

		if (st.gpr[0] != 0 || st.gpr[RI_REG_SP] != st.host_sp ||
		    st.gpr[RI_REG_BASE] != in.gpr[RI_REG_BASE]) {
			rt_printf("FATAL seq %u: reserved register changed: r0 %08x sp %08x/%08x "
				  "r30 %08x/%08x\n",
				  i, st.gpr[0], st.gpr[RI_REG_SP], st.host_sp, st.gpr[RI_REG_BASE],
				  in.gpr[RI_REG_BASE]);
			rt_exit(3);
		}
		h = hash_state(&st, ri_mem, code);
		if (p.verbose >= 2) {
			rt_printf("seq %u dump\n", i);
			dump_code(&seq, ri_code, nwords);
			dump_state("in ", &in, mem_in, code);
			dump_state("out", &st, ri_mem, code);
		}
		if (p.verbose >= 1)
			rt_printf("seq %u %08x\n", i, h);
		blk = fnv(blk, h);
		total = fnv(total, h);
		if ((n + 1) % p.block == 0 || n + 1 == p.count) {
			rt_printf("blk %u %08x\n", i - n % p.block, blk);
			blk = FNV_INIT;
		}
	}
	rt_printf("total seed %u first %u count %u hash %08x\n", p.seed, p.first, p.count, total);
	rt_exit(0);
}
