/* A hand-written "wait for all" keeps its children inline in an array and
 * compacts the array when one finishes: the others move after their
 * first poll.
 * expect: moved-future 19 */
#include "asynclab/future.h"
#include <string.h>

typedef struct all3_t {
	ax_future base;
	ax_unit out;
	ax_yield_t s[3];
	int n;
} all3_t;

static ax_poll_t all3_poll(ax_future *f, ax_cx *cx)
{
	all3_t *a = (all3_t *)(void *)f;
	for (int i = 0; i < a->n;) {
		if (ax_poll(&a->s[i].base, cx) == AX_READY) { /* <- moved-future */
			ax_future_drop(&a->s[i].base);
			memmove(&a->s[i], &a->s[i + 1], (size_t)(a->n - i - 1) * sizeof a->s[0]);
			a->n--;
		} else {
			i++;
		}
	}
	return a->n ? AX_PENDING : AX_READY;
}

static void all3_drop(ax_future *f)
{
	all3_t *a = (all3_t *)(void *)f;
	for (int i = 0; i < a->n; i++)
		ax_future_drop(&a->s[i].base);
}

static const ax_future_vt all3_vt = AX_VT_OF(all3_t, "all3", all3_poll, all3_drop, 0);

AX_ASYNC(main_async, int, int unused;)
{
	AX_BEGIN;
	AX_AWAIT(((all3_t){ .base.vt = &all3_vt, .n = 3,
			    .s = { ax_yield(), ax_yield(), ax_yield() } }));
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
