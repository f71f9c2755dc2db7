/*
 * Unit tests for the command that creates an agent container in
 * gcp/docker_run.c: the exact command and the description it is written
 * from (docker_run_describe), every refusal of a bad spec, the
 * CPU, memory and pids limits as docker reads them, and what a real
 * /bin/sh makes of it for a path that needs quoting (with a stand-in
 * docker; the workspace and state directories made for real).
 * docker_explain() is in test_docker_explain.c.
 */

#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/shquote.h"
#include "config/strbuf.h"
#include "config/xmalloc.h"
#include "gcp/docker.h"
#include "tests/unit/test_docker_run.h"
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
		{ 3, NULL, NULL, NULL, NULL, "", 0, 0, 0,
		    "version '': missing" },
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

/*
 * The description that docker_cmd_run() writes and the compose export
 * reads: each setting as "flag value > compose key (compose's value)".
 */
static void
test_docker_run_describe(void **state)
{
	struct agent_spec	 spec = test_docker_run_spec();
	struct agent_run	 r;
	struct agent_run_set	*s;
	struct strbuf		 b = { NULL, 0, 0 };
	char			*words[] = { "claude", "-p" }, *cause = NULL;
	size_t			 i;

	(void)state;
	spec.command = words;
	spec.ncommand = 2;
	assert_int_equal(docker_run_describe(&spec, 3, &r, &cause), 0);
	assert_null(cause);
	assert_string_equal(r.workspace, "/home/agent/workspaces/agent-03");
	assert_string_equal(r.state,
	    "/home/agent/workspaces/.sandbox-tui/agent-03");
	assert_string_equal(r.events,
	    "/home/agent/workspaces/.sandbox-tui/agent-03/events");
	for (i = 0; i < r.nsets; i++) {
		s = &r.sets[i];
		strbuf_printf(&b, "%s %s%s%s > %s%s%s\n",
		    s->flag != NULL ? s->flag : "WORD",
		    s->value != NULL ? s->value : "-",
		    (s->how & AGENT_RUN_BARE) ? " bare" : "",
		    (s->how & AGENT_RUN_DEFAULT) ? " default" : "",
		    s->key != NULL ? s->key : "-",
		    s->compose_value != NULL ? " " : "",
		    s->compose_value != NULL ? s->compose_value : "");
	}
	assert_string_equal(b.s,
	    "-d - > -\n"
	    "-i - > stdin_open\n"
	    "-t - > tty\n"
	    "--init - > init\n"
	    "--pull never bare > pull_policy\n"
	    "--name sandbox-agent-03 > container_name\n"
	    "--hostname agent-03 > hostname\n"
	    "--label sandbox-tui.agent=3 > labels\n"
	    "--label sandbox-tui.version=0.1 > labels\n"
	    "--network bridge bare default > network_mode\n"
	    "--cap-drop ALL bare > cap_drop\n"
	    "--security-opt no-new-privileges bare > security_opt "
	    "no-new-privileges:true\n"
	    "--pids-limit 512 > pids_limit\n"
	    "--memory 4294967296 > mem_limit\n"
	    "--memory-swap 4294967296 > memswap_limit\n"
	    "--cpus 1.25 > cpus\n"
	    "-v /home/agent/workspaces/agent-03:/workspace > volumes\n"
	    "-w /workspace bare > working_dir\n"
	    "-e SANDBOX_TUI_AGENT=03 > environment\n"
	    "-v /home/agent/workspaces/.sandbox-tui/agent-03/events:"
	    "/run/sandbox-tui/events > volumes\n"
	    "-v /home/agent/.sandbox-tui/managed-settings.json:"
	    "/etc/claude-code/managed-settings.json:ro > volumes\n"
	    "--env-file /home/agent/.sandbox-tui/agent-03.env > env_file\n"
	    "WORD sandbox-agent:latest > image\n"
	    "WORD claude > command\n"
	    "WORD -p > command\n");
	/* Compose's order: a key's rank, the same for each of its values. */
	assert_true(r.sets[5].rank < r.sets[6].rank);
	assert_int_equal(r.sets[7].rank, r.sets[8].rank);
	assert_true(r.sets[22].rank < r.sets[4].rank);
	free(b.s);
	agent_run_free(&r);

	/* A refusal leaves nothing to free. */
	spec.env_file = "relative.env";
	assert_int_equal(docker_run_describe(&spec, 3, &r, &cause), -1);
	assert_non_null(strstr(cause, "env_file"));
	assert_null(r.sets);
	assert_int_equal(r.nsets, 0);
	assert_null(r.workspace);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker_run_exact),
		cmocka_unit_test(test_docker_run_refused),
		cmocka_unit_test(test_docker_run_describe),
		cmocka_unit_test(test_docker_run_cpus),
		cmocka_unit_test(test_docker_run_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
