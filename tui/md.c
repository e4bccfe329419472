/* md.c - lays out lesson Markdown for the terminal: cmark parses it, this
 * file turns blocks into wrapped lines of styled spans (headings, emphasis,
 * lists, quotes, code blocks with C/Rust highlighting). */
#include "md.h"

#include <cmark.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct piece {
	const char *s;
	int len;
	md_style style;
	int space_before; /* a space separates it from the previous piece */
	int hard_break;	  /* a line break before it */
} piece;

typedef struct pieces {
	piece *v;
	int n, cap;
	int pending_space;
	int pending_break;
	char **owned; /* strings we allocated */
	int nowned, capowned;
} pieces;

typedef struct layout {
	md_doc *doc;
	int width;
	int ascii;
	int err;
} layout;

int md_cols(const char *s, int len)
{
	int n = 0;
	for (int i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

/* Byte length of the first `cols` columns of s. */
static int cols_bytes(const char *s, int len, int cols)
{
	int i = 0, c = 0;
	while (i < len) {
		if (((unsigned char)s[i] & 0xC0) != 0x80) {
			if (c == cols)
				break;
			c++;
		}
		i++;
	}
	return i;
}

static md_line *new_line(layout *L)
{
	md_doc *d = L->doc;
	if (d->n == d->cap) {
		int cap = d->cap ? d->cap * 2 : 64;
		md_line *n = realloc(d->lines, (size_t)cap * sizeof *n);
		if (!n) {
			L->err = -ENOMEM;
			return NULL;
		}
		d->lines = n;
		d->cap = cap;
	}
	md_line *ln = &d->lines[d->n++];
	memset(ln, 0, sizeof *ln);
	ln->text = calloc(1, 1);
	if (!ln->text) {
		d->n--;
		L->err = -ENOMEM;
		return NULL;
	}
	return ln;
}

static int line_append(md_line *ln, const char *s, int len, md_style st)
{
	size_t old = strlen(ln->text);
	char *t = realloc(ln->text, old + (size_t)len + 1);
	if (!t)
		return -ENOMEM;
	memcpy(t + old, s, (size_t)len);
	t[old + (size_t)len] = 0;
	ln->text = t;
	if (st != MD_TEXT && len > 0) {
		md_span *sp = realloc(ln->spans, (size_t)(ln->nspans + 1) * sizeof *sp);
		if (!sp)
			return -ENOMEM;
		ln->spans = sp;
		ln->spans[ln->nspans++] = (md_span){ (int)old, len, st };
	}
	return 0;
}

static void blank_line(layout *L)
{
	if (L->doc->n > 0 && L->doc->lines[L->doc->n - 1].text[0] != 0)
		new_line(L);
}

static void add_piece(pieces *P, const char *s, int len, md_style st)
{
	/* Split on spaces: each word is a piece; spaces become flags. */
	int i = 0;
	while (i < len) {
		if (s[i] == ' ' || s[i] == '\t') {
			P->pending_space = 1;
			i++;
			continue;
		}
		int j = i;
		while (j < len && s[j] != ' ' && s[j] != '\t')
			j++;
		if (P->n == P->cap) {
			int cap = P->cap ? P->cap * 2 : 64;
			piece *v = realloc(P->v, (size_t)cap * sizeof *v);
			if (!v)
				return;
			P->v = v;
			P->cap = cap;
		}
		P->v[P->n++] = (piece){ s + i, j - i, st, P->pending_space, P->pending_break };
		P->pending_space = 0;
		P->pending_break = 0;
		i = j;
	}
}

static void collect(cmark_node *n, md_style st, pieces *P)
{
	for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
		const char *lit = cmark_node_get_literal(c);
		switch (cmark_node_get_type(c)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_HTML_INLINE:
			if (lit)
				add_piece(P, lit, (int)strlen(lit), st);
			break;
		case CMARK_NODE_CODE:
			if (lit) {
				/* Inline code keeps its spaces: one piece per word,
				 * still glued in reading order. */
				add_piece(P, lit, (int)strlen(lit), MD_CODE);
			}
			break;
		case CMARK_NODE_EMPH:
			collect(c, st == MD_TEXT ? MD_EMPH : st, P);
			break;
		case CMARK_NODE_STRONG:
			collect(c, st == MD_TEXT || st == MD_EMPH ? MD_STRONG : st, P);
			break;
		case CMARK_NODE_SOFTBREAK:
			P->pending_space = 1;
			break;
		case CMARK_NODE_LINEBREAK:
			P->pending_break = 1;
			break;
		case CMARK_NODE_LINK:
		case CMARK_NODE_IMAGE:
			collect(c, st, P);
			break;
		default:
			collect(c, st, P);
			break;
		}
	}
}

/* Greedy word wrap of pieces into lines under the given prefixes. */
static void flow(layout *L, pieces *P, const char *pfx_first, const char *pfx_rest)
{
	int avail_first = L->width - md_cols(pfx_first, (int)strlen(pfx_first));
	int avail_rest = L->width - md_cols(pfx_rest, (int)strlen(pfx_rest));
	if (avail_first < 10)
		avail_first = 10;
	if (avail_rest < 10)
		avail_rest = 10;
	md_line *ln = new_line(L);
	if (!ln)
		return;
	line_append(ln, pfx_first, (int)strlen(pfx_first), MD_MARK);
	int col = 0, avail = avail_first;
	for (int i = 0; i < P->n; i++) {
		/* A word: this piece plus the pieces glued to it. */
		int j = i, wcols = md_cols(P->v[i].s, P->v[i].len);
		while (j + 1 < P->n && !P->v[j + 1].space_before && !P->v[j + 1].hard_break) {
			j++;
			wcols += md_cols(P->v[j].s, P->v[j].len);
		}
		int need = wcols + (col > 0 && P->v[i].space_before ? 1 : 0);
		if (P->v[i].hard_break || (col > 0 && col + need > avail)) {
			ln = new_line(L);
			if (!ln)
				return;
			line_append(ln, pfx_rest, (int)strlen(pfx_rest), MD_MARK);
			col = 0;
			avail = avail_rest;
		}
		if (col > 0 && P->v[i].space_before) {
			/* The space takes the style of the run it sits in. */
			md_style sp = P->v[i].style == P->v[i - 1].style ? P->v[i].style : MD_TEXT;
			line_append(ln, " ", 1, sp);
			col++;
		}
		for (int k = i; k <= j; k++) {
			const char *s = P->v[k].s;
			int len = P->v[k].len;
			/* A word longer than the line is cut where it must be. */
			while (col + md_cols(s, len) > avail) {
				int take = cols_bytes(s, len, avail - col);
				if (take == 0 && col == 0)
					take = len;
				line_append(ln, s, take, P->v[k].style);
				s += take;
				len -= take;
				ln = new_line(L);
				if (!ln)
					return;
				line_append(ln, pfx_rest, (int)strlen(pfx_rest), MD_MARK);
				col = 0;
				avail = avail_rest;
			}
			line_append(ln, s, len, P->v[k].style);
			col += md_cols(s, len);
		}
		i = j;
	}
}

static void pieces_free(pieces *P)
{
	free(P->v);
	memset(P, 0, sizeof *P);
}

static void inline_block(layout *L, cmark_node *n, md_style st, const char *pf, const char *pr)
{
	pieces P = { 0 };
	collect(n, st, &P);
	flow(L, &P, pf, pr);
	pieces_free(&P);
}

static void code_block(layout *L, cmark_node *n, const char *prefix)
{
	const char *lit = cmark_node_get_literal(n);
	const char *info = cmark_node_get_fence_info(n);
	int lang = MD_LANG_C;
	if (info && !strncmp(info, "rust", 4))
		lang = MD_LANG_RUST;
	else if (info && !strncmp(info, "diff", 4))
		lang = MD_LANG_DIFF;
	else if (info && *info && strncmp(info, "c", 1) != 0)
		lang = MD_LANG_NONE;
	int in_comment = 0;
	if (!lit)
		return;
	char pfx[256];
	snprintf(pfx, sizeof pfx, "%s    ", prefix);
	const char *p = lit;
	while (*p) {
		const char *e = strchr(p, '\n');
		int len = e ? (int)(e - p) : (int)strlen(p);
		md_line *ln = new_line(L);
		if (!ln)
			return;
		line_append(ln, pfx, (int)strlen(pfx), MD_TEXT);
		int base = (int)strlen(ln->text);
		/* Expand tabs to 4 columns for a predictable layout. */
		for (int i = 0; i < len; i++) {
			if (p[i] == '\t')
				line_append(ln, "    ", 4, MD_TEXT);
			else
				line_append(ln, p + i, 1, MD_TEXT);
		}
		/* Highlight the code part only. */
		md_line code = { ln->text + base, NULL, 0 };
		md_highlight(&code, lang, &in_comment);
		int nsp = ln->nspans + code.nspans + 1;
		md_span *sp = realloc(ln->spans, (size_t)nsp * sizeof *sp);
		if (sp) {
			ln->spans = sp;
			sp[ln->nspans++] = (md_span){ base, (int)strlen(ln->text) - base, MD_BLOCK };
			for (int i = 0; i < code.nspans; i++) {
				md_span s = code.spans[i];
				s.start += base;
				sp[ln->nspans++] = s;
			}
		}
		free(code.spans);
		if (!e)
			break;
		p = e + 1;
	}
}

static void blocks(layout *L, cmark_node *parent, const char *pf, const char *pr);

static void block(layout *L, cmark_node *n, const char *pf, const char *pr)
{
	char bf[256], br[256];
	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_HEADING: {
		int lvl = cmark_node_get_heading_level(n);
		md_style st = lvl == 1 ? MD_H1 : lvl == 2 ? MD_H2 : MD_H3;
		inline_block(L, n, st, pf, pr);
		if (lvl == 1) {
			md_line *ln = new_line(L);
			if (!ln)
				return;
			int w = L->doc->lines[L->doc->n - 2].text ? md_cols(L->doc->lines[L->doc->n - 2].text, (int)strlen(L->doc->lines[L->doc->n - 2].text)) : 10;
			for (int i = 0; i < w; i++)
				line_append(ln, L->ascii ? "=" : "\xe2\x95\x90", L->ascii ? 1 : 3, MD_H1);
		}
		break;
	}
	case CMARK_NODE_PARAGRAPH:
		inline_block(L, n, MD_TEXT, pf, pr);
		break;
	case CMARK_NODE_CODE_BLOCK:
		code_block(L, n, pr);
		break;
	case CMARK_NODE_BLOCK_QUOTE:
		snprintf(bf, sizeof bf, "%s%s", pf, L->ascii ? "| " : "\xe2\x94\x82 ");
		snprintf(br, sizeof br, "%s%s", pr, L->ascii ? "| " : "\xe2\x94\x82 ");
		blocks(L, n, bf, br);
		break;
	case CMARK_NODE_LIST: {
		int ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
		int num = cmark_node_get_list_start(n);
		int first = 1;
		for (cmark_node *it = cmark_node_first_child(n); it; it = cmark_node_next(it)) {
			if (ordered)
				snprintf(bf, sizeof bf, "%s%d. ", first ? pf : pr, num++);
			else
				snprintf(bf, sizeof bf, "%s%s ", first ? pf : pr,
					 L->ascii ? "*" : "\xe2\x80\xa2");
			snprintf(br, sizeof br, "%s%*s", pr, ordered ? 3 : 2, "");
			int k = 0;
			for (cmark_node *c = cmark_node_first_child(it); c; c = cmark_node_next(c), k++) {
				if (k > 0 && !cmark_node_get_list_tight(n))
					blank_line(L);
				block(L, c, k == 0 ? bf : br, br);
			}
			if (!cmark_node_get_list_tight(n))
				blank_line(L);
			first = 0;
		}
		break;
	}
	case CMARK_NODE_THEMATIC_BREAK: {
		md_line *ln = new_line(L);
		for (int i = 0; ln && i < L->width - 2; i++)
			line_append(ln, L->ascii ? "-" : "\xe2\x94\x80", L->ascii ? 1 : 3, MD_MARK);
		break;
	}
	case CMARK_NODE_HTML_BLOCK: {
		pieces P = { 0 };
		const char *lit = cmark_node_get_literal(n);
		if (lit)
			add_piece(&P, lit, (int)strlen(lit), MD_TEXT);
		flow(L, &P, pf, pr);
		pieces_free(&P);
		break;
	}
	default:
		blocks(L, n, pf, pr);
		break;
	}
}

