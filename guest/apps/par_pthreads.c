/* guest/apps/par_pthreads.c: par_run for the Linux flavour (par.h with
 * PAR_PTHREADS): threads 1..n-1 are POSIX threads, thread 0 is the caller.
 */
#include <stdio.h>
#include "par.h"

struct par__start {
	void (*fn)(unsigned id, void *arg);
	void *arg;
	unsigned id;
};

static void *par__thread(void *p)
{
	struct par__start *s = p;

	s->fn(s->id, s->arg);
	return NULL;
}

void par_run(unsigned n, void (*fn)(unsigned id, void *arg), void *arg)
{
	pthread_t tid[PAR_MAXTHREADS];
	struct par__start start[PAR_MAXTHREADS];

	if (n > PAR_MAXTHREADS) {
		printf("par_run: %u threads, at most %u\n", n, PAR_MAXTHREADS);
		exit(1);
	}
	for (unsigned i = 1; i < n; i++) {
		start[i] = (struct par__start){fn, arg, i};
		if (pthread_create(&tid[i], NULL, par__thread, &start[i]) != 0) {
			printf("par_run: cannot create thread %u of %u\n", i, n);
			exit(1);
		}
	}
	fn(0, arg);
	for (unsigned i = 1; i < n; i++)
		pthread_join(tid[i], NULL);
}
