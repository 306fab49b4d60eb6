/* node/fpu.h: the MIPS32r2 floating-point unit (COP1) in FR=0 mode.
 *
 * State and arithmetic of the FPU, bit-identical to qemu-mipsel for o32 code:
 * single, double and word formats, legacy (pre-2008) NaN encoding, FCSR
 * rounding modes, flags, cause bits and enables.
 *
 * The CPU interpreter (node/cpu.c) owns the instruction stream. It handles the
 * COP1 moves and branches itself (mfc1/mtc1/mfhc1/mthc1/cfc1/ctc1, bc1t/bc1f,
 * lwc1/swc1/ldc1/sdc1 and the indexed forms, and the integer movf/movt) using
 * the accessors below, and hands every arithmetic, compare, conversion and
 * conditional-move instruction (COP1 with fmt S, D, W and COP1X
 * madd/msub/nmadd/nmsub) to this module in two steps:
 *   1. node_fpu_decode() once, when the instruction is pre-decoded;
 *   2. node_fpu_ops[op](fpu, args) each time it executes.
 * Status.CU1 is checked by the CPU before either step.
 */
#ifndef NODE_FPU_H
#define NODE_FPU_H

#include <stdint.h>

/* FCSR (FCR31) fields. */
#define NODE_FCSR_RM_MASK 0x00000003u	 /* rounding mode: 0 RN, 1 RZ, 2 RP, 3 RM */
#define NODE_FCSR_FLAGS_SHIFT 2		 /* flags V Z O U I at bits 6..2 */
#define NODE_FCSR_ENABLES_SHIFT 7	 /* enables V Z O U I at bits 11..7 */
#define NODE_FCSR_CAUSE_SHIFT 12	 /* cause E V Z O U I at bits 17..12 */
#define NODE_FCSR_FS 0x01000000u	 /* flush to zero (bit 24): see fpu.c */
#define NODE_FCSR_CC0 0x00800000u	 /* condition code 0 (bit 23); cc1..7 are bits 25..31 */
#define NODE_FCSR_CAUSE_MASK 0x0003f000u /* cause E V Z O U I */
#define NODE_FCSR_WRITABLE 0xff83ffffu	 /* bits ctc1 $31 can change */

/* Exception bits, in the order of the FCSR fields (shift by the field). */
#define NODE_FPE_I 0x01u /* inexact */
#define NODE_FPE_U 0x02u /* underflow */
#define NODE_FPE_O 0x04u /* overflow */
#define NODE_FPE_Z 0x08u /* divide by zero */
#define NODE_FPE_V 0x10u /* invalid operation */
#define NODE_FPE_E 0x20u /* unimplemented operation (cause only) */

/* FIR (FCR0) of the modelled FPU: 24Kf-like (ProcessorID 0x93), F64=0, no
 * long format, no paired single, S, D and W formats. This deliberately
 * differs from qemu-mipsel's 24Kf, which reads 0x00739300 (F64 and L set)
 * although it runs o32 code in FR=0: a guest kernel must not believe it can
 * switch to FR=1. */
#define NODE_FIR_VALUE 0x00139300u

typedef struct node_fpu {
	/* FR=0: 32 single registers; double register 2k is fpr[2k] (low word)
	 * and fpr[2k+1] (high word). Aligned so that a pair reads as a double. */
	_Alignas(8) uint32_t fpr[32];
	uint32_t fcsr; /* FCR31 */
} node_fpu;

/* Operands of a pre-decoded FPU instruction. fd, fs, ft, fr are register
 * numbers; cc is a condition-code number (c.cond.fmt, movf/movt.fmt).
 *
 * gpr is the one per-execution operand: movz.fmt/movn.fmt test GPR rt,
 * whose number node_fpu_decode() leaves in .ft. The CPU sets
 * a.gpr = GPR[a.ft] just before calling the op; every other op ignores it,
 * so filling it unconditionally for all FPU ops is correct (and cheap).
 * node_fpu_decode() sets it to 0. */
typedef struct node_fpu_args {
	uint8_t fd, fs, ft, fr_cc;
	uint32_t gpr;
} node_fpu_args;

