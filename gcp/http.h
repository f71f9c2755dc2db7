/*
 * HTTP for the cloud side: libcurl's multi interface driven by the one
 * event loop (its sockets are loop fds, its timeout a loop timer), so no
 * request ever blocks the UI.  Requests that are safe to repeat retry on
 * 429, 500, 502, 503, 504 and network errors (refused, reset, timed out,
 * empty reply) with exponential backoff and full jitter, honouring
 * Retry-After, bounded in count and in total time.  Bearer tokens and
 * request bodies are never logged or put in error text.
 */
#ifndef SANDBOX_TUI_HTTP_H
#define SANDBOX_TUI_HTTP_H

#include <stddef.h>
#include <stdint.h>

struct loop;
struct http;

struct http_request {
	const char		*method;	/* "GET", "POST", "DELETE", ... */
	const char		*url;
	const char		*body;		/* NULL: none */
	size_t			 body_len;
	const char		*content_type;	/* NULL with a body: application/json */
	const char *const	*headers;	/* extra "Name: value", NULL-terminated */
	const char		*bearer;	/* OAuth access token, or NULL */
	int			 retry;		/* safe to repeat: retry as above */
	long			 timeout_ms;	/* per attempt; 0: 30 s */
};

struct http_response {
	long		 status;	/* HTTP status; 0 when no answer came */
	const char	*body;		/* NUL-terminated (may hold NULs before) */
	size_t		 len;
	const char	*error;		/* transport error text when status 0 */
	int		 attempts;
	const char	*retry_after;	/* header value or NULL */
};

/* Called once per request, unless cancelled; the response is valid only
 * during the call. */
typedef void (*http_cb)(const struct http_response *, void *arg);

struct http *http_new(struct loop *);
/* Cancels every request in flight without calling back. */
void http_free(struct http *);
/* Returns an id (never 0) for http_cancel().  The request is copied. */
uint64_t http_request(struct http *, const struct http_request *, http_cb,
	    void *arg);
void http_cancel(struct http *, uint64_t id);

/* Retry policy, for tests: attempts (default 6), first backoff (500 ms),
 * cap per wait (30 s), total time (120 s). */
void http_set_retry(struct http *, int attempts, long first_ms, long cap_ms,
	    long total_ms);

/* Requests in flight, for tests and for "nothing left to wait for". */
size_t http_pending(struct http *);

/* host[:port] of an http or https URL (NULL if it is neither, has no
 * host or has user@); caller frees.  *https says which. */
char *http_url_host(const char *url, int *https);
/* Whether host[:port] is this machine: 127.x.y.z, localhost, [::1]. */
int http_url_loopback(const char *host);
/* 0 when url may carry a token: https, or http to this machine; -1 with
 * *cause naming what (the option or file field) otherwise. */
int http_url_check(const char *url, const char *what, char **cause);

#endif
