/* serve_push.c - a workspace in a class: its settings (.asynclab/
 * class.json: the server, the join code, the workspace's secret token) and
 * the push queue (.asynclab/push.json).  Every push carries the learner's
 * whole progress, so the queue is two numbers: the last snapshot queued
 * and the last one the server confirmed; a newer snapshot supersedes any
 * older one still waiting.  Sending happens in a detached background
 * process, one per workspace at a time, that retries an unreachable
 * server with growing pauses; the queue survives restarts and the next
 * command resumes it. */
#include "config.h"

#include "serve.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PUSH_TIMEOUT_MS 5000	/* one try, connection included */
#define PUSH_PAUSE_MAX_S 10	/* the longest pause between tries */
#define PUSH_RETRY_S 600	/* a background sender gives up after this long */

static char *state_file(const axl_workspace *w, const char *name)
{
	char *p = NULL;
	return asprintf(&p, "%s/%s", w->state, name) < 0 ? NULL : p;
}

void axw_class_free(axw_class_cfg *c)
{
	if (!c)
		return;
	free(c->server);
	free(c->code);
	free(c);
}

int axw_class_parse_server(const char *s, char **norm)
{
	*norm = NULL;
	if (!s)
		return -EINVAL;
	if (!strncmp(s, "http://", 7))
		s += 7;
	size_t n = strlen(s);
	while (n && s[n - 1] == '/')
		n--;
	const char *colon = memrchr(s, ':', n);
	if (!colon || colon == s || (size_t)(colon - s) > 253)
		return -EINVAL;
	for (const char *h = s; h < colon; h++)
		if (!((*h >= 'a' && *h <= 'z') || (*h >= 'A' && *h <= 'Z') ||
		      (*h >= '0' && *h <= '9') || *h == '.' || *h == '-'))
			return -EINVAL;
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (end != s + n || colon + 1 == end || port < 1 || port > 65535)
		return -EINVAL;
	return asprintf(norm, "%.*s:%ld", (int)(colon - s), s, port) < 0 ? -ENOMEM : 0;
}

int axw_class_load(const axl_workspace *w, axw_class_cfg **out, char *why, size_t whylen)
{
	*out = NULL;
	char *path = state_file(w, AXW_CLASS_FILE);
	if (!path)
		return -ENOMEM;
	if (access(path, F_OK) != 0) {
		free(path);
		return -ENOENT;
	}
	json_error_t jerr;
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	const char *server = json_string_value(json_object_get(doc, "server"));
	const char *code = json_string_value(json_object_get(doc, "code"));
	const char *token = json_string_value(json_object_get(doc, "token"));
	int rc = 0;
	char *norm = NULL;
	if (!doc)
		snprintf(why, whylen, "%s:%d: %s", path, jerr.line, jerr.text), rc = -EBADMSG;
	else if (!server || axw_class_parse_server(server, &norm) < 0)
		snprintf(why, whylen, "%s: \"server\" is not HOST:PORT", path), rc = -EBADMSG;
	else if (!code || !*code)
		snprintf(why, whylen, "%s: no \"code\"", path), rc = -EBADMSG;
	else if (token && !axl_class_token_ok(token))
		snprintf(why, whylen, "%s: \"token\" is damaged", path), rc = -EBADMSG;
	axw_class_cfg *c = rc ? NULL : calloc(1, sizeof *c);
	if (!rc && (!c || !(c->code = strdup(code)))) {
		free(c);
		c = NULL;
		rc = -ENOMEM;
	}
	if (c) {
		c->server = norm;
		norm = NULL;
		snprintf(c->token, sizeof c->token, "%s", token ? token : "");
		*out = c;
	}
	free(norm);
	json_decref(doc);
	free(path);
	return rc;
}

