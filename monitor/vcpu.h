/* monitor/vcpu.h: a virtual CPU of the monitor - the guest's saved registers,
 * its virtual CP0 and its virtual 64-entry TLB (Disco's "process-table entry"
 * of a vCPU, DESIGN.md 5).
 *
 * The virtual CPU is the same 24Kc the emulator models (node/cp0.c): same
 * PRId, Config registers, writable masks and TLB geometry, so a guest kernel
 * sees no difference between bare and virtualized runs. Only the guest's
 * view lives here; what the real CPU runs with while the vCPU is loaded
 * (real mode, real Status) is derived by mon_vcpu_real_mode/host_status.
 *
 * Time: the guest's Count is the host CPU's Count plus an offset. Every call
 * that needs the time takes `now`, the host CPU's cycle counter
 * (node_cpu.cycles); Count ticks every 2 cycles as on the host.
 *
 * Not thread-safe: a vCPU is touched only by the host CPU it is loaded on,
 * or by the scheduler while it is loaded nowhere.
 */
#ifndef MON_VCPU_H
#define MON_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "monitor/cost.h"
#include "node/cpu.h"

#define MON_TLB_ENTRIES NODE_TLB_ENTRIES
#define MON_COUNT_SHIFT 1 /* Count ticks every 2^1 host cycles (node/cpu.h) */

/* The virtual 24Kc (values of node/cp0.c; test_monitor_emulate checks that
 * they agree with node_cpu_reset). */
#define MON_PRID 0x00019300u
#define MON_CONFIG0_RESET 0x80000482u
/* Config1: M, MMUSize-1 = 63, I and D caches 512 sets x 32 B x 2 ways, FP. */
#define MON_CONFIG1 0xfee17081u
#define MON_CONFIG2 0x80000000u
#define MON_CONFIG3 0x00002000u
#define MON_CONFIG7 0x00010000u
#define MON_INTCTL 0xe0000000u

/* Writable bits of the virtual CP0 registers (node/cp0.c, 24Kc). */
#define MON_STATUS_WRITABLE 0x3878ff1fu /* CU1|CU0|RP|BEV|TS|SR|NMI|IM|KSU|ERL|EXL|IE */
#define MON_CAUSE_WRITABLE 0x08c00300u	/* DC|IV|WP|IP1..0 */
#define MON_ENTRYLO_MASK 0x3fffffffu	/* PFN|C|D|V|G */
#define MON_ENTRYHI_MASK 0xffffe0ffu	/* VPN2|ASID */
#define MON_ENTRYHI_ASID 0x000000ffu
#define MON_ENTRYHI_VPN2 0xffffe000u
#define MON_PAGEMASK_MASK 0x1fffe000u
#define MON_CONTEXT_PTEBASE 0xff800000u
#define MON_CONTEXT_BADVPN2 0x007ffff0u
#define MON_HWRENA_MASK 0x2000000fu /* UL|CCRes|CC|SYNCI_Step|CPUNum */
#define MON_EBASE_WRITABLE 0x3ffff000u

/* Interrupt lines of the virtual CPU, as on the host (node/magic_regs.h):
 * IP2..IP5 virtual devices, IP6 the vCPU's IPI line, IP7 its timer. */
#define MON_IRQ_FIRST 2
#define MON_IRQ_LAST 6
#define MON_IPI_IP 6
#define MON_HW_IRQ_MASK 0x7c00u /* IP2..IP6 as Cause bits */

typedef struct mon_vcpu {
	int id; /* guest CPU number: EBase.CPUNum */

	/* Saved user-visible state while the vCPU is not loaded on a CPU. */
	uint32_t r[33]; /* r[32] sinks writes to $zero, as in node_cpu */
	uint32_t hi, lo;
	uint32_t pc;
	uint32_t llbit;
	node_fpu fpu;

	/* Virtual CP0. Random and Count are computed from `now`. */
	uint32_t index, entrylo0, entrylo1, context, pagemask, wired;
	uint32_t badvaddr, entryhi, compare, status, cause, epc;
	uint32_t prid, ebase, config0, config1, config2, config3, config7;
	uint32_t errorepc, lladdr, userlocal, hwrena, intctl, srsctl;
	uint32_t count_offset;	 /* virtual Count = host ticks + count_offset */
	uint64_t random_base;	 /* host cycle of the last Wired write (Random = 63) */
	uint64_t timer_deadline; /* host cycle at which virtual Count == Compare */
	uint32_t irq_lines;	 /* levels of IP2..IP6 as Cause bits 10..14 */

	node_tlb_entry tlb[MON_TLB_ENTRIES]; /* the guest's TLB, guest-physical PFNs */

	/* Statistics (monitor/emulate.c). */
	uint64_t emulated[MON_COST_NEMU]; /* instructions emulated, by MON_COST_* kind */
	uint64_t reflected[32];		  /* exceptions reflected, by ExcCode */
} mon_vcpu;

