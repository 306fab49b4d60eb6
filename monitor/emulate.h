/* monitor/emulate.h: emulation of the guest's privileged instructions
 * against its virtual CP0 and TLB, and reflection of exceptions and
 * interrupts into the guest (DESIGN.md 5).
 *
 * The guest kernel runs in real supervisor mode with real Status.CU0 = 0, so
 * every CP0 instruction it executes traps (Coprocessor Unusable, CE = 0);
 * rdhwr of registers whose value is per-vCPU traps as Reserved Instruction.
 * The monitor's trap handler decodes nothing itself: it hands the word to
 * mon_emulate, which either emulates it (the guest was allowed to run it) or
 * reflects to the guest the exception the architecture would have raised in
 * the guest's own mode (e.g. CpU for a CP0 instruction in guest user mode).
 *
 * Contract for both entry points: the vCPU's registers are saved
 * (mon_vcpu_save) before and loaded (mon_vcpu_load) after; they set v->pc to
 * where the guest continues. They never touch the host CPU, its TLB or the
 * pmaps: the result flags tell the caller what to flush or recompute.
 */
#ifndef MON_EMULATE_H
#define MON_EMULATE_H

#include <stdbool.h>
#include <stdint.h>

#include "monitor/cost.h"
#include "monitor/vcpu.h"

/* Where the trapped instruction was and when. */
typedef struct mon_trap {
	uint32_t pc;	  /* address of the trapped instruction */
	bool in_delay;	  /* it is in the delay slot of the branch at pc - 4 */
	uint32_t ds_next; /* in_delay: where the branch continues after its slot
			   * (its target when taken, pc + 4 when not) */
	uint64_t now;	  /* host cycle counter (virtual Count and Random) */
} mon_trap;

/* What happened, for the caller (mon_emu_result.flags). */
enum {
	MON_EMU_TLB_CHANGED = 1 << 0,	/* virtual TLB entry tlb_index was written; old is
					 * what it held: drop the shadow mappings of both */
	MON_EMU_ASID_CHANGED = 1 << 1,	/* virtual EntryHi.ASID changed: the real ASID follows */
	MON_EMU_MODE_CHANGED = 1 << 2,	/* guest mode or mon_vcpu_host_status changed */
	MON_EMU_TIMER_CHANGED = 1 << 3, /* Count or Compare written: timer_deadline moved */
	MON_EMU_IRQ = 1 << 4,		/* an interrupt is deliverable now (mon_deliver_irq) */
	MON_EMU_IDLE = 1 << 5,		/* wait: deschedule until mon_vcpu_irq_pending */
	MON_EMU_REFLECTED = 1 << 6,	/* not emulated: exception exc reflected, next_pc
					 * is the guest's vector */
};

typedef struct mon_emu_result {
	uint32_t next_pc;   /* where the guest continues (also left in v->pc) */
	uint32_t flags;	    /* MON_EMU_* */
	int kind;	    /* MON_COST_* of the emulated instruction; -1 when reflected */
	int exc;	    /* MON_EMU_REFLECTED: the exception code reflected */
	int tlb_index;	    /* MON_EMU_TLB_CHANGED: the entry written */
	node_tlb_entry old; /* MON_EMU_TLB_CHANGED: that entry before the write */
} mon_emu_result;

/* Emulates the trapped instruction insn for vCPU v. Returns 0 when it was
 * handled (emulated, or an exception reflected: see res->flags), -EINVAL
 * when insn is no instruction that traps in the guest's mode (nothing is
 * changed: the caller reflects the exception it got). Handles mfc0, mtc0,
 * tlbr, tlbwi, tlbwr, tlbp, eret, di, ei, wait, cache, rdhwr, and words that
 * are reserved (RI) or name COP0/COP2/COP3 in a way the guest may not.
 * A delay-slot instruction continues at t->ds_next; an eret continues at
 * EPC or ErrorEPC (eret in a delay slot is UNPREDICTABLE; the branch is
 * dropped). */
int mon_emulate(mon_vcpu *v, uint32_t insn, const mon_trap *t, mon_emu_result *res);

/* Reflects exception exc into the guest, as the 24Kc enters an exception
 * (node_cpu_exception): pc is the faulting instruction, in_delay says it is
 * in the delay slot of the branch at pc - 4. Unless Status.EXL was set,
 * EPC = pc (or pc - 4 with Cause.BD). Sets Cause.ExcCode (and Cause.CE = ce
 * for CpU), Status.EXL, BadVAddr for address and TLB exceptions, and
 * Context.BadVPN2 and EntryHi.VPN2 for TLB ones (TLBL, TLBS, Mod). The vector
 * is EBase (0xbfc00200 when BEV) + 0x000 for a TLB refill with EXL = 0
 * (refill), + 0x200 for an interrupt with Cause.IV, + 0x180 otherwise.
 * Returns the vector, also left in v->pc. */
uint32_t mon_reflect(mon_vcpu *v, int exc, uint32_t pc, bool in_delay, uint32_t badvaddr,
		     bool refill, unsigned ce);

/* Delivers a deliverable virtual interrupt at v->pc (between instructions,
 * never in a delay slot). Returns false, changing nothing, when none is. */
bool mon_deliver_irq(mon_vcpu *v);

#endif
