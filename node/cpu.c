/* node/cpu.c: the MIPS32r2 interpreter - executes pre-decoded instructions
 * (node/decode.c) with threaded dispatch, in bounded slices.
 *
 * Fast paths that stay exact:
 *   - instruction fetch goes through a per-mode table from virtual page to
 *     decoded page; branches within a page jump straight to the entry;
 *   - loads and stores go through per-mode fast tables (virtual page ->
 *     host page) granted by the memory system (node_mem_fast_page); anything
 *     else - misses, misaligned addresses, devices, pages holding code - takes
 *     the slow path, which translates through CP0/TLB (node/tlb.c) and
 *     node_mem_read/write, and raises exceptions exactly.
 *
 * Delay slots: a branch records its target and sets ds_mark so that the
 * budget test that ends every instruction also fires right after the delay
 * slot; the check then jumps. An exception in the delay slot therefore knows
 * it is in one (Cause.BD, EPC = branch).
 *
 * Timing: one cycle per instruction (fast memory mode). An exception entry
 * costs one cycle and is not an instruction.
 */
#include <string.h>

#include "node/cpu.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* SLOW_RAM: RAM the fast path may not cache (a page holding code), reached
 * through node_mem; only data_translate returns it. */
enum { SLOW_OK = 0, SLOW_MMIO = 1, SLOW_EXC = 2, SLOW_RAM = 3, SLOW_SYS = 4, SLOW_STALL = 5 };

typedef struct slow_result {
	int exc;
	bool refill;
} slow_result;

static inline bool kernel_mode(const node_cpu *cpu)
{
	return cpu->mode == NODE_MODE_KERNEL || cpu->mode == NODE_MODE_KERNEL_ERL;
}

static inline bool irq_deliverable(const node_cpu *cpu)
{
	uint32_t st = cpu->status;
	return (st & NODE_ST_IE) && !(st & (NODE_ST_EXL | NODE_ST_ERL)) &&
	       (cpu->cause & st & NODE_ST_IM);
}

/* Translates va for a data access of size bytes, installing a fast
 * translation when the memory system grants one. Returns SLOW_OK with *host
 * set, SLOW_RAM or SLOW_MMIO with *pa set, SLOW_SYS with *pa set (detailed
 * mode: the memory system does the access), or SLOW_EXC with *sr filled. */
static int data_translate(node_cpu *cpu, uint32_t va, unsigned size, bool store, uint8_t **host,
			  uint32_t *pa, slow_result *sr)
{
	if (va & (size - 1)) {
		cpu->badvaddr = va;
		sr->exc = store ? NODE_EXC_ADES : NODE_EXC_ADEL;
		sr->refill = false;
		return SLOW_EXC;
	}
	int exc = node_tlb_translate(cpu, va, store ? NODE_ACC_STORE : NODE_ACC_LOAD, pa,
				     &sr->refill);
	if (exc) {
		sr->exc = exc;
		return SLOW_EXC;
	}
	if (cpu->mem->sys)
		return SLOW_SYS;
	uint8_t *page = node_mem_fast_page(cpu->mem, *pa, store);
	if (!page)
		return *pa < cpu->mem->ram_size ? SLOW_RAM : SLOW_MMIO;
	uint32_t vpage = va & ~(NODE_PAGE_SIZE - 1);
	unsigned slot = (va >> NODE_PAGE_SHIFT) & (NODE_FTLB_SIZE - 1);
	node_ftlb *e = store ? &cpu->wtlb[cpu->mode][slot] : &cpu->rtlb[cpu->mode][slot];
	e->tag = vpage;
	e->addend = (uintptr_t)page - (uintptr_t)vpage;
	*host = page + (va & (NODE_PAGE_SIZE - 1));
	return SLOW_OK;
}

/* The outcome of a detailed-mode access as a SLOW_* code. */
static int sys_result(int r, slow_result *sr)
{
	switch (r) {
	case NODE_MEM_OK: return SLOW_OK;
	case NODE_MEM_DEVICE: return SLOW_MMIO;
	case NODE_MEM_STALL: return SLOW_STALL;
	default:
		sr->exc = NODE_EXC_DBE;
		sr->refill = false;
		return SLOW_EXC;
	}
}

static int load_slow(node_cpu *cpu, uint32_t va, unsigned size, uint32_t *val, slow_result *sr,
		     uint64_t now)
{
	uint8_t *host;
	uint32_t pa;
	int r = data_translate(cpu, va, size, false, &host, &pa, sr);
	if (r == SLOW_SYS)
		return sys_result(
			cpu->mem->sys->load(cpu->mem->sys_opaque, cpu, va, pa, size, now, val), sr);
	if (r == SLOW_OK) {
		switch (size) {
		case 1: *val = *host; break;
		case 2: *val = *(uint16_t *)host; break;
		default: *val = *(uint32_t *)host; break;
		}
		return SLOW_OK;
	}
	if (r != SLOW_EXC) {
		if (node_mem_read(cpu->mem, pa, size, val)) {
			sr->exc = NODE_EXC_DBE;
			sr->refill = false;
			return SLOW_EXC;
		}
		return r == SLOW_RAM ? SLOW_OK : SLOW_MMIO;
	}
	return r;
}

