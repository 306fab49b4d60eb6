/* node/decode.c: MIPS32r2 instruction decoding and the decoded-page cache
 * (see node/decode.h). */
#include "node/decode.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "node/cpu.h"
#include "node/fpu.h"

static inline uint8_t dst(unsigned r)
{
	return r ? (uint8_t)r : NODE_REG_SINK;
}

static void decode_special(uint32_t w, node_insn *d)
{
	unsigned rs = (w >> 21) & 31, rt = (w >> 16) & 31, rd = (w >> 11) & 31, sa = (w >> 6) & 31;
	d->rs = rs;
	d->rt = rt;
	d->rd = dst(rd);
	d->sa = sa;
	switch (w & 63) {
	case 0: d->op = rd == 0 ? NODE_OP_NOP : NODE_OP_SLL; break;
	case 1:
		d->op = (w >> 16) & 1 ? NODE_OP_MOVT : NODE_OP_MOVF;
		d->aux = (w >> 18) & 7;
		break;
	case 2: d->op = rs == 1 ? NODE_OP_ROTR : rs == 0 ? NODE_OP_SRL : NODE_OP_RI; break;
	case 3: d->op = NODE_OP_SRA; break;
	case 4: d->op = NODE_OP_SLLV; break;
	case 6: d->op = sa == 1 ? NODE_OP_ROTRV : sa == 0 ? NODE_OP_SRLV : NODE_OP_RI; break;
	case 7: d->op = NODE_OP_SRAV; break;
	case 8: d->op = NODE_OP_JR; break;
	case 9: d->op = NODE_OP_JALR; break;
	case 10: d->op = NODE_OP_MOVZ; break;
	case 11: d->op = NODE_OP_MOVN; break;
	case 12: d->op = NODE_OP_SYSCALL; break;
	case 13: d->op = NODE_OP_BREAK; break;
	case 15: d->op = NODE_OP_SYNC; break;
	case 16: d->op = NODE_OP_MFHI; break;
	case 17: d->op = NODE_OP_MTHI; break;
	case 18: d->op = NODE_OP_MFLO; break;
	case 19: d->op = NODE_OP_MTLO; break;
	case 24: d->op = NODE_OP_MULT; break;
	case 25: d->op = NODE_OP_MULTU; break;
	case 26: d->op = NODE_OP_DIV; break;
	case 27: d->op = NODE_OP_DIVU; break;
	case 32: d->op = NODE_OP_ADD; break;
	case 33: d->op = NODE_OP_ADDU; break;
	case 34: d->op = NODE_OP_SUB; break;
	case 35: d->op = NODE_OP_SUBU; break;
	case 36: d->op = NODE_OP_AND; break;
	case 37: d->op = NODE_OP_OR; break;
	case 38: d->op = NODE_OP_XOR; break;
	case 39: d->op = NODE_OP_NOR; break;
	case 42: d->op = NODE_OP_SLT; break;
	case 43: d->op = NODE_OP_SLTU; break;
	case 48: d->op = NODE_OP_TGE; break;
	case 49: d->op = NODE_OP_TGEU; break;
	case 50: d->op = NODE_OP_TLT; break;
	case 51: d->op = NODE_OP_TLTU; break;
	case 52: d->op = NODE_OP_TEQ; break;
	case 54: d->op = NODE_OP_TNE; break;
	default: d->op = NODE_OP_RI; break;
	}
}

