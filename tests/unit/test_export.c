/*
 * Unit tests for layouts/export*.c.  Every export of two fixed contexts (12
 * agents over ssh, 3 on local docker) is compared byte for byte with the
 * golden files under tests/golden/export/ (found through T_REPO or the
 * current directory); UPDATE_GOLDEN=1 rewrites them instead.  Then: the
 * ghostty files use only the config keys and actions ghostty documents,
 * the scripts pass `sh -n`, the quoting of YAML and ssh_config values,
 * every refusal of a bad context, and the writers (modes, atomic replace,
 * directories made 0700).
 */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/shquote.h"
#include "config/xmalloc.h"
#include "gcp/docker.h"
#include "layouts/export.h"

/*
 * What ghostty documents (ghostty.org/docs/config/reference and
 * /docs/config/keybind/reference, Ghostty.sdef): the only config keys,
 * keybind actions and launcher flags the export may write.
 */
static const char *test_export_ghostty_keys[] = {
	"config-file", "title", "command", "keybind",
};
static const char *test_export_ghostty_flags[] = {
	"config-file", "gtk-single-instance",
};
static const char *test_export_ghostty_actions[] = {
	"new_split:right", "new_split:down", "new_split:left", "new_split:up",
	"new_split:auto", "goto_split:left", "goto_split:right",
	"goto_split:up", "goto_split:down", "goto_split:previous",
	"goto_split:next", "toggle_split_zoom", "equalize_splits",
};

#define TEST_EXPORT_N(a)	(sizeof (a) / sizeof (a)[0])

static char *test_export_command[] = {
	"claude", "--model", "it's \"$HOME\" \\ é",
};

static const struct export_agent test_export_ssh_agents[] = {
	/* Out of order: the exports sort them. */
	{ 3, "sandbox-agent-03" }, { 1, "sandbox-agent-01" },
	{ 2, "sandbox-agent-02" }, { 4, "sandbox-agent-04" },
	{ 5, "sandbox-agent-05" }, { 6, "sandbox-agent-06" },
	{ 7, "sandbox-agent-07" }, { 8, "sandbox-agent-08" },
	{ 9, "sandbox-agent-09" }, { 12, "sandbox-agent-12" },
	{ 10, "sandbox-agent-10" }, { 11, "sandbox-agent-11" },
};

static const struct export_agent test_export_local_agents[] = {
	{ 1, "sandbox-agent-01" }, { 2, "sandbox-agent-02" },
	{ 5, "sandbox-agent-05" },
};

#define TEST_EXPORT_SSH_DIR	"/home/alice/sandbox export/ghostty"
#define TEST_EXPORT_SSH_CONFIG	"/home/alice/sandbox export/ssh_config"
#define TEST_EXPORT_LOCAL_DIR	"/tmp/sandbox-ghostty"

static void
test_export_ssh_ctx(struct export_ctx *ctx)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->host_alias = "sandbox";
	ctx->hostname = "203.0.113.7";
	ctx->port = 2222;
	ctx->user = "agent";
	ctx->identity = "/home/alice/.config/sandbox-tui/id_ed25519";
	ctx->known_hosts = "/home/alice/.config/sandbox-tui/known hosts";
	ctx->known_hosts_only = 1;
	ctx->control_dir = "/home/alice/.ssh/sbx 100%";
	ctx->ssh_config = TEST_EXPORT_SSH_CONFIG;
	ctx->agents = test_export_ssh_agents;
	ctx->nagents = TEST_EXPORT_N(test_export_ssh_agents);
	ctx->image = "europe-docker.pkg.dev/p/r/sandbox-agent:1.4";
	ctx->command = test_export_command;
	ctx->ncommand = TEST_EXPORT_N(test_export_command);
	ctx->memory = 4LL << 30;
	ctx->cpus_milli = 1500;
	ctx->pids_limit = 512;
	ctx->workspace_dir = "/home/agent/sandbox ws $X/";
	ctx->settings_file = "/home/agent/.config/sandbox-tui/settings.json";
	ctx->env_file = "/home/agent/.config/sandbox-tui/agents.env";
	ctx->version = "1.2.3-test";
	ctx->self = "/usr/local/bin/sandbox-tui";
}

