/*
 * `export ssh-config|ghostty|tmux|compose [PATH|-]`, and prefix g in the
 * grid for ghostty: other views of the same agents, regenerated from the
 * live agent list (docker ps on the target) and the config by the
 * generators in layouts/export*.c.  By default the files go to the
 * config directory; "-" prints one file to stdout.  Nothing secret goes
 * into them: the env file is named, never read.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "config/xmalloc.h"
#include "gcp/conn.h"
#include "gcp/agents.h"
#include "gcp/docker.h"
#include "layouts/export.h"
#include "tui/app.h"
#include "tui/cmd.h"
#include "tui/cmd_export.h"
#include "tui/opts.h"

enum export_kind { EXPORT_SSH, EXPORT_GHOSTTY, EXPORT_TMUX, EXPORT_COMPOSE };

struct export_job {
	struct app		*app;
	enum export_kind	 kind;
	char			*path;		/* NULL: the default */
};

static void
export_job_free(void *arg)
{
	struct export_job	*job = arg;

	free(job->path);
	free(job);
}

static int
export_kind(const char *s, enum export_kind *k)
{
	if (strcmp(s, "ssh-config") == 0)
		*k = EXPORT_SSH;
	else if (strcmp(s, "ghostty") == 0)
		*k = EXPORT_GHOSTTY;
	else if (strcmp(s, "tmux") == 0)
		*k = EXPORT_TMUX;
	else if (strcmp(s, "compose") == 0)
		*k = EXPORT_COMPOSE;
	else
		return -1;
	return 0;
}

int
cmd_export_check(int argc, char **argv, char **cause)
{
	enum export_kind	k;

	if (argc < 2 || argc > 3 || export_kind(argv[1], &k) != 0) {
		*cause = xstrdup("usage: export ssh-config|ghostty|tmux|compose "
		    "[PATH|-]");
		return -1;
	}
	if (k == EXPORT_GHOSTTY && argc == 3 && strcmp(argv[2], "-") == 0) {
		*cause = xstrdup("export ghostty writes a folder: give a "
		    "directory, not -");
		return -1;
	}
	return 0;
}

static char *
export_default_path(enum export_kind k)
{
	static const char *names[] = { "ssh_config", "ghostty", "tmux.sh",
	    "docker-compose.yml" };
	char	*dir = config_dir(), *p;

	p = xasprintf("%s/%s", dir, names[k]);
	free(dir);
	return p;
}

/* Short enough for socket paths (layouts/export.h), and private. */
static char *
export_control_dir(void)
{
	const char	*home = getenv("HOME");
	char		*d;

	if (home != NULL && *home == '/') {
		d = xasprintf("%s/.ssh/sandbox-tui", home);
		if (strlen(d) <= 45)
			return d;
		free(d);
	}
	return xasprintf("/tmp/sandbox-tui-%ld", (long)getuid());
}

/* "user@host:port" or "user@[v6]:port" from conn_describe(). */
static void
export_split_target(const char *d, char **user, char **host, int *port)
{
	const char	*at = strchr(d, '@'), *h = at != NULL ? at + 1 : d;
	const char	*colon = strrchr(h, ':');

	*user = at != NULL ? xstrndup(d, at - d) : NULL;
	*port = 22;
	if (colon != NULL && strchr(colon, ']') == NULL) {
		*port = atoi(colon + 1);
		*host = xstrndup(h, colon - h);
	} else
		*host = xstrdup(h);
	if (**host == '[') {
		memmove(*host, *host + 1, strlen(*host));
		(*host)[strcspn(*host, "]")] = '\0';
	}
}

static int
export_emit(struct app *app, const struct export_ctx *ctx,
    enum export_kind k, const char *path, char **cause)
{
	char	*text = NULL;
	int	 rc;

	if (strcmp(path, "-") == 0) {
		switch (k) {
		case EXPORT_SSH:
			text = export_ssh_config_text(ctx, "-", cause);
			break;
		case EXPORT_TMUX:
			text = export_tmux_text(ctx, NULL, cause);
			break;
		case EXPORT_COMPOSE:
			text = export_compose_text(ctx, cause);
			break;
		case EXPORT_GHOSTTY:
			break;
		}
		if (text == NULL)
			return -1;
		fputs(text, stdout);
		fflush(stdout);
		free(text);
		return 0;
	}
	switch (k) {
	case EXPORT_SSH:
		rc = export_ssh_config(ctx, path, cause);
		break;
	case EXPORT_GHOSTTY:
		rc = export_ghostty(ctx, path, cause);
		break;
	case EXPORT_TMUX:
		rc = export_tmux(ctx, path, cause);
		break;
	default:
		rc = export_compose(ctx, path, cause);
		break;
	}
	if (rc == 0) {
		if (app->cli)
			printf("%s\n", path);
		else
			app_message(app, 0, "exported to %s", path);
	}
	return rc;
}

