/* probe_futures.c - detectors about futures and the end of a run:
 * never-polled futures (created by AX_CALL/AX_BOX, then dropped or left
 * without a first poll), moved futures, leaked tasks at shutdown and the
 * whole-program deadlock. */
#define _GNU_SOURCE
#include "probe_detect.h"

#include <dlfcn.h>
#include <execinfo.h>
#include <string.h>

#define STACK_MAX 32

/* Futures created and not yet polled, by future id (open addressing with
 * linear probing; deletion shifts entries back). */
typedef struct fent {
	uint32_t id;
	const ax_site *site;
	const char *name;
	uint64_t creator; /* task gid, or 0 */
} fent;
static fent *ftab;
static size_t fcap, fn;
static atomic_flag flock = ATOMIC_FLAG_INIT;

static void flock_take(void)
{
	while (atomic_flag_test_and_set_explicit(&flock, memory_order_acquire))
		;
}

static void flock_give(void)
{
	atomic_flag_clear_explicit(&flock, memory_order_release);
}

static size_t fhash(uint32_t id, size_t cap)
{
	return (size_t)((id * 2654435761u) & (cap - 1));
}

static void fput(const fent *e)
{
	if ((fn + 1) * 2 > fcap) {
		size_t cap = fcap ? fcap * 2 : 1024;
		fent *t = calloc(cap, sizeof *t);
		if (!t)
			return;
		for (size_t i = 0; i < fcap; i++) {
			if (!ftab[i].id)
				continue;
			size_t h = fhash(ftab[i].id, cap);
			while (t[h].id)
				h = (h + 1) & (cap - 1);
			t[h] = ftab[i];
		}
		free(ftab);
		ftab = t;
		fcap = cap;
	}
	size_t h = fhash(e->id, fcap);
	while (ftab[h].id && ftab[h].id != e->id)
		h = (h + 1) & (fcap - 1);
	if (!ftab[h].id)
		fn++;
	ftab[h] = *e;
}

/* Remove id; copies the entry to *out when it was there. */
static bool ftake(uint32_t id, fent *out)
{
	if (!fcap)
		return false;
	size_t h = fhash(id, fcap);
	while (ftab[h].id && ftab[h].id != id)
		h = (h + 1) & (fcap - 1);
	if (!ftab[h].id)
		return false;
	if (out)
		*out = ftab[h];
	ftab[h].id = 0;
	fn--;
	/* Shift back the entries that probed past the hole. */
	size_t hole = h;
	for (size_t j = (h + 1) & (fcap - 1); ftab[j].id; j = (j + 1) & (fcap - 1)) {
		size_t home = fhash(ftab[j].id, fcap);
		bool between = hole <= j ? (home > hole && home <= j)
					 : (home > hole || home <= j);
		if (!between) {
			ftab[hole] = ftab[j];
			ftab[j].id = 0;
			hole = j;
		}
	}
	return true;
}

void pr_h_future_create(void *ud, ax_future *f, const ax_site *site)
{
	if (!pr_cfg.on[F_NEVER_POLLED])
		return;
	pr_task *cur = pr_cur();
	fent e = { f->id, site, f->vt->name, cur ? cur->gid : 0 };
	flock_take();
	fput(&e);
	flock_give();
	(void)ud;
}

void pr_detect_future_polled(ax_future *f)
{
	if (!fcap)
		return;
	flock_take();
	ftake(f->id, NULL);
	flock_give();
}

static void report_never(const fent *e, uintptr_t dropped_at)
{
	pr_finding f;
	if (!pr_f_begin(&f, F_NEVER_POLLED, NULL,
			"future '%s' is created here but never awaited or polled, "
			"so it never runs (a forgotten await?)",
			e->name ? e->name : "?"))
		return;
	if (e->creator)
		pr_bprintf(&f.b, ",\"created_by\":%llu", (unsigned long long)e->creator);
	pr_f_loc_site(&f, e->site);
	if (dropped_at)
		pr_f_note_pc(&f, dropped_at, "it is dropped here without being polled");
	pr_f_end(&f);
}

void pr_h_future_drop(void *ud, ax_future *f)
{
	fent e;
	(void)ud;
	if (!fcap)
		return;
	flock_take();
	bool was = ftake(f->id, &e);
	flock_give();
	if (!was || !pr_active || (pr_tl_rt && pr_tl_rt->stopped))
		return;
	/* Report only a drop made by the program itself (ax_future_free or
	 * ax_future_drop called from its code); a combinator or the executor
	 * dropping an unpolled child is not a forgotten await. */
	void *pcs[STACK_MAX];
	int n = backtrace(pcs, STACK_MAX);
	uintptr_t user = 0;
	for (int i = 1; i < n && !user; i++) {
		uintptr_t pc = (uintptr_t)pcs[i] - 1;
		if (pr_pc_in_runtime(pc)) {
			Dl_info info;
			if (!dladdr((void *)pc, &info) || !info.dli_sname ||
			    (strcmp(info.dli_sname, "ax_future_free") &&
			     strcmp(info.dli_sname, "ax_future_drop")))
				return;
		} else if (pr_pc_is_user(pc)) {
			user = pc;
		}
	}
	if (user)
		report_never(&e, user);
}

