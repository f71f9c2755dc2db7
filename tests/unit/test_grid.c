/*
 * Unit tests for layouts/grid.c: the arrangements the grid must choose,
 * exact tiling and minimum sizes over a sweep of sizes, pages, neighbours,
 * and areas too small (or absurd) for any pane.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "layouts/grid.h"

#define TEST_GRID_MAXN 99

struct test_grid_case {
	int	n, w, h, cols, rows;
};

static void
test_grid_expect_shape(const struct test_grid_case *c)
{
	struct grid_rect	rects[TEST_GRID_MAXN];
	struct grid_shape	shape;
	int			placed;

	placed = grid_layout(c->n, c->w, c->h, 0, rects, &shape);
	assert_int_equal(placed, c->n);
	assert_int_equal(shape.cols, c->cols);
	assert_int_equal(shape.rows, c->rows);
	assert_int_equal(shape.per_page, c->n);
	assert_int_equal(shape.pages, 1);
}

static void
test_grid_required_shapes(void **state)
{
	static const struct test_grid_case cases[] = {
		/* Twelve agents: 4 x 3 on wide terminals... */
		{ 12, 200, 50, 4, 3 },
		{ 12, 240, 60, 4, 3 },
		{ 12, 160, 48, 4, 3 },
		{ 12, 400, 119, 4, 3 },
		{ 12, 180, 50, 4, 3 },
		{ 12, 300, 80, 4, 3 },
		/* ...and 3 x 4 on tall ones. */
		{ 12, 100, 80, 3, 4 },
		{ 12, 80, 60, 3, 4 },
		{ 12, 120, 100, 3, 4 },
		{ 12, 90, 70, 3, 4 },
		/* Two side by side on a wide terminal. */
		{ 2, 80, 24, 2, 1 },
		{ 2, 160, 48, 2, 1 },
		{ 2, 200, 50, 2, 1 },
		{ 4, 160, 48, 2, 2 },
		{ 4, 80, 24, 2, 2 },
		{ 1, 80, 24, 1, 1 },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		test_grid_expect_shape(&cases[i]);
}

static void
test_grid_single_fills_area(void **state)
{
	struct grid_rect	r;
	struct grid_shape	shape;

	(void)state;
	assert_int_equal(grid_layout(1, 137, 41, 0, &r, &shape), 1);
	assert_int_equal(r.x, 0);
	assert_int_equal(r.y, 0);
	assert_int_equal(r.w, 137);
	assert_int_equal(r.h, 41);
	assert_int_equal(shape.pages, 1);
}

static void
test_grid_exact_values(void **state)
{
	struct grid_rect	r[12];
	struct grid_shape	shape;

	(void)state;
	/* 4 x 3 in 202 x 50: two spare columns and two spare rows go first. */
	assert_int_equal(grid_layout(12, 202, 50, 0, r, &shape), 12);
	assert_int_equal(r[0].x, 0);
	assert_int_equal(r[0].w, 51);
	assert_int_equal(r[1].x, 51);
	assert_int_equal(r[1].w, 51);
	assert_int_equal(r[2].x, 102);
	assert_int_equal(r[2].w, 50);
	assert_int_equal(r[3].x, 152);
	assert_int_equal(r[3].w, 50);
	assert_int_equal(r[0].h, 17);
	assert_int_equal(r[4].y, 17);
	assert_int_equal(r[4].h, 17);
	assert_int_equal(r[8].y, 34);
	assert_int_equal(r[8].h, 16);
	assert_int_equal(r[11].x + r[11].w, 202);
	assert_int_equal(r[11].y + r[11].h, 50);
}

static void
test_grid_ragged_last_row(void **state)
{
	struct grid_rect	r[10];
	struct grid_shape	shape;

	(void)state;
	/* Ten on 160x48 is 4 x 3; the last row's two panes share the width. */
	assert_int_equal(grid_layout(10, 160, 48, 0, r, &shape), 10);
	assert_int_equal(shape.cols, 4);
	assert_int_equal(shape.rows, 3);
	assert_int_equal(r[8].x, 0);
	assert_int_equal(r[8].w, 80);
	assert_int_equal(r[9].x, 80);
	assert_int_equal(r[9].w, 80);
	assert_int_equal(r[8].y, r[9].y);
	assert_int_equal(r[9].y + r[9].h, 48);
}

