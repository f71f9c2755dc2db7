/*
 * Pane geometry for the agent grid: which cols x rows arrangement N panes
 * get in the W x H area above the status bar, how many fit on a page, and
 * where each pane of a page goes.  Pure arithmetic; the caller draws.
 *
 * Convention.  A pane's rect is its outer box.  Its top row is the title
 * border, so its content starts at y + 1 and has h - 1 rows.  Panes in the
 * same row are separated by a one-column vertical separator that belongs to
 * the pane on its left: the content width is w - 1, except for the
 * rightmost pane of a row (x + w == W), whose content width is w.  The rects
 * of a page tile the area exactly, with no gaps or overlap.  Leftover
 * columns and rows go one each to the first panes, so sizes differ by at
 * most one.  Panes are placed row by row; a partly filled last row shares
 * the full width between its panes, which are therefore wider.
 *
 * Choosing the arrangement.  The candidates for k panes are c columns and
 * ceil(k / c) rows for c = 1..k: none leaves a whole row or column empty.
 * A candidate is feasible when every pane's content is at least GRID_MIN_W x
 * GRID_MIN_H.  Terminal cells are about twice as tall as wide, so a pane's
 * visual aspect is content_w / (2 * content_h).  A candidate's cost is the
 * mean distance, in log ratio, of its panes' visual aspects from
 * GRID_ASPECT, plus GRID_EMPTY_COST times its share of empty cells (the
 * panes of a ragged last row are stretched and the grid looks uneven); the
 * cheapest feasible candidate wins, fewer columns on a tie.
 *
 * GRID_ASPECT is lower than the 1.6 of an 80x24 terminal.  With 1.6,
 * twelve panes on a tall terminal (100x80) would become 2 x 6 strips twelve
 * rows high, whereas 3 x 4 is wanted there and 4 x 3 on wide terminals
 * (160x48 to 400x119); targets from about 1.04 to 1.24 give both, and
 * tests/unit/test_grid.c pins these shapes.
 *
 * Pages.  When no arrangement of all n panes is feasible, a page holds the
 * largest count that has a feasible arrangement, and page p shows panes
 * [p * per_page, (p + 1) * per_page).  The last page, when it holds fewer
 * panes, is laid out again for its own count so they fill the area;
 * grid_shape still reports the full page's arrangement.  An area too small
 * for a single pane has no pages: grid_layout returns 0 with a zero shape.
 */

#include <math.h>
#include <stddef.h>

#include "layouts/grid.h"

/* Visual width / height that panes aim for; see above for the value. */
#define GRID_ASPECT 1.14
/* Cost of a share of empty cells: the panes of a ragged last row stretch. */
#define GRID_EMPTY_COST 1.0

struct grid_plan {
	int	cols, rows;
};

/* Offset and length of part idx when total is split into parts. */
static void
grid_span(int total, int parts, int idx, int *off, int *len)
{
	int	base = total / parts, extra = total % parts;

	*len = base + (idx < extra);
	*off = idx * base + (idx < extra ? idx : extra);
}

/* Panes in row `row` of a cols x rows arrangement of k panes. */
static int
grid_row_count(int k, int cols, int rows, int row)
{
	if (row < rows - 1)
		return cols;
	return k - cols * (rows - 1);
}

/*
 * Narrowest content width of m panes side by side in w columns: the first
 * w % m are a column wider, and all but the rightmost lose one to their
 * separator (see grid_cost).
 */
static int
grid_min_content_w(int w, int m)
{
	if (m == 1)
		return w;
	return m - 1 > w % m ? w / m - 1 : w / m;
}

/* Whether every pane of a cols x rows arrangement meets the minimum size. */
static int
grid_fits(int w, int h, int cols, int rows)
{
	if (cols < 1 || rows < 1 || cols > w || rows > h)
		return 0;
	if (h / rows - 1 < GRID_MIN_H)
		return 0;
	/* A partly filled last row has fewer, wider panes. */
	return grid_min_content_w(w, cols) >= GRID_MIN_W;
}

/* Log-ratio distance of a cw x ch content's visual aspect from the target. */
static double
grid_aspect_cost(int cw, int ch)
{
	return fabs(log((double)cw / (2.0 * ch) / GRID_ASPECT));
}

/*
 * Mean aspect cost of the panes plus the empty cell penalty.  In a row of m
 * panes the first w % m are one wider and all but the rightmost lose a
 * column to their separator, so content widths are w / m (the wider ones and
 * the rightmost) or w / m - 1 (the rest).
 */
static double
grid_cost(int k, int w, int h, int cols, int rows)
{
	double	 sum = 0;
	int	 row, m, base, wide, yoff, ch;

	for (row = 0; row < rows; row++) {
		grid_span(h, rows, row, &yoff, &ch);
		ch--;
		m = grid_row_count(k, cols, rows, row);
		base = w / m;
		wide = w % m;
		sum += (wide + 1) * grid_aspect_cost(base, ch);
		if (m - 1 - wide > 0)
			sum += (m - 1 - wide) * grid_aspect_cost(base - 1, ch);
	}
	return sum / k + GRID_EMPTY_COST * (cols * rows - k) / (cols * rows);
}

