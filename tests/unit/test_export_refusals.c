/*
 * Unit tests for the refusals of layouts/export*.c: each mutation of a
 * good context that an ssh config, a tmux script, the ghostty files or a
 * compose file could not carry safely is refused by every generator it
 * concerns, with a cause that names it.
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
#include "layouts/export.h"
#include "tests/unit/test_export.h"

/* A mutation of a good context that must be refused with cause. */
struct test_export_bad {
	const char	*what;
	void		(*mutate)(struct export_ctx *);
	const char	*cause;
};

static struct export_agent test_export_one_agent[2];

static void bad_name(struct export_ctx *c)
{
	test_export_one_agent[0] = (struct export_agent){ 1,
	    "sandbox-agent-1" };
	c->agents = test_export_one_agent;
	c->nagents = 1;
}
static void bad_name_mismatch(struct export_ctx *c)
{
	test_export_one_agent[0] = (struct export_agent){ 2,
	    "sandbox-agent-03" };
	c->agents = test_export_one_agent;
	c->nagents = 1;
}
static void bad_name_shell(struct export_ctx *c)
{
	test_export_one_agent[0] = (struct export_agent){ 1,
	    "sandbox-agent-01; rm -rf /" };
	c->agents = test_export_one_agent;
	c->nagents = 1;
}
static void bad_number(struct export_ctx *c)
{
	test_export_one_agent[0] = (struct export_agent){ 100,
	    "sandbox-agent-100" };
	c->agents = test_export_one_agent;
	c->nagents = 1;
}
static void bad_twice(struct export_ctx *c)
{
	test_export_one_agent[0] = (struct export_agent){ 4,
	    "sandbox-agent-04" };
	test_export_one_agent[1] = (struct export_agent){ 4,
	    "sandbox-agent-04" };
	c->agents = test_export_one_agent;
	c->nagents = 2;
}
static void bad_identity_nl(struct export_ctx *c)
{
	c->identity = "/home/a/key\nProxyCommand evil";
}
static void bad_known_hosts_quote(struct export_ctx *c)
{
	c->known_hosts = "/home/a/\"kh";
}
static void bad_control_long(struct export_ctx *c)
{
	c->control_dir = "/home/someone/.config/sandbox-tui/control-sockets";
}
static void bad_control_rel(struct export_ctx *c)
{
	c->control_dir = "cm";
}
static void bad_host(struct export_ctx *c)
{
	c->hostname = "host name";
}
static void bad_host_dash(struct export_ctx *c)
{
	c->hostname = "-oProxyCommand=x";
}
static void bad_alias(struct export_ctx *c)
{
	c->host_alias = "sand*";
}
static void bad_user(struct export_ctx *c)
{
	c->user = "a@b";
}
static void bad_port(struct export_ctx *c)
{
	c->port = 0;
}
static void bad_self(struct export_ctx *c)
{
	c->self = "/usr/bin/x\n[evil]";
}
static void bad_no_agents(struct export_ctx *c)
{
	c->nagents = 0;
}

static const struct test_export_bad test_export_bad_ssh[] = {
	{ "short name", bad_name, "agent 1 'sandbox-agent-1': name is not "
	    "sandbox-agent-NN for its number" },
	{ "name of another number", bad_name_mismatch, "agent 2 "
	    "'sandbox-agent-03'" },
	{ "name with a command", bad_name_shell, "agent 1 'sandbox-agent-01; "
	    "rm -rf /'" },
	{ "number", bad_number, "agent 100: not a number between 1 and 99" },
	{ "twice", bad_twice, "agent 4: listed twice" },
	{ "identity with a line break", bad_identity_nl, "identity file "
	    "'/home/a/key\\x0aProxyCommand evil': contains a line break" },
	{ "known_hosts with a quote", bad_known_hosts_quote, "which an ssh "
	    "config file cannot hold" },
	{ "control_dir too long", bad_control_long, "too long for the %C "
	    "sockets" },
	{ "control_dir relative", bad_control_rel, "control_dir 'cm': not an "
	    "absolute path" },
	{ "host with a space", bad_host, "host name 'host name'" },
	{ "host like an option", bad_host_dash, "host name" },
	{ "alias with a pattern", bad_alias, "host alias 'sand*'" },
	{ "user", bad_user, "user 'a@b'" },
	{ "port", bad_port, "port 0: not between 1 and 65535" },
	{ "program path", bad_self, "program path" },
};

