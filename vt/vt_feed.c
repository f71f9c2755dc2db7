/*
 * Bytes from the agent into a pane's terminal.  vt_feed() hands them to
 * the sequence tracker (vt_seq.c, which keeps from libvterm 0.1.4 the
 * input it mishandles), which passes them on to vt_pass() here.
 *
 * The flood fast path.  libvterm's screen moves every cell of the screen on
 * each scrolled line, about 2.5us a line for 24x80: `yes` would run at
 * 1 MB/s.  When a flood is plain lines (printable ASCII of at most a row,
 * then CR LF) scrolling a full-screen region of the primary screen, the
 * lines that only pass through are put straight into the scrollback ring
 * and the screen is redrawn once with its final lines.  The path arms only
 * after libvterm itself showed the preconditions: an LF pushed exactly one
 * line and left the cursor at the bottom-left, a plain line came out on
 * the screen as the same characters with the current pen (so the parser is
 * in its ground state and the charset maps those bytes to themselves), and
 * the erased cells look the same.  Any other byte disarms it, and every
 * byte that is not part of plain lines goes to libvterm unchanged.  The
 * result is the same cells, scrollback and cursor as feeding libvterm
 * directly; test_vt_fast.c checks this against vt_set_fast(vt, 0).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/xmalloc.h"
#include "vt/vt_private.h"

#define VT_FAST_MIN_ROWS	3

enum vt_line_kind { VT_LINE_NO, VT_LINE_OK, VT_LINE_NEW };

void
vt_fast_disarm(struct vt *vt)
{
	vt->fast.armed = 0;
	vt->fast.dirty = 0;
	vt->fast.have_pens = 0;
}

void
vt_fast_free(struct vt *vt)
{
	struct vt_fast	*f = &vt->fast;

	free(f->spans);
	free(f->row);
	free(f->shadow);
	free(f->shadow_len);
	free(f->shadow_known);
	free(f->redraw);
}

void
vt_set_fast(struct vt *vt, int on)
{
	vt_fast_disarm(vt);
	vt->fast.enabled = on;
}

/* Writes bytes that are not known plain lines: the fast path is off. */
static void
vt_raw(struct vt *vt, const char *buf, size_t len)
{
	vt_fast_disarm(vt);
	vt_write(vt, buf, len);
}

static void
vt_screen_cell(struct vt *vt, int row, int col, VTermScreenCell *c)
{
	VTermPos	pos = { row, col };

	if (!vterm_screen_get_cell(vt->screen, pos, c))
		memset(c, 0, sizeof *c);
}

static int
vt_at_bottom_left(struct vt *vt)
{
	VTermPos	pos;

	vterm_state_get_cursorpos(vt->state, &pos);
	return pos.row == vt->rows - 1 && pos.col == 0;
}

/* Sizes the fast path's buffers for the screen; forgets known rows. */
static void
vt_fast_size(struct vt *vt)
{
	struct vt_fast	*f = &vt->fast;

	if (f->rows != vt->rows || f->cols != vt->cols) {
		vt_fast_free(vt);
		f->rows = vt->rows;
		f->cols = vt->cols;
		f->spans = xcalloc(f->rows, sizeof *f->spans);
		f->row = xcalloc(f->cols, sizeof *f->row);
		f->shadow = xcalloc(f->rows, f->cols);
		f->shadow_len = xcalloc(f->rows, sizeof *f->shadow_len);
		f->shadow_known = xcalloc(f->rows, 1);
		f->redraw = NULL;
		f->redrawcap = 0;
	}
	memset(f->shadow_known, 0, f->rows);
	f->shadow_top = 0;
}

static int
vt_fast_slot(struct vt_fast *f, int row)
{
	int	slot = f->shadow_top + row;

	return slot >= f->rows ? slot - f->rows : slot;
}

/*
 * The screen scrolled by one line and the row above the bottom one now
 * holds text in the text pen on erased cells, or something else (NULL).
 */
static void
vt_fast_shadow_push(struct vt_fast *f, const char *text, size_t tlen)
{
	int	slot;

	f->shadow_top = vt_fast_slot(f, 1);
	slot = vt_fast_slot(f, f->rows - 2);
	f->shadow_known[slot] = text != NULL;
	if (text == NULL)
		return;
	memcpy(f->shadow + (size_t)slot * f->cols, text, tlen);
	f->shadow_len[slot] = tlen;
}

