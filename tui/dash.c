/* dash.c - the live class dashboard's model: a class laid out as styled
 * lines for the projector.  The order is the instructor's: first what to
 * say to the whole room (a check holding several learners back, who is
 * over the time box), then the lessons the class has reached, then each
 * learner, those needing help first.  State is in words as well as
 * colour (OVER, PASS counts), so it reads in black and white. */
#include "config.h"

#include "dash.h"
#include "serve.h"
#include "../checker/safe_text.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STUCK_SHOWN 4	/* call-outs for stuck checks at most */

typedef struct out {
	md_doc *d;
	int cols;
	bool nomem;
} out;

void dash_line(md_doc *d, int cols, bool *nomem, md_style st, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	/* Clip to the width in columns (UTF-8 aware). */
	int n = (int)strlen(buf), cut = n;
	for (int i = 0, c = 0; i < n; i++) {
		if (((unsigned char)buf[i] & 0xc0) != 0x80 && c++ == cols) {
			cut = i;
			break;
		}
	}
	buf[cut] = '\0';
	if (d->n == d->cap) {
		int cap = d->cap ? d->cap * 2 : 32;
		md_line *nl = realloc(d->lines, (size_t)cap * sizeof *nl);
		if (!nl) {
			*nomem = true;
			return;
		}
		d->lines = nl;
		d->cap = cap;
	}
	md_line *ln = &d->lines[d->n];
	memset(ln, 0, sizeof *ln);
	if (!(ln->text = strdup(buf))) {
		*nomem = true;
		return;
	}
	if (st != MD_TEXT && cut > 0) {
		if (!(ln->spans = malloc(sizeof *ln->spans))) {
			free(ln->text);
			*nomem = true;
			return;
		}
		ln->spans[0] = (md_span){ 0, cut, st };
		ln->nspans = 1;
	}
	d->n++;
}

void dash_wrap(md_doc *d, int cols, bool *nomem, md_style st, const char *first,
	       const char *rest, const char *text)
{
	const char *p = text, *pfx = first;
	do {
		int w = cols - (int)strlen(pfx);
		if (w < 10)
			w = 10;
		int n = (int)strlen(p);
		if (md_cols(p, n) > w) {
			/* The last blank that keeps the piece within w columns. */
			int cut = 0, c = 0;
			for (int i = 0; p[i] && c <= w; i++) {
				if (((unsigned char)p[i] & 0xc0) != 0x80)
					c++;
				if (p[i] == ' ' && c <= w + 1)
					cut = i;
			}
			n = cut ? cut : w;
		}
		dash_line(d, cols, nomem, st, "%s%.*s", pfx, n, p);
		p += n;
		while (*p == ' ')
			p++;
		pfx = rest;
	} while (*p);
}

/* The dashboard's lines go through dash_line at the layout's width. */
#define line(o, st, ...) dash_line((o)->d, (o)->cols, &(o)->nomem, st, __VA_ARGS__)

static void fmt_min(char *buf, size_t n, int64_t s)
{
	if (s >= 3600)
		snprintf(buf, n, "%lldh%02lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
	else
		snprintf(buf, n, "%lldm%02llds", (long long)(s / 60), (long long)(s % 60));
}

/* "ann, bea and 3 more" within room columns. */
static void names(const axl_class *k, const size_t *who, size_t n, char *buf, size_t cap,
		  int room)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *nm = axc_safe(k->learners[who[i]].name);
		char more[32];
		snprintf(more, sizeof more, " and %zu more", n - i);
		if ((int)(used + strlen(nm) + 2 + strlen(more)) > room && i) {
			snprintf(buf + used, cap - used, "%s", more);
			return;
		}
		used += (size_t)snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", nm);
		if (used >= cap)
			return;
	}
}

typedef struct stuck {
	const axl_class_lesson *cl;
	const axl_class_fail *f;
} stuck;

static int by_stuck(const void *a, const void *b)
{
	const stuck *x = a, *y = b;
	return x->f->count != y->f->count ? (x->f->count > y->f->count ? -1 : 1)
		: x->cl < y->cl ? -1 : x->cl > y->cl;
}

