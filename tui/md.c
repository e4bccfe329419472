/* md.c - lays out lesson Markdown for the terminal: cmark parses it, this
 * file turns blocks into lines of styled spans: headings, emphasis, lists
 * and quotes wrapped to the width, output blocks wrapped under a
 * continuation mark, code blocks kept whole for sideways scrolling and
 * highlighted (md_code.c). */
#include "md.h"

#include <cmark.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

static md_line *new_line(layout *L)
{
	md_line *ln = md_doc_add(L->doc);
	if (!ln)
		L->err = -ENOMEM;
	return ln;
}

static int line_append(md_line *ln, const char *s, int len, md_style st)
{
	return md_line_add(ln, s, len, st);
}

static void blank_line(layout *L)
{
	if (L->doc->n > 0 && L->doc->lines[L->doc->n - 1].text[0] != 0)
		new_line(L);
}

static void add_words(pieces *P, const char *s, int len, md_style st);

/* Text from the document may hold control characters or bytes that are
 * not UTF-8 (a task name, a message): keep a printable copy. */
static void add_piece(pieces *P, const char *s, int len, md_style st)
{
	char *c = md_clean(s, len, 0);
	if (c && (strlen(c) != (size_t)len || memcmp(c, s, (size_t)len))) {
		if (P->nowned == P->capowned) {
			int cap = P->capowned ? P->capowned * 2 : 8;
			char **o = realloc(P->owned, (size_t)cap * sizeof *o);
			if (!o) {
				free(c);
				return;
			}
			P->owned = o;
			P->capowned = cap;
		}
		P->owned[P->nowned++] = c;
		add_words(P, c, (int)strlen(c), st);
		return;
	}
	free(c);
	add_words(P, s, len, st);
}

static void add_words(pieces *P, const char *s, int len, md_style st)
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
				int take = md_cols_bytes(s, len, avail - col);
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
	for (int i = 0; i < P->nowned; i++)
		free(P->owned[i]);
	free(P->owned);
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

/* The kind of a fenced block from its info string's first word. */
static int fence_lang(const char *info)
{
	static const struct {
		const char *name;
		int lang;
	} names[] = {
		{ "", MD_LANG_OUTPUT },	   { "text", MD_LANG_OUTPUT }, { "txt", MD_LANG_OUTPUT },
		{ "console", MD_LANG_OUTPUT }, { "output", MD_LANG_OUTPUT }, { "plain", MD_LANG_OUTPUT },
		{ "c", MD_LANG_C },	   { "h", MD_LANG_C },	       { "rust", MD_LANG_RUST },
		{ "rs", MD_LANG_RUST },	   { "diff", MD_LANG_DIFF },   { "patch", MD_LANG_DIFF },
	};
	size_t len = info ? strcspn(info, " \t{") : 0;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strlen(names[i].name) == len && (!len || !strncasecmp(info, names[i].name, len)))
			return names[i].lang;
	return MD_LANG_NONE;
}

/* One line of a code block: never wrapped (that would change the code's
 * shape); the screen clips it with a marker and scrolls it sideways. */
static void code_line(layout *L, const char *pfx, const char *text, int lang, int *in_comment)
{
	md_line *ln = new_line(L);
	if (!ln)
		return;
	int base = (int)strlen(pfx);
	if (line_append(ln, pfx, base, MD_TEXT) < 0 || line_append(ln, text, (int)strlen(text), MD_TEXT) < 0) {
		L->err = -ENOMEM;
		return;
	}
	ln->clip = 1;
	ln->code = base;
	/* Highlight the code part only. */
	md_line code = { ln->text + base, NULL, 0, 0, 0 };
	md_highlight(&code, lang, in_comment);
	int nsp = ln->nspans + code.nspans + 1;
	md_span *sp = realloc(ln->spans, (size_t)nsp * sizeof *sp);
	if (sp) {
		ln->spans = sp;
		sp[ln->nspans++] = (md_span){ base, (int)strlen(ln->text) - base, MD_BLOCK };
		for (int i = 0; i < code.nspans; i++) {
			md_span c = code.spans[i];
			c.start += base;
			sp[ln->nspans++] = c;
		}
	} else {
		L->err = -ENOMEM;
	}
	free(code.spans);
}

static void code_block(layout *L, cmark_node *n, const char *prefix)
{
	const char *lit = cmark_node_get_literal(n);
	int lang = fence_lang(cmark_node_get_fence_info(n));
	int in_comment = 0;
	if (!lit)
		return;
	char pfx[256];
	snprintf(pfx, sizeof pfx, "%s    ", prefix);
	for (const char *p = lit; *p && !L->err;) {
		const char *e = strchr(p, '\n');
		int len = e ? (int)(e - p) : (int)strlen(p);
		char *text = md_clean(p, len, 0);
		if (!text) {
			L->err = -ENOMEM;
			return;
		}
		if (lang == MD_LANG_OUTPUT) {
			/* Output reads as sentences: wrapped, so that every word
			 * of a long compiler message is on the screen. */
			if (md_wrap(L->doc, text, L->width, pfx, md_cont_mark(L->ascii), MD_TEXT) < 0)
				L->err = -ENOMEM;
		} else {
			code_line(L, pfx, text, lang, &in_comment);
		}
		free(text);
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
