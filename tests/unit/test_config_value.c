/*
 * Unit tests for config/config_value.c: option values of every type
 * checked against the option table (sizes, booleans, decimals, targets,
 * choices, environment variable lists) through config_set.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"
#include "config/config_int.h"

static void
test_config_value_types(void **state)
{
	static const struct {
		const char	*text;
		long long	 bytes;
	} sizes[] = {
		{ "6291456", 6291456 }, { "512m", 512LL << 20 },
		{ "4g", 4LL << 30 }, { "4G", 4LL << 30 }, { "4gb", 4LL << 30 },
		{ "4GB", 4LL << 30 }, { "8192k", 8LL << 20 },
		{ "8192K", 8LL << 20 }, { "7340032b", 7340032 },
		{ "1024g", 1024LL << 30 },
	};
	static const char *bad_sizes[] = {
		"", "k", "4x", "-1", "1.5g", "4 g", "4gbb", "4t", "0x10",
		"99999999999999999999", "1025g", "5m",
	};
	static const char *yes[] = { "on", "yes", "true", "1", "ON", "Yes" };
	static const char *no[] = { "off", "no", "false", "0", "OFF", "False" };
	static const char *bad_floats[] = {
		"", ".", "1e3", "nan", "inf", "0x10", "1.2.3", "1,5", "300",
		"0", "-1", "+",
	};
	static const char *targets[] = {
		"auto", "local", "gce", "ssh://host", "ssh://u@host",
		"ssh://u@host:22", "ssh://host:65535", "ssh://[::1]:2222",
		"ssh://u@[fe80::1]", "ssh://10.0.0.1", "ssh://my-host.example",
	};
	static const char *bad_targets[] = {
		"", "Auto", "docker", "ssh://", "ssh://@h", "ssh://u@", "ssh://h:",
		"ssh://h:0", "ssh://h:65536", "ssh://h:2x", "ssh://u@h/x",
		"ssh://a@b@c", "ssh://[::1", "ssh://[]", "ssh://h h", "ssh:/h",
		"ssh://u:p@h",
	};
	struct config	*cfg = config_new();
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		assert_int_equal(config_set(cfg, "agents.memory",
		    sizes[i].text, ORIGIN_CLI, NULL), 0);
		assert_true(config_size(cfg, "agents.memory") ==
		    sizes[i].bytes);
	}
	for (i = 0; i < sizeof bad_sizes / sizeof bad_sizes[0]; i++) {
		if (config_set(cfg, "agents.memory", bad_sizes[i],
		    ORIGIN_CLI, NULL) == 0)
			fail_msg("size '%s' accepted", bad_sizes[i]);
	}
	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		assert_int_equal(config_set(cfg, "ui.mouse", no[i],
		    ORIGIN_CLI, NULL), 0);
		assert_false(config_bool(cfg, "ui.mouse"));
		assert_int_equal(config_set(cfg, "ui.mouse", yes[i],
		    ORIGIN_CLI, NULL), 0);
		assert_true(config_bool(cfg, "ui.mouse"));
	}
	assert_int_equal(config_set(cfg, "ui.mouse", "2", ORIGIN_CLI, NULL),
	    -1);

	assert_int_equal(config_set(cfg, "agents.cpus", "2", ORIGIN_CLI,
	    NULL), 0);
	assert_true(config_float(cfg, "agents.cpus") == 2.0);
	assert_int_equal(config_set(cfg, "agents.cpus", "+0.5", ORIGIN_CLI,
	    NULL), 0);
	assert_true(config_float(cfg, "agents.cpus") == 0.5);
	assert_int_equal(config_set(cfg, "agents.cpus", ".75", ORIGIN_CLI,
	    NULL), 0);
	assert_true(config_float(cfg, "agents.cpus") == 0.75);
	assert_int_equal(config_set(cfg, "agents.cpus", "0.01", ORIGIN_CLI,
	    NULL), 0);
	assert_int_equal(config_set(cfg, "agents.cpus", "256", ORIGIN_CLI,
	    NULL), 0);
	for (i = 0; i < sizeof bad_floats / sizeof bad_floats[0]; i++) {
		if (config_set(cfg, "agents.cpus", bad_floats[i], ORIGIN_CLI,
		    NULL) == 0)
			fail_msg("float '%s' accepted", bad_floats[i]);
	}

	for (i = 0; i < sizeof targets / sizeof targets[0]; i++) {
		if (config_set(cfg, "target", targets[i], ORIGIN_CLI,
		    NULL) != 0)
			fail_msg("target '%s' rejected", targets[i]);
	}
	for (i = 0; i < sizeof bad_targets / sizeof bad_targets[0]; i++) {
		if (config_set(cfg, "target", bad_targets[i], ORIGIN_CLI,
		    NULL) == 0)
			fail_msg("target '%s' accepted", bad_targets[i]);
	}

	assert_int_equal(config_set(cfg, "agents.env_secret",
	    " GITHUB_TOKEN  _X a1 ", ORIGIN_CLI, NULL), 0);
	assert_int_equal(config_set(cfg, "agents.env_secret", "1A",
	    ORIGIN_CLI, NULL), -1);
	assert_int_equal(config_set(cfg, "agents.count", "+7", ORIGIN_CLI,
	    NULL), 0);
	assert_int_equal(config_int(cfg, "agents.count"), 7);
	assert_int_equal(config_set(cfg, "agents.count", " 7", ORIGIN_CLI,
	    NULL), -1);
	config_free(cfg);
}

static void
test_config_value_choice(void **state)
{
	static const struct option_def fake = {
		.name = "x.mode", .type = OPT_CHOICE, .def = "grid",
		.choices = "grid|tabs|single", .help = "",
	};
	union config_parsed	 v;
	char			*cause = NULL;

	(void)state;
	assert_int_equal(config_value_parse(&fake, "tabs", &v, &cause), 0);
	assert_int_equal(v.i, 1);
	assert_int_equal(config_value_parse(&fake, "SINGLE", &v, &cause), 0);
	assert_int_equal(v.i, 2);
	assert_int_equal(config_value_parse(&fake, "tab", &v, &cause), -1);
	assert_string_equal(cause,
	    "x.mode: 'tab' is not a valid value (use grid|tabs|single)");
	free(cause);
}

/*
 * Patterns whose repeats glibc's regcomp() would write out into gigabytes
 * are refused before it sees them; everyday ones are not.  The cheap
 * cases come first: before the fix the others took minutes and GBs.
 */