static void
test_export_local_ctx(struct export_ctx *ctx)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->local = 1;
	ctx->agents = test_export_local_agents;
	ctx->nagents = TEST_EXPORT_N(test_export_local_agents);
	ctx->image = "sandbox-agent:dev";
	ctx->memory = 2LL << 30;
	ctx->cpus_milli = 1000;
	ctx->pids_limit = 256;
	ctx->workspace_dir = "/srv/sandbox/ws";
	ctx->version = "1.2.3-test";
}

static char *
test_export_read(const char *path)
{
	FILE	*f;
	char	*s;
	long	 len;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = xmalloc((size_t)len + 1);
	if (fread(s, 1, (size_t)len, f) != (size_t)len) {
		fclose(f);
		free(s);
		return NULL;
	}
	s[len] = '\0';
	fclose(f);
	return s;
}

static char *
test_export_golden_dir(void)
{
	const char	*repo = getenv("T_REPO");

	if (repo != NULL && *repo != '\0')
		return xasprintf("%s/tests/golden/export", repo);
	return xstrdup("tests/golden/export");
}

static int
test_export_updating(void)
{
	const char	*u = getenv("UPDATE_GOLDEN");

	return u != NULL && strcmp(u, "1") == 0;
}

/* mkdir -p of path's directory, for UPDATE_GOLDEN. */
static void
test_export_mkdirs(const char *path)
{
	char	*d = xstrdup(path), *p;

	for (p = d + 1; *p != '\0'; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(d, 0755);
			*p = '/';
		}
	}
	free(d);
}

/* Compares text with golden file rel, or rewrites it; says where it differs. */
static void
test_export_golden(const char *rel, const char *text)
{
	char	*dir, *path, *want;
	size_t	 i, line = 1;
	FILE	*f;

	dir = test_export_golden_dir();
	path = xasprintf("%s/%s", dir, rel);
	if (test_export_updating()) {
		test_export_mkdirs(path);
		f = fopen(path, "w");
		assert_non_null(f);
		assert_int_equal(fputs(text, f) >= 0, 1);
		assert_int_equal(fclose(f), 0);
		printf("# rewrote %s\n", path);
	} else {
		want = test_export_read(path);
		if (want == NULL)
			fail_msg("%s: cannot read (%s); UPDATE_GOLDEN=1 "
			    "from the repo root makes it", path,
			    strerror(errno));
		for (i = 0; want[i] != '\0' && want[i] == text[i]; i++) {
			if (want[i] == '\n')
				line++;
		}
		if (want[i] != text[i])
			fail_msg("%s differs from the export at line %zu "
			    "(UPDATE_GOLDEN=1 rewrites it)", path, line);
		free(want);
	}
	free(path);
	free(dir);
}

/* The golden folder rel holds exactly the files of the export. */
static void
test_export_golden_files(const char *rel, struct export_file *files,
    size_t n)
{
	struct dirent	*de;
	DIR		*d;
	char		*dir, *path;
	size_t		 i, found = 0;

	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", rel, files[i].name);
		test_export_golden(path, files[i].text);
		free(path);
	}
	dir = test_export_golden_dir();
	path = xasprintf("%s/%s", dir, rel);
	d = opendir(path);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		for (i = 0; i < n; i++) {
			if (strcmp(files[i].name, de->d_name) == 0)
				break;
		}
		if (i == n)
			fail_msg("%s/%s: a golden file the export no longer "
			    "makes", path, de->d_name);
		found++;
	}
	closedir(d);
	assert_int_equal(found, n);
	free(path);
	free(dir);
}

static void
test_export_golden_ssh(void **state)
{
	struct export_ctx	 ctx;
	struct export_file	*files;
	size_t			 n;
	char			*text, *cause = NULL;

	(void)state;
	test_export_ssh_ctx(&ctx);
	text = export_ssh_config_text(&ctx, TEST_EXPORT_SSH_CONFIG, &cause);
	assert_non_null(text);
	test_export_golden("ssh/ssh_config", text);
	free(text);

	text = export_tmux_text(&ctx, ctx.ssh_config, &cause);
	assert_non_null(text);
	test_export_golden("ssh/tmux.sh", text);
	free(text);

	text = export_compose_text(&ctx, &cause);
	assert_non_null(text);
	test_export_golden("ssh/docker-compose.yml", text);
	free(text);

	assert_int_equal(export_ghostty_files(&ctx, TEST_EXPORT_SSH_DIR,
	    &files, &n, &cause), 0);
	assert_int_equal(n, 12 + 5);
	test_export_golden_files("ssh/ghostty", files, n);
	export_files_free(files, n);
}

