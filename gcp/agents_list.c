/*
 * `agents list`: docker's list and `docker stats` joined into a table for
 * people or a JSON array for scripts.  Pure (the two outputs are parsed by
 * gcp/docker*.c), so the formats are unit tested.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config/xmalloc.h"
#include "gcp/docker.h"
#include "gcp/agents.h"

static const struct agent_stats *
list_stats(const struct agent_stats *st, size_t ns, const char *name)
{
	size_t	i;

	for (i = 0; i < ns; i++) {
		if (st[i].name != NULL && strcmp(st[i].name, name) == 0)
			return &st[i];
	}
	return NULL;
}

/* "Up 3 minutes (Paused)" → "3 minutes"; not up → NULL. */
static char *
list_uptime(const char *status)
{
	const char	*p;

	if (status == NULL || strncmp(status, "Up ", 3) != 0)
		return NULL;
	p = status + 3;
	return xstrndup(p, strcspn(p, "("));
}

static void
list_trim(char *s)
{
	size_t	len = strlen(s);

	while (len > 0 && s[len - 1] == ' ')
		s[--len] = '\0';
}

char *
agents_list_state(const struct agent_info *a)
{
	if (strcmp(a->state, "exited") == 0 && a->exit_code >= 0)
		return xasprintf("exited (%d)", a->exit_code);
	return xstrdup(a->state);
}

static char *
list_json(const struct agent_info *a, size_t n, const struct agent_stats *st,
    size_t ns)
{
	const struct agent_stats	*s;
	json_t				*arr = json_array(), *o;
	char				*up, *out;
	size_t				 i;

	for (i = 0; i < n; i++) {
		o = json_object();
		json_object_set_new(o, "n", json_integer(a[i].n));
		json_object_set_new(o, "name", json_string(a[i].name));
		json_object_set_new(o, "state", json_string(a[i].state));
		json_object_set_new(o, "exit_code", a[i].exit_code >= 0 &&
		    strcmp(a[i].state, "exited") == 0 ?
		    json_integer(a[i].exit_code) : json_null());
		json_object_set_new(o, "status", json_string(a[i].status));
		if ((up = list_uptime(a[i].status)) != NULL) {
			list_trim(up);
			json_object_set_new(o, "uptime", json_string(up));
			free(up);
		} else
			json_object_set_new(o, "uptime", json_null());
		json_object_set_new(o, "image", json_string(a[i].image));
		json_object_set_new(o, "id", json_string(a[i].id));
		if ((s = list_stats(st, ns, a[i].name)) != NULL) {
			json_object_set_new(o, "cpu_percent",
			    json_real(s->cpu_percent));
			json_object_set_new(o, "mem_usage",
			    json_string(s->mem_usage));
			json_object_set_new(o, "mem_percent",
			    json_real(s->mem_percent));
		} else {
			json_object_set_new(o, "cpu_percent", json_null());
			json_object_set_new(o, "mem_usage", json_null());
			json_object_set_new(o, "mem_percent", json_null());
		}
		json_array_append_new(arr, o);
	}
	out = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(arr);
	if (out == NULL)
		abort();
	return out;
}

char *
agents_list_format(const struct agent_info *a, size_t n,
    const struct agent_stats *st, size_t ns, int json)
{
	const struct agent_stats	*s;
	char				*out, *line, *state, *up, cpu[32];
	size_t				 i;

	if (json) {
		line = list_json(a, n, st, ns);
		out = xasprintf("%s\n", line);
		free(line);
		return out;
	}
	out = xasprintf("%-3s %-18s %-13s %-16s %-7s %-22s %s\n", "N", "NAME",
	    "STATE", "UPTIME", "CPU%", "MEMORY", "IMAGE");
	for (i = 0; i < n; i++) {
		state = agents_list_state(&a[i]);
		if ((up = list_uptime(a[i].status)) == NULL)
			up = xstrdup("-");
		list_trim(up);
		s = list_stats(st, ns, a[i].name);
		if (s != NULL)
			snprintf(cpu, sizeof cpu, "%.1f%%", s->cpu_percent);
		else
			snprintf(cpu, sizeof cpu, "-");
		line = xasprintf("%s%-3d %-18s %-13s %-16s %-7s %-22s %s\n",
		    out, a[i].n, a[i].name, state, up, cpu,
		    s != NULL && s->mem_usage != NULL ? s->mem_usage : "-",
		    a[i].image != NULL ? a[i].image : "-");
		free(out);
		out = line;
		free(state);
		free(up);
	}
	return out;
}
