/* md_text.c - text as the terminal shows it: the display width of UTF-8
 * (wide and combining characters), a printable copy of arbitrary program
 * output, and wrapping a line with a visible continuation mark. */
#include "md.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Two-column code points: the East Asian wide and fullwidth ranges and
 * the emoji blocks, as terminals (and wcwidth) draw them.  Kept here
 * rather than asking wcwidth, which answers -1 outside a UTF-8 locale
 * and so would make a layout depend on the environment. */
static const uint32_t wide[][2] = {
	{ 0x1100, 0x115F }, { 0x231A, 0x231B }, { 0x2329, 0x232A }, { 0x23E9, 0x23EC },
	{ 0x23F0, 0x23F0 }, { 0x23F3, 0x23F3 }, { 0x25FD, 0x25FE }, { 0x2614, 0x2615 },
	{ 0x2648, 0x2653 }, { 0x267F, 0x267F }, { 0x2693, 0x2693 }, { 0x26A1, 0x26A1 },
	{ 0x26AA, 0x26AB }, { 0x26BD, 0x26BE }, { 0x26C4, 0x26C5 }, { 0x26CE, 0x26CE },
	{ 0x26D4, 0x26D4 }, { 0x26EA, 0x26EA }, { 0x26F2, 0x26F3 }, { 0x26F5, 0x26F5 },
	{ 0x26FA, 0x26FA }, { 0x26FD, 0x26FD }, { 0x2705, 0x2705 }, { 0x270A, 0x270B },
	{ 0x2728, 0x2728 }, { 0x274C, 0x274C }, { 0x274E, 0x274E }, { 0x2753, 0x2755 },
	{ 0x2757, 0x2757 }, { 0x2795, 0x2797 }, { 0x27B0, 0x27B0 }, { 0x27BF, 0x27BF },
	{ 0x2B1B, 0x2B1C }, { 0x2B50, 0x2B50 }, { 0x2B55, 0x2B55 }, { 0x2E80, 0x303E },
	{ 0x3041, 0x33FF }, { 0x3400, 0x4DBF }, { 0x4E00, 0x9FFF }, { 0xA000, 0xA4CF },
	{ 0xA960, 0xA97F }, { 0xAC00, 0xD7A3 }, { 0xF900, 0xFAFF }, { 0xFE10, 0xFE19 },
	{ 0xFE30, 0xFE6F }, { 0xFF00, 0xFF60 }, { 0xFFE0, 0xFFE6 }, { 0x16FE0, 0x16FE4 },
	{ 0x17000, 0x18AFF }, { 0x1B000, 0x1B2FF }, { 0x1F004, 0x1F004 }, { 0x1F0CF, 0x1F0CF },
	{ 0x1F18E, 0x1F18E }, { 0x1F191, 0x1F19A }, { 0x1F200, 0x1F251 }, { 0x1F300, 0x1F64F },
	{ 0x1F680, 0x1F6FF }, { 0x1F7E0, 0x1F7EB }, { 0x1F90C, 0x1F9FF }, { 0x1FA70, 0x1FAFF },
	{ 0x20000, 0x2FFFD }, { 0x30000, 0x3FFFD },
};

static int cp_width(uint32_t cp)
{
	/* Combining marks and zero-width characters join the previous one. */
	if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
	    (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
	    (cp >= 0xFE20 && cp <= 0xFE2F) || cp == 0x200B || cp == 0x200C ||
	    cp == 0x200D || cp == 0xFE0F)
		return 0;
	size_t lo = 0, hi = sizeof wide / sizeof *wide;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cp < wide[mid][0])
			hi = mid;
		else if (cp > wide[mid][1])
			lo = mid + 1;
		else
			return 2;
	}
	return 1;
}

/* Decode one code point; 0 when the bytes are not a well-formed,
 * shortest-form UTF-8 sequence. */
static int decode(const unsigned char *s, int len, uint32_t *cp)
{
	unsigned char c = s[0];
	int n;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		n = 2, v = c & 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		n = 3, v = c & 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		n = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return n;
}

int md_char(const char *s, int len, int *cols)
{
	uint32_t cp;
	int n = decode((const unsigned char *)s, len, &cp);
	if (n == 0) {
		*cols = 1;
		return 1;
	}
	*cols = cp < 0x20 || cp == 0x7F ? 1 : cp_width(cp);
	return n;
}

