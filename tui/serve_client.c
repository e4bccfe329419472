/* serve_client.c - talking to the class server with libcurl: a push of a
 * learner's progress, the join-code check, and the dashboard's read of
 * the whole class.  Every call has a hard time limit and never raises a
 * signal (CURLOPT_NOSIGNAL), so a server that is down, slow or gone costs
 * at most that limit, and only in the process that asked. */
#include "config.h"

#include "serve.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct buf {
	char *p;
	size_t n;
	bool over;
} buf;

/* A server's answer is small; more than this is not one of ours. */
#define REPLY_MAX (16 * 1024 * 1024)

static size_t on_data(char *data, size_t sz, size_t nm, void *ud)
{
	buf *b = ud;
	size_t n = sz * nm;
	if (b->over || b->n + n > REPLY_MAX) {
		b->over = true;
		return 0;
	}
	char *np = realloc(b->p, b->n + n + 1);
	if (!np)
		return 0;
	memcpy(np + b->n, data, n);
	b->n += n;
	np[b->n] = '\0';
	b->p = np;
	return n;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* One request.  Returns the HTTP status (0: no answer, with why filled)
 * and the parsed JSON answer in *reply when there was one. */
static long request(const char *server, const char *path, const char *code, const char *body,
		    int timeout_ms, json_t **reply, char *why, size_t whylen)
{
	pthread_once(&curl_once, curl_init_once);
	*reply = NULL;
	CURL *h = curl_easy_init();
	if (!h) {
		snprintf(why, whylen, "out of memory");
		return 0;
	}
	char url[512], hdr[128];
	snprintf(url, sizeof url, "http://%s%s", server, path);
	struct curl_slist *hs = NULL;
	if (code) {
		snprintf(hdr, sizeof hdr, "%s: %s", AXW_CODE_HEADER, code);
		hs = curl_slist_append(hs, hdr);
	}
	if (body)
		hs = curl_slist_append(hs, "Content-Type: application/json");
	/* No "Expect: 100-continue" round trip before a body. */
	hs = curl_slist_append(hs, "Expect:");
	char errbuf[CURL_ERROR_SIZE] = "";
	buf b = { 0 };
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hs);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http");
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)(timeout_ms < 2000 ? timeout_ms : 2000));
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "asynclab/" PACKAGE_VERSION);
	if (body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	long status = 0;
	CURLcode rc = curl_easy_perform(h);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		*reply = b.p ? json_loadb(b.p, b.n, 0, NULL) : NULL;
		if (!*reply || !json_is_object(*reply)) {
			json_decref(*reply);
			*reply = NULL;
			snprintf(why, whylen, "%s answered, but not as an asynclab class server "
					      "(HTTP %ld)", server, status);
			status = status == 200 ? 502 : status;
		}
	} else {
		snprintf(why, whylen, "cannot reach %s: %s", server, *errbuf ? errbuf
									: curl_easy_strerror(rc));
	}
	free(b.p);
	curl_slist_free_all(hs);
	curl_easy_cleanup(h);
	return status;
}

/* The server's own words for a refusal, else a generic one. */
static void refusal(const json_t *reply, long status, char *why, size_t whylen)
{
	const char *e = json_string_value(json_object_get(reply, "error"));
	if (e)
		snprintf(why, whylen, "the class server refused it: %s", e);
	else if (!*why)
		snprintf(why, whylen, "the class server refused it (HTTP %ld)", status);
}

int axw_class_hello(const char *server, const char *code, int timeout_ms, char *why,
		    size_t whylen)
{
	json_t *reply = NULL;
	*why = '\0';
	long st = request(server, "/v1/hello", code, NULL, timeout_ms, &reply, why, whylen);
	int rc = st == 200 ? 0 : st == 0 || st >= 500 ? -EAGAIN : -EPERM;
	if (st && st != 200)
		refusal(reply, st, why, whylen);
	json_decref(reply);
	return rc;
}

int axw_class_fetch(const char *server, const char *view_code, int timeout_ms, json_t **doc,
		    char *why, size_t whylen)
{
	*why = '\0';
	*doc = NULL;
	json_t *reply = NULL;
	long st = request(server, "/v1/class", view_code, NULL, timeout_ms, &reply, why, whylen);
	if (st == 200 && json_is_array(json_object_get(reply, "learners"))) {
		*doc = reply;
		return 0;
	}
	if (st && st != 200)
		refusal(reply, st, why, whylen);
	else if (st == 200)
		snprintf(why, whylen, "%s sent no class", server);
	json_decref(reply);
	return st == 0 || st >= 500 ? -EAGAIN : -EPERM;
}

int axw_push_send(const axl_workspace *w, const axw_class_cfg *c, int64_t seq, int timeout_ms,
		  axw_push_result *r)
{
	memset(r, 0, sizeof *r);
	axl_diags d = { 0 };
	axl_progress *p = NULL;
	int e = axl_progress_read(w->progress_path, &p, &d);
	if (e < 0) {
		snprintf(r->error, sizeof r->error, "%s", d.n ? d.msg[0] : strerror(-e));
		axl_diags_free(&d);
		return e == -ENOMEM ? e : -EPERM;
	}
	axl_diags_free(&d);
	if (!p->learner_id || !p->learner_name) {
		snprintf(r->error, sizeof r->error, "%s names no learner yet (`asynclab init "
						    "--name NAME` sets it)", w->progress_path);
		axl_progress_free(p);
		return -EPERM;
	}
	json_t *doc = json_pack("{s:i, s:s, s:s, s:s, s:s, s:I, s:o}", "version", 1, "code",
				c->code, "id", p->learner_id, "name", p->learner_name, "token",
				c->token, "seq", (json_int_t)seq, "progress",
				axl_progress_to_json(p));
	axl_progress_free(p);
	/* The course goes along, so the dashboard shows the day's lessons. */
	char *cpath = axl_workspace_course(w);
	size_t clen = 0;
	char *course = cpath ? axl_read_file(cpath, &clen) : NULL;
	if (course && clen <= AXL_CLASS_COURSE_MAX && doc)
		json_object_set_new(doc, "course", json_string(course));
	free(course);
	free(cpath);
	char *body = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (!body) {
		snprintf(r->error, sizeof r->error, "out of memory");
		return -ENOMEM;
	}
	json_t *reply = NULL;
	long st = request(c->server, "/v1/push", NULL, body, timeout_ms, &reply, r->error,
			  sizeof r->error);
	free(body);
	r->http = (int)st;
	int rc;
	if (st == 200) {
		snprintf(r->outcome, sizeof r->outcome, "%s",
			 json_string_value(json_object_get(reply, "outcome"))
				 ? json_string_value(json_object_get(reply, "outcome")) : "stored");
		r->stored_seq = json_integer_value(json_object_get(reply, "seq"));
		r->error[0] = '\0';
		rc = 0;
	} else if (st == 0 || st >= 500) {
		rc = -EAGAIN;
	} else {
		refusal(reply, st, r->error, sizeof r->error);
		rc = -EPERM;
	}
	json_decref(reply);
	return rc;
}
