/*
 * The one event loop: a poll() over registered file descriptors, one-shot
 * timers, signals turned into events through a self-pipe, and "prepare"
 * hooks that run before every wait.  Every module that needs I/O or time
 * registers here; nothing else in the program blocks or sleeps.
 *
 * The poll timeout is the nearest timer, 0 when a prepare hook says it still
 * has work, or infinite: an idle program does not wake up.
 */
#ifndef SANDBOX_TUI_LOOP_H
#define SANDBOX_TUI_LOOP_H

#include <stdint.h>
#include <poll.h>

struct loop;

typedef void (*loop_fd_cb)(int fd, short revents, void *arg);
typedef void (*loop_timer_cb)(void *arg);
typedef void (*loop_signal_cb)(int sig, void *arg);
/* Returns nonzero when it left work undone and wants the next poll not to wait. */
typedef int (*loop_prepare_cb)(void *arg);

struct loop *loop_new(void);
void loop_free(struct loop *);

/* Watch fd for events (POLLIN, POLLOUT); one callback per fd. */
void loop_fd_add(struct loop *, int fd, short events, loop_fd_cb, void *arg);
void loop_fd_events(struct loop *, int fd, short events);
void loop_fd_del(struct loop *, int fd);

/* One-shot timer in ms from now; returns an id (never 0) for cancelling. */
uint64_t loop_timer_add(struct loop *, int64_t ms, loop_timer_cb, void *arg);
void loop_timer_cancel(struct loop *, uint64_t id);

/* Deliver sig as an event in the loop instead of in a handler. */
void loop_signal(struct loop *, int sig, loop_signal_cb, void *arg);

/* Hooks run in registration order before every wait. */
void loop_prepare_add(struct loop *, loop_prepare_cb, void *arg);
void loop_prepare_del(struct loop *, loop_prepare_cb, void *arg);

/* One wait and dispatch; returns -1 once loop_stop() was called. */
int loop_once(struct loop *);
/* Until loop_stop(). */
void loop_run(struct loop *);
void loop_stop(struct loop *);

/* Monotonic milliseconds. */
int64_t loop_now(void);

/* Counts poll() wake-ups, so tests and benchmarks can prove idleness. */
uint64_t loop_wakeups(struct loop *);

#endif
