/*
 * Runs agent operations (see agents.h) as a chain of conn_exec callbacks:
 * list → plan → uploads (only when creating) → tasks, at most
 * AGENTS_PARALLEL at a time over the one connection.  An operation that is
 * cancelled keeps its memory until its last exec has called back, because
 * conn_exec always calls back exactly once.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config/echo.h"
#include "config/config.h"
#include "config/shquote.h"
#include "config/words.h"
#include "config/xmalloc.h"
#include "gcp/conn.h"
#include "gcp/docker.h"
#include "gcp/agents.h"

/*
 * Concurrent docker commands.  Each is an SSH channel: OpenSSH's default
 * MaxSessions (10) must also leave room for the panes' channels.
 */
#define AGENTS_PARALLEL	6

enum agents_phase {
	PHASE_LIST,
	PHASE_PREP,
	PHASE_TASKS,
	PHASE_DONE,
};

struct agents_op {
	struct conn		*conn;
	struct agents_opts	 opt;		/* owned copies */
	struct agents_req	 req;
	struct agents_report	 rep;
	void			*arg;
	enum agents_phase	 phase;
	int			 cancelled;
	int			 pending;	/* execs not called back yet */

	struct agents_task	*tasks;
	size_t			 ntasks, next;
	int			 finished, failures, total;
	char			*confirm;

	int			 preps;		/* uploads in flight */
	char			*prep_error;
	struct agents_spec	 as;		/* when creating */
};

/* One exec in flight: which op, and which task (-1 for list and uploads). */
struct agents_call {
	struct agents_op	*op;
	int			 task;
	int			 what;		/* 0 image check, 1 env, 2 settings */
};

static void agents_next(struct agents_op *);

/*
 * An operation outlives the command that started it and a `set` may
 * change the options meanwhile, so it keeps its own copies.
 */
static void
agents_opts_copy(struct agents_opts *to, const struct agents_opts *from)
{
	*to = *from;
	to->image = xstrdup(from->image);
	to->command = xstrdup(from->command);
	to->workspace_dir = xstrdup(from->workspace_dir);
	to->api_key = xstrdup(from->api_key);
	to->env_secret = xstrdup(from->env_secret);
	to->claude_settings = xstrdup(from->claude_settings);
}

static void
agents_opts_free(struct agents_opts *o)
{
	free((char *)o->image);
	free((char *)o->command);
	free((char *)o->workspace_dir);
	freezero((char *)o->api_key, strlen(o->api_key));
	free((char *)o->env_secret);
	free((char *)o->claude_settings);
}

static void
agents_free(struct agents_op *op)
{
	agents_opts_free(&op->opt);
	free(op->tasks);
	free(op->confirm);
	free(op->prep_error);
	agents_spec_clear(&op->as);
	free(op);
}

static void
agents_exec(struct agents_op *op, const char *cmd, const char *in,
    size_t in_len, conn_exec_cb cb, int task, int what)
{
	struct agents_call	*call = xcalloc(1, sizeof *call);

	call->op = op;
	call->task = task;
	call->what = what;
	op->pending++;
	conn_exec(op->conn, cmd, in, in_len, cb, call);
}

/* Common prologue of every callback; returns NULL when the op is cancelled. */
static struct agents_op *
agents_return(struct agents_call *call)
{
	struct agents_op	*op = call->op;

	op->pending--;
	if (op->cancelled) {
		if (op->pending == 0)
			agents_free(op);
		return NULL;
	}
	return op;
}

static void
agents_finish(struct agents_op *op, const char *error)
{
	op->phase = PHASE_DONE;
	if (op->rep.done != NULL)
		op->rep.done(op->failures, error, op->confirm, op->arg);
	if (op->pending == 0)
		agents_free(op);
	else
		op->cancelled = 1;
}

static char *
agents_explain(struct agents_op *op, const struct exec_result *r)
{
	if (r->error != NULL)
		return xstrdup(r->error);
	return docker_explain(r->status, r->err, conn_describe(op->conn),
	    op->opt.image);
}

/* ---- tasks ---- */

static const char *
agents_done_text(const struct agents_task *t)
{
	switch (t->kind) {
	case TASK_CREATE:
		return "created";
	case TASK_START:
		return "started";
	case TASK_UNPAUSE:
		return "unpaused";
	case TASK_STOP:
		return "stopped";
	case TASK_RESTART:
		return "restarted";
	case TASK_RM:
		return t->purge ? "removed, workspace deleted" :
		    "removed (workspace kept)";
	case TASK_PURGE:
		return "workspace deleted";
	case TASK_NOTE:
		return t->note;
	case TASK_MISSING:
		break;
	}
	return "";
}

