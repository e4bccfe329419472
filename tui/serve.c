/* serve.c - the class server: libmicrohttpd answers learners' pushes and
 * the dashboard's reads, the class store keeps them.  Request bodies are
 * capped (a Content-Length over the cap is refused before anything is
 * read), a push must carry the join code and, after a learner's first
 * push, that learner's token.  The store is used by one request at a time
 * under a mutex: a push is a few microseconds of SQLite, far below the
 * network's cost. */
#include "config.h"

#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct axw_server {
	struct MHD_Daemon *d;
	axl_classdb *db;
	pthread_mutex_t lock;	/* the store, the counters, the log */
	axw_serve_opts o;
	uint16_t port;
	axw_serve_stats st;
};

/* What one request accumulates while its body arrives. */
typedef struct req {
	char *body;
	size_t len, cap;
	bool too_big;
} req;

static void logf_(axw_server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Called with s->lock held. */
static void logf_(axw_server *s, const char *fmt, ...)
{
	if (!s->o.log)
		return;
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	s->o.log(s->o.ud, line);
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, json_t *doc)
{
	char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (!text)
		text = strdup("{\"error\":\"out of memory\"}");
	size_t n = text ? strlen(text) : 0;
	struct MHD_Response *r =
		MHD_create_response_from_buffer(n, text, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	enum MHD_Result ok = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result reply_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
	return reply(c, status, json_pack("{s:s}", "error", msg));
}

static const char *peer(struct MHD_Connection *c, char *buf, size_t n)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(buf, n, "?");
	if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, buf,
			  (socklen_t)n);
	return buf;
}

static const char *jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static enum MHD_Result do_push(axw_server *s, struct MHD_Connection *c, const req *q)
{
	char ip[64];
	json_error_t jerr;
	json_t *doc = json_loadb(q->body ? q->body : "", q->len, JSON_REJECT_DUPLICATES, &jerr);
	const char *code = doc ? jstr(doc, "code") : NULL;
	if (!doc || !json_is_object(doc)) {
		json_decref(doc);
		pthread_mutex_lock(&s->lock);
		s->st.bad++;
		pthread_mutex_unlock(&s->lock);
		return reply_error(c, MHD_HTTP_BAD_REQUEST, "the push is not a JSON object");
	}
	if (!axl_class_code_matches(axl_classdb_join_code(s->db), code)) {
		json_decref(doc);
		pthread_mutex_lock(&s->lock);
		s->st.refused++;
		logf_(s, "refused a push from %s: wrong class code", peer(c, ip, sizeof ip));
		pthread_mutex_unlock(&s->lock);
		return reply_error(c, MHD_HTTP_FORBIDDEN, "wrong class code");
	}
	axl_class_push p = { .id = jstr(doc, "id"), .name = jstr(doc, "name"),
			       .token = jstr(doc, "token"), .course = jstr(doc, "course"),
			       .seq = json_integer_value(json_object_get(doc, "seq")) };
	const json_t *prog = json_object_get(doc, "progress");
	const char *bad = NULL;
	char why[256] = "";
	char *ptext = NULL;
	if (json_integer_value(json_object_get(doc, "version")) != 1)
		bad = "unknown protocol version (this server speaks version 1)";
	else if (!axl_class_id_ok(p.id))
		bad = "\"id\" is not a learner id";
	else if (!axl_learner_name_ok(p.name))
		bad = "\"name\" must be 1 to 64 printable characters";
	else if (!axl_class_token_ok(p.token))
		bad = "\"token\" is not a learner token";
	else if (!json_is_integer(json_object_get(doc, "seq")) || p.seq < 1)
		bad = "\"seq\" must be a positive integer";
	else if (json_object_get(doc, "course") &&
		 (!p.course || strlen(p.course) > AXL_CLASS_COURSE_MAX))
		bad = "\"course\" must be the text of a course file (at most 16 KiB)";
	else if (!json_is_object(prog))
		bad = "\"progress\" is not an object";
	else {
		axl_progress *pp = NULL;
		if (axl_progress_from_doc(prog, &pp, why, sizeof why) < 0)
			bad = why;
		else if (!(ptext = json_dumps(prog, JSON_COMPACT)))
			bad = "out of memory";
		axl_progress_free(pp);
	}
	if (bad) {
		enum MHD_Result r = reply(c, MHD_HTTP_BAD_REQUEST,
					  json_pack("{s:s}", "error", bad));
		pthread_mutex_lock(&s->lock);
		s->st.bad++;
		pthread_mutex_unlock(&s->lock);
		free(ptext);
		json_decref(doc);
		return r;
	}
	p.progress = ptext;
	axl_push_outcome out = AXL_PUSH_STALE;
	int64_t seq_now = 0;
	pthread_mutex_lock(&s->lock);
	int rc = axl_classdb_push(s->db, &p, (int64_t)time(NULL), &out, &seq_now);
	if (rc == -EPERM) {
		s->st.refused++;
		logf_(s, "refused a push from %s for \"%s\": another workspace holds that learner",
		      peer(c, ip, sizeof ip), p.name);
	} else if (rc == 0) {
		s->st.stored += out != AXL_PUSH_STALE;
		s->st.joined += out == AXL_PUSH_JOINED;
		s->st.stale += out == AXL_PUSH_STALE;
		if (out == AXL_PUSH_JOINED)
			logf_(s, "%s joined (from %s)", p.name, peer(c, ip, sizeof ip));
	}
	pthread_mutex_unlock(&s->lock);
	enum MHD_Result r;
	if (rc == -EPERM)
		r = reply_error(c, MHD_HTTP_FORBIDDEN,
				"this learner's record belongs to another workspace");
	else if (rc < 0)
		r = reply_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "the class store failed");
	else
		r = reply(c, MHD_HTTP_OK,
			  json_pack("{s:s, s:I}", "outcome",
				    out == AXL_PUSH_JOINED ? "joined"
				    : out == AXL_PUSH_STORED ? "stored" : "stale",
				    "seq", (json_int_t)seq_now));
	free(ptext);
	json_decref(doc);
	return r;
}

