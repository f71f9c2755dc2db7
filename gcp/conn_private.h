/*
 * What the pieces of a connection share, private to gcp/conn*.c, ssh*.c,
 * hostkey.c and local.c.  conn.c holds the public front and the rules every
 * backend follows: user callbacks are only ever called from the loop (a
 * 0 ms "kick" timer for state changes and finished channels, fd callbacks
 * and the prepare hook for data), never from inside a public function; and
 * nothing is freed while a callback may still be running on the stack (the
 * "busy" count defers frees to conn_sweep()).
 */
#ifndef SANDBOX_TUI_CONN_PRIVATE_H
#define SANDBOX_TUI_CONN_PRIVATE_H

#include <sys/types.h>
#include <stdint.h>

#include <libssh/libssh.h>
#include <libssh/callbacks.h>

#include "gcp/conn.h"

#define CONN_EXEC_CAP	(16u * 1024 * 1024)
/* Bytes handed to one channel's callback per service round. */
#define CONN_READ_BUDGET (256u * 1024)

/* A growable byte queue; bytes before off are consumed. */
struct conn_buf {
	char	*data;
	size_t	 off, len, cap;
};

enum chan_kind {
	CHAN_PTY,
	CHAN_EXEC,
	CHAN_SOCKET		/* a unix socket on the target; cmd is its path */
};

enum chan_phase {
	CHAN_NEW,		/* waiting for READY */
	CHAN_OPENING,		/* channel open sent */
	CHAN_PTY_REQ,		/* pty-req sent */
	CHAN_EXEC_REQ,		/* exec sent */
	CHAN_RUNNING
};

struct chan {
	struct conn		*conn;
	struct chan		*next;
	enum chan_kind		 kind;
	enum chan_phase		 phase;
	char			*cmd;
	int			 rows, cols;
	int			 resize_pending;
	int			 paused;
	struct conn_buf		 wq;		/* writes not yet accepted */
	int			 send_eof;	/* EOF once wq drains (exec) */
	int			 stream;	/* exec whose output goes to cb.data */
	int			 eof_sent;
	int			 writable_due;	/* cb.writable pending in the kick */

	/* finished: result stored, callback pending in the kick. */
	int			 finished;
	/* dead: callback delivered or chan_close(); memory freed by sweep. */
	int			 dead;
	int			 exit_status;
	char			*reason;	/* closed() reason / exec error */
	int			 is_error;	/* exec: reason goes to ->error */

	struct chan_callbacks	 cb;
	void			*arg;
	conn_exec_cb		 exec_cb;
	void			*exec_arg;
	struct conn_buf		 out, err;	/* exec output */

	/* ssh */
	ssh_channel		 sc;
	struct ssh_channel_callbacks_struct scb;
	int			 got_close;
	int			 out_eof, err_eof;
	char			*signal_name;

	/* local */
	pid_t			 pid;
	int			 fd;		/* pty master, or exec stdin */
	int			 out_fd, err_fd;
	uint64_t		 reap_timer;
};

struct conn_target {
	int	 local;
	char	*user;		/* NULL: from ssh config, else $USER */
	char	*host;		/* without brackets */
	int	 port;		/* 0: from ssh config, else 22 */
};

struct conn;

struct conn_backend {
	/* From IDLE/FAILED with state CONNECTING set. */
	void	(*connect)(struct conn *);
	/* Drop the session; the chans have been released already. */
	void	(*teardown)(struct conn *);
	/* Free what a chan holds (fds, libssh channel); no callbacks. */
	void	(*chan_release)(struct chan *);
	/* Something changed on a chan (writes, size, pause, new). */
	void	(*chan_kick)(struct chan *);
};

struct conn {
	struct loop		*loop;
	const struct conn_backend *backend;
	struct conn_callbacks	 cb;
	void			*arg;

	char			*target;
	char			*identity;
	char			*known_hosts;
	char			*ssh_config;
	int			 accept_new_host_key;
	int			 known_hosts_only;
	int			 interactive;
	int			 keepalive_seconds;
	int			 connect_timeout_seconds;

	struct conn_target	 t;
	char			*describe;

	enum conn_state		 state;
	unsigned		 changes;	/* state changes so far */
	unsigned		 reported;	/* changes told to state() */
	char			*error;
	int			 retryable;
	char			*fingerprint;	/* "ED25519 SHA256:..." */

	struct chan		*chans;
	uint64_t		 delivered;	/* data callbacks made so far */
	uint64_t		 kick_timer;
	int			 busy;
	int			 freed;
	unsigned		 gen;		/* bumped by every teardown */

	/* ssh */
	ssh_session		 session;
	ssh_event		 event;
	int			 fd;
	int			 prepare_on;
	struct ssh_counter_struct counter;
	struct ssh_callbacks_struct scbs;
	uint64_t		 serviced_in;
	int			 service_more;
	uint64_t		 connect_timer;
	uint64_t		 keepalive_timer;
	uint64_t		 ka_last_in;
	int			 ka_missed;
	int			 auth_explicit;
	ssh_key			 auth_key;
	char			*auth_tried;
	ssh_channel		*zombies;	/* closed while opening */
	size_t			 nzombies;

	/* local */
	pid_t			*orphans;	/* closed PTY children to reap */
	size_t			 norphans;
	uint64_t		 orphan_timer;
};

extern const struct conn_backend conn_ssh_backend;
extern const struct conn_backend conn_local_backend;

/* conn.c */
int	 conn_target_parse(const char *, struct conn_target *, char **);
void	 conn_target_free(struct conn_target *);
void	 conn_set_state(struct conn *, enum conn_state);
void	 conn_fail(struct conn *, int retryable, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	 conn_kick(struct conn *);
int	 conn_sweep(struct conn *);
void	 conn_release_chans(struct conn *, const char *reason);
void	 chan_finish(struct chan *, int status, int is_error, const char *,
	    ...) __attribute__((format(printf, 4, 5)));
void	 chan_deliver(struct chan *, const char *, size_t, int is_stderr);
void	 chan_flushed(struct chan *);
void	 chan_write_failed(struct chan *, const char *why);
void	 conn_buf_add(struct conn_buf *, const void *, size_t);
void	 conn_buf_drop(struct conn_buf *, size_t);
size_t	 conn_buf_used(const struct conn_buf *);
void	 conn_buf_free(struct conn_buf *);

/* ssh.c */
int	 ssh_conn_dead(struct conn *);
void	 ssh_check_alive(struct conn *);

/* ssh_chan.c */
int	 ssh_chans_service(struct conn *);
void	 ssh_chan_release(struct chan *);
void	 ssh_chan_kick(struct chan *);
void	 ssh_zombies_free(struct conn *);

/* hostkey.c */
int	 hostkey_check(struct conn *);
int	 hostkey_record(struct conn *);
char	*hostkey_describe_key(ssh_key);
/* Appends "TYPE SHA256:... at FILE:LINE" to *list (joined by "; ", *list
 * NULL at first) for each line of known_hosts file path that libssh
 * matches to hp ("host" or "[host]:port"); a missing file adds none. */
void	 hostkey_find_lines(const char *path, const char *hp, char **list);

#endif
