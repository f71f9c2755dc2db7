/*
 * Unit tests for the lines vt/ keeps above the screen: scrollback and the
 * view scrolled into it, its limits, resizing (rows pushed to it and
 * taken back) and the alternate screen, which adds nothing to it.
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
test_vt_feed_lines(struct vt *vt, int from, int to)
{
	char	line[64];
	int	i;

	for (i = from; i < to; i++) {
		snprintf(line, sizeof line, "line %d\r\n", i);
		test_vt_puts(vt, line);
	}
}

static void
test_vt_scrollback(void **state)
{
	struct vt	*vt = test_vt_new(10, 20, 1000, NULL);
	struct vt_cell	 c;
	char		 want[32];
	int		 i, row, col, visible;

	(void)state;
	test_vt_feed_lines(vt, 0, 100);
	/* 100 lines and the cursor on the last row: 91 scrolled off. */
	assert_int_equal(vt_scrollback_count(vt), 91);
	assert_string_equal(test_vt_row(vt, 0), "line 91");
	assert_string_equal(test_vt_row(vt, 8), "line 99");
	assert_int_equal(vt_scroll_offset(vt), 0);

	vt_clear_damage(vt);
	vt_scroll(vt, 5);
	assert_int_equal(vt_scroll_offset(vt), 5);
	assert_true(vt_damaged(vt));
	assert_true(vt_row_damaged(vt, 9));
	for (i = 0; i < 10; i++) {
		snprintf(want, sizeof want, "line %d", 86 + i);
		assert_string_equal(test_vt_row(vt, i), want);
	}
	vt_cursor(vt, &row, &col, &visible);
	assert_int_equal(visible, 0);

	/* New output keeps the view on the same lines. */
	test_vt_feed_lines(vt, 100, 103);
	assert_int_equal(vt_scroll_offset(vt), 8);
	assert_string_equal(test_vt_row(vt, 0), "line 86");

	/* Clamped at both ends. */
	vt_scroll(vt, 100000);
	assert_int_equal(vt_scroll_offset(vt), vt_scrollback_count(vt));
	assert_string_equal(test_vt_row(vt, 0), "line 0");
	vt_scroll(vt, -100000);
	assert_int_equal(vt_scroll_offset(vt), 0);
	vt_scroll(vt, 3);
	vt_scroll_reset(vt);
	assert_int_equal(vt_scroll_offset(vt), 0);
	vt_cursor(vt, &row, &col, &visible);
	assert_int_equal(visible, 1);
	assert_int_equal(row, 9);
	assert_int_equal(col, 0);

	/* Colours survive the trip through the ring. */
	test_vt_puts(vt, "\033[38;5;100;1mcol\033[m\r\n");
	for (i = 0; i < 9; i++)
		test_vt_puts(vt, "\r\n");
	vt_scroll(vt, 1);
	vt_cell(vt, 0, 0, &c);
	assert_int_equal(c.chars[0], 'c');
	assert_int_equal(c.fg.type, VT_COLOR_INDEXED);
	assert_int_equal(c.fg.idx, 100);
	assert_int_equal(c.attrs, VT_ATTR_BOLD);
	vt_cell(vt, 0, 15, &c);
	assert_int_equal(c.chars[0], 0);
	assert_int_equal(c.fg.type, VT_COLOR_DEFAULT);
	vt_free(vt);
}

static void
test_vt_scrollback_limits(void **state)
{
	struct vt	*vt = test_vt_new(10, 20, 20, NULL);
	char		 want[32];
	int		 i;

	(void)state;
	test_vt_feed_lines(vt, 0, 100);
	assert_int_equal(vt_scrollback_count(vt), 20);
	vt_scroll(vt, 1000);
	assert_int_equal(vt_scroll_offset(vt), 20);
	for (i = 0; i < 10; i++) {
		snprintf(want, sizeof want, "line %d", 71 + i);
		assert_string_equal(test_vt_row(vt, i), want);
	}
	/* Output while scrolled to the top: the oldest lines go, it clamps. */
	test_vt_feed_lines(vt, 100, 105);
	assert_int_equal(vt_scroll_offset(vt), 20);
	assert_string_equal(test_vt_row(vt, 0), "line 76");
	vt_free(vt);

	vt = test_vt_new(10, 20, 0, NULL);
	test_vt_feed_lines(vt, 0, 100);
	assert_int_equal(vt_scrollback_count(vt), 0);
	vt_scroll(vt, 5);
	assert_int_equal(vt_scroll_offset(vt), 0);
	assert_string_equal(test_vt_row(vt, 0), "line 91");
	vt_free(vt);
}

static void
test_vt_resize(void **state)
{
	struct vt	*vt = test_vt_new(10, 20, 100, NULL);
	int		 row, col, visible;

	(void)state;
	test_vt_feed_lines(vt, 0, 30);
	assert_int_equal(vt_scrollback_count(vt), 21);
	vt_clear_damage(vt);

	/* Shrinking pushes the top rows to the scrollback. */
	vt_resize(vt, 5, 10);
	assert_int_equal(vt_rows(vt), 5);
	assert_int_equal(vt_cols(vt), 10);
	assert_true(vt_damaged(vt));
	assert_true(vt_row_damaged(vt, 4));
	assert_int_equal(vt_scrollback_count(vt), 26);
	assert_string_equal(test_vt_row(vt, 0), "line 26");
	assert_string_equal(test_vt_row(vt, 3), "line 29");
	vt_cursor(vt, &row, &col, &visible);
	assert_int_equal(row, 4);

	/* Growing takes them back. */
	vt_resize(vt, 12, 30);
	assert_int_equal(vt_scrollback_count(vt), 19);
	assert_string_equal(test_vt_row(vt, 0), "line 19");
	assert_string_equal(test_vt_row(vt, 10), "line 29");
	vt_cursor(vt, &row, &col, &visible);
	assert_int_equal(row, 11);

	test_vt_puts(vt, "012345678901234567890123456789x");
	assert_string_equal(test_vt_row(vt, 10),
	    "012345678901234567890123456789");
	assert_string_equal(test_vt_row(vt, 11), "x");
	vt_resize(vt, 0, 0);
	assert_int_equal(vt_rows(vt), 1);
	assert_int_equal(vt_cols(vt), 1);
	vt_free(vt);
}

static void
test_vt_altscreen(void **state)
{
	struct vt	*vt = test_vt_new(5, 20, 100, NULL);
	int		 i;

	(void)state;
	test_vt_puts(vt, "primary\r\nshell$ ");
	test_vt_puts(vt, "\033[?1049h\033[H\033[2Jfull screen");
	assert_string_equal(test_vt_row(vt, 0), "full screen");
	assert_string_equal(test_vt_row(vt, 1), "");
	/* Scrolling the alternate screen adds nothing to the scrollback. */
	for (i = 0; i < 20; i++)
		test_vt_puts(vt, "\r\nalt");
	assert_int_equal(vt_scrollback_count(vt), 0);
	test_vt_puts(vt, "\033[?1049l");
	assert_string_equal(test_vt_row(vt, 0), "primary");
	assert_string_equal(test_vt_row(vt, 1), "shell$");
	vt_free(vt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vt_scrollback),
		cmocka_unit_test(test_vt_scrollback_limits),
		cmocka_unit_test(test_vt_resize),
		cmocka_unit_test(test_vt_altscreen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
