/*
 * Unit tests that the exports of layouts/export*.c are read as meant by
 * what reads them: the ghostty files use only the config keys, keybind
 * actions, launcher flags and AppleScript commands ghostty documents, and
 * the scripts pass `sh -n`.
 */

#include <regex.h>
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_export_ghostty_documented),
		cmocka_unit_test(test_export_scripts_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
