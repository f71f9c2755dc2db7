/*
 * Channels of the ssh backend: many PTY, exec and socket channels over the
 * one session.  Each chan steps through open -> pty-req -> exec -> running
 * (a socket: open -> running) with the non-blocking libssh calls
 * (repeated while they return SSH_AGAIN);
 * while running, queued writes go out as the remote window allows and
 * output is read with ssh_channel_read_nonblocking().
 *
 * Flow control: libssh only re-opens a channel's receive window when the
 * application reads from it, so a paused chan (not read) lets at most one
 * window (64000 bytes before the first read, 1280000 after) pile up in
 * libssh before the server stops sending for that channel.
 *
 * libssh's channel callbacks are used only to note EOF, close and exit
 * status; user callbacks run from ssh_chans_service(), outside libssh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/xmalloc.h"
#include "gcp/conn_private.h"
#include "gcp/loop.h"

#define SSH_CHAN_SERVICE_ROUNDS 8
#define SSH_CHAN_WRITE_MAX 32768

static const struct {
	const char	*name;
	int		 num;
} ssh_chan_signals[] = {
	{ "HUP", 1 }, { "INT", 2 }, { "QUIT", 3 }, { "ILL", 4 },
	{ "ABRT", 6 }, { "FPE", 8 }, { "KILL", 9 }, { "USR1", 10 },
	{ "SEGV", 11 }, { "USR2", 12 }, { "PIPE", 13 }, { "ALRM", 14 },
	{ "TERM", 15 }
};

static void
ssh_chan_on_close(ssh_session s, ssh_channel sc, void *arg)
{
	struct chan	*ch = arg;

	(void)s;
	(void)sc;
	ch->got_close = 1;
}

static void
ssh_chan_on_exit_status(ssh_session s, ssh_channel sc, int status, void *arg)
{
	struct chan	*ch = arg;

	(void)s;
	(void)sc;
	ch->exit_status = status;
}

static void
ssh_chan_on_exit_signal(ssh_session s, ssh_channel sc, const char *sig,
    int core, const char *errmsg, const char *lang, void *arg)
{
	struct chan	*ch = arg;
	size_t		 i;

	(void)s;
	(void)sc;
	(void)core;
	(void)errmsg;
	(void)lang;
	free(ch->signal_name);
	ch->signal_name = xstrdup(sig != NULL ? sig : "?");
	ch->exit_status = 128;
	for (i = 0; i < sizeof ssh_chan_signals / sizeof ssh_chan_signals[0];
	    i++) {
		if (sig != NULL && strcmp(sig, ssh_chan_signals[i].name) == 0)
			ch->exit_status = 128 + ssh_chan_signals[i].num;
	}
}

/* The remote command is over and its output read: report it. */
static void
ssh_chan_done(struct chan *ch)
{
	if (ch->kind == CHAN_SOCKET)
		chan_finish(ch, 0, 0, "the socket %s on %s closed", ch->cmd,
		    ch->conn->describe);
	else if (ch->signal_name != NULL)
		chan_finish(ch, ch->exit_status, 0, "killed by signal SIG%s",
		    ch->signal_name);
	else if (ch->exit_status >= 0)
		chan_finish(ch, ch->exit_status, 0, "exited with status %d",
		    ch->exit_status);
	else
		chan_finish(ch, -1, 0, "closed by %s without an exit status",
		    ch->conn->describe);
	ssh_chan_release(ch);
}

static void
ssh_chan_send(struct chan *ch)
{
	size_t		n;
	uint32_t	win;
	int		rc;

	while ((n = conn_buf_used(&ch->wq)) > 0 && !ch->got_close) {
		win = ssh_channel_window_size(ch->sc);
		if (win == 0)
			return;
		if (n > win)
			n = win;
		if (n > SSH_CHAN_WRITE_MAX)
			n = SSH_CHAN_WRITE_MAX;
		rc = ssh_channel_write(ch->sc, ch->wq.data + ch->wq.off,
		    (uint32_t)n);
		if (rc < 0) {
			chan_write_failed(ch, ssh_get_error(ch->conn->session));
			break;
		}
		if (rc == 0)
			return;
		conn_buf_drop(&ch->wq, (size_t)rc);
	}
	if (conn_buf_used(&ch->wq) == 0 && ch->send_eof && !ch->eof_sent &&
	    !ch->got_close) {
		ssh_channel_send_eof(ch->sc);
		ch->eof_sent = 1;
	}
}

