/* guest/apps/par.h: the small parallel runtime the SPLASH-style applications
 * (radix, raytrace, lu) are written against, mapped onto one of two back ends
 * chosen at compile time:
 *   -DPAR_PTHREADS  Linux: POSIX threads, glibc (par_pthreads.c has par_run);
 *   -DPAR_SPLASHOS  the SPLASHOS library OS (guest/splashos/include/splashos.h).
 *
 * The API, the same on both:
 *   par_run(n, fn, arg)     runs fn(id, arg) on threads 0..n-1; thread 0 is the
 *                           caller; returns when all of them have returned.
 *   par_lock_t              a mutual-exclusion lock: par_lock_init, par_lock,
 *                           par_unlock.
 *   par_barrier_t           a barrier for a fixed number of threads:
 *                           par_barrier_init(b, n), par_barrier_wait(b).
 *   par_cycles()            a CPU cycle count (64 bits); only differences mean
 *                           anything, and only on one CPU: call it from thread 0.
 *   par_malloc(bytes)       shared memory for all threads (SPLASH's G_MALLOC),
 *                           aligned to PAR_LINE; never freed; NULL when out of
 *                           memory.
 *   par_default_threads()   the thread count when the user gives none.
 *   par_max_threads()       the most threads par_run accepts (at most
 *                           PAR_MAXTHREADS).
 *   PAR_READ_MODE           the fopen mode for reading an input file.
 * Locks and barriers live in par_malloc'd memory or in globals; they are
 * initialised before par_run and used only inside it.
 */
#ifndef GUEST_APPS_PAR_H
#define GUEST_APPS_PAR_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define PAR_LINE 128	  /* bytes: the machine's coherence unit (L2 line) */
#define PAR_MAXTHREADS 64 /* most threads an application accepts */

#if defined(PAR_SPLASHOS)

#include <splashos.h>

typedef sos_lock_t par_lock_t;
typedef sos_barrier_t par_barrier_t;

#define PAR_READ_MODE "r+" /* SPLASHOS opens its disks "r+" or "w" */

static inline void par_run(unsigned n, void (*fn)(unsigned id, void *arg), void *arg)
{
	sos_run(n, fn, arg);
}
static inline void par_lock_init(par_lock_t *l)
{
	sos_lock_init(l);
}
static inline void par_lock(par_lock_t *l)
{
	sos_lock(l);
}
static inline void par_unlock(par_lock_t *l)
{
	sos_unlock(l);
}
static inline void par_barrier_init(par_barrier_t *b, unsigned n)
{
	sos_barrier_init(b, n);
}
static inline void par_barrier_wait(par_barrier_t *b)
{
	sos_barrier_wait(b);
}
static inline uint64_t par_cycles(void)
{
	return sos_cycles();
}
/* One thread per virtual CPU of the VM, and no more. */
static inline unsigned par_default_threads(void)
{
	return sos_ncpus();
}
static inline unsigned par_max_threads(void)
{
	return sos_ncpus() < PAR_MAXTHREADS ? sos_ncpus() : PAR_MAXTHREADS;
}

#elif defined(PAR_PTHREADS)

#include <pthread.h>

typedef pthread_mutex_t par_lock_t;
typedef pthread_barrier_t par_barrier_t;

#define PAR_READ_MODE "r"

/* par_pthreads.c. Exits the program with status 1 when a thread cannot be
 * created (the apps cannot run with fewer than they asked for). */
void par_run(unsigned n, void (*fn)(unsigned id, void *arg), void *arg);

static inline void par_lock_init(par_lock_t *l)
{
	pthread_mutex_init(l, NULL);
}
static inline void par_lock(par_lock_t *l)
{
	pthread_mutex_lock(l);
}
static inline void par_unlock(par_lock_t *l)
{
	pthread_mutex_unlock(l);
}
static inline void par_barrier_init(par_barrier_t *b, unsigned n)
{
	pthread_barrier_init(b, NULL, n);
}
static inline void par_barrier_wait(par_barrier_t *b)
{
	pthread_barrier_wait(b);
}

/* CP0 Count read in user mode (rdhwr $2, enabled by Linux on MIPS32r2) times
 * the cycles per tick (rdhwr $3, CCRes). Count is 32 bits wide; the upper
 * bits are kept in a static, so the caller must be a single thread (thread
 * 0) that calls at least once per 2^32 ticks. qemu-mipsel reads 0. */
static inline uint64_t par_cycles(void)
{
	static uint32_t last, high;
	uint32_t count, res;

	__asm__ volatile(".set push\n\t.set mips32r2\n\trdhwr %0, $2\n\t.set pop" : "=r"(count));
	__asm__ volatile(".set push\n\t.set mips32r2\n\trdhwr %0, $3\n\t.set pop" : "=r"(res));
	if (count < last)
		high++;
	last = count;
	return (((uint64_t)high << 32) | count) * (res ? res : 1);
}
static inline unsigned par_default_threads(void)
{
	return 1;
}
static inline unsigned par_max_threads(void)
{
	return PAR_MAXTHREADS;
}

#else
#error "define PAR_PTHREADS or PAR_SPLASHOS"
#endif

static inline void *par_malloc(size_t bytes)
{
	char *p = malloc(bytes + PAR_LINE);

	if (!p)
		return NULL;
	return (void *)(((uintptr_t)p + PAR_LINE - 1) & ~(uintptr_t)(PAR_LINE - 1));
}

#endif
