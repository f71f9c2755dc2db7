/*
 * A Google Cloud client for one project and zone: where to send requests
 * (the public endpoints, or a test server), credentials (auth.h) and HTTP
 * (http.h) tied together.  gce_call() gets a token, makes the request and
 * turns any failure into one sentence; gce_op_wait() follows a Compute
 * Engine operation until DONE.  The VM's life cycle built on these is in
 * vm.c.
 */
#ifndef SANDBOX_TUI_GCE_H
#define SANDBOX_TUI_GCE_H

#include <stddef.h>
#include <stdint.h>

struct loop;
struct http;
struct auth;
struct gce_op;

struct gce {
	struct loop	*loop;
	struct http	*http;
	struct auth	*auth;
	char		*project, *zone, *region;
	char		*compute;	/* ".../compute/v1/projects/P" */
	char		*iam;		/* ".../v1/projects/P" on IAM */
	char		*crm;		/* ".../v1/projects/P" on Resource Manager */
	uint64_t	 next_id;
	struct gce_call	*calls;		/* in flight */
	struct gce_wait	*waits;		/* operations being followed */
};

/* The gcp.* options gce_new() needs, filled by the caller from its config
 * (empty strings for unset ones). */
struct gce_opts {
	const char	*project, *zone, *region;
	const char	*api_endpoint;		/* gcp.api_endpoint */
	const char	*iam_endpoint;		/* gcp.iam_endpoint */
	const char	*crm_endpoint;		/* gcp.resourcemanager_endpoint */
};

/*
 * Finds the project, zone and credentials (no network I/O).  Fails, with
 * *cause, when any is missing or an endpoint is not https: the message
 * says how to set it.
 */
struct gce *gce_new(struct loop *, const struct gce_opts *, char **cause);
/* Cancels every call without calling back. */
void gce_free(struct gce *);

/*
 * The result of a call: error is NULL for a 2xx answer, else one sentence
 * (Google's error, a transport failure or a credentials problem); status
 * is the HTTP status (0 when there was none) and reason Google's first
 * error reason ("notFound", "alreadyExists", ...) or NULL.
 */
struct gce_result {
	long		 status;
	const char	*body;
	const char	*error;
	const char	*reason;
};
typedef void (*gce_cb)(const struct gce_result *, void *arg);

/*
 * method on url (absolute) with an optional JSON body.  Reads and
 * requests that carry a requestId are retried on 429, 5xx and network
 * errors (retry nonzero); a 401 fetches a new token once.  Returns an id
 * for gce_cancel(); cb runs later, never from inside gce_call.
 */
uint64_t gce_call(struct gce *, const char *method, const char *url,
	    const char *body, int retry, gce_cb, void *arg);
void gce_cancel(struct gce *, uint64_t id);

/* A fresh requestId (a random UUID) for a mutating call; caller frees. */
char *gce_request_id(void);

/*
 * Follows the operation in body (a mutating call's answer) with its
 * `wait` method until it is DONE, calling progress (may be NULL) with each
 * status, then done: error is NULL on success, else Google's error with
 * what to try.  Returns an id for gce_cancel().
 */
/* progress must not cancel the wait (done may). */
typedef void (*gce_op_progress_cb)(const struct gce_op *, void *arg);
typedef void (*gce_op_done_cb)(const char *error, void *arg);
uint64_t gce_op_wait(struct gce *, const char *body, gce_op_progress_cb,
	    gce_op_done_cb, void *arg);

#endif
