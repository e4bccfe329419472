/* condwait.c - a library that interposes pthread_cond_timedwait the way a
 * sanitizer's runtime does: unversioned, loaded after the probe.  It says
 * on stderr that it saw the call and passes it on to libc's. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *at)
{
	static const char msg[] = "interposer: pthread_cond_timedwait\n";
	ssize_t w = write(2, msg, sizeof msg - 1);
	(void)w;
	int (*real)(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
	void *p = dlvsym(RTLD_NEXT, "pthread_cond_timedwait", "GLIBC_2.3.2");
	memcpy(&real, &p, sizeof p);
	return real(c, m, at);
}
