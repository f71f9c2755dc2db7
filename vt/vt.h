/*
 * One pane's terminal: a libvterm instance plus a scrollback ring, damage
 * tracking, title and bell.  Opaque: nothing outside vt/ sees libvterm.
 * Bytes from the agent go in with vt_feed(); keys from the user go in with
 * vt_key() and come back out, encoded for the pane's current modes, through
 * the output callback (to be written to the agent's channel).
 */
#ifndef SANDBOX_TUI_VT_H
#define SANDBOX_TUI_VT_H

#include <stddef.h>
#include <stdint.h>

#include "config/keys.h"

struct vt;

enum vt_color_type { VT_COLOR_DEFAULT, VT_COLOR_INDEXED, VT_COLOR_RGB };
struct vt_color {
	uint8_t	type;		/* enum vt_color_type */
	uint8_t	idx;		/* palette index 0-255 when INDEXED */
	uint8_t	r, g, b;	/* when RGB */
};

#define VT_ATTR_BOLD		0x01
#define VT_ATTR_ITALIC		0x02
#define VT_ATTR_UNDERLINE	0x04
#define VT_ATTR_REVERSE		0x08
#define VT_ATTR_BLINK		0x10
#define VT_ATTR_STRIKE		0x20
#define VT_ATTR_DIM		0x40

#define VT_CELL_MAX_CHARS 6
struct vt_cell {
	uint32_t	chars[VT_CELL_MAX_CHARS];	/* 0-terminated; empty = blank */
	int		width;		/* 1, 2 (wide), or 0 for the right half of a wide char */
	struct vt_color	fg, bg;
	unsigned	attrs;		/* VT_ATTR_* */
};

struct vt_callbacks {
	/* Bytes the terminal answers with (keys, paste, query replies). */
	void	(*output)(const char *buf, size_t len, void *arg);
};

struct vt *vt_new(int rows, int cols, int scrollback_lines,
	    const struct vt_callbacks *, void *arg);
void vt_free(struct vt *);

void vt_feed(struct vt *, const char *buf, size_t len);
void vt_resize(struct vt *, int rows, int cols);
int vt_rows(struct vt *);
int vt_cols(struct vt *);

void vt_key(struct vt *, key_code);
/* Wrapped in bracketed-paste markers when the program asked for them. */
void vt_paste(struct vt *, const char *buf, size_t len);
/* Whether the program inside enabled mouse reporting. */
int vt_mouse_wanted(struct vt *);
/* button 1-3, 4/5 wheel up/down; row/col relative to the pane. */
void vt_mouse(struct vt *, int row, int col, int button, int pressed,
	    unsigned mods);

/* A cell of what is visible now (accounts for scrollback offset). */
void vt_cell(struct vt *, int row, int col, struct vt_cell *);
/*
 * The text of a row of the live screen (whatever the scrollback view), in
 * UTF-8 without trailing blanks, NUL-terminated and cut to fit size (at a
 * character boundary).  Returns its length.
 */
size_t vt_row_text(struct vt *, int row, char *buf, size_t size);
/* visible is 0 when hidden by the program or when scrolled back. */
void vt_cursor(struct vt *, int *row, int *col, int *visible);
const char *vt_title(struct vt *);

/* Damage since the last vt_clear_damage(): whole-pane flag, then per row. */
int vt_damaged(struct vt *);
int vt_row_damaged(struct vt *, int row);
void vt_clear_damage(struct vt *);
/* The body of the last OSC 777 notification since the last call (caller
 * frees), or NULL. */
char *vt_take_notify(struct vt *);
/* Returns and clears the bell flag. */
int vt_take_bell(struct vt *);
/* Nonzero when the title changed since the last call. */
int vt_take_title_changed(struct vt *);

/* Scrollback view: offset 0 is live; positive is lines back. */
void vt_scroll(struct vt *, int delta);
void vt_scroll_reset(struct vt *);
int vt_scroll_offset(struct vt *);
int vt_scrollback_count(struct vt *);

#endif
