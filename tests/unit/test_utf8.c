/*
 * Unit tests for config/utf8.c beyond the decoder's cases in
 * test_input_decode.c: the byte-at-a-time decoder (utf8_step), held across
 * any split of its input, against utf8_decode; strictness checked against
 * a naive decoder over every sequence of up to three bytes and many of
 * four; and the steps over text (utf8_prev, utf8_cut, utf8_valid).
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/utf8.h"

/* The character in s the textbook way, with every rule written out;
 * returns its length, 0 when s is not exactly one well-formed one. */
static size_t
test_utf8_naive(const unsigned char *s, size_t len)
{
	uint32_t	cp, min;
	size_t		n, i;

	if (len == 0)
		return 0;
	if (s[0] < 0x80)
		return len == 1;
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, cp = s[0] & 0x1f, min = 0x80;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, cp = s[0] & 0x0f, min = 0x800;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, cp = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (len != n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* utf8_valid_len on exactly the bytes s agrees with the naive decoder. */
static void
test_utf8_agree(const unsigned char *s, size_t len)
{
	size_t	want = test_utf8_naive(s, len);
	size_t	got = utf8_valid_len((const char *)s, len);

	if ((got == len) != (want == len)) {
		fprintf(stderr, "%zu bytes %02x %02x %02x %02x: %zu, not %zu\n",
		    len, s[0], len > 1 ? s[1] : 0, len > 2 ? s[2] : 0,
		    len > 3 ? s[3] : 0, got, want);
		fail();
	}
}

static void
test_utf8_strict(void **state)
{
	static const unsigned char	edges[] = { 0x00, 0x7f, 0x80,
					    0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0,
					    0xff };
	unsigned char			s[4];
	unsigned			a, b, c, d;

	(void)state;
	for (a = 0; a < 256; a++) {
		s[0] = (unsigned char)a;
		test_utf8_agree(s, 1);
		for (b = 0; b < 256; b++) {
			s[1] = (unsigned char)b;
			test_utf8_agree(s, 2);
			for (c = 0; c < 256; c++) {
				s[2] = (unsigned char)c;
				test_utf8_agree(s, 3);
			}
		}
	}
	for (a = 0xf0; a < 0xf8; a++) {
		s[0] = (unsigned char)a;
		for (b = 0; b < 256; b++) {
			s[1] = (unsigned char)b;
			for (c = 0; c < sizeof edges; c++) {
				s[2] = edges[c];
				for (d = 0; d < sizeof edges; d++) {
					s[3] = edges[d];
					test_utf8_agree(s, 4);
				}
			}
		}
	}
}

/* What utf8_decode makes of all of s, as code points; returns how many. */
static size_t
test_utf8_whole(const char *s, size_t len, uint32_t *out)
{
	size_t	n, k = 0;

	while (len > 0) {
		if ((n = utf8_decode(s, len, &out[k])) == 0) {
			out[k++] = UTF8_REPLACEMENT;	/* cut short */
			break;
		}
		k++;
		s += n;
		len -= n;
	}
	return k;
}

/* The same a byte at a time through utf8_step, held across the calls. */
static size_t
test_utf8_bytes(const char *s, size_t len, uint32_t *out)
{
	struct utf8_stream	st;
	size_t			i = 0, k = 0;

	memset(&st, 0, sizeof st);
	while (i < len) {
		switch (utf8_step(&st, (unsigned char)s[i], &out[k])) {
		case UTF8_MORE:
			i++;
			break;
		case UTF8_CUT:
			k++;	/* s[i] again */
			break;
		default:
			k++;
			i++;
			break;
		}
	}
	if (st.need != 0)
		out[k++] = UTF8_REPLACEMENT;
	return k;
}

static void
test_utf8_stream(void **state)
{
	static const struct {
		const char	*in;
		size_t		 n;
		uint32_t	 cp[6];
	} cases[] = {
		{ "a\xc3\xa9z", 3, { 'a', 0xe9, 'z' } },
		{ "\xf0\x9f\x98\x80", 1, { 0x1f600 } },
		/* Each maximal subpart is one U+FFFD, and the byte that cut
		 * it short starts again: ESC here. */
		{ "\xe2\x82\033[", 3, { 0xfffd, 0x1b, '[' } },
		{ "\xe0\x80\x80", 3, { 0xfffd, 0xfffd, 0xfffd } },
		{ "\xed\xa0\x80", 3, { 0xfffd, 0xfffd, 0xfffd } },
		{ "\xf4\x90\x80\x80", 4, { 0xfffd, 0xfffd, 0xfffd, 0xfffd } },
		{ "\xc0\x9b", 2, { 0xfffd, 0xfffd } },
		{ "\xe6\x97\xe6\x97\xa5", 2, { 0xfffd, 0x65e5 } },
		{ "\xc2\x85", 1, { 0x85 } },
		{ "\xe6\x97", 1, { 0xfffd } },
	};
	uint32_t	whole[16], bytes[16];
	size_t		i, len, nw, nb;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		len = strlen(cases[i].in);
		nw = test_utf8_whole(cases[i].in, len, whole);
		nb = test_utf8_bytes(cases[i].in, len, bytes);
		assert_int_equal(nw, cases[i].n);
		assert_int_equal(nb, cases[i].n);
		assert_memory_equal(whole, cases[i].cp, nw * sizeof *whole);
		assert_memory_equal(bytes, cases[i].cp, nb * sizeof *bytes);
	}
}

/* A byte at a time or whole, the same characters for any bytes. */
static void
test_utf8_stream_any(void **state)
{
	static const unsigned char	pick[] = { 'a', 0x1b, 0x7f, 0x80, 0x85,
					    0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf,
					    0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5,
					    0xff };
	char				s[6];
	uint32_t			whole[8], bytes[8];
	size_t				nw, nb, k;
	unsigned long			x, v;

	(void)state;
	/* Every string of 5 bytes from pick: 18^5, about 1.9 million. */
	for (x = 0; x < 18UL * 18 * 18 * 18 * 18; x++) {
		v = x;
		for (k = 0; k < 5; k++) {
			s[k] = (char)pick[v % 18];
			v /= 18;
		}
		nw = test_utf8_whole(s, 5, whole);
		nb = test_utf8_bytes(s, 5, bytes);
		assert_int_equal(nw, nb);
		assert_memory_equal(whole, bytes, nw * sizeof *whole);
	}
}

static void
test_utf8_steps(void **state)
{
	/* a, é, €, 😀, a stray continuation byte, z. */
	static const char	text[] = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98"
				    "\x80\x80z";

	(void)state;
	assert_int_equal(utf8_prev(text, 0), 0);
	assert_int_equal(utf8_prev(text, 1), 0);
	assert_int_equal(utf8_prev(text, 3), 1);
	assert_int_equal(utf8_prev(text, 6), 3);
	assert_int_equal(utf8_prev(text, 10), 6);
	assert_int_equal(utf8_prev(text, 11), 10);
	assert_int_equal(utf8_prev(text, 12), 11);
	/* Inside a character, a step back is a byte: the bytes before
	 * the end of one are a bad one on their own. */
	assert_int_equal(utf8_prev(text, 2), 1);
	assert_int_equal(utf8_prev(text, 5), 4);
	assert_int_equal(utf8_prev("\xe2\x82\xac", 3), 0);
	assert_int_equal(utf8_prev("\xef\xbf\xbd", 3), 0);
	assert_int_equal(utf8_prev("\xc0\x9b", 2), 1);

	assert_int_equal(utf8_cut(text, 12), 12);
	assert_int_equal(utf8_cut(text, 11), 11);	/* ends in a bad byte */
	assert_int_equal(utf8_cut(text, 9), 6);		/* 😀 cut after 3 */
	assert_int_equal(utf8_cut(text, 8), 6);
	assert_int_equal(utf8_cut(text, 7), 6);
	assert_int_equal(utf8_cut(text, 6), 6);
	assert_int_equal(utf8_cut(text, 5), 3);		/* € cut after 2 */
	assert_int_equal(utf8_cut(text, 2), 1);
	assert_int_equal(utf8_cut(text, 0), 0);
	assert_int_equal(utf8_cut("\xe0\x80", 2), 2);	/* bad, not cut */
	assert_int_equal(utf8_cut("\xed\xa0", 2), 2);

	assert_true(utf8_valid(text, 10));
	assert_false(utf8_valid(text, 11));
	assert_false(utf8_valid(text, 9));
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid("\xef\xbf\xbd", 3));
	assert_false(utf8_valid("a\xc0\x9b", 3));

	assert_true(utf8_is_control(0));
	assert_true(utf8_is_control(0x1b));
	assert_true(utf8_is_control(0x7f));
	assert_true(utf8_is_control(0x85));
	assert_true(utf8_is_control(0x9f));
	assert_false(utf8_is_control(' '));
	assert_false(utf8_is_control('~'));
	assert_false(utf8_is_control(0xa0));
	assert_false(utf8_is_control(0xfffd));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_strict),
		cmocka_unit_test(test_utf8_stream),
		cmocka_unit_test(test_utf8_stream_any),
		cmocka_unit_test(test_utf8_steps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
