/* present_view.c - presenter mode's screen as lines: what just happened,
 * the clock and the thread, the ready queue in order, the tasks (the
 * running, queued and blocked ones first), timers, locks, the source line
 * being executed and the program's output so far.  Every state is a word
 * (RUNNING, BLOCKED ...), colour only helps; the sections shrink to the
 * screen's height, the tasks first, so 80x24 shows the whole story and a
 * taller screen shows more of it. */
#include "config.h"

#include "dash.h"
#include "present.h"
#include "../checker/safe_text.h"
#include "../lessons/engine.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define L(st, ...) dash_line(out, o->cols, &nomem, st, __VA_ARGS__)

static const char *base(const char *f)
{
	const char *s = f ? strrchr(f, '/') : NULL;
	return s ? s + 1 : f ? f : "";
}

void pres_src_free(pres_src *c)
{
	for (size_t i = 0; i < c->n; i++) {
		for (int k = 0; k < c->nlines[i]; k++)
			free(c->lines[i][k]);
		free(c->lines[i]);
		free(c->path[i]);
	}
	free(c->path);
	free(c->lines);
	free(c->nlines);
	memset(c, 0, sizeof *c);
}

/* Line n (from 1) of file, or NULL. */
static const char *src_line(pres_src *c, const char *file, int n)
{
	size_t i;
	for (i = 0; i < c->n && strcmp(c->path[i], file); i++)
		;
	if (i == c->n) {
		char **np = realloc(c->path, (c->n + 1) * sizeof *np);
		char ***nl = realloc(c->lines, (c->n + 1) * sizeof *nl);
		int *nn = realloc(c->nlines, (c->n + 1) * sizeof *nn);
		if (np)
			c->path = np;
		if (nl)
			c->lines = nl;
		if (nn)
			c->nlines = nn;
		if (!np || !nl || !nn || !(c->path[c->n] = strdup(file)))
			return NULL;
		c->lines[c->n] = NULL;
		c->nlines[c->n] = 0;
		char *text = axl_read_file(file, NULL);
		for (char *p = text, *e; p && *p; p = e ? e + 1 : p + strlen(p)) {
			e = strchr(p, '\n');
			char **more = realloc(c->lines[c->n], (size_t)(c->nlines[c->n] + 1) * sizeof *more);
			if (!more)
				break;
			c->lines[c->n] = more;
			more[c->nlines[c->n]++] = e ? strndup(p, (size_t)(e - p)) : strdup(p);
		}
		free(text);
		c->n++;
	}
	return n >= 1 && n <= c->nlines[i] ? c->lines[i][n - 1] : NULL;
}

char *pres_output(const axc_report *r, uint64_t out_len)
{
	size_t n = out_len < r->out_len ? (size_t)out_len : r->out_len;
	char *s = malloc(n + 1), *w = s;
	if (!s)
		return NULL;
	/* The lesson harness's records ("@@axh:KEY<TAB>...") are for the
	 * checks, not for the room. */
	for (size_t i = 0; i < n;) {
		const char *nl = memchr(r->out + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (r->out + i)) + 1 : n - i;
		const char *rec = memmem(r->out + i, len, "@@axh:", 6);
		size_t keep = rec ? (size_t)(rec - (r->out + i)) : len;
		memcpy(w, r->out + i, keep);
		w += keep;
		if (rec && keep && nl)
			*w++ = '\n';
		i += len;
	}
	*w = '\0';
	return s;
}

