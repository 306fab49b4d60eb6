/* cli/main.c: the discoflash command line - options, the YAML machine
 * description, the console, the progress line, statistics and the exit
 * status.
 *
 * Exit status: the value the guest wrote to the power-off register (& 0xff);
 * 2 for a usage, configuration or input error (message on stderr);
 * 3 when --max-insns stopped the run; 4 when every CPU idles forever;
 * 5 when the console escape (Ctrl-A x) stopped it.
 */
#define _GNU_SOURCE /* fopencookie: the prefixed console of a VM */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef DISCOFLASH_MPI
#include <mpi.h>
#endif

#include "cli/config.h"
#include "cli/console.h"
#include "monitor/vmm.h"
#include "node/flash.h"
#include "proto/json.h"
#include "node/machine.h"

#ifndef DISCOFLASH_VERSION
#define DISCOFLASH_VERSION "unknown"
#endif

enum { EXIT_USAGE = 2, EXIT_LIMIT = 3, EXIT_IDLE = 4, EXIT_STOPPED = 5 };

typedef struct options {
	const char *config;
	const char *kernel;
	const char *initrd;
	const char *disk;
	const char *cmdline;
	const char *script;
	const char *stats_json;
	const char *stats_pb; /* detailed machine only */
	uint64_t max_insns;
	uint64_t max_cycles;
	uint64_t quantum;    /* 0: from the config */
	int memory_model;    /* -1 from the config, 0 detailed, 1 fast */
	uint32_t memory_mib; /* 0: from the config */
	int progress;	     /* -1 auto (stderr is a terminal), 0 off, 1 on */
	bool stats;
	bool no_input;
} options;

typedef struct runtime {
	cli_console console;
	cli_console vmcon[CLI_MAX_VMS]; /* the consoles of this rank's VMs */
	FILE *vmout[CLI_MAX_VMS];
	struct timespec start, last;
	bool progress;
} runtime;

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) * 1e-9;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: discoflash [options] -c MACHINE.yaml\n"
		"       discoflash [options] --kernel FILE\n"
		"\n"
		"Emulates a Stanford-FLASH-style ccNUMA machine of MIPS32r2 CPUs and boots a\n"
		"little-endian MIPS ELF kernel on it: an operating system such as Linux (handed\n"
		"the device tree by UHI: a0 = -2, a1 = DTB) or a bare-metal program. The guest's\n"
		"UART (16550 at physical 0x1f000000) is the console on stdin/stdout; a 32-bit\n"
		"write of V to the power-off register (physical 0x1f200000) ends the run with\n"
		"exit status V & 0xff.\n"
		"\n"
		"options:\n"
		"  -c, --config FILE         machine description (YAML; see configs/)\n"
		"  -k, --kernel FILE         ELF kernel to boot (overrides boot.kernel)\n"
		"  -d, --disk FILE           disk image for the first disk (overrides disks[0])\n"
		"      --cmdline TEXT        kernel command line (overrides boot.cmdline)\n"
		"      --initrd FILE         initramfs handed to the kernel (overrides "
		"boot.initrd)\n"
		"  -m, --memory MIB          memory of each node in MiB (default 64)\n"
		"      --memory-model MODEL  detailed (caches, directory coherence; the default\n"
		"                            for several nodes) or fast (no cache model; one\n"
		"                            node only; the default for one node)\n"
		"      --quantum CYCLES      time quantum between rank exchanges (default: the\n"
		"                            lookahead, exact; larger is faster and approximate)\n"
		"      --max-cycles N        stop at simulated cycle N (exit status 3)\n"
		"      --console-script FILE drive the console: lines `expect TEXT` / `send TEXT`\n"
		"      --no-input            do not read the console from stdin\n"
		"      --max-insns N         stop after N guest instructions (exit status 3;\n"
		"                            fast model only: use --max-cycles otherwise)\n"
		"  -s, --stats               print run statistics on stderr at the end\n"
		"      --stats-json FILE     write run statistics as JSON to FILE\n"
		"      --stats-pb FILE       write them as protobuf (proto/stats.proto,\n"
		"                            discoflash.Run) to FILE (detailed model only)\n"
		"      --progress            print a progress line on stderr every 5 s\n"
		"      --no-progress         never print one (default: only when stderr is a tty)\n"
		"  -h, --help                show this help\n"
		"  -V, --version             show the version\n"
		"\n"
		"On a terminal the console is raw: keys go to the guest; Ctrl-A x quits.\n"
		"\n"
		"exit status: the guest's power-off value; 2 usage, configuration or input error;\n"
		"3 instruction limit; 4 every CPU waits with nothing that could wake it; 5 "
		"stopped\n"
		"with Ctrl-A x.\n"
		"\n"
		"Under MPI: mpirun -np N discoflash -c FILE runs the machine's nodes on N ranks\n"
		"(machine.placement); results do not depend on N.\n");
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	if (!s || !*s || *s == '-')
		return -1;
	unsigned long long v = strtoull(s, &end, 0);
	if (*end)
		return -1;
	*out = v;
	return 0;
}

