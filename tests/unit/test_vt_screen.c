/*
 * Unit tests for what vt/ shows after bytes go in: the cells (text,
 * wrapping, colours, attributes, wide and combining characters), the
 * cursor, the title and bell, and which rows are damaged.  Scrollback is
 * in test_vt_scrollback.c, what the terminal answers in test_vt_output.c.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/test_vt.h"
#include "vt/vt.h"
#include "vt/vt_private.h"

static void
test_vt_text(void **state)
{
	struct vt	*vt = test_vt_new(5, 10, 100, NULL);
	struct vt_cell	 c;

	(void)state;
	test_vt_puts(vt, "hello\r\nworld");
	assert_string_equal(test_vt_row(vt, 0), "hello");
	assert_string_equal(test_vt_row(vt, 1), "world");
	vt_cell(vt, 0, 0, &c);
	assert_int_equal(c.chars[0], 'h');
	assert_int_equal(c.chars[1], 0);
	assert_int_equal(c.width, 1);
	assert_int_equal(c.fg.type, VT_COLOR_DEFAULT);
	assert_int_equal(c.bg.type, VT_COLOR_DEFAULT);
	assert_int_equal(c.attrs, 0);
	vt_cell(vt, 0, 7, &c);
	assert_int_equal(c.chars[0], 0);

	/* Wrapping at 10 columns. */
	test_vt_puts(vt, "\r\n0123456789abc");
	assert_string_equal(test_vt_row(vt, 2), "0123456789");
	assert_string_equal(test_vt_row(vt, 3), "abc");

	/* Out of range is a blank cell. */
	vt_cell(vt, -1, 0, &c);
	assert_int_equal(c.chars[0], 0);
	assert_int_equal(c.width, 1);
	vt_cell(vt, 0, 10, &c);
	assert_int_equal(c.chars[0], 0);
	vt_cell(vt, 5, 0, &c);
	assert_int_equal(c.chars[0], 0);
	assert_int_equal(vt_rows(vt), 5);
	assert_int_equal(vt_cols(vt), 10);
	vt_free(vt);
}

static void
test_vt_colours(void **state)
{
	struct vt	*vt = test_vt_new(3, 20, 0, NULL);
	struct vt_cell	 c;

	(void)state;
	test_vt_puts(vt, "\033[31;42mA\033[91mB\033[38;5;196mC"
	    "\033[38;2;1;2;3;48;2;4;5;6mD\033[0mE\033[39;49mF");
	vt_cell(vt, 0, 0, &c);
	assert_int_equal(c.fg.type, VT_COLOR_INDEXED);
	assert_int_equal(c.fg.idx, 1);
	assert_int_equal(c.bg.type, VT_COLOR_INDEXED);
	assert_int_equal(c.bg.idx, 2);
	vt_cell(vt, 0, 1, &c);
	assert_int_equal(c.fg.type, VT_COLOR_INDEXED);
	assert_int_equal(c.fg.idx, 9);
	vt_cell(vt, 0, 2, &c);
	assert_int_equal(c.fg.type, VT_COLOR_INDEXED);
	assert_int_equal(c.fg.idx, 196);
	vt_cell(vt, 0, 3, &c);
	assert_int_equal(c.fg.type, VT_COLOR_RGB);
	assert_int_equal(c.fg.r, 1);
	assert_int_equal(c.fg.g, 2);
	assert_int_equal(c.fg.b, 3);
	assert_int_equal(c.bg.type, VT_COLOR_RGB);
	assert_int_equal(c.bg.r, 4);
	assert_int_equal(c.bg.g, 5);
	assert_int_equal(c.bg.b, 6);
	vt_cell(vt, 0, 4, &c);
	assert_int_equal(c.fg.type, VT_COLOR_DEFAULT);
	assert_int_equal(c.bg.type, VT_COLOR_DEFAULT);
	vt_cell(vt, 0, 5, &c);
	assert_int_equal(c.fg.type, VT_COLOR_DEFAULT);
	vt_free(vt);
}

static void
test_vt_attrs(void **state)
{
	static const struct {
		const char	*sgr;
		unsigned	 attr;
	} t[] = {
		{ "1", VT_ATTR_BOLD }, { "3", VT_ATTR_ITALIC },
		{ "4", VT_ATTR_UNDERLINE }, { "5", VT_ATTR_BLINK },
		{ "7", VT_ATTR_REVERSE }, { "9", VT_ATTR_STRIKE },
	};
	struct vt	*vt = test_vt_new(3, 20, 0, NULL);
	struct vt_cell	 c;
	char		 seq[32];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		snprintf(seq, sizeof seq, "\033[%smX\033[m", t[i].sgr);
		test_vt_puts(vt, seq);
		vt_cell(vt, 0, i, &c);
		assert_int_equal(c.chars[0], 'X');
		assert_int_equal(c.attrs, t[i].attr);
	}
	test_vt_puts(vt, "\033[1;4;7mY\033[22;24;27mZ");
	vt_cell(vt, 0, i, &c);
	assert_int_equal(c.attrs,
	    VT_ATTR_BOLD | VT_ATTR_UNDERLINE | VT_ATTR_REVERSE);
	vt_cell(vt, 0, i + 1, &c);
	assert_int_equal(c.attrs, 0);
	vt_free(vt);
}

