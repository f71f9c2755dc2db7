/*
 * What docker prints, parsed: `docker ps` and `docker stats` JSON lines,
 * the `image status` report, build output step lines, the stderr of a
 * failed command turned into one sentence, and agent numbers as a user
 * types them.  What each parser returns is checked against what its
 * header promises, then freed (a leak is a finding); every sentence and
 * cause must be as echo_text makes text (valid UTF-8, no control).
 *
 * Input: [parser byte] then the text.  parser % 6 is
 * 0 docker_parse_ps (docker_parse_containers, the Engine API's list, when
 * the byte's high bit is set), 1 docker_parse_stats, 2 docker_parse_image_status,
 * 3 docker_explain (the text is [status byte] then stderr, target and
 * image, separated by NUL bytes; a part left out is NULL),
 * 4 docker_build_step on each line, 5 agent_parse_number.
 */
#include <stdio.h>
#include <string.h>

#include "config/utf8.h"
#include "gcp/docker.h"
#include "gcp/docker_private.h"
#include "tests/fuzz/fuzz.h"

static void
fuzz_docker_ps(const char *text, int api)
{
	struct agent_info	*a;
	size_t			 n, i;
	char			*cause = NULL;
	int			 rc;

	rc = api ? docker_parse_containers(text, strlen(text), &a, &n,
	    &cause) : docker_parse_ps(text, &a, &n, &cause);
	if (rc != 0) {
		fuzz_check(cause != NULL && a == NULL && n == 0 &&
		    fuzz_printable(cause),
		    "docker_parse_ps failed without a printable cause");
		free(cause);
		return;
	}
	fuzz_check(cause == NULL, "docker_parse_ps: cause on success");
	for (i = 0; i < n; i++) {
		fuzz_check(a[i].n >= 1 && a[i].n <= AGENT_MAX,
		    "docker_parse_ps: agent number out of range");
		fuzz_check(*a[i].name != '\0' &&
		    strchr(a[i].name, ',') == NULL,
		    "docker_parse_ps: not one container name");
		fuzz_check(a[i].id != NULL && a[i].image != NULL &&
		    a[i].state != NULL && a[i].status != NULL &&
		    a[i].created != NULL, "docker_parse_ps: a NULL field");
		fuzz_check(a[i].exit_code >= -1 && a[i].exit_code <= 255,
		    "docker_parse_ps: exit code out of range");
		fuzz_check(i == 0 || a[i - 1].n <= a[i].n,
		    "docker_parse_ps: not sorted by number");
	}
	agent_info_free(a, n);
}

static void
fuzz_docker_stats(const char *text)
{
	struct agent_stats	*st;
	size_t			 n, i;
	char			*cause = NULL;

	if (docker_parse_stats(text, &st, &n, &cause) != 0) {
		fuzz_check(cause != NULL && st == NULL && n == 0 &&
		    fuzz_printable(cause),
		    "docker_parse_stats failed without a printable cause");
		free(cause);
		return;
	}
	for (i = 0; i < n; i++) {
		fuzz_check(st[i].name != NULL && *st[i].name != '\0' &&
		    st[i].mem_usage != NULL, "docker_parse_stats: bad entry");
	}
	agent_stats_free(st, n);
}

static void
fuzz_docker_image_status(const char *text)
{
	struct image_status	 st;
	size_t			 i;
	char			*cause = NULL;

	if (docker_parse_image_status(text, &st, &cause) != 0) {
		fuzz_check(cause != NULL && st.ncontainers == 0 &&
		    st.containers == NULL && st.server_version == NULL &&
		    fuzz_printable(cause),
		    "docker_parse_image_status failed without a printable "
		    "cause");
		free(cause);
		return;
	}
	fuzz_check(st.server_version != NULL,
	    "docker_parse_image_status: no server version");
	for (i = 0; i < st.ncontainers; i++) {
		fuzz_check(st.containers[i].name != NULL &&
		    st.containers[i].image_id != NULL &&
		    st.containers[i].state != NULL,
		    "docker_parse_image_status: a NULL container field");
	}
	image_status_free(&st);
}

/* The next NUL-separated part of buf[*off, len), or NULL past the end. */
static char *
fuzz_docker_part(const char *buf, size_t len, size_t *off)
{
	const char	*nul;
	char		*s;
	size_t		 n;

	if (*off > len)
		return NULL;
	nul = memchr(buf + *off, '\0', len - *off);
	n = nul != NULL ? (size_t)(nul - (buf + *off)) : len - *off;
	s = malloc(n + 1);
	if (s == NULL)
		abort();
	memcpy(s, buf + *off, n);
	s[n] = '\0';
	*off += n + 1;
	return s;
}

static void
fuzz_docker_explain(struct fuzz_in *in)
{
	const char	*p;
	char		*err, *target, *image, *msg;
	int		 status = (int)fuzz_byte(in);
	size_t		 n, off = 0;

	p = fuzz_bytes(in, in->len, &n);
	err = fuzz_docker_part(p, n, &off);
	target = fuzz_docker_part(p, n, &off);
	image = fuzz_docker_part(p, n, &off);
	msg = docker_explain(status, err, target, image);
	fuzz_check(msg != NULL && *msg != '\0',
	    "docker_explain: no sentence");
	fuzz_check(fuzz_printable(msg),
	    "docker_explain: control bytes or bad UTF-8 in the sentence");
	fuzz_check(strlen(msg) < 1024, "docker_explain: too long");
	free(msg);
	free(image);
	free(target);
	free(err);
}

static void
fuzz_docker_steps(char *text)
{
	struct docker_build_step	 st;
	char				*line, *nl;

	for (line = text; line != NULL; line = nl != NULL ? nl + 1 : NULL) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		if (!docker_build_step(line, &st))
			continue;
		fuzz_check(st.step >= 1 && st.step <= st.total,
		    "docker_build_step: step out of range");
		fuzz_check(st.text >= line &&
		    st.text <= line + strlen(line),
		    "docker_build_step: text outside the line");
	}
}

static void
fuzz_docker_number(const char *text)
{
	char	*cause = NULL;
	int	 n;

	n = agent_parse_number(text, &cause);
	if (n == -1) {
		fuzz_check(cause != NULL && fuzz_printable(cause),
		    "agent_parse_number: no printable cause");
		free(cause);
		return;
	}
	fuzz_check(n >= 1 && n <= AGENT_MAX && cause == NULL,
	    "agent_parse_number: out of range");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in	 in = { data, size };
	unsigned	 which = fuzz_byte(&in);
	char		*text;

	if (which % 6 == 3) {
		fuzz_docker_explain(&in);
		return 0;
	}
	text = fuzz_string(&in);
	switch (which % 6) {
	case 0:
		fuzz_docker_ps(text, (which & 0x80) != 0);
		break;
	case 1:
		fuzz_docker_stats(text);
		break;
	case 2:
		fuzz_docker_image_status(text);
		break;
	case 4:
		fuzz_docker_steps(text);
		break;
	case 5:
		fuzz_docker_number(text);
		break;
	}
	free(text);
	return 0;
}