/* Content size of a pane under grid.c's border/separator convention. */
static int
test_grid_content_w(const struct grid_rect *r, int w)
{
	return r->x + r->w == w ? r->w : r->w - 1;
}

/* Checks one page: inside the area, no overlap, areas sum to w * h. */
static void
test_grid_check_page(const struct grid_rect *r, int count, int w, int h)
{
	long	area = 0;
	int	i, j, minh = h, maxh = 0;

	for (i = 0; i < count; i++) {
		assert_true(r[i].x >= 0 && r[i].y >= 0);
		assert_true(r[i].w > 0 && r[i].h > 0);
		assert_true(r[i].x + r[i].w <= w);
		assert_true(r[i].y + r[i].h <= h);
		assert_true(test_grid_content_w(&r[i], w) >= GRID_MIN_W);
		assert_true(r[i].h - 1 >= GRID_MIN_H);
		area += (long)r[i].w * r[i].h;
		if (r[i].h < minh)
			minh = r[i].h;
		if (r[i].h > maxh)
			maxh = r[i].h;
		for (j = 0; j < i; j++) {
			int	ox = r[i].x < r[j].x + r[j].w &&
			    r[j].x < r[i].x + r[i].w;
			int	oy = r[i].y < r[j].y + r[j].h &&
			    r[j].y < r[i].y + r[i].h;

			assert_false(ox && oy);
			/* Panes of one row differ in width by at most one,
			 * except in a ragged last row. */
			if (r[i].y == r[j].y && r[i].y + r[i].h != h)
				assert_true(abs(r[i].w - r[j].w) <= 1);
		}
	}
	assert_true(maxh - minh <= 1);
	assert_true(area == (long)w * h);
}

/* Every page of n panes in w x h; returns the panes placed in total. */
static int
test_grid_check_all_pages(int n, int w, int h)
{
	struct grid_rect	r[TEST_GRID_MAXN];
	struct grid_shape	shape, s2;
	int			page, count, total = 0, i;

	count = grid_layout(n, w, h, 0, r, &shape);
	if (count == 0) {
		assert_int_equal(shape.pages, 0);
		assert_int_equal(shape.per_page, 0);
		return 0;
	}
	assert_true(shape.per_page >= 1 && shape.per_page <= n);
	assert_true(shape.cols * shape.rows >= shape.per_page);
	assert_true(shape.cols * (shape.rows - 1) < shape.per_page);
	assert_int_equal(shape.pages,
	    (n + shape.per_page - 1) / shape.per_page);
	for (page = 0; page < shape.pages; page++) {
		count = grid_layout(n, w, h, page, r, &s2);
		assert_memory_equal(&shape, &s2, sizeof shape);
		if (page < shape.pages - 1)
			assert_int_equal(count, shape.per_page);
		else
			assert_int_equal(count, n - page * shape.per_page);
		test_grid_check_page(r, count, w, h);
		for (i = 0; i < count; i++) {
			assert_int_equal(grid_page_of(total + i, n, w, h),
			    page);
		}
		total += count;
	}
	assert_int_equal(grid_layout(n, w, h, shape.pages, r, &s2), 0);
	return total;
}

static void
test_grid_tiling_sweep(void **state)
{
	int	n, w, h;

	(void)state;
	for (n = 1; n <= 24; n++) {
		for (w = 20; w <= 400; w += 7) {
			for (h = 5; h <= 130; h += 5)
				assert_int_equal(
				    test_grid_check_all_pages(n, w, h), n);
		}
	}
}

/* A pixel-by-pixel check on a few sizes, in case the area sum lies. */
static void
test_grid_tiling_cells(void **state)
{
	static const int sizes[][2] = { { 80, 24 }, { 203, 51 },
	    { 97, 83 }, { 31, 7 }, { 400, 119 } };
	struct grid_rect	 r[TEST_GRID_MAXN];
	struct grid_shape	 shape;
	unsigned char		*cells;
	size_t			 k;
	int			 n, w, h, count, i, x, y, page;

	(void)state;
	for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		w = sizes[k][0];
		h = sizes[k][1];
		cells = malloc((size_t)w * h);
		assert_non_null(cells);
		for (n = 1; n <= 30; n++) {
			grid_layout(n, w, h, 0, r, &shape);
			for (page = 0; page < shape.pages; page++) {
				memset(cells, 0, (size_t)w * h);
				count = grid_layout(n, w, h, page, r, &shape);
				for (i = 0; i < count; i++) {
					for (y = r[i].y; y < r[i].y + r[i].h;
					    y++) {
						for (x = r[i].x;
						    x < r[i].x + r[i].w; x++)
							cells[y * w + x]++;
					}
				}
				for (i = 0; i < w * h; i++)
					assert_int_equal(cells[i], 1);
			}
		}
		free(cells);
	}
}

