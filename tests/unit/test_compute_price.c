/*
 * Unit tests for the price table of gcp/compute*.c: a table reads as
 * written (comments, blanks, CRs, a missing spot price, a bad number) and
 * the table shipped in the binary holds the prices the estimate uses.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gcp/compute.h"
#include "gcp/compute_private.h"

static void
test_compute_price(void **state)
{
	static const char table[] =
	    "# comment e2-standard-2 9 9\n"
	    "\n"
	    "e2-standard-2   0.067006  0.0201\r\n"
	    "  n2-standard-2\t0.097118\t0.0291\n"
	    "e2-standard-20  5 1\n"
	    "only-od 1.5\n"
	    "bad 0.1x 0.2\n"
	    "disk-pd-balanced-gb-month 0.100";

	(void)state;
	assert_true(compute_price_lookup(table, "e2-standard-2", 0) ==
	    0.067006);
	assert_true(compute_price_lookup(table, "e2-standard-2", 1) == 0.0201);
	assert_true(compute_price_lookup(table, "n2-standard-2", 0) ==
	    0.097118);
	assert_true(compute_price_lookup(table, "n2-standard-2", 1) == 0.0291);
	assert_true(compute_price_lookup(table, "e2-standard-20", 0) == 5);
	assert_true(compute_price_lookup(table, "only-od", 0) == 1.5);
	assert_true(compute_price_lookup(table, "only-od", 1) == -1);
	assert_true(compute_price_lookup(table, "bad", 0) == -1);
	assert_true(compute_price_lookup(table, "e2-standard", 0) == -1);
	assert_true(compute_price_lookup(table, "#", 0) == -1);
	assert_true(compute_price_lookup(table, "", 0) == -1);
	assert_true(compute_price_lookup(table, NULL, 0) == -1);
	assert_true(compute_price_lookup(table, "disk-pd-balanced-gb-month",
	    0) == 0.1);

	/* The table shipped in the binary. */
	assert_true(compute_price_hour("e2-standard-16", 0) == 0.536048);
	assert_true(compute_price_hour("e2-standard-16", 1) > 0);
	assert_true(compute_price_hour("e2-standard-16", 1) <
	    compute_price_hour("e2-standard-16", 0));
	assert_true(compute_price_hour("n2-standard-8", 0) == 0.388472);
	assert_true(compute_price_hour("e2-standard-3", 0) == -1);
	assert_true(compute_price_hour(NULL, 0) == -1);
	assert_true(compute_price_disk_gb_month() == 0.1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compute_price),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
