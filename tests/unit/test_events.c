/*
 * Unit tests for the pure parts of tui/events.c: the event line parser
 * (what the hooks in config/claude-settings.json write, and garbage), the
 * splitting of a stream into bounded lines, the rule that decides which
 * events are news across follower restarts, and the follower's command as
 * /bin/sh runs it (with a stand-in tail).
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/shquote.h"
#include "config/xmalloc.h"
#include "gcp/docker.h"
#include "tests/unit/test_sh.h"
#include "gcp/events.h"

static enum events_kind
test_events_parse_str(const char *s, struct events_line *l)
{
	return events_parse(s, strlen(s), l);
}

static void
test_events_parse_good(void **state)
{
	struct events_line	l;

	(void)state;
	assert_int_equal(test_events_parse_str("1795936210 07 waiting", &l),
	    EVENTS_WAITING);
	assert_int_equal(l.kind, EVENTS_WAITING);
	assert_true(l.time == 1795936210);
	assert_int_equal(l.agent, 7);

	assert_int_equal(test_events_parse_str("1795936211 12 done", &l),
	    EVENTS_DONE);
	assert_true(l.time == 1795936211);
	assert_int_equal(l.agent, 12);

	/* One digit, 99, a CR, and words after the event. */
	assert_int_equal(test_events_parse_str("5 3 done\r", &l), EVENTS_DONE);
	assert_int_equal(l.agent, 3);
	assert_int_equal(test_events_parse_str("5 99 waiting", &l),
	    EVENTS_WAITING);
	assert_int_equal(test_events_parse_str("5 099 waiting", &l),
	    EVENTS_WAITING);
	assert_int_equal(l.agent, 99);
	assert_int_equal(test_events_parse_str(
	    "5 1 waiting permission_prompt more", &l), EVENTS_WAITING);
	assert_int_equal(l.agent, 1);

	assert_int_equal(test_events_parse_str(
	    "sandbox-tui-events 1795936200 3", &l), EVENTS_START);
	assert_true(l.time == 1795936200);
	assert_int_equal(l.files, 3);
	assert_int_equal(l.agent, 0);
	assert_int_equal(test_events_parse_str("sandbox-tui-events 1 0", &l),
	    EVENTS_START);
	assert_int_equal(l.files, 0);
}

static void
test_events_parse_bad(void **state)
{
	static const char *const bad[] = {
		"", " ", "\r", "waiting", "done", "1795936210",
		"1795936210 07", "1795936210 07 ", "1795936210 7 wait",
		"1795936210 7 waitingx", "1795936210 7 Waiting",
		"1795936210 7 donex", "1795936210 7  done",
		"1795936210  7 done",
		" 1795936210 7 done", "1795936210 0 done", "1795936210 00 done",
		"1795936210 100 done", "1795936210 1000 done",
		"1795936210 -1 done", "-1795936210 1 done", "0 1 done",
		"1795936210 x done", "1795936210x 1 done",
		"1234567890123456789 1 done",	/* 19 digits: past int64 */
		"1795936210\t1\tdone", "1795936210 1 done\n",
		"tail: '/ws/.sandbox-tui/agent-01/events' has been replaced;"
		    " following new file",
		"tail: invalid option -- 'F'", "sh: 1: tail: not found",
		"sandbox-tui-events", "sandbox-tui-events 1",
		"sandbox-tui-events x 1",
		"sandbox-tui-events 1 1 1", "sandbox-tui-events 0 1",
		"sandbox-tui-events 1 1000", "sandbox-tui-events  1 1",
		"\033]777;notify;Claude Code;done\007",
	};
	struct events_line	l;
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (test_events_parse_str(bad[i], &l) != EVENTS_NONE)
			fail_msg("taken: '%s'", bad[i]);
		assert_int_equal(l.kind, EVENTS_NONE);
		assert_int_equal(l.agent, 0);
		assert_true(l.time == 0 && l.files == 0);
	}
	/* A NUL inside, and a length that cuts a good line short. */
	assert_int_equal(events_parse("5 1 do\0ne", 9, &l), EVENTS_NONE);
	assert_int_equal(events_parse("5 1 done", 7, &l), EVENTS_NONE);
	assert_int_equal(events_parse("5 1 donewaiting", 8, &l), EVENTS_DONE);
}

struct test_events_lines {
	char	*lines[16];
	size_t	 n;
};

static void
test_events_collect(const char *line, size_t len, void *arg)
{
	struct test_events_lines	*t = arg;

	assert_true(t->n < 16);
	t->lines[t->n++] = xstrndup(line, len);
}