static void
ssh_chan_flush(struct chan *ch)
{
	ssh_chan_send(ch);
	chan_flushed(ch);
}

/* Reads within the budget; returns 1 if data may be left over. */
static int
ssh_chan_read(struct chan *ch)
{
	struct conn	*c = ch->conn;
	unsigned	 gen = c->gen;
	char		 buf[32768];
	size_t		 total = 0;
	int		 n, is_stderr, *eof;

	for (is_stderr = 0; is_stderr < 2; is_stderr++) {
		eof = is_stderr ? &ch->err_eof : &ch->out_eof;
		while (!*eof) {
			if (ch->paused || ch->dead || ch->finished)
				return 0;
			if (total >= CONN_READ_BUDGET)
				return 1;
			n = ssh_channel_read_nonblocking(ch->sc, buf, sizeof buf,
			    is_stderr);
			if (n > 0) {
				total += (size_t)n;
				chan_deliver(ch, buf, (size_t)n, is_stderr);
				if (c->freed || c->gen != gen)
					return 0;
				continue;
			}
			if (n == SSH_EOF || (n == 0 && ch->got_close))
				*eof = 1;
			else if (n == SSH_ERROR && !ssh_conn_dead(c)) {
				*eof = 1;
				ch->got_close = 1;
			}
			break;
		}
	}
	return 0;
}

static void
ssh_chan_refused(struct chan *ch, const char *what)
{
	struct conn	*c = ch->conn;

	if (ssh_conn_dead(c))
		return;		/* the caller reports the lost connection */
	if (ch->phase == CHAN_OPENING && ch->kind == CHAN_SOCKET)
		chan_finish(ch, -1, 1, "%s refused to forward to the socket "
		    "%s: %s", c->describe, ch->cmd, ssh_get_error(c->session));
	else if (ch->phase == CHAN_OPENING)
		chan_finish(ch, -1, 1, "channel refused by %s (the server's "
		    "MaxSessions limit? raise it in sshd_config)", c->describe);
	else
		chan_finish(ch, -1, 1, "%s refused by %s: %s", what,
		    c->describe, ssh_get_error(c->session));
	/* The open is settled (denied, or never sent: libssh sends no
	 * streamlocal open to a server that is not OpenSSH), so the channel
	 * is freed now; a "zombie" would be opened as a session later. */
	ch->phase = CHAN_RUNNING;
	ssh_chan_release(ch);
}

/* Advances one chan; returns 1 if it has more to read right now. */
static int
ssh_chan_step(struct chan *ch)
{
	struct conn	*c = ch->conn;
	int		 rc;

	switch (ch->phase) {
	case CHAN_NEW:
		ch->sc = ssh_channel_new(c->session);
		if (ch->sc == NULL) {
			chan_finish(ch, -1, 1, "cannot make a channel: %s",
			    ssh_get_error(c->session));
			return 0;
		}
		ssh_callbacks_init(&ch->scb);
		ch->scb.userdata = ch;
		ch->scb.channel_close_function = ssh_chan_on_close;
		ch->scb.channel_exit_status_function = ssh_chan_on_exit_status;
		ch->scb.channel_exit_signal_function = ssh_chan_on_exit_signal;
		ssh_set_channel_callbacks(ch->sc, &ch->scb);
		ch->exit_status = -1;
		/* A forwarded socket has no stderr to wait for. */
		ch->err_eof = ch->kind == CHAN_SOCKET;
		ch->phase = CHAN_OPENING;
		/* FALLTHROUGH */
	case CHAN_OPENING:
		if (ch->kind == CHAN_SOCKET) {
			/* direct-streamlocal: sshd connects to the socket
			 * itself; the originator fields are informational. */
			rc = ssh_channel_open_forward_unix(ch->sc, ch->cmd,
			    "127.0.0.1", 0);
		} else
			rc = ssh_channel_open_session(ch->sc);
		if (rc == SSH_AGAIN)
			return 0;
		if (rc != SSH_OK) {
			ssh_chan_refused(ch, "channel");
			return 0;
		}
		if (ch->kind == CHAN_SOCKET) {
			ch->phase = CHAN_RUNNING;
			return ssh_chan_step(ch);
		}
		if (ch->kind == CHAN_PTY) {
			ch->phase = CHAN_PTY_REQ;
			ch->resize_pending = 0;
		} else
			ch->phase = CHAN_EXEC_REQ;
		return ssh_chan_step(ch);
	case CHAN_PTY_REQ:
		rc = ssh_channel_request_pty_size(ch->sc, "xterm-256color",
		    ch->cols, ch->rows);
		if (rc == SSH_AGAIN)
			return 0;
		if (rc != SSH_OK) {
			ssh_chan_refused(ch, "terminal (pty-req)");
			return 0;
		}
		ch->phase = CHAN_EXEC_REQ;
		/* FALLTHROUGH */
	case CHAN_EXEC_REQ:
		rc = ssh_channel_request_exec(ch->sc, ch->cmd);
		if (rc == SSH_AGAIN)
			return 0;
		if (rc != SSH_OK) {
			ssh_chan_refused(ch, "command (exec)");
			return 0;
		}
		ch->phase = CHAN_RUNNING;
		/* FALLTHROUGH */
	case CHAN_RUNNING:
		break;
	}
	if (ch->resize_pending && ch->kind == CHAN_PTY && !ch->got_close) {
		ssh_channel_change_pty_size(ch->sc, ch->cols, ch->rows);
		ch->resize_pending = 0;
	}
	ssh_chan_flush(ch);
	if (ssh_chan_read(ch))
		return 1;
	/*
	 * sshd closes a forwarded socket's channel only once both sides
	 * sent EOF; we never do, so the socket's EOF is its end (dockerd
	 * closes the connection after each answer).
	 */
	if (!ch->dead && !ch->finished && ch->out_eof && ch->err_eof &&
	    (ch->got_close || ch->kind == CHAN_SOCKET))
		ssh_chan_done(ch);
	return 0;
}

