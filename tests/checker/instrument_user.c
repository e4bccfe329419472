/* instrument_user.c - a tool outside the build tree that watches the
 * scheduler through the installed headers alone: check_instrument compiles
 * it with nothing but -I include and runs it.  It counts polls through the
 * hook table, keeps a word per task, and reads the accessors of
 * asynclab/instrument.h; exit status 0 when everything read as expected. */
#include <asynclab/instrument.h>

#include <stdio.h>

static int words[8], nwords, polls, bad;

static void on_spawn(void *ud, ax_task *t, ax_task *parent, const char *fut,
		     const ax_site *site)
{
	(void)ud, (void)parent, (void)fut, (void)site;
	if (nwords < 8)
		ax_task_set_hook_data(t, &words[nwords++]);
}

static void on_poll_end(void *ud, ax_task *t, ax_poll_t r, uint32_t first_polls)
{
	(void)ud, (void)r, (void)first_polls;
	int *w = ax_task_hook_data(t);
	if (!w || ax_task_polling() != t || ax_rt_running(ax_task_rt(t)) != t)
		bad++;
	else
		++*w;
	polls++;
}

AX_ASYNC(yielder, int, int i;)
{
	AX_BEGIN;
	for (self->i = 0; self->i < 3; self->i++)
		AX_AWAIT(ax_yield());
	AX_RETURN(7);
	AX_END;
}

int main(void)
{
	static const ax_hooks h = { .spawn = on_spawn, .poll_end = on_poll_end };
	ax_hooks_install(&h);
	ax_rt *rt = ax_rt_new(NULL);
	int out = AX_BLOCK_ON(rt, AX_CALL(yielder));
	uint64_t begun = ax_rt_polls(rt);
	ax_rt_free(rt);
	ax_hooks_install(NULL);
	if (out != 7 || bad || polls != 4 || words[0] != 4 || begun != 4 ||
	    ax_task_polling() != NULL) {
		fprintf(stderr, "instrument_user: out %d bad %d polls %d word %d begun %llu\n",
			out, bad, polls, words[0], (unsigned long long)begun);
		return 1;
	}
	return 0;
}
