/*
 * HTTP requests on libcurl's multi "socket" interface, driven by the one
 * event loop (see http.h).  curl tells us which sockets to watch
 * (CURLMOPT_SOCKETFUNCTION, turned into loop fds) and when it next needs to
 * be called (CURLMOPT_TIMERFUNCTION, turned into a single loop timer); we
 * call curl_multi_socket_action() when either fires and then collect the
 * finished transfers.  curl asks for -1 ("no timer") once nothing is in
 * flight, so an idle http object holds no timer and never wakes the loop.
 *
 * Callbacks to the caller run only from that collection step, never from
 * inside a curl callback or from http_request(), so a callback may start
 * the next request, cancel another one or even free the http object.  A
 * finished job is unlinked before its callback runs; http_free() called
 * from a callback leaves the struct itself for the collection step to
 * release.
 *
 * Retries: one easy handle per request, removed from the multi handle after
 * each attempt and added again when a loop timer says the backoff is over.
 * Transient failures are 429, 500, 502, 503, 504 and the network errors
 * that a healthy server can cause (refused, reset, timed out, empty or cut
 * reply, a refused HTTP/2 stream).  Name resolution failures are not
 * retried: for the fixed Google endpoints they mean a typo in a configured
 * endpoint or no network at all, and the caller's own reconnect logic is a
 * better place to wait than a 2-minute backoff behind a spinner.
 *
 * The bearer token only ever sits in the request's header list, which is
 * wiped before it is freed; error text is curl's message plus the host.
 */

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include <curl/curl.h>

#include "config/xmalloc.h"
#include "gcp/http.h"
#include "gcp/loop.h"

#ifndef SANDBOX_TUI_VERSION
#define SANDBOX_TUI_VERSION "0.1"
#endif

/* A larger reply is an error, not an allocation we keep growing. */
#define HTTP_BODY_MAX		(32 * 1024 * 1024)
#define HTTP_TIMEOUT_MS		30000L
#define HTTP_CONNECT_TIMEOUT_MS	10000L

#define HTTP_ATTEMPTS		6
#define HTTP_FIRST_MS		500L
#define HTTP_CAP_MS		30000L
#define HTTP_TOTAL_MS		120000L

struct http_job {
	struct http		*h;
	uint64_t		 id;
	CURL			*easy;
	struct curl_slist	*headers;
	char			*url;
	char			*body;
	size_t			 body_len;
	char			*host;		/* host[:port], for error text */
	int			 retry;
	http_cb			 cb;
	void			*arg;

	int			 attempts;
	int64_t			 start;
	int			 in_multi;
	uint64_t		 wait_timer;	/* backoff before the next attempt */

	/* The current (or last) attempt. */
	CURLcode		 result;
	long			 status;
	char			*buf;
	size_t			 len, cap;
	int			 too_big;
	char			*retry_after;
	char			 errbuf[CURL_ERROR_SIZE];

	struct http_job		*prev, *next;
};

struct http {
	struct loop		*loop;
	CURLM			*multi;
	uint64_t		 timer;		/* curl's one timeout */
	uint64_t		 next_id;
	struct http_job		*jobs;
	size_t			 njobs;

	int			*fds;		/* sockets we gave the loop */
	size_t			 nfds, fds_cap;

	int			 attempts;
	long			 first_ms, cap_ms, total_ms;
	uint64_t		 rng;

	int			 depth;		/* inside the collection step */
	int			 dead;		/* freed while depth > 0 */
};

static void	http_check_done(struct http *);

