/*
 * The compose export: a docker-compose.yml (compose specification, no
 * `version` key) with a service per running agent that makes the same
 * container `agents start` makes with docker run.  A service is the
 * agent's description from docker_run_describe() (gcp/docker_run.c), each
 * setting under the compose key it names, so the hardening and limits
 * cannot drift from what docker run is given.
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

/* Compose's order: by key, and in docker run's order within a key. */
static int
export_compose_cmp(const void *a, const void *b)
{
	const struct agent_run_set	*x = *(const struct agent_run_set **)a;
	const struct agent_run_set	*y = *(const struct agent_run_set **)b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return (x > y) - (x < y);
}

/* One setting as compose writes it; first: the first of its key. */
static void
export_compose_set(struct strbuf *b, const struct agent_run_set *s,
    int first)
{
	const char	*v = s->compose_value != NULL ? s->compose_value :
			    s->value;
	char		*name;
	size_t		 eq;

	if ((s->yaml == AGENT_RUN_LIST || s->yaml == AGENT_RUN_MAP) && first)
		strbuf_printf(b, "    %s:\n", s->key);
	switch (s->yaml) {
	case AGENT_RUN_NONE:
		break;
	case AGENT_RUN_STR:
		export_compose_kv(b, 4, s->key, v);
		break;
	case AGENT_RUN_RAW:
		strbuf_printf(b, "    %s: %s\n", s->key,
		    v != NULL ? v : "true");
		break;
	case AGENT_RUN_LIST:
		export_compose_item(b, 6, v);
		break;
	case AGENT_RUN_MAP:
		eq = strcspn(v, "=");
		name = xstrndup(v, eq);
		export_compose_kv(b, 6, name, v[eq] == '=' ? v + eq + 1 : "");
		free(name);
		break;
	}
}

/*
 * A service: agent a's description (docker_run_describe) in compose's
 * keys, in their order; what has no key (-d) is left out.
 */
static int
export_compose_service(struct strbuf *b, const struct export_ctx *ctx,
    const struct export_agent *a, char **cause)
{
	struct agent_run		  r;
	const struct agent_run_set	**v, *prev = NULL;
	size_t				  i, n = 0;

	if (docker_run_describe(&ctx->spec, a->n, &r, cause) != 0)
		return -1;
	v = xreallocarray(NULL, r.nsets + 1, sizeof *v);
	for (i = 0; i < r.nsets; i++) {
		if (r.sets[i].yaml != AGENT_RUN_NONE)
			v[n++] = &r.sets[i];
	}
	qsort(v, n, sizeof *v, export_compose_cmp);
	strbuf_printf(b, "  agent-%02d:\n", a->n);
	for (i = 0; i < n; i++) {
		export_compose_set(b, v[i], prev == NULL ||
		    prev->rank != v[i]->rank);
		prev = v[i];
	}
	free(v);
	agent_run_free(&r);
	return 0;
}

char *
export_compose_text(const struct export_ctx *ctx, char **cause)
{
	struct strbuf		 b = { NULL, 0, 0 };
	struct export_agent	*v;
	char			*inner = NULL;
	size_t			 i;

	if (export_check(ctx, EXPORT_NEED_AGENTS | EXPORT_NEED_COMPOSE,
	    "compose", cause) != 0)
		return NULL;
	v = export_agents_sorted(ctx);

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
	for (i = 0; i < ctx->nagents; i++) {
		if (export_compose_service(&b, ctx, &v[i], &inner) != 0)
			break;
	}
	free(v);
	if (inner != NULL) {
		if (cause != NULL)
			*cause = xasprintf("export compose: %s", inner);
		free(inner);
		free(b.s);
		return NULL;
	}
	return strbuf_take(&b);
}
