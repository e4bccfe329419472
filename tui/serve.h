/* serve.h - the workshop's class server and the learners' side of it.
 *
 * The server (serve.c) is a small HTTP service (libmicrohttpd) on the
 * instructor's machine that stores each learner's progress in the class
 * store (lessons/classdb.h).  A learner's workspace in a class pushes its
 * progress after every verify and hint from a background process
 * (serve_push.c, libcurl), queued in the workspace and retried while the
 * server cannot be reached, so the lab never waits on the network.
 *
 * Protocol, version 1 (JSON bodies, at most AXW_MAX_BODY bytes):
 *   POST /v1/push   {"version":1, "code", "id", "name", "token", "seq",
 *                    "progress": {...}, "course"?: "text of the course"}  -> 200 {"outcome": "joined" |
 *                   "stored" | "stale"}; 403 wrong code or another
 *                   workspace's learner; 400 a malformed push; 413 too big.
 *   GET  /v1/hello  header X-Asynclab-Code: the join code -> 200, else 403.
 *   GET  /v1/class  header X-Asynclab-Code: the dashboard code -> 200
 *                   {"version":1, "learners": [{"id", "name", "joined",
 *                   "updated", "pushes", "progress": {...}, "course"?}]},
 *                   else 403. */
#ifndef ASYNCLAB_TUI_SERVE_H
#define ASYNCLAB_TUI_SERVE_H

#include "../lessons/classdb.h"
#include "../lessons/engine.h"

#include <stdint.h>

#define AXW_MAX_BODY (256 * 1024)	/* a request body, bytes */
#define AXW_DEFAULT_PORT 8470
#define AXW_CODE_HEADER "X-Asynclab-Code"

/* ---- the server ------------------------------------------------------------ */

typedef struct axw_server axw_server;

typedef struct axw_serve_opts {
	const char *db_path;	/* the class store (created when missing) */
	const char *bind;	/* an IPv4 address; NULL: every interface */
	uint16_t port;		/* 0: the kernel picks one */
	unsigned threads;	/* request threads; 0: 2 */
	size_t max_body;	/* 0: AXW_MAX_BODY */
	/* One line per notable event (a learner joined, a push refused);
	 * called from request threads, one call at a time. */
	void (*log)(void *ud, const char *line);
	void *ud;
} axw_serve_opts;

/* Open the store and start listening.  0, or -errno with *err (malloc'd)
 * saying why in words. */
int axw_serve_start(const axw_serve_opts *o, axw_server **out, char **err);
/* The port it listens on (the kernel's choice when asked for 0). */
uint16_t axw_serve_port(const axw_server *s);
const char *axw_serve_join_code(const axw_server *s);
const char *axw_serve_view_code(const axw_server *s);
/* Counters since start. */
typedef struct axw_serve_stats {
	uint64_t stored, joined, stale, refused, bad;
} axw_serve_stats;
void axw_serve_stats_get(axw_server *s, axw_serve_stats *st);
/* Stop listening, finish requests in flight, close the store. */
void axw_serve_stop(axw_server *s);

/* ---- a workspace in a class --------------------------------------------- */

#define AXW_CLASS_FILE "class.json" /* root/.asynclab/class.json */
#define AXW_PUSH_FILE "push.json"   /* root/.asynclab/push.json: the queue */

typedef struct axw_class_cfg {
	char *server;		/* "HOST:PORT" */
	char *code;		/* the join code */
	char token[AXL_CLASS_TOKEN_LEN + 1]; /* this workspace's secret */
} axw_class_cfg;

/* The class settings of workspace w: 0, -ENOENT when it is in no class,
 * -EBADMSG (with why) when the file is damaged. */
int axw_class_load(const axl_workspace *w, axw_class_cfg **out, char *why, size_t whylen);
/* Store them (atomically); a missing token is made first. */
int axw_class_save(const axl_workspace *w, axw_class_cfg *c);
void axw_class_free(axw_class_cfg *c);
/* Check "HOST:PORT" (an optional http:// in front is dropped): 0 and the
 * normalised form in *norm (malloc'd), or -EINVAL. */
int axw_class_parse_server(const char *s, char **norm);

/* The queue: seq of the last progress queued and of the last one the
 * server confirmed, and how the last try went. */
typedef struct axw_push_state {
	int64_t queued, sent;
	int64_t last_try, last_ok;	/* unix times; 0: never */
	int failures;			/* tries in a row that failed */
	char error[200];		/* why the last try failed; "" when it did not */
	bool refused;			/* the server said no (code, token): retrying will not help */
} axw_push_state;

int axw_push_state_read(const axl_workspace *w, axw_push_state *st);

/* Queue the workspace's current progress and start a background sender
 * (a detached process) when none is running.  Returns at once; never
 * touches the network.  0 (also when the workspace is in no class), or
 * -errno when the queue could not be written. */
int axw_push_kick(const axl_workspace *w, const char *self_exe);
/* Queue without starting a sender (for a caller that sends itself). */
int axw_push_queue(const axl_workspace *w);
/* Start the background sender only when something is queued and unsent
 * (what every command does on start, so a queue left by a restart
 * drains). */
int axw_push_resume(const axl_workspace *w, const char *self_exe);

typedef struct axw_push_result {
	int http;		/* the server's status; 0: no answer */
	char outcome[16];	/* "joined", "stored", "stale" */
	int64_t stored_seq;	/* the server's seq for this learner after the push */
	char error[200];	/* why it failed, in words */
} axw_push_result;

/* Send the workspace's progress (with the learner's id and name it
 * holds) as queue entry seq, now, within timeout_ms.  0 delivered, -EPERM
 * refused by the server (code, token, a malformed push) or nothing to
 * send (no learner name yet), -EAGAIN not reached (down, timed out: retry
 * later). */
int axw_push_send(const axl_workspace *w, const axw_class_cfg *c, int64_t seq, int timeout_ms,
		  axw_push_result *r);
/* The hidden `asynclab push --background`: drain the queue of the
 * workspace ASYNCLAB_WORKSPACE names, retrying for ASYNCLAB_PUSH_RETRY_S
 * seconds (default 600).  The exit status. */
int axw_push_background(void);
/* Drain the queue: send until what is queued has been delivered; with
 * retry_s > 0 retry an unreachable server with growing pauses for that
 * many seconds.  Only one drain runs per workspace at a time (a second
 * returns 0 at once).  0 when everything queued was delivered, else as
 * axw_push_send. */
int axw_push_drain(const axl_workspace *w, int retry_s, axw_push_result *last);

/* Ask the server whether code is its join code: 0 yes, -EPERM no,
 * -EAGAIN not reachable. */
int axw_class_hello(const char *server, const char *code, int timeout_ms, char *why,
		    size_t whylen);
/* Fetch the class from a server with the dashboard code: 0 and the
 * document in *doc, or as above. */
int axw_class_fetch(const char *server, const char *view_code, int timeout_ms,
		    json_t **doc, char *why, size_t whylen);

#endif /* ASYNCLAB_TUI_SERVE_H */
