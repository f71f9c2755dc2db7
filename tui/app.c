/*
 * The application's life: connecting to the target, reconnecting with
 * backoff when the connection is lost, listing the agents on the target
 * and keeping one pane per agent in step with that list.  The list always
 * comes from docker on the target; nothing here is remembered across runs.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/xmalloc.h"
#include "gcp/conn.h"
#include "gcp/dapi.h"
#include "gcp/docker.h"
#include "gcp/events.h"
#include "gcp/image_build.h"
#include "gcp/loop.h"
#include "tui/app.h"
#include "tui/app_watch.h"
#include "tui/app_gce.h"
#include "tui/attention.h"
#include "tui/cmd.h"
#include "tui/cmd_agents.h"
#include "tui/logs.h"
#include "tui/mode.h"
#include "tui/pane.h"
#include "tui/prompt.h"
#include "vt/vt.h"

#define APP_BACKOFF_MIN_MS	1000
#define APP_BACKOFF_MAX_MS	30000
#define APP_REFRESH_MS		15000
#define APP_MESSAGE_MS		5000

static void app_connect(struct app *);
static void app_conn_state(struct conn *, void *);

void
app_init(struct app *app, struct loop *loop, struct config *cfg)
{
	memset(app, 0, sizeof *app);
	app->loop = loop;
	app->cfg = cfg;
	app->focus = -1;
	app->next_pane_id = 1;
	app->reconnect_ms = APP_BACKOFF_MIN_MS;
	app->layout_dirty = 1;
	app->redraw_all = 1;
	app_read_opts(app);
}

void
app_read_opts(struct app *app)
{
	app->opt.flow_budget = (size_t)config_size(app->cfg, "ui.flow_budget");
	app->opt.frame_ms = 1000 / (int)config_int(app->cfg, "ui.fps");
}

static void app_exec_drop(struct app *);

void
app_free(struct app *app)
{
	size_t	i;

	loop_timer_cancel(app->loop, app->reconnect_timer);
	loop_timer_cancel(app->loop, app->tick_timer);
	loop_timer_cancel(app->loop, app->refresh_timer);
	loop_timer_cancel(app->loop, app->message_timer);
	loop_timer_cancel(app->loop, app->frame_timer);
	cmd_agents_free(app);
	image_build_stop(app->image_job, NULL);
	app->image_job = NULL;
	app_gce_free(app);
	if (app->logs != NULL)
		logs_close(app);
	for (i = 0; i < app->npanes; i++)
		pane_free(app, app->panes[i]);
	free(app->panes);
	app->panes = NULL;
	app->npanes = 0;
	attention_free(app);
	events_free(app->events);
	app->events = NULL;
	app_watch_stop(app);
	dapi_free(app->dapi);
	app->dapi = NULL;
	if (app->conn != NULL)
		conn_free(app->conn);
	app->conn = NULL;
	app_exec_drop(app);
	free(app->conn_error);
	free(app->message);
	for (i = 0; i < APP_OP_N; i++)
		free(app->operation[i]);
	prompt_free(app);
}

void
app_operation(struct app *app, enum app_op slot, const char *fmt, ...)
{
	va_list	ap;

	free(app->operation[slot]);
	app->operation[slot] = NULL;
	if (fmt != NULL) {
		va_start(ap, fmt);
		app->operation[slot] = xvasprintf(fmt, ap);
		va_end(ap);
	}
	app->status_dirty = 1;
}

static void
app_message_expire(void *arg)
{
	struct app	*app = arg;

	app->message_timer = 0;
	free(app->message);
	app->message = NULL;
	app->status_dirty = 1;
}

void
app_message(struct app *app, int error, const char *fmt, ...)
{
	va_list	ap;

	free(app->message);
	va_start(ap, fmt);
	if (vasprintf(&app->message, fmt, ap) < 0)
		app->message = NULL;
	va_end(ap);
	app->status_dirty = 1;
	loop_timer_cancel(app->loop, app->message_timer);
	app->message_timer = loop_timer_add(app->loop,
	    error ? APP_MESSAGE_MS * 2 : APP_MESSAGE_MS, app_message_expire,
	    app);
}

void
app_quit(struct app *app, int status)
{
	app->quit = 1;
	app->exit_status = status;
	loop_stop(app->loop);
}

struct pane *
app_pane_by_id(struct app *app, uint64_t id)
{
	size_t	i;

	for (i = 0; i < app->npanes; i++) {
		if (app->panes[i]->id == id)
			return app->panes[i];
	}
	return NULL;
}

struct pane *
app_focused(struct app *app)
{
	if (app->focus < 0 || (size_t)app->focus >= app->npanes)
		return NULL;
	return app->panes[app->focus];
}

void
app_set_focus(struct app *app, int index)
{
	struct pane	*old = app_focused(app), *new;

	if (index < 0 || (size_t)index >= app->npanes)
		return;
	new = app->panes[index];
	if (old != NULL && old != new) {
		old->dirty_border = 1;
		vt_scroll_reset(old->vt);
	}
	app->focus = index;
	new->activity = 0;
	new->bell = 0;
	new->dirty_border = 1;
	if (!app->zoomed && app->shape.per_page > 0 &&
	    index / app->shape.per_page != app->page) {
		app->page = index / app->shape.per_page;
		app->layout_dirty = 1;
	}
	if (app->zoomed)
		app->layout_dirty = 1;
	app->status_dirty = 1;
}

void
app_relayout(struct app *app)
{
	app->layout_dirty = 1;
	app->redraw_all = 1;
}

/* ---- connection ---- */

