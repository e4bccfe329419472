/* A spin lock held across an await by one task and wanted by another on
 * the same thread spins for ever.
 * expect: lock-across-await 15
 * expect-note: lock-across-await 15 27
 * expect-end: deadlock */
#include "asynclab.h"
#include <pthread.h>

static pthread_spinlock_t spin;
static int counter;

AX_ASYNC(holder, int, int unused;)
{
	AX_BEGIN;
	pthread_spin_lock(&spin); /* <- lock-across-await */
	AX_AWAIT(ax_sleep_ms(30));
	counter++;
	pthread_spin_unlock(&spin);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(bumper, int, int unused;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(5));
	pthread_spin_lock(&spin); /* */
	counter++;
	pthread_spin_unlock(&spin);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *a; ax_task *b;)
{
	AX_BEGIN;
	self->a = AX_SPAWN(AX_CALL(holder));
	self->b = AX_SPAWN(AX_CALL(bumper));
	AX_AWAIT(ax_join(self->a));
	AX_AWAIT(ax_join(self->b));
	AX_RETURN(counter);
	AX_END;
}

int main(void)
{
	pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
	int r = AX_RUN(AX_CALL(main_async));
	return r == 2 ? 0 : 1;
}

/* timing: yes (real-clock sleeps of different tasks race each other) */
