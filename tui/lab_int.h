/* lab_int.h - the interactive lab's state, shared by its files: lab.c
 * (start, the key loop, quit), lab_view.c (what each screen shows),
 * lab_act.c (verify, hint, solution, reset, edit) and lab_result.c (a
 * verification result as a document).  Only for tui/lab*.c. */
#ifndef ASYNCLAB_TUI_LAB_INT_H
#define ASYNCLAB_TUI_LAB_INT_H

#include "../lessons/engine.h"
#include "app.h"
#include "md.h"
#include "timeline.h"
#include "ui.h"
#include "watch.h"

#include <stdio.h>
#include <sys/stat.h>

typedef struct lab {
	app a;
	app_lesson *items;
	axl_catalog *cat;
	axl_workspace *ws;
	axl_progress *prog;
	ui_opts uo;
	md_doc lesson_doc;  /* the open lesson's text */
	char *lesson_src;   /* its Markdown */
	md_doc result_doc;  /* the last result */
	char *result_src;
	md_doc pager_doc;   /* hints, solution diff */
	char *pager_src;
	char pager_title[96];
	tl_grid grid;
	axl_result *result; /* of lesson result_for */
	int result_for;
	char *exercise;	    /* the open lesson's file (absolute) */
	char *shown;	    /* the same as the learner opens it: relative to
			       the folder the lab started in when below it */
	watch w;
	struct stat verified; /* the exercise as it was when last verified */
	int width;	    /* text width the docs are laid out for */
	int minute;	    /* the header's time, redrawn when it changes */
	FILE *trace;	    /* ASYNCLAB_TUI_TRACE: frame timings */
} lab;

/* lab_view.c */
const axl_lesson *lab_lesson(const lab *L);
void lab_relayout(lab *L);
void lab_refresh_statuses(lab *L);
void lab_save_progress(lab *L);
void lab_open_lesson(lab *L);
void lab_draw(lab *L);
/* The header's time text for the open lesson (see app_time_text). */
void lab_time_text(const lab *L, char *buf, size_t n);

/* lab_act.c */
void lab_verify(lab *L);
void lab_hint(lab *L);
void lab_solution(lab *L);
void lab_reset(lab *L);
void lab_edit(lab *L);
void lab_timeline(lab *L);

/* A path relative to the folder the lab runs in when it is below it (as
 * the learner types it), else path itself.  lab_result.c. */
const char *lab_rel(const char *path);

/* lab_result.c: the Markdown of a result (malloc'd; NULL when out of
 * memory): the verdict, the checks, compiler output, where it crashed,
 * the findings, the output and the run's figures.  exercise is the
 * learner's file (its crash line is quoted from it). */
char *lab_result_markdown(const axl_result *r, const axl_lesson *l, const char *exercise);

#endif
