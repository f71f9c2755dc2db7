/*
 * The application state that tui/'s files share, and app.c's functions
 * (the connection, the agent list, messages).  One struct app is created
 * by main() and passed down; it owns the loop, the config, the connection
 * and the panes.  Handlers only change state and set dirty flags; draw.c
 * turns that state into one screen update per frame.  Each other file
 * has its own header (pane.h, draw.h, mode.h, prompt.h, ...).
 */
#ifndef SANDBOX_TUI_APP_H
#define SANDBOX_TUI_APP_H

#include <stddef.h>
#include <stdint.h>

#include "layouts/grid.h"

struct app;
struct input;
struct loop;
struct config;
struct conn;
struct dapi;
struct dapi_req;
struct chan;
struct logs;
struct pane;
struct prompt;

enum app_mode {
	MODE_GRID,
	MODE_PREFIX,		/* prefix key pressed, waiting for the command key */
	MODE_PROMPT,		/* ':' command line */
	MODE_HELP,
	MODE_SCROLL,		/* focused pane's scrollback */
	MODE_HOSTKEY,		/* asking whether to trust an unknown host key */
	MODE_LOGS,		/* full-screen logs view (logs.c) */
	MODE_SYNC,		/* next line typed goes to every agent */
};

/* Who shows progress in the status bar: each may run beside the others. */
enum app_op {
	APP_OP_AGENTS,
	APP_OP_VM,
	APP_OP_IMAGE,
	APP_OP_N
};

struct app {
	struct loop	*loop;
	struct config	*cfg;
	struct conn	*conn;
	struct dapi	*dapi;		/* dockerd's API through conn */

	/* Options read for every chunk of output or every frame, looked up
	 * once and again after `set` (app_read_opts). */
	struct {
		size_t	 flow_budget;	/* ui.flow_budget */
		int	 frame_ms;	/* 1000 / ui.fps */
	} opt;

	/* Connection. */
	int		 was_ready;	/* connected at least once: reconnect on loss */
	int		 reconnect_ms;	/* current backoff */
	uint64_t	 reconnect_timer;
	int64_t		 reconnect_at;
	uint64_t	 tick_timer;	/* 1 s countdown while reconnecting */
	char		*conn_error;
	int		 fatal;		/* no retry: host key mismatch, bad target */

	/* Agents. */
	struct pane	**panes;
	size_t		 npanes;
	uint64_t	 next_pane_id;
	int		 listing;	/* a docker ps is in flight */
	int		 listed;	/* at least one listing arrived */
	int		 list_again;	/* another listing asked for while one runs */
	uint64_t	 refresh_timer;
	/* dockerd's events keep the list current (app_watch.c). */
	struct dapi_req	*watch;
	uint64_t	 watch_timer;
	int		 watch_ms;	/* the pause before following again */
	int		 only_agent;	/* `attach N`: show just this agent */

	/* View. */
	enum app_mode	 mode;
	int		 focus;		/* index into panes, -1 if none */
	int		 zoomed;
	int		 page;
	int		 cols, lines;	/* terminal size */
	struct grid_shape shape;
	int		 layout_dirty;
	int		 redraw_all;
	int		 status_dirty;
	char		*message;	/* transient status-bar message */
	uint64_t	 message_timer;
	/* Long-running operations shown in the bar, one slot each. */
	char		*operation[APP_OP_N];
	struct prompt	*prompt;	/* prompt.c's own */
	int		 help_offset;
	struct logs	*logs;		/* the logs view, when open */
	struct attention *attention;	/* compiled patterns (attention.c) */

	/* Frames. */
	int64_t		 last_frame;
	uint64_t	 frame_timer;
	int		 frame_due;

	struct input	*input;		/* input.c's own */

	/* Agent operations (cmd_agents.c): one at a time. */
	struct agents_op *op;
	char		*op_label;	/* "scale 12", for the status bar */
	struct agents_req *confirm_req;	/* waiting for y/n */
	struct agents_list_job *list_job;

	/* Commands run with app_exec() whose answer has not come yet. */
	struct app_exec	*execs;

	/* The gce target and VM commands (app_gce.c, cmd_vm.c). */
	int		 gce_target;	/* connect to the VM this program made */
	struct gce	*gce;
	struct vm_job	*locate_job;
	struct vm_job	*vm_job;	/* a vm command in progress */
	char		*vm_label;	/* "vm create", for the status bar */
	int		 vm_verb;	/* enum vm_verb of vm_job */

	/* image build (image_build.c): one at a time. */
	struct image_job *image_job;

	/* Claude Code's hook events, followed on the target (events.c). */
	struct events	*events;

	/* Non-interactive command (cli.c): run once connected, then quit. */
	int		 cli;
	int		 cli_argc;
	char		**cli_argv;
	int		 cli_started;
	struct chan	*stream;	/* `logs` output to stdout */

	int		 quit;
	int		 exit_status;
};

struct agents_op;
struct agents_req;
struct gce;
struct vm_job;
struct agents_list_job;
struct image_job;

/* app.c */
void app_init(struct app *, struct loop *, struct config *);
void app_read_opts(struct app *);
void app_free(struct app *);
int app_start(struct app *, char **cause);
void app_list_agents(struct app *);
void app_message(struct app *, int error, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void app_quit(struct app *, int status);
/* Sets (fmt) or clears (NULL) one operation's text in the status bar. */
void app_operation(struct app *, enum app_op, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
struct pane *app_pane_by_id(struct app *, uint64_t);
struct pane *app_focused(struct app *);
void app_set_focus(struct app *, int index);
void app_relayout(struct app *);
void app_drop_conn(struct app *);
/*
 * conn_exec() on the current connection (not NULL) for a job that owns
 * memory: cb
 * gets the answer as usual; if the connection goes first (replaced, or the
 * program ends), no answer comes and drop(arg) frees the job instead.
 */
struct exec_result;
void app_exec(struct app *, const char *cmd,
	    void (*cb)(const struct exec_result *, void *),
	    void (*drop)(void *), void *arg);
int app_open_conn(struct app *, const char *target, const char *identity,
	    const char *known_hosts, int pinned, char **cause);
void app_schedule_reconnect(struct app *);

/* Connects to the VM this program made (after vm create or start). */
void app_use_gce(struct app *);

#endif
