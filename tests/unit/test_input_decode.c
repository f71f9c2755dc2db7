/*
 * Unit tests for the terminal input decoder (tui/input_decode.c) and the
 * UTF-8 codec it reads characters with (config/utf8.c): keys, modifiers,
 * mouse reports, bracketed paste, and the malformed input a terminal or a
 * paste can carry (overlong forms, surrogates, bytes that cannot lead,
 * sequences of the wrong shape).
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
#include "tui/input_decode.h"

struct test_in {
	key_code	keys[64];
	size_t		nkeys;
	char		paste[256];
	size_t		paste_len;
	int		pastes;
	int		mouse[4];	/* button, pressed, x, y */
	int		mice;
};

static void
test_in_key(key_code k, void *arg)
{
	struct test_in	*t = arg;

	assert_true(t->nkeys < 64);
	t->keys[t->nkeys++] = k;
}

static void
test_in_mouse(int b, int pressed, int x, int y, unsigned mods, int motion,
    void *arg)
{
	struct test_in	*t = arg;

	(void)mods;
	(void)motion;
	t->mouse[0] = b;
	t->mouse[1] = pressed;
	t->mouse[2] = x;
	t->mouse[3] = y;
	t->mice++;
}

static void
test_in_paste(const char *buf, size_t len, void *arg)
{
	struct test_in	*t = arg;

	assert_true(t->paste_len + len <= sizeof t->paste);
	memcpy(t->paste + t->paste_len, buf, len);
	t->paste_len += len;
	t->pastes++;
}

static const struct input_decode_cb test_in_cb = {
	test_in_key, test_in_mouse, test_in_paste, NULL
};

/* Decodes s whole (flushing what is held at the end) into t. */
static void
test_in_run(struct test_in *t, const char *s)
{
	struct input_decoder	*d = input_decoder_new(&test_in_cb, t);

	memset(t, 0, sizeof *t);
	if (input_decoder_feed(d, s, strlen(s)))
		input_decoder_flush(d);
	input_decoder_free(d);
}

static void
test_utf8_codec(void **state)
{
	static const struct {
		const char	*in;
		size_t		 len, used;
		uint32_t	 cp;
	} cases[] = {
		{ "A", 1, 1, 'A' },
		{ "\xc3\xa9", 2, 2, 0xe9 },
		{ "\xe2\x82\xac", 3, 3, 0x20ac },
		{ "\xf0\x9f\x98\x80", 4, 4, 0x1f600 },
		{ "\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff },
		{ "\xc3", 1, 0, 0 },			/* cut short */
		{ "\xe2\x82", 2, 0, 0 },
		{ "\xc0\x9b", 2, 1, 0xfffd },		/* overlong ESC */
		{ "\xc1\xbf", 2, 1, 0xfffd },
		{ "\xe0\x80\x80", 3, 1, 0xfffd },	/* overlong NUL */
		{ "\xf0\x80\x80\x80", 4, 1, 0xfffd },
		{ "\xed\xa0\x80", 3, 1, 0xfffd },	/* surrogate */
		{ "\xf4\x90\x80\x80", 4, 1, 0xfffd },	/* above U+10FFFF */
		{ "\xf5\x80\x80\x80", 4, 1, 0xfffd },	/* F5-F7 lead */
		{ "\xf7\xbf\xbf\xbf", 4, 1, 0xfffd },
		{ "\xff", 1, 1, 0xfffd },
		{ "\x80", 1, 1, 0xfffd },		/* lone continuation */
		{ "\xe2\x82" "A", 3, 2, 0xfffd },	/* broken: 2 bytes */
	};
	char		out[4];
	uint32_t	cp;
	size_t		i, n;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cp = 0;
		n = utf8_decode(cases[i].in, cases[i].len, &cp);
		assert_int_equal(n, cases[i].used);
		if (n != 0)
			assert_int_equal(cp, cases[i].cp);
	}
	assert_int_equal(utf8_valid_len("\xef\xbf\xbd", 3), 3);
	assert_int_equal(utf8_valid_len("\xc0\x9b", 2), 0);
	assert_int_equal(utf8_valid_len("\xe2\x82", 2), 0);
	assert_int_equal(utf8_valid_len("\xe2\x82\xac", 3), 3);
	assert_int_equal(utf8_encode(0xe9, out), 2);
	assert_memory_equal(out, "\xc3\xa9", 2);
	assert_int_equal(utf8_encode(0x1f600, out), 4);
	assert_memory_equal(out, "\xf0\x9f\x98\x80", 4);
	assert_int_equal(utf8_encode(0xd800, out), 3);
	assert_memory_equal(out, "\xef\xbf\xbd", 3);
	assert_int_equal(utf8_encode(0x110000, out), 3);
}

