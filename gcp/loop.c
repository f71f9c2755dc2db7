/*
 * The event loop (see loop.h).  Signals are blocked outside the wait and a
 * handler only writes the signal number to a self-pipe; the loop reads the
 * pipe and calls the registered callback in normal context, so no callback
 * ever runs inside a signal handler.
 *
 * Timers live in a small unsorted array: the program has a handful at a
 * time (reconnect backoff, keepalive, frame deadline, nudges), so a linear
 * scan is cheaper than keeping a heap.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config/xmalloc.h"
#include "gcp/loop.h"

#define LOOP_MAX_SIGNALS 65

struct loop_fd {
	int		 fd;
	short		 events;
	loop_fd_cb	 cb;
	void		*arg;
	int		 dead;
};

struct loop_timer {
	uint64_t	 id;
	int64_t		 when;
	loop_timer_cb	 cb;
	void		*arg;
};

struct loop_prepare {
	loop_prepare_cb	 cb;
	void		*arg;
	int		 dead;
};

struct loop {
	struct loop_fd		*fds;
	size_t			 nfds, fds_cap;
	struct loop_timer	*timers;
	size_t			 ntimers, timers_cap;
	uint64_t		 next_timer_id;
	struct loop_prepare	*prepares;
	size_t			 nprepares, prepares_cap;
	int			 in_dispatch;

	int			 sigpipe[2];
	loop_signal_cb		 sig_cb[LOOP_MAX_SIGNALS];
	void			*sig_arg[LOOP_MAX_SIGNALS];
	sigset_t		 sig_blocked;

	struct pollfd		*pfds;
	size_t			 pfds_cap;
	int			 stopped;
	uint64_t		 wakeups;
};

/* The one mutable file-scope value: the pipe a handler may write to. */
static volatile sig_atomic_t loop_sigpipe_fd = -1;

static void
loop_sig_handler(int sig)
{
	unsigned char	b = (unsigned char)sig;
	int		saved = errno;

	if (loop_sigpipe_fd >= 0)
		(void)!write(loop_sigpipe_fd, &b, 1);
	errno = saved;
}

int64_t
loop_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
loop_read_signals(int fd, short revents, void *arg)
{
	struct loop	*l = arg;
	unsigned char	 buf[64];
	ssize_t		 n, i;

	(void)revents;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		for (i = 0; i < n; i++) {
			if (buf[i] < LOOP_MAX_SIGNALS && l->sig_cb[buf[i]] != NULL)
				l->sig_cb[buf[i]](buf[i], l->sig_arg[buf[i]]);
		}
	}
}

struct loop *
loop_new(void)
{
	struct loop	*l = xcalloc(1, sizeof *l);

	l->next_timer_id = 1;
	if (pipe2(l->sigpipe, O_NONBLOCK | O_CLOEXEC) != 0)
		abort();
	loop_sigpipe_fd = l->sigpipe[1];
	sigemptyset(&l->sig_blocked);
	loop_fd_add(l, l->sigpipe[0], POLLIN, loop_read_signals, l);
	return l;
}

void
loop_free(struct loop *l)
{
	int	sig;

	if (l == NULL)
		return;
	/* Ignoring first discards a signal still pending, which would otherwise
	 * get its default action (often death) once unblocked. */
	for (sig = 1; sig < LOOP_MAX_SIGNALS; sig++) {
		if (l->sig_cb[sig] != NULL) {
			signal(sig, SIG_IGN);
			signal(sig, SIG_DFL);
		}
	}
	sigprocmask(SIG_UNBLOCK, &l->sig_blocked, NULL);
	loop_sigpipe_fd = -1;
	close(l->sigpipe[0]);
	close(l->sigpipe[1]);
	free(l->fds);
	free(l->timers);
	free(l->prepares);
	free(l->pfds);
	free(l);
}

static struct loop_fd *
loop_fd_find(struct loop *l, int fd)
{
	size_t	i;

	for (i = 0; i < l->nfds; i++) {
		if (l->fds[i].fd == fd && !l->fds[i].dead)
			return &l->fds[i];
	}
	return NULL;
}

