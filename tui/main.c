/*
 * main: command line, configuration, then either the full-screen grid or a
 * non-interactive subcommand.  Both run the same event loop; only the grid
 * draws.  Exit status: 0 success, 1 failure, 2 usage or configuration error.
 */
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "config/config.h"
#include "config/xmalloc.h"
#include "gcp/docker.h"
#include "gcp/loop.h"
#include "tui/app.h"
#include "tui/cli.h"
#include "tui/cmd.h"
#include "tui/draw.h"
#include "tui/input.h"

#define EXIT_USAGE 2

static void
main_usage(FILE *f)
{
	const struct option_def	*o;

	fprintf(f,
"usage: sandbox-tui [options] [command [args]]\n"
"\n"
"With no command, shows every agent on the target in a grid.\n"
"\n"
"Commands:\n"
"  attach N                   show agent N full screen\n"
"  agents list [--json]       agents with state, uptime, CPU and memory\n"
"  agents start [N] [--yes]   make exactly N agents exist and run (also: scale N)\n"
"  agents new                 one more agent\n"
"  agents stop [N...]         stop agents (all when none given)\n"
"  agents restart N...        restart agents\n"
"  agents rm N... --yes [--purge]  remove agents (and their workspaces)\n"
"  logs N [-f] [--tail K] [--since D] [--timestamps]  an agent's output\n"
"  scale N [--yes]            the same as agents start N\n"
"  vm create|start|stop|status  the VM on Compute Engine\n"
"  vm delete --yes            delete the VM and its disk\n"
"  vm schedule --stop HH:MM --start HH:MM --tz ZONE [--days D] | --off\n"
"  export ssh-config|ghostty|tmux|compose [PATH|-]  other views of the agents\n"
"  image build [--only base|agent] [--no-cache] [--from IMAGE] [--claude-code-version V]\n"
"        [--node-version V] [--node PATH] [--ca-cert FILE]... [--build-arg N=V]...\n"
"        [--label N=V]... [--network NAME] [--context DIR]  build the agent image\n"
"  image status [--json]      the image on the target and what the agents run\n"
"  help                       this text\n"
"\n"
"Options:\n"
"  -c FILE                    config file (default $XDG_CONFIG_HOME/sandbox-tui/config)\n"
"  -t, --target TARGET        local, gce, or ssh://[user@]host[:port]\n"
"  -i FILE                    SSH identity (private key) file\n"
"  --known-hosts FILE         known_hosts file to verify the host key with\n"
"  -F FILE                    ssh config file (default ~/.ssh/config)\n"
"  --accept-new-host-key      record an unknown host key instead of refusing\n"
"  -o NAME=VALUE              set any option below\n"
"  -h, --help                 this text\n"
"  -V, --version              the version\n"
"\n"
"Config options (file [section] key = value, or -o NAME=VALUE):\n");
	for (o = option_table; o->name != NULL; o++) {
		fprintf(f, "  %-26s %s (default: %s)%s%s\n", o->name, o->help,
		    o->def[0] != '\0' ? o->def : "none",
		    o->env != NULL ? "; env " : "",
		    o->env != NULL ? o->env : "");
	}
}

static void
main_sigwinch(int sig, void *arg)
{
	struct app	*app = arg;
	struct winsize	 ws;

	(void)sig;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0)
		return;
	resizeterm(ws.ws_row, ws.ws_col);
	app->cols = ws.ws_col;
	app->lines = ws.ws_row;
	app->layout_dirty = 1;
	app->redraw_all = 1;
	draw_request(app);
}

static void
main_sigterm(int sig, void *arg)
{
	(void)sig;
	app_quit(arg, 0);
}

