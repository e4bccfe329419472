/* harness.c - lesson 0's side: greet, and main(), which calls the
 * learner's welcome("learner") and judges from greet's record whether the
 * greeting really ran, to its end, before welcome returned. */
#include "harness_kit.h"
#include "lesson.h"

#include <stdio.h>
#include <string.h>

AXH_SERVICE(greet, int)
{
	int rec = AXH_REC_BEGIN("greet");
	if (rec >= 0)
		axh_recs[rec].sarg = self->name;
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(100));
	printf("Hello, %s! The virtual clock says %lld ms.\n", self->name ? self->name : "?",
	       (long long)axh_ms());
	axh_rec_end(self, 0, 0);
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(lesson_main, int, axh_ret r; unsigned returned;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->r, axh_call("welcome", axl_entry_welcome("learner")));
	self->returned = axh_seq();

	const axh_rec *g = axh_nrecs ? &axh_recs[0] : NULL;
	if (!g)
		axh_check("greeting", false, NULL, "greet had not run at all when welcome "
						   "returned");
	else if (g->dropped)
		axh_check("greeting", false, g->site, "greet started but was dropped before it "
						      "finished");
	else if (!g->done || g->s1 > self->returned)
		axh_check("greeting", false, g->site, "welcome returned before greet had finished");
	else if (!g->sarg || strcmp(g->sarg, "learner"))
		axh_check("greeting", false, g->site, "greet was given the name \"%s\", not the "
						      "learner's", g->sarg ? g->sarg : "(null)");
	else
		axh_check("greeting", true, NULL, "%s", "");
	axh_end("done", "%s", "");
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	axh_init();
	return AXH_RUN(AX_CALL(lesson_main));
}
