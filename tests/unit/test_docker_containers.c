/*
 * Unit tests for docker_parse_containers (gcp/docker.c): the agents in the
 * Engine API's GET /containers/json, as docker 20.10 and later answer it.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gcp/docker.h"

static void
test_docker_containers(void **state)
{
	static const char body[] = "[{\"Id\":\"b2\",\"Names\":"
	    "[\"/sandbox-agent-02\"],\"Image\":\"sandbox-agent:latest\","
	    "\"Created\":1796000000,\"State\":\"running\",\"Status\":"
	    "\"Up 3 minutes\",\"Labels\":{\"sandbox-tui.agent\":\"2\","
	    "\"sandbox-tui.version\":\"x\"}},"
	    "{\"Id\":\"a1\",\"Names\":[\"/sandbox-agent-01\",\"/other\"],"
	    "\"Image\":\"img\",\"Created\":0,\"State\":\"exited\","
	    "\"Status\":\"Exited (137) 2 hours ago\",\"Labels\":"
	    "{\"sandbox-tui.agent\":\"01\"}},"
	    "{\"Id\":\"c\",\"Names\":[\"/web\"],\"Labels\":{}},"
	    "{\"Id\":\"d\",\"Names\":[\"/x\"],\"Labels\":"
	    "{\"sandbox-tui.agent\":\"many\"}},"
	    "{\"Id\":\"e\",\"Names\":[],\"Labels\":"
	    "{\"sandbox-tui.agent\":\"3\"}},"
	    "{\"Id\":\"f\",\"Names\":[\"/\"],\"Labels\":"
	    "{\"sandbox-tui.agent\":\"4\"}},"
	    "7, null, {\"Labels\":\"sandbox-tui.agent=5\"}]";
	struct agent_info	*a;
	size_t			 n;
	char			*cause = NULL;

	(void)state;
	assert_int_equal(docker_parse_containers(body, sizeof body - 1, &a,
	    &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_int_equal(a[0].n, 1);
	assert_string_equal(a[0].name, "sandbox-agent-01");
	assert_string_equal(a[0].id, "a1");
	assert_string_equal(a[0].state, "exited");
	assert_int_equal(a[0].exit_code, 137);
	assert_string_equal(a[0].created, "");
	assert_int_equal(a[1].n, 2);
	assert_string_equal(a[1].name, "sandbox-agent-02");
	assert_string_equal(a[1].image, "sandbox-agent:latest");
	assert_string_equal(a[1].status, "Up 3 minutes");
	assert_int_equal(a[1].exit_code, -1);
	assert_string_equal(a[1].created, "2026-11-30 00:53:20 +0000 UTC");
	agent_info_free(a, n);
}

static void
test_docker_containers_bad(void **state)
{
	static const char *bad[] = { "", "{\"message\":\"x\"}", "[", "\"a\"" };
	struct agent_info	*a;
	size_t			 n, i;
	char			*cause;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		assert_int_equal(docker_parse_containers(bad[i],
		    strlen(bad[i]), &a, &n, &cause), -1);
		assert_non_null(strstr(cause, "dockerd's container list: "));
		assert_null(a);
		assert_int_equal(n, 0);
		free(cause);
	}
	assert_int_equal(docker_parse_containers("[]", 2, &a, &n, &cause), 0);
	assert_int_equal(n, 0);
	agent_info_free(a, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker_containers),
		cmocka_unit_test(test_docker_containers_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
