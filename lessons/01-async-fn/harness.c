/* harness.c - lesson 1's side: next_chunk serves the chunks of the file
 * being downloaded, and main() has the learner's download() fetch two
 * files whose sizes the lesson text does not show, then judges the totals
 * it returned and the chunks it asked for. */
#include "harness_kit.h"
#include "lesson.h"

#include <stdio.h>

static const int file_a[] = { 700, 1300, 250, 2100, 90 };
static const int file_b[] = { 4000, 60, 512 };
static const struct file {
	const char *name;
	const int *sizes;
	int n;
} files[] = { { "report.pdf", file_a, 5 }, { "logo.png", file_b, 3 } };
#define NFILES 2

AXH_SERVICE(next_chunk, int)
{
	int rec = AXH_REC_BEGIN("next_chunk");
	if (rec >= 0)
		axh_recs[rec].arg = self->index;
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(10));
	const struct file *f = &files[axh_step];
	int size = self->index >= 0 && self->index < f->n ? f->sizes[self->index] : 0;
	axh_rec_end(self, size, 0);
	AX_RETURN(size);
	AX_END;
}

static axh_ret results[NFILES];
static unsigned returned_at[NFILES];

static void judge(void)
{
	bool ok = true;
	char why[512] = "";
	const ax_site *at = NULL;
	for (int s = 0; s < NFILES && ok; s++) {
		const struct file *f = &files[s];
		int sum = 0;
		for (int i = 0; i < f->n; i++)
			sum += f->sizes[i];
		long long got = (long long)results[s].val;
		if (got == sum)
			continue;
		ok = false;
		if (got == f->sizes[f->n - 1])
			snprintf(why, sizeof why, "download(%d) of %s returned %lld, the size of its "
				 "last chunk alone, not %d: the total started over at every poll",
				 f->n, f->name, got, sum);
		else if (s > 0 && got == sum + (long long)results[0].val)
			snprintf(why, sizeof why, "download(%d) of %s returned %lld: it went on from "
				 "the previous download's total (%lld) instead of starting at 0",
				 f->n, f->name, got, (long long)results[0].val);
		else
			snprintf(why, sizeof why, "download(%d) of %s returned %lld, not the sum of its "
				 "chunks, %d", f->n, f->name, got, sum);
	}
	axh_check("running-total", ok, at, "%s", why);

	/* every-chunk: each file's chunks asked for in order, one after
	 * another, each awaited to its end before download returned. */
	ok = true;
	why[0] = '\0';
	for (int s = 0; s < NFILES && ok; s++) {
		int next = 0;
		unsigned prev_end = 0;
		for (int i = 0; i < axh_nrecs && ok; i++) {
			const axh_rec *r = &axh_recs[i];
			if (r->step != s)
				continue;
			at = r->site;
			if (r->arg != next) {
				snprintf(why, sizeof why, "download of %s asked for chunk %lld when chunk "
					 "%d was next", files[s].name, (long long)r->arg, next);
				ok = false;
			} else if (r->s0 < prev_end || !r->done || r->s1 > returned_at[s]) {
				snprintf(why, sizeof why, "chunk %d of %s was not awaited to its end "
					 "before the next step", next, files[s].name);
				ok = false;
			}
			prev_end = r->s1;
			next++;
		}
		if (ok && next != files[s].n) {
			at = NULL;
			snprintf(why, sizeof why, "download(%d) of %s asked next_chunk for %d chunks",
				 files[s].n, files[s].name, next);
			ok = false;
		}
	}
	axh_check("every-chunk", ok, ok ? NULL : at, "%s", why);
}

AX_ASYNC(lesson_main, int, int s;)
{
	AX_BEGIN;
	for (self->s = 0; self->s < NFILES; self->s++) {
		axh_step = self->s;
		printf("downloading %s\n", files[self->s].name);
		AX_AWAIT_TO(results[self->s],
			    axh_call("download", axl_entry_download(files[self->s].n)));
		returned_at[self->s] = axh_seq();
		printf("downloaded %lld bytes in %d chunks\n", (long long)results[self->s].val,
		       files[self->s].n);
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
