/* harness.c - lesson 3's side: the mailbox delivery, the courier task and
 * main(), which awaits the learner's wait_parcel() for two deliveries and
 * counts its polls: a waiter that sleeps until the courier wakes it is
 * polled twice; a busy one is stopped after MAX_POLLS and reported. */
#include "harness_kit.h"
#include "lesson.h"

#include <stdio.h>

#define MAX_POLLS 1000	/* a busy waiter is stopped here */
#define FAIR_POLLS 3	/* the first poll, the wake-up, one spare */

static unsigned delivered_at[2];

void mailbox_deliver(mailbox *mb, int parcel)
{
	mb->parcel = parcel;
	mb->has_parcel = true;
	if (mb->waker) {
		ax_waker *w = mb->waker;
		mb->waker = NULL;
		ax_waker_wake(w); /* wakes the task and releases the waker */
	}
}

/* The courier: on the road for ms, then delivers. */
AX_ASYNC(courier, int, mailbox *mb; int ms; int parcel; int round;)
{
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(self->ms));
	printf("courier: delivering parcel %d\n", self->parcel);
	delivered_at[self->round] = axh_seq();
	mailbox_deliver(self->mb, self->parcel);
	AX_RETURN(0);
	AX_END;
}

static const struct round {
	int ms, parcel;
} rounds[2] = { { 30, 42 }, { 20, 57 } };

static mailbox boxes[2];
static axh_ret got[2];
static unsigned ready_at[2];

static void judge(void)
{
	char why[512] = "";
	bool ok = true;
	for (int i = 0; i < 2 && ok; i++) {
		if (got[i].capped) {
			snprintf(why, sizeof why, "wait_parcel was polled %llu times for parcel %d "
				 "and was stopped there: it woke its own task at every poll",
				 (unsigned long long)got[i].polls, rounds[i].parcel);
			ok = false;
		} else if (got[i].polls > FAIR_POLLS) {
			snprintf(why, sizeof why, "wait_parcel was polled %llu times while it waited "
				 "for parcel %d: it woke its own task instead of sleeping until "
				 "the delivery", (unsigned long long)got[i].polls, rounds[i].parcel);
			ok = false;
		}
	}
	axh_check("sleeps-until-woken", ok, NULL, "%s", why);

	ok = true;
	for (int i = 0; i < 2 && ok; i++) {
		if (got[i].capped)
			snprintf(why, sizeof why, "parcel %d had not come when the waiter was stopped",
				 rounds[i].parcel);
		else if (!delivered_at[i] || ready_at[i] < delivered_at[i])
			snprintf(why, sizeof why, "wait_parcel was ready (with %lld) before the "
				 "courier had delivered parcel %d", (long long)got[i].val,
				 rounds[i].parcel);
		else if (got[i].val != rounds[i].parcel)
			snprintf(why, sizeof why, "wait_parcel gave %lld, but the courier delivered "
				 "parcel %d", (long long)got[i].val, rounds[i].parcel);
		else
			continue;
		ok = false;
	}
	axh_check("parcel-arrives", ok, NULL, "%s", why);
}

AX_ASYNC(lesson_main, int, int i; ax_task *c;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 2; self->i++) {
		self->c = AX_SPAWN(AX_CALL(courier, .mb = &boxes[self->i], .ms = rounds[self->i].ms,
					   .parcel = rounds[self->i].parcel, .round = self->i));
		AX_AWAIT_TO(got[self->i], axh_call_capped("wait_parcel",
							  axl_entry_wait_parcel(&boxes[self->i]),
							  MAX_POLLS));
		ready_at[self->i] = axh_seq();
		if (got[self->i].capped) {
			printf("waiter: stopped after %llu polls\n",
			       (unsigned long long)got[self->i].polls);
			ax_task_abort(self->c);
		} else {
			printf("waiter: polled %llu times\n", (unsigned long long)got[self->i].polls);
			printf("parcel %lld received\n", (long long)got[self->i].val);
		}
		AX_AWAIT(ax_join(self->c));
	}
	judge();
	axh_end("done", "%s", "");
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	axh_init();
	return AXH_RUN(AX_CALL(lesson_main));
}