int axw_class_save(const axl_workspace *w, axw_class_cfg *c)
{
	int rc = 0;
	if (!c->token[0] && (rc = axl_class_new_token(c->token)) < 0)
		return rc;
	json_t *doc = json_pack("{s:i, s:s, s:s, s:s}", "version", 1, "server", c->server, "code",
				c->code, "token", c->token);
	char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(doc);
	char *path = state_file(w, AXW_CLASS_FILE);
	if (!text || !path)
		rc = -ENOMEM;
	else
		rc = axl_write_atomic(path, text, strlen(text));
	free(text);
	free(path);
	return rc;
}

/* ---- the queue ------------------------------------------------------------ */

static int state_parse(const char *path, axw_push_state *st)
{
	memset(st, 0, sizeof *st);
	json_t *doc = json_load_file(path, 0, NULL);
	if (!doc)
		return access(path, F_OK) == 0 ? -EBADMSG : 0;
	st->queued = json_integer_value(json_object_get(doc, "queued"));
	st->sent = json_integer_value(json_object_get(doc, "sent"));
	st->last_try = json_integer_value(json_object_get(doc, "last_try"));
	st->last_ok = json_integer_value(json_object_get(doc, "last_ok"));
	st->failures = (int)json_integer_value(json_object_get(doc, "failures"));
	st->refused = json_is_true(json_object_get(doc, "refused"));
	const char *e = json_string_value(json_object_get(doc, "error"));
	snprintf(st->error, sizeof st->error, "%s", e ? e : "");
	json_decref(doc);
	return 0;
}

int axw_push_state_read(const axl_workspace *w, axw_push_state *st)
{
	char *path = state_file(w, AXW_PUSH_FILE);
	if (!path)
		return -ENOMEM;
	int rc = state_parse(path, st);
	free(path);
	return rc;
}

typedef void (*state_fn)(axw_push_state *st, void *ud);

/* Read-modify-write the queue under its lock (short: no network inside). */
static int state_update(const axl_workspace *w, state_fn fn, void *ud, axw_push_state *after)
{
	char *path = state_file(w, AXW_PUSH_FILE), *lock = NULL;
	if (!path || asprintf(&lock, "%s.lock", path) < 0) {
		free(path);
		return -ENOMEM;
	}
	int rc = 0, fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || flock(fd, LOCK_EX) != 0) {
		rc = -errno;
		goto out;
	}
	axw_push_state st;
	state_parse(path, &st); /* a damaged queue starts again from empty */
	fn(&st, ud);
	json_t *doc = json_pack("{s:i, s:I, s:I, s:I, s:I, s:i, s:s, s:b}", "version", 1, "queued",
				(json_int_t)st.queued, "sent", (json_int_t)st.sent, "last_try",
				(json_int_t)st.last_try, "last_ok", (json_int_t)st.last_ok,
				"failures", st.failures, "error", st.error, "refused", st.refused);
	char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(doc);
	rc = text ? axl_write_atomic(path, text, strlen(text)) : -ENOMEM;
	free(text);
	if (after)
		*after = st;
out:
	if (fd >= 0)
		close(fd); /* releases the lock */
	free(path);
	free(lock);
	return rc;
}

static void bump(axw_push_state *st, void *ud)
{
	(void)ud;
	st->queued = (st->queued > st->sent ? st->queued : st->sent) + 1;
	st->refused = false; /* a new snapshot is worth one more try */
}

/* Start `SELF push --background` in the workspace, detached: a new
 * session, no terminal, no descriptors of ours, reaped by init. */
static int spawn_sender(const axl_workspace *w, const char *self_exe)
{
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		setsid();
		pid_t g = fork();
		if (g != 0)
			_exit(g < 0 ? 1 : 0);
		int nul = open("/dev/null", O_RDWR);
		if (nul >= 0) {
			dup2(nul, 0);
			dup2(nul, 1);
			dup2(nul, 2);
		}
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
		signal(SIGPIPE, SIG_IGN);
		setenv("ASYNCLAB_WORKSPACE", w->root, 1);
		execl(self_exe, "asynclab", "push", "--background", (char *)NULL);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return 0;
}

static bool in_class(const axl_workspace *w)
{
	char *path = state_file(w, AXW_CLASS_FILE);
	bool yes = path && access(path, F_OK) == 0;
	free(path);
	return yes;
}

