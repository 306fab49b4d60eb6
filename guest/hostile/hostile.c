/* guest/hostile/hostile.c: a hostile virtual-machine kernel.
 *
 * What it is for: it runs as the kernel of one virtual machine under the
 * monitor (or bare on the machine) and does, for HOSTILE_OPS operations
 * chosen by a deterministic xorshift PRNG (seed HOSTILE_SEED), the things a
 * buggy or malicious kernel could do to the layer below it:
 *
 *   - random privileged instructions as real machine code: mtc0/mfc0 to any
 *     CP0 register and select with random values, every COP0 "CO" function
 *     (tlbr/tlbwi/tlbwr/tlbp, eret, deret, hypcall, unassigned ones), di/ei,
 *     rdpgpr/wrpgpr, random COP0 words, cache and synci on random addresses,
 *     syscall/break/teq/rdhwr;
 *   - TLB writes with random EntryHi/EntryLo0/1/PageMask/Index/Wired, then
 *     loads through random mapped addresses (kuseg, kseg2/3);
 *   - loads of 1, 2 and 4 bytes (aligned or not) from random physical
 *     addresses below 512 MiB through KSEG0 and KSEG1, the device window
 *     (UART, virtio slots, MAGIC, power-off) included;
 *   - stores likewise, but only where they cannot hit the program itself
 *     (see "Memory" below);
 *   - virtio-mmio: resets and sets up a queue of slot 0 (sometimes another
 *     slot) with rings and descriptors that point anywhere - beyond RAM,
 *     into the device window, past 4 GiB, at the rings themselves, with
 *     random lengths, flags and NEXT loops - and notifies it;
 *   - "monitor calls": syscall and the MIPS VZ hypcall encoding
 *     (0x42000028 | code << 11) with random registers, which a monitor must
 *     reflect or reject;
 *   - waits with the timer armed and short windows with interrupts enabled.
 *
 * It survives its own faults: every generated instruction runs either in
 * the code buffer hl_codebuf or as the first instruction of a tiny assembly
 * routine (hostile_asm.S), and the exception handler, for an EPC there,
 * counts the exception by ExcCode and resumes at EPC + 4 (EPC + 8 with
 * Cause.BD, which the layout never produces). Interrupts are counted and
 * resumed without skipping. Every exception returns with a sane Status
 * (kernel mode, EXL = ERL = BEV = IE = 0), and after every generated
 * sequence hl_exec writes back Status, Cause, EBase, Config0, IntCtl,
 * SRSCtl and the watch registers. Exceptions anywhere else are "stray":
 * counted, reported and resumed without skipping; HOSTILE_MAX_STRAYS of them
 * end the run with status 3.
 *
 * Start-up: rt_bare's crt0 (guest/rt/crt0_bare.S) starts from the reset
 * state (BEV = ERL = 1, KSEG0 addresses), sets its own EBase and Status = CU1
 * and calls main. main copies crt0's vector stubs (j exc_common; li k1, off)
 * to physical 0, i.e. EBase 0x80000000 (refill +0x000, general +0x180,
 * interrupt +0x200 and every vectored-interrupt slot after it), points EBase
 * there with BEV set around the write, and routes every exception to
 * on_exception through rt_set_exception_handler.
 *
 * Memory (guest physical; the VM has 16 MiB or more, as MAGIC reports):
 *   0x000000-0x001000  exception vectors (EBase 0x80000000)
 *   0x100000-...       this program (bare.ld: code, data, stacks; < 1 MiB)
 *   8 MiB-11 MiB       scratch: target of random RAM stores
 *   11 MiB-12 MiB      virtio area: rings and descriptor tables this
 *                      program builds; random stores never go there
 * Random stores go to the scratch, to physical addresses from 12 MiB up to
 * 512 MiB (RAM the program does not use, or nothing), or into the device
 * window, never to: the power-off register (except the final exit), the
 * MAGIC CPU-start registers (starting another CPU at a random pc would trash
 * the VM), virtio QueueReady/QueueNotify (a device must not run a queue
 * whose rings were not built here). UART THR writes are limited to
 * HOSTILE_UART_THR_MAX '~' characters, and LCR/MCR/IER are put back after
 * every UART store so the console keeps working. Device-writable virtio
 * buffers and used rings that would land below the scratch are moved into
 * it (read-only ones may point anywhere). Random loads go anywhere.
 *
 * Output: a line `hostile: N ops, exceptions X` every 1000 operations, then
 * `hostile: done, N ops, exceptions by code: C=n ...` and power-off with 0.
 * If the VM has a disk in slot 0 it may be read and written at random
 * sectors: give the hostile VM a throw-away disk image.
 */
#include "hostile.h"
#include "rt.h"

#ifndef HOSTILE_OPS
#define HOSTILE_OPS 20000
#endif
#ifndef HOSTILE_SEED
#define HOSTILE_SEED 0x2545f491u
#endif
#ifndef HOSTILE_PROGRESS
#define HOSTILE_PROGRESS 1000
#endif
#ifndef HOSTILE_MAX_STRAYS
#define HOSTILE_MAX_STRAYS 64
#endif
#ifndef HOSTILE_UART_THR_MAX
#define HOSTILE_UART_THR_MAX 32
#endif
#ifndef HOSTILE_WAIT /* 0: never execute wait (a monitor without a timer) */
#define HOSTILE_WAIT 1
#endif

/* ---- platform ------------------------------------------------------------- */
#define MiB (1024u * 1024u)
#define KSEG0(pa) (0x80000000u | (uint32_t)(pa))
#define KSEG1(pa) (0xa0000000u | (uint32_t)(pa))
#define DEV_LO 0x1f000000u /* device window, physical */
#define DEV_HI 0x1f300000u
#define UART_PA 0x1f000000u
#define UART_LCR 3
#define UART_MCR 4
#define UART_IER 1
#define VIRTIO_PA(k) (0x1f001000u + 0x1000u * (uint32_t)(k))
#define MAGIC_PA 0x1f100000u /* node 0; node/magic_regs.h has the map */
#define MAGIC_ID_VALUE 0x4347414du
#define MAGIC_MEM_SIZE 0x01cu
#define POWEROFF_PA 0x1f200000u
#define PHYS_LIMIT (512u * MiB) /* what KSEG0/KSEG1 reach */
#define DESC_REGION 0x10000u	/* start of the virtio area: descriptor tables */