void pr_h_future_moved(void *ud, ax_future *f, void *was)
{
	(void)ud;
	(void)was;
	if (!pr_active || !pr_cfg.on[F_MOVED_FUTURE])
		return;
	void *pcs[STACK_MAX];
	int n;
	uintptr_t pc = pr_user_caller(pcs, &n, STACK_MAX);
	if (pr_seen_before(F_MOVED_FUTURE, pc ? pc : (uintptr_t)f))
		return;
	pr_task *pt = pr_cur();
	pr_finding fd;
	if (!pr_f_begin(&fd, F_MOVED_FUTURE, pt,
			"future '%s' is polled here at a different address than its "
			"first poll: it was moved after it was pinned",
			f->vt->name ? f->vt->name : "?"))
		return;
	if (pc)
		pr_f_loc_pc(&fd, pc);
	else if (pt)
		pr_f_loc_site(&fd, ax_task_await_site(pt->t));
	pr_f_task_notes(&fd, pt);
	pr_f_end(&fd);
}

/* --- end of a run ------------------------------------------------------- */

typedef struct pending {
	pr_task *list[16];
	int n, total, unexplained;
} pending;

static void collect_pending(pr_task *pt, void *ud)
{
	pending *c = ud;
	if (pt->flags & PT_EXITED)
		return;
	c->total++;
	if (!(pt->flags & PT_EXPLAINED))
		c->unexplained++;
	if (c->n < 16)
		c->list[c->n++] = pt;
}

static void mark_explained(pr_task *pt, void *ud)
{
	pt->flags |= PT_EXPLAINED;
	(void)ud;
}

void pr_detect_deadlock(pr_rt *p)
{
	pending c = { .n = 0 };
	pr_each_task(p, collect_pending, &c);
	p->deadlocked = 1;
	/* A task already reported as unable to wake (a lost waker) is the
	 * likely cause: the deadlock would only repeat it. */
	if (!c.total || c.unexplained < c.total)
		return;
	pr_task *root = pr_task_of(ax_rt_root(p->rt));
	const ax_site *where = root ? ax_task_await_site(root->t) : NULL;
	if (!where && c.n)
		where = ax_task_await_site(c.list[0]->t);
	pr_finding f;
	if (pr_f_begin(&f, F_LEAKED_TASK, root,
		       "deadlock: every task is asleep and nothing can wake one "
		       "(%d task%s waiting)", c.total, c.total == 1 ? "" : "s")) {
		pr_f_loc_site(&f, where);
		for (int i = 0; i < c.n; i++) {
			char lb[128];
			const ax_site *s = ax_task_await_site(c.list[i]->t);
			pr_task_label(c.list[i], lb, sizeof lb);
			if (s)
				pr_f_note_site(&f, s, "%s waits here", lb);
			else
				pr_f_note_site(&f, c.list[i]->site,
					       "%s (spawned here) waits", lb);
		}
		pr_f_end(&f);
	}
	pr_each_task(p, mark_explained, NULL);
}

static void census_one(pr_task *pt, void *ud)
{
	pr_rt *p = ud;
	if (pt->flags & PT_EXITED)
		return;
	/* A leaked task's own future was never polled because the task
	 * leaked: one finding is enough. */
	uint32_t fid = ax_task_future(pt->t)->id;
	if (fid) {
		flock_take();
		ftake(fid, NULL);
		flock_give();
	}
	pr_report_task_locks(pt);
	if (p->deadlocked || (pt->flags & PT_EXPLAINED))
		return;
	pt->flags |= PT_EXPLAINED;
	pr_finding f;
	char lb[128];
	if (!pr_f_begin(&f, F_LEAKED_TASK, pt,
			"%s spawned here was still pending when the runtime shut "
			"down: nothing awaited, joined or stopped it",
			pr_task_label(pt, lb, sizeof lb)))
		return;
	pr_f_loc_site(&f, pt->site);
	/* A daemon (ax_task_daemon) is meant to run until the shutdown: its
	 * finding stays in the report, suppressed. */
	if (ax_task_is_daemon(pt->t))
		pr_f_suppressed(&f, "daemon");
	const ax_site *s = ax_task_await_site(pt->t);
	if (s)
		pr_f_note_site(&f, s, "it was waiting here");
	pr_f_end(&f);
}

void pr_detect_census(pr_rt *p)
{
	pr_each_task(p, census_one, p);
}

void pr_detect_at_exit(void)
{
	flock_take();
	for (size_t i = 0; i < fcap; i++)
		if (ftab[i].id)
			report_never(&ftab[i], 0);
	flock_give();
}
