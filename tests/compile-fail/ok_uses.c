/* Correct uses of the macros: must compile without a warning under
 * -Wall -Wextra (gcc and clang). */
#include <asynclab.h>
#include <asynclab/future.h>
#include <errno.h>

typedef struct point {
	int x, y;
} point;

AX_ASYNC(no_args, int, )
{
	AX_BEGIN;
	AX_RETURN(7);
	AX_END;
}

AX_ASYNC(make_point, point, int x; int y;)
{
	AX_BEGIN;
	AX_AWAIT(ax_yield());
	AX_RETURN(((point){ self->x, self->y }));
	AX_END;
}

AX_ASYNC(fallible, ax_res, int fail;)
{
	AX_BEGIN;
	if (self->fail)
		AX_RETURN(((ax_res){ .err = -EIO }));
	AX_RETURN(((ax_res){ .val = 3 }));
	AX_END;
}

AX_ASYNC(waits, ax_unit, )
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(1));
	AX_EXIT;
}

AX_ASYNC(suspends, int, ax_waker *w;)
{
	AX_BEGIN;
	self->w = ax_waker_clone(cx->waker);
	ax_waker_wake(self->w);
	AX_SUSPEND;
	AX_RETURN(1);
	AX_END;
}

AX_ASYNC(flag, bool, )
{
	AX_BEGIN;
	AX_RETURN(true);
	AX_END;
}

AX_ASYNC(name, const char *, )
{
	AX_BEGIN;
	AX_RETURN("x");
	AX_END;
}

AX_ASYNC(uses, int, int n; point p; ax_res r; ax_vals v; ax_selected s;
	 ax_future *boxed; ax_task *h; ax_opt o; char c; ax_stream *st;
	 ax_try_vals tv; ax_taskset *ts;)
{
	AX_BEGIN;
	/* Every output the combinators carry: integers of any size, bool,
	 * pointers, ax_res, ax_opt (a stream's next), ax_unit. */
	self->st = ax_stream_range(0, 3);
	AX_AWAIT_TO(self->v, AX_JOIN(AX_CALL(flag), AX_CALL(name), ax_next(self->st),
				     AX_CALL(suspends), ax_yield()));
	AX_AWAIT_TO(self->tv, AX_TRY_JOIN(AX_CALL(fallible), ax_next(self->st)));
	AX_AWAIT_TO(self->r, AX_TIMEOUT_MS(10, ax_next(self->st)));
	ax_stream_free(self->st);
	/* An output that cannot be carried, boxed by hand: only the timeout
	 * matters (err -ETIMEDOUT, or -EOVERFLOW once the join completed). */
	AX_AWAIT_TO(self->r, ax_timeout_ms(10, AX_BOX(AX_JOIN(AX_CALL(no_args),
							      ax_sleep_ms(1)))));
	AX_AWAIT_TO(self->r, ax_timeout_ms(10, AX_BOX(AX_CALL(make_point))));
	AX_AWAIT(AX_JOIN_INTO(&self->p, AX_CALL(make_point, .x = 1), &self->n,
			      AX_CALL(no_args), &self->r, AX_CALL(fallible),
			      &self->v, AX_JOIN(ax_sleep_ms(1))));
	AX_AWAIT(ax_sleep_ms(1));
	AX_AWAIT(AX_CALL(no_args));
	AX_AWAIT_TO(self->n, AX_CALL(no_args));
	AX_AWAIT_TO(self->p, AX_CALL(make_point, .x = 1, .y = 2));
	AX_AWAIT_TO(self->r, AX_CALL(fallible, .fail = 1));
	AX_AWAIT_TO(self->v, AX_JOIN(AX_CALL(no_args), AX_CALL(fallible),
				     ax_sleep_ms(1), AX_CALL(waits)));
	AX_AWAIT_TO(self->s, AX_SELECT(AX_CALL(no_args), ax_sleep_ms(5)));
	AX_AWAIT_TO(self->r, AX_TIMEOUT_MS(10, AX_CALL(fallible)));
	AX_AWAIT_TO(self->r, AX_TIMEOUT_MS(10, AX_CALL(suspends)));
	self->boxed = AX_BOX(AX_CALL(no_args));
	AX_AWAIT_BOX_TO(self->n, self->boxed);
	self->boxed = AX_BOX(ax_sleep_ms(1));
	AX_AWAIT_BOX(self->boxed);
	self->h = AX_SPAWN(AX_CALL(fallible));
	AX_AWAIT_TO(self->r, ax_join(self->h));
	self->h = AX_SPAWN_NAMED("waits", AX_CALL(waits));
	AX_AWAIT_TO(self->r, ax_join(self->h));
	/* Nobody awaits a detached task: any output. */
	if (!AX_SPAWN_DETACHED(AX_CALL(make_point, .y = 4)))
		AX_RETURN(-1);
	/* A task set's children: outputs ax_taskset_join_next carries, and
	 * any output discarded. */
	self->ts = ax_taskset_new();
	AX_TASKSET_OWN(self->ts);
	AX_TASKSET_SPAWN(self->ts, AX_CALL(no_args));
	AX_TASKSET_SPAWN(self->ts, AX_CALL(name));
	AX_TASKSET_SPAWN(self->ts, AX_CALL(fallible));
	AX_TASKSET_SPAWN(self->ts, AX_CALL(waits));
	if (!AX_TASKSET_SPAWN_DISCARD(self->ts, AX_CALL(make_point, .x = 5)) ||
	    !AX_TASKSET_SPAWN_DISCARD(self->ts, AX_JOIN(AX_CALL(no_args),
							ax_sleep_ms(1))))
		AX_RETURN(-1);
	do
		AX_AWAIT_TO(self->o, ax_taskset_join_next(self->ts));
	while (self->o.some);
	AX_AWAIT_TO(self->c, AX_CALL(no_args));
	for (self->n = 0; self->n < 2; self->n++)
		AX_AWAIT(ax_yield());
	AX_RETURN(self->n);
	AX_END;
}

int main(void)
{
	int n = AX_RUN(AX_CALL(uses));
	ax_rt *rt = ax_rt_new(NULL);
	point p = AX_BLOCK_ON(rt, AX_CALL(make_point, .x = 1));
	ax_rt_free(rt);
	return n + p.x == 3 ? 0 : 1;
}
