/*
 * Unit tests for the UTF-8 a pane takes (vt_seq.c, through config/utf8.h's
 * utf8_step): what reaches the screen for well-formed, bad and cut-short
 * characters, fed whole and split at every byte, which must not differ.
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

/* The first characters of row 0 (0 for a blank), after feeding in in
 * pieces of step bytes (0: whole). */
static void
test_vt_utf8_row(const char *in, size_t step, uint32_t *got, int n)
{
	struct vt	*vt = test_vt_new(2, 20, 0, NULL);
	struct vt_cell	 c;
	size_t		 len = strlen(in), i, k;
	int		 col;

	for (i = 0; i < len; i += k) {
		k = step == 0 || len - i < step ? len - i : step;
		vt_feed(vt, in + i, k);
	}
	for (col = 0; col < n; col++) {
		vt_cell(vt, 0, col, &c);
		got[col] = c.width == 0 ? 0xffffffffu : c.chars[0];
	}
	vt_free(vt);
}

static void
test_vt_utf8_screen(void **state)
{
	static const struct {
		const char	*in;
		uint32_t	 want[6];
	} cases[] = {
		{ "a\xc3\xa9z", { 'a', 0xe9, 'z', 0 } },
		/* A wide character: its right half has width 0. */
		{ "\xf0\x9f\x98\x80z", { 0x1f600, 0xffffffffu, 'z', 0 } },
		/* Each maximal subpart is one U+FFFD (Unicode 3.9), as
		 * utf8_decode counts: overlong, surrogate, past U+10FFFF. */
		{ "a\xe0\x80\x80z", { 'a', 0xfffd, 0xfffd, 0xfffd, 'z', 0 } },
		{ "\xed\xa0\x80z", { 0xfffd, 0xfffd, 0xfffd, 'z', 0 } },
		{ "\xf4\x90\x80\x80", { 0xfffd, 0xfffd, 0xfffd, 0xfffd, 0 } },
		{ "\xc0\x9bz", { 0xfffd, 0xfffd, 'z', 0 } },
		/* Cut short by a byte that starts something else. */
		{ "\xe6\x97" "a\xe6\x97\xe6\x97\xa5", { 0xfffd, 'a', 0xfffd,
		    0x65e5, 0xffffffffu, 0 } },
		{ "\xe2\x82\033[1mb", { 0xfffd, 'b', 0 } },
		/* C1 controls sent as UTF-8 are dropped. */
		{ "x\xc2\x85y\xc2\x9b" "2Jz", { 'x', 'y', '2', 'J', 'z', 0 } },
		/* U+FFFD written as is. */
		{ "\xef\xbf\xbd!", { 0xfffd, '!', 0 } },
	};
	uint32_t	whole[6], split[6];
	size_t		i, step;
	int		n;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (n = 0; n < 6 && (n == 0 || cases[i].want[n - 1] != 0);
		    n++)
			;
		test_vt_utf8_row(cases[i].in, 0, whole, n);
		if (memcmp(whole, cases[i].want, n * sizeof *whole) != 0)
			fail_msg("case %zu", i);
		for (step = 1; step < 5; step++) {
			test_vt_utf8_row(cases[i].in, step, split, n);
			if (memcmp(split, whole, n * sizeof *split) != 0)
				fail_msg("case %zu in pieces of %zu", i, step);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vt_utf8_screen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
