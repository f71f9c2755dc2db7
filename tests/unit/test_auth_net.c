/*
 * Unit tests for the token requests of gcp/auth.c.  They go through the
 * real http.c and loop.c to a small Python server (stdlib only) that this
 * test starts on loopback and that records every request; the tests then
 * check the recorded form bodies and headers, the caching of a token, the
 * metadata server's header and the wording of each failure.  They are
 * skipped when python3 is missing.
 */

#include <sys/stat.h>
#include <sys/wait.h>

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
#include <jansson.h>
#include <openssl/evp.h>

#include "gcp/auth.h"
#include "gcp/auth_private.h"
#include "gcp/http.h"
#include "gcp/loop.h"
#include "tests/unit/test_auth.h"

/*
 * The fake token endpoint and metadata server.  Each request is written
 * to DIR/reqN (method, path, headers, blank line, body).  Paths: /token
 * (an hour's token), /short (a token for 2 s), /bad (400 invalid_grant),
 * /notoken (200 without one) and the metadata token path, which wants the
 * Metadata-Flavor header as the real one does.
 */
static const char test_auth_server_py[] =
"import http.server, json, os, sys, threading\n"
"lock = threading.Lock()\n"
"d = sys.argv[1]\n"
"n = [0]\n"
"class H(http.server.BaseHTTPRequestHandler):\n"
"    protocol_version = 'HTTP/1.1'\n"
"    def log_message(self, *a):\n"
"        pass\n"
"    def reply(self, code, body, ctype='application/json'):\n"
"        if not isinstance(body, str):\n"
"            body = json.dumps(body)\n"
"        b = body.encode()\n"
"        self.send_response(code)\n"
"        self.send_header('Content-Type', ctype)\n"
"        self.send_header('Content-Length', str(len(b)))\n"
"        self.end_headers()\n"
"        self.wfile.write(b)\n"
"    def serve(self, body):\n"
"        with lock:\n"
"            n[0] += 1\n"
"            t = os.path.join(d, 'tmp')\n"
"            with open(t, 'w') as f:\n"
"                f.write(self.command + ' ' + self.path + '\\n' +\n"
"                    str(self.headers) + body)\n"
"            os.rename(t, os.path.join(d, 'req%d' % n[0]))\n"
"        tok = {'access_token': 'tok-%d' % n[0], 'expires_in': 3600,\n"
"            'token_type': 'Bearer'}\n"
"        p = self.path\n"
"        if p == '/token':\n"
"            self.reply(200, tok)\n"
"        elif p == '/short':\n"
"            tok['expires_in'] = 2\n"
"            self.reply(200, tok)\n"
"        elif p == '/bad':\n"
"            self.reply(400, {'error': 'invalid_grant',\n"
"                'error_description': 'Invalid JWT Signature.'})\n"
"        elif p == '/notoken':\n"
"            self.reply(200, {'expires_in': 3600})\n"
"        elif p.endswith('/service-accounts/default/token'):\n"
"            if self.headers.get('Metadata-Flavor') != 'Google':\n"
"                self.reply(403, 'Missing Metadata-Flavor:Google header.',\n"
"                    'text/plain')\n"
"            else:\n"
"                self.reply(200, tok)\n"
"        else:\n"
"            self.reply(404, 'Not Found\\n', 'text/plain')\n"
"    def do_GET(self):\n"
"        self.serve('')\n"
"    def do_POST(self):\n"
"        k = int(self.headers.get('Content-Length', '0'))\n"
"        self.serve(self.rfile.read(k).decode())\n"
"s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)\n"
"print(s.server_address[1], flush=True)\n"
"s.serve_forever()\n";

/* The fake server of the network group. */
struct test_auth_server {
	pid_t	 pid;
	int	 port;
	char	*dir;
};

/* What a token callback saw. */
struct test_auth_got {
	int	 calls;
	char	*token;
	char	*error;
	struct auth *free_me;
};

