/*
 * The checks every export makes of its context before it writes a byte:
 * agent numbers and names (sandbox-agent-NN, each once), the ssh
 * parameters (a host alias, host name and user that cannot smuggle in an
 * option or a pattern, a port, key and known-hosts paths an ssh config can
 * hold, a control_dir short enough for its sockets), and for compose the
 * same limits `agents start` holds docker run to.  A refusal names the
 * value (through echo_text) and says what is wrong with it.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/echo.h"
#include "config/utf8.h"
#include "config/xmalloc.h"
#include "gcp/docker.h"
#include "layouts/export.h"
#include "layouts/export_private.h"

/* Docker refuses a memory limit below 6MB; 1TiB is beyond any VM we make. */
#define EXPORT_MEMORY_MIN	(6LL * 1024 * 1024)
#define EXPORT_MEMORY_MAX	(1LL << 40)
/* --cpus takes hundredths at the finest (0.01). */
#define EXPORT_CPUS_MIN		10L
#define EXPORT_CPUS_MAX		1024000L
#define EXPORT_PIDS_MAX		4194304L
#define EXPORT_IMAGE_MAX	512
/* Longest value quoted back in a message. */
#define EXPORT_ECHO_MAX		80

int
export_bad(char **cause, const char *what, const char *value,
    const char *why)
{
	char	*echo;

	if (cause != NULL) {
		echo = echo_text(value, EXPORT_ECHO_MAX);
		*cause = xasprintf("%s '%s': %s", what, echo, why);
		free(echo);
	}
	return -1;
}

/* Whether s is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
static int
export_utf8_ok(const char *s)
{
	return utf8_valid(s, strlen(s));
}

int
export_has_control(const char *s)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return 1;
	}
	return 0;
}

int
export_one_line(const char *s)
{
	return s != NULL && !export_has_control(s) && export_utf8_ok(s);
}

/* Whether s is non-empty, all from set, and does not start with '-'. */
static int
export_word_ok(const char *s, const char *set)
{
	return s != NULL && *s != '\0' && *s != '-' &&
	    strspn(s, set) == strlen(s);
}

/*
 * A path that goes into a generated file: present, no control bytes (a
 * line break would start a new config line), valid UTF-8; absolute when
 * asked, and for an ssh_config argument no '"' or '\'.
 */
#define EXPORT_PATH_ABS		0x1
#define EXPORT_PATH_SSH		0x2
#define EXPORT_PATH_TILDE	0x4	/* "~/..." counts as absolute */

static int
export_path_ok(const char *what, const char *path, int flags, char **cause)
{
	if (path == NULL || *path == '\0')
		return export_bad(cause, what, path, "missing");
	if (export_has_control(path))
		return export_bad(cause, what, path,
		    "contains a line break or control character");
	if (!export_utf8_ok(path))
		return export_bad(cause, what, path, "is not valid UTF-8");
	if ((flags & EXPORT_PATH_ABS) && *path != '/' &&
	    !((flags & EXPORT_PATH_TILDE) && strncmp(path, "~/", 2) == 0))
		return export_bad(cause, what, path, "not an absolute path");
	if ((flags & EXPORT_PATH_SSH) && strpbrk(path, "\"\\") != NULL)
		return export_bad(cause, what, path, "contains '\"' or '\\', "
		    "which an ssh config file cannot hold");
	return 0;
}

/* The workspace checks `agents start` makes: not "/", no "." or "..". */
static int
export_workspace_ok(const char *ws, char **cause)
{
	const char	*p, *end;
	size_t		 plen;

	if (export_path_ok("workspace_dir", ws, EXPORT_PATH_ABS, cause) != 0)
		return -1;
	if (ws[strspn(ws, "/")] == '\0')
		return export_bad(cause, "workspace_dir", ws, "must not be /");
	for (p = ws; *p != '\0'; p = end) {
		p += strspn(p, "/");
		end = strchrnul(p, '/');
		plen = (size_t)(end - p);
		if ((plen == 1 && p[0] == '.') ||
		    (plen == 2 && p[0] == '.' && p[1] == '.'))
			return export_bad(cause, "workspace_dir", ws,
			    "must not contain . or ..");
	}
	return 0;
}