/* Result of executing an FPU operation. */
enum {
	NODE_FPU_OK = 0,   /* result written, FCSR updated */
	NODE_FPU_TRAP = 1, /* an enabled IEEE exception (or E): raise FPE; the
			    * destination is unchanged and FCSR.cause says why */
};

typedef int (*node_fpu_op_fn)(node_fpu *fpu, node_fpu_args a);

/* Decodes an arithmetic/compare/convert/conditional-move FPU instruction:
 * opcode 0x11 (COP1) with fmt S (16), D (17) or W (20), or opcode 0x13
 * (COP1X) madd/msub/nmadd/nmsub .s/.d. Returns the op index (>= 1) and fills
 * *a, or 0 when the encoding is not an instruction of this FPU (the CPU then
 * raises Reserved Instruction). Moves, branches and loads/stores are not
 * decoded here and return 0.
 *
 * Accepted, as qemu-mipsel's 24Kf does in FR=0: S add sub mul div sqrt abs
 * mov neg round/trunc/ceil/floor.w movf/movt movz/movn recip rsqrt cvt.d
 * cvt.w c.cond; D the same plus cvt.s; W cvt.s cvt.d; COP1X
 * madd/msub/nmadd/nmsub .s .d. Rejected (0): the L and PS formats, *.l.fmt
 * and cvt.l/cvt.ps (FR=0), reserved functions, and a .d operand that names
 * an odd register (an FR=0 pair must be even; only the operands that are
 * doubles are checked: cvt.w.d may write an odd register, cvt.d.s read
 * one). movf/movt/movz/movn.d accept odd numbers and, like QEMU, use the
 * pair reg & ~1 (decode rounds them down). Fields an instruction does not
 * use are ignored (e.g. ft of sqrt, the low two bits of c.cond's cc field,
 * bit 17 of movf/movt). */
unsigned node_fpu_decode(uint32_t insn, node_fpu_args *a);

/* Op table, indexed by what node_fpu_decode() returned (never 0).
 *
 * An op returns NODE_FPU_OK after writing its destination (FPR, FPR pair or
 * condition code) and FCSR: cause = this op's exceptions (V Z O U I), flags
 * |= cause. It returns NODE_FPU_TRAP when one of those exceptions is
 * enabled: then only the cause field changed (flags and destination did
 * not) and the CPU raises the Floating-Point exception. abs, neg, mov and
 * the conditional moves never trap and leave FCSR entirely alone (QEMU
 * does not even clear the cause for them). No op ever sets cause E.
 *
 * Host contract: ops run on the calling thread's floating-point unit and
 * expect its default environment (round to nearest, no flush-to-zero or
 * denormals-are-zero), which every thread starts with; an op that needs
 * another rounding mode sets it and restores the caller's environment
 * before returning. Ops keep no state outside *fpu: several FPUs may run
 * on different threads at once. */
extern const node_fpu_op_fn node_fpu_ops[];

/* Reset state: all registers 0, FCSR 0. */
void node_fpu_reset(node_fpu *fpu);

/* ctc1 to FCSR (31), FEXR (26), FENR (28), FCCR (25): writes the register
 * with its read-only bits preserved (FCSR bits 22..18 read as 0). As in
 * qemu-mipsel, a write to FCCR with bits 31..8 set, or to FEXR/FENR with
 * bits 22..18 set, is ignored, and so is a write to any other register.
 * Returns NODE_FPU_TRAP when a write that took effect leaves a cause bit set
 * whose enable is set, or cause E set (MIPS raises FPE on ctc1 then; FCSR
 * keeps the new value). */
int node_fpu_ctc1(node_fpu *fpu, unsigned reg, uint32_t value);
/* cfc1 from FIR (0), FCCR (25), FEXR (26), FENR (28), FCSR (31). As in
 * qemu-mipsel, registers 1 and 5 (UFR/FRE, not implemented) read as 0 and
 * every other number reads as FCSR. */
uint32_t node_fpu_cfc1(const node_fpu *fpu, unsigned reg);

/* Condition code cc (0..7) as 0/1. */
static inline int node_fpu_cc(const node_fpu *fpu, unsigned cc)
{
	unsigned bit = cc ? 24 + cc : 23;
	return (fpu->fcsr >> bit) & 1;
}

#endif
