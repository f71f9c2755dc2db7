/*
 * Unit tests for the transport errors of gcp/http.c: a refused connection
 * (the error names the host, never the body, token or query), an
 * unresolvable name, a timeout, a dropped connection retried, and an
 * oversized answer.
 */

#include <sys/socket.h>
#include <netinet/in.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "gcp/http.h"
#include "gcp/loop.h"
#include "tests/unit/test_http.h"

static void
test_http_refused(void **state)
{
	struct test_http_env	*env = *state;
	struct test_http_result	 res = { 0 };
	struct http_request	 req = { 0 };
	struct sockaddr_in	 sin;
	socklen_t		 slen = sizeof sin;
	char			 url[64], host[32];
	int			 s;

	/* A port that was free a moment ago has no listener. */
	s = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s >= 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sin, &slen), 0);
	close(s);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/x?key=hidden",
	    ntohs(sin.sin_port));
	snprintf(host, sizeof host, "127.0.0.1:%d", ntohs(sin.sin_port));

	http_set_retry(env->http, 3, 10, 50, 10000);
	res.env = env;
	req.method = "POST";
	req.url = url;
	req.body = "{\"secret-body\":1}";
	req.body_len = strlen(req.body);
	req.bearer = "secret-token";
	req.retry = 1;
	http_request(env->http, &req, test_http_cb, &res);
	test_http_wait(env, &res, 5000);
	assert_int_equal(res.status, 0);
	assert_int_equal(res.attempts, 3);
	assert_non_null(res.error);
	assert_non_null(strstr(res.error, host));
	assert_null(strstr(res.error, "secret"));
	assert_null(strstr(res.error, "hidden"));
	assert_int_equal(res.len, 0);
	test_http_clear(&res);
}

static void
test_http_unresolvable(void **state)
{
	struct test_http_env	*env = *state;
	struct test_http_result	 res = { 0 };
	struct http_request	 req = { 0 };

	http_set_retry(env->http, 3, 10, 50, 60000);
	res.env = env;
	req.url = "http://sandbox-tui-test.invalid/";
	req.retry = 1;
	req.timeout_ms = 20000;
	http_request(env->http, &req, test_http_cb, &res);
	test_http_wait(env, &res, 25000);
	assert_int_equal(res.status, 0);
	assert_int_equal(res.attempts, 1);
	assert_non_null(strstr(res.error, "sandbox-tui-test.invalid"));
	test_http_clear(&res);
}

static void
test_http_timeout(void **state)
{
	struct test_http_env	*env = *state;
	struct test_http_result	 res = { 0 };
	struct http_request	 req = { 0 };
	int64_t			 start = loop_now();

	res.env = env;
	req.url = test_http_url(env, "/slow/2");
	req.timeout_ms = 200;
	http_request(env->http, &req, test_http_cb, &res);
	test_http_wait(env, &res, 5000);
	assert_int_equal(res.status, 0);
	assert_int_equal(res.attempts, 1);
	assert_non_null(strstr(res.error, "timed out"));
	assert_true(res.when - start >= 190);
	assert_true(res.when - start < 1500);
	test_http_clear(&res);
}

static void
test_http_dropped(void **state)
{
	struct test_http_env	*env = *state;
	struct test_http_result	 res;

	http_set_retry(env->http, 3, 10, 50, 10000);
	test_http_get(env, "/drop/1/f", 0, &res);
	test_http_wait(env, &res, 5000);
	assert_int_equal(res.status, 0);
	assert_int_equal(res.attempts, 1);
	assert_non_null(res.error);
	test_http_clear(&res);

	test_http_get(env, "/drop/1/g", 1, &res);
	test_http_wait(env, &res, 5000);
	assert_int_equal(res.status, 200);
	assert_string_equal(res.body, "survived");
	assert_int_equal(res.attempts, 2);
	test_http_clear(&res);
}

static void
test_http_too_big(void **state)
{
	struct test_http_env	*env = *state;
	struct test_http_result	 res;

	test_http_get(env, "/big", 1, &res);
	test_http_wait(env, &res, 20000);
	assert_int_equal(res.status, 0);
	assert_int_equal(res.attempts, 1);
	assert_non_null(strstr(res.error, "MiB"));
	assert_int_equal(res.len, 0);
	test_http_clear(&res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_http_refused,
		    test_http_setup, test_http_teardown),
		cmocka_unit_test_setup_teardown(test_http_unresolvable,
		    test_http_setup, test_http_teardown),
		cmocka_unit_test_setup_teardown(test_http_timeout,
		    test_http_setup, test_http_teardown),
		cmocka_unit_test_setup_teardown(test_http_dropped,
		    test_http_setup, test_http_teardown),
		cmocka_unit_test_setup_teardown(test_http_too_big,
		    test_http_setup, test_http_teardown),
	};

	return cmocka_run_group_tests(tests, test_http_group_setup,
	    test_http_group_teardown);
}
