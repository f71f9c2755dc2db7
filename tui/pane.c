/*
 * A pane: one agent's terminal (struct vt) fed by one PTY channel running
 * `docker attach` on the target.  Flow control lives here: a pane that has
 * taken its budget of bytes in the current frame pauses its channel until
 * the frame is drawn, so a flood in one agent can neither grow memory nor
 * starve the others or the keyboard.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/xmalloc.h"
#include "gcp/conn.h"
#include "gcp/docker.h"
#include "gcp/loop.h"
#include "tui/app.h"
#include "tui/attention.h"
#include "tui/draw.h"
#include "tui/pane.h"
#include "vt/vt.h"

#define PANE_NUDGE_MS		400
#define PANE_NUDGE_BACK_MS	60
/* docker attach needs a moment after starting before it reads keys. */
#define PANE_HOLD_AFTER_MARKER_MS	500
#define PANE_HOLD_MAX_MS		5000
#define PANE_HOLD_MAX_BYTES		(1024 * 1024)

static void
pane_vt_output(const char *buf, size_t len, void *arg)
{
	struct pane	*p = arg;

	pane_write(p, buf, len);
}

struct pane *
pane_new(struct app *app, int n, const char *name)
{
	struct pane		*p = xcalloc(1, sizeof *p);
	struct vt_callbacks	 cbs = { pane_vt_output };

	p->app = app;
	p->id = app->next_pane_id++;
	p->n = n;
	p->name = xstrdup(name);
	p->exit_code = -1;
	p->vt = vt_new(24, 80, (int)config_int(app->cfg, "vt.scrollback"),
	    &cbs, p);
	p->dirty_border = 1;
	return p;
}

/* Sends what was typed while the attach was starting. */
static void
pane_hold_release(void *arg)
{
	struct pane	*p = arg;

	p->hold_timer = 0;
	p->holding = 0;
	if (p->chan != NULL && p->hold_len > 0)
		chan_write(p->chan, p->hold_buf, p->hold_len);
	p->hold_len = 0;
}

/* Keys typed meanwhile stay buffered for the next attach. */
static void
pane_hold_stop(struct app *app, struct pane *p)
{
	loop_timer_cancel(app->loop, p->hold_timer);
	p->hold_timer = 0;
	p->holding = 0;
}

void
pane_free(struct app *app, struct pane *p)
{
	if (p == NULL)
		return;
	pane_hold_stop(app, p);
	attention_stop(app, p);
	free(p->hold_buf);
	if (p->chan != NULL)
		chan_close(p->chan);
	loop_timer_cancel(app->loop, p->nudge_timer);
	vt_free(p->vt);
	free(p->name);
	free(p->state);
	free(p->status);
	free(p->closed_reason);
	free(p);
}

static struct pane *
pane_by_chan(struct app *app, struct chan *c)
{
	size_t	i;

	for (i = 0; i < app->npanes; i++) {
		if (app->panes[i]->chan == c)
			return app->panes[i];
	}
	return NULL;
}

static void
pane_chan_data(struct chan *c, const char *buf, size_t len, void *arg)
{
	struct app	*app = arg;
	struct pane	*p = pane_by_chan(app, c);
	char		*note;

	if (p == NULL)
		return;
	if (p->link != PANE_ATTACHED) {
		p->link = PANE_ATTACHED;
		p->dirty_border = 1;
	}
	if (p->holding && memmem(buf, len, DOCKER_ATTACH_MARKER,
	    sizeof DOCKER_ATTACH_MARKER - 1) != NULL) {
		loop_timer_cancel(app->loop, p->hold_timer);
		p->hold_timer = loop_timer_add(app->loop,
		    PANE_HOLD_AFTER_MARKER_MS, pane_hold_release, p);
	}
	vt_feed(p->vt, buf, len);
	p->frame_bytes += len;
	attention_output(app, p);
	if ((note = vt_take_notify(p->vt)) != NULL) {
		attention_told(app, p, note);
		free(note);
	}
	if (app_focused(app) != p && !p->activity) {
		p->activity = 1;
		p->dirty_border = 1;
	}
	if (vt_take_bell(p->vt) && !p->bell) {
		p->bell = 1;
		p->dirty_border = 1;
		attention_bell(app, p);
	}
	if (vt_take_title_changed(p->vt))
		p->dirty_border = 1;
	if (p->frame_bytes >= app->opt.flow_budget && !p->paused) {
		p->paused = 1;
		chan_pause(c, 1);
	}
	draw_request(app);
}

