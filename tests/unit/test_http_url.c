/*
 * Unit tests for gcp/http_url.c: which URLs may carry a bearer token.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gcp/http.h"

static void
test_http_url_check(void **state)
{
	static const char *ok[] = {
		"https://compute.googleapis.com", "HTTPS://x.example/v1",
		"http://127.0.0.1:8080", "http://localhost:9/a",
		"http://[::1]:80/", "http://127.1.2.3",
	};
	static const char *bad[] = {
		"http://compute.googleapis.com", "http://127.0.0.1.evil.com/",
		"http://localhost.evil.com", "http://[::1]x/", "ftp://a",
		"https://", "https://user@host/", "compute.googleapis.com",
		"http://10.0.0.1:8080",
	};
	char	*cause;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		cause = NULL;
		assert_int_equal(http_url_check(ok[i], "gcp.api_endpoint",
		    &cause), 0);
		assert_null(cause);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		assert_int_equal(http_url_check(bad[i], "gcp.api_endpoint",
		    &cause), -1);
		assert_non_null(cause);
		assert_memory_equal(cause, "gcp.api_endpoint: ", 18);
		free(cause);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http_url_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
