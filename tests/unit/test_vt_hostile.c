/*
 * Unit tests for vt/ under hostile output and input: sequences libvterm
 * 0.1.4 mishandles (kept from it by vt_seq.c), arguments past its limits,
 * and pastes that try to leave bracketed paste.
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
test_vt_libvterm_defects(void **state)
{
	struct test_vt_out	 out;
	struct vt		*vt = test_vt_new(3, 20, 0, NULL);
	struct vt_cell		 c;

	(void)state;
	/* REP with nothing printed yet, after a lone combining character,
	 * after a zero-width one and after U+0085: dropped. */
	test_vt_puts(vt, "\033[b\033[5b");
	test_vt_puts(vt, "\r\n\xcc\x81\033[b\xe2\x80\x8b\033[3b");
	test_vt_puts(vt, "x\xc2\x85\033[b");
	/* REP after a character repeats it, to the end of the row at most,
	 * also when split over feeds. */
	test_vt_puts(vt, "\033[3;1Hab\033[3b-\033[");
	test_vt_puts(vt, "2;7b\xe2\x94\x80\033[");
	test_vt_puts(vt, "99b");
	assert_string_equal(test_vt_row(vt, 2), "abbbb---????????????");
	vt_cell(vt, 2, 19, &c);
	assert_int_equal(c.chars[0], 0x2500);
	/* A ':' in it is still REP (libvterm looped on it). */
	vt_free(vt);
	vt = test_vt_new(3, 20, 0, NULL);
	test_vt_puts(vt, "\033[:5b\033[:b\033[2;1Hq\033[2:3b");
	assert_string_equal(test_vt_row(vt, 1), "qqq");
	/* CSI with a private marker or intermediate is not REP. */
	test_vt_puts(vt, "\033[1;1Hz\033[?5b\033[ b|");
	assert_string_equal(test_vt_row(vt, 0), "z|");
	vt_free(vt);

	/* Broken UTF-8 and C1 controls sent as UTF-8, in insert mode. */
	vt = test_vt_new(5, 20, 10, NULL);
	test_vt_puts(vt, "\033[4h\xc2\x85x\033[\xe0\xc2\x85]\xc2\033[4h9");
	test_vt_puts(vt, "\033[?6h\x9b\xff\xc2");
	test_vt_puts(vt, "\x85\xe6\x97");
	test_vt_puts(vt, "\xa5\033[4l\r\n\xe6\x97\xa5");
	vt_cell(vt, 1, 0, &c);
	assert_int_equal(c.chars[0], 0x65e5);
	vt_free(vt);

	/* DECRQSS for a setting 0.1.4 does not know; one it knows. */
	vt = test_vt_new(5, 20, 10, &out);
	test_vt_puts(vt, "\033P$qx\a\033P$q$|\033\\\033P$q\xc3\xa9\a");
	assert_int_equal(out.len, 0);
	test_vt_puts(vt, "\033P$qm\033\\");
	assert_true(out.len > 0);
	vt_free(vt);

	/* Shrinking below the scroll region, or with text at the bottom
	 * and the cursor at the top. */
	vt = test_vt_new(26, 42, 0, NULL);
	test_vt_puts(vt, "\033[5r");
	vt_resize(vt, 2, 73);
	test_vt_puts(vt, "\n\n\n");
	vt_resize(vt, 25, 49);
	test_vt_puts(vt, "\033#8");
	vt_resize(vt, 6, 66);
	test_vt_puts(vt, "x");
	assert_int_equal(strlen(test_vt_row(vt, 0)), 49);
	assert_memory_equal(test_vt_row(vt, 0), "xEEE", 4);
	vt_free(vt);

	/* A wide character in a one-column pane. */
	vt = test_vt_new(2, 1, 10, NULL);
	assert_int_equal(vt_cols(vt), 1);
	test_vt_puts(vt, "\xed\x83\x9e\xe6\x97\xa5" "a\r\nb");
	vt_resize(vt, 3, 1);
	test_vt_puts(vt, "\xe6\x97\xa5");
	vt_free(vt);
}

/* The colour index of the cell at row, col (-1 for the default). */
static int
test_vt_fg(struct vt *vt, int row, int col)
{
	struct vt_cell	c;

	vt_cell(vt, row, col, &c);
	return c.fg.type == VT_COLOR_INDEXED ? c.fg.idx : -1;
}

/*
 * More than 16 CSI arguments write past libvterm 0.1.4's array (ESC [ and
 * sixteen ';' corrupted its heap and crashed the grid): such a CSI is
 * dropped whole, also when split over feeds or with ':' separators; 16
 * arguments still work.
 */
