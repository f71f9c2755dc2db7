/*
 * The logs view's line store (tui/logbuf.c) under hostile `docker logs`
 * output: bytes fed in chunks of any size into a small ring, lines read
 * back, searched and laid out in cells (tui/logbuf_cells.c) at any width.
 * A second store gets the same bytes in one piece each time, and the two
 * must hold the same lines: the store promises that chunking never
 * matters.  Every line read back is checked against what logbuf.h
 * promises (bounded, no control bytes, runs in order), every search hit
 * must be a real match and every miss a real miss, and cells must tile
 * the rows.
 *
 * Input: [max lines byte] then records [op byte][...]: op % 6 is
 * 0-1 feed (u16 length, chunk-size byte, the bytes), 2 repeat (length
 * byte, that many + 1 bytes, u16 count: long lines), 3-4 search (length
 * byte, the pattern, line and offset bytes; op's high bits pick backward,
 * timestamps and case), 5 read every line (width byte).
 */
#include <ctype.h>
#include <locale.h>
#include <stdio.h>
#include <strings.h>

#include "tests/fuzz/fuzz.h"
#include "vt/logbuf.h"

#define FUZZ_LOGBUF_CHECK(x) do {					\
	if (!(x)) {							\
		fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #x);	\
		abort();						\
	}								\
} while (0)

static int
fuzz_logbuf_colour_ok(int32_t c)
{
	return c == LOGBUF_DEFAULT || (c >= 0 && c <= 255) ||
	    (c & ~0xffffff) == LOGBUF_RGB;
}

/* What logbuf.h promises about one line. */
static void
fuzz_logbuf_line(const struct logbuf_line *l)
{
	const char	*s;
	size_t		 len, i;

	FUZZ_LOGBUF_CHECK(l->tslen <= 48);
	FUZZ_LOGBUF_CHECK(l->len <= LOGBUF_LINE_MAX +
	    sizeof LOGBUF_TRUNCATED - 1);
	logbuf_display(l, 1, &s, &len);
	FUZZ_LOGBUF_CHECK(s == l->buf && len == (size_t)l->tslen + l->len);
	for (i = 0; i < len; i++) {
		FUZZ_LOGBUF_CHECK(s[i] == '\t' ||
		    ((unsigned char)s[i] >= 0x20 && s[i] != 0x7f));
	}
	logbuf_display(l, 0, &s, &len);
	FUZZ_LOGBUF_CHECK(s == l->buf + l->tslen && len == l->len);
	FUZZ_LOGBUF_CHECK(l->nruns == 0 || l->runs != NULL);
	for (i = 0; i < l->nruns; i++) {
		FUZZ_LOGBUF_CHECK(l->runs[i].off <= l->len);
		FUZZ_LOGBUF_CHECK(i == 0 ||
		    l->runs[i].off > l->runs[i - 1].off);
		FUZZ_LOGBUF_CHECK(fuzz_logbuf_colour_ok(l->runs[i].fg));
		FUZZ_LOGBUF_CHECK(fuzz_logbuf_colour_ok(l->runs[i].bg));
		FUZZ_LOGBUF_CHECK((l->runs[i].attrs & ~0x1fu) == 0);
	}
}

/* Cells in order, each where the one before left off or on a new row. */
static void
fuzz_logbuf_cells(const struct logbuf_line *l, int with_ts, int cols)
{
	struct logbuf_iter	it;
	struct logbuf_cell	c;
	const char		*s;
	size_t			 len, next = 0;
	int			 row = 0, col = 0, n;

	logbuf_display(l, with_ts, &s, &len);
	/* A long line's last 4096 bytes, from wherever that falls: all
	 * 65536 of each line would slow the fuzzing tenfold. */
	if (len > 4096) {
		s += len - 4096;
		len = 4096;
	}
	logbuf_iter_init(&it, s, len, cols);
	while (logbuf_iter_next(&it, &c)) {
		FUZZ_LOGBUF_CHECK(c.off >= next && c.off < len);
		FUZZ_LOGBUF_CHECK(c.width >= 1 && c.width <= 8);
		FUZZ_LOGBUF_CHECK((c.row == row && c.col == col) ||
		    (c.row == row + 1 && c.col == 0 && cols > 0));
		FUZZ_LOGBUF_CHECK(cols <= 0 || c.col == 0 ||
		    c.col + c.width <= cols);
		for (n = 0; n <= LOGBUF_CELL_CHARS && c.wc[n] != L'\0'; n++)
			;
		FUZZ_LOGBUF_CHECK(n >= 1 && n <= LOGBUF_CELL_CHARS);
		next = c.off + 1;
		row = c.row;
		col = c.col + c.width;
	}
	FUZZ_LOGBUF_CHECK(it.at >= len);
}

static void
fuzz_logbuf_read(struct logbuf *lb, size_t max, int cols)
{
	const struct logbuf_line	*l;
	size_t				 n = logbuf_count(lb), i;

	FUZZ_LOGBUF_CHECK(n <= max + 1);
	for (i = 0; i < n; i++) {
		l = logbuf_get(lb, i);
		FUZZ_LOGBUF_CHECK(l != NULL);
		fuzz_logbuf_line(l);
		fuzz_logbuf_cells(l, i & 1, cols);
	}
	FUZZ_LOGBUF_CHECK(logbuf_get(lb, n) == NULL);
}

