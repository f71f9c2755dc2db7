/*
 * Unit tests for config/: defaults and default bindings, the config
 * language, the exact wording of every error, precedence between the
 * defaults, files, the environment and the command line, all-or-nothing
 * loading, secrets kept out of messages, and the config paths.  Files and
 * directories are made under /tmp by the tests and removed again.
 */

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/config.h"
#include "config/config_int.h"

/* Writes text to a new temporary file; returns its path (caller frees). */
static char *
test_config_tmpfile(const char *text)
{
	char	*path = strdup("/tmp/test_config.XXXXXX");
	int	 fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* Loads text as file "t.conf"; returns the error (caller frees) or NULL. */
static char *
test_config_load(struct config *cfg, const char *text)
{
	char	*cause = NULL;

	if (config_load_string(cfg, "t.conf", text, &cause) == 0) {
		assert_null(cause);
		return NULL;
	}
	assert_non_null(cause);
	return cause;
}

static void
test_config_expect_error(const char *text, const char *want)
{
	struct config	*cfg = config_new();
	char		*cause;

	cause = test_config_load(cfg, text);
	if (cause == NULL)
		fail_msg("accepted: %s", text);
	if (strcmp(cause, want) != 0)
		fail_msg("text %s\n got: %s\nwant: %s", text, cause, want);
	free(cause);
	config_free(cfg);
}

static void
test_config_clear_env(void)
{
	const struct option_def	*od;

	for (od = option_table; od->name != NULL; od++) {
		if (od->env != NULL)
			unsetenv(od->env);
	}
}

static void
test_config_defaults(void **state)
{
	struct config		*cfg = config_new();
	const struct option_def	*od;

	(void)state;
	assert_string_equal(config_str(cfg, "target"), "auto");
	assert_int_equal(config_int(cfg, "agents.count"), 12);
	assert_string_equal(config_str(cfg, "agents.image"),
	    "sandbox-agent:latest");
	assert_true(config_size(cfg, "agents.memory") == 4294967296LL);
	assert_true(config_float(cfg, "agents.cpus") == 1.25);
	assert_int_equal(config_int(cfg, "agents.pids_limit"), 512);
	assert_int_equal(config_int(cfg, "agents.idle_seconds"), 5);
	assert_string_equal(config_str(cfg, "agents.workspace_dir"),
	    "/srv/sandbox/workspaces");
	assert_string_equal(config_str(cfg, "agents.api_key"), "");
	assert_int_equal(config_int(cfg, "agents.replay_lines"), 200);
	assert_int_equal(config_int(cfg, "vt.scrollback"), 10000);
	assert_int_equal(config_key(cfg, "keys.prefix"), KEYC_CTRL | ']');
	assert_true(config_bool(cfg, "ui.mouse"));
	assert_int_equal(config_int(cfg, "ui.fps"), 60);
	assert_true(config_size(cfg, "ui.flow_budget") == 262144);
	assert_int_equal(config_int(cfg, "logs.max_lines"), 100000);
	assert_false(config_bool(cfg, "ssh.accept_new_host_key"));
	assert_int_equal(config_int(cfg, "ssh.keepalive"), 10);
	assert_int_equal(config_int(cfg, "ssh.connect_timeout"), 15);
	assert_string_equal(config_str(cfg, "gcp.api_endpoint"),
	    "https://compute.googleapis.com");
	assert_string_equal(config_str(cfg, "gcp.instance"), "sandbox-agents");
	assert_string_equal(config_str(cfg, "gcp.machine_type"),
	    "e2-standard-16");
	assert_int_equal(config_int(cfg, "gcp.disk_gb"), 200);
	assert_false(config_bool(cfg, "gcp.spot"));
	assert_string_equal(config_str(cfg, "gcp.network"), "default");
	assert_string_equal(config_str(cfg, "gcp.ssh_source_ranges"),
	    "0.0.0.0/0");
	assert_string_equal(config_str(cfg, "notify.command"), "");

	for (od = option_table; od->name != NULL; od++) {
		assert_int_equal(config_origin(cfg, od->name), ORIGIN_DEFAULT);
		assert_string_equal(config_str(cfg, od->name), od->def);
		assert_non_null(od->help);
	}
	config_free(cfg);
}

static void
test_config_default_bindings(void **state)
{
	struct config		*cfg = config_new();
	const struct binding	*b;
	size_t			 n;

	(void)state;
	assert_string_equal(config_binding_find(cfg, key_parse("z")), "zoom");
	assert_string_equal(config_binding_find(cfg, KEYC_UP), "focus up");
	assert_string_equal(config_binding_find(cfg, '0'), "focus 10");
	assert_string_equal(config_binding_find(cfg, '?'), "help");
	assert_string_equal(config_binding_find(cfg, ':'), "command-prompt");
	assert_string_equal(config_binding_find(cfg, '['), "scroll-mode");
	assert_string_equal(config_binding_find(cfg, key_from_byte(0x0c)),
	    "redraw");
	assert_null(config_binding_find(cfg, 'X'));
	assert_string_equal(config_binding_find(cfg, 'l'), "logs");
	assert_string_equal(config_binding_find(cfg, 'S'), "sync-input");
	b = config_bindings(cfg, &n);
	assert_int_equal(n, 33);
	assert_int_equal(b[0].key, KEYC_UP);
	config_free(cfg);
}

static void
test_config_parse_file(void **state)
{
	struct config	*cfg = config_new();
	char		*path, *cause = NULL;

	(void)state;
	path = test_config_tmpfile(
	    "# a comment\n"
	    "   # an indented comment\n"
	    "\n"
	    "target = ssh://me@box:2222   # trailing comment\n"
	    "[agents]\n"
	    "count = 4\n"
	    "image = \"my \\\"image\\\" \\\\ # not a comment\"  # comment\n"
	    "command=run#this\n"
	    "ssh.keepalive = 5\n"
	    "  memory\t=\t512m\r\n"
	    "[ ui ]   # section comment\n"
	    "mouse = off\n"
	    "bind z zoom in   # a comment\n"
	    "bind C-a send-keys \"#x\"\n"
	    "bind C-b send-keys \" # x\"   # a comment\n"
	    "notify.command = a\"b # c\n"
	    "unbind ?\n"
	    "unbind F5\n"
	    "[keys]\n"
	    "prefix = C-a\n");
	assert_int_equal(config_load_file(cfg, path, 1, &cause), 0);
	assert_null(cause);
	assert_string_equal(config_str(cfg, "target"), "ssh://me@box:2222");
	assert_int_equal(config_int(cfg, "agents.count"), 4);
	assert_int_equal(config_origin(cfg, "agents.count"), ORIGIN_FILE);
	assert_string_equal(config_str(cfg, "agents.image"),
	    "my \"image\" \\ # not a comment");
	assert_string_equal(config_str(cfg, "agents.command"), "run#this");
	assert_int_equal(config_int(cfg, "ssh.keepalive"), 5);
	assert_true(config_size(cfg, "agents.memory") == 512LL << 20);
	assert_false(config_bool(cfg, "ui.mouse"));
	assert_int_equal(config_key(cfg, "keys.prefix"), KEYC_CTRL | 'a');
	assert_string_equal(config_binding_find(cfg, 'z'), "zoom in");
	assert_string_equal(config_binding_find(cfg, KEYC_CTRL | 'a'),
	    "send-keys \"#x\"");
	assert_string_equal(config_binding_find(cfg, KEYC_CTRL | 'b'),
	    "send-keys \" # x\"");
	assert_string_equal(config_str(cfg, "notify.command"), "a\"b");
	assert_null(config_binding_find(cfg, '?'));
	assert_int_equal(config_origin(cfg, "ui.fps"), ORIGIN_DEFAULT);
	unlink(path);
	free(path);
	config_free(cfg);
}

static void
test_config_parse_misc(void **state)
{
	struct config	*cfg = config_new();

	(void)state;
	/* Empty text, an empty quoted value and an empty bare value. */
	assert_null(test_config_load(cfg, ""));
	assert_null(test_config_load(cfg, "agents.command = \"\"\n"
	    "notify.command =\n[gcp]\nproject = p\nzone=z # c"));
	assert_string_equal(config_str(cfg, "agents.command"), "");
	assert_string_equal(config_str(cfg, "notify.command"), "");
	assert_string_equal(config_str(cfg, "gcp.project"), "p");
	assert_string_equal(config_str(cfg, "gcp.zone"), "z");

	/* A later bind replaces an earlier one; bind lines work in sections. */
	assert_null(test_config_load(cfg, "[ui]\nbind z one\nbind z two\n"));
	assert_string_equal(config_binding_find(cfg, 'z'), "two");

	/* The '=' key can be bound and unbound like any other. */
	assert_null(test_config_load(cfg, "bind = zoom\n"));
	assert_string_equal(config_binding_find(cfg, '='), "zoom");
	assert_null(test_config_load(cfg, "[ui]\nunbind =\n"));
	assert_null(config_binding_find(cfg, '='));
	config_free(cfg);
}

static void
test_config_errors(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;
	} cases[] = {
		{ "agnets.count = 3",
		  "t.conf:1: unknown key 'agnets.count' (did you mean "
		  "'agents.count'?)" },
		{ "\n[agnets]\ncount = 3",
		  "t.conf:3: unknown key 'agnets.count' (did you mean "
		  "'agents.count'?)" },
		{ "[agents]\ncont = 3",
		  "t.conf:2: unknown key 'agents.cont' (did you mean "
		  "'agents.count'?)" },
		{ "count = 3",
		  "t.conf:1: unknown key 'count' (did you mean "
		  "'agents.count'?)" },
		{ "ui.fsp = 3",
		  "t.conf:1: unknown key 'ui.fsp' (did you mean 'ui.fps'?)" },
		{ "completely.different = 1",
		  "t.conf:1: unknown key 'completely.different'" },
		{ "# c\nagents.count = 1000",
		  "t.conf:2: agents.count: '1000' is out of range (0 to 99)" },
		{ "agents.count = -1",
		  "t.conf:1: agents.count: '-1' is out of range (0 to 99)" },
		{ "agents.count = 99999999999999999999999",
		  "t.conf:1: agents.count: '99999999999999999999999' is out "
		  "of range (0 to 99)" },
		{ "agents.count = x",
		  "t.conf:1: agents.count: 'x' is not a number" },
		{ "agents.count = 12x",
		  "t.conf:1: agents.count: '12x' is not a number" },
		/* A value is shown as echo_text shows it. */
		{ "agents.count = 1\033[2J\x9b",
		  "t.conf:1: agents.count: '1\\x1b[2J\\x9b' is not a "
		  "number" },
		{ "ui.f\033sp = 3",
		  "t.conf:1: unknown key 'ui.f\\x1bsp' (did you mean "
		  "'ui.fps'?)" },
		{ "agents.count =",
		  "t.conf:1: agents.count: '' is not a number" },
		{ "ui.mouse = maybe",
		  "t.conf:1: ui.mouse: 'maybe' is not a boolean (use on/off, "
		  "yes/no, true/false)" },
		{ "agents.memory = 4x",
		  "t.conf:1: agents.memory: '4x' is not a size (use a number "
		  "of bytes with an optional k, m or g suffix, such as 512k "
		  "or 4g)" },
		{ "ui.flow_budget = 512",
		  "t.conf:1: ui.flow_budget: '512' is out of range (1k to "
		  "1g)" },
		{ "agents.cpus = fast",
		  "t.conf:1: agents.cpus: 'fast' is not a decimal number "
		  "(such as 1.5)" },
		{ "agents.cpus = 0.001",
		  "t.conf:1: agents.cpus: '0.001' is out of range (0.01 to "
		  "256)" },
		{ "keys.prefix = C-",
		  "t.conf:1: keys.prefix: 'C-' is not a key name (such as "
		  "C-a, M-x, F5 or z)" },
		{ "target = ssh://",
		  "t.conf:1: target: 'ssh://' is not a target (use auto, "
		  "local, gce or ssh://[user@]host[:port])" },
		{ "agents.env_secret = A B-C",
		  "t.conf:1: agents.env_secret: 'A B-C' is not a list of "
		  "environment variable names (use names such as "
		  "GITHUB_TOKEN separated by spaces)" },
		{ "bind C- zoom",
		  "t.conf:1: bind: unknown key name 'C-'" },
		{ "\n\nbind",
		  "t.conf:3: bind: missing key name" },
		{ "bind z",
		  "t.conf:1: bind: missing command for 'z'" },
		{ "bind z   # only a comment",
		  "t.conf:1: bind: missing command for 'z'" },
		{ "unbind Foo",
		  "t.conf:1: unbind: unknown key name 'Foo'" },
		{ "unbind z zoom",
		  "t.conf:1: unbind: too many arguments" },
		{ "agents.count 3",
		  "t.conf:1: missing '='" },
		{ "= 3",
		  "t.conf:1: missing key before '='" },
		{ "agents.image = \"abc",
		  "t.conf:1: unterminated quote" },
		{ "agents.image = \"a\\nb\"",
		  "t.conf:1: invalid escape in quoted value (only \\\" and "
		  "\\\\ are allowed)" },
		{ "agents.image = \"a\" b",
		  "t.conf:1: unexpected text after closing quote" },
		{ "[agents",
		  "t.conf:1: missing ']'" },
		{ "[agents] x",
		  "t.conf:1: unexpected text after ']'" },
		{ "[ ]",
		  "t.conf:1: empty section name" },
		{ "[a b]",
		  "t.conf:1: invalid section name 'a b'" },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		test_config_expect_error(cases[i].text, cases[i].want);
}

/* A failed file changes nothing: not the lines before the error either. */
static void
test_config_failed_load_untouched(void **state)
{
	struct config	*cfg = config_new();
	char		*cause, *path;
	size_t		 n0, n;

	(void)state;
	assert_int_equal(config_set(cfg, "agents.image", "cli", ORIGIN_CLI,
	    NULL), 0);
	config_bindings(cfg, &n0);
	cause = test_config_load(cfg, "agents.count = 5\n"
	    "agents.image = file\nbind X kill\nunbind z\nui.fps = 0\n");
	assert_string_equal(cause,
	    "t.conf:5: ui.fps: '0' is out of range (1 to 240)");
	free(cause);
	assert_int_equal(config_int(cfg, "agents.count"), 12);
	assert_int_equal(config_origin(cfg, "agents.count"), ORIGIN_DEFAULT);
	assert_string_equal(config_str(cfg, "agents.image"), "cli");
	assert_int_equal(config_int(cfg, "ui.fps"), 60);
	assert_null(config_binding_find(cfg, 'X'));
	assert_string_equal(config_binding_find(cfg, 'z'), "zoom");
	config_bindings(cfg, &n);
	assert_int_equal(n, n0);

	/* The same through a file, with a NULL cause. */
	path = test_config_tmpfile("agents.count = 5\nbogus = 1\n");
	assert_int_equal(config_load_file(cfg, path, 1, NULL), -1);
	assert_int_equal(config_int(cfg, "agents.count"), 12);
	unlink(path);
	free(path);
	config_free(cfg);
}

static void
test_config_file_errors(void **state)
{
	struct config	*cfg = config_new();
	char		*cause = NULL, *want, dir[] = "/tmp/test_config.XXXXXX";
	char		*missing, *path;
	int		 fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	missing = NULL;
	assert_true(asprintf(&missing, "%s/nope", dir) > 0);

	assert_int_equal(config_load_file(cfg, missing, 0, &cause), 0);
	assert_null(cause);
	assert_int_equal(config_load_file(cfg, missing, 1, &cause), -1);
	assert_true(asprintf(&want, "%s: %s", missing, strerror(ENOENT)) > 0);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	cause = NULL;

	/* A directory exists but cannot be read as a file (even as root). */
	assert_int_equal(config_load_file(cfg, dir, 0, &cause), -1);
	assert_true(asprintf(&want, "%s: %s", dir, strerror(EISDIR)) > 0);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	cause = NULL;

	/* Messages from a file carry its path and the line. */
	path = test_config_tmpfile("\nui.mouse = maybe\n");
	assert_int_equal(config_load_file(cfg, path, 1, &cause), -1);
	assert_true(asprintf(&want, "%s:2: ui.mouse: 'maybe' is not a boolean "
	    "(use on/off, yes/no, true/false)", path) > 0);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	cause = NULL;
	unlink(path);
	free(path);

	/* A NUL byte means this is not a config file. */
	path = test_config_tmpfile("");
	fd = open(path, O_WRONLY);
	assert_int_equal(write(fd, "a=1\0", 4), 4);
	close(fd);
	assert_int_equal(config_load_file(cfg, path, 1, &cause), -1);
	assert_true(asprintf(&want, "%s: not a text file (contains a NUL "
	    "byte)", path) > 0);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	unlink(path);
	free(path);

	free(missing);
	rmdir(dir);
	config_free(cfg);
}

/* Applies source s (0 file, 1 env, 2 cli) setting agents.count to s+3. */
static void
test_config_apply(struct config *cfg, int s)
{
	char	*cause = NULL;

	switch (s) {
	case 0:
		assert_null(test_config_load(cfg, "agents.count = 3\n"));
		break;
	case 1:
		setenv("AGENT_COUNT", "4", 1);
		assert_int_equal(config_load_env(cfg, &cause), 0);
		unsetenv("AGENT_COUNT");
		break;
	case 2:
		assert_int_equal(config_set(cfg, "agents.count", "5",
		    ORIGIN_CLI, &cause), 0);
		break;
	}
	assert_null(cause);
}

/* Every order of every subset of file, env and cli: the strongest wins. */
static void
test_config_precedence(void **state)
{
	static const int	 perms[6][3] = {
		{ 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 },
		{ 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 },
	};
	struct config		*cfg;
	int			 p, mask, i, best;

	(void)state;
	for (mask = 0; mask < 8; mask++) {
		for (p = 0; p < 6; p++) {
			cfg = config_new();
			best = -1;
			for (i = 0; i < 3; i++) {
				if (!(mask & (1 << perms[p][i])))
					continue;
				test_config_apply(cfg, perms[p][i]);
				if (perms[p][i] > best)
					best = perms[p][i];
			}
			assert_int_equal(config_int(cfg, "agents.count"),
			    best == -1 ? 12 : best + 3);
			assert_int_equal(config_origin(cfg, "agents.count"),
			    best == -1 ? ORIGIN_DEFAULT :
			    (enum config_origin)(ORIGIN_FILE + best));
			config_free(cfg);
		}
	}

	/* Equal origins replace; a later file wins over an earlier one. */
	cfg = config_new();
	assert_null(test_config_load(cfg, "agents.count = 1"));
	assert_null(test_config_load(cfg, "agents.count = 2"));
	assert_int_equal(config_int(cfg, "agents.count"), 2);
	assert_int_equal(config_set(cfg, "ui.fps", "30", ORIGIN_CLI, NULL), 0);
	assert_int_equal(config_set(cfg, "ui.fps", "20", ORIGIN_CLI, NULL), 0);
	assert_int_equal(config_int(cfg, "ui.fps"), 20);
	/* A weaker value is still checked. */
	assert_int_equal(config_set(cfg, "ui.fps", "0", ORIGIN_FILE, NULL), -1);
	assert_int_equal(config_set(cfg, "ui.fps", "10", ORIGIN_DEFAULT, NULL),
	    0);
	assert_int_equal(config_int(cfg, "ui.fps"), 20);
	config_free(cfg);
}

static void
test_config_env(void **state)
{
	struct config	*cfg = config_new();
	char		*cause = NULL;

	(void)state;
	/* Empty variables are not applied. */
	setenv("AGENT_COUNT", "", 1);
	setenv("PROJECT_ID", "my-project", 1);
	setenv("WORKSPACE_DIR", "/w", 1);
	assert_int_equal(config_load_env(cfg, &cause), 0);
	assert_int_equal(config_int(cfg, "agents.count"), 12);
	assert_int_equal(config_origin(cfg, "agents.count"), ORIGIN_DEFAULT);
	assert_string_equal(config_str(cfg, "gcp.project"), "my-project");
	assert_int_equal(config_origin(cfg, "gcp.project"), ORIGIN_ENV);
	assert_string_equal(config_str(cfg, "agents.workspace_dir"), "/w");
	config_free(cfg);
	cfg = config_new();

	/* A bad variable is reported and nothing from the environment is kept. */
	setenv("SANDBOX_TUI_TARGET", "local", 1);
	setenv("AGENT_COUNT", "x", 1);
	assert_int_equal(config_load_env(cfg, &cause), -1);
	assert_string_equal(cause,
	    "environment AGENT_COUNT: agents.count: 'x' is not a number");
	free(cause);
	cause = NULL;
	assert_string_equal(config_str(cfg, "target"), "auto");
	assert_string_equal(config_str(cfg, "gcp.project"), "");

	setenv("SANDBOX_TUI_TARGET", "gcp", 1);
	unsetenv("AGENT_COUNT");
	assert_int_equal(config_load_env(cfg, &cause), -1);
	assert_string_equal(cause, "environment SANDBOX_TUI_TARGET: target: "
	    "'gcp' is not a target (use auto, local, gce or "
	    "ssh://[user@]host[:port])");
	free(cause);
	test_config_clear_env();
	config_free(cfg);
}

static void
test_config_secrets(void **state)
{
	static const struct option_def fake = {
		.name = "x.secret", .type = OPT_INT, .def = "0", .max = 1,
		.secret = 1, .help = "",
	};
	static const char *texts[] = {
		"agents.api_key = \"sk-ant-SECRET",
		"agents.api_key = \"sk-ant-SECRET\" trailing",
		"agents.api_key = \"sk-ant-\\SECRET\"",
		"agents.api_ky = sk-ant-SECRET",
		"sk-ant-SECRET",
	};
	struct config		*cfg = config_new();
	union config_parsed	 v;
	char			*cause = NULL;
	size_t			 i;

	(void)state;
	assert_int_equal(config_value_parse(&fake, "sk-ant-SECRET", &v,
	    &cause), -1);
	assert_string_equal(cause, "x.secret: value rejected");
	free(cause);
	cause = NULL;

	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		cause = test_config_load(cfg, texts[i]);
		assert_non_null(cause);
		if (strstr(cause, "SECRET") != NULL)
			fail_msg("secret in message: %s", cause);
		free(cause);
	}

	setenv("ANTHROPIC_API_KEY", "sk-ant-SECRET", 1);
	assert_int_equal(config_load_env(cfg, &cause), 0);
	assert_string_equal(config_str(cfg, "agents.api_key"),
	    "sk-ant-SECRET");
	unsetenv("ANTHROPIC_API_KEY");
	for (i = 0; option_table[i].name != NULL; i++) {
		if (strcmp(option_table[i].name, "agents.api_key") == 0)
			assert_true(option_table[i].secret);
	}
	config_free(cfg);
}

