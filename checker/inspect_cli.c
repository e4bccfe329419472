/* inspect_cli.c - `asynclab check`: the command line over axc_run.  Options
 * and environment defaults are documented in docs/checker.md; a mistake
 * on the command line is named and exits 2, like a failed build. */
#include "config.h"

#include "inspect.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SELF "asynclab check"

enum fmt { FMT_TEXT, FMT_JSON };

struct cli {
	axc_opts o;
	enum fmt format;
	const char *sarif, *report;
	const axc_render_opts *ro;
	const char **files, **cflags;
	size_t nfiles, ncflags;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: " SELF " [OPTIONS] FILE.c... [-- ARGS...]\n"
		"       " SELF " [OPTIONS] -- PROGRAM [ARGS...]\n"
		"\n"
		"Builds the C files against libasynclab (or takes a built PROGRAM), runs it\n"
		"under the checker's probe in a sandbox and reports async misuse with file\n"
		"and line.  Exit status: 0 no findings, 1 findings, 2 could not build or run.\n"
		"\n"
		"Output:\n"
		"  --format text|json   text: GCC-style diagnostics on stderr (default);\n"
		"                       json: one JSON object per finding per line on stdout\n"
		"  --sarif FILE         also write SARIF 2.1.0 to FILE (- for stdout)\n"
		"  --report FILE        also write the full run report (JSON) to FILE\n"

		"Findings:\n"
		"  --only ID,...        report only these finding ids\n"
		"  --allow ID,...       never report these finding ids\n");
	for (int i = 0; i < AXC_TH_COUNT; i++)
		fprintf(out, "  --%-12s N      %s\n", axc_threshold(i)->flag, axc_threshold(i)->help);
	fprintf(out,
		"Run:\n"
		"  --time-limit SEC     stop the program after SEC seconds (default 10)\n"
		"  --mem-limit MB       address-space limit (default 1024)\n"
		"  --nproc N            processes and threads the program may add (default 64)\n"
		"  --output-limit BYTES stdout and stderr kept, each (default 1048576)\n"
		"  --clock real|virtual the runtime's clock (default real)\n"
		"  --seed N             scheduling seed (ASYNCLAB_SEED)\n"
		"  --no-probe           run in the sandbox without the probe (nothing is checked)\n"
		"  --trace              record the scheduler trace in the report (--report FILE)\n"
		"  --trace-max N        ... keeping at most N events (default 200000)\n"
		"  --stdin FILE         the program's standard input (default /dev/null)\n"
		"  -IDIR, -DNAME[=VAL]  passed to the compiler\n"
		"  --help, --version\n"
		"\nFinding ids:");
	for (int i = 0; i < AXC_ID_COUNT; i++)
		fprintf(out, "%s %s", i ? "," : "", axc_id_name(i));
	fprintf(out, "\nSee docs/checker.md for the report format and every default.\n");
}

static int bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int bad(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, SELF ": ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, " (see '" SELF " --help')\n");
	va_end(ap);
	return 2;
}

static int parse_num(const char *opt, const char *v, double lo, double hi, double *out)
{
	char *end;
	errno = 0;
	double d = v ? strtod(v, &end) : 0;
	if (!v || errno || end == v || *end || d < lo || d > hi) {
		fprintf(stderr, SELF ": %s needs a number from %g to %g, not '%s'\n", opt, lo, hi,
			v ? v : "");
		return -1;
	}
	*out = d;
	return 0;
}

static int parse_ids(const char *opt, const char *v, unsigned *mask)
{
	const char *which = NULL;
	if (!v || axc_ids_parse(v, mask, &which) < 0) {
		fprintf(stderr, SELF ": unknown finding id '%s' in %s; the ids are:", which ? which : "",
			opt);
		for (int i = 0; i < AXC_ID_COUNT; i++)
			fprintf(stderr, "%s %s", i ? "," : "", axc_id_name(i));
		fputc('\n', stderr);
		return -1;
	}
	return 0;
}

/* Defaults from the environment (ASYNCLAB_CHECK_*), before the flags. */
static int env_defaults(struct cli *c)
{
	double d;
	const char *v;
	if ((v = getenv("ASYNCLAB_CHECK_TIME_LIMIT")) && *v) {
		if (parse_num("ASYNCLAB_CHECK_TIME_LIMIT", v, 0.001, 86400, &d) < 0)
			return -1;
		c->o.time_ms = (uint64_t)(d * 1000);
	}
	if ((v = getenv("ASYNCLAB_CHECK_MEM_LIMIT")) && *v) {
		if (parse_num("ASYNCLAB_CHECK_MEM_LIMIT", v, 16, 1 << 20, &d) < 0)
			return -1;
		c->o.mem_mb = (uint64_t)d;
	}
	if ((v = getenv("ASYNCLAB_CLOCK")) && !strcmp(v, "virtual"))
		c->o.clock = AXC_CLOCK_VIRTUAL;
	return 0;
}

