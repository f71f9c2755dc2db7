/*
 * The logs view (see logs.h): one agent's `docker logs -f --timestamps`
 * on an exec channel, fed into a bounded line store (logbuf.c) and shown
 * full screen.  The position is the top line's number since the stream
 * began plus the wrapped row of it at the top, so it stays put while old
 * lines are dropped; in follow mode the bottom is pinned to the last line
 * instead.  Every frame looks only at the lines around the screen, so a
 * store of millions of lines draws as fast as a short one (logs_draw.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "config/xmalloc.h"
#include "gcp/conn.h"
#include "gcp/docker.h"
#include "tui/app.h"
#include "tui/draw.h"
#include "tui/logs.h"
#include "tui/logs_private.h"
#include "tui/mode.h"
#include "tui/prompt.h"
#include "vt/logbuf.h"

#define LOGS_TAIL	1000

static int
logs_rows(struct app *app)
{
	return app->lines > 2 ? app->lines - 1 : 1;
}

int
logs_cols(struct app *app)
{
	return app->cols > 1 ? app->cols : 1;
}

/* The wrapped row holding byte off of line i. */
static int
logs_row_of(struct logs *v, size_t i, size_t off, int *col)
{
	const struct logbuf_line	*l = logbuf_get(v->lb, i);
	struct logbuf_iter		 it;
	struct logbuf_cell		 c;
	const char			*s;
	size_t				 len;

	*col = 0;
	if (l == NULL)
		return 0;
	logbuf_display(l, v->timestamps, &s, &len);
	logbuf_iter_init(&it, s, len, v->wrap ? logs_cols(v->app) : 0);
	while (logbuf_iter_next(&it, &c)) {
		*col = c.col;
		if (c.off >= off)
			return c.row;
	}
	return it.row;
}

/* Screen rows line i takes: 1 unless wrapping. */
static int
logs_height(struct logs *v, size_t i)
{
	int	col;

	return v->wrap ? logs_row_of(v, i, SIZE_MAX, &col) + 1 : 1;
}

/* The top position that puts the last line at the bottom of the screen. */
static void
logs_bottom(struct logs *v, size_t *line, int *row)
{
	size_t	i = logbuf_count(v->lb);
	int	need = logs_rows(v->app), h;

	while (i > 0) {
		h = logs_height(v, i - 1);
		if (h >= need) {
			*line = i - 1;
			*row = h - need;
			return;
		}
		need -= h;
		i--;
	}
	*line = 0;
	*row = 0;
}

/* Where the top is now, as an index, kept within the lines held. */
void
logs_top(struct logs *v, size_t *line, int *row)
{
	uint64_t	dropped = logbuf_dropped(v->lb);
	size_t		bline;
	int		brow;

	logs_bottom(v, &bline, &brow);
	if (v->follow) {
		*line = bline;
		*row = brow;
		return;
	}
	if (v->top < dropped) {
		*line = 0;
		*row = 0;
	} else {
		*line = (size_t)(v->top - dropped);
		*row = v->top_row;
	}
	if (*row >= logs_height(v, *line))
		*row = logs_height(v, *line) - 1;
	if (*line > bline || (*line == bline && *row > brow)) {
		*line = bline;
		*row = brow;
	}
}

void
logs_set_top(struct logs *v, size_t line, int row)
{
	v->top = logbuf_dropped(v->lb) + line;
	v->top_row = row;
}

/* Scrolls by rows (negative: up); going up stops following. */
static void
logs_scroll(struct logs *v, int rows)
{
	size_t	line, n = logbuf_count(v->lb);
	int	row, h;

	if (rows < 0)
		v->follow = 0;
	else if (v->follow)
		return;
	logs_top(v, &line, &row);
	while (rows > 0 && line < n) {
		h = logs_height(v, line);
		if (row + rows < h) {
			row += rows;
			break;
		}
		rows -= h - row;
		row = 0;
		line++;
	}
	while (rows < 0) {
		if (row >= -rows) {
			row += rows;
			break;
		}
		rows += row;
		if (line == 0) {
			row = 0;
			break;
		}
		line--;
		row = logs_height(v, line) - 1;
		rows++;
	}
	logs_set_top(v, line, row);
	logs_top(v, &line, &row);
	logs_set_top(v, line, row);
}

static void __attribute__((format(printf, 2, 3)))
logs_note(struct logs *v, const char *fmt, ...)
{
	va_list	ap;

	free(v->note);
	va_start(ap, fmt);
	if (vasprintf(&v->note, fmt, ap) < 0)
		v->note = NULL;
	va_end(ap);
}

/* ---- the stream ---- */

static void
logs_data(struct chan *ch, const char *buf, size_t len, void *arg)
{
	struct logs	*v = arg;

	(void)ch;
	logbuf_feed(v->lb, buf, len);
	draw_request(v->app);
}

