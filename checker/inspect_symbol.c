/* inspect_symbol.c - turns a code location the probe reports as module
 * file + offset from its load base into function, file and line, with
 * libdw's offline mode (dwfl) over the module file.  One Dwfl session per
 * module is cached for the life of the report. */
#include "config.h"

#include "inspect.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct mod {
	char *path;
	Dwfl *dwfl;	  /* NULL when the module could not be read */
	Dwfl_Module *m;
	GElf_Addr base;	  /* address of offset 0 in the dwfl session */
};

struct axc__sym {
	struct mod *mods;
	size_t n;
};

static const Dwfl_Callbacks offline_cb = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

axc__sym *axc__sym_new(void)
{
	return calloc(1, sizeof(axc__sym));
}

void axc__sym_free(axc__sym *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		if (s->mods[i].dwfl)
			dwfl_end(s->mods[i].dwfl);
		free(s->mods[i].path);
	}
	free(s->mods);
	free(s);
}

/* The probe's offsets are relative to dladdr's load base, which is the
 * address of the first loadable segment's page: so add that segment's
 * page-aligned vaddr (0 for position-independent files). */
static GElf_Addr first_load_vaddr(Elf *elf)
{
	size_t n = 0;
	GElf_Addr lo = 0;
	bool seen = false;
	if (elf_getphdrnum(elf, &n) < 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_LOAD && (!seen || ph.p_vaddr < lo)) {
			lo = ph.p_vaddr;
			seen = true;
		}
	}
	long page = sysconf(_SC_PAGESIZE);
	return lo & ~(GElf_Addr)(page > 0 ? page - 1 : 4095);
}

static struct mod *mod_get(axc__sym *s, const char *path)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->mods[i].path, path))
			return &s->mods[i];
	struct mod *v = realloc(s->mods, (s->n + 1) * sizeof *v);
	if (!v)
		return NULL;
	s->mods = v;
	struct mod *m = &v[s->n];
	memset(m, 0, sizeof *m);
	m->path = strdup(path);
	if (!m->path)
		return NULL;
	s->n++;
	m->dwfl = dwfl_begin(&offline_cb);
	if (!m->dwfl)
		return m;
	dwfl_report_begin(m->dwfl);
	m->m = dwfl_report_offline(m->dwfl, path, path, -1);
	dwfl_report_end(m->dwfl, NULL, NULL);
	GElf_Addr bias = 0;
	Elf *elf = m->m ? dwfl_module_getelf(m->m, &bias) : NULL;
	if (!elf) {
		dwfl_end(m->dwfl);
		m->dwfl = NULL;
		m->m = NULL;
		return m;
	}
	m->base = bias + first_load_vaddr(elf);
	return m;
}

/* dwfl_module_getsrc finds the compile unit through .debug_aranges,
 * which clang does not emit: then walk the units and ask each. */
static Dwarf_Line *src_by_units(Dwfl_Module *m, GElf_Addr addr)
{
	Dwarf_Addr bias = 0;
	Dwarf *dw = dwfl_module_getdwarf(m, &bias);
	if (!dw)
		return NULL;
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie;
	uint8_t type;
	while (dwarf_get_units(dw, cu, &cu, NULL, &type, &cudie, NULL) == 0) {
		if (dwarf_haspc(&cudie, addr - bias) > 0)
			return dwarf_getsrc_die(&cudie, addr - bias);
	}
	return NULL;
}

/* Is file the runtime's installed header?  Its inline functions (ax_poll)
 * are inlined into the program; a location there is reported where the
 * program called it. */
static bool in_runtime_header(const char *file)
{
	const char *b = strrchr(file, '/');
	return !strcmp(b ? b + 1 : file, "asynclab.h");
}

/* Walk the inline scopes at addr outwards while the location is inside
 * the runtime's header, replacing it with each inlined call's site. */
static void outside_header(Dwfl_Module *m, GElf_Addr addr, axc__where *w)
{
	Dwarf_Addr bias = 0;
	Dwarf_Die *cu = dwfl_module_addrdie(m, addr, &bias);
	if (!cu)
		return;
	Dwarf_Die *scopes = NULL;
	int n = dwarf_getscopes(cu, addr - bias, &scopes);
	Dwarf_Files *files = NULL;
	size_t nfiles = 0;
	if (n <= 0 || dwarf_getsrcfiles(cu, &files, &nfiles) != 0) {
		free(scopes);
		return;
	}
	for (int i = 0; i < n && w->file && in_runtime_header(w->file); i++) {
		if (dwarf_tag(&scopes[i]) != DW_TAG_inlined_subroutine)
			continue;
		Dwarf_Attribute a;
		Dwarf_Word cf = 0, cl = 0, cc = 0;
		if (!dwarf_attr(&scopes[i], DW_AT_call_file, &a) || dwarf_formudata(&a, &cf) != 0 ||
		    !dwarf_attr(&scopes[i], DW_AT_call_line, &a) || dwarf_formudata(&a, &cl) != 0)
			break;
		if (dwarf_attr(&scopes[i], DW_AT_call_column, &a))
			dwarf_formudata(&a, &cc);
		const char *f = cf < nfiles ? dwarf_filesrc(files, cf, NULL, NULL) : NULL;
		if (!f)
			break;
		char *copy = strdup(f);
		if (!copy)
			break;
		free(w->file);
		w->file = copy;
		w->line = (int)cl;
		w->column = (int)cc;
	}
	free(scopes);
}

int axc__sym_lookup(axc__sym *s, const char *mod, uint64_t off, axc__where *w)
{
	memset(w, 0, sizeof *w);
	if (!s || !mod)
		return -ENOENT;
	struct mod *m = mod_get(s, mod);
	if (!m || !m->m)
		return -ENOENT;
	GElf_Addr addr = m->base + off;
	const char *fn = dwfl_module_addrname(m->m, addr);
	if (fn)
		w->func = strdup(fn);
	Dwfl_Line *l = dwfl_module_getsrc(m->m, addr);
	int line = 0, col = 0;
	const char *file = l ? dwfl_lineinfo(l, NULL, &line, &col, NULL, NULL) : NULL;
	if (!file) {
		Dwarf_Line *dl = src_by_units(m->m, addr);
		file = dl ? dwarf_linesrc(dl, NULL, NULL) : NULL;
		if (file) {
			dwarf_lineno(dl, &line);
			dwarf_linecol(dl, &col);
		}
	}
	if (file) {
		w->file = strdup(file);
		w->line = line;
		w->column = col;
		if (w->file && in_runtime_header(w->file))
			outside_header(m->m, addr, w);
	}
	if (!w->func && !w->file)
		return -ENOENT;
	return 0;
}

void axc__where_free(axc__where *w)
{
	free(w->func);
	free(w->file);
	memset(w, 0, sizeof *w);
}