static void
test_vt_csi_args(void **state)
{
	struct vt	*vt = test_vt_new(3, 40, 10, NULL);
	char		*huge;
	size_t		 i, n = 3 + 2 * 10000;

	(void)state;
	test_vt_puts(vt, "\033[31ma\033[;;;;;;;;;;;;;;;;;;2mb");
	test_vt_puts(vt, "\033[;;;;;;;;;;;;;;;;2mc");
	test_vt_puts(vt, "\033[1:2:3:4:5:6:7:8:9:1:2:3:4:5:6:7:8:9md\033[;;;;;;");
	test_vt_puts(vt, ";;;;;;;;;;;;;;;;;;;;");
	test_vt_puts(vt, "32me");
	assert_string_equal(test_vt_row(vt, 0), "abcde");
	for (i = 0; i < 5; i++)
		assert_int_equal(test_vt_fg(vt, 0, (int)i), 1);
	test_vt_puts(vt, "\033[0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;32mf");
	assert_int_equal(test_vt_fg(vt, 0, 5), 2);

	/* Ten thousand arguments, then text that must still show. */
	huge = malloc(n + 1);
	assert_non_null(huge);
	memcpy(huge, "\033[", 2);
	for (i = 0; i < 10000; i++)
		memcpy(huge + 2 + 2 * i, "1;", 2);
	huge[n - 1] = 'm';
	huge[n] = '\0';
	test_vt_puts(vt, huge);
	test_vt_puts(vt, "g");
	free(huge);
	assert_string_equal(test_vt_row(vt, 0), "abcdefg");
	assert_int_equal(test_vt_fg(vt, 0, 6), 2);
	vt_free(vt);
}

/*
 * Where libvterm ends a CSI and a string, the tracker ends it too: a
 * private marker after the arguments ends the CSI there; C0 controls
 * inside a dropped CSI still run; ESC DEL inside a string is no end.
 */
static void
test_vt_csi_end(void **state)
{
	struct vt	*vt = test_vt_new(3, 40, 10, NULL);

	(void)state;
	/* A private marker after the arguments ends the CSI there, as in
	 * libvterm; C0 controls inside a dropped CSI still run. */
	test_vt_puts(vt, "\033[1?;;;;;;;;;;;;;;;;hello");
	assert_string_equal(test_vt_row(vt, 0), ";;;;;;;;;;;;;;;;hello");
	test_vt_puts(vt, "\r\n\033[;;;;;;;;;;;;;;;;\r\n1mZ");
	assert_string_equal(test_vt_row(vt, 2), "Z");
	/* ESC DEL inside a string: libvterm must not see the string end at
	 * the DEL (it then read past its buffer). */
	test_vt_puts(vt, "\033]0;x\033\177\\\033Px\033\177\\");
	test_vt_puts(vt, "\033[1;1Hok");
	assert_memory_equal(test_vt_row(vt, 0), "ok", 2);
	vt_free(vt);
}

/*
 * A DECRQSS that 0.1.4 cannot answer is dropped also when C0 controls or
 * intermediates stand between its ESC and P and it arrives over several
 * feeds (the check read the body from the wrong place; libvterm then
 * crashed formatting its answer).
 */
static void
test_vt_dcs_after_controls(void **state)
{
	struct test_vt_out	 out;
	struct vt		*vt = test_vt_new(5, 20, 10, &out);
	static const char	 body[] = "P$qm\0\0\0\x04\0\x1e\0Haaude;it"
				    "\xef\xd6\xd8\x91\xfe\x7f\0\0\a";

	(void)state;
	vt_feed(vt, "\033]2;ti", 6);
	vt_feed(vt, "tle\033\0\0\0", 7);
	vt_feed(vt, body, sizeof body - 1);
	assert_int_equal(out.len, 0);
	/* A line feed inside the string: still one DCS for libvterm (the
	 * fast path split it there, and the rest read as a DECRQSS). */
	vt_free(vt);
	vt = test_vt_new(11, 38, 50, &out);
	vt_set_fast(vt, 1);
	vt_feed(vt, "\033Pi\n$q\a", 7);
	test_vt_puts(vt, "ab\r\ncd\r\n\033Px\n$q\033\\ef\r\n");
	/* Intermediates before the P: still a DCS for libvterm. */
	vt_feed(vt, "\033\001%P$q;;;;;;;;;;;;;;;;r;rm\0\0\a", 29);
	test_vt_puts(vt, "\033(%P$qx\033\\");
	/* A byte above 0x7f after the ESC that ends a string. */
	test_vt_puts(vt, "\033]\033\xffP$qe\a");
	test_vt_puts(vt, "\033]2;x\033");
	test_vt_puts(vt, "\xfeP$qe\a");
	test_vt_puts(vt, "\033P$q\033\\");
	assert_int_equal(out.len, 0);
	vt_feed(vt, "\033\0P$qm\033\\", 9);
	assert_true(out.len > 0);
	vt_free(vt);
}

/*
 * A paste cannot leave bracketed paste: markers are removed until none is
 * left, so one hidden inside another ("ESC[20" ESC[200~ "1~") does not
 * come back when the inner one goes.
 */
static void
test_vt_paste_markers(void **state)
{
	struct test_vt_out	 out;
	struct vt		*vt = test_vt_new(5, 20, 0, &out);
	static const char	 nested[] = "a \033[20\033[200~1~b";
	static const char	 want[] = "\033[200~a b\033[201~";
	static const char	 deep[] = "x\033[\033[20\033[200~0~201~\r\ny";
	static const char	 want2[] = "\033[200~x\ry\033[201~";

	(void)state;
	test_vt_puts(vt, "\033[?2004h");
	vt_paste(vt, nested, sizeof nested - 1);
	test_vt_expect_out(&out, want, sizeof want - 1);
	vt_paste(vt, deep, sizeof deep - 1);
	test_vt_expect_out(&out, want2, sizeof want2 - 1);
	vt_free(vt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vt_libvterm_defects),
		cmocka_unit_test(test_vt_csi_args),
		cmocka_unit_test(test_vt_csi_end),
		cmocka_unit_test(test_vt_dcs_after_controls),
		cmocka_unit_test(test_vt_paste_markers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