static void decode_regimm(uint32_t w, node_insn *d)
{
	static const uint16_t ops[32] = {
		[0] = NODE_OP_BLTZ,	[1] = NODE_OP_BGEZ,	[2] = NODE_OP_BLTZL,
		[3] = NODE_OP_BGEZL,	[8] = NODE_OP_TGEI,	[9] = NODE_OP_TGEIU,
		[10] = NODE_OP_TLTI,	[11] = NODE_OP_TLTIU,	[12] = NODE_OP_TEQI,
		[14] = NODE_OP_TNEI,	[16] = NODE_OP_BLTZAL,	[17] = NODE_OP_BGEZAL,
		[18] = NODE_OP_BLTZALL, [19] = NODE_OP_BGEZALL, [31] = NODE_OP_SYNCI,
	};
	unsigned rt = (w >> 16) & 31;
	d->rs = (w >> 21) & 31;
	d->op = ops[rt] ? ops[rt] : NODE_OP_RI;
	if (d->op == NODE_OP_BGEZAL && d->rs == 0)
		d->op = NODE_OP_BAL;
	/* traps and synci take the offset as is, branches in words */
	bool words = !(d->op >= NODE_OP_TGEI && d->op <= NODE_OP_TNEI) && d->op != NODE_OP_SYNCI;
	d->imm = (uint32_t)(int32_t)(int16_t)w << (words ? 2 : 0);
}

static void decode_cop0(uint32_t w, node_insn *d)
{
	unsigned rs = (w >> 21) & 31;
	d->rt = (w >> 16) & 31;
	d->rd = (w >> 11) & 31;
	d->aux = w & 7;
	if (rs == 0) {
		d->op = NODE_OP_MFC0;
		d->rt = dst(d->rt);
	} else if (rs == 4) {
		d->op = NODE_OP_MTC0;
	} else if (rs == 11 && d->rd == 12 && (w & 0x7ff) == ((w & 0x20) | 0)) {
		d->op = (w & 0x20) ? NODE_OP_EI : NODE_OP_DI;
		d->rt = dst(d->rt);
	} else if (rs >= 16) {
		switch (w & 63) {
		case 1: d->op = NODE_OP_TLBR; break;
		case 2: d->op = NODE_OP_TLBWI; break;
		case 6: d->op = NODE_OP_TLBWR; break;
		case 8: d->op = NODE_OP_TLBP; break;
		case 24: d->op = NODE_OP_ERET; break;
		case 32: d->op = NODE_OP_WAIT; break;
		default: d->op = NODE_OP_RI; break;
		}
	} else {
		d->op = NODE_OP_RI;
	}
}

static void decode_fpu_arith(uint32_t w, node_insn *d)
{
	node_fpu_args a;
	unsigned idx = node_fpu_decode(w, &a);
	if (!idx) {
		d->op = NODE_OP_RI;
		return;
	}
	d->op = NODE_OP_FPU;
	d->aux = (uint16_t)idx;
	d->rd = a.fd;
	d->rs = a.fs;
	d->rt = a.ft;
	d->sa = a.fr_cc;
}

static void decode_cop1(uint32_t w, node_insn *d)
{
	unsigned rs = (w >> 21) & 31, rt = (w >> 16) & 31, fs = (w >> 11) & 31, fd = (w >> 6) & 31;
	unsigned funct = w & 63;
	d->rt = rt;
	d->rd = fs;
	switch (rs) {
	case 0:
		d->op = NODE_OP_MFC1;
		d->rt = dst(rt);
		return;
	case 2:
		d->op = NODE_OP_CFC1;
		d->rt = dst(rt);
		return;
	case 3:
		d->op = NODE_OP_MFHC1;
		d->rt = dst(rt);
		return;
	case 4: d->op = NODE_OP_MTC1; return;
	case 6: d->op = NODE_OP_CTC1; return;
	case 7: d->op = NODE_OP_MTHC1; return;
	case 8: {
		static const uint16_t bc[4] = {NODE_OP_BC1F, NODE_OP_BC1T, NODE_OP_BC1FL,
					       NODE_OP_BC1TL};
		d->op = bc[rt & 3];
		d->sa = (rt >> 2) & 7; /* condition code */
		d->imm = (uint32_t)(int32_t)(int16_t)w << 2;
		return;
	}
	case 16: /* S */
	case 17: /* D */
		if (funct == 0x12 || funct == 0x13) {
			/* movz.fmt / movn.fmt: the condition is a GPR, so the CPU
			 * does these itself (pure moves, FCSR untouched). */
			d->op = funct == 0x12 ? NODE_OP_FMOVZ : NODE_OP_FMOVN;
			/* odd registers of a .d pair name the even one (as QEMU) */
			d->rs = rs == 17 ? fs & ~1u : fs;
			d->rd = rs == 17 ? fd & ~1u : fd;
			d->aux = rs == 17;
			return;
		}
		decode_fpu_arith(w, d);
		return;
	case 20: /* W */ decode_fpu_arith(w, d); return;
	default: d->op = NODE_OP_RI; return;
	}
}

