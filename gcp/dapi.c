/*
 * The Engine API client (see dapi.h).  A request waits until the first one
 * of the client, a ping, has settled the version and the transport; then
 * each runs on its own stream: the request head and body are written at
 * once, the answer is read by dapi_http.c into a bounded buffer, and the
 * stream's end (dockerd closes after each answer) finishes it.  Callbacks
 * come from the loop only: a request that fails before it starts is
 * reported from a 0 ms timer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config/echo.h"
#include "config/shquote.h"
#include "config/strbuf.h"
#include "config/xmalloc.h"
#include "gcp/conn.h"
#include "gcp/dapi.h"
#include "gcp/dapi_http.h"
#include "gcp/loop.h"

/* How long dockerd may take to answer: the ping, and any other request
 * (streams have no bound). */
#define DAPI_PING_MS	20000
#define DAPI_CALL_MS	60000

/* The most of dockerd's message shown in an error. */
#define DAPI_ECHO_MAX	300

enum dapi_state {
	DAPI_UNKNOWN,		/* nothing asked yet */
	DAPI_PINGING,
	DAPI_READY,
	DAPI_FAILED,		/* the last ping failed; the next call pings */
};

struct dapi_req {
	struct dapi		*d;
	struct dapi_req		*next;
	char			*method, *path, *body;
	dapi_cb			 cb;
	void			*arg;
	int			 ping;
	int			 doomed;	/* fails with the ping */
	struct loop		*loop;
	uint64_t		 timer;		/* no answer in time */
	int			 reading;	/* inside dapi_http_feed/_eof */
	int			 complete;	/* the answer is whole */
	int			 cancelled;	/* free once reading ends */
	/* A stream: body bytes go to data() as they come, end() once. */
	void			(*data)(const char *, size_t, void *);
	void			(*end)(const char *error, void *);

	struct chan		*chan;
	struct dapi_http	*http;
	struct strbuf		 resp;
	char			*error;
	int			 finished;
};

struct dapi {
	struct loop		*loop;
	struct conn		*conn;
	char			*socket;
	enum dapi_state		 state;
	enum dapi_transport	 transport;
	char			 version[16];
	char			*describe;
	char			*error;		/* DAPI_FAILED: why */
	char			*socket_error;	/* why the socket was not used */
	char			*dial;		/* the dial-stdio command */
	struct dapi_req		*reqs;		/* waiting and running */
	uint64_t		 fail_timer;
};

static void	dapi_start(struct dapi_req *);
static void	dapi_ping(struct dapi *);
static struct dapi_req *dapi_req_new(struct dapi *, const char *,
		    const char *, const char *, dapi_cb, void *);

static int
dapi_parse_version(const char *s, long *major, long *minor)
{
	char	*end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	*major = strtol(s, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		return -1;
	*minor = strtol(end + 1, &end, 10);
	if (*end != '\0' || *major > 99 || *minor > 999)
		return -1;
	return 0;
}

int
dapi_negotiate(const char *theirs, char *out, size_t size)
{
	long	tm, tn, om, on, lm, ln;

	if (dapi_parse_version(theirs, &tm, &tn) != 0)
		return -1;
	dapi_parse_version(DAPI_VERSION_MAX, &om, &on);
	dapi_parse_version(DAPI_VERSION_MIN, &lm, &ln);
	if (tm < lm || (tm == lm && tn < ln))
		return -1;
	if (tm > om || (tm == om && tn > on)) {
		tm = om;
		tn = on;
	}
	snprintf(out, size, "%ld.%ld", tm, tn);
	return 0;
}

static void
dapi_req_free(struct dapi_req *r)
{
	loop_timer_cancel(r->loop, r->timer);
	if (r->chan != NULL)
		chan_close(r->chan);
	dapi_http_free(r->http);
	free(r->method);
	free(r->path);
	free(r->body);
	free(r->resp.s);
	free(r->error);
	free(r);
}

static void
dapi_unlink(struct dapi_req *r)
{
	struct dapi_req	**pp;

	for (pp = &r->d->reqs; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == r) {
			*pp = r->next;
			return;
		}
	}
}

/* dockerd's {"message": ...}, or the body's start. */
static char *
dapi_message(const char *body, size_t len)
{
	json_t		*j = json_loadb(body, len, 0, NULL);
	const char	*m;
	char		*s;

	m = json_string_value(json_object_get(j, "message"));
	if (m != NULL)
		s = echo_text(m, DAPI_ECHO_MAX);
	else
		s = echo_textn(body, len, DAPI_ECHO_MAX);
	json_decref(j);
	return s;
}

