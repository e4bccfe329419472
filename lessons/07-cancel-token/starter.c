/* Lesson 7: cooperative cancellation with a token.
 *
 * A worker waits for batches (one arrives every 100 ms) and processes
 * each in 20 ms.  At 250 ms main cancels the token and waits for the
 * worker to stop.  Run it: the worker ignores the token and goes on for
 * all 40 batches, and main waits 4.8 s for it. */
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
		/* TODO(you): stop when the token is cancelled.  Check it
		 * before each batch, and do not sit out a 100 ms wait after
		 * a cancel: race the wait against ax_token_cancelled(tok). */
		AX_AWAIT(ax_sleep_ms(100)); /* wait for the next batch */

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
