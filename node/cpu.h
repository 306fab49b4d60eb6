/* node/cpu.h: one emulated MIPS32r2 CPU (24Kc-like, little-endian, with FPU).
 *
 * The CPU runs in bounded slices (node_cpu_run) and returns to the node's run
 * loop, which delivers interrupts and advances time between slices
 * (STYLE.md 6). Architectural state (GPRs, HI/LO, CP0, TLB, FPU) lives here;
 * RAM and devices are reached only through node_mem (node/mem.h).
 *
 * Time: one cycle per instruction plus memory stall cycles (none in the fast
 * memory mode). CP0 Count runs at half the CPU clock.
 */
#ifndef NODE_CPU_H
#define NODE_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "node/decode.h"
#include "node/fpu.h"
#include "node/mem.h"

#define NODE_TLB_ENTRIES 64
#define NODE_FTLB_BITS 8
#define NODE_FTLB_SIZE (1u << NODE_FTLB_BITS)
#define NODE_FTLB_INVALID 0xffffffffu /* a tag no access can match */

/* Translation modes; each has its own fast translation tables. */
enum { NODE_MODE_KERNEL, NODE_MODE_KERNEL_ERL, NODE_MODE_SUPER, NODE_MODE_USER, NODE_NMODES };

/* Exception codes (Cause.ExcCode). */
enum {
	NODE_EXC_INT = 0,
	NODE_EXC_MOD = 1,
	NODE_EXC_TLBL = 2,
	NODE_EXC_TLBS = 3,
	NODE_EXC_ADEL = 4,
	NODE_EXC_ADES = 5,
	NODE_EXC_IBE = 6,
	NODE_EXC_DBE = 7,
	NODE_EXC_SYS = 8,
	NODE_EXC_BP = 9,
	NODE_EXC_RI = 10,
	NODE_EXC_CPU = 11,
	NODE_EXC_OV = 12,
	NODE_EXC_TR = 13,
	NODE_EXC_FPE = 15,
};

/* Status bits. */
#define NODE_ST_IE 0x00000001u
#define NODE_ST_EXL 0x00000002u
#define NODE_ST_ERL 0x00000004u
#define NODE_ST_KSU 0x00000018u
#define NODE_ST_UM 0x00000010u
#define NODE_ST_IM 0x0000ff00u
#define NODE_ST_IM7 0x00008000u /* the timer's interrupt mask (IntCtl.IPTI = 7) */
#define NODE_ST_NMI 0x00080000u
#define NODE_ST_SR 0x00100000u
#define NODE_ST_TS 0x00200000u
#define NODE_ST_BEV 0x00400000u
#define NODE_ST_RE 0x02000000u
#define NODE_ST_FR 0x04000000u
#define NODE_ST_RP 0x08000000u
#define NODE_ST_CU0 0x10000000u
#define NODE_ST_CU1 0x20000000u

/* Cause bits. */
#define NODE_CAUSE_BD 0x80000000u
#define NODE_CAUSE_TI 0x40000000u
#define NODE_CAUSE_CE_SHIFT 28
#define NODE_CAUSE_DC 0x08000000u
#define NODE_CAUSE_IV 0x00800000u
#define NODE_CAUSE_IP 0x0000ff00u
#define NODE_CAUSE_IP7 0x00008000u

typedef struct node_tlb_entry {
	uint32_t hi;   /* EntryHi: VPN2 (masked by PageMask) and ASID */
	uint32_t mask; /* PageMask */
	uint32_t lo[2];
	bool g;
} node_tlb_entry;

/* Fast data translation for one 4 KiB virtual page: an access of size n at
 * va hits when (va & (0xfffff000 | (n-1))) == tag, which also rejects
 * misaligned addresses; then host address = va + addend. */
typedef struct node_ftlb {
	uint32_t tag;
	uintptr_t addend;
} node_ftlb;

/* Fast instruction-fetch translation: virtual page -> decoded page. */
typedef struct node_xtlb {
	uint32_t tag;
	node_decode_page *page;
} node_xtlb;

