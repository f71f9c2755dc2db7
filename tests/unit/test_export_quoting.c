/*
 * Unit tests for the quoting of layouts/export*.c: YAML double-quoted
 * scalars and ssh_config values on their own, then in place in the
 * exports for the agents and paths of the fixed context that need it.
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


int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_export_yaml_quote),
		cmocka_unit_test(test_export_ssh_quote),
		cmocka_unit_test(test_export_quoting_in_place),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