static int parse_options(int argc, char **argv, options *o)
{
	enum {
		OPT_MAX_INSNS = 256,
		OPT_STATS_JSON,
		OPT_STATS_PB,
		OPT_PROGRESS,
		OPT_NO_PROGRESS,
		OPT_CMDLINE,
		OPT_SCRIPT,
		OPT_NO_INPUT,
		OPT_MAX_CYCLES,
		OPT_QUANTUM,
		OPT_MODEL,
		OPT_INITRD,
	};
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"kernel", required_argument, NULL, 'k'},
		{"disk", required_argument, NULL, 'd'},
		{"cmdline", required_argument, NULL, OPT_CMDLINE},
		{"memory", required_argument, NULL, 'm'},
		{"console-script", required_argument, NULL, OPT_SCRIPT},
		{"no-input", no_argument, NULL, OPT_NO_INPUT},
		{"max-insns", required_argument, NULL, OPT_MAX_INSNS},
		{"max-cycles", required_argument, NULL, OPT_MAX_CYCLES},
		{"quantum", required_argument, NULL, OPT_QUANTUM},
		{"memory-model", required_argument, NULL, OPT_MODEL},
		{"initrd", required_argument, NULL, OPT_INITRD},
		{"stats", no_argument, NULL, 's'},
		{"stats-json", required_argument, NULL, OPT_STATS_JSON},
		{"stats-pb", required_argument, NULL, OPT_STATS_PB},
		{"progress", no_argument, NULL, OPT_PROGRESS},
		{"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	memset(o, 0, sizeof(*o));
	o->progress = -1;
	o->memory_model = -1;
	int c;
	uint64_t v;
	while ((c = getopt_long(argc, argv, "c:k:d:m:shV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': o->config = optarg; break;
		case 'k': o->kernel = optarg; break;
		case 'd': o->disk = optarg; break;
		case OPT_CMDLINE: o->cmdline = optarg; break;
		case OPT_INITRD: o->initrd = optarg; break;
		case OPT_SCRIPT: o->script = optarg; break;
		case OPT_NO_INPUT: o->no_input = true; break;
		case 'm':
			if (parse_u64(optarg, &v) || v < 1 || v > 496) {
				fprintf(stderr,
					"discoflash: --memory %s: give MiB from 1 to 496 (RAM must "
					"end "
					"below the device window at 0x1f000000)\n",
					optarg);
				return EXIT_USAGE;
			}
			o->memory_mib = (uint32_t)v;
			break;
		case OPT_MAX_INSNS:
			if (parse_u64(optarg, &v) || v == 0) {
				fprintf(stderr,
					"discoflash: --max-insns %s: give a positive count\n",
					optarg);
				return EXIT_USAGE;
			}
			o->max_insns = v;
			break;
		case OPT_MAX_CYCLES:
		case OPT_QUANTUM:
			if (parse_u64(optarg, &v) || v == 0) {
				fprintf(stderr,
					"discoflash: --%s %s: give a positive count of cycles\n",
					c == OPT_QUANTUM ? "quantum" : "max-cycles", optarg);
				return EXIT_USAGE;
			}
			*(c == OPT_QUANTUM ? &o->quantum : &o->max_cycles) = v;
			break;
		case OPT_MODEL:
			if (strcmp(optarg, "detailed") && strcmp(optarg, "fast")) {
				fprintf(stderr,
					"discoflash: --memory-model %s: give detailed or fast\n",
					optarg);
				return EXIT_USAGE;
			}
			o->memory_model = !strcmp(optarg, "fast");
			break;
		case 's': o->stats = true; break;
		case OPT_STATS_JSON: o->stats_json = optarg; break;
		case OPT_STATS_PB: o->stats_pb = optarg; break;
		case OPT_PROGRESS: o->progress = 1; break;
		case OPT_NO_PROGRESS: o->progress = 0; break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("discoflash %s\n", DISCOFLASH_VERSION); exit(0);
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "discoflash: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	return 0;
}

static void poll_hook(node_machine *m, void *opaque, uint64_t idle_cycles)
{
	runtime *rt = opaque;
	cli_console_poll(&rt->console, idle_cycles);
	if (!rt->progress || seconds_since(&rt->last) < 5.0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &rt->last);
	double secs = seconds_since(&rt->start);
	uint64_t n = node_machine_insns(m);
	fprintf(stderr,
		"\r\n[discoflash] %.1f s  %.3f G instructions  %.0f MIPS  %.3f s simulated\r\n",
		secs, n / 1e9, secs > 0 ? n / secs / 1e6 : 0.0,
		(double)m->cpus[0].cycles / m->cfg.cpu_hz);
}

static const char *stop_name(int stop)
{
	switch (stop) {
	case NODE_STOP_POWEROFF: return "poweroff";
	case NODE_STOP_LIMIT: return "instruction-limit";
	case NODE_STOP_HOST: return "stopped";
	default: return "idle";
	}
}

static int write_stats(const options *o, const node_machine *m, const cli_console *con,
		       const char *stop, double secs)
{
	const node_cpu *c = &m->cpus[0];
	uint64_t n = node_machine_insns(m);
	double mips = secs > 0 ? n / secs / 1e6 : 0.0;
	if (o->stats)
		fprintf(stderr,
			"discoflash: %s after %llu instructions, %llu cycles (%.3f s simulated), "
			"%llu exceptions, %llu TLB refills, %.3f s host, %.1f MIPS\n",
			stop, (unsigned long long)n, (unsigned long long)c->cycles,
			(double)c->cycles / m->cfg.cpu_hz, (unsigned long long)c->exceptions,
			(unsigned long long)c->tlb_refills, secs, mips);
	if (o->stats) {
		static const char *const names[32] = {
			[0] = "Int",  [1] = "Mod",  [2] = "TLBL", [3] = "TLBS", [4] = "AdEL",
			[5] = "AdES", [6] = "IBE",  [7] = "DBE",  [8] = "Sys",	[9] = "Bp",
			[10] = "RI",  [11] = "CpU", [12] = "Ov",  [13] = "Tr",	[15] = "FPE"};
		fprintf(stderr, "discoflash: exceptions by kind:");
		for (int i = 0; i < 32; i++)
			if (c->exc_by_code[i])
				fprintf(stderr, " %s %llu", names[i] ? names[i] : "?",
					(unsigned long long)c->exc_by_code[i]);
		fprintf(stderr, "\n");
	}
	if (!o->stats_json)
		return 0;
	FILE *f = fopen(o->stats_json, "w");
	if (!f) {
		perror(o->stats_json);
		return -1;
	}
	fprintf(f,
		"{\n  \"stop\": \"%s\",\n  \"exit_value\": %u,\n  \"instructions\": %llu,\n"
		"  \"cycles\": %llu,\n  \"exceptions\": %llu,\n  \"tlb_refills\": %llu,\n"
		"  \"uart_tx_bytes\": %llu,\n  \"disk_reads\": %llu,\n  \"disk_writes\": %llu,\n"
		"  \"host_seconds\": %.6f,\n  \"mips\": %.3f,\n",
		stop, m->power.value, (unsigned long long)n, (unsigned long long)c->cycles,
		(unsigned long long)c->exceptions, (unsigned long long)c->tlb_refills,
		(unsigned long long)m->uart.tx_bytes, (unsigned long long)m->blk[0].reads,
		(unsigned long long)m->blk[0].writes, secs, mips);
	fprintf(f, "  \"console_marks\": [");
	for (int i = 0; i < con->nmarks; i++) {
		const cli_console_mark *k = &con->marks[i];
		fprintf(f, "%s\n    {\"text\": ", i ? "," : "");
		proto_json_string(f, k->text);
		fprintf(f, ", \"instructions\": %llu, \"cycles\": %llu, \"host_seconds\": %.6f}",
			(unsigned long long)k->insns, (unsigned long long)k->cycles,
			k->host_seconds);
	}
	fprintf(f, "%s]\n}\n", con->nmarks ? "\n  " : "");
	return fclose(f);
}

static void node_stop_fn(void *ctx)
{
	((node_machine *)ctx)->stop_request = true;
}

static uint64_t node_insns_fn(void *ctx)
{
	return node_machine_insns(ctx);
}

static uint64_t node_cycles_fn(void *ctx)
{
	return ((node_machine *)ctx)->cpus[0].cycles;
}

/* Merges the config file and the command line into cfg. */
static int configure(const options *o, cli_config *cfg)
{
	char err[1024];
	cli_config_default(cfg);
	if (o->config && cli_config_load(cfg, o->config, err, sizeof(err))) {
		fprintf(stderr, "discoflash: %s\n", err);
		return EXIT_USAGE;
	}
	if (o->kernel) {
		free(cfg->kernel);
		cfg->kernel = strdup(o->kernel);
	}
	if (o->disk) {
		free(cfg->disk_images[0]);
		cfg->disk_images[0] = strdup(o->disk);
		cfg->machine.disks[0].image = cfg->disk_images[0];
		if (cfg->machine.ndisks == 0)
			cfg->machine.ndisks = 1;
	}
	if (o->initrd) {
		free(cfg->initrd);
		cfg->initrd = strdup(o->initrd);
	}
	if (o->cmdline) {
		free(cfg->cmdline);
		cfg->cmdline = strdup(o->cmdline);
		cfg->machine.cmdline = cfg->cmdline;
	}
	if (o->memory_mib)
		cfg->machine.ram_bytes = o->memory_mib << 20;
	if (o->max_insns)
		cfg->machine.max_insns = o->max_insns;
	if (o->no_input)
		cfg->input = CLI_INPUT_NONE;
	if (o->memory_model >= 0)
		cfg->fast = o->memory_model;
	if (cfg->nvms && cfg->fast > 0) {
		fprintf(stderr,
			"discoflash: %s: the monitor runs its VMs on the detailed "
			"machine: use memory_model: detailed (or leave it out)\n",
			o->config);
		return EXIT_USAGE;
	}
	if (cfg->nvms)
		cfg->fast = 0;
	if (cfg->fast < 0)
		cfg->fast = cfg->nodes == 1;
	if (o->quantum)
		cfg->quantum = o->quantum;
	if (cfg->fast && cfg->nodes > 1) {
		fprintf(stderr,
			"discoflash: the fast memory model runs one node only (this "
			"machine has %d): use memory_model: detailed\n",
			cfg->nodes);
		return EXIT_USAGE;
	}
	if (cfg->fast && cfg->initrd) {
		fprintf(stderr, "discoflash: an initramfs (boot.initrd, --initrd) needs the "
				"detailed memory model: use --memory-model detailed\n");
		return EXIT_USAGE;
	}
	if (!cfg->fast && o->max_insns) {
		fprintf(stderr, "discoflash: --max-insns needs the fast memory model; the "
				"detailed machine stops by simulated time: use --max-cycles\n");
		return EXIT_USAGE;
	}
	if (!cfg->kernel && !cfg->nvms) {
		fprintf(stderr, "discoflash: no kernel given: use --kernel FILE, or -c FILE with "
				"boot.kernel (see --help)\n");
		return EXIT_USAGE;
	}
	return 0;
}

/* ---- the detailed, distributed machine ----------------------------------- */

static uint32_t ns_to_cycles(unsigned ns, uint32_t hz)
{
	return (uint32_t)(((uint64_t)ns * hz + 500000000u) / 1000000000u);
}

/* The machine description of the config in the terms of node/flash.h;
 * -1 with a message when the latencies do not make a machine. */
static int flash_config_of(const cli_config *c, flash_config *f, char *err, size_t errlen)
{
	flash_config_default(f);
	f->base = c->machine;
	f->nnodes = c->nodes;
	uint32_t hz = c->machine.cpu_hz;
	if (c->local_miss_ns <= c->directory_ns || c->remote_miss_ns < c->local_miss_ns + 2 ||
	    c->l2_hit_ns == 0) {
		snprintf(err, errlen,
			 "machine.latency: need l2_hit_ns > 0, local_miss_ns > directory_ns (%u) "
			 "and remote_miss_ns > local_miss_ns (got %u, %u, %u)",
			 c->directory_ns, c->l2_hit_ns, c->local_miss_ns, c->remote_miss_ns);
		return -1;
	}
	f->l2_hit = ns_to_cycles(c->l2_hit_ns, hz);
	f->coh.dir = ns_to_cycles(c->directory_ns, hz);
	f->coh.mem = ns_to_cycles(c->local_miss_ns, hz) - f->coh.dir;
	f->coh.hop = ns_to_cycles((c->remote_miss_ns - c->local_miss_ns) / 2, hz);
	f->coh.cache = f->l2_hit;
	f->coh.nak_backoff = ns_to_cycles(c->nak_backoff_ns, hz);
	f->coh.l2_bytes = c->l2_size;
	f->coh.l2_ways = c->l2_ways;
	f->coh.hot_threshold = c->hot_page_threshold;
	if (!f->l2_hit || !f->coh.hop || !f->coh.mem) {
		snprintf(err, errlen,
			 "machine.latency: at %u MHz these latencies round to 0 cycles",
			 hz / 1000000u);
		return -1;
	}
	f->l1_bytes = c->l1_size;
	f->l1_ways = c->l1_ways;
	f->placement = c->placement;
	f->place_list = c->place_list_len ? c->place_list : NULL;
	if (c->placement == COH_PLACE_LIST && c->place_list_len != c->nodes) {
		snprintf(err, errlen, "machine.placement: the list names %d ranks for %d nodes",
			 c->place_list_len, c->nodes);
		return -1;
	}
	f->quantum = c->quantum;
	f->initrd = c->initrd;
	return 0;
}

static void flash_poll(flash_machine *m, void *opaque)
{
	runtime *rt = opaque;
	cli_console_poll(&rt->console, 0);
	if (!rt->progress || seconds_since(&rt->last) < 5.0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &rt->last);
	double secs = seconds_since(&rt->start);
	uint64_t n = flash_local_insns(m);
	fprintf(stderr,
		"\r\n[discoflash] %.1f s  %.3f G instructions (this rank)  %.1f MIPS  %.4f s "
		"simulated\r\n",
		secs, n / 1e9, secs > 0 ? n / secs / 1e6 : 0.0, (double)flash_now(m) / 2e8);
}

static void flash_stop_fn(void *ctx)
{
	flash_request_stop(ctx);
}

static uint64_t flash_insns_fn(void *ctx)
{
	return flash_local_insns(ctx);
}

static uint64_t flash_cycles_fn(void *ctx)
{
	return flash_now(ctx);
}

/* ---- the monitor's VMs --------------------------------------------------- */

/* A VM's console on stdout: every line starts with "[name] ", and only
 * whole lines go out, so that the lines of VMs do not mix. */
typedef struct prefix_stream {
	FILE *to;
	char prefix[48];
	char line[1024];
	size_t len;
} prefix_stream;

static void prefix_line(prefix_stream *p)
{
	fputs(p->prefix, p->to);
	fwrite(p->line, 1, p->len, p->to);
	fflush(p->to);
	p->len = 0;
}

static ssize_t prefix_write(void *cookie, const char *buf, size_t n)
{
	prefix_stream *p = cookie;
	for (size_t i = 0; i < n; i++) {
		p->line[p->len++] = buf[i];
		if (buf[i] == '\n' || p->len == sizeof(p->line))
			prefix_line(p);
	}
	return (ssize_t)n;
}

static int prefix_close(void *cookie)
{
	prefix_stream *p = cookie;
	if (p->len) {
		p->line[p->len++] = '\n';
		prefix_line(p);
	}
	free(p);
	return 0;
}

static FILE *prefixed(FILE *to, const char *name)
{
	prefix_stream *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->to = to;
	snprintf(p->prefix, sizeof(p->prefix), "[%s] ", name);
	cookie_io_functions_t io = {NULL, prefix_write, NULL, prefix_close};
	FILE *f = fopencookie(p, "w", io);
	if (!f)
		free(p);
	else
		setvbuf(f, NULL, _IOLBF, 0); /* whole lines: VMs' lines do not mix */
	return f;
}

static void vm_console_poll(void *o, int vm)
{
	runtime *rt = o;
	cli_console_poll(&rt->vmcon[vm], 0);
}

/* Builds the monitor's VMs on the machine and their consoles on this rank.
 * NULL with a message (on rank 0 only for errors every rank sees). */
static mon_machine *start_vms(const cli_config *cfg, flash_machine *m, FILE *out, runtime *rt,
			      char *err, size_t errlen)
{
	mon_config mc;
	memset(&mc, 0, sizeof(mc));
	mc.cost = cfg->cost;
	mc.timeslice = cfg->timeslice;
	mc.nvms = cfg->nvms;
	for (int i = 0; i < cfg->nvms; i++) {
		const cli_vm *v = &cfg->vms[i];
		mon_vm_config *c = &mc.vms[i];
		c->name = v->name;
		c->vcpus = v->vcpus;
		c->memory = (uint32_t)v->memory;
		c->nnodes = v->nnodes;
		memcpy(c->nodes, v->nodes, sizeof(c->nodes));
		c->kernel = v->kernel;
		c->cmdline = v->cmdline;
		c->initrd = v->initrd;
		c->ndisks = v->ndisks;
		for (int d = 0; d < v->ndisks; d++)
			c->disks[d] = (node_disk_config){v->disk_images[d], v->disk_readonly[d]};
		c->nnets = v->nets;
		c->no_special = v->no_special;
		c->app = v->app;
		c->args = v->args;
		c->placement = v->placement;
	}
	mon_machine *mm = mon_new(m, &mc, err, errlen);
	if (!mm)
		return NULL;
	for (int i = 0; i < cfg->nvms; i++) {
		node_uart *u = mon_vm_uart(mm, i);
		if (!u)
			continue;
		const cli_vm *v = &cfg->vms[i];
		FILE *f = v->console_file ? fopen(v->console_file, "w") : prefixed(out, v->name);
		if (!f) {
			snprintf(err, errlen, "VM %s: %s: cannot write its console", v->name,
				 v->console_file ? v->console_file : "stdout");
			mon_free(mm);
			return NULL;
		}
		rt->vmout[i] = f;
		if (v->console_script &&
		    cli_console_load_script(&rt->vmcon[i], v->console_script, err, errlen)) {
			mon_free(mm);
			return NULL;
		}
		cli_console_target t = {
			u, flash_cpu_hz(m), flash_stop_fn, flash_insns_fn, flash_cycles_fn, m};
		cli_console_attach(&rt->vmcon[i], &t, f, false);
	}
	mon_set_console_poll(mm, vm_console_poll, rt);
	return mm;
}

static int run_flash(const options *o, cli_config *cfg, FILE *out, runtime *rt, void *comm,
		     int rank)
{
	char err[1024];
	flash_config fc;
	if (flash_config_of(cfg, &fc, err, sizeof(err))) {
		if (rank == 0)
			fprintf(stderr, "discoflash: %s\n", err);
		return EXIT_USAGE;
	}
	fc.base.console = out;
	fc.max_cycles = o->max_cycles;
	fc.mpi_comm = comm;
	flash_machine *m = flash_new(&fc, err, sizeof(err));
	if (!m) {
		if (rank == 0)
			fprintf(stderr, "discoflash: %s\n", err);
		return EXIT_USAGE;
	}
	int status = 0;
	mon_machine *mm = NULL;
	if (cfg->nvms) {
		mm = start_vms(cfg, m, out, rt, err, sizeof(err));
		/* a VM that cannot start on its rank stops every rank */
		int bad = !mm, any = bad;
#ifdef DISCOFLASH_MPI
		if (comm)
			MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, *(MPI_Comm *)comm);
#endif
		if (any) {
			if (bad)
				fprintf(stderr, "discoflash: %s\n", err);
			mon_free(mm);
			flash_free(m);
			return EXIT_USAGE;
		}
	} else if (flash_boot(m, cfg->kernel, err, sizeof(err))) {
		if (rank == 0)
			fprintf(stderr, "discoflash: %s\n", err);
		flash_free(m);
		return EXIT_USAGE;
	}
	node_uart *uart = mm ? NULL : flash_uart(m);
	if (mm && flash_is_rank0(m))
		flash_set_poll(m, flash_poll, rt);
	if (uart) {
		cli_console_target t = {uart,		fc.base.cpu_hz,	 flash_stop_fn,
					flash_insns_fn, flash_cycles_fn, m};
		cli_console_attach(&rt->console, &t, out, cfg->input == CLI_INPUT_STDIN);
		flash_set_poll(m, flash_poll, rt);
	}
	rt->progress = flash_is_rank0(m) && (o->progress == 1 || (o->progress < 0 && isatty(2)));
	clock_gettime(CLOCK_MONOTONIC, &rt->start);
	rt->last = rt->start;
	int stop = flash_run(m);
	double secs = seconds_since(&rt->start);
	const char *why = stop_name(stop);
	switch (stop) {
	case NODE_STOP_POWEROFF: status = (int)(flash_exit_value(m) & 0xff); break;
	case NODE_STOP_LIMIT:
		if (flash_is_rank0(m))
			fprintf(stderr, "discoflash: stopped at --max-cycles %llu\n",
				(unsigned long long)o->max_cycles);
		status = EXIT_LIMIT;
		break;
	case NODE_STOP_HOST:
		if (flash_is_rank0(m))
			fprintf(stderr, "discoflash: stopped from the console\n");
		status = EXIT_STOPPED;
		break;
	default:
		if (flash_is_rank0(m))
			fprintf(stderr, "discoflash: every CPU waits with nothing that could wake "
					"it\n");
		status = EXIT_IDLE;
		break;
	}
	if (uart && cli_console_script_left(&rt->console))
		fprintf(stderr,
			"discoflash: the console script stopped with %d step(s) not "
			"reached\n",
			cli_console_script_left(&rt->console));
	FILE *f = NULL, *pb = NULL;
	if (o->stats_json && flash_is_rank0(m) && !(f = fopen(o->stats_json, "w"))) {
		perror(o->stats_json);
		status = status ? status : EXIT_USAGE;
	}
	if (o->stats_pb && flash_is_rank0(m) && !(pb = fopen(o->stats_pb, "wb"))) {
		perror(o->stats_pb);
		status = status ? status : EXIT_USAGE;
	}
	if (o->stats && flash_is_rank0(m))
		fprintf(stderr, "discoflash: %s at cycle %llu (%.6f s simulated), %.3f s host\n",
			why, (unsigned long long)flash_now(m),
			(double)flash_now(m) / fc.base.cpu_hz, secs);
	int wrc = flash_write_stats(m, f, pb, secs, why);
	if (wrc && flash_is_rank0(m))
		fprintf(stderr, "discoflash: cannot write the statistics: %s\n", strerror(-wrc));
	if (f && fclose(f))
		wrc = -EIO;
	if (pb && fclose(pb))
		wrc = -EIO;
	if (wrc && !status)
		status = EXIT_USAGE;
	for (int i = 0; i < CLI_MAX_VMS; i++) {
		if (rt->vmout[i] && cli_console_script_left(&rt->vmcon[i]))
			fprintf(stderr,
				"discoflash: VM %s: its console script stopped with %d step(s) "
				"not reached\n",
				cfg->vms[i].name, cli_console_script_left(&rt->vmcon[i]));
		cli_console_detach(&rt->vmcon[i]);
		if (rt->vmout[i])
			fclose(rt->vmout[i]);
		rt->vmout[i] = NULL;
	}
	mon_free(mm);
	flash_free(m);
	return status;
}

static int run(const options *o, void *comm, int rank)
{
	cli_config cfg;
	int status = configure(o, &cfg);
	if (status) {
		cli_config_free(&cfg);
		return status;
	}
	if (!cfg.fast) {
		FILE *out = stdout;
		if (cfg.output && !(out = fopen(cfg.output, "w"))) {
			fprintf(stderr, "discoflash: %s: cannot write the console output\n",
				cfg.output);
			cli_config_free(&cfg);
			return EXIT_USAGE;
		}
		runtime rt;
		memset(&rt, 0, sizeof(rt));
		char err[1024];
		const char *script = o->script ? o->script : cfg.script;
		if (script && cli_console_load_script(&rt.console, script, err, sizeof(err))) {
			fprintf(stderr, "discoflash: %s\n", err);
			status = EXIT_USAGE;
		} else {
			status = run_flash(o, &cfg, out, &rt, comm, rank);
		}
		if (out != stdout)
			fclose(out);
		cli_console_detach(&rt.console);
		cli_config_free(&cfg);
		return status;
	}
	if (o->stats_pb) {
		fprintf(stderr, "discoflash: --stats-pb: the statistics schema is the detailed "
				"machine's; add --memory-model detailed\n");
		cli_config_free(&cfg);
		return EXIT_USAGE;
	}
	if (rank != 0) {
		/* the fast model is one node in one process: rank 0 runs it */
		cli_config_free(&cfg);
		return 0;
	}
	char err[1024];
	FILE *out = stdout;
	if (cfg.output && !(out = fopen(cfg.output, "w"))) {
		fprintf(stderr, "discoflash: %s: cannot write the console output\n", cfg.output);
		cli_config_free(&cfg);
		return EXIT_USAGE;
	}
	runtime rt;
	memset(&rt, 0, sizeof(rt));
	const char *script = o->script ? o->script : cfg.script;
	if (script && cli_console_load_script(&rt.console, script, err, sizeof(err))) {
		fprintf(stderr, "discoflash: %s\n", err);
		status = EXIT_USAGE;
		goto out_config;
	}
	node_machine m;
	if (node_machine_init(&m, &cfg.machine, err, sizeof(err))) {
		fprintf(stderr, "discoflash: %s\n", err);
		status = EXIT_USAGE;
		goto out_config;
	}
	if (node_machine_boot(&m, cfg.kernel, err, sizeof(err))) {
		fprintf(stderr, "discoflash: %s\n", err);
		status = EXIT_USAGE;
		goto out_machine;
	}
	cli_console_target target = {&m.uart,	    m.cfg.cpu_hz,   node_stop_fn,
				     node_insns_fn, node_cycles_fn, &m};
	cli_console_attach(&rt.console, &target, out, cfg.input == CLI_INPUT_STDIN);
	rt.progress = o->progress == 1 || (o->progress < 0 && isatty(2));
	clock_gettime(CLOCK_MONOTONIC, &rt.start);
	rt.last = rt.start;
	m.poll = poll_hook;
	m.poll_opaque = &rt;

	int stop = node_machine_run(&m);
	double secs = seconds_since(&rt.start);
	bool dead = rt.console.dead;
	int left = cli_console_script_left(&rt.console);

	const char *why = stop_name(stop);
	switch (stop) {
	case NODE_STOP_POWEROFF: status = (int)(m.power.value & 0xff); break;
	case NODE_STOP_LIMIT:
		fprintf(stderr,
			"discoflash: stopped after --max-insns %llu instructions (pc 0x%08x)\n",
			(unsigned long long)cfg.machine.max_insns, m.cpus[0].pc);
		status = EXIT_LIMIT;
		break;
	case NODE_STOP_HOST:
		if (!dead) {
			fprintf(stderr, "discoflash: stopped from the console\n");
			status = EXIT_STOPPED;
			break;
		}
		why = "idle";
		/* fall through */
	default:
		fprintf(stderr,
			"discoflash: every CPU waits with nothing that could wake it (pc 0x%08x)\n",
			m.cpus[0].pc);
		status = EXIT_IDLE;
		break;
	}
	if (left)
		fprintf(stderr,
			"discoflash: the console script stopped with %d step(s) not reached\n",
			left);
	if (write_stats(o, &m, &rt.console, why, secs) && status == 0)
		status = EXIT_USAGE;
out_machine:
	node_machine_destroy(&m);
out_config:
	if (out != stdout)
		fclose(out);
	cli_console_detach(&rt.console);
	cli_config_free(&cfg);
	return status;
}

/* Open MPI starts as a singleton without mpirun, but that costs start-up time
 * and needs a working PMIx setup; initialise MPI only when a launcher ran us. */
static bool launched_by_mpirun(void)
{
	return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK");
}

#ifdef DISCOFLASH_MPI
/* Waits until every rank gets here without spinning: Open MPI's blocking
 * collectives poll in a busy loop, which would take a core away from the
 * ranks that compute (more ranks than cores is normal on a laptop). */
static void mpi_wait_all(void)
{
	MPI_Request req;
	int done = 0;
	MPI_Ibarrier(MPI_COMM_WORLD, &req);
	for (;;) {
		MPI_Test(&req, &done, MPI_STATUS_IGNORE);
		if (done)
			break;
		nanosleep(&(struct timespec){0, 1000000}, NULL);
	}
}
#endif

int main(int argc, char **argv)
{
	options o;
	int status = parse_options(argc, argv, &o);
	if (status)
		return status;
	int rank = 0;
	void *comm = NULL;
#ifdef DISCOFLASH_MPI
	MPI_Comm world = MPI_COMM_WORLD;
	bool mpi = launched_by_mpirun();
	if (mpi) {
		MPI_Init(&argc, &argv);
		MPI_Comm_rank(MPI_COMM_WORLD, &rank);
		comm = &world;
	}
#endif
	status = run(&o, comm, rank);
#ifdef DISCOFLASH_MPI
	if (mpi) {
		mpi_wait_all();
		MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
		MPI_Finalize();
	}
#endif
	return status;
}