static void
test_export_golden_local(void **state)
{
	struct export_ctx	 ctx;
	struct export_file	*files;
	size_t			 n;
	char			*text, *cause = NULL;

	(void)state;
	test_export_local_ctx(&ctx);
	text = export_ssh_config_text(&ctx, "/x/ssh_config", &cause);
	assert_null(text);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "export ssh-config: the target is "
	    "local docker"));
	free(cause);
	cause = NULL;

	text = export_tmux_text(&ctx, NULL, &cause);
	assert_non_null(text);
	test_export_golden("local/tmux.sh", text);
	assert_null(strstr(text, "ssh"));
	free(text);

	text = export_compose_text(&ctx, &cause);
	assert_non_null(text);
	test_export_golden("local/docker-compose.yml", text);
	free(text);

	assert_int_equal(export_ghostty_files(&ctx, TEST_EXPORT_LOCAL_DIR,
	    &files, &n, &cause), 0);
	assert_int_equal(n, 3 + 4);
	test_export_golden_files("local/ghostty", files, n);
	export_files_free(files, n);
}

static int
test_export_in(const char *s, const char **list, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(s, list[i]) == 0)
			return 1;
	}
	return 0;
}

/* A ghostty trigger: documented modifiers, then one letter. */
static int
test_export_trigger_ok(const char *t)
{
	static const char	*mods[] = { "ctrl", "shift", "alt", "super" };
	char			*s = xstrdup(t), *part, *last = NULL, *save;
	int			 ok = 1;

	for (part = strtok_r(s, "+", &save); part != NULL;
	    part = strtok_r(NULL, "+", &save)) {
		if (last != NULL && !test_export_in(last, mods, 4))
			ok = 0;
		last = part;
	}
	if (last == NULL || strlen(last) != 1 || last[0] < 'a' || last[0] > 'z')
		ok = 0;
	free(s);
	return ok;
}

static void
test_export_check_conf(const char *name, const char *text)
{
	char	*copy = xstrdup(text), *line, *save, *eq, *key, *value;
	char	*bind;

	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || line[0] == '\0')
			continue;
		eq = strstr(line, " = ");
		if (eq == NULL)
			fail_msg("%s: not a 'key = value' line: %s", name,
			    line);
		*eq = '\0';
		key = line;
		value = eq + 3;
		if (!test_export_in(key, test_export_ghostty_keys,
		    TEST_EXPORT_N(test_export_ghostty_keys)))
			fail_msg("%s: undocumented ghostty key '%s'", name,
			    key);
		if (strcmp(key, "keybind") != 0)
			continue;
		bind = strchr(value, '=');
		assert_non_null(bind);
		*bind++ = '\0';
		if (!test_export_trigger_ok(value))
			fail_msg("%s: trigger '%s'", name, value);
		if (!test_export_in(bind, test_export_ghostty_actions,
		    TEST_EXPORT_N(test_export_ghostty_actions)))
			fail_msg("%s: undocumented action '%s'", name, bind);
	}
	free(copy);
}

/* Every --flag= on the launcher's ghostty command line is a config key. */
static void
test_export_check_launch(const char *text)
{
	regex_t		 re;
	regmatch_t	 m[2];
	const char	*p;
	char		 flag[64];
	int		 found = 0;

	assert_int_equal(regcomp(&re, "^\t\"\\$ghostty\" --",
	    REG_EXTENDED | REG_NEWLINE), 0);
	assert_int_equal(regexec(&re, text, 1, m, 0), 0);
	regfree(&re);
	assert_int_equal(regcomp(&re, " --([a-z-]+)=", REG_EXTENDED), 0);
	p = text + m[0].rm_so;
	while (regexec(&re, p, 2, m, 0) == 0 && m[0].rm_so < 200) {
		snprintf(flag, sizeof flag, "%.*s",
		    (int)(m[1].rm_eo - m[1].rm_so), p + m[1].rm_so);
		if (!test_export_in(flag, test_export_ghostty_flags,
		    TEST_EXPORT_N(test_export_ghostty_flags)))
			fail_msg("launch.sh: undocumented flag --%s", flag);
		found++;
		p += m[0].rm_eo;
	}
	regfree(&re);
	assert_int_equal(found, 2);
}

