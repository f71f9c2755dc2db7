/*
 * A connection to a target: where agents run.  `ssh://[user@]host[:port]`
 * is one non-blocking libssh session multiplexing every channel; `local`
 * runs the same commands on this machine under local PTYs and pipes.  Both
 * give the rest of the program the same three things: a PTY stream running
 * a command (struct chan), a command run to completion with its output and
 * exit status (conn_exec), and a byte stream to a unix socket on the
 * target (conn_open_socket).  Everything is driven by the one event loop.
 */
#ifndef SANDBOX_TUI_CONN_H
#define SANDBOX_TUI_CONN_H

#include <stddef.h>

struct loop;
struct conn;
struct chan;

enum conn_state {
	CONN_IDLE,		/* not started, or closed by conn_disconnect */
	CONN_CONNECTING,	/* TCP + key exchange */
	CONN_HOSTKEY,		/* waiting for conn_hostkey_answer() */
	CONN_AUTH,		/* user authentication */
	CONN_READY,		/* channels can be opened */
	CONN_FAILED		/* see conn_error(); reconnecting is the caller's choice */
};

struct conn_opts {
	const char	*target;	/* "local" or "ssh://[user@]host[:port]" */
	const char	*identity;	/* -i FILE, or NULL */
	const char	*known_hosts;	/* --known-hosts FILE, or NULL for ~/.ssh/known_hosts */
	const char	*ssh_config;	/* -F FILE, or NULL for ~/.ssh/config */
	int		 accept_new_host_key;	/* save unknown keys without asking */
	/* Only known_hosts counts, not the system-wide file: for keys this
	 * program pinned, where another host's line for a recycled address
	 * in /etc/ssh/ssh_known_hosts must not vouch for a key. */
	int		 known_hosts_only;
	int		 interactive;	/* may ask about unknown keys (CONN_HOSTKEY) */
	int		 keepalive_seconds;	/* 0 = off */
	int		 connect_timeout_seconds;
};

struct conn_callbacks {
	/* The state changed; conn_state()/conn_error() say to what and why. */
	void	(*state)(struct conn *, void *arg);
};

/* Returns NULL with *cause set when the target string is malformed. */
struct conn *conn_new(struct loop *, const struct conn_opts *,
	    const struct conn_callbacks *, void *arg, char **cause);
/* Closes every channel (without callbacks) and frees. */
void conn_free(struct conn *);

/* Starts connecting (from IDLE or FAILED); progress is reported by state(). */
void conn_connect(struct conn *);
/* Drops the connection; open channels get closed() with "disconnected". */
void conn_disconnect(struct conn *);

enum conn_state conn_state(struct conn *);
/* Why the last failure happened (host key mismatch, auth, network...). */
const char *conn_error(struct conn *);
/* Zero when retrying can't help (host key refused, bad target, auth). */
int conn_failure_retryable(struct conn *);
/* "user@host:port" or "local", for the status bar. */
const char *conn_describe(struct conn *);
int conn_is_local(struct conn *);

/* In CONN_HOSTKEY: the unknown key's "SHA256:..." fingerprint and type. */
const char *conn_hostkey_fingerprint(struct conn *);
/* Accept (and record in known_hosts) or reject the unknown host key. */
void conn_hostkey_answer(struct conn *, int accept);

/* ---- commands run to completion ---- */

struct exec_result {
	int		 status;	/* exit status; -1 if it never ran or was killed */
	const char	*out;		/* stdout, NUL-terminated */
	size_t		 out_len;
	const char	*err;		/* stderr, NUL-terminated */
	size_t		 err_len;
	const char	*error;		/* why it did not run (channel refused...), or NULL */
};
typedef void (*conn_exec_cb)(const struct exec_result *, void *arg);

/*
 * Runs `cmd` through the target's shell with `in` (may be NULL) on its
 * stdin, then calls cb exactly once (also on failure or disconnect; never
 * from inside conn_exec itself).  Output is capped at 16 MiB.
 */
void conn_exec(struct conn *, const char *cmd, const char *in, size_t in_len,
	    conn_exec_cb cb, void *arg);

/* ---- PTY streams ---- */

struct chan_callbacks {
	/* Bytes from the command's terminal. */
	void	(*data)(struct chan *, const char *buf, size_t len, void *arg);
	/* The stream ended; the chan is freed after this returns. */
	void	(*closed)(struct chan *, int exit_status, const char *reason,
		    void *arg);
	/*
	 * Streams only, may be NULL.  When set, the command's stdin stays
	 * open for chan_write() until chan_write_eof(), and this is called
	 * (from the loop) once fewer than CHAN_WRITE_LOW bytes wait to be
	 * sent, so that a producer of a large upload keeps memory bounded.
	 */
	void	(*writable)(struct chan *, void *arg);
	/*
	 * May be NULL.  Bytes given to chan_write() could not be sent (the
	 * channel is closed or the write failed): lost of them are dropped,
	 * why says why.  Called from chan_write() itself or from inside
	 * the backend's I/O: it must not close the chan.
	 */
	void	(*write_failed)(struct chan *, size_t lost, const char *why,
		    void *arg);
};

#define CHAN_WRITE_LOW	(256u * 1024)

/*
 * Opens a PTY (TERM=xterm-256color, rows x cols) running `cmd`.  Opening is
 * asynchronous: writes and resizes before it is open are queued.
 */
struct chan *conn_open_pty(struct conn *, const char *cmd, int rows, int cols,
	    const struct chan_callbacks *, void *arg);
/*
 * Runs `cmd` without a PTY and hands its stdout and stderr to data() as they
 * arrive (`docker logs -f`); closed() gets the exit status.  chan_close()
 * stops it.
 */
struct chan *conn_open_stream(struct conn *, const char *cmd,
	    const struct chan_callbacks *, void *arg);
/*
 * A byte stream to the unix socket at path on the target (dockerd's API):
 * over ssh a direct-streamlocal channel of the one session (no command, no
 * shell, no session of sshd's MaxSessions), locally a connect().  data()
 * gets what the socket sends; closed() gets 0 when the other end closed,
 * -1 with why when it could not be opened (the server refused to forward,
 * no such socket, permission).  Nothing half-closes it unless
 * chan_write_eof() is called: a server may take an early EOF as the end
 * of a request still being answered.
 */
struct chan *conn_open_socket(struct conn *, const char *path,
	    const struct chan_callbacks *, void *arg);
void chan_write(struct chan *, const char *buf, size_t len);
/* Bytes written but not yet taken by the target. */
size_t chan_write_queued(struct chan *);
/* A stream with writable(): stdin ends once the queue is sent. */
void chan_write_eof(struct chan *);
void chan_resize(struct chan *, int rows, int cols);
/* While paused no data is read: the remote side is slowed by flow control. */
void chan_pause(struct chan *, int paused);
/* Closes and frees without calling closed(). */
void chan_close(struct chan *);

#endif
