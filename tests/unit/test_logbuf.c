/*
 * The logs view's line store: splitting under any chunking, carriage
 * returns, SGR colours, stripping of every other escape sequence, docker
 * timestamps, the ring and line-length bounds, and search.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/xmalloc.h"
#include "vt/logbuf.h"

#define TEST_TS "2026-11-28T19:41:02.123456789Z "

static const char test_sample[] =
    TEST_TS "plain line\r\n"
    TEST_TS "\033[1;31mred bold\033[0m and \033[38;5;208morange\033[m\n"
    "no timestamp: caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\n"
    TEST_TS "progress 10%\rprogress 100%\r\n"
    "\033]0;title\007\033[?25l\033[2J\033(Bhidden escapes\033P1$r\033\\\n"
    "2026-11-28T19:41:03Z short ts\n"
    "2026-11-28T19:41:04+02:00 zone ts\n"
    "tab\there\x01\x7f\n"
    TEST_TS "\033[38;2;255;0;0mtrue\033[48:2::0:0:255mcolour\n"
    "partial";

static struct logbuf *
test_feed(size_t max, const char *s, size_t len)
{
	struct logbuf	*lb = logbuf_new(max);

	logbuf_feed(lb, s, len);
	return lb;
}

static char *
test_text(struct logbuf *lb, size_t i, int with_ts)
{
	const struct logbuf_line	*l = logbuf_get(lb, i);
	const char			*s;
	size_t				 len;

	assert_non_null(l);
	logbuf_display(l, with_ts, &s, &len);
	return xstrndup(s, len);
}

static void
test_assert_text(struct logbuf *lb, size_t i, int with_ts, const char *want)
{
	char	*got = test_text(lb, i, with_ts);

	assert_string_equal(got, want);
	free(got);
}

/* Two stores hold the same lines, timestamps and runs. */
static void
test_assert_same(struct logbuf *a, struct logbuf *b)
{
	size_t	n = logbuf_count(a), i;

	assert_int_equal(logbuf_count(b), n);
	for (i = 0; i < n; i++) {
		const struct logbuf_line *x = logbuf_get(a, i);
		const struct logbuf_line *y = logbuf_get(b, i);

		assert_int_equal(x->tslen, y->tslen);
		assert_int_equal(x->len, y->len);
		assert_memory_equal(x->buf, y->buf, x->tslen + x->len);
		assert_int_equal(x->nruns, y->nruns);
		if (x->nruns > 0)
			assert_memory_equal(x->runs, y->runs,
			    x->nruns * sizeof *x->runs);
	}
}