static int store_slow(node_cpu *cpu, uint32_t va, unsigned size, uint32_t val, slow_result *sr,
		      uint64_t now)
{
	uint8_t *host;
	uint32_t pa;
	int r = data_translate(cpu, va, size, true, &host, &pa, sr);
	if (r == SLOW_SYS)
		return sys_result(
			cpu->mem->sys->store(cpu->mem->sys_opaque, cpu, va, pa, size, now, val),
			sr);
	if (r == SLOW_OK) {
		switch (size) {
		case 1: *host = (uint8_t)val; break;
		case 2: *(uint16_t *)host = (uint16_t)val; break;
		default: *(uint32_t *)host = val; break;
		}
		return SLOW_OK;
	}
	if (r != SLOW_EXC) {
		if (node_mem_write(cpu->mem, pa, size, val)) {
			sr->exc = NODE_EXC_DBE;
			sr->refill = false;
			return SLOW_EXC;
		}
		return r == SLOW_RAM ? SLOW_OK : SLOW_MMIO;
	}
	return r;
}

/* swl/swr: read-modify-write of the aligned word, translated as a store. */
static int store_merge(node_cpu *cpu, uint32_t va, uint32_t val, uint32_t keep, slow_result *sr,
		       uint64_t now)
{
	uint8_t *host;
	uint32_t pa, old;
	int r = data_translate(cpu, va, 4, true, &host, &pa, sr);
	if (r == SLOW_SYS) {
		/* a store permission first (it may stall), then the merge; both
		 * hit the same line, so the load below cannot stall */
		void *o = cpu->mem->sys_opaque;
		r = sys_result(cpu->mem->sys->load(o, cpu, va, pa, 4, now, &old), sr);
		if (r != SLOW_OK)
			return r;
		return sys_result(cpu->mem->sys->store(o, cpu, va, pa, 4, now, (old & keep) | val),
				  sr);
	}
	if (r == SLOW_OK) {
		uint32_t *p = (uint32_t *)host;
		*p = (*p & keep) | val;
		return SLOW_OK;
	}
	if (r != SLOW_EXC) {
		if (node_mem_read(cpu->mem, pa, 4, &old) ||
		    node_mem_write(cpu->mem, pa, 4, (old & keep) | val)) {
			sr->exc = NODE_EXC_DBE;
			sr->refill = false;
			return SLOW_EXC;
		}
		return r == SLOW_RAM ? SLOW_OK : SLOW_MMIO;
	}
	return r;
}

