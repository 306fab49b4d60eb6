/* monitor/cost.h: the cycles the monitor charges for its own code paths
 * (DESIGN.md 5, "Cost model"): one documented table, overridable from the
 * config. Memory traffic of the monitor (page copies and zeroing, pmap and
 * L2TLB walks that miss) is not in here: it goes through the emulated memory
 * system at its real latency.
 *
 * How the defaults were chosen. The machine is a statically scheduled,
 * non-superscalar MIPS at about 1 CPI (DISCO-FACTS.md), so a path costs about
 * as many cycles as it has instructions, plus the pipeline refills an
 * exception and an eret cause. We count the instructions of the path a
 * Disco-like monitor runs, with R4000-class costs: an exception drains the
 * pipeline (8 stages on the R4000; the R10000 discards its whole active list,
 * a similar loss at its width), an mfc0/mtc0 needs 2 to 3 hazard cycles
 * before its result is usable, and eret refetches. The results are tens of
 * cycles for a trap round trip and tens to about a hundred for the work
 * inside it, the ranges Disco's own measurements imply (a fast TLB refill
 * 1.35x slower than native, a slow one 3.17x, DISCO-FACTS.md).
 *
 * Charged by: the monitor entry points, once per entry: trap_entry +
 * emulate[kind] + trap_exit for an emulated instruction; trap_entry +
 * reflect + trap_exit for a reflected exception or interrupt; l2tlb_refill
 * alone for a real TLB miss absorbed by the L2TLB (it runs on the refill
 * vector's fast path, without the general save/restore); trap_entry +
 * hcall + trap_exit (+ the service's own cost) for a monitor call.
 */
#ifndef MON_COST_H
#define MON_COST_H

#include <stdint.h>

/* The kinds of emulated instruction (mon_emu_result.kind). */
enum {
	MON_COST_MFC0,
	MON_COST_MTC0,
	MON_COST_TLBR,
	MON_COST_TLBWI,
	MON_COST_TLBWR,
	MON_COST_TLBP,
	MON_COST_ERET,
	MON_COST_DIEI,
	MON_COST_WAIT,
	MON_COST_CACHE,
	MON_COST_RDHWR,
	MON_COST_NEMU
};

typedef struct mon_cost {
	uint32_t trap_entry;		 /* cycles: exception to the monitor's handler */
	uint32_t trap_exit;		 /* cycles: back to the guest */
	uint32_t emulate[MON_COST_NEMU]; /* cycles: the emulation of one instruction */
	uint32_t l2tlb_refill;		 /* cycles: a TLB miss the L2TLB absorbs, all included */
	uint32_t reflect;		 /* cycles: building the guest's exception state */
	uint32_t hcall;			 /* cycles: decoding and dispatching a monitor call */
	uint32_t kseg_fill;   /* cycles: a kernel (KSEG0/KSEG1) TLB fault, all included */
	uint32_t vtlb_fill;   /* cycles: an L2TLB miss answered by the virtual TLB */
	uint32_t mmio;	      /* cycles: decoding and running a device access */
	uint32_t page_zero;   /* cycles: zeroing a fresh machine page */
	uint32_t vcpu_switch; /* cycles: saving one vCPU and loading another */
} mon_cost;