int axw_push_queue(const axl_workspace *w)
{
	return in_class(w) ? state_update(w, bump, NULL, NULL) : 0;
}

int axw_push_kick(const axl_workspace *w, const char *self_exe)
{
	if (!in_class(w))
		return 0;
	int rc = state_update(w, bump, NULL, NULL);
	return rc < 0 ? rc : spawn_sender(w, self_exe);
}

int axw_push_resume(const axl_workspace *w, const char *self_exe)
{
	axw_push_state st;
	if (!in_class(w) || axw_push_state_read(w, &st) < 0 || st.queued <= st.sent || st.refused)
		return 0;
	return spawn_sender(w, self_exe);
}

/* ---- sending ------------------------------------------------------------- */

typedef struct tried {
	int rc;
	int64_t seq, now;
	const axw_push_result *r;
} tried;

static void record_try(axw_push_state *st, void *ud)
{
	const tried *t = ud;
	st->last_try = t->now;
	if (t->rc == 0) {
		if (t->seq > st->sent)
			st->sent = t->seq;
		st->last_ok = t->now;
		st->failures = 0;
		st->error[0] = '\0';
		st->refused = false;
	} else {
		st->failures++;
		snprintf(st->error, sizeof st->error, "%s", t->r->error);
		st->refused = t->rc == -EPERM;
	}
}

static void renumber(axw_push_state *st, void *ud)
{
	int64_t above = *(const int64_t *)ud;
	if (st->queued <= above)
		st->queued = above + 1;
}

int axw_push_drain(const axl_workspace *w, int retry_s, axw_push_result *last)
{
	memset(last, 0, sizeof *last);
	axw_class_cfg *c = NULL;
	int rc = axw_class_load(w, &c, last->error, sizeof last->error);
	if (rc < 0)
		return rc == -ENOENT ? 0 : -EPERM;
	char *run = state_file(w, "push.run");
	int fd = run ? open(run, O_RDWR | O_CREAT | O_CLOEXEC, 0644) : -1;
	free(run);
	if (fd < 0) {
		axw_class_free(c);
		return -errno;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		/* Another sender is at work; it sends the newest snapshot. */
		close(fd);
		axw_class_free(c);
		return 0;
	}
	time_t deadline = time(NULL) + (retry_s > 0 ? retry_s : 0);
	int pause = 1;
	bool renumbered = false;
	for (;;) {
		axw_push_state st;
		if ((rc = axw_push_state_read(w, &st)) < 0)
			break;
		if (st.queued <= st.sent) {
			rc = 0;
			break;
		}
		rc = axw_push_send(w, c, st.queued, PUSH_TIMEOUT_MS, last);
		tried t = { rc, st.queued, (int64_t)time(NULL), last };
		if (rc == 0 && !strcmp(last->outcome, "stale") && last->stored_seq >= st.queued &&
		    !renumbered) {
			/* The server has a newer number for this learner (the queue
			 * was lost or copied): continue above it, once. */
			int64_t above = last->stored_seq;
			state_update(w, renumber, &above, NULL);
			renumbered = true;
			continue;
		}
		state_update(w, record_try, &t, NULL);
		if (rc == 0)
			continue; /* something newer may have been queued meanwhile */
		if (rc != -EAGAIN || time(NULL) + pause > deadline)
			break;
		sleep((unsigned)pause);
		pause = pause * 2 > PUSH_PAUSE_MAX_S ? PUSH_PAUSE_MAX_S : pause * 2;
	}
	close(fd);
	axw_class_free(c);
	return rc;
}

int axw_push_background(void)
{
	axl_workspace *w = NULL;
	if (axl_workspace_find(&w) < 0)
		return 1;
	const char *env = getenv("ASYNCLAB_PUSH_RETRY_S");
	int retry = env && *env ? atoi(env) : PUSH_RETRY_S;
	axw_push_result r;
	int rc = axw_push_drain(w, retry, &r);
	axl_workspace_free(w);
	return rc == 0 ? 0 : 1;
}