static int
test_auth_server_up(void **state)
{
	struct test_auth_server	*s = calloc(1, sizeof *s);
	int			 fds[2];
	char			 buf[32];
	ssize_t			 n;
	size_t			 len = 0;

	assert_non_null(s);
	s->dir = test_auth_tmpdir();
	assert_int_equal(pipe(fds), 0);
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execlp("python3", "python3", "-c", test_auth_server_py,
		    s->dir, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	while (len < sizeof buf - 1 &&
	    (n = read(fds[0], buf + len, sizeof buf - 1 - len)) > 0) {
		len += n;
		if (memchr(buf, '\n', len) != NULL)
			break;
	}
	close(fds[0]);
	buf[len] = '\0';
	s->port = atoi(buf);
	*state = s;
	return 0;
}

static int
test_auth_server_down(void **state)
{
	struct test_auth_server	*s = *state;

	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
	}
	test_auth_rmtree(s->dir);
	free(s->dir);
	free(s);
	return 0;
}

/* Skips a test when the fake server could not start. */
static struct test_auth_server *
test_auth_server(void **state)
{
	struct test_auth_server	*s = *state;

	if (s->port <= 0)
		skip();
	return s;
}

/* Recorded requests so far. */
static int
test_auth_requests(struct test_auth_server *s)
{
	char	*p;
	int	 n;

	for (n = 0;; n++) {
		assert_true(asprintf(&p, "%s/req%d", s->dir, n + 1) > 0);
		if (access(p, F_OK) != 0) {
			free(p);
			return n;
		}
		free(p);
	}
}

