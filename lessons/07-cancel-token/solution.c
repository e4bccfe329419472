/* Lesson 7: cooperative cancellation with a token.  The reference
 * solution: the worker checks the token between batches and races its
 * waits against the token's cancelled future. */
#include <asynclab.h>
#include <stdio.h>

#define BATCHES 40

static int now_ms(void)
{
	return (int)(ax_now() / 1000000);
}

AX_ASYNC(worker, int, ax_token *tok; int done; ax_selected sel;)
{
	AX_BEGIN;
	if (ax_token_is_cancelled(self->tok))
		AX_RETURN(0); /* cancelled before it even started */
	while (self->done < BATCHES) {
		/* A safe point: nothing is half done here.  Checking the
		 * token is cheap; do it at every such point. */
		if (ax_token_is_cancelled(self->tok))
			break;
		/* Waiting is where a worker spends most of its time, and a
		 * check before the wait cannot see a cancel that comes
		 * during it.  Race the wait against the token (Rust:
		 * select! { _ = token.cancelled() => break, _ = next => {} }).
		 * The select drops the loser, here the pending sleep. */
		AX_AWAIT_TO(self->sel, AX_SELECT(ax_sleep_ms(100),
						 ax_token_cancelled(self->tok)));
		if (self->sel.index == 1)
			break;

		/* A batch once started is finished: cooperative
		 * cancellation lets the worker choose where it stops. */
		AX_AWAIT(ax_sleep_ms(20)); /* process it */
		self->done++;
		printf("[%d ms] worker: batch %d done\n", now_ms(), self->done);
	}
	printf("[%d ms] worker: stopping after %d batches\n", now_ms(),
	       self->done);
	AX_RETURN(self->done);
	AX_END;
}

AX_ASYNC(main_async, int, ax_token *tok; ax_task *w; ax_res r;)
{
	AX_BEGIN;
	self->tok = ax_token_new();
	self->w = AX_SPAWN(AX_CALL(worker, .tok = self->tok));

	AX_AWAIT(ax_sleep_ms(250));
	printf("[%d ms] main: cancelling\n", now_ms());
	ax_token_cancel(self->tok);

	AX_AWAIT_TO(self->r, ax_join(self->w));
	printf("[%d ms] main: worker finished %lld batches\n", now_ms(),
	       (long long)self->r.val);
	ax_token_free(self->tok);
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
