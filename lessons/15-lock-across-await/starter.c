/* Lesson 15: a blocking lock held across an await (anti-pattern).
 *
 * Three requests each count a page view: lock the counter, read it, write
 * an audit record (10 ms of I/O), store the count plus one, unlock.  Run
 * it: after two lines the program stops for good.  On its own its
 * watchdog gives up after a second; under the checker the run ends at
 * once (end: deadlock), with the one finding that explains it. */
#include <asynclab.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static int now_ms(void)
{
	return (int)(ax_now() / 1000000);
}

static ax_bmutex *views_lock; /* a plain, blocking mutex (pthread) */
static int views;	      /* guarded by views_lock */

/* async fn count_view(who) */
AX_ASYNC(count_view, int, const char *who; int seen;)
{
	AX_BEGIN;
	printf("[%d ms] %s: locking the counter\n", now_ms(), self->who);
	ax_bmutex_lock(views_lock);
	self->seen = views;
	/* TODO(you): the lock is still held across this await.  While this
	 * task is suspended, the next one blocks the thread on the lock,
	 * and this task can never run again to release it.  Finish with the
	 * counter and unlock BEFORE awaiting, or use the async mutex
	 * (ax_mutex), which may be held across an await. */
	AX_AWAIT(ax_sleep_ms(10)); /* write the audit record */
	views = self->seen + 1;
	ax_bmutex_unlock(views_lock);
	printf("[%d ms] %s: counted\n", now_ms(), self->who);
	AX_RETURN(0);
	AX_END;
}

/* A watchdog, as a service would have: if the program is still running
 * after one second of real time, it is stuck; say so and stop it. */
static void *watchdog(void *arg)
{
	(void)arg;
	sleep(1);
	printf("watchdog: no progress for 1 s; the program is stuck, stopping it\n");
	fflush(stdout);
	_exit(3);
}

static const char *const names[] = { "ana", "bo", "cy" };

AX_ASYNC(main_async, int, ax_task *h[3]; int i; ax_res r;)
{
	AX_BEGIN;
	views_lock = ax_bmutex_new();
	for (self->i = 0; self->i < 3; self->i++)
		self->h[self->i] = AX_SPAWN(AX_CALL(count_view, .who = names[self->i]));
	for (self->i = 0; self->i < 3; self->i++)
		AX_AWAIT_TO(self->r, ax_join(self->h[self->i]));
	printf("[%d ms] views: %d\n", now_ms(), views);
	ax_bmutex_free(views_lock);
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	pthread_t wd;
	setvbuf(stdout, NULL, _IOLBF, 0); /* every line out at once */
	pthread_create(&wd, NULL, watchdog, NULL);
	pthread_detach(wd);
	return AX_RUN(AX_CALL(main_async));
}
