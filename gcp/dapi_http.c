/*
 * dockerd's HTTP/1.1, read with http-parser (see dapi_http.h).  Every
 * request is sent with "Connection: close" (or as an upgrade), so a stream
 * carries one answer: the reader takes one message and ignores anything
 * after it.  What dockerd says is untrusted like any server's answer: the
 * head is bounded, headers past DAPI_HTTP_HEADERS_MAX are dropped, and
 * bytes that are not HTTP end the reader with one sentence.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <http_parser.h>

#include "config/strbuf.h"
#include "config/xmalloc.h"
#include "gcp/dapi_http.h"

struct dapi_http_header {
	char	*name, *value;
};

struct dapi_http {
	struct dapi_http_cb	 cb;
	void			*arg;
	http_parser		 p;
	http_parser_settings	 s;

	struct strbuf		 field, value;
	int			 in_value;	/* the last piece was a value */
	size_t			 head_bytes;
	struct dapi_http_header	 h[DAPI_HTTP_HEADERS_MAX];
	size_t			 nh;

	int			 status;
	int			 headed;
	int			 complete;
	int			 upgraded;
	int			 failed;
	char			*error;		/* set by a callback that stops */
};

static void
dapi_http_commit(struct dapi_http *d)
{
	if (d->field.len > 0 && d->nh < DAPI_HTTP_HEADERS_MAX) {
		d->h[d->nh].name = xstrdup(d->field.s);
		d->h[d->nh].value = xstrdup(d->value.len > 0 ? d->value.s : "");
		d->nh++;
	}
	d->field.len = 0;
	d->value.len = 0;
	if (d->field.s != NULL)
		d->field.s[0] = '\0';
	if (d->value.s != NULL)
		d->value.s[0] = '\0';
	d->in_value = 0;
}

/* Head bytes count against DAPI_HTTP_HEAD_MAX; past it, stop. */
static int
dapi_http_take(struct dapi_http *d, struct strbuf *b, const char *at,
    size_t len)
{
	d->head_bytes += len;
	if (d->head_bytes > DAPI_HTTP_HEAD_MAX) {
		free(d->error);
		d->error = xasprintf("the answer's head is longer than %u "
		    "bytes", DAPI_HTTP_HEAD_MAX);
		return -1;
	}
	strbuf_addn(b, at, len);
	return 0;
}

static int
dapi_http_on_field(http_parser *p, const char *at, size_t len)
{
	struct dapi_http	*d = p->data;

	if (d->in_value)
		dapi_http_commit(d);
	return dapi_http_take(d, &d->field, at, len);
}

static int
dapi_http_on_value(http_parser *p, const char *at, size_t len)
{
	struct dapi_http	*d = p->data;

	d->in_value = 1;
	return dapi_http_take(d, &d->value, at, len);
}

static int
dapi_http_on_status(http_parser *p, const char *at, size_t len)
{
	struct dapi_http	*d = p->data;

	(void)at;
	d->head_bytes += len;
	return 0;
}

static int
dapi_http_on_headers(http_parser *p)
{
	struct dapi_http	*d = p->data;

	if (d->in_value || d->field.len > 0)
		dapi_http_commit(d);
	d->status = (int)p->status_code;
	d->headed = 1;
	if (d->cb.head != NULL)
		d->cb.head(d->arg);
	/* 101 switches protocols where its head ends: a body it claims
	 * (http-parser would read one) is already the raw stream. */
	return p->status_code == 101 ? 1 : 0;
}

static int
dapi_http_on_body(http_parser *p, const char *at, size_t len)
{
	struct dapi_http	*d = p->data;

	if (d->cb.body != NULL)
		d->cb.body(at, len, d->arg);
	return 0;
}

static int
dapi_http_on_complete(http_parser *p)
{
	struct dapi_http	*d = p->data;

	/* An upgrade's head ends the message; the raw stream follows. */
	if (p->upgrade)
		return 0;
	d->complete = 1;
	if (d->cb.done != NULL)
		d->cb.done(d->arg);
	/* One answer a stream: stop before anything after it. */
	http_parser_pause(p, 1);
	return 0;
}

