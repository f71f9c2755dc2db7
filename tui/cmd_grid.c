/*
 * The commands that act on the grid view, and the command table.  Each
 * command only changes app state and marks it dirty; drawing happens once
 * per frame elsewhere.
 */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/xmalloc.h"
#include "gcp/docker.h"
#include "tui/app.h"
#include "tui/cmd.h"
#include "tui/cmd_agents.h"
#include "tui/cmd_export.h"
#include "tui/cmd_image.h"
#include "tui/cmd_vm.h"
#include "tui/mode.h"
#include "tui/pane.h"
#include "tui/prompt.h"
#include "vt/vt.h"

static int
cmd_focus(struct app *app, int argc, char **argv, char **cause)
{
	const char	*a = argv[1];
	int		 dx = 0, dy = 0, i;

	(void)argc;
	if (app->npanes == 0) {
		*cause = xstrdup("no agents");
		return -1;
	}
	if (strcmp(a, "up") == 0)
		dy = -1;
	else if (strcmp(a, "down") == 0)
		dy = 1;
	else if (strcmp(a, "left") == 0)
		dx = -1;
	else if (strcmp(a, "right") == 0)
		dx = 1;
	else {
		char	*why = NULL;
		int	 n = agent_parse_number(a, &why);
		size_t	 k;

		if (n < 0) {
			*cause = why;
			return -1;
		}
		/* "focus 3" means the third pane shown, which is agent 3 when
		 * agents are numbered without gaps. */
		i = -1;
		for (k = 0; k < app->npanes; k++) {
			if (app->panes[k]->n == n) {
				i = (int)k;
				break;
			}
		}
		if (i < 0 && (size_t)n <= app->npanes)
			i = n - 1;
		if (i < 0) {
			*cause = xasprintf("no agent %d", n);
			return -1;
		}
		app_set_focus(app, i);
		return 0;
	}
	if (app->zoomed || app->focus < 0)
		return 0;
	i = grid_neighbour(app->focus, (int)app->npanes, app->cols,
	    app->lines - 1, dx, dy);
	app_set_focus(app, i);
	return 0;
}

static int
cmd_zoom(struct app *app, int argc, char **argv, char **cause)
{
	(void)argc;
	(void)argv;
	if (app_focused(app) == NULL) {
		*cause = xstrdup("no agent to zoom");
		return -1;
	}
	app->zoomed = !app->zoomed;
	app_relayout(app);
	return 0;
}

static int
cmd_detach(struct app *app, int argc, char **argv, char **cause)
{
	(void)argc;
	(void)argv;
	(void)cause;
	app_quit(app, 0);
	return 0;
}

static int
cmd_help(struct app *app, int argc, char **argv, char **cause)
{
	(void)argc;
	(void)argv;
	(void)cause;
	app->help_offset = 0;
	mode_set(app, MODE_HELP);
	return 0;
}

static int
cmd_command_prompt(struct app *app, int argc, char **argv, char **cause)
{
	(void)argc;
	(void)argv;
	(void)cause;
	prompt_open(app, ":", "", NULL);
	return 0;
}

static int
cmd_scroll_mode(struct app *app, int argc, char **argv, char **cause)
{
	(void)argc;
	(void)argv;
	if (app_focused(app) == NULL) {
		*cause = xstrdup("no agent to scroll");
		return -1;
	}
	mode_set(app, MODE_SCROLL);
	return 0;
}

static int
cmd_page(struct app *app, int argc, char **argv, char **cause)
{
	int	pages = app->shape.pages;

	(void)argc;
	if (pages <= 1) {
		*cause = xstrdup("all agents fit on one page");
		return -1;
	}
	if (strcmp(argv[1], "next") == 0)
		app->page = (app->page + 1) % pages;
	else if (strcmp(argv[1], "prev") == 0)
		app->page = (app->page + pages - 1) % pages;
	else {
		*cause = xstrdup("usage: page next|prev");
		return -1;
	}
	app->zoomed = 0;
	app_set_focus(app, app->page * app->shape.per_page);
	return 0;
}

static int
cmd_redraw(struct app *app, int argc, char **argv, char **cause)
{
	(void)argc;
	(void)argv;
	(void)cause;
	app->redraw_all = 1;
	app_list_agents(app);
	return 0;
}

static int
cmd_send_prefix(struct app *app, int argc, char **argv, char **cause)
{
	struct pane	*p = app_focused(app);

	(void)argc;
	(void)argv;
	(void)cause;
	if (p != NULL)
		vt_key(p->vt, config_key(app->cfg, "keys.prefix"));
	return 0;
}

static int
cmd_send_keys(struct app *app, int argc, char **argv, char **cause)
{
	struct pane	*p = app_focused(app);
	int		 i;

	if (p == NULL) {
		*cause = xstrdup("no agent focused");
		return -1;
	}
	for (i = 1; i < argc; i++) {
		key_code k = key_parse(argv[i]);

		/* Like tmux: a word that names a key is that key, any
		 * other word is typed as text. */
		if (k == KEYC_NONE)
			pane_write(p, argv[i], strlen(argv[i]));
		else
			vt_key(p->vt, k);
	}
	return 0;
}

static int
cmd_attach(struct app *app, int argc, char **argv, char **cause)
{
	int	n;
	size_t	i;

	(void)argc;
	if ((n = agent_parse_number(argv[1], cause)) < 0)
		return -1;
	for (i = 0; i < app->npanes; i++) {
		if (app->panes[i]->n == n) {
			app_set_focus(app, (int)i);
			app->zoomed = 1;
			app_relayout(app);
			return 0;
		}
	}
	*cause = xasprintf("no agent %d", n);
	return -1;
}

