/*
 * Drawing the logs view (see logs.c): the lines from the top position
 * down, wrapped or scrolled sideways, their colours mapped to the
 * terminal's, search matches highlighted, and a status line naming the
 * agent, the position and the modes.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "config/xmalloc.h"
#include "tui/app.h"
#include "tui/colour.h"
#include "tui/logs.h"
#include "tui/logs_private.h"
#include "vt/logbuf.h"
#include "vt/vt.h"

static int
logs_colour(int32_t c)
{
	struct vt_color	vc;

	if (c == LOGBUF_DEFAULT)
		return -1;
	memset(&vc, 0, sizeof vc);
	if (c & LOGBUF_RGB) {
		vc.type = VT_COLOR_RGB;
		vc.r = (uint8_t)(c >> 16);
		vc.g = (uint8_t)(c >> 8);
		vc.b = (uint8_t)c;
	} else {
		vc.type = VT_COLOR_INDEXED;
		vc.idx = (uint8_t)c;
	}
	return colour_from_vt(&vc, 1);
}

static attr_t
logs_attrs(uint32_t a)
{
	attr_t	r = A_NORMAL;

	if (a & LOGBUF_BOLD)
		r |= A_BOLD;
	if (a & LOGBUF_DIM)
		r |= A_DIM;
	if (a & LOGBUF_ITALIC)
		r |= A_ITALIC;
	if (a & LOGBUF_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & LOGBUF_REVERSE)
		r |= A_REVERSE;
	return r;
}

/* One cell; a tab is its width in blanks, a cut wide character a blank. */
static void
logs_put(int y, int x, struct logbuf_cell *c, int room, attr_t a, int pair)
{
	static const wchar_t	blank[] = L" ";
	cchar_t			cc;
	int			i, w = c->width;

	if (c->wc[0] == L' ' || w > room) {
		setcchar(&cc, blank, a, 0, &pair);
		for (i = 0; i < w && i < room; i++)
			mvadd_wch(y, x + i, &cc);
		return;
	}
	setcchar(&cc, c->wc, a, 0, &pair);
	mvadd_wch(y, x, &cc);
}

static void
logs_clear_row(int y)
{
	attr_set(A_NORMAL, 0, NULL);
	move(y, 0);
	clrtoeol();
}

/*
 * Draws line i from its wrapped row skip onto rows y .. y + avail - 1;
 * returns the rows used and whether all of the line fitted.
 */
static int
logs_draw_line(struct logs *v, size_t i, int y, int skip, int avail,
    int *full)
{
	const struct logbuf_line	*l = logbuf_get(v->lb, i);
	const struct logbuf_run		*run = NULL;
	struct logbuf_iter		 it;
	struct logbuf_cell		 c;
	const char			*s;
	size_t				 len, tsl, mpos = 0, mend = 0, ri = 0;
	int				 cols = logs_cols(v->app), cleared = 0;
	int				 row, x, pair, last_fg = -2, last_bg = -2;
	int				 last_pair = 0, fg, bg, hl, match = 0;
	int				 hl_pair = 0;
	attr_t				 a;
	uint64_t			 abs = logbuf_dropped(v->lb) + i;

	logbuf_display(l, v->timestamps, &s, &len);
	tsl = v->timestamps ? l->tslen : 0;
	if (v->pattern != NULL) {
		match = logbuf_line_find(l, v->timestamps, v->pattern, v->icase,
		    0, &mpos) == 0;
		hl_pair = colour_pair(COLOR_BLACK, COLOR_YELLOW);
	}
	mend = mpos + (v->pattern != NULL ? strlen(v->pattern) : 0);
	logs_clear_row(y);
	cleared = 1;
	*full = 1;
	logbuf_iter_init(&it, s, len, v->wrap ? cols : 0);
	while (logbuf_iter_next(&it, &c)) {
		row = v->wrap ? c.row - skip : 0;
		if (row < 0)
			continue;
		if (row >= avail) {
			*full = 0;
			break;
		}
		while (row >= cleared)
			logs_clear_row(y + cleared++);
		x = c.col;
		if (!v->wrap) {
			if (c.col < v->hscroll)
				continue;
			x = c.col - v->hscroll;
			if (x >= cols)
				break;
		}
		while (match && c.off >= mend) {
			match = logbuf_line_find(l, v->timestamps, v->pattern,
			    v->icase, mend, &mpos) == 0;
			mend = mpos + strlen(v->pattern);
		}
		while (c.off >= tsl && ri < l->nruns &&
		    l->runs[ri].off <= c.off - tsl)
			run = &l->runs[ri++];
		fg = run != NULL ? logs_colour(run->fg) : -1;
		bg = run != NULL ? logs_colour(run->bg) : -1;
		a = run != NULL && c.off >= tsl ? logs_attrs(run->attrs) :
		    A_NORMAL;
		if (c.off < tsl) {
			fg = bg = -1;
			a = A_DIM;
		}
		hl = match && c.off >= mpos;
		if (hl && hl_pair != 0) {
			a &= ~A_REVERSE;
			fg = COLOR_BLACK;
			bg = COLOR_YELLOW;
		} else if (hl)
			a ^= A_REVERSE;
		if (hl && v->have_match && v->match_line == abs &&
		    v->match_off == mpos)
			a |= A_BOLD | A_UNDERLINE;
		if (fg != last_fg || bg != last_bg) {
			last_pair = colour_pair(fg, bg);
			last_fg = fg;
			last_bg = bg;
		}
		pair = last_pair;
		logs_put(y + row, x, &c, cols - x, a, pair);
	}
	attr_set(A_NORMAL, 0, NULL);
	return cleared;
}