static void decode_cop1x(uint32_t w, node_insn *d)
{
	d->rs = (w >> 21) & 31; /* base */
	d->rt = (w >> 16) & 31; /* index */
	switch (w & 63) {
	case 0:
		d->op = NODE_OP_LWXC1;
		d->rd = (w >> 6) & 31;
		return;
	case 1:
		d->op = NODE_OP_LDXC1;
		d->rd = (w >> 6) & 31;
		return;
	case 8:
		d->op = NODE_OP_SWXC1;
		d->rd = (w >> 11) & 31;
		return;
	case 9:
		d->op = NODE_OP_SDXC1;
		d->rd = (w >> 11) & 31;
		return;
	case 15: d->op = NODE_OP_PREFX; return;
	default: decode_fpu_arith(w, d); return;
	}
}

static void decode_special2(uint32_t w, node_insn *d)
{
	d->rs = (w >> 21) & 31;
	d->rt = (w >> 16) & 31;
	d->rd = dst((w >> 11) & 31);
	switch (w & 63) {
	case 0: d->op = NODE_OP_MADD; break;
	case 1: d->op = NODE_OP_MADDU; break;
	case 2: d->op = NODE_OP_MUL; break;
	case 4: d->op = NODE_OP_MSUB; break;
	case 5: d->op = NODE_OP_MSUBU; break;
	case 32: d->op = NODE_OP_CLZ; break;
	case 33: d->op = NODE_OP_CLO; break;
	default: d->op = NODE_OP_RI; break;
	}
}

static void decode_special3(uint32_t w, node_insn *d)
{
	unsigned rs = (w >> 21) & 31, rt = (w >> 16) & 31, rd = (w >> 11) & 31, sa = (w >> 6) & 31;
	d->rs = rs;
	d->rt = dst(rt);
	d->sa = sa;
	switch (w & 63) {
	case 0: { /* ext rt, rs, pos=sa, size=rd+1 */
		unsigned size = rd + 1;
		if (sa + size > 32) {
			d->op = NODE_OP_RI;
			return;
		}
		d->op = NODE_OP_EXT;
		d->imm = size == 32 ? 0xffffffffu : (1u << size) - 1;
		return;
	}
	case 4: { /* ins rt, rs, pos=sa, size=rd-sa+1 */
		if (rd < sa) {
			d->op = NODE_OP_RI;
			return;
		}
		unsigned size = rd - sa + 1;
		d->op = NODE_OP_INS;
		d->imm = (size == 32 ? 0xffffffffu : (1u << size) - 1) << sa;
		return;
	}
	case 32:
		d->rs = rt; /* source is rt, destination rd */
		d->rd = dst(rd);
		switch (sa) {
		case 2: d->op = NODE_OP_WSBH; return;
		case 16: d->op = NODE_OP_SEB; return;
		case 24: d->op = NODE_OP_SEH; return;
		default: d->op = NODE_OP_RI; return;
		}
	case 59:
		d->op = NODE_OP_RDHWR;
		d->rd = rd;
		return;
	default: d->op = NODE_OP_RI; return;
	}
}