void
loop_fd_add(struct loop *l, int fd, short events, loop_fd_cb cb, void *arg)
{
	struct loop_fd	*f;

	if ((f = loop_fd_find(l, fd)) == NULL) {
		if (l->nfds == l->fds_cap) {
			l->fds_cap = l->fds_cap ? l->fds_cap * 2 : 16;
			l->fds = xreallocarray(l->fds, l->fds_cap, sizeof *l->fds);
		}
		f = &l->fds[l->nfds++];
	}
	f->fd = fd;
	f->events = events;
	f->cb = cb;
	f->arg = arg;
	f->dead = 0;
}

void
loop_fd_events(struct loop *l, int fd, short events)
{
	struct loop_fd	*f = loop_fd_find(l, fd);

	if (f != NULL)
		f->events = events;
}

/* Removal during dispatch only marks the entry, so indices stay valid. */
void
loop_fd_del(struct loop *l, int fd)
{
	struct loop_fd	*f = loop_fd_find(l, fd);

	if (f == NULL)
		return;
	f->dead = 1;
	f->cb = NULL;
}

static void
loop_fd_compact(struct loop *l)
{
	size_t	i, j;

	for (i = j = 0; i < l->nfds; i++) {
		if (!l->fds[i].dead)
			l->fds[j++] = l->fds[i];
	}
	l->nfds = j;
}

uint64_t
loop_timer_add(struct loop *l, int64_t ms, loop_timer_cb cb, void *arg)
{
	struct loop_timer	*t;

	if (l->ntimers == l->timers_cap) {
		l->timers_cap = l->timers_cap ? l->timers_cap * 2 : 16;
		l->timers = xreallocarray(l->timers, l->timers_cap,
		    sizeof *l->timers);
	}
	t = &l->timers[l->ntimers++];
	t->id = l->next_timer_id++;
	t->when = loop_now() + (ms < 0 ? 0 : ms);
	t->cb = cb;
	t->arg = arg;
	return t->id;
}

void
loop_timer_cancel(struct loop *l, uint64_t id)
{
	size_t	i;

	if (id == 0)
		return;
	for (i = 0; i < l->ntimers; i++) {
		if (l->timers[i].id == id) {
			l->timers[i] = l->timers[--l->ntimers];
			return;
		}
	}
}

void
loop_signal(struct loop *l, int sig, loop_signal_cb cb, void *arg)
{
	struct sigaction	sa;

	if (sig <= 0 || sig >= LOOP_MAX_SIGNALS)
		return;
	l->sig_cb[sig] = cb;
	l->sig_arg[sig] = arg;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = loop_sig_handler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
	/* Blocked except inside ppoll(), so a signal can't slip in between
	 * checking for work and going to sleep. */
	sigaddset(&l->sig_blocked, sig);
	sigprocmask(SIG_BLOCK, &l->sig_blocked, NULL);
}

void
loop_prepare_add(struct loop *l, loop_prepare_cb cb, void *arg)
{
	if (l->nprepares == l->prepares_cap) {
		l->prepares_cap = l->prepares_cap ? l->prepares_cap * 2 : 8;
		l->prepares = xreallocarray(l->prepares, l->prepares_cap,
		    sizeof *l->prepares);
	}
	l->prepares[l->nprepares].cb = cb;
	l->prepares[l->nprepares].arg = arg;
	l->prepares[l->nprepares].dead = 0;
	l->nprepares++;
}

void
loop_prepare_del(struct loop *l, loop_prepare_cb cb, void *arg)
{
	size_t	i;

	for (i = 0; i < l->nprepares; i++) {
		if (l->prepares[i].cb == cb && l->prepares[i].arg == arg)
			l->prepares[i].dead = 1;
	}
}