/* Writes s at y, x in the current attributes; returns the columns used. */
static int
logs_text(int y, int x, const char *s, int width)
{
	struct logbuf_iter	it;
	struct logbuf_cell	c;
	cchar_t			cc;
	attr_t			a;
	short			pair;

	attr_get(&a, &pair, NULL);
	logbuf_iter_init(&it, s, strlen(s), 0);
	while (logbuf_iter_next(&it, &c) && c.col + c.width <= width) {
		setcchar(&cc, c.wc, a, pair, NULL);
		mvadd_wch(y, x + c.col, &cc);
	}
	return it.col < width ? it.col : width;
}

static int
logs_text_width(const char *s)
{
	struct logbuf_iter	it;
	struct logbuf_cell	c;

	logbuf_iter_init(&it, s, strlen(s), 0);
	while (logbuf_iter_next(&it, &c))
		;
	return it.col;
}

static void
logs_draw_status(struct logs *v, size_t last)
{
	struct app	*app = v->app;
	size_t		 n = logbuf_count(v->lb), size;
	char		*left = NULL;
	const char	*right;
	FILE		*f;
	int		 y = app->lines - 1, used, rw;
	int		 hw = (int)strlen(LOGS_HELP);

	if ((f = open_memstream(&left, &size)) == NULL)
		return;
	fprintf(f, " logs: %s | %zu line%s", v->name, n, n == 1 ? "" : "s");
	fprintf(f, "%s%s%s", v->follow ? " | follow" : "",
	    v->wrap ? " | wrap" : "", v->timestamps ? " | time" : "");
	if (!v->wrap && v->hscroll > 0)
		fprintf(f, " | col %d", v->hscroll + 1);
	if (n > 0)
		fprintf(f, " | %zu%%", (last + 1) * 100 / n);
	if (v->pattern != NULL)
		fprintf(f, " | %c%s", v->backward ? '?' : '/', v->pattern);
	if (fclose(f) != 0 || left == NULL) {
		free(left);
		return;
	}
	/* A note or the end of the stream matters more than the rest. */
	right = v->note != NULL ? v->note : v->ended;
	rw = right != NULL ? logs_text_width(right) : 0;
	if (rw > app->cols - 1)
		rw = app->cols - 1;
	attr_set(A_REVERSE, 0, NULL);
	move(y, 0);
	hline(' ', app->cols);
	used = logs_text(y, 0, left, app->cols - (rw > 0 ? rw + 2 : 0));
	if (right != NULL)
		logs_text(y, app->cols - rw - 1, right, rw);
	else if (used + hw + 2 <= app->cols)
		logs_text(y, app->cols - hw - 1, LOGS_HELP, hw);
	attr_set(A_NORMAL, 0, NULL);
	free(left);
}

void
logs_draw(struct app *app)
{
	struct logs	*v = app->logs;
	size_t		 line, i, n, last;
	int		 row, rows, y = 0, full = 1;
	const char	*m;

	if (v == NULL)
		return;
	rows = app->lines - 1;
	n = logbuf_count(v->lb);
	logs_top(v, &line, &row);
	logs_set_top(v, line, row);
	last = line;
	for (i = line; y < rows && i < n; i++) {
		y += logs_draw_line(v, i, y, i == line ? row : 0, rows - y,
		    &full);
		last = i;
	}
	for (; y < rows; y++)
		logs_clear_row(y);
	v->shown = n > 0;
	v->shown_first = logbuf_dropped(v->lb) + line;
	v->shown_last = logbuf_dropped(v->lb) + last;
	v->shown_last_full = full;
	if (n == 0) {
		m = v->ended != NULL ? v->ended : "waiting for log output";
		logs_text(rows / 2, 1, m, app->cols - 1);
	}
	if (app->mode == MODE_LOGS)
		logs_draw_status(v, last);
}