int md_cols(const char *s, int len)
{
	int cols = 0;
	for (int i = 0; i < len;) {
		int w;
		i += md_char(s + i, len - i, &w);
		cols += w;
	}
	return cols;
}

int md_cols_bytes(const char *s, int len, int cols)
{
	int i = 0, c = 0;
	while (i < len) {
		int w, n = md_char(s + i, len - i, &w);
		if (c + w > cols)
			break;
		c += w;
		i += n;
	}
	return i;
}

typedef struct buf {
	char *s;
	size_t n, cap;
	int err;
} buf;

static void put(buf *b, const char *s, size_t n)
{
	if (b->err)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = (b->n + n + 1) * 2;
		char *t = realloc(b->s, cap);
		if (!t) {
			b->err = 1;
			return;
		}
		b->s = t;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = 0;
}

char *md_clean(const char *s, int len, int col0)
{
	buf b = { 0 };
	put(&b, "", 0);
	int col = col0;
	for (int i = 0; i < len;) {
		uint32_t cp;
		int n = decode((const unsigned char *)s + i, len - i, &cp);
		if (n == 0) {
			put(&b, "\xef\xbf\xbd", 3); /* U+FFFD */
			col++;
			i++;
		} else if (cp == '\t') {
			int to = (col / 4 + 1) * 4;
			for (; col < to; col++)
				put(&b, " ", 1);
			i++;
		} else if (cp < 0x20 || cp == 0x7F) {
			char caret[2] = { '^', cp == 0x7F ? '?' : (char)(cp + '@') };
			put(&b, caret, 2);
			col += 2;
			i++;
		} else if (cp >= 0x80 && cp < 0xA0) {
			put(&b, "\xef\xbf\xbd", 3); /* a C1 control: not drawable */
			col++;
			i += n;
		} else {
			put(&b, s + i, (size_t)n);
			col += cp_width(cp);
			i += n;
		}
	}
	if (b.err) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

md_line *md_doc_add(md_doc *d)
{
	if (d->n == d->cap) {
		int cap = d->cap ? d->cap * 2 : 64;
		md_line *n = realloc(d->lines, (size_t)cap * sizeof *n);
		if (!n)
			return NULL;
		d->lines = n;
		d->cap = cap;
	}
	md_line *ln = &d->lines[d->n];
	memset(ln, 0, sizeof *ln);
	ln->text = calloc(1, 1);
	if (!ln->text)
		return NULL;
	d->n++;
	return ln;
}

int md_line_add(md_line *ln, const char *s, int len, md_style st)
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

const char *md_cont_mark(int ascii)
{
	return ascii ? "> " : "\xe2\x86\xaa ";
}

int md_wrap(md_doc *d, const char *text, int width, const char *indent, const char *cont,
	    md_style st)
{
	int len = (int)strlen(text), first = 1;
	const char *p = text;
	do {
		md_line *ln = md_doc_add(d);
		if (!ln || md_line_add(ln, indent, (int)strlen(indent), MD_TEXT) < 0)
			return -ENOMEM;
		if (!first && md_line_add(ln, cont, (int)strlen(cont), MD_MARK) < 0)
			return -ENOMEM;
		int avail = width - md_cols(ln->text, (int)strlen(ln->text));
		if (avail < 10)
			avail = 10;
		int take = md_cols_bytes(p, len, avail), next = take;
		if (take < len) {
			/* Break after the last space of the row, unless that
			 * leaves most of the row empty: a long path or word
			 * is better cut than pushed whole to the next row. */
			int sp = take;
			while (sp > 0 && p[sp] != ' ')
				sp--;
			int sl = take - 1; /* a path breaks after a slash */
			while (sl > 0 && p[sl] != '/')
				sl--;
			if (sp > 0 && md_cols(p, sp) >= avail / 2) {
				take = sp;
				next = sp;
				while (next < len && p[next] == ' ')
					next++;
			} else if (sl > 0 && md_cols(p, sl + 1) >= avail / 2) {
				take = next = sl + 1;
			}
		}
		if (take == 0 && len > 0) /* a character wider than the row */
			take = next = md_char(p, len, &(int){ 0 });
		if (md_line_add(ln, p, take, st) < 0)
			return -ENOMEM;
		p += next;
		len -= next;
		first = 0;
	} while (len > 0);
	return 0;
}
