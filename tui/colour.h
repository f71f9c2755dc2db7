/*
 * Colour pairs for ncurses, and libvterm's colours mapped onto the
 * terminal's palette.  See colour.c.
 */
#ifndef SANDBOX_TUI_COLOUR_H
#define SANDBOX_TUI_COLOUR_H

struct vt_color;

void colour_init(void);
int colour_pair(int fg, int bg);
int colour_from_vt(const void *vt_color, int is_fg);
int colour_map(const struct vt_color *, int ncolours);

#endif
