/*
 * Unit tests for gcp/loop.c: timer order and cancelling, fd callbacks on
 * pipes (including fds removed or added by another fd's callback), stopping,
 * signals turned into events, prepare hooks, and idleness: a loop with
 * nothing to do wakes up only when its next timer is due.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "gcp/loop.h"

#define TEST_LOOP_MAX_EVENTS 16

/* What the callbacks saw, in order; one per test. */
struct test_loop_log {
	struct loop	*loop;
	int		 events[TEST_LOOP_MAX_EVENTS];
	size_t		 nevents;
	uint64_t	 cancel_id;
	int		 other_fd;
	int		 sig;
	int		 in_loop;
	int		 prepare_busy;
	int		 prepare_calls;
};

/* A timer callback's argument: the log and the number to record. */
struct test_loop_timer {
	struct test_loop_log	*log;
	int			 n;
};

static void
test_loop_record(struct test_loop_log *log, int n)
{
	assert_true(log->nevents < TEST_LOOP_MAX_EVENTS);
	log->events[log->nevents++] = n;
}

static void
test_loop_sleep_ms(long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) != 0)
		;
}

/* Runs the loop until n events were recorded, failing after limit_ms. */
static void
test_loop_until(struct loop *l, struct test_loop_log *log, size_t n,
    int64_t limit_ms)
{
	int64_t	end = loop_now() + limit_ms;

	while (log->nevents < n) {
		assert_true(loop_now() < end);
		assert_int_equal(loop_once(l), 0);
	}
}

static void
test_loop_noop_cb(void *arg)
{
	(void)arg;
}

/*
 * A silent timer, so that a loop_once() whose work is all done before its
 * wait (timers already due) returns instead of sleeping forever.
 */
static void
test_loop_guard(struct loop *l)
{
	loop_timer_add(l, 10, test_loop_noop_cb, NULL);
}

static void
test_loop_timer_cb(void *arg)
{
	struct test_loop_timer	*t = arg;

	test_loop_record(t->log, t->n);
}

static void
test_loop_timer_cancel_cb(void *arg)
{
	struct test_loop_timer	*t = arg;

	test_loop_record(t->log, t->n);
	loop_timer_cancel(t->log->loop, t->log->cancel_id);
}

static void
test_loop_timer_stop_cb(void *arg)
{
	struct test_loop_timer	*t = arg;

	test_loop_record(t->log, t->n);
	loop_stop(t->log->loop);
}

/* Re-arms itself with no delay: must not keep one loop_once() busy forever. */
static void
test_loop_timer_rearm_cb(void *arg)
{
	struct test_loop_timer	*t = arg;

	test_loop_record(t->log, t->n);
	if (t->log->nevents < 3)
		loop_timer_add(t->log->loop, 0, test_loop_timer_rearm_cb, t);
}

static void
test_loop_timers_in_order(void **state)
{
	struct test_loop_log	 log = { 0 };
	struct test_loop_timer	 a = { &log, 30 }, b = { &log, 10 };
	struct test_loop_timer	 c = { &log, 20 };
	struct loop		*l = loop_new();

	(void)state;
	log.loop = l;
	assert_int_not_equal(loop_timer_add(l, 30, test_loop_timer_cb, &a), 0);
	assert_int_not_equal(loop_timer_add(l, 10, test_loop_timer_cb, &b), 0);
	assert_int_not_equal(loop_timer_add(l, 20, test_loop_timer_cb, &c), 0);
	test_loop_until(l, &log, 3, 2000);
	assert_int_equal(log.nevents, 3);
	assert_int_equal(log.events[0], 10);
	assert_int_equal(log.events[1], 20);
	assert_int_equal(log.events[2], 30);
	loop_free(l);
}

