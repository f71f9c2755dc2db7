/*
 * Waiting for input.  An agent that needs an answer prints a prompt and
 * goes quiet, so a pane is marked waiting when it has had no output for
 * agents.idle_seconds and one of its last lines matches
 * agents.waiting_pattern (and none matches agents.busy_pattern: Claude
 * Code's "esc to interrupt" while a tool runs silently).
 *
 * Cost: one one-shot timer per pane, armed by output when none is armed.
 * When it fires early (output came since) it is re-armed for the rest, so
 * a pane streaming output wakes the loop once per idle period, and a quiet
 * one not at all.  The screen is read only when the timer finds the pane
 * still.
 *
 * Claude Code says so itself when its hooks are installed (the shipped
 * settings): a Notification or Stop hook appends a line to the agent's
 * events file, which events.c follows, and also prints an OSC 777
 * notification to its terminal if it can; either way the pane waits from
 * then until the user types into it, whatever the screen does meanwhile.
 *
 * notify.command runs through /bin/sh when a pane starts waiting or rings
 * the bell, detached (double fork, own session, stdio on /dev/null) so it
 * can neither block the loop, leave a zombie nor draw on the screen.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/config.h"
#include "config/xmalloc.h"
#include "gcp/agents.h"
#include "gcp/events.h"
#include "gcp/loop.h"
#include "tui/app.h"
#include "tui/attention.h"
#include "tui/draw.h"
#include "tui/pane.h"
#include "vt/vt.h"

extern char **environ;

struct attention_re {
	char	*source;	/* what re was compiled from; NULL if none */
	regex_t	 re;
};

struct attention {
	struct attention_re	wait, busy;
	int			warned;		/* about a pattern that fails */
};

/* Bytes of a row's text looked at: a prompt is near the start anyway. */
#define ATTENTION_ROW_MAX	1024

int
attention_screen(struct vt *vt, const regex_t *wait, const regex_t *busy)
{
	char	line[ATTENTION_ROW_MAX];
	int	row, seen = 0, waiting = 0;

	for (row = vt_rows(vt) - 1; row >= 0 && seen < ATTENTION_LINES;
	    row--) {
		if (vt_row_text(vt, row, line, sizeof line) == 0)
			continue;
		seen++;
		if (busy != NULL && regexec(busy, line, 0, NULL, 0) == 0)
			return 0;
		if (!waiting && wait != NULL &&
		    regexec(wait, line, 0, NULL, 0) == 0)
			waiting = 1;
	}
	return waiting;
}

/*
 * Compiles the option's pattern when it changed since last time.  Returns
 * NULL when it is empty or does not compile (the config parser refuses
 * such values, so that is only a libc disagreement).
 */
static const regex_t *
attention_pattern(struct app *app, struct attention_re *r, const char *name)
{
	const char	*s = config_str(app->cfg, name);
	int		 rc;

	if (r->source != NULL && strcmp(r->source, s) == 0)
		return &r->re;
	if (r->source != NULL) {
		regfree(&r->re);
		free(r->source);
		r->source = NULL;
	}
	if (*s == '\0')
		return NULL;
	if ((rc = regcomp(&r->re, s, REG_EXTENDED | REG_NOSUB)) != 0) {
		char err[128];

		regerror(rc, &r->re, err, sizeof err);
		if (!app->attention->warned)
			app_message(app, 1, "%s: %s; waiting detection is off",
			    name, err);
		app->attention->warned = 1;
		return NULL;
	}
	r->source = xstrdup(s);
	return &r->re;
}

static void
attention_notify(struct app *app, struct pane *p, const char *event)
{
	const char	*cmd = config_str(app->cfg, "notify.command");
	char		**env, agent[64], *name, *ev;
	size_t		 n, i;
	pid_t		 pid;
	int		 fd;

	if (*cmd == '\0')
		return;
	/* Built before fork: the child only calls async-signal-safe code. */
	for (n = 0; environ[n] != NULL; n++)
		;
	env = xcalloc(n + 4, sizeof *env);
	for (i = 0; i < n; i++)
		env[i] = environ[i];
	snprintf(agent, sizeof agent, "SANDBOX_TUI_AGENT=%02d", p->n);
	name = xasprintf("SANDBOX_TUI_AGENT_NAME=%s", p->name);
	ev = xasprintf("SANDBOX_TUI_EVENT=%s", event);
	env[n] = agent;
	env[n + 1] = name;
	env[n + 2] = ev;

	pid = fork();
	if (pid == 0) {
		if (fork() != 0)
			_exit(0);
		setsid();
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		close_range(3, ~0U, 0);
		execve("/bin/sh", (char *[]){ "sh", "-c", (char *)cmd, NULL },
		    env);
		_exit(127);
	}
	if (pid == -1)
		app_message(app, 1, "notify.command: fork: %s",
		    strerror(errno));
	else {
		while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
			;
	}
	free(name);
	free(ev);
	free(env);
}