static void
test_grid_sensible_all_n(void **state)
{
	static const int sizes[][2] = { { 80, 24 }, { 120, 40 },
	    { 160, 48 }, { 200, 50 }, { 240, 60 }, { 400, 119 } };
	struct grid_rect	r[TEST_GRID_MAXN];
	struct grid_shape	shape;
	size_t			k;
	int			n;

	(void)state;
	/* On wide terminals, never more rows than columns, never strips. */
	for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		for (n = 2; n <= 24; n++) {
			grid_layout(n, sizes[k][0], sizes[k][1], 0, r, &shape);
			if (shape.pages != 1)
				continue;
			assert_true(shape.cols >= shape.rows);
			assert_true(shape.cols <= 3 * shape.rows ||
			    n <= 3);
		}
	}
	/* And the other way round on tall ones. */
	for (n = 3; n <= 24; n++) {
		grid_layout(n, 100, 80, 0, r, &shape);
		assert_true(shape.rows >= shape.cols);
	}
}

static void
test_grid_pages(void **state)
{
	struct grid_rect	r[TEST_GRID_MAXN];
	struct grid_shape	shape;

	(void)state;
	/* 30 x 5: two columns of content 14/15, one row of 4: two a page. */
	assert_int_equal(grid_layout(12, 30, 5, 0, r, &shape), 2);
	assert_int_equal(shape.cols, 2);
	assert_int_equal(shape.rows, 1);
	assert_int_equal(shape.per_page, 2);
	assert_int_equal(shape.pages, 6);
	assert_int_equal(grid_page_of(0, 12, 30, 5), 0);
	assert_int_equal(grid_page_of(1, 12, 30, 5), 0);
	assert_int_equal(grid_page_of(2, 12, 30, 5), 1);
	assert_int_equal(grid_page_of(11, 12, 30, 5), 5);
	assert_int_equal(grid_layout(12, 30, 5, 5, r, &shape), 2);
	assert_int_equal(grid_layout(12, 30, 5, 6, r, &shape), 0);
	assert_int_equal(grid_layout(12, 30, 5, -1, r, &shape), 0);

	/* Five on the same area: the lone pane of the last page fills it. */
	assert_int_equal(grid_layout(5, 30, 5, 2, r, &shape), 1);
	assert_int_equal(shape.pages, 3);
	assert_int_equal(shape.per_page, 2);
	assert_int_equal(r[0].x, 0);
	assert_int_equal(r[0].y, 0);
	assert_int_equal(r[0].w, 30);
	assert_int_equal(r[0].h, 5);

	/* 12 on 80x10: up to 7 columns and 3 rows fit, so no paging. */
	assert_int_equal(grid_layout(12, 80, 10, 0, r, &shape), 12);
	assert_int_equal(shape.pages, 1);
	assert_true(shape.rows <= 3);

	/* 24 on 60x12: at most 5 columns and 4 rows, 20 a page. */
	assert_int_equal(grid_layout(24, 60, 12, 0, r, &shape), 20);
	assert_int_equal(shape.per_page, 20);
	assert_int_equal(shape.pages, 2);
	assert_int_equal(grid_layout(24, 60, 12, 1, r, &shape), 4);
	assert_int_equal(grid_page_of(19, 24, 60, 12), 0);
	assert_int_equal(grid_page_of(20, 24, 60, 12), 1);
	assert_int_equal(grid_page_of(24, 24, 60, 12), 0);
	assert_int_equal(grid_page_of(-1, 24, 60, 12), 0);
}

