/*
 * Unit tests for the secrets env file of gcp/docker_run.c: names and
 * values as docker's --env-file reads them, and each refusal, which
 * never quotes the value.
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
		cmocka_unit_test(test_docker_run_env_file),
		cmocka_unit_test(test_docker_run_env_file_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
