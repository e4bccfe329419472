/* probe_emit.c - the probe's output: JSON lines buffered and written to
 * the probe descriptor with write(2), code addresses turned into
 * module + offset, and the builder every detector uses for a finding. */
#define _GNU_SOURCE
#include "probe.h"

#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PR_F_NAME(e, name, summary, fix) [F_##e] = name,
const char *const pr_finding_ids[F_COUNT] = { AXC_FINDINGS(PR_F_NAME) };
#undef PR_F_NAME

#define OUT_CAP (64 * 1024)
static char out_buf[OUT_CAP];
static size_t out_len;
static int out_fd = -1;
static atomic_flag out_lock = ATOMIC_FLAG_INIT;

static void lock_out(void)
{
	while (atomic_flag_test_and_set_explicit(&out_lock, memory_order_acquire))
		sched_yield();
}

static void unlock_out(void)
{
	atomic_flag_clear_explicit(&out_lock, memory_order_release);
}

/* The runtime's own real clock (from the program's start), so that the
 * probe's real times and ax_now's on a real-clock runtime are one clock. */
uint64_t pr_mono_ns(void)
{
	return ax_instrument_real_ns();
}

void pr_emit_init(int fd)
{
	out_fd = fd;
}

/* Called with out_lock held. */
static void flush_locked(void)
{
	size_t off = 0;
	while (off < out_len && out_fd >= 0) {
		ssize_t n = pr_real_write(out_fd, out_buf + off, out_len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* The reader went away: stop writing, keep running. */
			out_fd = -1;
			break;
		}
		off += (size_t)n;
	}
	out_len = 0;
}

void pr_emit_line(const char *s, size_t n)
{
	if (!pr_active)
		return;
	int saved = errno;
	lock_out();
	if (out_len + n + 1 > OUT_CAP)
		flush_locked();
	if (n + 1 > OUT_CAP) {
		/* Longer than the buffer: write it alone. */
		memcpy(out_buf, s, OUT_CAP - 2);
		out_len = OUT_CAP - 2;
	} else {
		memcpy(out_buf + out_len, s, n);
		out_len += n;
	}
	out_buf[out_len++] = '\n';
	unlock_out();
	errno = saved;
}

void pr_flush(void)
{
	int saved = errno;
	lock_out();
	flush_locked();
	unlock_out();
	errno = saved;
}

/* From the fatal-signal handler: the thread that crashed may hold the
 * lock itself, so it is tried a bounded number of times only. */
void pr_flush_crash(void)
{
	for (int i = 0; i < 1000; i++) {
		if (!atomic_flag_test_and_set_explicit(&out_lock, memory_order_acquire)) {
			flush_locked();
			unlock_out();
			return;
		}
		sched_yield();
	}
}

