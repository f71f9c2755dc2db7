/*
 * What the gcp/http.c unit tests share: a scripted HTTP server on
 * 127.0.0.1 (a python3 child, ended when the group ends), a loop and http
 * object fresh for each test, and a callback that records what it saw
 * and may then start, cancel or free.  Include after cmocka.h.
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
#ifndef SANDBOX_TUI_TEST_HTTP_H
#define SANDBOX_TUI_TEST_HTTP_H

#include <sys/wait.h>

#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static inline char *
test_http_url(struct test_http_env *env, const char *path)
{
	snprintf(env->url, sizeof env->url, "http://127.0.0.1:%d%s",
	    env->port, path);
	return env->url;
}

static inline void
test_http_noop(void *arg)
{
	(void)arg;
}

static inline void
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

static inline void
test_http_clear(struct test_http_result *res)
{
	free(res->body);
	free(res->error);
	free(res->retry_after);
	res->body = res->error = res->retry_after = NULL;
	res->called = 0;
}

/* Runs the loop until res was called back, failing after limit_ms. */
static inline void
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
static inline void
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

static inline uint64_t
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
static inline int
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

static inline int
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

static inline int
test_http_group_teardown(void **state)
{
	struct test_http_env	*env = *state;

	close(env->to_server);
	kill(env->pid, SIGTERM);
	waitpid(env->pid, NULL, 0);
	free(env);
	return 0;
}

static inline int
test_http_setup(void **state)
{
	struct test_http_env	*env = *state;

	env->loop = loop_new();
	env->http = http_new(env->loop);
	return 0;
}

static inline int
test_http_teardown(void **state)
{
	struct test_http_env	*env = *state;

	http_free(env->http);
	env->http = NULL;
	loop_free(env->loop);
	env->loop = NULL;
	return 0;
}

#endif
