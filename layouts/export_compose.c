/*
 * The compose export: a docker-compose.yml (compose specification, no
 * `version` key) with a service per running agent that makes the same
 * container `agents start` makes with docker run (gcp/docker_run.c): the
 * name, hostname, labels, init, a TTY with stdin, every capability
 * dropped, no-new-privileges, the pids, memory (= memory + swap) and CPU
 * limits, the workspace, the events file Claude Code's hooks append to
 * (SANDBOX_TUI_AGENT names the agent in them) and the read-only Claude
 * Code settings, the env file, the default bridge network, and an image
 * that is never pulled.
 *
 * Every string value is a YAML double-quoted scalar (export_yaml_quote),
 * so no value can turn into a number, a boolean, a null or more YAML;
 * compose then interpolates `$` in values, which is why a '$' is written
 * '$$'.  The env file is named, never opened: no secret lands here.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/utf8.h"
#include "config/xmalloc.h"
#include "gcp/docker.h"
#include "layouts/export.h"
#include "layouts/export_private.h"

/*
 * YAML escapes for the bytes and code points that cannot stand for
 * themselves in a double-quoted scalar: the C0 controls, DEL, the C1
 * controls, and the characters YAML reads as line breaks (NEL, LS, PS) or
 * a byte order mark.
 */
char *
export_yaml_quote(const char *s)
{
	static const char	 c0[] = "0......abtnvfr.............e";
	struct strbuf		 b = { NULL, 0, 0 };
	size_t			 len = strlen(s), n;
	uint32_t		 cp;

	strbuf_add(&b, "\"");
	for (; len > 0; s += n, len -= n) {
		if ((n = utf8_decode(s, len, &cp)) == 0)
			n = len;	/* cut short: as it is */
		if (cp == '"' || cp == '\\')
			strbuf_printf(&b, "\\%c", (char)cp);
		else if (cp < 0x20 && c0[cp] != '.')
			strbuf_printf(&b, "\\%c", c0[cp]);
		else if (cp == 0x85)
			strbuf_add(&b, "\\N");
		else if (utf8_is_control(cp))
			strbuf_printf(&b, "\\x%02x", (unsigned)cp);
		else if (cp == 0x2028 || cp == 0x2029)
			strbuf_add(&b, cp == 0x2028 ? "\\L" : "\\P");
		else if (cp == 0xfeff)
			strbuf_add(&b, "\\uFEFF");
		else
			strbuf_printf(&b, "%.*s", (int)n, s);
	}
	strbuf_add(&b, "\"");
	return strbuf_take(&b);
}

/* A compose string: '$' doubled against interpolation, then quoted. */
static char *
export_compose_str(const char *s)
{
	struct strbuf		 b = { NULL, 0, 0 };
	const char		*p;
	char			*q;

	strbuf_add(&b, "");
	for (p = s; *p != '\0'; p++)
		strbuf_add(&b, *p == '$' ? "$$" : (char[]){ *p, '\0' });
	q = strbuf_take(&b);
	s = q;
	q = export_yaml_quote(s);
	free((char *)s);
	return q;
}

/* "key: "value"" at the given indent. */
static void
export_compose_kv(struct strbuf *b, int indent, const char *key,
    const char *value)
{
	char	*q = export_compose_str(value);

	strbuf_printf(b, "%*s%s: %s\n", indent, "", key, q);
	free(q);
}

/* A list item "- "value"" at the given indent. */
static void
export_compose_item(struct strbuf *b, int indent, const char *value)
{
	char	*q = export_compose_str(value);

	strbuf_printf(b, "%*s- %s\n", indent, "", q);
	free(q);
}

/* The workspace directory without its trailing slashes. */
static char *
export_compose_ws(const char *ws)
{
	size_t	len = strlen(ws);

	while (len > 1 && ws[len - 1] == '/')
		len--;
	return xstrndup(ws, len);
}

