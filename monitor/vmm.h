/* monitor/vmm.h: the monitor running on the FLASH machine - virtual machines
 * with their vCPUs, pmaps and devices, the trap handler every CPU enters,
 * and the scheduler (DESIGN.md 5).
 *
 * Every rank builds the same description of every VM (where each vCPU
 * runs, which node is the VM's home) and instantiates the VMs whose home
 * node or vCPUs it holds. A VM's devices and console live on its home node;
 * its vCPUs run on the CPUs of its preferred nodes. vCPU start-ups, virtual
 * IPIs, the stop of a VM and the machine's end travel as time-stamped
 * machine messages, so a run gives the same cycles and statistics on any
 * number of ranks.
 *
 * Memory placement, per VM (mon_vm_config.placement):
 *   - first touch (Linux VMs by default): a guest page gets its machine
 *     page when first touched, on the toucher's node. The pmap is read and
 *     filled directly, so all vCPUs of such a VM must run on nodes of one
 *     rank - checked, with an error naming the VM;
 *   - interleave (SPLASHOS applications by default): every guest page's
 *     machine page is chosen when the VM is built, page by page round
 *     robin over the nodes of its vCPUs. Every rank makes the same choice,
 *     so each holds the same pmap and nothing in it changes while the VM
 *     runs (its monitor calls that would change it are refused): such a VM
 *     may span ranks. A device access from a vCPU that is not on the home
 *     node travels to the home node as a message and the vCPU waits for
 *     the answer, on one rank as on several.
 *
 * A VM runs either a kernel (Linux, with a device tree) or a SPLASHOS
 * application (mon_vm_config.app, guest/splashos/include/splashos.h): its
 * vCPU 0 starts at the ELF entry with a0 = argc, a1 = argv (an argument
 * block the loader puts at the first 64 KiB boundary after the image),
 * a2 = MON_APP_MARKER and a3 = the VM's memory size.
 *
 * Simplifications (named here, in the code and in the notes):
 *   - the monitor's own code and data live in host memory: their cost is
 *     the cost table's (monitor/cost.h), not cache misses;
 *   - machine pages are never reused within a run (no page is given back
 *     yet), so a fresh page is zero already: its zeroing is charged
 *     (cost.page_zero) rather than performed through the caches.
 */
#ifndef MON_VMM_H
#define MON_VMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "monitor/cost.h"
#include "node/flash.h"
#include "node/machine.h"

#define MON_MAX_VMS 16
#define MON_VM_MAX_VCPUS 8	   /* the virtual MAGIC block has 8 mailboxes */
#define MON_APP_MARKER 0x534f5321u /* a2 at an application's entry: "SOS!" */
#define MON_APP_MAX_ARGS 64
#define MON_APP_ARGS_BYTES 4096

/* Memory placement of a VM (see above). */
enum { MON_PLACE_DEFAULT, MON_PLACE_FIRST_TOUCH, MON_PLACE_INTERLEAVE };

typedef struct mon_vm_config {
	const char *name;
	int vcpus;
	uint32_t memory; /* bytes */
	int nnodes;	 /* preferred nodes (0: the machine's nodes in order) */
	int nodes[64];
	const char *kernel, *cmdline, *initrd;
	int ndisks;
	node_disk_config disks[NODE_MAX_DISKS];
	int nnets;	  /* network devices on the virtual subnet */
	bool no_special;  /* no special page for its HAL (monitor calls stay) */
	const char *app;  /* a SPLASHOS application run instead of a kernel, or NULL */
	const char *args; /* its arguments after argv[0], split at blanks */
	int placement;	  /* MON_PLACE_* */
} mon_vm_config;

typedef struct mon_config {
	int nvms;
	mon_vm_config vms[MON_MAX_VMS];
	mon_cost cost;
	uint64_t timeslice; /* cycles a vCPU runs before another on its CPU may */
} mon_config;

typedef struct mon_machine mon_machine;

/* Builds the VMs whose home or some vCPU is on this rank (an interleaved
 * VM's memory on every rank), loads their kernels or applications and
 * takes every local CPU. NULL with a message in err (a VM that does not fit, a
 * kernel that cannot be loaded, ...). Every rank must get the same cfg. */
mon_machine *mon_new(flash_machine *fm, const mon_config *cfg, char *err, size_t errlen);
void mon_free(mon_machine *mm);

/* The UART of VM i, NULL when its home is on another rank. */
node_uart *mon_vm_uart(mon_machine *mm, int i);
/* Called for each local VM at every poll boundary (console scripts). */
void mon_set_console_poll(mon_machine *mm, void (*fn)(void *o, int vm), void *opaque);
/* Whether VM i has powered off (on its home rank), and its exit value. */
bool mon_vm_off(const mon_machine *mm, int i, uint32_t *value);

/* The exit value of the machine (node 0's rank): the last exit value of a
 * VM with a nonzero low byte (the process's exit status), else 0. */
uint32_t mon_exit_value(const mon_machine *mm);

#endif
