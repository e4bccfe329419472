/* safe_text.h - text that came from a file or a program (a lesson's hint,
 * a learner's progress, a program's output, a compiler's) made safe to
 * print on a terminal: control characters, which could move the cursor,
 * retitle the window, change the terminal's modes or answer back into its
 * input, are written as visible escapes instead.  Every place the command
 * line prints such text goes through here. */
#ifndef ASYNCLAB_SAFE_TEXT_H
#define ASYNCLAB_SAFE_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* Keep newlines (multi-line text: output, hints, files).  Tabs are always
 * kept; without this flag a newline is escaped too (a name, a key, a
 * message that must stay on its line). */
#define AXC_SAFE_LINES 1u

/* What is escaped: C0 controls (but tab, and newline with AXC_SAFE_LINES)
 * and DEL as \xNN (\r as \r); C1 controls and the bidirectional-override
 * characters as \uNNNN; bytes that are not UTF-8 as \xNN.  Everything else
 * (printable ASCII, valid UTF-8) is copied. */

/* Write the first n bytes of s to f, escaped.  0 or -errno. */
int axc_safe_write(FILE *f, const char *s, size_t n, unsigned flags);
/* Write the string s (NULL: nothing) to f, escaped.  0 or -errno. */
int axc_safe_fputs(const char *s, FILE *f, unsigned flags);
/* An escaped copy of s (NULL gives ""), malloc'd; NULL when out of
 * memory. */
char *axc_safe_dup(const char *s, unsigned flags);
/* An escaped copy of s on one line, for a printf argument: it stays valid
 * until AXC_SAFE_RING further calls on this thread (the copies are kept in
 * a small ring and reused), so one printf may take up to that many.  Never
 * NULL: out of memory gives a placeholder. */
#define AXC_SAFE_RING 8
const char *axc_safe(const char *s);
/* Free the ring's copies (for leak checkers at exit). */
void axc_safe_ring_free(void);

#endif /* ASYNCLAB_SAFE_TEXT_H */
