/*
 * Unit tests for gcp/docker.c: agent numbers and names, the exact command
 * strings (and what a real /bin/sh makes of them, with a stand-in docker),
 * and parsing of `docker ps --format '{{json .}}'` output, including lines
 * captured from a real dockerd (20.10).
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

#include "config/xmalloc.h"
#include "gcp/docker.h"
#include "tests/unit/test_sh.h"

/*
 * Real output of `docker ps -a --size=false --filter label=sandbox-tui.agent
 * --format '{{json .}}'` for three containers made from a busybox image:
 * sandbox-agent-12 created, sandbox-agent-05 exited with code 3 (with an
 * extra label whose value holds '=' and commas), sandbox-agent-03 running.
 * Docker truncates Command with a UTF-8 ellipsis and prints Platform null.
 */
static const char test_docker_real[] =
	    "{\"Command\":\"\\\"/bin/sh\\\"\",\"CreatedAt\":\"2026-11-2"
	    "8 15:20:08 +0000 UTC\",\"ID\":\"55f6aa7410f1\",\"Image\":\""
	    "sbx-grid-test:latest\",\"Labels\":\"sandbox-tui.agent=12,s"
	    "andbox-tui.version=0.1\",\"LocalVolumes\":\"0\",\"Mounts\""
	    ":\"\",\"Names\":\"sandbox-agent-12\",\"Networks\":\"bridge"
	    "\",\"Platform\":null,\"Ports\":\"\",\"RunningFor\":\"2 sec"
	    "onds ago\",\"Size\":\"0B\",\"State\":\"created\",\"Status\""
	    ":\"Created\"}\n"
	    "{\"Command\":\"\\\"/bin/sh -c 'echo by…\\\"\",\"CreatedAt\""
	    ":\"2026-11-28 15:20:07 +0000 UTC\",\"ID\":\"332981dd4a0a\""
	    ",\"Image\":\"sbx-grid-test:latest\",\"Labels\":\"sandbox-t"
	    "ui.agent=5,sandbox-tui.note=a=b,c,d,sandbox-tui.version=0."
	    "1\",\"LocalVolumes\":\"0\",\"Mounts\":\"\",\"Names\":\"san"
	    "dbox-agent-05\",\"Networks\":\"bridge\",\"Platform\":null,"
	    "\"Ports\":\"\",\"RunningFor\":\"3 seconds ago\",\"Size\":\""
	    "0B\",\"State\":\"exited\",\"Status\":\"Exited (3) 2 second"
	    "s ago\"}\n"
	    "{\"Command\":\"\\\"/bin/sh\\\"\",\"CreatedAt\":\"2026-11-2"
	    "8 15:20:07 +0000 UTC\",\"ID\":\"e06cb6119039\",\"Image\":\""
	    "sbx-grid-test:latest\",\"Labels\":\"sandbox-tui.agent=3,sa"
	    "ndbox-tui.version=0.1\",\"LocalVolumes\":\"0\",\"Mounts\":"
	    "\"\",\"Names\":\"sandbox-agent-03\",\"Networks\":\"bridge\""
	    ",\"Platform\":null,\"Ports\":\"\",\"RunningFor\":\"3 secon"
	    "ds ago\",\"Size\":\"0B\",\"State\":\"running\",\"Status\":"
	    "\"Up 2 seconds\"}\n";

/* The same from `docker ps -a` without --size=false, as 20.10 prints it. */
static const char test_docker_real_sized[] =
	    "{\"Command\":\"\\\"/bin/sh\\\"\",\"CreatedAt\":\"2026-11-28 "
	    "15:19:36 +0000 UTC\",\"ID\":\"42e9b55ff8d0\",\"Image\":"
	    "\"sbx-grid-test:latest\",\"Labels\":\"sandbox-tui.agent=97\","
	    "\"LocalVolumes\":\"0\",\"Mounts\":\"\",\"Names\":"
	    "\"sbx-grid-dk\",\"Networks\":\"bridge\",\"Platform\":null,"
	    "\"Ports\":\"\",\"RunningFor\":\"2 seconds ago\",\"Size\":"
	    "\"0B (virtual 1.98MB)\",\"State\":\"running\",\"Status\":"
	    "\"Up 1 second\"}\n";