void pr_write_raw(const char *s, size_t n)
{
	size_t off = 0;
	while (off < n && out_fd >= 0) {
		ssize_t w = pr_real_write(out_fd, s + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
}

void pr_discard(void)
{
	out_len = 0;
	atomic_flag_clear(&out_lock);
}

/* --- a growable string ------------------------------------------------ */

static void bgrow(pr_buf *b, size_t more)
{
	if (b->len + more + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p)
		abort(); /* the probe cannot report without memory */
	b->p = p;
	b->cap = cap;
}

void pr_bputs(pr_buf *b, const char *s)
{
	size_t n = strlen(s);
	bgrow(b, n);
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}

__attribute__((format(printf, 2, 0))) static void bvprintf(pr_buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	bgrow(b, (size_t)n);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void pr_bprintf(pr_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bvprintf(b, fmt, ap);
	va_end(ap);
}

void pr_bstr(pr_buf *b, const char *s)
{
	if (!s) {
		pr_bputs(b, "null");
		return;
	}
	bgrow(b, strlen(s) * 6 + 2);
	char *o = b->p + b->len;
	*o++ = '"';
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			*o++ = '\\';
			*o++ = (char)*p;
		} else if (*p < 0x20) {
			o += sprintf(o, "\\u%04x", *p);
		} else {
			*o++ = (char)*p;
		}
	}
	*o++ = '"';
	*o = 0;
	b->len = (size_t)(o - b->p);
}

void pr_buf_free(pr_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void pr_bsite(pr_buf *b, const ax_site *site)
{
	pr_bputs(b, "{\"file\":");
	pr_bstr(b, site->file);
	pr_bprintf(b, ",\"line\":%d,\"func\":", site->line);
	pr_bstr(b, site->func);
	pr_bputs(b, "}");
}

/* --- code addresses ----------------------------------------------------- */

static char exe_path[4096];
static uintptr_t probe_base, rt_base;

void pr_mods_init(void)
{
	ssize_t n = readlink("/proc/self/exe", exe_path, sizeof exe_path - 1);
	exe_path[n > 0 ? n : 0] = 0;
	Dl_info info;
	if (dladdr((void *)pr_mods_init, &info))
		probe_base = (uintptr_t)info.dli_fbase;
	if (dladdr((void *)ax_rt_new, &info))
		rt_base = (uintptr_t)info.dli_fbase;
}

/* The module of pc and its load bias (what addr2line needs subtracted). */
static bool pc_module(uintptr_t pc, const char **name, uintptr_t *bias,
		      uintptr_t *base)
{
	Dl_info info;
	struct link_map *lm = NULL;
	if (!dladdr1((void *)pc, &info, (void **)&lm, RTLD_DL_LINKMAP) || !lm)
		return false;
	*bias = lm->l_addr;
	*base = (uintptr_t)info.dli_fbase;
	*name = lm->l_name && lm->l_name[0] ? lm->l_name : exe_path;
	return true;
}

static bool is_system_lib(const char *name)
{
	const char *s = strrchr(name, '/');
	s = s ? s + 1 : name;
	static const char *const sys[] = { "libc.so",	 "libpthread", "ld-linux",
					   "libasan",	 "libubsan",   "libtsan",
					   "liblsan",	 "libgcc_s",   "libdl.so",
					   "linux-vdso", "libstdc++" };
	for (size_t i = 0; i < sizeof sys / sizeof *sys; i++)
		if (!strncmp(s, sys[i], strlen(sys[i])))
			return true;
	return false;
}

bool pr_pc_is_user(uintptr_t pc)
{
	const char *name;
	uintptr_t bias, base;
	if (!pc_module(pc, &name, &bias, &base))
		return false;
	if (base == probe_base || base == rt_base)
		return false;
	return !is_system_lib(name);
}

bool pr_pc_in_runtime(uintptr_t pc)
{
	const char *name;
	uintptr_t bias, base;
	return pc_module(pc, &name, &bias, &base) && base == rt_base;
}

void pr_bpc(pr_buf *b, uintptr_t pc)
{
	const char *name;
	uintptr_t bias, base;
	if (!pc_module(pc, &name, &bias, &base)) {
		pr_bprintf(b, "{\"mod\":null,\"off\":\"0x%lx\"}", (unsigned long)pc);
		return;
	}
	pr_bputs(b, "{\"mod\":");
	pr_bstr(b, name);
	pr_bprintf(b, ",\"off\":\"0x%lx\"}", (unsigned long)(pc - bias));
}

void pr_bstack(pr_buf *b, void *const *pcs, int n, int exact_first)
{
	pr_bputs(b, "[");
	for (int i = 0; i < n; i++) {
		uintptr_t pc = (uintptr_t)pcs[i];
		if (!(i == 0 && exact_first) && pc)
			pc--;
		if (i)
			pr_bputs(b, ",");
		pr_bpc(b, pc);
	}
	pr_bputs(b, "]");
}

uintptr_t pr_user_caller(void **pcs, int *npcs, int max)
{
	int n = backtrace(pcs, max);
	*npcs = n;
	for (int i = 1; i < n; i++) {
		uintptr_t pc = (uintptr_t)pcs[i] - 1;
		if (pr_pc_is_user(pc))
			return pc;
	}
	return 0;
}

const char *pr_task_label(const pr_task *pt, char *buf, size_t n)
{
	if (!pt)
		snprintf(buf, n, "outside any task");
	else if (pt->flags & PT_NAMED)
		snprintf(buf, n, "task '%s'", pt->name);
	else
		snprintf(buf, n, "task %llu (%s)", (unsigned long long)pt->gid,
			 pt->name ? pt->name : "?");
	return buf;
}

/* --- findings ------------------------------------------------------------ */

bool pr_f_begin(pr_finding *f, int id, const pr_task *pt, const char *fmt, ...)
{
	memset(f, 0, sizeof *f);
	if (!pr_active || !pr_cfg.on[id])
		return false;
	pr_bputs(&f->b, "{\"ev\":\"finding\",\"id\":");
	pr_bstr(&f->b, pr_finding_ids[id]);
	pr_bputs(&f->b, ",\"message\":");
	pr_buf m = { 0 };
	va_list ap;
	va_start(ap, fmt);
	bvprintf(&m, fmt, ap);
	va_end(ap);
	pr_bstr(&f->b, m.p ? m.p : "");
	pr_buf_free(&m);
	if (pt)
		pr_bprintf(&f->b, ",\"task\":%llu", (unsigned long long)pt->gid);
	else
		pr_bputs(&f->b, ",\"task\":null");
	return true;
}

void pr_f_loc_site(pr_finding *f, const ax_site *site)
{
	if (!site)
		return;
	pr_bputs(&f->b, ",\"loc\":");
	pr_bsite(&f->b, site);
}

void pr_f_suppressed(pr_finding *f, const char *why)
{
	pr_bputs(&f->b, ",\"suppressed\":");
	pr_bstr(&f->b, why);
}

void pr_f_loc_pc(pr_finding *f, uintptr_t pc)
{
	if (!pc)
		return;
	pr_bputs(&f->b, ",\"loc\":");
	pr_bpc(&f->b, pc);
}

void pr_f_stack(pr_finding *f, void *const *pcs, int n, int exact_first)
{
	if (n <= 0)
		return;
	pr_bputs(&f->b, ",\"stack\":");
	pr_bstack(&f->b, pcs, n, exact_first);
}

__attribute__((format(printf, 2, 0))) static void note_start(pr_finding *f, const char *fmt, va_list ap)
{
	pr_bputs(&f->b, f->nnotes++ ? "," : ",\"notes\":[");
	pr_buf m = { 0 };
	bvprintf(&m, fmt, ap);
	pr_bputs(&f->b, "{\"message\":");
	pr_bstr(&f->b, m.p ? m.p : "");
	pr_buf_free(&m);
}

void pr_f_note_site(pr_finding *f, const ax_site *site, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	note_start(f, fmt, ap);
	va_end(ap);
	if (site) {
		pr_bputs(&f->b, ",\"loc\":");
		pr_bsite(&f->b, site);
	}
	pr_bputs(&f->b, "}");
}

void pr_f_note_pc(pr_finding *f, uintptr_t pc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	note_start(f, fmt, ap);
	va_end(ap);
	if (pc) {
		pr_bputs(&f->b, ",\"loc\":");
		pr_bpc(&f->b, pc);
	}
	pr_bputs(&f->b, "}");
}

void pr_f_task_notes(pr_finding *f, const pr_task *pt)
{
	if (!pt || !pt->site)
		return;
	char lb[128];
	pr_f_note_site(f, pt->site, "%s was spawned here",
		       pr_task_label(pt, lb, sizeof lb));
}

void pr_f_end(pr_finding *f)
{
	if (f->nnotes)
		pr_bputs(&f->b, "]");
	pr_bputs(&f->b, "}");
	pr_emit_line(f->b.p, f->b.len);
	pr_buf_free(&f->b);
	pr_flush();
}