/* Arms after an LF that pushed one line and left the cursor bottom-left. */
static void
vt_fast_try_arm(struct vt *vt, unsigned long before)
{
	struct vt_fast	*f = &vt->fast;

	if (vt->pushes != before + 1 || vt->altscreen || !vt_at_bottom_left(vt))
		return;
	vt_fast_size(vt);
	f->armed = 1;
	f->dirty = 0;
	f->have_pens = 0;
	memset(f->ok, 0, sizeof f->ok);
	vt_screen_cell(vt, vt->rows - 1, 0, &f->blank);
	vt_sb_cell_from(&f->sb_blank, &f->blank);
}

/*
 * Measures one line at p: printable ASCII of at most cols bytes, CRs (at
 * least one after text), then LF.  VT_LINE_NEW when a byte has not yet
 * been seen to print as itself.
 */
static enum vt_line_kind
vt_fast_line(struct vt *vt, const char *p, size_t len, size_t *tlen,
    size_t *llen)
{
	const uint8_t	*ok = vt->fast.ok;
	size_t		 i = 0, max = (size_t)vt->cols + 1;
	int		 fresh = 0;

	if (max > len)
		max = len;
	while (i < max && ok[(unsigned char)p[i]])
		i++;
	while (i < max && p[i] >= 0x20 && p[i] < 0x7f) {
		fresh |= !ok[(unsigned char)p[i]];
		i++;
	}
	if (i > (size_t)vt->cols)
		return VT_LINE_NO;
	*tlen = i;
	if (i != 0 && (i >= len || p[i] != '\r'))
		return VT_LINE_NO;
	while (i < len && p[i] == '\r')
		i++;
	if (i >= len || p[i] != '\n')
		return VT_LINE_NO;
	*llen = i + 1;
	return fresh ? VT_LINE_NEW : VT_LINE_OK;
}

/* Line i of the k just measured; only the last rows are kept. */
static const struct vt_fast_span *
vt_fast_span(struct vt_fast *f, int i)
{
	return &f->spans[i % f->rows];
}

static int
vt_fast_cell_is(VTermScreenCell *c, const struct vt_sb_cell *want,
    uint32_t ch)
{
	struct vt_sb_cell	got;

	if (c->chars[0] != 0 && c->chars[1] != 0)
		return 0;
	vt_sb_cell_from(&got, c);
	return memcmp(&got.fg, &want->fg, sizeof got.fg) == 0 &&
	    memcmp(&got.bg, &want->bg, sizeof got.bg) == 0 &&
	    got.ch == ch && got.attrs == want->attrs && got.width == 1;
}

/*
 * Checks that screen row holds text in the text pen then erased cells;
 * takes the text pen from it when there is none yet.
 */
static int
vt_fast_check_row(struct vt *vt, int row, const char *text, size_t tlen)
{
	struct vt_fast		*f = &vt->fast;
	VTermScreenCell		 c;
	int			 col;

	if (tlen != 0 && !f->have_pens) {
		vt_screen_cell(vt, row, 0, &f->text);
		vt_sb_cell_from(&f->sb_text, &f->text);
		f->have_pens = 1;
	}
	for (col = 0; col < vt->cols; col++) {
		vt_screen_cell(vt, row, col, &c);
		if ((size_t)col < tlen) {
			if (!vt_fast_cell_is(&c, &f->sb_text,
			    (unsigned char)text[col]))
				return 0;
		} else if (!vt_fast_cell_is(&c, &f->sb_blank, 0))
			return 0;
	}
	return 1;
}

/*
 * After libvterm took k plain lines at p: each pushed one line and the
 * cursor is back at the bottom-left.  With full, the lines still on the
 * screen are compared cell by cell, and their bytes are then known to
 * print as themselves.
 */
static int
vt_fast_check(struct vt *vt, const char *p, int k, unsigned long before,
    int full)
{
	struct vt_fast			*f = &vt->fast;
	const struct vt_fast_span	*s;
	int				 m, i;
	size_t				 j;

	if (vt->pushes - before != (unsigned long)k || !vt_at_bottom_left(vt))
		return 0;
	m = k < vt->rows - 1 ? k : vt->rows - 1;
	if (full) {
		for (i = 0; i < m; i++) {
			s = vt_fast_span(f, k - m + i);
			if (!vt_fast_check_row(vt, vt->rows - 1 - m + i,
			    p + s->off, s->tlen))
				return 0;
		}
		for (i = 0; i < m; i++) {
			s = vt_fast_span(f, k - m + i);
			for (j = 0; j < s->tlen; j++)
				f->ok[(unsigned char)p[s->off + j]] = 1;
		}
	}
	for (i = 0; i < m; i++) {
		s = vt_fast_span(f, k - m + i);
		vt_fast_shadow_push(f, p + s->off, s->tlen);
	}
	return 1;
}