/* Why node_cpu_run returned. */
enum {
	NODE_RUN_BUDGET = 0, /* the slice's budget ran out */
	NODE_RUN_EXIT,	     /* something needs the run loop's attention */
	NODE_RUN_WAIT,	     /* the CPU executed `wait` and idles */
	NODE_RUN_HALT,	     /* the machine halted (power-off) */
	NODE_RUN_STALL,	     /* a memory access waits for the memory system; pc is
			      * the instruction to retry (the branch, in a delay slot) */
};

typedef struct node_cpu {
	uint32_t r[33]; /* r[32] is the sink for writes to $zero */
	uint32_t hi, lo;
	uint32_t pc;
	node_fpu fpu;

	/* CP0 */
	uint32_t index, entrylo0, entrylo1, context, pagemask, wired, hwrena;
	uint32_t badvaddr, entryhi, compare, status, intctl, srsctl, cause;
	uint32_t epc, prid, ebase, config0, config1, config2, config3, config7;
	uint32_t userlocal, lladdr, errorepc;
	uint32_t llbit;
	uint32_t hw_irq;	   /* levels of IP2..IP6 as Cause bits 10..14 */
	uint64_t count_base_cycle; /* Count = count_at_base + (cycles - base)/2 */
	uint32_t count_at_base;
	uint64_t random_base_cycle;
	uint64_t timer_deadline; /* cycle at which Count next equals Compare */

	node_tlb_entry tlb[NODE_TLB_ENTRIES];
	int mode; /* NODE_MODE_* for the current Status */

	uint64_t cycles;	/* simulated cycles since reset */
	uint64_t stall_cycles;	/* of which waiting for memory */
	uint32_t pending_stall; /* set by the memory system during an access */
	uint32_t ftlb_shift;	/* fast data tables: per page (12) or per line (7) */
	uint32_t ftlb_mask;	/* the matching tag mask */
	bool ll_pending;	/* the access is an ll: the memory system notes its line */
	uint32_t ll_line;	/* physical line of the last ll (detailed mode) */
	uint64_t insns;		/* instructions retired */
	uint64_t exceptions;
	uint64_t exc_by_code[32]; /* exceptions taken, by Cause.ExcCode */
	uint64_t tlb_refills;
	/* cycles spent in each mode, accounted at every mode switch up to
	 * mode_mark (idle and stall time included: the statistics subtract) */
	uint64_t mode_cycles[NODE_NMODES];
	uint64_t mode_mark;

	int cpunum;
	bool waiting; /* in `wait`, until an interrupt is pending */
	bool stalled; /* waits for a miss (detailed mode) */
	bool halted;  /* not started yet (MAGIC start mailbox) */
	int local;    /* index among its node's CPUs */
	void *sys;    /* the memory system's per-CPU state (detailed mode) */

	/* The monitor (DESIGN.md 5). vm_segments: the CPU runs a VM's kernel
	 * in supervisor mode, where KSEG0 and KSEG1 are translated through the
	 * TLB (entries the monitor fills from the pmap) instead of raising
	 * address errors, so that an unmodified kernel runs in a VM. trap:
	 * when set, every exception and interrupt goes to it instead of the
	 * architectural vector; it returns the pc to continue at (the monitor
	 * emulates, or reflects the exception into the guest's virtual CP0).
	 * exc_insn: the word of the instruction that raised the exception (0
	 * for instruction-fetch exceptions and interrupts); in a delay slot,
	 * exc_branch_target is where the branch continues once the monitor
	 * has emulated the slot's instruction. */
	bool vm_segments;
	uint32_t (*trap)(struct node_cpu *cpu, int exc, uint32_t pc, bool in_delay, bool refill);
	void *trap_opaque;
	uint32_t exc_insn;
	uint32_t exc_branch_target; /* in a delay slot: where the branch goes next */
	/* Set by the trap hook: cycles its work takes (charged to the CPU as
	 * trap_cycles, not as instructions), and a request to end the slice
	 * after it (the CPU idles or switches to another vCPU). */
	uint32_t pending_trap;
	bool exit_request;
	uint64_t trap_cycles;
	node_mem *mem;

	node_ftlb rtlb[NODE_NMODES][NODE_FTLB_SIZE];
	node_ftlb wtlb[NODE_NMODES][NODE_FTLB_SIZE];
	node_xtlb xtlb[NODE_NMODES][NODE_FTLB_SIZE];
} node_cpu;