static void
logs_closed(struct chan *ch, int status, const char *reason, void *arg)
{
	struct logs	*v = arg;

	(void)ch;
	v->chan = NULL;
	free(v->ended);
	if (reason != NULL && *reason != '\0')
		v->ended = xasprintf("log ended (status %d: %s)", status,
		    reason);
	else
		v->ended = xasprintf("log ended (status %d)", status);
	draw_request(v->app);
}

void
logs_open(struct app *app, int n, const char *name)
{
	static const struct chan_callbacks	cbs = { .data = logs_data,
	    .closed = logs_closed };
	struct logs				*v;
	long					 max;
	char					*cmd;

	if (app->logs != NULL)
		logs_close(app);
	v = xcalloc(1, sizeof *v);
	v->app = app;
	v->n = n;
	v->name = xstrdup(name);
	max = config_int(app->cfg, "logs.max_lines");
	v->lb = logbuf_new(max > 0 ? (size_t)max : 1);
	v->follow = 1;
	v->wrap = 1;
	app->logs = v;
	mode_set(app, MODE_LOGS);
	app->redraw_all = 1;

	if (app->conn == NULL)
		v->ended = xstrdup("not connected: no logs");
	else if (conn_state(app->conn) != CONN_READY) {
		const char *e = conn_error(app->conn);

		v->ended = xasprintf("not connected%s%s: no logs",
		    e != NULL && *e != '\0' ? ": " : "", e != NULL ? e : "");
	} else {
		cmd = docker_cmd_logs_stream(name, 1, LOGS_TAIL, NULL, 1);
		v->chan = conn_open_stream(app->conn, cmd, &cbs, v);
		free(cmd);
	}
	draw_request(app);
}

void
logs_close(struct app *app)
{
	struct logs	*v = app->logs;

	if (v == NULL)
		return;
	if (v->chan != NULL)
		chan_close(v->chan);
	logbuf_free(v->lb);
	free(v->name);
	free(v->ended);
	free(v->note);
	free(v->pattern);
	free(v);
	app->logs = NULL;
	mode_set(app, MODE_GRID);
	app->redraw_all = 1;
	app->layout_dirty = 1;
	draw_request(app);
}

/* ---- search ---- */

/* Whether the match was entirely on the screen last frame. */
static int
logs_match_shown(struct logs *v)
{
	if (!v->shown || v->match_line < v->shown_first ||
	    v->match_line > v->shown_last)
		return 0;
	if (v->wrap && v->match_line == v->shown_first && v->top_row > 0)
		return 0;
	if (v->wrap && v->match_line == v->shown_last && !v->shown_last_full)
		return 0;
	return 1;
}

/* Brings the current match into view: its line at the top. */
static void
logs_show_match(struct logs *v)
{
	size_t	line = (size_t)(v->match_line - logbuf_dropped(v->lb));
	int	row, col, cols = logs_cols(v->app);

	row = logs_row_of(v, line, v->match_off, &col);
	if (!v->wrap && (col < v->hscroll || col >= v->hscroll + cols - 1))
		v->hscroll = col > cols / 3 ? col - cols / 3 : 0;
	if (logs_match_shown(v))
		return;
	v->follow = 0;
	logs_set_top(v, line, v->wrap && logs_height(v, line) >
	    logs_rows(v->app) ? row : 0);
}

static void
logs_search(struct logs *v, int backward)
{
	uint64_t		dropped = logbuf_dropped(v->lb);
	struct logbuf_pos	at;
	size_t			line;
	int			row, wrapped;

	if (v->pattern == NULL) {
		logs_note(v, "no previous search");
		return;
	}
	if (v->have_match && v->match_line >= dropped && logs_match_shown(v)) {
		at.line = (size_t)(v->match_line - dropped);
		at.off = backward ? v->match_off : v->match_off + 1;
	} else if (!backward) {
		logs_top(v, &line, &row);
		at.line = line;
		at.off = 0;
	} else {
		at.line = v->shown && v->shown_last >= dropped ?
		    (size_t)(v->shown_last - dropped) + 1 :
		    logbuf_count(v->lb);
		at.off = 0;
	}
	if (logbuf_search(v->lb, v->pattern, v->icase, v->timestamps,
	    backward, &at, &wrapped) != 0) {
		v->have_match = 0;
		logs_note(v, "pattern not found: %s", v->pattern);
		return;
	}
	v->have_match = 1;
	v->match_line = dropped + at.line;
	v->match_off = at.off;
	if (wrapped)
		logs_note(v, "search wrapped to the %s",
		    backward ? "bottom" : "top");
	logs_show_match(v);
}

static void
logs_search_done(struct app *app, const char *line, int backward)
{
	struct logs	*v = app->logs;

	if (v == NULL || line == NULL)
		return;
	/* Enter on an empty line repeats the last search, as in less. */
	if (*line != '\0') {
		free(v->pattern);
		v->pattern = xstrdup(line);
		v->icase = logbuf_smartcase(line);
		v->have_match = 0;
	}
	v->backward = backward;
	logs_search(v, backward);
	draw_request(app);
}