static void task_text(const axc_report *r, const pres_state *s, const pres_task *t, char *buf,
		      size_t n)
{
	char lbl[64];
	pres_task_label(r, t->id, lbl, sizeof lbl);
	char what[200] = "";
	switch (t->state) {
	case PRES_WAITING:
		if (t->wait_file)
			snprintf(what, sizeof what, "on %s at %s:%d", t->wait_on ? t->wait_on : "?",
				 base(t->wait_file), t->wait_line);
		else
			snprintf(what, sizeof what, "on %s", t->wait_on ? t->wait_on : "?");
		break;
	case PRES_BLOCKED: {
		int64_t holder = 0;
		for (size_t i = 0; i < s->nlocks; i++)
			if (s->locks[i].id == t->blocked_on)
				holder = s->locks[i].holder;
		char h[64];
		pres_task_label(r, holder, h, sizeof h);
		snprintf(what, sizeof what, "on lock %llu held by %s",
			 (unsigned long long)t->blocked_on, holder ? h : "nobody");
		break;
	}
	case PRES_READY:
		/* Queued a while: something kept the executor from it. */
		if (s->now > t->ready_since)
			snprintf(what, sizeof what, "since t = %.3f ms", (double)t->ready_since / 1e6);
		break;
	default:
		break;
	}
	char wk[32] = "", st[16];
	if (t->wakers)
		snprintf(wk, sizeof wk, "  wakers %d", t->wakers);
	/* The states that explain the moment stand out in words too. */
	snprintf(st, sizeof st, "%s", pres_tstate_name(t->state));
	if (t->state == PRES_RUNNING || t->state == PRES_BLOCKED)
		for (char *p = st; *p; p++)
			*p = (char)(*p - 'a' + 'A');
	snprintf(buf, n, "%-18.18s %-8s %s%s", lbl, st, what, wk);
}

/* Which tasks to show when they do not all fit: the running one, the
 * queued and blocked ones, the selected one, then the waiting ones, then
 * the finished; within a group, in spawn order. */
static int rank(const pres_state *s, const pres_task *t, int64_t selected)
{
	if (t->id == s->running || t->id == selected)
		return 0;
	switch (t->state) {
	case PRES_BLOCKED: return 1;
	case PRES_READY: return 2;
	case PRES_WAITING: case PRES_NEW: return 3;
	default: return 4;
	}
}

/* A source line for the screen: tabs to the next multiple of four (a tab
 * drawn as is would push the line past the edge), escaped. */
static void src_text(const char *text, char *buf, size_t n)
{
	char *tmp = malloc(strlen(text) * 4 + 1), *w = tmp;
	if (!tmp) {
		snprintf(buf, n, "%s", axc_safe(text));
		return;
	}
	for (const char *p = text; *p; p++)
		if (*p == '\t')
			do
				*w++ = ' ';
			while ((w - tmp) % 4);
		else
			*w++ = *p;
	*w = '\0';
	snprintf(buf, n, "%s", axc_safe(tmp));
	free(tmp);
}

/* The screen with task_rows rows for the tasks, src_rows source lines
 * and out_rows + 1 lines of output. */
