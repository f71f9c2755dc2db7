/*
 * The commands that manage agents: `agents list|start|new|stop|restart|rm`,
 * `scale`, `logs` and `sync-input`.  The same code serves the grid (the `:`
 * prompt and key bindings; progress in the status bar, questions in the
 * prompt) and the CLI (a line per agent on stdout, --yes instead of
 * questions, the exit status).  Arguments are checked before anything
 * touches docker.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/echo.h"
#include "config/xmalloc.h"
#include "gcp/conn.h"
#include "gcp/dapi.h"
#include "gcp/docker.h"
#include "gcp/agents.h"
#include "tui/app.h"
#include "tui/cmd.h"
#include "tui/cmd_agents.h"
#include "tui/logs.h"
#include "tui/mode.h"
#include "tui/opts.h"
#include "tui/pane.h"
#include "tui/prompt.h"

enum agents_sub {
	SUB_LIST,
	SUB_OP,
};

struct agents_args {
	enum agents_sub		 sub;
	struct agents_req	 req;
	int			 json;
	int			 count_given;
};

struct agents_list_job {
	struct app		*app;
	int			 json;
	int			 cancelled;
	struct agent_info	*agents;
	size_t			 nagents;
};

/* A count for scale: 0 .. AGENT_MAX (0 removes every agent). */
static int
agents_parse_count(const char *s, char **cause)
{
	size_t	len = strlen(s), i;
	char	*shown;

	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			break;
	}
	if (len == 0 || len > 2 || i != len) {
		shown = echo_text(s, CMD_ECHO_MAX);
		*cause = xasprintf("'%s' is not a number of agents (0 to "
		    "%d)", shown, AGENT_MAX);
		free(shown);
		return -1;
	}
	return atoi(s);
}

static int
agents_add_num(struct agents_req *req, const char *s, char **cause)
{
	int	n;
	size_t	i;

	if ((n = agent_parse_number(s, cause)) < 0)
		return -1;
	for (i = 0; i < req->nnums; i++) {
		if (req->nums[i] == n)
			return 0;
	}
	req->nums[req->nnums++] = n;
	return 0;
}

/* argv[0] is "agents" or "scale"; cli says whether numbers are required. */
static int
agents_parse(int argc, char **argv, int cli, struct agents_args *a,
    char **cause)
{
	const char	*sub;
	char		*shown;
	int		 i, first = 2;

	memset(a, 0, sizeof a[0]);
	a->req.count = -1;
	if (strcmp(argv[0], "scale") == 0) {
		sub = "start";
		first = 1;
	} else if (argc < 2) {
		*cause = xstrdup("usage: agents list|start|new|stop|restart|rm "
		    "[N...] (see help)");
		return -1;
	} else
		sub = argv[1];

	if (strcmp(sub, "list") == 0 || strcmp(sub, "ls") == 0)
		a->sub = SUB_LIST;
	else {
		a->sub = SUB_OP;
		if (strcmp(sub, "start") == 0 || strcmp(sub, "scale") == 0)
			a->req.verb = AGENTS_SCALE;
		else if (strcmp(sub, "new") == 0)
			a->req.verb = AGENTS_NEW;
		else if (strcmp(sub, "stop") == 0)
			a->req.verb = AGENTS_STOP;
		else if (strcmp(sub, "restart") == 0)
			a->req.verb = AGENTS_RESTART;
		else if (strcmp(sub, "rm") == 0 || strcmp(sub, "kill") == 0)
			a->req.verb = AGENTS_RM;
		else {
			shown = echo_text(sub, CMD_ECHO_MAX);
			*cause = xasprintf("agents: unknown subcommand '%s' "
			    "(list, start, new, stop, restart, rm)", shown);
			free(shown);
			return -1;
		}
	}

	for (i = first; i < argc; i++) {
		const char *w = argv[i];

		if (strcmp(w, "--yes") == 0 || strcmp(w, "-y") == 0)
			a->req.yes = 1;
		else if (strcmp(w, "--purge") == 0 && a->req.verb == AGENTS_RM)
			a->req.purge = 1;
		else if (strcmp(w, "--json") == 0 && a->sub == SUB_LIST)
			a->json = 1;
		else if (w[0] == '-' && w[1] != '\0') {
			shown = echo_text(w, CMD_ECHO_MAX);
			*cause = xasprintf("agents %s: unknown option '%s'",
			    sub, shown);
			free(shown);
			return -1;
		} else if (a->sub == SUB_LIST || a->req.verb == AGENTS_NEW) {
			*cause = xasprintf("agents %s takes no numbers", sub);
			return -1;
		} else if (a->req.verb == AGENTS_SCALE) {
			if (a->count_given) {
				*cause = xasprintf("agents %s takes one count",
				    sub);
				return -1;
			}
			if ((a->req.count = agents_parse_count(w, cause)) < 0)
				return -1;
			a->count_given = 1;
		} else if (agents_add_num(&a->req, w, cause) != 0)
			return -1;
	}
	if (cli && a->sub == SUB_OP && a->req.nnums == 0 &&
	    (a->req.verb == AGENTS_RESTART || a->req.verb == AGENTS_RM)) {
		*cause = xasprintf("usage: agents %s N... (agent numbers)", sub);
		return -1;
	}
	if (cli && a->req.verb == AGENTS_RM && a->sub == SUB_OP &&
	    !a->req.yes) {
		*cause = xasprintf("agents rm removes containers (workspaces "
		    "are kept unless --purge): confirm with --yes");
		return -1;
	}
	return 0;
}