static void
test_vt_wide_combining(void **state)
{
	struct vt	*vt = test_vt_new(3, 10, 0, NULL);
	struct vt_cell	 c;

	(void)state;
	test_vt_puts(vt, "\xe6\x97\xa5\xe6\x9c\xac!");
	vt_cell(vt, 0, 0, &c);
	assert_int_equal(c.chars[0], 0x65e5);
	assert_int_equal(c.width, 2);
	vt_cell(vt, 0, 1, &c);
	assert_int_equal(c.width, 0);
	assert_int_equal(c.chars[0], 0);
	vt_cell(vt, 0, 2, &c);
	assert_int_equal(c.chars[0], 0x672c);
	assert_int_equal(c.width, 2);
	vt_cell(vt, 0, 3, &c);
	assert_int_equal(c.width, 0);
	vt_cell(vt, 0, 4, &c);
	assert_int_equal(c.chars[0], '!');

	/* e + COMBINING ACUTE ACCENT in one cell, also split over feeds. */
	test_vt_puts(vt, "\r\ne\xcc");
	test_vt_puts(vt, "\x81x");
	vt_cell(vt, 1, 0, &c);
	assert_int_equal(c.chars[0], 'e');
	assert_int_equal(c.chars[1], 0x301);
	assert_int_equal(c.chars[2], 0);
	assert_int_equal(c.width, 1);
	vt_cell(vt, 1, 1, &c);
	assert_int_equal(c.chars[0], 'x');
	vt_free(vt);
}

static void
test_vt_title_bell(void **state)
{
	struct vt	*vt = test_vt_new(5, 20, 0, NULL);

	(void)state;
	assert_string_equal(vt_title(vt), "");
	assert_int_equal(vt_take_title_changed(vt), 0);
	test_vt_puts(vt, "\033]2;hello\a");
	assert_string_equal(vt_title(vt), "hello");
	assert_int_equal(vt_take_title_changed(vt), 1);
	assert_int_equal(vt_take_title_changed(vt), 0);

	/* Split anywhere, ended by ST, with UTF-8 and a bad byte. */
	test_vt_puts(vt, "ab\033]0;sp");
	assert_string_equal(vt_title(vt), "hello");
	test_vt_puts(vt, "lit \xc3\xa9");
	test_vt_puts(vt, "\xff\033");
	test_vt_puts(vt, "\\cd");
	assert_string_equal(vt_title(vt), "split \xc3\xa9\\xff");
	assert_int_equal(vt_take_title_changed(vt), 1);
	assert_string_equal(test_vt_row(vt, 0), "abcd");

	/* Shown as echo_text shows it: a C1 control as \xNN (libvterm
	 * runs the C0 ones and skips DEL inside the string). */
	test_vt_puts(vt, "\033]2;a\tb\x7f\xc2\x9b" "c\a");
	assert_string_equal(vt_title(vt), "ab\\xc2\\x9bc");
	assert_int_equal(vt_take_title_changed(vt), 1);

	assert_int_equal(vt_take_bell(vt), 0);
	test_vt_puts(vt, "\a");
	assert_int_equal(vt_take_bell(vt), 1);
	assert_int_equal(vt_take_bell(vt), 0);
	vt_free(vt);
}

static void
test_vt_damage(void **state)
{
	struct vt	*vt = test_vt_new(5, 20, 100, NULL);
	int		 i;

	(void)state;
	assert_true(vt_damaged(vt));
	vt_clear_damage(vt);
	assert_false(vt_damaged(vt));
	for (i = 0; i < 5; i++)
		assert_false(vt_row_damaged(vt, i));
	test_vt_puts(vt, "\033[3;1Hx");
	assert_true(vt_damaged(vt));
	assert_true(vt_row_damaged(vt, 2));
	assert_false(vt_row_damaged(vt, 0));
	assert_false(vt_row_damaged(vt, 4));
	assert_false(vt_row_damaged(vt, 99));
	vt_clear_damage(vt);
	assert_false(vt_row_damaged(vt, 2));
	/* A scroll damages every row. */
	test_vt_puts(vt, "\033[5;1H\n");
	for (i = 0; i < 5; i++)
		assert_true(vt_row_damaged(vt, i));
	vt_free(vt);
}

static void
test_vt_cursor(void **state)
{
	struct vt	*vt = test_vt_new(5, 20, 0, NULL);
	int		 row, col, visible;

	(void)state;
	test_vt_puts(vt, "ab\r\ncde");
	vt_cursor(vt, &row, &col, &visible);
	assert_int_equal(row, 1);
	assert_int_equal(col, 3);
	assert_int_equal(visible, 1);
	test_vt_puts(vt, "\033[?25l");
	vt_cursor(vt, &row, &col, &visible);
	assert_int_equal(visible, 0);
	test_vt_puts(vt, "\033[?25h");
	vt_cursor(vt, &row, &col, &visible);
	assert_int_equal(visible, 1);
	vt_free(vt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vt_text),
		cmocka_unit_test(test_vt_colours),
		cmocka_unit_test(test_vt_attrs),
		cmocka_unit_test(test_vt_wide_combining),
		cmocka_unit_test(test_vt_title_bell),
		cmocka_unit_test(test_vt_damage),
		cmocka_unit_test(test_vt_cursor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
