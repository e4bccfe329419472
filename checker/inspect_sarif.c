/* inspect_sarif.c - renders a run report as SARIF 2.1.0, the format code
 * scanning services read: one rule per finding id, one result per
 * finding, with its location, notes as related locations, and the fix. */
#include "config.h"

#include "inspect.h"

#include <errno.h>
#include <string.h>

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

/* Absolute paths become file: URIs; relative ones stay relative to the
 * directory the check ran in. */
static json_t *uri_json(const char *path)
{
	if (!path)
		return json_string("unknown");
	char buf[4096];
	size_t n = 0;
	if (path[0] == '/')
		n = (size_t)snprintf(buf, sizeof buf, "file://");
	for (const char *p = path; *p && n + 4 < sizeof buf; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch <= ' ' || ch == '%' || ch == '#' || ch == '?' || ch >= 0x7f)
			n += (size_t)snprintf(buf + n, sizeof buf - n, "%%%02X", ch);
		else
			buf[n++] = (char)ch;
	}
	buf[n] = '\0';
	return json_string(buf);
}

static json_t *location_json(const char *file, int line, int col)
{
	json_t *phys = json_pack("{s:{s:o}}", "artifactLocation", "uri", uri_json(file));
	if (line > 0) {
		json_t *region = json_pack("{s:i}", "startLine", line);
		if (col > 0)
			json_object_set_new(region, "startColumn", json_integer(col));
		json_object_set_new(phys, "region", region);
	}
	return json_pack("{s:o}", "physicalLocation", phys);
}

static json_t *rules_json(void)
{
	json_t *rules = json_array();
	for (int i = 0; i < AXC_ID_COUNT; i++)
		json_array_append_new(rules,
			json_pack("{s:s, s:s, s:{s:s}, s:{s:s}, s:{s:s}}", "id", axc_id_name(i),
				  "name", axc_id_name(i), "shortDescription", "text",
				  axc_id_summary(i), "help", "text", axc_id_fix(i),
				  "defaultConfiguration", "level", "warning"));
	return rules;
}

static json_t *result_json(const axc_report *r, const axc_finding *f)
{
	json_t *res = json_pack("{s:s, s:s, s:{s:s}, s:[o]}", "ruleId", f->name, "level", "warning",
				"message", "text", f->message ? f->message : "", "locations",
				location_json(f->file, f->line, f->column));
	if (f->id >= 0)
		json_object_set_new(res, "ruleIndex", json_integer(f->id));
	json_t *rel = json_array();
	for (size_t i = 0; i < f->nnotes; i++) {
		const axc_note *n = &f->notes[i];
		json_t *l = location_json(n->file ? n->file : f->file, n->line, 0);
		json_object_set_new(l, "id", json_integer((json_int_t)i));
		json_object_set_new(l, "message", json_pack("{s:s}", "text",
			n->message ? n->message : ""));
		json_array_append_new(rel, l);
	}
	if (json_array_size(rel))
		json_object_set_new(res, "relatedLocations", rel);
	else
		json_decref(rel);
	if (f->suppressed)
		json_object_set_new(res, "suppressions",
				    json_pack("[{s:s, s:s}]", "kind",
					      strcmp(f->suppressed, "comment") ? "external" : "inSource",
					      "justification", f->suppressed));
	json_t *props = json_pack("{s:i}", "count", f->count);
	json_t *task = axc__finding_json(r, f);
	if (task && json_is_object(json_object_get(task, "task")))
		json_object_set(props, "task", json_object_get(task, "task"));
	json_decref(task);
	json_object_set_new(res, "properties", props);
	return res;
}

int axc_render_sarif(const axc_report *r, FILE *out)
{
	json_t *results = json_array();
	for (size_t i = 0; i < r->nfindings; i++)
		json_array_append_new(results, result_json(r, &r->findings[i]));
	int verdict = axc_verdict(r);
	json_t *inv = json_pack("{s:b, s:i}", "executionSuccessful", verdict != 2, "exitCode", verdict);
	json_t *sarif = json_pack(
		"{s:s, s:s, s:[{s:{s:{s:s, s:s, s:o}}, s:o, s:[o]}]}", "$schema", SARIF_SCHEMA,
		"version", "2.1.0", "runs", "tool", "driver", "name", "asynclab-check", "version",
		PACKAGE_VERSION,
		"rules", rules_json(), "results", results, "invocations", inv);
	if (!sarif)
		return -ENOMEM;
	int rc = json_dumpf(sarif, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0 ? -EIO : 0;
	fputc('\n', out);
	json_decref(sarif);
	return rc || ferror(out) ? -EIO : 0;
}