/* Resets to the architectural reset state: Status.BEV|ERL, kernel mode, pc
 * at the reset vector 0xbfc00000, Random = 63, Count = 0 at host cycle now,
 * TLB entries distinct and invalid. */
void mon_vcpu_reset(mon_vcpu *v, int id, uint64_t now);

/* Moves the guest's registers (GPRs, HI/LO, PC, LL bit, FPU) onto the host
 * CPU that will run it, and back when it stops. load also mirrors what the
 * real CPU reads without trapping: UserLocal and the HWREna bits that are
 * the same on both (UL, SYNCI_Step, CCRes); CPUNum and CC stay disabled so
 * that those rdhwr trap and are emulated from the virtual state. */
void mon_vcpu_load(const mon_vcpu *v, node_cpu *cpu);
void mon_vcpu_save(mon_vcpu *v, const node_cpu *cpu);
/* Mirrors UserLocal and the HWREna bits the real CPU reads without a trap
 * (after the guest wrote either: they are emulated). */
void mon_vcpu_sync_hwr(const mon_vcpu *v, node_cpu *cpu);

/* The guest's own mode from virtual Status (NODE_MODE_KERNEL when EXL or KSU
 * = 0, NODE_MODE_KERNEL_ERL when ERL, else SUPER or USER). */
int mon_vcpu_guest_mode(const mon_vcpu *v);
/* True when the guest may use CP0: guest kernel mode or Status.CU0. */
bool mon_vcpu_cp0_usable(const mon_vcpu *v);
/* The mode the real CPU runs the guest in: NODE_MODE_SUPER for the guest's
 * kernel and supervisor modes, NODE_MODE_USER for its user mode. */
int mon_vcpu_real_mode(const mon_vcpu *v);
/* The real Status while the vCPU runs: KSU of the real mode, EXL = ERL =
 * BEV = 0, CU0 = 0 (every CP0 access traps), IE and all IM set (the monitor
 * takes every host interrupt; virtual ones are posted separately), CU1 and
 * FR as the guest set them (FPU use needs no trap). */
uint32_t mon_vcpu_host_status(const mon_vcpu *v);

/* Virtual Count at host cycle now, and its assignment. */
uint32_t mon_vcpu_count(const mon_vcpu *v, uint64_t now);
void mon_vcpu_set_count(mon_vcpu *v, uint32_t count, uint64_t now);
/* Virtual Random at host cycle now: Wired..63, 63 right after a Wired write. */
unsigned mon_vcpu_random(const mon_vcpu *v, uint64_t now);

/* Virtual interrupts. Lines are levels; Cause.IP follows them. */
void mon_vcpu_set_irq(mon_vcpu *v, int ip, bool level);
/* Recomputes the host cycle at which virtual Count next equals Compare. */
void mon_vcpu_timer_rearm(mon_vcpu *v, uint64_t now);
/* Posts the timer interrupt (Cause.TI, IP7) when now has reached the
 * deadline; returns true when it did. The scheduler calls it between slices
 * and when it loads a vCPU. */
bool mon_vcpu_timer_check(mon_vcpu *v, uint64_t now);
/* An enabled interrupt is pending (Cause.IP & Status.IM), whatever IE/EXL
 * say: what ends a `wait`. */
bool mon_vcpu_irq_pending(const mon_vcpu *v);
/* ... and the guest takes it now: IE = 1, EXL = ERL = 0. */
bool mon_vcpu_irq_deliverable(const mon_vcpu *v);

/* Virtual TLB. lookup: the entry that maps va under ASID asid (global
 * entries match any ASID; VPN compared under the entry's PageMask), or -1. */
int mon_vtlb_lookup(const mon_vcpu *v, uint32_t va, unsigned asid);
/* Translates guest va for an access (NODE_ACC_*) in the guest's current mode
 * and ASID, as the 24Kc would: returns 0 with *gpa (guest physical) and
 * *lo (the EntryLo used; 0 for unmapped segments), or the exception code to
 * reflect (TLBL/TLBS with *refill when no entry matched, MOD, ADEL/ADES).
 * Changes nothing: mon_reflect sets BadVAddr/Context/EntryHi. */
int mon_vtlb_translate(const mon_vcpu *v, uint32_t va, int access, uint32_t *gpa, uint32_t *lo,
		       bool *refill);

/* Inside the module only: recomputes Cause.IP from the lines and Cause.TI. */
void mon__vcpu_update_cause_ip(mon_vcpu *v);

#endif
