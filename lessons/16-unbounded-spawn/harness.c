/* harness.c - lesson 16's side: upload, and main(), which runs the
 * learner's upload_all() over FILES files and judges from the uploads'
 * records how many were in flight at once, whether every file was
 * uploaded exactly once, and whether the total is their sizes' sum. */
#include "harness_kit.h"
#include "lesson.h"

#include <stdio.h>

#define FILES 240
#define ENOUGH_MS 1000	/* 16 at a time need 150 ms; one at a time 2400 */

static int size_kb(int id)
{
	return (id * 7919 + 13) % 9 + 1;
}

AXH_SERVICE(upload, int)
{
	AXH_REC_BEGIN("upload");
	AX_BEGIN;
	{
		axh_rec *r = axh_rec_of(self);
		if (r)
			r->arg = self->id;
	}
	AX_AWAIT(ax_sleep_ms(10));
	axh_rec_end(self, size_kb(self->id), 0);
	AX_RETURN(size_kb(self->id));
	AX_END;
}

/* The learner's line that awaited an upload, if any did (a spawned
 * upload has none: it is the task's own future). */
static const ax_site *an_upload_site(void)
{
	for (int i = 0; i < axh_nrecs; i++)
		if (axh_recs[i].site)
			return axh_recs[i].site;
	return NULL;
}

static void judge(const ax_res *res)
{
	static int times[FILES];
	int bad_id = 0, missing = 0, twice = 0;
	long sum = 0;
	for (int i = 0; i < axh_nrecs; i++) {
		const axh_rec *r = &axh_recs[i];
		if (r->arg < 0 || r->arg >= FILES) {
			bad_id++;
			continue;
		}
		if (r->done) {
			times[r->arg]++;
			sum += (long)r->ret;
		}
	}
	for (int id = 0; id < FILES; id++) {
		missing += times[id] == 0;
		twice += times[id] > 1;
	}
	int peak = axh_peak("upload", -1);
	const ax_site *at = an_upload_site();

	char why[512] = "";
	bool ok = false;
	if (res->err == -ETIMEDOUT)
		snprintf(why, sizeof why, "upload_all(%d) had not returned after %d ms; "
			 "%d of the %d files were uploaded", FILES, ENOUGH_MS, FILES - missing,
			 FILES);
	else if (!axh_nrecs)
		snprintf(why, sizeof why, "upload_all(%d) returned without calling upload: "
			 "no file was uploaded", FILES);
	else if (missing || twice || bad_id)
		snprintf(why, sizeof why, "of the %d files, %d were never uploaded, %d were "
			 "uploaded more than once and %d uploads had no such file number",
			 FILES, missing, twice, bad_id);
	else if (res->val != sum)
		snprintf(why, sizeof why, "upload_all returned %lld KB, but the %d uploads "
			 "gave %ld KB between them", (long long)res->val, FILES, sum);
	else
		ok = true;
	axh_check("all-uploaded", ok, ok ? NULL : at, "%s", why);

	if (!axh_nrecs) {
		axh_check("bounded", false, NULL, "no upload ran, so no bound was seen");
		axh_check("still-concurrent", false, NULL, "no upload ran");
		return;
	}
	axh_check("bounded", peak <= UPLOAD_LIMIT, at, "%d uploads were in flight at the "
		  "peak (the limit is %d)", peak, UPLOAD_LIMIT);
	axh_check("still-concurrent", peak >= UPLOAD_LIMIT / 2, at, "at most %d upload%s "
		  "%s in flight at a time", peak, peak == 1 ? "" : "s",
		  peak == 1 ? "was" : "were");
}

static axh_ret got; /* what upload_all returned */

AX_ASYNC(run_upload_all, int, axh_ret r;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->r, axh_call("upload_all", axl_entry_upload_all(FILES)));
	got = self->r;
	AX_RETURN(0);
	AX_END;
}

AX_ASYNC(lesson_main, int, ax_res r;)
{
	AX_BEGIN;
	AX_AWAIT_TO(self->r, AX_TIMEOUT_MS(ENOUGH_MS, AX_CALL(run_upload_all)));
	if (self->r.err != -ETIMEDOUT)
		self->r = (ax_res){ .val = got.val, .err = got.err };
	printf("[%lld ms] upload_all(%d): %s %lld KB, peak %d uploads in flight\n",
	       (long long)axh_ms(), FILES,
	       self->r.err == -ETIMEDOUT ? "not finished;" : "returned",
	       self->r.err == -ETIMEDOUT ? 0LL : (long long)self->r.val,
	       axh_peak("upload", -1));
	judge(&self->r);
	axh_end("done", "%s", "");
	AX_RETURN(0);
	AX_END;
}

int main(void)
{
	axh_init();
	return AXH_RUN(AX_CALL(lesson_main));
}