/* Both stores hold the same lines. */
static void
fuzz_logbuf_same(struct logbuf *a, struct logbuf *b)
{
	const struct logbuf_line	*x, *y;
	size_t				 n = logbuf_count(a), i;

	FUZZ_LOGBUF_CHECK(logbuf_count(b) == n);
	FUZZ_LOGBUF_CHECK(logbuf_dropped(a) == logbuf_dropped(b));
	for (i = 0; i < n; i++) {
		x = logbuf_get(a, i);
		y = logbuf_get(b, i);
		FUZZ_LOGBUF_CHECK(x->tslen == y->tslen && x->len == y->len);
		FUZZ_LOGBUF_CHECK(memcmp(x->buf, y->buf,
		    (size_t)x->tslen + x->len) == 0);
		FUZZ_LOGBUF_CHECK(x->nruns == y->nruns);
		FUZZ_LOGBUF_CHECK(x->nruns == 0 || memcmp(x->runs, y->runs,
		    x->nruns * sizeof *x->runs) == 0);
	}
}

/* Does the displayed line hold pat at off? */
static int
fuzz_logbuf_at(const struct logbuf_line *l, int with_ts, const char *pat,
    int icase, size_t off)
{
	const char	*s;
	size_t		 len, plen = strlen(pat);

	logbuf_display(l, with_ts, &s, &len);
	if (off > len || len - off < plen)
		return 0;
	if (icase)
		return strncasecmp(s + off, pat, plen) == 0;
	return memcmp(s + off, pat, plen) == 0;
}

/* A lowercase copy of s[0..len) (caller frees). */
static char *
fuzz_logbuf_lower(const char *s, size_t len)
{
	char	*d = malloc(len + 1);
	size_t	 i;

	if (d == NULL)
		abort();
	for (i = 0; i < len; i++)
		d[i] = (char)tolower((unsigned char)s[i]);
	d[len] = '\0';
	return d;
}

/* Does any line hold pat anywhere? */
static int
fuzz_logbuf_any(struct logbuf *lb, int with_ts, const char *pat, int icase)
{
	const char	*s;
	char		*ls, *lp;
	size_t		 n = logbuf_count(lb), i, len, plen = strlen(pat);
	int		 found = 0;

	for (i = 0; i < n && !found; i++) {
		logbuf_display(logbuf_get(lb, i), with_ts, &s, &len);
		if (!icase) {
			found = memmem(s, len, pat, plen) != NULL;
			continue;
		}
		ls = fuzz_logbuf_lower(s, len);
		lp = fuzz_logbuf_lower(pat, plen);
		found = memmem(ls, len, lp, plen) != NULL;
		free(ls);
		free(lp);
	}
	return found;
}

static void
fuzz_logbuf_search(struct logbuf *lb, struct fuzz_in *in, unsigned op)
{
	const struct logbuf_line	*l;
	struct logbuf_pos		 at;
	const char			*p;
	char				 pat[256];
	size_t				 n, i, off;
	int				 icase, with_ts = (op >> 4) & 1, wrapped;

	p = fuzz_bytes(in, fuzz_byte(in), &n);
	memcpy(pat, p, n);
	pat[n] = '\0';
	icase = (op & 0x80) ? logbuf_smartcase(pat) : (int)((op >> 6) & 1);
	at.line = fuzz_byte(in);
	at.off = fuzz_byte(in);

	for (i = 0; i < logbuf_count(lb); i++) {
		l = logbuf_get(lb, i);
		if (logbuf_line_find(l, with_ts, pat, icase, at.off, &off) == 0)
			FUZZ_LOGBUF_CHECK(off >= at.off &&
			    fuzz_logbuf_at(l, with_ts, pat, icase, off));
	}
	if (logbuf_search(lb, pat, icase, with_ts, (op >> 5) & 1, &at,
	    &wrapped) == 0) {
		FUZZ_LOGBUF_CHECK(at.line < logbuf_count(lb));
		FUZZ_LOGBUF_CHECK(fuzz_logbuf_at(logbuf_get(lb, at.line),
		    with_ts, pat, icase, at.off));
	} else
		FUZZ_LOGBUF_CHECK(*pat == '\0' ||
		    !fuzz_logbuf_any(lb, with_ts, pat, icase));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 once;
	struct fuzz_in	 in = { data, size };
	struct logbuf	*lb, *ref;
	const char	*p;
	char		*big;
	size_t		 max, n, k, chunk, times;
	unsigned	 op;

	if (!once) {
		if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
			setlocale(LC_CTYPE, "en_US.UTF-8");
		once = 1;
	}
	max = 1 + fuzz_byte(&in) % 8;
	lb = logbuf_new(max);
	ref = logbuf_new(max);
	while (in.len != 0) {
		op = fuzz_byte(&in);
		switch (op % 6) {
		case 0:
		case 1:
			n = fuzz_u16(&in);
			chunk = 1 + fuzz_byte(&in);
			p = fuzz_bytes(&in, n, &n);
			for (k = 0; k < n; k += chunk)
				logbuf_feed(lb, p + k, n - k < chunk ?
				    n - k : chunk);
			logbuf_feed(ref, p, n);
			break;
		case 2:
			p = fuzz_bytes(&in, 1 + fuzz_byte(&in) % 16, &n);
			times = fuzz_u16(&in) % 9000;
			if (n == 0)
				break;
			big = malloc(n * times + 1);
			if (big == NULL)
				abort();
			for (k = 0; k < times; k++) {
				memcpy(big + k * n, p, n);
				logbuf_feed(lb, p, n);
			}
			logbuf_feed(ref, big, n * times);
			free(big);
			break;
		case 3:
		case 4:
			fuzz_logbuf_search(lb, &in, op);
			break;
		case 5:
			fuzz_logbuf_read(lb, max, (int)fuzz_byte(&in) - 8);
			fuzz_logbuf_same(lb, ref);
			break;
		}
	}
	fuzz_logbuf_read(lb, max, 80);
	fuzz_logbuf_same(lb, ref);
	logbuf_free(lb);
	logbuf_free(ref);
	return 0;
}
