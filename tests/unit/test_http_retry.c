/*
 * Unit tests for the retries of gcp/http.c against the scripted server of
 * test_http.h: on 503 and on 429 with Retry-After, never when the request
 * does not allow it or on other 4xx, and within the attempt and
 * total-time bounds.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gcp/http.h"
#include "gcp/loop.h"
#include "tests/unit/test_http.h"

static void
test_http_retry_503(void **state)
{
	struct test_http_env	*env = *state;
	struct test_http_result	 res;

	http_set_retry(env->http, 6, 10, 100, 10000);
	test_http_get(env, "/flaky/2/a", 1, &res);
	test_http_wait(env, &res, 5000);
	assert_int_equal(res.status, 200);
	assert_string_equal(res.body, "fine");
	assert_int_equal(res.attempts, 3);
	assert_int_equal(test_http_count(env, "/flaky/2/a"), 3);
	test_http_clear(&res);
}

static void
test_http_retry_off(void **state)
{
	struct test_http_env	*env = *state;
	struct test_http_result	 res;

	http_set_retry(env->http, 6, 10, 100, 10000);
	test_http_get(env, "/flaky/2/b", 0, &res);
	test_http_wait(env, &res, 5000);
	assert_int_equal(res.status, 503);
	assert_string_equal(res.body, "busy");
	assert_null(res.error);
	assert_int_equal(res.attempts, 1);
	test_http_clear(&res);

	/* Other 4xx are final even when retrying is allowed. */
	test_http_get(env, "/always/403/b", 1, &res);
	test_http_wait(env, &res, 5000);
	assert_int_equal(res.status, 403);
	assert_int_equal(res.attempts, 1);
	test_http_clear(&res);
}

static void
test_http_retry_after(void **state)
{
	struct test_http_env	*env = *state;
	struct test_http_result	 res;
	int64_t			 start = loop_now();

	/* Backoff alone would wait at most 10 ms; the cap allows 1 s. */
	http_set_retry(env->http, 6, 10, 5000, 10000);
	test_http_get(env, "/ra/1/c", 1, &res);
	test_http_wait(env, &res, 5000);
	assert_int_equal(res.status, 200);
	assert_string_equal(res.body, "done");
	assert_int_equal(res.attempts, 2);
	assert_null(res.retry_after);
	assert_true(res.when - start >= 990);
	assert_true(res.when - start < 3000);
	test_http_clear(&res);
}

static void
test_http_attempts_bound(void **state)
{
	struct test_http_env	*env = *state;
	struct test_http_result	 res;

	http_set_retry(env->http, 3, 10, 50, 10000);
	test_http_get(env, "/always/503/d", 1, &res);
	test_http_wait(env, &res, 5000);
	assert_int_equal(res.status, 503);
	assert_string_equal(res.body, "status 503");
	assert_int_equal(res.attempts, 3);
	assert_int_equal(test_http_count(env, "/always/503/d"), 3);
	test_http_clear(&res);
}

static void
test_http_total_bound(void **state)
{
	struct test_http_env	*env = *state;
	struct test_http_result	 res;
	int64_t			 start = loop_now();

	/* Each wait is 1 s (Retry-After); a third attempt would end past 1.5 s. */
	http_set_retry(env->http, 10, 10, 5000, 1500);
	test_http_get(env, "/ra/99/e", 1, &res);
	test_http_wait(env, &res, 5000);
	assert_int_equal(res.status, 429);
	assert_string_equal(res.body, "slow down");
	assert_non_null(res.retry_after);
	assert_string_equal(res.retry_after, "1");
	assert_int_equal(res.attempts, 2);
	assert_true(res.when - start >= 990);
	assert_true(res.when - start < 1500);
	test_http_clear(&res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_http_retry_503,
		    test_http_setup, test_http_teardown),
		cmocka_unit_test_setup_teardown(test_http_retry_off,
		    test_http_setup, test_http_teardown),
		cmocka_unit_test_setup_teardown(test_http_retry_after,
		    test_http_setup, test_http_teardown),
		cmocka_unit_test_setup_teardown(test_http_attempts_bound,
		    test_http_setup, test_http_teardown),
		cmocka_unit_test_setup_teardown(test_http_total_bound,
		    test_http_setup, test_http_teardown),
	};

	return cmocka_run_group_tests(tests, test_http_group_setup,
	    test_http_group_teardown);
}