/* One option; *i is advanced past its value.  Returns 0, 1 (done: help
 * or version printed), or -1 (error printed). */
static int option(struct cli *c, int argc, char **argv, int *i)
{
	char *arg = argv[*i], name[64];
	const char *val = NULL;
	char *eq = strchr(arg, '=');
	if (!strncmp(arg, "-I", 2) || !strncmp(arg, "-D", 2)) {
		if (!arg[2] && *i + 1 < argc)
			c->cflags[c->ncflags++] = arg, arg = argv[++*i];
		c->cflags[c->ncflags++] = arg;
		return 0;
	}
	snprintf(name, sizeof name, "%.*s", (int)(eq ? eq - arg : (long)strlen(arg)), arg);
	if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
		usage(stdout);
		return 1;
	}
	if (!strcmp(name, "--no-probe") && !eq) {
		c->o.no_probe = true;
		return 0;
	}
	if (!strcmp(name, "--trace") && !eq) {
		c->o.trace = true;
		return 0;
	}
	if (!strcmp(name, "--version")) {
		printf("asynclab check %s (report format %d)\n", PACKAGE_VERSION, AXC_REPORT_VERSION);
		return 1;
	}
	static const char *const with_value[] = {
		"--format", "--sarif", "--report", "--only", "--allow", "--time-limit", "--mem-limit",
		"--nproc", "--output-limit", "--clock", "--seed", "--trace-max", "--stdin", NULL };
	bool takes = false;
	for (int k = 0; with_value[k]; k++)
		takes |= !strcmp(name, with_value[k]);
	for (int k = 0; k < AXC_TH_COUNT; k++)
		takes |= name[0] == '-' && name[1] == '-' && !strcmp(name + 2, axc_threshold(k)->flag);
	if (!takes) {
		bad("unknown option '%s'", name);
		return -1;
	}
	if (eq)
		val = eq + 1;
	else if (*i + 1 < argc)
		val = argv[++*i];
	else {
		fprintf(stderr, SELF ": %s needs a value\n", name);
		return -1;
	}

	double d;
	if (!strcmp(name, "--format")) {
		if (!strcmp(val, "text"))
			c->format = FMT_TEXT;
		else if (!strcmp(val, "json"))
			c->format = FMT_JSON;
		else
			return bad("unknown format '%s' (text or json)", val), -1;
	} else if (!strcmp(name, "--sarif")) {
		c->sarif = val;
	} else if (!strcmp(name, "--report")) {
		c->report = val;
	} else if (!strcmp(name, "--only")) {
		return parse_ids(name, val, &c->o.only);
	} else if (!strcmp(name, "--allow")) {
		return parse_ids(name, val, &c->o.allow);
	} else if (!strcmp(name, "--time-limit")) {
		if (parse_num(name, val, 0.001, 86400, &d) < 0)
			return -1;
		c->o.time_ms = (uint64_t)(d * 1000);
	} else if (!strcmp(name, "--mem-limit")) {
		if (parse_num(name, val, 16, 1 << 20, &d) < 0)
			return -1;
		c->o.mem_mb = (uint64_t)d;
	} else if (!strcmp(name, "--nproc")) {
		if (parse_num(name, val, 1, 100000, &d) < 0)
			return -1;
		c->o.nproc = (int)d;
	} else if (!strcmp(name, "--output-limit")) {
		if (parse_num(name, val, 1024, 1 << 30, &d) < 0)
			return -1;
		c->o.output_bytes = (size_t)d;
	} else if (!strcmp(name, "--clock")) {
		if (!strcmp(val, "real"))
			c->o.clock = AXC_CLOCK_REAL;
		else if (!strcmp(val, "virtual"))
			c->o.clock = AXC_CLOCK_VIRTUAL;
		else
			return bad("unknown clock '%s' (real or virtual)", val), -1;
	} else if (!strcmp(name, "--seed")) {
		char *end;
		errno = 0;
		c->o.seed = strtoull(val, &end, 0);
		if (errno || end == val || *end)
			return bad("--seed needs an integer, not '%s'", val), -1;
		c->o.seed_set = true;
	} else if (!strcmp(name, "--stdin")) {
		/* Said now, not as a failure to run the program. */
		int fd = open(val, O_RDONLY | O_CLOEXEC);
		struct stat st;
		const char *why = NULL;
		if (fd < 0)
			why = strerror(errno);
		else if (fstat(fd, &st) < 0)
			why = strerror(errno);
		else if (S_ISDIR(st.st_mode))
			why = "it is a directory";
		if (fd >= 0)
			close(fd);
		if (why) {
			fprintf(stderr, SELF ": --stdin %s: cannot read the file: %s\n", val, why);
			return -1;
		}
		c->o.stdin_path = val;
	} else if (!strcmp(name, "--trace-max")) {
		if (parse_num(name, val, 1, 1e12, &d) < 0)
			return -1;
		c->o.trace = true;
		c->o.trace_max = (uint64_t)d;
	} else {
		for (int k = 0; k < AXC_TH_COUNT; k++)
			if (!strcmp(name + 2, axc_threshold(k)->flag)) {
				if (parse_num(name, val, 0, 1e12, &d) < 0)
					return -1;
				c->o.thresholds[k] = (long)d;
			}
	}
	return 0;
}