static void
test_events_lines_free(struct test_events_lines *t)
{
	size_t	i;

	for (i = 0; i < t->n; i++)
		free(t->lines[i]);
	t->n = 0;
}

static void
test_events_split_pieces(void **state)
{
	struct events_split		s;
	struct test_events_lines	t = { { NULL }, 0 };
	const char			*in;
	size_t				i;

	(void)state;
	in = "1 1 waiting\n2 2 done\n\n3 3 done\n";
	/* Byte by byte: every line comes whole, in order. */
	memset(&s, 0, sizeof s);
	for (i = 0; i < strlen(in); i++)
		events_split(&s, in + i, 1, test_events_collect, &t);
	assert_int_equal(t.n, 4);
	assert_string_equal(t.lines[0], "1 1 waiting");
	assert_string_equal(t.lines[1], "2 2 done");
	assert_string_equal(t.lines[2], "");
	assert_string_equal(t.lines[3], "3 3 done");
	test_events_lines_free(&t);

	/* All at once, then a partial line that waits for its end. */
	memset(&s, 0, sizeof s);
	events_split(&s, in, strlen(in), test_events_collect, &t);
	assert_int_equal(t.n, 4);
	events_split(&s, "4 4 do", 6, test_events_collect, &t);
	assert_int_equal(t.n, 4);
	events_split(&s, "ne\n5", 4, test_events_collect, &t);
	assert_int_equal(t.n, 5);
	assert_string_equal(t.lines[4], "4 4 done");
	test_events_lines_free(&t);
}

static void
test_events_split_bounded(void **state)
{
	struct events_split		 s;
	struct test_events_lines	 t = { { NULL }, 0 };
	char				*big;
	size_t				 i;

	(void)state;
	big = xmalloc(10 * EVENTS_LINE_MAX);
	memset(big, 'x', 10 * EVENTS_LINE_MAX);

	/* Exactly the limit is taken; one more is dropped whole, even
	 * when it comes in pieces. */
	memset(&s, 0, sizeof s);
	events_split(&s, big, EVENTS_LINE_MAX, test_events_collect, &t);
	events_split(&s, "\n", 1, test_events_collect, &t);
	assert_int_equal(t.n, 1);
	assert_int_equal(strlen(t.lines[0]), EVENTS_LINE_MAX);
	for (i = 0; i < 10; i++)
		events_split(&s, big, EVENTS_LINE_MAX / 2 + 1,
		    test_events_collect, &t);
	assert_int_equal(t.n, 1);
	events_split(&s, "\n1 1 done\n", 10, test_events_collect, &t);
	assert_int_equal(t.n, 2);
	assert_string_equal(t.lines[1], "1 1 done");
	test_events_lines_free(&t);

	memset(&s, 0, sizeof s);
	events_split(&s, big, 10 * EVENTS_LINE_MAX, test_events_collect, &t);
	events_split(&s, "tail\n2 2 waiting\n", 17, test_events_collect, &t);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.lines[0], "2 2 waiting");
	assert_true(s.len == 0 && !s.overlong);
	test_events_lines_free(&t);
	free(big);
}

/* Feeds a line to the rule; returns whether it marks. */
static int
test_events_take(struct events_seen *s, const char *line)
{
	struct events_line	l;

	events_parse(line, strlen(line), &l);
	return events_seen_take(s, &l);
}

