/* guest/splashos/sos_fault.c: the exception handler of every vCPU (rt's
 * vectors call it with EXL set) and the bus-error probe of the disk driver.
 *
 * A SPLASHOS application expects no exception at all (no interrupts are
 * enabled, page faults are the monitor's), so each one ends the application
 * with one line, "splashos: vCPU <n>: <what> at pc 0x..., address 0x...",
 * and status 128 + ExcCode. The pc is the faulting instruction (the one in
 * the delay slot when Cause.BD is set); the address is BadVAddr for a bad
 * address, the load/store's effective address for a data bus error, the pc
 * for an instruction bus error, and 0 when there is none. A fault inside
 * the handler ends at once with the same status and no second line.
 */
#include "sos_internal.h"

#include <stdio.h>

/* The probe: which vCPU is probing (1 + its number, 0 for none) and
 * whether its load failed. */
static volatile uint32_t probe_cpu;
static volatile int probe_failed;

static uint8_t in_fault[SMP_MAX_CPUS];

/* A load or store opcode's effective address in frame f, or 0. */
static uint32_t mem_address(const rt_frame *f, uint32_t insn)
{
	uint32_t op = insn >> 26;

	if (op < 0x20 || op > 0x3e)
		return 0;
	return f->r[(insn >> 21) & 31] + (uint32_t)(int32_t)(int16_t)(insn & 0xffff);
}

/* What went wrong, and at which address, for exception code at pc; other
 * holds the words for codes without a name of their own. */
static const char *describe(const rt_frame *f, unsigned code, uint32_t pc, uint32_t *addr,
			    char other[32])
{
	int fetch = f->badvaddr == pc;

	*addr = 0;
	switch (code) {
	case SOS_EXC_TLBL:
	case SOS_EXC_ADEL:
		*addr = f->badvaddr;
		return fetch ? "bad address on fetch" : "bad address on load";
	case SOS_EXC_MOD:
	case SOS_EXC_TLBS:
	case SOS_EXC_ADES: *addr = f->badvaddr; return "bad address on store";
	case SOS_EXC_IBE: *addr = pc; return "bus error";
	case SOS_EXC_DBE: *addr = mem_address(f, *(const uint32_t *)pc); return "bus error";
	case SOS_EXC_BP: /* gcc's -mdivide-breaks: break 7 */
		return ((*(const uint32_t *)pc >> 16) & 0x3ff) == 7 ? "division by zero"
								    : "breakpoint";
	case SOS_EXC_TR: /* gcc's default: teq divisor, $0, 7 after div */
		return ((*(const uint32_t *)pc >> 6) & 0x3ff) == 7 ? "division by zero" : "trap";
	case SOS_EXC_OV: return "integer overflow";
	case SOS_EXC_FPE: return "floating-point exception";
	default: snprintf(other, 32, "unexpected exception %u", code); return other;
	}
}

void sos__fault(rt_frame *f)
{
	unsigned code = (f->cause >> 2) & 31, me = smp_cpu_id();
	uint32_t pc = f->epc + ((f->cause >> 31) ? 4 : 0), addr;
	char other[32];

	if (probe_cpu == me + 1 && (code == SOS_EXC_DBE || code == SOS_EXC_ADEL)) {
		probe_failed = 1;
		f->epc += 4; /* smp_probe_load's lw, never in a delay slot */
		return;
	}
	if (in_fault[me])
		rt_exit(128 + (int)code);
	in_fault[me] = 1;
	const char *what = describe(f, code, pc, &addr, other);
	sos_fatal(128 + (int)code, "%s at pc 0x%08x, address 0x%08x", what, pc, addr);
}

int sos__probe_read(uint32_t addr, uint32_t *val)
{
	probe_failed = 0;
	probe_cpu = smp_cpu_id() + 1;
	smp_mb();
	*val = smp_probe_load(addr);
	probe_cpu = 0;
	return probe_failed ? -1 : 0;
}
