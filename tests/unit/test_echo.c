/*
 * Unit tests for config/echo.c, the one rule for text echoed to the
 * terminal: exact outputs for printable, control and invalid input, the
 * bound and its marker, and for every short byte string the promise the
 * callers rely on (well-formed UTF-8, no control character, bounded, and
 * echoed again unchanged).
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/echo.h"
#include "config/utf8.h"

struct test_echo_case {
	const char	*in;
	size_t		 len;
	size_t		 max;
	const char	*out;
};

static void
test_echo_exact(void **state)
{
	static const struct test_echo_case cases[] = {
		{ "plain text", 10, 80, "plain text" },
		{ "", 0, 80, "" },
		{ "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80", 14, 80,
		    "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80" },
		/* U+FFFD written as is, a no-break space: printable. */
		{ "\xef\xbf\xbd\xc2\xa0", 5, 80, "\xef\xbf\xbd\xc2\xa0" },
		/* C0 controls, TAB and LF included, and DEL. */
		{ "a\033[2Jb", 6, 80, "a\\x1b[2Jb" },
		{ "one\ttwo\r\nthree", 14, 80, "one\\x09two\\x0d\\x0athree" },
		{ "\x7f", 1, 80, "\\x7f" },
		{ "a\0b", 3, 80, "a\\x00b" },
		/* C1 controls: the two bytes they were sent as. */
		{ "\xc2\x9b" "31m", 5, 80, "\\xc2\\x9b31m" },
		{ "\xc2\x85", 2, 80, "\\xc2\\x85" },
		/* Invalid UTF-8: every byte. */
		{ "\x9b", 1, 80, "\\x9b" },
		{ "\xc0\x9b", 2, 80, "\\xc0\\x9b" },
		{ "\xed\xa0\x80", 3, 80, "\\xed\\xa0\\x80" },
		{ "\xf4\x90\x80\x80", 4, 80, "\\xf4\\x90\\x80\\x80" },
		{ "\xe2\x82" "A", 3, 80, "\\xe2\\x82A" },
		{ "end\xe2\x82", 5, 80, "end\\xe2\\x82" },
		{ "\xff\xfe", 2, 80, "\\xff\\xfe" },
		/* A backslash stays. */
		{ "C:\\x", 4, 80, "C:\\x" },
		/* The bound: bytes shown, then the marker. */
		{ "abcdef", 6, 6, "abcdef" },
		{ "abcdefg", 7, 6, "abcdef..." },
		{ "abcdefg", 7, 0, "..." },
		{ "", 0, 0, "" },
		/* Never half a character or half an escape. */
		{ "abcde\xc3\xa9", 7, 6, "abcde..." },
		{ "ab\xe6\x97\xa5", 5, 4, "ab..." },
		{ "ab\033", 3, 5, "ab..." },
		{ "ab\033", 3, 6, "ab\\x1b" },
		{ "\033\033", 2, 7, "\\x1b..." },
	};
	size_t	 i;
	char	*out;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		out = echo_textn(cases[i].in, cases[i].len, cases[i].max);
		if (strcmp(out, cases[i].out) != 0)
			fprintf(stderr, "case %zu: \"%s\"\n", i, out);
		assert_string_equal(out, cases[i].out);
		free(out);
		if (memchr(cases[i].in, '\0', cases[i].len) != NULL)
			continue;
		out = echo_text(cases[i].in, cases[i].max);
		assert_string_equal(out, cases[i].out);
		free(out);
	}
	out = echo_text(NULL, 80);
	assert_string_equal(out, "(none)");
	free(out);
}

/*
 * The promise: well-formed UTF-8 without a control character; all of what
 * would be shown if it fits in max bytes, else as much of it as fits
 * (less than a character or escape left over) and the marker.
 */
static void
test_echo_check(const char *in, size_t len, size_t max)
{
	char		*out = echo_textn(in, len, max);
	char		*full = echo_textn(in, len, 1000), *again;
	size_t		 olen = strlen(out), cut = strlen(ECHO_CUT), n;
	const char	*p;
	uint32_t	 cp;

	assert_true(utf8_valid(out, olen));
	for (p = out; *p != '\0'; p += n) {
		n = utf8_decode(p, strlen(p), &cp);
		assert_false(utf8_is_control(cp));
	}
	/* Echoed text echoes as itself. */
	again = echo_text(full, 1000);
	assert_string_equal(again, full);
	free(again);
	if (strlen(full) <= max)
		assert_string_equal(out, full);
	else {
		assert_true(olen >= cut && olen - cut <= max &&
		    olen - cut + 4 > max);
		assert_string_equal(out + olen - cut, ECHO_CUT);
		assert_memory_equal(out, full, olen - cut);
	}
	free(full);
	free(out);
}

static void
test_echo_any(void **state)
{
	static const unsigned char	pick[] = { 'a', '\\', 0x00, 0x09, 0x0a,
					    0x1b, 0x7f, 0x80, 0x85, 0x9b,
					    0xa0, 0xbf, 0xc0, 0xc2, 0xe0, 0xe2,
					    0xed, 0xf0, 0xf4, 0xff };
	char				s[4];
	unsigned long			x, v;
	size_t				k, max;

	(void)state;
	/* Every string of 4 bytes from pick, under bounds 0 to 12. */
	for (x = 0; x < 20UL * 20 * 20 * 20; x++) {
		v = x;
		for (k = 0; k < 4; k++) {
			s[k] = (char)pick[v % 20];
			v /= 20;
		}
		for (max = 0; max <= 12; max += 3)
			test_echo_check(s, 4, max);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_echo_exact),
		cmocka_unit_test(test_echo_any),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
