/*
 * export_probe: runs one exporter (layouts/export.h) from the command line
 * for the end-to-end tests (tests/e2e/test_export_tools.sh), which then
 * check what it wrote with the real tools: ssh -G, ssh, tmux, docker
 * compose.  It fills the same struct export_ctx the `export` command does.
 *
 *   export_probe [options] ssh-config|ghostty|tmux|compose OUT
 *
 * OUT is the file (the folder for ghostty); "-" prints the text instead
 * (ghostty: each file after a "==> NAME <==" line, OUT taken as /tmp/X).
 *
 * Options: --alias A (sandbox), --host H (127.0.0.1), --port P (22),
 * --user U (root), -i KEY, --known-hosts F, --control-dir D, --ssh-config F
 * (tmux), --local, --agents N (agents 1..N), --agent N (repeatable),
 * --image I, --command WORD (repeatable), --memory BYTES, --cpus-milli M,
 * --pids N, --workspace D, --settings F, --env-file F, --version V,
 * --self PATH.  Exit status 0, or 1 with the cause on stderr, 2 on a usage
 * error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/xmalloc.h"
#include "gcp/docker.h"
#include "layouts/export.h"

#define PROBE_MAX_AGENTS	AGENT_MAX
#define PROBE_MAX_WORDS		32

static void
probe_usage(void)
{
	fprintf(stderr, "usage: export_probe [options] "
	    "ssh-config|ghostty|tmux|compose OUT\n");
	exit(2);
}

/* The value after option argv[*i]. */
static const char *
probe_arg(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc)
		probe_usage();
	return argv[++*i];
}

static int
probe_print(const struct export_ctx *ctx, const char *kind, char **cause)
{
	struct export_file	*files;
	size_t			 n, i;
	char			*text = NULL;

	if (strcmp(kind, "ssh-config") == 0)
		text = export_ssh_config_text(ctx, NULL, cause);
	else if (strcmp(kind, "tmux") == 0)
		text = export_tmux_text(ctx, ctx->ssh_config, cause);
	else if (strcmp(kind, "compose") == 0)
		text = export_compose_text(ctx, cause);
	else {
		if (export_ghostty_files(ctx, "/tmp/X", &files, &n, cause) != 0)
			return -1;
		for (i = 0; i < n; i++)
			printf("==> %s <==\n%s", files[i].name, files[i].text);
		export_files_free(files, n);
		return 0;
	}
	if (text == NULL)
		return -1;
	fputs(text, stdout);
	free(text);
	return 0;
}

int
main(int argc, char **argv)
{
	static struct export_agent	 agents[PROBE_MAX_AGENTS];
	static char			 names[PROBE_MAX_AGENTS][32];
	static char			*words[PROBE_MAX_WORDS];
	struct export_ctx		 ctx;
	const char			*kind, *out, *a;
	char				*cause = NULL;
	size_t				 na = 0;
	int				 i, n, k, rc = -1;

	memset(&ctx, 0, sizeof ctx);
	ctx.host_alias = "sandbox";
	ctx.hostname = "127.0.0.1";
	ctx.port = 22;
	ctx.user = "root";
	ctx.control_dir = "/tmp";
	ctx.spec.image = "sandbox-agent:latest";
	ctx.spec.memory = 4LL << 30;
	ctx.spec.cpus_milli = 2000;
	ctx.spec.pids_limit = 512;
	ctx.spec.workspace_dir = "/tmp/sandbox-workspaces";
	ctx.spec.version = "probe";
	ctx.agents = agents;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
		a = argv[i];
		if (strcmp(a, "--alias") == 0)
			ctx.host_alias = probe_arg(argc, argv, &i);
		else if (strcmp(a, "--host") == 0)
			ctx.hostname = probe_arg(argc, argv, &i);
		else if (strcmp(a, "--port") == 0)
			ctx.port = atoi(probe_arg(argc, argv, &i));
		else if (strcmp(a, "--user") == 0)
			ctx.user = probe_arg(argc, argv, &i);
		else if (strcmp(a, "-i") == 0)
			ctx.identity = probe_arg(argc, argv, &i);
		else if (strcmp(a, "--known-hosts") == 0)
			ctx.known_hosts = probe_arg(argc, argv, &i);
		else if (strcmp(a, "--control-dir") == 0)
			ctx.control_dir = probe_arg(argc, argv, &i);
		else if (strcmp(a, "--ssh-config") == 0)
			ctx.ssh_config = probe_arg(argc, argv, &i);
		else if (strcmp(a, "--local") == 0)
			ctx.local = 1;
		else if (strcmp(a, "--agents") == 0) {
			n = atoi(probe_arg(argc, argv, &i));
			for (k = 1; k <= n && na < PROBE_MAX_AGENTS; k++) {
				snprintf(names[na], sizeof names[na],
				    AGENT_NAME_PREFIX "%02d", k);
				agents[na].n = k;
				agents[na].name = names[na];
				na++;
			}
		} else if (strcmp(a, "--agent") == 0) {
			if (na == PROBE_MAX_AGENTS)
				probe_usage();
			k = atoi(probe_arg(argc, argv, &i));
			snprintf(names[na], sizeof names[na],
			    AGENT_NAME_PREFIX "%02d", k);
			agents[na].n = k;
			agents[na].name = names[na];
			na++;
		} else if (strcmp(a, "--image") == 0)
			ctx.spec.image = probe_arg(argc, argv, &i);
		else if (strcmp(a, "--command") == 0) {
			if (ctx.spec.ncommand == PROBE_MAX_WORDS)
				probe_usage();
			words[ctx.spec.ncommand++] = (char *)probe_arg(argc,
			    argv, &i);
			ctx.spec.command = words;
		} else if (strcmp(a, "--memory") == 0)
			ctx.spec.memory = atoll(probe_arg(argc, argv, &i));
		else if (strcmp(a, "--cpus-milli") == 0)
			ctx.spec.cpus_milli = atol(probe_arg(argc, argv, &i));
		else if (strcmp(a, "--pids") == 0)
			ctx.spec.pids_limit = atol(probe_arg(argc, argv, &i));
		else if (strcmp(a, "--workspace") == 0)
			ctx.spec.workspace_dir = probe_arg(argc, argv, &i);
		else if (strcmp(a, "--settings") == 0)
			ctx.spec.settings_file = probe_arg(argc, argv, &i);
		else if (strcmp(a, "--env-file") == 0)
			ctx.spec.env_file = probe_arg(argc, argv, &i);
		else if (strcmp(a, "--version") == 0)
			ctx.spec.version = probe_arg(argc, argv, &i);
		else if (strcmp(a, "--self") == 0)
			ctx.self = probe_arg(argc, argv, &i);
		else
			probe_usage();
	}
	if (argc - i != 2)
		probe_usage();
	kind = argv[i];
	out = argv[i + 1];
	ctx.nagents = na;

	if (strcmp(out, "-") == 0)
		rc = probe_print(&ctx, kind, &cause);
	else if (strcmp(kind, "ssh-config") == 0)
		rc = export_ssh_config(&ctx, out, &cause);
	else if (strcmp(kind, "ghostty") == 0)
		rc = export_ghostty(&ctx, out, &cause);
	else if (strcmp(kind, "tmux") == 0)
		rc = export_tmux(&ctx, out, &cause);
	else if (strcmp(kind, "compose") == 0)
		rc = export_compose(&ctx, out, &cause);
	else
		probe_usage();
	if (rc != 0) {
		fprintf(stderr, "export_probe: %s\n", cause != NULL ? cause :
		    "failed");
		free(cause);
		return 1;
	}
	return 0;
}