static void
agents_task_report(struct agents_op *op, struct agents_task *t, int ok,
    const char *text)
{
	if (!ok)
		op->failures++;
	op->finished++;
	if (op->rep.line != NULL)
		op->rep.line(t->n, ok, text, op->arg);
	if (op->rep.progress != NULL)
		op->rep.progress(op->finished, op->total, op->arg);
}

static void
agents_task_done(const struct exec_result *r, void *arg)
{
	struct agents_call	*call = arg;
	struct agents_op	*op = agents_return(call);
	struct agents_task	*t;
	char			*why;

	if (op == NULL) {
		free(call);
		return;
	}
	t = &op->tasks[call->task];
	free(call);
	if (r->error == NULL && r->status == 0)
		agents_task_report(op, t, 1, agents_done_text(t));
	else {
		why = agents_explain(op, r);
		agents_task_report(op, t, 0, why);
		free(why);
	}
	agents_next(op);
}

/* The shell command for a task, or NULL with *cause. */
static char *
agents_task_cmd(struct agents_op *op, struct agents_task *t, char **cause)
{
	const char	*ws = op->opt.workspace_dir;
	char		*const names[1] = { t->name };
	char		*a, *b, *cmd;

	switch (t->kind) {
	case TASK_CREATE:
		return docker_cmd_run(&op->as.spec, t->n, cause);
	case TASK_START:
		return docker_cmd_each("start", names, 1, cause);
	case TASK_UNPAUSE:
		return docker_cmd_each("unpause", names, 1, cause);
	case TASK_STOP:
		return docker_cmd_each("stop", names, 1, cause);
	case TASK_RESTART:
		return docker_cmd_each("restart", names, 1, cause);
	case TASK_RM:
		if ((a = docker_cmd_each("rm", names, 1, cause)) == NULL)
			return NULL;
		if (!t->purge)
			return a;
		b = docker_cmd_purge(ws, t->n, op->opt.image, cause);
		if (b == NULL) {
			free(a);
			return NULL;
		}
		cmd = xasprintf("%s && %s", a, b);
		free(a);
		free(b);
		return cmd;
	case TASK_PURGE:
		return docker_cmd_purge(ws, t->n, op->opt.image, cause);
	default:
		break;
	}
	return NULL;
}

static void
agents_next(struct agents_op *op)
{
	struct agents_task	*t;
	char			*cmd, *cause = NULL, buf[128];

	while (op->pending < AGENTS_PARALLEL && op->next < op->ntasks) {
		t = &op->tasks[op->next];
		if (t->kind == TASK_NOTE) {
			op->next++;
			agents_task_report(op, t, 1, t->note);
			continue;
		}
		if (t->kind == TASK_MISSING) {
			op->next++;
			snprintf(buf, sizeof buf, "no agent %d on %s", t->n,
			    conn_describe(op->conn));
			agents_task_report(op, t, 0, buf);
			continue;
		}
		if ((cmd = agents_task_cmd(op, t, &cause)) == NULL) {
			op->next++;
			agents_task_report(op, t, 0, cause);
			free(cause);
			cause = NULL;
			continue;
		}
		agents_exec(op, cmd, NULL, 0, agents_task_done, (int)op->next,
		    0);
		op->next++;
		free(cmd);
	}
	if (op->pending == 0 && op->next == op->ntasks &&
	    op->phase == PHASE_TASKS)
		agents_finish(op, NULL);
}

/* ---- uploads for new containers ---- */

static void
agents_prep_done(const struct exec_result *r, void *arg)
{
	static const char *what[] = { "image check", "secrets env file",
	    "Claude Code settings" };
	struct agents_call	*call = arg;
	struct agents_op	*op = agents_return(call);
	char			*why;

	if (op == NULL) {
		free(call);
		return;
	}
	if ((r->error != NULL || r->status != 0) && op->prep_error == NULL) {
		why = agents_explain(op, r);
		if (call->what == 0)
			op->prep_error = why;
		else {
			op->prep_error = xasprintf("%s upload to %s: %s",
			    what[call->what], conn_describe(op->conn), why);
			free(why);
		}
	}
	free(call);
	if (--op->preps > 0)
		return;
	if (op->prep_error != NULL) {
		agents_finish(op, op->prep_error);
		return;
	}
	op->phase = PHASE_TASKS;
	agents_next(op);
}