/* Only Ghostty.sdef's commands, in the forms its documentation shows. */
static void
test_export_check_applescript(const char *text)
{
	static const char *forms[] = {
		"^--",
		"^tell application \"Ghostty\"$",
		"^\tactivate$",
		"^\tset cfg[0-9]{2} to new surface configuration$",
		"^\tset command of cfg[0-9]{2} to \"([^\"\\\\]|\\\\.)*\"$",
		"^\tset win to new window with configuration cfg[0-9]{2}$",
		"^\tset t[0-9]{2} to terminal 1 of selected tab of win$",
		("^\tset t[0-9]{2} to split t[0-9]{2} direction (right|down) "
		    "with configuration cfg[0-9]{2}$"),
		"^\tperform action \"equalize_splits\" on t[0-9]{2}$",
		"^\tfocus t[0-9]{2}$",
		"^end tell$",
	};
	regex_t	 re;
	char	*copy = xstrdup(text), *line, *save;
	size_t	 i;

	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		for (i = 0; i < TEST_EXPORT_N(forms); i++) {
			assert_int_equal(regcomp(&re, forms[i],
			    REG_EXTENDED | REG_NOSUB), 0);
			if (regexec(&re, line, 0, NULL, 0) == 0) {
				regfree(&re);
				break;
			}
			regfree(&re);
		}
		if (i == TEST_EXPORT_N(forms))
			fail_msg("grid.applescript: unexpected line: %s", line);
	}
	free(copy);
}

static void
test_export_sh_n(const char *name, const char *text)
{
	FILE	*f;

	f = popen("sh -n", "w");
	assert_non_null(f);
	fputs(text, f);
	if (pclose(f) != 0)
		fail_msg("%s: sh -n rejects it", name);
}

static void
test_export_ghostty_documented(void **state)
{
	struct export_ctx	 ctx;
	struct export_file	*files;
	size_t			 n, i, k;
	char			*cause = NULL;
	int			 seen;

	(void)state;
	for (k = 0; k < 2; k++) {
		if (k == 0)
			test_export_ssh_ctx(&ctx);
		else
			test_export_local_ctx(&ctx);
		assert_int_equal(export_ghostty_files(&ctx, k == 0 ?
		    TEST_EXPORT_SSH_DIR : TEST_EXPORT_LOCAL_DIR, &files, &n,
		    &cause), 0);
		seen = 0;
		for (i = 0; i < n; i++) {
			const char *name = files[i].name;
			size_t len = strlen(name);

			if (len > 5 && strcmp(name + len - 5, ".conf") == 0) {
				test_export_check_conf(name, files[i].text);
				seen |= 1;
			} else if (strcmp(name, "launch.sh") == 0) {
				test_export_check_launch(files[i].text);
				test_export_sh_n(name, files[i].text);
				assert_int_equal(files[i].mode, 0755);
				seen |= 2;
			} else if (strcmp(name, "grid.applescript") == 0) {
				test_export_check_applescript(files[i].text);
				seen |= 4;
			} else if (strcmp(name, "README.md") == 0) {
				assert_non_null(strstr(files[i].text,
				    "configuration cannot declare a split "
				    "layout"));
				seen |= 8;
			}
		}
		assert_int_equal(seen, 15);
		export_files_free(files, n);
	}
}

static void
test_export_scripts_parse(void **state)
{
	struct export_ctx	 ctx;
	char			*text, *cause = NULL;

	(void)state;
	test_export_ssh_ctx(&ctx);
	text = export_tmux_text(&ctx, ctx.ssh_config, &cause);
	assert_non_null(text);
	test_export_sh_n("tmux.sh", text);
	free(text);
	test_export_local_ctx(&ctx);
	text = export_tmux_text(&ctx, NULL, &cause);
	assert_non_null(text);
	test_export_sh_n("tmux.sh (local)", text);
	free(text);
}