static void
export_compose_service(struct strbuf *b, const struct export_ctx *ctx,
    const struct export_agent *a, const char *ws, const char *cpus)
{
	char	*s;
	int	 i;

	strbuf_printf(b, "  agent-%02d:\n", a->n);
	export_compose_kv(b, 4, "container_name", a->name);
	s = xasprintf("agent-%02d", a->n);
	export_compose_kv(b, 4, "hostname", s);
	free(s);
	export_compose_kv(b, 4, "image", ctx->image);
	export_compose_kv(b, 4, "pull_policy", "never");
	if (ctx->ncommand > 0) {
		strbuf_add(b, "    command:\n");
		for (i = 0; i < ctx->ncommand; i++)
			export_compose_item(b, 6, ctx->command[i]);
	}
	strbuf_add(b, "    init: true\n");
	strbuf_add(b, "    stdin_open: true\n");
	strbuf_add(b, "    tty: true\n");
	export_compose_kv(b, 4, "network_mode", "bridge");
	strbuf_add(b, "    cap_drop:\n");
	export_compose_item(b, 6, "ALL");
	strbuf_add(b, "    security_opt:\n");
	export_compose_item(b, 6, "no-new-privileges:true");
	strbuf_printf(b, "    pids_limit: %ld\n", ctx->pids_limit);
	strbuf_printf(b, "    mem_limit: %lld\n", ctx->memory);
	strbuf_printf(b, "    memswap_limit: %lld\n", ctx->memory);
	strbuf_printf(b, "    cpus: %s\n", cpus);
	export_compose_kv(b, 4, "working_dir", "/workspace");
	strbuf_add(b, "    environment:\n");
	s = xasprintf("%02d", a->n);
	export_compose_kv(b, 6, "SANDBOX_TUI_AGENT", s);
	free(s);
	strbuf_add(b, "    volumes:\n");
	s = xasprintf("%s/agent-%02d:/workspace", ws, a->n);
	export_compose_item(b, 6, s);
	free(s);
	s = xasprintf("%s/" AGENT_STATE_DIR "/agent-%02d/events:"
	    AGENT_EVENTS_PATH, ws, a->n);
	export_compose_item(b, 6, s);
	free(s);
	if (ctx->settings_file != NULL) {
		s = xasprintf("%s:" AGENT_SETTINGS_PATH ":ro",
		    ctx->settings_file);
		export_compose_item(b, 6, s);
		free(s);
	}
	if (ctx->env_file != NULL) {
		strbuf_add(b, "    env_file:\n");
		export_compose_item(b, 6, ctx->env_file);
	}
	strbuf_add(b, "    labels:\n");
	s = xasprintf("%d", a->n);
	export_compose_kv(b, 6, AGENT_LABEL, s);
	free(s);
	export_compose_kv(b, 6, "sandbox-tui.version", ctx->version);
}

char *
export_compose_text(const struct export_ctx *ctx, char **cause)
{
	struct strbuf		 b = { NULL, 0, 0 };
	struct export_agent	*v;
	char			*ws, *cpus;
	const char		*bad = NULL;
	size_t			 i;

	if (export_check(ctx, EXPORT_NEED_AGENTS | EXPORT_NEED_COMPOSE,
	    "compose", cause) != 0)
		return NULL;
	/* A volume's short syntax is SOURCE:TARGET[:MODE], as with -v. */
	if (strchr(ctx->workspace_dir, ':') != NULL)
		bad = "workspace_dir";
	else if (ctx->settings_file != NULL &&
	    strchr(ctx->settings_file, ':') != NULL)
		bad = "settings_file";
	if (bad != NULL) {
		if (cause != NULL)
			*cause = xasprintf("export compose: %s contains ':', "
			    "which a volume cannot carry", bad);
		return NULL;
	}
	v = export_agents_sorted(ctx);
	ws = export_compose_ws(ctx->workspace_dir);
	cpus = docker_cpus(ctx->cpus_milli);

	export_buf_by(&b, "#", ctx);
	strbuf_add(&b, "# The agents running when it was made; running "
	    "the export again replaces\n"
	    "# this file.  The containers are the ones `sandbox-tui agents "
	    "start` makes;\n"
	    "# to make them with docker compose instead:\n"
	    "#   docker compose -f docker-compose.yml -p sandbox-agents up -d\n"
	    "# The image must exist on the host (it is never pulled).  "
	    "Secrets stay in the\n"
	    "# env file, which this file names but never reads.  Each agent's "
	    "events file\n"
	    "# must exist as a file first (agents start makes it; docker would "
	    "make a\n"
	    "# folder): mkdir -p DIR && touch DIR/events && chmod 666 "
	    "DIR/events.\n");
	strbuf_add(&b, "services:\n");
	for (i = 0; i < ctx->nagents; i++)
		export_compose_service(&b, ctx, &v[i], ws, cpus);
	free(cpus);
	free(ws);
	free(v);
	return strbuf_take(&b);
}