static void
app_reconnect_tick(void *arg)
{
	struct app	*app = arg;

	app->tick_timer = 0;
	app->status_dirty = 1;
	if (app->reconnect_timer != 0)
		app->tick_timer = loop_timer_add(app->loop, 1000,
		    app_reconnect_tick, app);
}

static void
app_reconnect_fire(void *arg)
{
	struct app	*app = arg;

	app->reconnect_timer = 0;
	loop_timer_cancel(app->loop, app->tick_timer);
	app->tick_timer = 0;
	app_connect(app);
}

/* Exponential backoff with jitter so many clients don't retry in step. */
void
app_schedule_reconnect(struct app *app)
{
	int	ms = app->reconnect_ms;
	int	jitter = ms / 5;

	if (jitter > 0)
		ms += (rand() % (2 * jitter + 1)) - jitter;
	app->reconnect_at = loop_now() + ms;
	app->reconnect_timer = loop_timer_add(app->loop, ms,
	    app_reconnect_fire, app);
	app->tick_timer = loop_timer_add(app->loop, 1000, app_reconnect_tick,
	    app);
	app->reconnect_ms *= 2;
	if (app->reconnect_ms > APP_BACKOFF_MAX_MS)
		app->reconnect_ms = APP_BACKOFF_MAX_MS;
}

static void
app_refresh_fire(void *arg)
{
	struct app	*app = arg;

	app->refresh_timer = 0;
	app_list_agents(app);
}

/* A CLI command runs once, when first connected; a lost connection ends it. */
static void
app_cli_ready(struct app *app)
{
	char	*cause = NULL;

	if (app->cli_started)
		return;
	app->cli_started = 1;
	if (cmd_run_argv(app, app->cli_argc, app->cli_argv, &cause) != 0) {
		fprintf(stderr, "sandbox-tui: %s\n", cause);
		free(cause);
		app_quit(app, 1);
	}
}

/* Only the word "yes" trusts a key, as with ssh's own question. */
static void
app_hostkey_done(struct app *app, const char *line)
{
	int	accept = line != NULL && strcmp(line, "yes") == 0;

	if (!accept)
		app_message(app, 1, "host key not trusted");
	conn_hostkey_answer(app->conn, accept);
}