int
cmd_agents_check(int argc, char **argv, char **cause)
{
	struct agents_args	a;

	return agents_parse(argc, argv, 1, &a, cause);
}

static int
agents_need_conn(struct app *app, char **cause)
{
	if (app->conn == NULL || conn_state(app->conn) != CONN_READY) {
		*cause = xasprintf("not connected to %s",
		    app->conn != NULL ? conn_describe(app->conn) : "a target");
		return -1;
	}
	return 0;
}

/* ---- operations ---- */

static const char *
agents_verb_name(enum agents_verb v)
{
	static const char *names[] = { "scale", "new", "stop", "restart",
	    "rm" };

	return names[v];
}

static void
agents_op_line(int n, int ok, const char *text, void *arg)
{
	struct app	*app = arg;
	char		 name[64];

	agent_name(n, name, sizeof name);
	if (app->cli) {
		if (ok)
			printf("%s: %s\n", name, text);
		else
			fprintf(stderr, "%s: failed: %s\n", name, text);
		fflush(stdout);
		return;
	}
	if (!ok)
		app_message(app, 1, "%s: %s", name, text);
	else
		/* Panes appear one by one, not when the slowest is done
		 * (listings in flight coalesce). */
		app_list_agents(app);
}

static void
agents_op_progress(int done, int total, void *arg)
{
	struct app	*app = arg;

	if (app->cli)
		return;
	app_operation(app, APP_OP_AGENTS, "%s %d/%d", app->op_label, done,
	    total);
}

static void agents_run(struct app *, const struct agents_req *);

static void
agents_confirm_done(struct app *app, const char *line)
{
	struct agents_req	*req = app->confirm_req;

	app->confirm_req = NULL;
	if (req == NULL)
		return;
	if (line != NULL && (strcmp(line, "y") == 0 ||
	    strcmp(line, "yes") == 0)) {
		req->yes = 1;
		agents_run(app, req);
	} else
		app_message(app, 0, "nothing removed");
	free(req);
}

static void
agents_ask(struct app *app, const struct agents_req *req, const char *what)
{
	char	*label;

	free(app->confirm_req);
	app->confirm_req = xmalloc(sizeof *app->confirm_req);
	*app->confirm_req = *req;
	label = xasprintf("%s? (y/n) ", what);
	prompt_open(app, label, "", agents_confirm_done);
	free(label);
}

static void
agents_op_done(int failures, const char *error, const char *confirm,
    void *arg)
{
	struct app		*app = arg;
	struct agents_req	 req;
	const char		*label = app->op_label;

	app->op = NULL;
	app_operation(app, APP_OP_AGENTS, NULL);
	if (app->cli) {
		if (error != NULL)
			fprintf(stderr, "sandbox-tui: %s\n", error);
		else if (confirm != NULL)
			fprintf(stderr, "sandbox-tui: %s: confirm with "
			    "--yes\n", confirm);
		else if (failures > 0)
			fprintf(stderr, "sandbox-tui: %s: %d agent%s "
			    "failed\n", label, failures,
			    failures == 1 ? "" : "s");
		app_quit(app, error != NULL || confirm != NULL ||
		    failures > 0 ? 1 : 0);
		return;
	}
	if (error != NULL)
		app_message(app, 1, "%s: %s", label, error);
	else if (confirm != NULL && app->confirm_req != NULL) {
		req = *app->confirm_req;
		free(app->confirm_req);
		app->confirm_req = NULL;
		agents_ask(app, &req, confirm);
	} else if (failures == 0)
		app_message(app, 0, "%s: done", label);
	if (confirm == NULL) {
		free(app->confirm_req);
		app->confirm_req = NULL;
	}
	app_list_agents(app);
}

