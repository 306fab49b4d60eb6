/* coherence/panic.h: broken invariants of the coherence module. COH_CHECK
 * stays on in release builds: a message delivered out of order or to the
 * wrong rank would silently change results, which is worse than stopping.
 */
#ifndef COH_PANIC_H
#define COH_PANIC_H

#include <stdio.h>
#include <stdlib.h>

/* Prints file, line and what was expected, then aborts. */
#define COH_CHECK(cond, ...)                                                                     \
	do {                                                                                     \
		if (!(cond)) {                                                                   \
			fprintf(stderr,                                                          \
				"discoflash: %s:%d: coherence invariant broken: %s: ", __FILE__, \
				__LINE__, #cond);                                                \
			fprintf(stderr, __VA_ARGS__);                                            \
			fputc('\n', stderr);                                                     \
			abort();                                                                 \
		}                                                                                \
	} while (0)

#endif
