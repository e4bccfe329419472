/* classdb.h - the class store: the latest progress every learner pushed to
 * the class server, kept in an SQLite database so that a restart of the
 * server loses nothing, with the class's join code and the instructor's
 * dashboard code.  One writer (the server) and any number of readers (the
 * dashboard, `asynclab class`) may have it open at once.  Calls return 0 or
 * a negative errno value; they never print. */
#ifndef ASYNCLAB_LESSONS_CLASSDB_H
#define ASYNCLAB_LESSONS_CLASSDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AXL_CLASSDB_FILE "class.db"	/* inside the class folder */
#define AXL_CLASS_ID_MAX 64		/* bytes of a learner id */
#define AXL_CLASS_TOKEN_LEN 32		/* hex digits of a learner's token */
#define AXL_CLASS_CODE_LEN 9		/* "K7QX-3M2P" */
#define AXL_CLASS_COURSE_MAX (16 * 1024) /* bytes of a course sent with a push */

typedef struct axl_classdb axl_classdb;

enum {
	AXL_CLASSDB_CREATE = 1,		/* create the database (and its codes) if missing */
	AXL_CLASSDB_READONLY = 2	/* a reader: never writes */
};

/* Open the class store at path.  On failure *err (malloc'd, may be NULL)
 * says why in words; -ENOENT when it does not exist and CREATE is not
 * given, -EINVAL when the file is not a class store. */
int axl_classdb_open(const char *path, int flags, axl_classdb **out, char **err);
void axl_classdb_close(axl_classdb *db);

/* The class's join code (learners give it at init) and the code the
 * instructor's dashboard uses to read the class over the network.  Both
 * are made once, when the store is created, and kept for good. */
const char *axl_classdb_join_code(const axl_classdb *db);
const char *axl_classdb_view_code(const axl_classdb *db);

/* Whether a code a person typed matches want: case and '-' or blanks do
 * not matter; compared in constant time. */
bool axl_class_code_matches(const char *want, const char *given);
/* A fresh random code ("K7QX-3M2P": 8 characters of an alphabet without
 * look-alikes) in buf (at least AXL_CLASS_CODE_LEN + 1 bytes), or a fresh
 * learner token (AXL_CLASS_TOKEN_LEN hex digits) in tok.  0 or -errno. */
int axl_class_new_code(char *buf);
int axl_class_new_token(char *tok);

/* Is s a well-formed learner id (1..AXL_CLASS_ID_MAX of [A-Za-z0-9-]) /
 * token (AXL_CLASS_TOKEN_LEN lower-case hex digits)? */
bool axl_class_id_ok(const char *s);
bool axl_class_token_ok(const char *s);

typedef struct axl_class_push {
	const char *id;		/* the learner's stable id */
	const char *name;	/* as they gave it */
	const char *token;	/* their workspace's secret */
	int64_t seq;		/* increases with each push of that workspace */
	const char *progress;	/* the progress document, JSON text */
	const char *course;	/* the text of the workspace's course; NULL: none */
} axl_class_push;

typedef enum axl_push_outcome {
	AXL_PUSH_JOINED,	/* the first push of this learner: stored */
	AXL_PUSH_STORED,	/* a newer progress: stored */
	AXL_PUSH_STALE		/* seq not newer than the stored one: kept the stored */
} axl_push_outcome;

/* Store a learner's progress.  The first push of an id records its token;
 * a later push must carry the same token (-EPERM otherwise: a learner can
 * only write their own record).  *stored_seq is the learner's seq in the
 * store afterwards.  The caller has checked the join code
 * and the document. */
int axl_classdb_push(axl_classdb *db, const axl_class_push *p, int64_t now,
		     axl_push_outcome *outcome, int64_t *stored_seq);

typedef struct axl_classdb_learner {
	char *id, *name;
	char *progress;		/* JSON text, as pushed */
	char *course;		/* the text of their course, NULL: none */
	int64_t seq;
	int64_t joined, updated; /* unix times of the first and the last push */
	int64_t pushes;		/* pushes stored (stale ones not counted) */
} axl_classdb_learner;

/* Every learner, by name then id.  *out is an array of *n (free with
 * axl_classdb_learners_free). */
int axl_classdb_learners(axl_classdb *db, axl_classdb_learner **out, size_t *n);
void axl_classdb_learners_free(axl_classdb_learner *l, size_t n);

/* A number that changes whenever another connection changed the store
 * (for a dashboard that redraws only when something arrived). */
int axl_classdb_version(axl_classdb *db, int64_t *v);

/* Is path a class store (a file starting with the SQLite header, or a
 * folder holding AXL_CLASSDB_FILE)?  *db_path (malloc'd) is the file. */
bool axl_classdb_probe(const char *path, char **db_path);

#endif /* ASYNCLAB_LESSONS_CLASSDB_H */
