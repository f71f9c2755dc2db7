/*
 * The non-interactive front: `sandbox-tui agents start 12`, `logs 3 -f` and
 * the other CMD_CLI commands run through the same command table and event
 * loop as the grid, without drawing.  Arguments are checked before
 * connecting; the command runs once the connection is ready; the command's
 * completion decides the exit status (0 ok, 1 failed, 2 usage).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "config/config.h"
#include "config/xmalloc.h"
#include "gcp/loop.h"
#include "tui/app.h"
#include "tui/cli.h"
#include "tui/cmd.h"

#define CLI_EXIT_USAGE 2

static void
cli_signal(int sig, void *arg)
{
	app_quit(arg, 128 + sig);
}

int
cli_main(struct config *cfg, int argc, char **argv)
{
	const struct cmd_entry	*e = cmd_find(argv[0]);
	struct loop		*loop;
	struct app		 app;
	char			*cause = NULL;
	int			 status, nargs = argc - 1;

	if (e == NULL || (e->flags & CMD_CLI) == 0) {
		fprintf(stderr, "sandbox-tui: unknown command '%s' (see "
		    "sandbox-tui --help)\n", argv[0]);
		return CLI_EXIT_USAGE;
	}
	if (nargs < e->min_args || (e->max_args >= 0 && nargs > e->max_args)) {
		fprintf(stderr, "sandbox-tui: usage: %s %s\n", e->name,
		    e->usage);
		return CLI_EXIT_USAGE;
	}
	if (e->check != NULL && e->check(argc, argv, &cause) != 0) {
		fprintf(stderr, "sandbox-tui: %s\n", cause);
		free(cause);
		return CLI_EXIT_USAGE;
	}

	signal(SIGPIPE, SIG_IGN);
	loop = loop_new();
	app_init(&app, loop, cfg);
	app.cli = 1;
	app.cli_argc = argc;
	app.cli_argv = argv;
	if (e->flags & CMD_NOCONN) {
		/* The VM commands make the target: nothing to connect to. */
		app.cli_started = 1;
		if (cmd_run_argv(&app, argc, argv, &cause) != 0) {
			fprintf(stderr, "sandbox-tui: %s\n", cause);
			free(cause);
			app_free(&app);
			loop_free(loop);
			return 1;
		}
	} else if (app_start(&app, &cause) != 0) {
		fprintf(stderr, "sandbox-tui: %s\n", cause);
		free(cause);
		app_free(&app);
		loop_free(loop);
		return CLI_EXIT_USAGE;
	}
	loop_signal(loop, SIGINT, cli_signal, &app);
	loop_signal(loop, SIGTERM, cli_signal, &app);
	loop_signal(loop, SIGHUP, cli_signal, &app);
	loop_run(loop);
	status = app.exit_status;
	app_free(&app);
	loop_free(loop);
	return status;
}
