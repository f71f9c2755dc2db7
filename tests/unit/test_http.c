/*
 * Unit tests for gcp/http.c against a scripted HTTP server on 127.0.0.1 (a
 * python3 child, ended when the tests end), driven by the real event loop:
 * bodies and headers both ways, retries on 503 and 429 with Retry-After,
 * the attempt and total-time bounds, transport errors (refused, timed out,
 * dropped, unresolvable, oversized), cancelling, callbacks that start,
 * cancel or free, and idleness once nothing is in flight.
 *
 * The server picks its answer from the path; counters are per path, so
 * each test uses paths of its own:
 *   /ok                 200 "hello"
 *   /echo               200, the request line, headers and body
 *   /flaky/N/KEY        503 "busy" N times, then 200
 *   /always/CODE/KEY    CODE
 *   /ra/N/KEY           429 with Retry-After: 1 N times, then 200
 *   /drop/N/KEY         closes the connection unanswered N times, then 200
 *   /slow/SECONDS       200 after a pause
 *   /big                33 MiB
 *   /count/PATH         how often PATH was asked for
 */

#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>

#include <poll.h>
#include <setjmp.h>
#include <signal.h>
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

static const char test_http_server[] =
"import os, sys, threading, time\n"
"from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer\n"
"counts = {}\n"
"lock = threading.Lock()\n"
"class H(BaseHTTPRequestHandler):\n"
"    protocol_version = 'HTTP/1.1'\n"
"    def log_message(self, *a):\n"
"        pass\n"
"    def reply(self, code, body, extra=()):\n"
"        if isinstance(body, str):\n"
"            body = body.encode('latin-1')\n"
"        self.send_response(code)\n"
"        for k, v in extra:\n"
"            self.send_header(k, v)\n"
"        self.send_header('Content-Length', str(len(body)))\n"
"        self.end_headers()\n"
"        if self.command != 'HEAD':\n"
"            self.wfile.write(body)\n"
"    def any(self):\n"
"        n = int(self.headers.get('Content-Length') or 0)\n"
"        body = self.rfile.read(n) if n else b''\n"
"        with lock:\n"
"            c = counts.get(self.path, 0) + 1\n"
"            counts[self.path] = c\n"
"        p = self.path.strip('/').split('/')\n"
"        k = p[0]\n"
"        if k == 'ok':\n"
"            self.reply(200, 'hello')\n"
"        elif k == 'echo':\n"
"            self.reply(200, self.requestline + '\\n' + str(self.headers)\n"
"                + body.decode('latin-1'))\n"
"        elif k == 'flaky':\n"
"            if c <= int(p[1]):\n"
"                self.reply(503, 'busy')\n"
"            else:\n"
"                self.reply(200, 'fine')\n"
"        elif k == 'always':\n"
"            self.reply(int(p[1]), 'status ' + p[1])\n"
"        elif k == 'ra':\n"
"            if c <= int(p[1]):\n"
"                self.reply(429, 'slow down', [('Retry-After', '1')])\n"
"            else:\n"
"                self.reply(200, 'done')\n"
"        elif k == 'drop':\n"
"            if c <= int(p[1]):\n"
"                self.close_connection = True\n"
"                return\n"
"            self.reply(200, 'survived')\n"
"        elif k == 'slow':\n"
"            time.sleep(float(p[1]))\n"
"            self.reply(200, 'late')\n"
"        elif k == 'big':\n"
"            self.reply(200, b'x' * (33 << 20))\n"
"        elif k == 'count':\n"
"            with lock:\n"
"                self.reply(200, str(counts.get('/' + '/'.join(p[1:]), 0)))\n"
"        else:\n"
"            self.reply(404, 'no such path')\n"
"    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = any\n"
"class S(ThreadingHTTPServer):\n"
"    daemon_threads = True\n"
"    def handle_error(self, request, address):\n"
"        pass\n"
"def watch():\n"
"    sys.stdin.buffer.read()\n"
"    os._exit(0)\n"
"srv = S(('127.0.0.1', 0), H)\n"
"threading.Thread(target=watch, daemon=True).start()\n"
"print(srv.server_address[1], flush=True)\n"
"srv.serve_forever()\n";

/* The server, and a loop and http object fresh for each test. */
struct test_http_env {
	pid_t		 pid;
	int		 port;
	int		 to_server;	/* closing it ends the server */
	struct loop	*loop;
	struct http	*http;
	char		 url[256];	/* the last test_http_url() */
};

/* What a callback saw, and what it should do next. */
struct test_http_result {
	struct test_http_env	*env;
	int			 called;
	long			 status;
	char			*body;
	size_t			 len;
	char			*error;
	char			*retry_after;
	int			 attempts;
	int64_t			 when;

	uint64_t		 cancel_id;	/* cancel this one */
	const char		*then_url;	/* then GET this */
	struct test_http_result	*then_result;
	int			 free_http;
};

static char *
test_http_url(struct test_http_env *env, const char *path)
{
	snprintf(env->url, sizeof env->url, "http://127.0.0.1:%d%s",
	    env->port, path);
	return env->url;
}

static void
test_http_noop(void *arg)
{
	(void)arg;
}

