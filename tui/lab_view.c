/* lab_view.c - what the lab's screens show: the open lesson (its text,
 * its exercise and where the learner opens it), each lesson's status,
 * the header with the lesson's number and its time box, and drawing the
 * current view. */
#include "config.h"

#include "lab_int.h"
#include "serve.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const axl_lesson *lab_lesson(const lab *L)
{
	return L->a.cur >= 0 ? L->cat->lessons[L->a.cur] : NULL;
}

void lab_relayout(lab *L)
{
	L->width = ui_text_width();
	md_free(&L->lesson_doc);
	md_free(&L->result_doc);
	md_free(&L->pager_doc);
	if (L->lesson_src)
		md_render(L->lesson_src, L->width, L->uo.ascii, &L->lesson_doc);
	if (L->result_src) {
		md_render(L->result_src, L->width, L->uo.ascii, &L->result_doc);
		md_mark_verdicts(&L->result_doc);
	}
	if (L->pager_src)
		md_render(L->pager_src, L->width, L->uo.ascii, &L->pager_doc);
}

/* Every save of the progress goes through here; in a class, the saved
 * progress is also queued for the class server (in the background). */
void lab_save_progress(lab *L)
{
	if (axl_progress_save(L->prog, L->ws->progress_path) < 0)
		app_msg(&L->a, "could not save progress to %s: %s", L->ws->progress_path,
			strerror(errno));
	else
		axw_push_kick(L->ws, "/proc/self/exe");
}

void lab_refresh_statuses(lab *L)
{
	const char *current = L->prog->current;
	int cur_idx = -1;
	for (size_t i = 0; i < L->cat->n; i++) {
		const axl_lesson_progress *lp = axl_progress_find(L->prog, L->cat->lessons[i]->id);
		L->items[i].status = lp && lp->passed ? ST_DONE : ST_LATER;
		if (current && !strcmp(current, L->cat->lessons[i]->id))
			cur_idx = (int)i;
	}
	if (cur_idx < 0)
		for (size_t i = 0; i < L->cat->n; i++)
			if (L->items[i].status != ST_DONE) {
				cur_idx = (int)i;
				break;
			}
	if (cur_idx >= 0 && L->items[cur_idx].status != ST_DONE)
		L->items[cur_idx].status = ST_CURRENT;
}

void lab_open_lesson(lab *L)
{
	const axl_lesson *l = lab_lesson(L);
	if (!l)
		return;
	char *md = axl_lesson_path(l, "lesson.md");
	free(L->lesson_src);
	L->lesson_src = md ? axl_read_file(md, NULL) : NULL;
	if (!L->lesson_src) {
		char msg[300];
		snprintf(msg, sizeof msg, "# %s\n\nCannot read %s.\n", l->title, md ? md : "lesson.md");
		L->lesson_src = strdup(msg);
	}
	free(md);
	axl_workspace_ensure(L->ws, l);
	free(L->exercise);
	free(L->shown);
	L->exercise = axl_workspace_exercise(L->ws, l);
	L->shown = L->exercise ? strdup(lab_rel(L->exercise)) : NULL;
	L->a.file = L->shown;
	watch_close(&L->w);
	if (L->exercise && watch_open(&L->w, L->exercise, 150) < 0)
		app_msg(&L->a, "cannot watch %s for saves: press r to verify", L->shown);
	else
		app_msg(&L->a, "edit %s (e opens it); saving verifies it", L->shown);
	axl_progress_set_current(L->prog, l->id);
	axl_progress_touch(L->prog, l->id, (int64_t)time(NULL));
	const axl_lesson_progress *lp = axl_progress_find(L->prog, l->id);
	L->a.passed = lp && lp->passed;
	L->a.has_result = L->result && L->result_for == L->a.cur;
	lab_refresh_statuses(L);
	/* Saved at the next verify, hint or quit: an fsync here would cost a
	 * visible pause on every lesson opened. */
	lab_relayout(L);
}

void lab_time_text(const lab *L, char *buf, size_t n)
{
	const axl_lesson *l = lab_lesson(L);
	buf[0] = 0;
	if (!l)
		return;
	const axl_lesson_progress *lp = axl_progress_find(L->prog, l->id);
	int64_t spent = lp ? lp->time_s : 0;
	/* The time since the last key counts as progress will count it. */
	if (lp && !lp->passed && lp->last_active > 0) {
		int64_t gap = (int64_t)time(NULL) - lp->last_active;
		if (gap > 0)
			spent += gap > AXL_IDLE_CAP_S ? AXL_IDLE_CAP_S : gap;
	}
	app_time_text(spent, l->time_box_min, lp && lp->passed, buf, n);
}

void lab_draw(lab *L)
{
	if (ui_too_small()) {
		ui_flush();
		return;
	}
	char title[200], num[32], when[64];
	const axl_lesson *l = lab_lesson(L);
	if (l)
		app_lesson_number(&L->a, L->a.cur, num, sizeof num);
	L->a.file = L->a.view != V_LIST ? L->shown : NULL;
	switch (L->a.view) {
	case V_LIST:
		ui_draw_list(&L->a);
		break;
	case V_LESSON:
		snprintf(title, sizeof title, "%s %s", l ? num : "", l ? l->title : "");
		lab_time_text(L, when, sizeof when);
		ui_draw_doc(&L->a, title, when[0] ? when : NULL, &L->lesson_doc);
		break;
	case V_RESULT:
		snprintf(title, sizeof title, "result: %s %s", l ? num : "", l ? l->title : "");
		lab_time_text(L, when, sizeof when);
		ui_draw_doc(&L->a, title, when[0] ? when : NULL, &L->result_doc);
		break;
	case V_TIMELINE:
		snprintf(title, sizeof title, "timeline of the last run: %s %s", l ? num : "",
			 l ? l->id : "");
		ui_draw_timeline(&L->a, title, &L->grid);
		break;
	case V_HELP:
		ui_draw_help(&L->a);
		break;
	case V_PAGER:
		ui_draw_doc(&L->a, L->pager_title, NULL, &L->pager_doc);
		break;
	}
	ui_flush();
}