static void
pane_chan_closed(struct chan *c, int status, const char *reason, void *arg)
{
	struct app	*app = arg;
	struct pane	*p = pane_by_chan(app, c);

	if (p == NULL)
		return;
	p->chan = NULL;
	p->link = PANE_DETACHED;
	p->paused = 0;
	pane_hold_stop(app, p);
	attention_stop(app, p);
	free(p->closed_reason);
	if (reason != NULL)
		p->closed_reason = xstrdup(reason);
	else
		p->closed_reason = xasprintf("attach ended (exit %d)", status);
	loop_timer_cancel(app->loop, p->nudge_timer);
	p->nudge_timer = 0;
	p->dirty_border = 1;
	app->status_dirty = 1;
	/* The container probably stopped: learn its state from docker. */
	app_list_agents(app);
}

/*
 * A program already running in the container only repaints on SIGWINCH, so
 * after attaching, shrink the terminal by a column and restore it (what
 * `docker attach` itself does on some versions).
 */
static void
pane_nudge(void *arg)
{
	struct pane	*p = arg;
	int		 rows = vt_rows(p->vt), cols = vt_cols(p->vt);

	p->nudge_timer = 0;
	if (p->chan == NULL)
		return;
	if (p->nudge_step == 0 && cols > 1) {
		chan_resize(p->chan, rows, cols - 1);
		p->nudge_step = 1;
		p->nudge_timer = loop_timer_add(p->app->loop,
		    PANE_NUDGE_BACK_MS, pane_nudge, p);
		return;
	}
	chan_resize(p->chan, rows, cols);
}

/* Keys that could not reach the agent: the user must know to type them
 * again once it is back. */
static void
pane_chan_write_failed(struct chan *c, size_t lost, const char *why,
    void *arg)
{
	struct app	*app = arg;
	struct pane	*p = pane_by_chan(app, c);

	if (p == NULL)
		return;
	app_message(p->app, 1, "%s: typed input not delivered (%zu bytes): "
	    "%s", p->name, lost, why);
}

void
pane_attach(struct app *app, struct pane *p)
{
	static const struct chan_callbacks cbs = { .data = pane_chan_data,
	    .closed = pane_chan_closed, .write_failed = pane_chan_write_failed };
	char	*cmd;
	int	 replay;

	if (p->chan != NULL)
		return;
	replay = (int)config_int(app->cfg, "agents.replay_lines");
	cmd = docker_cmd_attach(p->name, replay);
	/* A fresh attach replays recent output: start from a clean screen. */
	vt_feed(p->vt, "\033c", 2);
	p->chan = conn_open_pty(app->conn, cmd, vt_rows(p->vt), vt_cols(p->vt),
	    &cbs, app);
	free(cmd);
	p->link = PANE_ATTACHING;
	p->replayed = 1;
	/*
	 * docker attach flushes input typed before it sets the terminal raw,
	 * so keys wait here until the attach command says it is starting (or,
	 * failing that, for a bounded time).
	 */
	pane_hold_stop(app, p);
	p->holding = 1;
	p->hold_timer = loop_timer_add(app->loop, PANE_HOLD_MAX_MS,
	    pane_hold_release, p);
	free(p->closed_reason);
	p->closed_reason = NULL;
	p->dirty_border = 1;

	/* The timer holds the pane itself: pane_free cancels it. */
	loop_timer_cancel(app->loop, p->nudge_timer);
	p->nudge_step = 0;
	p->nudge_timer = loop_timer_add(app->loop, PANE_NUDGE_MS, pane_nudge,
	    p);
}

