/* tests/ptydrive.c: plays a person at a terminal. Runs a command on a new
 * pseudo-terminal and types into it as a script says, so the interactive
 * console (raw mode, echo, restoring the terminal) is tested the way people
 * use it.
 *
 *   ptydrive SCRIPT TIMEOUT_S -- CMD [ARGS...]
 *
 * SCRIPT has the console-script format (cli/console.h): `expect TEXT` waits
 * until the output shows TEXT, `send TEXT` types it. Everything the command
 * prints is copied to stdout. Exit status: the command's, or 124 on timeout
 * (the command is killed) and 125 on a usage or script error.
 */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct step {
	int expect;
	char text[512];
	size_t len;
} step;

static int unescape(const char *s, char *out, size_t *len)
{
	size_t n = 0;
	for (; *s && n < 511; s++) {
		if (*s != '\\') {
			out[n++] = *s;
			continue;
		}
		switch (*++s) {
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case '\\': out[n++] = '\\'; break;
		case '"': out[n++] = '"'; break;
		case 'x': {
			char hex[3] = {s[1], s[2], 0};
			char *end;
			long v = strtol(hex, &end, 16);
			if (*end || !s[1] || !s[2])
				return -1;
			out[n++] = (char)v;
			s += 2;
			break;
		}
		default: return -1;
		}
	}
	*len = n;
	return 0;
}

static int load(const char *path, step **steps, int *n)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[1024];
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		char *p = line + strspn(line, " \t");
		if (!*p || *p == '#')
			continue;
		step s = {0};
		if (!strncmp(p, "expect ", 7))
			s.expect = 1, p += 7;
		else if (!strncmp(p, "send ", 5))
			p += 5;
		else
			break; /* not a step: the caller sees the error */
		size_t l = strlen(p);
		if (l >= 2 && p[0] == '"' && p[l - 1] == '"')
			p[l - 1] = 0, p++;
		if (unescape(p, s.text, &s.len))
			break;
		*steps = realloc(*steps, sizeof(step) * (size_t)(*n + 1));
		(*steps)[(*n)++] = s;
	}
	int bad = !feof(f);
	fclose(f);
	return bad ? -1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 5 || strcmp(argv[3], "--")) {
		fprintf(stderr, "usage: ptydrive SCRIPT TIMEOUT_S -- CMD [ARGS...]\n");
		return 125;
	}
	step *steps = NULL;
	int nsteps = 0, cur = 0;
	if (load(argv[1], &steps, &nsteps)) {
		fprintf(stderr, "ptydrive: %s: cannot read the script\n", argv[1]);
		return 125;
	}
	int timeout = atoi(argv[2]);
	int master;
	struct winsize ws = {24, 80, 0, 0};
	pid_t pid = forkpty(&master, NULL, NULL, &ws);
	if (pid < 0) {
		perror("forkpty");
		return 125;
	}
	if (pid == 0) {
		execvp(argv[4], argv + 4);
		perror(argv[4]);
		_exit(127);
	}
	static char seen[1 << 16];
	size_t seen_len = 0;
	time_t deadline = time(NULL) + timeout;
	for (;;) {
		while (cur < nsteps && !steps[cur].expect) {
			if (write(master, steps[cur].text, steps[cur].len) < 0)
				break;
			cur++;
		}
		if (time(NULL) > deadline) {
			fprintf(stderr, "\nptydrive: timeout after %d s waiting for step %d\n",
				timeout, cur + 1);
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return 124;
		}
		struct pollfd pfd = {master, POLLIN, 0};
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		char buf[4096];
		ssize_t r = read(master, buf, sizeof(buf));
		if (r <= 0)
			break; /* the command closed the terminal (exited) */
		fwrite(buf, 1, (size_t)r, stdout);
		fflush(stdout);
		for (ssize_t i = 0; i < r && cur < nsteps; i++) {
			if (seen_len == sizeof(seen))
				seen_len = 0;
			seen[seen_len++] = buf[i];
			const step *s = &steps[cur];
			if (s->expect && seen_len >= s->len &&
			    !memcmp(seen + seen_len - s->len, s->text, s->len)) {
				cur++;
				seen_len = 0;
				while (cur < nsteps && !steps[cur].expect) {
					if (write(master, steps[cur].text, steps[cur].len) < 0)
						break;
					cur++;
				}
			}
		}
	}
	int status;
	waitpid(pid, &status, 0);
	free(steps);
	if (cur < nsteps)
		fprintf(stderr, "\nptydrive: the command ended at step %d of %d\n", cur + 1,
			nsteps);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