static void
test_input_keys(void **state)
{
	struct test_in	t;

	(void)state;
	test_in_run(&t, "a\xc3\xa9\r\x1d");
	assert_int_equal(t.nkeys, 4);
	assert_int_equal(t.keys[0], 'a');
	assert_int_equal(t.keys[1], 0xe9);
	assert_int_equal(t.keys[2], KEYC_ENTER);
	assert_int_equal(t.keys[3], KEYC_CTRL | ']');

	test_in_run(&t, "\033[A\033[1;5C\033[5~\033OP\033x\033");
	assert_int_equal(t.nkeys, 6);
	assert_int_equal(t.keys[0], KEYC_UP);
	assert_int_equal(t.keys[1], KEYC_RIGHT | KEYC_CTRL);
	assert_int_equal(t.keys[2], KEYC_PPAGE);
	assert_int_equal(t.keys[3], KEYC_F1);
	assert_int_equal(t.keys[4], KEYC_META | 'x');
	assert_int_equal(t.keys[5], KEYC_ESCAPE);

	test_in_run(&t, "\033[<0;12;5M\033[<0;12;5m");
	assert_int_equal(t.mice, 2);
	assert_int_equal(t.mouse[0], 0);
	assert_int_equal(t.mouse[1], 0);
	assert_int_equal(t.mouse[2], 11);
	assert_int_equal(t.mouse[3], 4);
}

/* Overlong forms, surrogates and bytes that cannot lead are U+FFFD, never
 * the control or character they would smuggle; C1 controls too. */
static void
test_input_bad_utf8(void **state)
{
	struct test_in	t;
	size_t		i;

	(void)state;
	test_in_run(&t, "\xc0\x9b[1m");
	assert_int_equal(t.nkeys, 5);
	assert_int_equal(t.keys[0], 0xfffd);
	assert_int_equal(t.keys[1], 0xfffd);
	assert_int_equal(t.keys[2], '[');

	test_in_run(&t, "\xed\xa0\x80\xf5\x80\xf7\xc2\x9b");
	for (i = 0; i < t.nkeys; i++)
		assert_int_equal(t.keys[i], 0xfffd);
	assert_int_equal(t.nkeys, 7);

	/* A character cut short by the end: U+FFFD once flushed. */
	test_in_run(&t, "x\xe2\x82");
	assert_int_equal(t.nkeys, 2);
	assert_int_equal(t.keys[1], 0xfffd);
}

/* A CSI runs to its final byte: parameter bytes inside (':', '<'..'?')
 * do not end it early and type the rest as keys; a reply with
 * intermediates is no key. */
static void
test_input_csi_shape(void **state)
{
	struct test_in	t;

	(void)state;
	test_in_run(&t, "\033[1:5Az");
	assert_int_equal(t.nkeys, 1);
	assert_int_equal(t.keys[0], 'z');

	test_in_run(&t, "\033[?2004;1$yz");
	assert_int_equal(t.nkeys, 1);
	assert_int_equal(t.keys[0], 'z');

	/* A control byte breaks the sequence and is read on its own. */
	test_in_run(&t, "\033[12\r");
	assert_int_equal(t.nkeys, 1);
	assert_int_equal(t.keys[0], KEYC_ENTER);
}

static void
test_input_paste(void **state)
{
	struct test_in		 t;
	struct input_decoder	*d;
	static const char	 in[] = "\033[200~h\xc3\xa9 \033[1mx\r\n\033[201~q";

	(void)state;
	test_in_run(&t, in);
	assert_int_equal(t.paste_len, 11);
	assert_memory_equal(t.paste, "h\xc3\xa9 \033[1mx\r\n", 11);
	assert_int_equal(t.nkeys, 1);
	assert_int_equal(t.keys[0], 'q');

	/* Split anywhere, the end marker included. */
	memset(&t, 0, sizeof t);
	d = input_decoder_new(&test_in_cb, &t);
	input_decoder_feed(d, "\033[20", 4);
	input_decoder_feed(d, "0~ab\033[2", 7);
	assert_int_equal(t.pastes, 0);
	input_decoder_feed(d, "01~", 3);
	input_decoder_free(d);
	assert_int_equal(t.pastes, 1);
	assert_int_equal(t.paste_len, 2);
	assert_memory_equal(t.paste, "ab", 2);
	assert_int_equal(t.nkeys, 0);

	/* An end marker that never comes: after the long quiet time the
	 * paste is delivered and keys are keys again. */
	memset(&t, 0, sizeof t);
	d = input_decoder_new(&test_in_cb, &t);
	assert_int_equal(input_decoder_feed(d, "\033[200~abc\033", 10),
	    INPUT_PASTE_MS);
	input_decoder_flush(d);
	assert_int_equal(t.pastes, 1);
	assert_memory_equal(t.paste, "abc\033", 4);
	assert_int_equal(input_decoder_feed(d, "x\033", 2), INPUT_ESC_MS);
	input_decoder_flush(d);
	input_decoder_free(d);
	assert_int_equal(t.nkeys, 2);
	assert_int_equal(t.keys[0], 'x');
	assert_int_equal(t.keys[1], KEYC_ESCAPE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_codec),
		cmocka_unit_test(test_input_keys),
		cmocka_unit_test(test_input_bad_utf8),
		cmocka_unit_test(test_input_csi_shape),
		cmocka_unit_test(test_input_paste),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
