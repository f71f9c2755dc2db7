/*
 * Colour mapping from a pane's colours to what the real terminal has:
 * exact where it can, the nearest colour where it has fewer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tui/colour.h"
#include "vt/vt.h"

static struct vt_color
test_rgb(int r, int g, int b)
{
	struct vt_color	c = { VT_COLOR_RGB, 0, (uint8_t)r, (uint8_t)g,
	    (uint8_t)b };

	return c;
}

static struct vt_color
test_idx(int i)
{
	struct vt_color	c = { VT_COLOR_INDEXED, (uint8_t)i, 0, 0, 0 };

	return c;
}

static void
test_colour_default(void **state)
{
	struct vt_color	c = { VT_COLOR_DEFAULT, 0, 0, 0, 0 };

	(void)state;
	assert_int_equal(colour_map(&c, 256), -1);
	assert_int_equal(colour_map(&c, 8), -1);
	c = test_idx(1);
	assert_int_equal(colour_map(&c, 0), -1);
}

static void
test_colour_indexed_exact(void **state)
{
	struct vt_color	c;
	int		i;

	(void)state;
	for (i = 0; i < 256; i++) {
		c = test_idx(i);
		assert_int_equal(colour_map(&c, 256), i);
	}
	c = test_idx(9);
	assert_int_equal(colour_map(&c, 16), 9);
}

static void
test_colour_truecolour_to_256(void **state)
{
	struct vt_color	c;

	(void)state;
	c = test_rgb(255, 0, 0);
	assert_int_equal(colour_map(&c, 256), 196);
	c = test_rgb(0, 0, 0);
	assert_int_equal(colour_map(&c, 256), 16);
	c = test_rgb(255, 255, 255);
	assert_int_equal(colour_map(&c, 256), 231);
	/* A grey nearer the grey ramp than the cube. */
	c = test_rgb(128, 128, 128);
	assert_int_equal(colour_map(&c, 256), 244);
	c = test_rgb(95, 135, 175);
	assert_int_equal(colour_map(&c, 256), 16 + 36 * 1 + 6 * 2 + 3);
}

static void
test_colour_fewer_colours(void **state)
{
	struct vt_color	c;

	(void)state;
	c = test_rgb(250, 10, 10);
	assert_int_equal(colour_map(&c, 16), 9);
	assert_int_equal(colour_map(&c, 8), 1);
	c = test_rgb(0, 200, 0);
	assert_int_equal(colour_map(&c, 8), 2);
	c = test_idx(196);		/* bright red in the cube */
	assert_int_equal(colour_map(&c, 16), 9);
	assert_int_equal(colour_map(&c, 8), 1);
	c = test_idx(12);		/* bright blue on an 8-colour terminal */
	assert_int_equal(colour_map(&c, 8), 4);
	c = test_idx(232);		/* darkest grey */
	assert_int_equal(colour_map(&c, 8), 0);
}

static void
test_colour_direct(void **state)
{
	struct vt_color	c;

	(void)state;
	c = test_rgb(1, 2, 3);
	assert_int_equal(colour_map(&c, 0x1000000), 0x010203);
	c = test_idx(3);
	assert_int_equal(colour_map(&c, 0x1000000), 3);
	c = test_idx(196);
	assert_int_equal(colour_map(&c, 0x1000000), 0xff0000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_colour_default),
		cmocka_unit_test(test_colour_indexed_exact),
		cmocka_unit_test(test_colour_truecolour_to_256),
		cmocka_unit_test(test_colour_fewer_colours),
		cmocka_unit_test(test_colour_direct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