static enum MHD_Result do_class(axw_server *s, struct MHD_Connection *c)
{
	axl_classdb_learner *L = NULL;
	size_t n = 0;
	pthread_mutex_lock(&s->lock);
	int rc = axl_classdb_learners(s->db, &L, &n);
	pthread_mutex_unlock(&s->lock);
	if (rc < 0)
		return reply_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "the class store failed");
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *prog = json_loads(L[i].progress, 0, NULL);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:I, s:I, s:I, s:o*, s:s*}", "id",
						     L[i].id, "name", L[i].name, "joined",
						     (json_int_t)L[i].joined, "updated",
						     (json_int_t)L[i].updated, "pushes",
						     (json_int_t)L[i].pushes, "progress", prog,
						     "course", L[i].course));
	}
	axl_classdb_learners_free(L, n);
	return reply(c, MHD_HTTP_OK, json_pack("{s:i, s:o}", "version", 1, "learners", arr));
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	axw_server *s = cls;
	bool post = !strcmp(method, MHD_HTTP_METHOD_POST);
	if (!*con_cls) {
		/* First call: only headers so far. */
		if (post) {
			const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
								     MHD_HTTP_HEADER_CONTENT_LENGTH);
			if (cl && strtoull(cl, NULL, 10) > s->o.max_body)
				return reply_error(c, MHD_HTTP_CONTENT_TOO_LARGE,
						   "the request is too large");
		}
		req *q = calloc(1, sizeof *q);
		if (!q)
			return MHD_NO;
		*con_cls = q;
		return MHD_YES;
	}
	req *q = *con_cls;
	if (*upload_size) {
		size_t n = *upload_size;
		*upload_size = 0;
		if (q->too_big || q->len + n > s->o.max_body) {
			q->too_big = true;
			return MHD_YES;
		}
		if (q->len + n + 1 > q->cap) {
			size_t cap = q->cap ? q->cap : 4096;
			while (cap < q->len + n + 1)
				cap *= 2;
			char *nb = realloc(q->body, cap);
			if (!nb)
				return MHD_NO;
			q->body = nb;
			q->cap = cap;
		}
		memcpy(q->body + q->len, upload, n);
		q->len += n;
		q->body[q->len] = '\0';
		return MHD_YES;
	}
	if (q->too_big)
		return reply_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "the request is too large");
	const char *code = MHD_lookup_connection_value(c, MHD_HEADER_KIND, AXW_CODE_HEADER);
	if (!strcmp(url, "/v1/push")) {
		if (!post)
			return reply_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "POST a push");
		return do_push(s, c, q);
	}
	if (!strcmp(url, "/v1/hello") || !strcmp(url, "/v1/class")) {
		if (strcmp(method, MHD_HTTP_METHOD_GET))
			return reply_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET it");
		bool hello = !strcmp(url, "/v1/hello");
		if (!axl_class_code_matches(hello ? axl_classdb_join_code(s->db)
						  : axl_classdb_view_code(s->db), code)) {
			pthread_mutex_lock(&s->lock);
			s->st.refused++;
			pthread_mutex_unlock(&s->lock);
			return reply_error(c, MHD_HTTP_FORBIDDEN,
					   hello ? "wrong class code" : "wrong dashboard code");
		}
		return hello ? reply(c, MHD_HTTP_OK, json_pack("{s:i}", "version", 1))
			     : do_class(s, c);
	}
	return reply_error(c, MHD_HTTP_NOT_FOUND, "no such path (this is an asynclab class server)");
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	req *q = *con_cls;
	if (q) {
		free(q->body);
		free(q);
		*con_cls = NULL;
	}
}

