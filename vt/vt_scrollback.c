/*
 * The scrollback ring of one pane: lines libvterm scrolled off the top of
 * the primary screen (sb_pushline), handed back when the pane grows
 * (sb_popline), and read by the scrollback view.  At most `limit` lines are
 * kept; a full ring overwrites its oldest slot and reuses that slot's
 * buffer, so steady-state output allocates nothing.  Lines are stored
 * compactly: 16 bytes a cell, trailing blanks trimmed into one fill cell,
 * combining characters kept aside per line.
 */

#include <stdlib.h>
#include <string.h>

#include "config/xmalloc.h"
#include "vt/vt_private.h"

#define VT_SB_FIRST_SLOTS	64
#define VT_SB_ROUND		128

void
vt_sb_init(struct vt_sb *sb, int limit)
{
	memset(sb, 0, sizeof *sb);
	sb->limit = limit > 0 ? limit : 0;
}

void
vt_sb_free(struct vt_sb *sb)
{
	int	i;

	for (i = 0; i < sb->alloc; i++)
		free(sb->lines[i].buf);
	free(sb->lines);
	memset(sb, 0, sizeof *sb);
}

/* Zeroes the bytes an indexed colour leaves unused, so cells compare. */
static VTermColor
vt_sb_color(const VTermColor *c)
{
	VTermColor	out;

	memset(&out, 0, sizeof out);
	out.type = c->type;
	if (VTERM_COLOR_IS_INDEXED(c))
		out.indexed.idx = c->indexed.idx;
	else {
		out.rgb.red = c->rgb.red;
		out.rgb.green = c->rgb.green;
		out.rgb.blue = c->rgb.blue;
	}
	return out;
}

void
vt_sb_cell_from(struct vt_sb_cell *out, const VTermScreenCell *c)
{
	uint8_t	a = 0;

	if (c->attrs.bold)
		a |= VT_SB_BOLD;
	if (c->attrs.italic)
		a |= VT_SB_ITALIC;
	if (c->attrs.blink)
		a |= VT_SB_BLINK;
	if (c->attrs.reverse)
		a |= VT_SB_REVERSE;
	if (c->attrs.strike)
		a |= VT_SB_STRIKE;
	a |= (uint8_t)(c->attrs.underline << VT_SB_ULSHIFT);
	out->ch = c->chars[0];
	out->fg = vt_sb_color(&c->fg);
	out->bg = vt_sb_color(&c->bg);
	out->attrs = a;
	out->width = (int8_t)c->width;
}

static int
vt_sb_color_same(const VTermColor *a, const VTermColor *b)
{
	if (a->type != b->type)
		return 0;
	if (VTERM_COLOR_IS_INDEXED(a))
		return a->indexed.idx == b->indexed.idx;
	return a->rgb.red == b->rgb.red && a->rgb.green == b->rgb.green &&
	    a->rgb.blue == b->rgb.blue;
}

/* Whether two libvterm cells would be stored the same (no combining). */
static int
vt_sb_raw_same(const VTermScreenCell *a, const VTermScreenCell *b)
{
	return a->chars[0] == b->chars[0] && a->chars[1] == 0 &&
	    a->width == b->width && a->attrs.bold == b->attrs.bold &&
	    a->attrs.underline == b->attrs.underline &&
	    a->attrs.italic == b->attrs.italic &&
	    a->attrs.blink == b->attrs.blink &&
	    a->attrs.reverse == b->attrs.reverse &&
	    a->attrs.strike == b->attrs.strike &&
	    vt_sb_color_same(&a->fg, &b->fg) &&
	    vt_sb_color_same(&a->bg, &b->bg);
}

/* The cell shown past the end of a line that was pushed narrower. */
static void
vt_sb_default(struct vt_sb_cell *c)
{
	memset(c, 0, sizeof *c);
	c->fg.type = VTERM_COLOR_DEFAULT_FG;
	c->bg.type = VTERM_COLOR_DEFAULT_BG;
	c->width = 1;
}