int node_cpu_run(node_cpu *cpu, int64_t budget_in)
{
	static const void *const ops[NODE_OP_COUNT] = {
#define NODE_OP_LABEL(n) [NODE_OP_##n] = &&op_##n,
		NODE_OPS(NODE_OP_LABEL)
#undef NODE_OP_LABEL
	};
	uint32_t *const R = cpu->r;
	node_fpu *const F = &cpu->fpu;
	const int64_t start = budget_in;
	const uint64_t cycles0 = cpu->cycles;
	int64_t budget = budget_in, ds_mark = 0, excs = 0, stallc = 0, trapc = 0;
	const uint32_t fshift = cpu->ftlb_shift, fmask = cpu->ftlb_mask;
	bool in_ds = false, want_exit = false;
	uint32_t ds_target = 0, npc = cpu->pc, exc_pc = 0;
	node_insn *ds_ip = NULL;
	int exc = 0, exc_ce = 0, ret = NODE_RUN_BUDGET;
	bool exc_refill = false;
	node_decode_page *page = NULL;
	node_insn *ip = NULL;
	uint32_t vpage = 0;
	node_ftlb *rtlb = cpu->rtlb[cpu->mode];
	node_ftlb *wtlb = cpu->wtlb[cpu->mode];
	slow_result sr;

#define PC() (vpage + ((uint32_t)(ip - page->insn) << 2))
#define NOW() (cycles0 + (uint64_t)(start - budget))
#define SYNC_TIME() (cpu->cycles = NOW())
/* memory stall cycles of the access just made count against the budget */
#define ACCOUNT_STALL()                               \
	do {                                          \
		if (unlikely(cpu->pending_stall)) {   \
			budget -= cpu->pending_stall; \
			stallc += cpu->pending_stall; \
			cpu->pending_stall = 0;       \
		}                                     \
	} while (0)
#define RELOAD_MODE()                        \
	do {                                 \
		rtlb = cpu->rtlb[cpu->mode]; \
		wtlb = cpu->wtlb[cpu->mode]; \
	} while (0)
#define DISPATCH() goto *ops[ip->op]
#define NEXT                                       \
	do {                                       \
		if (unlikely(--budget <= ds_mark)) \
			goto check;                \
		ip++;                              \
		DISPATCH();                        \
	} while (0)
#define EXIT_SOON()                   \
	do {                          \
		want_exit = true;     \
		ds_mark = budget - 1; \
	} while (0)
#define RAISE(code)                      \
	do {                             \
		exc = (code);            \
		exc_refill = false;      \
		exc_pc = PC();           \
		cpu->exc_insn = ip->raw; \
		goto exception;          \
	} while (0)
#define RAISE_SLOW()                     \
	do {                             \
		exc = sr.exc;            \
		exc_refill = sr.refill;  \
		exc_pc = PC();           \
		cpu->exc_insn = ip->raw; \
		goto exception;          \
	} while (0)
#define RS R[ip->rs]
#define RT R[ip->rt]
#define FAST_TAG(va, size) ((va) & (0xfffff000u | ((size)-1)))
#define DATA_TAG(va, size) ((va) & (fmask | ((size)-1)))
#define DATA_SLOT(va) (((va) >> fshift) & (NODE_FTLB_SIZE - 1))
/* After a slow-path access: its exception, its stall (retry later) or
 * the stall cycles its miss cost. */
#define SLOW_DONE(r)                   \
	do {                           \
		if ((r) == SLOW_EXC)   \
			RAISE_SLOW();  \
		if ((r) == SLOW_STALL) \
			goto stall;    \
		ACCOUNT_STALL();       \
	} while (0)
#define LOAD(T, size, va_expr, dest)                                         \
	do {                                                                 \
		uint32_t va_ = (va_expr);                                    \
		node_ftlb *e_ = &rtlb[DATA_SLOT(va_)];                       \
		if (likely(e_->tag == DATA_TAG(va_, size))) {                \
			dest = *(T *)((uintptr_t)va_ + e_->addend);          \
		} else {                                                     \
			uint32_t v_;                                         \
			int r_ = load_slow(cpu, va_, size, &v_, &sr, NOW()); \
			SLOW_DONE(r_);                                       \
			if (r_ == SLOW_MMIO)                                 \
				EXIT_SOON();                                 \
			dest = (T)v_;                                        \
		}                                                            \
	} while (0)
#define STORE(T, size, va_expr, val_expr)                                      \
	do {                                                                   \
		uint32_t va_ = (va_expr);                                      \
		uint32_t val_ = (val_expr);                                    \
		node_ftlb *e_ = &wtlb[DATA_SLOT(va_)];                         \
		if (likely(e_->tag == DATA_TAG(va_, size))) {                  \
			*(T *)((uintptr_t)va_ + e_->addend) = (T)val_;         \
		} else {                                                       \
			int r_ = store_slow(cpu, va_, size, val_, &sr, NOW()); \
			SLOW_DONE(r_);                                         \
			if (r_ == SLOW_MMIO)                                   \
				EXIT_SOON();                                   \
		}                                                              \
	} while (0)
/* A branch continues, after its delay slot, at ds_ip when that is an entry
 * of the current page (decode resolved the target: aux), else at ds_target. */
#define BRANCH(cond)                                             \
	do {                                                     \
		if (cond) {                                      \
			if (likely(ip->aux != NODE_NO_TARGET)) { \
				ds_ip = &page->insn[ip->aux];    \
			} else {                                 \
				ds_ip = NULL;                    \
				ds_target = PC() + 4 + ip->imm;  \
			}                                        \
		} else if (likely(!ip->rd)) {                    \
			ds_ip = ip + 2;                          \
		} else {                                         \
			ds_ip = NULL;                            \
			ds_target = PC() + 8;                    \
		}                                                \
		in_ds = true;                                    \
		ds_mark = budget - 2;                            \
		NEXT;                                            \
	} while (0)
#define BRANCH_LIKELY(cond)                                      \
	do {                                                     \
		if (cond) {                                      \
			if (likely(ip->aux != NODE_NO_TARGET)) { \
				ds_ip = &page->insn[ip->aux];    \
			} else {                                 \
				ds_ip = NULL;                    \
				ds_target = PC() + 4 + ip->imm;  \
			}                                        \
			in_ds = true;                            \
			ds_mark = budget - 2;                    \
			NEXT;                                    \
		}                                                \
		/* not taken: the delay slot is skipped */       \
		if (unlikely(--budget <= 0 || ip->rd)) {         \
			npc = PC() + 8;                          \
			if (budget <= 0) {                       \
				cpu->pc = npc;                   \
				goto out;                        \
			}                                        \
			goto jump;                               \
		}                                                \
		ip += 2;                                         \
		DISPATCH();                                      \
	} while (0)
#define JUMP_TO(target)               \
	do {                          \
		ds_ip = NULL;         \
		ds_target = (target); \
		in_ds = true;         \
		ds_mark = budget - 2; \
		NEXT;                 \
	} while (0)
#define CHECK_CU1()                                           \
	do {                                                  \
		if (unlikely(!(cpu->status & NODE_ST_CU1))) { \
			exc_ce = 1;                           \
			RAISE(NODE_EXC_CPU);                  \
		}                                             \
	} while (0)
#define CHECK_CP0()                                                                \
	do {                                                                       \
		if (unlikely(!kernel_mode(cpu) && !(cpu->status & NODE_ST_CU0))) { \
			exc_ce = 0;                                                \
			RAISE(NODE_EXC_CPU);                                       \
		}                                                                  \
	} while (0)
#define TRAP_IF(cond)                       \
	do {                                \
		if (cond)                   \
			RAISE(NODE_EXC_TR); \
		NEXT;                       \
	} while (0)

	goto refetch;

	/* ---- control ------------------------------------------------------- */
check:
	/* the instruction at ip has completed; either a delay slot ended, the
	 * budget ran out, or someone asked to leave */
	if (in_ds) {
		in_ds = false;
		ds_mark = 0;
		if (likely(ds_ip != NULL)) {
			if (unlikely(want_exit || budget <= 0)) {
				cpu->pc = vpage + ((uint32_t)(ds_ip - page->insn) << 2);
				goto out;
			}
			ip = ds_ip;
			DISPATCH();
		}
		npc = ds_target;
		if (want_exit || budget <= 0) {
			cpu->pc = npc;
			goto out;
		}
		goto jump;
	}
	ds_mark = 0;
	cpu->pc = PC() + 4;
	goto out;

jump:
	/* continue at npc; same page: straight to the entry */
	if ((npc & ~(NODE_PAGE_SIZE - 1)) == vpage && page && !(npc & 3)) {
		ip = &page->insn[(npc & (NODE_PAGE_SIZE - 1)) >> 2];
		DISPATCH();
	}
refetch : {
	node_xtlb *xe = &cpu->xtlb[cpu->mode][(npc >> NODE_PAGE_SHIFT) & (NODE_FTLB_SIZE - 1)];
	if (likely(xe->tag == FAST_TAG(npc, 4))) {
		page = xe->page;
	} else {
		uint32_t pa;
		bool refill = false;
		int e;
		if (npc & 3) {
			cpu->badvaddr = npc;
			e = NODE_EXC_ADEL;
		} else {
			e = node_tlb_translate(cpu, npc, NODE_ACC_FETCH, &pa, &refill);
		}
		if (!e && !node_mem_is_ram(cpu->mem, pa, 4))
			e = NODE_EXC_IBE;
		if (e) {
			exc = e;
			exc_refill = refill;
			exc_pc = npc;
			cpu->exc_insn = 0;
			goto exception;
		}
		page = node_decode_page_get(cpu->mem, pa >> NODE_PAGE_SHIFT);
		xe->tag = npc & ~(NODE_PAGE_SIZE - 1);
		xe->page = page;
	}
	vpage = npc & ~(NODE_PAGE_SIZE - 1);
	ip = &page->insn[(npc & (NODE_PAGE_SIZE - 1)) >> 2];
	DISPATCH();
}

exception:
	SYNC_TIME();
	if (in_ds)
		cpu->exc_branch_target =
			ds_ip ? vpage + ((uint32_t)(ds_ip - page->insn) << 2) : ds_target;
	if (exc == NODE_EXC_CPU) /* set before: a trap hook reads it */
		cpu->cause = (cpu->cause & ~(3u << NODE_CAUSE_CE_SHIFT)) |
			     (uint32_t)exc_ce << NODE_CAUSE_CE_SHIFT;
	npc = node_cpu_exception(cpu, exc, exc_pc, in_ds, exc_refill);
	if (exc == NODE_EXC_CPU)
		cpu->cause |= (uint32_t)exc_ce << NODE_CAUSE_CE_SHIFT;
	in_ds = false;
	ds_mark = 0;
	excs++;
	if (cpu->pending_trap) { /* the monitor's cycles for this trap */
		budget -= cpu->pending_trap;
		trapc += cpu->pending_trap;
		cpu->pending_trap = 0;
	}
	if (cpu->exit_request) {
		cpu->exit_request = false;
		want_exit = true;
	}
	RELOAD_MODE();
	if (--budget <= 0 || want_exit) {
		cpu->pc = npc;
		goto out;
	}
	page = NULL;
	goto refetch;

stall:
	/* the access must wait: retry this instruction later (from its branch
	 * when it is in a delay slot); nothing of it has happened yet */
	cpu->pc = in_ds ? PC() - 4 : PC();
	ret = NODE_RUN_STALL;
	goto out;

out:
	cpu->cycles = cycles0 + (uint64_t)(start - budget);
	cpu->insns += (uint64_t)(start - budget - excs - stallc - trapc);
	cpu->stall_cycles += (uint64_t)stallc;
	cpu->trap_cycles += (uint64_t)trapc;
	return ret;

	/* ---- pseudo-ops ----------------------------------------------------- */
op_DECODE : {
	size_t idx = (size_t)(ip - page->insn);
	uint32_t w;
	if (cpu->mem->sys) {
		uint32_t pa = ((uint32_t)page->ppn << NODE_PAGE_SHIFT) + (uint32_t)idx * 4;
		int r = cpu->mem->sys->fetch(cpu->mem->sys_opaque, cpu, pa, NOW(), &w);
		if (r == NODE_MEM_STALL)
			goto stall;
		ACCOUNT_STALL();
	} else {
		memcpy(&w, cpu->mem->ram + ((size_t)page->ppn << NODE_PAGE_SHIFT) + idx * 4, 4);
	}
	node_decode_insn_at(w, (unsigned)idx, ip);
	page->chunks |= 1u << (idx >> (NODE_CHUNK_SHIFT - 2));
	DISPATCH();
}
op_PAGE_END:
	/* falling off the page, possibly into a delay slot: a branch target
	 * kept as an entry of this page must become an address first */
	if (in_ds && ds_ip) {
		ds_target = vpage + ((uint32_t)(ds_ip - page->insn) << 2);
		ds_ip = NULL;
	}
	npc = vpage + NODE_PAGE_SIZE;
	goto refetch;
op_RI:
	RAISE(NODE_EXC_RI);
op_CPU_UNUSABLE:
	exc_ce = ip->aux;
	RAISE(NODE_EXC_CPU);
op_NOP:
op_SYNC:
op_PREF:
op_PREFX:
op_SYNCI:
	NEXT;

	/* ---- ALU ------------------------------------------------------------- */
op_SLL:
	R[ip->rd] = RT << ip->sa;
	NEXT;
op_SRL:
	R[ip->rd] = RT >> ip->sa;
	NEXT;
op_SRA:
	R[ip->rd] = (uint32_t)((int32_t)RT >> ip->sa);
	NEXT;
op_ROTR : {
	uint32_t v = RT, s = ip->sa;
	R[ip->rd] = s ? (v >> s) | (v << (32 - s)) : v;
	NEXT;
}
op_SLLV:
	R[ip->rd] = RT << (RS & 31);
	NEXT;
op_SRLV:
	R[ip->rd] = RT >> (RS & 31);
	NEXT;
op_SRAV:
	R[ip->rd] = (uint32_t)((int32_t)RT >> (RS & 31));
	NEXT;
op_ROTRV : {
	uint32_t v = RT, s = RS & 31;
	R[ip->rd] = s ? (v >> s) | (v << (32 - s)) : v;
	NEXT;
}
op_MOVZ:
	if (RT == 0)
		R[ip->rd] = RS;
	NEXT;
op_MOVN:
	if (RT != 0)
		R[ip->rd] = RS;
	NEXT;
op_MFHI:
	R[ip->rd] = cpu->hi;
	NEXT;
op_MTHI:
	cpu->hi = RS;
	NEXT;
op_MFLO:
	R[ip->rd] = cpu->lo;
	NEXT;
op_MTLO:
	cpu->lo = RS;
	NEXT;
op_MULT : {
	int64_t p = (int64_t)(int32_t)RS * (int32_t)RT;
	cpu->lo = (uint32_t)p;
	cpu->hi = (uint32_t)((uint64_t)p >> 32);
	NEXT;
}
op_MULTU : {
	uint64_t p = (uint64_t)RS * RT;
	cpu->lo = (uint32_t)p;
	cpu->hi = (uint32_t)(p >> 32);
	NEXT;
}
op_DIV : {
	int32_t a = (int32_t)RS, b = (int32_t)RT;
	/* divide by zero is UNPREDICTABLE: HI/LO are left unchanged */
	if (b == 0) {
	} else if (a == INT32_MIN && b == -1) {
		cpu->lo = (uint32_t)INT32_MIN;
		cpu->hi = 0;
	} else {
		cpu->lo = (uint32_t)(a / b);
		cpu->hi = (uint32_t)(a % b);
	}
	NEXT;
}
op_DIVU : {
	uint32_t a = RS, b = RT;
	if (b != 0) {
		cpu->lo = a / b;
		cpu->hi = a % b;
	}
	NEXT;
}
op_ADD : {
	int32_t r;
	if (__builtin_add_overflow((int32_t)RS, (int32_t)RT, &r))
		RAISE(NODE_EXC_OV);
	R[ip->rd] = (uint32_t)r;
	NEXT;
}
op_ADDU:
	R[ip->rd] = RS + RT;
	NEXT;
op_SUB : {
	int32_t r;
	if (__builtin_sub_overflow((int32_t)RS, (int32_t)RT, &r))
		RAISE(NODE_EXC_OV);
	R[ip->rd] = (uint32_t)r;
	NEXT;
}
op_SUBU:
	R[ip->rd] = RS - RT;
	NEXT;
op_AND:
	R[ip->rd] = RS & RT;
	NEXT;
op_OR:
	R[ip->rd] = RS | RT;
	NEXT;
op_XOR:
	R[ip->rd] = RS ^ RT;
	NEXT;
op_NOR:
	R[ip->rd] = ~(RS | RT);
	NEXT;
op_SLT:
	R[ip->rd] = (int32_t)RS < (int32_t)RT;
	NEXT;
op_SLTU:
	R[ip->rd] = RS < RT;
	NEXT;
op_TGE:
	TRAP_IF((int32_t)RS >= (int32_t)RT);
op_TGEU:
	TRAP_IF(RS >= RT);
op_TLT:
	TRAP_IF((int32_t)RS < (int32_t)RT);
op_TLTU:
	TRAP_IF(RS < RT);
op_TEQ:
	TRAP_IF(RS == RT);
op_TNE:
	TRAP_IF(RS != RT);
op_TGEI:
	TRAP_IF((int32_t)RS >= (int32_t)ip->imm);
op_TGEIU:
	TRAP_IF(RS >= ip->imm);
op_TLTI:
	TRAP_IF((int32_t)RS < (int32_t)ip->imm);
op_TLTIU:
	TRAP_IF(RS < ip->imm);
op_TEQI:
	TRAP_IF(RS == ip->imm);
op_TNEI:
	TRAP_IF(RS != ip->imm);
op_MOVF:
	CHECK_CU1();
	if (!node_fpu_cc(F, ip->aux))
		R[ip->rd] = RS;
	NEXT;
op_MOVT:
	CHECK_CU1();
	if (node_fpu_cc(F, ip->aux))
		R[ip->rd] = RS;
	NEXT;
op_ADDI : {
	int32_t r;
	if (__builtin_add_overflow((int32_t)RS, (int32_t)ip->imm, &r))
		RAISE(NODE_EXC_OV);
	R[ip->rt] = (uint32_t)r;
	NEXT;
}
op_ADDIU:
	R[ip->rt] = RS + ip->imm;
	NEXT;
op_SLTI:
	R[ip->rt] = (int32_t)RS < (int32_t)ip->imm;
	NEXT;
op_SLTIU:
	R[ip->rt] = RS < ip->imm;
	NEXT;
op_ANDI:
	R[ip->rt] = RS & ip->imm;
	NEXT;
op_ORI:
	R[ip->rt] = RS | ip->imm;
	NEXT;
op_XORI:
	R[ip->rt] = RS ^ ip->imm;
	NEXT;
op_LUI:
	R[ip->rt] = ip->imm;
	NEXT;
op_MADD : {
	/* wrapping 64-bit accumulate: unsigned arithmetic, signed product */
	uint64_t acc = ((uint64_t)cpu->hi << 32) | cpu->lo;
	acc += (uint64_t)((int64_t)(int32_t)RS * (int32_t)RT);
	cpu->lo = (uint32_t)acc;
	cpu->hi = (uint32_t)(acc >> 32);
	NEXT;
}
op_MADDU : {
	uint64_t acc = ((uint64_t)cpu->hi << 32) | cpu->lo;
	acc += (uint64_t)RS * RT;
	cpu->lo = (uint32_t)acc;
	cpu->hi = (uint32_t)(acc >> 32);
	NEXT;
}
op_MSUB : {
	uint64_t acc = ((uint64_t)cpu->hi << 32) | cpu->lo;
	acc -= (uint64_t)((int64_t)(int32_t)RS * (int32_t)RT);
	cpu->lo = (uint32_t)acc;
	cpu->hi = (uint32_t)(acc >> 32);
	NEXT;
}
op_MSUBU : {
	uint64_t acc = ((uint64_t)cpu->hi << 32) | cpu->lo;
	acc -= (uint64_t)RS * RT;
	cpu->lo = (uint32_t)acc;
	cpu->hi = (uint32_t)(acc >> 32);
	NEXT;
}
op_MUL:
	R[ip->rd] = (uint32_t)((int32_t)RS * (int64_t)(int32_t)RT);
	NEXT;
op_CLZ : {
	uint32_t v = RS;
	R[ip->rd] = v ? (uint32_t)__builtin_clz(v) : 32;
	NEXT;
}
op_CLO : {
	uint32_t v = ~RS;
	R[ip->rd] = v ? (uint32_t)__builtin_clz(v) : 32;
	NEXT;
}
op_EXT:
	R[ip->rt] = (RS >> ip->sa) & ip->imm;
	NEXT;
op_INS:
	R[ip->rt] = (R[ip->rt] & ~ip->imm) | ((RS << ip->sa) & ip->imm);
	NEXT;
op_WSBH : {
	uint32_t v = RS;
	R[ip->rd] = ((v & 0x00ff00ffu) << 8) | ((v >> 8) & 0x00ff00ffu);
	NEXT;
}
op_SEB:
	R[ip->rd] = (uint32_t)(int32_t)(int8_t)RS;
	NEXT;
op_SEH:
	R[ip->rd] = (uint32_t)(int32_t)(int16_t)RS;
	NEXT;
op_RDHWR : {
	unsigned hw = ip->rd;
	if (!kernel_mode(cpu) && !(cpu->status & NODE_ST_CU0) && !(cpu->hwrena & (1u << hw)))
		RAISE(NODE_EXC_RI);
	uint32_t v;
	switch (hw) {
	case 0: v = cpu->ebase & 0x3ff; break;
	case 1: v = 32; break; /* SYNCI_Step: the L1 line size */
	case 2:
		SYNC_TIME();
		v = node_cp0_count(cpu);
		break;
	case 3: v = 2; break; /* CCRes: Count ticks every 2 cycles */
	case 29: v = cpu->userlocal; break;
	default: RAISE(NODE_EXC_RI);
	}
	R[ip->rt] = v;
	NEXT;
}

	/* ---- branches and jumps ------------------------------------------ */
op_J:
	JUMP_TO((PC() & 0xf0000000u) | ip->imm);
op_JAL : {
	uint32_t pc = PC();
	R[31] = pc + 8;
	JUMP_TO(((pc + 4) & 0xf0000000u) | ip->imm);
}
op_JR:
	JUMP_TO(RS);
op_JALR : {
	uint32_t t = RS;
	R[ip->rd] = PC() + 8;
	JUMP_TO(t);
}
op_B:
	BRANCH(1);
op_BAL:
	R[31] = PC() + 8;
	BRANCH(1);
op_BEQ:
	BRANCH(RS == RT);
op_BNE:
	BRANCH(RS != RT);
op_BLEZ:
	BRANCH((int32_t)RS <= 0);
op_BGTZ:
	BRANCH((int32_t)RS > 0);
op_BLTZ:
	BRANCH((int32_t)RS < 0);
op_BGEZ:
	BRANCH((int32_t)RS >= 0);
op_BEQL:
	BRANCH_LIKELY(RS == RT);
op_BNEL:
	BRANCH_LIKELY(RS != RT);
op_BLEZL:
	BRANCH_LIKELY((int32_t)RS <= 0);
op_BGTZL:
	BRANCH_LIKELY((int32_t)RS > 0);
op_BLTZL:
	BRANCH_LIKELY((int32_t)RS < 0);
op_BGEZL:
	BRANCH_LIKELY((int32_t)RS >= 0);
op_BLTZAL : {
	bool c = (int32_t)RS < 0;
	R[31] = PC() + 8;
	BRANCH(c);
}
op_BGEZAL : {
	bool c = (int32_t)RS >= 0;
	R[31] = PC() + 8;
	BRANCH(c);
}
op_BLTZALL : {
	bool c = (int32_t)RS < 0;
	R[31] = PC() + 8;
	BRANCH_LIKELY(c);
}
op_BGEZALL : {
	bool c = (int32_t)RS >= 0;
	R[31] = PC() + 8;
	BRANCH_LIKELY(c);
}
op_BC1F:
	CHECK_CU1();
	BRANCH(!node_fpu_cc(F, ip->sa));
op_BC1T:
	CHECK_CU1();
	BRANCH(node_fpu_cc(F, ip->sa));
op_BC1FL:
	CHECK_CU1();
	BRANCH_LIKELY(!node_fpu_cc(F, ip->sa));
op_BC1TL:
	CHECK_CU1();
	BRANCH_LIKELY(node_fpu_cc(F, ip->sa));

	/* ---- exceptions and privileged ----------------------------------- */
op_SYSCALL:
	RAISE(NODE_EXC_SYS);
op_BREAK:
	RAISE(NODE_EXC_BP);
op_MFC0 : {
	CHECK_CP0();
	SYNC_TIME();
	R[ip->rt] = node_cp0_read(cpu, ip->rd, ip->aux);
	NEXT;
}
op_MTC0 : {
	CHECK_CP0();
	SYNC_TIME();
	node_cp0_write(cpu, ip->rd, ip->aux, RT);
	RELOAD_MODE();
	EXIT_SOON(); /* Status, Cause, Compare... may change what is pending */
	NEXT;
}
op_DI:
op_EI : {
	CHECK_CP0();
	R[ip->rt] = cpu->status;
	if (ip->op == NODE_OP_EI) {
		cpu->status |= NODE_ST_IE;
		EXIT_SOON();
	} else {
		cpu->status &= ~NODE_ST_IE;
	}
	NEXT;
}
op_TLBR:
	CHECK_CP0();
	node_tlb_read(cpu);
	NEXT;
op_TLBWI:
	CHECK_CP0();
	node_tlb_write(cpu, cpu->index & 63);
	NEXT;
op_TLBWR:
	CHECK_CP0();
	SYNC_TIME();
	node_tlb_write(cpu, node_tlb_random(cpu));
	NEXT;
op_TLBP:
	CHECK_CP0();
	node_tlb_probe(cpu);
	NEXT;
op_ERET : {
	CHECK_CP0();
	if (cpu->status & NODE_ST_ERL) {
		npc = cpu->errorepc;
		cpu->status &= ~NODE_ST_ERL;
	} else {
		npc = cpu->epc;
		cpu->status &= ~NODE_ST_EXL;
	}
	cpu->llbit = 0;
	SYNC_TIME(); /* the time in each mode is accounted at the switch */
	node_cpu_update_mode(cpu);
	RELOAD_MODE();
	if (--budget <= 0 || want_exit || irq_deliverable(cpu)) {
		cpu->pc = npc;
		goto out;
	}
	goto refetch;
}
op_WAIT:
	CHECK_CP0();
	cpu->pc = PC() + 4;
	budget--;
	cpu->waiting = true;
	ret = NODE_RUN_WAIT;
	goto out;
op_CACHE:
	CHECK_CP0();
	NEXT;

	/* ---- loads and stores -------------------------------------------- */
op_LB : {
	int8_t v;
	LOAD(int8_t, 1, RS + ip->imm, v);
	R[ip->rt] = (uint32_t)(int32_t)v;
	NEXT;
}
op_LBU : {
	uint8_t v;
	LOAD(uint8_t, 1, RS + ip->imm, v);
	R[ip->rt] = v;
	NEXT;
}
op_LH : {
	int16_t v;
	LOAD(int16_t, 2, RS + ip->imm, v);
	R[ip->rt] = (uint32_t)(int32_t)v;
	NEXT;
}
op_LHU : {
	uint16_t v;
	LOAD(uint16_t, 2, RS + ip->imm, v);
	R[ip->rt] = v;
	NEXT;
}
op_LW : {
	uint32_t v;
	LOAD(uint32_t, 4, RS + ip->imm, v);
	R[ip->rt] = v;
	NEXT;
}
op_LWL : {
	uint32_t va = RS + ip->imm, w;
	unsigned b = va & 3;
	LOAD(uint32_t, 4, va & ~3u, w);
	uint32_t keep = b == 3 ? 0 : 0xffffffffu >> (8 * (b + 1));
	R[ip->rt] = (w << (8 * (3 - b))) | (R[ip->rt] & keep);
	NEXT;
}
op_LWR : {
	uint32_t va = RS + ip->imm, w;
	unsigned b = va & 3;
	LOAD(uint32_t, 4, va & ~3u, w);
	uint32_t keep = b == 0 ? 0 : ~(0xffffffffu >> (8 * b));
	R[ip->rt] = (w >> (8 * b)) | (R[ip->rt] & keep);
	NEXT;
}
op_LL : {
	uint32_t va = RS + ip->imm, v;
	if (cpu->mem->sys) {
		/* detailed mode: through the memory system, which notes the
		 * line so that losing it clears the link */
		cpu->ll_pending = true;
		int r = load_slow(cpu, va, 4, &v, &sr, NOW());
		cpu->ll_pending = false;
		SLOW_DONE(r);
	} else {
		LOAD(uint32_t, 4, va, v);
	}
	R[ip->rt] = v;
	cpu->llbit = 1;
	cpu->lladdr = va; /* LLAddr: simplified to the virtual address */
	NEXT;
}
op_SB:
	STORE(uint8_t, 1, RS + ip->imm, RT);
	NEXT;
op_SH:
	STORE(uint16_t, 2, RS + ip->imm, RT);
	NEXT;
op_SW:
	STORE(uint32_t, 4, RS + ip->imm, RT);
	NEXT;
op_SWL : {
	uint32_t va = RS + ip->imm;
	unsigned b = va & 3, sh = 8 * (3 - b);
	uint32_t keep = b == 3 ? 0 : ~(0xffffffffu >> sh);
	int r = store_merge(cpu, va & ~3u, RT >> sh, keep, &sr, NOW());
	SLOW_DONE(r);
	NEXT;
}
op_SWR : {
	uint32_t va = RS + ip->imm;
	unsigned b = va & 3, sh = 8 * b;
	uint32_t keep = b == 0 ? 0 : ~(0xffffffffu << sh);
	int r = store_merge(cpu, va & ~3u, RT << sh, keep, &sr, NOW());
	SLOW_DONE(r);
	NEXT;
}
op_SC : {
	uint32_t va = RS + ip->imm;
	if (cpu->llbit) {
		STORE(uint32_t, 4, va, RT);
		cpu->llbit = 0;
		if (ip->rt)
			R[ip->rt] = 1;
	} else {
		/* a failing sc still checks its address: AdES or a TLB store
		 * exception takes precedence over the failure */
		uint8_t *host;
		uint32_t pa;
		if (data_translate(cpu, va, 4, true, &host, &pa, &sr) == SLOW_EXC)
			RAISE_SLOW();
		if (ip->rt)
			R[ip->rt] = 0;
	}
	NEXT;
}

	/* ---- FPU ----------------------------------------------------------- */
op_FPU:
	CHECK_CU1();
	if (unlikely(node_fpu_ops[ip->aux](F, (node_fpu_args){ip->rd, ip->rs, ip->rt, ip->sa, 0})))
		RAISE(NODE_EXC_FPE);
	NEXT;
op_FMOVN:
	CHECK_CU1();
	if (RT != 0) {
		F->fpr[ip->rd] = F->fpr[ip->rs];
		if (ip->aux)
			F->fpr[ip->rd + 1] = F->fpr[ip->rs + 1];
	}
	NEXT;
op_FMOVZ:
	CHECK_CU1();
	if (RT == 0) {
		F->fpr[ip->rd] = F->fpr[ip->rs];
		if (ip->aux)
			F->fpr[ip->rd + 1] = F->fpr[ip->rs + 1];
	}
	NEXT;
op_MFC1:
	CHECK_CU1();
	R[ip->rt] = F->fpr[ip->rd];
	NEXT;
op_MTC1:
	CHECK_CU1();
	F->fpr[ip->rd] = RT;
	NEXT;
op_MFHC1:
	CHECK_CU1();
	R[ip->rt] = F->fpr[ip->rd | 1];
	NEXT;
op_MTHC1:
	CHECK_CU1();
	F->fpr[ip->rd | 1] = RT;
	NEXT;
op_CFC1:
	CHECK_CU1();
	R[ip->rt] = node_fpu_cfc1(F, ip->rd);
	NEXT;
op_CTC1:
	CHECK_CU1();
	if (node_fpu_ctc1(F, ip->rd, RT))
		RAISE(NODE_EXC_FPE);
	NEXT;
op_LWC1 : {
	CHECK_CU1();
	uint32_t v;
	LOAD(uint32_t, 4, RS + ip->imm, v);
	F->fpr[ip->rt] = v;
	NEXT;
}
op_LWXC1 : {
	CHECK_CU1();
	uint32_t v;
	LOAD(uint32_t, 4, RS + RT, v);
	F->fpr[ip->rd] = v;
	NEXT;
}
op_SWC1:
	CHECK_CU1();
	STORE(uint32_t, 4, RS + ip->imm, F->fpr[ip->rt]);
	NEXT;
op_SWXC1:
	CHECK_CU1();
	STORE(uint32_t, 4, RS + RT, F->fpr[ip->rd]);
	NEXT;
op_LDC1:
op_LDXC1 : {
	CHECK_CU1();
	uint32_t va = ip->op == NODE_OP_LDC1 ? RS + ip->imm : RS + RT;
	unsigned fr = (ip->op == NODE_OP_LDC1 ? ip->rt : ip->rd) & ~1u;
	uint32_t lo, hi;
	node_ftlb *e = &rtlb[DATA_SLOT(va)];
	if (likely(e->tag == DATA_TAG(va, 8))) {
		const uint32_t *p = (const uint32_t *)((uintptr_t)va + e->addend);
		lo = p[0];
		hi = p[1];
	} else {
		if (va & 7) {
			cpu->badvaddr = va;
			RAISE(NODE_EXC_ADEL);
		}
		LOAD(uint32_t, 4, va, lo);
		LOAD(uint32_t, 4, va + 4, hi);
	}
	F->fpr[fr] = lo;
	F->fpr[fr + 1] = hi;
	NEXT;
}
op_SDC1:
op_SDXC1 : {
	CHECK_CU1();
	uint32_t va = ip->op == NODE_OP_SDC1 ? RS + ip->imm : RS + RT;
	unsigned fr = (ip->op == NODE_OP_SDC1 ? ip->rt : ip->rd) & ~1u;
	node_ftlb *e = &wtlb[DATA_SLOT(va)];
	if (likely(e->tag == DATA_TAG(va, 8))) {
		uint32_t *p = (uint32_t *)((uintptr_t)va + e->addend);
		p[0] = F->fpr[fr];
		p[1] = F->fpr[fr + 1];
	} else {
		if (va & 7) {
			cpu->badvaddr = va;
			RAISE(NODE_EXC_ADES);
		}
		STORE(uint32_t, 4, va, F->fpr[fr]);
		STORE(uint32_t, 4, va + 4, F->fpr[fr + 1]);
	}
	NEXT;
}
}