/* A ps line with the given labels, name and status. */
static char *
test_docker_line(const char *labels, const char *name, const char *state,
    const char *status)
{
	return xasprintf("{\"Command\":\"\\\"/bin/sh -c …\\\"\","
	    "\"CreatedAt\":\"2026-11-28 14:00:00 +0000 UTC\","
	    "\"ID\":\"0123abcd\",\"Image\":\"sbx-test:latest\","
	    "\"Labels\":\"%s\",\"LocalVolumes\":\"0\",\"Mounts\":\"\","
	    "\"Names\":\"%s\",\"Networks\":\"bridge\",\"Ports\":\"\","
	    "\"RunningFor\":\"5 minutes ago\",\"Size\":\"0B\","
	    "\"State\":\"%s\",\"Status\":\"%s\"}", labels, name, state,
	    status);
}

static void
test_docker_parse_number_ok(void **state)
{
	static const struct {
		const char	*in;
		int		 n;
	} cases[] = {
		{ "3", 3 }, { "03", 3 }, { "sandbox-agent-03", 3 },
		{ "sandbox-agent-3", 3 }, { "1", 1 }, { "99", 99 },
		{ "12", 12 }, { "sandbox-agent-99", 99 },
	};
	size_t	 i;
	char	*cause = NULL;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(agent_parse_number(cases[i].in, &cause),
		    cases[i].n);
		assert_null(cause);
	}
}

static void
test_docker_parse_number_bad(void **state)
{
	static const char *bad[] = {
		"0", "00", "100", "", "3;rm -rf /", "-1", "3a", " 3", "3 ",
		"+3", "003", "0x3", "sandbox-agent-", "sandbox-agent-0",
		"sandbox-agent-100", "sandbox-agent--3", "agent-03",
		"SANDBOX-AGENT-03", "3\n", "٣", "1e1", "99999999999999999999",
	};
	size_t	 i;
	char	*cause, *want;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		assert_int_equal(agent_parse_number(bad[i], &cause), -1);
		assert_non_null(cause);
		assert_non_null(strstr(cause,
		    "not a number between 1 and 99"));
		free(cause);
	}

	cause = NULL;
	assert_int_equal(agent_parse_number("3;rm -rf /", &cause), -1);
	assert_string_equal(cause,
	    "agent '3;rm -rf /': not a number between 1 and 99");
	free(cause);

	/* Control bytes are not echoed to the terminal. */
	cause = NULL;
	assert_int_equal(agent_parse_number("3\033[2J\n", &cause), -1);
	assert_string_equal(cause,
	    "agent '3\\x1b[2J\\x0a': not a number between 1 and 99");
	free(cause);

	/* Long input is cut short in the message. */
	cause = NULL;
	want = xmalloc(5000);
	memset(want, '7', 4999);
	want[4999] = '\0';
	assert_int_equal(agent_parse_number(want, &cause), -1);
	assert_true(strlen(cause) < 100);
	assert_non_null(strstr(cause, "7777...'"));
	free(cause);
	free(want);

	/* NULL input and NULL cause do not crash. */
	cause = NULL;
	assert_int_equal(agent_parse_number(NULL, &cause), -1);
	assert_string_equal(cause,
	    "agent '': not a number between 1 and 99");
	free(cause);
	assert_int_equal(agent_parse_number("x", NULL), -1);
}

static void
test_docker_agent_name(void **state)
{
	char	buf[32], small[8];
	char	*cause = NULL;
	int	n;

	(void)state;
	assert_string_equal(agent_name(3, buf, sizeof buf), "sandbox-agent-03");
	assert_string_equal(agent_name(12, buf, sizeof buf),
	    "sandbox-agent-12");
	assert_string_equal(agent_name(99, buf, sizeof buf),
	    "sandbox-agent-99");
	assert_ptr_equal(agent_name(1, buf, sizeof buf), buf);
	assert_string_equal(agent_name(3, small, sizeof small), "sandbox");
	/* Names and numbers round trip. */
	for (n = 1; n <= AGENT_MAX; n++) {
		agent_name(n, buf, sizeof buf);
		assert_int_equal(agent_parse_number(buf, &cause), n);
	}
	assert_null(cause);
}

static void
test_docker_cmd_ps(void **state)
{
	char	*cmd;

	(void)state;
	cmd = docker_cmd_ps();
	assert_string_equal(cmd, "docker ps -a --size=false --filter "
	    "label=sandbox-tui.agent --format '{{json .}}'");
	free(cmd);
}