void node_decode_insn(uint32_t w, node_insn *d)
{
	unsigned opc = w >> 26, rs = (w >> 21) & 31, rt = (w >> 16) & 31;
	uint32_t simm = (uint32_t)(int32_t)(int16_t)w, zimm = w & 0xffff;

	memset(d, 0, sizeof(*d));
	d->raw = w;
	switch (opc) {
	case 0: decode_special(w, d); return;
	case 1: decode_regimm(w, d); return;
	case 2:
		d->op = NODE_OP_J;
		d->imm = (w & 0x03ffffff) << 2;
		return;
	case 3:
		d->op = NODE_OP_JAL;
		d->imm = (w & 0x03ffffff) << 2;
		return;
	case 16: decode_cop0(w, d); return;
	case 17: decode_cop1(w, d); return;
	case 18:
		d->op = NODE_OP_CPU_UNUSABLE;
		d->aux = 2;
		return;
	case 19: decode_cop1x(w, d); return;
	case 28: decode_special2(w, d); return;
	case 31: decode_special3(w, d); return;
	case 50:
	case 54:
	case 58:
	case 62:
		d->op = NODE_OP_CPU_UNUSABLE;
		d->aux = 2;
		return;
	}
	d->rs = rs;
	d->rt = rt;
	switch (opc) {
	case 4: d->op = rs == 0 && rt == 0 ? NODE_OP_B : NODE_OP_BEQ; break;
	case 5: d->op = NODE_OP_BNE; break;
	case 6: d->op = NODE_OP_BLEZ; break;
	case 7: d->op = NODE_OP_BGTZ; break;
	case 20: d->op = NODE_OP_BEQL; break;
	case 21: d->op = NODE_OP_BNEL; break;
	case 22: d->op = NODE_OP_BLEZL; break;
	case 23: d->op = NODE_OP_BGTZL; break;
	case 8:
		d->op = NODE_OP_ADDI;
		d->imm = simm;
		d->rt = dst(rt);
		return;
	case 9:
		d->op = NODE_OP_ADDIU;
		d->imm = simm;
		d->rt = dst(rt);
		return;
	case 10:
		d->op = NODE_OP_SLTI;
		d->imm = simm;
		d->rt = dst(rt);
		return;
	case 11:
		d->op = NODE_OP_SLTIU;
		d->imm = simm;
		d->rt = dst(rt);
		return;
	case 12:
		d->op = NODE_OP_ANDI;
		d->imm = zimm;
		d->rt = dst(rt);
		return;
	case 13:
		d->op = NODE_OP_ORI;
		d->imm = zimm;
		d->rt = dst(rt);
		return;
	case 14:
		d->op = NODE_OP_XORI;
		d->imm = zimm;
		d->rt = dst(rt);
		return;
	case 15:
		d->op = NODE_OP_LUI;
		d->imm = zimm << 16;
		d->rt = dst(rt);
		return;
	case 32:
		d->op = NODE_OP_LB;
		d->imm = simm;
		d->rt = dst(rt);
		return;
	case 33:
		d->op = NODE_OP_LH;
		d->imm = simm;
		d->rt = dst(rt);
		return;
	case 34:
		d->op = NODE_OP_LWL;
		d->imm = simm;
		d->rt = dst(rt);
		return;
	case 35:
		d->op = NODE_OP_LW;
		d->imm = simm;
		d->rt = dst(rt);
		return;
	case 36:
		d->op = NODE_OP_LBU;
		d->imm = simm;
		d->rt = dst(rt);
		return;
	case 37:
		d->op = NODE_OP_LHU;
		d->imm = simm;
		d->rt = dst(rt);
		return;
	case 38:
		d->op = NODE_OP_LWR;
		d->imm = simm;
		d->rt = dst(rt);
		return;
	case 40:
		d->op = NODE_OP_SB;
		d->imm = simm;
		return;
	case 41:
		d->op = NODE_OP_SH;
		d->imm = simm;
		return;
	case 42:
		d->op = NODE_OP_SWL;
		d->imm = simm;
		return;
	case 43:
		d->op = NODE_OP_SW;
		d->imm = simm;
		return;
	case 46:
		d->op = NODE_OP_SWR;
		d->imm = simm;
		return;
	case 47:
		d->op = NODE_OP_CACHE;
		d->imm = simm;
		return;
	case 48:
		d->op = NODE_OP_LL;
		d->imm = simm;
		d->rt = dst(rt);
		return;
	case 49:
		d->op = NODE_OP_LWC1;
		d->imm = simm;
		return;
	case 51: d->op = NODE_OP_PREF; return;
	case 53:
		d->op = NODE_OP_LDC1;
		d->imm = simm;
		return;
	case 56:
		d->op = NODE_OP_SC;
		d->imm = simm;
		return; /* rt written in handler */
	case 57:
		d->op = NODE_OP_SWC1;
		d->imm = simm;
		return;
	case 61:
		d->op = NODE_OP_SDC1;
		d->imm = simm;
		return;
	default: d->op = NODE_OP_RI; return;
	}
	/* branches */
	d->imm = (uint32_t)(int32_t)(int16_t)w << 2;
}

