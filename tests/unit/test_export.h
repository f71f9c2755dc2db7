/*
 * What the layouts/export*.c unit tests share: the two fixed contexts
 * every export is made from (12 agents over ssh, 3 on local docker, with
 * names and paths that need quoting) and a reader of a written file.
 * Include after cmocka.h.
 */
#ifndef SANDBOX_TUI_TEST_EXPORT_H
#define SANDBOX_TUI_TEST_EXPORT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/xmalloc.h"
#include "layouts/export.h"

#define TEST_EXPORT_N(a)	(sizeof (a) / sizeof (a)[0])

static char *test_export_command[] = {
	"claude", "--model", "it's \"$HOME\" \\ é",
};

static const struct export_agent test_export_ssh_agents[] = {
	/* Out of order: the exports sort them. */
	{ 3, "sandbox-agent-03" }, { 1, "sandbox-agent-01" },
	{ 2, "sandbox-agent-02" }, { 4, "sandbox-agent-04" },
	{ 5, "sandbox-agent-05" }, { 6, "sandbox-agent-06" },
	{ 7, "sandbox-agent-07" }, { 8, "sandbox-agent-08" },
	{ 9, "sandbox-agent-09" }, { 12, "sandbox-agent-12" },
	{ 10, "sandbox-agent-10" }, { 11, "sandbox-agent-11" },
};

static const struct export_agent test_export_local_agents[] = {
	{ 1, "sandbox-agent-01" }, { 2, "sandbox-agent-02" },
	{ 5, "sandbox-agent-05" },
};

#define TEST_EXPORT_SSH_DIR	"/home/alice/sandbox export/ghostty"
#define TEST_EXPORT_SSH_CONFIG	"/home/alice/sandbox export/ssh_config"
#define TEST_EXPORT_LOCAL_DIR	"/tmp/sandbox-ghostty"

static inline void
test_export_ssh_ctx(struct export_ctx *ctx)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->host_alias = "sandbox";
	ctx->hostname = "203.0.113.7";
	ctx->port = 2222;
	ctx->user = "agent";
	ctx->identity = "/home/alice/.config/sandbox-tui/id_ed25519";
	ctx->known_hosts = "/home/alice/.config/sandbox-tui/known hosts";
	ctx->known_hosts_only = 1;
	ctx->control_dir = "/home/alice/.ssh/sbx 100%";
	ctx->ssh_config = TEST_EXPORT_SSH_CONFIG;
	ctx->agents = test_export_ssh_agents;
	ctx->nagents = TEST_EXPORT_N(test_export_ssh_agents);
	ctx->spec.image = "europe-docker.pkg.dev/p/r/sandbox-agent:1.4";
	ctx->spec.command = test_export_command;
	ctx->spec.ncommand = TEST_EXPORT_N(test_export_command);
	ctx->spec.memory = 4LL << 30;
	ctx->spec.cpus_milli = 1500;
	ctx->spec.pids_limit = 512;
	ctx->spec.workspace_dir = "/home/agent/sandbox ws $X/";
	ctx->spec.settings_file =
	    "/home/agent/.config/sandbox-tui/settings.json";
	ctx->spec.env_file = "/home/agent/.config/sandbox-tui/agents.env";
	ctx->spec.version = "1.2.3-test";
	ctx->self = "/usr/local/bin/sandbox-tui";
}

static inline void
test_export_local_ctx(struct export_ctx *ctx)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->local = 1;
	ctx->agents = test_export_local_agents;
	ctx->nagents = TEST_EXPORT_N(test_export_local_agents);
	ctx->spec.image = "sandbox-agent:dev";
	ctx->spec.memory = 2LL << 30;
	ctx->spec.cpus_milli = 1000;
	ctx->spec.pids_limit = 256;
	ctx->spec.workspace_dir = "/srv/sandbox/ws";
	ctx->spec.version = "1.2.3-test";
}

/* The bytes of the file at path (caller frees), or NULL. */
static inline char *
test_export_read(const char *path)
{
	FILE	*f;
	char	*s;
	long	 len;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = xmalloc((size_t)len + 1);
	if (fread(s, 1, (size_t)len, f) != (size_t)len) {
		fclose(f);
		free(s);
		return NULL;
	}
	s[len] = '\0';
	fclose(f);
	return s;
}

#endif
