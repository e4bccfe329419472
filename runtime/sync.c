/* sync.c - the waiter list shared by the synchronisation primitives, and
 * the async mutex, semaphore, notify, and the blocking mutex and
 * reader-writer lock.  Fairness comes from hand-off: a released lock or
 * permit goes straight to the oldest waiter, so a newcomer can never take
 * it first.  With N workers the async primitives and their waiting
 * futures' polls and drops run under the runtime lock (AX_MT_SCOPE); the
 * blocking mutex and reader-writer lock never hold it while they wait
 * (only their hooks take it). */
#include "internal.h"

/* What a waiting future's base.state records. */
enum {
	W_IDLE = 0,    /* not yet queued */
	W_QUEUED = 1,  /* linked in the primitive's list */
	W_GRANTED = 2, /* unlinked by the primitive: the lock/permit/notification is ours */
	W_ALL = 3,     /* woken by notify_waiters: nothing to pass on */
	W_DONE = 4     /* completed */
};

/* ---- waiter list ------------------------------------------------------ */

void ax__wlist_push(ax__wlist *l, ax__waiter *w)
{
	w->next = NULL;
	w->prev = l->tail;
	if (l->tail)
		l->tail->next = w;
	else
		l->head = w;
	l->tail = w;
}

void ax__wlist_remove(ax__wlist *l, ax__waiter *w)
{
	if (w->prev)
		w->prev->next = w->next;
	else
		l->head = w->next;
	if (w->next)
		w->next->prev = w->prev;
	else
		l->tail = w->prev;
	w->prev = w->next = NULL;
}

ax__waiter *ax__wlist_pop(ax__wlist *l)
{
	ax__waiter *w = l->head;
	if (w)
		ax__wlist_remove(l, w);
	return w;
}

void ax__waiter_set_waker(ax__waiter *w, const ax_cx *cx)
{
	if (w->waker && ax_waker_will_wake(w->waker, cx->waker))
		return;
	if (w->waker)
		ax_waker_drop(w->waker);
	w->waker = ax__waker_clone(cx->waker);
}

void ax__waiter_wake(ax__waiter *w)
{
	ax_waker *k = w->waker;
	w->waker = NULL;
	if (k)
		ax_waker_wake(k);
}

void ax__waiter_forget(ax__waiter *w)
{
	ax_waker *k = w->waker;
	w->waker = NULL;
	if (k)
		ax_waker_drop(k);
}

/* ---- async mutex ------------------------------------------------------ */

struct ax_mutex {
	bool locked;	     /* held, or handed to a waiter that has yet to see it */
	ax__wlist waiters;   /* lock futures, oldest first */
	const ax_site *site; /* where the holder locked it (NULL for try_lock) */
};

ax_mutex *ax_mutex_new(void)
{
	return calloc(1, sizeof(ax_mutex));
}

void ax_mutex_free(ax_mutex *m)
{
	AX_MT_SCOPE();
	free(m);
}

/* Give the lock to the oldest waiter, or mark it free.  The lock stays
 * `locked` across the hand-off so that nobody can barge in between. */
static void mutex_pass(ax_mutex *m)
{
	ax__waiter *w = ax__wlist_pop(&m->waiters);
	if (!w) {
		m->locked = false;
		m->site = NULL;
		return;
	}
	AX__WAITER_OF(ax_lock_t, w)->base.state = W_GRANTED;
	ax__waiter_wake(w);
}

static ax_poll_t lock_poll(ax_future *f, ax_cx *cx)
{
	AX_MT_SCOPE();
	ax_lock_t *l = (ax_lock_t *)(void *)f;
	ax_mutex *m = l->m;
	switch (f->state) {
	case W_IDLE:
		if (!m->locked) {
			m->locked = true;
			break;
		}
		ax__waiter_set_waker(&l->w, cx);
		ax__wlist_push(&m->waiters, &l->w);
		f->state = W_QUEUED;
		AX_HOOK(lock_wait, m, AX_LOCK_ASYNC, l->site);
		return AX_PENDING;
	case W_QUEUED:
		ax__waiter_set_waker(&l->w, cx);
		return AX_PENDING;
	case W_GRANTED:
		break;
	default:
		return AX_READY;
	}
	f->state = W_DONE;
	m->site = l->site;
	AX_HOOK(lock, m, AX_LOCK_ASYNC, true, l->site);
	return AX_READY;
}

static void lock_drop(ax_future *f)
{
	AX_MT_SCOPE();
	ax_lock_t *l = (ax_lock_t *)(void *)f;
	if (f->state == W_QUEUED) {
		ax__wlist_remove(&l->m->waiters, &l->w);
	} else if (f->state == W_GRANTED) {
		/* Granted but never observed: the lock was never ours to
		 * report, so pass it on without a release hook. */
		mutex_pass(l->m);
	}
	ax__waiter_forget(&l->w);
	f->state = W_DONE;
}

static const ax_future_vt lock_vt =
	AX_VT_OF(ax_lock_t, "mutex_lock", lock_poll, lock_drop, 0);

