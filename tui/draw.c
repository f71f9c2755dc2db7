/*
 * Drawing: turns app state into the screen, at most once a frame.  Handlers
 * never draw; they set dirty flags (pane damage, borders, status).  The
 * prepare hook draws when something is dirty and a frame is due, then lets
 * paused panes read again.  Everything goes through stdscr and one
 * doupdate(), so curses sends only what changed.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "config/config.h"
#include "config/xmalloc.h"
#include "gcp/loop.h"
#include "tui/app.h"
#include "tui/colour.h"
#include "tui/draw.h"
#include "tui/help.h"
#include "tui/logs.h"
#include "tui/pane.h"
#include "tui/prompt.h"
#include "tui/status.h"
#include "vt/vt.h"

#define DRAW_FOCUS_COLOUR	COLOR_GREEN
#define DRAW_ALERT_COLOUR	COLOR_YELLOW

void
draw_init(struct app *app)
{
	initscr();
	raw();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, FALSE);
	colour_init();
	curs_set(0);
	app->cols = COLS;
	app->lines = LINES;
	app->layout_dirty = 1;
	app->redraw_all = 1;
	loop_prepare_add(app->loop, draw_prepare, app);
}

void
draw_end(struct app *app)
{
	loop_prepare_del(app->loop, draw_prepare, app);
	endwin();
}

void
draw_request(struct app *app)
{
	app->frame_due = 1;
}

/* Places every pane for the current size, zoom and page, resizing PTYs. */
static void
draw_layout(struct app *app)
{
	struct grid_rect	*rects;
	int			 area_h = app->lines - 1, n, i, placed;

	app->layout_dirty = 0;
	app->redraw_all = 1;
	n = (int)app->npanes;
	for (i = 0; i < n; i++)
		app->panes[i]->visible = 0;
	if (n == 0 || area_h < 1) {
		memset(&app->shape, 0, sizeof app->shape);
		return;
	}
	rects = xcalloc((size_t)n, sizeof *rects);
	placed = grid_layout(n, app->cols, area_h, 0, rects, &app->shape);
	if (app->page >= app->shape.pages)
		app->page = app->shape.pages > 0 ? app->shape.pages - 1 : 0;
	if (app->zoomed && app_focused(app) != NULL) {
		struct pane *p = app_focused(app);

		p->rect.x = 0;
		p->rect.y = 0;
		p->rect.w = app->cols;
		p->rect.h = area_h;
		if (area_h >= 2) {
			p->visible = 1;
			pane_set_size(app, p, area_h - 1, app->cols);
		}
		free(rects);
		return;
	}
	if (placed > 0 && app->page > 0)
		placed = grid_layout(n, app->cols, area_h, app->page, rects,
		    &app->shape);
	for (i = 0; i < placed; i++) {
		int		 idx = app->page * app->shape.per_page + i;
		struct pane	*p;
		int		 ccols;

		if (idx >= n)
			break;
		p = app->panes[idx];
		p->rect = rects[i];
		p->visible = 1;
		ccols = p->rect.x + p->rect.w >= app->cols ? p->rect.w :
		    p->rect.w - 1;
		pane_set_size(app, p, p->rect.h - 1, ccols);
	}
	free(rects);
}

static int
draw_content_cols(struct app *app, struct pane *p)
{
	return p->rect.x + p->rect.w >= app->cols ? p->rect.w : p->rect.w - 1;
}

static attr_t
draw_attrs(unsigned a)
{
	attr_t	r = A_NORMAL;

	if (a & VT_ATTR_BOLD)
		r |= A_BOLD;
	if (a & VT_ATTR_ITALIC)
		r |= A_ITALIC;
	if (a & VT_ATTR_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & VT_ATTR_REVERSE)
		r |= A_REVERSE;
	if (a & VT_ATTR_BLINK)
		r |= A_BLINK;
	if (a & VT_ATTR_DIM)
		r |= A_DIM;
	return r;
}

static void
draw_cell(int y, int x, const struct vt_cell *c, int room)
{
	wchar_t		wc[VT_CELL_MAX_CHARS + 1];
	cchar_t		cc;
	int		i, pair;

	for (i = 0; i < VT_CELL_MAX_CHARS && c->chars[i] != 0; i++)
		wc[i] = (wchar_t)c->chars[i];
	/* A wide character cut by the pane's edge becomes a blank. */
	if (i == 0 || (c->width == 2 && room < 2)) {
		wc[0] = L' ';
		i = 1;
	}
	wc[i] = L'\0';
	pair = colour_pair(colour_from_vt(&c->fg, 1),
	    colour_from_vt(&c->bg, 0));
	setcchar(&cc, wc, draw_attrs(c->attrs), 0, &pair);
	mvadd_wch(y, x, &cc);
}

