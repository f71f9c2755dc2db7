/*
 * Unit tests for gcp/docker_image.c: the docker build command (quoting and
 * what it refuses), step lines of the classic builder and of BuildKit, and
 * reading the answer of the image status command, including docker's own
 * `image inspect` JSON as 20.10 prints it.
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

static void
test_docker_build_cmd(void **state)
{
	char			*args[] = { "BASE=debian:bookworm-slim",
	    "NOTE=it's a \"test\" $(x)" };
	char			*labels[] = { "sandbox-tui.version=1.0" };
	struct docker_build	 b = { "sandbox-agent:latest", "Dockerfile.base",
	    "host", args, 2, labels, 1, 1 };
	char			*cmd, *cause = NULL;

	(void)state;
	cmd = docker_cmd_build(&b, &cause);
	assert_non_null(cmd);
	assert_string_equal(cmd, "BUILDKIT_PROGRESS=plain docker build "
	    "--force-rm --no-cache --network 'host' -t 'sandbox-agent:latest' "
	    "-f 'Dockerfile.base' --label 'sandbox-tui.version=1.0' "
	    "--build-arg 'BASE=debian:bookworm-slim' --build-arg "
	    "'NOTE=it'\\''s a \"test\" $(x)' -");
	free(cmd);

	b.network = NULL;
	b.nargs = b.nlabels = 0;
	b.no_cache = 0;
	cmd = docker_cmd_build(&b, &cause);
	assert_string_equal(cmd, "BUILDKIT_PROGRESS=plain docker build "
	    "--force-rm -t 'sandbox-agent:latest' -f 'Dockerfile.base' -");
	free(cmd);
}

static void
test_docker_build_refuses(void **state)
{
	static const struct {
		const char	*tag, *df, *net, *arg, *label, *want;
	} cases[] = {
		{ "-x", "Dockerfile", NULL, NULL, NULL, "image '-x'" },
		{ "a b", "Dockerfile", NULL, NULL, NULL, "image 'a b'" },
		{ "img", "/etc/passwd", NULL, NULL, NULL, "plain path" },
		{ "img", "../Dockerfile", NULL, NULL, NULL, "plain path" },
		{ "img", "-", NULL, NULL, NULL, "plain path" },
		{ "img", "Dockerfile", "a;b", NULL, NULL, "network 'a;b'" },
		{ "img", "Dockerfile", NULL, "1X=y", NULL,
		    "build argument '1X=y'" },
		{ "img", "Dockerfile", NULL, "NOVALUE", NULL,
		    "build argument 'NOVALUE'" },
		{ "img", "Dockerfile", NULL, "A=b\nc", NULL,
		    "build argument 'A=b\\x0ac'" },
		{ "img", "Dockerfile", NULL, "A-B=c", NULL,
		    "build argument 'A-B=c'" },
		{ "img", "Dockerfile", NULL, NULL, "a b=c", "label 'a b=c'" },
	};
	struct docker_build	 b;
	char			*args[1], *labels[1], *cause;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(&b, 0, sizeof b);
		b.tag = cases[i].tag;
		b.dockerfile = cases[i].df;
		b.network = cases[i].net;
		if (cases[i].arg != NULL) {
			args[0] = (char *)cases[i].arg;
			b.args = args;
			b.nargs = 1;
		}
		if (cases[i].label != NULL) {
			labels[0] = (char *)cases[i].label;
			b.labels = labels;
			b.nlabels = 1;
		}
		cause = NULL;
		assert_null(docker_cmd_build(&b, &cause));
		assert_non_null(cause);
		if (strstr(cause, cases[i].want) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, cause,
			    cases[i].want);
		free(cause);
	}
}

static void
test_docker_build_step(void **state)
{
	static const struct {
		const char	*line;
		int		 ok, step, total;
		const char	*text;
	} cases[] = {
		{ "Step 3/12 : RUN set -eu; apt-get update", 1, 3, 12,
		    "RUN set -eu; apt-get update" },
		{ "Step 1/1 : FROM x", 1, 1, 1, "FROM x" },
		{ "#7 [node 3/5] RUN set -eu", 1, 3, 5, "RUN set -eu" },
		{ "#12 [stage-2 2/4] COPY --from=node /opt/node/ /usr/local/", 1,
		    2, 4, "COPY --from=node /opt/node/ /usr/local/" },
		{ "#5 [2/4] RUN make", 1, 2, 4, "RUN make" },
		{ "#5 [internal] load build definition from Dockerfile", 0, 0,
		    0, NULL },
		{ "#7 0.512 Get:1 http://deb.debian.org bookworm InRelease", 0,
		    0, 0, NULL },
		{ "Step 13/12 : RUN x", 0, 0, 0, NULL },
		{ "Step x/12 : RUN x", 0, 0, 0, NULL },
		{ " ---> Running in 1c2d", 0, 0, 0, NULL },
		{ "", 0, 0, 0, NULL },
	};
	struct docker_build_step	st;
	size_t				i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (docker_build_step(cases[i].line, &st) != cases[i].ok)
			fail_msg("case %zu: %s", i, cases[i].line);
		if (!cases[i].ok)
			continue;
		assert_int_equal(st.step, cases[i].step);
		assert_int_equal(st.total, cases[i].total);
		assert_string_equal(st.text, cases[i].text);
	}
}

static void
test_docker_image_status_cmd(void **state)
{
	char	*cmd, *cause = NULL;

	(void)state;
	cmd = docker_cmd_image_status("sandbox-agent:latest",
	    "sandbox-agent-base:latest", &cause);
	assert_non_null(cmd);
	assert_non_null(strstr(cmd, "for i in 'sandbox-agent:latest' "
	    "'sandbox-agent-base:latest'; do"));
	assert_non_null(strstr(cmd, "--pull never"));
	free(cmd);
	assert_null(docker_cmd_image_status("x;rm", "b", &cause));
	assert_non_null(strstr(cause, "'x;rm'"));
	free(cause);
}

/* Trimmed from `docker image inspect --format '{{json .}}'`, 20.10. */
#define INSPECT_AGENT "{\"Id\":\"sha256:4b2c8a\",\"RepoTags\":[\"sandbox-" \
	"agent:latest\"],\"Created\":\"2026-11-29T07:10:02.123456789Z\"," \
	"\"Size\":1234567890,\"Architecture\":\"amd64\",\"Config\":{\"Labels\":" \
	"{\"sandbox-tui.version\":\"abc\",\"sandbox-tui.claude-code\":" \
	"\"latest\"}}}"