static void
test_grid_too_small(void **state)
{
	static const int sizes[][2] = { { 5, 1 }, { 0, 0 }, { 9, 100 },
	    { 100, 2 }, { 9, 3 }, { 1, 1 }, { -5, 20 }, { 20, -3 } };
	struct grid_rect	r[4];
	struct grid_shape	shape;
	size_t			k;

	(void)state;
	for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		memset(&shape, 0xff, sizeof shape);
		assert_int_equal(grid_layout(3, sizes[k][0], sizes[k][1], 0,
		    r, &shape), 0);
		assert_int_equal(shape.cols, 0);
		assert_int_equal(shape.rows, 0);
		assert_int_equal(shape.per_page, 0);
		assert_int_equal(shape.pages, 0);
		assert_int_equal(grid_page_of(2, 3, sizes[k][0], sizes[k][1]),
		    0);
		assert_int_equal(grid_neighbour(2, 3, sizes[k][0],
		    sizes[k][1], 1, 0), 2);
	}
	/* The smallest area that holds one pane. */
	assert_int_equal(grid_layout(3, 10, 3, 0, r, &shape), 1);
	assert_int_equal(shape.pages, 3);
	assert_int_equal(grid_layout(3, 11, 3, 0, r, &shape), 1);
	assert_int_equal(grid_layout(3, 21, 3, 0, r, &shape), 2);

	/* No panes. */
	assert_int_equal(grid_layout(0, 80, 24, 0, r, &shape), 0);
	assert_int_equal(shape.pages, 0);
	assert_int_equal(grid_layout(-3, 80, 24, 0, r, &shape), 0);
	assert_int_equal(grid_neighbour(0, 0, 80, 24, 1, 0), 0);
	/* A NULL shape or out is allowed. */
	assert_int_equal(grid_layout(2, 80, 24, 0, r, NULL), 2);
	assert_int_equal(grid_layout(2, 80, 24, 0, NULL, &shape), 2);
}

static void
test_grid_never_crash(void **state)
{
	struct grid_rect	r[TEST_GRID_MAXN];
	struct grid_shape	shape;
	int			n, w, h, count, pages;

	(void)state;
	for (w = 0; w <= 500; w += 23) {
		for (h = 0; h <= 500; h += 19) {
			for (n = 0; n <= TEST_GRID_MAXN; n += 7) {
				count = grid_layout(n, w, h, 0, r, &shape);
				assert_true(count >= 0 && count <= n);
				pages = shape.pages;
				assert_true(pages >= 0 && pages <= n);
				if (n > 0)
					grid_layout(n, w, h, pages - 1, r,
					    &shape);
				grid_neighbour(n - 1, n, w, h, 1, 1);
				grid_page_of(n / 2, n, w, h);
			}
		}
	}
	for (w = 0; w <= 40; w++) {
		for (h = 0; h <= 12; h++) {
			for (n = 0; n <= TEST_GRID_MAXN; n += 3) {
				count = grid_layout(n, w, h, 0, r, &shape);
				assert_true(count >= 0 && count <= n);
				if (count == 0)
					assert_int_equal(shape.pages, 0);
				grid_neighbour(0, n, w, h, -1, -1);
			}
		}
	}
	/* Huge areas do not overflow or take forever. */
	assert_int_equal(grid_layout(99, 1 << 30, 1 << 30, 0, r, &shape), 99);
}

static void
test_grid_neighbours_full(void **state)
{
	const int	w = 200, h = 50, n = 12;	/* 4 x 3 */

	(void)state;
	assert_int_equal(grid_neighbour(5, n, w, h, -1, 0), 4);
	assert_int_equal(grid_neighbour(5, n, w, h, 1, 0), 6);
	assert_int_equal(grid_neighbour(5, n, w, h, 0, -1), 1);
	assert_int_equal(grid_neighbour(5, n, w, h, 0, 1), 9);
	assert_int_equal(grid_neighbour(5, n, w, h, 0, 0), 5);
	assert_int_equal(grid_neighbour(5, n, w, h, 1, 1), 10);
	/* Edges stay put. */
	assert_int_equal(grid_neighbour(0, n, w, h, -1, 0), 0);
	assert_int_equal(grid_neighbour(0, n, w, h, 0, -1), 0);
	assert_int_equal(grid_neighbour(3, n, w, h, 1, 0), 3);
	assert_int_equal(grid_neighbour(4, n, w, h, -1, 0), 4);
	assert_int_equal(grid_neighbour(11, n, w, h, 0, 1), 11);
	assert_int_equal(grid_neighbour(11, n, w, h, 1, 0), 11);
	/* Larger steps count as one. */
	assert_int_equal(grid_neighbour(5, n, w, h, 7, 0), 6);
	assert_int_equal(grid_neighbour(5, n, w, h, 0, -9), 1);
	/* Out of range stays out of range. */
	assert_int_equal(grid_neighbour(12, n, w, h, 1, 0), 12);
	assert_int_equal(grid_neighbour(-1, n, w, h, 1, 0), -1);
	/* Tall: 3 x 4. */
	assert_int_equal(grid_neighbour(4, n, 100, 80, 0, 1), 7);
	assert_int_equal(grid_neighbour(4, n, 100, 80, 1, 0), 5);
	assert_int_equal(grid_neighbour(5, n, 100, 80, 1, 0), 5);
}