static void
test_export_yaml_quote(void **state)
{
	static const struct {
		const char	*in, *out;
	} cases[] = {
		{ "", "\"\"" },
		{ "plain", "\"plain\"" },
		{ "yes", "\"yes\"" },
		{ "1", "\"1\"" },
		{ "a \"b\" c", "\"a \\\"b\\\" c\"" },
		{ "back\\slash", "\"back\\\\slash\"" },
		{ "line\nbreak", "\"line\\nbreak\"" },
		{ "tab\there\r", "\"tab\\there\\r\"" },
		{ "\x01\x1b\x7f", "\"\\x01\\e\\x7f\"" },
		{ "nul-ish \a\b\v\f", "\"nul-ish \\a\\b\\v\\f\"" },
		{ "nel\xc2\x85 ls\xe2\x80\xa8 ps\xe2\x80\xa9",
		    "\"nel\\N ls\\L ps\\P\"" },
		{ "\xef\xbb\xbf" "bom", "\"\\uFEFFbom\"" },
		{ "c1 \xc2\x9b" "2J", "\"c1 \\x9b2J\"" },
		{ "é€😀", "\"é€😀\"" },
		{ "# not a comment: {x}, [y] & *z", "\"# not a comment: {x}, "
		    "[y] & *z\"" },
	};
	size_t	 i;
	char	*q;

	(void)state;
	for (i = 0; i < TEST_EXPORT_N(cases); i++) {
		q = export_yaml_quote(cases[i].in);
		assert_string_equal(q, cases[i].out);
		free(q);
	}
}

static void
test_export_ssh_quote(void **state)
{
	char	*q;

	(void)state;
	q = export_ssh_quote("/home/a b/key");
	assert_string_equal(q, "\"/home/a b/key\"");
	free(q);
	q = export_ssh_quote("/tmp/100%/#x");
	assert_string_equal(q, "\"/tmp/100%%/#x\"");
	free(q);
	assert_null(export_ssh_quote("/a\"b"));
	assert_null(export_ssh_quote("/a\\b"));
	assert_null(export_ssh_quote("/a\nb"));
	assert_null(export_ssh_quote(NULL));
}

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
	c->image = "img; rm -rf /";
}
static void bad_ws_root(struct export_ctx *c)
{
	c->workspace_dir = "//";
}
static void bad_ws_dotdot(struct export_ctx *c)
{
	c->workspace_dir = "/srv/../etc";
}
static void bad_ws_rel(struct export_ctx *c)
{
	c->workspace_dir = "ws";
}
static void bad_ws_colon(struct export_ctx *c)
{
	c->workspace_dir = "/srv/a:b";
}
static void bad_ws_nl(struct export_ctx *c)
{
	c->workspace_dir = "/srv/a\nb";
}
static void bad_env_rel(struct export_ctx *c)
{
	c->env_file = "agents.env";
}
static void bad_settings_colon(struct export_ctx *c)
{
	c->settings_file = "/etc/a:b.json";
}
static void bad_memory(struct export_ctx *c)
{
	c->memory = 1024;
}
static void bad_cpus(struct export_ctx *c)
{
	c->cpus_milli = 5;
}
static void bad_pids(struct export_ctx *c)
{
	c->pids_limit = 0;
}
static void bad_version(struct export_ctx *c)
{
	c->version = NULL;
}
static void bad_command_utf8(struct export_ctx *c)
{
	static char *words[] = { "claude", "\xff\xfe" };

	c->command = words;
	c->ncommand = 2;
}

