/* probe_crash.c - the fatal-signal handler: when the program dies of
 * SIGSEGV, SIGBUS, SIGFPE, SIGILL or SIGABRT it flushes the buffered
 * events, writes {"ev":"crash","signal":..,"stack":[..]} and lets the
 * signal take its course (the previous handler, or the default action).
 * Everything the handler calls is async-signal-safe: the module table is
 * built beforehand, the line is formatted by hand into a static buffer
 * and written with write(2); backtrace() was loaded at start-up. */
#define _GNU_SOURCE
#include "probe.h"

#include <errno.h>
#include <execinfo.h>
#include <link.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define CRASH_FRAMES 64
#define ALT_STACK (64 * 1024)
#define MAX_MODS 128

static const struct {
	int sig;
	const char *name;
} fatal[] = {
	{ SIGSEGV, "SIGSEGV" }, { SIGBUS, "SIGBUS" },	{ SIGFPE, "SIGFPE" },
	{ SIGILL, "SIGILL" },	{ SIGABRT, "SIGABRT" },
};
#define NFATAL (sizeof fatal / sizeof *fatal)
static struct sigaction old_action[NFATAL];

/* Where each loaded object's code is, for the handler (dladdr takes the
 * loader's lock, so it is not safe there).  Two tables: a refresh fills
 * the one not in use and then publishes it. */
typedef struct mod {
	uintptr_t lo, hi; /* executable segments' span */
	uintptr_t bias;	  /* what an "off" is relative to */
	const char *name; /* the link map's string, or the executable's path */
} mod;
typedef struct modtab {
	int n;
	mod m[MAX_MODS];
} modtab;
static modtab tabs[2];
static modtab *_Atomic cur_tab;
static atomic_flag tab_lock = ATOMIC_FLAG_INIT;
static char exe[4096];

static int add_mod(struct dl_phdr_info *info, size_t size, void *ud)
{
	modtab *t = ud;
	(void)size;
	if (t->n == MAX_MODS)
		return 1;
	uintptr_t lo = UINTPTR_MAX, hi = 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		uintptr_t a = info->dlpi_addr + ph->p_vaddr;
		if (a < lo)
			lo = a;
		if (a + ph->p_memsz > hi)
			hi = a + ph->p_memsz;
	}
	if (lo >= hi)
		return 0;
	mod *m = &t->m[t->n++];
	m->lo = lo;
	m->hi = hi;
	m->bias = info->dlpi_addr;
	m->name = info->dlpi_name && info->dlpi_name[0] ? info->dlpi_name : exe;
	return 0;
}

void pr_crash_mods_refresh(void)
{
	if (atomic_flag_test_and_set(&tab_lock))
		return; /* another thread is at it */
	modtab *t = atomic_load(&cur_tab) == &tabs[0] ? &tabs[1] : &tabs[0];
	t->n = 0;
	dl_iterate_phdr(add_mod, t);
	atomic_store(&cur_tab, t);
	atomic_flag_clear(&tab_lock);
}

static const mod *mod_of(uintptr_t pc)
{
	const modtab *t = atomic_load(&cur_tab);
	for (int i = 0; t && i < t->n; i++)
		if (pc >= t->m[i].lo && pc < t->m[i].hi)
			return &t->m[i];
	return NULL;
}

/* --- formatting without stdio ------------------------------------------- */

typedef struct out {
	char *p;
	size_t len, cap;
} out;

static void put(out *o, const char *s)
{
	while (*s && o->len < o->cap)
		o->p[o->len++] = *s++;
}

