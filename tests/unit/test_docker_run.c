/*
 * Unit tests for gcp/docker_run.c: the exact commands that create and
 * manage agent containers, every refusal, what a real /bin/sh makes of the
 * commands (with a stand-in docker, and for real for the file, workspace
 * and state directory commands), `docker stats` parsing with lines
 * captured from docker 20.10, and the secrets env file.  docker_explain()
 * is in test_docker_explain.c.
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

/* A spec like the defaults: 4g, 1.25 CPUs, 512 pids. */
static struct agent_spec
test_docker_run_spec(void)
{
	struct agent_spec	spec;

	memset(&spec, 0, sizeof spec);
	spec.image = "sandbox-agent:latest";
	spec.memory = 4294967296LL;
	spec.cpus_milli = 1250;
	spec.pids_limit = 512;
	spec.workspace_dir = "/home/agent/workspaces";
	spec.settings_file = "/home/agent/.sandbox-tui/managed-settings.json";
	spec.env_file = "/home/agent/.sandbox-tui/agent-03.env";
	spec.version = "0.1";
	return spec;
}

static void
test_docker_run_exact(void **state)
{
	struct agent_spec	 spec = test_docker_run_spec();
	char			*words[] = { "claude", "--model", "it's" };
	char			*cmd, *cause = NULL;

	(void)state;
	cmd = docker_cmd_run(&spec, 3, &cause);
	assert_null(cause);
	assert_string_equal(cmd,
	    "mkdir -p '/home/agent/workspaces/agent-03' && "
	    "{ u=$(docker image inspect --format "
	    "'{{index .Config.Labels \"sandbox-tui.uid\"}}' "
	    "'sandbox-agent:latest' 2>/dev/null) || u=; "
	    "case $u in ''|*[!0-9]*) ;; *) "
	    "[ -L '/home/agent/workspaces/agent-03' ] || "
	    "[ \"$(stat -c %u '/home/agent/workspaces/agent-03')\" = \"$u\" ] || "
	    "chown \"$u:$u\" '/home/agent/workspaces/agent-03' 2>/dev/null || "
	    "docker run --rm --pull never --network none --user 0:0 "
	    "--cap-drop ALL --cap-add CHOWN --entrypoint chown "
	    "-v '/home/agent/workspaces/agent-03:/w' 'sandbox-agent:latest' "
	    "\"$u:$u\" /w >/dev/null 2>&1 || :;; esac; } && "
	    "(umask 077 && mkdir -p "
	    "'/home/agent/workspaces/.sandbox-tui/agent-03') && "
	    "chmod 700 '/home/agent/workspaces/.sandbox-tui/agent-03' && "
	    ": > '/home/agent/workspaces/.sandbox-tui/agent-03/events' && "
	    "chmod 666 "
	    "'/home/agent/workspaces/.sandbox-tui/agent-03/events' && "
	    "docker run -dit --init --pull never "
	    "--name 'sandbox-agent-03' --hostname 'agent-03' "
	    "--label 'sandbox-tui.agent=3' --label 'sandbox-tui.version=0.1' "
	    "--cap-drop ALL --security-opt no-new-privileges "
	    "--pids-limit '512' --memory '4294967296' "
	    "--memory-swap '4294967296' --cpus '1.25' "
	    "-v '/home/agent/workspaces/agent-03:/workspace' -w /workspace "
	    "-e 'SANDBOX_TUI_AGENT=03' "
	    "-v '/home/agent/workspaces/.sandbox-tui/agent-03/events:"
	    "/run/sandbox-tui/events' "
	    "-v '/home/agent/.sandbox-tui/managed-settings.json:"
	    "/etc/claude-code/managed-settings.json:ro' "
	    "--env-file '/home/agent/.sandbox-tui/agent-03.env' "
	    "'sandbox-agent:latest'");
	free(cmd);

	/* No settings, no env file, a command; trailing slashes dropped. */
	spec.settings_file = NULL;
	spec.env_file = NULL;
	spec.command = words;
	spec.ncommand = 3;
	spec.workspace_dir = "/ws//";
	spec.image = "registry.example.com:5000/team/agent@sha256:0123abcd";
	cmd = docker_cmd_run(&spec, 12, &cause);
	assert_null(cause);
	assert_string_equal(cmd,
	    "mkdir -p '/ws/agent-12' && { u=$(docker image inspect "
	    "--format '{{index .Config.Labels \"sandbox-tui.uid\"}}' "
	    "'registry.example.com:5000/team/agent@sha256:0123abcd' "
	    "2>/dev/null) || u=; case $u in ''|*[!0-9]*) ;; *) "
	    "[ -L '/ws/agent-12' ] || "
	    "[ \"$(stat -c %u '/ws/agent-12')\" = \"$u\" ] || "
	    "chown \"$u:$u\" '/ws/agent-12' 2>/dev/null || docker run --rm "
	    "--pull never --network none --user 0:0 --cap-drop ALL "
	    "--cap-add CHOWN --entrypoint chown -v '/ws/agent-12:/w' "
	    "'registry.example.com:5000/team/agent@sha256:0123abcd' "
	    "\"$u:$u\" /w >/dev/null 2>&1 || :;; esac; } && "
	    "(umask 077 && mkdir -p '/ws/.sandbox-tui/agent-12') && "
	    "chmod 700 '/ws/.sandbox-tui/agent-12' && "
	    ": > '/ws/.sandbox-tui/agent-12/events' && "
	    "chmod 666 '/ws/.sandbox-tui/agent-12/events' && "
	    "docker run -dit --init --pull never "
	    "--name 'sandbox-agent-12' --hostname 'agent-12' "
	    "--label 'sandbox-tui.agent=12' --label 'sandbox-tui.version=0.1' "
	    "--cap-drop ALL --security-opt no-new-privileges "
	    "--pids-limit '512' --memory '4294967296' "
	    "--memory-swap '4294967296' --cpus '1.25' "
	    "-v '/ws/agent-12:/workspace' -w /workspace "
	    "-e 'SANDBOX_TUI_AGENT=12' "
	    "-v '/ws/.sandbox-tui/agent-12/events:/run/sandbox-tui/events' "
	    "'registry.example.com:5000/team/agent@sha256:0123abcd' "
	    "'claude' '--model' 'it'\\''s'");
	free(cmd);

	/* ncommand 0 with words given: the image's own command. */
	spec.ncommand = 0;
	spec.workspace_dir = "/ws";
	spec.image = "img";
	cmd = docker_cmd_run(&spec, AGENT_MAX, &cause);
	assert_null(cause);
	assert_non_null(strstr(cmd, "--name 'sandbox-agent-99' "));
	assert_int_equal(strcmp(cmd + strlen(cmd) - 6, " 'img'"), 0);
	free(cmd);
}