ax_lock_t ax__mutex_lock(ax_mutex *m, const ax_site *site)
{
	return (ax_lock_t){ .base.vt = &lock_vt, .m = m, .site = site };
}

bool ax_mutex_try_lock(ax_mutex *m)
{
	AX_MT_SCOPE();
	if (m->locked)
		return false;
	m->locked = true;
	m->site = NULL;
	AX_HOOK(lock, m, AX_LOCK_ASYNC, true, (const ax_site *)NULL);
	return true;
}

/* Release the lock.  The release hook reports the site it was locked at:
 * unlock itself takes no site. */
void ax_mutex_unlock(ax_mutex *m)
{
	AX_MT_SCOPE();
	if (!m->locked)
		return;
	AX_HOOK(lock, m, AX_LOCK_ASYNC, false, m->site);
	mutex_pass(m);
}

void ax__mutex_unlock_cb(void *m)
{
	ax_mutex_unlock(m);
}

/* ---- semaphore -------------------------------------------------------- */

struct ax_sem {
	size_t permits;	   /* free permits; 0 while anyone waits */
	size_t made_with;  /* the permits it was made with (for the hook) */
	ax__wlist waiters; /* acquire futures, oldest first */
};

ax_sem *ax_sem_new(size_t permits)
{
	ax_sem *s = calloc(1, sizeof *s);
	if (s)
		s->permits = s->made_with = permits;
	return s;
}

void ax_sem_free(ax_sem *s)
{
	AX_MT_SCOPE();
	free(s);
}

void ax_sem_release(ax_sem *s)
{
	AX_MT_SCOPE();
	AX_HOOK(sem, s, s->made_with, false);
	ax__waiter *w = ax__wlist_pop(&s->waiters);
	if (!w) {
		s->permits++;
		return;
	}
	AX__WAITER_OF(ax_acquire_t, w)->base.state = W_GRANTED;
	ax__waiter_wake(w);
}

bool ax_sem_try_acquire(ax_sem *s)
{
	AX_MT_SCOPE();
	if (s->permits == 0 || s->waiters.head)
		return false;
	s->permits--;
	AX_HOOK(sem, s, s->made_with, true);
	return true;
}

size_t ax_sem_available(const ax_sem *s)
{
	AX_MT_SCOPE();
	return s->permits;
}

static ax_poll_t acquire_poll(ax_future *f, ax_cx *cx)
{
	AX_MT_SCOPE();
	ax_acquire_t *a = (ax_acquire_t *)(void *)f;
	switch (f->state) {
	case W_IDLE:
		if (ax_sem_try_acquire(a->s)) {
			f->state = W_DONE;
			return AX_READY;
		}
		ax__waiter_set_waker(&a->w, cx);
		ax__wlist_push(&a->s->waiters, &a->w);
		f->state = W_QUEUED;
		return AX_PENDING;
	case W_QUEUED:
		ax__waiter_set_waker(&a->w, cx);
		return AX_PENDING;
	default:
		if (f->state == W_GRANTED)
			AX_HOOK(sem, a->s, a->s->made_with, true);
		f->state = W_DONE;
		return AX_READY;
	}
}

static void acquire_drop(ax_future *f)
{
	AX_MT_SCOPE();
	ax_acquire_t *a = (ax_acquire_t *)(void *)f;
	if (f->state == W_QUEUED)
		ax__wlist_remove(&a->s->waiters, &a->w);
	else if (f->state == W_GRANTED)
		ax_sem_release(a->s); /* pass the unobserved permit on */
	ax__waiter_forget(&a->w);
	f->state = W_DONE;
}

static const ax_future_vt acquire_vt =
	AX_VT_OF(ax_acquire_t, "sem_acquire", acquire_poll, acquire_drop, 0);

ax_acquire_t ax_sem_acquire(ax_sem *s)
{
	return (ax_acquire_t){ .base.vt = &acquire_vt, .s = s };
}

/* ---- notify ----------------------------------------------------------- */

struct ax_notify {
	bool permit;	   /* a notify_one that found nobody waiting */
	ax__wlist waiters; /* notified futures, oldest first */
};

ax_notify *ax_notify_new(void)
{
	return calloc(1, sizeof(ax_notify));
}

void ax_notify_free(ax_notify *n)
{
	AX_MT_SCOPE();
	free(n);
}

void ax_notify_one(ax_notify *n)
{
	AX_MT_SCOPE();
	ax__waiter *w = ax__wlist_pop(&n->waiters);
	if (!w) {
		n->permit = true;
		return;
	}
	AX__WAITER_OF(ax_notified_t, w)->base.state = W_GRANTED;
	ax__waiter_wake(w);
}

void ax_notify_waiters(ax_notify *n)
{
	AX_MT_SCOPE();
	/* Detach the current list first: a waiter that registers while
	 * these are woken is not part of this notification. */
	ax__wlist cur = n->waiters;
	n->waiters.head = n->waiters.tail = NULL;
	ax__waiter *w;
	while ((w = ax__wlist_pop(&cur)) != NULL) {
		AX__WAITER_OF(ax_notified_t, w)->base.state = W_ALL;
		ax__waiter_wake(w);
	}
}

