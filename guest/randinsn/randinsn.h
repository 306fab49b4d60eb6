/* guest/randinsn/randinsn.h: shared definitions of the random instruction
 * sequence test (randinsn.c drives it, gen.c generates the code, run.S
 * enters and leaves it).
 *
 * One "sequence" is a straight-line-with-forward-branches block of random
 * MIPS32r2 user instructions written into ri_code[], entered with every
 * GPR, HI/LO, FPR and FCSR set from an ri_state and left through ri_save,
 * which stores them back into the same ri_state. The final state plus the
 * 256-byte scratch area that the loads and stores use is hashed; the hash
 * is position independent, so the bare flavour (KSEG0) and the Linux
 * flavour (qemu-mipsel, user segment) must print the same hashes.
 *
 * Reserved registers (never read or written by random instructions):
 *   $1  (at)  jump-register target; holds code addresses only
 *   $26 (k0)  entry/exit of the sequence (run.S, the tail)
 *   $27 (k1)  unused (an exception would clobber it)
 *   $29 (sp)  the host stack
 *   $30 (s8)  scratch base: &ri_mem[RI_BASE_OFF]
 *   $31 (ra)  link register of bal/jal/jalr; holds code addresses only
 * $1 and $31 start as code base + a random value and are hashed as value
 * minus code base. $26, $27, $29 and $30 are not hashed.
 */
#ifndef RANDINSN_H
#define RANDINSN_H

/* ri_state layout, in bytes (run.S uses these). */
#define RI_GPR 0       /* uint32_t gpr[32] */
#define RI_HI 128      /* uint32_t */
#define RI_LO 132      /* uint32_t */
#define RI_FCSR 136    /* uint32_t */
#define RI_HOST_SP 140 /* uint32_t, written by ri_run */
#define RI_FPR 144     /* uint32_t fpr[32], 8-aligned: FR=0 pairs */
#define RI_STATE_SIZE 272

#define RI_CODE_BYTES 4096 /* one page: ri_code[] is page aligned */
#define RI_MEM_BYTES 256   /* scratch area reached by loads/stores */
#define RI_BASE_OFF 128	   /* $30 = ri_mem + RI_BASE_OFF: offsets -128..127 */

#define RI_REG_AT 1
#define RI_REG_K0 26
#define RI_REG_K1 27
#define RI_REG_SP 29
#define RI_REG_BASE 30
#define RI_REG_RA 31

#ifndef __ASSEMBLER__
#include <stdint.h>

typedef struct ri_state {
	uint32_t gpr[32];
	uint32_t hi, lo;
	uint32_t fcsr;
	uint32_t host_sp;
	_Alignas(8) uint32_t fpr[32];
} ri_state;

_Static_assert(sizeof(ri_state) == RI_STATE_SIZE, "ri_state layout");
_Static_assert(__builtin_offsetof(ri_state, fpr) == RI_FPR, "ri_state.fpr");
_Static_assert(__builtin_offsetof(ri_state, host_sp) == RI_HOST_SP, "ri_state.host_sp");

/* Categories that the params.flags word can switch off (for narrowing down
 * a mismatch). */
#define RI_NO_FP 0x01u	   /* no FPU instructions; FPRs/FCSR still hashed */
#define RI_NO_BRANCH 0x02u /* no branches or jumps */
#define RI_NO_MEM 0x04u	   /* no loads or stores */
#define RI_NO_MULDIV 0x08u /* no HI/LO instructions */
#define RI_NO_FS 0x10u	   /* never set FCSR.FS (flush to zero) */
#define RI_NO_FCSR 0x20u   /* FCSR starts 0, no ctc1/cfc1 */

/* The PRNG: xoshiro128**, seeded from (seed, index). */
typedef struct ri_rng {
	uint32_t s[4];
} ri_rng;

void ri_rng_seed(ri_rng *r, uint32_t seed, uint32_t index);
uint32_t ri_rand(ri_rng *r);
uint32_t ri_below(ri_rng *r, uint32_t n); /* uniform in [0, n), n >= 1 */

/* A group is one or more instructions that always execute together: branch
 * targets only land on group starts, and a branch's delay slot is in the
 * branch's own group. */
#define RI_GROUPS_MAX 48
#define RI_GROUP_WORDS 5

enum {
	RI_FIX_NONE,
	RI_FIX_BRANCH, /* w[at]: 16-bit PC-relative offset to group target */
	RI_FIX_JABS,   /* w[at]: j/jal 26-bit target */
	RI_FIX_JREG,   /* w[at], w[at+1]: lui/ori $1 with the target address */
};

typedef struct ri_group {
	uint8_t n;	/* words used */
	uint8_t fix;	/* RI_FIX_* */
	uint8_t at;	/* word to fix */
	uint8_t target; /* target group (> own index); ngroups = the tail */
	uint32_t w[RI_GROUP_WORDS];
} ri_group;

typedef struct ri_seq {
	unsigned ngroups;
	ri_group g[RI_GROUPS_MAX];
} ri_seq;

/* Generates a sequence; draws from r only. */
void ri_gen_seq(ri_seq *s, ri_rng *r, uint32_t flags);
/* Fills the initial state and scratch memory (not $1/$26/$27/$29/$30/$31,
 * which the driver sets); draws from r only. */
void ri_gen_state(ri_state *st, uint32_t *mem, ri_rng *r, uint32_t flags);
/* Writes the sequence plus the exit tail (a jump to save_addr through $26)
 * at code (whose run-time address it is), with the groups whose bit is set
 * in nop_mask replaced by nops. Returns the number of words written. */
unsigned ri_gen_emit(const ri_seq *s, uint32_t *code, uint32_t save_addr,
		     const uint32_t nop_mask[2]);

/* run.S */
extern uint32_t ri_code[RI_CODE_BYTES / 4];
void ri_run(ri_state *st, uint32_t *code);
void ri_save(void);
#endif

#endif