static int view_once(const axc_report *r, const pres_state *s, const pres_view_opts *o,
		     pres_src *cache, md_doc *out, int task_rows, int src_rows, int out_rows)
{
	memset(out, 0, sizeof *out);
	bool nomem = false;
	size_t n = r->trace.nevents;
	char buf[1024], lbl[64];
	/* What happened: the sentence and the clock. */
	size_t alive = 0, done = 0;
	for (size_t i = 0; i < s->ntasks; i++)
		if (s->tasks[i].state == PRES_DONE || s->tasks[i].state == PRES_ABORTED)
			done++;
		else
			alive++;
	L(MD_H2, "step %zu of %zu   t = %.3f ms   tasks alive %zu, finished %zu", s->step + 1, n,
	  (double)s->now / 1e6, alive, done);
	pres_describe(r, s->step, buf, sizeof buf);
	dash_wrap(out, o->cols, &nomem, MD_STRONG, "> ", "  ", axc_safe(buf));
	/* The finding shown, right under what happened: it is why we are here. */
	if (o->finding != (size_t)-1 && o->finding < r->nfindings) {
		const axc_finding *f = &r->findings[o->finding];
		snprintf(buf, sizeof buf, "finding %s at %s:%d: %s", f->name, base(f->file), f->line,
			 axc_safe(f->message));
		dash_wrap(out, o->cols, &nomem, MD_BAD, "", "  ", buf);
	}
	/* The thread. */
	if (s->deadlock) {
		L(MD_BAD, "DEADLOCK: every task is asleep and nothing can wake one");
	} else if (s->stalled_until) {
		pres_task_label(r, s->stall_task, lbl, sizeof lbl);
		char from[48] = "";
		if (s->stall_from_known)
			snprintf(from, sizeof from, " from t = %.3f ms", (double)s->stall_from / 1e6);
		snprintf(buf, sizeof buf, "THREAD BLOCKED by %s%s %s %.3f ms: no other task can run",
			 lbl, from, s->stall_from_known ? "to" : "until t =",
			 (double)s->stalled_until / 1e6);
		dash_wrap(out, o->cols, &nomem, MD_BAD, "", "  ", buf);
	} else if (s->running) {
		const pres_task *t = pres_task_of(s, s->running);
		pres_task_label(r, s->running, lbl, sizeof lbl);
		if (t && t->state == PRES_BLOCKED)
			L(MD_BAD, "THREAD BLOCKED: %s waits for a blocking lock inside its poll", lbl);
		else
			L(MD_TEXT, "running: %s", lbl);
	} else {
		L(MD_TEXT, "running: nobody (the executor is between polls)");
	}
	/* The ready queue, front first. */
	size_t used = (size_t)snprintf(buf, sizeof buf, "ready queue (front first):");
	if (!s->nready)
		used += (size_t)snprintf(buf + used, sizeof buf - used, " empty");
	for (size_t i = 0; i < s->nready && used < sizeof buf - 80; i++) {
		pres_task_label(r, s->ready[i], lbl, sizeof lbl);
		used += (size_t)snprintf(buf + used, sizeof buf - used, "%s %s", i ? " ->" : "", lbl);
		if (used > (size_t)o->cols && i + 1 < s->nready) {
			snprintf(buf + used, sizeof buf - used, " ... (%zu queued)", s->nready);
			break;
		}
	}
	L(MD_TEXT, "%s", buf);

	/* Tasks. */
	L(MD_H3, "tasks");
	size_t *ord = calloc(s->ntasks ? s->ntasks : 1, sizeof *ord), shown = 0;
	if (!ord)
		nomem = true;
	for (int g = 0; ord && g <= 4; g++)
		for (size_t i = 0; i < s->ntasks; i++)
			if (rank(s, &s->tasks[i], o->selected) == g)
				ord[shown++] = i;
	size_t cap = (size_t)task_rows;
	if (shown > cap)
		cap--; /* room for the "more" line */
	for (size_t i = 0; ord && i < shown && i < cap; i++) {
		const pres_task *t = &s->tasks[ord[i]];
		task_text(r, s, t, buf, sizeof buf);
		md_style st = t->state == PRES_BLOCKED ? MD_BAD
			      : t->id == s->running ? MD_STRONG
			      : t->state == PRES_DONE || t->state == PRES_ABORTED ? MD_COMMENT
			      : MD_TEXT;
		L(st, "%s %s", t->id == o->selected ? "*" : " ", buf);
	}
	if (ord && shown > cap) {
		size_t waiting = 0, fin = 0;
		for (size_t i = cap; i < shown; i++) {
			pres_tstate x = s->tasks[ord[i]].state;
			fin += x == PRES_DONE || x == PRES_ABORTED;
			waiting += x == PRES_WAITING || x == PRES_NEW;
		}
		L(MD_COMMENT, "  ... and %zu more tasks (%zu waiting, %zu finished)", shown - cap,
		  waiting, fin);
	}
	free(ord);

	/* Timers and wakers, then locks. */
	/* A list longer than the line says how many it holds first. */
	used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < s->ntimers && used < sizeof buf - 80; i++) {
		pres_task_label(r, s->timers[i].task, lbl, sizeof lbl);
		used += (size_t)snprintf(buf + used, sizeof buf - used, "%s t=%.3fms wakes %s",
					 i ? "," : "", (double)s->timers[i].deadline / 1e6, lbl);
	}
	if (!s->ntimers)
		L(MD_TEXT, "timers: none");
	else if (used + 7 > (size_t)o->cols)
		L(MD_TEXT, "timers (%zu):%s", s->ntimers, buf);
	else
		L(MD_TEXT, "timers:%s", buf);
	used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < s->nwakers && used < sizeof buf - 80; i++) {
		pres_task_label(r, s->wakers[i].task, lbl, sizeof lbl);
		used += (size_t)snprintf(buf + used, sizeof buf - used, "%s %s's by %s", i ? "," : "",
					 lbl, s->wakers[i].holder ? s->wakers[i].holder : "?");
	}
	if (!s->nwakers)
		L(MD_TEXT, "wakers held: none");
	else if (used + 12 > (size_t)o->cols)
		L(MD_TEXT, "wakers held (%zu):%s", s->nwakers, buf);
	else
		L(MD_TEXT, "wakers held:%s", buf);
	bool any_lock = false;
	for (size_t i = 0; i < s->nlocks; i++) {
		const pres_lock *k = &s->locks[i];
		if (!k->holder && !k->nwaiters)
			continue;
		any_lock = true;
		pres_task_label(r, k->holder, lbl, sizeof lbl);
		if (k->holder)
			used = (size_t)snprintf(buf, sizeof buf, "lock %llu %s: %s holds it",
						(unsigned long long)k->id,
						k->kind ? "blocking" : "async", lbl);
		else
			used = (size_t)snprintf(buf, sizeof buf, "lock %llu %s: free",
						(unsigned long long)k->id,
						k->kind ? "blocking" : "async");
		if (k->holder && k->file)
			used += (size_t)snprintf(buf + used, sizeof buf - used, " (%s:%d)",
						 base(k->file), k->line);
		for (size_t w = 0; w < k->nwaiters && used < sizeof buf - 80; w++) {
			pres_task_label(r, k->waiters[w], lbl, sizeof lbl);
			used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s",
						 w ? ", " : "; waits: ", lbl);
		}
		L(k->nwaiters && k->kind ? MD_BAD : MD_TEXT, "%s", buf);
	}
	if (!any_lock)
		L(MD_TEXT, "locks: none held");

	/* The source line being executed. */
	const char *file = s->file ? s->file : o->source;
	int line = s->file ? s->line : 0;
	L(MD_H3, "source %s%s", file ? base(file) : "(no line yet)",
	  line ? "" : " (no line at this step)");
	for (int d = -(src_rows / 2); file && line && d <= src_rows / 2; d++) {
		const char *text = src_line(cache, file, line + d);
		if (!text)
			continue;
		src_text(text, buf, sizeof buf);
		L(d ? MD_TEXT : MD_STRONG, "%s%4d | %s", d ? "  " : "> ", line + d, buf);
	}

	/* The output so far, its last lines. */
	char *text = pres_output(r, s->out_len);
	int nl = 0;
	for (const char *p = text; p && *p; p++)
		nl += *p == '\n' || !p[1]; /* a last line without its newline counts */
	L(MD_H3, "output so far (%d line%s)", nl, nl == 1 ? "" : "s");
	const char *from = text ? text + strlen(text) : NULL;
	for (int k = 0; from && k <= out_rows && from > text; k++) {
		from--;
		while (from > text && from[-1] != '\n')
			from--;
	}
	for (const char *p = from; p && *p;) {
		const char *e = strchr(p, '\n');
		int len = e ? (int)(e - p) : (int)strlen(p);
		char *one = strndup(p, (size_t)len);
		L(MD_BLOCK, "  %s", one ? axc_safe(one) : "");
		free(one);
		p = e ? e + 1 : p + len;
	}
	free(text);

	if (nomem) {
		md_free(out);
		return -ENOMEM;
	}
	return 0;
}