/*
 * Pushes screen rows [first, rows - 1) to the ring as scrolling them off
 * would: rows whose text is known are built from it, others read back.
 */
static void
vt_fast_push_rows(struct vt *vt, int first)
{
	struct vt_fast	*f = &vt->fast;
	int		 r, c, slot;

	for (r = first; r < vt->rows - 1; r++) {
		slot = vt_fast_slot(f, r);
		if (f->shadow_known[slot]) {
			vt_sb_push_text(&vt->sb, f->shadow + (size_t)slot *
			    f->cols, f->shadow_len[slot], &f->sb_text,
			    &f->sb_blank, vt->cols);
			continue;
		}
		for (c = 0; c < vt->cols; c++)
			vt_screen_cell(vt, r, c, &f->row[c]);
		vt_sb_push(&vt->sb, f->row, vt->cols);
	}
}

static void
vt_fast_redraw_add(struct vt_fast *f, size_t *len, const char *s, size_t n)
{
	if (*len + n > f->redrawcap) {
		f->redrawcap = (*len + n) * 2;
		f->redraw = xrealloc(f->redraw, f->redrawcap);
	}
	memcpy(f->redraw + *len, s, n);
	*len += n;
}

/*
 * k plain lines in end bytes at p (all bytes known), k >= 2 * rows: the
 * screen's rows above the cursor and the first k - rows + 1 lines go to
 * the ring (only those the ring keeps are built), and the screen is
 * redrawn once with the last rows - 1 lines, as libvterm would have left
 * it after scrolling k times.
 */
static int
vt_fast_flood(struct vt *vt, const char *p, size_t end, int k)
{
	struct vt_fast			*f = &vt->fast;
	const struct vt_fast_span	*s;
	int				 rows = vt->rows, i, n;
	int				 nsb = k - (rows - 1);
	unsigned long			 total, skip = 0;
	size_t				 off = 0, tlen, llen, len = 0;
	char				 cup[32];

	total = (unsigned long)(rows - 1) + nsb;
	if (total > (unsigned long)vt->sb.limit)
		skip = total - vt->sb.limit;
	if (skip < (unsigned long)rows - 1)
		vt_fast_push_rows(vt, (int)skip);
	for (i = 0; i < nsb; i++) {
		if ((unsigned long)(rows - 1 + i) < skip) {
			off = (const char *)memchr(p + off, '\n', end - off) -
			    p + 1;
			continue;
		}
		vt_fast_line(vt, p + off, SIZE_MAX, &tlen, &llen);
		vt_sb_push_text(&vt->sb, p + off, tlen, &f->sb_text,
		    &f->sb_blank, vt->cols);
		off += llen;
	}
	vt->pushes += total;
	vt_note_pushed(vt, total);

	vt_fast_redraw_add(f, &len, "\033[2J", 4);
	f->shadow_top = 0;
	for (i = 0; i < rows - 1; i++) {
		s = vt_fast_span(f, k - (rows - 1) + i);
		n = snprintf(cup, sizeof cup, "\033[%d;1H", i + 1);
		vt_fast_redraw_add(f, &len, cup, n);
		vt_fast_redraw_add(f, &len, p + s->off, s->tlen);
		memcpy(f->shadow + (size_t)i * f->cols, p + s->off, s->tlen);
		f->shadow_len[i] = s->tlen;
		f->shadow_known[i] = 1;
	}
	n = snprintf(cup, sizeof cup, "\033[%d;1H", rows);
	vt_fast_redraw_add(f, &len, cup, n);
	vt->suppress_push = 1;
	vt_write(vt, f->redraw, len);
	vt->suppress_push = 0;
	return vt_at_bottom_left(vt);
}

/*
 * Bytes that keep everything the fast path relies on (cursor on the bottom
 * row, pen, parser in ground state, charset) but are not plain lines: text
 * (any printable or UTF-8 byte), CR and TAB up to an LF or the end of p.
 * libvterm takes them; returns the bytes used, 0 (and disarms) when the
 * next byte is anything else.
 */