static void
attention_fire(void *arg)
{
	struct pane	*p = arg;
	struct app	*app = p->app;
	int64_t		 idle = config_int(app->cfg, "agents.idle_seconds") * 1000;
	int64_t		 still = loop_now() - p->last_output;
	const regex_t	*wait, *busy;

	p->idle_timer = 0;
	if (still < idle) {
		p->idle_timer = loop_timer_add(app->loop, idle - still,
		    attention_fire, p);
		return;
	}
	if (p->chan == NULL || p->waiting)
		return;
	if (app->attention == NULL)
		app->attention = xcalloc(1, sizeof *app->attention);
	wait = attention_pattern(app, &app->attention->wait,
	    "agents.waiting_pattern");
	busy = attention_pattern(app, &app->attention->busy,
	    "agents.busy_pattern");
	if (!attention_screen(p->vt, wait, busy))
		return;
	p->waiting = 1;
	p->dirty_border = 1;
	app->status_dirty = 1;
	draw_request(app);
	attention_notify(app, p, "waiting");
}

void
attention_output(struct app *app, struct pane *p)
{
	p->last_output = loop_now();
	if (p->waiting && !p->told) {
		p->waiting = 0;
		p->dirty_border = 1;
		app->status_dirty = 1;
	}
	if (p->idle_timer == 0)
		p->idle_timer = loop_timer_add(app->loop,
		    config_int(app->cfg, "agents.idle_seconds") * 1000,
		    attention_fire, p);
}

static void
attention_clear(struct app *app, struct pane *p)
{
	p->told = 0;
	if (p->waiting) {
		p->waiting = 0;
		p->dirty_border = 1;
		app->status_dirty = 1;
	}
}

void
attention_stop(struct app *app, struct pane *p)
{
	loop_timer_cancel(app->loop, p->idle_timer);
	p->idle_timer = 0;
	attention_clear(app, p);
}

void
attention_told(struct app *app, struct pane *p, const char *body)
{
	int	was = p->waiting;

	p->told = 1;
	p->waiting = 1;
	p->dirty_border = 1;
	app->status_dirty = 1;
	draw_request(app);
	/* "done" (Stop) or what Claude Code notified about. */
	if (!was)
		attention_notify(app, p, strstr(body, "done") != NULL ?
		    "done" : "waiting");
}

void
attention_input(struct app *app, struct pane *p)
{
	if (p->told)
		attention_clear(app, p);
}

void
attention_bell(struct app *app, struct pane *p)
{
	attention_notify(app, p, "bell");
}

size_t
attention_waiting(struct app *app)
{
	size_t	i, n = 0;

	for (i = 0; i < app->npanes; i++)
		n += app->panes[i]->waiting != 0;
	return n;
}

void
attention_free(struct app *app)
{
	struct attention	*a = app->attention;

	if (a == NULL)
		return;
	if (a->wait.source != NULL)
		regfree(&a->wait.re);
	if (a->busy.source != NULL)
		regfree(&a->busy.re);
	free(a->wait.source);
	free(a->busy.source);
	free(a);
	app->attention = NULL;
}

/* A fresh line from Claude Code's hooks (gcp/events.c). */
static void
attention_event(int agent, enum events_kind kind, void *arg)
{
	struct app	*app = arg;
	struct pane	*p;
	size_t		 i;

	for (i = 0; i < app->npanes; i++) {
		p = app->panes[i];
		/* A pane without a channel is not watched for waiting. */
		if (p->n == agent && p->chan != NULL) {
			attention_told(app, p, kind == EVENTS_DONE ? "done" :
			    "waiting for input");
			return;
		}
	}
}

static void
attention_events_failed(const char *message, void *arg)
{
	app_message(arg, 1, "%s", message);
}

void
attention_follow(struct app *app)
{
	static const struct events_cb cb = { attention_event,
	    attention_events_failed };
	unsigned char	 want[AGENT_MAX + 1];
	size_t		 i;
	int		 n;

	if (app->events == NULL)
		app->events = events_new(&cb, app);
	memset(want, 0, sizeof want);
	for (i = 0; i < app->npanes; i++) {
		n = app->panes[i]->n;
		if (n >= 1 && n <= AGENT_MAX)
			want[n] = 1;
	}
	events_follow(app->events, app->conn,
	    config_str(app->cfg, "agents.workspace_dir"), want);
}
