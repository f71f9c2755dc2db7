/*
 * Building and inspecting the agent image on the target: the `docker build`
 * command that reads its context as a tar on stdin, the step lines of its
 * output, and what `image status` asks docker and how to read the answer.
 * Pure, like the rest of gcp/docker*.c: running is conn.h's job.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config/echo.h"
#include "config/shquote.h"
#include "config/xmalloc.h"
#include "gcp/docker.h"
#include "gcp/docker_private.h"

static int
image_name_ok(const char *s, size_t len, const char *extra)
{
	size_t	i;

	if (len == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	for (i = 1; i < len; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    strchr(extra, s[i]) == NULL)
			return 0;
	}
	return 1;
}

/*
 * NAME=VALUE with a name of the given alphabet and a value without control
 * characters: docker would take a line break, but nobody means one.
 */
static int
image_pair_ok(const char *what, const char *pair, const char *extra,
    char **cause)
{
	const char	*eq = pair != NULL ? strchr(pair, '=') : NULL;
	const char	*p;
	char		*echo;

	if (eq != NULL && image_name_ok(pair, (size_t)(eq - pair), extra)) {
		for (p = eq + 1; *p != '\0'; p++) {
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				break;
		}
		if (*p == '\0')
			return 1;
	}
	echo = echo_text(pair != NULL ? pair : "", DOCKER_ECHO_MAX);
	*cause = xasprintf("%s '%s': not NAME=VALUE (a name of letters, "
	    "digits%s and _, a value without control characters)", what,
	    echo, *extra != '\0' ? ", dots, dashes" : "");
	free(echo);
	return 0;
}

char *
docker_cmd_build(const struct docker_build *b, char **cause)
{
	struct strbuf		 out = { NULL, 0, 0 };
	const char		*df = b->dockerfile;
	size_t			 i;

	if (!docker_image_ok(b->tag, cause))
		return NULL;
	if (df == NULL || *df == '\0' || *df == '/' || *df == '-' ||
	    strstr(df, "..") != NULL || strpbrk(df, "\n\r") != NULL) {
		*cause = xstrdup("the Dockerfile must be a plain path inside "
		    "the build context");
		return NULL;
	}
	if (b->network != NULL && *b->network != '\0' &&
	    !docker_valid_name(b->network)) {
		*cause = xasprintf("network '%s': not a docker network name",
		    b->network);
		return NULL;
	}
	for (i = 0; i < b->nargs; i++) {
		if (!image_pair_ok("build argument", b->args[i], "", cause))
			return NULL;
	}
	for (i = 0; i < b->nlabels; i++) {
		if (!image_pair_ok("label", b->labels[i], ".-", cause))
			return NULL;
	}

	/* BuildKit, where docker uses it, then prints steps as plain lines. */
	strbuf_add(&out, "BUILDKIT_PROGRESS=plain docker build --force-rm");
	if (b->no_cache)
		strbuf_add(&out, " --no-cache");
	if (b->network != NULL && *b->network != '\0')
		docker_buf_addf(&out, "--network", "%s", b->network);
	docker_buf_addf(&out, "-t", "%s", b->tag);
	docker_buf_addf(&out, "-f", "%s", df);
	for (i = 0; i < b->nlabels; i++)
		docker_buf_addf(&out, "--label", "%s", b->labels[i]);
	for (i = 0; i < b->nargs; i++)
		docker_buf_addf(&out, "--build-arg", "%s", b->args[i]);
	strbuf_add(&out, " -");
	return out.s;
}

/* Reads digits; NULL if none. */
static const char *
image_number(const char *p, int *n)
{
	long	v = 0;

	if (!isdigit((unsigned char)*p))
		return NULL;
	while (isdigit((unsigned char)*p)) {
		if (v < 100000)
			v = v * 10 + (*p - '0');
		p++;
	}
	*n = (int)v;
	return p;
}

