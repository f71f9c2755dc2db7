/*
 * The checks every export makes of its context before it writes a byte:
 * agent numbers and names (sandbox-agent-NN, each once), the ssh
 * parameters (a host alias, host name and user that cannot smuggle in an
 * option or a pattern, a port, key and known-hosts paths an ssh config can
 * hold, a control_dir short enough for its sockets), and for compose that
 * docker_run_describe() accepts every agent: the rules `agents start`
 * holds docker run to are written once, in gcp/docker_run.c.  A refusal
 * names the value (through echo_text) and says what is wrong
 * with it.
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

/*
 * Compose's needs: that docker_run_describe() accepts each agent (the
 * rules `agents start` holds docker run to, with their messages), and that
 * every value it gives is UTF-8, as YAML must be.
 */
static int
export_compose_ok(const struct export_ctx *ctx, char **cause)
{
	struct agent_run		 r;
	const struct agent_run_set	*s;
	size_t				 i, j;
	int				 rc = 0;

	for (i = 0; i < ctx->nagents && rc == 0; i++) {
		if (docker_run_describe(&ctx->spec, ctx->agents[i].n, &r,
		    cause) != 0)
			return -1;
		for (j = 0; j < r.nsets && rc == 0; j++) {
			s = &r.sets[j];
			if (s->value != NULL && !export_utf8_ok(s->value))
				rc = export_bad(cause, s->key != NULL ?
				    s->key : s->flag, s->value,
				    "not valid UTF-8");
		}
		agent_run_free(&r);
	}
	return rc;
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
	else if (ctx->spec.version != NULL &&
	    (export_has_control(ctx->spec.version) ||
	    !export_utf8_ok(ctx->spec.version)))
		export_bad(&inner, "version", ctx->spec.version,
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
