/* A reader task holds a pthread read lock across an await; a writer task
 * on the same thread asks for the write lock and waits for a reader that
 * cannot run again.
 * expect: lock-across-await 16
 * expect-note: lock-across-await 16 29
 * expect-end: deadlock */
#include "asynclab.h"
#include <pthread.h>

static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static int table[8];

AX_ASYNC(scan, int, int sum; int i;)
{
	AX_BEGIN;
	pthread_rwlock_rdlock(&table_lock); /* <- lock-across-await */
	for (self->i = 0; self->i < 8; self->i++) {
		self->sum += table[self->i];
		AX_AWAIT(ax_yield());
	}
	pthread_rwlock_unlock(&table_lock);
	AX_RETURN(self->sum);
	AX_END;
}

AX_ASYNC(update, int, int unused;)
{
	AX_BEGIN;
	pthread_rwlock_wrlock(&table_lock); /* */
	table[0] = 1;
	pthread_rwlock_unlock(&table_lock);
	AX_RETURN(1);
	AX_END;
}

AX_ASYNC(main_async, int, ax_task *s; ax_task *u;)
{
	AX_BEGIN;
	self->s = AX_SPAWN(AX_CALL(scan));
	self->u = AX_SPAWN(AX_CALL(update));
	AX_AWAIT(ax_join(self->s));
	AX_AWAIT(ax_join(self->u));
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