/* The ping's answer settles the version, or why there is none. */
static void
dapi_settle(struct dapi *d, struct dapi_req *r, const struct dapi_result *res)
{
	const char	*theirs;

	free(d->error);
	d->error = NULL;
	if (res->error != NULL && d->socket_error != NULL)
		/* Both ways failed; libssh's words for the first add
		 * nothing ("open failed"), so say what it can mean. */
		d->error = xasprintf("cannot reach dockerd on %s: the SSH "
		    "server did not open the socket %s (docker not running "
		    "there, no permission on it, or AllowStreamLocalForwarding "
		    "no), and %s", conn_describe(d->conn), d->socket,
		    res->error);
	else if (res->error != NULL)
		d->error = xasprintf("cannot reach dockerd on %s (%s): %s",
		    conn_describe(d->conn), d->describe, res->error);
	else if (res->status != 200)
		d->error = xasprintf("dockerd on %s (%s): /_ping answered %d",
		    conn_describe(d->conn), d->describe, res->status);
	else {
		theirs = dapi_http_header(r->http, "API-Version");
		if (dapi_negotiate(theirs, d->version, sizeof d->version) != 0) {
			char *shown = echo_text(theirs != NULL ? theirs :
			    "no version", 32);

			d->error = xasprintf("dockerd on %s speaks API %s; "
			    "sandbox-tui needs %s or later (docker 20.10)",
			    conn_describe(d->conn), shown, DAPI_VERSION_MIN);
			free(shown);
		}
	}
	d->state = d->error != NULL ? DAPI_FAILED : DAPI_READY;
}

/* Reports r once and frees it. */
static void
dapi_finish(struct dapi_req *r, const char *error)
{
	struct dapi_result	 res;
	char			*why = NULL;

	if (r->finished)
		return;
	r->finished = 1;
	dapi_unlink(r);
	loop_timer_cancel(r->loop, r->timer);
	r->timer = 0;
	if (r->chan != NULL) {
		chan_close(r->chan);
		r->chan = NULL;
	}
	memset(&res, 0, sizeof res);
	res.status = r->http != NULL ? dapi_http_status(r->http) : 0;
	res.body = r->resp.s != NULL ? r->resp.s : "";
	res.len = r->resp.len;
	if (error != NULL)
		res.error = error;
	else if (res.status >= 400) {
		why = dapi_message(res.body, res.len);
		res.error = why;
	}
	if (r->ping)
		dapi_settle(r->d, r, &res);
	if (r->end != NULL)
		r->end(res.error, r->arg);
	else
		r->cb(&res, r->arg);
	free(why);
	dapi_req_free(r);
}

static void
dapi_body(const char *buf, size_t len, void *arg)
{
	struct dapi_req	*r = arg;

	/* Cancelled from an earlier data() of this same read. */
	if (r->error != NULL || r->cancelled || r->finished)
		return;
	/* A stream's answer passes through, after a good head only. */
	if (r->data != NULL && dapi_http_status(r->http) < 300) {
		r->data(buf, len, r->arg);
		return;
	}
	if (r->resp.len + len > DAPI_BODY_MAX) {
		r->error = xasprintf("dockerd's answer to %s %s is larger "
		    "than %u MiB", r->method, r->path, DAPI_BODY_MAX >> 20);
		/* Reported once the reader returns; the rest is not read. */
		r->complete = 1;
		return;
	}
	strbuf_addn(&r->resp, buf, len);
}

/* Inside http_parser: only note it; the reader is freed after. */
static void
dapi_done(void *arg)
{
	struct dapi_req	*r = arg;

	r->complete = 1;
}

/*
 * After the reader returned: a request cancelled from a stream's data()
 * is freed now, a complete one reported.  Returns 1 if r is gone.
 */
static int
dapi_after_read(struct dapi_req *r)
{
	r->reading = 0;
	if (r->cancelled) {
		dapi_req_free(r);
		return 1;
	}
	if (r->complete) {
		dapi_finish(r, r->error);
		return 1;
	}
	return 0;
}

static void
dapi_data(struct chan *ch, const char *buf, size_t len, void *arg)
{
	struct dapi_req	*r = arg;
	char		*cause = NULL, *msg;
	int		 rc;

	(void)ch;
	r->reading = 1;
	rc = dapi_http_feed(r->http, buf, len, &cause);
	if (dapi_after_read(r)) {
		free(cause);
		return;
	}
	if (rc != 0) {
		msg = xasprintf("%s from %s: %s", r->d->describe,
		    conn_describe(r->d->conn), cause);
		free(cause);
		dapi_finish(r, msg);
		free(msg);
	}
}