/* splitmix64: backoff jitter needs spread, not secrecy. */
static uint64_t
http_random(struct http *h)
{
	uint64_t	z = (h->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void
http_fd_remember(struct http *h, int fd)
{
	size_t	i;

	for (i = 0; i < h->nfds; i++) {
		if (h->fds[i] == fd)
			return;
	}
	if (h->nfds == h->fds_cap) {
		h->fds_cap = h->fds_cap ? h->fds_cap * 2 : 8;
		h->fds = xreallocarray(h->fds, h->fds_cap, sizeof *h->fds);
	}
	h->fds[h->nfds++] = fd;
}

static void
http_fd_forget(struct http *h, int fd)
{
	size_t	i;

	for (i = 0; i < h->nfds; i++) {
		if (h->fds[i] == fd) {
			h->fds[i] = h->fds[--h->nfds];
			return;
		}
	}
}

static void
http_fd_cb(int fd, short revents, void *arg)
{
	struct http	*h = arg;
	int		 mask = 0, running;

	if (revents & POLLIN)
		mask |= CURL_CSELECT_IN;
	if (revents & POLLOUT)
		mask |= CURL_CSELECT_OUT;
	/* A hang-up is for curl to read as EOF; only a socket error is one. */
	if (revents & POLLHUP)
		mask |= CURL_CSELECT_IN;
	if (revents & (POLLERR | POLLNVAL))
		mask |= CURL_CSELECT_ERR;
	if (revents & POLLNVAL) {
		/* Closed behind our back: stop polling it or we would spin. */
		loop_fd_del(h->loop, fd);
		http_fd_forget(h, fd);
	}
	curl_multi_socket_action(h->multi, fd, mask, &running);
	http_check_done(h);
}

static int
http_socket_cb(CURL *easy, curl_socket_t s, int what, void *clientp,
    void *socketp)
{
	struct http	*h = clientp;
	short		 events = 0;

	(void)easy;
	(void)socketp;
	if (what == CURL_POLL_REMOVE) {
		loop_fd_del(h->loop, s);
		http_fd_forget(h, s);
		return 0;
	}
	if (what & CURL_POLL_IN)
		events |= POLLIN;
	if (what & CURL_POLL_OUT)
		events |= POLLOUT;
	loop_fd_add(h->loop, s, events, http_fd_cb, h);
	http_fd_remember(h, s);
	return 0;
}

static void
http_timeout(void *arg)
{
	struct http	*h = arg;
	int		 running;

	h->timer = 0;
	curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	http_check_done(h);
}

/*
 * curl must not be called back from here, so even "0 ms" becomes a loop
 * timer, which runs on the next loop round.
 */
static int
http_timer_cb(CURLM *multi, long ms, void *arg)
{
	struct http	*h = arg;

	(void)multi;
	loop_timer_cancel(h->loop, h->timer);
	h->timer = 0;
	if (ms >= 0)
		h->timer = loop_timer_add(h->loop, ms, http_timeout, h);
	return 0;
}

static size_t
http_write_cb(char *data, size_t size, size_t n, void *arg)
{
	struct http_job	*job = arg;
	size_t		 len = size * n;

	if (len > HTTP_BODY_MAX - job->len) {
		job->too_big = 1;
		return 0;
	}
	if (job->len + len + 1 > job->cap) {
		while (job->len + len + 1 > job->cap)
			job->cap = job->cap ? job->cap * 2 : 4096;
		job->buf = xrealloc(job->buf, job->cap);
	}
	memcpy(job->buf + job->len, data, len);
	job->len += len;
	job->buf[job->len] = '\0';
	return len;
}

/* Keeps Retry-After of the last response only (not of a 100 Continue). */
static size_t
http_header_cb(char *data, size_t size, size_t n, void *arg)
{
	static const char	 name[] = "retry-after:";
	struct http_job		*job = arg;
	size_t			 len = size * n, start, end;

	if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		free(job->retry_after);
		job->retry_after = NULL;
		return len;
	}
	if (len < sizeof name - 1 ||
	    strncasecmp(data, name, sizeof name - 1) != 0)
		return len;
	start = sizeof name - 1;
	end = len;
	while (start < end && (data[start] == ' ' || data[start] == '\t'))
		start++;
	while (end > start && (data[end - 1] == '\r' || data[end - 1] == '\n' ||
	    data[end - 1] == ' ' || data[end - 1] == '\t'))
		end--;
	free(job->retry_after);
	job->retry_after = xstrndup(data + start, end - start);
	return len;
}

/* An HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT"), parsed without the locale. */
static int
http_parse_date(const char *s, time_t *out)
{
	static const char	*months[] = { "Jan", "Feb", "Mar", "Apr", "May",
				    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm		 tm;
	char			 wday[4], mon[4], zone[4];
	int			 i;

	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%3s %d %3s %d %d:%d:%d %3s", wday, &tm.tm_mday, mon,
	    &tm.tm_year, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, zone) != 8 ||
	    strcmp(zone, "GMT") != 0)
		return -1;
	for (i = 0; i < 12; i++) {
		if (strcmp(mon, months[i]) == 0)
			break;
	}
	if (i == 12 || tm.tm_year < 1970)
		return -1;
	tm.tm_mon = i;
	tm.tm_year -= 1900;
	*out = timegm(&tm);
	return 0;
}

