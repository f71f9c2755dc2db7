/*
 * The application state, private to tui/.  One struct app is created by
 * main() and passed down; it owns the loop, the config, the connection and
 * the panes.  Handlers only change state and set dirty flags; draw.c turns
 * that state into one screen update per frame.
 */
#ifndef SANDBOX_TUI_APP_H
#define SANDBOX_TUI_APP_H

#include <stddef.h>
#include <stdint.h>

#include "config/keys.h"
#include "layouts/grid.h"

struct app;
struct input_decoder;
struct loop;
struct config;
struct conn;
struct chan;
struct vt;

enum pane_link {
	PANE_DETACHED,		/* no channel: agent not running, or no connection */
	PANE_ATTACHING,		/* channel opened, waiting for output */
	PANE_ATTACHED,
};

struct pane {
	struct app	*app;
	uint64_t	 id;		/* async work refers to panes by id */
	int		 n;		/* agent number */
	char		*name;		/* sandbox-agent-NN */
	char		*state;		/* docker state: running, exited, ... */
	char		*status;	/* docker status text */
	int		 exit_code;
	int		 gone;		/* no longer listed by docker */

	struct vt	*vt;
	struct chan	*chan;
	enum pane_link	 link;
	char		*closed_reason;	/* why the last channel ended */
	uint64_t	 nudge_timer;
	int		 nudge_step;

	struct grid_rect rect;		/* outer box, set by layout */
	int		 visible;	/* on the current page (or zoomed) */
	int		 activity;	/* output while not focused */
	int		 bell;

	size_t		 frame_bytes;	/* fed since the last frame */
	int		 paused;	/* flow control: channel paused until drawn */
	int		 dirty_border;
	int		 replayed;	/* its recent output was shown */
	/* Keys typed before docker attach is listening (see pane.c). */
	int		 holding;
	char		*hold_buf;
	size_t		 hold_len;
	uint64_t	 hold_timer;

	/* Waiting for input (attention.c). */
	int64_t		 last_output;	/* loop_now() of the last byte */
	uint64_t	 idle_timer;
	int		 waiting;	/* still and showing a prompt */
	int		 told;		/* Claude Code's hook said it waits */
};

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

struct prompt {
	char	*buf;
	size_t	 len, cap;
	size_t	 cursor;		/* byte offset */
	char	*label;
	/* What to do with the line (NULL when cancelled); no done runs it
	 * as a command. */
	void	(*done)(struct app *, const char *line);
	enum app_mode back;		/* mode to return to */
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
	struct prompt	 prompt;
	int		 help_offset;
	struct logs	*logs;		/* the logs view, when open */
	struct attention *attention;	/* compiled patterns (attention.c) */

	/* Frames. */
	int64_t		 last_frame;
	uint64_t	 frame_timer;
	int		 frame_due;

	/* Terminal input (input.c): its decoder and the quiet-time timer
	 * that makes a lone ESC the Escape key or ends a lost paste. */
	struct input_decoder	*decoder;
	uint64_t	 esc_timer;

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

/* app_gce.c */
struct vm_opts;
int app_gce_wanted(struct app *);
int app_gce_prepare(struct app *, char **cause);
void app_gce_locate(struct app *);
void app_gce_free(struct app *);
struct gce *app_gce(struct app *, char **cause);
/* The VM's options from the config, completed by vm_opts_prepare. */
int app_vm_opts(struct app *, struct vm_opts *, char **cause);
void app_gce_created(struct app *);
void app_use_gce(struct app *);

/* pane.c */
struct pane *pane_new(struct app *, int n, const char *name);
void pane_free(struct app *, struct pane *);
void pane_attach(struct app *, struct pane *);
void pane_detach(struct app *, struct pane *, const char *reason);
void pane_replay(struct app *, struct pane *);
void pane_set_size(struct app *, struct pane *, int rows, int cols);
void pane_write(struct pane *, const char *, size_t);
void pane_frame_done(struct app *);

/* draw.c */
void draw_init(struct app *);
void draw_end(struct app *);
void draw_frame(struct app *);
void draw_request(struct app *);
int draw_prepare(void *);

/* colour.c */
void colour_init(void);
int colour_pair(int fg, int bg);
int colour_from_vt(const void *vt_color, int is_fg);
struct vt_color;
int colour_map(const struct vt_color *, int ncolours);

/* input.c */
void input_init(struct app *);
void input_end(struct app *);

/* mode.c */
void mode_key(struct app *, key_code);
void mode_paste(struct app *, const char *, size_t);
void mode_mouse(struct app *, int button, int pressed, int x, int y,
	    unsigned mods, int motion);
void mode_set(struct app *, enum app_mode);
void mode_sync_start(struct app *);

/* prompt.c */
void prompt_open(struct app *, const char *label, const char *initial,
	    void (*done)(struct app *, const char *));
void prompt_key(struct app *, key_code);
void prompt_free(struct prompt *);

/* help.c */
char **help_lines(struct app *, size_t *n);

/* cmd_agents.c */
int cmd_agents(struct app *, int, char **, char **);
int cmd_agents_check(int, char **, char **);
int cmd_scale(struct app *, int, char **, char **);
int cmd_logs(struct app *, int, char **, char **);
int cmd_logs_check(int, char **, char **);
int cmd_sync_input(struct app *, int, char **, char **);
void cmd_agents_free(struct app *);

/* cmd_export.c */
int cmd_export(struct app *, int, char **, char **);
int cmd_export_check(int, char **, char **);

/* cmd_image.c */
int cmd_image(struct app *, int, char **, char **);
int cmd_image_check(int, char **, char **);

/* cmd_vm.c */
int cmd_vm(struct app *, int, char **, char **);
int cmd_vm_check(int, char **, char **);

/* cli.c */
int cli_main(struct config *, int argc, char **argv);

/* status.c */
char *status_text(struct app *, char **right);

#endif