struct test_docker_run_bad {
	int		 n;
	const char	*image;
	const char	*ws;
	const char	*settings;
	const char	*env;
	const char	*version;
	long long	 memory;
	long		 cpus;
	long		 pids;
	const char	*cause;		/* part of the expected cause */
};

static void
test_docker_run_refused(void **state)
{
	static const struct test_docker_run_bad bad[] = {
		{ 0, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, "agent 0:" },
		{ 100, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, "agent 100:" },
		{ -1, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, "agent -1:" },
		{ 3, "", NULL, NULL, NULL, NULL, 0, 0, 0, "image '':" },
		{ 3, "a b", NULL, NULL, NULL, NULL, 0, 0, 0, "image 'a b':" },
		{ 3, "-x", NULL, NULL, NULL, NULL, 0, 0, 0, "image '-x':" },
		{ 3, "x;rm -rf /", NULL, NULL, NULL, NULL, 0, 0, 0,
		    "image 'x;rm -rf /':" },
		{ 3, "$(id)", NULL, NULL, NULL, NULL, 0, 0, 0, "'$(id)'" },
		{ 3, "a\nb", NULL, NULL, NULL, NULL, 0, 0, 0,
		    "image 'a\\x0ab'" },
		{ 3, "x'y", NULL, NULL, NULL, NULL, 0, 0, 0, "image 'x'y'" },
		{ 3, NULL, "ws", NULL, NULL, NULL, 0, 0, 0,
		    "workspace_dir 'ws': not an absolute path" },
		{ 3, NULL, "", NULL, NULL, NULL, 0, 0, 0,
		    "workspace_dir '': not an absolute path" },
		{ 3, NULL, "~/ws", NULL, NULL, NULL, 0, 0, 0, "absolute" },
		{ 3, NULL, "/ws\n", NULL, NULL, NULL, 0, 0, 0,
		    "workspace_dir '/ws\\x0a': contains a line break" },
		{ 3, NULL, "/w\rs", NULL, NULL, NULL, 0, 0, 0, "line break" },
		{ 3, NULL, "/", NULL, NULL, NULL, 0, 0, 0, "must not be /" },
		{ 3, NULL, "///", NULL, NULL, NULL, 0, 0, 0, "must not be /" },
		{ 3, NULL, "/a/../b", NULL, NULL, NULL, 0, 0, 0, ". or .." },
		{ 3, NULL, "/a/..", NULL, NULL, NULL, 0, 0, 0, ". or .." },
		{ 3, NULL, "/./a", NULL, NULL, NULL, 0, 0, 0, ". or .." },
		{ 3, NULL, "/a:b", NULL, NULL, NULL, 0, 0, 0, "contains ':'" },
		{ 3, NULL, NULL, "s.json", NULL, NULL, 0, 0, 0,
		    "settings_file 's.json': not an absolute path" },
		{ 3, NULL, NULL, "/s:ro", NULL, NULL, 0, 0, 0,
		    "settings_file '/s:ro': contains ':'" },
		{ 3, NULL, NULL, NULL, "e.env", NULL, 0, 0, 0,
		    "env_file 'e.env': not an absolute path" },
		{ 3, NULL, NULL, NULL, "/e\n.env", NULL, 0, 0, 0,
		    "env_file '/e\\x0a.env': contains a line break" },
		{ 3, NULL, NULL, NULL, NULL, "0.1\n", 0, 0, 0, "version" },
		{ 3, NULL, NULL, NULL, NULL, NULL, 1024, 0, 0,
		    "memory 1024: out of range" },
		{ 3, NULL, NULL, NULL, NULL, NULL, -1, 0, 0, "memory -1:" },
		{ 3, NULL, NULL, NULL, NULL, NULL, 1LL << 50, 0, 0, "memory" },
		{ 3, NULL, NULL, NULL, NULL, NULL, 0, 5, 0,
		    "cpus 5/1000: out of range" },
		{ 3, NULL, NULL, NULL, NULL, NULL, 0, -1250, 0, "cpus" },
		{ 3, NULL, NULL, NULL, NULL, NULL, 0, 0, -1,
		    "pids_limit -1: out of range" },
		{ 3, NULL, NULL, NULL, NULL, NULL, 0, 0, 1L << 30, "pids" },
	};
	struct agent_spec	 spec;
	char			*cause, *cmd, *words[] = { "sh", NULL };
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		spec = test_docker_run_spec();
		if (bad[i].image != NULL)
			spec.image = bad[i].image;
		if (bad[i].ws != NULL)
			spec.workspace_dir = bad[i].ws;
		if (bad[i].settings != NULL)
			spec.settings_file = bad[i].settings;
		if (bad[i].env != NULL)
			spec.env_file = bad[i].env;
		if (bad[i].version != NULL)
			spec.version = bad[i].version;
		if (bad[i].memory != 0)
			spec.memory = bad[i].memory;
		if (bad[i].cpus != 0)
			spec.cpus_milli = bad[i].cpus;
		if (bad[i].pids != 0)
			spec.pids_limit = bad[i].pids;
		cause = NULL;
		cmd = docker_cmd_run(&spec, bad[i].n, &cause);
		if (cmd != NULL || cause == NULL ||
		    strstr(cause, bad[i].cause) == NULL)
			fail_msg("case %zu: cmd %s, cause %s", i,
			    cmd != NULL ? cmd : "NULL",
			    cause != NULL ? cause : "NULL");
		free(cause);
		/* A NULL cause is allowed. */
		assert_null(docker_cmd_run(&spec, bad[i].n, NULL));
	}

	spec = test_docker_run_spec();
	spec.image = NULL;
	cause = NULL;
	assert_null(docker_cmd_run(&spec, 3, &cause));
	assert_non_null(strstr(cause, "image"));
	free(cause);

	spec = test_docker_run_spec();
	spec.workspace_dir = NULL;
	cause = NULL;
	assert_null(docker_cmd_run(&spec, 3, &cause));
	assert_non_null(strstr(cause, "workspace_dir"));
	free(cause);

	spec = test_docker_run_spec();
	spec.version = NULL;
	cause = NULL;
	assert_null(docker_cmd_run(&spec, 3, &cause));
	assert_non_null(strstr(cause, "version"));
	free(cause);

	spec = test_docker_run_spec();
	spec.ncommand = 2;
	cause = NULL;
	assert_null(docker_cmd_run(&spec, 3, &cause));
	assert_non_null(strstr(cause, "command"));
	free(cause);
	spec.command = words;
	cause = NULL;
	assert_null(docker_cmd_run(&spec, 3, &cause));
	assert_string_equal(cause, "command: word 2 missing");
	free(cause);
}