/* Retry-After in ms, or -1 when absent or unreadable. */
static long
http_retry_after_ms(const char *v)
{
	char	*end;
	long	 s;
	time_t	 when, now;

	if (v == NULL || *v == '\0')
		return -1;
	if (*v >= '0' && *v <= '9') {
		errno = 0;
		s = strtol(v, &end, 10);
		if (*end != '\0')
			return -1;
		if (errno == ERANGE || s > LONG_MAX / 1000)
			return LONG_MAX;
		return s * 1000;
	}
	if (http_parse_date(v, &when) != 0)
		return -1;
	now = time(NULL);
	if (when <= now)
		return 0;
	if (when - now > LONG_MAX / 1000)
		return LONG_MAX;
	return (long)(when - now) * 1000;
}

static int
http_transient(long status, CURLcode rc)
{
	switch (rc) {
	case CURLE_OK:
		return status == 429 || status == 500 || status == 502 ||
		    status == 503 || status == 504;
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

/* Full jitter, unless the server said how long to wait. */
static long
http_backoff(struct http_job *job)
{
	struct http	*h = job->h;
	long		 ceiling = h->first_ms, ra;
	int		 i;

	if ((ra = http_retry_after_ms(job->retry_after)) >= 0)
		return ra < h->cap_ms ? ra : h->cap_ms;
	for (i = 1; i < job->attempts && ceiling < h->cap_ms; i++)
		ceiling = ceiling > LONG_MAX / 2 ? LONG_MAX : ceiling * 2;
	if (ceiling > h->cap_ms)
		ceiling = h->cap_ms;
	if (ceiling <= 0)
		return 0;
	return (long)(http_random(h) % ((uint64_t)ceiling + 1));
}

/* Returns host[:port] of url, newly allocated; never the path or query. */
static char *
http_host(const char *url)
{
	CURLU	*u;
	char	*host = NULL, *port = NULL, *out;

	if ((u = curl_url()) == NULL)
		abort();
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		out = xstrdup("(invalid URL)");
	else if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK)
		out = xasprintf("%s:%s", host, port);
	else
		out = xstrdup(host);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return out;
}

static void
http_slist_add(struct curl_slist **list, const char *s)
{
	struct curl_slist	*n;

	if ((n = curl_slist_append(*list, s)) == NULL)
		abort();
	*list = n;
}

/* Wipes header values (the bearer token is one) before freeing them. */
static void
http_slist_free(struct curl_slist *list)
{
	struct curl_slist	*l;

	for (l = list; l != NULL; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	curl_slist_free_all(list);
}

static void
http_headers(struct http_job *job, const struct http_request *req)
{
	const char *const	*p;
	char			*s;
	size_t			 len;

	for (p = req->headers; p != NULL && *p != NULL; p++)
		http_slist_add(&job->headers, *p);
	if (req->content_type != NULL || req->body != NULL) {
		s = xasprintf("Content-Type: %s", req->content_type != NULL ?
		    req->content_type : "application/json");
		http_slist_add(&job->headers, s);
		free(s);
	} else {
		/* Not curl's form type on a bodyless POST. */
		http_slist_add(&job->headers, "Content-Type:");
	}
	if (req->bearer != NULL && *req->bearer != '\0') {
		s = xasprintf("Authorization: Bearer %s", req->bearer);
		len = strlen(s);
		http_slist_add(&job->headers, s);
		explicit_bzero(s, len);
		free(s);
	}
	/* No "Expect: 100-continue" round trip before larger bodies. */
	http_slist_add(&job->headers, "Expect:");
}

static void
http_easy_setup(struct http_job *job, const struct http_request *req)
{
	CURL		*e = job->easy;
	const char	*method = req->method != NULL ? req->method : "GET";
	long		 timeout = req->timeout_ms > 0 ? req->timeout_ms :
			    HTTP_TIMEOUT_MS;

	curl_easy_setopt(e, CURLOPT_URL, job->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, job);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, job->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
#if CURL_AT_LEAST_VERSION(7, 85, 0)
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(e, CURLOPT_PROTOCOLS, CURLPROTO_HTTP | CURLPROTO_HTTPS);
#endif
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, HTTP_CONNECT_TIMEOUT_MS);
	curl_easy_setopt(e, CURLOPT_USERAGENT,
	    "sandbox-tui/" SANDBOX_TUI_VERSION);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, job->headers);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, job);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, http_header_cb);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, job);

	/* A bodyless POST still sends Content-Length: 0, which GCE wants. */
	if (job->body != NULL || strcmp(method, "POST") == 0) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS,
		    job->body != NULL ? job->body : "");
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)job->body_len);
		if (strcmp(method, "POST") != 0)
			curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	} else if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
}

