/* check_serve.c - the class store, the class server on the loopback and a
 * workspace's push queue: codes kept across a restart, a learner writes
 * only their own record, wrong codes and oversized or malformed requests
 * are refused, a push to a server that is down stays queued and goes out
 * once the server answers. */
#include "config.h"

#include "../../tui/serve.h"
#include "../lessons/lesson_fixture.h"
#include "../testutil.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <sys/socket.h>

#define TOKEN_A "0123456789abcdef0123456789abcdef"
#define TOKEN_B "fedcba9876543210fedcba9876543210"
#define PROG_DOC "{\"version\":1,\"current\":\"join\",\"lessons\":{\"join\":{\"passed\":false," \
		 "\"attempts\":2,\"hints\":1,\"time_s\":60,\"last_failed\":\"concurrent\"}}}"

static char *top;

static void setup(void)
{
	top = fx_tmpdir();
	ck_assert_int_eq(chdir(top), 0);
}

static void teardown(void)
{
	fx_rmrf(top);
	free(top);
}

/* ---- the store ----------------------------------------------------------- */

START_TEST(store_codes_survive_reopen)
{
	axl_classdb *db = NULL;
	char *err = NULL;
	ck_assert_int_eq(axl_classdb_open("c.db", 0, &db, &err), -ENOENT);
	free(err);
	ck_assert_int_eq(axl_classdb_open("c.db", AXL_CLASSDB_CREATE, &db, &err), 0);
	char join[16], view[16];
	snprintf(join, sizeof join, "%s", axl_classdb_join_code(db));
	snprintf(view, sizeof view, "%s", axl_classdb_view_code(db));
	ck_assert_uint_eq(strlen(join), AXL_CLASS_CODE_LEN);
	ck_assert_str_ne(join, view);
	axl_class_push p = { .id = "ann-1", .name = "Ann", .token = TOKEN_A, .seq = 1,
			     .progress = PROG_DOC, .course = "join 20\n" };
	axl_push_outcome out;
	int64_t seq;
	ck_assert_int_eq(axl_classdb_push(db, &p, 100, &out, &seq), 0);
	ck_assert_int_eq(out, AXL_PUSH_JOINED);
	axl_classdb_close(db);

	ck_assert_int_eq(axl_classdb_open("c.db", AXL_CLASSDB_READONLY, &db, &err), 0);
	ck_assert_str_eq(axl_classdb_join_code(db), join);
	ck_assert_str_eq(axl_classdb_view_code(db), view);
	axl_classdb_learner *L;
	size_t n;
	ck_assert_int_eq(axl_classdb_learners(db, &L, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(L[0].name, "Ann");
	ck_assert_str_eq(L[0].progress, PROG_DOC);
	ck_assert_str_eq(L[0].course, "join 20\n");
	ck_assert_int_eq(axl_classdb_push(db, &p, 100, &out, &seq), -EROFS);
	axl_classdb_learners_free(L, n);
	axl_classdb_close(db);
}
END_TEST

START_TEST(store_own_record_only_and_stale)
{
	axl_classdb *db = NULL;
	char *err = NULL;
	ck_assert_int_eq(axl_classdb_open("c.db", AXL_CLASSDB_CREATE, &db, &err), 0);
	axl_class_push p = { .id = "ann-1", .name = "Ann", .token = TOKEN_A, .seq = 5,
			     .progress = PROG_DOC };
	axl_push_outcome out;
	int64_t seq;
	ck_assert_int_eq(axl_classdb_push(db, &p, 100, &out, &seq), 0);
	/* Another workspace claiming Ann's id. */
	axl_class_push q = { .id = "ann-1", .name = "Mallory", .token = TOKEN_B, .seq = 9,
			     .progress = "{\"version\":1}" };
	ck_assert_int_eq(axl_classdb_push(db, &q, 101, &out, &seq), -EPERM);
	/* An older snapshot arriving late changes nothing. */
	p.seq = 4;
	p.progress = "{\"version\":1}";
	ck_assert_int_eq(axl_classdb_push(db, &p, 102, &out, &seq), 0);
	ck_assert_int_eq(out, AXL_PUSH_STALE);
	ck_assert_int_eq(seq, 5);
	p.seq = 6;
	ck_assert_int_eq(axl_classdb_push(db, &p, 103, &out, &seq), 0);
	ck_assert_int_eq(out, AXL_PUSH_STORED);
	axl_classdb_learner *L;
	size_t n;
	ck_assert_int_eq(axl_classdb_learners(db, &L, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(L[0].name, "Ann");
	ck_assert_str_eq(L[0].progress, "{\"version\":1}");
	ck_assert_int_eq(L[0].pushes, 2);
	ck_assert_int_eq(L[0].joined, 100);
	ck_assert_int_eq(L[0].updated, 103);
	axl_classdb_learners_free(L, n);
	axl_classdb_close(db);
}
END_TEST

/* A store made by the first version (no course column) is brought up to
 * date when the server opens it, keeping its learners and codes. */
START_TEST(store_upgrades_version_1)
{
	sqlite3 *s = NULL;
	ck_assert_int_eq(sqlite3_open("old.db", &s), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(s,
		"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
		"CREATE TABLE learner(id TEXT PRIMARY KEY, name TEXT NOT NULL, token TEXT NOT NULL,"
		" seq INTEGER NOT NULL, progress TEXT NOT NULL, joined INTEGER NOT NULL,"
		" updated INTEGER NOT NULL, pushes INTEGER NOT NULL);"
		"INSERT INTO meta VALUES ('join_code', 'AAAA-BBBB'), ('view_code', 'CCCC-DDDD');"
		"INSERT INTO learner VALUES ('ann-1', 'Ann', '" TOKEN_A "', 3, '{\"version\":1}',"
		" 1, 2, 3);"
		"PRAGMA user_version=1;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(s);
	axl_classdb *db = NULL;
	char *err = NULL;
	ck_assert_msg(axl_classdb_open("old.db", AXL_CLASSDB_CREATE, &db, &err) == 0, "%s", err);
	ck_assert_str_eq(axl_classdb_join_code(db), "AAAA-BBBB");
	axl_class_push p = { .id = "ann-1", .name = "Ann", .token = TOKEN_A, .seq = 4,
			     .progress = PROG_DOC, .course = "select\n" };
	axl_push_outcome out;
	int64_t seq;
	ck_assert_int_eq(axl_classdb_push(db, &p, 100, &out, &seq), 0);
	ck_assert_int_eq(out, AXL_PUSH_STORED);
	axl_classdb_learner *L;
	size_t n;
	ck_assert_int_eq(axl_classdb_learners(db, &L, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(L[0].course, "select\n");
	ck_assert_int_eq(L[0].pushes, 4);
	axl_classdb_learners_free(L, n);
	axl_classdb_close(db);
}
END_TEST

START_TEST(store_rejects_other_files)
{
	fx_write(top, "notes.db", "these are not the droids you are looking for, not at all\n");
	axl_classdb *db = NULL;
	char *err = NULL, *probe = NULL;
	ck_assert_int_eq(axl_classdb_open("notes.db", 0, &db, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "not a class store"));
	free(err);
	ck_assert(!axl_classdb_probe("notes.db", &probe));
	ck_assert(!axl_classdb_probe(".", &probe));
	ck_assert_int_eq(axl_classdb_open(AXL_CLASSDB_FILE, AXL_CLASSDB_CREATE, &db, &err), 0);
	axl_classdb_close(db);
	ck_assert(axl_classdb_probe(".", &probe));
	ck_assert_ptr_nonnull(strstr(probe, "class.db"));
	free(probe);
}
END_TEST

START_TEST(codes_and_names)
{
	ck_assert(axl_class_code_matches("K7QX-3M2P", "k7qx3m2p"));
	ck_assert(axl_class_code_matches("K7QX-3M2P", "K7QX 3M2P"));
	ck_assert(!axl_class_code_matches("K7QX-3M2P", "K7QX-3M2"));
	ck_assert(!axl_class_code_matches("K7QX-3M2P", ""));
	ck_assert(!axl_class_code_matches("K7QX-3M2P", NULL));
	ck_assert(axl_class_id_ok("3f2a-77"));
	ck_assert(!axl_class_id_ok("a b"));
	ck_assert(!axl_class_id_ok(""));
	ck_assert(axl_class_token_ok(TOKEN_A));
	ck_assert(!axl_class_token_ok("0123"));
	char *n = NULL;
	ck_assert_int_eq(axw_class_parse_server("http://10.0.0.5:8470/", &n), 0);
	ck_assert_str_eq(n, "10.0.0.5:8470");
	free(n);
	ck_assert_int_eq(axw_class_parse_server("lab.local:80", &n), 0);
	free(n);
	ck_assert_int_eq(axw_class_parse_server("10.0.0.5", &n), -EINVAL);
	ck_assert_int_eq(axw_class_parse_server("10.0.0.5:0", &n), -EINVAL);
	ck_assert_int_eq(axw_class_parse_server("a/b:80", &n), -EINVAL);
	ck_assert_int_eq(axw_class_parse_server(":80", &n), -EINVAL);
	char c1[16], c2[16];
	ck_assert_int_eq(axl_class_new_code(c1), 0);
	ck_assert_int_eq(axl_class_new_code(c2), 0);
	ck_assert_str_ne(c1, c2);
	ck_assert_int_eq(c1[4], '-');
}
END_TEST

/* ---- the server over the loopback --------------------------------------- */

static axw_server *start(const char *db)
{
	axw_serve_opts o = { .db_path = db, .bind = "127.0.0.1", .port = 0 };
	axw_server *s = NULL;
	char *err = NULL;
	ck_assert_msg(axw_serve_start(&o, &s, &err) == 0, "%s", err ? err : "?");
	return s;
}

typedef struct answer {
	long status;
	char body[4096];
	size_t n;
} answer;

static size_t keep(char *d, size_t sz, size_t nm, void *ud)
{
	answer *a = ud;
	size_t n = sz * nm, room = sizeof a->body - 1 - a->n;
	memcpy(a->body + a->n, d, n < room ? n : room);
	a->n += n < room ? n : room;
	a->body[a->n] = '\0';
	return n;
}

/* A raw request, so the test controls every byte. */
static answer http(axw_server *s, const char *path, const char *code, const char *body,
		   long body_len)
{
	answer a = { 0 };
	CURL *h = curl_easy_init();
	char url[128], hdr[64];
	snprintf(url, sizeof url, "http://127.0.0.1:%u%s", axw_serve_port(s), path);
	struct curl_slist *hs = curl_slist_append(NULL, "Expect:");
	if (code) {
		snprintf(hdr, sizeof hdr, "%s: %s", AXW_CODE_HEADER, code);
		hs = curl_slist_append(hs, hdr);
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hs);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &a);
	if (body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, body_len);
	}
	ck_assert_int_eq(curl_easy_perform(h), CURLE_OK);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &a.status);
	curl_slist_free_all(hs);
	curl_easy_cleanup(h);
	return a;
}

static char *push_body(const char *code, const char *id, const char *token, int seq)
{
	char *b = NULL;
	ck_assert_int_ge(asprintf(&b, "{\"version\":1,\"code\":\"%s\",\"id\":\"%s\",\"name\":"
				      "\"Ann\",\"token\":\"%s\",\"seq\":%d,\"progress\":" PROG_DOC "}",
				  code, id, token, seq), 0);
	return b;
}

static size_t learners_in(const char *db)
{
	axl_classdb *d = NULL;
	char *err = NULL;
	ck_assert_int_eq(axl_classdb_open(db, AXL_CLASSDB_READONLY, &d, &err), 0);
	axl_classdb_learner *L;
	size_t n;
	ck_assert_int_eq(axl_classdb_learners(d, &L, &n), 0);
	axl_classdb_learners_free(L, n);
	axl_classdb_close(d);
	return n;
}

START_TEST(server_codes_and_pushes)
{
	axw_server *s = start("c.db");
	char join[16], view[16];
	snprintf(join, sizeof join, "%s", axw_serve_join_code(s));
	snprintf(view, sizeof view, "%s", axw_serve_view_code(s));
	ck_assert_int_eq(http(s, "/v1/hello", join, NULL, 0).status, 200);
	ck_assert_int_eq(http(s, "/v1/hello", "WRNG-CODE", NULL, 0).status, 403);
	ck_assert_int_eq(http(s, "/v1/hello", NULL, NULL, 0).status, 403);

	/* A wrong code stores nothing. */
	char *b = push_body("WRNG-CODE", "ann-1", TOKEN_A, 1);
	answer a = http(s, "/v1/push", NULL, b, (long)strlen(b));
	ck_assert_int_eq(a.status, 403);
	ck_assert_ptr_nonnull(strstr(a.body, "wrong class code"));
	free(b);
	ck_assert_uint_eq(learners_in("c.db"), 0);

	b = push_body(join, "ann-1", TOKEN_A, 1);
	a = http(s, "/v1/push", NULL, b, (long)strlen(b));
	ck_assert_int_eq(a.status, 200);
	ck_assert_ptr_nonnull(strstr(a.body, "\"joined\""));
	free(b);
	/* Someone else's workspace cannot overwrite Ann. */
	b = push_body(join, "ann-1", TOKEN_B, 2);
	a = http(s, "/v1/push", NULL, b, (long)strlen(b));
	ck_assert_int_eq(a.status, 403);
	ck_assert_ptr_nonnull(strstr(a.body, "another workspace"));
	free(b);

	/* The dashboard reads with its own code, never with the join code. */
	ck_assert_int_eq(http(s, "/v1/class", join, NULL, 0).status, 403);
	a = http(s, "/v1/class", view, NULL, 0);
	ck_assert_int_eq(a.status, 200);
	ck_assert_ptr_nonnull(strstr(a.body, "\"concurrent\""));

	axw_serve_stats st;
	axw_serve_stats_get(s, &st);
	ck_assert_uint_eq(st.joined, 1);
	ck_assert_uint_eq(st.refused, 5);
	axw_serve_stop(s);
}
END_TEST

START_TEST(server_refuses_bad_requests)
{
	axw_server *s = start("c.db");
	const char *join = axw_serve_join_code(s);
	/* Over the cap: refused, whether or not the length was announced. */
	size_t big = AXW_MAX_BODY + 10;
	char *huge = malloc(big + 1);
	memset(huge, ' ', big);
	huge[big] = '\0';
	answer a = http(s, "/v1/push", NULL, huge, (long)big);
	ck_assert_int_eq(a.status, 413);
	free(huge);
	a = http(s, "/v1/push", NULL, "{not json", 9);
	ck_assert_int_eq(a.status, 400);
	char *b = NULL;
	ck_assert_int_ge(asprintf(&b, "{\"version\":1,\"code\":\"%s\",\"id\":\"a\",\"name\":\"A\","
				      "\"token\":\"" TOKEN_A "\",\"seq\":1,\"progress\":"
				      "{\"version\":7}}", join), 0);
	a = http(s, "/v1/push", NULL, b, (long)strlen(b));
	ck_assert_int_eq(a.status, 400);
	ck_assert_ptr_nonnull(strstr(a.body, "version"));
	free(b);
	ck_assert_int_ge(asprintf(&b, "{\"version\":1,\"code\":\"%s\",\"id\":\"a\",\"name\":"
				      "\"\\u001b[2J\",\"token\":\"" TOKEN_A "\",\"seq\":1,"
				      "\"progress\":{\"version\":1}}", join), 0);
	a = http(s, "/v1/push", NULL, b, (long)strlen(b));
	ck_assert_int_eq(a.status, 400);
	ck_assert_ptr_nonnull(strstr(a.body, "name"));
	free(b);
	ck_assert_int_eq(http(s, "/v1/nothing", NULL, NULL, 0).status, 404);
	ck_assert_int_eq(http(s, "/v1/push", NULL, NULL, 0).status, 405);
	axw_serve_stop(s);
	ck_assert_uint_eq(learners_in("c.db"), 0);
}
END_TEST

START_TEST(server_restart_keeps_everything)
{
	axw_server *s = start("c.db");
	char join[16];
	snprintf(join, sizeof join, "%s", axw_serve_join_code(s));
	char *b = push_body(join, "ann-1", TOKEN_A, 3);
	ck_assert_int_eq(http(s, "/v1/push", NULL, b, (long)strlen(b)).status, 200);
	free(b);
	axw_serve_stop(s);
	s = start("c.db");
	ck_assert_str_eq(axw_serve_join_code(s), join);
	b = push_body(join, "ann-1", TOKEN_A, 2);
	answer a = http(s, "/v1/push", NULL, b, (long)strlen(b));
	ck_assert_ptr_nonnull(strstr(a.body, "\"stale\""));
	ck_assert_ptr_nonnull(strstr(a.body, "\"seq\":3"));
	free(b);
	axw_serve_stop(s);
	ck_assert_uint_eq(learners_in("c.db"), 1);
}
END_TEST

/* ---- the queue ------------------------------------------------------------- */

/* A workspace whose progress names its learner. */
static axl_workspace *learner_ws(const char *dir, const char *id)
{
	axl_workspace *w = NULL;
	ck_assert_int_eq(axl_workspace_init(dir, NULL, &w, NULL), 0);
	char *doc = NULL;
	ck_assert_int_ge(asprintf(&doc, "{\"version\":1,\"learner\":{\"id\":\"%s\",\"name\":"
					"\"Bo\"},\"lessons\":{\"join\":{\"attempts\":1}}}", id), 0);
	fx_write(w->state, "progress.json", doc);
	free(doc);
	return w;
}

/* A loopback port nobody listens on, held for the test (bound, never
 * listening: a connection is refused at once). */
static int dead_port(uint16_t *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	socklen_t len = sizeof sa;
	getsockname(fd, (struct sockaddr *)&sa, &len);
	*port = ntohs(sa.sin_port);
	return fd;
}

START_TEST(queue_waits_for_the_server)
{
	uint16_t dp;
	int hold = dead_port(&dp);
	axl_workspace *w = learner_ws("ws", "bo-7");
	axw_class_cfg cfg = { 0 };
	ck_assert_int_ge(asprintf(&cfg.server, "127.0.0.1:%u", dp), 0);
	cfg.code = strdup("XXXX-XXXX");
	ck_assert_int_eq(axw_class_save(w, &cfg), 0);
	ck_assert(axl_class_token_ok(cfg.token));
	ck_assert_int_eq(axw_push_queue(w), 0);
	ck_assert_int_eq(axw_push_queue(w), 0);
	axw_push_result r;
	ck_assert_int_eq(axw_push_drain(w, 0, &r), -EAGAIN);
	axw_push_state st;
	ck_assert_int_eq(axw_push_state_read(w, &st), 0);
	ck_assert_int_eq(st.queued, 2);
	ck_assert_int_eq(st.sent, 0);
	ck_assert_int_eq(st.failures, 1);
	ck_assert(!st.refused);
	ck_assert_ptr_nonnull(strstr(st.error, "cannot reach"));

	/* The server comes up (elsewhere); the same queue drains. */
	axw_server *s = start("c.db");
	free(cfg.server);
	free(cfg.code);
	ck_assert_int_ge(asprintf(&cfg.server, "127.0.0.1:%u", axw_serve_port(s)), 0);
	cfg.code = strdup(axw_serve_join_code(s));
	ck_assert_int_eq(axw_class_save(w, &cfg), 0);
	/* The workspace's course goes along. */
	fx_write(w->state, AXL_COURSE_FILE, "join 20\n");
	ck_assert_int_eq(axw_push_drain(w, 0, &r), 0);
	ck_assert_str_eq(r.outcome, "joined");
	axl_classdb *db = NULL;
	char *err = NULL;
	ck_assert_int_eq(axl_classdb_open("c.db", AXL_CLASSDB_READONLY, &db, &err), 0);
	axl_classdb_learner *L;
	size_t n;
	ck_assert_int_eq(axl_classdb_learners(db, &L, &n), 0);
	ck_assert_str_eq(L[0].name, "Bo");
	ck_assert_str_eq(L[0].course, "join 20\n");
	axl_classdb_learners_free(L, n);
	axl_classdb_close(db);
	ck_assert_int_eq(axw_push_state_read(w, &st), 0);
	ck_assert_int_eq(st.sent, 2);
	ck_assert_int_eq(st.failures, 0);
	ck_assert_uint_eq(learners_in("c.db"), 1);

	/* A lost queue starts again at 1: the server's higher number wins
	 * once and the snapshot is stored above it. */
	char *pj = fx_path(w->state, AXW_PUSH_FILE);
	unlink(pj);
	free(pj);
	ck_assert_int_eq(axw_push_queue(w), 0);
	ck_assert_int_eq(axw_push_drain(w, 0, &r), 0);
	ck_assert_str_eq(r.outcome, "stored");
	ck_assert_int_eq(axw_push_state_read(w, &st), 0);
	ck_assert_int_eq(st.sent, 3);

	/* A wrong code is a refusal, not an outage: no retrying. */
	free(cfg.code);
	cfg.code = strdup("WRNG-CODE");
	ck_assert_int_eq(axw_class_save(w, &cfg), 0);
	ck_assert_int_eq(axw_push_queue(w), 0);
	ck_assert_int_eq(axw_push_drain(w, 30, &r), -EPERM);
	ck_assert_int_eq(axw_push_state_read(w, &st), 0);
	ck_assert(st.refused);
	ck_assert_ptr_nonnull(strstr(st.error, "wrong class code"));
	axw_serve_stop(s);
	free(cfg.server);
	free(cfg.code);
	axl_workspace_free(w);
	close(hold);
}
END_TEST

static Suite *serve_suite(void)
{
	Suite *s = suite_create("serve");
	TCase *tc = tcase_create("store");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, store_codes_survive_reopen);
	tcase_add_test(tc, store_own_record_only_and_stale);
	tcase_add_test(tc, store_upgrades_version_1);
	tcase_add_test(tc, store_rejects_other_files);
	tcase_add_test(tc, codes_and_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("server");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, server_codes_and_pushes);
	tcase_add_test(tc, server_refuses_bad_requests);
	tcase_add_test(tc, server_restart_keeps_everything);
	tcase_add_test(tc, queue_waits_for_the_server);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(serve_suite)
