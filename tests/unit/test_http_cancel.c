/*
 * Unit tests for the life of requests in gcp/http.c: cancelling one in
 * flight or in its backoff wait, callbacks that cancel, start or free,
 * and a loop that sleeps once nothing is in flight.
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
test_http_cancel(void **state)
{
	struct test_http_env	*env = *state;
	struct test_http_result	 a, b;
	uint64_t		 ida, idb;

	ida = test_http_get(env, "/ok", 0, &a);
	idb = test_http_get(env, "/flaky/0/h", 0, &b);
	assert_int_not_equal(ida, idb);
	assert_int_equal(http_pending(env->http), 2);
	http_cancel(env->http, ida);
	http_cancel(env->http, ida);
	http_cancel(env->http, 0);
	assert_int_equal(http_pending(env->http), 1);
	test_http_wait(env, &b, 5000);
	test_http_run_for(env, 100);
	assert_int_equal(a.called, 0);
	assert_int_equal(b.called, 1);
	test_http_clear(&b);

	/* In the backoff wait: the wait's timer goes too, no further attempt. */
	http_set_retry(env->http, 5, 10, 5000, 10000);
	ida = test_http_get(env, "/ra/99/h", 1, &a);
	test_http_run_for(env, 300);
	assert_int_equal(a.called, 0);
	assert_int_equal(http_pending(env->http), 1);
	http_cancel(env->http, ida);
	assert_int_equal(http_pending(env->http), 0);
	test_http_run_for(env, 1200);
	assert_int_equal(a.called, 0);
	assert_int_equal(test_http_count(env, "/ra/99/h"), 1);
}

static void
test_http_in_callback(void **state)
{
	struct test_http_env	*env = *state;
	struct test_http_result	 a, b, c = { 0 };

	/* a's callback cancels b and starts c. */
	test_http_get(env, "/ok", 0, &a);
	a.cancel_id = test_http_get(env, "/slow/1", 0, &b);
	c.env = env;
	a.then_url = test_http_url(env, "/flaky/0/i");
	a.then_result = &c;
	test_http_wait(env, &c, 5000);
	test_http_run_for(env, 1200);
	assert_int_equal(a.called, 1);
	assert_int_equal(b.called, 0);
	assert_int_equal(c.called, 1);
	assert_string_equal(c.body, "fine");
	assert_int_equal(http_pending(env->http), 0);
	test_http_clear(&a);
	test_http_clear(&c);

	/* Freeing from a callback silences everything else still in flight. */
	test_http_get(env, "/ok", 0, &a);
	test_http_get(env, "/ok", 0, &b);
	a.free_http = 1;
	b.free_http = 1;
	test_http_run_for(env, 300);
	assert_int_equal(a.called + b.called, 1);
	assert_null(env->http);
	test_http_clear(&a);
	test_http_clear(&b);
}

static void
test_http_idle(void **state)
{
	struct test_http_env	*env = *state;
	struct test_http_result	 a, b;
	uint64_t		 wakeups;
	int64_t			 start;

	test_http_get(env, "/ok", 0, &a);
	test_http_get(env, "/ok", 1, &b);
	assert_int_equal(http_pending(env->http), 2);
	test_http_wait(env, &a, 5000);
	test_http_wait(env, &b, 5000);
	assert_int_equal(http_pending(env->http), 0);
	test_http_clear(&a);
	test_http_clear(&b);

	/* Nothing in flight: only our own timer wakes the loop. */
	wakeups = loop_wakeups(env->loop);
	start = loop_now();
	loop_timer_add(env->loop, 300, test_http_noop, NULL);
	assert_int_equal(loop_once(env->loop), 0);
	assert_true(loop_now() - start >= 295);
	assert_int_equal(loop_wakeups(env->loop), wakeups + 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_http_cancel,
		    test_http_setup, test_http_teardown),
		cmocka_unit_test_setup_teardown(test_http_in_callback,
		    test_http_setup, test_http_teardown),
		cmocka_unit_test_setup_teardown(test_http_idle,
		    test_http_setup, test_http_teardown),
	};

	return cmocka_run_group_tests(tests, test_http_group_setup,
	    test_http_group_teardown);
}
