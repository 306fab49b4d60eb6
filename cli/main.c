/* cli/main.c: the discoflash command line - options, machine set-up, the
 * progress line, statistics and the exit status.
 *
 * Exit status: the value the guest wrote to the power-off register (& 0xff);
 * 2 for a usage, configuration or input error (message on stderr);
 * 3 when --max-insns stopped the run; 4 when every CPU idles forever.
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

#include "node/elf.h"
#include "node/machine.h"

#ifndef DISCOFLASH_VERSION
#define DISCOFLASH_VERSION "unknown"
#endif

enum { EXIT_USAGE = 2, EXIT_LIMIT = 3, EXIT_IDLE = 4 };

typedef struct options {
	const char *kernel;
	const char *stats_json;
	uint64_t max_insns;
	uint32_t memory_mib;
	int progress; /* -1 auto (stderr is a terminal), 0 off, 1 on */
	bool stats;
} options;

typedef struct progress {
	struct timespec start, last;
	bool enabled;
} progress;

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) * 1e-9;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: discoflash [options] --kernel FILE\n"
		"\n"
		"Emulates a Stanford-FLASH-style ccNUMA machine of MIPS32r2 CPUs and boots FILE,\n"
		"a little-endian MIPS ELF executable, on it. The guest's UART (16550 at physical\n"
		"0x1f000000) is this process's stdout; a 32-bit write of V to the power-off\n"
		"register (physical 0x1f200000) ends the run with exit status V & 0xff.\n"
		"\n"
		"options:\n"
		"  -k, --kernel FILE      ELF executable to boot (entry point in kernel mode)\n"
		"  -m, --memory MIB       RAM of the node in MiB (default 64)\n"
		"      --max-insns N      stop after N guest instructions (exit status 3)\n"
		"  -s, --stats            print run statistics on stderr at the end\n"
		"      --stats-json FILE  write run statistics as JSON to FILE\n"
		"      --progress         print a progress line on stderr every few seconds\n"
		"      --no-progress      never print one (default: only when stderr is a tty)\n"
		"  -h, --help             show this help\n"
		"  -V, --version          show the version\n"
		"\n"
		"exit status: the guest's power-off value; 2 usage or input error; 3 instruction\n"
		"limit reached; 4 every CPU waits with no interrupt that could wake it.\n"
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
	enum { OPT_MAX_INSNS = 256, OPT_STATS_JSON, OPT_PROGRESS, OPT_NO_PROGRESS };
	static const struct option longopts[] = {
		{"kernel", required_argument, NULL, 'k'},
		{"memory", required_argument, NULL, 'm'},
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
	o->memory_mib = 64;
	o->progress = -1;
	int c;
	uint64_t v;
	while ((c = getopt_long(argc, argv, "k:m:shV", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': o->kernel = optarg; break;
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
	if (!o->kernel) {
		fprintf(stderr, "discoflash: no kernel given: use --kernel FILE (see --help)\n");
		return EXIT_USAGE;
	}
	return 0;
}

static void poll_progress(node_machine *m, void *opaque)
{
	progress *p = opaque;
	if (!p->enabled || seconds_since(&p->last) < 5.0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &p->last);
	double secs = seconds_since(&p->start);
	uint64_t n = node_machine_insns(m);
	fprintf(stderr, "[discoflash] %.1f s  %.3f G instructions  %.0f MIPS\n", secs, n / 1e9,
		secs > 0 ? n / secs / 1e6 : 0.0);
}

static const char *stop_name(int stop)
{
	switch (stop) {
	case NODE_STOP_POWEROFF: return "poweroff";
	case NODE_STOP_LIMIT: return "instruction-limit";
	default: return "idle";
	}
}

static int write_stats(const options *o, const node_machine *m, int stop, double secs)
{
	const node_cpu *c = &m->cpus[0];
	uint64_t n = node_machine_insns(m);
	double mips = secs > 0 ? n / secs / 1e6 : 0.0;
	if (o->stats)
		fprintf(stderr,
			"discoflash: %s after %llu instructions, %llu cycles, %llu exceptions, "
			"%llu TLB refills, %.3f s host, %.1f MIPS\n",
			stop_name(stop), (unsigned long long)n, (unsigned long long)c->cycles,
			(unsigned long long)c->exceptions, (unsigned long long)c->tlb_refills, secs,
			mips);
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
		"  \"host_seconds\": %.6f,\n  \"mips\": %.3f\n}\n",
		stop_name(stop), m->power.value, (unsigned long long)n,
		(unsigned long long)c->cycles, (unsigned long long)c->exceptions,
		(unsigned long long)c->tlb_refills, secs, mips);
	return fclose(f);
}

static int run(const options *o)
{
	node_machine_config cfg;
	node_machine_config_default(&cfg);
	cfg.ram_bytes = o->memory_mib << 20;
	cfg.max_insns = o->max_insns;

	node_machine m;
	if (node_machine_init(&m, &cfg)) {
		fprintf(stderr, "discoflash: out of host memory for a %u MiB machine\n",
			o->memory_mib);
		return EXIT_USAGE;
	}
	char err[512];
	node_elf_info info;
	if (node_elf_load(&m.mem, o->kernel, &info, err, sizeof(err))) {
		fprintf(stderr, "discoflash: %s\n", err);
		node_machine_destroy(&m);
		return EXIT_USAGE;
	}
	m.cpus[0].pc = info.entry;

	progress p = {.enabled = o->progress == 1 || (o->progress < 0 && isatty(2))};
	clock_gettime(CLOCK_MONOTONIC, &p.start);
	p.last = p.start;
	m.poll = poll_progress;
	m.poll_opaque = &p;

	int stop = node_machine_run(&m);
	double secs = seconds_since(&p.start);
	fflush(stdout);

	int status;
	switch (stop) {
	case NODE_STOP_POWEROFF: status = (int)(m.power.value & 0xff); break;
	case NODE_STOP_LIMIT:
		fprintf(stderr,
			"discoflash: stopped after --max-insns %llu instructions (pc 0x%08x)\n",
			(unsigned long long)o->max_insns, m.cpus[0].pc);
		status = EXIT_LIMIT;
		break;
	default:
		fprintf(stderr,
			"discoflash: every CPU waits with no interrupt that could wake it (pc "
			"0x%08x)\n",
			m.cpus[0].pc);
		status = EXIT_IDLE;
		break;
	}
	if (write_stats(o, &m, stop, secs) && status == 0)
		status = EXIT_USAGE;
	node_machine_destroy(&m);
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