static void
test_http_cb(const struct http_response *r, void *arg)
{
	struct test_http_result	*res = arg;
	struct test_http_env	*env = res->env;
	struct http_request	 req = { 0 };

	res->called++;
	res->status = r->status;
	res->len = r->len;
	res->body = malloc(r->len + 1);
	assert_non_null(res->body);
	memcpy(res->body, r->body, r->len + 1);
	res->error = r->error != NULL ? strdup(r->error) : NULL;
	res->retry_after = r->retry_after != NULL ? strdup(r->retry_after) :
	    NULL;
	res->attempts = r->attempts;
	res->when = loop_now();

	if (res->cancel_id != 0)
		http_cancel(env->http, res->cancel_id);
	if (res->then_url != NULL) {
		req.method = "GET";
		req.url = res->then_url;
		assert_int_not_equal(http_request(env->http, &req, test_http_cb,
		    res->then_result), 0);
	}
	if (res->free_http) {
		http_free(env->http);
		env->http = NULL;
	}
}

static void
test_http_clear(struct test_http_result *res)
{
	free(res->body);
	free(res->error);
	free(res->retry_after);
	res->body = res->error = res->retry_after = NULL;
	res->called = 0;
}

/* Runs the loop until res was called back, failing after limit_ms. */
static void
test_http_wait(struct test_http_env *env, struct test_http_result *res,
    int64_t limit_ms)
{
	int64_t		end = loop_now() + limit_ms;
	uint64_t	guard;

	/* So that a stuck loop_once() returns and the test fails instead. */
	guard = loop_timer_add(env->loop, limit_ms, test_http_noop, NULL);
	while (!res->called) {
		assert_true(loop_now() <= end);
		assert_int_equal(loop_once(env->loop), 0);
	}
	loop_timer_cancel(env->loop, guard);
}

/* Runs the loop for ms whatever happens. */
static void
test_http_run_for(struct test_http_env *env, int64_t ms)
{
	int	done = 0;
	int64_t	end = loop_now() + ms;

	loop_timer_add(env->loop, ms, test_http_noop, NULL);
	while (!done) {
		assert_int_equal(loop_once(env->loop), 0);
		done = loop_now() >= end;
	}
}

static uint64_t
test_http_get(struct test_http_env *env, const char *path, int retry,
    struct test_http_result *res)
{
	struct http_request	req = { 0 };

	memset(res, 0, sizeof *res);
	res->env = env;
	req.method = "GET";
	req.url = test_http_url(env, path);
	req.retry = retry;
	return http_request(env->http, &req, test_http_cb, res);
}

/* How often the server was asked for path (through a fresh http object). */
static int
test_http_count(struct test_http_env *env, const char *path)
{
	struct test_http_result	 res;
	struct http		*saved = env->http;
	char			 p[128];
	int			 n;

	env->http = http_new(env->loop);
	snprintf(p, sizeof p, "/count%s", path);
	test_http_get(env, p, 0, &res);
	test_http_wait(env, &res, 5000);
	assert_int_equal(res.status, 200);
	n = atoi(res.body);
	test_http_clear(&res);
	http_free(env->http);
	env->http = saved;
	return n;
}

static int
test_http_group_setup(void **state)
{
	struct test_http_env	*env = calloc(1, sizeof *env);
	int			 in[2], out[2];
	char			 line[32];
	size_t			 len = 0;
	struct pollfd		 pfd;
	ssize_t			 n;

	if (env == NULL || pipe(in) != 0 || pipe(out) != 0)
		return -1;
	/* The test talks to loopback directly, whatever the environment says. */
	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("ALL_PROXY");
	unsetenv("all_proxy");
	if ((env->pid = fork()) < 0)
		return -1;
	if (env->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		execlp("python3", "python3", "-c", test_http_server, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	env->to_server = in[1];
	pfd.fd = out[0];
	pfd.events = POLLIN;
	while (len < sizeof line - 1 && memchr(line, '\n', len) == NULL) {
		if (poll(&pfd, 1, 10000) != 1)
			break;
		if ((n = read(out[0], line + len, sizeof line - 1 - len)) <= 0)
			break;
		len += (size_t)n;
	}
	close(out[0]);
	line[len] = '\0';
	env->port = atoi(line);
	if (env->port <= 0)
		return -1;
	*state = env;
	return 0;
}

static int
test_http_group_teardown(void **state)
{
	struct test_http_env	*env = *state;

	close(env->to_server);
	kill(env->pid, SIGTERM);
	waitpid(env->pid, NULL, 0);
	free(env);
	return 0;
}

static int
test_http_setup(void **state)
{
	struct test_http_env	*env = *state;

	env->loop = loop_new();
	env->http = http_new(env->loop);
	return 0;
}

static int
test_http_teardown(void **state)
{
	struct test_http_env	*env = *state;

	http_free(env->http);
	env->http = NULL;
	loop_free(env->loop);
	env->loop = NULL;
	return 0;
}

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
		cmocka_unit_test_setup_teardown(test_http_get_ok,
		    test_http_setup, test_http_teardown),
		cmocka_unit_test_setup_teardown(test_http_post_headers,
		    test_http_setup, test_http_teardown),
		cmocka_unit_test_setup_teardown(test_http_methods,
		    test_http_setup, test_http_teardown),
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