static int
loop_run_prepares(struct loop *l)
{
	size_t	i, j;
	int	busy = 0;

	for (i = 0; i < l->nprepares; i++) {
		if (!l->prepares[i].dead && l->prepares[i].cb(l->prepares[i].arg))
			busy = 1;
	}
	for (i = j = 0; i < l->nprepares; i++) {
		if (!l->prepares[i].dead)
			l->prepares[j++] = l->prepares[i];
	}
	l->nprepares = j;
	return busy;
}

/*
 * Fires every due timer, earliest deadline first and ties in the order they
 * were added, even when several became due during one wait; a timer added
 * by a callback waits for the next round.
 */
static void
loop_run_timers(struct loop *l)
{
	int64_t			now = loop_now();
	uint64_t		limit = l->next_timer_id;
	struct loop_timer	t, *c, *best;
	size_t			i;

	for (;;) {
		best = NULL;
		for (i = 0; i < l->ntimers; i++) {
			c = &l->timers[i];
			if (c->when > now || c->id >= limit)
				continue;
			if (best == NULL || c->when < best->when ||
			    (c->when == best->when && c->id < best->id))
				best = c;
		}
		if (best == NULL)
			break;
		t = *best;
		*best = l->timers[--l->ntimers];
		t.cb(t.arg);
	}
}

static int
loop_timeout(struct loop *l)
{
	int64_t	now = loop_now(), best = -1;
	size_t	i;

	for (i = 0; i < l->ntimers; i++) {
		int64_t d = l->timers[i].when - now;

		if (d < 0)
			d = 0;
		if (best < 0 || d < best)
			best = d;
	}
	if (best > 1000 * 60 * 60)
		best = 1000 * 60 * 60;
	return (int)best;
}

int
loop_once(struct loop *l)
{
	struct timespec	 ts, *tsp = NULL;
	sigset_t	 unblocked;
	size_t		 i, n;
	int		 timeout, rc;

	if (l->stopped)
		return -1;
	loop_run_timers(l);
	if (l->stopped)
		return -1;
	timeout = loop_run_prepares(l) ? 0 : loop_timeout(l);
	if (l->stopped)
		return -1;

	loop_fd_compact(l);
	if (l->pfds_cap < l->nfds) {
		l->pfds_cap = l->nfds;
		l->pfds = xreallocarray(l->pfds, l->pfds_cap, sizeof *l->pfds);
	}
	n = l->nfds;
	for (i = 0; i < n; i++) {
		l->pfds[i].fd = l->fds[i].fd;
		l->pfds[i].events = l->fds[i].events;
		l->pfds[i].revents = 0;
	}
	if (timeout >= 0) {
		ts.tv_sec = timeout / 1000;
		ts.tv_nsec = (long)(timeout % 1000) * 1000000;
		tsp = &ts;
	}
	sigprocmask(SIG_SETMASK, NULL, &unblocked);
	for (i = 1; i < LOOP_MAX_SIGNALS; i++) {
		if (sigismember(&l->sig_blocked, (int)i))
			sigdelset(&unblocked, (int)i);
	}
	rc = ppoll(l->pfds, n, tsp, &unblocked);
	l->wakeups++;
	if (rc < 0) {
		if (errno == EINTR)
			return 0;
		return -1;
	}
	/* Callbacks may add or remove fds; entries added now are not in pfds. */
	for (i = 0; i < n && rc > 0; i++) {
		struct loop_fd *f;

		if (l->pfds[i].revents == 0)
			continue;
		f = &l->fds[i];
		if (f->dead || f->cb == NULL || f->fd != l->pfds[i].fd)
			continue;
		f->cb(f->fd, l->pfds[i].revents, f->arg);
		if (l->stopped)
			break;
	}
	loop_run_timers(l);
	return l->stopped ? -1 : 0;
}

void
loop_run(struct loop *l)
{
	while (loop_once(l) == 0)
		;
}

void
loop_stop(struct loop *l)
{
	l->stopped = 1;
}

uint64_t
loop_wakeups(struct loop *l)
{
	return l->wakeups;
}
