/*
 * HTTP/1.1 as dockerd's Engine API speaks it, over a byte stream of our
 * own (a forwarded socket, or `docker system dial-stdio`): the request head
 * we write, and a reader for the answer built on Debian's http-parser, with
 * chunked bodies and the connection upgrade that attach uses.  No I/O here:
 * bytes in, callbacks out, so it is unit tested and fuzzed.
 */
#ifndef SANDBOX_TUI_DAPI_HTTP_H
#define SANDBOX_TUI_DAPI_HTTP_H

#include <stddef.h>

/* The most of an answer's head we take (status line and headers). */
#define DAPI_HTTP_HEAD_MAX	(64u * 1024)
/* Headers kept for dapi_http_header(); more are read and dropped. */
#define DAPI_HTTP_HEADERS_MAX	32

struct dapi_http;

struct dapi_http_cb {
	/* The head is read: dapi_http_status and _header answer now. */
	void	(*head)(void *arg);
	/* Body bytes, chunked encoding removed; may be NULL. */
	void	(*body)(const char *, size_t, void *arg);
	/* The answer is complete (not after an upgrade). */
	void	(*done)(void *arg);
	/*
	 * After "101 UPGRADED" the stream is raw both ways: every byte that
	 * follows the head, including any that came with it.  May be NULL.
	 */
	void	(*raw)(const char *, size_t, void *arg);
};

struct dapi_http *dapi_http_new(const struct dapi_http_cb *, void *arg);
void dapi_http_free(struct dapi_http *);
/*
 * Bytes from the stream.  Returns 0, or -1 with *cause when they are not
 * HTTP (the reader is then done with).  Callbacks run from inside; they
 * may not free the reader.
 */
int dapi_http_feed(struct dapi_http *, const char *, size_t, char **cause);
/* The stream ended: an answer read to the end of the stream completes,
 * anything else cut short is -1 with *cause. */
int dapi_http_eof(struct dapi_http *, char **cause);
int dapi_http_status(struct dapi_http *);
/* A header's value (names compare without case), or NULL; NULL for all
 * until the head is read whole. */
const char *dapi_http_header(struct dapi_http *, const char *name);
int dapi_http_upgraded(struct dapi_http *);
int dapi_http_complete(struct dapi_http *);

/*
 * The head of a request for path (already escaped, with its query), with
 * a body of body_len bytes of JSON when body_len > 0.  upgrade asks for
 * the raw stream attach needs.  Caller frees.
 */
char *dapi_http_request(const char *method, const char *path,
	    size_t body_len, int upgrade);
/* Percent-escapes s for a path segment or a query value; caller frees. */
char *dapi_http_escape(const char *s);

#endif