static int
export_agents_ok(const struct export_ctx *ctx, char **cause)
{
	char	 want[64], what[32];
	size_t	 i, j;

	if (ctx->nagents > 0 && ctx->agents == NULL) {
		if (cause != NULL)
			*cause = xstrdup("no agent list given");
		return -1;
	}
	for (i = 0; i < ctx->nagents; i++) {
		const struct export_agent *a = &ctx->agents[i];

		if (a->n < 1 || a->n > AGENT_MAX) {
			if (cause != NULL)
				*cause = xasprintf("agent %d: not a number "
				    "between 1 and %d", a->n, AGENT_MAX);
			return -1;
		}
		snprintf(want, sizeof want, AGENT_NAME_PREFIX "%02d", a->n);
		snprintf(what, sizeof what, "agent %d", a->n);
		if (a->name == NULL || strcmp(a->name, want) != 0)
			return export_bad(cause, what, a->name, "name is "
			    "not " AGENT_NAME_PREFIX "NN for its number");
		for (j = 0; j < i; j++) {
			if (ctx->agents[j].n == a->n) {
				if (cause != NULL)
					*cause = xasprintf("agent %d: listed "
					    "twice", a->n);
				return -1;
			}
		}
	}
	return 0;
}

static int
export_ssh_ok(const struct export_ctx *ctx, char **cause)
{
	if (!export_word_ok(ctx->host_alias, EXPORT_ALNUM "._-"))
		return export_bad(cause, "host alias", ctx->host_alias,
		    "must be letters, digits, '.', '_' or '-'");
	if (!export_word_ok(ctx->hostname, EXPORT_ALNUM ".-_:"))
		return export_bad(cause, "host name", ctx->hostname,
		    "must be a host name or an IP address");
	if (ctx->port < 1 || ctx->port > 65535) {
		if (cause != NULL)
			*cause = xasprintf("port %d: not between 1 and 65535",
			    ctx->port);
		return -1;
	}
	if (!export_word_ok(ctx->user, EXPORT_ALNUM "._-"))
		return export_bad(cause, "user", ctx->user,
		    "must be letters, digits, '.', '_' or '-'");
	if (ctx->identity != NULL && export_path_ok("identity file",
	    ctx->identity, EXPORT_PATH_ABS | EXPORT_PATH_TILDE |
	    EXPORT_PATH_SSH, cause) != 0)
		return -1;
	if (ctx->known_hosts != NULL && export_path_ok("known_hosts file",
	    ctx->known_hosts, EXPORT_PATH_ABS | EXPORT_PATH_TILDE |
	    EXPORT_PATH_SSH, cause) != 0)
		return -1;
	if (export_path_ok("control_dir", ctx->control_dir, EXPORT_PATH_ABS |
	    EXPORT_PATH_SSH, cause) != 0)
		return -1;
	/*
	 * A socket path must fit sun_path (104 bytes on macOS, 108 on
	 * Linux): DIR/ + 40 hex digits of %C + the ".XXXXXXXXXXXXXXXX"
	 * ssh adds while it creates the socket, + the NUL.
	 */
	if (strlen(ctx->control_dir) > EXPORT_CONTROL_DIR_MAX) {
		if (cause != NULL)
			*cause = xasprintf("control_dir '%s': longer than %d "
			    "bytes, too long for the %%C sockets in it "
			    "(a socket path has at most 103)",
			    ctx->control_dir, EXPORT_CONTROL_DIR_MAX);
		return -1;
	}
	return 0;
}

