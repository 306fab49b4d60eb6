/* node/decode.h: MIPS32r2 instruction pre-decoding and the decoded-page cache.
 *
 * Instructions are decoded once into node_insn records, kept per physical
 * page and shared by every CPU of the node. Decoding is lazy: a fresh page is
 * all OP_DECODE, and executing such an entry decodes that one word. A write to
 * a page with decoded code (CPU slow path or DMA, see node/mem.c) resets the
 * affected 128-byte chunks to OP_DECODE, so self-modifying code and code
 * written by Linux at boot (TLB handlers, uasm) always run as written.
 */
#ifndef NODE_DECODE_H
#define NODE_DECODE_H

#include <stdint.h>

#include "node/mem.h"

/* Every operation the interpreter knows (node/cpu.c has one handler each). */
/* clang-format off */
#define NODE_OPS(X)                                                                        \
	X(DECODE) X(PAGE_END) X(RI) X(CPU_UNUSABLE) X(NOP)                                  \
	X(SLL) X(SRL) X(SRA) X(SLLV) X(SRLV) X(SRAV) X(ROTR) X(ROTRV)                       \
	X(JR) X(JALR) X(MOVZ) X(MOVN) X(SYSCALL) X(BREAK) X(SYNC)                           \
	X(MFHI) X(MTHI) X(MFLO) X(MTLO) X(MULT) X(MULTU) X(DIV) X(DIVU)                     \
	X(ADD) X(ADDU) X(SUB) X(SUBU) X(AND) X(OR) X(XOR) X(NOR) X(SLT) X(SLTU)             \
	X(TGE) X(TGEU) X(TLT) X(TLTU) X(TEQ) X(TNE) X(MOVF) X(MOVT)                        \
	X(BLTZ) X(BGEZ) X(BLTZL) X(BGEZL) X(BLTZAL) X(BGEZAL) X(BLTZALL) X(BGEZALL)         \
	X(TGEI) X(TGEIU) X(TLTI) X(TLTIU) X(TEQI) X(TNEI) X(SYNCI)                          \
	X(J) X(JAL) X(BEQ) X(BNE) X(BLEZ) X(BGTZ) X(BEQL) X(BNEL) X(BLEZL) X(BGTZL)         \
	X(B) X(BAL)                                                                         \
	X(ADDI) X(ADDIU) X(SLTI) X(SLTIU) X(ANDI) X(ORI) X(XORI) X(LUI)                    \
	X(MFC0) X(MTC0) X(TLBR) X(TLBWI) X(TLBWR) X(TLBP) X(ERET) X(WAIT) X(DI) X(EI)       \
	X(MFC1) X(MTC1) X(CFC1) X(CTC1) X(MFHC1) X(MTHC1) X(BC1F) X(BC1T) X(BC1FL) X(BC1TL) \
	X(FPU) X(FMOVN) X(FMOVZ) X(LWXC1) X(LDXC1) X(SWXC1) X(SDXC1) X(PREFX)               \
	X(MADD) X(MADDU) X(MUL) X(MSUB) X(MSUBU) X(CLZ) X(CLO)                              \
	X(EXT) X(INS) X(WSBH) X(SEB) X(SEH) X(RDHWR)                                        \
	X(LB) X(LH) X(LWL) X(LW) X(LBU) X(LHU) X(LWR) X(SB) X(SH) X(SWL) X(SW) X(SWR)        \
	X(CACHE) X(LL) X(SC) X(LWC1) X(LDC1) X(SWC1) X(SDC1) X(PREF)
/* clang-format on */

enum node_op {
#define NODE_OP_ENUM(n) NODE_OP_##n,
	NODE_OPS(NODE_OP_ENUM)
#undef NODE_OP_ENUM
		NODE_OP_COUNT
};

/* A decoded instruction. Register fields name the operands the handler
 * uses; a destination that is $zero is rewritten to NODE_REG_SINK so that
 * handlers never test for it. */
typedef struct node_insn {
	uint16_t op;
	uint8_t rs, rt, rd, sa;
	uint16_t aux; /* CP0 select, FPU op index, cop number, ... */
	uint32_t imm; /* immediate, already sign- or zero-extended */
	uint32_t raw; /* the instruction word */
} node_insn;

#define NODE_REG_SINK 32
#define NODE_INSNS_PER_PAGE (NODE_PAGE_SIZE / 4)
#define NODE_CHUNK_SHIFT 7 /* invalidation granule: 128 bytes = 32 words */

typedef struct node_decode_page {
	uint32_t ppn;
	uint32_t chunks; /* bit c: chunk c holds decoded entries */
	/* One entry per word, plus a PAGE_END sentinel for falling off the end. */
	node_insn insn[NODE_INSNS_PER_PAGE + 1];
} node_decode_page;

/* Decodes one instruction word. Never fails: unknown encodings become
 * NODE_OP_RI, COP2/COP3 become NODE_OP_CPU_UNUSABLE. */
void node_decode_insn(uint32_t raw, node_insn *out);
/* The same for the word at index idx of its page; PC-relative branches then
 * also get, in aux, the index of their target in the same page (or
 * NODE_NO_TARGET when it lies in another page) and, in rd, 1 when the branch
 * is the page's last word (its fall-through pc+8 is then past the next
 * page's first word). BC1x keep their condition code in sa. */
void node_decode_insn_at(uint32_t raw, unsigned idx, node_insn *out);
#define NODE_NO_TARGET 0xffffu

/* The decoded page for physical page ppn (which must be RAM), created on
 * first use; creating it revokes the CPUs' fast write translations of the
 * page. Returns NULL when out of host memory. */
node_decode_page *node_decode_page_get(node_mem *mem, uint32_t ppn);
/* Resets the decoded entries overlapping [off, off+len) of the page. */
void node_decode_invalidate(node_decode_page *page, uint32_t off, uint32_t len);
/* Frees every decoded page of mem. */
void node_decode_destroy(node_mem *mem);

#endif
