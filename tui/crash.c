/* crash.c - finds the learner's line in the checker's crash stack (see
 * crash.h): the typed run report's crash holds the signal and the frames,
 * innermost first, each marked as the program's own or not. */
#include "config.h"

#include "crash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void frame_of(const axc_frame *fr, crash_frame *f)
{
	f->file = fr->file;
	f->line = fr->line;
	snprintf(f->fn, sizeof f->fn, "%s", fr->function ? fr->function : "?");
	size_t len = strlen(f->fn);
	if (len > 6 && (!strcmp(f->fn + len - 6, "__body") || !strcmp(f->fn + len - 6, "__poll")))
		f->fn[len - 6] = 0;
}

/* Line n of a file, without its newline (malloc'd), or NULL. */
static char *file_line(const char *path, int n)
{
	FILE *f = path && n > 0 ? fopen(path, "r") : NULL;
	if (!f)
		return NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len = 0;
	for (int i = 0; i < n && (len = getline(&line, &cap, f)) >= 0; i++)
		;
	fclose(f);
	if (len < 0) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\n")] = 0;
	return line;
}

int crash_find(const axl_result *r, const char *exercise, crash_site *s)
{
	memset(s, 0, sizeof *s);
	const axc_crash *crash = r->report ? r->report->crash : NULL;
	if (r->end != AXL_END_SIGNAL || !crash)
		return 0;
	s->signal = crash->signal_name;
	size_t at = (size_t)-1;
	for (size_t i = 0; i < crash->nstack && at == (size_t)-1; i++)
		if (crash->stack[i].file && exercise && !strcmp(crash->stack[i].file, exercise))
			at = i;
	for (size_t i = 0; i < crash->nstack && at == (size_t)-1; i++)
		if (crash->stack[i].user && crash->stack[i].file)
			at = i;
	if (at == (size_t)-1)
		return 1;
	s->found = 1;
	frame_of(&crash->stack[at], &s->at);
	s->source = file_line(s->at.file, s->at.line);
	for (size_t i = at + 1; i < crash->nstack && s->ncallers < CRASH_MAX_CALLERS; i++) {
		if (!crash->stack[i].user || !crash->stack[i].file)
			continue;
		crash_frame f;
		frame_of(&crash->stack[i], &f);
		/* An async fn's poll calls its body: one function to the
		 * learner, said once. */
		const crash_frame *prev = s->ncallers ? &s->callers[s->ncallers - 1] : &s->at;
		if (strcmp(f.fn, prev->fn) != 0)
			s->callers[s->ncallers++] = f;
	}
	return 1;
}

void crash_free(crash_site *s)
{
	free(s->source);
	s->source = NULL;
}