static void
test_docker_cmd_attach(void **state)
{
	char	*cmd;

	(void)state;
	cmd = docker_cmd_attach("sandbox-agent-03", 200);
	assert_string_equal(cmd, "docker logs --tail '200' "
	    "'sandbox-agent-03' 2>&1; "
	    "printf '\\033]5379;sandbox-tui-attach\\007'; "
	    "exec docker attach --sig-proxy=false "
	    "--detach-keys='\377' 'sandbox-agent-03'");
	free(cmd);

	cmd = docker_cmd_attach("sandbox-agent-03", 0);
	assert_string_equal(cmd,
	    "printf '\\033]5379;sandbox-tui-attach\\007'; "
	    "exec docker attach --sig-proxy=false "
	    "--detach-keys='\377' 'sandbox-agent-03'");
	free(cmd);

	cmd = docker_cmd_attach("sandbox-agent-03", -5);
	assert_null(strstr(cmd, "logs"));
	free(cmd);
}

static void
test_docker_cmd_logs(void **state)
{
	char	*cmd;

	(void)state;
	cmd = docker_cmd_logs("sandbox-agent-07", 150);
	assert_string_equal(cmd,
	    "docker logs --tail '150' 'sandbox-agent-07' 2>&1");
	free(cmd);
	cmd = docker_cmd_logs("$(touch /tmp/pwned)", 10);
	assert_null(strstr(cmd, "docker"));
	assert_non_null(strstr(cmd, "exit 1"));
	free(cmd);
}

static void
test_docker_cmd_attach_bad_name(void **state)
{
	static const char *bad[] = {
		"", "x", "-rm", "--help", "a b", "a;b", "a'b", "$(id)",
		"/sandbox-agent-03", "sandbox-agent-03\n",
	};
	size_t	 i;
	char	*cmd;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cmd = docker_cmd_attach(bad[i], 100);
		assert_null(strstr(cmd, "docker "));
		assert_non_null(strstr(cmd, "invalid container name"));
		assert_non_null(strstr(cmd, "exit 1"));
		free(cmd);
	}
	cmd = docker_cmd_attach(NULL, 100);
	assert_null(strstr(cmd, "docker "));
	free(cmd);
}

static void
test_docker_cmd_attach_sh(void **state)
{
	char	*cmd, *out;
	int	 status;

	(void)state;
	cmd = docker_cmd_attach("sandbox-agent-03", 150);
	out = test_sh_docker(cmd, &status);
	assert_int_equal(status, 0);
	assert_string_equal(out,
	    "[logs][--tail][150][sandbox-agent-03]\n"
	    DOCKER_ATTACH_MARKER
	    "[attach][--sig-proxy=false][--detach-keys=\377]"
	    "[sandbox-agent-03]\n");
	free(out);
	free(cmd);

	cmd = docker_cmd_ps();
	out = test_sh_docker(cmd, &status);
	assert_string_equal(out, "[ps][-a][--size=false][--filter]"
	    "[label=sandbox-tui.agent][--format][{{json .}}]\n");
	free(out);
	free(cmd);

	/* A refused name never reaches docker, and the command fails. */
	cmd = docker_cmd_attach("$(touch /tmp/pwned)", 10);
	out = test_sh_docker(cmd, &status);
	assert_string_equal(out, "");
	assert_int_not_equal(status, 0);
	free(out);
	free(cmd);
}

