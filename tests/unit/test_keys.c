/*
 * Unit tests for config/keys.c: key names as written in bind lines, their
 * canonical forms and round trips, and bytes typed on a terminal.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "config/keys.h"

struct test_keys_case {
	const char	*name;
	key_code	 key;
};

static void
test_keys_parse_single(void **state)
{
	static const struct test_keys_case cases[] = {
		{ "z", 'z' }, { "Z", 'Z' }, { "?", '?' }, { ":", ':' },
		{ "[", '[' }, { "]", ']' }, { "0", '0' }, { "-", '-' },
		{ "#", '#' }, { "^", '^' }, { "é", 0xe9 }, { "€", 0x20ac },
		{ "😀", 0x1f600 },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(key_parse(cases[i].name), cases[i].key);
}

static void
test_keys_parse_modifiers(void **state)
{
	static const struct test_keys_case cases[] = {
		{ "C-x", KEYC_CTRL | 'x' },
		{ "C-X", KEYC_CTRL | 'x' },
		{ "c-x", KEYC_CTRL | 'x' },
		{ "^x", KEYC_CTRL | 'x' },
		{ "C-]", KEYC_CTRL | ']' },
		{ "C-\\", KEYC_CTRL | '\\' },
		{ "C-_", KEYC_CTRL | '_' },
		{ "C--", KEYC_CTRL | '-' },
		{ "M-x", KEYC_META | 'x' },
		{ "C-M-x", KEYC_CTRL | KEYC_META | 'x' },
		{ "M-C-x", KEYC_CTRL | KEYC_META | 'x' },
		{ "S-Up", KEYC_SHIFT | KEYC_UP },
		{ "C-S-Left", KEYC_CTRL | KEYC_SHIFT | KEYC_LEFT },
		{ "S-a", 'A' },
		{ "S-Tab", KEYC_BTAB },
		{ "C-i", KEYC_TAB },
		{ "C-m", KEYC_ENTER },
		{ "C-[", KEYC_ESCAPE },
		{ "C-?", KEYC_BSPACE },
		{ "C-h", KEYC_CTRL | 'h' },
		{ "C-Space", KEYC_CTRL | ' ' },
		{ "C-@", KEYC_CTRL | ' ' },
		{ "M-i", KEYC_META | 'i' },
		{ "C-M-i", KEYC_META | KEYC_TAB },
		{ "M-Enter", KEYC_META | KEYC_ENTER },
		{ "C-é", KEYC_CTRL | 0xe9 },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (key_parse(cases[i].name) != cases[i].key)
			fail_msg("key_parse(\"%s\") = %#x, want %#x",
			    cases[i].name, key_parse(cases[i].name),
			    cases[i].key);
	}
}

static void
test_keys_parse_named(void **state)
{
	static const struct test_keys_case cases[] = {
		{ "Up", KEYC_UP }, { "up", KEYC_UP }, { "DOWN", KEYC_DOWN },
		{ "Left", KEYC_LEFT }, { "Right", KEYC_RIGHT },
		{ "Home", KEYC_HOME }, { "End", KEYC_END },
		{ "PageUp", KEYC_PPAGE }, { "PPage", KEYC_PPAGE },
		{ "pgup", KEYC_PPAGE },
		{ "PageDown", KEYC_NPAGE }, { "NPage", KEYC_NPAGE },
		{ "IC", KEYC_IC }, { "Insert", KEYC_IC },
		{ "DC", KEYC_DC }, { "Delete", KEYC_DC },
		{ "Enter", KEYC_ENTER }, { "Tab", KEYC_TAB },
		{ "BTab", KEYC_BTAB }, { "BSpace", KEYC_BSPACE },
		{ "Escape", KEYC_ESCAPE }, { "escape", KEYC_ESCAPE },
		{ "Space", ' ' }, { "space", ' ' },
		{ "F1", KEYC_F1 }, { "f5", KEYC_F1 + 4 },
		{ "F10", KEYC_F1 + 9 }, { "F12", KEYC_F12 },
		{ "KP0", KEYC_KP_0 }, { "kp7", KEYC_KP_0 + 7 },
		{ "KP9", KEYC_KP_9 }, { "KPEnter", KEYC_KP_ENTER },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (key_parse(cases[i].name) != cases[i].key)
			fail_msg("key_parse(\"%s\") = %#x, want %#x",
			    cases[i].name, key_parse(cases[i].name),
			    cases[i].key);
	}
}

static void
test_keys_parse_errors(void **state)
{
	static const char *bad[] = {
		"", "C-", "M-", "C-M-", "X-a", "ab", "zoom", "F0", "F13",
		"F1x", "KP10", "KP", "Upp", "\x01", "\x7f", "\t", "\xc3",
		"\xc3\xa9x", "\xc0\xaf", "\xed\xa0\x80", "\xc2\x80",
		"C-ab", "S-", "None", "Invalid",
	};
	size_t	i;

	(void)state;
	assert_int_equal(key_parse(NULL), KEYC_NONE);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (key_parse(bad[i]) != KEYC_NONE)
			fail_msg("key_parse(\"%s\") accepted", bad[i]);
	}
}

static void
test_keys_name(void **state)
{
	static const struct test_keys_case cases[] = {
		{ "C-]", KEYC_CTRL | ']' }, { "M-x", KEYC_META | 'x' },
		{ "C-M-x", KEYC_CTRL | KEYC_META | 'x' },
		{ "S-Up", KEYC_SHIFT | KEYC_UP }, { "Space", ' ' },
		{ "C-Space", KEYC_CTRL | ' ' }, { "PageUp", KEYC_PPAGE },
		{ "PageDown", KEYC_NPAGE }, { "F5", KEYC_F1 + 4 },
		{ "F12", KEYC_F12 }, { "KP3", KEYC_KP_0 + 3 },
		{ "KPEnter", KEYC_KP_ENTER }, { "é", 0xe9 }, { "z", 'z' },
		{ "Enter", KEYC_ENTER }, { "Tab", KEYC_TAB },
		{ "BTab", KEYC_BTAB }, { "BSpace", KEYC_BSPACE },
		{ "Escape", KEYC_ESCAPE }, { "Insert", KEYC_IC },
		{ "Delete", KEYC_DC }, { "None", KEYC_NONE },
		{ "C-a", 0x01 }, { "Invalid", KEYC_SPECIAL_END },
		{ "Invalid", 0xd800 },
	};
	char	buf[32];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_string_equal(key_tostring(cases[i].key, buf, sizeof buf),
		    cases[i].name);

	/* A short buffer is truncated, never overrun. */
	assert_string_equal(key_tostring(KEYC_CTRL | KEYC_META | KEYC_PPAGE, buf,
	    5), "C-M-");
}

