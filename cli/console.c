/* cli/console.c: the host side of the guest console (see cli/console.h). */
#include "cli/console.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define CTRL_A 0x01

/* The terminal state to restore. One per process: a terminal is a process
 * resource, and the signal handler must reach it. */
static struct termios saved_termios;
static volatile sig_atomic_t termios_saved;

static void restore_terminal(void)
{
	if (termios_saved) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
		termios_saved = 0;
	}
}

static void on_fatal_signal(int sig)
{
	restore_terminal();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int raw_terminal(void)
{
	struct termios t;
	if (tcgetattr(STDIN_FILENO, &saved_termios))
		return -1;
	t = saved_termios;
	/* input raw (keys go to the guest, ^C included); output processing
	 * stays on so the guest's \r\n arrives as written */
	t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t))
		return -1;
	termios_saved = 1;
	atexit(restore_terminal);
	signal(SIGTERM, on_fatal_signal);
	signal(SIGHUP, on_fatal_signal);
	signal(SIGQUIT, on_fatal_signal);
	signal(SIGSEGV, on_fatal_signal);
	signal(SIGABRT, on_fatal_signal);
	return 0;
}

static int grow(void **buf, size_t *cap, size_t need)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : 256;
	while (n < need)
		n *= 2;
	void *p = realloc(*buf, n);
	if (!p)
		return -1;
	*buf = p;
	*cap = n;
	return 0;
}

static void queue_input(cli_console *c, const void *bytes, size_t len)
{
	if (grow((void **)&c->pending, &c->pending_cap, c->pending_len + len))
		return;
	memcpy(c->pending + c->pending_len, bytes, len);
	c->pending_len += len;
}

/* Runs the send steps that follow the current position. */
static void run_sends(cli_console *c)
{
	while (c->cur < c->nsteps && !c->steps[c->cur].expect) {
		queue_input(c, c->steps[c->cur].text, c->steps[c->cur].len);
		c->cur++;
	}
}

static void record_mark(cli_console *c, const char *text)
{
	cli_console_mark *m = realloc(c->marks, sizeof(*m) * (size_t)(c->nmarks + 1));
	if (!m)
		return;
	c->marks = m;
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	m[c->nmarks++] = (cli_console_mark){
		.text = text,
		.insns = c->t.insns(c->t.ctx),
		.cycles = c->t.cycles(c->t.ctx),
		.host_seconds = (double)(t.tv_sec - c->start.tv_sec) +
				(double)(t.tv_nsec - c->start.tv_nsec) * 1e-9,
	};
}

static void on_tx(void *opaque, uint8_t byte)
{
	cli_console *c = opaque;
	fputc(byte, c->out);
	if (byte == '\n')
		fflush(c->out);
	if (c->cur >= c->nsteps)
		return;
	const cli_script_step *s = &c->steps[c->cur];
	if (grow((void **)&c->seen, &c->seen_cap, c->seen_len + 1))
		return;
	c->seen[c->seen_len++] = (char)byte;
	if (c->seen_len >= s->len && !memcmp(c->seen + c->seen_len - s->len, s->text, s->len)) {
		c->seen_len = 0;
		record_mark(c, s->text);
		c->cur++;
		run_sends(c);
	} else if (c->seen_len > 65536) {
		/* keep the tail that could still be the start of a match */
		memmove(c->seen, c->seen + c->seen_len - s->len, s->len);
		c->seen_len = s->len;
	}
}

static int unescape(const char *s, char *out, size_t *len)
{
	size_t n = 0;
	for (; *s; s++) {
		if (*s != '\\') {
			out[n++] = *s;
			continue;
		}
		s++;
		switch (*s) {
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case '\\': out[n++] = '\\'; break;
		case '"': out[n++] = '"'; break;
		case 'x':
			if (!isxdigit((unsigned char)s[1]) || !isxdigit((unsigned char)s[2]))
				return -1;
			{
				char hex[3] = {s[1], s[2], 0};
				out[n++] = (char)strtol(hex, NULL, 16);
			}
			s += 2;
			break;
		default: return -1;
		}
	}
	*len = n;
	return 0;
}

