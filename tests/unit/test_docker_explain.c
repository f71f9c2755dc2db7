/*
 * Unit tests for gcp/docker_explain.c: the sentence for each failure a user
 * can fix, with stderr texts captured from docker 20.10 and a 28.2 client
 * (and newer ones from bug reports), the fallback to docker's own last
 * line, and the scrubbing and capping of everything taken from stderr.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/xmalloc.h"
#include "gcp/docker.h"

#define BUILD_IT "sandbox-tui image build makes it there, or set agents.image"

struct test_docker_explain_case {
	int		 status;
	const char	*err;
	const char	*target;
	const char	*image;
	const char	*out;
};

static void
test_docker_explain(void **state)
{
	static const struct test_docker_explain_case cases[] = {
		/* dash, bash, and exit status alone */
		{ 127, "sh: 1: docker: not found\n", "ssh://u@h:22", NULL,
		    "docker is not installed on ssh://u@h:22" },
		{ 127, "bash: docker: command not found\n", "local", NULL,
		    "docker is not installed on local" },
		{ 127, "", "local", NULL, "docker is not installed on local" },
		{ 1, "zsh: command not found: docker\n", "local", NULL,
		    "docker is not installed on local" },
		/* 20.10 (Debian), upstream 20.10, 28.2, 29 */
		{ 1, "permission denied while trying to connect to the Docker "
		    "daemon socket at unix:///var/run/docker.sock: Get \"http:"
		    "//%2Fvar%2Frun%2Fdocker.sock/v1.24/containers/json\": dial "
		    "unix /var/run/docker.sock: connect: permission denied\n",
		    "ssh://u@h:22", NULL, "the user on ssh://u@h:22 may not "
		    "use docker (add it to the docker group, or run as root)" },
		{ 126, "docker: Got permission denied while trying to connect "
		    "to the Docker daemon socket at unix:///var/run/docker.sock"
		    ": Post http://%2Fvar%2Frun%2Fdocker.sock/v1.40/containers/"
		    "create: dial unix /var/run/docker.sock: connect: permissio"
		    "n denied.\nSee 'docker run --help'.\n", "gce", "img",
		    "the user on gce may not use docker (add it to the docker "
		    "group, or run as root)" },
		{ 1, "permission denied while trying to connect to the docker "
		    "API at unix:///var/run/docker.sock\n", "local", NULL,
		    "the user on local may not use docker (add it to the "
		    "docker group, or run as root)" },
		{ 1, "Cannot connect to the Docker daemon at unix:///var/run/"
		    "docker.sock. Is the docker daemon running?\n", "local",
		    NULL, "docker is not running on local" },
		{ 1, "ERROR: failed to connect to the docker API at unix:///var"
		    "/run/docker.sock; check if the path is correct and if the "
		    "daemon is running: dial unix /var/run/docker.sock: connect"
		    ": no such file or directory\n", "local", NULL,
		    "docker is not running on local" },
		/* docker run --pull never, 20.10 and 28.2 clients */
		{ 125, "docker: Error response from daemon: No such image: "
		    "sandbox-agent:latest.\nSee 'docker run --help'.\n",
		    "ssh://h", "sandbox-agent:latest", "image sandbox-agent:"
		    "latest is not on ssh://h: " BUILD_IT },
		{ 125, "docker: Error response from daemon: No such image: "
		    "x:latest\n\nRun 'docker run --help' for more information\n",
		    "local", "x:latest", "image x:latest is not on local: "
		    BUILD_IT },
		/* docker image inspect, 20.10 and 28.2 */
		{ 1, "\nError: No such image: x:latest\n", "local", "x",
		    "image x is not on local: " BUILD_IT },
		{ 1, "Error response from daemon: no such image: x:latest: No "
		    "such image: x:latest\n", "local", "x", "image x is not on "
		    "local: " BUILD_IT },
		{ 125, "Unable to find image 'x:1' locally\ndocker: Error "
		    "response from daemon: Get \"https://registry-1.docker.io/v"
		    "2/\": dial tcp: lookup registry-1.docker.io: no such host."
		    "\nSee 'docker run --help'.\n", "local", "x:1", "image x:1 "
		    "is not on local: " BUILD_IT },
		{ 1, "Error response from daemon: image x:1: not found\n",
		    "local", "x:1", "image x:1 is not on local: " BUILD_IT },
		/* Without the image, docker's own words. */
		{ 1, "Error: No such image: x:latest\n", "local", NULL,
		    "Error: No such image: x:latest" },
		{ 1, "Error response from daemon: No such container: "
		    "sandbox-agent-03\n", "ssh://u@h:22", NULL,
		    "no container sandbox-agent-03 on ssh://u@h:22" },
		{ 1, "Error response from daemon: No such container: a\nError "
		    "response from daemon: No such container: b\nError: failed "
		    "to start containers: a, b\n", "local", NULL,
		    "no container a on local" },
		{ 125, "docker: Error response from daemon: Conflict. The "
		    "container name \"/sandbox-agent-03\" is already in use by "
		    "container \"e849c0791f4c42fc418fe735edd3829644ee936f830ddb"
		    "fec9beaa1dda7bf46d\". You have to remove (or rename) that "
		    "container to be able to reuse that name.\nSee 'docker run "
		    "--help'.\n", "local", "img", "a container named "
		    "sandbox-agent-03 already exists on local" },
		{ 125, "Conflict: the name is already in use by container x\n",
		    "local", NULL, "a container with that name already exists "
		    "on local" },
		/* The container's command missing: exit 127, not docker. */
		{ 127, "docker: Error response from daemon: failed to create "
		    "shim task: OCI runtime create failed: runc create failed: "
		    "unable to start container process: exec: \"claude\": "
		    "executable file not found in $PATH: unknown.\n", "local",
		    "img", "docker: Error response from daemon: failed to "
		    "create shim task: OCI runtime create failed: runc create "
		    "failed: unable to start container process: exec: "
		    "\"claude\": executable file not found in $PATH: unknown." },
		/* Fallbacks */
		{ 125, "docker: Error response from daemon: Range of CPUs is "
		    "from 0.01 to 8.00, as there are only 8 CPUs available.\n"
		    "See 'docker run --help'.\n\n", "local", "img",
		    "docker: Error response from daemon: Range of CPUs is from "
		    "0.01 to 8.00, as there are only 8 CPUs available." },
		{ 3, "", "local", NULL, "exit status 3" },
		{ 3, NULL, "local", NULL, "exit status 3" },
		{ 3, " \n\t\n", "local", NULL, "exit status 3" },
		{ 1, "See 'docker run --help'.\n", "local", NULL,
		    "See 'docker run --help'." },
		{ 1, "  \tfirst\n\t last \t\r\n", "local", NULL, "last" },
		{ 1, "bad \033[31mred\033[0m\ttab\a\x7f\xc2\x9b" "2J \xff ok é\n",
		    "local", NULL, "bad \\x1b[31mred\\x1b[0m\\x09tab\\x07\\x7f"
		    "\\xc2\\x9b" "2J \\xff ok é" },
		/* Echoed target and image; NULL target. */
		{ 1, "Cannot connect to the Docker daemon at x\n", "h\033]0;x\a",
		    NULL, "docker is not running on h\\x1b]0;x\\x07" },
		{ 125, "No such image: a\n", NULL, "a\nb",
		    "image a\\x0ab is not on the target: " BUILD_IT },
		{ 1, "No such container: x\033[2J\n", "local", NULL,
		    "no container x\\x1b[2J on local" },
	};
	size_t	 i;
	char	*msg, *long_err;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		msg = docker_explain(cases[i].status, cases[i].err,
		    cases[i].target, cases[i].image);
		if (strcmp(msg, cases[i].out) != 0)
			fail_msg("case %zu: '%s'", i, msg);
		free(msg);
	}

	/* Capped, at a character boundary. */
	long_err = xmalloc(1001);
	memset(long_err, 'a', 1000);
	long_err[1000] = '\0';
	msg = docker_explain(1, long_err, "local", NULL);
	assert_int_equal(strlen(msg), 303);
	assert_string_equal(msg + 300, "...");
	free(msg);
	for (i = 0; i + 2 <= 1000; i += 2)
		memcpy(long_err + i, "\xc3\xa9", 2);
	msg = docker_explain(1, long_err + 1, "local", NULL);
	assert_memory_equal(msg, "\\xa9\xc3\xa9", 6);
	assert_int_equal(strlen(msg), 4 + 296 + 3);
	assert_string_equal(msg + 300, "...");
	free(msg);
	free(long_err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker_explain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
