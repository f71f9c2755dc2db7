/*
 * The Google Cloud client context (see gce.h).  A call is a small state
 * machine: token (auth.c, usually cached), then the request (http.c, which
 * retries transient failures), then, on a 401, a new token and one more
 * try.  Results that are ready at once (no credentials) are delivered
 * from a zero timer so callers never see a callback inside their own
 * call.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "config/xmalloc.h"
#include "gcp/auth.h"
#include "gcp/compute.h"
#include "gcp/gce.h"
#include "gcp/gcloud.h"
#include "gcp/http.h"
#include "gcp/loop.h"

/* A `wait` that answers sooner than this is polled again after it. */
#define GCE_WAIT_MIN_MS		1000
/* Google's own limit on one operation is hours; ours on following one. */
#define GCE_WAIT_MAX_MS		(30 * 60 * 1000)
/* `wait` itself holds the answer for up to two minutes. */
#define GCE_WAIT_CALL_MS	(150 * 1000)
/* Failed polls in a row before following the operation is given up. */
#define GCE_WAIT_ERRORS		10

struct gce_call {
	struct gce	*gce;
	uint64_t	 id;
	char		*method, *url, *body;
	int		 retry;
	long		 timeout_ms;
	int		 reauthed;
	gce_cb		 cb;
	void		*arg;
	uint64_t	 auth_id, http_id, timer;
	/* A result kept for delivery from the timer. */
	char		*error;
	struct gce_call	*next;
};

struct gce_wait {
	struct gce	*gce;
	uint64_t	 id;
	char		*url;		/* the operation's wait URL */
	char		*first;		/* the answer that started it */
	gce_op_progress_cb progress;
	gce_op_done_cb	 done;
	void		*arg;
	uint64_t	 call, timer;
	int64_t		 started, asked;
	int		 errors;	/* failed polls in a row */
	struct gce_wait	*next;
};

static void gce_call_start(struct gce_call *);

static char *
gce_trim_slash(const char *s)
{
	char	*t = xstrdup(s);
	size_t	 n = strlen(t);

	while (n > 0 && t[n - 1] == '/')
		t[--n] = '\0';
	return t;
}

struct gce *
gce_new(struct loop *loop, const struct gce_opts *o, char **cause)
{
	const struct {
		const char	*option, *url;
	} endpoints[] = {
		{ "gcp.api_endpoint", o->api_endpoint },
		{ "gcp.iam_endpoint", o->iam_endpoint },
		{ "gcp.resourcemanager_endpoint", o->crm_endpoint },
	};
	struct gce		*g;
	struct gcloud_place	 place;
	char			*base;
	size_t			 i;

	memset(&place, 0, sizeof place);
	if (gcloud_place(o->project, o->zone, o->region,
	    &place, cause) != 0)
		return NULL;
	if (place.project == NULL) {
		*cause = xstrdup("no Google Cloud project: set gcp.project "
		    "(or PROJECT_ID), or run `gcloud config set project "
		    "PROJECT`");
		gcloud_place_free(&place);
		return NULL;
	}
	if (place.zone == NULL) {
		*cause = xstrdup("no Compute Engine zone: set gcp.zone (or "
		    "ZONE), or run `gcloud config set compute/zone ZONE`");
		gcloud_place_free(&place);
		return NULL;
	}
	if (!compute_valid_project(place.project) ||
	    !compute_valid_zone(place.zone)) {
		*cause = xasprintf("%s '%s' or zone '%s' (%s) is not valid",
		    place.project_from, place.project, place.zone,
		    place.zone_from);
		gcloud_place_free(&place);
		return NULL;
	}

	for (i = 0; i < sizeof endpoints / sizeof endpoints[0]; i++) {
		if (http_url_check(endpoints[i].url, endpoints[i].option,
		    cause) != 0) {
			gcloud_place_free(&place);
			return NULL;
		}
	}

	g = xcalloc(1, sizeof *g);
	g->loop = loop;
	g->next_id = 1;
	g->project = xstrdup(place.project);
	g->zone = xstrdup(place.zone);
	g->region = place.region != NULL ? xstrdup(place.region) :
	    compute_zone_region(place.zone);
	gcloud_place_free(&place);

	base = gce_trim_slash(o->api_endpoint);
	g->compute = xasprintf("%s/compute/v1/projects/%s", base, g->project);
	free(base);
	base = gce_trim_slash(o->iam_endpoint);
	g->iam = xasprintf("%s/v1/projects/%s", base, g->project);
	free(base);
	base = gce_trim_slash(o->crm_endpoint);
	g->crm = xasprintf("%s/v1/projects/%s", base, g->project);
	free(base);

	g->http = http_new(loop);
	if ((g->auth = auth_new(g->http, cause)) == NULL) {
		gce_free(g);
		return NULL;
	}
	return g;
}