struct dapi_http *
dapi_http_new(const struct dapi_http_cb *cb, void *arg)
{
	struct dapi_http	*d = xcalloc(1, sizeof *d);

	d->cb = *cb;
	d->arg = arg;
	http_parser_init(&d->p, HTTP_RESPONSE);
	d->p.data = d;
	http_parser_settings_init(&d->s);
	d->s.on_status = dapi_http_on_status;
	d->s.on_header_field = dapi_http_on_field;
	d->s.on_header_value = dapi_http_on_value;
	d->s.on_headers_complete = dapi_http_on_headers;
	d->s.on_body = dapi_http_on_body;
	d->s.on_message_complete = dapi_http_on_complete;
	return d;
}

void
dapi_http_free(struct dapi_http *d)
{
	size_t	i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nh; i++) {
		free(d->h[i].name);
		free(d->h[i].value);
	}
	free(d->field.s);
	free(d->value.s);
	free(d->error);
	free(d);
}

static int
dapi_http_fail(struct dapi_http *d, char **cause)
{
	enum http_errno	 e = HTTP_PARSER_ERRNO(&d->p);

	d->failed = 1;
	if (d->error != NULL)
		*cause = xstrdup(d->error);
	else
		*cause = xasprintf("not HTTP: %s", http_errno_description(e));
	return -1;
}

int
dapi_http_feed(struct dapi_http *d, const char *buf, size_t len,
    char **cause)
{
	size_t	n;

	if (d->failed) {
		*cause = xstrdup("not HTTP");
		return -1;
	}
	if (d->upgraded) {
		if (len > 0 && d->cb.raw != NULL)
			d->cb.raw(buf, len, d->arg);
		return 0;
	}
	if (d->complete || len == 0)
		return 0;
	n = http_parser_execute(&d->p, &d->s, buf, len);
	if (d->complete)
		return 0;
	if (d->p.upgrade && d->headed) {
		d->upgraded = 1;
		if (n < len && d->cb.raw != NULL)
			d->cb.raw(buf + n, len - n, d->arg);
		return 0;
	}
	if (HTTP_PARSER_ERRNO(&d->p) != HPE_OK || n != len)
		return dapi_http_fail(d, cause);
	return 0;
}

int
dapi_http_eof(struct dapi_http *d, char **cause)
{
	if (d->failed) {
		*cause = xstrdup("not HTTP");
		return -1;
	}
	if (d->complete || d->upgraded)
		return 0;
	/* A body that runs to the end of the stream ends here. */
	http_parser_execute(&d->p, &d->s, NULL, 0);
	if (d->complete)
		return 0;
	d->failed = 1;
	*cause = xstrdup(d->headed ? "the answer was cut short" :
	    "the stream closed before an answer");
	return -1;
}

int
dapi_http_status(struct dapi_http *d)
{
	return d->headed ? d->status : 0;
}

const char *
dapi_http_header(struct dapi_http *d, const char *name)
{
	size_t	i;

	/* A head cut short by an error is not an answer. */
	if (!d->headed)
		return NULL;
	for (i = 0; i < d->nh; i++) {
		if (strcasecmp(d->h[i].name, name) == 0)
			return d->h[i].value;
	}
	return NULL;
}

int
dapi_http_upgraded(struct dapi_http *d)
{
	return d->upgraded;
}

int
dapi_http_complete(struct dapi_http *d)
{
	return d->complete;
}

char *
dapi_http_request(const char *method, const char *path, size_t body_len,
    int upgrade)
{
	struct strbuf	b = { NULL, 0, 0 };

	strbuf_printf(&b, "%s %s HTTP/1.1\r\nHost: docker\r\n"
	    "User-Agent: sandbox-tui/%s\r\n", method, path,
	    SANDBOX_TUI_VERSION);
	if (body_len > 0)
		strbuf_printf(&b, "Content-Type: application/json\r\n"
		    "Content-Length: %zu\r\n", body_len);
	else if (strcmp(method, "POST") == 0)
		strbuf_add(&b, "Content-Length: 0\r\n");
	if (upgrade)
		strbuf_add(&b, "Connection: Upgrade\r\nUpgrade: tcp\r\n");
	else
		strbuf_add(&b, "Connection: close\r\n");
	strbuf_add(&b, "\r\n");
	return strbuf_take(&b);
}

char *
dapi_http_escape(const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	struct strbuf		 b = { NULL, 0, 0 };
	const unsigned char	*p;
	char			 e[4];

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL) {
			strbuf_addn(&b, (const char *)p, 1);
			continue;
		}
		e[0] = '%';
		e[1] = hex[*p >> 4];
		e[2] = hex[*p & 15];
		e[3] = '\0';
		strbuf_add(&b, e);
	}
	return strbuf_take(&b);
}