/* CP0 bits */
#define ST_CU1 0x20000000u
#define ST_BEV 0x00400000u
#define ST_IM7 0x00008000u
#define ST_IE 0x00000001u
#define ST_EXL 0x00000002u
#define ST_ERL 0x00000004u
#define CAUSE_BD 0x80000000u
#define CAUSE_IP7 0x00008000u
#define CAUSE_SWIP 0x00000300u

#define MFC0(reg, sel)                                                    \
	({                                                                \
		uint32_t _v;                                              \
		__asm__ volatile("mfc0 %0, $" #reg ", " #sel : "=r"(_v)); \
		_v;                                                       \
	})
#define MTC0(reg, sel, v) \
	__asm__ volatile("mtc0 %0, $" #reg ", " #sel "\n\tehb" : : "r"((uint32_t)(v)) : "memory")

/* ---- instruction encodings (MIPS32r2) ------------------------------------ */
#define OP_NOP 0x00000000u
#define OP_EHB 0x000000c0u
#define OP_JR_RA 0x03e00008u
#define E_MFC0(rt, rd, sel) (0x40000000u | (rt) << 16 | (rd) << 11 | (sel))
#define E_MTC0(rt, rd, sel) (0x40800000u | (rt) << 16 | (rd) << 11 | (sel))
#define E_CO(func) (0x42000000u | (func))
#define F_TLBR 0x01u
#define F_TLBWI 0x02u
#define F_TLBWR 0x06u
#define F_TLBP 0x08u
#define F_ERET 0x18u
#define F_DERET 0x1fu
#define F_WAIT 0x20u
#define F_HYPCALL 0x28u /* VZ ASE: CO, code in bits 20..11 */
#define E_DI(rt) (0x41606000u | (rt) << 16)
#define E_EI(rt) (0x41606020u | (rt) << 16)
#define E_RDPGPR(rd, rt) (0x41400000u | (rt) << 16 | (rd) << 11)
#define E_WRPGPR(rd, rt) (0x41c00000u | (rt) << 16 | (rd) << 11)
#define E_CACHE(op, base, off) (0xbc000000u | (base) << 21 | (op) << 16 | ((off)&0xffffu))
#define E_SYNCI(base, off) (0x041f0000u | (base) << 21 | ((off)&0xffffu))
#define E_SYSCALL(code) ((((code)&0xfffffu) << 6) | 0x0cu)
#define E_BREAK(code) ((((code)&0xfffffu) << 6) | 0x0du)
#define E_TEQ(rs, rt) (0x00000034u | (rs) << 21 | (rt) << 16)
#define E_RDHWR(rt, rd) (0x7c00003bu | (rt) << 16 | (rd) << 11)

#define R_SP 29
#define R_RA 31
#define R_T9 25 /* hl_exec's jump register: not loaded from regs[] */

/* ---- state shared with the exception handler ------------------------------ */
static volatile uint32_t exc_by_code[32], exc_total, exc_refill, exc_stray;
static uint32_t uart_thr_left = HOSTILE_UART_THR_MAX;
static uint32_t uart_saved_mcr, uart_saved_ier;
static uint32_t ram_size, scratch_lo, scratch_hi, vio_lo, vio_hi;
static uint32_t n_virtio, n_virtio_used, n_virtio_reset_needed, n_tlb, n_loads, n_stores, n_insns;
static uint32_t recent_vpn[8];

extern char rt__vectors[], _stack_top[], rt__exc_stack_top[];

/* ---- PRNG: xorshift32 ----------------------------------------------------- */
static uint32_t rng_state = HOSTILE_SEED;

static uint32_t rnd(void)
{
	uint32_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return rng_state = x;
}

static uint32_t rndn(uint32_t n) /* 0..n-1; n > 0 */
{
	return rnd() % n;
}

static uint64_t rnd64(void)
{
	return (uint64_t)rnd() << 32 | rnd();
}

/* ---- exception handler ----------------------------------------------------- */
static int risky(uint32_t epc)
{
	return (epc >= (uint32_t)(uintptr_t)hl_risky_start &&
		epc < (uint32_t)(uintptr_t)hl_risky_end) ||
	       (epc >= (uint32_t)(uintptr_t)hl_codebuf &&
		epc < (uint32_t)(uintptr_t)hl_codebuf + 4096);
}

static void on_exception(rt_frame *f)
{
	uint32_t code = (f->cause >> 2) & 31, epc = f->epc;

	exc_by_code[code]++;
	exc_total++;
	if (f->vector == 0)
		exc_refill++;
	/* whatever Status the generated code left, resume in the sane one */
	f->status = hl_save[SV_STATUS / 4];

	/* an interrupt: resume the interrupted instruction */
	if (code == 0) {
		if (f->cause & CAUSE_IP7) /* timer: push Compare away (clears TI) */
			MTC0(11, 0, MFC0(9, 0) + 0x40000000u);
		if (f->cause & CAUSE_SWIP)
			MTC0(13, 0, MFC0(13, 0) & ~CAUSE_SWIP);
		/* arrived between hl_wait's Status write and its wait: do not
		 * go back into a wait whose interrupt has been taken */
		if (epc >= (uint32_t)(uintptr_t)hl_wait_insn - 4 &&
		    epc <= (uint32_t)(uintptr_t)hl_wait_insn)
			f->epc = (uint32_t)(uintptr_t)hl_wait_insn + 4;
		return;
	}
	if (risky(epc)) {
		f->epc = epc + ((f->cause & CAUSE_BD) ? 8 : 4);
		return;
	}
	exc_stray++;
	rt_printf("hostile: stray exception ExcCode %u at epc %08x badvaddr %08x cause %08x "
		  "vector +0x%03x\n",
		  code, epc, f->badvaddr, f->cause, f->vector);
	if (code == 23) { /* watch: disarm */
		MTC0(18, 0, 0);
		MTC0(13, 0, MFC0(13, 0) & ~(1u << 22));
	}
	if (exc_stray >= HOSTILE_MAX_STRAYS) {
		rt_printf("hostile: FAILED: %u stray exceptions\n", exc_stray);
		rt_exit(3);
	}
}

/* ---- vectors at EBase 0x80000000 ------------------------------------------ */
static void sync_icache(const void *p, unsigned bytes)
{
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)15;

	for (; a < (uintptr_t)p + bytes; a += 16)
		__asm__ volatile("synci 0(%0)" : : "r"(a) : "memory");
	__asm__ volatile("sync" : : : "memory");
}

/* Each crt0 vector is two words, `j exc_common; li k1, OFFSET`; a j reaches
 * anywhere in the same 256 MiB, so a copy at 0x80000000 works as it is. The
 * interrupt stub also fills every 32-byte slot from +0x200 to the end of the
 * page, in case Cause.IV with a nonzero IntCtl.VS ever takes a vectored
 * interrupt to EBase + 0x200 + n * spacing. */
static void install_vectors(void)
{
	volatile uint32_t *page = (volatile uint32_t *)KSEG0(0);
	const uint32_t *rt = (const uint32_t *)rt__vectors;
	uint32_t st = hl_save[SV_STATUS / 4];

	for (unsigned i = 0; i < 1024; i++)
		page[i] = OP_NOP;
	page[0x000 / 4] = rt[0x000 / 4];
	page[0x000 / 4 + 1] = rt[0x000 / 4 + 1];
	page[0x180 / 4] = rt[0x180 / 4];
	page[0x180 / 4 + 1] = rt[0x180 / 4 + 1];
	for (unsigned off = 0x200; off < 0x1000; off += 0x20) {
		page[off / 4] = rt[0x200 / 4];
		page[off / 4 + 1] = rt[0x200 / 4 + 1];
	}
	sync_icache((const void *)page, 4096);
	MTC0(12, 0, st | ST_BEV);
	MTC0(15, 1, 0x80000000u);
	MTC0(12, 0, st);
}

/* ---- random values ---------------------------------------------------------- */
static uint32_t rand_value(void)
{
	switch (rndn(9)) {
	case 0: return 0;
	case 1: return rndn(64);
	case 2: {
		static const uint32_t special[] = {0xffffffffu, 0x80000000u, 0x7fffffffu,
						   0x00000001u, 0x00400000u, 0x00000006u,
						   0x0000ff01u, 0xfffffffeu};
		return special[rndn(8)];
	}
	case 3: return KSEG0(scratch_lo + rndn(scratch_hi - scratch_lo));
	case 4: return KSEG1(rndn(PHYS_LIMIT));
	case 5: return rnd() & 0x7fffffffu; /* kuseg */
	case 6: return rnd() & rnd();
	case 7: return 1u << rndn(32);
	default: return rnd();
	}
}

static void rand_regs(uint32_t regs[32])
{
	for (unsigned r = 0; r < 32; r++)
		regs[r] = rand_value();
	regs[0] = 0;
}

/* ---- running generated code ------------------------------------------------ */
/* Writes words[0..n) and the tail (nop, nop, jr ra, nop) into hl_codebuf and
 * runs it with the registers regs[]. A branch at word 0 whose offset is 1
 * lands on word 2, a nop, either way. */
static void run_code(const uint32_t *words, unsigned n, const uint32_t *regs)
{
	unsigned i;

	for (i = 0; i < n; i++)
		hl_codebuf[i] = words[i];
	hl_codebuf[i++] = OP_NOP;
	hl_codebuf[i++] = OP_NOP;
	hl_codebuf[i++] = OP_JR_RA;
	hl_codebuf[i++] = OP_NOP;
	sync_icache(hl_codebuf, 4 * i);
	n_insns += n;
	hl_exec(regs);
}

/* A register a generated instruction may write: never sp (the exception
 * vectors build their frame below it) or ra (the code's way back). */
static uint32_t safe_dest(uint32_t r)
{
	return (r == R_SP || r == R_RA) ? 8 + (r & 7) : r;
}

/* Makes a COP0 word safe to run in hl_codebuf with regs[] (which it may
 * adjust): GPR destinations away from sp/ra, BC0 branches to word 2, wait
 * replaced (hl_wait does waits), a Status value that could take an exception
 * with BEV set, or change mode, loses BEV. */
static uint32_t sanitize_cop0(uint32_t w, uint32_t regs[32])
{
	uint32_t rs = (w >> 21) & 31, rt = (w >> 16) & 31, rd = (w >> 11) & 31;

	if (rs >= 16) { /* CO */
		if ((w & 0x3f) == F_WAIT)
			return OP_EHB;
		return w;
	}
	switch (rs) {
	case 4: /* mtc0 */
		if (rd == 12 && (w & 7) == 0) {
			if (rt == R_T9 || rt == 26 || rt == 27 || rt == R_SP || rt == R_RA) {
				rt = 8;
				w = (w & ~(31u << 16)) | rt << 16;
			}
			if (!(regs[rt] & (ST_EXL | ST_ERL)))
				regs[rt] &= ~ST_BEV;
		}
		return w;
	case 8: /* BC0 (removed in MIPS32; an implementation might branch) */
		return (w & 0xffff0000u) | 1;
	case 10: /* rdpgpr: writes GPR rd */
	case 14: /* wrpgpr: writes shadow GPR rd, i.e. ours without shadow sets */
		return (w & ~(31u << 11)) | safe_dest(rd) << 11;
	case 5: /* dmtc0 and mthc0 only read GPRs */
	case 6: return w;
	default: /* mfc0, mfhc0, mfmc0 (di/ei) and unassigned: rt may be a dest */
		return (w & ~(31u << 16)) | safe_dest(rt) << 16;
	}
}

static uint32_t rand_cop0_word(void)
{
	static const uint32_t funcs[] = {F_TLBR, F_TLBWI, F_TLBWR, F_TLBP,
					 F_ERET, F_DERET, F_WAIT,  F_HYPCALL};
	uint32_t k = rndn(100), rt = rndn(32), rd = rndn(32);
	uint32_t sel = rndn(4) == 0 ? rndn(8) : 0;

	if (k < 35)
		return E_MTC0(rt, rd, sel);
	if (k < 60)
		return E_MFC0(rt, rd, sel);
	if (k < 75) {
		uint32_t f = rndn(4) ? funcs[rndn(8)] : rndn(64);
		uint32_t mid = rndn(4) == 0 ? (rnd() & 0x01ffffc0u) : 0; /* bits 24..6 */
		if (f == F_HYPCALL)
			mid = (rnd() & 0x3ffu) << 11;
		return E_CO(f) | mid;
	}
	if (k < 85)
		return rndn(2) ? E_DI(rt) : E_EI(rt);
	if (k < 90)
		return rndn(2) ? E_RDPGPR(rd, rt) : E_WRPGPR(rd, rt);
	return 0x40000000u | (rnd() & 0x03ffffffu);
}

static void op_cop0(void)
{
	uint32_t regs[32], w;

	rand_regs(regs);
	w = sanitize_cop0(rand_cop0_word(), regs);
	run_code(&w, 1, regs);
}

/* ---- TLB ------------------------------------------------------------------ */
static uint32_t rand_entrylo(void)
{
	uint32_t pfn = rndn(2) ? rndn(ram_size >> 12) : rnd() & 0x00ffffffu;

	return (pfn << 6) | (rnd() & 0x3fu); /* C, D, V, G random */
}

static void op_tlb(void)
{
	static const uint32_t masks[] = {0,	    0x6000u,	0x1e000u,   0x7e000u,	0x1fe000u,
					 0x7fe000u, 0x1ffe000u, 0x7ffe000u, 0x1fffe000u};
	static const uint32_t ops[] = {F_TLBWI, F_TLBWI, F_TLBWR, F_TLBWR, F_TLBP, F_TLBR};
	uint32_t regs[32], w[12];
	unsigned n = 0;

	rand_regs(regs);
	/* EntryHi: anything, or a kuseg page with a small ASID */
	regs[4] = rndn(2) ? (rnd() & 0xffffe0ffu) : (rndn(0x40000) << 13 | rndn(4));
	regs[5] = rand_entrylo();
	regs[6] = rand_entrylo();
	regs[7] = rndn(4) ? masks[rndn(9)] : rnd();
	regs[8] = rndn(8) ? rndn(64) : rnd();
	regs[9] = rndn(8);
	w[n++] = E_MTC0(4, 10, 0); /* EntryHi */
	w[n++] = E_MTC0(5, 2, 0);  /* EntryLo0 */
	w[n++] = E_MTC0(6, 3, 0);  /* EntryLo1 */
	w[n++] = E_MTC0(7, 5, 0);  /* PageMask */
	w[n++] = E_MTC0(8, 0, 0);  /* Index */
	if (rndn(10) == 0)
		w[n++] = E_MTC0(9, 6, 0); /* Wired */
	w[n++] = OP_EHB;
	w[n++] = E_CO(ops[rndn(6)]);
	w[n++] = OP_EHB;
	w[n++] = E_MFC0(10, 0, 0);
	w[n++] = E_MFC0(11, 10, 0);
	w[n++] = E_MFC0(12, 2, 0);
	run_code(w, n, regs);
	recent_vpn[rndn(8)] = regs[4] & ~0x1fffu;
	n_tlb++;
}

/* ---- cache, synci, traps, monitor calls ----------------------------------- */
static void op_cache(void)
{
	uint32_t regs[32], w, base = rndn(32), op = rndn(32), off = rnd() & 0xffffu;

	rand_regs(regs);
	/* D/T/S: Index Store Tag and Hit Invalidate would drop this program's
	 * own dirty lines on a real cache; keep those to load-tag / scratch */
	if ((op & 3) != 0 && (op >> 2) == 2)
		op = (1u << 2) | (op & 3);
	if ((op & 3) != 0 && (op >> 2) == 4) {
		if (base == 0 || base == R_SP || base == R_RA || base == R_T9 || base >= 26)
			base = 8;
		regs[base] = KSEG0(scratch_lo + rndn(scratch_hi - scratch_lo - 0x10000));
		off &= 0x7fffu;
	}
	w = rndn(4) ? E_CACHE(op, base, off) : E_SYNCI(base, off);
	run_code(&w, 1, regs);
}

static void op_trap(void)
{
	uint32_t regs[32], w;

	rand_regs(regs);
	switch (rndn(8)) {
	case 0:
	case 1: w = E_SYSCALL(rnd()); break;
	case 2:
	case 3: w = E_CO(F_HYPCALL) | (rnd() & 0x3ffu) << 11; break; /* monitor call */
	case 4: w = E_BREAK(rnd()); break;
	case 5: w = rndn(2) ? E_CO(F_ERET) : E_CO(F_DERET); break; /* to hl_codebuf+4 */
	case 6: w = E_TEQ(rndn(32), rndn(32)); break;
	default: w = E_RDHWR(safe_dest(rndn(32)), rndn(32)); break;
	}
	run_code(&w, 1, regs);
}

/* ---- loads and stores ------------------------------------------------------ */
/* A physical address in the device window, spread over its devices. */
static uint32_t rand_dev_pa(void)
{
	switch (rndn(10)) {
	case 0:
	case 1: return UART_PA + (rndn(2) ? rndn(8) : rndn(0x1000));
	case 2:
	case 3:
	case 4:
	case 5: return VIRTIO_PA(rndn(16)) + (rndn(2) ? rndn(0x200) : rndn(0x1000));
	case 6:
	case 7: return MAGIC_PA + 0x1000u * rndn(4) + rndn(0x500);
	case 8: return POWEROFF_PA + rndn(0x1000);
	default: return DEV_LO + rndn(DEV_HI - DEV_LO);
	}
}

static uint32_t rand_load_va(void)
{
	uint32_t pa;

	switch (rndn(10)) {
	case 0: { /* mapped: near a page the TLB op wrote, or anywhere */
		uint32_t v = recent_vpn[rndn(8)];
		if (rndn(2) && v)
			return v + rndn(0x2000);
		return rndn(2) ? rnd() & 0x7fffffffu : 0xc0000000u | rnd();
	}
	case 1:
	case 2: pa = rand_dev_pa(); break;
	case 3: pa = rndn(ram_size); break;
	default: pa = rndn(PHYS_LIMIT); break;
	}
	return rndn(3) ? KSEG1(pa) : KSEG0(pa);
}

static void op_load(void)
{
	uint32_t va = rand_load_va();

	if (rndn(5) == 0)
		va += 1 + rndn(3); /* unaligned, for the wider ones */
	switch (rndn(6)) {
	case 0: hl_lb(va); break;
	case 1: hl_lbu(va); break;
	case 2: hl_lh(va); break;
	case 3: hl_lhu(va); break;
	case 4: hl_ll(va); break;
	default: hl_lw(va); break;
	}
	n_loads++;
}

static void store_sized(uint32_t va, unsigned size, uint32_t v)
{
	if (size == 1)
		hl_sb(va, v);
	else if (size == 2)
		hl_sh(va, v);
	else
		hl_sw(va, v);
}

static void uart_restore(void)
{
	hl_sb(KSEG1(UART_PA + UART_LCR), 0x03); /* 8N1, DLAB = 0 */
	hl_sb(KSEG1(UART_PA + UART_MCR), uart_saved_mcr);
	hl_sb(KSEG1(UART_PA + UART_IER), uart_saved_ier);
}

static uint64_t rand_ring_region(void);

/* Applies the store rules of the header to a device-window store; returns 0
 * to drop it. */
static int dev_store_ok(uint32_t pa, unsigned *size, uint32_t *v)
{
	uint32_t off = pa & 0xfffu, word = off & ~3u;

	if (pa >= POWEROFF_PA && pa < POWEROFF_PA + 4)
		return 0;
	if (pa >= MAGIC_PA && pa < MAGIC_PA + 64 * 0x1000u && word >= 0x100 && word < 0x200 &&
	    (word & 0x1f) == 0x10)
		return 0; /* MAGIC_MBOX(c) + START */
	if (pa >= VIRTIO_PA(0) && pa < MAGIC_PA) {
		/* QueueNum, QueueReady, QueueNotify, QueueDesc: a device must only
		 * run rings built by op_virtio, whole */
		if (word == 0x038 || word == 0x044 || word == 0x050 || word == 0x080 ||
		    word == 0x084)
			return 0;
		if (word == 0x0a0 || word == 0x0a4) { /* QueueDevice (used ring) */
			if ((pa & 3) || *size != 4)
				return 0;
			*v = word == 0x0a0 ? (uint32_t)rand_ring_region() : *v | 1u << rndn(32);
		}
	}
	if (pa >= UART_PA && pa < UART_PA + 0x1000 && (off & 7) == 0) {
		if (!uart_thr_left)
			return 0;
		uart_thr_left--;
		*v = '~';
		*size = 1;
	}
	return 1;
}

static void op_store(void)
{
	unsigned size = 1u << rndn(3);
	uint32_t pa, v = rand_value();
	int uart = 0;

	switch (rndn(10)) {
	case 0:
	case 1:
	case 2:
	case 3: pa = scratch_lo + rndn(scratch_hi - scratch_lo); break;
	case 4:
	case 5:
	case 6: pa = rand_dev_pa(); break;
	default: pa = scratch_lo + rndn(PHYS_LIMIT - scratch_lo); break;
	}
	if (rndn(4))
		pa &= ~(size - 1); /* mostly aligned */
	/* keep off the virtio area */
	if (pa >= vio_lo - 4 && pa < vio_hi)
		pa = scratch_lo + (pa - vio_lo + 4) % (scratch_hi - scratch_lo - 4);
	if (pa >= DEV_LO && pa < 0x20000000u) {
		if (!dev_store_ok(pa, &size, &v))
			return;
		uart = pa < UART_PA + 0x1000;
	}
	store_sized(rndn(3) ? KSEG1(pa) : KSEG0(pa), size, v);
	if (uart)
		uart_restore();
	n_stores++;
}

/* ---- virtio ---------------------------------------------------------------- */
#define VIO_MAGIC 0x000
#define VIO_VERSION 0x004
#define VIO_DEVICE_ID 0x008
#define VIO_DEV_FEATURES 0x010
#define VIO_DEV_FEATURES_SEL 0x014
#define VIO_DRV_FEATURES 0x020
#define VIO_DRV_FEATURES_SEL 0x024
#define VIO_QUEUE_SEL 0x030
#define VIO_QUEUE_NUM_MAX 0x034
#define VIO_QUEUE_NUM 0x038
#define VIO_QUEUE_READY 0x044
#define VIO_QUEUE_NOTIFY 0x050
#define VIO_INT_STATUS 0x060
#define VIO_INT_ACK 0x064
#define VIO_STATUS 0x070
#define VIO_QUEUE_DESC 0x080
#define VIO_QUEUE_DRIVER 0x090
#define VIO_QUEUE_DEVICE 0x0a0
#define VIO_S_ACK 1u
#define VIO_S_DRIVER 2u
#define VIO_S_DRIVER_OK 4u
#define VIO_S_FEATURES_OK 8u
#define VIO_S_NEEDS_RESET 0x40u
#define VRING_F_NEXT 1u
#define VRING_F_WRITE 2u
#define VRING_F_INDIRECT 4u

static uint32_t vreg(unsigned slot, uint32_t off)
{
	return hl_lw(KSEG1(VIRTIO_PA(slot) + off));
}

static void vset(unsigned slot, uint32_t off, uint32_t v)
{
	hl_sw(KSEG1(VIRTIO_PA(slot) + off), v);
}

/* The virtio area [vio_lo, vio_hi) is split: the first 64 KiB (the "desc
 * region") only ever holds descriptor tables written here, with every
 * device-writable buffer already checked; the rest (the "ring region")
 * holds available and used rings and whatever devices write. Devices may
 * write the scratch, the ring region and anything at or above the end of
 * the scratch, never the program or the desc region, so a descriptor table
 * can never have been rewritten into one that points at the program. */
static int in_desc_region(uint64_t a, uint64_t n)
{
	return a < (uint64_t)vio_lo + DESC_REGION && a + n > vio_lo;
}

/* A device-writable buffer: moved off the program and the desc region, and
 * shortened so that it ends before the virtio area when it starts in the
 * scratch. Buffers at or above the end of RAM keep any length. */
static void fix_writable(uint64_t *a, uint32_t *len)
{
	uint64_t end;

	if (*a >= ram_size)
		return;
	if (*a < scratch_lo || in_desc_region(*a, *len ? *len : 1))
		*a = scratch_lo + rndn(scratch_hi - scratch_lo);
	end = *a + *len;
	if (*a < vio_lo && end > vio_lo)
		*len = (uint32_t)(vio_lo - *a);
}

static uint64_t rand_wild_addr(void)
{
	switch (rndn(5)) {
	case 0: return DEV_LO + rndn(DEV_HI - DEV_LO);
	case 1: return rnd64() | (1ull << 40);
	case 2: return 0x100000000ull - rndn(64); /* straddles 4 GiB */
	case 3: return (uint64_t)ram_size + rndn(0x100000);
	default: return (uint64_t)ram_size - 1 - rndn(8); /* straddles the end */
	}
}

static uint64_t rand_ring_region(void)
{
	return vio_lo + DESC_REGION + rndn(vio_hi - vio_lo - DESC_REGION - 0x1000);
}

/* Descriptor table: in the desc region (leaving room for 512 entries), or
 * where it is not RAM. Never where anyone else writes. */
static uint64_t rand_desc_table(void)
{
	uint64_t a;

	if (rndn(8) == 0) {
		a = rand_wild_addr();
		if (a < ram_size)
			a = (uint64_t)ram_size + rndn(64);
		return a;
	}
	a = vio_lo + rndn(DESC_REGION - 0x2000);
	return rndn(4) ? a & ~15ull : a;
}

/* Available ring: the device only reads it, so anywhere. */
static uint64_t rand_avail(uint64_t desc, uint32_t num)
{
	switch (rndn(10)) {
	case 0: return desc + 16ull * num; /* right after the table */
	case 1: return desc + rndn(4096);  /* inside the table */
	case 2: return rndn(scratch_lo);   /* the program */
	case 3: return rand_wild_addr();
	case 4: return scratch_lo + rndn(scratch_hi - scratch_lo);
	default: return rand_ring_region() & ~(rndn(4) ? 1ull : 0ull);
	}
}

/* Used ring: written by the device, so never the program or desc region. */
static uint64_t rand_used(uint64_t avail)
{
	uint64_t u;
	uint32_t span = 8 + 8 * 512;

	switch (rndn(10)) {
	case 0:
	case 1: u = avail + rndn(64); break; /* overlapping the available ring */
	case 2: u = rand_wild_addr(); break;
	case 3: u = scratch_lo + rndn(scratch_hi - scratch_lo); break;
	default: u = rand_ring_region() & ~(rndn(4) ? 3ull : 0ull); break;
	}
	if (u < ram_size && (u < scratch_lo || in_desc_region(u, span)))
		u = rand_ring_region();
	return u;
}

/* Descriptor buffer address: anywhere; fix_writable moves writable ones. */
static uint64_t rand_buf_addr(uint64_t desc, uint64_t avail, uint64_t used)
{
	switch (rndn(12)) {
	case 0: return rnd64();
	case 1: return rand_wild_addr();
	case 2: return DEV_LO + rndn(DEV_HI - DEV_LO);
	case 3: return desc + rndn(256); /* the table itself */
	case 4: return avail + rndn(16);
	case 5: return used + rndn(16);
	case 6: return rndn(scratch_lo); /* the program */
	case 7: return 0xffffffffull - rndn(0x1000);
	case 8: return 0xfffffffffffff000ull + rndn(0x1000); /* addr + len wraps */
	default: return scratch_lo + rndn(scratch_hi - scratch_lo);
	}
}

static uint32_t rand_len(void)
{
	switch (rndn(8)) {
	case 0: return 0;
	case 1:
	case 2: return rndn(17);
	case 3:
	case 4:
	case 5: return 1 + rndn(4096);
	case 6: return rndn(0x10000);
	default: return rnd();
	}
}

/* Byte-wise little-endian write of RAM we own, through KSEG0 (ring fields
 * may be unaligned on purpose). */
static void poke(uint64_t pa, uint64_t v, unsigned n)
{
	volatile uint8_t *p = (volatile uint8_t *)KSEG0((uint32_t)pa);

	for (unsigned i = 0; i < n; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint32_t peek16(uint64_t pa)
{
	volatile uint8_t *p = (volatile uint8_t *)KSEG0((uint32_t)pa);

	return p[0] | (uint32_t)p[1] << 8;
}

/* Where this program may write ring contents itself: the scratch and the
 * virtio area (descriptor tables only in the desc region). */
static int ours(uint64_t a, uint32_t n)
{
	return a >= scratch_lo && a + n <= vio_hi;
}

/* The used ring of the last well-formed request (0: none) and its index
 * when it was offered: a request counts as completed when the index has
 * moved by the next virtio operation (or the end of the run), so that
 * devices that finish later (the detailed memory model) count too. */
static uint64_t pend_used;
static uint32_t pend_idx;

static void check_completion(void)
{
	if (pend_used && peek16(pend_used + 2) != pend_idx)
		n_virtio_used++;
	pend_used = 0;
}

/* Descriptors 0-2 of the table at desc: a virtio-blk request (header,
 * data, status byte) with a mostly plausible type and sector, its header in
 * the scratch, its data mostly there too. */
static void blk_request(uint64_t desc)
{
	static const uint32_t types[] = {0, 0, 0, 0, 0, 0, 1, 1, 8, 4}; /* IN OUT GET_ID FLUSH */
	uint64_t hdr = (scratch_lo + rndn(scratch_hi - scratch_lo - 0x20000)) & ~15u;
	uint64_t data = hdr + 16 + rndn(0x1000), status = data + 0x10000;
	uint32_t type = rndn(10) ? types[rndn(10)] : rnd(), len = 512 * (1 + rndn(8));
	uint32_t dflags = type == 1 ? VRING_F_NEXT : VRING_F_NEXT | VRING_F_WRITE;

	poke(hdr, type, 4);
	poke(hdr + 4, 0, 4);
	poke(hdr + 8, rndn(4) ? rndn(16384) : rnd64(), 8); /* sector */
	if (rndn(8) == 0) {
		data = rand_buf_addr(desc, 0, 0);
		len = rndn(2) ? rand_len() : len;
		if (dflags & VRING_F_WRITE)
			fix_writable(&data, &len);
	}
	poke(desc + 0, hdr, 8);
	poke(desc + 8, 16, 4);
	poke(desc + 12, VRING_F_NEXT, 2);
	poke(desc + 14, 1, 2);
	poke(desc + 16, data, 8);
	poke(desc + 24, len, 4);
	poke(desc + 28, dflags, 2);
	poke(desc + 30, 2, 2);
	poke(desc + 32, status, 8);
	poke(desc + 40, 1, 4);
	poke(desc + 44, VRING_F_WRITE, 2);
	poke(desc + 46, 0, 2);
}

static void op_virtio(void)
{
	static uint64_t desc, avail, used;
	static uint32_t num, qsel;
	unsigned slot = rndn(5) ? 0 : rndn(8);
	uint32_t st;
	int fresh = 0, sane = 0;

	n_virtio++;
	check_completion();
	(void)vreg(slot, VIO_MAGIC);
	(void)vreg(slot, VIO_VERSION);
	(void)vreg(slot, VIO_DEVICE_ID);

	if (rndn(4) || !num) { /* new rings; otherwise offer more on the old ones */
		uint32_t feats, max;

		sane = rndn(4) == 0; /* a well-formed request, so that DMA happens */
		if (sane) {
			desc = (vio_lo + rndn(DESC_REGION - 0x2000)) & ~15u;
			num = 8;
			avail = rand_ring_region() & ~15ull;
			used = avail + 0x100;
		} else {
			desc = rand_desc_table();
			switch (rndn(5)) {
			case 0: num = rndn(513); break; /* maybe not a power of two */
			case 1: num = 256; break;
			default: num = 1u << rndn(9); break;
			}
			avail = rand_avail(desc, num);
			used = rand_used(avail);
		}

		vset(slot, VIO_STATUS, 0); /* reset */
		vset(slot, VIO_STATUS, VIO_S_ACK);
		vset(slot, VIO_STATUS, VIO_S_ACK | VIO_S_DRIVER);
		vset(slot, VIO_DEV_FEATURES_SEL, rndn(3));
		feats = vreg(slot, VIO_DEV_FEATURES);
		vset(slot, VIO_DRV_FEATURES_SEL, 1);
		vset(slot, VIO_DRV_FEATURES, (sane || rndn(4)) ? 1 : rnd()); /* VERSION_1 */
		vset(slot, VIO_DRV_FEATURES_SEL, 0);
		vset(slot, VIO_DRV_FEATURES, (sane || rndn(2)) ? feats : rnd());
		vset(slot, VIO_STATUS, VIO_S_ACK | VIO_S_DRIVER | VIO_S_FEATURES_OK);
		qsel = (sane || rndn(4)) ? 0 : (rndn(2) ? rndn(4) : rnd());
		vset(slot, VIO_QUEUE_SEL, qsel);
		max = vreg(slot, VIO_QUEUE_NUM_MAX);
		if (!sane && rndn(5) == 0 && max && max <= 256)
			num = max;
		vset(slot, VIO_QUEUE_NUM, num);
		vset(slot, VIO_QUEUE_DESC, (uint32_t)desc);
		vset(slot, VIO_QUEUE_DESC + 4, (uint32_t)(desc >> 32));
		vset(slot, VIO_QUEUE_DRIVER, (uint32_t)avail);
		vset(slot, VIO_QUEUE_DRIVER + 4, (uint32_t)(avail >> 32));
		vset(slot, VIO_QUEUE_DEVICE, (uint32_t)used);
		vset(slot, VIO_QUEUE_DEVICE + 4, (uint32_t)(used >> 32));
		if (ours(used, 4)) /* the index the device starts from */
			poke(used + 2, (sane || rndn(2)) ? 0 : rnd(), 2);
		fresh = 1; /* made ready below, once the table is written */
	}

	/* offer some heads (before the table: an available ring inside the
	 * table is overwritten by the table, not the other way round) */
	if (sane) {
		poke(avail, 0, 2);
		poke(avail + 4, 0, 2); /* head: descriptor 0 */
		poke(avail + 2, 1, 2);
	} else if (ours(avail, 4 + 2 * 512)) {
		uint32_t idx = peek16(avail + 2), k = 1 + rndn(4), m = num ? num : 1;

		poke(avail, rndn(4) ? 0 : rnd(), 2); /* flags */
		for (uint32_t i = 0; i < k; i++)
			poke(avail + 4 + 2 * ((idx + i) % m), rndn(8) ? rndn(m) : rnd(), 2);
		poke(avail + 2, rndn(10) ? idx + k : rnd(), 2);
	}

	/* the descriptor table, rewritten every time */
	if (in_desc_region(desc, 1) && desc >= vio_lo) {
		for (uint32_t i = 0; i < num && i < 512; i++) {
			uint32_t flags = rndn(8) ? rnd() & 3 : rnd() & 0xffff, len = rand_len();
			uint64_t a = rand_buf_addr(desc, avail, used), next;

			if (rndn(12) == 0)
				flags |= VRING_F_INDIRECT;
			if (flags & VRING_F_WRITE)
				fix_writable(&a, &len);
			switch (rndn(8)) {
			case 0: next = i; break; /* loop */
			case 1: next = 0; break;
			case 2: next = rnd() & 0xffff; break;
			default: next = (i + 1) & 0xffff; break;
			}
			poke(desc + 16 * i, a, 8);
			poke(desc + 16 * i + 8, len, 4);
			poke(desc + 16 * i + 12, flags, 2);
			poke(desc + 16 * i + 14, next, 2);
		}
		if (sane)
			blk_request(desc);
	}

	if (fresh) {
		vset(slot, VIO_QUEUE_READY, (sane || rndn(10)) ? 1 : rnd());
		vset(slot, VIO_STATUS,
		     (sane || rndn(8))
			     ? VIO_S_ACK | VIO_S_DRIVER | VIO_S_FEATURES_OK | VIO_S_DRIVER_OK
			     : rnd() & 0xff);
	}

	/* a few random register writes (the store rules of op_store apply) */
	for (unsigned i = sane ? 0 : rndn(4); i; i--) {
		uint32_t pa = VIRTIO_PA(slot) + (rndn(2) ? rndn(0x100) : 0x100 + rndn(0x100));
		unsigned size = rndn(4) ? 4 : 1u << rndn(2);
		uint32_t v = rand_value();

		pa &= ~(size - 1);
		if (dev_store_ok(pa, &size, &v))
			store_sized(KSEG1(pa), size, v);
	}

	/* only the queue set up here is ever notified */
	if (sane) {
		pend_used = used;
		pend_idx = peek16(used + 2);
	}
	vset(slot, VIO_QUEUE_NOTIFY, (sane || rndn(8)) ? qsel : 0x10000u | rnd());
	st = vreg(slot, VIO_STATUS);
	if (st & VIO_S_NEEDS_RESET)
		n_virtio_reset_needed++;
	vset(slot, VIO_INT_ACK, vreg(slot, VIO_INT_STATUS));
}

/* ---- waits and interrupt windows -------------------------------------------- */
static void op_wait(void)
{
#if HOSTILE_WAIT
	hl_wait(hl_save[SV_STATUS / 4] | ST_IE | ST_IM7, 32 + rndn(256));
#endif
}

static void op_irq(void)
{
	uint32_t sane = hl_save[SV_STATUS / 4];

	if (rndn(3) == 0) /* a software interrupt, taken if IM0/IM1 allow it */
		MTC0(13, 0, (rnd() & CAUSE_SWIP));
	hl_irq_window(sane | ST_IE | (rnd() & 0xff00u));
	MTC0(13, 0, 0);
}

/* ---- main ------------------------------------------------------------------ */
static void setup_memory(void)
{
	uint32_t image_end = (uint32_t)(uintptr_t)rt__exc_stack_top & 0x1fffffffu;

	ram_size = 16 * MiB;
	if (hl_lw(KSEG1(MAGIC_PA)) == MAGIC_ID_VALUE) {
		uint32_t m = hl_lw(KSEG1(MAGIC_PA + MAGIC_MEM_SIZE));
		if (m >= 4 * MiB && m <= 448 * MiB)
			ram_size = m;
	}
	if (ram_size >= 12 * MiB) {
		scratch_lo = 8 * MiB;
		vio_hi = 12 * MiB;
	} else {
		scratch_lo = ram_size / 2;
		vio_hi = ram_size;
	}
	vio_lo = vio_hi - (vio_hi - scratch_lo) / 4;
	scratch_hi = vio_lo;
	if (image_end >= scratch_lo) {
		rt_printf("hostile: image ends at %08x, above the scratch at %08x\n", image_end,
			  scratch_lo);
		rt_exit(2);
	}
}

int main(void)
{
	uint32_t i;

	hl_save[SV_STATUS / 4] = ST_CU1;
	hl_save[SV_EBASE / 4] = 0x80000000u;
	hl_save[SV_CONFIG0 / 4] = MFC0(16, 0);
	hl_save[SV_INTCTL / 4] = MFC0(12, 1);
	hl_save[SV_SRSCTL / 4] = MFC0(12, 2);
	MTC0(12, 0, ST_CU1);
	rt_set_exception_handler(on_exception);
	install_vectors();

	setup_memory();
	uart_saved_mcr = hl_lbu(KSEG1(UART_PA + UART_MCR));
	uart_saved_ier = hl_lbu(KSEG1(UART_PA + UART_IER));
	rt_printf("hostile: seed %08x, %u ops, RAM %u MiB, scratch %08x-%08x, virtio area "
		  "%08x-%08x\n",
		  HOSTILE_SEED, HOSTILE_OPS, ram_size / MiB, scratch_lo, scratch_hi, vio_lo,
		  vio_hi);

	for (i = 1; i <= HOSTILE_OPS; i++) {
		uint32_t k = rndn(100);

		if (k < 30)
			op_cop0();
		else if (k < 40)
			op_tlb();
		else if (k < 45)
			op_cache();
		else if (k < 50)
			op_trap();
		else if (k < 80)
			op_load();
		else if (k < 92)
			op_store();
		else if (k < 95)
			op_virtio();
		else if (k < 97)
			op_wait();
		else
			op_irq();
		if (i % HOSTILE_PROGRESS == 0)
			rt_printf("hostile: %u ops, exceptions %u\n", i, exc_total);
	}

	check_completion();
	rt_printf("hostile: done, %u ops, exceptions by code:", HOSTILE_OPS);
	for (unsigned c = 0; c < 32; c++)
		if (exc_by_code[c])
			rt_printf(" %u=%u", c, exc_by_code[c]);
	rt_printf("\n");
	rt_printf("hostile: %u exceptions (%u TLB refills, %u stray); %u generated insns, "
		  "%u TLB ops, %u loads, %u stores, %u virtio ops (%u well-formed requests "
		  "completed, %u left the device needing reset)\n",
		  exc_total, exc_refill, exc_stray, n_insns, n_tlb, n_loads, n_stores, n_virtio,
		  n_virtio_used, n_virtio_reset_needed);
	rt_exit(0);
}
