/*
 * Unit tests for tui/agents_plan.c: what scale, new, stop, restart and rm
 * decide to do from docker's list, including scaling down without --yes
 * (nothing removed, the question asked) and agents that don't exist.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/xmalloc.h"
#include "gcp/docker.h"
#include "gcp/agents.h"

/* "3r 5x 7p": agent 3 running, 5 exited, 7 paused, c created, R restarting. */
static struct agent_info *
plan_agents(const char *spec, size_t *n)
{
	struct agent_info	*a = NULL;
	const char		*p = spec;
	char			 name[64];
	int			 num, used;
	char			 st;

	*n = 0;
	while (sscanf(p, "%d%c%n", &num, &st, &used) == 2) {
		a = xreallocarray(a, *n + 1, sizeof *a);
		memset(&a[*n], 0, sizeof a[*n]);
		a[*n].n = num;
		a[*n].name = xstrdup(agent_name(num, name, sizeof name));
		a[*n].id = xstrdup("0123456789ab");
		a[*n].image = xstrdup("img");
		a[*n].state = xstrdup(st == 'r' ? "running" : st == 'x' ?
		    "exited" : st == 'p' ? "paused" : st == 'R' ?
		    "restarting" : "created");
		a[*n].status = xstrdup("");
		a[*n].created = xstrdup("");
		a[*n].exit_code = st == 'x' ? 0 : -1;
		(*n)++;
		p += used;
		while (*p == ' ')
			p++;
	}
	return a;
}

/* The tasks as "C1 S3 R12", for one readable comparison. */
static char *
plan_str(const struct agents_task *t, size_t n)
{
	static const char kinds[] = "CSUTRXPNM";
	char	*s = xstrdup(""), *next;
	size_t	 i;

	for (i = 0; i < n; i++) {
		next = xasprintf("%s%s%c%d%s", s, i > 0 ? " " : "",
		    kinds[t[i].kind], t[i].n, t[i].purge ? "+" : "");
		free(s);
		s = next;
	}
	return s;
}

static char *
plan_run(const char *have, struct agents_req *req, char **confirm)
{
	struct agent_info	*a;
	struct agents_task	*t;
	size_t			 na, nt;
	char			*cause = NULL, *s;

	a = plan_agents(have, &na);
	assert_int_equal(agents_plan(req, a, na, &t, &nt, confirm, &cause),
	    0);
	s = plan_str(t, nt);
	free(t);
	agent_info_free(a, na);
	return s;
}

static void
test_scale_up_from_nothing(void **state)
{
	struct agents_req	 req = { .verb = AGENTS_SCALE, .count = 3 };
	char			*confirm, *s;

	(void)state;
	s = plan_run("", &req, &confirm);
	assert_string_equal(s, "C1 C2 C3");
	assert_null(confirm);
	free(s);
}

static void
test_scale_starts_and_fills_gaps(void **state)
{
	struct agents_req	 req = { .verb = AGENTS_SCALE, .count = 5 };
	char			*confirm, *s;

	(void)state;
	/* 2 exited is started, 4 paused unpaused, 1 and 3 left alone, and
	 * the lowest free number (5) is created. */
	s = plan_run("1r 2x 3R 4p", &req, &confirm);
	assert_string_equal(s, "S2 U4 C5");
	assert_null(confirm);
	free(s);
}

static void
test_scale_down_needs_yes(void **state)
{
	struct agents_req	 req = { .verb = AGENTS_SCALE, .count = 2 };
	char			*confirm, *s;

	(void)state;
	s = plan_run("1r 2r 3r 4x", &req, &confirm);
	assert_string_equal(s, "");
	assert_non_null(confirm);
	assert_non_null(strstr(confirm, "sandbox-agent-03, sandbox-agent-04"));
	assert_non_null(strstr(confirm, "kept"));
	free(confirm);
	free(s);

	req.yes = 1;
	s = plan_run("1r 2x 3r 4x", &req, &confirm);
	assert_string_equal(s, "S2 X3 X4");
	assert_null(confirm);
	free(s);
}

static void
test_scale_keeps_lowest_numbers(void **state)
{
	struct agents_req	 req = { .verb = AGENTS_SCALE, .count = 3,
	    .yes = 1 };
	char			*confirm, *s;

	(void)state;
	/* Agents 2, 5, 9, 12 exist: keep the three lowest, remove 12. */
	s = plan_run("2r 5r 9r 12r", &req, &confirm);
	assert_string_equal(s, "X12");
	free(s);
	/* Scale to 0 removes everything. */
	req.count = 0;
	s = plan_run("2r 5x", &req, &confirm);
	assert_string_equal(s, "X2 X5");
	free(s);
	/* Already right: nothing to do. */
	req.count = 2;
	s = plan_run("1r 2r", &req, &confirm);
	assert_string_equal(s, "");
	free(s);
}

static void
test_new_takes_lowest_free(void **state)
{
	struct agents_req	 req = { .verb = AGENTS_NEW };
	struct agent_info	*a;
	struct agents_task	*t;
	size_t			 na, nt;
	char			*confirm, *cause = NULL, *s, spec[512];
	int			 i, off = 0;

	(void)state;
	s = plan_run("1r 2r 4r", &req, &confirm);
	assert_string_equal(s, "C3");
	free(s);

	for (i = 1; i <= AGENT_MAX; i++)
		off += snprintf(spec + off, sizeof spec - (size_t)off, "%dr ",
		    i);
	a = plan_agents(spec, &na);
	assert_int_equal(na, AGENT_MAX);
	assert_int_equal(agents_plan(&req, a, na, &t, &nt, &confirm, &cause),
	    -1);
	assert_non_null(strstr(cause, "in use"));
	free(cause);
	free(t);
	agent_info_free(a, na);
}

static void
test_stop(void **state)
{
	struct agents_req	 req = { .verb = AGENTS_STOP };
	char			*confirm, *s;

	(void)state;
	/* All: only the ones that run (or are paused). */
	s = plan_run("1r 2x 3p 4R 5c", &req, &confirm);
	assert_string_equal(s, "T1 T3 T4");
	free(s);
	/* Named: an exited one is a note, a missing one a failure. */
	req.nums[0] = 2;
	req.nums[1] = 1;
	req.nums[2] = 9;
	req.nnums = 3;
	s = plan_run("1r 2x", &req, &confirm);
	assert_string_equal(s, "N2 T1 M9");
	free(s);
}

static void
test_restart_and_rm(void **state)
{
	struct agents_req	 req = { .verb = AGENTS_RESTART, .nnums = 2,
	    .nums = { 2, 7 } };
	char			*confirm, *s;

	(void)state;
	s = plan_run("1r 2x", &req, &confirm);
	assert_string_equal(s, "R2 M7");
	free(s);

	req.verb = AGENTS_RM;
	s = plan_run("1r 2x", &req, &confirm);
	assert_string_equal(s, "X2 M7");
	free(s);

	/* --purge deletes the workspace even when the container is gone. */
	req.purge = 1;
	s = plan_run("1r 2x", &req, &confirm);
	assert_string_equal(s, "X2+ P7");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scale_up_from_nothing),
		cmocka_unit_test(test_scale_starts_and_fills_gaps),
		cmocka_unit_test(test_scale_down_needs_yes),
		cmocka_unit_test(test_scale_keeps_lowest_numbers),
		cmocka_unit_test(test_new_takes_lowest_free),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_restart_and_rm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