static void
test_config_cli_set(void **state)
{
	struct config	*cfg = config_new();
	char		*cause = NULL;

	(void)state;
	assert_int_equal(config_set(cfg, "agents.cuont", "1", ORIGIN_CLI,
	    &cause), -1);
	assert_string_equal(cause,
	    "unknown key 'agents.cuont' (did you mean 'agents.count'?)");
	free(cause);
	cause = NULL;
	assert_int_equal(config_set(cfg, "vt.scrollback", "1000001",
	    ORIGIN_CLI, &cause), -1);
	assert_string_equal(cause,
	    "vt.scrollback: '1000001' is out of range (0 to 1000000)");
	free(cause);
	config_free(cfg);
}

static void
test_config_bind_api(void **state)
{
	struct config		*cfg = config_new();
	const struct binding	*b;
	size_t			 n, n0;

	(void)state;
	config_bindings(cfg, &n0);
	assert_int_equal(config_bind(cfg, 'X', "kill"), 0);
	assert_int_equal(config_bind(cfg, KEYC_NONE, "kill"), -1);
	assert_int_equal(config_bind(cfg, 'y', ""), -1);
	b = config_bindings(cfg, &n);
	assert_int_equal(n, n0 + 1);
	assert_int_equal(b[n - 1].key, 'X');
	assert_string_equal(b[n - 1].command, "kill");
	assert_int_equal(config_bind(cfg, 'z', "zoom twice"), 0);
	config_bindings(cfg, &n);
	assert_int_equal(n, n0 + 1);
	assert_string_equal(config_binding_find(cfg, 'z'), "zoom twice");
	assert_int_equal(config_unbind(cfg, 'X'), 0);
	assert_int_equal(config_unbind(cfg, 'X'), -1);
	assert_null(config_binding_find(cfg, 'X'));
	config_bindings(cfg, &n);
	assert_int_equal(n, n0);
	config_free(cfg);
}