int
docker_build_step(const char *line, struct docker_build_step *st)
{
	const char	*p = line, *close;
	int		 a, b;

	memset(st, 0, sizeof *st);
	if (strncmp(p, "Step ", 5) == 0) {
		/* The classic builder: "Step 3/12 : RUN make". */
		if ((p = image_number(p + 5, &a)) == NULL || *p != '/' ||
		    (p = image_number(p + 1, &b)) == NULL ||
		    strncmp(p, " : ", 3) != 0)
			return 0;
		st->step = a;
		st->total = b;
		st->text = p + 3;
		return a >= 1 && b >= a;
	}
	/* BuildKit's plain progress: "#7 [node 3/5] RUN make". */
	if (*p != '#' || (p = image_number(p + 1, &a)) == NULL ||
	    strncmp(p, " [", 2) != 0)
		return 0;
	p += 2;
	if ((close = strchr(p, ']')) == NULL)
		return 0;
	while (p < close && !isdigit((unsigned char)*p)) {
		/* Skip the stage name, if any. */
		if ((p = strchr(p, ' ')) == NULL || p > close)
			return 0;
		p++;
	}
	if ((p = image_number(p, &a)) == NULL || *p != '/' ||
	    (p = image_number(p + 1, &b)) == NULL || p != close)
		return 0;
	st->step = a;
	st->total = b;
	st->text = close[1] == ' ' ? close + 2 : close + 1;
	return a >= 1 && b >= a;
}

/* Sections of the status command's output, in order. */
#define IMAGE_STATUS_END "--sandbox-tui-end--"
/* Longest line of docker's echoed in a message. */
#define IMAGE_ECHO_MAX	80

char *
docker_cmd_image_status(const char *image, const char *base, char **cause)
{
	char	*qi, *qb, *cmd;

	if (!docker_image_ok(image, cause) || !docker_image_ok(base, cause))
		return NULL;
	qi = sh_quote(image);
	qb = sh_quote(base);
	/*
	 * The server's version first: if docker does not answer, the command
	 * fails there with docker's own message, and "null" below can only
	 * mean "no such image".  The Claude Code version is a file the agent
	 * Dockerfile writes; other images have none.
	 */
	cmd = xasprintf("set -e; docker version --format '{{.Server.Version}}'; "
	    "for i in %s %s; do o=$(docker image inspect --format "
	    "'{{json .}}' \"$i\" 2>/dev/null) || o=; echo \"${o:-null}\"; "
	    "done; "
	    "docker run --rm --pull never --network none --entrypoint cat %s "
	    "/usr/local/share/sandbox-agent/claude-version 2>/dev/null || "
	    "echo -; "
	    "ids=$(docker ps -aq --filter label=%s); "
	    "[ -z \"$ids\" ] || docker inspect --format "
	    "'{{.Name}} {{.Image}} {{.State.Status}}' $ids; echo %s",
	    qi, qb, qi, AGENT_LABEL, IMAGE_STATUS_END);
	free(qi);
	free(qb);
	return cmd;
}