static void
app_conn_state(struct conn *c, void *arg)
{
	struct app	*app = arg;
	size_t		 i;
	char		*label;

	app->status_dirty = 1;
	switch (conn_state(c)) {
	case CONN_READY:
		if (app->cli) {
			app_cli_ready(app);
			break;
		}
		app->was_ready = 1;
		app->reconnect_ms = APP_BACKOFF_MIN_MS;
		free(app->conn_error);
		app->conn_error = NULL;
		/* A host key question has no answer to wait for now. */
		if (prompt_drop(app, app_hostkey_done) ||
		    app->mode == MODE_HOSTKEY)
			mode_set(app, MODE_GRID);
		app_list_agents(app);
		break;
	case CONN_HOSTKEY:
		label = xasprintf("%s offers an unknown host key %s; trust it? "
		    "(yes/no) ", conn_describe(c), conn_hostkey_fingerprint(c));
		prompt_open(app, label, "", app_hostkey_done);
		free(label);
		app->mode = MODE_HOSTKEY;
		break;
	case CONN_FAILED:
		free(app->conn_error);
		app->conn_error = xstrdup(conn_error(c));
		if (app->cli) {
			fprintf(stderr, "sandbox-tui: %s: %s\n",
			    conn_describe(c), app->conn_error);
			app_quit(app, 1);
			break;
		}
		for (i = 0; i < app->npanes; i++) {
			if (app->panes[i]->chan != NULL)
				pane_detach(app, app->panes[i],
				    "connection lost");
		}
		events_stop(app->events);
		app_watch_stop(app);
		app->listing = 0;
		loop_timer_cancel(app->loop, app->refresh_timer);
		app->refresh_timer = 0;
		if (app->mode == MODE_HOSTKEY)
			mode_set(app, MODE_GRID);
		/* A refused host key never fixes itself: retrying would
		 * only hide the warning. */
		if (!conn_failure_retryable(c))
			app->fatal = 1;
		else
			app_schedule_reconnect(app);
		break;
	default:
		break;
	}
}

static void
app_connect(struct app *app)
{
	app->status_dirty = 1;
	if (app->gce_target) {
		/* The VM's address may change between runs: ask again. */
		app_gce_locate(app);
		return;
	}
	conn_connect(app->conn);
}

struct app_exec {
	struct app	*app;
	void		(*cb)(const struct exec_result *, void *);
	void		(*drop)(void *);
	void		*arg;
	struct app_exec	*next;
};

static void
app_exec_done(const struct exec_result *r, void *arg)
{
	struct app_exec	*x = arg, **pp;

	for (pp = &x->app->execs; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == x) {
			*pp = x->next;
			break;
		}
	}
	x->cb(r, x->arg);
	free(x);
}

/* Only after conn_free(): from then on no answer can come. */
static void
app_exec_drop(struct app *app)
{
	struct app_exec	*x;

	while ((x = app->execs) != NULL) {
		app->execs = x->next;
		x->drop(x->arg);
		free(x);
	}
}

void
app_exec(struct app *app, const char *cmd,
    void (*cb)(const struct exec_result *, void *), void (*drop)(void *),
    void *arg)
{
	struct app_exec	*x = xcalloc(1, sizeof *x);

	x->app = app;
	x->cb = cb;
	x->drop = drop;
	x->arg = arg;
	x->next = app->execs;
	app->execs = x;
	conn_exec(app->conn, cmd, NULL, 0, app_exec_done, x);
}

/*
 * Forgets the connection and everything that refers into it: agent
 * operations, the logs view, pane channels, listings, a host-key question
 * and pending reconnects.  conn_free() calls nothing back, so all of them
 * must let go first; jobs of app_exec() are dropped after it.
 */
void
app_drop_conn(struct app *app)
{
	size_t	i;

	if (app->op != NULL)
		app_operation(app, APP_OP_AGENTS, NULL);
	cmd_agents_free(app);
	/* Its done callback forgets the job. */
	image_build_stop(app->image_job,
	    "the connection to the target was replaced");
	if (app->logs != NULL)
		logs_close(app);
	for (i = 0; i < app->npanes; i++) {
		if (app->panes[i]->chan != NULL)
			pane_detach(app, app->panes[i], "reconnecting");
	}
	events_stop(app->events);
	app->listing = 0;
	app->list_again = 0;
	loop_timer_cancel(app->loop, app->refresh_timer);
	app->refresh_timer = 0;
	if (prompt_drop(app, app_hostkey_done) || app->mode == MODE_HOSTKEY)
		mode_set(app, MODE_GRID);
	loop_timer_cancel(app->loop, app->reconnect_timer);
	app->reconnect_timer = 0;
	loop_timer_cancel(app->loop, app->tick_timer);
	app->tick_timer = 0;
	app_watch_stop(app);
	dapi_free(app->dapi);
	app->dapi = NULL;
	if (app->conn != NULL)
		conn_free(app->conn);
	app->conn = NULL;
	app_exec_drop(app);
	app->status_dirty = 1;
}

