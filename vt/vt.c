/*
 * One pane's terminal: a libvterm VTerm with its VTermScreen, whose
 * callbacks record damage per row, the title, the bell, the cursor's
 * visibility, the alternate screen and the mouse mode, and move lines into
 * and out of the scrollback ring.  Cells are read back through vt_cell()
 * in the coordinates of what is visible: when the view is scrolled back by
 * k lines, the top k rows come from the ring and the screen is shifted
 * down.  New output while scrolled back keeps the view on the same lines
 * (the offset grows with every line pushed) until it reaches the oldest
 * kept line, where it stays.  Bytes come in through vt_feed.c, keys go out
 * through vt_input.c.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/echo.h"
#include "config/utf8.h"
#include "config/xmalloc.h"
#include "vt/vt_private.h"

#define VT_TITLE_MAX	1024	/* bytes of a title kept (echo_text) */

static void *
vt_alloc(size_t size, void *arg)
{
	(void)arg;
	return xcalloc(1, size);
}

static void
vt_dealloc(void *p, void *arg)
{
	(void)arg;
	free(p);
}

static VTermAllocatorFunctions vt_allocator = { vt_alloc, vt_dealloc };

void
vt_damage_all(struct vt *vt)
{
	memset(vt->damage, 1, vt->rows);
	vt->damaged = 1;
}

/* Marks screen rows [start, end) damaged, in view coordinates. */
void
vt_damage_rows(struct vt *vt, int start, int end)
{
	if (vt->offset != 0) {
		vt_damage_all(vt);
		return;
	}
	if (start < 0)
		start = 0;
	if (end > vt->rows)
		end = vt->rows;
	if (start >= end)
		return;
	memset(vt->damage + start, 1, end - start);
	vt->damaged = 1;
}

/* Lines went into the ring: a scrolled-back view follows its content. */
void
vt_note_pushed(struct vt *vt, unsigned long n)
{
	if (vt->offset == 0 || n == 0)
		return;
	if (n > (unsigned long)vt->sb.count ||
	    (unsigned long)vt->offset + n > (unsigned long)vt->sb.count)
		vt->offset = vt->sb.count;
	else
		vt->offset += (int)n;
	vt_damage_all(vt);
}

void
vt_push_line(struct vt *vt, int cols, const VTermScreenCell *cells)
{
	vt->pushes++;
	if (vt->suppress_push)
		return;
	vt_sb_push(&vt->sb, cells, cols);
	vt_note_pushed(vt, 1);
}

void
vt_write(struct vt *vt, const char *buf, size_t len)
{
	if (len != 0)
		vterm_input_write(vt->vterm, buf, len);
}

/* libvterm's answers; keypad Enter in numeric mode is CR, as in xterm. */
static void
vt_output(const char *buf, size_t len, void *arg)
{
	struct vt	*vt = arg;

	if (vt->kp_enter && len == 1 && buf[0] == '\n')
		buf = "\r";
	if (vt->cb.output != NULL && len != 0)
		vt->cb.output(buf, len, vt->arg);
}

static int
vt_cb_damage(VTermRect r, void *arg)
{
	vt_damage_rows(arg, r.start_row, r.end_row);
	return 1;
}

static int
vt_cb_moverect(VTermRect dst, VTermRect src, void *arg)
{
	vt_damage_rows(arg, dst.start_row, dst.end_row);
	vt_damage_rows(arg, src.start_row, src.end_row);
	return 1;
}

static int
vt_cb_movecursor(VTermPos pos, VTermPos old, int visible, void *arg)
{
	struct vt	*vt = arg;

	(void)pos;
	(void)old;
	vt->cursor_visible = visible;
	return 1;
}

/* Keeps the title as echo_text shows it: it is drawn in the pane's
 * border, on the user's terminal. */
static void
vt_set_title(struct vt *vt, const char *s)
{
	char	*out = echo_text(s, VT_TITLE_MAX);

	if (vt->title != NULL && strcmp(vt->title, out) == 0) {
		free(out);
		return;
	}
	free(vt->title);
	vt->title = out;
	vt->title_changed = 1;
}

