/*
 * Google credentials: finding them (auth_new; the files are read and
 * checked in auth_file.c) and turning them into access tokens (auth_token,
 * through http.c on the event loop).
 *
 * There is at most one token request in flight.  Callers that ask while
 * it runs join a queue and are all answered by it; each waiter carries the
 * generation of the fetch it waits for, so a caller that asks again from
 * inside its callback starts the next fetch instead of being answered by
 * the one that just failed.  A callback may also free the whole auth:
 * auth_free then only marks it, and the outermost call on the stack
 * releases it on the way out.
 *
 * Secrets (the private key, the client secret and refresh token, access
 * tokens) are wiped when freed and never put in messages.  A key file that
 * others can read is used anyway, as gcloud and Google's libraries do, but
 * auth_warning() says so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "config/echo.h"
#include "config/xmalloc.h"
#include "gcp/auth.h"
#include "gcp/auth_private.h"
#include "gcp/gcloud.h"
#include "gcp/http.h"

#define AUTH_METADATA_HOST	"metadata.google.internal"
#define AUTH_METADATA_PATH \
	"/computeMetadata/v1/instance/service-accounts/default/token"
#define AUTH_JWT_GRANT		"urn:ietf:params:oauth:grant-type:jwt-bearer"
/* Refresh this long before expiry (or at half life, if shorter). */
#define AUTH_MARGIN_MS		(5 * 60 * 1000)
#define AUTH_DEFAULT_LIFE	3600
/* Bounds on the server's words in a message (echo_text). */
#define AUTH_CODE_MAX		100	/* an OAuth error or a status */
#define AUTH_MESSAGE_MAX	1000	/* its description */
#define AUTH_EXCERPT_MAX	120	/* the metadata server's text */