/* The daemon's socket: DOCKER_HOST's for the local target when it names
 * a unix socket (as the docker CLI would use), else docker.socket. */
static const char *
app_docker_socket(struct app *app, const char *target)
{
	const char	*host = getenv("DOCKER_HOST");

	if (strcmp(target, "local") == 0 && host != NULL &&
	    strncmp(host, "unix://", 7) == 0 && host[7] != '\0')
		return host + 7;
	return config_str(app->cfg, "docker.socket");
}

/*
 * Opens (replacing any earlier one) the connection to target.  pinned:
 * the host keys were pinned in known_hosts by this program, so an unknown
 * key is refused, never asked about.
 */
int
app_open_conn(struct app *app, const char *target, const char *identity,
    const char *known_hosts, int pinned, char **cause)
{
	struct conn_opts	 opts;
	struct conn_callbacks	 cbs = { app_conn_state };
	struct conn		*c;

	memset(&opts, 0, sizeof opts);
	opts.target = target;
	opts.identity = identity;
	opts.known_hosts = known_hosts;
	opts.ssh_config = config_str(app->cfg, "ssh.config");
	if (opts.identity != NULL && *opts.identity == '\0')
		opts.identity = NULL;
	if (opts.known_hosts != NULL && *opts.known_hosts == '\0')
		opts.known_hosts = NULL;
	if (*opts.ssh_config == '\0')
		opts.ssh_config = NULL;
	if (pinned) {
		/* No ~/.ssh/config either: it could redirect the host. */
		opts.ssh_config = "/dev/null";
		opts.known_hosts_only = 1;
		opts.accept_new_host_key = 0;
		opts.interactive = 0;
	} else {
		opts.accept_new_host_key = config_bool(app->cfg,
		    "ssh.accept_new_host_key");
		opts.interactive = !app->cli;
	}
	opts.keepalive_seconds = (int)config_int(app->cfg, "ssh.keepalive");
	opts.connect_timeout_seconds = (int)config_int(app->cfg,
	    "ssh.connect_timeout");
	if ((c = conn_new(app->loop, &opts, &cbs, app, cause)) == NULL)
		return -1;
	app_drop_conn(app);
	app->conn = c;
	app->dapi = dapi_new(app->loop, c, app_docker_socket(app, target));
	return 0;
}

/*
 * After `vm create` or `vm start` in the grid: the VM becomes the target
 * (the panes of the previous one go; its agents keep running there).
 */
void
app_use_gce(struct app *app)
{
	size_t	i;

	app->fatal = 0;
	app->reconnect_ms = APP_BACKOFF_MIN_MS;
	if (!app->gce_target) {
		app_drop_conn(app);
		for (i = 0; i < app->npanes; i++)
			pane_free(app, app->panes[i]);
		app->npanes = 0;
		app->focus = -1;
		app->layout_dirty = 1;
		app->redraw_all = 1;
		app->gce_target = 1;
	}
	app_connect(app);
}

int
app_start(struct app *app, char **cause)
{
	const char	*target = config_str(app->cfg, "target");

	if (app_gce_wanted(app)) {
		if (app_gce_prepare(app, cause) != 0)
			return -1;
		app->gce_target = 1;
		app_connect(app);
		return 0;
	}
	if (strcmp(target, "auto") == 0)
		target = "local";
	if (app_open_conn(app, target, config_str(app->cfg, "ssh.identity"),
	    config_str(app->cfg, "ssh.known_hosts"), 0, cause) != 0)
		return -1;
	app_connect(app);
	return 0;
}

/* ---- agents ---- */

static int
app_pane_cmp(const void *a, const void *b)
{
	const struct pane	*pa = *(struct pane *const *)a;
	const struct pane	*pb = *(struct pane *const *)b;

	if (pa->n != pb->n)
		return pa->n < pb->n ? -1 : 1;
	return strcmp(pa->name, pb->name);
}

static struct pane *
app_find_pane(struct app *app, const char *name)
{
	size_t	i;

	for (i = 0; i < app->npanes; i++) {
		if (strcmp(app->panes[i]->name, name) == 0)
			return app->panes[i];
	}
	return NULL;
}

