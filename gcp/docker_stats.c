/*
 * `docker stats` of the agents: the command and the parsing of its
 * one-JSON-object-a-line output into struct agent_stats.  Like the rest of
 * gcp/docker*.c, nothing here runs a command.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config/strbuf.h"
#include "config/xmalloc.h"
#include "gcp/docker.h"
#include "gcp/docker_private.h"

char *
docker_cmd_stats(char *const *names, size_t n, char **cause)
{
	struct strbuf		 b = { NULL, 0, 0 };
	size_t			 i;

	if (!docker_run_names_ok(names, n, cause))
		return NULL;
	strbuf_add(&b, "docker stats --no-stream --format");
	docker_buf_addq(&b, "{{json .}}");
	for (i = 0; i < n; i++)
		docker_buf_addq(&b, names[i]);
	return b.s;
}

/* A string member of obj, or NULL when missing, not a string or empty. */
static const char *
docker_run_field(json_t *obj, const char *key)
{
	const char	*s = json_string_value(json_object_get(obj, key));

	return s != NULL && *s != '\0' ? s : NULL;
}

/*
 * "12.34%" into *v; "--" (no data, as docker prints for a container it has
 * no stats for), "" or a missing field read as 0.  0 if malformed.
 */
static int
docker_run_percent(json_t *obj, const char *key, double *v)
{
	const char	*s = docker_run_field(obj, key);
	char		*end;

	*v = 0;
	if (s == NULL || strcmp(s, "--") == 0)
		return 1;
	if ((*s < '0' || *s > '9') && *s != '.')
		return 0;
	*v = strtod(s, &end);
	if (*end == '%')
		end++;
	return *end == '\0';
}

/* Fills st from one stats object, else sets *why. */
static int
docker_run_stats_from(json_t *obj, struct agent_stats *st, const char **why)
{
	const char	*name, *mem;
	double		 cpu, memp;

	/* Docker prints "--" for a name it does not know. */
	if (((name = docker_run_field(obj, "Name")) == NULL ||
	    strcmp(name, "--") == 0) &&
	    ((name = docker_run_field(obj, "Container")) == NULL ||
	    strcmp(name, "--") == 0) &&
	    ((name = docker_run_field(obj, "ID")) == NULL ||
	    strcmp(name, "--") == 0)) {
		*why = "no Name, Container or ID";
		return 0;
	}
	if (!docker_run_percent(obj, "CPUPerc", &cpu)) {
		*why = "CPUPerc is not a percentage";
		return 0;
	}
	if (!docker_run_percent(obj, "MemPerc", &memp)) {
		*why = "MemPerc is not a percentage";
		return 0;
	}
	mem = docker_run_field(obj, "MemUsage");
	st->name = xstrdup(name);
	st->cpu_percent = cpu;
	st->mem_usage = xstrdup(mem != NULL ? mem : "");
	st->mem_percent = memp;
	return 1;
}

struct docker_stats_list {
	struct agent_stats	*list;
	size_t			 count;
};

static int
docker_run_stats_each(json_t *obj, void *arg, const char **why)
{
	struct docker_stats_list	*l = arg;

	l->list = xreallocarray(l->list, l->count + 1, sizeof *l->list);
	if (!docker_run_stats_from(obj, &l->list[l->count], why))
		return -1;
	l->count++;
	return 0;
}

int
docker_parse_stats(const char *out, struct agent_stats **stats, size_t *n,
    char **cause)
{
	struct docker_stats_list	l = { NULL, 0 };

	*stats = NULL;
	*n = 0;
	if (docker_json_lines(out, "docker stats", docker_run_stats_each, &l,
	    cause) != 0) {
		agent_stats_free(l.list, l.count);
		return -1;
	}
	*stats = l.list;
	*n = l.count;
	return 0;
}

void
agent_stats_free(struct agent_stats *stats, size_t n)
{
	size_t	i;

	if (stats == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(stats[i].name);
		free(stats[i].mem_usage);
	}
	free(stats);
}