static void
gce_call_unlink(struct gce_call *c)
{
	struct gce_call	**pp;

	for (pp = &c->gce->calls; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
}

static void
gce_call_release(struct gce_call *c)
{
	free(c->method);
	free(c->url);
	free(c->body);
	free(c->error);
	free(c);
}

static void
gce_call_free(struct gce_call *c)
{
	struct gce	*g = c->gce;

	gce_call_unlink(c);
	if (c->auth_id != 0)
		auth_cancel(g->auth, c->auth_id);
	if (c->http_id != 0)
		http_cancel(g->http, c->http_id);
	loop_timer_cancel(g->loop, c->timer);
	gce_call_release(c);
}

static void
gce_wait_free(struct gce_wait *w)
{
	struct gce	*g = w->gce;
	struct gce_wait	**pp;

	for (pp = &g->waits; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	}
	if (w->call != 0)
		gce_cancel(g, w->call);
	loop_timer_cancel(g->loop, w->timer);
	free(w->url);
	free(w->first);
	free(w);
}

void
gce_free(struct gce *g)
{
	if (g == NULL)
		return;
	while (g->waits != NULL)
		gce_wait_free(g->waits);
	while (g->calls != NULL)
		gce_call_free(g->calls);
	auth_free(g->auth);
	http_free(g->http);
	free(g->project);
	free(g->zone);
	free(g->region);
	free(g->compute);
	free(g->iam);
	free(g->crm);
	free(g);
}

static struct gce_call *
gce_call_find(struct gce *g, uint64_t id)
{
	struct gce_call	*c;

	for (c = g->calls; c != NULL; c = c->next) {
		if (c->id == id)
			return c;
	}
	return NULL;
}

void
gce_cancel(struct gce *g, uint64_t id)
{
	struct gce_call	*c;
	struct gce_wait	*w;

	if (id == 0)
		return;
	if ((c = gce_call_find(g, id)) != NULL) {
		gce_call_free(c);
		return;
	}
	for (w = g->waits; w != NULL; w = w->next) {
		if (w->id == id) {
			gce_wait_free(w);
			return;
		}
	}
}

/*
 * Calls back and frees the call.  It is unlinked first, so the callback
 * may start calls, cancel others or free the whole client.
 */
static void
gce_call_finish(struct gce_call *c, const struct gce_result *r)
{
	gce_call_unlink(c);
	if (c->cb != NULL)
		c->cb(r, c->arg);
	gce_call_release(c);
}

static void
gce_call_deferred(void *arg)
{
	struct gce_call		*c = arg;
	struct gce_result	 r = { 0, "", c->error, NULL };

	c->timer = 0;
	gce_call_finish(c, &r);
}

static void
gce_call_http_done(const struct http_response *resp, void *arg)
{
	struct gce_call		*c = arg;
	struct gce_result	 r;
	char			*error = NULL, *reason = NULL;

	c->http_id = 0;
	if (resp->status == 401 && !c->reauthed) {
		/* A token revoked or expired early: one more, fresh. */
		c->reauthed = 1;
		auth_invalidate(c->gce->auth);
		gce_call_start(c);
		return;
	}
	memset(&r, 0, sizeof r);
	r.status = resp->status;
	r.body = resp->body != NULL ? resp->body : "";
	if (resp->status == 0)
		error = xasprintf("%s %s: %s", c->method, c->url,
		    resp->error != NULL ? resp->error : "no answer");
	else if (resp->status < 200 || resp->status > 299) {
		error = compute_error_text(resp->status, r.body);
		reason = compute_error_reason(r.body);
	}
	r.error = error;
	r.reason = reason;
	gce_call_finish(c, &r);
	free(error);
	free(reason);
}

static void
gce_call_token(const char *token, const char *error, void *arg)
{
	struct gce_call		*c = arg;
	struct http_request	 req;

	c->auth_id = 0;
	if (token == NULL) {
		free(c->error);
		c->error = xasprintf("credentials (%s): %s",
		    auth_describe(c->gce->auth), error);
		/* auth may answer from inside auth_token(). */
		c->timer = loop_timer_add(c->gce->loop, 0, gce_call_deferred,
		    c);
		return;
	}
	memset(&req, 0, sizeof req);
	req.method = c->method;
	req.url = c->url;
	req.body = c->body;
	req.body_len = c->body != NULL ? strlen(c->body) : 0;
	req.bearer = token;
	req.retry = c->retry;
	req.timeout_ms = c->timeout_ms;
	c->http_id = http_request(c->gce->http, &req, gce_call_http_done, c);
}

static void
gce_call_start(struct gce_call *c)
{
	uint64_t	id;

	/* auth_token may call back at once, setting auth_id to 0 first. */
	c->auth_id = (uint64_t)-1;
	id = auth_token(c->gce->auth, gce_call_token, c);
	if (c->auth_id == (uint64_t)-1)
		c->auth_id = id;
}

static uint64_t
gce_call_timeout(struct gce *g, const char *method, const char *url,
    const char *body, int retry, long timeout_ms, gce_cb cb, void *arg)
{
	struct gce_call	*c = xcalloc(1, sizeof *c);

	c->timeout_ms = timeout_ms;
	c->gce = g;
	c->id = g->next_id++;
	c->method = xstrdup(method);
	c->url = xstrdup(url);
	c->body = body != NULL ? xstrdup(body) : NULL;
	c->retry = retry;
	c->cb = cb;
	c->arg = arg;
	c->next = g->calls;
	g->calls = c;
	gce_call_start(c);
	return c->id;
}

uint64_t
gce_call(struct gce *g, const char *method, const char *url,
    const char *body, int retry, gce_cb cb, void *arg)
{
	return gce_call_timeout(g, method, url, body, retry, 0, cb, arg);
}

char *
gce_request_id(void)
{
	unsigned char	b[16];
	size_t		i;

	if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) {
		/* Uniqueness, not secrecy, is what matters here. */
		for (i = 0; i < sizeof b; i++)
			b[i] = (unsigned char)(random() >> 7);
	}
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	return xasprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5],
	    b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