static void
agents_run(struct app *app, const struct agents_req *req)
{
	static const struct agents_report rep = {
		agents_op_line, agents_op_progress, agents_op_done
	};
	struct agents_opts	 opt;

	free(app->op_label);
	if (req->verb == AGENTS_SCALE)
		app->op_label = xasprintf("scale %d", req->count);
	else
		app->op_label = xstrdup(agents_verb_name(req->verb));
	app_operation(app, APP_OP_AGENTS, "%s...", app->op_label);
	/* Kept so a "confirm" answer can re-run the same request. */
	if (!app->cli && req->verb == AGENTS_SCALE && !req->yes) {
		free(app->confirm_req);
		app->confirm_req = xmalloc(sizeof *app->confirm_req);
		*app->confirm_req = *req;
	}
	opts_agents(app->cfg, &opt);
	app->op = agents_op_start(app->conn, &opt, req, &rep, app);
}

/* ---- list ---- */

static void
agents_list_free(struct agents_list_job *job)
{
	agent_info_free(job->agents, job->nagents);
	free(job);
}

static void
agents_list_print(struct agents_list_job *job, struct agent_stats *st,
    size_t ns)
{
	struct app	*app = job->app;
	char		*out;
	size_t		 i, running = 0;

	app->list_job = NULL;
	if (app->cli) {
		out = agents_list_format(job->agents, job->nagents, st, ns,
		    job->json);
		fputs(out, stdout);
		free(out);
		app_quit(app, 0);
		return;
	}
	for (i = 0; i < job->nagents; i++)
		running += strcmp(job->agents[i].state, "running") == 0;
	app_message(app, 0, "%zu agent%s, %zu running", job->nagents,
	    job->nagents == 1 ? "" : "s", running);
}

static void
agents_list_failed(struct agents_list_job *job, const char *why)
{
	struct app	*app = job->app;

	app->list_job = NULL;
	if (app->cli) {
		fprintf(stderr, "sandbox-tui: agents list: %s\n", why);
		app_quit(app, 1);
	} else
		app_message(app, 1, "agents list: %s", why);
}

static void
agents_stats_done(const struct exec_result *r, void *arg)
{
	struct agents_list_job	*job = arg;
	struct agent_stats	*st = NULL;
	size_t			 ns = 0;
	char			*cause = NULL;

	if (job->cancelled) {
		agents_list_free(job);
		return;
	}
	/* Stats are a bonus: a container that stopped meanwhile makes
	 * docker stats fail, and the list is still worth printing. */
	if (r->error == NULL && r->status == 0 &&
	    docker_parse_stats(r->out, &st, &ns, &cause) != 0) {
		free(cause);
		st = NULL;
		ns = 0;
	}
	agents_list_print(job, st, ns);
	agent_stats_free(st, ns);
	agents_list_free(job);
}

static void
agents_ps_done(const struct dapi_result *r, void *arg)
{
	struct agents_list_job	*job = arg;
	struct app		*app = job->app;
	char			*cause = NULL, **names, *cmd;
	size_t			 i, n = 0;

	if (job->cancelled) {
		agents_list_free(job);
		return;
	}
	if (r->error != NULL) {
		cause = xstrdup(r->error);
		goto fail;
	}
	if (docker_parse_containers(r->body, r->len, &job->agents,
	    &job->nagents, &cause) != 0)
		goto fail;
	/* Which way docker was reached: the table itself stays as it was. */
	if (app->cli)
		fprintf(stderr, "sandbox-tui: docker API %s on %s, through %s\n",
		    dapi_version(app->dapi) != NULL ? dapi_version(app->dapi) :
		    "?", conn_describe(app->conn), dapi_describe(app->dapi));
	names = xcalloc(job->nagents + 1, sizeof *names);
	for (i = 0; i < job->nagents; i++) {
		if (strcmp(job->agents[i].state, "running") == 0)
			names[n++] = job->agents[i].name;
	}
	if (n == 0 || (cmd = docker_cmd_stats(names, n, &cause)) == NULL) {
		free(cause);
		free(names);
		agents_list_print(job, NULL, 0);
		agents_list_free(job);
		return;
	}
	free(names);
	conn_exec(app->conn, cmd, NULL, 0, agents_stats_done, job);
	free(cmd);
	return;
fail:
	agents_list_failed(job, cause);
	free(cause);
	agents_list_free(job);
}

