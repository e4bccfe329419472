/* classdb.c - the class store in SQLite: one row per learner with their
 * latest progress, a token that only their workspace knows, and the
 * class's codes.  WAL journal with synchronous=NORMAL: a committed push
 * survives the server being killed or restarted (only a power cut may
 * take back the last few), and readers never block the writer. */
#include "config.h"

#include "classdb.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define SCHEMA_VERSION 2

struct axl_classdb {
	sqlite3 *db;
	sqlite3_stmt *get, *ins, *upd;
	char join_code[AXL_CLASS_CODE_LEN + 1];
	char view_code[AXL_CLASS_CODE_LEN + 1];
};

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS learner("
	" id TEXT PRIMARY KEY, name TEXT NOT NULL, token TEXT NOT NULL,"
	" seq INTEGER NOT NULL, progress TEXT NOT NULL,"
	" joined INTEGER NOT NULL, updated INTEGER NOT NULL, pushes INTEGER NOT NULL,"
	" course TEXT);";

/* Look-alikes (0/O, 1/I/L) are left out: codes are read off a projector. */
static const char code_alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

static int fill_random(void *buf, size_t n)
{
	for (size_t off = 0; off < n;) {
		ssize_t r = getrandom((char *)buf + off, n - off, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		off += (size_t)r;
	}
	return 0;
}

int axl_class_new_code(char *buf)
{
	unsigned char r[8];
	int rc = fill_random(r, sizeof r);
	if (rc < 0)
		return rc;
	size_t na = sizeof code_alphabet - 1, o = 0;
	for (int i = 0; i < 8; i++) {
		if (i == 4)
			buf[o++] = '-';
		buf[o++] = code_alphabet[r[i] % na];
	}
	buf[o] = '\0';
	return 0;
}

int axl_class_new_token(char *tok)
{
	unsigned char r[AXL_CLASS_TOKEN_LEN / 2];
	int rc = fill_random(r, sizeof r);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < sizeof r; i++)
		snprintf(tok + 2 * i, 3, "%02x", r[i]);
	return 0;
}

/* A code reduced to its significant characters, upper case. */
static size_t code_norm(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	for (; s && *s && n + 1 < cap; s++) {
		if (*s == '-' || *s == ' ')
			continue;
		out[n++] = (char)(*s >= 'a' && *s <= 'z' ? *s - 'a' + 'A' : *s);
	}
	out[n] = '\0';
	return n;
}

bool axl_class_code_matches(const char *want, const char *given)
{
	char a[32], b[32];
	size_t na = code_norm(want, a, sizeof a), nb = code_norm(given, b, sizeof b);
	if (!na || na != nb)
		return false;
	unsigned diff = 0;
	for (size_t i = 0; i < na; i++)
		diff |= (unsigned)(a[i] ^ b[i]);
	return diff == 0;
}

bool axl_class_id_ok(const char *s)
{
	size_t n = 0;
	for (; s && s[n]; n++) {
		char c = s[n];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-'))
			return false;
	}
	return n >= 1 && n <= AXL_CLASS_ID_MAX;
}

bool axl_class_token_ok(const char *s)
{
	size_t n = 0;
	for (; s && s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'f') || (s[n] >= '0' && s[n] <= '9')))
			return false;
	return n == AXL_CLASS_TOKEN_LEN;
}

/* Constant time over the token's length, so a wrong guess says nothing
 * about how much of it was right. */
static bool token_equal(const char *a, const char *b)
{
	if (!a || !b || strlen(a) != AXL_CLASS_TOKEN_LEN || strlen(b) != AXL_CLASS_TOKEN_LEN)
		return false;
	unsigned diff = 0;
	for (size_t i = 0; i < AXL_CLASS_TOKEN_LEN; i++)
		diff |= (unsigned)(a[i] ^ b[i]);
	return diff == 0;
}