/* key_parse(key_tostring(k)) == k for every canonical key with any modifiers. */
static void
test_keys_round_trip(void **state)
{
	static const key_code mods[] = {
		0, KEYC_CTRL, KEYC_META, KEYC_SHIFT, KEYC_CTRL | KEYC_META,
		KEYC_CTRL | KEYC_SHIFT, KEYC_META | KEYC_SHIFT,
		KEYC_CTRL | KEYC_META | KEYC_SHIFT,
	};
	static const key_code chars[] = { 0xe9, 0x20ac, 0x1f600, 0xa0 };
	char		buf[32];
	key_code	k, m;
	size_t		i, j;

	(void)state;
	for (k = KEYC_SPECIAL; k < KEYC_SPECIAL_END; k++) {
		for (i = 0; i < sizeof mods / sizeof mods[0]; i++) {
			m = mods[i];
			/* S-Tab is BTab, its canonical name. */
			if (k == KEYC_TAB && (m & KEYC_SHIFT))
				continue;
			key_tostring(k | m, buf, sizeof buf);
			if (key_parse(buf) != (k | m))
				fail_msg("%#x -> \"%s\" -> %#x", k | m, buf,
				    key_parse(buf));
		}
	}
	for (k = ' '; k < 0x7f; k++) {
		key_tostring(k, buf, sizeof buf);
		assert_int_equal(key_parse(buf), k);
		key_tostring(k | KEYC_META, buf, sizeof buf);
		assert_int_equal(key_parse(buf), k | KEYC_META);
	}
	for (k = 0; k < 0x80; k++) {
		if (k >= 0x20 && k < 0x7f)
			continue;
		key_tostring(key_from_byte((unsigned char)k), buf, sizeof buf);
		if (key_parse(buf) != key_from_byte((unsigned char)k))
			fail_msg("byte %#x -> \"%s\" -> %#x", k, buf,
			    key_parse(buf));
	}
	for (j = 0; j < sizeof chars / sizeof chars[0]; j++) {
		key_tostring(chars[j], buf, sizeof buf);
		assert_int_equal(key_parse(buf), chars[j]);
	}
}

static void
test_keys_from_byte(void **state)
{
	unsigned int	c;

	(void)state;
	assert_int_equal(key_from_byte(0x00), KEYC_CTRL | ' ');
	for (c = 0x01; c <= 0x1a; c++) {
		if (c == 0x09 || c == 0x0d)
			continue;
		assert_int_equal(key_from_byte((unsigned char)c),
		    KEYC_CTRL | ('a' + c - 1));
	}
	assert_int_equal(key_from_byte(0x08), KEYC_CTRL | 'h');
	assert_int_equal(key_from_byte(0x09), KEYC_TAB);
	assert_int_equal(key_from_byte(0x0d), KEYC_ENTER);
	assert_int_equal(key_from_byte(0x1b), KEYC_ESCAPE);
	assert_int_equal(key_from_byte(0x1c), KEYC_CTRL | '\\');
	assert_int_equal(key_from_byte(0x1d), KEYC_CTRL | ']');
	assert_int_equal(key_from_byte(0x1e), KEYC_CTRL | '^');
	assert_int_equal(key_from_byte(0x1f), KEYC_CTRL | '_');
	assert_int_equal(key_from_byte(0x7f), KEYC_BSPACE);
	for (c = 0x20; c < 0x7f; c++)
		assert_int_equal(key_from_byte((unsigned char)c), c);

	/* The default prefix typed on a terminal is the prefix in the config. */
	assert_int_equal(key_from_byte(0x1d), key_parse("C-]"));
	assert_int_equal(key_from_byte(0x0c), key_parse("C-l"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_parse_single),
		cmocka_unit_test(test_keys_parse_modifiers),
		cmocka_unit_test(test_keys_parse_named),
		cmocka_unit_test(test_keys_parse_errors),
		cmocka_unit_test(test_keys_name),
		cmocka_unit_test(test_keys_round_trip),
		cmocka_unit_test(test_keys_from_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