static int
export_compose_ok(const struct export_ctx *ctx, char **cause)
{
	char	what[32];
	int	i;

	if (!export_word_ok(ctx->image, EXPORT_ALNUM "._/:@-") ||
	    strlen(ctx->image) > EXPORT_IMAGE_MAX)
		return export_bad(cause, "image", ctx->image,
		    "not a valid image name");
	if (ctx->ncommand < 0 || (ctx->ncommand > 0 && ctx->command == NULL)) {
		if (cause != NULL)
			*cause = xstrdup("command: bad word count");
		return -1;
	}
	for (i = 0; i < ctx->ncommand; i++) {
		snprintf(what, sizeof what, "command word %d", i + 1);
		if (ctx->command[i] == NULL ||
		    !export_utf8_ok(ctx->command[i]))
			return export_bad(cause, what, ctx->command[i],
			    "missing or not valid UTF-8");
	}
	if (ctx->memory < EXPORT_MEMORY_MIN ||
	    ctx->memory > EXPORT_MEMORY_MAX) {
		if (cause != NULL)
			*cause = xasprintf("memory %lld: not between 6MiB and "
			    "1TiB", ctx->memory);
		return -1;
	}
	if (ctx->cpus_milli < EXPORT_CPUS_MIN ||
	    ctx->cpus_milli > EXPORT_CPUS_MAX) {
		if (cause != NULL)
			*cause = xasprintf("cpus %ld/1000: not between 0.01 "
			    "and 1024", ctx->cpus_milli);
		return -1;
	}
	if (ctx->pids_limit < 1 || ctx->pids_limit > EXPORT_PIDS_MAX) {
		if (cause != NULL)
			*cause = xasprintf("pids_limit %ld: not between 1 and "
			    "%ld", ctx->pids_limit, EXPORT_PIDS_MAX);
		return -1;
	}
	if (export_workspace_ok(ctx->workspace_dir, cause) != 0)
		return -1;
	if (ctx->settings_file != NULL && export_path_ok("settings_file",
	    ctx->settings_file, EXPORT_PATH_ABS, cause) != 0)
		return -1;
	if (ctx->env_file != NULL && export_path_ok("env_file",
	    ctx->env_file, EXPORT_PATH_ABS, cause) != 0)
		return -1;
	if (ctx->version == NULL || *ctx->version == '\0' ||
	    export_has_control(ctx->version) || !export_utf8_ok(ctx->version))
		return export_bad(cause, "version", ctx->version,
		    "missing, or not one line of UTF-8");
	return 0;
}

int
export_check(const struct export_ctx *ctx, int need, const char *what,
    char **cause)
{
	char	*inner = NULL;
	int	 rc = -1;

	if (ctx->self != NULL && (export_has_control(ctx->self) ||
	    !export_utf8_ok(ctx->self)))
		export_bad(&inner, "program path", ctx->self,
		    "not one line of UTF-8");
	else if (ctx->version != NULL && (export_has_control(ctx->version) ||
	    !export_utf8_ok(ctx->version)))
		export_bad(&inner, "version", ctx->version,
		    "not one line of UTF-8");
	else if (export_agents_ok(ctx, &inner) != 0)
		;
	else if ((need & EXPORT_NEED_AGENTS) && ctx->nagents == 0)
		inner = xstrdup("there are no agents to export (start some "
		    "with `agents start N`)");
	else if ((need & EXPORT_NEED_SSH) && !ctx->local &&
	    export_ssh_ok(ctx, &inner) != 0)
		;
	else if ((need & EXPORT_NEED_COMPOSE) &&
	    export_compose_ok(ctx, &inner) != 0)
		;
	else
		rc = 0;
	if (rc != 0 && cause != NULL)
		*cause = xasprintf("export %s: %s", what, inner);
	free(inner);
	return rc;
}

static int
export_agent_cmp(const void *a, const void *b)
{
	const struct export_agent	*x = a, *y = b;

	return (x->n > y->n) - (x->n < y->n);
}

struct export_agent *
export_agents_sorted(const struct export_ctx *ctx)
{
	struct export_agent	*v;

	v = xcalloc(ctx->nagents + 1, sizeof *v);
	if (ctx->nagents > 0)
		memcpy(v, ctx->agents, ctx->nagents * sizeof *v);
	qsort(v, ctx->nagents, sizeof *v, export_agent_cmp);
	return v;
}