static void
agents_list(struct app *app, int json)
{
	struct agents_list_job	*job = xcalloc(1, sizeof *job);
	char			*path;

	job->app = app;
	job->json = json;
	app->list_job = job;
	path = docker_api_ps_path();
	dapi_call(app->dapi, "GET", path, NULL, agents_ps_done, job);
	free(path);
}

/* ---- the commands ---- */

/* The focused agent's number when a grid command names none. */
static int
agents_focused(struct app *app, struct agents_req *req, char **cause)
{
	struct pane	*p = app_focused(app);

	if (p == NULL) {
		*cause = xstrdup("no agent is focused");
		return -1;
	}
	req->nums[0] = p->n;
	req->nnums = 1;
	return 0;
}

int
cmd_agents(struct app *app, int argc, char **argv, char **cause)
{
	struct agents_args	 a;
	char			*what, name[64];

	if (agents_parse(argc, argv, app->cli, &a, cause) != 0)
		return -1;
	if (agents_need_conn(app, cause) != 0)
		return -1;
	if (a.sub == SUB_LIST) {
		if (app->list_job != NULL) {
			*cause = xstrdup("agents list: already running");
			return -1;
		}
		agents_list(app, a.json);
		return 0;
	}
	if (app->op != NULL) {
		*cause = xasprintf("'%s' is still running", app->op_label);
		return -1;
	}
	if (a.req.verb == AGENTS_SCALE && a.req.count < 0)
		a.req.count = (int)config_int(app->cfg, "agents.count");
	if (!app->cli && a.req.nnums == 0 &&
	    (a.req.verb == AGENTS_RESTART || a.req.verb == AGENTS_RM) &&
	    agents_focused(app, &a.req, cause) != 0)
		return -1;
	if (!app->cli && a.req.verb == AGENTS_RM && !a.req.yes) {
		agent_name(a.req.nums[0], name, sizeof name);
		if (a.req.nnums == 1)
			what = xasprintf("remove %s%s", name, a.req.purge ?
			    " and delete its workspace" : " (workspace kept)");
		else
			what = xasprintf("remove %zu agents%s", a.req.nnums,
			    a.req.purge ? " and delete their workspaces" :
			    " (workspaces kept)");
		agents_ask(app, &a.req, what);
		free(what);
		return 0;
	}
	agents_run(app, &a.req);
	return 0;
}

/* `scale` alone in the grid asks for the number. */
static void
agents_scale_prompt_done(struct app *app, const char *line)
{
	char	*cmd, *cause = NULL;

	if (line == NULL || *line == '\0')
		return;
	cmd = xasprintf("agents start %s", line);
	if (cmd_run(app, cmd, &cause) != 0) {
		app_message(app, 1, "%s", cause);
		free(cause);
	}
	free(cmd);
}

int
cmd_scale(struct app *app, int argc, char **argv, char **cause)
{
	char	*initial;

	if (argc == 1 && !app->cli) {
		initial = xasprintf("%zu", app->npanes);
		prompt_open(app, "scale to how many agents: ", initial,
		    agents_scale_prompt_done);
		free(initial);
		return 0;
	}
	return cmd_agents(app, argc, argv, cause);
}

int
cmd_sync_input(struct app *app, int argc, char **argv, char **cause)
{
	(void)argc;
	(void)argv;
	if (app->npanes == 0) {
		*cause = xstrdup("no agents to type to");
		return -1;
	}
	mode_sync_start(app);
	return 0;
}

/* ---- logs ---- */

struct logs_args {
	int	 n;
	int	 follow;
	int	 tail;		/* -1: all */
	char	*since;
	int	 timestamps;
};

