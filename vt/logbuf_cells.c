/*
 * Laying a log line out in terminal cells (see logbuf.h): what the logs
 * view draws and how it counts wrapped rows.  Follows the locale's
 * multibyte encoding and wcwidth(), as the terminal will.
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "vt/logbuf.h"

void
logbuf_iter_init(struct logbuf_iter *it, const char *s, size_t len, int cols)
{
	memset(it, 0, sizeof *it);
	it->s = s;
	it->len = len;
	it->cols = cols;
}

/* Decodes one character at it->at; a tab has its width to the next stop. */
static wchar_t
logbuf_iter_char(struct logbuf_iter *it, mbstate_t *ps, size_t at, size_t *n,
    int *w)
{
	wchar_t	wc;

	if (it->s[at] == '\t') {
		*n = 1;
		*w = -2;
		return L' ';
	}
	*n = mbrtowc(&wc, it->s + at, it->len - at, ps);
	if (*n == (size_t)-1 || *n == (size_t)-2 || *n == 0) {
		memset(ps, 0, sizeof *ps);
		*n = 1;
		*w = 1;
		return L'?';
	}
	if ((*w = wcwidth(wc)) < 0) {
		*w = 1;
		return L'?';
	}
	return wc;
}

int
logbuf_iter_next(struct logbuf_iter *it, struct logbuf_cell *c)
{
	mbstate_t	ps;
	size_t		n;
	int		w, nc = 0, cw;
	wchar_t		wc;

	do {
		if (it->at >= it->len)
			return 0;
		c->off = it->at;
		c->wc[0] = logbuf_iter_char(it, &it->ps, it->at, &n, &w);
		it->at += n;
	} while (w == 0);	/* a combining mark with nothing to combine */
	nc = 1;
	while (nc < LOGBUF_CELL_CHARS && it->at < it->len) {
		ps = it->ps;
		wc = logbuf_iter_char(it, &ps, it->at, &n, &cw);
		if (cw != 0)
			break;
		c->wc[nc++] = wc;
		it->ps = ps;
		it->at += n;
	}
	c->wc[nc] = L'\0';
	if (w == -2) {
		if (it->cols > 0 && it->col >= it->cols) {
			it->row++;
			it->col = 0;
		}
		w = 8 - it->col % 8;
		if (it->cols > 0 && it->col + w > it->cols)
			w = it->cols - it->col;
	} else if (it->cols > 0 && it->col > 0 && it->col + w > it->cols) {
		it->row++;
		it->col = 0;
	}
	c->width = w;
	c->row = it->row;
	c->col = it->col;
	it->col += w;
	return 1;
}