static void
draw_pane_content(struct app *app, struct pane *p, int all)
{
	struct vt_cell	 cell;
	int		 rows = p->rect.h - 1, cols = draw_content_cols(app, p);
	int		 r, c;

	for (r = 0; r < rows; r++) {
		if (!all && !vt_row_damaged(p->vt, r))
			continue;
		for (c = 0; c < cols; c++) {
			vt_cell(p->vt, r, c, &cell);
			if (cell.width == 0)
				continue;
			draw_cell(p->rect.y + 1 + r, p->rect.x + c, &cell,
			    cols - c);
		}
	}
	vt_clear_damage(p->vt);
}

/* Writes s (UTF-8) at y,x clipped to width; returns the columns used. */
static int
draw_text(int y, int x, const char *s, int width)
{
	mbstate_t	 ps;
	wchar_t		 wc;
	int		 used = 0, w;
	size_t		 n;

	memset(&ps, 0, sizeof ps);
	move(y, x);
	while (*s != '\0' && used < width) {
		n = mbrtowc(&wc, s, strlen(s), &ps);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			wc = L'?';
			n = 1;
			memset(&ps, 0, sizeof ps);
		}
		w = wcwidth(wc);
		if (w < 0)
			w = 1, wc = L'?';
		if (used + w > width)
			break;
		if (w > 0)
			addnwstr(&wc, 1);
		used += w;
		s += n;
	}
	return used;
}

static const char *
draw_pane_state(struct pane *p, char *buf, size_t len)
{
	if (p->state == NULL)
		return "?";
	if (strcmp(p->state, "exited") == 0 && p->exit_code >= 0) {
		snprintf(buf, len, "exited (%d)", p->exit_code);
		return buf;
	}
	if (strcmp(p->state, "running") == 0) {
		if (p->link == PANE_ATTACHING)
			return "attaching";
		if (p->link == PANE_DETACHED)
			return p->closed_reason != NULL ? p->closed_reason :
			    "detached";
	}
	return p->state;
}

static void
draw_border(struct app *app, struct pane *p)
{
	int		 focused = app_focused(app) == p;
	int		 y = p->rect.y, x = p->rect.x, w = p->rect.w, i, used;
	int		 pair = 0;
	char		 sbuf[64], *label;
	const char	*title = vt_title(p->vt);
	attr_t		 a = A_NORMAL;

	if (focused) {
		pair = colour_pair(DRAW_FOCUS_COLOUR, -1);
		a = A_BOLD;
	} else if (p->bell || p->waiting)
		pair = colour_pair(DRAW_ALERT_COLOUR, -1);
	attr_set(a, (short)pair, NULL);
	for (i = 0; i < w; i++)
		mvadd_wch(y, x + i, WACS_HLINE);
	label = xasprintf(" %02d %s %s%s%s%s%s%s ", p->n, p->name,
	    draw_pane_state(p, sbuf, sizeof sbuf),
	    p->waiting ? " waiting" : "",
	    title != NULL && *title != '\0' ? " · " : "",
	    title != NULL ? title : "", p->activity ? " +" : "",
	    p->bell ? " !" : "");
	used = draw_text(y, x + (w > 2 ? 1 : 0), label, w > 2 ? w - 2 : w);
	(void)used;
	free(label);
	attr_set(A_NORMAL, 0, NULL);

	if (x + w < app->cols) {
		for (i = 1; i < p->rect.h; i++)
			mvadd_wch(y + i, x + w - 1, WACS_VLINE);
	}
	p->dirty_border = 0;
}

static void
draw_status(struct app *app)
{
	int	 y = app->lines - 1, used, rw;
	char	*left, *right = NULL;

	if (y < 0)
		return;
	attr_set(A_REVERSE, 0, NULL);
	move(y, 0);
	hline(' ', app->cols);
	if (app->mode == MODE_PROMPT || app->mode == MODE_HOSTKEY) {
		char *line = prompt_line(app);

		draw_text(y, 0, line, app->cols);
		free(line);
		attr_set(A_NORMAL, 0, NULL);
		app->status_dirty = 0;
		return;
	}
	left = status_text(app, &right);
	rw = right != NULL ? (int)strlen(right) : 0;
	used = draw_text(y, 0, left, app->cols);
	if (right != NULL && used + rw + 1 < app->cols)
		draw_text(y, app->cols - rw, right, rw);
	free(left);
	free(right);
	attr_set(A_NORMAL, 0, NULL);
	app->status_dirty = 0;
}