/* Getters abort on a name that is not in the table (a programming error). */
static void
test_config_getter_abort(void **state)
{
	struct config	*cfg = config_new();
	pid_t		 pid;
	int		 status, which;

	(void)state;
	for (which = 0; which < 2; which++) {
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			if (freopen("/dev/null", "w", stderr) == NULL)
				_exit(2);
			if (which == 0)
				config_int(cfg, "no.such.option");
			else
				config_int(cfg, "ui.mouse");
			_exit(0);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGABRT);
	}
	config_free(cfg);
}

static void
test_config_paths(void **state)
{
	char		 dir[] = "/tmp/test_config.XXXXXX";
	char		*old_home, *old_xdg, *path, *want, *d;
	struct stat	 sb;

	(void)state;
	assert_non_null(mkdtemp(dir));
	old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	old_xdg = getenv("XDG_CONFIG_HOME") ?
	    strdup(getenv("XDG_CONFIG_HOME")) : NULL;

	setenv("XDG_CONFIG_HOME", dir, 1);
	path = config_default_path();
	assert_true(asprintf(&want, "%s/sandbox-tui/config", dir) > 0);
	assert_string_equal(path, want);
	free(want);
	free(path);

	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", dir, 1);
	path = config_default_path();
	assert_true(asprintf(&want, "%s/.config/sandbox-tui/config", dir) > 0);
	assert_string_equal(path, want);
	free(want);
	free(path);

	d = config_dir();
	assert_true(asprintf(&want, "%s/.config/sandbox-tui", dir) > 0);
	assert_string_equal(d, want);
	assert_int_equal(stat(d, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0700);
	free(config_dir());		/* exists already: fine */
	assert_int_equal(rmdir(d), 0);
	free(want);
	free(d);
	assert_true(asprintf(&want, "%s/.config", dir) > 0);
	assert_int_equal(rmdir(want), 0);
	free(want);
	assert_int_equal(rmdir(dir), 0);

	if (old_home != NULL)
		setenv("HOME", old_home, 1);
	else
		unsetenv("HOME");
	if (old_xdg != NULL)
		setenv("XDG_CONFIG_HOME", old_xdg, 1);
	free(old_home);
	free(old_xdg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_defaults),
		cmocka_unit_test(test_config_default_bindings),
		cmocka_unit_test(test_config_parse_file),
		cmocka_unit_test(test_config_parse_misc),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_config_failed_load_untouched),
		cmocka_unit_test(test_config_file_errors),
		cmocka_unit_test(test_config_precedence),
		cmocka_unit_test(test_config_env),
		cmocka_unit_test(test_config_secrets),
		cmocka_unit_test(test_config_cli_set),
		cmocka_unit_test(test_config_bind_api),
		cmocka_unit_test(test_config_getter_abort),
		cmocka_unit_test(test_config_paths),
	};

	/* The user's own environment must not leak into the tests. */
	test_config_clear_env();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
