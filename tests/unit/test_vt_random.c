/*
 * Unit tests for vt/ against random bytes: libvterm 0.1.4 hangs on some
 * or crashes; vt/ must not, with the fast path on or off.  Crafted
 * hostile sequences are in test_vt_hostile.c.
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vt_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