static void
draw_help(struct app *app)
{
	char	**lines;
	size_t	  n, i;
	int	  rows = app->lines - 1, y;

	lines = help_lines(app, &n);
	erase();
	if (app->help_offset > (int)n - rows)
		app->help_offset = (int)n - rows;
	if (app->help_offset < 0)
		app->help_offset = 0;
	for (y = 0; y < rows && (size_t)(y + app->help_offset) < n; y++)
		draw_text(y, 0, lines[y + app->help_offset], app->cols);
	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

static void
draw_too_small(struct app *app)
{
	static const char *msgs[] = { "terminal too small", "too small",
	    "small", "!" };
	size_t	i;

	erase();
	for (i = 0; i < sizeof msgs / sizeof msgs[0]; i++) {
		if ((int)strlen(msgs[i]) <= app->cols || i + 1 ==
		    sizeof msgs / sizeof msgs[0]) {
			draw_text(0, 0, msgs[i], app->cols);
			break;
		}
	}
}

static void
draw_cursor(struct app *app)
{
	struct pane	*p = app_focused(app);
	int		 row, col, visible;

	if (app->mode == MODE_PROMPT || app->mode == MODE_HOSTKEY) {
		int w = prompt_cursor(app);

		move(app->lines - 1, w < app->cols ? w : app->cols - 1);
		curs_set(1);
		return;
	}
	if (p == NULL || !p->visible || app->mode == MODE_HELP ||
	    app->mode == MODE_LOGS) {
		curs_set(0);
		return;
	}
	vt_cursor(p->vt, &row, &col, &visible);
	if (!visible || row >= p->rect.h - 1 ||
	    col >= draw_content_cols(app, p)) {
		curs_set(0);
		return;
	}
	move(p->rect.y + 1 + row, p->rect.x + col);
	curs_set(1);
}

void
draw_frame(struct app *app)
{
	size_t	i;
	int	all;

	if (app->layout_dirty)
		draw_layout(app);
	all = app->redraw_all;
	if (all)
		erase();
	if (app->cols < 2 || app->lines < 2 ||
	    (app->npanes > 0 && app->shape.per_page == 0 && !app->zoomed)) {
		draw_too_small(app);
		goto out;
	}
	if (app->mode == MODE_HELP) {
		draw_help(app);
		draw_status(app);
		goto out;
	}
	if (app->logs != NULL && (app->mode == MODE_LOGS ||
	    (app->mode == MODE_PROMPT && prompt_over_logs(app)))) {
		logs_draw(app);
		if (app->mode == MODE_PROMPT)
			draw_status(app);
		goto out;
	}
	for (i = 0; i < app->npanes; i++) {
		struct pane *p = app->panes[i];

		if (!p->visible) {
			vt_clear_damage(p->vt);
			continue;
		}
		if (all || p->dirty_border)
			draw_border(app, p);
		if (all || vt_damaged(p->vt))
			draw_pane_content(app, p, all);
	}
	if (app->npanes == 0 && all) {
		const char *m = app->listed ? "no agents on this target" :
		    "waiting for the agent list";

		draw_text((app->lines - 1) / 2, 1, m, app->cols - 1);
	}
	if (all || app->status_dirty)
		draw_status(app);
out:
	app->redraw_all = 0;
	draw_cursor(app);
	wnoutrefresh(stdscr);
	doupdate();
}

static int
draw_anything_dirty(struct app *app)
{
	size_t	i;

	if (app->frame_due || app->layout_dirty || app->redraw_all ||
	    app->status_dirty)
		return 1;
	for (i = 0; i < app->npanes; i++) {
		struct pane *p = app->panes[i];

		if (p->paused)
			return 1;
		if (p->visible && (p->dirty_border || vt_damaged(p->vt)))
			return 1;
	}
	return 0;
}

static void
draw_frame_timer(void *arg)
{
	struct app	*app = arg;

	app->frame_timer = 0;
}

/* The last prepare hook: draw if something changed and a frame is due. */
int
draw_prepare(void *arg)
{
	struct app	*app = arg;
	int64_t		 now, interval;
	size_t		 i;
	int		 resumed = 0;

	if (app->quit || !draw_anything_dirty(app))
		return 0;
	now = loop_now();
	interval = app->opt.frame_ms;
	if (now - app->last_frame < interval) {
		if (app->frame_timer == 0)
			app->frame_timer = loop_timer_add(app->loop,
			    interval - (now - app->last_frame),
			    draw_frame_timer, app);
		return 0;
	}
	draw_frame(app);
	app->last_frame = loop_now();
	app->frame_due = 0;
	for (i = 0; i < app->npanes; i++)
		resumed |= app->panes[i]->paused;
	pane_frame_done(app);
	/* Resumed channels may hold data already read from the socket:
	 * give the connection another turn before sleeping. */
	return resumed;
}
