/*
 * Unit tests for the flood fast path of vt/: floods of lines after many
 * kinds of state, and random mixes of lines and escapes, leave the same
 * screen, scrollback and cursor as plain libvterm (vt_set_fast(vt, 0)),
 * cell for cell.
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
		cmocka_unit_test(test_vt_fast_same),
		cmocka_unit_test(test_vt_fast_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
