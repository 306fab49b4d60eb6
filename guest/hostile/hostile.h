/* guest/hostile/hostile.h: what hostile.c and hostile_asm.S share: the layout
 * of the save area hl_exec keeps the caller's registers and the "sane" CP0
 * values in, the size of the code buffer, and the assembly entry points.
 * Included by C and by the assembler (constants only under __ASSEMBLER__).
 */
#ifndef GUEST_HOSTILE_H
#define GUEST_HOSTILE_H

/* Words of generated code hl_exec runs, before its fixed tail. */
#define HL_CODE_WORDS 16

/* hl_save: the caller's callee-saved registers (written by hl_exec) and the
 * CP0 values hl_exec writes back after every generated sequence (written
 * once by hostile.c). Byte offsets. */
#define SV_S0 0 /* s0..s7 at 0..28 */
#define SV_GP 32
#define SV_SP 36
#define SV_FP 40
#define SV_RA 44
#define SV_STATUS 48 /* kernel mode, EXL = ERL = BEV = IE = 0, CU1 */
#define SV_EBASE 52  /* 0x80000000 (our vector page) */
#define SV_CONFIG0 56
#define SV_INTCTL 60
#define SV_SRSCTL 64
#define SV_WORDS 17

#ifndef __ASSEMBLER__
#include <stdint.h>

extern uint32_t hl_save[SV_WORDS];
extern uint32_t hl_codebuf[]; /* HL_CODE_WORDS + tail, its own page */

/* Loads every GPR except $0, $25 (the jump register), $26, $27 (the
 * exception vectors' own), $29 (sp) and $31 (ra) from regs[32], sets EPC,
 * ErrorEPC and DEPC to hl_codebuf + 4 (so an eret or deret at hl_codebuf[0]
 * lands on the next word), jumps to hl_codebuf with jalr.hb and, when the
 * code returns (its tail is jr ra), writes back Status, Cause, EBase,
 * Config0, IntCtl, SRSCtl and WatchLo0/WatchHi0 from hl_save (Status first,
 * so nothing runs with the generated Status), then restores the caller's
 * registers. */
void hl_exec(const uint32_t *regs);

/* Single risky accesses: the faulting instruction is the first of each
 * routine and never in a delay slot; the exception handler skips it. */
uint32_t hl_lb(uint32_t addr);
uint32_t hl_lbu(uint32_t addr);
uint32_t hl_lh(uint32_t addr);
uint32_t hl_lhu(uint32_t addr);
uint32_t hl_lw(uint32_t addr);
uint32_t hl_ll(uint32_t addr);
void hl_sb(uint32_t addr, uint32_t v);
void hl_sh(uint32_t addr, uint32_t v);
void hl_sw(uint32_t addr, uint32_t v);

/* Arms Compare = Count + ticks, sets Status = status (which must enable IE
 * and IM7), runs wait at hl_wait_insn, then sets Status back to the sane
 * value. The handler moves EPC past hl_wait_insn when the timer interrupt
 * arrives before the wait, so the wait never sleeps with the interrupt gone. */
void hl_wait(uint32_t status, uint32_t ticks);

/* Sets Status = status (IE on, some IM bits) for a few instructions, then
 * back to the sane value: lets pending device interrupts in. */
void hl_irq_window(uint32_t status);

/* Bounds of the routines above (the "risky" text): an exception whose EPC
 * lies here or in hl_codebuf is expected and skipped. */
extern char hl_risky_start[], hl_risky_end[], hl_wait_insn[];
#endif

#endif
