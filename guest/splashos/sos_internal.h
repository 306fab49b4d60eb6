/* guest/splashos/sos_internal.h: what the files of libsplashos share and
 * applications do not see (the sos__ names). Every file of the library
 * includes it; it brings in rt.h (with the bare-metal frame) and smp_rt.h.
 */
#ifndef SPLASHOS_INTERNAL_H
#define SPLASHOS_INTERNAL_H

#ifndef GUEST_BARE
#define GUEST_BARE 1
#endif
#include "rt.h"
#include "smp_rt.h"
#include "splashos.h"

/* CP0 Cause.ExcCode values SPLASHOS tells apart (MIPS32 PRA). */
enum {
	SOS_EXC_INT = 0,
	SOS_EXC_MOD = 1,
	SOS_EXC_TLBL = 2,
	SOS_EXC_TLBS = 3,
	SOS_EXC_ADEL = 4,
	SOS_EXC_ADES = 5,
	SOS_EXC_IBE = 6,
	SOS_EXC_DBE = 7,
	SOS_EXC_BP = 9,
	SOS_EXC_OV = 12,
	SOS_EXC_TR = 13,
	SOS_EXC_FPE = 15,
};

/* ---- start and end (sos_start.c) ------------------------------------------ */
/* Ends the application with status after printing "splashos: vCPU <n>: " and
 * the formatted message as one console line. The first vCPU to end wins;
 * any other that tries spins until the power-off stops it. */
__attribute__((noreturn)) void sos__vfatal(int status, const char *fmt, va_list ap);
/* Claims the end of the application for this vCPU: returns when it is the
 * first (or already the one ending); otherwise never. */
void sos__end_claim(void);

/* ---- console (sos_console.c) ---------------------------------------------- */
/* Appends n bytes to this vCPU's console line; a line goes out whole under
 * the console lock at '\n' or when SOS_LINE_MAX bytes wait. */
void sos__console_write(const char *s, size_t n);
/* Writes out this vCPU's partial line, if any. */
void sos__console_flush(void);
/* Writes this vCPU's partial line, then s and a newline, under the console
 * lock (not taken again when this vCPU already holds it: the end paths may
 * interrupt a write). */
void sos__console_line(const char *s);

/* ---- threads (sos_thread.c) ----------------------------------------------- */
/* Allocates the thread stacks of vCPUs 1..n-1; before the heap takes the
 * rest of node 0. */
void sos__threads_init(void);
/* fn(id, arg) on a stack whose top is sp (sos_stack.S). */
void sos__call_on_stack(void (*fn)(unsigned, void *), unsigned id, void *arg, void *sp);

/* ---- heap (sos_malloc.c) -------------------------------------------------- */
/* Takes every byte smp_node_alloc can still give on node 0. */
void sos__heap_init(void);

/* ---- faults (sos_fault.c) ------------------------------------------------- */
/* The exception handler of every vCPU (rt_set_exception_handler). */
void sos__fault(rt_frame *f);
/* A lw from addr that may fail with a bus error: 0 with *val, or -1. One
 * vCPU at a time (the caller holds the file lock). */
int sos__probe_read(uint32_t addr, uint32_t *val);

/* ---- files (sos_file.c) and the virtio-blk driver (sos_virtio.c) ---------- */
/* Writes back every open file; from exit(). */
void sos__files_flush_all(void);

#define SOS_SECTOR 512u
#define SOS_MAX_DISKS 4
/* The driver runs under the caller's lock (sos_file.c's file lock). */
/* Finds and starts the virtio-blk devices once; returns how many. */
int sos__blk_probe(void);
/* Capacity of disk d in sectors (0: no such disk). */
uint64_t sos__blk_sectors(int d);
/* Reads or writes n sectors from sector on disk d, DMA to/from buf (a KSEG0
 * address). 0, or -1 on a device error. */
int sos__blk_rw(int d, uint64_t sector, void *buf, uint32_t n, int write);
/* Asks disk d to make its writes durable (when it offers flush). 0 or -1. */
int sos__blk_flush(int d);

#endif