static ax_poll_t notified_poll(ax_future *f, ax_cx *cx)
{
	AX_MT_SCOPE();
	ax_notified_t *nf = (ax_notified_t *)(void *)f;
	switch (f->state) {
	case W_IDLE:
		if (nf->n->permit) {
			nf->n->permit = false;
			f->state = W_DONE;
			return AX_READY;
		}
		ax__waiter_set_waker(&nf->w, cx);
		ax__wlist_push(&nf->n->waiters, &nf->w);
		f->state = W_QUEUED;
		return AX_PENDING;
	case W_QUEUED:
		ax__waiter_set_waker(&nf->w, cx);
		return AX_PENDING;
	default:
		f->state = W_DONE;
		return AX_READY;
	}
}

static void notified_drop(ax_future *f)
{
	AX_MT_SCOPE();
	ax_notified_t *nf = (ax_notified_t *)(void *)f;
	if (f->state == W_QUEUED)
		ax__wlist_remove(&nf->n->waiters, &nf->w);
	else if (f->state == W_GRANTED)
		ax_notify_one(nf->n); /* a notify_one nobody saw: pass it on */
	ax__waiter_forget(&nf->w);
	f->state = W_DONE;
}

static const ax_future_vt notified_vt =
	AX_VT_OF(ax_notified_t, "notified", notified_poll, notified_drop, 0);

ax_notified_t ax_notified(ax_notify *n)
{
	return (ax_notified_t){ .base.vt = &notified_vt, .n = n };
}

/* ---- blocking mutex and reader-writer lock ------------------------------ */

/* The pthread lock is the first member, so the checker, which sees the
 * pthread call, and the lock hook, which names the ax_ lock, see one
 * address for one lock. */
struct ax_bmutex {
	pthread_mutex_t mu;
};

ax_bmutex *ax_bmutex_new(void)
{
	ax_bmutex *m = malloc(sizeof *m);
	if (!m)
		return NULL;
	if (pthread_mutex_init(&m->mu, NULL) != 0) {
		free(m);
		return NULL;
	}
	return m;
}

void ax_bmutex_free(ax_bmutex *m)
{
	if (!m)
		return;
	pthread_mutex_destroy(&m->mu);
	free(m);
}

/* The hooks bracket the time the lock is actually held: acquire after
 * locking, release before unlocking. */
void ax__bmutex_lock(ax_bmutex *m, const ax_site *site)
{
	pthread_mutex_lock(&m->mu);
	AX_HOOK(lock, m, AX_LOCK_BLOCKING, true, site);
}

bool ax__bmutex_trylock(ax_bmutex *m, const ax_site *site)
{
	if (pthread_mutex_trylock(&m->mu) != 0)
		return false;
	AX_HOOK(lock, m, AX_LOCK_BLOCKING, true, site);
	return true;
}

void ax__bmutex_unlock(ax_bmutex *m, const ax_site *site)
{
	AX_HOOK(lock, m, AX_LOCK_BLOCKING, false, site);
	pthread_mutex_unlock(&m->mu);
}

struct ax_brwlock {
	pthread_rwlock_t rw;
};

ax_brwlock *ax_brwlock_new(void)
{
	ax_brwlock *l = malloc(sizeof *l);
	if (!l)
		return NULL;
	if (pthread_rwlock_init(&l->rw, NULL) != 0) {
		free(l);
		return NULL;
	}
	return l;
}

void ax_brwlock_free(ax_brwlock *l)
{
	if (!l)
		return;
	pthread_rwlock_destroy(&l->rw);
	free(l);
}

/* A reader and a writer report alike: to the checker either one is a
 * blocking lock its task holds. */
void ax__brwlock_read(ax_brwlock *l, const ax_site *site)
{
	pthread_rwlock_rdlock(&l->rw);
	AX_HOOK(lock, l, AX_LOCK_BLOCKING, true, site);
}

void ax__brwlock_write(ax_brwlock *l, const ax_site *site)
{
	pthread_rwlock_wrlock(&l->rw);
	AX_HOOK(lock, l, AX_LOCK_BLOCKING, true, site);
}

bool ax__brwlock_try_read(ax_brwlock *l, const ax_site *site)
{
	if (pthread_rwlock_tryrdlock(&l->rw) != 0)
		return false;
	AX_HOOK(lock, l, AX_LOCK_BLOCKING, true, site);
	return true;
}

bool ax__brwlock_try_write(ax_brwlock *l, const ax_site *site)
{
	if (pthread_rwlock_trywrlock(&l->rw) != 0)
		return false;
	AX_HOOK(lock, l, AX_LOCK_BLOCKING, true, site);
	return true;
}

void ax__brwlock_unlock(ax_brwlock *l, const ax_site *site)
{
	AX_HOOK(lock, l, AX_LOCK_BLOCKING, false, site);
	pthread_rwlock_unlock(&l->rw);
}
