/*
 * Unit tests for `docker stats` in gcp/docker_run.c: the command, the
 * parsing of lines captured from docker 20.10 and of what its formatter
 * prints without data, and the line that names each malformed answer.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/shquote.h"
#include "config/xmalloc.h"
#include "gcp/docker.h"
#include "tests/unit/test_sh.h"

static void
test_docker_run_stats_cmd(void **state)
{
	char	*names[] = { "sandbox-agent-01", "sandbox-agent-02" };
	char	*bad[] = { "-a" };
	char	*cmd, *cause = NULL, *out;
	int	 status;

	(void)state;
	cmd = docker_cmd_stats(names, 2, &cause);
	assert_string_equal(cmd, "docker stats --no-stream --format "
	    "'{{json .}}' 'sandbox-agent-01' 'sandbox-agent-02'");
	out = test_sh_docker(cmd, &status);
	assert_string_equal(out, "[stats][--no-stream][--format][{{json .}}]"
	    "[sandbox-agent-01][sandbox-agent-02]\n");
	free(out);
	free(cmd);
	assert_null(docker_cmd_stats(bad, 1, &cause));
	assert_string_equal(cause, "invalid container name '-a'");
	free(cause);
	assert_null(docker_cmd_stats(names, 0, NULL));
}

/*
 * Real `docker stats --no-stream --format '{{json .}}'` output (docker
 * 20.10, cgroup v1): a container in a busy loop, a paused one, a stopped
 * one (docker prints zeroes for it).
 */
static const char test_docker_run_stats_real[] =
	    "{\"BlockIO\":\"0B / 0B\",\"CPUPerc\":\"100.68%\",\"Container\":"
	    "\"helper-exp-agent-03\",\"ID\":\"00b12263b81d\",\"MemPerc\":"
	    "\"0.02%\",\"MemUsage\":\"784KiB / 4GiB\",\"Name\":"
	    "\"helper-exp-agent-03\",\"NetIO\":\"656B / 0B\",\"PIDs\":\"3\"}\n"
	    "{\"BlockIO\":\"0B / 0B\",\"CPUPerc\":\"0.00%\",\"Container\":"
	    "\"helper-exp-agent-07\",\"ID\":\"7c12f555eab2\",\"MemPerc\":"
	    "\"0.02%\",\"MemUsage\":\"752KiB / 4GiB\",\"Name\":"
	    "\"helper-exp-agent-07\",\"NetIO\":\"586B / 0B\",\"PIDs\":\"2\"}\n"
	    "{\"BlockIO\":\"0B / 0B\",\"CPUPerc\":\"0.00%\",\"Container\":"
	    "\"helper-exp-s\",\"ID\":\"1d93aebc08f4\",\"MemPerc\":\"0.00%\","
	    "\"MemUsage\":\"0B / 0B\",\"Name\":\"helper-exp-s\",\"NetIO\":"
	    "\"0B / 0B\",\"PIDs\":\"0\"}\n";

static void
test_docker_run_stats_parse(void **state)
{
	struct agent_stats	*st = NULL;
	size_t			 n = 0;
	char			*cause = NULL;

	(void)state;
	assert_int_equal(docker_parse_stats(test_docker_run_stats_real, &st,
	    &n, &cause), 0);
	assert_null(cause);
	assert_int_equal(n, 3);
	assert_string_equal(st[0].name, "helper-exp-agent-03");
	assert_float_equal(st[0].cpu_percent, 100.68, 1e-9);
	assert_string_equal(st[0].mem_usage, "784KiB / 4GiB");
	assert_float_equal(st[0].mem_percent, 0.02, 1e-9);
	assert_string_equal(st[1].name, "helper-exp-agent-07");
	assert_float_equal(st[1].cpu_percent, 0, 0);
	assert_string_equal(st[2].name, "helper-exp-s");
	assert_string_equal(st[2].mem_usage, "0B / 0B");
	agent_stats_free(st, n);

	/*
	 * What docker's formatter prints when it has no data for a
	 * container ("--" everywhere); blank lines and CRs are skipped; Name
	 * missing falls back to Container, then ID.
	 */
	assert_int_equal(docker_parse_stats(
	    "\n{\"CPUPerc\":\"--\",\"Container\":\"sandbox-agent-01\","
	    "\"MemPerc\":\"--\",\"MemUsage\":\"-- / --\",\"Name\":\"--\"}\r\n"
	    "  \r\n"
	    "{\"CPUPerc\":\"12.5%\",\"Container\":\"sandbox-agent-02\","
	    "\"MemPerc\":\"50%\",\"MemUsage\":\"2GiB / 4GiB\"}\n"
	    "{\"CPUPerc\":\"\",\"ID\":\"0123abcd\"}", &st, &n, &cause), 0);
	assert_int_equal(n, 3);
	assert_string_equal(st[0].name, "sandbox-agent-01");
	assert_float_equal(st[0].cpu_percent, 0, 0);
	assert_float_equal(st[0].mem_percent, 0, 0);
	assert_string_equal(st[0].mem_usage, "-- / --");
	assert_string_equal(st[1].name, "sandbox-agent-02");
	assert_float_equal(st[1].cpu_percent, 12.5, 1e-9);
	assert_float_equal(st[1].mem_percent, 50, 1e-9);
	assert_string_equal(st[2].name, "0123abcd");
	assert_string_equal(st[2].mem_usage, "");
	agent_stats_free(st, n);

	assert_int_equal(docker_parse_stats("", &st, &n, &cause), 0);
	assert_int_equal(n, 0);
	agent_stats_free(st, n);
	assert_int_equal(docker_parse_stats(NULL, &st, &n, &cause), 0);
	assert_int_equal(n, 0);
	agent_stats_free(st, n);
	assert_null(cause);
	agent_stats_free(NULL, 0);
}

static void
test_docker_run_stats_malformed(void **state)
{
	static const struct {
		const char	*in;
		const char	*cause;
	} bad[] = {
		{ "{\"Name\":\"a\"}\n{\"Name\":", "docker stats: line 2: " },
		{ "Error response from daemon: No such container: x",
		    "docker stats: line 1: " },
		{ "\n\n[1,2]", "docker stats: line 3: not a JSON object" },
		{ "{\"CPUPerc\":\"1%\"}",
		    "docker stats: line 1: no Name, Container or ID" },
		{ "{\"Name\":\"a\",\"CPUPerc\":\"lots\"}",
		    "docker stats: line 1: CPUPerc is not a percentage" },
		{ "{\"Name\":\"a\",\"CPUPerc\":\"1%x\"}", "CPUPerc" },
		{ "{\"Name\":\"a\",\"CPUPerc\":\"-1%\"}", "CPUPerc" },
		{ "{\"Name\":\"a\",\"MemPerc\":\"nan\"}",
		    "docker stats: line 1: MemPerc is not a percentage" },
	};
	struct agent_stats	*st;
	size_t			 n, i;
	char			*cause;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		st = (struct agent_stats *)1;
		n = 99;
		cause = NULL;
		assert_int_equal(docker_parse_stats(bad[i].in, &st, &n,
		    &cause), -1);
		assert_null(st);
		assert_int_equal(n, 0);
		if (cause == NULL || strstr(cause, bad[i].cause) == NULL)
			fail_msg("case %zu: %s", i, cause);
		free(cause);
		assert_int_equal(docker_parse_stats(bad[i].in, &st, &n, NULL),
		    -1);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker_run_stats_cmd),
		cmocka_unit_test(test_docker_run_stats_parse),
		cmocka_unit_test(test_docker_run_stats_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
