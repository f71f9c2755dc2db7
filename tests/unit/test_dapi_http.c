/*
 * Unit tests for gcp/dapi_http.c: dockerd's answers read whole and in
 * every cut (one byte at a time), chunked bodies, the upgrade attach uses,
 * and what is refused (not HTTP, a head too long, an answer cut short).
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/strbuf.h"
#include "config/xmalloc.h"
#include "gcp/dapi_http.h"

struct got {
	int		heads, dones;
	struct strbuf	body, raw;
};

static void
got_head(void *arg)
{
	((struct got *)arg)->heads++;
}

static void
got_body(const char *buf, size_t len, void *arg)
{
	strbuf_addn(&((struct got *)arg)->body, buf, len);
}

static void
got_done(void *arg)
{
	((struct got *)arg)->dones++;
}

static void
got_raw(const char *buf, size_t len, void *arg)
{
	strbuf_addn(&((struct got *)arg)->raw, buf, len);
}

static const struct dapi_http_cb got_cb = { got_head, got_body, got_done,
	got_raw };

static void
got_free(struct got *g)
{
	free(g->body.s);
	free(g->raw.s);
	memset(g, 0, sizeof *g);
}

/* Feeds text in pieces of step bytes (0: whole); returns the reader. */
static struct dapi_http *
feed(struct got *g, const char *text, size_t len, size_t step, int *rc,
    char **cause)
{
	struct dapi_http	*d = dapi_http_new(&got_cb, g);
	size_t			 off = 0, n;

	memset(g, 0, sizeof *g);
	*rc = 0;
	*cause = NULL;
	while (off < len && *rc == 0) {
		n = step == 0 || len - off < step ? len - off : step;
		*rc = dapi_http_feed(d, text + off, n, cause);
		off += n;
	}
	return d;
}

static void
test_dapi_http_length(void **state)
{
	static const char text[] = "HTTP/1.1 200 OK\r\n"
	    "Api-Version: 1.47\r\nContent-Type: application/json\r\n"
	    "Docker-Experimental: false\r\nContent-Length: 4\r\n\r\nOK\r\n";
	struct dapi_http	*d;
	struct got		 g;
	char			*cause;
	size_t			 step;
	int			 rc;

	(void)state;
	for (step = 0; step <= 7; step++) {
		d = feed(&g, text, sizeof text - 1, step, &rc, &cause);
		assert_int_equal(rc, 0);
		assert_int_equal(g.heads, 1);
		assert_int_equal(g.dones, 1);
		assert_int_equal(dapi_http_status(d), 200);
		assert_string_equal(dapi_http_header(d, "API-Version"),
		    "1.47");
		assert_string_equal(dapi_http_header(d, "content-type"),
		    "application/json");
		assert_null(dapi_http_header(d, "Upgrade"));
		assert_string_equal(g.body.s, "OK\r\n");
		assert_true(dapi_http_complete(d));
		assert_int_equal(dapi_http_eof(d, &cause), 0);
		dapi_http_free(d);
		got_free(&g);
	}
}

static void
test_dapi_http_chunked(void **state)
{
	static const char text[] = "HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n"
	    "5\r\n{\"a\":\r\n3\r\n 1}\r\n0\r\n\r\n"
	    "HTTP/1.1 200 OK\r\n\r\nafter the answer";
	struct dapi_http	*d;
	struct got		 g;
	char			*cause;
	size_t			 step;
	int			 rc;

	(void)state;
	for (step = 0; step <= 5; step++) {
		d = feed(&g, text, sizeof text - 1, step, &rc, &cause);
		assert_int_equal(rc, 0);
		assert_int_equal(g.dones, 1);
		assert_string_equal(g.body.s, "{\"a\": 1}");
		dapi_http_free(d);
		got_free(&g);
	}
}

/* No length and not chunked: the body runs to the end of the stream. */
static void
test_dapi_http_until_close(void **state)
{
	static const char text[] = "HTTP/1.0 200 OK\r\n\r\nline 1\nline 2\n";
	struct dapi_http	*d;
	struct got		 g;
	char			*cause;
	int			 rc;

	(void)state;
	d = feed(&g, text, sizeof text - 1, 3, &rc, &cause);
	assert_int_equal(rc, 0);
	assert_int_equal(g.dones, 0);
	assert_int_equal(dapi_http_eof(d, &cause), 0);
	assert_int_equal(g.dones, 1);
	assert_string_equal(g.body.s, "line 1\nline 2\n");
	dapi_http_free(d);
	got_free(&g);
}

static void
test_dapi_http_upgrade(void **state)
{
	static const char text[] = "HTTP/1.1 101 UPGRADED\r\n"
	    "Content-Type: application/vnd.docker.raw-stream\r\n"
	    "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n"
	    "\033[2Jprompt> HTTP/1.1 200";
	struct dapi_http	*d;
	struct got		 g;
	char			*cause;
	size_t			 step;
	int			 rc;

	(void)state;
	for (step = 0; step <= 9; step++) {
		d = feed(&g, text, sizeof text - 1, step, &rc, &cause);
		assert_int_equal(rc, 0);
		assert_int_equal(g.heads, 1);
		assert_int_equal(g.dones, 0);
		assert_true(dapi_http_upgraded(d));
		assert_int_equal(dapi_http_status(d), 101);
		assert_string_equal(g.raw.s, "\033[2Jprompt> HTTP/1.1 200");
		assert_int_equal(dapi_http_feed(d, "\r\n", 2, &cause), 0);
		assert_string_equal(g.raw.s,
		    "\033[2Jprompt> HTTP/1.1 200\r\n");
		assert_int_equal(dapi_http_eof(d, &cause), 0);
		dapi_http_free(d);
		got_free(&g);
	}
}