static int
logs_parse(int argc, char **argv, struct logs_args *l, char **cause)
{
	int	i;
	char	*end, *shown;
	long	v;

	memset(l, 0, sizeof *l);
	l->tail = -1;
	for (i = 1; i < argc; i++) {
		const char *w = argv[i];

		if (strcmp(w, "-f") == 0 || strcmp(w, "--follow") == 0)
			l->follow = 1;
		else if (strcmp(w, "-t") == 0 ||
		    strcmp(w, "--timestamps") == 0)
			l->timestamps = 1;
		else if (strcmp(w, "--tail") == 0 || strcmp(w, "-n") == 0 ||
		    strcmp(w, "--since") == 0) {
			if (i + 1 >= argc) {
				*cause = xasprintf("logs: %s needs a value", w);
				return -1;
			}
			if (strcmp(w, "--since") == 0) {
				l->since = argv[++i];
				continue;
			}
			w = argv[++i];
			if (strcmp(w, "all") == 0) {
				l->tail = -1;
				continue;
			}
			v = strtol(w, &end, 10);
			if (*w == '\0' || *end != '\0' || v < 0 ||
			    v > 100000000) {
				shown = echo_text(w, CMD_ECHO_MAX);
				*cause = xasprintf("logs: --tail '%s' is not "
				    "a number of lines or 'all'", shown);
				free(shown);
				return -1;
			}
			l->tail = (int)v;
		} else if (w[0] == '-' && w[1] != '\0') {
			shown = echo_text(w, CMD_ECHO_MAX);
			*cause = xasprintf("logs: unknown option '%s'", shown);
			free(shown);
			return -1;
		} else if (l->n != 0) {
			*cause = xstrdup("logs: one agent at a time");
			return -1;
		} else if ((l->n = agent_parse_number(w, cause)) < 0)
			return -1;
	}
	return 0;
}

int
cmd_logs_check(int argc, char **argv, char **cause)
{
	struct logs_args	l;

	if (logs_parse(argc, argv, &l, cause) != 0)
		return -1;
	if (l.n == 0) {
		*cause = xstrdup("usage: logs N [-f] [--tail K] "
		    "[--since DURATION] [--timestamps]");
		return -1;
	}
	return 0;
}

static void
logs_cli_data(struct chan *ch, const char *buf, size_t len, void *arg)
{
	struct app	*app = arg;

	(void)ch;
	if (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0) {
		/* The reader went away (a pipe into head): stop quietly. */
		chan_close(app->stream);
		app->stream = NULL;
		app_quit(app, 0);
	}
}

static void
logs_cli_closed(struct chan *ch, int status, const char *reason, void *arg)
{
	struct app	*app = arg;

	(void)ch;
	app->stream = NULL;
	if (status != 0)
		fprintf(stderr, "sandbox-tui: logs: %s\n",
		    reason != NULL ? reason : "failed");
	app_quit(app, status == 0 ? 0 : 1);
}

int
cmd_logs(struct app *app, int argc, char **argv, char **cause)
{
	static const struct chan_callbacks cbs = {
		.data = logs_cli_data, .closed = logs_cli_closed
	};
	struct logs_args	 l;
	struct pane		*p = NULL;
	char			 name[64], *cmd;
	size_t			 i;

	if (logs_parse(argc, argv, &l, cause) != 0)
		return -1;
	if (agents_need_conn(app, cause) != 0)
		return -1;
	if (app->cli) {
		agent_name(l.n, name, sizeof name);
		cmd = docker_cmd_logs_stream(name, l.follow, l.tail, l.since,
		    l.timestamps);
		app->stream = conn_open_stream(app->conn, cmd, &cbs, app);
		free(cmd);
		return 0;
	}
	if (l.n == 0)
		p = app_focused(app);
	for (i = 0; p == NULL && i < app->npanes; i++) {
		if (app->panes[i]->n == l.n)
			p = app->panes[i];
	}
	if (p == NULL) {
		*cause = l.n == 0 ? xstrdup("no agent is focused") :
		    xasprintf("no agent %d", l.n);
		return -1;
	}
	logs_open(app, p->n, p->name);
	return 0;
}

void
cmd_agents_free(struct app *app)
{
	int	gone = 1;	/* called while the connection is freed */

	agents_op_cancel(app->op, gone);
	app->op = NULL;
	if (app->list_job != NULL) {
		app->list_job->cancelled = 1;
		agents_list_free(app->list_job);
		app->list_job = NULL;
	}
	free(app->op_label);
	app->op_label = NULL;
	free(app->confirm_req);
	app->confirm_req = NULL;
	if (app->stream != NULL)
		chan_close(app->stream);
	app->stream = NULL;
}