static void
dapi_closed(struct chan *ch, int status, const char *reason, void *arg)
{
	struct dapi_req	*r = arg;
	struct dapi	*d = r->d;
	char		*cause = NULL, *msg;
	int		 rc;

	(void)ch;
	r->chan = NULL;
	/* The first socket refused: dial-stdio, where sshd will not
	 * forward to sockets but runs commands. */
	/* Only a refusal while connected means no socket forwarding; a
	 * lost connection says nothing about the server. */
	if (status < 0 && r->ping && d->transport == DAPI_SOCKET_STREAM &&
	    !conn_is_local(d->conn) && conn_state(d->conn) == CONN_READY &&
	    reason != NULL && strstr(reason, "refused to forward") != NULL) {
		free(d->socket_error);
		d->socket_error = xstrdup(reason != NULL ? reason : "refused");
		d->transport = DAPI_DIAL_STDIO;
		free(d->describe);
		d->describe = xstrdup("docker system dial-stdio");
		dapi_http_free(r->http);
		r->http = NULL;
		dapi_start(r);
		return;
	}
	if (status < 0) {
		/* No stream (the connection went, the server stopped
		 * forwarding): settle the transport again next time. */
		if (!r->ping && d->state == DAPI_READY)
			d->state = DAPI_UNKNOWN;
		/* The server's words may be in it. */
		msg = echo_text(reason != NULL ? reason : "no answer",
		    DAPI_ECHO_MAX);
		dapi_finish(r, msg);
		free(msg);
		return;
	}
	r->reading = 1;
	rc = dapi_http_eof(r->http, &cause);
	r->reading = 0;
	if (r->cancelled) {
		free(cause);
		dapi_req_free(r);
		return;
	}
	if (rc != 0 && d->transport == DAPI_DIAL_STDIO && status != 0) {
		msg = status == 127 ? xstrdup("docker system dial-stdio "
		    "found no docker command") : xasprintf("docker system "
		    "dial-stdio exited with status %d", status);
		free(cause);
		dapi_finish(r, msg);
		free(msg);
		return;
	} else if (cause != NULL) {
		msg = xasprintf("%s on %s: %s", d->describe,
		    conn_describe(d->conn), cause);
		free(cause);
		dapi_finish(r, msg);
		free(msg);
		return;
	}
	dapi_finish(r, r->error);
}

/* dial-stdio's stdin stays open while the request may still be read. */
static void
dapi_writable(struct chan *ch, void *arg)
{
	(void)ch;
	(void)arg;
}

static void
dapi_timeout(void *arg)
{
	struct dapi_req	*r = arg;
	char		*msg;

	r->timer = 0;
	msg = xasprintf("dockerd on %s did not answer %s %s within %d s",
	    conn_describe(r->d->conn), r->method, r->path,
	    (r->ping ? DAPI_PING_MS : DAPI_CALL_MS) / 1000);
	dapi_finish(r, msg);
	free(msg);
}

static void
dapi_start(struct dapi_req *r)
{
	static const struct chan_callbacks socket_cb = { dapi_data,
	    dapi_closed, NULL, NULL };
	static const struct chan_callbacks stdio_cb = { dapi_data,
	    dapi_closed, dapi_writable, NULL };
	static const struct dapi_http_cb http_cb = { NULL, dapi_body,
	    dapi_done, NULL };
	struct dapi	*d = r->d;
	size_t		 blen = r->body != NULL ? strlen(r->body) : 0;
	char		*path, *head;

	if (r->ping)
		path = xstrdup(r->path);
	else
		path = xasprintf("/v%s%s", d->version, r->path);
	head = dapi_http_request(r->method, path, blen, 0);
	free(path);
	r->http = dapi_http_new(&http_cb, r);
	if (d->transport == DAPI_DIAL_STDIO)
		r->chan = conn_open_stream(d->conn, d->dial, &stdio_cb, r);
	else
		r->chan = conn_open_socket(d->conn, d->socket, &socket_cb, r);
	loop_timer_cancel(d->loop, r->timer);
	r->timer = r->data != NULL ? 0 : loop_timer_add(d->loop,
	    r->ping ? DAPI_PING_MS : DAPI_CALL_MS, dapi_timeout, r);
	chan_write(r->chan, head, strlen(head));
	if (blen > 0)
		chan_write(r->chan, r->body, blen);
	free(head);
}

static void
dapi_fail_waiting(void *arg)
{
	struct dapi	*d = arg;
	struct dapi_req	*r;

	d->fail_timer = 0;
	/* A newer ping runs: those waiting now wait for it. */
	if (d->state != DAPI_FAILED)
		return;
	/* Only those that waited for the failed ping: a callback may
	 * call again, and that call waits for a ping of its own. */
	for (r = d->reqs; r != NULL; r = r->next)
		r->doomed = r->chan == NULL && !r->ping;
	for (;;) {
		for (r = d->reqs; r != NULL && !r->doomed; r = r->next)
			;
		if (r == NULL)
			break;
		dapi_finish(r, d->error != NULL ? d->error : "no answer");
	}
}