static int
vt_sb_has_comb(const VTermScreenCell *c)
{
	return c->chars[0] != 0 && c->chars[0] != (uint32_t)-1 &&
	    c->chars[1] != 0;
}

/* Takes the slot the next line goes in: a new one or the oldest. */
static struct vt_sb_line *
vt_sb_slot(struct vt_sb *sb)
{
	int	idx, n;

	if (sb->count < sb->limit) {
		if (sb->count == sb->alloc) {
			/* Never wrapped yet: head is 0, growing is safe. */
			n = sb->alloc == 0 ? VT_SB_FIRST_SLOTS : sb->alloc * 2;
			if (n > sb->limit)
				n = sb->limit;
			sb->lines = xreallocarray(sb->lines, n,
			    sizeof *sb->lines);
			memset(sb->lines + sb->alloc, 0,
			    (n - sb->alloc) * sizeof *sb->lines);
			sb->alloc = n;
		}
		idx = (sb->head + sb->count) % sb->alloc;
		sb->count++;
	} else {
		idx = sb->head;
		sb->head = (sb->head + 1) % sb->alloc;
	}
	return &sb->lines[idx];
}

static void
vt_sb_reserve(struct vt_sb_line *l, size_t need)
{
	/* Never NULL, even for a line of no cells: the cells and combining
	 * parts are found by pointer arithmetic on it. */
	if (l->buf != NULL && l->cap >= need)
		return;
	need = (need + VT_SB_ROUND) / VT_SB_ROUND * VT_SB_ROUND;
	l->buf = xrealloc(l->buf, need);
	l->cap = need;
}

static struct vt_sb_cell *
vt_sb_cells(const struct vt_sb_line *l)
{
	return l->buf;
}

static struct vt_sb_comb *
vt_sb_combs(const struct vt_sb_line *l)
{
	return (struct vt_sb_comb *)((char *)l->buf +
	    l->ncells * sizeof (struct vt_sb_cell));
}

void
vt_sb_push(struct vt_sb *sb, const VTermScreenCell *cells, int cols)
{
	struct vt_sb_line	*l;
	struct vt_sb_cell	 fill, *out;
	struct vt_sb_comb	*comb;
	int			 n, i, j, ncomb = 0;

	if (sb->limit == 0 || cols <= 0)
		return;
	if (cols > UINT16_MAX)
		cols = UINT16_MAX;
	vt_sb_default(&fill);
	n = cols;
	if (cells[cols - 1].chars[0] == 0) {
		vt_sb_cell_from(&fill, &cells[cols - 1]);
		while (n > 0 && vt_sb_raw_same(&cells[n - 1], &cells[cols - 1]))
			n--;
	}
	for (i = 0; i < n; i++) {
		if (vt_sb_has_comb(&cells[i]))
			ncomb++;
	}

	l = vt_sb_slot(sb);
	vt_sb_reserve(l, n * sizeof *out + ncomb * sizeof *comb);
	l->ncells = n;
	l->ncomb = ncomb;
	l->cols = cols;
	l->fill = fill;
	out = vt_sb_cells(l);
	comb = vt_sb_combs(l);
	for (i = 0; i < n; i++) {
		vt_sb_cell_from(&out[i], &cells[i]);
		if (!vt_sb_has_comb(&cells[i]))
			continue;
		memset(comb, 0, sizeof *comb);
		comb->col = i;
		for (j = 1; j < VTERM_MAX_CHARS_PER_CELL; j++) {
			if (cells[i].chars[j] == 0)
				break;
			comb->more[j - 1] = cells[i].chars[j];
		}
		comb++;
	}
}

/*
 * Pushes a line of n printable ASCII bytes written at column 0 of a freshly
 * erased row: what vt_sb_push() would store for the cells libvterm makes
 * of it, given one printed cell (text) and one erased cell (blank).
 */
