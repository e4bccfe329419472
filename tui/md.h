/* md.h - lesson text as styled, wrapped lines: CommonMark parsed by cmark,
 * laid out for a given width, with C and Rust code blocks highlighted.
 * Free of curses so it can be unit-tested. */
#ifndef ASYNCLAB_TUI_MD_H
#define ASYNCLAB_TUI_MD_H

typedef enum md_style {
	MD_TEXT = 0,
	MD_H1,
	MD_H2,
	MD_H3,
	MD_EMPH,
	MD_STRONG,
	MD_CODE,    /* inline code */
	MD_BLOCK,   /* code block text */
	MD_KEYWORD, /* code: keyword */
	MD_TYPE,    /* code: type name */
	MD_STRING,  /* code: string or character literal */
	MD_COMMENT, /* code: comment */
	MD_NUMBER,  /* code: number */
	MD_PREPROC, /* code: preprocessor line */
	MD_API,     /* code: an ax_ / AX_ name */
	MD_MARK,    /* bullets, quote bars, rules */
	MD_GOOD,    /* PASS, diff additions */
	MD_BAD,     /* FAIL, diff removals */
	MD_NSTYLES
} md_style;

typedef struct md_span {
	int start; /* byte offset in the line text */
	int len;   /* bytes */
	md_style style;
} md_span;

typedef struct md_line {
	char *text; /* UTF-8, no newline */
	md_span *spans;
	int nspans;
} md_line;

typedef struct md_doc {
	md_line *lines;
	int n, cap;
} md_doc;

/* Lay out markdown for width columns (>= 20); ascii selects ASCII bullets
 * and rules.  Returns 0 or -ENOMEM. */
int md_render(const char *markdown, int width, int ascii, md_doc *out);
void md_free(md_doc *d);
/* Display columns of a UTF-8 string of len bytes (code points; no wide
 * characters are expected in lesson text). */
int md_cols(const char *s, int len);

enum md_lang { MD_LANG_C = 0, MD_LANG_RUST, MD_LANG_NONE, MD_LANG_DIFF };

/* Highlight one line of code in lang, continuing a block comment when
 * *in_comment is set.  Appends spans to line. */
int md_highlight(md_line *line, int lang, int *in_comment);

/* Give the words PASS and FAIL (and ok/failed marks) their own styles so
 * results read at a glance; the words carry the meaning, colour only
 * helps. */
void md_mark_verdicts(md_doc *d);

#endif