static void
dapi_pinged(const struct dapi_result *res, void *arg)
{
	struct dapi	*d = arg;
	struct dapi_req	*r, *next;

	(void)res;
	for (r = d->reqs; r != NULL; r = next) {
		next = r->next;
		if (d->state == DAPI_READY && r->chan == NULL)
			dapi_start(r);
	}
	if (d->state == DAPI_FAILED && d->fail_timer == 0)
		d->fail_timer = loop_timer_add(d->loop, 0, dapi_fail_waiting, d);
}

static void
dapi_ping(struct dapi *d)
{
	struct dapi_req	*r;

	/* Each ping tries the socket first: the connection may be new. */
	d->state = DAPI_PINGING;
	d->transport = DAPI_SOCKET_STREAM;
	free(d->socket_error);
	d->socket_error = NULL;
	free(d->describe);
	d->describe = xasprintf("socket %s", d->socket);
	r = dapi_req_new(d, "GET", "/_ping", NULL, dapi_pinged, d);
	r->ping = 1;
	dapi_start(r);
}

struct dapi *
dapi_new(struct loop *loop, struct conn *conn, const char *socket)
{
	struct dapi	*d = xcalloc(1, sizeof *d);
	char		*host, *q;

	d->loop = loop;
	d->conn = conn;
	d->socket = xstrdup(socket != NULL && *socket != '\0' ? socket :
	    DAPI_SOCKET);
	d->transport = DAPI_SOCKET_STREAM;
	d->describe = xasprintf("socket %s", d->socket);
	/* The same daemon; its stderr would land in the HTTP stream. */
	host = xasprintf("unix://%s", d->socket);
	q = sh_quote(host);
	d->dial = xasprintf("docker -H %s system dial-stdio 2>/dev/null", q);
	free(q);
	free(host);
	return d;
}

void
dapi_free(struct dapi *d)
{
	struct dapi_req	*r, *next;

	if (d == NULL)
		return;
	for (r = d->reqs; r != NULL; r = next) {
		next = r->next;
		dapi_req_free(r);
	}
	loop_timer_cancel(d->loop, d->fail_timer);
	free(d->socket);
	free(d->describe);
	free(d->error);
	free(d->socket_error);
	free(d->dial);
	free(d);
}

static struct dapi_req *
dapi_req_new(struct dapi *d, const char *method, const char *path,
    const char *body, dapi_cb cb, void *arg)
{
	struct dapi_req	*r = xcalloc(1, sizeof *r), **pp;

	r->d = d;
	r->loop = d->loop;
	r->method = xstrdup(method);
	r->path = xstrdup(path);
	r->body = body != NULL ? xstrdup(body) : NULL;
	r->cb = cb;
	r->arg = arg;
	for (pp = &d->reqs; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = r;
	return r;
}

/* A new request starts now, or waits for the ping that settles how. */
static void
dapi_send(struct dapi *d, struct dapi_req *r)
{
	switch (d->state) {
	case DAPI_UNKNOWN:
	case DAPI_FAILED:	/* the daemon may be back, the connection new */
		dapi_ping(d);
		break;
	case DAPI_PINGING:
		break;
	case DAPI_READY:
		dapi_start(r);
		break;
	}
}

void
dapi_call(struct dapi *d, const char *method, const char *path,
    const char *body, dapi_cb cb, void *arg)
{
	dapi_send(d, dapi_req_new(d, method, path, body, cb, arg));
}

struct dapi_req *
dapi_stream(struct dapi *d, const char *path,
    void (*data)(const char *, size_t, void *),
    void (*end)(const char *, void *), void *arg)
{
	struct dapi_req	*r;

	r = dapi_req_new(d, "GET", path, NULL, NULL, arg);
	r->data = data;
	r->end = end;
	dapi_send(d, r);
	return r;
}

void
dapi_cancel(struct dapi_req *r)
{
	if (r == NULL || r->finished)
		return;
	r->finished = 1;
	dapi_unlink(r);
	/* From inside its own data(): the reader is still running. */
	if (r->reading) {
		r->cancelled = 1;
		return;
	}
	dapi_req_free(r);
}

const char *
dapi_version(struct dapi *d)
{
	return d->state == DAPI_READY ? d->version : NULL;
}

enum dapi_transport
dapi_transport(struct dapi *d)
{
	return d->state == DAPI_READY ? d->transport : DAPI_NONE;
}

const char *
dapi_describe(struct dapi *d)
{
	return d->describe;
}
