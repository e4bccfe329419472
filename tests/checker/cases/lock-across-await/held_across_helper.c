/* The lock is held across the learner's AX_AWAIT(flush_log()), and
 * flush_log is suspended further in, at its own sleep.  The first note
 * names the learner's await in the function that holds the lock; the
 * sleep inside flush_log comes after it.
 * expect: lock-across-await 24
 * expect-first-note: lock-across-await 24 26
 * expect-note: lock-across-await 24 16 */
#include "asynclab.h"

static ax_bmutex *log_mu;
static int entries;

AX_ASYNC(flush_log, int, int unused;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(10)); /* */
	AX_RETURN(entries);
	AX_END;
}

AX_ASYNC(record, int, int n;)
{
	AX_BEGIN;
	ax_bmutex_lock(log_mu); /* <- lock-across-await */
	entries++;
	AX_AWAIT_TO(self->n, AX_CALL(flush_log)); /* */
	ax_bmutex_unlock(log_mu);
	AX_RETURN(self->n);
	AX_END;
}

int main(void)
{
	log_mu = ax_bmutex_new();
	int r = AX_RUN(AX_CALL(record));
	ax_bmutex_free(log_mu);
	return r == 1 ? 0 : 1;
}
