/*
 * The tmux export: a POSIX sh script that makes a tmux session with one
 * window, a pane per agent attached to it (over the shared ssh connection
 * of the exported ssh config, or to local docker), tiled, then attaches.
 *
 * The session is made by one tmux command line whose commands are chained
 * with `;`: tmux runs them in order before it looks at any pane's exit, so
 * remain-on-exit is on before a pane whose ssh fails could close and take
 * the session with it, and no other client can move the targets between
 * two commands.  Every target is spelled out as "=SESSION:" (the active
 * pane of its window, which a split makes the new pane) instead of relying
 * on a current session that tmux picks differently inside and outside a
 * client.  Nothing depends on base-index or the user's own tmux config.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/shquote.h"
#include "config/xmalloc.h"
#include "gcp/docker.h"
#include "layouts/export.h"
#include "layouts/export_private.h"

/* The size of the detached window until a client attaches. */
#define EXPORT_TMUX_WIDTH	200
#define EXPORT_TMUX_HEIGHT	50

/* The commands that give the active pane its agent's name. */
static void
export_tmux_name_pane(struct strbuf *b, const struct export_agent *a)
{
	strbuf_printf(b, " \\; \\\n"
	    "\t    set-option -p -t \"=$session:\" @sandbox_agent %s \\; \\\n"
	    "\t    select-pane -t \"=$session:\" -T %s", a->name, a->name);
}

char *
export_tmux_text(const struct export_ctx *ctx, const char *ssh_config,
    char **cause)
{
	struct strbuf		 b = { NULL, 0, 0 };
	struct export_agent	*v;
	char			*cmd, *q;
	size_t			 i;

	if (export_check(ctx, EXPORT_NEED_AGENTS | EXPORT_NEED_SSH, "tmux",
	    cause) != 0)
		return NULL;
	if (!ctx->local && (ssh_config == NULL || *ssh_config == '\0' ||
	    !export_one_line(ssh_config))) {
		if (cause != NULL)
			*cause = xstrdup(ssh_config == NULL ? "export tmux: no "
			    "ssh config file for the panes to use" : "export "
			    "tmux: the ssh config file must be a path on one "
			    "line");
		return NULL;
	}
	v = export_agents_sorted(ctx);

	strbuf_add(&b, "#!/bin/sh\n");
	export_buf_by(&b, "#", ctx);
	strbuf_printf(&b, "# The agents in one tmux window, a tiled pane "
	    "per agent, on a session of\n# its own: %zu agent%s",
	    ctx->nagents, ctx->nagents == 1 ? "" : "s");
	if (ctx->local)
		strbuf_add(&b, " on this machine's docker.\n");
	else
		strbuf_printf(&b, " over one ssh connection to %s.\n",
		    ctx->hostname);
	strbuf_add(&b,
	    "# Needs tmux 3.0 or later.  Run it again to attach to the "
	    "session it made;\n"
	    "# inside tmux it switches to the session instead.\n"
	    "#   SANDBOX_TMUX_SOCKET=NAME    a private tmux server (tmux -L "
	    "NAME)\n"
	    "#   SANDBOX_TMUX_SESSION=NAME   the session (default "
	    "sandbox-agents)\n"
	    "#   SANDBOX_TMUX_NO_ATTACH=1    make the session, do not "
	    "attach\n"
	    "# In a pane C-] d detaches from the agent; closing panes or the "
	    "session\n"
	    "# leaves the agents running.\n\n");

	strbuf_add(&b,
	    "session=${SANDBOX_TMUX_SESSION:-sandbox-agents}\n"
	    "socket=${SANDBOX_TMUX_SOCKET:-}\n\n"
	    "tm() {\n"
	    "\tif [ -n \"$socket\" ]; then\n"
	    "\t\ttmux -L \"$socket\" \"$@\"\n"
	    "\telse\n"
	    "\t\ttmux \"$@\"\n"
	    "\tfi\n"
	    "}\n\n"
	    "if ! command -v tmux >/dev/null 2>&1; then\n"
	    "\techo \"$0: tmux not found\" >&2\n"
	    "\texit 1\n"
	    "fi\n"
	    "case $session in\n"
	    "''|*[!A-Za-z0-9_-]*)\n"
	    "\techo \"$0: session name '$session': use letters, digits, "
	    "'_' and '-'\" >&2\n"
	    "\texit 2\n"
	    "\t;;\n"
	    "esac\n\n"
	    "if ! tm has-session -t \"=$session\" 2>/dev/null; then\n");

	cmd = export_attach_cmd(ctx, ssh_config, &v[0]);
	q = sh_quote(cmd);
	strbuf_printf(&b, "\ttm new-session -d -s \"$session\" -n agents "
	    "-x %d -y %d \\\n\t    %s \\; \\\n", EXPORT_TMUX_WIDTH,
	    EXPORT_TMUX_HEIGHT, q);
	free(q);
	free(cmd);
	strbuf_add(&b,
	    "\t    set-option -w -t \"=$session:\" remain-on-exit on \\; \\\n"
	    "\t    set-option -w -t \"=$session:\" pane-border-status top "
	    "\\; \\\n"
	    "\t    set-option -w -t \"=$session:\" pane-border-format "
	    "' #{@sandbox_agent} '");
	export_tmux_name_pane(&b, &v[0]);
	for (i = 1; i < ctx->nagents; i++) {
		cmd = export_attach_cmd(ctx, ssh_config, &v[i]);
		q = sh_quote(cmd);
		/* Tiling after each split leaves room for the next one. */
		strbuf_printf(&b, " \\; \\\n"
		    "\t    split-window -t \"=$session:\" \\\n\t    %s", q);
		free(q);
		free(cmd);
		export_tmux_name_pane(&b, &v[i]);
		strbuf_add(&b, " \\; \\\n"
		    "\t    select-layout -t \"=$session:\" tiled");
	}
	strbuf_add(&b, " \\; \\\n"
	    "\t    select-pane -t \"=$session:.{top-left}\" || exit 1\n"
	    "fi\n\n"
	    "if [ \"${SANDBOX_TMUX_NO_ATTACH:-}\" = 1 ]; then\n"
	    "\texit 0\n"
	    "fi\n"
	    "if [ -n \"${TMUX:-}\" ] && [ -z \"$socket\" ]; then\n"
	    "\texec tmux switch-client -t \"=$session\"\n"
	    "fi\n"
	    "if [ -n \"$socket\" ]; then\n"
	    "\texec tmux -L \"$socket\" attach-session -t \"=$session\"\n"
	    "fi\n"
	    "exec tmux attach-session -t \"=$session\"\n");
	free(v);
	return strbuf_take(&b);
}
