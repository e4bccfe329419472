/* Checking a program must not change what it does.  Each wait below runs
 * inside its own poll for longer than the stall threshold, so the
 * watchdog's capture signal lands while the task waits; every call must
 * still wait its full time and return as it would unchecked.  Exit status
 * 0 when all did.  Run by tests/checker/run-cases on the real clock with
 * ASYNCLAB_CHECK_STALL_MS=100. */
#define _GNU_SOURCE
#include "asynclab.h"

#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

static int fails;

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void check(const char *what, int ok, uint64_t t0, uint64_t want_ms)
{
	uint64_t got = mono_ms() - t0;
	if (!ok || got + 2 < want_ms) {
		fprintf(stderr, "%s: returned %s after %llu of %llu ms\n", what,
			ok ? "normally" : "early", (unsigned long long)got,
			(unsigned long long)want_ms);
		fails++;
	}
}

AX_ASYNC(waits, int, uint64_t t0;)
{
	AX_BEGIN;
	self->t0 = mono_ms();
	check("sleep", sleep(1) == 0, self->t0, 1000);
	AX_AWAIT(ax_yield());
	self->t0 = mono_ms();
	check("usleep", usleep(300000) == 0, self->t0, 300);
	AX_AWAIT(ax_yield());
	self->t0 = mono_ms();
	check("nanosleep",
	      nanosleep(&(struct timespec){ 0, 300000000 }, NULL) == 0, self->t0, 300);
	AX_AWAIT(ax_yield());
	self->t0 = mono_ms();
	check("clock_nanosleep",
	      clock_nanosleep(CLOCK_MONOTONIC, 0, &(struct timespec){ 0, 300000000 },
			      NULL) == 0, self->t0, 300);
	AX_AWAIT(ax_yield());
	self->t0 = mono_ms();
	check("poll", poll(NULL, 0, 300) == 0, self->t0, 300);
	AX_AWAIT(ax_yield());
	self->t0 = mono_ms();
	check("select", select(0, NULL, NULL, NULL, &(struct timeval){ 0, 300000 }) == 0,
	      self->t0, 300);
	AX_AWAIT(ax_yield());
	{
		int ep = epoll_create1(EPOLL_CLOEXEC);
		struct epoll_event ev;
		self->t0 = mono_ms();
		check("epoll_wait", epoll_wait(ep, &ev, 1, 300) == 0, self->t0, 300);
		close(ep);
	}
	AX_RETURN(fails);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(waits));
}