static void
http_start(struct http_job *job)
{
	job->len = 0;
	if (job->buf != NULL)
		job->buf[0] = '\0';
	job->too_big = 0;
	job->status = 0;
	job->result = CURLE_OK;
	free(job->retry_after);
	job->retry_after = NULL;
	job->errbuf[0] = '\0';
	job->attempts++;
	/* Fails only out of memory or on a handle already added. */
	if (curl_multi_add_handle(job->h->multi, job->easy) != CURLM_OK)
		abort();
	job->in_multi = 1;
}

static void
http_retry(void *arg)
{
	struct http_job	*job = arg;

	job->wait_timer = 0;
	http_start(job);
}

static void
http_unlink(struct http_job *job)
{
	struct http	*h = job->h;

	if (job->prev != NULL)
		job->prev->next = job->next;
	else if (h->jobs == job)
		h->jobs = job->next;
	else
		return;
	if (job->next != NULL)
		job->next->prev = job->prev;
	job->prev = job->next = NULL;
	h->njobs--;
}

static void
http_job_free(struct http_job *job)
{
	struct http	*h = job->h;

	http_unlink(job);
	if (job->in_multi)
		curl_multi_remove_handle(h->multi, job->easy);
	if (job->wait_timer != 0)
		loop_timer_cancel(h->loop, job->wait_timer);
	curl_easy_cleanup(job->easy);
	http_slist_free(job->headers);
	free(job->url);
	if (job->body != NULL)
		explicit_bzero(job->body, job->body_len);
	free(job->body);
	free(job->host);
	free(job->buf);
	free(job->retry_after);
	free(job);
}

/* Reports the last attempt; the job is gone afterwards. */
static void
http_finish(struct http_job *job)
{
	struct http_response	 r;
	char			*error = NULL;

	http_unlink(job);
	memset(&r, 0, sizeof r);
	r.attempts = job->attempts;
	r.retry_after = job->retry_after;
	if (job->result == CURLE_OK) {
		r.status = job->status;
		r.body = job->buf != NULL ? job->buf : "";
		r.len = job->len;
	} else {
		if (job->too_big) {
			error = xasprintf("%s: response larger than %d MiB",
			    job->host, HTTP_BODY_MAX / (1024 * 1024));
		} else {
			error = xasprintf("%s: %s", job->host,
			    job->errbuf[0] != '\0' ? job->errbuf :
			    curl_easy_strerror(job->result));
		}
		r.body = "";
		r.error = error;
	}
	job->cb(&r, job->arg);
	free(error);
	http_job_free(job);
}

static void
http_attempt_done(struct http_job *job, CURLcode rc)
{
	struct http	*h = job->h;
	long		 wait;

	job->result = rc;
	if (rc == CURLE_OK)
		curl_easy_getinfo(job->easy, CURLINFO_RESPONSE_CODE, &job->status);
	if (job->retry && job->attempts < h->attempts &&
	    http_transient(job->status, rc)) {
		wait = http_backoff(job);
		if (loop_now() - job->start + wait <= h->total_ms) {
			job->wait_timer = loop_timer_add(h->loop, wait,
			    http_retry, job);
			return;
		}
	}
	http_finish(job);
}

