/*
 * conn_probe: drives gcp/conn from the command line for the end-to-end
 * tests (tests/e2e/test_conn.sh).  It runs the one event loop like the
 * program does, so what it shows is what the UI gets.
 *
 *   conn_probe [options] exec CMD        stdout, stderr, then status=N
 *   conn_probe [options] pty CMD         PTY output to stdout, stdin to it
 *   conn_probe [options] multi N CMD     N concurrent execs
 *   conn_probe [options] flood CMD       PTY stream with pause cycles
 *   conn_probe [options] upload N CMD    N bytes streamed to CMD's stdin
 *                                        as it takes them (writable()),
 *                                        then its output, peak=BYTES queued
 *                                        and status=N; a failed write
 *                                        prints "write failed: N bytes: WHY"
 *
 * Options: --target T (default local), -i KEY, --known-hosts F, -F CONFIG,
 * --accept-new, --answer yes|no (interactive host key), --keepalive S,
 * --timeout S, --size RxC, --resize RxC@MS, --stdin (exec: send our stdin),
 * --pause-ms MS (flood), --hold-ms MS (flood: a long pause at the first data),
 * --on-data free|close|disconnect (pty: call that from the data callback).
 * Exit status 0 when everything ran, 1 otherwise (reason on stderr).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "config/xmalloc.h"
#include "gcp/conn.h"
#include "gcp/loop.h"

struct probe {
	struct loop	*loop;
	struct conn	*conn;
	struct chan	*chan;
	const char	*mode;
	const char	*cmd;
	int		 count;
	int		 rc;
	int		 started;
	int		 answer;	/* -1 none, 0 no, 1 yes */
	int		 rows, cols;
	int		 rs_rows, rs_cols, rs_ms;
	int		 send_stdin;
	char		*in;
	size_t		 in_len;
	int		 pending;	/* multi: execs not finished */

	/* flood */
	unsigned long long bytes;
	int		 pause_ms, hold_ms;
	int		 paused;
	long		 rss_hold_start, rss_hold_end;
	unsigned long long bytes_hold_start, bytes_hold_end;
	int		 holding;
	int		 hold_pending;	/* pause at the first data */
	const char	*on_data;	/* free, close, disconnect: re-entrancy */

	/* upload */
	unsigned long long up_total, up_sent;
	size_t		 up_peak;
	int		 up_calls;
};

static void	probe_hold_start(void *);

