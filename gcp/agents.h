/*
 * Agent operations: scale, new, stop, restart and rm as
 * asynchronous jobs over the one connection.  An operation lists the agents
 * on the target, plans per-agent tasks from that list (agents_plan, pure),
 * uploads what new containers need (settings, the secrets env file through
 * stdin), then runs the tasks a few at a time and reports each agent's
 * outcome.  The grid and the CLI drive the same operations and differ only
 * in how they show the reports.
 */
#ifndef SANDBOX_TUI_AGENTS_H
#define SANDBOX_TUI_AGENTS_H

#include <stddef.h>

#include "gcp/docker.h"

struct conn;
struct agent_info;

enum agents_verb {
	AGENTS_SCALE,		/* exactly count agents, all running */
	AGENTS_NEW,		/* one more, with the lowest free number */
	AGENTS_STOP,		/* nums, or every running agent when none */
	AGENTS_RESTART,
	AGENTS_RM,		/* containers; workspaces too with purge */
};

struct agents_req {
	enum agents_verb verb;
	int		 count;		/* AGENTS_SCALE */
	int		 nums[AGENT_MAX];
	size_t		 nnums;
	int		 yes;		/* scale may remove extras */
	int		 purge;		/* rm deletes workspaces */
};

enum agents_task_kind {
	TASK_CREATE,
	TASK_START,
	TASK_UNPAUSE,
	TASK_STOP,
	TASK_RESTART,
	TASK_RM,
	TASK_PURGE,		/* workspace only: the container is gone */
	TASK_NOTE,		/* nothing to run; reported as is */
	TASK_MISSING,		/* no such agent: a failure, nothing run */
};

struct agents_task {
	enum agents_task_kind kind;
	int		 n;
	char		 name[64];
	int		 purge;		/* TASK_RM: also delete the workspace */
	const char	*note;		/* TASK_NOTE */
};

/*
 * Tasks for a request given what docker lists (sorted by n).  When scaling
 * down without req->yes, returns no removals and sets *confirm to what
 * --yes would remove (caller frees).  Returns -1 with *cause when the
 * request cannot be met (no free number for AGENTS_NEW).
 */
int agents_plan(const struct agents_req *, const struct agent_info *,
	    size_t nagents, struct agents_task **, size_t *ntasks,
	    char **confirm, char **cause);

struct agents_report {
	/* One agent's outcome: ok, or a sentence saying what went wrong. */
	void	(*line)(int n, int ok, const char *text, void *arg);
	/* Tasks finished so far, out of total. */
	void	(*progress)(int done, int total, void *arg);
	/*
	 * The end.  failures counts agents that failed; error is why the
	 * whole operation failed (listing, image, uploads), else NULL;
	 * confirm is what must be confirmed (scale down), else NULL.  The
	 * operation frees itself after this returns.
	 */
	void	(*done)(int failures, const char *error, const char *confirm,
		    void *arg);
};

/* The agents.* options an operation reads (filled by tui/opts.c). */
struct agents_opts {
	const char	*image;
	const char	*command;	/* words, split as in the config */
	long long	 memory;	/* bytes, 0 for no limit */
	double		 cpus;		/* 0 for no limit */
	long		 pids_limit;
	const char	*workspace_dir;
	const char	*api_key;	/* secret: "" for none */
	const char	*env_secret;	/* names of variables passed on */
	const char	*claude_settings; /* a file, or "" for the shipped one */
};

/*
 * The container every agent of these options runs, as docker_cmd_run and
 * the compose export take it: spec points into opt and into the words and
 * paths this struct owns.
 */
struct agents_spec {
	struct agent_spec spec;
	char		**command;
	int		 ncommand;
	char		*settings_path;	/* on the target */
	char		*env_path;	/* on the target, only with secrets */
};
/* 0, or -1 with *cause (a word list that does not split). */
int agents_spec_make(const struct agents_opts *, struct agents_spec *,
	    char **cause);
void agents_spec_clear(struct agents_spec *);

struct agents_op;

/* The operation copies what it needs of opt. */
struct agents_op *agents_op_start(struct conn *, const struct agents_opts *,
	    const struct agents_req *, const struct agents_report *, void *arg);
/*
 * No more reports.  conn_gone says the connection is being freed (its
 * callbacks will never come), so the operation is freed at once.
 */
void agents_op_cancel(struct agents_op *, int conn_gone);

/* agents_list.c: the `agents list` table, or a JSON array. */
struct agent_stats;
char *agents_list_format(const struct agent_info *, size_t,
	    const struct agent_stats *, size_t, int json);
/* "running", "exited (137)", ... */
char *agents_list_state(const struct agent_info *);

/* Where the uploads go on the target, under agents.workspace_dir. */
#define AGENTS_STATE_DIR	AGENT_STATE_DIR	/* gcp/docker.h */
#define AGENTS_ENV_FILE		"agents.env"
#define AGENTS_SETTINGS_FILE	"claude-settings.json"

#endif