static int set_err(char **err, sqlite3 *db, const char *what)
{
	if (err && asprintf(err, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory") < 0)
		*err = NULL;
	return -EIO;
}

/* Read meta[key] into buf; make it (a fresh code) when missing and we may
 * write. */
static int meta_code(axl_classdb *db, const char *key, char *buf, bool write, char **err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db->db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return set_err(err, db->db, "reading the class codes");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(buf, AXL_CLASS_CODE_LEN + 1, "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		return 0;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return set_err(err, db->db, "reading the class codes");
	if (!write) {
		if (err && asprintf(err, "the class store has no %s", key) < 0)
			*err = NULL;
		return -EINVAL;
	}
	if ((rc = axl_class_new_code(buf)) < 0)
		return rc;
	if (sqlite3_prepare_v2(db->db, "INSERT INTO meta(key, value) VALUES (?, ?)", -1, &st,
			       NULL) != SQLITE_OK)
		return set_err(err, db->db, "storing the class codes");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, buf, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : set_err(err, db->db, "storing the class codes");
}

static int exec(axl_classdb *db, const char *sql, char **err, const char *what)
{
	return sqlite3_exec(db->db, sql, NULL, NULL, NULL) == SQLITE_OK
		       ? 0 : set_err(err, db->db, what);
}

static int prepare(axl_classdb *db, const char *sql, sqlite3_stmt **st, char **err)
{
	return sqlite3_prepare_v3(db->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) ==
			       SQLITE_OK
		       ? 0 : set_err(err, db->db, "preparing the class store");
}

int axl_classdb_open(const char *path, int flags, axl_classdb **out, char **err)
{
	*out = NULL;
	if (err)
		*err = NULL;
	bool ro = flags & AXL_CLASSDB_READONLY, create = (flags & AXL_CLASSDB_CREATE) && !ro;
	if (!create && access(path, F_OK) != 0) {
		int e = errno;
		if (err && asprintf(err, "%s: %s", path, strerror(e)) < 0)
			*err = NULL;
		return -e;
	}
	axl_classdb *db = calloc(1, sizeof *db);
	if (!db)
		return -ENOMEM;
	int oflags = (ro ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
		     (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_FULLMUTEX;
	int rc = 0;
	if (sqlite3_open_v2(path, &db->db, oflags, NULL) != SQLITE_OK) {
		rc = set_err(err, db->db, path);
		goto fail;
	}
	sqlite3_busy_timeout(db->db, 5000);
	sqlite3_extended_result_codes(db->db, 1);
	/* A file that is not a database fails here, on the first read. */
	sqlite3_stmt *st = NULL;
	int ver = -1;
	if (sqlite3_prepare_v2(db->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		ver = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (ver < 0) {
		if (err && asprintf(err, "%s: not a class store (%s)", path,
				    sqlite3_errmsg(db->db)) < 0)
			*err = NULL;
		rc = -EINVAL;
		goto fail;
	}
	if (ver > SCHEMA_VERSION) {
		if (err && asprintf(err, "%s: made by a newer asynclab (store version %d)", path,
				    ver) < 0)
			*err = NULL;
		rc = -EINVAL;
		goto fail;
	}
	if (!ro) {
		if ((rc = exec(db, "PRAGMA journal_mode=WAL", err, path)) < 0 ||
		    (rc = exec(db, "PRAGMA synchronous=NORMAL", err, path)) < 0)
			goto fail;
		if (ver == 0) {
			if (!create) {
				if (err && asprintf(err, "%s: not a class store", path) < 0)
					*err = NULL;
				rc = -EINVAL;
				goto fail;
			}
			if ((rc = exec(db, "BEGIN IMMEDIATE", err, path)) < 0 ||
			    (rc = exec(db, schema, err, path)) < 0 ||
			    (rc = exec(db, "PRAGMA user_version=2", err, path)) < 0 ||
			    (rc = meta_code(db, "join_code", db->join_code, true, err)) < 0 ||
			    (rc = meta_code(db, "view_code", db->view_code, true, err)) < 0 ||
			    (rc = exec(db, "COMMIT", err, path)) < 0) {
				sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
				goto fail;
			}
		} else if (ver == 1) {
			/* Version 2 keeps each learner's course. */
			if ((rc = exec(db, "BEGIN IMMEDIATE", err, path)) < 0 ||
			    (rc = exec(db, "ALTER TABLE learner ADD COLUMN course TEXT", err, path)) <
				    0 ||
			    (rc = exec(db, "PRAGMA user_version=2", err, path)) < 0 ||
			    (rc = exec(db, "COMMIT", err, path)) < 0) {
				sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
				goto fail;
			}
		}
	} else if (ver == 0) {
		if (err && asprintf(err, "%s: not a class store", path) < 0)
			*err = NULL;
		rc = -EINVAL;
		goto fail;
	}
	if ((!db->join_code[0] && (rc = meta_code(db, "join_code", db->join_code, false, err)) < 0) ||
	    (!db->view_code[0] && (rc = meta_code(db, "view_code", db->view_code, false, err)) < 0))
		goto fail;
	if (!ro && ((rc = prepare(db, "SELECT token, seq FROM learner WHERE id = ?", &db->get,
				  err)) < 0 ||
		    (rc = prepare(db, "INSERT INTO learner(id, name, token, seq, progress, joined, "
				      "updated, pushes, course) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)",
				  &db->ins, err)) < 0 ||
		    (rc = prepare(db, "UPDATE learner SET name = ?, seq = ?, progress = ?, "
				      "updated = ?, pushes = pushes + 1, course = ? WHERE id = ?",
				  &db->upd, err)) < 0))
		goto fail;
	*out = db;
	return 0;
fail:
	axl_classdb_close(db);
	return rc;
}

void axl_classdb_close(axl_classdb *db)
{
	if (!db)
		return;
	sqlite3_finalize(db->get);
	sqlite3_finalize(db->ins);
	sqlite3_finalize(db->upd);
	sqlite3_close(db->db);
	free(db);
}

const char *axl_classdb_join_code(const axl_classdb *db)
{
	return db->join_code;
}

const char *axl_classdb_view_code(const axl_classdb *db)
{
	return db->view_code;
}

int axl_classdb_push(axl_classdb *db, const axl_class_push *p, int64_t now,
		     axl_push_outcome *outcome, int64_t *stored_seq)
{
	*stored_seq = p->seq;
	if (!db->get)
		return -EROFS;
	sqlite3_stmt *g = db->get;
	sqlite3_reset(g);
	sqlite3_bind_text(g, 1, p->id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(g);
	if (rc == SQLITE_ROW) {
		const char *tok = (const char *)sqlite3_column_text(g, 0);
		int64_t seq = sqlite3_column_int64(g, 1);
		bool same = token_equal(tok, p->token);
		sqlite3_reset(g);
		if (!same)
			return -EPERM;
		if (p->seq <= seq) {
			*outcome = AXL_PUSH_STALE;
			*stored_seq = seq;
			return 0;
		}
		sqlite3_stmt *u = db->upd;
		sqlite3_reset(u);
		sqlite3_bind_text(u, 1, p->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(u, 2, p->seq);
		sqlite3_bind_text(u, 3, p->progress, -1, SQLITE_STATIC);
		sqlite3_bind_int64(u, 4, now);
		sqlite3_bind_text(u, 5, p->course, -1, SQLITE_STATIC);
		sqlite3_bind_text(u, 6, p->id, -1, SQLITE_STATIC);
		rc = sqlite3_step(u);
		sqlite3_reset(u);
		*outcome = AXL_PUSH_STORED;
		return rc == SQLITE_DONE ? 0 : -EIO;
	}
	sqlite3_reset(g);
	if (rc != SQLITE_DONE)
		return -EIO;
	sqlite3_stmt *in = db->ins;
	sqlite3_reset(in);
	sqlite3_bind_text(in, 1, p->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(in, 2, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(in, 3, p->token, -1, SQLITE_STATIC);
	sqlite3_bind_int64(in, 4, p->seq);
	sqlite3_bind_text(in, 5, p->progress, -1, SQLITE_STATIC);
	sqlite3_bind_int64(in, 6, now);
	sqlite3_bind_int64(in, 7, now);
	sqlite3_bind_text(in, 8, p->course, -1, SQLITE_STATIC);
	rc = sqlite3_step(in);
	sqlite3_reset(in);
	*outcome = AXL_PUSH_JOINED;
	return rc == SQLITE_DONE ? 0 : -EIO;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return strdup(t ? (const char *)t : "");
}

int axl_classdb_learners(axl_classdb *db, axl_classdb_learner **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db->db, "SELECT id, name, progress, seq, joined, updated, pushes, "
				       "course FROM learner ORDER BY name, id", -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	axl_classdb_learner *v = NULL;
	size_t cnt = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		axl_classdb_learner *nv = realloc(v, (cnt + 1) * sizeof *nv);
		if (!nv) {
			rc = SQLITE_NOMEM;
			break;
		}
		v = nv;
		axl_classdb_learner *L = &v[cnt++];
		L->id = col_dup(st, 0);
		L->name = col_dup(st, 1);
		L->progress = col_dup(st, 2);
		L->seq = sqlite3_column_int64(st, 3);
		L->joined = sqlite3_column_int64(st, 4);
		L->updated = sqlite3_column_int64(st, 5);
		L->pushes = sqlite3_column_int64(st, 6);
		L->course = sqlite3_column_type(st, 7) == SQLITE_NULL ? NULL : col_dup(st, 7);
		if (!L->id || !L->name || !L->progress ||
		    (sqlite3_column_type(st, 7) != SQLITE_NULL && !L->course)) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		axl_classdb_learners_free(v, cnt);
		return rc == SQLITE_NOMEM ? -ENOMEM : -EIO;
	}
	*out = v;
	*n = cnt;
	return 0;
}

void axl_classdb_learners_free(axl_classdb_learner *l, size_t n)
{
	for (size_t i = 0; l && i < n; i++) {
		free(l[i].id);
		free(l[i].name);
		free(l[i].progress);
		free(l[i].course);
	}
	free(l);
}

int axl_classdb_version(axl_classdb *db, int64_t *v)
{
	sqlite3_stmt *st = NULL;
	int rc = -EIO;
	if (sqlite3_prepare_v2(db->db, "PRAGMA data_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		*v = sqlite3_column_int64(st, 0);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

bool axl_classdb_probe(const char *path, char **db_path)
{
	*db_path = NULL;
	struct stat st;
	if (stat(path, &st) != 0)
		return false;
	char *file = NULL;
	if (S_ISDIR(st.st_mode)) {
		if (asprintf(&file, "%s/%s", path, AXL_CLASSDB_FILE) < 0)
			return false;
	} else if (!(file = strdup(path))) {
		return false;
	}
	char head[16] = { 0 };
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	bool ok = fd >= 0 && read(fd, head, sizeof head) == (ssize_t)sizeof head &&
		  !memcmp(head, "SQLite format 3", 16);
	if (fd >= 0)
		close(fd);
	if (ok)
		*db_path = file;
	else
		free(file);
	return ok;
}