static void
test_docker_parse_real(void **state)
{
	struct agent_info	*a = NULL;
	size_t			 n = 0;
	char			*cause = NULL;

	(void)state;
	assert_int_equal(docker_parse_ps(test_docker_real, &a, &n, &cause), 0);
	assert_null(cause);
	assert_int_equal(n, 3);

	assert_int_equal(a[0].n, 3);
	assert_string_equal(a[0].name, "sandbox-agent-03");
	assert_string_equal(a[0].id, "e06cb6119039");
	assert_string_equal(a[0].image, "sbx-grid-test:latest");
	assert_string_equal(a[0].state, "running");
	assert_string_equal(a[0].status, "Up 2 seconds");
	assert_string_equal(a[0].created, "2026-11-28 15:20:07 +0000 UTC");
	assert_int_equal(a[0].exit_code, -1);

	assert_int_equal(a[1].n, 5);
	assert_string_equal(a[1].name, "sandbox-agent-05");
	assert_string_equal(a[1].id, "332981dd4a0a");
	assert_string_equal(a[1].state, "exited");
	assert_string_equal(a[1].status, "Exited (3) 2 seconds ago");
	assert_int_equal(a[1].exit_code, 3);

	assert_int_equal(a[2].n, 12);
	assert_string_equal(a[2].name, "sandbox-agent-12");
	assert_string_equal(a[2].state, "created");
	assert_string_equal(a[2].status, "Created");
	assert_int_equal(a[2].exit_code, -1);
	agent_info_free(a, n);

	assert_int_equal(docker_parse_ps(test_docker_real_sized, &a, &n,
	    &cause), 0);
	assert_int_equal(n, 1);
	assert_int_equal(a[0].n, 97);
	assert_string_equal(a[0].name, "sbx-grid-dk");
	agent_info_free(a, n);
}

static void
test_docker_parse_empty(void **state)
{
	static const char *empty[] = { "", "\n", "\n\n  \n", "\r\n", "\t\n" };
	struct agent_info	*a;
	size_t			 n, i;
	char			*cause = NULL;

	(void)state;
	for (i = 0; i < sizeof empty / sizeof empty[0]; i++) {
		a = (struct agent_info *)&n;
		n = 42;
		assert_int_equal(docker_parse_ps(empty[i], &a, &n, &cause), 0);
		assert_int_equal(n, 0);
		assert_null(cause);
		agent_info_free(a, n);
	}
	assert_int_equal(docker_parse_ps(NULL, &a, &n, &cause), 0);
	assert_int_equal(n, 0);
	agent_info_free(a, n);
}

static void
test_docker_parse_junk(void **state)
{
	struct agent_info	*a;
	size_t			 n;
	char			*cause = NULL, *line, *out;
	const char		*prefix = "docker ps: line 2: ";

	(void)state;
	line = test_docker_line("sandbox-tui.agent=3", "sandbox-agent-03",
	    "running", "Up 5 minutes");
	out = xasprintf("%s\nError response from daemon: boom\n%s\n", line,
	    line);
	a = (struct agent_info *)&n;
	n = 7;
	assert_int_equal(docker_parse_ps(out, &a, &n, &cause), -1);
	assert_null(a);
	assert_int_equal(n, 0);
	assert_non_null(cause);
	assert_memory_equal(cause, prefix, strlen(prefix));
	assert_true(strlen(cause) > strlen(prefix));
	free(cause);
	free(out);

	/* Empty lines count: the bad one is line 3. */
	cause = NULL;
	assert_int_equal(docker_parse_ps("\n\nnot json\n", &a, &n, &cause), -1);
	assert_memory_equal(cause, "docker ps: line 3: ", 19);
	free(cause);

	/* JSON that is not an object, and trailing garbage. */
	cause = NULL;
	assert_int_equal(docker_parse_ps("[1,2]\n", &a, &n, &cause), -1);
	assert_string_equal(cause, "docker ps: line 1: not a JSON object");
	free(cause);
	cause = NULL;
	out = xasprintf("%s}\n", line);
	assert_int_equal(docker_parse_ps(out, &a, &n, &cause), -1);
	assert_memory_equal(cause, "docker ps: line 1: ", 19);
	free(cause);
	free(out);
	cause = NULL;
	assert_int_equal(docker_parse_ps("{\"Labels\":", &a, &n, &cause), -1);
	free(cause);
	assert_int_equal(docker_parse_ps("\"x\"", &a, &n, NULL), -1);
	free(line);
}