/*
 * Collects finished transfers one message at a time: a callback may cancel
 * a job whose message is still queued, and curl drops that message when the
 * handle is removed.
 */
static void
http_check_done(struct http *h)
{
	CURLMsg		*m;
	CURL		*easy;
	CURLcode	 rc;
	char		*priv;
	int		 left;

	h->depth++;
	while (!h->dead && (m = curl_multi_info_read(h->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		easy = m->easy_handle;
		rc = m->data.result;
		priv = NULL;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
		curl_multi_remove_handle(h->multi, easy);
		((struct http_job *)(void *)priv)->in_multi = 0;
		http_attempt_done((struct http_job *)(void *)priv, rc);
	}
	if (--h->depth == 0 && h->dead)
		free(h);
}

struct http *
http_new(struct loop *loop)
{
	static int	 curl_ready;
	struct http	*h;

	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			abort();
		curl_ready = 1;
	}
	h = xcalloc(1, sizeof *h);
	h->loop = loop;
	h->next_id = 1;
	h->attempts = HTTP_ATTEMPTS;
	h->first_ms = HTTP_FIRST_MS;
	h->cap_ms = HTTP_CAP_MS;
	h->total_ms = HTTP_TOTAL_MS;
	if (getrandom(&h->rng, sizeof h->rng, GRND_NONBLOCK) !=
	    (ssize_t)sizeof h->rng)
		h->rng = (uint64_t)loop_now() ^ (uint64_t)(uintptr_t)h;
	if ((h->multi = curl_multi_init()) == NULL)
		abort();
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, http_socket_cb);
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, http_timer_cb);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
	return h;
}

void
http_free(struct http *h)
{
	size_t	i;

	if (h == NULL || h->dead)
		return;
	while (h->jobs != NULL)
		http_job_free(h->jobs);
	curl_multi_cleanup(h->multi);
	h->multi = NULL;
	loop_timer_cancel(h->loop, h->timer);
	h->timer = 0;
	/* Sockets curl closed without telling us must not keep h as arg. */
	for (i = 0; i < h->nfds; i++)
		loop_fd_del(h->loop, h->fds[i]);
	free(h->fds);
	h->fds = NULL;
	h->nfds = 0;
	if (h->depth > 0)
		h->dead = 1;
	else
		free(h);
}

uint64_t
http_request(struct http *h, const struct http_request *req, http_cb cb,
    void *arg)
{
	struct http_job	*job = xcalloc(1, sizeof *job);

	job->h = h;
	job->id = h->next_id++;
	job->cb = cb;
	job->arg = arg;
	job->retry = req->retry;
	job->url = xstrdup(req->url);
	job->host = http_host(req->url);
	if (req->body != NULL) {
		job->body = xmalloc(req->body_len + 1);
		memcpy(job->body, req->body, req->body_len);
		job->body[req->body_len] = '\0';
		job->body_len = req->body_len;
	}
	if ((job->easy = curl_easy_init()) == NULL)
		abort();
	http_headers(job, req);
	http_easy_setup(job, req);
	job->start = loop_now();

	job->next = h->jobs;
	if (h->jobs != NULL)
		h->jobs->prev = job;
	h->jobs = job;
	h->njobs++;
	http_start(job);
	return job->id;
}

void
http_cancel(struct http *h, uint64_t id)
{
	struct http_job	*job;

	if (id == 0)
		return;
	for (job = h->jobs; job != NULL; job = job->next) {
		if (job->id == id) {
			http_job_free(job);
			return;
		}
	}
}

void
http_set_retry(struct http *h, int attempts, long first_ms, long cap_ms,
    long total_ms)
{
	h->attempts = attempts > 0 ? attempts : 1;
	h->first_ms = first_ms > 0 ? first_ms : 0;
	h->cap_ms = cap_ms > 0 ? cap_ms : 0;
	h->total_ms = total_ms > 0 ? total_ms : 0;
}

size_t
http_pending(struct http *h)
{
	return h->njobs;
}