/* The secrets env file's text, or NULL when there are none; -1 on error. */
static int
agents_env_text(struct agents_op *op, char **text, char **cause)
{
	const char	*key = op->opt.api_key;
	char		**names = NULL, **values = NULL, **words = NULL;
	const char	*v;
	int		 nwords = 0, i, rc = -1;
	size_t		 n = 0;

	*text = NULL;
	if (words_split(op->opt.env_secret, &nwords,
	    &words, cause) != 0)
		return -1;
	names = xcalloc((size_t)nwords + 1, sizeof *names);
	values = xcalloc((size_t)nwords + 1, sizeof *values);
	if (*key != '\0') {
		names[n] = (char *)"ANTHROPIC_API_KEY";
		values[n++] = (char *)key;
	}
	for (i = 0; i < nwords; i++) {
		if ((v = getenv(words[i])) == NULL) {
			*cause = xasprintf("agents.env_secret names %s, which "
			    "is not set in this program's environment",
			    words[i]);
			goto out;
		}
		names[n] = words[i];
		values[n++] = (char *)v;
	}
	rc = 0;
	if (n > 0 && (*text = docker_env_file(names, values, n, cause)) ==
	    NULL)
		rc = -1;
out:
	free(names);
	free(values);
	words_free(nwords, words);
	return rc;
}

/* CLAUDE_SETTINGS's content (checked to be JSON), or the shipped file. */
static char *
agents_settings_text(struct agents_op *op, char **cause)
{
	const char	*path = op->opt.claude_settings;
	json_error_t	 jerr;
	json_t		*j;
	FILE		*f;
	char		*buf = NULL, *echo;
	size_t		 len = 0;

	if (*path == '\0')
		return xstrdup(config_claude_settings);
	if ((f = fopen(path, "r")) == NULL) {
		*cause = xasprintf("CLAUDE_SETTINGS %s: %s", path,
		    strerror(errno));
		return NULL;
	}
	if (getdelim(&buf, &len, '\0', f) < 0) {
		free(buf);
		buf = xstrdup("");
	}
	fclose(f);
	if ((j = json_loads(buf, 0, &jerr)) == NULL) {
		/* jansson's text quotes the bytes near the error. */
		echo = echo_text(jerr.text, JSON_ERROR_TEXT_LENGTH);
		*cause = xasprintf("CLAUDE_SETTINGS %s:%d: %s", path,
		    jerr.line, echo);
		free(echo);
		free(buf);
		return NULL;
	}
	json_decref(j);
	return buf;
}

int
agents_spec_make(const struct agents_opts *o, struct agents_spec *as,
    char **cause)
{
	struct agent_spec	*s = &as->spec;
	char			**words = NULL;
	int			 nwords = 0, secrets;

	memset(as, 0, sizeof *as);
	if (words_split(o->command, &as->ncommand, &as->command, cause) != 0)
		return -1;
	if (words_split(o->env_secret, &nwords, &words, cause) != 0) {
		agents_spec_clear(as);
		return -1;
	}
	words_free(nwords, words);
	secrets = *o->api_key != '\0' || nwords > 0;
	s->image = o->image;
	s->command = as->command;
	s->ncommand = as->ncommand;
	s->memory = o->memory;
	s->cpus_milli = lround(o->cpus * 1000);
	s->pids_limit = o->pids_limit;
	s->workspace_dir = o->workspace_dir;
	s->version = SANDBOX_TUI_VERSION;
	as->settings_path = xasprintf("%s/%s/%s", o->workspace_dir,
	    AGENTS_STATE_DIR, AGENTS_SETTINGS_FILE);
	s->settings_file = as->settings_path;
	/* The env file exists on the target only with secrets. */
	if (secrets) {
		as->env_path = xasprintf("%s/%s/%s", o->workspace_dir,
		    AGENTS_STATE_DIR, AGENTS_ENV_FILE);
		s->env_file = as->env_path;
	}
	return 0;
}

void
agents_spec_clear(struct agents_spec *as)
{
	words_free(as->ncommand, as->command);
	free(as->settings_path);
	free(as->env_path);
	memset(as, 0, sizeof *as);
}