static void
export_listed(const struct exec_result *r, void *arg)
{
	struct export_job	*job = arg;
	struct app		*app = job->app;
	struct agent_info	*agents = NULL;
	struct export_agent	*ea = NULL;
	struct export_ctx	 ctx;
	size_t			 n = 0, i;
	char			*cause = NULL, *user = NULL, *host = NULL;
	char			*control = NULL, *path, *key = NULL;
	char			*kh = NULL, *dir;
	struct agents_opts	 opt;
	struct agents_spec	 as;
	int			 port = 22, rc = -1;

	memset(&as, 0, sizeof as);
	if (r->error != NULL || r->status != 0)
		cause = xasprintf("listing the agents: %s", r->error != NULL ?
		    r->error : r->err);
	else if (docker_parse_ps(r->out, &agents, &n, &cause) == 0) {
		memset(&ctx, 0, sizeof ctx);
		ea = xcalloc(n + 1, sizeof *ea);
		for (i = 0; i < n; i++) {
			ea[i].n = agents[i].n;
			ea[i].name = agents[i].name;
		}
		ctx.host_alias = "sandbox";
		ctx.local = conn_is_local(app->conn);
		if (!ctx.local) {
			export_split_target(conn_describe(app->conn), &user,
			    &host, &port);
			ctx.user = user;
			ctx.hostname = host;
			ctx.port = port;
		}
		dir = config_dir();
		if (app->gce_target) {
			key = *config_str(app->cfg, "ssh.identity") != '\0' ?
			    xstrdup(config_str(app->cfg, "ssh.identity")) :
			    xasprintf("%s/id_ed25519", dir);
			kh = xasprintf("%s/known_hosts", dir);
			ctx.known_hosts_only = 1;
		} else {
			if (*config_str(app->cfg, "ssh.identity") != '\0')
				key = xstrdup(config_str(app->cfg,
				    "ssh.identity"));
			if (*config_str(app->cfg, "ssh.known_hosts") != '\0')
				kh = xstrdup(config_str(app->cfg,
				    "ssh.known_hosts"));
		}
		free(dir);
		ctx.identity = key;
		ctx.known_hosts = kh;
		ctx.control_dir = control = export_control_dir();
		ctx.agents = ea;
		ctx.nagents = n;
		opts_agents(app->cfg, &opt);
		if (agents_spec_make(&opt, &as, &cause) == 0)
			ctx.spec = as.spec;
		path = job->path != NULL ? xstrdup(job->path) :
		    export_default_path(job->kind);
		if (cause == NULL)
			rc = export_emit(app, &ctx, job->kind, path, &cause);
		free(path);
	}
	if (rc != 0) {
		if (app->cli)
			fprintf(stderr, "sandbox-tui: %s\n", cause);
		else
			app_message(app, 1, "%s", cause);
	}
	if (app->cli)
		app_quit(app, rc == 0 ? 0 : 1);
	agents_spec_clear(&as);
	agent_info_free(agents, n);
	free(ea);
	free(cause);
	free(user);
	free(host);
	free(control);
	free(key);
	free(kh);
	export_job_free(job);
}

int
cmd_export(struct app *app, int argc, char **argv, char **cause)
{
	struct export_job	*job;
	enum export_kind	 k;
	char			*cmd;

	if (cmd_export_check(argc, argv, cause) != 0)
		return -1;
	export_kind(argv[1], &k);
	if (app->conn == NULL || conn_state(app->conn) != CONN_READY) {
		*cause = xstrdup("export: not connected (the agent list comes "
		    "from the target)");
		return -1;
	}
	job = xcalloc(1, sizeof *job);
	job->app = app;
	job->kind = k;
	job->path = argc == 3 ? xstrdup(argv[2]) : NULL;
	cmd = docker_cmd_ps();
	app_exec(app, cmd, export_listed, export_job_free, job);
	free(cmd);
	return 0;
}
