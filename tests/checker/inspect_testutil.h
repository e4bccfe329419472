/* inspect_testutil.h - helpers for the inspector's suites: a small JSON
 * Schema checker (type, required, properties, items, enum, $ref) used to
 * hold reports to docs/report-schema.json, a fresh working directory per
 * test, and file helpers. */
#ifndef ASYNCLAB_INSPECT_TESTUTIL_H
#define ASYNCLAB_INSPECT_TESTUTIL_H

#include "inspect.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The test's working directory (workdir_enter). */
static inline char *workdir(void)
{
	static char dir[64];
	return dir;
}

/* A checked fixture: each test works in a fresh directory under /tmp,
 * readable by the sandbox's user, so paths are as a user types them. */
static inline void workdir_enter(void)
{
	strcpy(workdir(), "/tmp/axc-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(workdir()));
	chmod(workdir(), 0755);
	ck_assert_int_eq(chdir(workdir()), 0);
}

static inline void workdir_leave(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", workdir());
	if (chdir("/") == 0 && system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", workdir());
}

/* Write text to name in the working directory, readable by everyone. */
static inline void write_file(const char *name, const char *text)
{
	FILE *f = fopen(name, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	chmod(name, 0644);
}

static inline bool schema_type_ok(const char *t, const json_t *v)
{
	if (!strcmp(t, "object"))
		return json_is_object(v);
	if (!strcmp(t, "array"))
		return json_is_array(v);
	if (!strcmp(t, "string"))
		return json_is_string(v);
	if (!strcmp(t, "integer"))
		return json_is_integer(v);
	if (!strcmp(t, "number"))
		return json_is_number(v);
	if (!strcmp(t, "boolean"))
		return json_is_boolean(v);
	if (!strcmp(t, "null"))
		return json_is_null(v);
	return false;
}

/* Returns NULL when v satisfies schema s, else a static description of
 * the first violation with its path. */
static inline const char *schema_check(const json_t *root, const json_t *s, const json_t *v,
				       const char *path)
{
	static char err[512];
	const char *ref = json_string_value(json_object_get(s, "$ref"));
	if (ref && !strncmp(ref, "#/$defs/", 8))
		s = json_object_get(json_object_get(root, "$defs"), ref + 8);
	const json_t *type = json_object_get(s, "type");
	if (json_is_string(type) && !schema_type_ok(json_string_value(type), v)) {
		snprintf(err, sizeof err, "%s: not a %s", path, json_string_value(type));
		return err;
	}
	if (json_is_array(type)) {
		bool ok = false;
		size_t i;
		const json_t *t;
		json_array_foreach(type, i, t) ok |= schema_type_ok(json_string_value(t), v);
		if (!ok) {
			snprintf(err, sizeof err, "%s: wrong type", path);
			return err;
		}
	}
	const json_t *en = json_object_get(s, "enum");
	if (en) {
		bool ok = false;
		size_t i;
		const json_t *e;
		json_array_foreach(en, i, e) ok |= json_equal(e, v);
		if (!ok) {
			snprintf(err, sizeof err, "%s: not one of the enum", path);
			return err;
		}
	}
	if (json_is_object(v)) {
		size_t i;
		const json_t *r;
		json_array_foreach(json_object_get(s, "required"), i, r) {
			if (!json_object_get(v, json_string_value(r))) {
				snprintf(err, sizeof err, "%s: missing %s", path, json_string_value(r));
				return err;
			}
		}
		const char *k;
		const json_t *ps;
		json_object_foreach((json_t *)(uintptr_t)json_object_get(s, "properties"), k, ps) {
			const json_t *m = json_object_get(v, k);
			if (m) {
				char sub[256];
				snprintf(sub, sizeof sub, "%s.%s", path, k);
				const char *e = schema_check(root, ps, m, sub);
				if (e)
					return e;
			}
		}
	}
	if (json_is_array(v) && json_object_get(s, "items")) {
		size_t i;
		const json_t *m;
		json_array_foreach(v, i, m) {
			char sub[256];
			snprintf(sub, sizeof sub, "%s[%zu]", path, i);
			const char *e = schema_check(root, json_object_get(s, "items"), m, sub);
			if (e)
				return e;
		}
	}
	return NULL;
}

/* Assert the JSON j satisfies docs/report-schema.json. */
static inline void assert_json_schema(const json_t *j)
{
	json_error_t je;
	json_t *schema = json_load_file(SRCDIR "/docs/report-schema.json", 0, &je);
	ck_assert_msg(schema != NULL, "schema: %s", je.text);
	const char *e = schema_check(schema, schema, j, "report");
	ck_assert_msg(e == NULL, "report does not match the schema: %s", e);
	json_decref(schema);
}

/* The JSON form of a report (axc_report_write), as text. */
static inline char *report_text(const axc_report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_int_eq(axc_report_write(r, f), 0);
	fclose(f);
	return buf;
}

/* The JSON form of a report, parsed (json_decref it). */
static inline json_t *report_json(const axc_report *r)
{
	char *t = report_text(r);
	json_error_t je;
	json_t *j = json_loads(t, 0, &je);
	ck_assert_msg(j != NULL, "the report's JSON does not parse: %s", je.text);
	free(t);
	return j;
}

/* Assert the report's JSON form satisfies docs/report-schema.json and
 * reads back (axc_report_read) into a report whose JSON is the same. */
static inline void assert_report_schema(const axc_report *rep)
{
	char *t = report_text(rep);
	json_t *j = json_loads(t, 0, NULL);
	ck_assert_ptr_nonnull(j);
	assert_json_schema(j);
	axc_report *back = NULL;
	char err[256];
	ck_assert_msg(axc_report_read(t, strlen(t), &back, err, sizeof err) == 0, "read back: %s", err);
	char *t2 = report_text(back);
	ck_assert_msg(!strcmp(t, t2), "the report does not survive a round trip:\n%s\n---\n%s", t, t2);
	free(t2);
	axc_report_free(back);
	json_decref(j);
	free(t);
}

/* Read a whole file into a malloc'd string. */
static inline char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	size_t n;
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 2)
			buf = realloc(buf, cap *= 2);
	}
	buf[len] = '\0';
	fclose(f);
	return buf;
}

/* Render through fn into a string. */
static inline char *render(int (*fn)(const axc_report *, FILE *), const axc_report *rep)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_int_eq(fn(rep, f), 0);
	fclose(f);
	return buf;
}

/* The text rendering, with lesson names from ro (may be NULL). */
static inline char *render_text(const axc_report *rep, const axc_render_opts *ro)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_int_eq(axc_render_text(rep, ro, f), 0);
	fclose(f);
	return buf;
}

#endif /* ASYNCLAB_INSPECT_TESTUTIL_H */