static void
app_set_str(char **dst, const char *src)
{
	if (*dst != NULL && src != NULL && strcmp(*dst, src) == 0)
		return;
	free(*dst);
	*dst = src != NULL ? xstrdup(src) : NULL;
}

/* Brings the panes in line with what docker reports, keeping focus on the same agent. */
static void
app_reconcile(struct app *app, struct agent_info *agents, size_t n)
{
	struct pane	*focused = app_focused(app);
	uint64_t	 focus_id = focused != NULL ? focused->id : 0;
	size_t		 i, j;

	for (i = 0; i < app->npanes; i++)
		app->panes[i]->gone = 1;
	for (i = 0; i < n; i++) {
		struct pane *p;

		if (app->only_agent != 0 && agents[i].n != app->only_agent)
			continue;
		if ((p = app_find_pane(app, agents[i].name)) == NULL) {
			p = pane_new(app, agents[i].n, agents[i].name);
			app->panes = xreallocarray(app->panes, app->npanes + 1,
			    sizeof *app->panes);
			app->panes[app->npanes++] = p;
			app->layout_dirty = 1;
		}
		p->gone = 0;
		if (p->state == NULL || strcmp(p->state, agents[i].state) != 0)
			p->dirty_border = 1;
		app_set_str(&p->state, agents[i].state);
		app_set_str(&p->status, agents[i].status);
		p->exit_code = agents[i].exit_code;
	}
	for (i = j = 0; i < app->npanes; i++) {
		if (app->panes[i]->gone) {
			pane_free(app, app->panes[i]);
			app->layout_dirty = 1;
			continue;
		}
		app->panes[j++] = app->panes[i];
	}
	app->npanes = j;
	if (app->npanes > 1)
		qsort(app->panes, app->npanes, sizeof *app->panes,
		    app_pane_cmp);

	app->focus = app->npanes > 0 ? 0 : -1;
	for (i = 0; i < app->npanes; i++) {
		if (app->panes[i]->id == focus_id)
			app->focus = (int)i;
	}
	if (app->npanes == 0)
		app->zoomed = 0;
	if (app->layout_dirty)
		app->redraw_all = 1;
	app->status_dirty = 1;

	for (i = 0; i < app->npanes; i++) {
		struct pane *p = app->panes[i];

		if (p->chan != NULL || conn_state(app->conn) != CONN_READY)
			continue;
		if (strcmp(p->state, "running") == 0)
			pane_attach(app, p);
		else
			pane_replay(app, p);
	}
	/* After the attaches: an event marks only a pane with a channel. */
	attention_follow(app);
}

static void
app_list_done(const struct dapi_result *r, void *arg)
{
	struct app		*app = arg;
	struct agent_info	*agents = NULL;
	size_t			 n = 0;
	char			*cause = NULL;

	app->listing = 0;
	if (r->error != NULL) {
		app_message(app, 1, "listing the agents: %s", r->error);
	} else if (docker_parse_containers(r->body, r->len, &agents, &n,
	    &cause) != 0) {
		app_message(app, 1, "%s", cause);
		free(cause);
	} else {
		app->listed = 1;
		app_reconcile(app, agents, n);
		agent_info_free(agents, n);
		app_watch_start(app);
	}
	if (conn_state(app->conn) == CONN_READY && !app->quit) {
		if (app->list_again) {
			app->list_again = 0;
			app_list_agents(app);
		} else if (app->refresh_timer == 0 && !app_watch_active(app))
			app->refresh_timer = loop_timer_add(app->loop,
			    APP_REFRESH_MS, app_refresh_fire, app);
	}
}

/* Asks docker for the agent list; a request while one runs is folded into one more. */
void
app_list_agents(struct app *app)
{
	char	*path;

	if (app->conn == NULL || conn_state(app->conn) != CONN_READY)
		return;
	if (app->listing) {
		app->list_again = 1;
		return;
	}
	loop_timer_cancel(app->loop, app->refresh_timer);
	app->refresh_timer = 0;
	app->listing = 1;
	path = docker_api_ps_path();
	dapi_call(app->dapi, "GET", path, NULL, app_list_done, app);
	free(path);
}
