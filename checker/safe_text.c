/* safe_text.c - escaping control characters in untrusted text before it
 * reaches a terminal (see safe_text.h).  One UTF-8 decoder walks the text;
 * each character is either copied or replaced by a visible escape. */
#include "config.h"

#include "safe_text.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The length of the valid UTF-8 sequence at s (at most n bytes) and its
 * code point, or 0 when s does not start one (a stray continuation byte,
 * an overlong form, a surrogate, past U+10FFFF, or cut short). */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t c, min;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		len = 2, c = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3, c = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Characters that reorder how the rest of a line is displayed, so text
 * can show other than what it holds. */
static bool bidi_control(uint32_t c)
{
	return c == 0x061c || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069);
}

/* One step: how many bytes of s were consumed, with what to write in out
 * (NUL-terminated) or, when out is left empty, the bytes themselves. */
static size_t step(const unsigned char *s, size_t n, unsigned flags, char out[16])
{
	uint32_t c;
	size_t len = utf8_seq(s, n, &c);
	out[0] = '\0';
	if (!len) {
		snprintf(out, 16, "\\x%02x", s[0]);
		return 1;
	}
	if (c == '\t' || (c == '\n' && (flags & AXC_SAFE_LINES)))
		return len;
	if (c == '\r')
		snprintf(out, 16, "\\r");
	else if (c == '\n')
		snprintf(out, 16, "\\n");
	else if (c < 0x20 || c == 0x7f)
		snprintf(out, 16, "\\x%02x", (unsigned)c);
	else if ((c >= 0x80 && c < 0xa0) || bidi_control(c))
		snprintf(out, 16, "\\u%04x", (unsigned)c);
	return len;
}

int axc_safe_write(FILE *f, const char *s, size_t n, unsigned flags)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0; /* bytes to copy as they are, from i - run */
	while (i < n) {
		char esc[16];
		size_t len = step(u + i, n - i, flags, esc);
		if (!esc[0]) {
			i += len;
			run += len;
			continue;
		}
		if ((run && fwrite(s + i - run, 1, run, f) != run) || fputs(esc, f) == EOF)
			return -EIO;
		run = 0;
		i += len;
	}
	if (run && fwrite(s + i - run, 1, run, f) != run)
		return -EIO;
	return 0;
}

int axc_safe_fputs(const char *s, FILE *f, unsigned flags)
{
	return s ? axc_safe_write(f, s, strlen(s), flags) : 0;
}

char *axc_safe_dup(const char *s, unsigned flags)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	int rc = axc_safe_fputs(s ? s : "", f, flags);
	if (fclose(f) != 0 || rc < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static __thread char *ring[AXC_SAFE_RING];
static __thread unsigned ring_at;

const char *axc_safe(const char *s)
{
	unsigned at = ring_at++ % AXC_SAFE_RING;
	free(ring[at]);
	ring[at] = axc_safe_dup(s, 0);
	return ring[at] ? ring[at] : "(out of memory)";
}

void axc_safe_ring_free(void)
{
	for (unsigned i = 0; i < AXC_SAFE_RING; i++) {
		free(ring[i]);
		ring[i] = NULL;
	}
}