static void
test_docker_run_cpus(void **state)
{
	static const struct {
		long		 milli;
		const char	*text;
	} cases[] = {
		{ 1250, "--cpus '1.25' " }, { 1000, "--cpus '1' " },
		{ 500, "--cpus '0.5' " }, { 10, "--cpus '0.01' " },
		{ 1255, "--cpus '1.255' " }, { 2000, "--cpus '2' " },
		{ 100, "--cpus '0.1' " }, { 1001, "--cpus '1.001' " },
		{ 11, "--cpus '0.011' " }, { 96000, "--cpus '96' " },
	};
	struct agent_spec	 spec = test_docker_run_spec();
	char			*cmd;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		spec.cpus_milli = cases[i].milli;
		cmd = docker_cmd_run(&spec, 1, NULL);
		assert_non_null(cmd);
		if (strstr(cmd, cases[i].text) == NULL)
			fail_msg("%ld: %s", cases[i].milli, cmd);
		free(cmd);
	}
	spec.memory = 6LL * 1024 * 1024;
	spec.pids_limit = 1;
	cmd = docker_cmd_run(&spec, 1, NULL);
	assert_non_null(strstr(cmd, "--pids-limit '1' --memory '6291456' "
	    "--memory-swap '6291456' "));
	free(cmd);
}