static long
probe_rss_kb(void)
{
	FILE	*f = fopen("/proc/self/statm", "r");
	long	 pages = 0, rss = 0;

	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
		rss = 0;
	fclose(f);
	return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static long
probe_peak_rss_kb(void)
{
	struct rusage	ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void
probe_done(struct probe *p, int rc)
{
	p->rc = rc;
	loop_stop(p->loop);
}

static void
probe_exec_cb(const struct exec_result *r, void *arg)
{
	struct probe	*p = arg;

	fwrite(r->out, 1, r->out_len, stdout);
	fwrite(r->err, 1, r->err_len, stderr);
	if (r->out_len > 0 && r->out[r->out_len - 1] != '\n')
		putchar('\n');
	printf("status=%d\n", r->status);
	if (r->error != NULL)
		fprintf(stderr, "conn_probe: exec failed: %s\n", r->error);
	fflush(stdout);
	probe_done(p, r->error != NULL ? 1 : 0);
}

struct probe_multi {
	struct probe	*p;
	int		 i;
};

static void
probe_multi_cb(const struct exec_result *r, void *arg)
{
	struct probe_multi	*m = arg;
	struct probe		*p = m->p;
	size_t			 len = r->out_len;

	while (len > 0 && r->out[len - 1] == '\n')
		len--;
	if (r->error != NULL) {
		printf("exec %d: error=%s\n", m->i, r->error);
		p->rc = 1;
	} else
		printf("exec %d: status=%d out=%.*s\n", m->i, r->status,
		    (int)len, r->out);
	fflush(stdout);
	free(m);
	if (--p->pending == 0)
		loop_stop(p->loop);
}

static void
probe_pty_data(struct chan *ch, const char *buf, size_t len, void *arg)
{
	struct probe	*p = arg;

	p->bytes += len;
	if (strcmp(p->mode, "pty") == 0)
		(void)!write(1, buf, len);
	if (p->hold_pending) {
		p->hold_pending = 0;
		probe_hold_start(p);
	}
	if (p->on_data == NULL)
		return;
	if (strcmp(p->on_data, "free") == 0) {
		fprintf(stderr, "conn_probe: freeing the connection in a "
		    "callback\n");
		conn_free(p->conn);
		p->conn = NULL;
		p->chan = NULL;
		probe_done(p, 0);
	} else if (strcmp(p->on_data, "close") == 0) {
		chan_close(ch);
		p->chan = NULL;
		p->mode = "exec";
		conn_exec(p->conn, "echo after-close", NULL, 0, probe_exec_cb,
		    p);
	} else if (strcmp(p->on_data, "disconnect") == 0)
		conn_disconnect(p->conn);
	p->on_data = NULL;
}

static void
probe_pty_closed(struct chan *ch, int status, const char *reason, void *arg)
{
	struct probe	*p = arg;

	(void)ch;
	p->chan = NULL;
	if (strcmp(p->mode, "flood") == 0) {
		printf("bytes=%llu peak_rss_kb=%ld hold_bytes=%llu "
		    "hold_rss_growth_kb=%ld\n", p->bytes, probe_peak_rss_kb(),
		    p->bytes_hold_end - p->bytes_hold_start,
		    p->rss_hold_end - p->rss_hold_start);
	}
	fprintf(stderr, "\nconn_probe: closed status=%d reason=%s "
	    "wakeups=%llu\n", status, reason ? reason : "(none)",
	    (unsigned long long)loop_wakeups(p->loop));
	fflush(stdout);
	probe_done(p, status < 0 ? 1 : 0);
}

static void
probe_stdin(int fd, short revents, void *arg)
{
	struct probe	*p = arg;
	char		 buf[4096];
	ssize_t		 n;

	(void)revents;
	n = read(fd, buf, sizeof buf);
	if (n <= 0) {
		loop_fd_del(p->loop, fd);
		return;
	}
	if (p->chan != NULL)
		chan_write(p->chan, buf, (size_t)n);
}

static void
probe_resize(void *arg)
{
	struct probe	*p = arg;

	if (p->chan != NULL)
		chan_resize(p->chan, p->rs_rows, p->rs_cols);
}

static void
probe_flood_tick(void *arg)
{
	struct probe	*p = arg;

	if (p->chan == NULL)
		return;
	if (p->holding) {
		p->holding = 0;
		p->rss_hold_end = probe_rss_kb();
		p->bytes_hold_end = p->bytes;
		chan_pause(p->chan, 0);
		p->paused = 0;
	} else {
		p->paused = !p->paused;
		chan_pause(p->chan, p->paused);
	}
	loop_timer_add(p->loop, p->pause_ms, probe_flood_tick, p);
}

static void
probe_hold_start(void *arg)
{
	struct probe	*p = arg;

	if (p->chan == NULL)
		return;
	p->holding = 1;
	p->rss_hold_start = probe_rss_kb();
	p->bytes_hold_start = p->bytes;
	chan_pause(p->chan, 1);
	loop_timer_add(p->loop, p->hold_ms, probe_flood_tick, p);
}

/* A byte pattern the receiver can check with a digest. */
static void
probe_upload_more(struct chan *ch, void *arg)
{
	struct probe	*p = arg;
	char		 buf[65536];
	size_t		 i, n;

	p->up_calls++;
	while (p->up_sent < p->up_total &&
	    chan_write_queued(ch) < 4 * CHAN_WRITE_LOW) {
		n = sizeof buf;
		if (p->up_total - p->up_sent < n)
			n = (size_t)(p->up_total - p->up_sent);
		for (i = 0; i < n; i++)
			buf[i] = (char)('a' + (p->up_sent + i) % 26);
		chan_write(ch, buf, n);
		p->up_sent += n;
		if (chan_write_queued(ch) > p->up_peak)
			p->up_peak = chan_write_queued(ch);
	}
	if (p->up_sent == p->up_total)
		chan_write_eof(ch);
}

static void
probe_upload_data(struct chan *ch, const char *buf, size_t len, void *arg)
{
	(void)ch;
	(void)arg;
	fwrite(buf, 1, len, stdout);
}

static void
probe_upload_closed(struct chan *ch, int status, const char *reason,
    void *arg)
{
	struct probe	*p = arg;

	(void)ch;
	printf("sent=%llu peak=%zu calls=%d\nstatus=%d\n", p->up_sent,
	    p->up_peak, p->up_calls, status);
	if (status < 0)
		fprintf(stderr, "conn_probe: upload: %s\n", reason);
	fflush(stdout);
	probe_done(p, status < 0 ? 1 : 0);
}

static void
probe_write_failed(struct chan *ch, size_t lost, const char *why, void *arg)
{
	(void)ch;
	(void)arg;
	printf("write failed: %zu bytes: %s\n", lost, why);
	fflush(stdout);
}

static void
probe_socket_closed(struct chan *ch, int status, const char *reason,
    void *arg)
{
	struct probe	*p = arg;

	(void)ch;
	printf("status=%d\n", status);
	fflush(stdout);
	if (status < 0)
		fprintf(stderr, "conn_probe: socket: %s\n", reason);
	probe_done(p, status < 0 ? 1 : 0);
}

static void
probe_start(struct probe *p)
{
	static const struct chan_callbacks ucbs = {
		probe_upload_data, probe_upload_closed, probe_upload_more,
		probe_write_failed
	};
	static const struct chan_callbacks cbs = {
		probe_pty_data, probe_pty_closed, NULL, probe_write_failed
	};
	int	i;

	p->started = 1;
	if (strcmp(p->mode, "exec") == 0) {
		conn_exec(p->conn, p->cmd, p->in, p->in_len, probe_exec_cb, p);
		return;
	}
	if (strcmp(p->mode, "upload") == 0) {
		p->chan = conn_open_stream(p->conn, p->cmd, &ucbs, p);
		return;
	}
	if (strcmp(p->mode, "socket") == 0) {
		static const struct chan_callbacks scbs = {
			probe_upload_data, probe_socket_closed, NULL,
			probe_write_failed
		};

		p->chan = conn_open_socket(p->conn, p->cmd, &scbs, p);
		if (p->in_len > 0)
			chan_write(p->chan, p->in, p->in_len);
		return;
	}
	if (strcmp(p->mode, "multi") == 0) {
		p->pending = p->count;
		for (i = 0; i < p->count; i++) {
			struct probe_multi *m = xmalloc(sizeof *m);

			m->p = p;
			m->i = i;
			conn_exec(p->conn, p->cmd, NULL, 0, probe_multi_cb, m);
		}
		return;
	}
	p->chan = conn_open_pty(p->conn, p->cmd, p->rows, p->cols, &cbs, p);
	if (strcmp(p->mode, "pty") == 0) {
		loop_fd_add(p->loop, 0, POLLIN, probe_stdin, p);
		if (p->rs_ms > 0)
			loop_timer_add(p->loop, p->rs_ms, probe_resize, p);
		return;
	}
	if (p->hold_ms > 0)
		p->hold_pending = 1;
	else if (p->pause_ms > 0)
		loop_timer_add(p->loop, p->pause_ms, probe_flood_tick, p);
}

static void
probe_state(struct conn *c, void *arg)
{
	struct probe	*p = arg;

	switch (conn_state(c)) {
	case CONN_HOSTKEY:
		fprintf(stderr, "conn_probe: unknown host key %s\n",
		    conn_hostkey_fingerprint(c));
		if (p->answer < 0) {
			fprintf(stderr, "conn_probe: no --answer given\n");
			probe_done(p, 1);
			return;
		}
		conn_hostkey_answer(c, p->answer);
		break;
	case CONN_READY:
		if (!p->started) {
			fprintf(stderr, "conn_probe: connected to %s\n",
			    conn_describe(c));
			probe_start(p);
		}
		break;
	case CONN_FAILED:
		fprintf(stderr, "conn_probe: connection failed: %s "
		    "(retryable=%d)\n", conn_error(c),
		    conn_failure_retryable(c));
		probe_done(p, 1);
		break;
	default:
		break;
	}
}

static int
probe_size(const char *s, int *rows, int *cols, int *ms)
{
	char	tail = 0;

	if (ms != NULL)
		return sscanf(s, "%dx%d@%d%c", rows, cols, ms, &tail) == 3 ? 0 : -1;
	return sscanf(s, "%dx%d%c", rows, cols, &tail) == 2 ? 0 : -1;
}

static void
probe_read_stdin(struct probe *p)
{
	char	buf[65536];
	ssize_t	n;

	while ((n = read(0, buf, sizeof buf)) > 0) {
		p->in = xrealloc(p->in, p->in_len + (size_t)n);
		memcpy(p->in + p->in_len, buf, (size_t)n);
		p->in_len += (size_t)n;
	}
}

static void
probe_usage(void)
{
	fprintf(stderr, "usage: conn_probe [--target T] [-i KEY] "
	    "[--known-hosts F] [-F CONFIG] [--accept-new] [--answer yes|no] "
	    "[--keepalive S] [--timeout S] [--size RxC] [--resize RxC@MS] "
	    "[--stdin] [--pause-ms MS] [--hold-ms MS] [--on-data WHAT] "
	    "exec CMD | pty CMD | multi N CMD | flood CMD | upload N CMD\n");
	exit(1);
}

int
main(int argc, char **argv)
{
	struct probe		 p;
	struct conn_opts	 o;
	struct conn_callbacks	 cb = { probe_state };
	char			*cause = NULL;
	int			 i;

	memset(&p, 0, sizeof p);
	memset(&o, 0, sizeof o);
	o.target = "local";
	o.connect_timeout_seconds = 10;
	p.answer = -1;
	p.rows = 24;
	p.cols = 80;
	p.pause_ms = 100;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--accept-new") == 0)
			o.accept_new_host_key = 1;
		else if (strcmp(a, "--stdin") == 0)
			p.send_stdin = 1;
		else if (v == NULL)
			probe_usage();
		else if (strcmp(a, "--target") == 0)
			o.target = v, i++;
		else if (strcmp(a, "-i") == 0)
			o.identity = v, i++;
		else if (strcmp(a, "--known-hosts") == 0)
			o.known_hosts = v, i++;
		else if (strcmp(a, "-F") == 0)
			o.ssh_config = v, i++;
		else if (strcmp(a, "--answer") == 0) {
			p.answer = strcmp(v, "yes") == 0;
			o.interactive = 1;
			i++;
		} else if (strcmp(a, "--keepalive") == 0)
			o.keepalive_seconds = atoi(v), i++;
		else if (strcmp(a, "--timeout") == 0)
			o.connect_timeout_seconds = atoi(v), i++;
		else if (strcmp(a, "--size") == 0) {
			if (probe_size(v, &p.rows, &p.cols, NULL) != 0)
				probe_usage();
			i++;
		} else if (strcmp(a, "--resize") == 0) {
			if (probe_size(v, &p.rs_rows, &p.rs_cols, &p.rs_ms) != 0)
				probe_usage();
			i++;
		} else if (strcmp(a, "--pause-ms") == 0)
			p.pause_ms = atoi(v), i++;
		else if (strcmp(a, "--hold-ms") == 0)
			p.hold_ms = atoi(v), i++;
		else if (strcmp(a, "--on-data") == 0)
			p.on_data = v, i++;
		else
			probe_usage();
	}
	if (i >= argc)
		probe_usage();
	p.mode = argv[i++];
	if (strcmp(p.mode, "multi") == 0) {
		if (i >= argc)
			probe_usage();
		p.count = atoi(argv[i++]);
		if (p.count <= 0)
			probe_usage();
	} else if (strcmp(p.mode, "upload") == 0) {
		if (i >= argc)
			probe_usage();
		p.up_total = strtoull(argv[i++], NULL, 10);
	} else if (strcmp(p.mode, "exec") != 0 && strcmp(p.mode, "pty") != 0 &&
	    strcmp(p.mode, "flood") != 0 && strcmp(p.mode, "socket") != 0)
		probe_usage();
	if (i != argc - 1)
		probe_usage();
	p.cmd = argv[i];
	if (p.send_stdin)
		probe_read_stdin(&p);

	p.loop = loop_new();
	p.conn = conn_new(p.loop, &o, &cb, &p, &cause);
	if (p.conn == NULL) {
		fprintf(stderr, "conn_probe: %s\n", cause);
		free(cause);
		loop_free(p.loop);
		return 1;
	}
	conn_connect(p.conn);
	loop_run(p.loop);
	conn_free(p.conn);
	loop_free(p.loop);
	free(p.in);
	return p.rc;
}
