/*
 * Private to vt/: the pane terminal's state shared by vt.c (instance,
 * libvterm screen callbacks, cells, damage, view), vt_seq.c (escape
 * sequences and UTF-8 ahead of libvterm), vt_feed.c (the flood fast path),
 * vt_scrollback.c (the ring) and vt_input.c (keys, paste, mouse out).
 * Nothing outside vt/ includes it, except the vt unit test, which uses
 * vt_set_fast() to compare the fast path against plain libvterm.
 */
#ifndef SANDBOX_TUI_VT_PRIVATE_H
#define SANDBOX_TUI_VT_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include <vterm.h>

#include "config/utf8.h"
#include "vt/vt.h"

/*
 * A scrollback cell: the first character (0 blank, (uint32_t)-1 the right
 * half of a wide one) and the pen, 16 bytes.
 */
struct vt_sb_cell {
	uint32_t	ch;
	VTermColor	fg, bg;
	uint8_t		attrs;		/* VT_SB_* */
	int8_t		width;
};

#define VT_SB_BOLD	0x01
#define VT_SB_ITALIC	0x02
#define VT_SB_BLINK	0x04
#define VT_SB_REVERSE	0x08
#define VT_SB_STRIKE	0x10
#define VT_SB_ULSHIFT	5		/* 2-bit underline style above */

/* Characters after the first of a cell with combining marks. */
struct vt_sb_comb {
	uint16_t	col;
	uint32_t	more[VTERM_MAX_CHARS_PER_CELL - 1];
};

/*
 * One line of scrollback: ncells cells, then ncomb combining entries, in
 * one buffer that is reused when the slot is overwritten.  Columns from
 * ncells to cols are copies of fill (the trimmed trailing blanks).
 */
struct vt_sb_line {
	void			*buf;
	size_t			 cap;
	uint16_t		 ncells;
	uint16_t		 ncomb;
	uint16_t		 cols;
	struct vt_sb_cell	 fill;
};

/* The scrollback ring: at most limit lines, oldest at head. */
struct vt_sb {
	struct vt_sb_line	*lines;
	int			 limit;
	int			 alloc;
	int			 count;
	int			 head;
};

/* A plain line of the chunk being fed: its offset and text length. */
struct vt_fast_span {
	size_t			 off;
	size_t			 tlen;
};

/*
 * What the flood fast path knows; see vt_feed.c.  dirty: the bottom row
 * was written since the last LF.  text and blank: a printed and an erased
 * cell read back from libvterm (chars aside).  ok: bytes seen to print as
 * themselves.  The buffers are sized for rows x cols: spans is a ring of
 * the last lines measured, row one screen row being pushed, shadow the
 * text of the screen rows known to hold only text (ring from shadow_top),
 * redraw the escapes that redraw the screen.
 */
struct vt_fast {
	int			 enabled;
	int			 armed;
	int			 dirty;
	int			 have_pens;
	VTermScreenCell		 text;
	VTermScreenCell		 blank;
	struct vt_sb_cell	 sb_text, sb_blank;
	uint8_t			 ok[256];

	int			 rows, cols;
	struct vt_fast_span	*spans;
	VTermScreenCell		*row;
	char			*shadow;
	uint16_t		*shadow_len;
	uint8_t			*shadow_known;
	int			 shadow_top;
	char			*redraw;
	size_t			 redrawcap;
};

/* The longest open sequence held back for the next feed. */
#define VT_CARRY_MAX	4096

/*
 * Where the byte stream is in escape sequences and UTF-8; see vt_seq.c.
 * The open sequence began in this feed at start when here; nohold: it is
 * a string too long to hold, gone to libvterm; dcs: it is a DCS; drop: it
 * is being dropped.  utf8 and lead: the UTF-8 character being decoded
 * (utf8.need != 0) and where in this feed it started.  last: the last
 * character printed (0 when REP must not repeat it).  rep, first and arg:
 * a CSI that can still be REP and its count.
 */
struct vt_seq {
	int			 state;
	int			 here;
	size_t			 start;
	int			 nohold;
	int			 dcs;
	int			 drop;
	struct utf8_stream	 utf8;
	size_t			 lead;
	uint32_t		 last;
	int			 rep;
	int			 first;
	unsigned long		 arg;
	int			 nsep;	/* ';' and ':' in the open CSI */
	int			 body;	/* past its private markers */
};

struct vt {
	VTerm			*vterm;
	VTermScreen		*screen;
	VTermState		*state;
	int			 rows, cols;	/* libvterm's size */
	int			 ask_cols;	/* what vt_cols() says */

	struct vt_callbacks	 cb;
	void			*arg;

	struct vt_sb		 sb;
	int			 offset;	/* view, lines back */
	unsigned long		 pushes;	/* lines pushed, ever */
	int			 suppress_push;

	uint8_t			*damage;	/* one flag per row */
	int			 damaged;

	char			*title;
	int			 title_changed;
	char			*notify;	/* last OSC 777 notify body */
	int			 bell;
	int			 cursor_visible;
	int			 altscreen;
	int			 mouse;		/* VTERM_PROP_MOUSE_* */
	unsigned		 buttons;	/* mouse buttons held */
	int			 kp_enter;	/* sending keypad Enter */

	struct vt_seq		 seq;
	char			*carry;		/* open sequence held */
	size_t			 carry_len;

	struct vt_fast		 fast;
};

/* vt.c */
void	vt_damage_rows(struct vt *, int, int);
void	vt_damage_all(struct vt *);
void	vt_note_pushed(struct vt *, unsigned long);
void	vt_write(struct vt *, const char *, size_t);
void	vt_push_line(struct vt *, int, const VTermScreenCell *);

/* vt_seq.c */
void	vt_seq_feed(struct vt *, const char *, size_t);

/* vt_feed.c */
void	vt_pass(struct vt *, const char *, size_t);
/* A whole sequence, in one write to libvterm (never split at a LF). */
void	vt_pass_whole(struct vt *, const char *, size_t);
void	vt_fast_disarm(struct vt *);
void	vt_fast_free(struct vt *);
/* Turns the flood fast path on or off (tests compare both). */
void	vt_set_fast(struct vt *, int);

/* vt_scrollback.c */
void	vt_sb_init(struct vt_sb *, int);
void	vt_sb_free(struct vt_sb *);
void	vt_sb_cell_from(struct vt_sb_cell *, const VTermScreenCell *);
void	vt_sb_push(struct vt_sb *, const VTermScreenCell *, int);
void	vt_sb_push_text(struct vt_sb *, const char *, size_t,
	    const struct vt_sb_cell *, const struct vt_sb_cell *, int);
int	vt_sb_pop(struct vt_sb *, VTermScreenCell *, int);
void	vt_sb_get(struct vt_sb *, int, int, VTermScreenCell *);

#endif