/* The defaults; a config overrides fields of a copy of it. */
static const mon_cost mon_cost_default = {
	/* Exception taken (pipeline drain, about 8) + save of the ~8 registers
	 * the handler uses into the per-CPU area (8 stores) + mfc0 Cause, EPC
	 * and Status with their hazards (about 9) + finding the current vCPU
	 * and dispatching on ExcCode through a table (about 10): ~35, rounded
	 * up for the branch-delay bookkeeping. */
	.trap_entry = 40,
	/* Restore of the ~8 saved registers (8 loads) + mtc0 EPC and Status
	 * with hazard cycles (about 8) + eret and the refetch (about 8) + the
	 * check for a pending virtual interrupt (about 5). */
	.trap_exit = 30,
	.emulate =
		{
			/* Fetch the trapped word at EPC (1 load), extract rt/rd/sel
			 * (4), dispatch on rd/sel (5), read the virtual register (2),
			 * store into the saved GPR (1), advance EPC past it or to the
			 * branch target (5). */
			[MON_COST_MFC0] = 20,
			/* As mfc0, plus the register's write mask and side effects:
			 * Status recomputes the real mode and Status, Compare re-arms
			 * the virtual timer, EntryHi changes the real ASID. */
			[MON_COST_MTC0] = 35,
			/* Copy one virtual TLB entry to EntryHi/Lo0/Lo1/PageMask
			 * (about 4 loads + 4 stores + index arithmetic). */
			[MON_COST_TLBR] = 20,
			/* Copy into the virtual TLB (about 10), then for the entry it
			 * replaces: invalidate its L2TLB and hardware TLB entries (a
			 * hash probe each, about 30); then for the two new PFNs: pmap
			 * lookup and protection merge (about 15 each) and the back-map
			 * update (about 20 each). */
			[MON_COST_TLBWI] = 120,
			/* tlbwi plus computing Random (about 5). */
			[MON_COST_TLBWR] = 125,
			/* A probe of the 64-entry virtual TLB through a hash on VPN2
			 * with its compare against mask and ASID (about 30), Index
			 * update (about 5). */
			[MON_COST_TLBP] = 40,
			/* Pick EPC or ErrorEPC, clear EXL or ERL and LL (about 8),
			 * recompute the real mode and Status (about 10), then look for
			 * a deliverable virtual interrupt (about 10). */
			[MON_COST_ERET] = 30,
			/* Read and update virtual Status.IE, write rt (about 10);
			 * ei also checks for a deliverable interrupt (about 5). */
			[MON_COST_DIEI] = 15,
			/* Note the vCPU idle for the scheduler (about 20); the
			 * deschedule itself is the scheduler's cost. */
			[MON_COST_WAIT] = 20,
			/* Decode and accept: caches are physically indexed and
			 * coherent, so no operation needs work (about 15). */
			[MON_COST_CACHE] = 15,
			/* rdhwr of CPUNum or CC: as mfc0. */
			[MON_COST_RDHWR] = 20,
		},
	/* The refill vector's fast path: save 2 registers, hash the faulting
	 * VPN and ASID into the L2TLB and compare (about 15), build the
	 * machine entry (about 5), tlbwr with its hazards (about 8), restore
	 * and eret (about 10). That is about 3x Linux's native refill of ~12
	 * instructions; Disco measured its refill-bound kernel services 1.35x
	 * (fast refill) to 3.17x (slow refill) slower. No trap round trip is
	 * added on top. */
	.l2tlb_refill = 40,
	/* Write virtual EPC/Cause/Status (BD and EXL rules), BadVAddr/Context/
	 * EntryHi for TLB faults (about 20), compute the vector from EBase/BEV/
	 * IV (about 8), switch the real mode to the guest kernel's and set
	 * the return address to the vector (about 12). */
	.reflect = 40,
	/* Read the call number and its arguments from the saved registers,
	 * range-check them, dispatch through a table (about 30), write the
	 * result registers and advance EPC (about 10) (DISCO-FACTS.md: one
	 * trap carries all arguments of a device command). */
	.hcall = 40,
	/* A kernel TLB fault: the refill fast path (as l2tlb_refill) with the
	 * pmap index computed from the address instead of an L2TLB probe, plus
	 * the pair's second pmap lookup: about 50. The paper relinked IRIX into
	 * mapped kseg2 and paid these faults; so do we. */
	.kseg_fill = 50,
	/* trap_entry + a walk of the 64-entry virtual TLB (about 40) + two
	 * pmap lookups and the L2TLB insert (about 40) + trap_exit. */
	.vtlb_fill = 150,
	/* trap_entry + decode the load/store at EPC (about 10) + find the
	 * device and run its register model (about 40) + write rt and advance
	 * EPC (about 10) + trap_exit. */
	.mmio = 130,
	/* A 4 KiB page is 32 lines of 128 bytes: 1,024 stores at 1 CPI plus
	 * 32 local write misses of 70 cycles (the model's local miss) that the
	 * stores do not hide on an in-order CPU: about 3,300. */
	.page_zero = 3300,
	/* Save 32 GPRs, HI/LO and the FPU (about 70 stores), load the other
	 * (about 70 loads), switch the real ASID and flush the 64-entry TLB
	 * (64 tlbwi with hazards, about 260): about 400. */
	.vcpu_switch = 400,
};

#endif