/* Runs cmd under /bin/sh with input on its stdin; returns the exit status. */
static int
test_docker_run_sh(const char *cmd, const char *input)
{
	FILE	*f;

	f = popen(cmd, "w");
	assert_non_null(f);
	if (input != NULL)
		fputs(input, f);
	return pclose(f);
}

/* A temporary directory whose name needs quoting; caller frees. */
static char *
test_docker_run_tmpdir(void)
{
	char	 tmpl[] = "/tmp/test_docker_run.XXXXXX", *dir;

	assert_non_null(mkdtemp(tmpl));
	dir = xasprintf("%s/it's a \"dir\" $(x) `y`", tmpl);
	assert_int_equal(mkdir(dir, 0700), 0);
	return dir;
}

static void
test_docker_run_tmpdir_rm(const char *dir)
{
	char	*parent, *qparent, *cmd;

	parent = xstrndup(dir, strrchr(dir, '/') - dir);
	qparent = sh_quote(parent);
	cmd = xasprintf("rm -rf -- %s", qparent);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(qparent);
	free(parent);
}

/* What sh hands docker, and the workspace mkdir made, for a tricky path. */
static void
test_docker_run_round_trip(void **state)
{
	struct agent_spec	 spec = test_docker_run_spec();
	char			*words[] = { "sh", "-c", "echo \"'\" $HOME" };
	char			*ws, *cmd, *out, *expect, *agent;
	struct stat		 sb;
	FILE			*f;
	int			 status;

	(void)state;
	ws = test_docker_run_tmpdir();
	spec.workspace_dir = ws;
	spec.settings_file = "/etc/a b/settings 'x'.json";
	spec.env_file = "/run/e $HOME.env";
	spec.version = "0.1 'beta' $(id)";
	spec.command = words;
	spec.ncommand = 3;
	cmd = docker_cmd_run(&spec, 5, NULL);
	assert_non_null(cmd);
	out = test_sh_docker(cmd, &status);
	assert_int_equal(status, 0);
	expect = xasprintf("[run][-dit][--init][--pull][never]"
	    "[--name][sandbox-agent-05][--hostname][agent-05]"
	    "[--label][sandbox-tui.agent=5]"
	    "[--label][sandbox-tui.version=0.1 'beta' $(id)]"
	    "[--cap-drop][ALL][--security-opt][no-new-privileges]"
	    "[--pids-limit][512][--memory][4294967296]"
	    "[--memory-swap][4294967296][--cpus][1.25]"
	    "[-v][%s/agent-05:/workspace][-w][/workspace]"
	    "[-e][SANDBOX_TUI_AGENT=05]"
	    "[-v][%s/.sandbox-tui/agent-05/events:/run/sandbox-tui/events]"
	    "[-v][/etc/a b/settings 'x'.json:"
	    "/etc/claude-code/managed-settings.json:ro]"
	    "[--env-file][/run/e $HOME.env][sandbox-agent:latest]"
	    "[sh][-c][echo \"'\" $HOME]\n", ws, ws);
	assert_string_equal(out, expect);
	agent = xasprintf("%s/agent-05", ws);
	assert_int_equal(stat(agent, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	free(agent);
	/* The state directory only its owner enters; the events file, empty,
	 * that any container user can append to. */
	agent = xasprintf("%s/.sandbox-tui/agent-05", ws);
	assert_int_equal(stat(agent, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0700);
	free(agent);
	agent = xasprintf("%s/.sandbox-tui", ws);
	assert_int_equal(stat(agent, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	free(agent);
	agent = xasprintf("%s/.sandbox-tui/agent-05/events", ws);
	assert_int_equal(stat(agent, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0666);
	assert_int_equal(sb.st_size, 0);
	/* A new agent of the same number: old lines go, the mode is fixed. */
	f = fopen(agent, "w");
	assert_non_null(f);
	fputs("1 5 done\n", f);
	fclose(f);
	free(out);
	out = xasprintf("%s/.sandbox-tui/agent-05", ws);
	assert_int_equal(chmod(out, 0755), 0);
	free(out);
	out = test_sh_docker(cmd, &status);
	assert_int_equal(status, 0);
	assert_int_equal(stat(agent, &sb), 0);
	assert_int_equal(sb.st_size, 0);
	free(agent);
	agent = xasprintf("%s/.sandbox-tui/agent-05", ws);
	assert_int_equal(stat(agent, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	free(agent);
	free(expect);
	free(out);
	free(cmd);
	test_docker_run_tmpdir_rm(ws);
	free(ws);
}

static void
test_docker_run_each(void **state)
{
	char	*names[] = { "sandbox-agent-01", "sandbox-agent-12" };
	char	*bad[] = { "sandbox-agent-01", "x; rm -rf /" };
	char	*cmd, *cause = NULL, *out;
	int	 status;

	(void)state;
	cmd = docker_cmd_each("start", names, 2, &cause);
	assert_string_equal(cmd,
	    "docker start 'sandbox-agent-01' 'sandbox-agent-12'");
	free(cmd);
	cmd = docker_cmd_each("stop", names, 2, &cause);
	assert_string_equal(cmd,
	    "docker stop -t 10 'sandbox-agent-01' 'sandbox-agent-12'");
	free(cmd);
	cmd = docker_cmd_each("restart", names, 1, &cause);
	assert_string_equal(cmd, "docker restart -t 10 'sandbox-agent-01'");
	free(cmd);
	cmd = docker_cmd_each("rm", names, 2, &cause);
	assert_string_equal(cmd,
	    "docker rm -f 'sandbox-agent-01' 'sandbox-agent-12'");
	out = test_sh_docker(cmd, &status);
	assert_string_equal(out,
	    "[rm][-f][sandbox-agent-01][sandbox-agent-12]\n");
	free(out);
	free(cmd);
	assert_null(cause);

	assert_null(docker_cmd_each("rm", bad, 2, &cause));
	assert_string_equal(cause, "invalid container name 'x; rm -rf /'");
	free(cause);
	cause = NULL;
	assert_null(docker_cmd_each("kill", names, 2, &cause));
	assert_string_equal(cause, "unknown container command 'kill'");
	free(cause);
	cause = NULL;
	assert_null(docker_cmd_each("rm -f", names, 2, &cause));
	free(cause);
	cause = NULL;
	assert_null(docker_cmd_each(NULL, names, 2, &cause));
	free(cause);
	cause = NULL;
	assert_null(docker_cmd_each("start", names, 0, &cause));
	assert_string_equal(cause, "no container given");
	free(cause);
	assert_null(docker_cmd_each("start", NULL, 2, NULL));
	bad[1] = NULL;
	cause = NULL;
	assert_null(docker_cmd_each("stop", bad, 2, &cause));
	assert_string_equal(cause, "invalid container name ''");
	free(cause);
}

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

static void
test_docker_run_put_file(void **state)
{
	char		*cmd, *cause = NULL, *dir, *path, *qpath, *content;
	char		*full, buf[256];
	struct stat	 sb;
	FILE		*f;
	size_t		 len;

	(void)state;
	cmd = docker_cmd_put_file("/home/u/.sandbox-tui/agent 3.env", &cause);
	assert_string_equal(cmd, "umask 077 && "
	    "mkdir -p '/home/u/.sandbox-tui' && "
	    "cat > '/home/u/.sandbox-tui/agent 3.env'.tmp.$$ && "
	    "chmod 600 '/home/u/.sandbox-tui/agent 3.env'.tmp.$$ && "
	    "mv -f '/home/u/.sandbox-tui/agent 3.env'.tmp.$$ "
	    "'/home/u/.sandbox-tui/agent 3.env' || "
	    "{ rm -f '/home/u/.sandbox-tui/agent 3.env'.tmp.$$; exit 1; }");
	free(cmd);
	cmd = docker_cmd_put_file("/x", &cause);
	assert_non_null(strstr(cmd, "mkdir -p '/' && cat > '/x'.tmp.$$"));
	free(cmd);
	cmd = docker_cmd_put_file("//a//b", &cause);
	assert_non_null(strstr(cmd, "mkdir -p '//a' && "));
	free(cmd);
	assert_null(cause);

	assert_null(docker_cmd_put_file("rel/x", &cause));
	assert_string_equal(cause, "file 'rel/x': not an absolute path");
	free(cause);
	cause = NULL;
	assert_null(docker_cmd_put_file("/a\nb", &cause));
	assert_string_equal(cause, "file '/a\\x0ab': contains a line break");
	free(cause);
	cause = NULL;
	assert_null(docker_cmd_put_file("/", &cause));
	assert_string_equal(cause, "file '/': names a directory");
	free(cause);
	cause = NULL;
	assert_null(docker_cmd_put_file("/a/", &cause));
	free(cause);
	assert_null(docker_cmd_put_file(NULL, NULL));

	/* For real: a new directory, the content, mode 0600, no tmp left. */
	dir = test_docker_run_tmpdir();
	path = xasprintf("%s/sub dir/it's.env", dir);
	cmd = docker_cmd_put_file(path, NULL);
	content = "A=one two\nB='x' $(id)\n";
	assert_int_equal(test_docker_run_sh(cmd, content), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	f = fopen(path, "r");
	assert_non_null(f);
	len = fread(buf, 1, sizeof buf - 1, f);
	buf[len] = '\0';
	fclose(f);
	assert_string_equal(buf, content);
	/* Replacing keeps 0600 even over a wider file. */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(test_docker_run_sh(cmd, "C=3\n"), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(sb.st_size, 4);
	free(cmd);
	qpath = sh_quote(dir);
	cmd = xasprintf("test \"$(ls -A %s/'sub dir')\" = \"it's.env\"",
	    qpath);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(qpath);
	free(path);

	/* A failing step leaves no tmp file behind and fails. */
	path = xasprintf("%s/sub dir/it's.env/x", dir);
	cmd = docker_cmd_put_file(path, NULL);
	full = xasprintf("exec 2>/dev/null; %s", cmd);
	assert_int_not_equal(test_docker_run_sh(full, "x"), 0);
	free(full);
	free(cmd);
	free(path);
	test_docker_run_tmpdir_rm(dir);
	free(dir);
}

static void
test_docker_run_purge(void **state)
{
	static const char *bad[] = {
		"ws", "", "/", "//", "/ws\n", "/a/../..", "/a/.", "/a:b",
	};
	char		*cmd, *cause = NULL, *dir, *a5, *a6, *f5, *s5, *full;
	char		*out;
	struct stat	 sb;
	size_t		 i;
	int		 status;
	FILE		*f;

	(void)state;
	cmd = docker_cmd_purge("/home/u/workspaces", 7, NULL, &cause);
	assert_string_equal(cmd, "rm -rf -- '/home/u/workspaces/agent-07' "
	    "'/home/u/workspaces/.sandbox-tui/agent-07'");
	free(cmd);
	assert_null(cause);
	/* With an image: emptied by a container only if rm fails. */
	cmd = docker_cmd_purge("/w", 7, "img:1", &cause);
	assert_string_equal(cmd, "{ rm -rf -- '/w/agent-07' "
	    "'/w/.sandbox-tui/agent-07' 2>/dev/null || "
	    "{ [ -L '/w/agent-07' ] || [ ! -d '/w/agent-07' ] || "
	    "docker run --rm --pull never --network none --user 0:0 "
	    "--cap-drop ALL --cap-add DAC_OVERRIDE --cap-add FOWNER "
	    "--security-opt no-new-privileges --entrypoint sh "
	    "-v '/w/agent-07:/w' 'img:1' "
	    "-c 'rm -rf -- /w/* /w/.[!.]* /w/..?*' >/dev/null; "
	    "rm -rf -- '/w/agent-07' '/w/.sandbox-tui/agent-07'; }; }");
	free(cmd);
	assert_null(docker_cmd_purge("/w", 7, "-v /:/x", &cause));
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_null(docker_cmd_purge("/ws", 0, NULL, &cause));
	assert_string_equal(cause, "agent 0: not a number between 1 and 99");
	free(cause);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		assert_null(docker_cmd_purge(bad[i], 5, NULL, &cause));
		assert_non_null(cause);
		assert_non_null(strstr(cause, "workspace_dir '"));
		free(cause);
	}
	assert_null(docker_cmd_purge(NULL, 5, NULL, NULL));

	/* For real: agent-05 and its events go, agent-06 stays. */
	dir = test_docker_run_tmpdir();
	a5 = xasprintf("%s/agent-05", dir);
	a6 = xasprintf("%s/agent-06", dir);
	f5 = xasprintf("%s/agent-05/f", dir);
	s5 = xasprintf("%s/.sandbox-tui/agent-05", dir);
	assert_int_equal(mkdir(a5, 0700), 0);
	assert_int_equal(mkdir(a6, 0700), 0);
	f = fopen(f5, "w");
	assert_non_null(f);
	fclose(f);
	*strrchr(s5, '/') = '\0';
	assert_int_equal(mkdir(s5, 0700), 0);
	s5[strlen(s5)] = '/';
	assert_int_equal(mkdir(s5, 0700), 0);
	/* docker is not needed, so a stand-in that fails is never run. */
	cmd = docker_cmd_purge(dir, 5, "img", NULL);
	full = xasprintf("docker() { exit 9; }; %s", cmd);
	assert_int_equal(test_docker_run_sh(full, NULL), 0);
	free(full);
	assert_int_not_equal(stat(a5, &sb), 0);
	assert_int_not_equal(stat(s5, &sb), 0);
	assert_int_equal(stat(a6, &sb), 0);
	free(cmd);

	/*
	 * rm refused (the files are the image's user's): the stand-in
	 * docker is asked to empty the folder, then rm runs again.
	 */
	assert_int_equal(mkdir(a5, 0700), 0);
	cmd = docker_cmd_purge(dir, 5, "img", NULL);
	full = xasprintf("exec 3>&1; n=0; rm() { n=$((n + 1)); "
	    "[ $n -gt 1 ] && command rm \"$@\"; }; %s", cmd);
	/* Its stdout goes to /dev/null: the stand-in docker tells fd 3. */
	out = test_sh_stub("docker", "#!/bin/sh\necho \"docker $*\" >&3\n",
	    full, 1, &status);
	assert_int_equal(status, 0);
	assert_non_null(strstr(out, "docker run --rm --pull never"));
	assert_non_null(strstr(out, "--entrypoint sh -v "));
	assert_non_null(strstr(out, ":/w img -c rm -rf -- /w/* "));
	assert_int_not_equal(stat(a5, &sb), 0);
	free(out);
	free(full);

	/* A failed docker rm before it: nothing is deleted. */
	assert_int_equal(mkdir(a5, 0700), 0);
	full = xasprintf("docker() { return 1; }; docker rm -f x && %s", cmd);
	assert_int_not_equal(test_docker_run_sh(full, NULL), 0);
	assert_int_equal(stat(a5, &sb), 0);
	free(full);
	free(cmd);
	free(s5);
	free(f5);
	free(a6);
	free(a5);
	test_docker_run_tmpdir_rm(dir);
	free(dir);
}

static void
test_docker_run_image_check(void **state)
{
	char	*cmd, *cause = NULL, *out;
	int	 status;

	(void)state;
	cmd = docker_cmd_image_check("sandbox-agent:latest", &cause);
	assert_string_equal(cmd, "docker image inspect --format '{{.Id}}' "
	    "'sandbox-agent:latest'");
	out = test_sh_docker(cmd, &status);
	assert_string_equal(out, "[image][inspect][--format][{{.Id}}]"
	    "[sandbox-agent:latest]\n");
	free(out);
	free(cmd);
	assert_null(cause);
	assert_null(docker_cmd_image_check("-x", &cause));
	assert_string_equal(cause, "image '-x': not a valid image name");
	free(cause);
	assert_null(docker_cmd_image_check("a b", NULL));
	assert_null(docker_cmd_image_check("", NULL));
	assert_null(docker_cmd_image_check(NULL, NULL));
}

static void
test_docker_run_env_file(void **state)
{
	char	*names[] = { "ANTHROPIC_API_KEY", "_x1", "GH_TOKEN" };
	char	*values[] = { "sk-'secret' $(id)", "", "a=b #c \"d\" é" };
	char	*text, *cause = NULL;

	(void)state;
	text = docker_env_file(names, values, 3, &cause);
	assert_null(cause);
	assert_string_equal(text, "ANTHROPIC_API_KEY=sk-'secret' $(id)\n"
	    "_x1=\nGH_TOKEN=a=b #c \"d\" é\n");
	free(text);
	text = docker_env_file(NULL, NULL, 0, &cause);
	assert_string_equal(text, "");
	free(text);
}

static void
test_docker_run_env_file_refused(void **state)
{
	static const struct {
		const char	*name;
		const char	*value;
		const char	*cause;
	} bad[] = {
		{ "1A", "hunter2", "secret '1A': not a valid variable name" },
		{ "A-B", "hunter2", "secret 'A-B': not a valid variable name" },
		{ "A B", "hunter2", "secret 'A B': not a valid variable name" },
		{ "A=B", "hunter2", "secret 'A=B': not a valid variable name" },
		{ "", "hunter2", "secret '': variable name missing" },
		{ "TOKEN", "hunter2\nX=1", "secret 'TOKEN': value holds a "
		    "line break, which an env file cannot carry" },
		{ "TOKEN", "hunter2\r", "secret 'TOKEN': value holds a line "
		    "break" },
		{ "TOKEN", "hunter2\xff", "secret 'TOKEN': value is not valid "
		    "UTF-8" },
		{ "TOKEN", "hunter2\xc0\xaf", "not valid UTF-8" },
		{ "TOKEN", "hunter2\xed\xa0\x80", "not valid UTF-8" },
		{ "TOK\nEN", "hunter2", "secret 'TOK\\x0aEN': not a valid" },
	};
	char	*names[2], *values[2], *cause, *big;
	size_t	 i;

	(void)state;
	names[0] = "OK";
	values[0] = "fine";
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		names[1] = (char *)bad[i].name;
		values[1] = (char *)bad[i].value;
		cause = NULL;
		assert_null(docker_env_file(names, values, 2, &cause));
		if (cause == NULL || strstr(cause, bad[i].cause) == NULL)
			fail_msg("case %zu: %s", i, cause);
		/* Never the value. */
		assert_null(strstr(cause, "hunter2"));
		free(cause);
		assert_null(docker_env_file(names, values, 2, NULL));
	}

	names[1] = NULL;
	cause = NULL;
	assert_null(docker_env_file(names, values, 2, &cause));
	free(cause);
	names[1] = "X";
	values[1] = NULL;
	cause = NULL;
	assert_null(docker_env_file(names, values, 2, &cause));
	assert_string_equal(cause, "secret 'X': has no value");
	free(cause);

	/* docker reads lines of up to 65535 bytes (checked with 20.10). */
	big = xmalloc(65536);
	memset(big, 'x', 65533);
	big[65533] = '\0';
	values[1] = big;
	cause = NULL;
	big[65533] = '\0';
	free(docker_env_file(names + 1, values + 1, 1, &cause));
	assert_null(cause);
	big[65533] = 'x';
	big[65534] = '\0';
	assert_null(docker_env_file(names + 1, values + 1, 1, &cause));
	assert_string_equal(cause, "secret 'X': value is too long for an "
	    "env file");
	free(cause);
	free(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker_run_exact),
		cmocka_unit_test(test_docker_run_refused),
		cmocka_unit_test(test_docker_run_cpus),
		cmocka_unit_test(test_docker_run_round_trip),
		cmocka_unit_test(test_docker_run_each),
		cmocka_unit_test(test_docker_run_stats_cmd),
		cmocka_unit_test(test_docker_run_stats_parse),
		cmocka_unit_test(test_docker_run_stats_malformed),
		cmocka_unit_test(test_docker_run_put_file),
		cmocka_unit_test(test_docker_run_purge),
		cmocka_unit_test(test_docker_run_image_check),
		cmocka_unit_test(test_docker_run_env_file),
		cmocka_unit_test(test_docker_run_env_file_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