/* Resets to the architectural reset state (Status.BEV=ERL=1, kernel mode)
 * with pc at the reset vector; the loader then sets pc. */
void node_cpu_reset(node_cpu *cpu, node_mem *mem, int cpunum);

/* Runs at most budget instructions (one slice). Returns NODE_RUN_*. */
int node_cpu_run(node_cpu *cpu, int64_t budget);

/* Takes a pending interrupt if Status allows; called between slices. */
bool node_cpu_check_interrupts(node_cpu *cpu);
/* Sets the level of hardware interrupt line ip (2..6). */
void node_cpu_set_irq(node_cpu *cpu, int ip, bool level);
/* Cycles until the Count/Compare timer next fires (>= 1). */
uint64_t node_cpu_cycles_to_timer(const node_cpu *cpu);
/* Called by the run loop when cycles reach the timer deadline. */
void node_cpu_timer_tick(node_cpu *cpu);

/* Drops every fast translation (TLB write, ASID change, mode tables). */
void node_cpu_flush_fast(node_cpu *cpu);
/* Drops fast write translations that point into physical page ppn. */
void node_cpu_flush_fast_write_page(node_cpu *cpu, uint32_t ppn);

/* CP0 access (node/cp0.c), used by the interpreter. */
uint32_t node_cp0_read(node_cpu *cpu, unsigned reg, unsigned sel);
void node_cp0_write(node_cpu *cpu, unsigned reg, unsigned sel, uint32_t val);
uint32_t node_cp0_count(const node_cpu *cpu);
/* Enters exception exc at pc (in_delay: the instruction is in a delay slot);
 * sets EPC/Cause/Status and returns the vector to continue at. refill selects
 * the TLB refill vector when EXL was 0. */
uint32_t node_cpu_exception(node_cpu *cpu, int exc, uint32_t pc, bool in_delay, bool refill);
/* Recomputes cpu->mode from Status. */
void node_cpu_update_mode(node_cpu *cpu);

/* TLB (node/tlb.c). */
enum { NODE_ACC_LOAD, NODE_ACC_STORE, NODE_ACC_FETCH };
/* Translates va for an access in the current mode. Returns 0 and *pa, or
 * an exception code with *refill telling TLB refill from invalid. Sets
 * BadVAddr/Context/EntryHi for TLB and address-error exceptions. */
int node_tlb_translate(node_cpu *cpu, uint32_t va, int access, uint32_t *pa, bool *refill);
/* The segment of va for a CPU in mode (vm_segments: see node_cpu): an
 * address error, mapped through the TLB, or unmapped with *pa set. Shared
 * with the monitor's virtual TLB. */
enum { NODE_SEG_ERROR, NODE_SEG_MAPPED, NODE_SEG_UNMAPPED };
int node_segment(uint32_t va, int mode, bool vm_segments, uint32_t *pa);
/* Translates va through TLB entry e (which matches it): 0 with *pa and the
 * EntryLo used in *lo, or TLBL/TLBS (V = 0) or Mod (a store with D = 0). */
int node_tlb_entry_translate(const node_tlb_entry *e, uint32_t va, int access, uint32_t *pa,
			     uint32_t *lo);
void node_tlb_probe(node_cpu *cpu);
void node_tlb_read(node_cpu *cpu);
void node_tlb_write(node_cpu *cpu, unsigned idx);
unsigned node_tlb_random(const node_cpu *cpu);

#endif