static const struct test_export_bad test_export_bad_compose[] = {
	{ "image", bad_image, "image 'img; rm -rf /': not a valid image name" },
	{ "workspace /", bad_ws_root, "workspace_dir '//': must not be /" },
	{ "workspace ..", bad_ws_dotdot, "must not contain . or .." },
	{ "workspace relative", bad_ws_rel, "not an absolute path" },
	{ "workspace ':'", bad_ws_colon, "workspace_dir contains ':'" },
	{ "workspace line break", bad_ws_nl, "contains a line break" },
	{ "env file relative", bad_env_rel, "env_file 'agents.env'" },
	{ "settings ':'", bad_settings_colon, "settings_file contains ':'" },
	{ "memory", bad_memory, "memory 1024" },
	{ "cpus", bad_cpus, "cpus 5/1000" },
	{ "pids", bad_pids, "pids_limit 0" },
	{ "version", bad_version, "version" },
	{ "command", bad_command_utf8, "command word 2" },
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

/* The quoting holds for agents and paths that need it. */
static void
test_export_quoting_in_place(void **state)
{
	struct export_ctx	 ctx;
	char			*text, *cause = NULL;

	(void)state;
	test_export_ssh_ctx(&ctx);
	text = export_ssh_config_text(&ctx, TEST_EXPORT_SSH_CONFIG, &cause);
	assert_non_null(strstr(text, "\tUserKnownHostsFile \"/home/alice/"
	    ".config/sandbox-tui/known hosts\"\n"
	    "\tGlobalKnownHostsFile /dev/null\n"));
	assert_non_null(strstr(text, "\tControlPath \"/home/alice/.ssh/"
	    "sbx 100%%/%C\"\n"));
	assert_non_null(strstr(text, "\tIdentitiesOnly yes\n"));
	free(text);
	ctx.identity = NULL;
	ctx.known_hosts = NULL;
	text = export_ssh_config_text(&ctx, NULL, &cause);
	assert_null(strstr(text, "IdentityFile"));
	assert_null(strstr(text, "IdentitiesOnly"));
	assert_null(strstr(text, "UserKnownHostsFile"));
	assert_null(strstr(text, "GlobalKnownHostsFile"));
	assert_non_null(strstr(text, "\tStrictHostKeyChecking yes\n"));
	free(text);

	test_export_ssh_ctx(&ctx);
	text = export_compose_text(&ctx, &cause);
	/* '$' doubled for compose, quotes and backslashes escaped for YAML. */
	assert_non_null(strstr(text,
	    "      - \"it's \\\"$$HOME\\\" \\\\ é\"\n"));
	assert_non_null(strstr(text, "      - \"/home/agent/sandbox ws $$X/"
	    "agent-01:/workspace\"\n"));
	assert_non_null(strstr(text, "      sandbox-tui.agent: \"12\"\n"));
	assert_null(strstr(text, "version:\n"));
	free(text);
}

static char *
test_export_tmpdir(void)
{
	char	*d = xstrdup("/tmp/test_export.XXXXXX");

	assert_non_null(mkdtemp(d));
	return d;
}

static int
test_export_mode(const char *path)
{
	struct stat	st;

	if (stat(path, &st) != 0)
		return -1;
	return (int)(st.st_mode & 07777);
}

static void
test_export_rm_rf(const char *path)
{
	char	*cmd = xasprintf("rm -rf '%s'", path);

	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static void
test_export_writers(void **state)
{
	struct export_ctx	 ctx;
	struct export_file	*files;
	struct stat		 st1, st2;
	struct dirent		*de;
	DIR			*d;
	size_t			 n, i;
	char			*tmp, *dir, *path, *got, *cm, *cause = NULL;
	char			*text;

	(void)state;
	tmp = test_export_tmpdir();
	cm = xasprintf("%s/cm", tmp);
	test_export_ssh_ctx(&ctx);
	ctx.control_dir = cm;

	/* ghostty: a new nested folder, files as generated for it. */
	dir = xasprintf("%s/a/b/ghostty", tmp);
	assert_int_equal(export_ghostty(&ctx, dir, &cause), 0);
	assert_int_equal(test_export_mode(dir), 0700);
	assert_int_equal(test_export_mode(cm), 0700);
	assert_int_equal(export_ghostty_files(&ctx, dir, &files, &n, &cause),
	    0);
	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", dir, files[i].name);
		got = test_export_read(path);
		assert_non_null(got);
		assert_string_equal(got, files[i].text);
		assert_int_equal(test_export_mode(path), files[i].mode);
		free(got);
		free(path);
	}
	export_files_free(files, n);
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		assert_null(strstr(de->d_name, ".tmp."));
	closedir(d);
	free(dir);

	/* ssh-config: replaced by a new file, not rewritten in place. */
	path = xasprintf("%s/ssh/config", tmp);
	assert_int_equal(export_ssh_config(&ctx, path, &cause), 0);
	assert_int_equal(stat(path, &st1), 0);
	assert_int_equal(test_export_mode(path), 0644);
	ctx.port = 2200;
	assert_int_equal(export_ssh_config(&ctx, path, &cause), 0);
	assert_int_equal(stat(path, &st2), 0);
	assert_true(st1.st_ino != st2.st_ino);
	got = test_export_read(path);
	assert_non_null(strstr(got, "\tPort 2200\n"));
	free(got);
	free(path);

	/* tmux without an ssh config writes one beside the script. */
	ctx.ssh_config = NULL;
	path = xasprintf("%s/tmux.sh", tmp);
	assert_int_equal(export_tmux(&ctx, path, &cause), 0);
	assert_int_equal(test_export_mode(path), 0755);
	got = test_export_read(path);
	text = xasprintf("ssh -F %s/tmux.sh.ssh_config -t sandbox", tmp);
	assert_non_null(strstr(got, text));
	free(text);
	free(got);
	free(path);
	path = xasprintf("%s/tmux.sh.ssh_config", tmp);
	got = test_export_read(path);
	assert_non_null(got);
	assert_non_null(strstr(got, "Host sandbox\n"));
	free(got);
	free(path);

	/* compose; then a folder that is a file is named in the cause. */
	path = xasprintf("%s/compose/docker-compose.yml", tmp);
	assert_int_equal(export_compose(&ctx, path, &cause), 0);
	assert_int_equal(test_export_mode(path), 0644);
	free(path);
	path = xasprintf("%s/tmux.sh/docker-compose.yml", tmp);
	assert_int_equal(export_compose(&ctx, path, &cause), -1);
	assert_non_null(strstr(cause, "export compose: "));
	assert_non_null(strstr(cause, "tmux.sh"));
	free(cause);
	cause = NULL;
	free(path);

	/* A local ssh-config writes nothing. */
	test_export_local_ctx(&ctx);
	path = xasprintf("%s/local/ssh_config", tmp);
	assert_int_equal(export_ssh_config(&ctx, path, &cause), -1);
	free(cause);
	assert_int_equal(access(path, F_OK), -1);
	free(path);

	test_export_rm_rf(tmp);
	free(cm);
	free(tmp);
}

/* The env file is named, never read: nothing of it reaches the export. */
static void
test_export_no_secrets(void **state)
{
	struct export_ctx	 ctx;
	struct export_file	*files;
	size_t			 n, i;
	char			*tmp, *env, *text, *cause = NULL;
	FILE			*f;

	(void)state;
	tmp = test_export_tmpdir();
	env = xasprintf("%s/agents.env", tmp);
	f = fopen(env, "w");
	assert_non_null(f);
	fputs("ANTHROPIC_API_KEY=sk-ant-secret-value\n", f);
	fclose(f);
	test_export_ssh_ctx(&ctx);
	ctx.env_file = env;
	text = export_compose_text(&ctx, &cause);
	assert_non_null(strstr(text, env));
	assert_null(strstr(text, "sk-ant"));
	assert_null(strstr(text, "ANTHROPIC_API_KEY"));
	free(text);
	assert_int_equal(export_ghostty_files(&ctx, TEST_EXPORT_SSH_DIR,
	    &files, &n, &cause), 0);
	for (i = 0; i < n; i++)
		assert_null(strstr(files[i].text, "sk-ant"));
	export_files_free(files, n);
	test_export_rm_rf(tmp);
	free(env);
	free(tmp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_export_golden_ssh),
		cmocka_unit_test(test_export_golden_local),
		cmocka_unit_test(test_export_ghostty_documented),
		cmocka_unit_test(test_export_scripts_parse),
		cmocka_unit_test(test_export_yaml_quote),
		cmocka_unit_test(test_export_ssh_quote),
		cmocka_unit_test(test_export_refusals),
		cmocka_unit_test(test_export_quoting_in_place),
		cmocka_unit_test(test_export_writers),
		cmocka_unit_test(test_export_no_secrets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