static bool is_pc_relative_branch(uint16_t op)
{
	switch (op) {
	case NODE_OP_B:
	case NODE_OP_BAL:
	case NODE_OP_BEQ:
	case NODE_OP_BNE:
	case NODE_OP_BLEZ:
	case NODE_OP_BGTZ:
	case NODE_OP_BEQL:
	case NODE_OP_BNEL:
	case NODE_OP_BLEZL:
	case NODE_OP_BGTZL:
	case NODE_OP_BLTZ:
	case NODE_OP_BGEZ:
	case NODE_OP_BLTZL:
	case NODE_OP_BGEZL:
	case NODE_OP_BLTZAL:
	case NODE_OP_BGEZAL:
	case NODE_OP_BLTZALL:
	case NODE_OP_BGEZALL:
	case NODE_OP_BC1F:
	case NODE_OP_BC1T:
	case NODE_OP_BC1FL:
	case NODE_OP_BC1TL: return true;
	default: return false;
	}
}

void node_decode_insn_at(uint32_t raw, unsigned idx, node_insn *out)
{
	node_decode_insn(raw, out);
	if (!is_pc_relative_branch(out->op))
		return;
	/* a branch's target and fall-through, as entries of its own page: the
	 * target is idx + 1 + offset words whatever the page's virtual address */
	int32_t t = (int32_t)idx + 1 + ((int32_t)out->imm >> 2);
	out->aux = t >= 0 && t < NODE_INSNS_PER_PAGE ? (uint16_t)t : NODE_NO_TARGET;
	out->rd = idx == NODE_INSNS_PER_PAGE - 1;
}

node_decode_page *node_decode_page_get(node_mem *mem, uint32_t ppn)
{
	node_decode_page *p = mem->code[ppn];
	if (p)
		return p;
	p = calloc(1, sizeof(*p)); /* all entries NODE_OP_DECODE (0) */
	if (!p)
		return NULL;
	p->ppn = ppn;
	p->insn[NODE_INSNS_PER_PAGE].op = NODE_OP_PAGE_END;
	mem->code[ppn] = p;
	for (int i = 0; i < mem->ncpus; i++)
		node_cpu_flush_fast_write_page(mem->cpus[i], ppn);
	return p;
}

void node_decode_invalidate(node_decode_page *page, uint32_t off, uint32_t len)
{
	if (!len)
		return;
	unsigned first = off >> NODE_CHUNK_SHIFT, last = (off + len - 1) >> NODE_CHUNK_SHIFT;
	const unsigned per_chunk = (1u << NODE_CHUNK_SHIFT) / 4;
	for (unsigned c = first; c <= last; c++) {
		if (!(page->chunks & (1u << c)))
			continue;
		page->chunks &= ~(1u << c);
		/* only the op: a handler running one of these entries (a load
		 * whose miss evicted its own code line) still reads its fields */
		for (unsigned i = 0; i < per_chunk; i++)
			page->insn[c * per_chunk + i].op = NODE_OP_DECODE;
	}
}

void node_decode_destroy(node_mem *mem)
{
	if (!mem->code)
		return;
	for (uint32_t i = 0; i < mem->ram_size / NODE_PAGE_SIZE; i++) {
		free(mem->code[i]);
		mem->code[i] = NULL;
	}
}