/* Every task when they fit; when the screen is too short, the tasks give
 * way first (down to four rows: the ones that explain the moment rank
 * first), then the output, then a fourth task row, then the source, so
 * what happened, the finding, the thread and the queue always show. */
int pres_view(const axc_report *r, const pres_state *s, const pres_view_opts *o,
	      pres_src *cache, md_doc *out)
{
	int task_rows = s->ntasks > 3 ? (int)s->ntasks : 3;
	int src_rows = o->rows >= 30 ? 5 : 3, out_rows = o->rows >= 30 ? 4 : 2;
	for (;;) {
		int e = view_once(r, s, o, cache, out, task_rows, src_rows, out_rows);
		if (e < 0 || out->n <= o->rows)
			return e;
		int over = out->n - o->rows;
		if (task_rows > 4)
			task_rows = task_rows - over > 4 ? task_rows - over : 4;
		else if (out_rows > 0)
			out_rows--;
		else if (task_rows > 3)
			task_rows--;
		else if (src_rows > 1)
			src_rows -= 2;
		else
			break;
		md_free(out);
	}
	/* Still too tall (a tiny screen): the last lines go. */
	while (out->n > (o->rows > 0 ? o->rows : 0)) {
		md_line *x = &out->lines[--out->n];
		free(x->text);
		free(x->spans);
	}
	return 0;
}
