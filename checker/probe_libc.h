/* probe_libc.h - what the files of interposed libc calls share: finding
 * the next definition of a function, and the test for "inside a poll".
 * Private to probe_libc.c and probe_libc_locks.c. */
#ifndef ASYNCLAB_PROBE_LIBC_H
#define ASYNCLAB_PROBE_LIBC_H

#include "probe_detect.h"

/* The caller's return address (the program's line, plus one). */
#define RET ((uintptr_t)__builtin_return_address(0))
/* The probe is built with hidden visibility; the interposers are its
 * only exported names (a pragma in each file, because stdio.h may
 * already have given getchar and getline inline definitions an
 * attribute cannot follow). */
#define PUBLIC

/* Resolve the next definition of fn once (also before the constructor ran). */
#define REAL(fn) (real_##fn ? real_##fn : (pr_resolve(&real_##fn, #fn), real_##fn))
#define DECL(ret, fn, ...) static ret (*real_##fn)(__VA_ARGS__)

void pr_resolve(void *slot, const char *name);
void pr_libc_locks_init(void);

/* Inside a poll on an executor thread, and not the probe's own call. */
static inline bool pr_in_poll(void)
{
	return __builtin_expect(pr_tl_cur != NULL, 0) && pr_active && !pr_tl_in_hook;
}

#endif /* ASYNCLAB_PROBE_LIBC_H */
