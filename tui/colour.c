/*
 * Colours from a pane's terminal to the real terminal's palette.  Agents
 * may use 256 colours or truecolour; the outer terminal may have 8, 16,
 * 256 or direct colour.  Anything richer than the terminal is mapped to the
 * nearest colour it has.  Pairs come from ncurses' alloc_pair cache.
 */
#include <curses.h>
#include <limits.h>

#include "tui/app.h"
#include "tui/colour.h"
#include "vt/vt.h"

static const unsigned char colour_ansi16[16][3] = {
	{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 },
	{ 0, 0, 238 }, { 205, 0, 205 }, { 0, 205, 205 }, { 229, 229, 229 },
	{ 127, 127, 127 }, { 255, 0, 0 }, { 0, 255, 0 }, { 255, 255, 0 },
	{ 92, 92, 255 }, { 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 },
};

static const unsigned char colour_cube[6] = { 0, 95, 135, 175, 215, 255 };

void
colour_init(void)
{
	if (has_colors()) {
		start_color();
		use_default_colors();
	}
}

static void
colour_index_rgb(int idx, int *r, int *g, int *b)
{
	if (idx < 16) {
		*r = colour_ansi16[idx][0];
		*g = colour_ansi16[idx][1];
		*b = colour_ansi16[idx][2];
	} else if (idx < 232) {
		idx -= 16;
		*r = colour_cube[idx / 36];
		*g = colour_cube[(idx / 6) % 6];
		*b = colour_cube[idx % 6];
	} else {
		*r = *g = *b = 8 + 10 * (idx - 232);
	}
}

static int
colour_dist(int r1, int g1, int b1, int r2, int g2, int b2)
{
	return (r1 - r2) * (r1 - r2) + (g1 - g2) * (g1 - g2) +
	    (b1 - b2) * (b1 - b2);
}

static int
colour_cube_level(int v)
{
	if (v < 48)
		return 0;
	if (v < 115)
		return 1;
	return (v - 35) / 40;
}

/* Nearest of the 256-colour palette: best of the cube and the grey ramp. */
static int
colour_nearest256(int r, int g, int b)
{
	int	cr = colour_cube_level(r), cg = colour_cube_level(g);
	int	cb = colour_cube_level(b), cube, grey, avg, gi;

	cube = 16 + 36 * cr + 6 * cg + cb;
	avg = (r + g + b) / 3;
	gi = avg > 238 ? 23 : (avg < 8 ? 0 : (avg - 3) / 10);
	grey = 232 + gi;
	if (colour_dist(r, g, b, 8 + 10 * gi, 8 + 10 * gi, 8 + 10 * gi) <
	    colour_dist(r, g, b, colour_cube[cr], colour_cube[cg],
	    colour_cube[cb]))
		return grey;
	return cube;
}

static int
colour_nearest_n(int r, int g, int b, int n)
{
	int	i, best = 0, bestd = INT_MAX;

	for (i = 0; i < n; i++) {
		int d = colour_dist(r, g, b, colour_ansi16[i][0],
		    colour_ansi16[i][1], colour_ansi16[i][2]);

		if (d < bestd) {
			bestd = d;
			best = i;
		}
	}
	return best;
}

/*
 * The colour number for a pane colour on a terminal with `ncolours`
 * colours (8, 16, 256, or 2^24 for direct colour), or -1 for the default.
 * Pure, so it is tested without a terminal.
 */
int
colour_map(const struct vt_color *c, int ncolours)
{
	int	r, g, b;

	if (ncolours <= 0 || c->type == VT_COLOR_DEFAULT)
		return -1;
	if (c->type == VT_COLOR_INDEXED) {
		if (c->idx < ncolours && ncolours <= 256)
			return c->idx;
		if (ncolours > 256 && c->idx < 8)
			return c->idx;
		colour_index_rgb(c->idx, &r, &g, &b);
	} else {
		r = c->r;
		g = c->g;
		b = c->b;
	}
	if (ncolours >= 0x1000000)
		return (r << 16) | (g << 8) | b;
	if (ncolours >= 256)
		return colour_nearest256(r, g, b);
	return colour_nearest_n(r, g, b, ncolours >= 16 ? 16 : 8);
}

/* The curses colour for a pane colour, or -1 for the terminal's default. */
int
colour_from_vt(const void *arg, int is_fg)
{
	(void)is_fg;
	if (!has_colors())
		return -1;
	return colour_map(arg, COLORS);
}

int
colour_pair(int fg, int bg)
{
	int	pair;

	if (!has_colors() || (fg == -1 && bg == -1))
		return 0;
	pair = alloc_pair(fg, bg);
	return pair < 0 ? 0 : pair;
}