static void callouts(out *o, const axl_class *k)
{
	stuck *s = calloc(1, sizeof *s);
	size_t ns = 0;
	for (size_t i = 0; s && i < k->nlessons; i++)
		for (size_t f = 0; f < k->lessons[i].nfails; f++) {
			if (k->lessons[i].fails[f].count < 2)
				continue;
			stuck *nsv = realloc(s, (ns + 1) * sizeof *nsv);
			if (!nsv) {
				o->nomem = true;
				break;
			}
			s = nsv;
			s[ns++] = (stuck){ &k->lessons[i], &k->lessons[i].fails[f] };
		}
	if (!s) {
		o->nomem = true;
		return;
	}
	qsort(s, ns, sizeof *s, by_stuck);
	char who[512];
	for (size_t i = 0; i < ns && i < STUCK_SHOWN; i++) {
		const axl_lesson *l = s[i].cl->lesson;
		line(o, MD_BAD, "! %zu learners stuck on %s/%s", s[i].f->count, axc_safe(l->id),
		     axc_safe(s[i].f->check));
		char *msg = s[i].f->def ? axl_check_message_generic(s[i].f->def) : NULL;
		if (msg)
			line(o, MD_TEXT, "  %s", axc_safe(msg));
		free(msg);
		names(k, s[i].f->learners, s[i].f->count, who, sizeof who, o->cols - 4);
		line(o, MD_EMPH, "  %s", who);
	}
	if (ns > STUCK_SHOWN)
		line(o, MD_TEXT, "  (%zu more checks hold back two or more learners)",
		     ns - STUCK_SHOWN);
	free(s);
	/* Over the time box, across lessons: name them with where and how long. */
	size_t nover = 0;
	char buf[1024] = "";
	size_t used = 0;
	for (size_t j = 0; j < k->nlearners; j++) {
		const axl_class_learner *L = &k->learners[j];
		if (!L->over_box)
			continue;
		char tm[32];
		fmt_min(tm, sizeof tm, L->time_on);
		if (used < sizeof buf)
			used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s (%s %s)",
						 nover ? ", " : "", axc_safe(L->name),
						 axc_safe(L->current->id), tm);
		nover++;
	}
	if (nover) {
		line(o, MD_BAD, "! %zu learner%s over the time box", nover, nover == 1 ? "" : "s");
		dash_wrap(o->d, o->cols, &o->nomem, MD_EMPH, "  ", "  ", buf);
	}
	if (!ns && !nover && k->nlearners > 1)
		line(o, MD_GOOD, "Nobody is stuck on the same check, nobody is over the time box.");
}

static void lessons_table(out *o, const axl_class *k)
{
	line(o, MD_H2, "%-3s%-18s %7s %5s %6s %7s %4s  %s", "", "lesson", "passed", "on it",
	     "tries", "time", "box", "most failed");
	size_t hidden = 0;
	for (size_t i = 0; i < k->nlessons; i++) {
		const axl_class_lesson *cl = &k->lessons[i];
		const axl_lesson *l = cl->lesson;
		if (!cl->worked && !cl->current && !cl->passed) {
			hidden++;
			continue;
		}
		char passed[48], tries[32], tm[32], box[16], top[96];
		snprintf(passed, sizeof passed, "%zu/%zu", cl->passed, k->nlearners);
		snprintf(tries, sizeof tries, cl->worked ? "%.1f" : "-", cl->median_attempts);
		if (cl->worked)
			fmt_min(tm, sizeof tm, cl->median_time_s);
		else
			snprintf(tm, sizeof tm, "-");
		snprintf(box, sizeof box, l->time_box_min ? "%dm" : "-", l->time_box_min);
		if (cl->nfails)
			snprintf(top, sizeof top, "%s (%zu)", axc_safe(cl->fails[0].check),
				 cl->fails[0].count);
		else
			snprintf(top, sizeof top, "-");
		line(o, cl->over_box ? MD_BAD : MD_TEXT, "%02d %-18.18s %7s %5zu %6s %7s %4s  %s",
		     l->order, axc_safe(l->id), passed, cl->current, tries, tm, box, top);
	}
	if (hidden)
		line(o, MD_COMMENT, "   (%zu lesson%s nobody has reached yet)", hidden,
		     hidden == 1 ? "" : "s");
}

/* Learners needing help first: over the time box, then the furthest
 * behind, then the longest on their lesson. */
typedef struct lrank {
	const axl_class *k;
	const axl_catalog *c;
} lrank;

