/*
 * Unit tests for gcp/dapi.c's pure part: the API version both sides speak,
 * from the daemon's API-Version header (docker 20.10 says 1.41, docker 29
 * refuses anything below 1.44 and says 1.52).
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gcp/dapi.h"

static void
test_dapi_negotiate(void **state)
{
	static const struct {
		const char	*theirs, *want;
	} ok[] = {
		{ "1.41", "1.41" },
		{ "1.44", "1.44" },
		{ DAPI_VERSION_MAX, DAPI_VERSION_MAX },
		{ "1.52", DAPI_VERSION_MAX },
		{ "2.0", DAPI_VERSION_MAX },
		{ "1.100", DAPI_VERSION_MAX },
	};
	static const char *bad[] = {
		"1.40", "1.9", "0.99", "", "1.", ".41", "1.41x", "v1.41",
		"1.41.0", "100.1", "1.1000", "-1.41", " 1.41",
	};
	char	out[16];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		assert_int_equal(dapi_negotiate(ok[i].theirs, out, sizeof out),
		    0);
		assert_string_equal(out, ok[i].want);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (dapi_negotiate(bad[i], out, sizeof out) != -1)
			fail_msg("'%s' was taken", bad[i]);
	}
	assert_int_equal(dapi_negotiate(NULL, out, sizeof out), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dapi_negotiate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
