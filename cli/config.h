/* cli/config.h: the YAML machine description (configs/), parsed with
 * libyaml into a node_machine_config plus what the command line needs.
 *
 * Every error names the file, the line and column, the field (as a dotted
 * path, e.g. machine.memory_per_node), what was found and what is allowed.
 * Paths in the file are relative to the file's own directory.
 */
#ifndef CLI_CONFIG_H
#define CLI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "coherence/map.h"
#include "monitor/cost.h"
#include "node/machine.h"

typedef enum { CLI_INPUT_STDIN, CLI_INPUT_NONE } cli_input;

/* A virtual machine for the monitor (the `vms:` list). */
#define CLI_MAX_VMS 16
#define CLI_VM_MAX_DISKS 4
typedef struct cli_vm {
	char *name;
	int vcpus;
	unsigned long long memory; /* bytes of guest-physical memory */
	int nnodes;		   /* preferred nodes of its vCPUs (0: any) */
	int nodes[64];
	size_t nodes_line, nodes_col; /* where `nodes` is, for checks after parsing */
	char *kernel, *cmdline, *initrd;
	int ndisks;
	char *disk_images[CLI_VM_MAX_DISKS];
	bool disk_readonly[CLI_VM_MAX_DISKS];
	int nets;	      /* virtio-net devices on the VMs' virtual subnet */
	char *console_file;   /* NULL: its console on stdout, each line prefixed */
	char *console_script; /* drives its console (expect/send), or NULL */
	bool no_special;      /* special_page: false (the HAL's special page off) */
	char *app;	      /* a SPLASHOS application instead of a kernel */
	char *args;	      /* its arguments */
	int placement;	      /* memory_placement: MON_PLACE_* */
} cli_vm;

typedef struct cli_config {
	node_machine_config machine;
	int nodes;
	int fast; /* machine.memory_model: 1 fast (no caches, one node), 0 detailed,
		   * -1 not given: fast for one node, detailed for more */
	/* latencies (ns) of the cache and coherence model */
	unsigned l2_hit_ns, local_miss_ns, remote_miss_ns, directory_ns, nak_backoff_ns;
	unsigned l1_size, l1_ways, l2_size, l2_ways; /* machine.caches */
	unsigned hot_page_threshold;
	enum coh_placement placement; /* machine.placement */
	int place_list[64];
	int place_list_len;
	unsigned long long quantum; /* machine.quantum, cycles (0: the lookahead) */
	char *kernel;		    /* boot.kernel */
	char *initrd;		    /* boot.initrd */
	char *cmdline;		    /* boot.cmdline */
	char *disk_images[NODE_MAX_DISKS];
	cli_input input; /* console.input */
	char *script;	 /* console.script */
	char *output;	 /* console.output: NULL = stdout, else a file */
	unsigned long long seed;
	cli_vm vms[CLI_MAX_VMS];
	int nvms;
	mon_cost cost;		      /* monitor.costs over monitor/cost.h's defaults */
	unsigned long long timeslice; /* monitor.timeslice, cycles (0: the default) */
} cli_config;

/* Defaults: one node, one CPU, 64 MiB, 200 MHz, no devices, the detailed
 * memory model with DESIGN.md's caches and latencies. */
void cli_config_default(cli_config *c);
/* Parses path into c (on top of the defaults). Returns 0, or -1 with the
 * message in err. */
int cli_config_load(cli_config *c, const char *path, char *err, size_t errlen);
void cli_config_free(cli_config *c);

#endif
