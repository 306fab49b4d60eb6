/* node/magic_regs.h: the register map of the per-node MAGIC block (DESIGN.md 2),
 * the platform contract that guest code (the Linux HAL patch, bare-metal SMP
 * tests) programs against. Plain constants only, so guest code may include
 * this file too.
 *
 * Node n's block is at MAGIC_BASE + n * MAGIC_STRIDE (physical). Every
 * register is 32 bits wide and must be accessed with lw/sw; any CPU may
 * access any node's block (a remote block is reached by an uncached message
 * to that node, so it costs a network round trip for loads).
 *
 *   0x000 MAGIC_ID        RO  MAGIC_ID_VALUE
 *   0x004 MAGIC_NODE      RO  this block's node number
 *   0x008 MAGIC_NNODES    RO  nodes in the machine
 *   0x00c MAGIC_CPN       RO  CPUs per node
 *   0x010 MAGIC_NCPUS     RO  CPUs in the machine (NNODES * CPN)
 *   0x014 MAGIC_FIRST_CPU RO  global number of this node's first CPU (n * CPN)
 *   0x018 MAGIC_MEM_BASE  RO  first physical address of this node's memory
 *   0x01c MAGIC_MEM_SIZE  RO  bytes of memory this node holds
 *
 * CPU start mailbox, one per local CPU c (0 <= c < CPN) at MAGIC_MBOX(c):
 *   +0x00 PC, +0x04 SP, +0x08 GP, +0x0c A0   RW  start state
 *   +0x10 START   WO  writing 1 starts a halted CPU: pc = PC, $sp = SP,
 *                     $gp = GP, $a0 = A0, every other register and CP0 at
 *                     its reset value (kernel mode, BEV = ERL = 1) except
 *                     EBase.CPUNum = the CPU's global number. A running
 *                     CPU ignores it.
 *   +0x14 STATE   RO  0 halted (never started), 1 running
 * Global CPU 0 starts at reset (at the kernel's entry, UHI hand-over); all
 * others are halted until started through their mailbox.
 *
 * Inter-processor interrupts, one set per local CPU c at MAGIC_IPI(c):
 *   +0x0 PENDING  RO  pending action bits (software-defined meaning)
 *   +0x4 SET      WO  pending |= value; the CPU's IP6 line is raised
 *   +0x8 CLEAR    WO  pending &= ~value; IP6 drops when pending == 0
 *
 * Interrupt lines (every CPU): IP2 UART and IP3..IP5 virtio slots (wired to
 * global CPU 0 only; slots 2 and up share IP5), IP6 the CPU's own IPI line,
 * IP7 its Count/Compare timer. EBase.CPUNum (bits 9..0) is the CPU's global
 * number on every CPU.
 */
#ifndef NODE_MAGIC_REGS_H
#define NODE_MAGIC_REGS_H

#define MAGIC_BASE 0x1f100000u
#define MAGIC_STRIDE 0x1000u
#define MAGIC_MAX_NODES 64 /* blocks that fit before the power-off register */

#define MAGIC_ID_VALUE 0x4347414du /* "MAGC" read as a little-endian word */

#define MAGIC_ID 0x000u
#define MAGIC_NODE 0x004u
#define MAGIC_NNODES 0x008u
#define MAGIC_CPN 0x00cu
#define MAGIC_NCPUS 0x010u
#define MAGIC_FIRST_CPU 0x014u
#define MAGIC_MEM_BASE 0x018u
#define MAGIC_MEM_SIZE 0x01cu

#define MAGIC_MAX_CPN 8 /* CPUs per node the block has registers for */
#define MAGIC_MBOX(c) (0x100u + (unsigned)(c)*0x20u)
#define MAGIC_MBOX_PC 0x00u
#define MAGIC_MBOX_SP 0x04u
#define MAGIC_MBOX_GP 0x08u
#define MAGIC_MBOX_A0 0x0cu
#define MAGIC_MBOX_START 0x10u
#define MAGIC_MBOX_STATE 0x14u

#define MAGIC_IPI(c) (0x400u + (unsigned)(c)*0x10u)
#define MAGIC_IPI_PENDING 0x0u
#define MAGIC_IPI_SET 0x4u
#define MAGIC_IPI_CLEAR 0x8u

#define MAGIC_IPI_IP 6 /* CPU interrupt line of IPIs */

/* The monitor's interface to a guest kernel in a VM (the HAL patch
 * guest/linux/patches/0002, DESIGN.md 5), announced in the VM's device
 * tree by a node { compatible = "discoflash,monitor"; special-page = <PA>; }:
 *   - monitor calls: the hypcall word DISCO_HYPCALL executed in the
 *     guest's kernel mode, call number in v0, arguments in a0, a1, result
 *     in v0 (0: done; DISCO_CALL_EFAIL: not done, e.g. a bad address);
 *   - the special page at guest-physical DISCO_SPECIAL_GPA, private to each
 *     vCPU: word DISCO_SP_IE is the guest's interrupt enable (Status.IE,
 *     bit 0), kept equal to the virtual Status.IE by the monitor at every
 *     trap; word DISCO_SP_PENDING is nonzero when an interrupt waits for
 *     IE (the guest then executes `ei`, which traps, after enabling). */
#define DISCO_HYPCALL 0x42000028u /* MIPS VZ `hypcall` (code 0) */
#define DISCO_CALL_ZERO_PAGE 1u	  /* a0 = page's physical address */
#define DISCO_CALL_FREE_PAGES 2u  /* a0 = first page's address, a1 = pages */
#define DISCO_CALL_EFAIL 0xffffffffu
#define DISCO_SPECIAL_GPA 0x1f300000u
#define DISCO_SP_IE 0x0u
#define DISCO_SP_PENDING 0x4u

#endif