static void
test_docker_image_status_parse(void **state)
{
	struct image_status	 st;
	char			*cause = NULL;

	(void)state;
	assert_int_equal(docker_parse_image_status("20.10.24+dfsg1\n"
	    INSPECT_AGENT "\nnull\n2.1.332 (Claude Code)\n"
	    "/sandbox-agent-01 sha256:4b2c8a running\n"
	    "/sandbox-agent-02 sha256:0000aa exited\n"
	    "--sandbox-tui-end--\n", &st, &cause), 0);
	assert_string_equal(st.server_version, "20.10.24+dfsg1");
	assert_true(st.image.present);
	assert_string_equal(st.image.id, "sha256:4b2c8a");
	assert_string_equal(st.image.tag, "sandbox-agent:latest");
	assert_string_equal(st.image.created, "2026-11-29T07:10:02.123456789Z");
	assert_int_equal(st.image.size, 1234567890);
	assert_string_equal(st.image.version, "abc");
	assert_string_equal(st.image.claude_requested, "latest");
	assert_false(st.base.present);
	assert_string_equal(st.claude_version, "2.1.332 (Claude Code)");
	assert_int_equal(st.ncontainers, 2);
	assert_string_equal(st.containers[1].name, "sandbox-agent-02");
	assert_string_equal(st.containers[1].image_id, "sha256:0000aa");
	assert_string_equal(st.containers[1].state, "exited");
	image_status_free(&st);

	/* No image, no agents, no Claude Code. */
	assert_int_equal(docker_parse_image_status("27.0.1\nnull\nnull\n-\n"
	    "--sandbox-tui-end--\n", &st, &cause), 0);
	assert_false(st.image.present);
	assert_null(st.claude_version);
	assert_int_equal(st.ncontainers, 0);
	image_status_free(&st);

	/* Cut short (the connection went), or garbage. */
	assert_int_equal(docker_parse_image_status("27.0.1\nnull\n", &st,
	    &cause), -1);
	assert_non_null(strstr(cause, "ended early"));
	free(cause);
	assert_int_equal(docker_parse_image_status("27.0.1\nnull\nnull\n-\n",
	    &st, &cause), -1);
	free(cause);
	assert_int_equal(docker_parse_image_status("27.0.1\n{oops\nnull\n-\n"
	    "--sandbox-tui-end--\n", &st, &cause), -1);
	assert_non_null(strstr(cause, "agent image: not JSON"));
	free(cause);
	assert_int_equal(docker_parse_image_status("27.0.1\nnull\nnull\n-\n"
	    "oneword\n--sandbox-tui-end--\n", &st, &cause), -1);
	assert_non_null(strstr(cause, "oneword"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker_build_cmd),
		cmocka_unit_test(test_docker_build_refuses),
		cmocka_unit_test(test_docker_build_step),
		cmocka_unit_test(test_docker_image_status_cmd),
		cmocka_unit_test(test_docker_image_status_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
