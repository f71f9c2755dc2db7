/*
 * Pane geometry: where N panes go in a W x H screen area.  Pure functions,
 * no curses.  Each rect is the pane's outer box including its border row
 * (top) and separator column; grid.c documents the exact convention.
 */
#ifndef SANDBOX_TUI_GRID_H
#define SANDBOX_TUI_GRID_H

struct grid_rect {
	int	x, y, w, h;
};

struct grid_shape {
	int	cols, rows;	/* of the chosen arrangement */
	int	per_page;	/* panes that fit on one page */
	int	pages;		/* ceil(n / per_page) */
};

/* Smallest pane content (inside borders) worth drawing. */
#define GRID_MIN_W 10
#define GRID_MIN_H 2

/*
 * Lays out page `page` of n panes in w x h; fills out[] (room for n) with
 * the rects of the panes on that page, in order, and returns their count.
 * Returns 0 when the area is too small to draw even one pane.
 */
int grid_layout(int n, int w, int h, int page, struct grid_rect *out,
	    struct grid_shape *shape);

/* The page that holds pane index i. */
int grid_page_of(int i, int n, int w, int h);

/* Index of the neighbour of pane i in direction (dx, dy), or i. */
int grid_neighbour(int i, int n, int w, int h, int dx, int dy);

#endif
