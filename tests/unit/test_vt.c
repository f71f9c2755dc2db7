/*
 * Unit tests for vt/: bytes in and cells out (text, wrapping, colours,
 * attributes, wide and combining characters), scrollback and its view,
 * resize, title, bell, the alternate screen, damage, keys, paste, mouse
 * and query replies through the output callback, robustness against
 * random bytes (hostile sequences: test_vt_hostile.c), and the flood fast path compared cell for cell against
 * plain libvterm (vt_set_fast(vt, 0)).
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
test_vt_keys(void **state)
{
	struct test_vt_out	 out;
	struct vt		*vt = test_vt_new(5, 20, 0, &out);

	(void)state;
	vt_key(vt, KEYC_ENTER);
	test_vt_expect_out(&out, "\r", 1);
	vt_key(vt, KEYC_UP);
	test_vt_expect_out(&out, "\033[A", 3);
	test_vt_puts(vt, "\033[?1h");
	vt_key(vt, KEYC_UP);
	test_vt_expect_out(&out, "\033OA", 3);
	test_vt_puts(vt, "\033[?1l");
	vt_key(vt, KEYC_UP);
	test_vt_expect_out(&out, "\033[A", 3);
	vt_key(vt, KEYC_UP | KEYC_CTRL);
	test_vt_expect_out(&out, "\033[1;5A", 6);

	vt_key(vt, KEYC_CTRL | ']');
	test_vt_expect_out(&out, "\x1d", 1);
	vt_key(vt, KEYC_CTRL | 'a');
	test_vt_expect_out(&out, "\x01", 1);
	vt_key(vt, KEYC_CTRL | '\\');
	test_vt_expect_out(&out, "\x1c", 1);
	vt_key(vt, KEYC_CTRL | '^');
	test_vt_expect_out(&out, "\x1e", 1);
	vt_key(vt, KEYC_CTRL | '_');
	test_vt_expect_out(&out, "\x1f", 1);
	vt_key(vt, KEYC_CTRL | ' ');
	test_vt_expect_out(&out, "\0", 1);
	vt_key(vt, KEYC_CTRL | '@');
	test_vt_expect_out(&out, "\0", 1);
	vt_key(vt, KEYC_CTRL | '?');
	test_vt_expect_out(&out, "\x7f", 1);
	vt_key(vt, KEYC_META | 'x');
	test_vt_expect_out(&out, "\033x", 2);
	vt_key(vt, KEYC_META | KEYC_CTRL | 'a');
	test_vt_expect_out(&out, "\033\x01", 2);
	vt_key(vt, 'q');
	test_vt_expect_out(&out, "q", 1);
	vt_key(vt, 0xe9);
	test_vt_expect_out(&out, "\xc3\xa9", 2);
	vt_key(vt, KEYC_META | 0x65e5);
	test_vt_expect_out(&out, "\033\xe6\x97\xa5", 4);

	vt_key(vt, KEYC_F1);
	test_vt_expect_out(&out, "\033OP", 3);
	vt_key(vt, KEYC_F1 + 4);
	test_vt_expect_out(&out, "\033[15~", 5);
	vt_key(vt, KEYC_F12);
	test_vt_expect_out(&out, "\033[24~", 5);
	vt_key(vt, KEYC_TAB);
	test_vt_expect_out(&out, "\t", 1);
	vt_key(vt, KEYC_BTAB);
	test_vt_expect_out(&out, "\033[Z", 3);
	vt_key(vt, KEYC_BSPACE);
	test_vt_expect_out(&out, "\x7f", 1);
	vt_key(vt, KEYC_ESCAPE);
	test_vt_expect_out(&out, "\033", 1);
	vt_key(vt, KEYC_DC);
	test_vt_expect_out(&out, "\033[3~", 4);
	vt_key(vt, KEYC_PPAGE);
	test_vt_expect_out(&out, "\033[5~", 4);
	vt_key(vt, KEYC_HOME);
	test_vt_expect_out(&out, "\033[H", 3);
	vt_key(vt, KEYC_KP_0 + 5);
	test_vt_expect_out(&out, "5", 1);
	vt_key(vt, KEYC_KP_ENTER);
	test_vt_expect_out(&out, "\r", 1);
	/* Nothing for invalid code points. */
	vt_key(vt, 0xd800);
	vt_key(vt, 0x110000);
	assert_int_equal(out.len, 0);
	vt_free(vt);
}

