/* engine.h - the lesson engine: the catalog of lessons and their manifests,
 * verification of a learner's file against a lesson (compile, run under the
 * checker in a sandboxed child, judge the run report), the workspace and
 * the progress store.  It never prints and never uses curses: the CLI and
 * the TUI render what it returns.  Calls that can fail return 0 or a
 * negative errno value; human-readable detail goes to an axl_diags. */
#ifndef ASYNCLAB_LESSONS_ENGINE_H
#define ASYNCLAB_LESSONS_ENGINE_H

#include "../checker/report.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* ------------------------------------------------------------------------
 * Diagnostics: "path:line: message" strings collected by the parsers.
 * ------------------------------------------------------------------------ */

typedef struct axl_diags {
	char **msg; /* owned strings */
	size_t n;
} axl_diags;

void axl_diags_add(axl_diags *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void axl_diags_free(axl_diags *d);

/* ------------------------------------------------------------------------
 * Lessons and the catalog
 * ------------------------------------------------------------------------ */

typedef enum axl_check_kind {
	AXL_CHECK_OUTPUT,
	AXL_CHECK_VTIME,
	AXL_CHECK_TASKS,
	AXL_CHECK_FINDING,
	AXL_CHECK_NO_FINDING,
	AXL_CHECK_EXIT,
	AXL_CHECK_HARNESS,
	AXL_CHECK_FRAME_LOCALS,
	AXL_CHECK_TRACE
} axl_check_kind;

/* What a trace check counts (lesson.ini "what ="), over the checker's
 * scheduler trace (checker/report.h, axc_trace_*). */
typedef enum axl_trace_what {
	AXL_TRACE_POLLS,	   /* polls of futures called name */
	AXL_TRACE_SPAWNS,	   /* tasks spawned from inside function name */
	AXL_TRACE_OVERLAP,	   /* 1 when a name and an other were alive at once */
	AXL_TRACE_PEAK,		   /* most futures called name alive at once */
	AXL_TRACE_DROPPED,	   /* futures called name dropped before completing */
	AXL_TRACE_ABORTED,	   /* tasks of name that ended by abort */
	AXL_TRACE_WOKEN_ELSEWHERE, /* wakes of name's stored waker from elsewhere */
	AXL_TRACE_STREAM_NEXTS,	   /* poll_next calls of streams called name */
	AXL_TRACE_LOCK_OVER_AWAIT  /* 1 when a lock (name: async, blocking, any)
				      was held over an await */
} axl_trace_what;

/* The name of a what as written in lesson.ini ("woken-elsewhere"). */
const char *axl_trace_what_name(axl_trace_what w);

/* The name of a kind as written in lesson.ini ("no-finding"). */
const char *axl_check_kind_name(axl_check_kind k);

typedef struct axl_check {
	char *name;		/* kebab-case, unique in the lesson */
	axl_check_kind kind;
	char *message;		/* shown when it fails; may hold {actual}, {expected} */
	int line;		/* its [check] header line in lesson.ini; 0 if implicit */
	char **expect;		/* output: lines that must appear, in order */
	size_t nexpect;
	char **absent;		/* output: lines that must not appear */
	size_t nabsent;
	int64_t min_ms, max_ms; /* vtime bounds; -1 when unset */
	int64_t min_live, max_live, min_spawned; /* tasks bounds; -1 when unset */
	char *finding;		/* finding / no-finding: an id, or "any" */
	bool line_from_starter; /* finding: must point into the learner's file */
	int status;		/* exit: the expected status */
	axl_trace_what what;	/* trace: what is counted */
	char *tname;		/* trace: name (NULL: every name) */
	char *tother;		/* trace: overlap's second name */
	int64_t tmin, tmax;	/* trace: bounds on the count; -1 when unset */
} axl_check;

typedef struct axl_lesson {
	char *dir;	    /* the folder, as found (absolute when the catalog is) */
	char *folder;	    /* "04-join" */
	char *id;	    /* "join" */
	char *title;
	char *concept;
	int order;	    /* NN */
	int time_box_min;   /* 0 when unset */
	char **args;	    /* program arguments */
	size_t nargs;
	uint64_t seed;
	bool seed_set;
	int time_limit_s;   /* sandbox wall time, default 5 */
	long thresholds[5]; /* the checker's (axc_threshold order); -1: its default */
	char **starter_fails; /* checks the starter must fail */
	size_t nstarter_fails;
	char **teaches;	    /* finding ids whose fix this lesson teaches */
	size_t nteaches;
	axl_check *checks;  /* in file order, plus the implicit clean-exit */
	size_t nchecks;
	int nhints;	    /* hint1.md .. hintN.md present */
	bool has_harness;   /* harness.c present: the exercise holds only the
			       learner's part (see lessons/README.md) */
} axl_lesson;

/* Parse DIR/lesson.ini (DIR is a lesson folder "NN-id").  On success
 * *out is a new lesson (axl_lesson_free).  On a bad manifest returns
 * -EINVAL and adds one "DIR/lesson.ini:LINE: ..." diagnostic per problem;
 * -errno when the file cannot be read. */
int axl_lesson_load(const char *dir, axl_lesson **out, axl_diags *d);
void axl_lesson_free(axl_lesson *l);

/* Check that the files a lesson needs exist (lesson.md, starter.c,
 * solution.c, hint1.md, harness.c for a harness check).  Returns the number
 * of problems, each added to d. */
int axl_lesson_files_check(const axl_lesson *l, axl_diags *d);

/* A path inside the lesson folder ("starter.c"), malloc'd. */
char *axl_lesson_path(const axl_lesson *l, const char *name);

/* Read a whole file into a NUL-terminated malloc'd string, or NULL with
 * errno set. */
char *axl_read_file(const char *path, size_t *len);

typedef struct axl_catalog {
	char *dir;	       /* the lessons directory */
	axl_lesson **lessons;  /* sorted by order, or in the course's order */
	size_t n;
	char *course;	       /* the course file applied; NULL: every lesson */
} axl_catalog;

/* The lessons directory: $ASYNCLAB_LESSONS, else the source tree's when the
 * running program is the one in the build tree, else the installed one.
 * Returns a static string. */
const char *axl_lessons_dir(void);

/* Load every NN-id folder of dir (NULL: axl_lessons_dir()).  Lessons whose
 * manifest is bad are left out, with their diagnostics in d.  Returns 0
 * (possibly with an empty catalog), or -errno when dir cannot be read. */
int axl_catalog_load(const char *dir, axl_catalog **out, axl_diags *d);
void axl_catalog_free(axl_catalog *c);

/* Find a lesson by id ("join"), number ("4", "04") or folder ("04-join").
 * NULL when there is none. */
const axl_lesson *axl_catalog_find(const axl_catalog *c, const char *key);
/* The index of a lesson in the catalog, or -1. */
int axl_catalog_index(const axl_catalog *c, const axl_lesson *l);
/* The first lesson of c that teaches the fix of finding id (its lesson.ini
 * lists the id under teaches), or NULL. */
const axl_lesson *axl_catalog_teaching(const axl_catalog *c, const char *finding);

/* ------------------------------------------------------------------------
 * Courses: the lessons of a given day, in the instructor's order.  A course
 * file lists one lesson per line (an id, a number or a folder name),
 * optionally followed by a time box in minutes ("join 20"); '#' starts a
 * comment and blank lines are ignored.
 * ------------------------------------------------------------------------ */

#define AXL_COURSE_FILE "course" /* a workspace's course: root/.asynclab/course */

/* Keep only the lessons the course file at path lists, in its order, with
 * its time boxes overriding the lessons' own; c->course records the file.
 * Returns 0; -EINVAL when a line names no lesson or one already listed, has
 * a bad time box or more words, or when it lists no lesson at all (one
 * "PATH:LINE: ..." diagnostic each; the catalog is left as it was); -errno
 * when the file cannot be read. */
int axl_catalog_apply_course(axl_catalog *c, const char *path, axl_diags *d);
/* The same with the course's text at hand; path names it in diagnostics
 * and becomes c->course. */
int axl_catalog_apply_course_text(axl_catalog *c, const char *text, const char *path,
				  axl_diags *d);
/* The course in effect: $ASYNCLAB_COURSE when set and not empty, else the
 * course stored in the workspace axl_workspace_find finds, when it has one.
 * A malloc'd path, or NULL when there is no course. */
char *axl_course_find(void);
/* Apply axl_course_find's course to c (0 and nothing changed when there is
 * none): what every view of the lessons calls after axl_catalog_load. */
int axl_catalog_use_course(axl_catalog *c, axl_diags *d);

/* ------------------------------------------------------------------------
 * Verification
 * ------------------------------------------------------------------------ */

typedef struct axl_mark {
	const axl_check *check; /* borrowed from the lesson */
	bool passed;
	bool skipped;		/* not judged on this run's clock (vtime on the
				   real clock); neither passed nor failed */
	char *message;		/* empty when passed; the expanded check message
				   plus the reason when it failed */
	char *actual;		/* what was measured, e.g. "900 ms"; may be NULL */
	int line;		/* the line of the learner's file the failure is
				   about (also named in message); 0: none */
} axl_mark;

typedef struct axl_finding {
	char *id, *message, *file, *function, *fix, *lesson;
	int line;
	char *task_name;	/* NULL when the task has no name */
	int64_t task_id;
} axl_finding;

typedef struct axl_span {
	int64_t task;
	char kind[8];		/* "poll", "stall" or "lock" */
	uint64_t t0, t1;	/* ns of the runtime clock */
} axl_span;

typedef struct axl_task {
	int64_t id, parent;
	char *name, *future, *state; /* name may be NULL */
	uint64_t spawn_ns;
	int64_t exit_ns;	/* -1 while pending */
} axl_task;

typedef enum axl_end {
	AXL_END_EXITED,		/* ran to an exit(status) */
	AXL_END_NOT_BUILT,	/* the compiler failed */
	AXL_END_SIGNAL,		/* killed by a signal */
	AXL_END_TIME,		/* stopped at the time limit */
	AXL_END_MEMORY,		/* stopped at the memory limit */
	AXL_END_PROCESSES,	/* stopped at the process limit */
	AXL_END_OUTPUT,		/* stopped at the output limit */
	AXL_END_OLD_SHAPE,	/* the file is in an older shape of the lesson
				   (it has its own main()): not built */
	AXL_END_DEADLOCK,	/* every task waited and nothing could wake one */
	AXL_END_STUCK,		/* the executor's thread blocked for good; the
				   harness stopped the program */
	AXL_END_UNFINISHED	/* the program exited before the lesson's
				   harness reached its verdict */
} axl_end;

typedef struct axl_result {
	const axl_lesson *lesson; /* borrowed; NULL for a plain run */
	bool passed;		/* every check passed */
	axl_end end;
	int status;		/* exit status when end == AXL_END_EXITED */
	char *verdict;		/* one learner-facing sentence on how the run
				   ended, e.g. "the exercise was killed by SIGSEGV" */
	char *build_output;	/* compiler output ("" when none) */
	char *out, *err;	/* the program's stdout and stderr */
	bool output_truncated;
	axl_mark *marks;	/* one per check, in check order */
	size_t nmarks, nfailed;
	axl_finding *findings;
	size_t nfindings;
	axl_task *tasks;
	size_t ntasks;
	axl_span *timeline;
	size_t nspans;
	uint64_t virtual_ns, wall_ns, peak_live, spawned;
	bool real_clock;	/* the run used the real clock */
	axc_report *report;	/* the checker's typed run report (owned);
				   NULL when nothing ran */
} axl_result;

/* A plain C local of an async function whose value is used after an await
 * that it does not survive (the frame-locals analysis). */
typedef struct axl_local {
	char *name;		/* "total" */
	char *function;		/* the async function, "download" */
	int decl_line;		/* in the learner's file */
	int await_line;		/* the await it does not survive; 0: unknown */
	int use_line;		/* a use after it; 0: unknown */
} axl_local;

/* A learner's file built into a program for a lesson, ready to be run any
 * number of times (axl_run_opts.build). */
typedef struct axl_build {
	bool ok;		/* the program was built */
	bool old_shape;		/* not built: the file is in an older shape of
				   the lesson (it defines main()) */
	char *output;		/* what the compiler said, for the learner */
	char *exe;		/* the program */
	char *learner;		/* the learner's file as compiled */
	bool locals_checked;	/* the frame-locals analysis ran */
	axl_local *locals;
	size_t nlocals;
	void *priv;		/* temporary files, removed by axl_build_free */
} axl_build;

/* Build FILE for lesson l at optimisation opt ("-O0" when NULL): with a
 * harness, the exercise and the lesson's entry points (lesson.h) in one
 * unit, linked with harness.c; and, when the lesson has a frame-locals
 * check, the analysis compile, unless `analysed` is given: a build of the
 * same file whose analysis is copied (it does not depend on opt).  *out is
 * a new build whatever the compiler said (see ok).  Returns 0, or -errno
 * when the compiler could not run. */
int axl_build_exercise(const axl_lesson *l, const char *file, const char *opt,
		       const axl_build *analysed, axl_build **out);
void axl_build_free(axl_build *b);

typedef struct axl_run_opts {
	const char *file;	/* the learner's C file */
	const axl_build *build;	/* already built (for file): run this */
	const char *opt;	/* optimisation when building: NULL "-O0" */
	bool real_clock;	/* run on the real clock (tests); the lab always
				   uses the virtual one */
	int time_limit_s;	/* 0: the lesson's */
	bool plain;		/* run it as the lesson does (with its harness
				   when it has one) but judge nothing */
	bool trace;		/* record the scheduler trace (result->report's
				   trace); the report's output is then left as
				   the program wrote it, harness records included,
				   so the events' out_len offsets match it */
	bool with_trace;	/* record the scheduler trace too, the output
				   shown as the learner sees it (the harness's
				   records taken out, so out_len offsets do not
				   match it): the lab's timeline */
} axl_run_opts;

/* Compile FILE, run it under the checker in a sandboxed child and judge
 * the report against the lesson's checks.  *out is a new result
 * (axl_result_free).  Returns 0 whatever the verdict, -errno when nothing
 * could be run at all.  A lesson of NULL, or o->plain, makes a plain run
 * (no marks; passed means it exited 0). */
int axl_verify(const axl_lesson *l, const char *file, axl_result **out);
int axl_run(const axl_lesson *l, const axl_run_opts *o, axl_result **out);

/* Judge an existing run report (taken over: the result owns it).  learner
 * is the learner's file as it was compiled (for line_from = starter).
 * Exposed for tests and for tools that replay reports (axc_report_read). */
axl_result *axl_judge(const axl_lesson *l, axc_report *report, const char *learner);
/* Name in each finding of r the lesson of c that teaches its fix
 * (lesson.ini's teaches); a finding no lesson teaches keeps NULL. */
void axl_result_name_lessons(axl_result *r, const axl_catalog *c);
void axl_result_free(axl_result *r);
/* A bound as words for messages: "exactly 300 ms", "between 1 and 4 live
 * tasks", "at most 300 ms", "at least 2 ms" (lo or hi < 0: unset). */
void axl_bound_text(char *buf, size_t n, int64_t lo, int64_t hi, const char *unit);

/* ------------------------------------------------------------------------
 * Lesson self-check (lesson-lint and the test suite)
 * ------------------------------------------------------------------------ */

typedef struct axl_lint {
	int problems;		 /* each one is also a diagnostic */
	char starter_failed[256]; /* the checks the starter failed, comma separated */
	double starter_s, solution_s; /* wall time of each verify round trip */
} axl_lint;

/* Check a loaded lesson: every file present; the starter compiles and fails
 * a check (each of starter_fails when given); the solution passes every
 * check.  Problems are added to d as "path[:line]: message".  Returns 0 when
 * the checks could run (see out->problems), -errno when the checker could
 * not run at all. */
int axl_lesson_lint(const axl_lesson *l, axl_lint *out, axl_diags *d);

/* ------------------------------------------------------------------------
 * Progress
 * ------------------------------------------------------------------------ */

typedef struct axl_lesson_progress {
	char *id;
	bool passed;
	int attempts;		/* verifications of the workspace file */
	int hints;		/* hint levels revealed */
	int64_t time_s;		/* time spent, seconds (idle gaps capped) */
	int64_t last_active;	/* unix time of the last activity; 0: never */
	int64_t passed_at;	/* unix time of the first pass; 0: not yet */
	char *last_failed;	/* the first failing check of the last attempt */
} axl_lesson_progress;

typedef struct axl_progress {
	char *current;		/* the lesson the learner is on; NULL: none yet */
	axl_lesson_progress *lessons;
	size_t n;
	char *learner_id;	/* who this is: made once (axl_progress_identify)
				   and kept for good, so a copy of the file is
				   the same learner; NULL: not yet */
	char *learner_name;	/* as the learner gave it; NULL: not asked */
	/* The rest is private to lessons/progress*.c. */
	size_t cap;		/* lessons allocated */
	size_t *ix;		/* open-addressing index: id hash -> 1 + position;
				   0 is an empty slot; ixcap is a power of two */
	size_t ixcap;
	struct axl_progress *base; /* the file as last read or written: a merge
				   adds what changed since then to the file's
				   newer contents */
	json_t *extra;		/* top-level members this version does not know,
				   written back as they were */
	char *path;		/* the file it was loaded from or saved to */
} axl_progress;

#define AXL_IDLE_CAP_S 600	/* a gap longer than this is not counted as work */

/* Load a progress file.  A missing file gives an empty progress.  A file
 * that is not a valid progress document is renamed aside to
 * PATH.corrupt-<timestamp> (kept, never deleted): returns -EBADMSG with an
 * empty progress in *out and a diagnostic naming both paths in d. */
int axl_progress_load(const char *path, axl_progress **out, axl_diags *d);
/* Read a progress file and change nothing on disk (for tools that read
 * other learners' files, e.g. the class view): 0 and a new progress in
 * *out, or -errno (-ENOENT when missing) / -EBADMSG when it is not a
 * progress document, with *out NULL and one "PATH: why" diagnostic. */
int axl_progress_read(const char *path, axl_progress **out, axl_diags *d);
/* Read a progress document already parsed (e.g. one pushed to the class
 * server): 0 and a new progress in *out, -EBADMSG with why filled when it
 * is not one, or -ENOMEM. */
int axl_progress_from_doc(const json_t *doc, axl_progress **out, char *why, size_t whylen);
/* Save p to path, never losing another process's update: under the
 * workspace's lock (flock on PATH.lock) the file is read again and what
 * changed in p since it was loaded or last saved is merged into what the
 * file holds now (attempts and time are added, hint levels and passes
 * kept at their highest, the current lesson and the last failure taken
 * from whichever side changed them); the result is written atomically (a
 * temporary file in the same folder, fsync, rename, fsync of the folder)
 * and becomes p's contents, so p also sees the others' updates.  A file
 * that no longer parses is moved aside as axl_progress_load does. */
int axl_progress_save(axl_progress *p, const char *path);
/* Remove what a killed writer left next to path: PATH.tmp-PID files of
 * processes that are gone.  Load does this under the lock.  Returns how
 * many were removed. */
int axl_progress_clean(const char *path);
void axl_progress_free(axl_progress *p);
/* The entry for a lesson id, created when missing. */
axl_lesson_progress *axl_progress_get(axl_progress *p, const char *id);
/* Look up without creating; NULL when the lesson was never touched. */
const axl_lesson_progress *axl_progress_find(const axl_progress *p, const char *id);
/* Count time for activity at now on lesson id (gaps over the idle cap
 * count as the cap; nothing counts once the lesson has passed). */
void axl_progress_touch(axl_progress *p, const char *id, int64_t now);
/* Record a verification: attempts+1, passed/last_failed updated; on a pass
 * the current lesson moves to the next one not yet passed in c. */
void axl_progress_record(axl_progress *p, const axl_catalog *c,
			 const axl_lesson *l, const axl_result *r, int64_t now);
int axl_progress_set_current(axl_progress *p, const char *id);
/* Give the progress its learner: a fresh random id when it has none (an
 * id, once made, never changes), and name when not NULL.  0 or -errno. */
int axl_progress_identify(axl_progress *p, const char *name);
#define AXL_LEARNER_NAME_MAX 64	/* bytes of a learner's name */
/* Is name usable as a learner's name: 1..AXL_LEARNER_NAME_MAX bytes,
 * no control characters, not only blanks? */
bool axl_learner_name_ok(const char *name);
/* Start the clock on a lesson that becomes current: its first
 * verification then counts the time since (capped like any idle gap),
 * instead of nothing. */
void axl_progress_start(axl_progress *p, const char *id, int64_t now);
/* The progress as JSON (a new reference), the document progress.json holds. */
json_t *axl_progress_to_json(const axl_progress *p);

/* ------------------------------------------------------------------------
 * Workspace: DIR/exercises/NN-id.c and DIR/.asynclab/progress.json
 * ------------------------------------------------------------------------ */

typedef struct axl_workspace {
	char *root;		/* absolute */
	char *exercises;	/* root/exercises */
	char *state;		/* root/.asynclab */
	char *progress_path;	/* root/.asynclab/progress.json */
} axl_workspace;

#define AXL_DEFAULT_WORKSPACE "asynclab-work"

/* Find the workspace: $ASYNCLAB_WORKSPACE, else the nearest folder with a
 * .asynclab/ walking up from cwd, else ./asynclab-work if it is one.
 * Returns 0, or -ENOENT when there is none. */
int axl_workspace_find(axl_workspace **out);
/* Create (or complete) a workspace at dir: the folders, and a copy of each
 * lesson's starter that is not there yet (existing exercises are never
 * overwritten).  *copied counts the new copies. */
int axl_workspace_init(const char *dir, const axl_catalog *c,
		       axl_workspace **out, int *copied);
/* Open an existing workspace at dir (no creation); -ENOENT if not one. */
int axl_workspace_open(const char *dir, axl_workspace **out);
void axl_workspace_free(axl_workspace *w);
/* The course stored in workspace w (root/.asynclab/course), malloc'd, or
 * NULL when it has none. */
char *axl_workspace_course(const axl_workspace *w);
/* The learner's file for a lesson: root/exercises/NN-id.c (malloc'd). */
char *axl_workspace_exercise(const axl_workspace *w, const axl_lesson *l);
/* Copy the starter in when the exercise is missing: 0 when copied, 1 when
 * the learner's file was already there (it is never overwritten), or
 * -errno. */
int axl_workspace_ensure(const axl_workspace *w, const axl_lesson *l);
/* Put the starter back.  The learner's file is first copied to
 * NN-id.c.bak-YYYYMMDD-HHMMSS; *backup (malloc'd, may be NULL when there
 * was no file) names the copy. */
int axl_workspace_reset(const axl_workspace *w, const axl_lesson *l,
			time_t now, char **backup);

/* Copy a file (write temp + fsync + rename).  0 or -errno. */
int axl_copy_file(const char *from, const char *to);
/* Write data to path atomically.  0 or -errno. */
int axl_write_atomic(const char *path, const char *data, size_t len);

/* ------------------------------------------------------------------------
 * The class view: many learners' progress, per lesson of a catalog
 * ------------------------------------------------------------------------ */

typedef struct axl_class_fail {
	char *check;		/* a check name, as last_failed records it */
	const axl_check *def;	/* the lesson's check of that name; NULL when
				   the lesson no longer has one */
	size_t count;		/* learners whose last attempt failed it first */
	size_t *learners;	/* their indices in axl_class.learners */
} axl_class_fail;

typedef struct axl_class_lesson {
	const axl_lesson *lesson; /* borrowed from the catalog */
	size_t worked;		/* learners with attempts, hints or time on it */
	size_t passed;
	size_t current;		/* learners on it now */
	double median_attempts;	/* among those who worked on it; 0 when none */
	int64_t median_time_s;	/* likewise */
	int64_t hints;		/* hint levels revealed, summed over learners */
	size_t hinted;		/* learners who revealed at least one */
	size_t over_box;	/* not passed, with more time than the time box */
	size_t *over;		/* those learners (indices), over_box of them */
	axl_class_fail *fails;	/* the last failing check of the learners who
				   have not passed, most common first (ties:
				   the lesson's check order) */
	size_t nfails;
} axl_class_lesson;

typedef struct axl_class_learner {
	char *name;		/* the name in their progress (with the start of
				   their id when two share it); without one,
				   the PATH as given, or DIR/sub for a folder */
	char *id;		/* their learner id; NULL when the progress has none */
	char *progress_path;	/* the file (or class store) read; NULL when the
				   workspace has none yet (empty progress) */
	const axl_lesson *current; /* NULL when every lesson is passed */
	size_t passed;		/* lessons of the catalog passed */
	int64_t time_on;	/* seconds on the current lesson, with the stretch
				   they are working on now (under the idle cap) */
	int attempts_on;	/* attempts on the current lesson */
	bool over_box;		/* time_on is over the current lesson's time box */
	char *failing;		/* the check their last try of the current lesson
				   failed first; NULL when none */
	int64_t last_active;	/* unix time of their latest activity; 0: none */
} axl_class_learner;

typedef struct axl_class_skip {
	char *path;
	char *why;		/* "PATH: reason" */
} axl_class_skip;

typedef struct axl_class {
	axl_class_learner *learners;
	size_t nlearners;
	axl_class_lesson *lessons; /* one per catalog lesson, in catalog order */
	size_t nlessons;
	axl_class_skip *skipped;   /* paths that could not be read */
	size_t nskipped;
	axl_class_skip *same;	   /* a learner found again (the same id): counted
				      once, from their newest progress */
	size_t nsame;
	int64_t now;		   /* the time the numbers are for */
} axl_class;

/* Gather the progress of the learners at paths, each a workspace folder
 * (its .asynclab/progress.json), a progress file, a folder holding a
 * progress.json, a folder of workspaces or of collected progress files
 * (each subfolder that is a workspace and each *.json file, in name
 * order), or a class store (lessons/classdb.h; its folder or the file).
 * Files are only read, never moved or written.  A path that cannot be
 * read, or holds no valid progress, is recorded in skipped and left out;
 * the same file named twice counts once, and so does the same learner
 * (their id) found twice, from the newer progress.  Times are taken at
 * now.  Returns 0 or -ENOMEM; *out is a new class (axl_class_free). */
int axl_class_gather_at(const axl_catalog *c, const char *const *paths, size_t npaths,
			int64_t now, axl_class **out);
/* The learners of a class document as a class server sends it
 * ({"learners": [{"id", "name", "progress": {...}, "course"?}]}); label
 * names the source in messages. */
int axl_class_gather_doc(const axl_catalog *c, const json_t *doc, const char *label,
			 int64_t now, axl_class **out);
/* The course most of a class document's learners follow, as
 * axl_class_course does for paths. */
int axl_class_course_doc(const json_t *doc, const char *label, char **text, char **from,
			 size_t *others);
/* The same at the current time. */
int axl_class_gather(const axl_catalog *c, const char *const *paths, size_t npaths,
		     axl_class **out);
/* The course the learners at paths follow: the one most of their
 * workspaces store (or most pushed to a class store), as text in *text
 * and where it was found in *from (both malloc'd); 0 with *text NULL when
 * none has one, or -ENOMEM.  *others counts learners with another course. */
int axl_class_course(const char *const *paths, size_t npaths, char **text, char **from,
		     size_t *others);
void axl_class_free(axl_class *k);

/* A check's failure message for someone who did not run it: {expected}
 * filled in from the manifest where it is fixed (vtime and tasks bounds,
 * exit status, findings), "..." for {actual}.  malloc'd. */
char *axl_check_message_generic(const axl_check *k);

/* ------------------------------------------------------------------------
 * Hints and the solution
 * ------------------------------------------------------------------------ */

/* Reveal the next hint level of l (recording it in p): *level is the level
 * shown (1..nhints) and *text its contents (malloc'd).  Once every level is
 * revealed the last one is shown again.  -ENOENT when there are no hints.
 * When p was loaded from a file, the level is taken from the file and the
 * new one saved to it under the lock, so hints asked for in parallel each
 * count (a save error is returned, with *text set). */
int axl_hint_next(axl_progress *p, const axl_lesson *l, int *level, char **text);
/* The reference solution's text, only once the lesson has passed:
 * -EACCES before that. */
int axl_solution(const axl_progress *p, const axl_lesson *l, char **text);

#endif /* ASYNCLAB_LESSONS_ENGINE_H */