static void blocks(layout *L, cmark_node *parent, const char *pf, const char *pr)
{
	int k = 0;
	for (cmark_node *c = cmark_node_first_child(parent); c; c = cmark_node_next(c), k++) {
		block(L, c, k == 0 ? pf : pr, pr);
		if (cmark_node_get_type(parent) == CMARK_NODE_DOCUMENT ||
		    cmark_node_get_type(parent) == CMARK_NODE_BLOCK_QUOTE)
			blank_line(L);
	}
}

int md_render(const char *markdown, int width, int ascii, md_doc *out)
{
	memset(out, 0, sizeof *out);
	if (width < 20)
		width = 20;
	cmark_node *doc = cmark_parse_document(markdown, strlen(markdown), CMARK_OPT_DEFAULT);
	if (!doc)
		return -ENOMEM;
	layout L = { out, width, ascii, 0 };
	blocks(&L, doc, "", "");
	cmark_node_free(doc);
	/* Drop a trailing blank line. */
	while (out->n > 0 && out->lines[out->n - 1].text[0] == 0) {
		free(out->lines[out->n - 1].text);
		free(out->lines[out->n - 1].spans);
		out->n--;
	}
	if (L.err) {
		md_free(out);
		return L.err;
	}
	return 0;
}

void md_free(md_doc *d)
{
	for (int i = 0; i < d->n; i++) {
		free(d->lines[i].text);
		free(d->lines[i].spans);
	}
	free(d->lines);
	memset(d, 0, sizeof *d);
}

/* Code highlighting ------------------------------------------------------ */

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