static void
test_vt_paste(void **state)
{
	struct test_vt_out	 out;
	struct vt		*vt = test_vt_new(5, 20, 0, &out);
	static const char	 text[] = "ls\n\033[201~rm\r\nx";
	static const char	 plain[] = "ls\rrm\rx";
	static const char	 bracketed[] = "\033[200~ls\rrm\rx\033[201~";

	(void)state;
	vt_paste(vt, text, sizeof text - 1);
	test_vt_expect_out(&out, plain, sizeof plain - 1);
	test_vt_puts(vt, "\033[?2004h");
	vt_paste(vt, text, sizeof text - 1);
	test_vt_expect_out(&out, bracketed, sizeof bracketed - 1);
	test_vt_puts(vt, "\033[?2004l");
	vt_paste(vt, "a\nb", 3);
	test_vt_expect_out(&out, "a\rb", 3);
	vt_free(vt);
}

static void
test_vt_mouse(void **state)
{
	struct test_vt_out	 out;
	struct vt		*vt = test_vt_new(5, 20, 0, &out);

	(void)state;
	assert_false(vt_mouse_wanted(vt));
	vt_mouse(vt, 1, 1, 1, 1, 0);
	assert_int_equal(out.len, 0);

	test_vt_puts(vt, "\033[?1000h");
	assert_true(vt_mouse_wanted(vt));
	vt_mouse(vt, 2, 3, 1, 1, 0);
	test_vt_expect_out(&out, "\033[M\x20\x24\x23", 6);
	vt_mouse(vt, 2, 3, 1, 0, 0);
	test_vt_expect_out(&out, "\033[M\x23\x24\x23", 6);

	test_vt_puts(vt, "\033[?1006h");
	vt_mouse(vt, 0, 0, 4, 1, 0);
	test_vt_expect_out(&out, "\033[<64;1;1M", 10);
	vt_mouse(vt, 0, 0, 5, 1, 0);
	test_vt_expect_out(&out, "\033[<65;1;1M", 10);
	vt_mouse(vt, 4, 19, 3, 1, KEYC_CTRL);
	test_vt_expect_out(&out, "\033[<18;20;5M", 11);
	/* Button 0 released: whatever is held goes up. */
	vt_mouse(vt, 4, 19, 0, 0, 0);
	test_vt_expect_out(&out, "\033[<2;20;5m", 10);

	test_vt_puts(vt, "\033[?1000l");
	assert_false(vt_mouse_wanted(vt));
	vt_free(vt);
}