static size_t
vt_fast_text(struct vt *vt, const char *p, size_t len)
{
	struct vt_fast	*f = &vt->fast;
	unsigned long	 before = vt->pushes, n;
	size_t		 i;
	unsigned char	 c;

	for (i = 0; i < len; i++) {
		c = p[i];
		if (c == '\n' || (c < 0x20 && c != '\r' && c != '\t') ||
		    c == 0x7f)
			break;
	}
	if (i < len && p[i] != '\n') {
		vt_fast_disarm(vt);
		return 0;
	}
	if (i == len) {
		vt_write(vt, p, len);
		f->dirty = 1;
		return len;
	}
	vt_write(vt, p, i + 1);
	/* From the bottom row, only a scroll puts the cursor back there. */
	if (vt->pushes == before || !vt_at_bottom_left(vt)) {
		vt_fast_disarm(vt);
		return i + 1;
	}
	n = vt->pushes - before;
	if (n > (unsigned long)vt->rows)
		n = vt->rows;
	while (n-- != 0)
		vt_fast_shadow_push(f, NULL, 0);
	f->dirty = 0;
	return i + 1;
}

/*
 * Takes as many plain lines at p as it can while armed; returns the bytes
 * used, 0 (and disarms) when the next bytes cannot be taken armed.
 */
static size_t
vt_fast_lines(struct vt *vt, const char *p, size_t len)
{
	struct vt_fast		*f = &vt->fast;
	enum vt_line_kind	 kind = VT_LINE_NO;
	size_t			 off = 0, tlen, llen = 0;
	unsigned long		 before;
	int			 k = 0, si = 0, ok, full = !f->have_pens;

	if (f->dirty)
		return vt_fast_text(vt, p, len);
	/* Bounded so a batch's counts stay small numbers. */
	while (k < (1 << 24)) {
		kind = vt_fast_line(vt, p + off, len - off, &tlen, &llen);
		if (kind != VT_LINE_OK)
			break;
		f->spans[si].off = off;
		f->spans[si].tlen = tlen;
		if (++si == vt->rows)
			si = 0;
		k++;
		off += llen;
	}
	if (k == 0 && kind == VT_LINE_NEW) {
		f->spans[0].off = 0;
		f->spans[0].tlen = tlen;
		k = 1;
		off = llen;
		full = 1;
	}
	if (k == 0)
		return vt_fast_text(vt, p, len);
	if (f->have_pens && k >= 2 * vt->rows)
		ok = vt_fast_flood(vt, p, off, k);
	else {
		before = vt->pushes;
		vt_write(vt, p, off);
		ok = vt_fast_check(vt, p, k, before, full);
	}
	if (!ok)
		vt_fast_disarm(vt);
	return off;
}

/* Bytes the sequence tracker lets through: to libvterm, fast if it can. */
void
vt_pass(struct vt *vt, const char *buf, size_t len)
{
	const char	*lf;
	size_t		 pos = 0, j;
	unsigned long	 before;

	if (len == 0)
		return;
	if (!vt->fast.enabled || vt->rows < VT_FAST_MIN_ROWS || vt->cols < 2) {
		vt_raw(vt, buf, len);
		return;
	}
	while (pos < len) {
		if (vt->fast.armed) {
			pos += vt_fast_lines(vt, buf + pos, len - pos);
			continue;
		}
		lf = memchr(buf + pos, '\n', len - pos);
		if (lf == NULL) {
			vt_raw(vt, buf + pos, len - pos);
			return;
		}
		j = lf - buf;
		vt_raw(vt, buf + pos, j - pos);
		before = vt->pushes;
		vt_write(vt, "\n", 1);
		pos = j + 1;
		vt_fast_try_arm(vt, before);
	}
}

/*
 * vt_pass() splits at line feeds to arm the fast path; a string split
 * that way reaches libvterm 0.1.4 in two writes, and it reads the part
 * after the line feed as the start of a string (ESC P i LF $ q BEL became
 * a DECRQSS it crashes on).
 */
void
vt_pass_whole(struct vt *vt, const char *buf, size_t len)
{
	if (len != 0)
		vt_raw(vt, buf, len);
}

void
vt_feed(struct vt *vt, const char *buf, size_t len)
{
	if (len != 0)
		vt_seq_feed(vt, buf, len);
	vterm_screen_flush_damage(vt->screen);
}