/* Timers that are all overdue when the loop looks still fire by deadline. */
static void
test_loop_timers_overdue_in_order(void **state)
{
	struct test_loop_log	 log = { 0 };
	struct test_loop_timer	 a = { &log, 30 }, b = { &log, 10 };
	struct test_loop_timer	 c = { &log, 20 }, d = { &log, 21 };
	struct loop		*l = loop_new();

	(void)state;
	log.loop = l;
	loop_timer_add(l, 30, test_loop_timer_cb, &a);
	loop_timer_add(l, 10, test_loop_timer_cb, &b);
	loop_timer_add(l, 20, test_loop_timer_cb, &c);
	loop_timer_add(l, 20, test_loop_timer_cb, &d);
	test_loop_sleep_ms(50);
	test_loop_guard(l);
	assert_int_equal(loop_once(l), 0);
	assert_int_equal(log.nevents, 4);
	assert_int_equal(log.events[0], 10);
	assert_int_equal(log.events[1], 20);
	assert_int_equal(log.events[2], 21);
	assert_int_equal(log.events[3], 30);
	loop_free(l);
}

/* Timers due at the same moment fire in the order they were added. */
static void
test_loop_timers_same_time(void **state)
{
	struct test_loop_log	 log = { 0 };
	struct test_loop_timer	 t[5];
	struct loop		*l = loop_new();
	int			 i;

	(void)state;
	log.loop = l;
	for (i = 0; i < 5; i++) {
		t[i].log = &log;
		t[i].n = i;
		loop_timer_add(l, 0, test_loop_timer_cb, &t[i]);
	}
	test_loop_guard(l);
	assert_int_equal(loop_once(l), 0);
	assert_int_equal(log.nevents, 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(log.events[i], i);
	loop_free(l);
}

static void
test_loop_timer_cancel(void **state)
{
	struct test_loop_log	 log = { 0 };
	struct test_loop_timer	 a = { &log, 1 }, b = { &log, 2 };
	struct test_loop_timer	 c = { &log, 3 }, d = { &log, 4 };
	struct loop		*l = loop_new();
	uint64_t		 ida, idb;

	(void)state;
	log.loop = l;
	ida = loop_timer_add(l, 10, test_loop_timer_cb, &a);
	idb = loop_timer_add(l, 20, test_loop_timer_cb, &b);
	assert_int_not_equal(ida, idb);
	loop_timer_cancel(l, ida);
	loop_timer_cancel(l, 0);
	loop_timer_cancel(l, 999999);
	test_loop_until(l, &log, 1, 2000);
	assert_int_equal(log.nevents, 1);
	assert_int_equal(log.events[0], 2);
	/* Cancelling a timer that already fired is harmless. */
	loop_timer_cancel(l, idb);

	/* A callback cancels a timer that is due in the same round. */
	log.nevents = 0;
	loop_timer_add(l, 5, test_loop_timer_cancel_cb, &c);
	log.cancel_id = loop_timer_add(l, 10, test_loop_timer_cb, &d);
	test_loop_sleep_ms(30);
	test_loop_guard(l);
	assert_int_equal(loop_once(l), 0);
	assert_int_equal(log.nevents, 1);
	assert_int_equal(log.events[0], 3);
	loop_free(l);
}

static void
test_loop_timer_rearm(void **state)
{
	struct test_loop_log	 log = { 0 };
	struct test_loop_timer	 a = { &log, 7 };
	struct loop		*l = loop_new();

	(void)state;
	log.loop = l;
	loop_timer_add(l, 0, test_loop_timer_rearm_cb, &a);
	loop_timer_add(l, 100, test_loop_noop_cb, NULL);
	test_loop_until(l, &log, 3, 2000);
	assert_int_equal(log.nevents, 3);
	loop_free(l);
}

static void
test_loop_fd_cb(int fd, short revents, void *arg)
{
	struct test_loop_log	*log = arg;
	char			 c;

	assert_true(revents & POLLIN);
	assert_int_equal(read(fd, &c, 1), 1);
	test_loop_record(log, c);
}

/* Each of the two pipes' callbacks removes the other's fd. */
static void
test_loop_fd_del_other_cb(int fd, short revents, void *arg)
{
	struct test_loop_log	*log = arg;

	test_loop_fd_cb(fd, revents, arg);
	loop_fd_del(log->loop, log->other_fd);
	log->other_fd = fd;
}

static void
test_loop_fd_add_many_cb(int fd, short revents, void *arg)
{
	struct test_loop_log	*log = arg;
	int			 i;

	test_loop_fd_cb(fd, revents, arg);
	/* Enough to make the loop grow its fd table mid-dispatch. */
	for (i = 0; i < 40; i++)
		loop_fd_add(log->loop, 1000 + i, POLLIN, test_loop_fd_cb, log);
	for (i = 0; i < 40; i++)
		loop_fd_del(log->loop, 1000 + i);
}

static void
test_loop_fd_stop_cb(int fd, short revents, void *arg)
{
	struct test_loop_log	*log = arg;

	test_loop_fd_cb(fd, revents, arg);
	loop_stop(log->loop);
}

static void
test_loop_fd(void **state)
{
	struct test_loop_log	 log = { 0 };
	struct test_loop_timer	 t = { &log, 'T' };
	struct loop		*l = loop_new();
	int			 p[2];

	(void)state;
	log.loop = l;
	assert_int_equal(pipe(p), 0);
	loop_fd_add(l, p[0], POLLIN, test_loop_fd_cb, &log);
	assert_int_equal(write(p[1], "a", 1), 1);
	assert_int_equal(loop_once(l), 0);
	assert_int_equal(log.nevents, 1);
	assert_int_equal(log.events[0], 'a');

	/* Not watching for anything: the byte waits, the timer ends the wait. */
	loop_fd_events(l, p[0], 0);
	assert_int_equal(write(p[1], "b", 1), 1);
	loop_timer_add(l, 20, test_loop_timer_cb, &t);
	test_loop_until(l, &log, 2, 2000);
	assert_int_equal(log.nevents, 2);
	assert_int_equal(log.events[1], 'T');

	loop_fd_events(l, p[0], POLLIN);
	assert_int_equal(loop_once(l), 0);
	assert_int_equal(log.nevents, 3);
	assert_int_equal(log.events[2], 'b');

	/* Removed: never called again, even with data waiting. */
	loop_fd_del(l, p[0]);
	loop_fd_del(l, p[0]);
	assert_int_equal(write(p[1], "c", 1), 1);
	loop_timer_add(l, 20, test_loop_timer_cb, &t);
	assert_int_equal(loop_once(l), 0);
	assert_int_equal(log.nevents, 4);
	assert_int_equal(log.events[3], 'T');

	/* Added again, with the byte still there. */
	loop_fd_add(l, p[0], POLLIN, test_loop_fd_cb, &log);
	assert_int_equal(loop_once(l), 0);
	assert_int_equal(log.nevents, 5);
	assert_int_equal(log.events[4], 'c');

	close(p[0]);
	close(p[1]);
	loop_free(l);
}

static void
test_loop_fd_del_in_other_cb(void **state)
{
	struct test_loop_log	 log = { 0 };
	struct test_loop_timer	 t = { &log, 'T' };
	struct loop		*l = loop_new();
	int			 p[2], q[2];

	(void)state;
	log.loop = l;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(pipe(q), 0);
	loop_fd_add(l, p[0], POLLIN, test_loop_fd_del_other_cb, &log);
	loop_fd_add(l, q[0], POLLIN, test_loop_fd_del_other_cb, &log);
	log.other_fd = q[0];
	assert_int_equal(write(p[1], "p", 1), 1);
	assert_int_equal(write(q[1], "q", 1), 1);
	assert_int_equal(loop_once(l), 0);
	/* Both were readable in the same poll; only the first one ran. */
	assert_int_equal(log.nevents, 1);
	assert_int_equal(log.events[0], 'p');

	/* The removed fd stays silent in later rounds too. */
	loop_timer_add(l, 20, test_loop_timer_cb, &t);
	assert_int_equal(loop_once(l), 0);
	assert_int_equal(log.nevents, 2);
	assert_int_equal(log.events[1], 'T');

	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
	loop_free(l);
}

static void
test_loop_fd_add_in_cb(void **state)
{
	struct test_loop_log	 log = { 0 };
	struct loop		*l = loop_new();
	int			 p[2], q[2];

	(void)state;
	log.loop = l;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(pipe(q), 0);
	loop_fd_add(l, p[0], POLLIN, test_loop_fd_add_many_cb, &log);
	loop_fd_add(l, q[0], POLLIN, test_loop_fd_cb, &log);
	assert_int_equal(write(p[1], "p", 1), 1);
	assert_int_equal(write(q[1], "q", 1), 1);
	assert_int_equal(loop_once(l), 0);
	assert_int_equal(log.nevents, 2);
	assert_int_equal(log.events[0], 'p');
	assert_int_equal(log.events[1], 'q');
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
	loop_free(l);
}

static void
test_loop_stop(void **state)
{
	struct test_loop_log	 log = { 0 };
	struct test_loop_timer	 a = { &log, 1 }, b = { &log, 2 };
	struct loop		*l = loop_new();
	int			 p[2];

	(void)state;
	log.loop = l;
	loop_timer_add(l, 10, test_loop_timer_stop_cb, &a);
	loop_timer_add(l, 5000, test_loop_timer_cb, &b);
	loop_run(l);
	assert_int_equal(log.nevents, 1);
	assert_int_equal(log.events[0], 1);
	assert_int_equal(loop_once(l), -1);
	loop_free(l);

	/* Stopping from an fd callback. */
	l = loop_new();
	log.loop = l;
	log.nevents = 0;
	assert_int_equal(pipe(p), 0);
	loop_fd_add(l, p[0], POLLIN, test_loop_fd_stop_cb, &log);
	assert_int_equal(write(p[1], "x", 1), 1);
	loop_run(l);
	assert_int_equal(log.nevents, 1);
	assert_int_equal(log.events[0], 'x');
	assert_int_equal(loop_once(l), -1);
	close(p[0]);
	close(p[1]);
	loop_free(l);
}

static void
test_loop_signal_cb(int sig, void *arg)
{
	struct test_loop_log	*log = arg;
	sigset_t		 set;

	/* Called from the dispatch, with the signal blocked again. */
	assert_true(log->in_loop);
	assert_int_equal(sigprocmask(SIG_BLOCK, NULL, &set), 0);
	assert_true(sigismember(&set, sig));
	log->sig = sig;
	test_loop_record(log, sig);
}

static void
test_loop_signal(void **state)
{
	struct test_loop_log	 log = { 0 };
	struct loop		*l = loop_new();
	int64_t			 end = loop_now() + 2000;

	(void)state;
	log.loop = l;
	loop_signal(l, SIGUSR1, test_loop_signal_cb, &log);
	loop_signal(l, SIGUSR2, test_loop_signal_cb, &log);
	assert_int_equal(raise(SIGUSR1), 0);
	assert_int_equal(raise(SIGUSR2), 0);
	/* Nothing runs in a handler: both wait for the loop. */
	assert_int_equal(log.nevents, 0);
	loop_timer_add(l, 2000, test_loop_noop_cb, NULL);
	while (log.nevents < 2) {
		assert_true(loop_now() < end);
		log.in_loop = 1;
		assert_int_equal(loop_once(l), 0);
		log.in_loop = 0;
	}
	assert_int_equal(log.nevents, 2);
	assert_true((log.events[0] == SIGUSR1 && log.events[1] == SIGUSR2) ||
	    (log.events[0] == SIGUSR2 && log.events[1] == SIGUSR1));
	loop_free(l);
}

/* A signal still pending when the loop is freed must not kill the process. */
static void
test_loop_signal_pending_at_free(void **state)
{
	struct test_loop_log	 log = { 0 };
	struct loop		*l = loop_new();

	(void)state;
	log.loop = l;
	loop_signal(l, SIGUSR1, test_loop_signal_cb, &log);
	assert_int_equal(raise(SIGUSR1), 0);
	loop_free(l);
	assert_int_equal(log.nevents, 0);
}

static int
test_loop_prepare_cb(void *arg)
{
	struct test_loop_log	*log = arg;

	log->prepare_calls++;
	if (log->prepare_busy > 0) {
		log->prepare_busy--;
		return 1;
	}
	return 0;
}

/* Removes itself the first time it runs. */
static int
test_loop_prepare_once_cb(void *arg)
{
	struct test_loop_log	*log = arg;

	test_loop_record(log, 'P');
	loop_prepare_del(log->loop, test_loop_prepare_once_cb, log);
	return 0;
}

static void
test_loop_prepare(void **state)
{
	struct test_loop_log	 log = { 0 };
	struct test_loop_timer	 t = { &log, 'T' };
	struct loop		*l = loop_new();
	int64_t			 start;
	uint64_t		 w;

	(void)state;
	log.loop = l;
	loop_prepare_add(l, test_loop_prepare_cb, &log);
	start = loop_now();
	loop_timer_add(l, 200, test_loop_timer_cb, &t);

	/* Busy: the wait does not block although the timer is far. */
	log.prepare_busy = 1;
	w = loop_wakeups(l);
	assert_int_equal(loop_once(l), 0);
	assert_true(loop_now() - start < 100);
	assert_int_equal(loop_wakeups(l), w + 1);
	assert_int_equal(log.prepare_calls, 1);
	assert_int_equal(log.nevents, 0);

	/* Not busy: it sleeps until the timer. */
	assert_int_equal(loop_once(l), 0);
	assert_true(loop_now() - start >= 200);
	assert_int_equal(log.prepare_calls, 2);
	assert_int_equal(log.nevents, 1);

	/* Removed hooks no longer run; one may remove itself. */
	loop_prepare_add(l, test_loop_prepare_once_cb, &log);
	loop_prepare_del(l, test_loop_prepare_cb, &log);
	loop_timer_add(l, 10, test_loop_timer_cb, &t);
	assert_int_equal(loop_once(l), 0);
	loop_timer_add(l, 10, test_loop_timer_cb, &t);
	assert_int_equal(loop_once(l), 0);
	assert_int_equal(log.prepare_calls, 2);
	assert_int_equal(log.nevents, 4);
	assert_int_equal(log.events[1], 'P');
	assert_int_equal(log.events[2], 'T');
	assert_int_equal(log.events[3], 'T');
	loop_free(l);
}

/* Nothing to do but one timer: exactly one wake-up, when it is due. */
static void
test_loop_idle(void **state)
{
	struct test_loop_log	 log = { 0 };
	struct test_loop_timer	 t = { &log, 'T' };
	struct loop		*l = loop_new();
	int			 p[2];
	int64_t			 start;
	uint64_t		 w;

	(void)state;
	log.loop = l;
	assert_int_equal(pipe(p), 0);
	loop_fd_add(l, p[0], POLLIN, test_loop_fd_cb, &log);
	loop_prepare_add(l, test_loop_prepare_cb, &log);
	start = loop_now();
	loop_timer_add(l, 200, test_loop_timer_cb, &t);
	w = loop_wakeups(l);
	assert_int_equal(loop_once(l), 0);
	assert_int_equal(loop_wakeups(l), w + 1);
	assert_true(loop_now() - start >= 200);
	assert_true(loop_now() - start < 1000);
	assert_int_equal(log.nevents, 1);
	assert_int_equal(log.events[0], 'T');
	assert_int_equal(log.prepare_calls, 1);
	close(p[0]);
	close(p[1]);
	loop_free(l);
}

static void
test_loop_now_monotonic(void **state)
{
	int64_t	a, b;

	(void)state;
	a = loop_now();
	test_loop_sleep_ms(20);
	b = loop_now();
	assert_true(b - a >= 20);
	assert_true(b - a < 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loop_timers_in_order),
		cmocka_unit_test(test_loop_timers_overdue_in_order),
		cmocka_unit_test(test_loop_timers_same_time),
		cmocka_unit_test(test_loop_timer_cancel),
		cmocka_unit_test(test_loop_timer_rearm),
		cmocka_unit_test(test_loop_fd),
		cmocka_unit_test(test_loop_fd_del_in_other_cb),
		cmocka_unit_test(test_loop_fd_add_in_cb),
		cmocka_unit_test(test_loop_stop),
		cmocka_unit_test(test_loop_signal),
		cmocka_unit_test(test_loop_signal_pending_at_free),
		cmocka_unit_test(test_loop_prepare),
		cmocka_unit_test(test_loop_idle),
		cmocka_unit_test(test_loop_now_monotonic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
