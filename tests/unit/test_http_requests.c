/*
 * Unit tests for the requests of gcp/http.c against the scripted server
 * of test_http.h: answers read back whatever their status, and bodies and
 * headers both ways for each method, copied when the request is made.
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
test_http_get_ok(void **state)
{
	struct test_http_env	*env = *state;
	struct test_http_result	 res;

	assert_int_not_equal(test_http_get(env, "/ok", 0, &res), 0);
	assert_int_equal(http_pending(env->http), 1);
	test_http_wait(env, &res, 5000);
	assert_int_equal(res.called, 1);
	assert_int_equal(res.status, 200);
	assert_string_equal(res.body, "hello");
	assert_int_equal(res.len, 5);
	assert_null(res.error);
	assert_null(res.retry_after);
	assert_int_equal(res.attempts, 1);
	assert_int_equal(http_pending(env->http), 0);
	test_http_clear(&res);

	/* Unknown paths are answers too, not errors. */
	test_http_get(env, "/nothing", 1, &res);
	test_http_wait(env, &res, 5000);
	assert_int_equal(res.status, 404);
	assert_int_equal(res.attempts, 1);
	test_http_clear(&res);
}

static void
test_http_post_headers(void **state)
{
	struct test_http_env	*env = *state;
	struct test_http_result	 res = { 0 };
	struct http_request	 req = { 0 };
	char			 body[] = "{\"name\":\"vm-1\"}";
	char			 token[] = "tok-123";
	char			 extra[] = "X-Extra: yes";
	const char		*headers[] = { extra, NULL };

	res.env = env;
	req.method = "POST";
	req.url = test_http_url(env, "/echo");
	req.body = body;
	req.body_len = strlen(body);
	req.headers = headers;
	req.bearer = token;
	http_request(env->http, &req, test_http_cb, &res);
	/* The request was copied: scribbling over the inputs changes nothing. */
	memset(body, 'Z', strlen(body));
	memset(token, 'Z', strlen(token));
	memset(extra, 'Z', strlen(extra));
	test_http_wait(env, &res, 5000);
	assert_int_equal(res.status, 200);
	assert_non_null(strstr(res.body, "POST /echo HTTP/1.1\n"));
	assert_non_null(strstr(res.body, "Content-Type: application/json\n"));
	assert_non_null(strstr(res.body, "Authorization: Bearer tok-123\n"));
	assert_non_null(strstr(res.body, "X-Extra: yes\n"));
	assert_non_null(strstr(res.body, "User-Agent: sandbox-tui/"));
	assert_non_null(strstr(res.body, "Content-Length: 15\n"));
	assert_null(strstr(res.body, "Expect:"));
	assert_non_null(strstr(res.body, "\n{\"name\":\"vm-1\"}"));
	test_http_clear(&res);
}

static void
test_http_methods(void **state)
{
	struct test_http_env	*env = *state;
	struct test_http_result	 res = { 0 };
	struct http_request	 req = { 0 };
	static const char	 bin[] = { 'a', '\0', 'b' };

	/* A POST without a body still says Content-Length: 0. */
	res.env = env;
	req.method = "POST";
	req.url = test_http_url(env, "/echo");
	http_request(env->http, &req, test_http_cb, &res);
	test_http_wait(env, &res, 5000);
	assert_non_null(strstr(res.body, "POST /echo HTTP/1.1\n"));
	assert_non_null(strstr(res.body, "Content-Length: 0\n"));
	assert_null(strstr(res.body, "Content-Type"));
	assert_null(strstr(res.body, "Authorization"));
	test_http_clear(&res);

	/* Bodies are bytes, NULs included, with the type the caller gave. */
	req.method = "PUT";
	req.body = bin;
	req.body_len = sizeof bin;
	req.content_type = "application/octet-stream";
	http_request(env->http, &req, test_http_cb, &res);
	test_http_wait(env, &res, 5000);
	assert_non_null(strstr(res.body, "PUT /echo HTTP/1.1\n"));
	assert_non_null(strstr(res.body,
	    "Content-Type: application/octet-stream\n"));
	assert_non_null(strstr(res.body, "Content-Length: 3\n"));
	assert_memory_equal(res.body + res.len - 3, bin, 3);
	test_http_clear(&res);

	req.method = "DELETE";
	req.body = NULL;
	req.body_len = 0;
	req.content_type = NULL;
	http_request(env->http, &req, test_http_cb, &res);
	test_http_wait(env, &res, 5000);
	assert_non_null(strstr(res.body, "DELETE /echo HTTP/1.1\n"));
	test_http_clear(&res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_http_get_ok,
		    test_http_setup, test_http_teardown),
		cmocka_unit_test_setup_teardown(test_http_post_headers,
		    test_http_setup, test_http_teardown),
		cmocka_unit_test_setup_teardown(test_http_methods,
		    test_http_setup, test_http_teardown),
	};

	return cmocka_run_group_tests(tests, test_http_group_setup,
	    test_http_group_teardown);
}