static void
test_docker_parse_ignored(void **state)
{
	static const char *labels[] = {
		"", "sandbox-tui.version=0.1", "sandbox-tui.agent=0",
		"sandbox-tui.agent=100", "sandbox-tui.agent=",
		"sandbox-tui.agent",
		"sandbox-tui.agent=3x", "sandbox-tui.agent=-3",
		"sandbox-tui.agent= 3", "sandbox-tui.agent=003",
		"sandbox-tui.agent=3,junk", "xsandbox-tui.agent=3",
		"sandbox-tui.agents=3", "com.example=sandbox-tui.agent=3",
		"sandbox-tui.agent=sandbox-agent-03",
	};
	struct agent_info	*a;
	size_t			 n, i;
	char			*cause = NULL, *line;

	(void)state;
	for (i = 0; i < sizeof labels / sizeof labels[0]; i++) {
		line = test_docker_line(labels[i], "sandbox-agent-03",
		    "running", "Up");
		assert_int_equal(docker_parse_ps(line, &a, &n, &cause), 0);
		if (n != 0)
			print_message("label '%s' kept\n", labels[i]);
		assert_int_equal(n, 0);
		agent_info_free(a, n);
		free(line);
	}

	/* Missing or odd fields. */
	assert_int_equal(docker_parse_ps("{}\n{\"Labels\":null}\n"
	    "{\"Labels\":3}\n{\"Labels\":\"sandbox-tui.agent=4\"}\n"
	    "{\"Labels\":\"sandbox-tui.agent=4\",\"Names\":\"\"}\n"
	    "{\"Labels\":\"sandbox-tui.agent=4\",\"Names\":\",link/x\"}\n", &a,
	    &n, &cause), 0);
	assert_int_equal(n, 0);
	agent_info_free(a, n);
	assert_null(cause);

	/* Only Labels and Names: the other strings are empty, never NULL. */
	assert_int_equal(docker_parse_ps("{\"Labels\":\"sandbox-tui.agent=4\","
	    "\"Names\":\"sandbox-agent-04\",\"State\":7}", &a, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_string_equal(a[0].id, "");
	assert_string_equal(a[0].image, "");
	assert_string_equal(a[0].state, "");
	assert_string_equal(a[0].status, "");
	assert_string_equal(a[0].created, "");
	assert_int_equal(a[0].exit_code, -1);
	agent_info_free(a, n);
}

static void
test_docker_parse_labels(void **state)
{
	static const struct {
		const char	*labels;
		int		 n;
	} cases[] = {
		{ "sandbox-tui.agent=7", 7 },
		{ "sandbox-tui.agent=07", 7 },
		{ "a=b,sandbox-tui.agent=7", 7 },
		{ "sandbox-tui.agent=7,sandbox-tui.version=0.1", 7 },
		{ "a=x,y,z,sandbox-tui.agent=7,b=1=2,3", 7 },
		{ "a=x=y,sandbox-tui.agent=7", 7 },
		{ "a=,sandbox-tui.agent=7,b=", 7 },
		{ ",,sandbox-tui.agent=7,,", -1 },
		{ ",sandbox-tui.agent=8", 8 },
		{ "sandbox-tui.agent=9,", -1 },
		{ "a=sandbox-tui.agent=7", -1 },
		{ "com.docker.compose.project=x,sandbox-tui.agent=42", 42 },
		{ "org.opencontainers.image/title=a,b,sandbox-tui.agent=5", 5 },
	};
	struct agent_info	*a;
	size_t			 n, i;
	char			*cause = NULL, *line;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		line = test_docker_line(cases[i].labels, "sandbox-agent-07",
		    "running", "Up");
		assert_int_equal(docker_parse_ps(line, &a, &n, &cause), 0);
		if (cases[i].n < 0)
			assert_int_equal(n, 0);
		else {
			assert_int_equal(n, 1);
			assert_int_equal(a[0].n, cases[i].n);
		}
		agent_info_free(a, n);
		free(line);
	}
}

static void
test_docker_parse_exit_codes(void **state)
{
	static const struct {
		const char	*status;
		int		 code;
	} cases[] = {
		{ "Exited (137) 3 seconds ago", 137 },
		{ "Exited (0) 2 hours ago", 0 },
		{ "Exited (3) 2 seconds ago", 3 },
		{ "Exited (255) About a minute ago", 255 },
		{ "Up 5 minutes", -1 },
		{ "Up 5 minutes (Paused)", -1 },
		{ "Created", -1 },
		{ "Restarting (1) 3 seconds ago", -1 },
		{ "Exited", -1 },
		{ "Exited ()", -1 },
		{ "Exited (abc) 1 second ago", -1 },
		{ "Exited (-1) 1 second ago", -1 },
		{ "Exited (99999999999999999999) 1 second ago", -1 },
		{ "Exited (12", -1 },
		{ "", -1 },
	};
	struct agent_info	*a;
	size_t			 n, i;
	char			*cause = NULL, *line;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		line = test_docker_line("sandbox-tui.agent=1",
		    "sandbox-agent-01", "exited", cases[i].status);
		assert_int_equal(docker_parse_ps(line, &a, &n, &cause), 0);
		assert_int_equal(n, 1);
		assert_int_equal(a[0].exit_code, cases[i].code);
		assert_string_equal(a[0].status, cases[i].status);
		agent_info_free(a, n);
		free(line);
	}
}