struct pane_replay {
	struct app	*app;
	uint64_t	 id;
};

static void
pane_replay_done(const struct exec_result *r, void *arg)
{
	struct pane_replay	*rp = arg;
	struct pane		*p = app_pane_by_id(rp->app, rp->id);

	/* The pane may have gone, or started attaching, meanwhile. */
	if (p != NULL && p->chan == NULL && r->status == 0) {
		vt_feed(p->vt, r->out, r->out_len);
		draw_request(rp->app);
	}
	free(rp);
}

/*
 * A stopped agent has no stream to attach to; show its last output from
 * docker's log instead, so the pane holds its final screen.
 */
void
pane_replay(struct app *app, struct pane *p)
{
	struct pane_replay	*rp;
	char			*cmd;
	int			 lines;

	lines = (int)config_int(app->cfg, "agents.replay_lines");
	if (p->replayed || p->chan != NULL || lines == 0)
		return;
	p->replayed = 1;
	rp = xcalloc(1, sizeof *rp);
	rp->app = app;
	rp->id = p->id;
	cmd = docker_cmd_logs(p->name, lines);
	vt_feed(p->vt, "\033c", 2);
	app_exec(app, cmd, pane_replay_done, free, rp);
	free(cmd);
}

void
pane_detach(struct app *app, struct pane *p, const char *reason)
{
	pane_hold_stop(app, p);
	attention_stop(app, p);
	if (p->chan != NULL)
		chan_close(p->chan);
	p->chan = NULL;
	p->link = PANE_DETACHED;
	p->paused = 0;
	free(p->closed_reason);
	p->closed_reason = reason != NULL ? xstrdup(reason) : NULL;
	loop_timer_cancel(app->loop, p->nudge_timer);
	p->nudge_timer = 0;
	p->dirty_border = 1;
}

void
pane_set_size(struct app *app, struct pane *p, int rows, int cols)
{
	(void)app;
	if (rows < 1)
		rows = 1;
	if (cols < 1)
		cols = 1;
	if (rows == vt_rows(p->vt) && cols == vt_cols(p->vt))
		return;
	vt_resize(p->vt, rows, cols);
	if (p->chan != NULL)
		chan_resize(p->chan, rows, cols);
}

void
pane_write(struct pane *p, const char *buf, size_t len)
{
	if (len == 0)
		return;
	/* Typing answers whatever Claude Code said it waited for. */
	attention_input(p->app, p);
	if (p->chan != NULL && !p->holding) {
		chan_write(p->chan, buf, len);
		return;
	}
	/* Not attached: a running agent is about to be (re)attached, so keep
	 * the keys for it; a stopped one can't take them. */
	if (p->chan == NULL && (p->state == NULL ||
	    strcmp(p->state, "running") != 0)) {
		app_message(p->app, 1, "%s is not running: input dropped",
		    p->name);
		return;
	}
	if (p->hold_len + len > PANE_HOLD_MAX_BYTES) {
		app_message(p->app, 1, "%s is not attached yet: input "
		    "dropped", p->name);
		return;
	}
	p->hold_buf = xrealloc(p->hold_buf, p->hold_len + len);
	memcpy(p->hold_buf + p->hold_len, buf, len);
	p->hold_len += len;
}

/* After a frame is on screen, every pane may read again. */
void
pane_frame_done(struct app *app)
{
	size_t	i;

	for (i = 0; i < app->npanes; i++) {
		struct pane *p = app->panes[i];

		p->frame_bytes = 0;
		if (p->paused && p->chan != NULL)
			chan_pause(p->chan, 0);
		p->paused = 0;
	}
}
