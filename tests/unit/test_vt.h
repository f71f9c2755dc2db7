/*
 * What the vt/ unit tests share: an output callback that collects what the
 * terminal answers, readers of a row's text, and a seeded generator for
 * the random tests.  Include after cmocka.h.
 */
#ifndef SANDBOX_TUI_TEST_VT_H
#define SANDBOX_TUI_TEST_VT_H

#include <stdint.h>
#include <string.h>

#include "vt/vt.h"

struct test_vt_out {
	char	buf[65536];
	size_t	len;
};

static inline void
test_vt_output(const char *buf, size_t len, void *arg)
{
	struct test_vt_out	*out = arg;

	assert_true(out->len + len <= sizeof out->buf);
	memcpy(out->buf + out->len, buf, len);
	out->len += len;
}

static inline struct vt *
test_vt_new(int rows, int cols, int sb, struct test_vt_out *out)
{
	struct vt_callbacks	cb = { test_vt_output };

	if (out != NULL)
		memset(out, 0, sizeof *out);
	return vt_new(rows, cols, sb, &cb, out);
}

static inline void
test_vt_puts(struct vt *vt, const char *s)
{
	vt_feed(vt, s, strlen(s));
}

/* Row text with blanks as spaces and trailing spaces cut (ASCII only). */
static inline const char *
test_vt_row(struct vt *vt, int row)
{
	static char	line[512];
	struct vt_cell	c;
	int		col, n = 0;

	for (col = 0; col < vt_cols(vt) && n < (int)sizeof line - 1; col++) {
		vt_cell(vt, row, col, &c);
		if (c.width == 0)
			continue;
		line[n++] = c.chars[0] == 0 ? ' ' :
		    c.chars[0] < 0x80 ? (char)c.chars[0] : '?';
	}
	while (n > 0 && line[n - 1] == ' ')
		n--;
	line[n] = '\0';
	return line;
}

static inline void
test_vt_expect_out(struct test_vt_out *out, const char *want, size_t len)
{
	assert_int_equal(out->len, len);
	assert_memory_equal(out->buf, want, len);
	out->len = 0;
}

/* xorshift64: the same pseudo-random sequence from the same seed. */
static inline uint64_t
test_vt_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

#endif
