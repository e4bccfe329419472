/* harness.c - lesson 6's side: the thumbnail and audit services, two
 * uploads, and main(), which calls the learner's process_upload() for
 * each and judges from the services' records which task made each
 * thumbnail, whether they overlapped, and whether process_upload waited
 * for them. */
#include "harness_kit.h"
#include "lesson.h"

#include <stdio.h>

static const struct upload {
	int id, n;
	int sizes[4];
} uploads[2] = { { 1, 3, { 1000, 2000, 3000 } }, { 2, 2, { 1700, 900 } } };
#define NUPLOADS 2

/* The upload's index in uploads[]: a record's step, whenever the task
 * that made it first ran. */
static int step_of(int upload)
{
	for (int u = 0; u < NUPLOADS; u++)
		if (uploads[u].id == upload)
			return u;
	return NUPLOADS;
}

static int size_of(int upload, int id)
{
	for (int u = 0; u < NUPLOADS; u++)
		if (uploads[u].id == upload && id >= 1 && id <= uploads[u].n)
			return uploads[u].sizes[id - 1];
	return 0;
}

AXH_SERVICE(thumbnail, int)
{
	int rec = AXH_REC_BEGIN("thumbnail");
	if (rec >= 0) {
		axh_recs[rec].arg = self->id;
		axh_recs[rec].step = step_of(self->upload);
	}
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(100 * (self->id > 0 && self->id < 10 ? self->id : 1)));
	printf("[%lld ms] thumbnail %d of upload %d ready\n", (long long)axh_ms(), self->id,
	       self->upload);
	axh_rec_end(self, size_of(self->upload, self->id), 0);
	AX_RETURN(size_of(self->upload, self->id));
	AX_END;
}

AXH_SERVICE(audit, int)
{
	int rec = AXH_REC_BEGIN("audit");
	if (rec >= 0) {
		axh_recs[rec].arg = self->upload;
		axh_recs[rec].step = step_of(self->upload);
	}
	AX_BEGIN;
	AX_AWAIT(ax_sleep_ms(50));
	printf("[%lld ms] audit record of upload %d written\n", (long long)axh_ms(), self->upload);
	axh_rec_end(self, 0, 0);
	AX_RETURN(0);
	AX_END;
}

static axh_ret got[NUPLOADS];
static uint64_t caller_task[NUPLOADS];
static unsigned returned_at[NUPLOADS];

static void judge(void)
{
	char why[512] = "";
	const ax_site *at = NULL;
	bool ok = true;
	for (int u = 0; u < NUPLOADS && ok; u++) {
		int sum = 0;
		for (int i = 0; i < uploads[u].n; i++)
			sum += uploads[u].sizes[i];
		if (got[u].val != sum) {
			snprintf(why, sizeof why, "process_upload(%d, %d) returned %lld, but its "
				 "thumbnails came to %d bytes", uploads[u].id, uploads[u].n,
				 (long long)got[u].val, sum);
			ok = false;
		}
	}
	axh_check("results", ok, NULL, "%s", why);

	/* waited-for: every thumbnail finished before process_upload returned. */
	ok = true;
	for (int u = 0; u < NUPLOADS && ok; u++) {
		int seen = 0;
		for (int i = 0; i < axh_nrecs && ok; i++) {
			const axh_rec *r = &axh_recs[i];
			if (r->step != u || r->svc[0] != 't')
				continue;
			seen++;
			if (!r->done || r->s1 > returned_at[u]) {
				at = r->site;
				snprintf(why, sizeof why, "process_upload(%d, %d) returned before "
					 "thumbnail %lld had finished", uploads[u].id, uploads[u].n,
					 (long long)r->arg);
				ok = false;
			}
		}
		if (ok && seen != uploads[u].n) {
			snprintf(why, sizeof why, "process_upload(%d, %d) made %d thumbnails, not %d",
				 uploads[u].id, uploads[u].n, seen, uploads[u].n);
			ok = false;
		}
	}
	axh_check("waited-for", ok, ok ? NULL : at, "%s", why);

	/* spawned: each thumbnail in a task of its own. */
	ok = true;
	for (int i = 0; i < axh_nrecs && ok; i++) {
		const axh_rec *r = &axh_recs[i];
		if (r->svc[0] != 't' || r->step >= NUPLOADS)
			continue;
		bool shared = r->task == caller_task[r->step];
		for (int j = 0; j < i && !shared; j++)
			shared = axh_recs[j].svc[0] == 't' && axh_recs[j].task == r->task;
		if (shared) {
			at = r->site;
			snprintf(why, sizeof why, "thumbnail %lld of upload %d ran inside %s, not in "
				 "a task of its own", (long long)r->arg, uploads[r->step].id,
				 r->task == caller_task[r->step] ? "process_upload's own task"
								 : "another thumbnail's task");
			ok = false;
		}
	}
	axh_check("spawned", ok, ok ? NULL : at, "%s", why);

	/* ran-concurrently: all of an upload's thumbnails in flight together. */
	ok = true;
	for (int u = 0; u < NUPLOADS && ok; u++) {
		int peak = 0;
		for (int i = 0; i < axh_nrecs; i++)
			if (axh_recs[i].step == u && axh_recs[i].svc[0] == 't' &&
			    axh_recs[i].in_flight > peak)
				peak = axh_recs[i].in_flight;
		if (peak == 0) {
			snprintf(why, sizeof why, "no thumbnail of upload %d was made", uploads[u].id);
			ok = false;
		} else if (peak < uploads[u].n) {
			snprintf(why, sizeof why, "at most %d of upload %d's %d thumbnails were being "
				 "made at the same time", peak, uploads[u].id, uploads[u].n);
			ok = false;
		}
	}
	axh_check("ran-concurrently", ok, NULL, "%s", why);

	/* audit-written: each upload's audit record ran to its end. */
	ok = true;
	for (int u = 0; u < NUPLOADS && ok; u++) {
		bool done = false;
		for (int i = 0; i < axh_nrecs; i++)
			done |= axh_recs[i].svc[0] == 'a' && axh_recs[i].arg == uploads[u].id &&
				axh_recs[i].done;
		if (!done) {
			snprintf(why, sizeof why, "the audit record of upload %d was never written",
				 uploads[u].id);
			ok = false;
		}
	}
	axh_check("audit-written", ok, NULL, "%s", why);
}

AX_ASYNC(lesson_main, int, int u;)
{
	AX_BEGIN;
	for (self->u = 0; self->u < NUPLOADS; self->u++) {
		axh_step = self->u;
		caller_task[self->u] = axh_task();
		AX_AWAIT_TO(got[self->u], axh_call("process_upload",
						   axl_entry_process_upload(uploads[self->u].id,
									    uploads[self->u].n)));
		returned_at[self->u] = axh_seq();
		printf("[%lld ms] upload %d: thumbnails of %lld bytes in total\n",
		       (long long)axh_ms(), uploads[self->u].id, (long long)got[self->u].val);
	}
	/* Background work gets the time the audit record needs to finish. */
	axh_step = NUPLOADS;
	AX_AWAIT(ax_sleep_ms(60));
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
