/* class-push.c - the class server under a room that outgrew one: N
 * simulated learners (default 300) on the loopback each push their
 * progress (17 lessons, about 2 KB) P times (default 10), all starting at
 * once and each sending its next push as soon as the last one is answered,
 * the way a whole workshop verifies after the same instruction.  With
 * --think MS each learner instead waits about MS (0.5 to 1.5 times,
 * seeded) between an answer and its next push: a busy room.  Prints
 * the latency of a push (request sent to answer read) at p50, p90, p99 and
 * the maximum, and the pushes per second.  The server is the real one
 * (axw_serve_start, its own threads and a class store in a temporary
 * folder); the learners share one libcurl multi handle in this thread.
 *
 *   bench/class-push [--learners N] [--pushes P] [--think MS] [--threads T] */
#include "config.h"

#include "../tui/serve.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

typedef struct learner {
	CURL *h;
	char id[32], token[AXL_CLASS_TOKEN_LEN + 1];
	char *body;
	int done;
	uint64_t t0;
	uint64_t next;	/* when to start the next push; 0: none waiting */
} learner;

static size_t sink(char *d, size_t sz, size_t nm, void *ud)
{
	(void)d;
	(void)ud;
	return sz * nm;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static const char *const lessons[] = {
	"welcome", "async-fn", "await", "manual-future", "join", "select", "spawn",
	"cancel-token", "cancel-drop", "streams", "buffered", "try-join", "retry", "pin",
	"blocking", "lock-across-await", "unbounded-spawn"
};

static void set_body(learner *L, const char *code, int seq)
{
	json_t *ls = json_object();
	for (size_t i = 0; i < sizeof lessons / sizeof *lessons; i++)
		json_object_set_new(ls, lessons[i],
			json_pack("{s:b, s:i, s:i, s:i, s:i, s:i, s:s}", "passed", (int)i < seq,
				  "attempts", seq + (int)i, "hints", (int)i % 3, "time_s",
				  60 * (int)i + seq, "last_active", 1796400000 + seq, "passed_at",
				  (int)i < seq ? 1796400000 : 0, "last_failed", "concurrent"));
	json_t *doc = json_pack("{s:i, s:s, s:s, s:s, s:s, s:i, s:{s:i, s:s, s:o}}", "version", 1,
				"code", code, "id", L->id, "name", L->id, "token", L->token,
				"seq", seq, "progress", "version", 1, "current", "join",
				"lessons", ls);
	free(L->body);
	L->body = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
}

static void start_push(CURLM *m, learner *L, const char *url, const char *code)
{
	set_body(L, code, L->done + 1);
	curl_easy_setopt(L->h, CURLOPT_URL, url);
	curl_easy_setopt(L->h, CURLOPT_POSTFIELDS, L->body);
	curl_easy_setopt(L->h, CURLOPT_POSTFIELDSIZE, (long)strlen(L->body));
	curl_easy_setopt(L->h, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(L->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(L->h, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(L->h, CURLOPT_PRIVATE, L);
	L->t0 = now_ns();
	curl_multi_add_handle(m, L->h);
}

int main(int argc, char **argv)
{
	int nl = 300, np = 10, think = 0;
	unsigned threads = 0;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--learners"))
			nl = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--pushes"))
			np = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--think"))
			think = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--threads"))
			threads = (unsigned)atoi(argv[i + 1]);
	}
	if (nl < 1 || np < 1 || think < 0) {
		fprintf(stderr, "usage: class-push [--learners N] [--pushes P] [--think MS] "
				"[--threads T]\n");
		return 2;
	}
	char dir[] = "/tmp/class-push-XXXXXX", db[64];
	if (!mkdtemp(dir))
		return 1;
	snprintf(db, sizeof db, "%s/class.db", dir);
	axw_serve_opts o = { .db_path = db, .bind = "127.0.0.1", .port = 0, .threads = threads };
	axw_server *s = NULL;
	char *err = NULL;
	if (axw_serve_start(&o, &s, &err) < 0) {
		fprintf(stderr, "class-push: %s\n", err ? err : "cannot start the server");
		return 1;
	}
	char url[64];
	snprintf(url, sizeof url, "http://127.0.0.1:%u/v1/push", axw_serve_port(s));
	const char *code = axw_serve_join_code(s);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURLM *m = curl_multi_init();
	curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)nl);
	learner *L = calloc((size_t)nl, sizeof *L);
	uint64_t *lat = calloc((size_t)nl * (size_t)np, sizeof *lat);
	size_t nlat = 0, failed = 0;
	for (int i = 0; i < nl; i++) {
		L[i].h = curl_easy_init();
		snprintf(L[i].id, sizeof L[i].id, "learner-%03d", i);
		axl_class_new_token(L[i].token);
	}
	uint64_t t_start = now_ns(), rnd = 0x9e3779b97f4a7c15u;
	for (int i = 0; i < nl; i++)
		start_push(m, &L[i], url, code);
	int running = nl, waiting = 0;
	while (running || waiting) {
		uint64_t t = now_ns();
		for (int i = 0; waiting && i < nl; i++)
			if (L[i].next && L[i].next <= t) {
				L[i].next = 0;
				waiting--;
				running++;
				start_push(m, &L[i], url, code);
			}
		curl_multi_perform(m, &running);
		CURLMsg *msg;
		int left;
		while ((msg = curl_multi_info_read(m, &left))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			learner *x;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
			long st = 0;
			curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &st);
			curl_multi_remove_handle(m, x->h);
			if (msg->data.result != CURLE_OK || st != 200)
				failed++;
			else
				lat[nlat++] = now_ns() - x->t0;
			if (++x->done < np && !think) {
				start_push(m, x, url, code);
				running++;
			} else if (x->done < np) {
				rnd = rnd * 6364136223846793005u + 1442695040888963407u;
				uint64_t ms = (uint64_t)think / 2 + (rnd >> 33) % (uint64_t)(think + 1);
				x->next = now_ns() + ms * 1000000u;
				waiting++;
			}
		}
		if (running || waiting)
			curl_multi_poll(m, NULL, 0, waiting ? 5 : 100, NULL);
	}
	double secs = (double)(now_ns() - t_start) / 1e9;
	qsort(lat, nlat, sizeof *lat, cmp_u64);
#define PCT(p) (nlat ? (double)lat[(size_t)((double)(nlat - 1) * (p))] / 1e6 : 0.0)
	axw_serve_stats st;
	axw_serve_stats_get(s, &st);
	printf("class-push: %d learners x %d pushes on the loopback, %s (%u server threads)\n",
	       nl, np, think ? "paced" : "all at once", threads ? threads : 2);
	if (think)
		printf("  think time      about %d ms between a learner's pushes\n", think);
	printf("  pushes stored   %llu (%zu failed)\n", (unsigned long long)st.stored, failed);
	printf("  latency ms      p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n", PCT(0.50),
	       PCT(0.90), PCT(0.99), nlat ? (double)lat[nlat - 1] / 1e6 : 0.0);
	printf("  throughput      %.0f pushes/s over %.2f s\n", (double)nlat / secs, secs);
	for (int i = 0; i < nl; i++) {
		curl_easy_cleanup(L[i].h);
		free(L[i].body);
	}
	curl_multi_cleanup(m);
	curl_global_cleanup();
	axw_serve_stop(s);
	free(L);
	free(lat);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "class-push: could not remove %s\n", dir);
	return failed ? 1 : 0;
}