static void
test_grid_neighbours_ragged(void **state)
{
	const int	w = 160, h = 48, n = 10;	/* 4, 4, then 2 wide */

	(void)state;
	assert_int_equal(grid_neighbour(4, n, w, h, 0, 1), 8);
	assert_int_equal(grid_neighbour(5, n, w, h, 0, 1), 8);
	assert_int_equal(grid_neighbour(6, n, w, h, 0, 1), 9);
	assert_int_equal(grid_neighbour(7, n, w, h, 0, 1), 9);
	assert_int_equal(grid_neighbour(8, n, w, h, 0, -1), 4);
	/* Centre 120 is 20 from both 6 and 7: the left one wins. */
	assert_int_equal(grid_neighbour(9, n, w, h, 0, -1), 6);
	assert_int_equal(grid_neighbour(8, n, w, h, 1, 0), 9);
	assert_int_equal(grid_neighbour(9, n, w, h, 1, 0), 9);
	assert_int_equal(grid_neighbour(9, n, w, h, 0, 1), 9);
}

static void
test_grid_neighbours_pages(void **state)
{
	(void)state;
	/* 12 on 30x5 is six pages of two side by side. */
	assert_int_equal(grid_neighbour(1, 12, 30, 5, 1, 0), 1);
	assert_int_equal(grid_neighbour(2, 12, 30, 5, -1, 0), 2);
	assert_int_equal(grid_neighbour(2, 12, 30, 5, 1, 0), 3);
	assert_int_equal(grid_neighbour(3, 12, 30, 5, 0, 1), 3);
	/* 24 on 60x12: the last page re-lays its four panes. */
	assert_int_equal(grid_neighbour(20, 24, 60, 12, 1, 0), 21);
	assert_int_equal(grid_neighbour(19, 24, 60, 12, 1, 0), 19);
}

/* Neighbours are adjacent rects on the same page, over a sweep. */
static void
test_grid_neighbours_sweep(void **state)
{
	struct grid_rect	r[TEST_GRID_MAXN];
	struct grid_shape	shape;
	int			n, w, h, i, j, page, first, count;

	(void)state;
	for (n = 1; n <= 24; n++) {
		for (w = 20; w <= 300; w += 31) {
			for (h = 5; h <= 100; h += 13) {
				if (grid_layout(n, w, h, 0, r, &shape) == 0)
					continue;
				for (i = 0; i < n; i++) {
					page = grid_page_of(i, n, w, h);
					first = page * shape.per_page;
					count = grid_layout(n, w, h, page, r,
					    &shape);
					j = grid_neighbour(i, n, w, h, 1, 0) -
					    first;
					assert_true(j >= 0 && j < count);
					if (j != i - first) {
						assert_int_equal(r[j].x,
						    r[i - first].x +
						    r[i - first].w);
						assert_int_equal(r[j].y,
						    r[i - first].y);
					} else
						assert_int_equal(
						    r[j].x + r[j].w, w);
					j = grid_neighbour(i, n, w, h, 0, 1) -
					    first;
					assert_true(j >= 0 && j < count);
					if (j != i - first)
						assert_int_equal(r[j].y,
						    r[i - first].y +
						    r[i - first].h);
					else
						assert_int_equal(
						    r[j].y + r[j].h, h);
				}
			}
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grid_required_shapes),
		cmocka_unit_test(test_grid_single_fills_area),
		cmocka_unit_test(test_grid_exact_values),
		cmocka_unit_test(test_grid_ragged_last_row),
		cmocka_unit_test(test_grid_tiling_sweep),
		cmocka_unit_test(test_grid_tiling_cells),
		cmocka_unit_test(test_grid_sensible_all_n),
		cmocka_unit_test(test_grid_pages),
		cmocka_unit_test(test_grid_too_small),
		cmocka_unit_test(test_grid_never_crash),
		cmocka_unit_test(test_grid_neighbours_full),
		cmocka_unit_test(test_grid_neighbours_ragged),
		cmocka_unit_test(test_grid_neighbours_pages),
		cmocka_unit_test(test_grid_neighbours_sweep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