static void
test_sample_lines(void **state)
{
	struct logbuf	*lb;

	(void)state;
	lb = test_feed(100, test_sample, sizeof test_sample - 1);
	assert_int_equal(logbuf_count(lb), 10);
	test_assert_text(lb, 0, 0, "plain line");
	test_assert_text(lb, 0, 1, TEST_TS "plain line");
	test_assert_text(lb, 1, 0, "red bold and orange");
	test_assert_text(lb, 2, 0,
	    "no timestamp: caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	test_assert_text(lb, 3, 0, "progress 100%");
	test_assert_text(lb, 3, 1, TEST_TS "progress 100%");
	test_assert_text(lb, 4, 0, "hidden escapes");
	test_assert_text(lb, 5, 0, "short ts");
	test_assert_text(lb, 6, 0, "zone ts");
	test_assert_text(lb, 7, 0, "tab\there");
	test_assert_text(lb, 8, 0, "truecolour");
	test_assert_text(lb, 9, 0, "partial");
	logbuf_free(lb);
}

static void
test_every_chunking(void **state)
{
	struct logbuf	*whole, *lb;
	size_t		 len = sizeof test_sample - 1, i, j;

	(void)state;
	whole = test_feed(100, test_sample, len);
	lb = logbuf_new(100);
	for (i = 0; i < len; i++)
		logbuf_feed(lb, test_sample + i, 1);
	test_assert_same(whole, lb);
	logbuf_free(lb);
	for (i = 1; i < len; i++) {
		lb = logbuf_new(100);
		logbuf_feed(lb, test_sample, i);
		logbuf_feed(lb, test_sample + i, len - i);
		test_assert_same(whole, lb);
		logbuf_free(lb);
	}
	for (i = 1; i < len; i += 7) {
		for (j = i + 1; j < len; j += 3) {
			lb = logbuf_new(100);
			logbuf_feed(lb, test_sample, i);
			logbuf_feed(lb, test_sample + i, j - i);
			logbuf_feed(lb, test_sample + j, len - j);
			test_assert_same(whole, lb);
			logbuf_free(lb);
		}
	}
	logbuf_free(whole);
}

static void
test_cr(void **state)
{
	static const char	in[] =
	    "a\r\nb\rc\r\r\nd\r\re\n\r\nx\ry\nold\r\033[Knew\n";
	struct logbuf		*lb;

	(void)state;
	lb = test_feed(100, in, sizeof in - 1);
	assert_int_equal(logbuf_count(lb), 6);
	test_assert_text(lb, 0, 0, "a");
	test_assert_text(lb, 1, 0, "c");
	test_assert_text(lb, 2, 0, "e");
	test_assert_text(lb, 3, 0, "");
	test_assert_text(lb, 4, 0, "y");
	test_assert_text(lb, 5, 0, "new");
	logbuf_free(lb);

	/* A CR at the end of a chunk waits to see what follows. */
	lb = logbuf_new(100);
	logbuf_feed(lb, "one\r", 4);
	logbuf_feed(lb, "\ntwo\r", 5);
	logbuf_feed(lb, "three\n", 6);
	assert_int_equal(logbuf_count(lb), 2);
	test_assert_text(lb, 0, 0, "one");
	test_assert_text(lb, 1, 0, "three");
	logbuf_free(lb);
}

static const struct logbuf_run *
test_run_at(const struct logbuf_line *l, uint32_t off)
{
	static const struct logbuf_run	def = { 0, LOGBUF_DEFAULT,
	    LOGBUF_DEFAULT, 0 };
	const struct logbuf_run		*r = &def;
	uint32_t			 i;

	for (i = 0; i < l->nruns && l->runs[i].off <= off; i++)
		r = &l->runs[i];
	return r;
}

static void
test_sgr(void **state)
{
	static const char	in[] =
	    "\033[31mA\033[1;44mB\033[0mC\033[91;103mD\033[39;49;22mE"
	    "\033[38;5;200;48;5;17mF\033[38;2;1;2;3mG\033[48:2:9:8:7mH"
	    "\033[38:5:42mI\033[7;4mJ\033[27;24mK\033[mL\033[2;3mM\033[0m\n"
	    "\033[32mgreen carries over\n";
	struct logbuf			*lb;
	const struct logbuf_line	*l;
	const struct logbuf_run		*r;

	(void)state;
	lb = test_feed(100, in, sizeof in - 1);
	l = logbuf_get(lb, 0);
	test_assert_text(lb, 0, 0, "ABCDEFGHIJKLM");
	r = test_run_at(l, 0);
	assert_int_equal(r->fg, 1);
	assert_int_equal(r->bg, LOGBUF_DEFAULT);
	assert_int_equal(r->attrs, 0);
	r = test_run_at(l, 1);
	assert_int_equal(r->fg, 1);
	assert_int_equal(r->bg, 4);
	assert_int_equal(r->attrs, LOGBUF_BOLD);
	r = test_run_at(l, 2);
	assert_int_equal(r->fg, LOGBUF_DEFAULT);
	assert_int_equal(r->bg, LOGBUF_DEFAULT);
	assert_int_equal(r->attrs, 0);
	r = test_run_at(l, 3);
	assert_int_equal(r->fg, 9);
	assert_int_equal(r->bg, 11);
	r = test_run_at(l, 4);
	assert_int_equal(r->fg, LOGBUF_DEFAULT);
	assert_int_equal(r->bg, LOGBUF_DEFAULT);
	r = test_run_at(l, 5);
	assert_int_equal(r->fg, 200);
	assert_int_equal(r->bg, 17);
	r = test_run_at(l, 6);
	assert_int_equal(r->fg, LOGBUF_RGB_OF(1, 2, 3));
	r = test_run_at(l, 7);
	assert_int_equal(r->bg, LOGBUF_RGB_OF(9, 8, 7));
	r = test_run_at(l, 8);
	assert_int_equal(r->fg, 42);
	r = test_run_at(l, 9);
	assert_int_equal(r->attrs, LOGBUF_REVERSE | LOGBUF_UNDERLINE);
	r = test_run_at(l, 10);
	assert_int_equal(r->attrs, 0);
	assert_int_equal(r->fg, 42);
	r = test_run_at(l, 11);
	assert_int_equal(r->fg, LOGBUF_DEFAULT);
	assert_int_equal(r->bg, LOGBUF_DEFAULT);
	r = test_run_at(l, 12);
	assert_int_equal(r->attrs, LOGBUF_DIM | LOGBUF_ITALIC);

	/* Colours persist across lines, as on a terminal. */
	l = logbuf_get(lb, 1);
	assert_int_equal(l->nruns, 1);
	assert_int_equal(l->runs[0].off, 0);
	assert_int_equal(l->runs[0].fg, 2);
	logbuf_free(lb);
}

static void
test_plain_has_no_runs(void **state)
{
	static const char	in[] = "\033[0mplain\033[m text\n";
	struct logbuf		*lb;

	(void)state;
	lb = test_feed(100, in, sizeof in - 1);
	assert_int_equal(logbuf_get(lb, 0)->nruns, 0);
	logbuf_free(lb);
}

static void
test_strip(void **state)
{
	static const char	in[] =
	    "a\033[2Jb\033[?1049hc\033[1;1Hd\033]0;title\007e"
	    "\033]8;;http://x\033\\f\033P+q544e\033\\g\033(Bh\033)0i"
	    "\033=j\033>k\0337l\033#8m\033_apc\033\\n\033^pm\007o"
	    "\033X sos \033\\p\x01\x02\x08\x0b\x0c\x0e\x7fq\033[>0;1c"
	    "r\033[ q\033[1\033[31ms\n"
	    "\033]unterminated osc\nnext\n";
	struct logbuf	*lb;
	size_t		 i;

	(void)state;
	lb = test_feed(100, in, sizeof in - 1);
	assert_int_equal(logbuf_count(lb), 3);
	test_assert_text(lb, 0, 0, "abcdefghijklmnopqrs");
	/* An unterminated string ends with its line. */
	test_assert_text(lb, 1, 0, "");
	test_assert_text(lb, 2, 0, "next");
	for (i = 0; i < logbuf_count(lb); i++) {
		char *s = test_text(lb, i, 1);

		assert_null(strchr(s, '\033'));
		free(s);
	}
	/* The aborted "\033[1" did not eat the SGR after it. */
	assert_int_equal(test_run_at(logbuf_get(lb, 0), 18)->fg, 1);
	logbuf_free(lb);
}

static void
test_timestamps(void **state)
{
	static const char	in[] =
	    TEST_TS "one\n"
	    "2026-11-28T19:41:02.1Z\n"
	    "2026-11-28T19:41:02.1Zx\n"
	    "2026-11-2 not a date\n"
	    TEST_TS "\033[32mgreen\n"
	    TEST_TS TEST_TS "twice\n"
	    TEST_TS "\n";
	struct logbuf			*lb;
	const struct logbuf_line	*l;

	(void)state;
	lb = test_feed(100, in, sizeof in - 1);
	assert_int_equal(logbuf_count(lb), 7);
	l = logbuf_get(lb, 0);
	assert_int_equal(l->tslen, strlen(TEST_TS));
	test_assert_text(lb, 0, 0, "one");
	test_assert_text(lb, 0, 1, TEST_TS "one");
	/* Not followed by a space: not a timestamp. */
	assert_int_equal(logbuf_get(lb, 1)->tslen, 0);
	test_assert_text(lb, 1, 0, "2026-11-28T19:41:02.1Z");
	test_assert_text(lb, 2, 0, "2026-11-28T19:41:02.1Zx");
	test_assert_text(lb, 3, 0, "2026-11-2 not a date");
	test_assert_text(lb, 4, 0, "green");
	assert_int_equal(logbuf_get(lb, 4)->runs[0].off, 0);
	/* Only the first one is docker's. */
	test_assert_text(lb, 5, 0, TEST_TS "twice");
	test_assert_text(lb, 6, 0, "");
	test_assert_text(lb, 6, 1, TEST_TS);
	logbuf_free(lb);
}

static void
test_ring_bound(void **state)
{
	struct logbuf	*lb;
	char		 line[64];
	int		 i, n;

	(void)state;
	lb = logbuf_new(1000);
	for (i = 0; i < 1500; i++) {
		n = snprintf(line, sizeof line, TEST_TS "line %d\n", i);
		logbuf_feed(lb, line, (size_t)n);
	}
	assert_int_equal(logbuf_count(lb), 1000);
	assert_int_equal(logbuf_dropped(lb), 500);
	test_assert_text(lb, 0, 0, "line 500");
	test_assert_text(lb, 999, 0, "line 1499");
	assert_null(logbuf_get(lb, 1000));
	/* The unfinished line is shown after the full ring. */
	logbuf_feed(lb, "tail", 4);
	assert_int_equal(logbuf_count(lb), 1001);
	test_assert_text(lb, 1000, 0, "tail");
	logbuf_free(lb);
}

static void
test_line_cap(void **state)
{
	struct logbuf	*lb;
	char		*big;
	size_t		 n = LOGBUF_LINE_MAX * 3, i;
	const char	*s;
	size_t		 len;

	(void)state;
	big = xmalloc(n);
	memset(big, 'a', n);
	lb = logbuf_new(10);
	for (i = 0; i < n; i += 1000)
		logbuf_feed(lb, big + i, n - i < 1000 ? n - i : 1000);
	logbuf_feed(lb, "\nafter\n", 7);
	assert_int_equal(logbuf_count(lb), 2);
	logbuf_display(logbuf_get(lb, 0), 0, &s, &len);
	assert_int_equal(len, LOGBUF_LINE_MAX + strlen(LOGBUF_TRUNCATED));
	assert_memory_equal(s + LOGBUF_LINE_MAX, LOGBUF_TRUNCATED,
	    strlen(LOGBUF_TRUNCATED));
	test_assert_text(lb, 1, 0, "after");
	logbuf_free(lb);

	/* A character cut by the cap goes whole. */
	lb = logbuf_new(10);
	logbuf_feed(lb, big, LOGBUF_LINE_MAX - 1);
	logbuf_feed(lb, "\xc3", 1);
	logbuf_feed(lb, "\xa9zzz\n", 5);
	logbuf_display(logbuf_get(lb, 0), 0, &s, &len);
	assert_int_equal(len, LOGBUF_LINE_MAX - 1 + strlen(LOGBUF_TRUNCATED));
	assert_int_equal(s[LOGBUF_LINE_MAX - 2], 'a');
	assert_int_equal(s[LOGBUF_LINE_MAX - 1], ' ');
	logbuf_free(lb);

	/* After a CR the line starts over, and so does its room. */
	lb = logbuf_new(10);
	logbuf_feed(lb, big, 60000);
	logbuf_feed(lb, "\r", 1);
	logbuf_feed(lb, big, 10000);
	logbuf_feed(lb, "\n", 1);
	logbuf_display(logbuf_get(lb, 0), 0, &s, &len);
	assert_int_equal(len, 10000);
	logbuf_free(lb);
	free(big);
}

static void
test_utf8_split(void **state)
{
	static const char	in[] = "\xf0\x9f\x98\x80\xe2\x82\xac\xc3\xa9\n";
	struct logbuf		*lb;
	size_t			 i;

	(void)state;
	lb = logbuf_new(10);
	for (i = 0; i < sizeof in - 1; i++)
		logbuf_feed(lb, in + i, 1);
	test_assert_text(lb, 0, 0, "\xf0\x9f\x98\x80\xe2\x82\xac\xc3\xa9");
	logbuf_free(lb);
}

static struct logbuf *
test_search_store(void)
{
	static const char	in[] =
	    TEST_TS "Error one\n"
	    "nothing\n"
	    TEST_TS "an error and an ERROR\n"
	    "last error\n";

	return test_feed(100, in, sizeof in - 1);
}

static void
test_search_forward(void **state)
{
	struct logbuf		*lb = test_search_store();
	struct logbuf_pos	 at = { 0, 0 };
	int			 wrapped;

	(void)state;
	assert_int_equal(logbuf_smartcase("error"), 1);
	assert_int_equal(logbuf_smartcase("Error"), 0);
	assert_int_equal(logbuf_search(lb, "error", 1, 0, 0, &at, &wrapped),
	    0);
	assert_int_equal(at.line, 0);
	assert_int_equal(at.off, 0);
	assert_int_equal(wrapped, 0);
	at.off++;
	assert_int_equal(logbuf_search(lb, "error", 1, 0, 0, &at, &wrapped),
	    0);
	assert_int_equal(at.line, 2);
	assert_int_equal(at.off, 3);
	at.off++;
	assert_int_equal(logbuf_search(lb, "error", 1, 0, 0, &at, &wrapped),
	    0);
	assert_int_equal(at.line, 2);
	assert_int_equal(at.off, 16);
	at.off++;
	assert_int_equal(logbuf_search(lb, "error", 1, 0, 0, &at, &wrapped),
	    0);
	assert_int_equal(at.line, 3);
	assert_int_equal(at.off, 5);
	assert_int_equal(wrapped, 0);
	at.off++;
	assert_int_equal(logbuf_search(lb, "error", 1, 0, 0, &at, &wrapped),
	    0);
	assert_int_equal(at.line, 0);
	assert_int_equal(at.off, 0);
	assert_int_equal(wrapped, 1);

	/* Case-sensitive: only the exact one. */
	at.line = 1;
	at.off = 0;
	assert_int_equal(logbuf_search(lb, "ERROR", 0, 0, 0, &at, &wrapped),
	    0);
	assert_int_equal(at.line, 2);
	assert_int_equal(at.off, 16);
	at.off++;
	assert_int_equal(logbuf_search(lb, "ERROR", 0, 0, 0, &at, &wrapped),
	    0);
	assert_int_equal(at.line, 2);
	assert_int_equal(at.off, 16);
	assert_int_equal(wrapped, 1);

	/* With timestamps shown, offsets count them. */
	at.line = 0;
	at.off = 0;
	assert_int_equal(logbuf_search(lb, "one", 1, 1, 0, &at, &wrapped), 0);
	assert_int_equal(at.off, strlen(TEST_TS) + 6);
	at.line = 0;
	at.off = 0;
	assert_int_equal(logbuf_search(lb, "19:41", 1, 1, 0, &at, &wrapped),
	    0);
	assert_int_equal(logbuf_search(lb, "19:41", 1, 0, 0, &at, &wrapped),
	    -1);
	assert_int_equal(logbuf_search(lb, "absent", 1, 0, 0, &at, &wrapped),
	    -1);
	assert_int_equal(logbuf_search(lb, "", 1, 0, 0, &at, &wrapped), -1);
	logbuf_free(lb);
}

static void
test_search_backward(void **state)
{
	struct logbuf		*lb = test_search_store();
	struct logbuf_pos	 at = { 4, 0 };
	int			 wrapped;

	(void)state;
	/* From past the end: the last match. */
	assert_int_equal(logbuf_search(lb, "error", 1, 0, 1, &at, &wrapped),
	    0);
	assert_int_equal(at.line, 3);
	assert_int_equal(at.off, 5);
	assert_int_equal(wrapped, 0);
	assert_int_equal(logbuf_search(lb, "error", 1, 0, 1, &at, &wrapped),
	    0);
	assert_int_equal(at.line, 2);
	assert_int_equal(at.off, 16);
	assert_int_equal(logbuf_search(lb, "error", 1, 0, 1, &at, &wrapped),
	    0);
	assert_int_equal(at.line, 2);
	assert_int_equal(at.off, 3);
	assert_int_equal(logbuf_search(lb, "error", 1, 0, 1, &at, &wrapped),
	    0);
	assert_int_equal(at.line, 0);
	assert_int_equal(at.off, 0);
	assert_int_equal(wrapped, 0);
	assert_int_equal(logbuf_search(lb, "error", 1, 0, 1, &at, &wrapped),
	    0);
	assert_int_equal(at.line, 3);
	assert_int_equal(at.off, 5);
	assert_int_equal(wrapped, 1);

	/* The only match, found again after wrapping. */
	at.line = 2;
	at.off = 16;
	assert_int_equal(logbuf_search(lb, "ERROR", 0, 0, 1, &at, &wrapped),
	    0);
	assert_int_equal(at.line, 2);
	assert_int_equal(at.off, 16);
	assert_int_equal(wrapped, 1);
	logbuf_free(lb);
}

static void
test_line_find(void **state)
{
	struct logbuf	*lb = test_feed(10, "abcabc\n", 7);
	size_t		 off;

	(void)state;
	assert_int_equal(logbuf_line_find(logbuf_get(lb, 0), 0, "bc", 0, 0,
	    &off), 0);
	assert_int_equal(off, 1);
	assert_int_equal(logbuf_line_find(logbuf_get(lb, 0), 0, "bc", 0, 2,
	    &off), 0);
	assert_int_equal(off, 4);
	assert_int_equal(logbuf_line_find(logbuf_get(lb, 0), 0, "bc", 0, 5,
	    &off), -1);
	assert_int_equal(logbuf_line_find(logbuf_get(lb, 0), 0, "BC", 1, 0,
	    &off), 0);
	assert_int_equal(off, 1);
	logbuf_free(lb);
}

/* Cells of s as "col,row,width" triples, for comparing layouts. */
static char *
test_cells(const char *s, int cols)
{
	struct logbuf_iter	 it;
	struct logbuf_cell	 c;
	char			*out = xstrdup(""), *tmp;

	logbuf_iter_init(&it, s, strlen(s), cols);
	while (logbuf_iter_next(&it, &c)) {
		tmp = xasprintf("%s%s%d,%d,%d", out, *out != '\0' ? " " : "",
		    c.col, c.row, c.width);
		free(out);
		out = tmp;
	}
	return out;
}

static void
test_assert_cells(const char *s, int cols, const char *want)
{
	char	*got = test_cells(s, cols);

	assert_string_equal(got, want);
	free(got);
}

static void
test_cells_layout(void **state)
{
	struct logbuf_iter	it;
	struct logbuf_cell	c;
	static const char	comb[] = "e\xcc\x81x";

	(void)state;
	test_assert_cells("abc\tx", 0, "0,0,1 1,0,1 2,0,1 3,0,5 8,0,1");
	test_assert_cells("abcdef", 4, "0,0,1 1,0,1 2,0,1 3,0,1 0,1,1 1,1,1");
	/* A wide character that does not fit goes to the next row. */
	test_assert_cells("a\xe4\xb8\xad", 2, "0,0,1 0,1,2");
	test_assert_cells("a\xe4\xb8\xad", 0, "0,0,1 1,0,2");
	/* A tab stops at the edge; what follows wraps. */
	test_assert_cells("abcdefghi\tz", 10,
	    "0,0,1 1,0,1 2,0,1 3,0,1 4,0,1 5,0,1 6,0,1 7,0,1 8,0,1 9,0,1 "
	    "0,1,1");
	test_assert_cells("\xff!", 0, "0,0,1 1,0,1");
	test_assert_cells("", 10, "");

	/* A combining mark shares its character's cell. */
	logbuf_iter_init(&it, comb, strlen(comb), 0);
	assert_int_equal(logbuf_iter_next(&it, &c), 1);
	assert_int_equal(c.wc[0], L'e');
	assert_int_equal(c.wc[1], 0x301);
	assert_int_equal(c.wc[2], 0);
	assert_int_equal(logbuf_iter_next(&it, &c), 1);
	assert_int_equal(c.wc[0], L'x');
	assert_int_equal(c.col, 1);
	assert_int_equal(c.off, 3);
	assert_int_equal(logbuf_iter_next(&it, &c), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_lines),
		cmocka_unit_test(test_every_chunking),
		cmocka_unit_test(test_cr),
		cmocka_unit_test(test_sgr),
		cmocka_unit_test(test_plain_has_no_runs),
		cmocka_unit_test(test_strip),
		cmocka_unit_test(test_timestamps),
		cmocka_unit_test(test_ring_bound),
		cmocka_unit_test(test_line_cap),
		cmocka_unit_test(test_utf8_split),
		cmocka_unit_test(test_search_forward),
		cmocka_unit_test(test_search_backward),
		cmocka_unit_test(test_line_find),
		cmocka_unit_test(test_cells_layout),
	};

	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "en_US.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
