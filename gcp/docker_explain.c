/*
 * One sentence for a docker command that failed on a target, for the
 * status bar and the CLI.  Docker's own messages are long and vary between
 * versions, so the failures a user can fix (docker missing, no access to
 * its socket, daemon down, image not built, container missing or name
 * taken) are recognised by the phrases every version we know of uses, and
 * said plainly; anything else is docker's own last line.  Everything taken
 * from stderr or the caller goes through echo_text first: it ends up on
 * the user's terminal.
 *
 * Texts checked against docker 20.10 (client and daemon) and a 28.2
 * client, and newer ones seen in bug reports:
 *   sh: 1: docker: not found  (exit 127)
 *   Got permission denied while trying to connect to the Docker daemon
 *     socket at unix:///var/run/docker.sock: ...  (29: "permission denied
 *     while trying to connect to the docker API at ...")
 *   Cannot connect to the Docker daemon at unix:///var/run/docker.sock.
 *     Is the docker daemon running?  (29: "failed to connect to the
 *     docker API at ...; check if ... the daemon is running")
 *   docker: Error response from daemon: No such image: x:latest.
 *   Error: No such image: x:latest  (image inspect)
 *   Unable to find image 'x:latest' locally  (then a pull error)
 *   Error response from daemon: No such container: x
 *   docker: Error response from daemon: Conflict. The container name "/x"
 *     is already in use by container "e849c0...". You have to remove ...
 *   See 'docker run --help'.  (28: Run 'docker run --help' for more ...)
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/echo.h"
#include "config/xmalloc.h"
#include "gcp/docker.h"
#include "gcp/docker_private.h"

/* Longest text taken from docker's stderr into a message. */
#define DOCKER_EXPLAIN_MAX 300

/* [s, s + len) trimmed of blanks and echoed (config/echo.h); caller
 * frees. */
static char *
docker_explain_echo(const char *s, size_t len)
{
	while (len > 0 && (*s == ' ' || *s == '\t' || *s == '\r')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
	    s[len - 1] == '\r'))
		len--;
	return echo_textn(s, len, DOCKER_EXPLAIN_MAX);
}

/* Whether line [p, end) is docker's "see --help" hint, not the error. */
static int
docker_explain_hint(const char *p, const char *end)
{
	char	*line;
	int	 hint;

	line = xstrndup(p, (size_t)(end - p));
	hint = (strncmp(line, "See '", 5) == 0 ||
	    strncmp(line, "Run '", 5) == 0) && strstr(line, "--help") != NULL;
	free(line);
	return hint;
}

/* Docker's last non-empty line that is not a hint (else any); caller frees. */
static char *
docker_explain_last(const char *err)
{
	const char	*p, *end, *last = NULL, *last_end = NULL;
	const char	*any = NULL, *any_end = NULL;

	for (p = err; *p != '\0'; p = end + (*end != '\0')) {
		end = strchrnul(p, '\n');
		if (strspn(p, " \t\r") >= (size_t)(end - p))
			continue;
		any = p;
		any_end = end;
		if (!docker_explain_hint(p, end)) {
			last = p;
			last_end = end;
		}
	}
	if (last == NULL) {
		last = any;
		last_end = any_end;
	}
	if (last == NULL)
		return NULL;
	return docker_explain_echo(last, (size_t)(last_end - last));
}

/* Whether some line of err has "image" and, after it, "not found". */
static int
docker_explain_image_not_found(const char *err)
{
	const char	*p, *end, *image, *nf;

	for (p = err; *p != '\0'; p = end + (*end != '\0')) {
		end = strchrnul(p, '\n');
		if ((image = strcasestr(p, "image")) == NULL || image >= end)
			continue;
		if ((nf = strcasestr(image, "not found")) != NULL && nf < end)
			return 1;
	}
	return 0;
}

/* The text after marker up to the end of its line, echoed; or NULL. */
static char *
docker_explain_after(const char *err, const char *marker)
{
	const char	*p;

	if ((p = strstr(err, marker)) == NULL)
		return NULL;
	p += strlen(marker);
	return docker_explain_echo(p, strcspn(p, "\n"));
}

/* The name from `The container name "/x" is already in use`, or NULL. */
static char *
docker_explain_conflict(const char *err)
{
	const char	*p, *end;

	if ((p = strstr(err, "container name \"")) == NULL)
		return NULL;
	p += strlen("container name \"");
	if (*p == '/')
		p++;
	if ((end = strchr(p, '"')) == NULL || end == p ||
	    memchr(p, '\n', (size_t)(end - p)) != NULL)
		return NULL;
	return docker_explain_echo(p, (size_t)(end - p));
}

char *
docker_explain(int status, const char *err, const char *target,
    const char *image)
{
	char	*t, *what = NULL, *msg;

	if (err == NULL)
		err = "";
	if (target == NULL)
		target = "the target";
	t = docker_explain_echo(target, strlen(target));

	if (strstr(err, "Error response from daemon") == NULL &&
	    (status == 127 || strstr(err, "docker: not found") != NULL ||
	    strstr(err, "command not found") != NULL)) {
		msg = xasprintf("docker is not installed on %s", t);
	} else if (strcasestr(err, "permission denied while trying to "
	    "connect to the docker") != NULL) {
		msg = xasprintf("the user on %s may not use docker (add it to "
		    "the docker group, or run as root)", t);
	} else if (strcasestr(err, "cannot connect to the docker daemon") !=
	    NULL || strcasestr(err, "is the docker daemon running") != NULL ||
	    (strcasestr(err, "failed to connect to the docker api") != NULL &&
	    strcasestr(err, "daemon is running") != NULL)) {
		msg = xasprintf("docker is not running on %s", t);
	} else if (image != NULL && (strcasestr(err, "no such image") != NULL ||
	    strcasestr(err, "unable to find image") != NULL ||
	    docker_explain_image_not_found(err))) {
		what = docker_explain_echo(image, strlen(image));
		msg = xasprintf("image %s is not on %s: sandbox-tui image "
		    "build makes it there, or set agents.image", what, t);
	} else if ((what = docker_explain_after(err,
	    "No such container: ")) != NULL && *what != '\0') {
		msg = xasprintf("no container %s on %s", what, t);
	} else if (strstr(err, "is already in use by container") != NULL) {
		free(what);
		if ((what = docker_explain_conflict(err)) != NULL)
			msg = xasprintf("a container named %s already exists "
			    "on %s", what, t);
		else
			msg = xasprintf("a container with that name already "
			    "exists on %s", t);
	} else if ((msg = docker_explain_last(err)) == NULL)
		msg = xasprintf("exit status %d", status);
	free(what);
	free(t);
	return msg;
}
