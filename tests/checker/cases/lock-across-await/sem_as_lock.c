/* A binary semaphore used as a lock: the task takes the permit, awaits,
 * and posts it again itself.  While it is suspended any other task's
 * sem_wait would block the executor thread.
 * expect: lock-across-await 14 */
#include "asynclab.h"
#include <semaphore.h>

static sem_t gate;
static int written;

AX_ASYNC(write_block, int, int unused;)
{
	AX_BEGIN;
	sem_wait(&gate); /* <- lock-across-await */
	written++;
	AX_AWAIT(ax_sleep_ms(10));
	sem_post(&gate);
	AX_RETURN(written);
	AX_END;
}

int main(void)
{
	sem_init(&gate, 0, 1);
	int r = AX_RUN(AX_CALL(write_block));
	sem_destroy(&gate);
	return r == 1 ? 0 : 1;
}