static void
ssh_zombies_step(struct conn *c)
{
	size_t	i = 0;

	while (i < c->nzombies) {
		if (ssh_channel_open_session(c->zombies[i]) == SSH_AGAIN) {
			i++;
			continue;
		}
		ssh_channel_free(c->zombies[i]);
		c->zombies[i] = c->zombies[--c->nzombies];
	}
}

void
ssh_zombies_free(struct conn *c)
{
	size_t	i;

	for (i = 0; i < c->nzombies; i++)
		ssh_channel_free(c->zombies[i]);
	free(c->zombies);
	c->zombies = NULL;
	c->nzombies = 0;
}

/*
 * Steps every chan until libssh stops taking in bytes (reading one channel
 * may pull packets for others off the socket).  Returns 1 if work is left.
 */
int
ssh_chans_service(struct conn *c)
{
	struct chan	*ch;
	unsigned	 gen = c->gen;
	uint64_t	 before;
	int		 more = 0, rounds = 0;

	if (c->session == NULL || c->state != CONN_READY)
		return 0;
	do {
		before = c->counter.in_bytes;
		more = 0;
		ssh_zombies_step(c);
		for (ch = c->chans; ch != NULL; ch = ch->next) {
			if (ch->dead || ch->finished)
				continue;
			if (ssh_chan_step(ch))
				more = 1;
			if (c->freed || c->gen != gen)
				return 0;
			if (ssh_conn_dead(c)) {
				ssh_check_alive(c);
				return 0;
			}
		}
	} while (c->counter.in_bytes != before &&
	    ++rounds < SSH_CHAN_SERVICE_ROUNDS);
	if (c->counter.in_bytes != before)
		more = 1;
	c->serviced_in = c->counter.in_bytes;
	return more;
}

/* Detaches from libssh: no more callbacks into ch; a channel still being
 * opened is kept until the server answers, then closed. */
void
ssh_chan_release(struct chan *ch)
{
	struct conn	*c = ch->conn;

	if (ch->sc == NULL)
		return;
	ssh_remove_channel_callbacks(ch->sc, &ch->scb);
	if (ch->phase == CHAN_OPENING && c->session != NULL &&
	    !ssh_conn_dead(c)) {
		c->zombies = xreallocarray(c->zombies, c->nzombies + 1,
		    sizeof *c->zombies);
		c->zombies[c->nzombies++] = ch->sc;
	} else
		ssh_channel_free(ch->sc);
	ch->sc = NULL;
}

/* Writes, resizes, pauses and new chans are handled before the next wait. */
void
ssh_chan_kick(struct chan *ch)
{
	ch->conn->service_more = 1;
}
