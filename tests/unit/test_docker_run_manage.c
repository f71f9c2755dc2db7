/*
 * Unit tests for the commands of gcp/docker_run.c that act on containers
 * and images by name: start, stop, restart and rm of a list of agents,
 * and the check that an image is there, as a real /bin/sh hands them to
 * a stand-in docker; names that are not a container's are refused.
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
#include "tests/unit/test_sh.h"

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker_run_each),
		cmocka_unit_test(test_docker_run_image_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