/* Runs the grid until detach; agents keep running whatever happens. */
static int
main_grid(struct config *cfg, int only_agent)
{
	struct loop	*loop;
	struct app	 app;
	char		*cause = NULL;
	int		 status;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "sandbox-tui: the grid needs a terminal "
		    "(stdin and stdout are not both a tty)\n");
		return EXIT_USAGE;
	}
	loop = loop_new();
	app_init(&app, loop, cfg);
	app.only_agent = only_agent;
	app.zoomed = only_agent != 0;
	if (app_start(&app, &cause) != 0) {
		fprintf(stderr, "sandbox-tui: %s\n", cause);
		free(cause);
		app_free(&app);
		loop_free(loop);
		return EXIT_USAGE;
	}
	draw_init(&app);
	input_init(&app);
	loop_signal(loop, SIGWINCH, main_sigwinch, &app);
	loop_signal(loop, SIGTERM, main_sigterm, &app);
	loop_signal(loop, SIGHUP, main_sigterm, &app);
	signal(SIGPIPE, SIG_IGN);

	loop_run(loop);

	input_end(&app);
	draw_end(&app);
	status = app.exit_status;
	if (app.fatal && app.conn_error != NULL) {
		fprintf(stderr, "sandbox-tui: %s\n", app.conn_error);
		status = 1;
	}
	app_free(&app);
	loop_free(loop);
	return status;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "known-hosts", required_argument, NULL, 'K' },
		{ "accept-new-host-key", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct config	*cfg;
	const char	*config_file = NULL;
	char		*cause = NULL, *path = NULL, *eq;
	const struct cmd_entry *e;
	int		 c, rc = EXIT_USAGE, only_agent = 0;

	setlocale(LC_ALL, "");
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	cfg = config_new();

	/* Command-line options win over everything, so apply them as they come. */
	while ((c = getopt_long(argc, argv, "+c:t:i:F:o:hV", longopts,
	    NULL)) != -1) {
		const char *name = NULL;

		switch (c) {
		case 'c':
			config_file = optarg;
			continue;
		case 't':
			name = "target";
			break;
		case 'i':
			name = "ssh.identity";
			break;
		case 'K':
			name = "ssh.known_hosts";
			break;
		case 'F':
			name = "ssh.config";
			break;
		case 'A':
			if (config_set(cfg, "ssh.accept_new_host_key", "on",
			    ORIGIN_CLI, &cause) != 0)
				goto fail;
			continue;
		case 'o':
			if ((eq = strchr(optarg, '=')) == NULL) {
				cause = xasprintf("-o %s: expected NAME=VALUE",
				    optarg);
				goto fail;
			}
			*eq = '\0';
			if (config_set(cfg, optarg, eq + 1, ORIGIN_CLI,
			    &cause) != 0)
				goto fail;
			continue;
		case 'h':
			main_usage(stdout);
			rc = 0;
			goto out;
		case 'V':
			printf("sandbox-tui %s\n", SANDBOX_TUI_VERSION);
			rc = 0;
			goto out;
		default:
			main_usage(stderr);
			goto out;
		}
		if (config_set(cfg, name, optarg, ORIGIN_CLI, &cause) != 0)
			goto fail;
	}
	argc -= optind;
	argv += optind;
	/* `image build --target T`: after the command too, as people type it
	 * (-t is logs' --timestamps there, so only the long form). */
	for (c = 1; c < argc; c++) {
		const char	*t = NULL;
		int		 used = 1;

		if (strcmp(argv[c], "--target") == 0 && c + 1 < argc)
			t = argv[c + 1], used = 2;
		else if (strncmp(argv[c], "--target=", 9) == 0)
			t = argv[c] + 9;
		if (t == NULL)
			continue;
		if (config_set(cfg, "target", t, ORIGIN_CLI, &cause) != 0)
			goto fail;
		memmove(argv + c, argv + c + used,
		    (size_t)(argc - c - used + 1) * sizeof *argv);
		argc -= used;
		c--;
	}

	if (config_file == NULL)
		path = config_default_path();
	if (config_load_file(cfg, config_file != NULL ? config_file : path,
	    config_file != NULL, &cause) != 0)
		goto fail;
	if (config_load_env(cfg, &cause) != 0)
		goto fail;

	if (argc == 0) {
		rc = main_grid(cfg, 0);
		goto out;
	}
	if (strcmp(argv[0], "help") == 0) {
		main_usage(stdout);
		rc = 0;
		goto out;
	}
	if (strcmp(argv[0], "attach") == 0) {
		if (argc != 2) {
			cause = xstrdup("usage: sandbox-tui attach N");
			goto fail;
		}
		if ((only_agent = agent_parse_number(argv[1], &cause)) < 0)
			goto fail;
		rc = main_grid(cfg, only_agent);
		goto out;
	}
	if ((e = cmd_find(argv[0])) != NULL && (e->flags & CMD_CLI)) {
		rc = cli_main(cfg, argc, argv);
		goto out;
	}
	cause = xasprintf("unknown command '%s' (see sandbox-tui --help)",
	    argv[0]);
fail:
	fprintf(stderr, "sandbox-tui: %s\n", cause);
	free(cause);
	rc = EXIT_USAGE;
out:
	free(path);
	config_free(cfg);
	return rc;
}
