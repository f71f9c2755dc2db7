/*
 * dockerd's Engine API over the one connection (issue 13): each request a
 * stream of its own to the daemon's socket on the target (conn_open_socket:
 * a direct-streamlocal channel over ssh, a connect() locally), or, where
 * the server refuses to forward sockets, `docker system dial-stdio` on an
 * exec channel.  The API version is negotiated once per client: the lower
 * of ours and the daemon's (its /_ping answer), never below what we need.
 * Answers are read by dapi_http.c; a refusal's JSON "message" becomes the
 * error, shown as echo_text shows it.
 */
#ifndef SANDBOX_TUI_DAPI_H
#define SANDBOX_TUI_DAPI_H

#include <stddef.h>

struct conn;
struct loop;
struct dapi;

/* The newest API we speak, and the oldest (docker 20.10). */
#define DAPI_VERSION_MAX	"1.47"
#define DAPI_VERSION_MIN	"1.41"
/* The most of a body kept; past it the request fails. */
#define DAPI_BODY_MAX		(64u * 1024 * 1024)
/* The default socket, as docker.socket's default. */
#define DAPI_SOCKET		"/var/run/docker.sock"

enum dapi_transport {
	DAPI_NONE,		/* not known yet */
	DAPI_SOCKET_STREAM,	/* the socket, forwarded or connected */
	DAPI_DIAL_STDIO,	/* docker system dial-stdio on an exec channel */
};

struct dapi_result {
	int		 status;	/* HTTP status; 0 when none came */
	const char	*body;		/* NUL-terminated; "" when none */
	size_t		 len;
	/* Why it failed (no answer, or an answer >= 400), else NULL. */
	const char	*error;
};
typedef void (*dapi_cb)(const struct dapi_result *, void *arg);

/* A client of the daemon at socket (NULL: DAPI_SOCKET) through conn. */
struct dapi *dapi_new(struct loop *, struct conn *, const char *socket);
/* Stops every request without calling back.  Not from inside one of its
 * own callbacks. */
void dapi_free(struct dapi *);
/*
 * Sends METHOD path (without the /vX.Y prefix; query already escaped)
 * with body (JSON, or NULL) and calls cb exactly once, never from inside
 * dapi_call.
 */
void dapi_call(struct dapi *, const char *method, const char *path,
	    const char *body, dapi_cb cb, void *arg);
/*
 * GET path as a stream (/events, logs with follow): the body goes to
 * data() as it comes, then end() once, with why when it failed (NULL: the
 * daemon ended it).  The handle is good until end() or dapi_cancel().
 */
struct dapi_req;
struct dapi_req *dapi_stream(struct dapi *, const char *path,
	    void (*data)(const char *, size_t, void *),
	    void (*end)(const char *error, void *), void *arg);
/* Stops a stream without calling end(). */
void dapi_cancel(struct dapi_req *);
/* "1.41" once negotiated, else NULL. */
const char *dapi_version(struct dapi *);
enum dapi_transport dapi_transport(struct dapi *);
/* "socket /var/run/docker.sock", "docker system dial-stdio", for the
 * status bar and `agents list`. */
const char *dapi_describe(struct dapi *);

/*
 * The version both sides speak, from the daemon's API-Version, into out:
 * 0, or -1 when theirs is missing, not a version, or older than
 * DAPI_VERSION_MIN (pure, for the tests).
 */
int dapi_negotiate(const char *theirs, char *out, size_t size);

#endif
