/*
 * Unit tests for what vt/ writes back to the program in the pane through
 * the output callback: keys in each mode, pastes (bracketed or not),
 * mouse reports and the replies to queries.
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


int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vt_keys),
		cmocka_unit_test(test_vt_paste),
		cmocka_unit_test(test_vt_mouse),
		cmocka_unit_test(test_vt_query),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