static void
test_vt_query(void **state)
{
	struct test_vt_out	 out;
	struct vt		*vt = test_vt_new(5, 20, 0, &out);

	(void)state;
	test_vt_puts(vt, "\033[3;7H\033[6n");
	test_vt_expect_out(&out, "\033[3;7R", 6);
	test_vt_puts(vt, "\033[c");
	assert_true(out.len > 3);
	assert_memory_equal(out.buf, "\033[?", 3);
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

/* libvterm 0.1.4 hangs on these or crashes; vt/ must not. */
static uint64_t
test_vt_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * A few MB of deterministic pseudo-random bytes, half of them pieces of
 * escape sequences and odd UTF-8 so that the parser goes everywhere,
 * with resizes, scrolling, keys and mouse in between.
 */
static void
test_vt_random(void **state)
{
	static const char *tokens[] = {
		"\033[", "\033]", "\033P", "\033", "\a", "\r\n", "\xcc\x81",
		"\xe6\x97\xa5", "\xed\x83\x9e", "\xe2\x80\x8b", "\xc2\x85",
		"\xc2", "b", "m", "H", "r", "J", "K", "@", "L", "M", "P", "X",
		"h", "l", "?", "1049", "25", "2004", "1000", "6n", ";", "0",
		"1", "5", "99999", "\030", "\t", "\b", "y\r\n", "\033c",
		"\033#8", "\033(0", "q", "\033[?69h", "\033[2;5s", "\033[?6h",
		"\033[4h", ">", "!p", "$q", "\x9b", "\xff", "\033\\",
	};
	struct test_vt_out	 out;
	struct vt		*vt;
	struct vt_cell		 c;
	static char		 buf[4096];
	uint64_t		 seed = 0x9e3779b97f4a7c15ULL;
	size_t			 total = 0, n, len, want;
	int			 round, it;
	const char		*t;

	(void)state;
	for (round = 0; round < 12; round++) {
		vt = test_vt_new(1 + test_vt_rand(&seed) % 30,
		    1 + test_vt_rand(&seed) % 100,
		    test_vt_rand(&seed) % 3 ? 300 : 0, &out);
		vt_set_fast(vt, round % 2);
		for (it = 0; it < 150; it++) {
			want = 1 + test_vt_rand(&seed) % (sizeof buf - 32);
			for (n = 0; n < want; ) {
				if (round % 3 == 0 ||
				    test_vt_rand(&seed) % 3 == 0) {
					buf[n++] = (char)test_vt_rand(&seed);
					continue;
				}
				t = tokens[test_vt_rand(&seed) %
				    (sizeof tokens / sizeof tokens[0])];
				len = strlen(t);
				memcpy(buf + n, t, len);
				n += len;
			}
			vt_feed(vt, buf, n);
			total += n;
			out.len = 0;
			switch (test_vt_rand(&seed) % 32) {
			case 0:
				vt_resize(vt, 1 + test_vt_rand(&seed) % 30,
				    1 + test_vt_rand(&seed) % 100);
				break;
			case 1:
				vt_scroll(vt,
				    (int)(test_vt_rand(&seed) % 50) - 20);
				break;
			case 2:
				vt_key(vt, (key_code)test_vt_rand(&seed));
				break;
			case 3:
				vt_mouse(vt, test_vt_rand(&seed) % 50 - 5,
				    test_vt_rand(&seed) % 150 - 5,
				    test_vt_rand(&seed) % 6,
				    test_vt_rand(&seed) % 2, KEYC_CTRL);
				break;
			case 4:
				vt_paste(vt, buf, n);
				break;
			}
			vt_cell(vt, test_vt_rand(&seed) % 32,
			    test_vt_rand(&seed) % 110, &c);
			vt_take_bell(vt);
			vt_take_title_changed(vt);
			vt_clear_damage(vt);
		}
		assert_non_null(vt_title(vt));
		vt_free(vt);
	}
	assert_true(total > (3u << 20));
}

static void
test_vt_cell_equal(struct vt_cell *a, struct vt_cell *b, int row, int col)
{
	if (memcmp(a, b, sizeof *a) != 0) {
		print_error("cell %d,%d differs: U+%x/%d fg %d:%d bg %d:%d "
		    "attrs %x vs U+%x/%d fg %d:%d bg %d:%d attrs %x\n",
		    row, col, a->chars[0], a->width, a->fg.type, a->fg.idx,
		    a->bg.type, a->bg.idx, a->attrs, b->chars[0], b->width,
		    b->fg.type, b->fg.idx, b->bg.type, b->bg.idx, b->attrs);
		fail();
	}
}

/* The whole state a user can see: screen, every scrollback line, cursor. */
static void
test_vt_same(struct vt *a, struct vt *b)
{
	struct vt_cell	ca, cb;
	int		r, c, ra, ca_, va, rb, cb_, vb, off;

	assert_int_equal(vt_scrollback_count(a), vt_scrollback_count(b));
	assert_int_equal(vt_scroll_offset(a), vt_scroll_offset(b));
	vt_cursor(a, &ra, &ca_, &va);
	vt_cursor(b, &rb, &cb_, &vb);
	assert_int_equal(ra, rb);
	assert_int_equal(ca_, cb_);
	assert_int_equal(va, vb);
	for (r = 0; r < vt_rows(a); r++) {
		for (c = 0; c < vt_cols(a); c++) {
			vt_cell(a, r, c, &ca);
			vt_cell(b, r, c, &cb);
			test_vt_cell_equal(&ca, &cb, r, c);
		}
	}
	off = vt_scroll_offset(a);
	vt_scroll(a, 1 << 30);
	vt_scroll(b, 1 << 30);
	while (vt_scroll_offset(a) > 0) {
		for (c = 0; c < vt_cols(a); c++) {
			vt_cell(a, 0, c, &ca);
			vt_cell(b, 0, c, &cb);
			test_vt_cell_equal(&ca, &cb, -vt_scroll_offset(a), c);
		}
		vt_scroll(a, -1);
		vt_scroll(b, -1);
	}
	vt_scroll(a, off);
	vt_scroll(b, off);
}

/* Feeds text to a fast and a plain vt in the same random-sized chunks. */
static void
test_vt_both(struct vt *a, struct vt *b, const char *text, size_t len,
    uint64_t *seed)
{
	size_t	pos = 0, n;

	while (pos < len) {
		n = 1 + test_vt_rand(seed) % 9000;
		if (n > len - pos)
			n = len - pos;
		vt_feed(a, text + pos, n);
		vt_feed(b, text + pos, n);
		pos += n;
	}
}

static char *
test_vt_repeat(const char *unit, size_t times, size_t *len)
{
	size_t	ul = strlen(unit), i;
	char	*s = malloc(ul * times + 1);

	assert_non_null(s);
	for (i = 0; i < times; i++)
		memcpy(s + i * ul, unit, ul);
	s[ul * times] = '\0';
	*len = ul * times;
	return s;
}

static void
test_vt_fast_same(void **state)
{
	static const char *prefixes[] = {
		"", "\033[1;4;31;44m", "\033(0", "\033[4h", "\033[?5h",
		"\033[5;10r", "\033[?1049h", "\033[?7l", "\033[20h",
		"\033[1;3;38;2;10;20;30;48;5;100m\033[2J", "\033[?6h",
		"\033]2;open title ", "\033[3", "\033P",
	};
	static const char *units[] = {
		"y\r\n", "\r\n", "The quick brown fox\r\r\n",
		"0123456789012345678901234567890123456789\r\n",
		"01234567890123456789012345678901234567890\r\n",
		"a\r\nbb\r\n\r\nprogress 10%\rprogress 20%\r\n",
		"tab\there\r\n", "\xe6\x97\xa5\xe6\x9c\xac\r\nzz\r\n",
		"xy\033[32mgreen\033[m\r\n" "0123456789012345678901234567"
		"89012345678901234567890123456789012345\r\n",
		"line\n", "qqq\r\n\033(B", "qqq\r\n\033(0",
	};
	static const int sbs[] = { 1000, 50, 0 };
	uint64_t	seed = 42;
	size_t		p, u, s, len;
	char		*text;
	struct vt	*a, *b;

	(void)state;
	for (p = 0; p < sizeof prefixes / sizeof prefixes[0]; p++) {
		for (u = 0; u < sizeof units / sizeof units[0]; u++) {
			s = (p + u) % 3;
			a = test_vt_new(8, 40, sbs[s], NULL);
			b = test_vt_new(8, 40, sbs[s], NULL);
			vt_set_fast(b, 0);
			test_vt_puts(a, "before\r\n\033[35mmagenta\r\n");
			test_vt_puts(b, "before\r\n\033[35mmagenta\r\n");
			test_vt_puts(a, prefixes[p]);
			test_vt_puts(b, prefixes[p]);
			text = test_vt_repeat(units[u], 2000, &len);
			if (u % 2 == 0) {
				vt_scroll(a, 3);
				vt_scroll(b, 3);
			}
			test_vt_both(a, b, text, len, &seed);
			test_vt_same(a, b);
			/* Then something else, and the flood again. */
			test_vt_puts(a, "\033[mend\033[1mbold\r\n");
			test_vt_puts(b, "\033[mend\033[1mbold\r\n");
			test_vt_both(a, b, text, len / 2, &seed);
			test_vt_same(a, b);
			vt_resize(a, 12, 30);
			vt_resize(b, 12, 30);
			test_vt_both(a, b, text, len / 3, &seed);
			test_vt_same(a, b);
			free(text);
			vt_free(a);
			vt_free(b);
		}
	}
}

/* Random mixes of plain lines and escapes, fast against plain. */
static void
test_vt_fast_random(void **state)
{
	static const char *pieces[] = {
		"y\r\n", "yes\r\n", "\r\n", "x\r", "\033[31m", "\033[m",
		"\033[2J", "\033[H", "\033[5;1H", "\t", "\xc3\xa9", "\033(0",
		"\033(B", "\033[?1049h", "\033[?1049l", "\033[3;6r", "\033[r",
		"\033]2;t", "\a", "\033[K", "\033[4h", "\033[4l",
		"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ\r\n",
	};
	static char	text[200000];
	uint64_t	seed = 7;
	size_t		len, n, i, j;
	struct vt	*a, *b;

	(void)state;
	for (i = 0; i < 20; i++) {
		a = test_vt_new(6 + i % 5, 30 + i, 200, NULL);
		b = test_vt_new(6 + i % 5, 30 + i, 200, NULL);
		vt_set_fast(b, 0);
		len = 0;
		while (len < sizeof text - 100) {
			j = test_vt_rand(&seed) % 8 == 0 ?
			    test_vt_rand(&seed) % (sizeof pieces /
			    sizeof pieces[0]) : test_vt_rand(&seed) % 3;
			n = strlen(pieces[j]);
			memcpy(text + len, pieces[j], n);
			len += n;
		}
		test_vt_both(a, b, text, len, &seed);
		test_vt_same(a, b);
		vt_free(a);
		vt_free(b);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vt_text),
		cmocka_unit_test(test_vt_colours),
		cmocka_unit_test(test_vt_attrs),
		cmocka_unit_test(test_vt_wide_combining),
		cmocka_unit_test(test_vt_scrollback),
		cmocka_unit_test(test_vt_scrollback_limits),
		cmocka_unit_test(test_vt_resize),
		cmocka_unit_test(test_vt_title_bell),
		cmocka_unit_test(test_vt_altscreen),
		cmocka_unit_test(test_vt_damage),
		cmocka_unit_test(test_vt_keys),
		cmocka_unit_test(test_vt_paste),
		cmocka_unit_test(test_vt_mouse),
		cmocka_unit_test(test_vt_query),
		cmocka_unit_test(test_vt_cursor),
		cmocka_unit_test(test_vt_random),
		cmocka_unit_test(test_vt_fast_same),
		cmocka_unit_test(test_vt_fast_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
