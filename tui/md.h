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
	char *text; /* UTF-8, no newline, printable (see md_clean) */
	md_span *spans;
	int nspans;
	int clip;   /* a code line: not wrapped, so it may be wider than the
		       layout; drawn clipped with a marker, scrolled sideways */
	int code;   /* clip lines: byte offset where the code begins (the
		       block's indent before it never scrolls) */
} md_line;

typedef struct md_doc {
	md_line *lines;
	int n, cap;
} md_doc;

/* Lay out markdown for width columns (>= 20); ascii selects ASCII bullets,
 * rules and marks.  Every line fits the width except code lines (fenced
 * c, rust, diff or another language's name: clip set), which keep their
 * shape.  Fenced blocks without a language, or marked text, console or
 * output, are program or compiler output: wrapped, each continuation row
 * indented under a visible mark.  Returns 0 or -ENOMEM. */
int md_render(const char *markdown, int width, int ascii, md_doc *out);
void md_free(md_doc *d);

/* Text measures (md_text.c).  Widths follow the terminal: a wide (East
 * Asian, emoji) character takes two columns, a combining mark none. */
/* Display columns of a UTF-8 string of len bytes. */
int md_cols(const char *s, int len);
/* Bytes of the code point at s (1 for a byte that is not valid UTF-8);
 * *cols gets its display width. */
int md_char(const char *s, int len, int *cols);
/* Bytes of the longest prefix of s that fits in cols columns. */
int md_cols_bytes(const char *s, int len, int cols);
/* A printable copy of len bytes of s (malloc'd, NUL-terminated; NULL when
 * out of memory): tabs become spaces up to the next multiple of four
 * columns (counting from column col0), other control characters their
 * caret form (^[), bytes that are not UTF-8 the replacement character.
 * Program output can hold anything; drawn raw, such bytes would move the
 * terminal's cursor and put text over other lines. */
char *md_clean(const char *s, int len, int col0);

/* Building blocks for laid-out text (also used for messages). */
/* A new empty line at the end of d; NULL when out of memory. */
md_line *md_doc_add(md_doc *d);
/* Append len bytes to a line, styled st (MD_TEXT adds no span). */
int md_line_add(md_line *ln, const char *s, int len, md_style st);
/* Append text (one line, already printable) to d wrapped to width
 * columns: the first row after indent, each further row after indent
 * and the continuation mark cont.  Breaks at a space when one is near
 * the end of a row, else after a slash (a path), else inside the word.
 * The text is styled st, the mark MD_MARK.  Returns 0 or -ENOMEM. */
int md_wrap(md_doc *d, const char *text, int width, const char *indent, const char *cont,
	    md_style st);
/* The continuation mark md_render uses: a hooked arrow, "> " in ASCII. */
const char *md_cont_mark(int ascii);

enum md_lang { MD_LANG_C = 0, MD_LANG_RUST, MD_LANG_NONE, MD_LANG_DIFF, MD_LANG_OUTPUT };

/* Highlight one line of code in lang, continuing a block comment when
 * *in_comment is set.  Appends spans to line. */
int md_highlight(md_line *line, int lang, int *in_comment);

/* Give the words PASS and FAIL (and ok/failed marks) their own styles so
 * results read at a glance; the words carry the meaning, colour only
 * helps. */
void md_mark_verdicts(md_doc *d);

#endif
