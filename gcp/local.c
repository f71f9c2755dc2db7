/*
 * The `local` target: the same PTY streams and commands as over ssh, run
 * on this machine.  A PTY is forkpty() running `/bin/sh -c CMD`; an exec is
 * fork() with three pipes; a socket is a non-blocking connect().  All fds
 * are non-blocking and watched by the loop; pausing a PTY stops watching
 * its master, so the kernel's pty buffer fills and the writer blocks (the
 * same flow control ssh gives).
 *
 * Children are reaped without SIGCHLD: once a chan's output hits EOF (EIO
 * on a pty master) waitpid(pid, WNOHANG) collects the status, retrying on a
 * short timer if the process has not quite exited.  A PTY closed by the
 * user gets SIGHUP (for `docker attach` that only detaches) and is reaped
 * in the background.
 */
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/xmalloc.h"
#include "gcp/conn_private.h"
#include "gcp/loop.h"

#define LOCAL_REAP_MS 20
#define LOCAL_ORPHAN_MS 100

static void	local_pty_io(int, short, void *);
static void	local_exec_io(int, short, void *);

static void
local_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* In the child: undo what the loop did to signals, then run the command. */
static void
local_child_exec(const char *cmd)
{
	sigset_t	all;

	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	closefrom(3);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

static void
local_close_fd(struct conn *c, int *fd)
{
	if (*fd < 0)
		return;
	loop_fd_del(c->loop, *fd);
	close(*fd);
	*fd = -1;
}

/* Reaps background children (closed PTYs) until none is left. */
static void
local_orphans_reap(void *arg)
{
	struct conn	*c = arg;
	size_t		 i = 0;

	c->orphan_timer = 0;
	while (i < c->norphans) {
		pid_t r = waitpid(c->orphans[i], NULL, WNOHANG);

		if (r == 0) {
			i++;
			continue;
		}
		c->orphans[i] = c->orphans[--c->norphans];
	}
	if (c->norphans > 0)
		c->orphan_timer = loop_timer_add(c->loop, LOCAL_ORPHAN_MS,
		    local_orphans_reap, c);
}

static void
local_orphan(struct conn *c, pid_t pid)
{
	c->orphans = xreallocarray(c->orphans, c->norphans + 1,
	    sizeof *c->orphans);
	c->orphans[c->norphans++] = pid;
	if (c->orphan_timer == 0 && !c->freed)
		c->orphan_timer = loop_timer_add(c->loop, LOCAL_ORPHAN_MS,
		    local_orphans_reap, c);
}

static void
local_chan_release(struct chan *ch)
{
	struct conn	*c = ch->conn;

	loop_timer_cancel(c->loop, ch->reap_timer);
	ch->reap_timer = 0;
	local_close_fd(c, &ch->fd);
	local_close_fd(c, &ch->out_fd);
	local_close_fd(c, &ch->err_fd);
	if (ch->pid > 0) {
		kill(-ch->pid, SIGHUP);
		kill(ch->pid, SIGHUP);
		if (waitpid(ch->pid, NULL, WNOHANG) == 0)
			local_orphan(c, ch->pid);
		ch->pid = 0;
	}
}

/* Output is over; collect the exit status, or try again shortly. */
static void
local_reap(void *arg)
{
	struct chan	*ch = arg;
	int		 status;
	pid_t		 r;

	ch->reap_timer = 0;
	r = waitpid(ch->pid, &status, WNOHANG);
	if (r == 0) {
		ch->reap_timer = loop_timer_add(ch->conn->loop, LOCAL_REAP_MS,
		    local_reap, ch);
		return;
	}
	ch->pid = 0;
	if (r < 0)
		chan_finish(ch, -1, 0, "lost track of the process: %s",
		    strerror(errno));
	else if (WIFSIGNALED(status))
		chan_finish(ch, 128 + WTERMSIG(status), 0,
		    "killed by signal %d", WTERMSIG(status));
	else
		chan_finish(ch, WEXITSTATUS(status), 0, "exited with status %d",
		    WEXITSTATUS(status));
	local_chan_release(ch);
}

static void
local_update_events(struct chan *ch)
{
	struct conn	*c = ch->conn;
	short		 ev = 0;

	if (ch->kind == CHAN_PTY) {
		if (ch->fd < 0)
			return;
		if (!ch->paused)
			ev |= POLLIN;
		if (conn_buf_used(&ch->wq) > 0)
			ev |= POLLOUT;
		/* A paused master that is not polled cannot report HUP forever. */
		if (ev == 0)
			loop_fd_del(c->loop, ch->fd);
		else
			loop_fd_add(c->loop, ch->fd, ev, local_pty_io, ch);
		return;
	}
	if (ch->fd < 0)
		return;
	/* An upload's stdin stays open, unpolled, between writes. */
	if (conn_buf_used(&ch->wq) > 0)
		loop_fd_add(c->loop, ch->fd, POLLOUT, local_exec_io, ch);
	else if (ch->send_eof) {
		/* The dup of a socket: closing it alone sends no EOF. */
		if (ch->kind == CHAN_SOCKET)
			shutdown(ch->fd, SHUT_WR);
		local_close_fd(c, &ch->fd);
	} else
		loop_fd_del(c->loop, ch->fd);
}

/* Writes what the fd takes; returns -1 when the reader is gone. */
static int
local_flush(struct chan *ch)
{
	ssize_t	n;

	while (conn_buf_used(&ch->wq) > 0) {
		n = write(ch->fd, ch->wq.data + ch->wq.off,
		    conn_buf_used(&ch->wq));
		if (n > 0) {
			conn_buf_drop(&ch->wq, (size_t)n);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		chan_write_failed(ch, n < 0 ? strerror(errno) :
		    "nothing was written");
		return -1;
	}
	return 0;
}

static void
local_pty_io(int fd, short revents, void *arg)
{
	struct chan	*ch = arg;
	struct conn	*c = ch->conn;
	char		 buf[32768];
	size_t		 total = 0;
	ssize_t		 n;
	int		 eof = 0;

	(void)fd;
	c->busy++;
	if (revents & POLLOUT)
		local_flush(ch);
	while (!ch->paused && !ch->dead && !c->freed &&
	    total < CONN_READ_BUDGET) {
		n = read(ch->fd, buf, sizeof buf);
		if (n > 0) {
			total += (size_t)n;
			chan_deliver(ch, buf, (size_t)n, 0);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		eof = 1;	/* EIO: every slave fd is closed */
		break;
	}
	if (!ch->dead && !c->freed) {
		if (eof) {
			local_close_fd(c, &ch->fd);
			local_reap(ch);
		} else
			local_update_events(ch);
	}
	c->busy--;
	conn_sweep(c);
}

static void
local_exec_check_done(struct chan *ch)
{
	if (ch->kind == CHAN_SOCKET && ch->out_fd < 0) {
		chan_finish(ch, 0, 0, "the socket %s closed", ch->cmd);
		local_chan_release(ch);
	} else if (ch->out_fd < 0 && ch->err_fd < 0 && ch->pid > 0 &&
	    ch->reap_timer == 0)
		local_reap(ch);
}

static void
local_exec_io(int fd, short revents, void *arg)
{
	struct chan	*ch = arg;
	struct conn	*c = ch->conn;
	char		 buf[32768];
	ssize_t		 n;
	int		 is_stderr;

	(void)revents;
	if (fd == ch->fd) {
		if (local_flush(ch) != 0)
			local_close_fd(c, &ch->fd);
		else
			local_update_events(ch);
		chan_flushed(ch);
		return;
	}
	is_stderr = fd == ch->err_fd;
	/* A data callback may close the chan or free the conn: hold them. */
	c->busy++;
	for (;;) {
		n = read(fd, buf, sizeof buf);
		if (n > 0) {
			chan_deliver(ch, buf, (size_t)n, is_stderr);
			if (ch->dead || c->freed)
				goto out;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			goto out;
		break;
	}
	local_close_fd(c, is_stderr ? &ch->err_fd : &ch->out_fd);
	local_exec_check_done(ch);
out:
	c->busy--;
	conn_sweep(c);
}

static void
local_start_pty(struct chan *ch)
{
	struct winsize	 ws;
	pid_t		 pid;
	int		 master;

	memset(&ws, 0, sizeof ws);
	ws.ws_row = (unsigned short)ch->rows;
	ws.ws_col = (unsigned short)ch->cols;
	pid = forkpty(&master, NULL, NULL, &ws);
	if (pid < 0) {
		chan_finish(ch, -1, 1, "cannot make a pty: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		local_child_exec(ch->cmd);
	}
	local_nonblock(master);
	ch->pid = pid;
	ch->fd = master;
	ch->resize_pending = 0;
	ch->phase = CHAN_RUNNING;
	local_update_events(ch);
}

static void
local_start_exec(struct chan *ch)
{
	struct conn	*c = ch->conn;
	int		 in[2] = { -1, -1 }, out[2] = { -1, -1 };
	int		 err[2] = { -1, -1 };
	pid_t		 pid;

	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 ||
	    pipe2(err, O_CLOEXEC) != 0)
		goto fail;
	pid = fork();
	if (pid < 0)
		goto fail;
	if (pid == 0) {
		setsid();
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		local_child_exec(ch->cmd);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	ch->pid = pid;
	ch->fd = in[1];
	ch->out_fd = out[0];
	ch->err_fd = err[0];
	local_nonblock(ch->fd);
	local_nonblock(ch->out_fd);
	local_nonblock(ch->err_fd);
	ch->phase = CHAN_RUNNING;
	loop_fd_add(c->loop, ch->out_fd, POLLIN, local_exec_io, ch);
	loop_fd_add(c->loop, ch->err_fd, POLLIN, local_exec_io, ch);
	local_update_events(ch);
	return;
fail:
	chan_finish(ch, -1, 1, "cannot run a command: %s", strerror(errno));
	if (in[0] >= 0) {
		close(in[0]);
		close(in[1]);
	}
	if (out[0] >= 0) {
		close(out[0]);
		close(out[1]);
	}
	if (err[0] >= 0) {
		close(err[0]);
		close(err[1]);
	}
}

/*
 * A unix socket on this machine: one fd read as out_fd, and a dup of it
 * written as fd, so that closing the writing side (EOF) is a shutdown and
 * reading goes on.
 */
static void
local_start_socket(struct chan *ch)
{
	struct conn		*c = ch->conn;
	struct sockaddr_un	 sun;
	int			 s;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(ch->cmd) >= sizeof sun.sun_path) {
		chan_finish(ch, -1, 1, "the socket path %s is too long",
		    ch->cmd);
		return;
	}
	memcpy(sun.sun_path, ch->cmd, strlen(ch->cmd));
	/* Non-blocking: a unix socket whose backlog is full (a hung
	 * daemon) would block connect(), and the program with it. */
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sun, sizeof sun) != 0) {
		int e = errno;

		/* What each means for a daemon's socket. */
		if (e == EAGAIN)
			chan_finish(ch, -1, 1, "%s takes no more connections "
			    "(the daemon is hung or overloaded)", ch->cmd);
		else if (e == ENOENT)
			chan_finish(ch, -1, 1, "no socket at %s (the daemon "
			    "is not running, or listens elsewhere)", ch->cmd);
		else if (e == ECONNREFUSED)
			chan_finish(ch, -1, 1, "nothing listens on %s (the "
			    "daemon stopped?)", ch->cmd);
		else if (e == EACCES)
			chan_finish(ch, -1, 1, "no permission on %s (is this "
			    "user in its group, such as docker?)", ch->cmd);
		else
			chan_finish(ch, -1, 1, "cannot connect to the socket "
			    "%s: %s", ch->cmd, strerror(e));
		if (s >= 0)
			close(s);
		return;
	}
	ch->out_fd = s;
	if ((ch->fd = fcntl(s, F_DUPFD_CLOEXEC, 0)) < 0) {
		chan_finish(ch, -1, 1, "cannot connect to the socket %s: %s",
		    ch->cmd, strerror(errno));
		local_close_fd(c, &ch->out_fd);
		return;
	}
	local_nonblock(ch->fd);
	local_nonblock(ch->out_fd);
	ch->phase = CHAN_RUNNING;
	loop_fd_add(c->loop, ch->out_fd, POLLIN, local_exec_io, ch);
	local_update_events(ch);
}

static void
local_chan_kick(struct chan *ch)
{
	struct winsize	ws;

	if (ch->dead || ch->finished)
		return;
	if (ch->phase == CHAN_NEW) {
		if (ch->kind == CHAN_PTY)
			local_start_pty(ch);
		else if (ch->kind == CHAN_SOCKET)
			local_start_socket(ch);
		else
			local_start_exec(ch);
		return;
	}
	if (ch->fd < 0)
		return;
	if (ch->kind != CHAN_PTY) {
		local_update_events(ch);
		return;
	}
	if (ch->resize_pending) {
		memset(&ws, 0, sizeof ws);
		ws.ws_row = (unsigned short)ch->rows;
		ws.ws_col = (unsigned short)ch->cols;
		ioctl(ch->fd, TIOCSWINSZ, &ws);
		ch->resize_pending = 0;
	}
	local_flush(ch);
	local_update_events(ch);
}

/* READY at once (reported by the kick); start what was queued. */
static void
local_connect(struct conn *c)
{
	struct chan		*ch;
	struct sigaction	 sa;

	/* A child that exits early must not kill us through a pipe write;
	 * a handler the program installed itself is left alone. */
	if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL)
		signal(SIGPIPE, SIG_IGN);
	conn_set_state(c, CONN_READY);
	for (ch = c->chans; ch != NULL; ch = ch->next)
		local_chan_kick(ch);
}

static void
local_teardown(struct conn *c)
{
	size_t	i;

	c->gen++;
	loop_timer_cancel(c->loop, c->orphan_timer);
	c->orphan_timer = 0;
	if (c->freed) {
		for (i = 0; i < c->norphans; i++) {
			if (waitpid(c->orphans[i], NULL, WNOHANG) == 0) {
				kill(-c->orphans[i], SIGKILL);
				waitpid(c->orphans[i], NULL, 0);
			}
		}
		free(c->orphans);
		c->orphans = NULL;
		c->norphans = 0;
	} else if (c->norphans > 0)
		c->orphan_timer = loop_timer_add(c->loop, LOCAL_ORPHAN_MS,
		    local_orphans_reap, c);
}

const struct conn_backend conn_local_backend = {
	local_connect,
	local_teardown,
	local_chan_release,
	local_chan_kick
};