static char *
image_json_str(json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

static int
image_parse_inspect(const char *line, struct image_info *info,
    const char *what, char **cause)
{
	json_t		*o, *cfg, *labels, *tags, *v;
	json_error_t	 e;
	char		*echo;

	memset(info, 0, sizeof *info);
	if (strcmp(line, "null") == 0)
		return 0;
	if ((o = json_loads(line, 0, &e)) == NULL || !json_is_object(o)) {
		/* jansson's text quotes the bytes near the error. */
		echo = echo_text(o == NULL ? e.text : "not an object",
		    JSON_ERROR_TEXT_LENGTH);
		*cause = xasprintf("image status: docker image inspect of the "
		    "%s image: not JSON (%s)", what, echo);
		free(echo);
		json_decref(o);
		return -1;
	}
	info->present = 1;
	info->id = image_json_str(o, "Id");
	info->created = image_json_str(o, "Created");
	info->architecture = image_json_str(o, "Architecture");
	v = json_object_get(o, "Size");
	info->size = json_is_integer(v) ? (long long)json_integer_value(v) :
	    -1;
	tags = json_object_get(o, "RepoTags");
	if (json_is_array(tags) && json_array_size(tags) > 0 &&
	    json_is_string(json_array_get(tags, 0)))
		info->tag = xstrdup(json_string_value(json_array_get(tags, 0)));
	cfg = json_object_get(o, "Config");
	labels = json_is_object(cfg) ? json_object_get(cfg, "Labels") : NULL;
	if (json_is_object(labels)) {
		info->version = image_json_str(labels, "sandbox-tui.version");
		info->claude_requested = image_json_str(labels,
		    "sandbox-tui.claude-code");
	}
	json_decref(o);
	return 0;
}

/* Cuts the next line off *p (NUL-terminating it in place). */
static char *
image_next_line(char **p)
{
	char	*line = *p, *nl;

	if (line == NULL || *line == '\0')
		return NULL;
	if ((nl = strchr(line, '\n')) != NULL) {
		*nl = '\0';
		*p = nl + 1;
	} else
		*p = line + strlen(line);
	return line;
}

int
docker_parse_image_status(const char *out, struct image_status *st,
    char **cause)
{
	char	*copy = xstrdup(out), *p = copy, *line, *sp, *sp2, *echo;
	int	 i, rc = -1;

	memset(st, 0, sizeof *st);
	for (i = 0; i < 4; i++) {
		if ((line = image_next_line(&p)) == NULL) {
			*cause = xstrdup("image status: docker's answer ended "
			    "early");
			goto out;
		}
		if (i == 0)
			st->server_version = xstrdup(line);
		else if (i == 1 || i == 2) {
			if (image_parse_inspect(line, i == 1 ? &st->image :
			    &st->base, i == 1 ? "agent" : "base", cause) != 0)
				goto out;
		} else if (strcmp(line, "-") != 0 && *line != '\0')
			st->claude_version = xstrdup(line);
	}
	while ((line = image_next_line(&p)) != NULL) {
		if (strcmp(line, IMAGE_STATUS_END) == 0) {
			rc = 0;
			goto out;
		}
		/* "/sandbox-agent-01 sha256:... running" */
		if ((sp = strchr(line, ' ')) == NULL ||
		    (sp2 = strchr(sp + 1, ' ')) == NULL) {
			echo = echo_text(line, IMAGE_ECHO_MAX);
			*cause = xasprintf("image status: unexpected line from "
			    "docker inspect: %s", echo);
			free(echo);
			goto out;
		}
		st->containers = xreallocarray(st->containers,
		    st->ncontainers + 1, sizeof *st->containers);
		st->containers[st->ncontainers].name = xstrndup(
		    line[0] == '/' ? line + 1 : line,
		    (size_t)(sp - line) - (line[0] == '/'));
		st->containers[st->ncontainers].image_id = xstrndup(sp + 1,
		    (size_t)(sp2 - sp - 1));
		st->containers[st->ncontainers].state = xstrdup(sp2 + 1);
		st->ncontainers++;
	}
	*cause = xstrdup("image status: docker's answer ended early");
out:
	free(copy);
	if (rc != 0)
		image_status_free(st);
	return rc;
}

static void
image_info_free(struct image_info *i)
{
	free(i->id);
	free(i->tag);
	free(i->created);
	free(i->architecture);
	free(i->version);
	free(i->claude_requested);
	memset(i, 0, sizeof *i);
}

void
image_status_free(struct image_status *st)
{
	size_t	i;

	free(st->server_version);
	free(st->claude_version);
	image_info_free(&st->image);
	image_info_free(&st->base);
	for (i = 0; i < st->ncontainers; i++) {
		free(st->containers[i].name);
		free(st->containers[i].image_id);
		free(st->containers[i].state);
	}
	free(st->containers);
	memset(st, 0, sizeof *st);
}

int
docker_image_pullable(const char *image)
{
	size_t	n = strcspn(image, "/");

	if (image[n] != '/')
		return 0;
	return memchr(image, '.', n) != NULL || memchr(image, ':', n) != NULL ||
	    (n == 9 && strncmp(image, "localhost", n) == 0);
}