int axw_serve_start(const axw_serve_opts *o, axw_server **out, char **err)
{
	*out = NULL;
	*err = NULL;
	axw_server *s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	s->o = *o;
	if (!s->o.max_body)
		s->o.max_body = AXW_MAX_BODY;
	if (!s->o.threads)
		s->o.threads = 2;
	pthread_mutex_init(&s->lock, NULL);
	int rc = axl_classdb_open(o->db_path, AXL_CLASSDB_CREATE, &s->db, err);
	if (rc < 0)
		goto fail;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(o->port) };
	sa.sin_addr.s_addr = htonl(INADDR_ANY);
	if (o->bind && inet_pton(AF_INET, o->bind, &sa.sin_addr) != 1) {
		if (asprintf(err, "'%s' is not an IPv4 address", o->bind) < 0)
			*err = NULL;
		rc = -EINVAL;
		goto fail;
	}
	errno = 0;
	s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, o->port, NULL,
				NULL, handle, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->o.threads,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)15,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
				MHD_OPTION_NOTIFY_COMPLETED, completed, s, MHD_OPTION_END);
	if (!s->d) {
		rc = errno ? -errno : -EADDRINUSE;
		if (asprintf(err, "cannot listen on %s:%u: %s", o->bind ? o->bind : "0.0.0.0",
			     (unsigned)o->port,
			     rc == -EADDRINUSE ? "the port is in use (try another --port)"
					       : strerror(-rc)) < 0)
			*err = NULL;
		goto fail;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : o->port;
	*out = s;
	return 0;
fail:
	axl_classdb_close(s->db);
	pthread_mutex_destroy(&s->lock);
	free(s);
	return rc;
}

uint16_t axw_serve_port(const axw_server *s)
{
	return s->port;
}

const char *axw_serve_join_code(const axw_server *s)
{
	return axl_classdb_join_code(s->db);
}

const char *axw_serve_view_code(const axw_server *s)
{
	return axl_classdb_view_code(s->db);
}

void axw_serve_stats_get(axw_server *s, axw_serve_stats *st)
{
	pthread_mutex_lock(&s->lock);
	*st = s->st;
	pthread_mutex_unlock(&s->lock);
}

void axw_serve_stop(axw_server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->d);
	axl_classdb_close(s->db);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
