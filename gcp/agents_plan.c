/*
 * What an agent operation must do, decided from docker's list alone (the
 * client remembers nothing): pure, so every case is unit tested.
 *
 * Scaling keeps the lowest-numbered existing agents, removes the
 * highest-numbered extras and fills up with the lowest free numbers, so
 * scaling 12 → 5 → 12 gives back agents 1-12 and never touches an agent
 * that is kept.  Agents kept but not running are started (or unpaused).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/xmalloc.h"
#include "gcp/docker.h"
#include "gcp/agents.h"

static struct agents_task *
plan_add(struct agents_task **tasks, size_t *n, enum agents_task_kind kind,
    int num, const char *name)
{
	struct agents_task	*t;

	*tasks = xreallocarray(*tasks, *n + 1, sizeof **tasks);
	t = &(*tasks)[(*n)++];
	memset(t, 0, sizeof *t);
	t->kind = kind;
	t->n = num;
	if (name != NULL)
		snprintf(t->name, sizeof t->name, "%s", name);
	else
		agent_name(num, t->name, sizeof t->name);
	return t;
}

static int
plan_is_running(const struct agent_info *a)
{
	return strcmp(a->state, "running") == 0 ||
	    strcmp(a->state, "restarting") == 0;
}

static const struct agent_info *
plan_find(const struct agent_info *agents, size_t n, int num)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (agents[i].n == num)
			return &agents[i];
	}
	return NULL;
}

/* Starts what is kept; the caller made sure a is kept. */
static void
plan_wake(struct agents_task **tasks, size_t *nt, const struct agent_info *a)
{
	if (strcmp(a->state, "paused") == 0)
		plan_add(tasks, nt, TASK_UNPAUSE, a->n, a->name);
	else if (!plan_is_running(a))
		plan_add(tasks, nt, TASK_START, a->n, a->name);
}

static int
plan_scale(const struct agents_req *req, const struct agent_info *agents,
    size_t na, struct agents_task **tasks, size_t *nt, char **confirm)
{
	size_t	i, keep = (size_t)req->count;
	int	num, have;
	char	*list = NULL, *s;

	/* docker_parse_ps sorts by n: the first `keep` are the kept ones. */
	for (i = 0; i < na && i < keep; i++)
		plan_wake(tasks, nt, &agents[i]);
	for (i = keep; i < na; i++) {
		if (req->yes) {
			plan_add(tasks, nt, TASK_RM, agents[i].n,
			    agents[i].name);
			continue;
		}
		s = xasprintf("%s%s%s", list != NULL ? list : "",
		    list != NULL ? ", " : "", agents[i].name);
		free(list);
		list = s;
	}
	if (list != NULL) {
		*confirm = xasprintf("scaling to %d removes %s (workspaces are "
		    "kept)", req->count, list);
		free(list);
	}
	have = (int)(na < keep ? na : keep);
	for (num = 1; num <= AGENT_MAX && have < req->count; num++) {
		if (plan_find(agents, na, num) != NULL)
			continue;
		plan_add(tasks, nt, TASK_CREATE, num, NULL);
		have++;
	}
	return 0;
}

int
agents_plan(const struct agents_req *req, const struct agent_info *agents,
    size_t na, struct agents_task **tasks, size_t *nt, char **confirm,
    char **cause)
{
	const struct agent_info	*a;
	struct agents_task	*t;
	size_t			 i;
	int			 num;

	*tasks = NULL;
	*nt = 0;
	*confirm = NULL;
	switch (req->verb) {
	case AGENTS_SCALE:
		return plan_scale(req, agents, na, tasks, nt, confirm);
	case AGENTS_NEW:
		for (num = 1; num <= AGENT_MAX; num++) {
			if (plan_find(agents, na, num) == NULL) {
				plan_add(tasks, nt, TASK_CREATE, num, NULL);
				return 0;
			}
		}
		*cause = xasprintf("all %d agent numbers are in use",
		    AGENT_MAX);
		return -1;
	case AGENTS_STOP:
		if (req->nnums == 0) {
			for (i = 0; i < na; i++) {
				if (plan_is_running(&agents[i]) ||
				    strcmp(agents[i].state, "paused") == 0)
					plan_add(tasks, nt, TASK_STOP,
					    agents[i].n, agents[i].name);
			}
			return 0;
		}
		break;
	default:
		break;
	}
	for (i = 0; i < req->nnums; i++) {
		num = req->nums[i];
		if ((a = plan_find(agents, na, num)) == NULL) {
			if (req->verb == AGENTS_RM && req->purge)
				plan_add(tasks, nt, TASK_PURGE, num, NULL);
			else
				plan_add(tasks, nt, TASK_MISSING, num, NULL);
			continue;
		}
		switch (req->verb) {
		case AGENTS_STOP:
			if (plan_is_running(a) ||
			    strcmp(a->state, "paused") == 0)
				plan_add(tasks, nt, TASK_STOP, num, a->name);
			else {
				t = plan_add(tasks, nt, TASK_NOTE, num,
				    a->name);
				t->note = "already stopped";
			}
			break;
		case AGENTS_RESTART:
			plan_add(tasks, nt, TASK_RESTART, num, a->name);
			break;
		case AGENTS_RM:
			t = plan_add(tasks, nt, TASK_RM, num, a->name);
			t->purge = req->purge;
			break;
		default:
			break;
		}
	}
	return 0;
}