void
vt_sb_push_text(struct vt_sb *sb, const char *text, size_t n,
    const struct vt_sb_cell *text_cell, const struct vt_sb_cell *blank,
    int cols)
{
	struct vt_sb_line	*l;
	struct vt_sb_cell	*out;
	size_t			 i;

	if (sb->limit == 0 || cols <= 0)
		return;
	if (cols > UINT16_MAX)
		cols = UINT16_MAX;
	if (n > (size_t)cols)
		n = cols;
	l = vt_sb_slot(sb);
	vt_sb_reserve(l, n * sizeof *out);
	l->ncells = n;
	l->ncomb = 0;
	l->cols = cols;
	if (n == (size_t)cols)
		vt_sb_default(&l->fill);
	else
		l->fill = *blank;
	out = vt_sb_cells(l);
	for (i = 0; i < n; i++) {
		out[i] = *text_cell;
		out[i].ch = (unsigned char)text[i];
	}
}

static void
vt_sb_unpack(const struct vt_sb_line *l, int col, VTermScreenCell *out)
{
	const struct vt_sb_cell	*c;
	const struct vt_sb_comb	*comb;
	struct vt_sb_cell	 dflt;
	int			 i, j;

	memset(out, 0, sizeof *out);
	if (col < l->ncells)
		c = &vt_sb_cells(l)[col];
	else if (col < l->cols)
		c = &l->fill;
	else {
		vt_sb_default(&dflt);
		c = &dflt;
	}
	out->chars[0] = c->ch;
	out->width = c->width;
	out->fg = c->fg;
	out->bg = c->bg;
	out->attrs.bold = (c->attrs & VT_SB_BOLD) != 0;
	out->attrs.italic = (c->attrs & VT_SB_ITALIC) != 0;
	out->attrs.blink = (c->attrs & VT_SB_BLINK) != 0;
	out->attrs.reverse = (c->attrs & VT_SB_REVERSE) != 0;
	out->attrs.strike = (c->attrs & VT_SB_STRIKE) != 0;
	out->attrs.underline = (c->attrs >> VT_SB_ULSHIFT) & 3;
	if (col >= l->ncells)
		return;
	comb = vt_sb_combs(l);
	for (i = 0; i < l->ncomb; i++) {
		if (comb[i].col != col)
			continue;
		for (j = 1; j < VTERM_MAX_CHARS_PER_CELL; j++)
			out->chars[j] = comb[i].more[j - 1];
		break;
	}
}

/* Takes the newest line back (the screen grew); 0 when there is none. */
int
vt_sb_pop(struct vt_sb *sb, VTermScreenCell *cells, int cols)
{
	struct vt_sb_line	*l;
	int			 i;

	if (sb->count == 0)
		return 0;
	l = &sb->lines[(sb->head + sb->count - 1) % sb->alloc];
	for (i = 0; i < cols; i++)
		vt_sb_unpack(l, i, &cells[i]);
	/* A wide character cut by a narrower screen crashes libvterm. */
	if (cols > 0 && cells[cols - 1].width == 2) {
		memset(&cells[cols - 1], 0, sizeof cells[cols - 1]);
		cells[cols - 1].width = 1;
		cells[cols - 1].fg = l->fill.fg;
		cells[cols - 1].bg = l->fill.bg;
	}
	sb->count--;
	return 1;
}

/* Reads one cell of line index (0 is the oldest kept). */
void
vt_sb_get(struct vt_sb *sb, int index, int col, VTermScreenCell *out)
{
	struct vt_sb_line	empty;

	if (index < 0 || index >= sb->count || col < 0) {
		memset(&empty, 0, sizeof empty);
		vt_sb_unpack(&empty, col < 0 ? 0 : col, out);
		return;
	}
	vt_sb_unpack(&sb->lines[(sb->head + index) % sb->alloc], col, out);
}