static int
vt_cb_settermprop(VTermProp prop, VTermValue *val, void *arg)
{
	struct vt	*vt = arg;

	switch (prop) {
	case VTERM_PROP_TITLE:
		/* 0.1.4 hands over a NUL-terminated copy it frees after. */
		if (val->string != NULL)
			vt_set_title(vt, val->string);
		break;
	case VTERM_PROP_ALTSCREEN:
		vt->altscreen = val->boolean;
		vt_damage_all(vt);
		break;
	case VTERM_PROP_CURSORVISIBLE:
		vt->cursor_visible = val->boolean;
		break;
	case VTERM_PROP_MOUSE:
		vt->mouse = val->number;
		break;
	case VTERM_PROP_REVERSE:
		vt_damage_all(vt);
		break;
	default:
		break;
	}
	return 1;
}

static int
vt_cb_bell(void *arg)
{
	struct vt	*vt = arg;

	vt->bell = 1;
	return 1;
}

static int
vt_cb_sb_pushline(int cols, const VTermScreenCell *cells, void *arg)
{
	vt_push_line(arg, cols, cells);
	return 1;
}

static int
vt_cb_sb_popline(int cols, VTermScreenCell *cells, void *arg)
{
	struct vt	*vt = arg;

	if (!vt_sb_pop(&vt->sb, cells, cols))
		return 0;
	if (vt->offset > vt->sb.count)
		vt->offset = vt->sb.count;
	return 1;
}

/*
 * OSC 777 ; notify ; TITLE ; BODY: a desktop notification (rxvt's, also
 * ghostty's).  Claude Code's hooks send one when it waits for input or
 * is done (config/claude-settings.json); the pane shows it as state.
 */
#define VT_NOTIFY_MAX	256

static int
vt_cb_osc(const char *command, size_t len, void *arg)
{
	struct vt	*vt = arg;
	const char	*body;
	size_t		 n;

	if (len < 11 || memcmp(command, "777;notify;", 11) != 0)
		return 0;
	body = memchr(command + 11, ';', len - 11);
	body = body != NULL ? body + 1 : command + 11;
	n = len - (size_t)(body - command);
	if (n > VT_NOTIFY_MAX)
		n = VT_NOTIFY_MAX;
	free(vt->notify);
	vt->notify = xstrndup(body, n);
	return 1;
}

static const VTermParserCallbacks vt_fallbacks = {
	.osc = vt_cb_osc,
};

static const VTermScreenCallbacks vt_screen_callbacks = {
	.damage = vt_cb_damage,
	.moverect = vt_cb_moverect,
	.movecursor = vt_cb_movecursor,
	.settermprop = vt_cb_settermprop,
	.bell = vt_cb_bell,
	.sb_pushline = vt_cb_sb_pushline,
	.sb_popline = vt_cb_sb_popline,
};

struct vt *
vt_new(int rows, int cols, int scrollback_lines,
    const struct vt_callbacks *cb, void *arg)
{
	struct vt	*vt = xcalloc(1, sizeof *vt);

	if (rows < 1)
		rows = 1;
	if (cols < 1)
		cols = 1;
	vt->rows = rows;
	vt->ask_cols = cols;
	/* libvterm 0.1.4 crashes on a wide character in one column. */
	vt->cols = cols < 2 ? 2 : cols;
	if (cb != NULL)
		vt->cb = *cb;
	vt->arg = arg;
	vt->damage = xcalloc(rows, 1);
	vt->cursor_visible = 1;
	vt->title = xstrdup("");
	vt_sb_init(&vt->sb, scrollback_lines);
	vt->fast.enabled = 1;

	vt->vterm = vterm_new_with_allocator(rows, vt->cols, &vt_allocator,
	    NULL);
	vterm_set_utf8(vt->vterm, 1);
	vterm_output_set_callback(vt->vterm, vt_output, vt);
	vt->state = vterm_obtain_state(vt->vterm);
	vt->screen = vterm_obtain_screen(vt->vterm);
	vterm_screen_set_callbacks(vt->screen, &vt_screen_callbacks, vt);
	vterm_screen_set_unrecognised_fallbacks(vt->screen, &vt_fallbacks, vt);
	vterm_screen_set_damage_merge(vt->screen, VTERM_DAMAGE_SCROLL);
	vterm_screen_enable_altscreen(vt->screen, 1);
	vterm_screen_reset(vt->screen, 1);
	vt_damage_all(vt);
	return vt;
}