static void
test_events_seen(void **state)
{
	struct events_seen	s;

	(void)state;
	memset(&s, 0, sizeof s);
	/* Nothing counts before a follower has said when it started. */
	assert_false(test_events_take(&s, "1000 1 waiting"));
	assert_false(test_events_take(&s, "sandbox-tui-events 1000 2"));
	assert_true(s.since == 1000);

	/* The replayed last lines: older than the start, never news. */
	assert_false(test_events_take(&s, "900 1 waiting"));
	assert_false(test_events_take(&s, "999 2 done"));
	/* Live lines; a second in the same second also counts. */
	assert_true(test_events_take(&s, "1001 2 waiting"));
	assert_true(test_events_take(&s, "1001 2 done"));
	assert_true(test_events_take(&s, "1005 1 done"));
	/* A clock that went back a little: not news. */
	assert_false(test_events_take(&s, "1003 1 done"));
	assert_false(test_events_take(&s, "5 1 garbage"));

	/* A restart: its start line does not move since, and the replays
	 * of what was seen are not news... */
	events_seen_restart(&s);
	assert_false(test_events_take(&s, "sandbox-tui-events 2000 3"));
	assert_true(s.since == 1000);
	assert_false(test_events_take(&s, "1001 2 done"));
	assert_false(test_events_take(&s, "1005 1 done"));
	/* ...but what was written while no follower ran is, and a new
	 * agent's first line if it is not older than the first start. */
	events_seen_restart(&s);
	assert_true(test_events_take(&s, "1500 2 waiting"));
	assert_true(test_events_take(&s, "1500 3 done"));
	assert_false(test_events_take(&s, "999 4 done"));
	/* After its replay, an agent's live line in the same second counts. */
	assert_true(test_events_take(&s, "1500 2 done"));
	assert_true(test_events_take(&s, "1600 4 waiting"));

	/* A line from the future (an agent forging one for another) is
	 * refused, so agent 5's real events still count afterwards. */
	s.now = 1700;
	assert_false(test_events_take(&s, "999999999999 5 done"));
	assert_true(test_events_take(&s, "1705 5 waiting"));
	assert_false(test_events_take(&s, "1706 5 done"));
	assert_true(test_events_take(&s, "1700 5 done") == 0);
	s.now = 1710;
	assert_true(test_events_take(&s, "1710 5 done"));
}

/*
 * Runs the follower's command with a stand-in tail that prints its
 * arguments, then a line on stderr.
 */
static char *
test_events_run(const char *cmd, int *status)
{
	return test_sh_stub("tail", TEST_SH_ECHO_ARGS "echo 'tail: oops' >&2\n",
	    cmd, 0, status);
}

/* Creates dir/.sandbox-tui/agent-NN/events. */
static void
test_events_touch(const char *ws, int n)
{
	char	*path;
	FILE	*f;

	path = xasprintf("%s/.sandbox-tui", ws);
	mkdir(path, 0700);
	free(path);
	path = xasprintf("%s/.sandbox-tui/agent-%02d", ws, n);
	assert_int_equal(mkdir(path, 0700), 0);
	free(path);
	path = xasprintf("%s/.sandbox-tui/agent-%02d/events", ws, n);
	assert_non_null(f = fopen(path, "w"));
	fclose(f);
	free(path);
}

static void
test_events_command(void **state)
{
	char	 tmpl[] = "/tmp/test_events.XXXXXX", *ws, *wsslash;
	char	*cmd, *out, *expect, *q, *rm;
	int	 agents[] = { 1, 2, 12 }, status;
	size_t	 len;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	ws = xasprintf("%s/it's a \"ws\" $(x)", tmpl);
	assert_int_equal(mkdir(ws, 0700), 0);
	wsslash = xasprintf("%s//", ws);

	/* No file yet: the start line says 0 and tail does not run. */
	cmd = events_command(wsslash, agents, 3);
	out = test_events_run(cmd, &status);
	assert_int_equal(status, 0);
	assert_int_equal(strncmp(out, "sandbox-tui-events ", 19), 0);
	len = strlen(out);
	assert_true(len > 4 && strcmp(out + len - 3, " 0\n") == 0);
	free(out);

	/* Agents 1 and 12 have files: tail follows those two. */
	test_events_touch(ws, 1);
	test_events_touch(ws, 12);
	out = test_events_run(cmd, &status);
	assert_int_equal(status, 0);
	assert_non_null(strstr(out, " 2\n"));
	expect = xasprintf(" 2\n[-q][-n][1][-F][--]"
	    "[%s/.sandbox-tui/agent-01/events]"
	    "[%s/.sandbox-tui/agent-12/events]\ntail: oops\n", ws, ws);
	len = strlen(out);
	assert_true(len > strlen(expect));
	assert_string_equal(out + len - strlen(expect), expect);
	free(expect);
	free(out);
	free(cmd);

	/* No agents at all. */
	cmd = events_command(ws, NULL, 0);
	out = test_events_run(cmd, &status);
	assert_int_equal(status, 0);
	assert_non_null(strstr(out, " 0\n"));
	free(out);
	free(cmd);

	q = sh_quote(tmpl);
	rm = xasprintf("rm -rf -- %s", q);
	assert_int_equal(system(rm), 0);
	free(rm);
	free(q);
	free(wsslash);
	free(ws);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events_parse_good),
		cmocka_unit_test(test_events_parse_bad),
		cmocka_unit_test(test_events_split_pieces),
		cmocka_unit_test(test_events_split_bounded),
		cmocka_unit_test(test_events_seen),
		cmocka_unit_test(test_events_command),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
