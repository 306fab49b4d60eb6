/* cli/main.c: the discoflash command line - options, the YAML machine
 * description, the console, the progress line, statistics and the exit
 * status.
 *
 * Exit status: the value the guest wrote to the power-off register (& 0xff);
 * 2 for a usage, configuration or input error (message on stderr);
 * 3 when --max-insns stopped the run; 4 when every CPU idles forever;
 * 5 when the console escape (Ctrl-A x) stopped it.
 */
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
#include "node/machine.h"

#ifndef DISCOFLASH_VERSION
#define DISCOFLASH_VERSION "unknown"
#endif

enum { EXIT_USAGE = 2, EXIT_LIMIT = 3, EXIT_IDLE = 4, EXIT_STOPPED = 5 };

typedef struct options {
	const char *config;
	const char *kernel;
	const char *disk;
	const char *cmdline;
	const char *script;
	const char *stats_json;
	uint64_t max_insns;
	uint32_t memory_mib; /* 0: from the config */
	int progress;	     /* -1 auto (stderr is a terminal), 0 off, 1 on */
	bool stats;
	bool no_input;
} options;

typedef struct runtime {
	cli_console console;
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
		"  -m, --memory MIB          RAM of the node in MiB (default 64)\n"
		"      --console-script FILE drive the console: lines `expect TEXT` / `send TEXT`\n"
		"      --no-input            do not read the console from stdin\n"
		"      --max-insns N         stop after N guest instructions (exit status 3)\n"
		"  -s, --stats               print run statistics on stderr at the end\n"
		"      --stats-json FILE     write run statistics as JSON to FILE\n"
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
		"Under MPI: mpirun -np N discoflash ... (rank 0 runs the single node for now).\n");
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
		OPT_PROGRESS,
		OPT_NO_PROGRESS,
		OPT_CMDLINE,
		OPT_SCRIPT,
		OPT_NO_INPUT,
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
		{"stats", no_argument, NULL, 's'},
		{"stats-json", required_argument, NULL, OPT_STATS_JSON},
		{"progress", no_argument, NULL, OPT_PROGRESS},
		{"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	memset(o, 0, sizeof(*o));
	o->progress = -1;
	int c;
	uint64_t v;
	while ((c = getopt_long(argc, argv, "c:k:d:m:shV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': o->config = optarg; break;
		case 'k': o->kernel = optarg; break;
		case 'd': o->disk = optarg; break;
		case OPT_CMDLINE: o->cmdline = optarg; break;
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
		case 's': o->stats = true; break;
		case OPT_STATS_JSON: o->stats_json = optarg; break;
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

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
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
		json_string(f, k->text);
		fprintf(f, ", \"instructions\": %llu, \"cycles\": %llu, \"host_seconds\": %.6f}",
			(unsigned long long)k->insns, (unsigned long long)k->cycles,
			k->host_seconds);
	}
	fprintf(f, "%s]\n}\n", con->nmarks ? "\n  " : "");
	return fclose(f);
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
	if (!cfg->kernel) {
		fprintf(stderr, "discoflash: no kernel given: use --kernel FILE, or -c FILE with "
				"boot.kernel (see --help)\n");
		return EXIT_USAGE;
	}
	return 0;
}

static int run(const options *o)
{
	cli_config cfg;
	int status = configure(o, &cfg);
	if (status) {
		cli_config_free(&cfg);
		return status;
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
	cli_console_attach(&rt.console, &m, out, cfg.input == CLI_INPUT_STDIN);
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
#ifdef DISCOFLASH_MPI
	bool mpi = launched_by_mpirun();
	if (mpi) {
		MPI_Init(&argc, &argv);
		MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	}
#endif
	if (rank == 0)
		status = run(&o);
#ifdef DISCOFLASH_MPI
	if (mpi) {
		mpi_wait_all();
		MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
		MPI_Finalize();
	}
#endif
	return status;
}