/* ---- operations ---- */

static void gce_wait_poll(void *);

static void
gce_wait_finish(struct gce_wait *w, const char *error)
{
	gce_op_done_cb	 done = w->done;
	void		*arg = w->arg;

	w->call = 0;
	gce_wait_free(w);
	done(error, arg);
}

/*
 * Looks at one answer about the operation: done (well or not), or poll
 * again.  Returns 1 when w was finished (and freed).
 */
static int
gce_wait_answer(struct gce_wait *w, const char *body)
{
	struct gce_op	 op;
	char		*cause = NULL, *error, *path, *base;
	int64_t		 spent;

	memset(&op, 0, sizeof op);
	if (compute_parse_op(body, &op, &cause) != 0) {
		error = xasprintf("operation: %s", cause);
		free(cause);
		gce_wait_finish(w, error);
		free(error);
		return 1;
	}
	if (w->url == NULL) {
		/* Poll the operation where this client's endpoint is, not
		 * at the host its selfLink names (tests use another). */
		path = op.self_link != NULL ?
		    strstr(op.self_link, "/projects/") : NULL;
		if (path == NULL) {
			gce_op_free(&op);
			gce_wait_finish(w, "operation without a selfLink");
			return 1;
		}
		base = xstrndup(w->gce->compute,
		    strstr(w->gce->compute, "/projects/") - w->gce->compute);
		w->url = xasprintf("%s%s/wait", base, path);
		free(base);
	}
	if (w->progress != NULL)
		w->progress(&op, w->arg);
	if (op.status != NULL && strcmp(op.status, "DONE") == 0) {
		error = op.error_code != NULL ? compute_op_error(&op) : NULL;
		gce_op_free(&op);
		gce_wait_finish(w, error);
		free(error);
		return 1;
	}
	gce_op_free(&op);
	spent = loop_now() - w->started;
	if (spent > GCE_WAIT_MAX_MS) {
		gce_wait_finish(w, "the operation did not finish in 30 "
		    "minutes");
		return 1;
	}
	return 0;
}

static void
gce_wait_polled(const struct gce_result *r, void *arg)
{
	struct gce_wait	*w = arg;
	int64_t		 took;

	w->call = 0;
	if (r->error != NULL) {
		/* The operation goes on whatever happened to one poll: only
		 * a definite answer (4xx) or many failures end following. */
		if ((r->status == 0 || r->status == 429 || r->status >= 500) &&
		    ++w->errors < GCE_WAIT_ERRORS &&
		    loop_now() - w->started < GCE_WAIT_MAX_MS) {
			w->timer = loop_timer_add(w->gce->loop,
			    GCE_WAIT_MIN_MS * w->errors, gce_wait_poll, w);
			return;
		}
		gce_wait_finish(w, r->error);
		return;
	}
	w->errors = 0;
	if (gce_wait_answer(w, r->body))
		return;
	took = loop_now() - w->asked;
	w->timer = loop_timer_add(w->gce->loop,
	    took < GCE_WAIT_MIN_MS ? GCE_WAIT_MIN_MS - took : 0,
	    gce_wait_poll, w);
}

static void
gce_wait_poll(void *arg)
{
	struct gce_wait	*w = arg;

	w->timer = 0;
	w->asked = loop_now();
	/* wait is a read: safe to repeat. */
	w->call = gce_call_timeout(w->gce, "POST", w->url, NULL, 1,
	    GCE_WAIT_CALL_MS, gce_wait_polled, w);
}

/* The first look at the operation, from a timer so callers never get a
 * callback inside gce_op_wait(). */
static void
gce_wait_first(void *arg)
{
	struct gce_wait	*w = arg;
	char		*body = w->first;

	w->timer = 0;
	w->first = NULL;
	if (!gce_wait_answer(w, body)) {
		w->asked = loop_now();
		w->timer = loop_timer_add(w->gce->loop, GCE_WAIT_MIN_MS,
		    gce_wait_poll, w);
	}
	free(body);
}

uint64_t
gce_op_wait(struct gce *g, const char *body, gce_op_progress_cb progress,
    gce_op_done_cb done, void *arg)
{
	struct gce_wait	*w = xcalloc(1, sizeof *w);

	w->gce = g;
	w->id = g->next_id++;
	w->progress = progress;
	w->done = done;
	w->arg = arg;
	w->started = loop_now();
	w->first = xstrdup(body);
	w->next = g->waits;
	g->waits = w;
	w->timer = loop_timer_add(g->loop, 0, gce_wait_first, w);
	return w->id;
}
