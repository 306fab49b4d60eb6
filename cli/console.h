/* cli/console.h: the host side of the guest console (the node's UART).
 *
 * Output goes to stdout (or a file). Input comes from a console script
 * ("when the console shows X, send Y": deterministic, it depends only on
 * guest output) and/or from stdin; a terminal is put in raw mode and
 * restored on every exit path. Ctrl-A x stops the machine.
 *
 * Called from the node run loop's poll hook, between slices.
 */
#ifndef CLI_CONSOLE_H
#define CLI_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "node/machine.h"

typedef struct cli_script_step {
	bool expect; /* else send */
	char *text;
	size_t len;
} cli_script_step;

/* When an expect step matched: for boot-time measurements. The counts are
 * those at the start of the CPU slice in which the text was printed (at most
 * one slice, 10,000 instructions, early). */
typedef struct cli_console_mark {
	const char *text;
	uint64_t insns, cycles;
	double host_seconds;
} cli_console_mark;

/* What the console drives: a UART plus a few questions to the machine (the
 * one-node machine or the distributed one). */
typedef struct cli_console_target {
	node_uart *uart;
	uint32_t cpu_hz;
	void (*stop)(void *ctx);       /* stop the run (console escape, dead idle) */
	uint64_t (*insns)(void *ctx);  /* instructions so far (for marks) */
	uint64_t (*cycles)(void *ctx); /* simulated cycles so far */
	void *ctx;
} cli_console_target;

typedef struct cli_console {
	cli_console_target t;
	FILE *out;
	bool use_stdin, stdin_open, tty;
	cli_script_step *steps;
	int nsteps, cur;
	char *seen; /* output since the last match, for expect */
	size_t seen_len, seen_cap;
	uint8_t *pending; /* bytes waiting to enter the UART */
	size_t pending_len, pending_cap;
	cli_console_mark *marks; /* one per expect step reached */
	int nmarks;
	struct timespec start;
	bool escape; /* Ctrl-A was typed */
	bool dead;   /* idle with no timer and no input that could ever come */
} cli_console;

/* Parses a console script: one step a line, `expect TEXT` or `send TEXT`,
 * TEXT with C escapes (\n \r \t \\ \" \xHH); blank lines and # comments are
 * skipped. Returns 0 or -1 with a message naming the file and line. */
int cli_console_load_script(cli_console *c, const char *path, char *err, size_t errlen);
/* Attaches to the machine's UART. use_stdin: read host input from stdin. */
int cli_console_attach(cli_console *c, const cli_console_target *t, FILE *out, bool use_stdin);
/* The poll hook body: flush output, feed input, pace idle time when a
 * person may type. */
void cli_console_poll(cli_console *c, uint64_t idle_cycles);
/* Restores the terminal and frees everything (safe to call twice). */
void cli_console_detach(cli_console *c);
/* Steps of the script not reached (0 when it ran to its end). */
int cli_console_script_left(const cli_console *c);

#endif