static void put_hex(out *o, uintptr_t v)
{
	char b[2 + 2 * sizeof v + 1];
	int i = (int)sizeof b - 1;
	b[i] = 0;
	do {
		b[--i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	b[--i] = 'x';
	b[--i] = '0';
	put(o, b + i);
}

static void put_str(out *o, const char *s)
{
	put(o, "\"");
	for (; *s && o->len + 6 < o->cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			o->p[o->len++] = '\\';
			o->p[o->len++] = (char)c;
		} else if (c < 0x20) {
			put(o, "\\u00");
			o->p[o->len++] = "0123456789abcdef"[c >> 4];
			o->p[o->len++] = "0123456789abcdef"[c & 15];
		} else {
			o->p[o->len++] = (char)c;
		}
	}
	put(o, "\"");
}

static void put_frame(out *o, uintptr_t pc)
{
	const mod *m = mod_of(pc);
	put(o, "{\"mod\":");
	if (m)
		put_str(o, m->name);
	else
		put(o, "null");
	put(o, ",\"off\":\"");
	put_hex(o, m ? pc - m->bias : pc);
	put(o, "\"}");
}

/* --- the handler -------------------------------------------------------- */

static char line[CRASH_FRAMES * 320 + 256];
static void *pcs[CRASH_FRAMES];
static atomic_int crashing;
/* The main thread's alternate stack: it lives as long as the process, and the
 * pointer is kept (volatile: the store is not dead) so leak checkers see it. */
static void *volatile main_alt;

static uintptr_t *ctx_reg(ucontext_t *uc, int which)
{
#if defined(__x86_64__)
	return (uintptr_t *)&uc->uc_mcontext.gregs[which == 0 ? REG_RIP : REG_RSP];
#elif defined(__aarch64__)
	return (uintptr_t *)(which == 0 ? &uc->uc_mcontext.pc : &uc->uc_mcontext.sp);
#else
	(void)uc;
	(void)which;
	return NULL;
#endif
}

/* The interrupted code's stack, innermost first, into pcs: [0] the
 * faulting instruction itself, the rest return addresses.  A jump to a
 * wild address (a call through a null pointer) leaves nothing the
 * unwinder can start from, so the context is pointed at the caller's
 * return address for the unwind and put back afterwards. */
static int crash_stack(ucontext_t *uc, uintptr_t *fault_pc, bool *faked)
{
	uintptr_t *ip = ctx_reg(uc, 0), *sp = ctx_reg(uc, 1);
	*fault_pc = ip ? *ip : 0;
	*faked = false;
	uintptr_t saved_ip = 0, saved_sp = 0;
	if (ip && sp && !mod_of(*ip)) {
		uintptr_t ret = 0;
#if defined(__x86_64__)
		if (*sp && !(*sp & 7))
			ret = *(const uintptr_t *)*sp; /* pushed by the call */
#elif defined(__aarch64__)
		ret = (uintptr_t)uc->uc_mcontext.regs[30]; /* the link register */
#endif
		if (ret && mod_of(ret)) {
			saved_ip = *ip;
			saved_sp = *sp;
			*ip = ret;
#if defined(__x86_64__)
			*sp += sizeof(uintptr_t);
#endif
			*faked = true;
		}
	}
	int n = backtrace(pcs, CRASH_FRAMES);
	uintptr_t start_pc = ip ? *ip : 0;
	if (*faked) {
		*ip = saved_ip;
		*sp = saved_sp;
	}
	/* Skip the handler's own frames and the signal trampoline. */
	int start = -1;
	for (int i = 0; i < n && start < 0; i++)
		if ((uintptr_t)pcs[i] == start_pc)
			start = i;
	if (start < 0)
		start = n < 2 ? n : 2;
	memmove(pcs, pcs + start, (size_t)(n - start) * sizeof *pcs);
	return n - start;
}

static void on_fatal(int sig, siginfo_t *si, void *uctx)
{
	int saved = errno;
	size_t k = 0;
	while (k < NFATAL && fatal[k].sig != sig)
		k++;
	if (pr_active && k < NFATAL && !atomic_exchange(&crashing, 1)) {
		pr_flush_crash();
		uintptr_t pc;
		bool faked;
		int n = crash_stack(uctx, &pc, &faked);
		out o = { line, 0, sizeof line - 2 };
		put(&o, "{\"ev\":\"crash\",\"signal\":\"");
		put(&o, fatal[k].name);
		put(&o, "\",\"stack\":[");
		int f = 0;
		if (faked || n == 0) {
			put_frame(&o, pc);
			f++;
		}
		for (int i = 0; i < n; i++) {
			/* Only the innermost real frame is the exact address. */
			uintptr_t a = (uintptr_t)pcs[i];
			if (f)
				put(&o, ",");
			put_frame(&o, f == 0 ? a : a - 1);
			f++;
		}
		put(&o, "]}\n");
		pr_write_raw(line, o.len);
	} else if (pr_active && k < NFATAL) {
		/* Another thread is writing its crash: give it a moment. */
		struct timespec ts = { 0, 100000000 };
		nanosleep(&ts, NULL);
	}
	/* Then what would have happened without the probe: the previous
	 * handler, or the default action.  A fault raised by the hardware
	 * happens again when the handler returns; a sent signal is sent
	 * again and arrives once the handler has returned. */
	if (k < NFATAL)
		sigaction(sig, &old_action[k], NULL);
	else
		signal(sig, SIG_DFL);
	if (k == NFATAL || si->si_code <= 0)
		raise(sig);
	errno = saved;
}

/* An alternate stack for this thread, so that a stack overflow can still
 * be reported; returns it (the caller keeps it), or NULL when the thread
 * has one already and keeps it. */
void *pr_crash_thread(void)
{
	stack_t old;
	if (sigaltstack(NULL, &old) == 0 && !(old.ss_flags & SS_DISABLE))
		return NULL;
	stack_t st = { .ss_sp = malloc(ALT_STACK), .ss_size = ALT_STACK, .ss_flags = 0 };
	if (st.ss_sp && sigaltstack(&st, NULL) != 0) {
		free(st.ss_sp);
		return NULL;
	}
	return st.ss_sp;
}

void pr_crash_init(void)
{
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = 0;
	pr_crash_mods_refresh();
	main_alt = pr_crash_thread();
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fatal;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	for (size_t k = 0; k < NFATAL; k++) {
		struct sigaction old;
		if (sigaction(fatal[k].sig, NULL, &old) != 0)
			continue;
		/* A program that ignores the signal keeps doing so. */
		if (!(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_IGN)
			continue;
		old_action[k] = old;
		sigaction(fatal[k].sig, &sa, NULL);
	}
}
