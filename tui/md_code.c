/* md_code.c - syntax highlighting of the code lines md.c lays out: C
 * (keywords, types, strings, comments across lines, numbers, preprocessor,
 * the runtime's ax_/AX_ names), Rust, and unified diffs; and the PASS and
 * FAIL marks of a result. */
#include "md.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const c_keywords[] = {
	"if", "else", "for", "while", "do", "switch", "case", "default", "break",
	"continue", "return", "goto", "sizeof", "typedef", "struct", "union",
	"enum", "static", "const", "extern", "volatile", "inline", NULL
};
static const char *const c_types[] = {
	"int", "char", "void", "long", "short", "unsigned", "signed", "float",
	"double", "bool", "size_t", "ssize_t", "uint64_t", "int64_t", "uint32_t",
	"int32_t", "uint8_t", "NULL", "true", "false", NULL
};
static const char *const rust_keywords[] = {
	"fn", "let", "mut", "async", "await", "move", "loop", "while", "for", "in",
	"if", "else", "match", "return", "struct", "impl", "enum", "use", "pub",
	"where", "type", "self", "Self", "Some", "None", "Ok", "Err", "break",
	"continue", "dyn", "ref", NULL
};
static const char *const rust_types[] = {
	"i32", "i64", "u32", "u64", "usize", "bool", "String", "Vec", "Option",
	"Result", "Box", "Pin", "Future", "Poll", "Context", NULL
};

static int in_list(const char *const *list, const char *s, int len)
{
	for (int i = 0; list[i]; i++)
		if ((int)strlen(list[i]) == len && !strncmp(list[i], s, (size_t)len))
			return 1;
	return 0;
}

static int span_add(md_line *ln, int start, int len, md_style st)
{
	md_span *sp = realloc(ln->spans, (size_t)(ln->nspans + 1) * sizeof *sp);
	if (!sp)
		return -ENOMEM;
	ln->spans = sp;
	sp[ln->nspans++] = (md_span){ start, len, st };
	return 0;
}

int md_highlight(md_line *ln, int lang, int *in_comment)
{
	const char *s = ln->text;
	int n = (int)strlen(s), i = 0;
	int rust = lang == MD_LANG_RUST;
	if (lang == MD_LANG_NONE || n == 0)
		return 0;
	if (lang == MD_LANG_DIFF) {
		if (s[0] == '+' && strncmp(s, "+++", 3))
			return span_add(ln, 0, n, MD_GOOD);
		if (s[0] == '-' && strncmp(s, "---", 3))
			return span_add(ln, 0, n, MD_BAD);
		if (!strncmp(s, "@@", 2))
			return span_add(ln, 0, n, MD_NUMBER);
		return 0;
	}
	if (!rust && !*in_comment) {
		int k = 0;
		while (k < n && (s[k] == ' ' || s[k] == '\t'))
			k++;
		if (k < n && s[k] == '#')
			return span_add(ln, k, n - k, MD_PREPROC);
	}
	while (i < n) {
		char c = s[i];
		int opens = c == '/' && i + 1 < n && s[i + 1] == '*';
		if (*in_comment || opens) {
			/* A block comment, possibly begun on an earlier line:
			 * it runs to the closing star-slash or the line's end. */
			int j = opens ? i + 2 : i;
			*in_comment = 1;
			while (j < n && !(s[j] == '*' && j + 1 < n && s[j + 1] == '/'))
				j++;
			if (j < n) {
				j += 2;
				*in_comment = 0;
			}
			span_add(ln, i, j - i, MD_COMMENT);
			i = j;
			continue;
		}
		if (c == '/' && i + 1 < n && s[i + 1] == '/') {
			span_add(ln, i, n - i, MD_COMMENT);
			break;
		}
		if (c == '"' || (c == '\'' && !rust)) {
			int j = i + 1;
			while (j < n && s[j] != c) {
				if (s[j] == '\\')
					j++;
				j++;
			}
			if (j < n)
				j++;
			if (j > n)
				j = n;
			span_add(ln, i, j - i, MD_STRING);
			i = j;
			continue;
		}
		if (isdigit((unsigned char)c)) {
			int j = i;
			while (j < n && (isalnum((unsigned char)s[j]) || s[j] == '.' || s[j] == '_'))
				j++;
			span_add(ln, i, j - i, MD_NUMBER);
			i = j;
			continue;
		}
		if (isalpha((unsigned char)c) || c == '_') {
			int j = i;
			while (j < n && (isalnum((unsigned char)s[j]) || s[j] == '_'))
				j++;
			int len = j - i;
			const char *w = s + i;
			if (in_list(rust ? rust_keywords : c_keywords, w, len))
				span_add(ln, i, len, MD_KEYWORD);
			else if (in_list(rust ? rust_types : c_types, w, len) ||
				 (!rust && len > 2 && !strncmp(w + len - 2, "_t", 2)))
				span_add(ln, i, len, MD_TYPE);
			else if (!rust && (!strncmp(w, "ax_", 3) || !strncmp(w, "AX_", 3)))
				span_add(ln, i, len, MD_API);
			i = j;
			continue;
		}
		i++;
	}
	return 0;
}

void md_mark_verdicts(md_doc *d)
{
	for (int i = 0; i < d->n; i++) {
		md_line *ln = &d->lines[i];
		for (int k = 0; k < ln->nspans; k++) {
			md_span *sp = &ln->spans[k];
			if (sp->style != MD_STRONG || sp->len != 4)
				continue;
			if (!strncmp(ln->text + sp->start, "PASS", 4))
				sp->style = MD_GOOD;
			else if (!strncmp(ln->text + sp->start, "FAIL", 4))
				sp->style = MD_BAD;
		}
	}
}