/* A program named without a slash is looked up in PATH, like a shell. */
static char *find_program(const char *name)
{
	if (strchr(name, '/'))
		return strdup(name);
	const char *path = getenv("PATH");
	char *copy = strdup(path ? path : "/usr/bin:/bin"), *save = NULL, *found = NULL;
	for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char *p;
		if (asprintf(&p, "%s/%s", *d ? d : ".", name) < 0)
			break;
		if (access(p, X_OK) == 0)
			found = p;
		else
			free(p);
	}
	free(copy);
	return found;
}

static int finish(struct cli *c, const axc_report *rep)
{
	int verdict = axc_verdict(rep);
	if (c->format == FMT_TEXT) {
		/* The program's own output first, each on its stream. */
		fwrite(rep->out, 1, rep->out_len, stdout);
		fflush(stdout);
		fwrite(rep->err, 1, rep->err_len, stderr);
		axc_render_text(rep, c->ro, stderr);
	} else {
		axc_render_json(rep, stdout);
		if (verdict == 2)
			axc_render_text(rep, c->ro, stderr);
		else
			axc__render_warnings(rep, stderr);
	}
	fflush(stdout);
	if (c->sarif) {
		FILE *f = strcmp(c->sarif, "-") ? fopen(c->sarif, "w") : stdout;
		if (!f || axc_render_sarif(rep, f) < 0 || (f != stdout && fclose(f) != 0)) {
			fprintf(stderr, SELF ": cannot write %s: %s\n", c->sarif, strerror(errno));
			verdict = 2;
		}
	}
	if (c->report) {
		int r = axc_report_save(rep, c->report);
		if (r < 0) {
			fprintf(stderr, SELF ": cannot write %s: %s\n", c->report, strerror(-r));
			verdict = 2;
		}
	}
	return verdict;
}

int axc_main(int argc, char **argv, const axc_render_opts *ro)
{
	struct cli c = { .ro = ro };
	axc_opts_init(&c.o);
	c.files = calloc((size_t)argc + 1, sizeof *c.files);
	c.cflags = calloc((size_t)argc + 1, sizeof *c.cflags);
	char *program = NULL;
	int rc = 2;
	if (!c.files || !c.cflags || env_defaults(&c) < 0)
		goto out;

	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] == '-' && a[1]) {
			int r = option(&c, argc, argv, &i);
			if (r) {
				rc = r > 0 ? 0 : 2;
				goto out;
			}
			continue;
		}
		size_t n = strlen(a);
		if (n < 3 || strcmp(a + n - 2, ".c") != 0) {
			fprintf(stderr, SELF ": '%s' is not a .c file; to check a built program use '"
				SELF " -- PROGRAM [ARGS]'\n", a);
			goto out;
		}
		c.files[c.nfiles++] = a;
	}
	if (c.nfiles == 0) {
		if (i >= argc) {
			usage(stderr);
			goto out;
		}
		program = find_program(argv[i]);
		if (!program) {
			fprintf(stderr, SELF ": %s: program not found\n", argv[i]);
			goto out;
		}
		c.o.program = program;
		i++;
	}
	c.o.files = c.files;
	c.o.nfiles = c.nfiles;
	c.o.cflags = c.cflags;
	c.o.ncflags = c.ncflags;
	c.o.args = (const char *const *)argv + i;
	c.o.nargs = (size_t)(argc - i);

	axc_report *rep = NULL;
	int r = axc_run(&c.o, &rep);
	if (r < 0) {
		fprintf(stderr, SELF ": cannot run %s: %s\n",
			c.nfiles ? c.files[0] : program, strerror(-r));
		goto out;
	}
	rc = finish(&c, rep);
	axc_report_free(rep);
out:
	free(program);
	free(c.files);
	free(c.cflags);
	return rc;
}