/* Checks the image and uploads settings and secrets before creating. */
static void
agents_prep(struct agents_op *op)
{
	char	*cause = NULL, *env = NULL, *settings, *cmd, *q, *put;
	size_t	 i;
	int	 creating = 0;

	for (i = 0; i < op->ntasks; i++)
		creating |= op->tasks[i].kind == TASK_CREATE;
	if (!creating) {
		op->phase = PHASE_TASKS;
		agents_next(op);
		return;
	}
	if (agents_spec_make(&op->opt, &op->as, &cause) == 0)
		agents_env_text(op, &env, &cause);
	if (cause != NULL) {
		agents_finish(op, cause);
		free(cause);
		return;
	}
	if ((settings = agents_settings_text(op, &cause)) == NULL) {
		freezero(env, env != NULL ? strlen(env) : 0);
		agents_finish(op, cause);
		free(cause);
		return;
	}

	op->phase = PHASE_PREP;
	op->preps = 3;
	if ((cmd = docker_cmd_image_check(op->opt.image, &cause)) == NULL)
		goto fail;
	agents_exec(op, cmd, NULL, 0, agents_prep_done, -1, 0);
	free(cmd);

	if (env != NULL) {
		if ((cmd = docker_cmd_put_file(op->as.env_path, &cause)) == NULL)
			goto fail;
		agents_exec(op, cmd, env, strlen(env), agents_prep_done, -1, 1);
		free(cmd);
	} else
		op->preps--;
	freezero(env, env != NULL ? strlen(env) : 0);
	env = NULL;

	/* Settings are not secret, and the agent's user must read them. */
	if ((cmd = docker_cmd_put_file(op->as.settings_path, &cause)) == NULL)
		goto fail;
	q = sh_quote(op->as.settings_path);
	put = xasprintf("%s && chmod 644 %s", cmd, q);
	free(q);
	free(cmd);
	agents_exec(op, put, settings, strlen(settings), agents_prep_done,
	    -1, 2);
	free(put);
	free(settings);
	return;

fail:
	/* Only a bad image name or path gets here, before anything ran. */
	freezero(env, env != NULL ? strlen(env) : 0);
	free(settings);
	op->preps = 0;
	if (op->pending == 0) {
		agents_finish(op, cause);
		free(cause);
		return;
	}
	op->prep_error = cause;
	op->preps = op->pending;
}

/* ---- listing ---- */

static void
agents_list_done(const struct exec_result *r, void *arg)
{
	struct agents_call	*call = arg;
	struct agents_op	*op = agents_return(call);
	struct agent_info	*agents = NULL;
	size_t			 n = 0;
	char			*cause = NULL;

	free(call);
	if (op == NULL)
		return;
	if (r->error != NULL || r->status != 0) {
		cause = agents_explain(op, r);
		agents_finish(op, cause);
		free(cause);
		return;
	}
	if (docker_parse_ps(r->out, &agents, &n, &cause) != 0 ||
	    agents_plan(&op->req, agents, n, &op->tasks, &op->ntasks,
	    &op->confirm, &cause) != 0) {
		agent_info_free(agents, n);
		agents_finish(op, cause);
		free(cause);
		return;
	}
	agent_info_free(agents, n);
	/* Nothing happens until what would be removed is confirmed. */
	if (op->confirm != NULL) {
		agents_finish(op, NULL);
		return;
	}
	op->total = (int)op->ntasks;
	if (op->rep.progress != NULL && op->total > 0)
		op->rep.progress(0, op->total, op->arg);
	agents_prep(op);
}

struct agents_op *
agents_op_start(struct conn *conn, const struct agents_opts *opt,
    const struct agents_req *req, const struct agents_report *rep, void *arg)
{
	struct agents_op	*op = xcalloc(1, sizeof *op);
	char			*cmd;

	op->conn = conn;
	agents_opts_copy(&op->opt, opt);
	op->req = *req;
	op->rep = *rep;
	op->arg = arg;
	op->phase = PHASE_LIST;
	cmd = docker_cmd_ps();
	agents_exec(op, cmd, NULL, 0, agents_list_done, -1, 0);
	free(cmd);
	return op;
}

void
agents_op_cancel(struct agents_op *op, int conn_gone)
{
	if (op == NULL)
		return;
	op->cancelled = 1;
	if (conn_gone || op->pending == 0)
		agents_free(op);
}