static int by_need(const void *a, const void *b, void *ud)
{
	const lrank *rk = ud;
	const axl_class_learner *x = &rk->k->learners[*(const size_t *)a];
	const axl_class_learner *y = &rk->k->learners[*(const size_t *)b];
	if (x->over_box != y->over_box)
		return x->over_box ? -1 : 1;
	int ix = x->current ? axl_catalog_index(rk->c, x->current) : 1 << 20;
	int iy = y->current ? axl_catalog_index(rk->c, y->current) : 1 << 20;
	if (ix != iy)
		return ix < iy ? -1 : 1;
	if (x->time_on != y->time_on)
		return x->time_on > y->time_on ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void learners_table(out *o, const axl_class *k, const axl_catalog *c)
{
	size_t *ord = calloc(k->nlearners ? k->nlearners : 1, sizeof *ord);
	if (!ord) {
		o->nomem = true;
		return;
	}
	for (size_t j = 0; j < k->nlearners; j++)
		ord[j] = j;
	lrank rk = { k, c };
	qsort_r(ord, k->nlearners, sizeof *ord, by_need, &rk);
	line(o, MD_H2, "%-16s %-17s %6s %7s %5s  %s", "learner", "on lesson", "passed", "time",
	     "tries", "failing");
	for (size_t i = 0; i < k->nlearners; i++) {
		const axl_class_learner *L = &k->learners[ord[i]];
		char on[40], tm[32], passed[48];
		if (L->current)
			snprintf(on, sizeof on, "%02d %s", L->current->order, axc_safe(L->current->id));
		else
			snprintf(on, sizeof on, "all passed");
		fmt_min(tm, sizeof tm, L->time_on);
		snprintf(passed, sizeof passed, "%zu/%zu", L->passed, k->nlessons);
		line(o, L->over_box ? MD_BAD : !L->current ? MD_GOOD : MD_TEXT,
		     "%-16.16s %-17.17s %6s %7s %5d  %s%s", axc_safe(L->name), on, passed,
		     L->current ? tm : "-", L->attempts_on, L->over_box ? "OVER " : "",
		     L->failing ? axc_safe(L->failing) : "");
	}
	free(ord);
}

int dash_layout(const axl_class *k, const axl_catalog *c, const dash_opts *o, md_doc *doc,
		char *title, size_t titlelen)
{
	memset(doc, 0, sizeof *doc);
	out w = { doc, o->cols < 40 ? 40 : o->cols, false };
	char at[16] = "";
	struct tm tm;
	time_t now = (time_t)o->now;
	if (localtime_r(&now, &tm))
		strftime(at, sizeof at, "%H:%M:%S", &tm);
	snprintf(title, titlelen, "class: %zu learner%s%s%s, as of %s", k->nlearners,
		 k->nlearners == 1 ? "" : "s", c->course ? ", course " : "",
		 c->course ? axc_safe(c->course) : "", at);
	if (!k->nlearners) {
		line(&w, MD_TEXT, "No learner yet.");
		line(&w, MD_TEXT, "Learners join with: asynclab init --class HOST:PORT --code CODE");
		line(&w, MD_TEXT, "(the line `asynclab serve` printed); this screen updates as "
				  "they verify.");
	} else {
		callouts(&w, k);
		line(&w, MD_TEXT, "%s", "");
		lessons_table(&w, k);
		line(&w, MD_TEXT, "%s", "");
		learners_table(&w, k, c);
	}
	for (size_t i = 0; i < k->nskipped; i++)
		line(&w, MD_COMMENT, "skipped %s", axc_safe(k->skipped[i].why));
	if (w.nomem) {
		md_free(doc);
		return -ENOMEM;
	}
	return 0;
}

/* ---- a class server as the source ------------------------------------------ */

static void *fetch_loop(void *arg)
{
	dash_remote *r = arg;
	pthread_mutex_lock(&r->lock);
	while (!r->stop) {
		pthread_mutex_unlock(&r->lock);
		json_t *doc = NULL;
		char why[256] = "";
		int rc = axw_class_fetch(r->server, r->code, 4000, &doc, why, sizeof why);
		pthread_mutex_lock(&r->lock);
		if (rc == 0) {
			json_decref(r->doc);
			r->doc = doc;
			r->version++;
			r->error[0] = '\0';
		} else {
			snprintf(r->error, sizeof r->error, "%s", why);
		}
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += r->period_ms / 1000;
		until.tv_nsec += (long)(r->period_ms % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (!r->stop && pthread_cond_timedwait(&r->wake, &r->lock, &until) == 0)
			;
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

int dash_remote_start(dash_remote *r, const char *server, const char *code, int period_ms)
{
	memset(r, 0, sizeof *r);
	r->server = strdup(server);
	r->code = strdup(code);
	r->period_ms = period_ms > 100 ? period_ms : 100;
	if (!r->server || !r->code) {
		free(r->server);
		free(r->code);
		return -ENOMEM;
	}
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->wake, NULL);
	int rc = pthread_create(&r->thread, NULL, fetch_loop, r);
	if (rc) {
		dash_remote_stop(r);
		return -rc;
	}
	r->started = true;
	return 0;
}

json_t *dash_remote_take(dash_remote *r, uint64_t *seen, char *err, size_t errlen)
{
	pthread_mutex_lock(&r->lock);
	json_t *doc = r->version != *seen && r->doc ? json_incref(r->doc) : NULL;
	*seen = r->version;
	snprintf(err, errlen, "%s", r->error);
	pthread_mutex_unlock(&r->lock);
	return doc;
}

void dash_remote_stop(dash_remote *r)
{
	if (r->started) {
		pthread_mutex_lock(&r->lock);
		r->stop = true;
		pthread_cond_signal(&r->wake);
		pthread_mutex_unlock(&r->lock);
		pthread_join(r->thread, NULL);
	}
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->wake);
	json_decref(r->doc);
	free(r->server);
	free(r->code);
	memset(r, 0, sizeof *r);
}