static void bad_image(struct export_ctx *c)
{
	c->spec.image = "img; rm -rf /";
}
static void bad_ws_root(struct export_ctx *c)
{
	c->spec.workspace_dir = "//";
}
static void bad_ws_dotdot(struct export_ctx *c)
{
	c->spec.workspace_dir = "/srv/../etc";
}
static void bad_ws_rel(struct export_ctx *c)
{
	c->spec.workspace_dir = "ws";
}
static void bad_ws_colon(struct export_ctx *c)
{
	c->spec.workspace_dir = "/srv/a:b";
}
static void bad_ws_nl(struct export_ctx *c)
{
	c->spec.workspace_dir = "/srv/a\nb";
}
static void bad_env_rel(struct export_ctx *c)
{
	c->spec.env_file = "agents.env";
}
static void bad_settings_colon(struct export_ctx *c)
{
	c->spec.settings_file = "/etc/a:b.json";
}
static void bad_memory(struct export_ctx *c)
{
	c->spec.memory = 1024;
}
static void bad_cpus(struct export_ctx *c)
{
	c->spec.cpus_milli = 5;
}
static void bad_pids(struct export_ctx *c)
{
	c->spec.pids_limit = 0;
}
static void bad_version(struct export_ctx *c)
{
	c->spec.version = NULL;
}
static void bad_command_utf8(struct export_ctx *c)
{
	static char *words[] = { "claude", "\xff\xfe" };

	c->spec.command = words;
	c->spec.ncommand = 2;
}

static const struct test_export_bad test_export_bad_compose[] = {
	{ "image", bad_image, "image 'img; rm -rf /': not a valid image name" },
	{ "workspace /", bad_ws_root, "workspace_dir '//': must not be /" },
	{ "workspace ..", bad_ws_dotdot, "must not contain . or .." },
	{ "workspace relative", bad_ws_rel, "not an absolute path" },
	{ "workspace ':'", bad_ws_colon, "workspace_dir '/srv/a:b': contains "
	    "':'" },
	{ "workspace line break", bad_ws_nl, "contains a line break" },
	{ "env file relative", bad_env_rel, "env_file 'agents.env'" },
	{ "settings ':'", bad_settings_colon, "settings_file '/etc/a:b.json': "
	    "contains ':'" },
	{ "memory", bad_memory, "memory 1024" },
	{ "cpus", bad_cpus, "cpus 5/1000" },
	{ "pids", bad_pids, "pids_limit 0" },
	{ "version", bad_version, "version" },
	{ "command", bad_command_utf8, "command '\\xff\\xfe': not valid UTF-8" },
	{ "no agents", bad_no_agents, "there are no agents to export" },
};

/* Runs every generator that the mutation concerns; each must refuse. */
static void
test_export_expect_refused(const struct test_export_bad *b, int compose)
{
	struct export_ctx	 ctx;
	struct export_file	*files = NULL;
	size_t			 n = 0;
	char			*text, *cause;
	int			 k;

	for (k = 0; k < (compose ? 1 : 3); k++) {
		test_export_ssh_ctx(&ctx);
		b->mutate(&ctx);
		cause = NULL;
		if (compose)
			text = export_compose_text(&ctx, &cause);
		else if (k == 0)
			text = export_ssh_config_text(&ctx, "/x", &cause);
		else if (k == 1)
			text = export_tmux_text(&ctx, "/x", &cause);
		else {
			text = NULL;
			if (export_ghostty_files(&ctx, "/x", &files, &n,
			    &cause) == 0)
				text = xstrdup("accepted");
		}
		if (text != NULL)
			fail_msg("%s: accepted (generator %d)", b->what, k);
		assert_null(files);
		if (cause == NULL || strstr(cause, b->cause) == NULL ||
		    strncmp(cause, "export ", 7) != 0)
			fail_msg("%s: cause '%s', want '%s'", b->what,
			    cause != NULL ? cause : "(none)", b->cause);
		free(cause);
	}
}

static void
test_export_refusals(void **state)
{
	struct export_ctx	 ctx;
	struct export_file	*files;
	size_t			 i, n;
	char			*cause = NULL;

	(void)state;
	for (i = 0; i < TEST_EXPORT_N(test_export_bad_ssh); i++)
		test_export_expect_refused(&test_export_bad_ssh[i], 0);
	for (i = 0; i < TEST_EXPORT_N(test_export_bad_compose); i++)
		test_export_expect_refused(&test_export_bad_compose[i], 1);

	/* The ssh checks do not apply to a local target... */
	test_export_local_ctx(&ctx);
	ctx.hostname = "bad host";
	ctx.control_dir = "relative";
	assert_int_equal(export_ghostty_files(&ctx, "/x", &files, &n,
	    &cause), 0);
	export_files_free(files, n);
	/* ...but the folder must be absolute and on one line. */
	assert_int_equal(export_ghostty_files(&ctx, "rel", &files, &n,
	    &cause), -1);
	assert_non_null(strstr(cause, "absolute"));
	free(cause);
	cause = NULL;
	assert_int_equal(export_ghostty_files(&ctx, "/a\nb", &files, &n,
	    &cause), -1);
	free(cause);
	cause = NULL;
	/* tmux over ssh needs the ssh config it points at. */
	test_export_ssh_ctx(&ctx);
	assert_null(export_tmux_text(&ctx, NULL, &cause));
	assert_non_null(strstr(cause, "no ssh config file"));
	free(cause);
	/* A NULL cause is allowed. */
	assert_null(export_tmux_text(&ctx, NULL, NULL));
	test_export_local_ctx(&ctx);
	ctx.nagents = 0;
	assert_null(export_compose_text(&ctx, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_export_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