static void
test_dapi_http_refused(void **state)
{
	struct dapi_http	*d;
	struct got		 g;
	char			*cause, *big;
	int			 rc;

	(void)state;
	d = feed(&g, "SSH-2.0-OpenSSH_9.2\r\n", 21, 0, &rc, &cause);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(cause, "not HTTP"));
	free(cause);
	/* Once refused, always refused. */
	assert_int_equal(dapi_http_feed(d, "HTTP/1.1 200 OK\r\n", 17,
	    &cause), -1);
	free(cause);
	dapi_http_free(d);
	got_free(&g);

	/* A head past the bound. */
	big = xmalloc(DAPI_HTTP_HEAD_MAX + 100);
	memset(big, 'a', DAPI_HTTP_HEAD_MAX + 99);
	big[DAPI_HTTP_HEAD_MAX + 99] = '\0';
	memcpy(big, "HTTP/1.1 200 OK\r\nX: ", 20);
	d = feed(&g, big, strlen(big), 4096, &rc, &cause);
	assert_int_equal(rc, -1);
	assert_non_null(cause);
	free(cause);
	dapi_http_free(d);
	got_free(&g);
	free(big);

	/* Cut short, and closed before any answer. */
	d = feed(&g, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 42,
	    0, &rc, &cause);
	assert_int_equal(rc, 0);
	assert_int_equal(dapi_http_eof(d, &cause), -1);
	assert_string_equal(cause, "the answer was cut short");
	free(cause);
	dapi_http_free(d);
	got_free(&g);
	d = dapi_http_new(&got_cb, &g);
	assert_int_equal(dapi_http_eof(d, &cause), -1);
	assert_string_equal(cause, "the stream closed before an answer");
	free(cause);
	dapi_http_free(d);
}

/* Headers past DAPI_HTTP_HEADERS_MAX are read and dropped. */
static void
test_dapi_http_many_headers(void **state)
{
	struct strbuf		 b = { NULL, 0, 0 };
	struct dapi_http	*d;
	struct got		 g;
	char			*cause;
	int			 i, rc;

	(void)state;
	strbuf_add(&b, "HTTP/1.1 404 Not Found\r\n");
	for (i = 0; i < DAPI_HTTP_HEADERS_MAX + 10; i++)
		strbuf_printf(&b, "X-%d: %d\r\n", i, i);
	strbuf_add(&b, "Content-Length: 2\r\n\r\n{}");
	d = feed(&g, b.s, b.len, 0, &rc, &cause);
	assert_int_equal(rc, 0);
	assert_int_equal(dapi_http_status(d), 404);
	assert_string_equal(dapi_http_header(d, "X-0"), "0");
	assert_null(dapi_http_header(d, "X-40"));
	assert_string_equal(g.body.s, "{}");
	dapi_http_free(d);
	got_free(&g);
	free(b.s);
}

static void
test_dapi_http_request(void **state)
{
	char	*s;

	(void)state;
	/* The version in User-Agent is the object's, which an incremental
	 * build may not have rebuilt with this file: not compared. */
	s = dapi_http_request("GET", "/_ping", 0, 0);
	assert_memory_equal(s, "GET /_ping HTTP/1.1\r\nHost: docker\r\n"
	    "User-Agent: sandbox-tui/", 59);
	assert_non_null(strstr(s, "\r\nConnection: close\r\n\r\n"));
	assert_null(strstr(s, "Content-Length"));
	free(s);
	s = dapi_http_request("POST", "/v1.44/containers/x/start", 0, 0);
	assert_non_null(strstr(s, "Content-Length: 0\r\n"));
	free(s);
	s = dapi_http_request("POST", "/v1.44/containers/create", 12, 0);
	assert_non_null(strstr(s, "Content-Type: application/json\r\n"
	    "Content-Length: 12\r\n"));
	free(s);
	s = dapi_http_request("POST", "/v1.44/containers/x/attach", 0, 1);
	assert_non_null(strstr(s, "Connection: Upgrade\r\nUpgrade: tcp\r\n"
	    "\r\n"));
	free(s);
	s = dapi_http_escape("{\"label\":[\"sandbox-tui.agent\"]} é/");
	assert_string_equal(s, "%7B%22label%22%3A%5B%22sandbox-tui.agent"
	    "%22%5D%7D%20%C3%A9%2F");
	free(s);
	s = dapi_http_escape("");
	assert_string_equal(s, "");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dapi_http_length),
		cmocka_unit_test(test_dapi_http_chunked),
		cmocka_unit_test(test_dapi_http_until_close),
		cmocka_unit_test(test_dapi_http_upgrade),
		cmocka_unit_test(test_dapi_http_refused),
		cmocka_unit_test(test_dapi_http_many_headers),
		cmocka_unit_test(test_dapi_http_request),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
