/* check_safe_text.c - escaping untrusted text for a terminal: escape
 * sequences, other controls, newlines by mode, C1 controls and
 * bidirectional overrides, bytes that are not UTF-8, and text that must
 * pass through untouched. */
#include "config.h"

#include "safe_text.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../testutil.h"

static void expect(const char *in, unsigned flags, const char *want)
{
	char *got = axc_safe_dup(in, flags);
	ck_assert_ptr_nonnull(got);
	ck_assert_msg(!strcmp(got, want), "escaping '%s': got '%s', want '%s'", in, got, want);
	free(got);
}

START_TEST(escape_sequences_become_visible)
{
	/* A colour, a window title (OSC ... BEL), clear screen, a cursor
	 * report request: none reaches the terminal as a control. */
	expect("\033[31mred\033[0m", 0, "\\x1b[31mred\\x1b[0m");
	expect("\033]0;pwned\007", 0, "\\x1b]0;pwned\\x07");
	expect("a\033[2Jb\033[6n", 0, "a\\x1b[2Jb\\x1b[6n");
	expect("back\bspace\177del", 0, "back\\x08space\\x7fdel");
	expect("over\rwrite", AXC_SAFE_LINES, "over\\rwrite");
}
END_TEST

START_TEST(newlines_by_mode_tabs_kept)
{
	expect("one\ntwo\tthree", 0, "one\\ntwo\tthree");
	expect("one\ntwo\tthree\n", AXC_SAFE_LINES, "one\ntwo\tthree\n");
}
END_TEST

START_TEST(unicode_controls_and_bad_bytes)
{
	/* C1 CSI (U+009B) is an escape sequence on many terminals. */
	expect("x\xc2\x9b" "31my", 0, "x\\u009b31my");
	/* A right-to-left override makes text read other than it is. */
	expect("abc\xe2\x80\xae" "def", 0, "abc\\u202edef");
	/* A lone 0x9b byte (CSI on 8-bit terminals), an overlong '/', a
	 * surrogate, a cut-off sequence. */
	expect("\x9b" "1m", 0, "\\x9b1m");
	expect("\xc0\xaf", 0, "\\xc0\\xaf");
	expect("\xed\xa0\x80", 0, "\\xed\\xa0\\x80");
	expect("end\xe2\x82", 0, "end\\xe2\\x82");
}
END_TEST

START_TEST(plain_text_untouched)
{
	const char *plain = "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80 {a: 1} ~";
	expect(plain, 0, plain);
	expect("", 0, "");
	char *e = axc_safe_dup(NULL, 0);
	ck_assert_str_eq(e, "");
	free(e);
}
END_TEST

START_TEST(ring_keeps_several_arguments)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s|%s|%s", axc_safe("a\033"), axc_safe("b"), axc_safe("\tc\n"));
	ck_assert_str_eq(buf, "a\\x1b|b|\tc\\n");
	for (int i = 0; i < 3 * AXC_SAFE_RING; i++)
		ck_assert_str_eq(axc_safe("x\001"), "x\\x01");
	axc_safe_ring_free();
}
END_TEST

START_TEST(write_to_a_stream)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_int_eq(axc_safe_write(f, "ab\033c\0d", 6, AXC_SAFE_LINES), 0);
	ck_assert_int_eq(axc_safe_fputs(NULL, f, 0), 0);
	fclose(f);
	ck_assert_uint_eq(len, strlen("ab\\x1bc\\x00d"));
	ck_assert(!memcmp(buf, "ab\\x1bc\\x00d", len));
	free(buf);
}
END_TEST

static Suite *safe_text_suite(void)
{
	Suite *s = suite_create("safe_text");
	TCase *tc = tcase_create("escape");
	tcase_add_test(tc, escape_sequences_become_visible);
	tcase_add_test(tc, newlines_by_mode_tabs_kept);
	tcase_add_test(tc, unicode_controls_and_bad_bytes);
	tcase_add_test(tc, plain_text_untouched);
	tcase_add_test(tc, ring_keeps_several_arguments);
	tcase_add_test(tc, write_to_a_stream);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(safe_text_suite)