/* Best feasible arrangement for k panes; 0 if there is none. */
static int
grid_choose(int k, int w, int h, struct grid_plan *plan)
{
	double	best = 0, cost;
	int	c, r, found = 0;

	for (c = 1; c <= k && c <= w; c++) {
		r = (k + c - 1) / c;
		if (!grid_fits(w, h, c, r))
			continue;
		cost = grid_cost(k, w, h, c, r);
		if (!found || cost < best - 1e-9) {
			best = cost;
			plan->cols = c;
			plan->rows = r;
			found = 1;
		}
	}
	return found;
}

/*
 * Panes per page.  Content size only shrinks as columns or rows are added,
 * so the most that fit is the most columns that fit times the most rows.
 */
static int
grid_per_page(int n, int w, int h)
{
	int	maxc = 0, maxr = 0;

	if (n < 1 || w < 1 || h < 1)
		return 0;
	while (maxc < w && maxc < n && grid_fits(w, h, maxc + 1, 1))
		maxc++;
	while (maxr < h && maxr < n && grid_fits(w, h, 1, maxr + 1))
		maxr++;
	if (maxc == 0 || maxr == 0)
		return 0;
	return maxc * maxr < n ? maxc * maxr : n;
}

/* Fills shape for n panes; returns per_page (0 when nothing fits). */
static int
grid_shape_of(int n, int w, int h, struct grid_shape *shape)
{
	struct grid_plan	plan;
	int			per_page;

	shape->cols = shape->rows = shape->per_page = shape->pages = 0;
	per_page = grid_per_page(n, w, h);
	if (per_page == 0 || !grid_choose(per_page, w, h, &plan))
		return 0;
	shape->cols = plan.cols;
	shape->rows = plan.rows;
	shape->per_page = per_page;
	shape->pages = (n + per_page - 1) / per_page;
	return per_page;
}

/* Arrangement of page `page`; its pane count, or 0 for no such page. */
static int
grid_page_plan(int n, int w, int h, int page, struct grid_shape *shape,
    struct grid_plan *plan)
{
	int	per_page, count;

	per_page = grid_shape_of(n, w, h, shape);
	if (per_page == 0 || page < 0 || page >= shape->pages)
		return 0;
	count = n - page * per_page;
	if (count >= per_page) {
		plan->cols = shape->cols;
		plan->rows = shape->rows;
		return per_page;
	}
	if (!grid_choose(count, w, h, plan))
		return 0;
	return count;
}

/* Rect of the pane at position j of a page of k panes. */
static void
grid_place(int k, int w, int h, const struct grid_plan *plan, int j,
    struct grid_rect *r)
{
	int	row = j / plan->cols, col = j % plan->cols, m;

	m = grid_row_count(k, plan->cols, plan->rows, row);
	grid_span(w, m, col, &r->x, &r->w);
	grid_span(h, plan->rows, row, &r->y, &r->h);
}

int
grid_layout(int n, int w, int h, int page, struct grid_rect *out,
    struct grid_shape *shape)
{
	struct grid_shape	 dummy;
	struct grid_plan	 plan;
	int			 count, j;

	if (shape == NULL)
		shape = &dummy;
	count = grid_page_plan(n, w, h, page, shape, &plan);
	for (j = 0; out != NULL && j < count; j++)
		grid_place(count, w, h, &plan, j, &out[j]);
	return count;
}

int
grid_page_of(int i, int n, int w, int h)
{
	struct grid_shape	shape;
	int			per_page;

	per_page = grid_shape_of(n, w, h, &shape);
	if (per_page == 0 || i < 0 || i >= n)
		return 0;
	return i / per_page;
}

/*
 * Moves within pane i's page: left/right along its row, up/down to the pane
 * of the next row whose centre is nearest horizontally (rows can hold
 * different counts).  A horizontal step is taken before a vertical one;
 * stepping off an edge stays put.
 */
int
grid_neighbour(int i, int n, int w, int h, int dx, int dy)
{
	struct grid_shape	shape;
	struct grid_plan	plan;
	struct grid_rect	cur, cand;
	int			page, first, count, j, row, col, m;
	int			best, bestd, d, k;

	if (i < 0 || i >= n)
		return i;
	page = grid_page_of(i, n, w, h);
	count = grid_page_plan(n, w, h, page, &shape, &plan);
	if (count == 0)
		return i;
	first = page * shape.per_page;
	j = i - first;
	row = j / plan.cols;
	col = j % plan.cols;
	m = grid_row_count(count, plan.cols, plan.rows, row);

	dx = (dx > 0) - (dx < 0);
	dy = (dy > 0) - (dy < 0);
	if (col + dx >= 0 && col + dx < m)
		col += dx;
	j = row * plan.cols + col;
	if (dy == 0 || row + dy < 0 || row + dy >= plan.rows)
		return first + j;

	grid_place(count, w, h, &plan, j, &cur);
	row += dy;
	m = grid_row_count(count, plan.cols, plan.rows, row);
	best = row * plan.cols;
	bestd = -1;
	for (k = 0; k < m; k++) {
		grid_place(count, w, h, &plan, row * plan.cols + k, &cand);
		d = (2 * cand.x + cand.w) - (2 * cur.x + cur.w);
		if (d < 0)
			d = -d;
		if (bestd < 0 || d < bestd) {
			bestd = d;
			best = row * plan.cols + k;
		}
	}
	return first + best;
}