int cli_console_load_script(cli_console *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open console script: %s", path, strerror(errno));
		return -1;
	}
	char line[4096];
	int lineno = 0, rc = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		size_t l = strlen(line);
		while (l && (line[l - 1] == '\n' || line[l - 1] == '\r'))
			line[--l] = 0;
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		bool expect;
		if (!strncmp(p, "expect ", 7)) {
			expect = true;
			p += 7;
		} else if (!strncmp(p, "send ", 5)) {
			expect = false;
			p += 5;
		} else {
			snprintf(err, errlen, "%s:%d: a step is `expect TEXT` or `send TEXT`", path,
				 lineno);
			rc = -1;
			break;
		}
		/* optional quotes around TEXT keep leading/trailing spaces */
		size_t pl = strlen(p);
		if (pl >= 2 && p[0] == '"' && p[pl - 1] == '"') {
			p[pl - 1] = 0;
			p++;
		}
		char *text = malloc(strlen(p) + 1);
		size_t len;
		if (!text || unescape(p, text, &len) || (expect && len == 0)) {
			free(text);
			snprintf(err, errlen,
				 "%s:%d: bad text (escapes: \\n \\r \\t \\\\ \\\" \\xHH%s)", path,
				 lineno, expect ? "; expect needs some text" : "");
			rc = -1;
			break;
		}
		text[len] = 0; /* also a C string, for messages and statistics */
		cli_script_step *steps =
			realloc(c->steps, sizeof(*steps) * (size_t)(c->nsteps + 1));
		if (!steps) {
			free(text);
			rc = -1;
			break;
		}
		c->steps = steps;
		c->steps[c->nsteps++] = (cli_script_step){expect, text, len};
	}
	fclose(f);
	return rc;
}

int cli_console_attach(cli_console *c, const cli_console_target *t, FILE *out, bool use_stdin)
{
	c->t = *t;
	c->out = out;
	c->use_stdin = use_stdin;
	c->stdin_open = use_stdin;
	clock_gettime(CLOCK_MONOTONIC, &c->start);
	t->uart->tx = on_tx;
	t->uart->tx_opaque = c;
	if (use_stdin) {
		c->tty = isatty(STDIN_FILENO);
		if (c->tty && raw_terminal() == 0)
			fprintf(stderr, "discoflash: console on this terminal; Ctrl-A x quits\r\n");
	}
	run_sends(c); /* a script may start by sending */
	return 0;
}

/* Reads what stdin has, waiting at most timeout_ms. */
static void read_stdin(cli_console *c, int timeout_ms)
{
	struct pollfd pfd = {STDIN_FILENO, POLLIN, 0};
	if (poll(&pfd, 1, timeout_ms) <= 0)
		return;
	uint8_t buf[256];
	ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		c->stdin_open = false;
		return;
	}
	for (ssize_t i = 0; i < n; i++) {
		uint8_t b = buf[i];
		if (c->escape) {
			c->escape = false;
			if (b == 'x' || b == 'X') {
				c->t.stop(c->t.ctx);
				return;
			}
			if (b != CTRL_A)
				queue_input(c, "\x01", 1);
		} else if (b == CTRL_A && c->tty) {
			c->escape = true;
			continue;
		}
		queue_input(c, &b, 1);
	}
}

void cli_console_poll(cli_console *c, uint64_t idle_cycles)
{
	fflush(c->out);
	if (c->use_stdin && c->stdin_open) {
		int timeout = 0;
		if (idle_cycles && !c->pending_len) {
			/* idle and waiting for a person: let simulated idle time
			 * pass at real speed (capped), so the host CPU rests */
			uint64_t ms = idle_cycles / (c->t.cpu_hz / 1000u);
			timeout = ms > 100 ? 100 : (int)ms;
		}
		read_stdin(c, timeout);
	}
	size_t fed = 0;
	while (fed < c->pending_len && node_uart_rx_space(c->t.uart) > 0)
		node_uart_rx_push(c->t.uart, c->pending[fed++]);
	if (fed) {
		memmove(c->pending, c->pending + fed, c->pending_len - fed);
		c->pending_len -= fed;
	}
	/* idle forever: no timer, nothing queued, nothing can be typed */
	if (idle_cycles == UINT64_MAX && !c->pending_len && !(c->use_stdin && c->stdin_open)) {
		c->dead = true;
		c->t.stop(c->t.ctx);
	}
}

int cli_console_script_left(const cli_console *c)
{
	return c->nsteps - c->cur;
}

void cli_console_detach(cli_console *c)
{
	if (c->out)
		fflush(c->out);
	restore_terminal();
	for (int i = 0; i < c->nsteps; i++)
		free(c->steps[i].text);
	free(c->steps);
	free(c->seen);
	free(c->pending);
	free(c->marks);
	memset(c, 0, sizeof(*c));
}