static int64_t
auth_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
auth_wipe(char **s)
{
	if (*s != NULL) {
		OPENSSL_cleanse(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

/* Wipes a string jansson holds before the value is released. */
void
auth_wipe_json_string(json_t *j)
{
	if (json_is_string(j))
		OPENSSL_cleanse((char *)json_string_value(j),
		    json_string_length(j));
}

static void
auth_destroy(struct auth *a)
{
	struct auth_waiter	*w;

	if (a->fetch != 0 && a->http != NULL)
		http_cancel(a->http, a->fetch);
	while ((w = a->waiters) != NULL) {
		a->waiters = w->next;
		free(w);
	}
	auth_wipe(&a->private_key);
	auth_wipe(&a->client_secret);
	auth_wipe(&a->refresh_token);
	auth_wipe(&a->token);
	free(a->describe);
	free(a->project);
	free(a->warning);
	free(a->url);
	free(a->host);
	free(a->client_email);
	free(a->key_id);
	free(a->client_id);
	free(a);
}

/* Leaves a public entry point; frees the auth if a callback asked to. */
static void
auth_leave(struct auth *a)
{
	if (--a->busy == 0 && a->dead)
		auth_destroy(a);
}

/* Appends name=value to a form body, value URL-encoded (RFC 3986). */
static void
auth_form_add(char **body, const char *name, const char *value)
{
	static const char	 hex[] = "0123456789ABCDEF";
	size_t			 have = *body != NULL ? strlen(*body) : 0;
	size_t			 need = have + 1 + strlen(name) + 1 +
				     3 * strlen(value) + 1;
	char			*out, *p;
	const unsigned char	*v;

	out = xmalloc(need);
	p = out;
	if (have != 0) {
		memcpy(p, *body, have);
		p += have;
		*p++ = '&';
	}
	p = stpcpy(p, name);
	*p++ = '=';
	for (v = (const unsigned char *)value; *v != '\0'; v++) {
		if ((*v >= 'A' && *v <= 'Z') || (*v >= 'a' && *v <= 'z') ||
		    (*v >= '0' && *v <= '9') || strchr("-._~", *v) != NULL)
			*p++ = *v;
		else {
			*p++ = '%';
			*p++ = hex[*v >> 4];
			*p++ = hex[*v & 15];
		}
	}
	*p = '\0';
	auth_wipe(body);
	*body = out;
}

struct auth *
auth_new(struct http *http, char **cause)
{
	struct auth	*a = xcalloc(1, sizeof *a);
	const char	*env = getenv("GOOGLE_APPLICATION_CREDENTIALS");
	const char	*host = getenv("GCE_METADATA_HOST");
	char		*dir, *adc;
	int		 rc;

	a->http = http;
	a->gen = 1;
	if (env != NULL && *env != '\0') {
		if (auth_load_file(a, env, " (GOOGLE_APPLICATION_CREDENTIALS)",
		    0, cause) != 0)
			goto fail;
		return a;
	}

	dir = gcloud_config_dir();
	adc = xasprintf("%s/application_default_credentials.json", dir);
	free(dir);
	rc = auth_load_file(a, adc, "", 1, cause);
	free(adc);
	if (rc == 0)
		return a;
	if (rc == -1)
		goto fail;

	if ((host == NULL || *host == '\0') && !auth_on_gce()) {
		*cause = xstrdup("no Google credentials found: set "
		    "GOOGLE_APPLICATION_CREDENTIALS to a service account key "
		    "file, run `gcloud auth application-default login`, or "
		    "run on a GCE VM with a service account");
		goto fail;
	}
	if (host == NULL || *host == '\0')
		host = AUTH_METADATA_HOST;
	a->kind = AUTH_METADATA;
	a->host = xstrdup(host);
	a->url = xasprintf("http://%s%s", host, AUTH_METADATA_PATH);
	a->describe = xasprintf("metadata server (%s)", host);
	return a;

fail:
	auth_destroy(a);
	return NULL;
}

void
auth_free(struct auth *a)
{
	if (a == NULL)
		return;
	if (a->busy > 0)
		a->dead = 1;
	else
		auth_destroy(a);
}

enum auth_kind
auth_kind(struct auth *a)
{
	return a->kind;
}

const char *
auth_describe(struct auth *a)
{
	return a->describe;
}

const char *
auth_project(struct auth *a)
{
	return a->project;
}

const char *
auth_warning(struct auth *a)
{
	return a->warning;
}

void
auth_invalidate(struct auth *a)
{
	auth_wipe(&a->token);
	a->fresh_until = 0;
}

/*
 * Answers the waiters of fetch gen, oldest first.  Each is unlinked before
 * its callback, which may add, cancel or free anything.
 */
static void
auth_deliver(struct auth *a, uint64_t gen, const char *token,
    const char *error)
{
	struct auth_waiter	*w, **wp;

	while (!a->dead) {
		for (wp = &a->waiters; *wp != NULL; wp = &(*wp)->next) {
			if ((*wp)->gen == gen)
				break;
		}
		if ((w = *wp) == NULL)
			break;
		*wp = w->next;
		w->cb(token, error, w->arg);
		free(w);
	}
}

/* A hint for the errors whose fix is not obvious from Google's text. */
static const char *
auth_hint(struct auth *a, long status, const char *error, const char *desc)
{
	if (a->kind == AUTH_METADATA)
		return status == 404 ? " (does this VM have a service "
		    "account?)" : "";
	if (error == NULL || strcmp(error, "invalid_grant") != 0)
		return "";
	if (a->kind == AUTH_AUTHORIZED_USER)
		return " (run `gcloud auth application-default login` again)";
	if (desc != NULL && strstr(desc, "Signature") != NULL)
		return " (the key may have been deleted or disabled)";
	if (desc != NULL && strstr(desc, "timeframe") != NULL)
		return " (check this machine's clock)";
	return "";
}

/* A transport failure, after http.c's retries; caller frees. */
static char *
auth_transport_error(struct auth *a, const char *what,
    const struct http_response *r)
{
	const char	*e = r->error != NULL ? r->error : "no answer";
	size_t		 n = strlen(a->host);
	char		*tries, *out;

	tries = r->attempts > 1 ? xasprintf(" (%d attempts)", r->attempts) :
	    xstrdup("");
	/* http.c's text may already start with the host. */
	if (strncmp(e, a->host, n) == 0 && e[n] == ':')
		out = xasprintf("cannot get an access token from %s %s%s",
		    what, e, tries);
	else
		out = xasprintf("cannot get an access token from %s %s: %s%s",
		    what, a->host, e, tries);
	free(tries);
	return out;
}

/* The error sentence for a failed token request; caller frees. */
char *
auth_fetch_error(struct auth *a, const struct http_response *r)
{
	const char	*what = a->kind == AUTH_METADATA ?
			    "the metadata server" : "the token endpoint";
	const char	*error = NULL, *desc = NULL;
	json_t		*j = NULL, *e;
	char		*out, *said = NULL, *why = NULL;

	if (r->status == 0)
		return auth_transport_error(a, what, r);
	if (r->body != NULL && r->len != 0)
		j = json_loadb(r->body, r->len, 0, NULL);
	if (json_is_object(j)) {
		e = json_object_get(j, "error");
		if (json_is_object(e)) {
			/* Google's API error shape, not OAuth's. */
			error = json_string_value(json_object_get(e,
			    "status"));
			desc = json_string_value(json_object_get(e,
			    "message"));
		} else {
			error = json_string_value(e);
			desc = json_string_value(json_object_get(j,
			    "error_description"));
		}
	}
	/* The server's words end up on the screen: echoed, not trusted.
	 * The metadata server answers in text; it was sent no secret. */
	if (error == NULL && a->kind == AUTH_METADATA && r->body != NULL &&
	    r->body[0] != '<')
		said = echo_textn(r->body, strcspn(r->body, "\r\n"),
		    AUTH_EXCERPT_MAX);
	else if (error != NULL)
		said = echo_text(error, AUTH_CODE_MAX);
	if (desc != NULL)
		why = echo_text(desc, AUTH_MESSAGE_MAX);
	out = xasprintf("cannot get an access token from %s %s: HTTP %ld%s%s"
	    "%s%s%s", what, a->host, r->status,
	    said != NULL && *said != '\0' ? " " : "",
	    said != NULL ? said : "",
	    why != NULL && *why != '\0' ? ": " : "",
	    why != NULL ? why : "",
	    auth_hint(a, r->status, error, desc));
	free(why);
	free(said);
	json_decref(j);
	return out;
}

/* Takes the token from a 2xx answer; an error sentence if it has none. */
char *
auth_take_token(struct auth *a, const struct http_response *r)
{
	json_t		*j, *tok, *exp;
	json_int_t	 life = AUTH_DEFAULT_LIFE;
	int64_t		 ms, margin;
	char		*error = NULL;

	j = json_loadb(r->body != NULL ? r->body : "", r->len, 0, NULL);
	tok = json_object_get(j, "access_token");
	exp = json_object_get(j, "expires_in");
	if (!json_is_string(tok) || json_string_length(tok) == 0 ||
	    strlen(json_string_value(tok)) != json_string_length(tok) ||
	    strpbrk(json_string_value(tok), "\r\n") != NULL) {
		error = xasprintf("cannot get an access token from %s %s: "
		    "HTTP %ld without an access_token",
		    a->kind == AUTH_METADATA ? "the metadata server" :
		    "the token endpoint", a->host, r->status);
		goto out;
	}
	if (json_is_integer(exp))
		life = json_integer_value(exp);
	else if (json_is_real(exp) && json_real_value(exp) >= 0 &&
	    json_real_value(exp) < 86400)
		life = (json_int_t)json_real_value(exp);
	if (life < 0)
		life = 0;
	if (life > 86400)
		life = 86400;
	ms = (int64_t)life * 1000;
	margin = ms < 2 * AUTH_MARGIN_MS ? ms / 2 : AUTH_MARGIN_MS;
	auth_wipe(&a->token);
	a->token = xstrdup(json_string_value(tok));
	a->fresh_until = auth_now_ms() + ms - margin;
out:
	auth_wipe_json_string(tok);
	json_decref(j);
	return error;
}

static void
auth_fetched(const struct http_response *r, void *arg)
{
	struct auth	*a = arg;
	uint64_t	 gen = a->gen++;
	char		*error;

	a->busy++;
	a->fetching = 0;
	a->fetch = 0;
	if (r->status >= 200 && r->status <= 299)
		error = auth_take_token(a, r);
	else
		error = auth_fetch_error(a, r);
	auth_deliver(a, gen, error == NULL ? a->token : NULL, error);
	free(error);
	auth_leave(a);
}

/* Starts the token request for the waiters of generation a->gen. */
static void
auth_fetch(struct auth *a)
{
	static const char	*metadata[] = { "Metadata-Flavor: Google", NULL };
	struct http_request	 req = { 0 };
	char			*body = NULL, *jwt, *why = NULL, *error;
	uint64_t		 gen = a->gen, id;

	req.url = a->url;
	req.retry = 1;
	switch (a->kind) {
	case AUTH_SERVICE_ACCOUNT:
		jwt = auth_jwt(a->client_email, a->key_id, a->private_key,
		    a->url, AUTH_SCOPE, (int64_t)time(NULL), &why);
		if (jwt == NULL) {
			error = xasprintf("cannot sign a token request for "
			    "%s: %s", a->describe, why);
			a->gen++;
			auth_deliver(a, gen, NULL, error);
			free(error);
			free(why);
			return;
		}
		auth_form_add(&body, "grant_type", AUTH_JWT_GRANT);
		auth_form_add(&body, "assertion", jwt);
		auth_wipe(&jwt);
		break;
	case AUTH_AUTHORIZED_USER:
		auth_form_add(&body, "grant_type", "refresh_token");
		auth_form_add(&body, "client_id", a->client_id);
		auth_form_add(&body, "client_secret", a->client_secret);
		auth_form_add(&body, "refresh_token", a->refresh_token);
		break;
	case AUTH_METADATA:
		req.method = "GET";
		req.headers = metadata;
		break;
	}
	if (body != NULL) {
		req.method = "POST";
		req.body = body;
		req.body_len = strlen(body);
		req.content_type = "application/x-www-form-urlencoded";
	}
	a->fetching = 1;
	id = http_request(a->http, &req, auth_fetched, a);
	/* Unless it answered already, from inside http_request. */
	if (a->fetching && a->gen == gen)
		a->fetch = id;
	auth_wipe(&body);
}

uint64_t
auth_token(struct auth *a, auth_cb cb, void *arg)
{
	struct auth_waiter	*w, **wp;
	uint64_t		 id = ++a->next_id;

	if (a->token != NULL && auth_now_ms() < a->fresh_until) {
		cb(a->token, NULL, arg);
		return id;
	}
	if (a->http == NULL) {
		cb(NULL, "no HTTP client to fetch an access token", arg);
		return id;
	}
	w = xcalloc(1, sizeof *w);
	w->id = id;
	w->gen = a->gen;
	w->cb = cb;
	w->arg = arg;
	for (wp = &a->waiters; *wp != NULL; wp = &(*wp)->next)
		;
	*wp = w;
	if (!a->fetching) {
		a->busy++;
		auth_fetch(a);
		auth_leave(a);
	}
	return id;
}

void
auth_cancel(struct auth *a, uint64_t id)
{
	struct auth_waiter	*w, **wp;

	for (wp = &a->waiters; (w = *wp) != NULL; wp = &w->next) {
		if (w->id == id) {
			*wp = w->next;
			free(w);
			return;
		}
	}
}