/* Request n as recorded (caller frees). */
static char *
test_auth_request(struct test_auth_server *s, int n)
{
	char	*p, *text;
	FILE	*f;
	long	 len;

	assert_true(asprintf(&p, "%s/req%d", s->dir, n) > 0);
	f = fopen(p, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = calloc(1, len + 1);
	assert_int_equal(fread(text, 1, len, f), (size_t)len);
	fclose(f);
	free(p);
	return text;
}

static void
test_auth_cb(const char *token, const char *error, void *arg)
{
	struct test_auth_got	*g = arg;

	g->calls++;
	free(g->token);
	free(g->error);
	g->token = token != NULL ? strdup(token) : NULL;
	g->error = error != NULL ? strdup(error) : NULL;
	if (g->free_me != NULL) {
		auth_free(g->free_me);
		g->free_me = NULL;
	}
}

static void
test_auth_got_clear(struct test_auth_got *g)
{
	free(g->token);
	free(g->error);
	memset(g, 0, sizeof *g);
}

static void
test_auth_noop(void *arg)
{
	(void)arg;
}

/* Runs the loop until *calls reaches n, for at most 10 s. */
static void
test_auth_run(struct loop *l, const int *calls, int n)
{
	int64_t	end = loop_now() + 10000;

	while (*calls < n) {
		assert_true(loop_now() < end);
		loop_timer_add(l, 50, test_auth_noop, NULL);
		assert_int_equal(loop_once(l), 0);
	}
}

/* Credentials in a key file pointing at the fake server's path. */
static struct auth *
test_auth_at(struct test_auth_server *s, struct http *h, const char *file,
    int user, const char *path, char **pem, EVP_PKEY **pkey, char **uri)
{
	char		*text, *cause = NULL;
	struct auth	*a;

	assert_true(asprintf(uri, "http://127.0.0.1:%d%s", s->port, path) > 0);
	if (user)
		text = test_auth_user_json(*uri);
	else {
		*pkey = test_auth_rsa(pem);
		text = test_auth_sa_json(*pem, *uri);
	}
	test_auth_write(file, text, 0600);
	free(text);
	test_auth_setenv("GOOGLE_APPLICATION_CREDENTIALS", file);
	a = auth_new(h, &cause);
	assert_null(cause);
	assert_non_null(a);
	return a;
}

/* The URL-decoded value of name in a form body (caller frees). */
static char *
test_auth_form(const char *body, const char *name)
{
	size_t	 nlen = strlen(name), i, o = 0;
	char	*out, hex[3] = "";
	const char *p = body;

	for (;;) {
		if (strncmp(p, name, nlen) == 0 && p[nlen] == '=')
			break;
		p = strchr(p, '&');
		if (p == NULL)
			fail_msg("%s not in %s", name, body);
		p++;
	}
	p += nlen + 1;
	out = calloc(1, strlen(p) + 1);
	for (i = 0; p[i] != '\0' && p[i] != '&'; i++) {
		if (p[i] == '%') {
			hex[0] = p[i + 1];
			hex[1] = p[i + 2];
			out[o++] = (char)strtol(hex, NULL, 16);
			i += 2;
		} else {
			assert_null(strchr("+ /:=", p[i]));
			out[o++] = p[i];
		}
	}
	return out;
}

static void
test_auth_net_service_account(void **state)
{
	struct test_auth_server	*s = test_auth_server(state);
	struct loop		*l = loop_new();
	struct http		*h = http_new(l);
	struct test_auth_got	 g1 = { 0 }, g2 = { 0 }, g3 = { 0 }, g4 = { 0 };
	char			*file = test_auth_path(s->dir, "sa.json");
	char			*pem, *uri, *req, *body, *v;
	const char		*want;
	EVP_PKEY		*pkey;
	struct auth		*a;
	int			 before = test_auth_requests(s);
	uint64_t		 id2;

	a = test_auth_at(s, h, file, 0, "/token", &pem, &pkey, &uri);
	/* Three callers while one request runs; one of them gives up. */
	assert_int_not_equal(auth_token(a, test_auth_cb, &g1), 0);
	id2 = auth_token(a, test_auth_cb, &g2);
	auth_token(a, test_auth_cb, &g3);
	assert_int_equal(g1.calls + g2.calls + g3.calls, 0);
	auth_cancel(a, id2);
	test_auth_run(l, &g3.calls, 1);
	assert_int_equal(g1.calls, 1);
	assert_int_equal(g2.calls, 0);
	assert_null(g1.error);
	assert_non_null(g1.token);
	assert_string_equal(g1.token, g3.token);
	assert_int_equal(test_auth_requests(s), before + 1);

	req = test_auth_request(s, before + 1);
	assert_true(strncmp(req, "POST /token\n", 12) == 0);
	assert_non_null(strstr(req, "Content-Type: "
	    "application/x-www-form-urlencoded\n"));
	body = strstr(req, "\n\n") + 2;
	want = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3A"
	    "jwt-bearer&assertion=";
	if (strncmp(body, want, strlen(want)) != 0)
		fail_msg("body %s", body);
	v = test_auth_form(body, "assertion");
	test_auth_check_jwt(v, pkey, uri, 0);
	free(v);
	free(req);

	/* Cached: answered before auth_token returns, no new request. */
	auth_token(a, test_auth_cb, &g4);
	assert_int_equal(g4.calls, 1);
	assert_string_equal(g4.token, g1.token);
	assert_int_equal(test_auth_requests(s), before + 1);

	/* Forgotten after a 401: the next call fetches again. */
	auth_invalidate(a);
	auth_token(a, test_auth_cb, &g4);
	assert_int_equal(g4.calls, 1);
	test_auth_run(l, &g4.calls, 2);
	assert_string_not_equal(g4.token, g1.token);
	assert_int_equal(test_auth_requests(s), before + 2);

	auth_free(a);
	http_free(h);
	loop_free(l);
	test_auth_got_clear(&g1);
	test_auth_got_clear(&g2);
	test_auth_got_clear(&g3);
	test_auth_got_clear(&g4);
	unlink(file);
	free(file);
	free(uri);
	free(pem);
	EVP_PKEY_free(pkey);
}

static void
test_auth_net_user(void **state)
{
	struct test_auth_server	*s = test_auth_server(state);
	struct loop		*l = loop_new();
	struct http		*h = http_new(l);
	struct test_auth_got	 g = { 0 };
	char			*file = test_auth_path(s->dir, "user.json");
	char			*uri, *req, *body, *v;
	struct auth		*a;
	int			 before = test_auth_requests(s);

	a = test_auth_at(s, h, file, 1, "/short", NULL, NULL, &uri);
	auth_token(a, test_auth_cb, &g);
	test_auth_run(l, &g.calls, 1);
	assert_null(g.error);
	req = test_auth_request(s, before + 1);
	body = strstr(req, "\n\n") + 2;
	v = test_auth_form(body, "grant_type");
	assert_string_equal(v, "refresh_token");
	free(v);
	v = test_auth_form(body, "client_id");
	assert_string_equal(v, "cid.apps");
	free(v);
	v = test_auth_form(body, "client_secret");
	assert_string_equal(v, TEST_AUTH_CSECRET);
	free(v);
	v = test_auth_form(body, "refresh_token");
	assert_string_equal(v, TEST_AUTH_REFRESH);
	free(v);
	free(req);

	/* A 2 s token is kept for half its life, not until 5 min before. */
	auth_token(a, test_auth_cb, &g);
	assert_int_equal(g.calls, 2);
	assert_int_equal(test_auth_requests(s), before + 1);
	usleep(1100 * 1000);
	auth_token(a, test_auth_cb, &g);
	assert_int_equal(g.calls, 2);
	test_auth_run(l, &g.calls, 3);
	assert_null(g.error);
	assert_int_equal(test_auth_requests(s), before + 2);

	auth_free(a);
	http_free(h);
	loop_free(l);
	test_auth_got_clear(&g);
	unlink(file);
	free(file);
	free(uri);
}

static void
test_auth_net_metadata(void **state)
{
	struct test_auth_server	*s = test_auth_server(state);
	struct loop		*l = loop_new();
	struct http		*h = http_new(l);
	struct test_auth_got	 g = { 0 };
	char			*host, *req, *cause = NULL;
	struct auth		*a;
	int			 before = test_auth_requests(s);

	test_auth_setenv("GOOGLE_APPLICATION_CREDENTIALS", NULL);
	test_auth_setenv("CLOUDSDK_CONFIG", s->dir);
	assert_true(asprintf(&host, "127.0.0.1:%d", s->port) > 0);
	test_auth_setenv("GCE_METADATA_HOST", host);
	a = auth_new(h, &cause);
	assert_non_null(a);
	assert_int_equal(auth_kind(a), AUTH_METADATA);
	auth_token(a, test_auth_cb, &g);
	test_auth_run(l, &g.calls, 1);
	assert_null(g.error);
	assert_non_null(g.token);
	req = test_auth_request(s, before + 1);
	assert_true(strncmp(req, "GET /computeMetadata/v1/instance/"
	    "service-accounts/default/token\n", 58) == 0);
	assert_non_null(strstr(req, "Metadata-Flavor: Google\n"));
	free(req);
	auth_free(a);
	test_auth_setenv("GCE_METADATA_HOST", NULL);

	http_free(h);
	loop_free(l);
	test_auth_got_clear(&g);
	free(host);
}

static void
test_auth_net_errors(void **state)
{
	struct test_auth_server	*s = test_auth_server(state);
	struct loop		*l = loop_new();
	struct http		*h = http_new(l);
	struct test_auth_got	 g = { 0 }, g2 = { 0 };
	char			*file = test_auth_path(s->dir, "bad.json");
	char			*pem, *uri, *want, *cause = NULL;
	const char		*prefix;
	EVP_PKEY		*pkey;
	struct auth		*a;

	a = test_auth_at(s, h, file, 0, "/bad", &pem, &pkey, &uri);
	auth_token(a, test_auth_cb, &g);
	test_auth_run(l, &g.calls, 1);
	assert_null(g.token);
	assert_true(asprintf(&want, "cannot get an access token from the "
	    "token endpoint 127.0.0.1:%d: HTTP 400 invalid_grant: Invalid JWT "
	    "Signature. (the key may have been deleted or disabled)",
	    s->port) > 0);
	assert_string_equal(g.error, want);
	free(want);
	auth_free(a);
	free(pem);
	EVP_PKEY_free(pkey);
	free(uri);

	/* The user's refresh token was revoked. */
	a = test_auth_at(s, h, file, 1, "/bad", NULL, NULL, &uri);
	auth_token(a, test_auth_cb, &g);
	test_auth_run(l, &g.calls, 2);
	assert_non_null(strstr(g.error, "HTTP 400 invalid_grant: Invalid JWT "
	    "Signature. (run `gcloud auth application-default login` "
	    "again)"));
	assert_null(strstr(g.error, "SECRET"));
	auth_free(a);
	free(uri);

	/* 200 but no token. */
	a = test_auth_at(s, h, file, 1, "/notoken", NULL, NULL, &uri);
	auth_token(a, test_auth_cb, &g);
	test_auth_run(l, &g.calls, 3);
	assert_true(asprintf(&want, "cannot get an access token from the "
	    "token endpoint 127.0.0.1:%d: HTTP 200 without an access_token",
	    s->port) > 0);
	assert_string_equal(g.error, want);
	free(want);
	auth_free(a);
	free(uri);

	/* Nobody listening: the transport error, after http's retries. */
	http_set_retry(h, 1, 1, 1, 1);
	test_auth_write(file, "{\"type\": \"authorized_user\", "
	    "\"client_id\": \"c\", \"client_secret\": \"s\", "
	    "\"refresh_token\": \"r\", "
	    "\"token_uri\": \"http://127.0.0.1:1/token\"}", 0600);
	a = auth_new(h, &cause);
	assert_non_null(a);
	auth_token(a, test_auth_cb, &g);
	test_auth_run(l, &g.calls, 4);
	prefix = "cannot get an access token from the token endpoint "
	    "127.0.0.1:1: ";
	if (strncmp(g.error, prefix, strlen(prefix)) != 0)
		fail_msg("got %s", g.error);

	/* A callback that frees the auth while others still wait. */
	auth_invalidate(a);
	g.free_me = a;
	auth_token(a, test_auth_cb, &g);
	auth_token(a, test_auth_cb, &g2);
	test_auth_run(l, &g.calls, 5);
	assert_null(g.free_me);
	assert_int_equal(g2.calls, 0);

	http_free(h);
	loop_free(l);
	test_auth_got_clear(&g);
	test_auth_got_clear(&g2);
	unlink(file);
	free(file);
}


/* The server's words in an error sentence are echoed (config/echo.h). */
static void
test_auth_error_echo(void **state)
{
	static const struct {
		int		 kind;
		long		 status;
		const char	*body;
		const char	*want;
	} cases[] = {
		{ AUTH_SERVICE_ACCOUNT, 400, "{\"error\":\"bad\\u001b[2J\","
		    "\"error_description\":\"line\\none\\u0007\"}",
		    "cannot get an access token from the token endpoint h: "
		    "HTTP 400 bad\\x1b[2J: line\\x0aone\\x07" },
		{ AUTH_SERVICE_ACCOUNT, 403, "{\"error\":{\"status\":"
		    "\"PERMISSION_DENIED\",\"message\":"
		    "\"caf\xc3\xa9 \\u009b\"}}",
		    "cannot get an access token from the token endpoint h: "
		    "HTTP 403 PERMISSION_DENIED: caf\xc3\xa9 \\xc2\\x9b" },
		/* The metadata server's first line, bad bytes and all. */
		{ AUTH_METADATA, 500, "no\033]0;x\a \xff\r\nsecond line",
		    "cannot get an access token from the metadata server h: "
		    "HTTP 500 no\\x1b]0;x\\x07 \\xff" },
	};
	struct auth		a;
	struct http_response	r;
	size_t			i;
	char			*text;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(&a, 0, sizeof a);
		memset(&r, 0, sizeof r);
		a.kind = cases[i].kind;
		a.host = (char *)"h";
		r.status = cases[i].status;
		r.body = cases[i].body;
		r.len = strlen(cases[i].body);
		text = auth_fetch_error(&a, &r);
		assert_string_equal(text, cases[i].want);
		free(text);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auth_net_service_account),
		cmocka_unit_test(test_auth_net_user),
		cmocka_unit_test(test_auth_net_metadata),
		cmocka_unit_test(test_auth_net_errors),
		cmocka_unit_test(test_auth_error_echo),
	};
	char	*dir = test_auth_env();
	int	 rc;

	/* The user's own credentials must not leak into the tests. */
	signal(SIGPIPE, SIG_IGN);
	rc = cmocka_run_group_tests(tests, test_auth_server_up,
	    test_auth_server_down);
	test_auth_rmtree(dir);
	free(dir);
	return rc;
}
