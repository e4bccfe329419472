/* class_fixture.h - the instructor suites' catalog: three tiny lessons
 * (tiny, two, three with 5, 10 and 15 minute time boxes) in a temporary
 * folder that is also the working directory, with the environment cleared
 * of workspace and course variables. */
#ifndef ASYNCLAB_TESTS_CLASS_FIXTURE_H
#define ASYNCLAB_TESTS_CLASS_FIXTURE_H

#include "lesson_fixture.h"

#define INI(id, n, box, check)                                                         \
	"[lesson]\nid = " id "\ntitle = Lesson " id "\norder = " n "\nconcept = c\n"     \
	"time_box_min = " box "\n"                                                     \
	"[check " check "]\nkind = output\nexpect = " id " ok\n"                        \
	"message = Print it: {expected}\n"                                            \
	"[check fast]\nkind = vtime\nmax_ms = 300\n"                                   \
	"message = It took {actual} (expected {expected}): join them.\n"
#define PROG(line) "#include <stdio.h>\nint main(void){ puts(\"" line "\"); return 0; }\n"

static char *top, *lessons;
static axl_catalog *cat;

static inline void setup(void)
{
	top = fx_tmpdir();
	lessons = fx_path(top, "lessons");
	ck_assert_int_eq(mkdir(lessons, 0755), 0);
	free(fx_lesson(lessons, "00-tiny", INI("tiny", "0", "5", "sum"), PROG("nope"),
		       PROG("tiny ok")));
	free(fx_lesson(lessons, "01-two", INI("two", "1", "10", "out"), PROG("nope"),
		       PROG("two ok")));
	free(fx_lesson(lessons, "02-three", INI("three", "2", "15", "out"), PROG("nope"),
		       PROG("three ok")));
	axl_diags d = { 0 };
	ck_assert_int_eq(axl_catalog_load(lessons, &cat, &d), 0);
	ck_assert_msg(d.n == 0, "%s", fx_diags_text(&d));
	ck_assert_uint_eq(cat->n, 3);
	axl_diags_free(&d);
	ck_assert_int_eq(chdir(top), 0);
	unsetenv("ASYNCLAB_WORKSPACE");
	unsetenv("ASYNCLAB_COURSE");
	setenv("ASYNCLAB_LESSONS", lessons, 1);
	setenv("NO_COLOR", "1", 1);
}

static inline void teardown(void)
{
	axl_catalog_free(cat);
	fx_rmrf(top);
	free(lessons);
	free(top);
}

#endif
