/*
 * The public front of a connection (see conn.h): parses the target, keeps
 * the state and the list of channels, and dispatches to the ssh or local
 * backend.  It also owns the two rules that make callbacks safe.
 *
 * Deferral: a public function never calls a user callback.  State changes
 * and finished channels are delivered by conn_kick_run(), a 0 ms timer, so
 * the caller of conn_connect() or conn_exec() is not re-entered.
 *
 * Lifetime: a callback may call chan_close(), conn_disconnect() or even
 * conn_free().  While any dispatch is on the stack (busy > 0) such calls only
 * mark things dead and release their resources; memory is freed by
 * conn_sweep() once the outermost dispatch unwinds.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/echo.h"
#include "config/xmalloc.h"
#include "gcp/conn_private.h"
#include "gcp/loop.h"

/* The most of a target that a message shows (echo_text). */
#define CONN_ECHO_MAX	200
#define CONN_TARGET_USAGE "expected \"local\" or \"ssh://[user@]host[:port]\""

void
conn_buf_add(struct conn_buf *b, const void *p, size_t n)
{
	char	*old;
	size_t	 oldcap;

	if (n == 0)
		return;
	if (b->off > 0 && b->off == b->len)
		b->off = b->len = 0;
	if (b->len + n + 1 > b->cap) {
		if (b->off > 0) {
			memmove(b->data, b->data + b->off, b->len - b->off);
			b->len -= b->off;
			b->off = 0;
		}
		/* A new block and the old one wiped, not realloc(), which
		 * would leave a copy of what it held behind. */
		old = b->data;
		oldcap = b->cap;
		while (b->len + n + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 4096;
		b->data = xmalloc(b->cap);
		if (old != NULL)
			memcpy(b->data, old, b->len);
		freezero(old, oldcap);
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
conn_buf_drop(struct conn_buf *b, size_t n)
{
	b->off += n;
	if (b->off >= b->len)
		b->off = b->len = 0;
}

size_t
conn_buf_used(const struct conn_buf *b)
{
	return b->len - b->off;
}

/* Wiped: a channel's queue carries typed keys and exec input (secrets). */
void
conn_buf_free(struct conn_buf *b)
{
	freezero(b->data, b->cap);
	memset(b, 0, sizeof *b);
}

void
conn_target_free(struct conn_target *t)
{
	free(t->user);
	free(t->host);
	memset(t, 0, sizeof *t);
}

static int
conn_target_port(const char *s, int *port)
{
	long	v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		v = v * 10 + (*s - '0');
		if (v > 65535)
			return -1;
	}
	if (v < 1)
		return -1;
	*port = (int)v;
	return 0;
}

static int
conn_target_hostchars(const char *h, int v6)
{
	for (; *h != '\0'; h++) {
		unsigned char ch = (unsigned char)*h;

		if (isalnum(ch) || ch == '.' || ch == '-' || ch == '_')
			continue;
		if (v6 && (ch == ':' || ch == '%'))
			continue;
		return -1;
	}
	return 0;
}

/* Splits "local" or "ssh://[user@]host[:port]"; fills *t (caller frees). */
int
conn_target_parse(const char *target, struct conn_target *t, char **cause)
{
	const char	*rest, *at, *hp, *end;
	char		*hostport = NULL, *host = NULL, *port = NULL, *p;
	char		*shown;
	size_t		 len;
	int		 rc = -1;

	memset(t, 0, sizeof *t);
	if (target == NULL || *target == '\0') {
		*cause = xasprintf("empty target: %s", CONN_TARGET_USAGE);
		return -1;
	}
	if (strcmp(target, "local") == 0) {
		t->local = 1;
		return 0;
	}
	/* The target may come from the environment: shown as echo_text
	 * shows it. */
	shown = echo_text(target, CONN_ECHO_MAX);
	if (strncmp(target, "ssh://", 6) != 0) {
		*cause = xasprintf("bad target \"%s\": %s", shown,
		    CONN_TARGET_USAGE);
		free(shown);
		return -1;
	}
	rest = target + 6;
	len = strlen(rest);
	if (len > 0 && rest[len - 1] == '/')
		len--;
	if (memchr(rest, '/', len) != NULL) {
		*cause = xasprintf("bad target \"%s\": no path allowed after "
		    "the host", shown);
		free(shown);
		return -1;
	}
	hostport = xstrndup(rest, len);
	at = strrchr(hostport, '@');
	hp = hostport;
	if (at != NULL) {
		const char *u;

		if (at == hostport) {
			*cause = xasprintf("bad target \"%s\": empty user name",
			    shown);
			goto out;
		}
		for (u = hostport; u < at; u++) {
			if (strchr(":/[]@", *u) != NULL ||
			    isspace((unsigned char)*u) ||
			    iscntrl((unsigned char)*u)) {
				*cause = xasprintf("bad target \"%s\": bad "
				    "character in user name", shown);
				goto out;
			}
		}
		t->user = xstrndup(hostport, at - hostport);
		hp = at + 1;
	}
	if (*hp == '[') {
		end = strchr(hp, ']');
		if (end == NULL) {
			*cause = xasprintf("bad target \"%s\": missing ']'",
			    shown);
			goto out;
		}
		host = xstrndup(hp + 1, end - hp - 1);
		if (end[1] == ':')
			port = xstrdup(end + 2);
		else if (end[1] != '\0') {
			p = echo_text(end + 1, CONN_ECHO_MAX);
			*cause = xasprintf("bad target \"%s\": unexpected \"%s\" "
			    "after ']'", shown, p);
			free(p);
			goto out;
		}
		if (*host == '\0' || strchr(host, ':') == NULL ||
		    conn_target_hostchars(host, 1) != 0) {
			*cause = xasprintf("bad target \"%s\": bad IPv6 address "
			    "in brackets", shown);
			goto out;
		}
	} else {
		p = strchr(hp, ':');
		if (p != NULL && strchr(p + 1, ':') != NULL) {
			*cause = xasprintf("bad target \"%s\": put an IPv6 "
			    "address in brackets, ssh://[::1]:22", shown);
			goto out;
		}
		if (p != NULL) {
			host = xstrndup(hp, p - hp);
			port = xstrdup(p + 1);
		} else
			host = xstrdup(hp);
		if (*host == '\0') {
			*cause = xasprintf("bad target \"%s\": empty host name",
			    shown);
			goto out;
		}
		if (conn_target_hostchars(host, 0) != 0) {
			*cause = xasprintf("bad target \"%s\": bad character in "
			    "host name", shown);
			goto out;
		}
	}
	if (port != NULL && conn_target_port(port, &t->port) != 0) {
		*cause = xasprintf("bad target \"%s\": port must be a number "
		    "from 1 to 65535", shown);
		goto out;
	}
	t->host = host;
	host = NULL;
	rc = 0;
out:
	free(shown);
	if (rc != 0) {
		free(t->user);
		t->user = NULL;
	}
	free(host);
	free(port);
	free(hostport);
	return rc;
}

/* "user@host:port" from what we know before libssh reads its config. */
static char *
conn_make_describe(const struct conn_target *t)
{
	const char	*user = t->user;
	int		 v6 = strchr(t->host, ':') != NULL;

	if (user == NULL)
		user = getenv("USER");
	if (user == NULL)
		user = "root";
	return xasprintf("%s@%s%s%s:%d", user, v6 ? "[" : "", t->host,
	    v6 ? "]" : "", t->port ? t->port : 22);
}

struct conn *
conn_new(struct loop *loop, const struct conn_opts *opts,
    const struct conn_callbacks *cb, void *arg, char **cause)
{
	struct conn	*c;
	struct conn_target t;

	if (conn_target_parse(opts->target, &t, cause) != 0)
		return NULL;
	c = xcalloc(1, sizeof *c);
	c->loop = loop;
	c->t = t;
	c->backend = t.local ? &conn_local_backend : &conn_ssh_backend;
	if (cb != NULL)
		c->cb = *cb;
	c->arg = arg;
	c->target = xstrdup(opts->target);
	c->identity = opts->identity ? xstrdup(opts->identity) : NULL;
	c->known_hosts = opts->known_hosts ? xstrdup(opts->known_hosts) : NULL;
	c->ssh_config = opts->ssh_config ? xstrdup(opts->ssh_config) : NULL;
	c->accept_new_host_key = opts->accept_new_host_key;
	c->known_hosts_only = opts->known_hosts_only;
	c->interactive = opts->interactive;
	c->keepalive_seconds = opts->keepalive_seconds;
	c->connect_timeout_seconds = opts->connect_timeout_seconds;
	c->describe = t.local ? xstrdup("local") : conn_make_describe(&t);
	c->fd = -1;
	c->state = CONN_IDLE;
	c->retryable = 1;
	return c;
}

static void
conn_chan_free(struct chan *ch)
{
	conn_buf_free(&ch->wq);
	conn_buf_free(&ch->out);
	conn_buf_free(&ch->err);
	free(ch->cmd);
	free(ch->reason);
	free(ch->signal_name);
	free(ch);
}

/* Releases every chan's resources without callbacks (conn_free). */
static void
conn_drop_chans(struct conn *c)
{
	struct chan	*ch;

	for (ch = c->chans; ch != NULL; ch = ch->next) {
		if (!ch->dead) {
			ch->dead = 1;
			c->backend->chan_release(ch);
		}
	}
}

static void
conn_destroy(struct conn *c)
{
	struct chan	*ch;

	while ((ch = c->chans) != NULL) {
		c->chans = ch->next;
		conn_chan_free(ch);
	}
	conn_target_free(&c->t);
	free(c->target);
	free(c->identity);
	free(c->known_hosts);
	free(c->ssh_config);
	free(c->describe);
	free(c->error);
	free(c->fingerprint);
	free(c);
}

/* Frees dead chans, and the conn if conn_free() was called; 1 if it was. */
int
conn_sweep(struct conn *c)
{
	struct chan	**pp, *ch;

	if (c->busy > 0)
		return 0;
	pp = &c->chans;
	while ((ch = *pp) != NULL) {
		if (ch->dead) {
			*pp = ch->next;
			conn_chan_free(ch);
		} else
			pp = &ch->next;
	}
	if (c->freed) {
		conn_destroy(c);
		return 1;
	}
	return 0;
}

void
conn_free(struct conn *c)
{
	if (c == NULL || c->freed)
		return;
	c->freed = 1;
	conn_drop_chans(c);
	c->backend->teardown(c);
	loop_timer_cancel(c->loop, c->kick_timer);
	c->kick_timer = 0;
	conn_sweep(c);
}

/* Delivers finished chans' callbacks, then the state, from the loop. */
static void
conn_kick_run(void *arg)
{
	struct conn		*c = arg;
	struct chan		*ch;
	struct exec_result	 r;

	c->kick_timer = 0;
	c->busy++;
	for (ch = c->chans; ch != NULL && !c->freed; ch = ch->next) {
		if (ch->writable_due && !ch->dead && !ch->finished) {
			ch->writable_due = 0;
			ch->cb.writable(ch, ch->arg);
		}
		if (ch->dead || !ch->finished)
			continue;
		ch->dead = 1;
		c->backend->chan_release(ch);
		if (ch->kind == CHAN_PTY || ch->stream) {
			if (ch->cb.closed != NULL)
				ch->cb.closed(ch, ch->exit_status, ch->reason,
				    ch->arg);
			continue;
		}
		memset(&r, 0, sizeof r);
		conn_buf_add(&ch->out, "", 1);
		conn_buf_add(&ch->err, "", 1);
		r.status = ch->exit_status;
		r.out = ch->out.data + ch->out.off;
		r.out_len = conn_buf_used(&ch->out) - 1;
		r.err = ch->err.data + ch->err.off;
		r.err_len = conn_buf_used(&ch->err) - 1;
		r.error = ch->is_error ? ch->reason : NULL;
		if (ch->exec_cb != NULL)
			ch->exec_cb(&r, ch->exec_arg);
	}
	if (!c->freed && c->changes != c->reported) {
		c->reported = c->changes;
		if (c->cb.state != NULL)
			c->cb.state(c, c->arg);
	}
	c->busy--;
	conn_sweep(c);
}

void
conn_kick(struct conn *c)
{
	if (c->kick_timer == 0 && !c->freed)
		c->kick_timer = loop_timer_add(c->loop, 0, conn_kick_run, c);
}

/* Changes made in one go are reported once; state() reads the latest. */
void
conn_set_state(struct conn *c, enum conn_state st)
{
	if (st == c->state)
		return;
	c->state = st;
	c->changes++;
	conn_kick(c);
}

void
conn_fail(struct conn *c, int retryable, const char *fmt, ...)
{
	va_list	ap;

	free(c->error);
	va_start(ap, fmt);
	if (vasprintf(&c->error, fmt, ap) < 0)
		abort();
	va_end(ap);
	c->retryable = retryable;
	conn_set_state(c, CONN_FAILED);
}

/* Records a chan's result; the kick delivers it. */
void
chan_finish(struct chan *ch, int status, int is_error, const char *fmt, ...)
{
	va_list	ap;

	if (ch->finished || ch->dead)
		return;
	ch->finished = 1;
	ch->exit_status = status;
	ch->is_error = is_error;
	free(ch->reason);
	ch->reason = NULL;
	if (fmt != NULL) {
		va_start(ap, fmt);
		if (vasprintf(&ch->reason, fmt, ap) < 0)
			abort();
		va_end(ap);
	}
	conn_kick(ch->conn);
}

/* Finishes every live chan with status -1 and the same reason. */
void
conn_release_chans(struct conn *c, const char *reason)
{
	struct chan	*ch;

	for (ch = c->chans; ch != NULL; ch = ch->next) {
		if (ch->dead || ch->finished)
			continue;
		chan_finish(ch, -1, 1, "%s", reason);
		c->backend->chan_release(ch);
	}
}

/* Hands bytes to a PTY's data callback, or keeps exec output (capped). */
void
chan_deliver(struct chan *ch, const char *buf, size_t len, int is_stderr)
{
	struct conn_buf	*b;
	size_t		 room;

	if (ch->kind == CHAN_PTY || ch->stream) {
		ch->conn->delivered++;
		if (ch->cb.data != NULL)
			ch->cb.data(ch, buf, len, ch->arg);
		return;
	}
	b = is_stderr ? &ch->err : &ch->out;
	room = CONN_EXEC_CAP - conn_buf_used(b);
	if (len > room)
		len = room;
	conn_buf_add(b, buf, len);
}

void
conn_connect(struct conn *c)
{
	if (c->freed || (c->state != CONN_IDLE && c->state != CONN_FAILED))
		return;
	free(c->error);
	c->error = NULL;
	c->retryable = 1;
	free(c->fingerprint);
	c->fingerprint = NULL;
	conn_set_state(c, CONN_CONNECTING);
	c->backend->connect(c);
}

void
conn_disconnect(struct conn *c)
{
	if (c->freed || c->state == CONN_IDLE)
		return;
	conn_release_chans(c, "disconnected");
	c->backend->teardown(c);
	free(c->error);
	c->error = NULL;
	conn_set_state(c, CONN_IDLE);
}

enum conn_state
conn_state(struct conn *c)
{
	return c->state;
}

const char *
conn_error(struct conn *c)
{
	return c->error != NULL ? c->error : "";
}

int
conn_failure_retryable(struct conn *c)
{
	return c->retryable;
}

const char *
conn_describe(struct conn *c)
{
	return c->describe;
}

int
conn_is_local(struct conn *c)
{
	return c->t.local;
}

const char *
conn_hostkey_fingerprint(struct conn *c)
{
	return c->fingerprint != NULL ? c->fingerprint : "";
}

static struct chan *
conn_chan_new(struct conn *c, enum chan_kind kind, const char *cmd)
{
	struct chan	*ch, **pp;

	ch = xcalloc(1, sizeof *ch);
	ch->conn = c;
	ch->kind = kind;
	ch->phase = CHAN_NEW;
	ch->cmd = xstrdup(cmd);
	ch->fd = ch->out_fd = ch->err_fd = -1;
	for (pp = &c->chans; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = ch;
	return ch;
}

/* A chan made while not connected fails at once (delivered by the kick). */
static void
conn_chan_start(struct conn *c, struct chan *ch)
{
	switch (c->state) {
	case CONN_IDLE:
	case CONN_FAILED:
		chan_finish(ch, -1, 1, "not connected to %s%s%s", c->describe,
		    c->error ? ": " : "", c->error ? c->error : "");
		break;
	case CONN_READY:
		c->backend->chan_kick(ch);
		break;
	default:
		break;		/* started when READY */
	}
}

void
conn_exec(struct conn *c, const char *cmd, const char *in, size_t in_len,
    conn_exec_cb cb, void *arg)
{
	struct chan	*ch;

	ch = conn_chan_new(c, CHAN_EXEC, cmd);
	ch->exec_cb = cb;
	ch->exec_arg = arg;
	if (in != NULL)
		conn_buf_add(&ch->wq, in, in_len);
	ch->send_eof = 1;
	if (c->freed) {
		ch->dead = 1;
		return;
	}
	conn_chan_start(c, ch);
}

struct chan *
conn_open_pty(struct conn *c, const char *cmd, int rows, int cols,
    const struct chan_callbacks *cb, void *arg)
{
	struct chan	*ch;

	ch = conn_chan_new(c, CHAN_PTY, cmd);
	ch->rows = rows > 0 ? rows : 24;
	ch->cols = cols > 0 ? cols : 80;
	if (cb != NULL)
		ch->cb = *cb;
	ch->arg = arg;
	if (c->freed) {
		ch->dead = 1;
		return ch;
	}
	conn_chan_start(c, ch);
	return ch;
}

/* A stream of either kind; cmd is the command or the socket's path. */
static struct chan *
conn_open_streamed(struct conn *c, enum chan_kind kind, const char *cmd,
    const struct chan_callbacks *cb, void *arg)
{
	struct chan	*ch;

	ch = conn_chan_new(c, kind, cmd);
	ch->stream = 1;
	if (cb != NULL)
		ch->cb = *cb;
	/* A socket is never half-closed for us (see conn.h). */
	ch->send_eof = kind == CHAN_EXEC && ch->cb.writable == NULL;
	ch->arg = arg;
	if (c->freed) {
		ch->dead = 1;
		return ch;
	}
	conn_chan_start(c, ch);
	if (kind == CHAN_EXEC)
		chan_flushed(ch);	/* the first writable() asks for data */
	return ch;
}

struct chan *
conn_open_stream(struct conn *c, const char *cmd,
    const struct chan_callbacks *cb, void *arg)
{
	return conn_open_streamed(c, CHAN_EXEC, cmd, cb, arg);
}

struct chan *
conn_open_socket(struct conn *c, const char *path,
    const struct chan_callbacks *cb, void *arg)
{
	return conn_open_streamed(c, CHAN_SOCKET, path, cb, arg);
}

void
chan_write(struct chan *ch, const char *buf, size_t len)
{
	if (len == 0)
		return;
	if (ch->dead || ch->finished) {
		if (ch->cb.write_failed != NULL)
			ch->cb.write_failed(ch, len, "the channel is closed",
			    ch->arg);
		return;
	}
	conn_buf_add(&ch->wq, buf, len);
	if (ch->conn->state == CONN_READY)
		ch->conn->backend->chan_kick(ch);
}

size_t
chan_write_queued(struct chan *ch)
{
	return conn_buf_used(&ch->wq);
}

void
chan_write_eof(struct chan *ch)
{
	if (ch->dead || ch->finished || ch->send_eof)
		return;
	ch->send_eof = 1;
	if (ch->conn->state == CONN_READY)
		ch->conn->backend->chan_kick(ch);
}

/*
 * A backend could not send the queue: it is dropped, and said so.  With
 * no one to tell, the chan fails: a command must not run on part of its
 * input (an exec's stdin is the secrets env file, an upload a context).
 */
void
chan_write_failed(struct chan *ch, const char *why)
{
	size_t	lost = conn_buf_used(&ch->wq);

	conn_buf_drop(&ch->wq, lost);
	if (lost == 0)
		return;
	if (ch->cb.write_failed != NULL)
		ch->cb.write_failed(ch, lost, why, ch->arg);
	else
		chan_finish(ch, -1, 1, "its input could not be sent (%zu "
		    "bytes lost): %s", lost, why);
}

/* Called by the backends after sending: asks an upload for more. */
void
chan_flushed(struct chan *ch)
{
	if (ch->cb.writable == NULL || ch->send_eof || ch->writable_due ||
	    ch->dead || ch->finished || conn_buf_used(&ch->wq) >= CHAN_WRITE_LOW)
		return;
	ch->writable_due = 1;
	conn_kick(ch->conn);
}

void
chan_resize(struct chan *ch, int rows, int cols)
{
	if (ch->dead || ch->finished || rows <= 0 || cols <= 0)
		return;
	if (rows == ch->rows && cols == ch->cols && !ch->resize_pending)
		return;
	ch->rows = rows;
	ch->cols = cols;
	ch->resize_pending = 1;
	if (ch->conn->state == CONN_READY)
		ch->conn->backend->chan_kick(ch);
}

void
chan_pause(struct chan *ch, int paused)
{
	if (ch->dead || ch->finished || ch->paused == !!paused)
		return;
	ch->paused = !!paused;
	if (ch->conn->state == CONN_READY)
		ch->conn->backend->chan_kick(ch);
}

void
chan_close(struct chan *ch)
{
	struct conn	*c;

	if (ch == NULL || ch->dead)
		return;
	c = ch->conn;
	ch->dead = 1;
	c->backend->chan_release(ch);
	conn_sweep(c);
}
