/* The same compaction over boxed futures: the pointers move, the futures
 * stay where they were first polled.
 * expect: none */
#include "asynclab/future.h"
#include <string.h>

typedef struct all3_t {
	ax_future base;
	ax_unit out;
	ax_future *s[3];
	int n;
} all3_t;

static ax_poll_t all3_poll(ax_future *f, ax_cx *cx)
{
	all3_t *a = (all3_t *)(void *)f;
	for (int i = 0; i < a->n;) {
		if (ax_poll(a->s[i], cx) == AX_READY) {
			ax_future_free(a->s[i]);
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
		ax_future_free(a->s[i]);
}

static const ax_future_vt all3_vt = AX_VT_OF(all3_t, "all3", all3_poll, all3_drop, 0);

AX_ASYNC(main_async, int, int unused;)
{
	AX_BEGIN;
	AX_AWAIT(((all3_t){ .base.vt = &all3_vt, .n = 3,
			    .s = { AX_BOX(ax_sleep_ms(10)), AX_BOX(ax_sleep_ms(20)),
				   AX_BOX(ax_sleep_ms(30)) } }));
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	return AX_RUN(AX_CALL(main_async));
}