static int
cmd_bind(struct app *app, int argc, char **argv, char **cause)
{
	key_code	 k = key_parse(argv[1]);
	char		*line;
	size_t		 len = 0;
	int		 i;

	if (k == KEYC_NONE) {
		*cause = xasprintf("bind: unknown key name '%s'", argv[1]);
		return -1;
	}
	for (i = 2; i < argc; i++)
		len += strlen(argv[i]) + 1;
	line = xcalloc(1, len + 1);
	for (i = 2; i < argc; i++) {
		if (i > 2)
			strcat(line, " ");
		strcat(line, argv[i]);
	}
	config_bind(app->cfg, k, line);
	free(line);
	return 0;
}

static int
cmd_unbind(struct app *app, int argc, char **argv, char **cause)
{
	key_code	k = key_parse(argv[1]);

	(void)argc;
	if (k == KEYC_NONE) {
		*cause = xasprintf("unbind: unknown key name '%s'", argv[1]);
		return -1;
	}
	config_unbind(app->cfg, k);
	return 0;
}

static int
cmd_set(struct app *app, int argc, char **argv, char **cause)
{
	(void)argc;
	if (config_set(app->cfg, argv[1], argv[2], ORIGIN_CLI, cause) != 0)
		return -1;
	app_read_opts(app);
	app->redraw_all = 1;
	return 0;
}

const struct cmd_entry cmd_table[] = {
	{ "focus", "select-pane", "up|down|left|right|N", 1, 1, CMD_GRID,
	  "focus the pane in that direction, or agent N", cmd_focus, NULL },
	{ "zoom", "resize-pane", "", 0, 0, CMD_GRID,
	  "show the focused agent full size, or go back to the grid",
	  cmd_zoom, NULL },
	{ "detach", "quit", "", 0, 0, CMD_GRID,
	  "leave sandbox-tui; agents keep running", cmd_detach, NULL },
	{ "help", "list-keys", "", 0, 0, CMD_GRID,
	  "show the key bindings and commands", cmd_help, NULL },
	{ "command-prompt", NULL, "", 0, 0, CMD_GRID,
	  "type a command", cmd_command_prompt, NULL },
	{ "scroll-mode", "copy-mode", "", 0, 0, CMD_GRID,
	  "scroll back through the focused agent's output (q to leave)",
	  cmd_scroll_mode, NULL },
	{ "page", NULL, "next|prev", 1, 1, CMD_GRID,
	  "show the next or previous page of agents", cmd_page, NULL },
	{ "redraw", "refresh", "", 0, 0, CMD_GRID,
	  "redraw the screen and list agents again", cmd_redraw, NULL },
	{ "send-prefix", NULL, "", 0, 0, CMD_GRID,
	  "send the prefix key to the focused agent", cmd_send_prefix, NULL },
	{ "send-keys", NULL, "KEY...", 1, -1, CMD_GRID,
	  "send keys (names such as C-c, or text) to the focused agent",
	  cmd_send_keys, NULL },
	{ "vm", NULL, "create|start|stop|delete [--yes]|status|schedule "
	  "[--stop HH:MM] [--start HH:MM] [--tz ZONE] [--days DAYS] [--off]",
	  0, -1, CMD_GRID | CMD_CLI | CMD_NOCONN,
	  "create, start, stop, delete, show or schedule the VM",
	  cmd_vm, cmd_vm_check },
	{ "export", NULL, "ssh-config|ghostty|tmux|compose [PATH|-]", 1, 2,
	  CMD_GRID | CMD_CLI,
	  "write an ssh config, ghostty, tmux or compose view of the agents",
	  cmd_export, cmd_export_check },
	{ "image", NULL, "build [--only base|agent] [--no-cache] [--from IMAGE] "
	  "[--claude-code-version V] [--node-version V] [--node PATH] "
	  "[--ca-cert FILE]... [--build-arg NAME=VALUE]... "
	  "[--label NAME=VALUE]... [--network NAME] [--context DIR] | "
	  "status [--json]", 1, -1, CMD_GRID | CMD_CLI,
	  "build the agent image on the target, or show what is there",
	  cmd_image, cmd_image_check },
	{ "attach", NULL, "N", 1, 1, CMD_GRID | CMD_CLI,
	  "show agent N full size", cmd_attach, NULL },
	{ "bind", NULL, "KEY COMMAND...", 2, -1, CMD_GRID,
	  "bind KEY (after the prefix) to COMMAND", cmd_bind, NULL },
	{ "unbind", NULL, "KEY", 1, 1, CMD_GRID,
	  "remove the binding of KEY", cmd_unbind, NULL },
	{ "set", NULL, "OPTION VALUE", 2, 2, CMD_GRID,
	  "set an option for this session", cmd_set, NULL },
	{ "agents", NULL, "list|start|new|stop|restart|rm [N...] [--yes] "
	  "[--purge] [--json]", 1, -1, CMD_GRID | CMD_CLI,
	  "manage agent containers: list; start N (exactly N running); new; "
	  "stop, restart or rm agents (the focused one when none given)",
	  cmd_agents, cmd_agents_check },
	{ "scale", NULL, "[N] [--yes]", 0, -1, CMD_GRID | CMD_CLI,
	  "make exactly N agents exist and run (asks for N, and before "
	  "removing any)", cmd_scale, cmd_agents_check },
	{ "logs", NULL, "[N] [-f] [--tail K] [--since D] [--timestamps]", 0,
	  -1, CMD_GRID | CMD_CLI,
	  "show an agent's container logs (the focused one when none given)",
	  cmd_logs, cmd_logs_check },
	{ "sync-input", "synchronize-panes", "", 0, 0, CMD_GRID,
	  "send the next line typed to every agent", cmd_sync_input, NULL },
	{ NULL, NULL, NULL, 0, 0, 0, NULL, NULL, NULL }
};