static void
test_config_value_regex(void **state)
{
	static const char *good[] = {
		"[0-9]{1,3}%", "(ab|cd){1,400}", "[[:alpha:]{}]{1,100}",
		"a{1,1000}", "x{,5}y{3,}z{2}", "((a|b){1,10}c){1,10}",
		"\\{1,100000\\}", "[]{]{1,5}", "esc to interrupt",
	};
	static const char *bad[] = {
		"x{2001}", "(a{1,100}){1,100}", "((a?){0,64}){0,64}",
		"(a?){0,4096}", "((a{1,255}){1,255}){1,255}", "a{1,32767}",
		"(((((((((((((((((((((((((((((((((a)))))))))))))))))))))))))))))))))",
	};
	struct config	*cfg = config_new();
	char		*cause = NULL;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (config_set(cfg, "agents.busy_pattern", bad[i], ORIGIN_CLI,
		    &cause) == 0)
			fail_msg("pattern '%s' accepted", bad[i]);
		if (strstr(cause, "repeats too much") == NULL)
			fail_msg("pattern '%s': %s", bad[i], cause);
		free(cause);
	}
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		if (config_set(cfg, "agents.waiting_pattern", good[i],
		    ORIGIN_CLI, &cause) != 0)
			fail_msg("pattern '%s' refused: %s", good[i], cause);
	}
	config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_value_types),
		cmocka_unit_test(test_config_value_choice),
		cmocka_unit_test(test_config_value_regex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