void
vt_free(struct vt *vt)
{
	if (vt == NULL)
		return;
	vterm_free(vt->vterm);
	vt_sb_free(&vt->sb);
	free(vt->notify);
	vt_fast_free(vt);
	free(vt->carry);
	free(vt->damage);
	free(vt->title);
	free(vt);
}

/*
 * After a resize, as xterm does, the scroll region is the whole screen
 * again, and the cursor is kept where it was.  0.1.4 needs both: it keeps
 * a scroll region below a shrunk screen and crashes on the next line
 * feed, and, shrinking a screen with text on its bottom rows, it pushes
 * rows off the top without keeping the cursor on the screen, where the
 * next character written crashes it.
 */
static void
vt_resize_fix(struct vt *vt)
{
	VTermPos	pos;
	char		buf[48];
	int		n;

	vterm_state_get_cursorpos(vt->state, &pos);
	if (pos.row < 0)
		pos.row = 0;
	if (pos.row >= vt->rows)
		pos.row = vt->rows - 1;
	if (pos.col < 0)
		pos.col = 0;
	if (pos.col >= vt->cols)
		pos.col = vt->cols - 1;
	n = snprintf(buf, sizeof buf, "\033[r\033[%d;%dH", pos.row + 1,
	    pos.col + 1);
	vt_write(vt, buf, n);
}

void
vt_resize(struct vt *vt, int rows, int cols)
{
	if (rows < 1)
		rows = 1;
	if (cols < 1)
		cols = 1;
	vt->ask_cols = cols;
	if (cols < 2)
		cols = 2;
	if (rows == vt->rows && cols == vt->cols)
		return;
	vt_fast_disarm(vt);
	free(vt->damage);
	vt->damage = xcalloc(rows, 1);
	vt->rows = rows;
	vt->cols = cols;
	vterm_set_size(vt->vterm, rows, cols);
	vt_resize_fix(vt);
	vterm_screen_flush_damage(vt->screen);
	if (vt->offset > vt->sb.count)
		vt->offset = vt->sb.count;
	vt_damage_all(vt);
}

int
vt_rows(struct vt *vt)
{
	return vt->rows;
}

int
vt_cols(struct vt *vt)
{
	return vt->ask_cols;
}

static void
vt_color(struct vt_color *out, const VTermColor *c, int is_fg)
{
	memset(out, 0, sizeof *out);
	if (is_fg ? VTERM_COLOR_IS_DEFAULT_FG(c) : VTERM_COLOR_IS_DEFAULT_BG(c))
		out->type = VT_COLOR_DEFAULT;
	else if (VTERM_COLOR_IS_INDEXED(c)) {
		out->type = VT_COLOR_INDEXED;
		out->idx = c->indexed.idx;
	} else {
		out->type = VT_COLOR_RGB;
		out->r = c->rgb.red;
		out->g = c->rgb.green;
		out->b = c->rgb.blue;
	}
}

static void
vt_cell_blank(struct vt_cell *out)
{
	memset(out, 0, sizeof *out);
	out->width = 1;
}