static void
logs_search_fwd_done(struct app *app, const char *line)
{
	logs_search_done(app, line, 0);
}

static void
logs_search_back_done(struct app *app, const char *line)
{
	logs_search_done(app, line, 1);
}

/* ---- save ---- */

/* Returns path with a leading ~/ expanded; the caller frees. */
static char *
logs_expand(const char *path)
{
	const char	*home = getenv("HOME");

	if (strncmp(path, "~/", 2) == 0 && home != NULL && *home != '\0')
		return xasprintf("%s/%s", home, path + 2);
	return xstrdup(path);
}

static void
logs_save_done(struct app *app, const char *line)
{
	struct logs	*v = app->logs;
	FILE		*f = NULL;
	char		*path = NULL;
	const char	*s;
	size_t		 i, n = 0, len;
	int		 fd, error = 0;

	if (v == NULL || line == NULL || *line == '\0')
		return;
	path = logs_expand(line);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		error = errno;
		if (fd >= 0)
			close(fd);
		goto out;
	}
	n = logbuf_count(v->lb);
	for (i = 0; i < n; i++) {
		logbuf_display(logbuf_get(v->lb, i), v->timestamps, &s, &len);
		if (fwrite(s, 1, len, f) != len || putc('\n', f) == EOF) {
			error = errno != 0 ? errno : EIO;
			break;
		}
	}
	if (fclose(f) != 0 && error == 0)
		error = errno != 0 ? errno : EIO;
out:
	if (error != 0)
		logs_note(v, "cannot save to %s: %s", path, strerror(error));
	else
		logs_note(v, "saved %zu line%s to %s", n, n == 1 ? "" : "s",
		    path);
	app_message(app, error != 0, "%s", v->note);
	free(path);
	draw_request(app);
}

/* ---- keys ---- */

static void
logs_toggle_timestamps(struct logs *v)
{
	uint64_t			 dropped = logbuf_dropped(v->lb);
	const struct logbuf_line	*l = NULL;

	if (v->have_match && v->match_line >= dropped)
		l = logbuf_get(v->lb, (size_t)(v->match_line - dropped));
	if (l == NULL)
		v->have_match = 0;
	else if (!v->timestamps)
		v->match_off += l->tslen;
	else if (v->match_off >= l->tslen)
		v->match_off -= l->tslen;
	else
		v->have_match = 0;
	v->timestamps = !v->timestamps;
	v->top_row = 0;
}

void
logs_key(struct app *app, key_code k)
{
	struct logs	*v = app->logs;
	int		 page = logs_rows(app) > 2 ? logs_rows(app) - 1 : 1;
	int		 half = logs_cols(app) / 2 > 0 ? logs_cols(app) / 2 : 1;
	char		*path;

	if (v == NULL) {
		mode_set(app, MODE_GRID);
		return;
	}
	free(v->note);
	v->note = NULL;
	switch (k) {
	case 'q':
	case KEYC_ESCAPE:
	case KEYC_CTRL | 'c':
		logs_close(app);
		return;
	case KEYC_UP:
	case 'k':
		logs_scroll(v, -1);
		break;
	case KEYC_DOWN:
	case 'j':
	case KEYC_ENTER:
		logs_scroll(v, 1);
		break;
	case KEYC_PPAGE:
	case 'b':
	case KEYC_CTRL | 'b':
		logs_scroll(v, -page);
		break;
	case KEYC_NPAGE:
	case ' ':
	case KEYC_CTRL | 'f':
		logs_scroll(v, page);
		break;
	case 'g':
	case KEYC_HOME:
		v->follow = 0;
		logs_set_top(v, 0, 0);
		break;
	case 'G':
	case KEYC_END:
		v->follow = 1;
		break;
	case 'f':
		v->follow = !v->follow;
		break;
	case KEYC_LEFT:
		if (!v->wrap)
			v->hscroll = v->hscroll > half ? v->hscroll - half : 0;
		break;
	case KEYC_RIGHT:
		if (!v->wrap && v->hscroll < LOGBUF_LINE_MAX * 2)
			v->hscroll += half;
		break;
	case '/':
		prompt_open(app, "/", "", logs_search_fwd_done);
		return;
	case '?':
		prompt_open(app, "?", "", logs_search_back_done);
		return;
	case 'n':
		logs_search(v, v->backward);
		break;
	case 'N':
		logs_search(v, !v->backward);
		break;
	case 't':
		logs_toggle_timestamps(v);
		break;
	case 'w':
		v->wrap = !v->wrap;
		v->top_row = 0;
		v->hscroll = 0;
		break;
	case 's':
		path = xasprintf("%s.log", v->name);
		prompt_open(app, "save to: ", path, logs_save_done);
		free(path);
		return;
	default:
		return;
	}
	draw_request(app);
}

/* ---- drawing ---- */