static void
test_docker_parse_sorted(void **state)
{
	static const struct {
		const char	*label;
		const char	*name;
	} in[] = {
		{ "sandbox-tui.agent=12", "sandbox-agent-12" },
		{ "sandbox-tui.agent=2", "sandbox-agent-02" },
		{ "other=1", "unrelated" },
		{ "sandbox-tui.agent=10", "sandbox-agent-10" },
		{ "sandbox-tui.agent=2", "old-agent-02" },
		{ "sandbox-tui.agent=1", "sandbox-agent-01" },
		{ "sandbox-tui.agent=99", "sandbox-agent-99" },
	};
	static const struct {
		int		 n;
		const char	*name;
	} want[] = {
		{ 1, "sandbox-agent-01" }, { 2, "old-agent-02" },
		{ 2, "sandbox-agent-02" }, { 10, "sandbox-agent-10" },
		{ 12, "sandbox-agent-12" }, { 99, "sandbox-agent-99" },
	};
	struct agent_info	*a;
	size_t			 n, i;
	char			*cause = NULL, *all, *line, *tmp;

	(void)state;
	all = xstrdup("");
	for (i = 0; i < sizeof in / sizeof in[0]; i++) {
		line = test_docker_line(in[i].label, in[i].name, "running",
		    "Up 1 second");
		tmp = xasprintf("%s%s\r\n\n", all, line);
		free(all);
		free(line);
		all = tmp;
	}
	assert_int_equal(docker_parse_ps(all, &a, &n, &cause), 0);
	assert_int_equal(n, sizeof want / sizeof want[0]);
	for (i = 0; i < n; i++) {
		assert_int_equal(a[i].n, want[i].n);
		assert_string_equal(a[i].name, want[i].name);
	}
	agent_info_free(a, n);
	free(all);

	/* Legacy links: the first name is the container's own. */
	line = test_docker_line("sandbox-tui.agent=4",
	    "sandbox-agent-04,web/agent", "running", "Up");
	assert_int_equal(docker_parse_ps(line, &a, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_string_equal(a[0].name, "sandbox-agent-04");
	agent_info_free(a, n);
	free(line);
	agent_info_free(NULL, 0);
}

/* Arbitrary bytes never crash the parser. */
static void
test_docker_parse_garbage(void **state)
{
	struct agent_info	*a;
	size_t			 n, len, i;
	char			*cause, *buf;
	unsigned		 seed = 1;
	int			 round;

	(void)state;
	len = sizeof test_docker_real - 1;
	buf = xmalloc(len + 1);
	for (round = 0; round < 2000; round++) {
		memcpy(buf, test_docker_real, len + 1);
		for (i = 0; i < 1 + (size_t)round % 8; i++) {
			seed = seed * 1103515245 + 12345;
			buf[(seed >> 8) % len] = (char)(1 + (seed >> 20) % 255);
		}
		cause = NULL;
		if (docker_parse_ps(buf, &a, &n, &cause) == 0)
			agent_info_free(a, n);
		else {
			assert_non_null(cause);
			assert_null(a);
		}
		free(cause);
	}
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker_parse_number_ok),
		cmocka_unit_test(test_docker_parse_number_bad),
		cmocka_unit_test(test_docker_agent_name),
		cmocka_unit_test(test_docker_cmd_ps),
		cmocka_unit_test(test_docker_cmd_attach),
		cmocka_unit_test(test_docker_cmd_logs),
		cmocka_unit_test(test_docker_cmd_attach_bad_name),
		cmocka_unit_test(test_docker_cmd_attach_sh),
		cmocka_unit_test(test_docker_parse_real),
		cmocka_unit_test(test_docker_parse_empty),
		cmocka_unit_test(test_docker_parse_junk),
		cmocka_unit_test(test_docker_parse_ignored),
		cmocka_unit_test(test_docker_parse_labels),
		cmocka_unit_test(test_docker_parse_exit_codes),
		cmocka_unit_test(test_docker_parse_sorted),
		cmocka_unit_test(test_docker_parse_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