/* libvterm 0.1.4 has no dim (SGR 2), so VT_ATTR_DIM is never set. */
static void
vt_cell_convert(struct vt_cell *out, const VTermScreenCell *c)
{
	int	i;

	vt_cell_blank(out);
	if (c->chars[0] == (uint32_t)-1)
		out->width = 0;
	else {
		for (i = 0; i < VT_CELL_MAX_CHARS &&
		    i < VTERM_MAX_CHARS_PER_CELL && c->chars[i] != 0; i++)
			out->chars[i] = c->chars[i];
		out->width = c->width == 2 ? 2 : 1;
	}
	vt_color(&out->fg, &c->fg, 1);
	vt_color(&out->bg, &c->bg, 0);
	if (c->attrs.bold)
		out->attrs |= VT_ATTR_BOLD;
	if (c->attrs.italic)
		out->attrs |= VT_ATTR_ITALIC;
	if (c->attrs.underline)
		out->attrs |= VT_ATTR_UNDERLINE;
	if (c->attrs.reverse)
		out->attrs |= VT_ATTR_REVERSE;
	if (c->attrs.blink)
		out->attrs |= VT_ATTR_BLINK;
	if (c->attrs.strike)
		out->attrs |= VT_ATTR_STRIKE;
}

void
vt_cell(struct vt *vt, int row, int col, struct vt_cell *out)
{
	VTermScreenCell	c;
	VTermPos	pos;

	if (row < 0 || row >= vt->rows || col < 0 || col >= vt->cols) {
		vt_cell_blank(out);
		return;
	}
	if (row < vt->offset)
		vt_sb_get(&vt->sb, vt->sb.count - vt->offset + row, col, &c);
	else {
		pos.row = row - vt->offset;
		pos.col = col;
		if (!vterm_screen_get_cell(vt->screen, pos, &c)) {
			vt_cell_blank(out);
			return;
		}
	}
	vt_cell_convert(out, &c);
}

size_t
vt_row_text(struct vt *vt, int row, char *buf, size_t size)
{
	VTermRect	 rect = { row, row + 1, 0, vt->cols };
	size_t		 n;
	char		*all;

	if (size == 0)
		return 0;
	*buf = '\0';
	if (row < 0 || row >= vt->rows)
		return 0;
	/* libvterm stops writing at the first character that does not fit
	 * but goes on counting, so measure first. */
	n = vterm_screen_get_text(vt->screen, NULL, 0, rect);
	all = xmalloc(n + 1);
	n = vterm_screen_get_text(vt->screen, all, n, rect);
	/* Spaces written by the program are characters to libvterm. */
	while (n > 0 && all[n - 1] == ' ')
		n--;
	if (n > size - 1)
		n = utf8_cut(all, size - 1);
	memcpy(buf, all, n);
	buf[n] = '\0';
	free(all);
	return n;
}

char *
vt_take_notify(struct vt *vt)
{
	char	*s = vt->notify;

	vt->notify = NULL;
	return s;
}

void
vt_cursor(struct vt *vt, int *row, int *col, int *visible)
{
	VTermPos	pos;

	vterm_state_get_cursorpos(vt->state, &pos);
	*row = pos.row + vt->offset;
	*col = pos.col;
	*visible = vt->cursor_visible && vt->offset == 0;
}

const char *
vt_title(struct vt *vt)
{
	return vt->title;
}

int
vt_damaged(struct vt *vt)
{
	return vt->damaged;
}

int
vt_row_damaged(struct vt *vt, int row)
{
	if (row < 0 || row >= vt->rows)
		return 0;
	return vt->damage[row];
}

void
vt_clear_damage(struct vt *vt)
{
	memset(vt->damage, 0, vt->rows);
	vt->damaged = 0;
}

int
vt_take_bell(struct vt *vt)
{
	int	bell = vt->bell;

	vt->bell = 0;
	return bell;
}

int
vt_take_title_changed(struct vt *vt)
{
	int	changed = vt->title_changed;

	vt->title_changed = 0;
	return changed;
}

void
vt_scroll(struct vt *vt, int delta)
{
	long	offset = (long)vt->offset + delta;

	if (offset < 0)
		offset = 0;
	if (offset > vt->sb.count)
		offset = vt->sb.count;
	if (offset == vt->offset)
		return;
	vt->offset = (int)offset;
	vt_damage_all(vt);
}

void
vt_scroll_reset(struct vt *vt)
{
	vt_scroll(vt, -vt->offset);
}

int
vt_scroll_offset(struct vt *vt)
{
	return vt->offset;
}

int
vt_scrollback_count(struct vt *vt)
{
	return vt->sb.count;
}
