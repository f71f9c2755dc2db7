/*
 * The ghostty export: a folder that shows the agents in ghostty.
 *
 * Ghostty's configuration has no way to declare a split layout (no setting
 * lays out panes or gives a split its own command), so the folder holds
 * what ghostty can run: a config per agent (`title`, and a `command` that
 * attaches to it over the shared ssh connection), one config with split
 * keybindings that each agent config includes, a Linux launcher that opens
 * a window per agent, and for macOS an AppleScript that builds the grid of
 * splits in one window through the scripting dictionary of Ghostty 1.3.
 *
 * Only documented names are written: the config keys `config-file`,
 * `title`, `command`, `keybind` (and `gtk-single-instance` on the
 * launcher's command line), the keybind actions new_split, goto_split,
 * toggle_split_zoom, equalize_splits, and from Ghostty.sdef the AppleScript
 * commands new surface configuration, new window, split, perform action and
 * focus.  tests/unit/test_export_syntax.c holds the same lists and fails
 * if any other name appears.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/shquote.h"
#include "config/xmalloc.h"
#include "gcp/docker.h"
#include "layouts/export.h"
#include "layouts/export_private.h"

/* Columns of the AppleScript grid: 12 agents make 4 x 3. */
#define EXPORT_GHOSTTY_COLS	4

struct export_ghostty_key {
	const char	*trigger;
	const char	*action;
	const char	*what;
};

/* ctrl+shift+letter: left alone by Claude Code, plain letters in every
   ghostty version's key names. */
static const struct export_ghostty_key export_ghostty_keys[] = {
	{ "ctrl+shift+r", "new_split:right", "new split to the right" },
	{ "ctrl+shift+d", "new_split:down", "new split below" },
	{ "ctrl+shift+h", "goto_split:left", "focus the split to the left" },
	{ "ctrl+shift+j", "goto_split:down", "focus the split below" },
	{ "ctrl+shift+k", "goto_split:up", "focus the split above" },
	{ "ctrl+shift+l", "goto_split:right", "focus the split to the right" },
	{ "ctrl+shift+z", "toggle_split_zoom", "zoom the split, again to "
	    "go back" },
	{ "ctrl+shift+g", "equalize_splits", "make every split the same "
	    "size" },
};

#define EXPORT_GHOSTTY_NKEYS \
	(sizeof export_ghostty_keys / sizeof export_ghostty_keys[0])

static void
export_ghostty_add(struct export_file *files, size_t *n, char *name,
    char *text, int mode)
{
	files[*n].name = name;
	files[*n].text = text;
	files[*n].mode = mode;
	(*n)++;
}

/* s in an AppleScript string literal. */
static char *
export_ghostty_as_quote(const char *s)
{
	struct strbuf		 b = { NULL, 0, 0 };
	const char		*p;

	strbuf_add(&b, "\"");
	for (p = s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			strbuf_printf(&b, "\\%c", *p);
		else
			strbuf_printf(&b, "%c", *p);
	}
	strbuf_add(&b, "\"");
	return strbuf_take(&b);
}

/* DIR/NAME as one shell word; caller frees. */
static char *
export_ghostty_word(const char *dir, const char *name)
{
	char	*path, *w;

	path = xasprintf("%s/%s", dir, name);
	w = export_sh_word(path);
	free(path);
	return w;
}

/* "12 agents (01 to 12)" or "1 agent (03)". */
static void
export_ghostty_which(struct strbuf *b, const struct export_agent *v,
    size_t n)
{
	size_t	i;

	strbuf_printf(b, "%zu agent%s (", n, n == 1 ? "" : "s");
	for (i = 0; i < n; i++)
		strbuf_printf(b, "%s%02d", i == 0 ? "" : " ", v[i].n);
	strbuf_add(b, ")");
}

static char *
export_ghostty_readme(const struct export_ctx *ctx, const char *dir,
    const struct export_agent *v)
{
	struct strbuf		 b = { NULL, 0, 0 };
	char			*w;
	size_t			 i, cols;

	cols = ctx->nagents < EXPORT_GHOSTTY_COLS ? ctx->nagents :
	    EXPORT_GHOSTTY_COLS;
	strbuf_add(&b, "# The sandbox-tui agents in ghostty\n\n");
	export_buf_by(&b, "", ctx);
	strbuf_add(&b, "For ");
	export_ghostty_which(&b, v, ctx->nagents);
	if (ctx->local)
		strbuf_add(&b, " on this machine's docker");
	else
		strbuf_printf(&b, " on %s@%s port %d", ctx->user,
		    ctx->hostname, ctx->port);
	strbuf_add(&b, ".\nRunning the export again replaces these "
	    "files; export again after adding or\nremoving agents.\n\n");

	strbuf_add(&b,
	    "**Ghostty's configuration cannot declare a split layout.** It "
	    "has no setting\n"
	    "that lays out panes or gives a split its own command.  So this "
	    "folder holds\n"
	    "what ghostty can run instead:\n\n"
	    "| file | what it is |\n"
	    "|---|---|\n"
	    "| `agent-NN.conf` | one agent in one window: its `title` and a "
	    "`command` that attaches to it |\n"
	    "| `ghostty.conf` | split keybindings (below); every agent config "
	    "includes it |\n"
	    "| `launch.sh` | Linux: opens one ghostty window per agent |\n"
	    "| `grid.applescript` | macOS, Ghostty 1.3 or later: one window "
	    "with every agent in a grid of splits |\n");
	if (!ctx->local)
		strbuf_add(&b, "| `ssh_config` | the ssh settings of every "
		    "window: one shared connection (ControlMaster) |\n");
	strbuf_add(&b, "\n## Linux\n\n");
	w = export_ghostty_word(dir, "launch.sh");
	strbuf_printf(&b, "    sh %s          # every agent\n", w);
	strbuf_printf(&b, "    sh %s %-9d# agent %d alone\n", w,
	    v[ctx->nagents - 1].n, v[ctx->nagents - 1].n);
	free(w);
	strbuf_add(&b, "\nOr one window by hand: `ghostty "
	    "--config-file=DIR/agent-NN.conf`.\n");

	strbuf_add(&b, "\n## macOS\n\n");
	w = export_ghostty_word(dir, "grid.applescript");
	strbuf_printf(&b, "    osascript %s\n\n", w);
	free(w);
	strbuf_printf(&b, "It opens one Ghostty window split into %zu "
	    "column%s, agents row by row from\n"
	    "the top left, and needs Ghostty 1.3.0 or later: AppleScript "
	    "support arrived\n"
	    "in 1.3.0.  The script uses only the commands of Ghostty's "
	    "scripting\n"
	    "dictionary (`Ghostty.sdef`): `new surface configuration`, `new "
	    "window`,\n"
	    "`split`, `perform action` and `focus`.  It was written from "
	    "Ghostty's\n"
	    "AppleScript documentation and has not been run on a Mac by "
	    "sandbox-tui's\n"
	    "tests.  macOS asks once whether your terminal may control "
	    "Ghostty.\n", cols, cols == 1 ? "" : "s");

	strbuf_add(&b, "\n## Keys\n\n"
	    "In the agent windows (add `config-file = DIR/ghostty.conf` to "
	    "your own ghostty\n"
	    "config to have them everywhere):\n\n"
	    "| key | action | does |\n|---|---|---|\n");
	for (i = 0; i < EXPORT_GHOSTTY_NKEYS; i++)
		strbuf_printf(&b, "| %s | `%s` | %s |\n",
		    export_ghostty_keys[i].trigger,
		    export_ghostty_keys[i].action,
		    export_ghostty_keys[i].what);
	strbuf_add(&b, "\nIn an agent, C-] then d detaches (docker "
	    "attach's detach keys, the same as\n"
	    "sandbox-tui's prefix and d).  Closing a window or a split also "
	    "leaves the agent\nrunning.\n");
	if (!ctx->local) {
		w = export_ghostty_word(dir, "ssh_config");
		strbuf_printf(&b, "\n## The connection\n\n"
		    "The first window opens the ssh connection to %s and "
		    "the others share it;\n"
		    "it stays up 10 minutes after the last window closes.  "
		    "Close it sooner with:\n\n"
		    "    ssh -F %s -O exit %s\n", ctx->hostname, w,
		    ctx->host_alias);
		free(w);
	}
	return strbuf_take(&b);
}

static char *
export_ghostty_keys_conf(const struct export_ctx *ctx)
{
	struct strbuf		b = { NULL, 0, 0 };
	size_t			i;

	export_buf_by(&b, "#", ctx);
	strbuf_add(&b, "# Split keybindings for the agent windows.\n");
	strbuf_add(&b, "# Every agent-NN.conf includes this file; to have "
	    "the keys everywhere, add\n"
	    "# `config-file = <this file>` to your own ghostty config.\n"
	    "# Ghostty's config cannot declare a split layout: launch.sh "
	    "(Linux) and\n"
	    "# grid.applescript (macOS) make the windows and splits "
	    "instead.\n");
	for (i = 0; i < EXPORT_GHOSTTY_NKEYS; i++)
		strbuf_printf(&b, "keybind = %s=%s\n",
		    export_ghostty_keys[i].trigger,
		    export_ghostty_keys[i].action);
	return strbuf_take(&b);
}

static char *
export_ghostty_agent_conf(const struct export_ctx *ctx, const char *dir,
    const char *ssh_config, const struct export_agent *a)
{
	struct strbuf		 b = { NULL, 0, 0 };
	char			*cmd, *path, *qpath;

	cmd = export_attach_cmd(ctx, ssh_config, a);
	path = xasprintf("%s/agent-%02d.conf", dir, a->n);
	qpath = export_sh_word(path);
	export_buf_by(&b, "#", ctx);
	strbuf_printf(&b, "# Agent %02d (%s) in a ghostty window:\n",
	    a->n, a->name);
	strbuf_printf(&b, "#   ghostty --config-file=%s\n", qpath);
	strbuf_add(&b, "# C-] d detaches; closing the window leaves the "
	    "agent running.\n");
	strbuf_add(&b, "config-file = ghostty.conf\n");
	strbuf_printf(&b, "title = %s\n", a->name);
	strbuf_printf(&b, "command = %s\n", cmd);
	free(qpath);
	free(path);
	free(cmd);
	return strbuf_take(&b);
}

static char *
export_ghostty_launch(const struct export_ctx *ctx, const char *dir,
    const struct export_agent *v)
{
	struct strbuf		 b = { NULL, 0, 0 };
	char			*qdir;
	size_t			 i;

	qdir = sh_quote(dir);
	strbuf_add(&b, "#!/bin/sh\n");
	export_buf_by(&b, "#", ctx);
	strbuf_add(&b, "# One ghostty window per agent (Linux).\n");
	strbuf_add(&b,
	    "# Ghostty's config cannot declare a split layout, so every agent "
	    "gets a\n"
	    "# window of its own; on macOS, grid.applescript builds a grid of "
	    "splits.\n"
	    "#   sh launch.sh          every agent\n"
	    "#   sh launch.sh 3 7      agents 3 and 7 (01 to 99)\n"
	    "# GHOSTTY names the ghostty program (default: ghostty).\n\n");
	strbuf_printf(&b, "dir=%s\n", qdir);
	strbuf_add(&b, "ghostty=${GHOSTTY:-ghostty}\n\n"
	    "if [ -z \"${GHOSTTY:-}\" ] && [ \"$(uname -s)\" = Darwin ]; then\n"
	    "\techo \"launch.sh: on macOS run: osascript "
	    "'$dir/grid.applescript'\" >&2\n"
	    "\texit 1\n"
	    "fi\n"
	    "if ! command -v \"$ghostty\" >/dev/null 2>&1; then\n"
	    "\techo \"launch.sh: $ghostty: not found (install ghostty or set "
	    "GHOSTTY)\" >&2\n"
	    "\texit 1\n"
	    "fi\n");
	strbuf_add(&b, "[ $# -gt 0 ] || set --");
	for (i = 0; i < ctx->nagents; i++)
		strbuf_printf(&b, " %02d", v[i].n);
	strbuf_add(&b, "\n\nrc=0\n"
	    "for n in \"$@\"; do\n"
	    "\tcase $n in\n"
	    "\t[0-9]) n=0$n ;;\n"
	    "\t[0-9][0-9]) ;;\n"
	    "\t*) n=x ;;\n"
	    "\tesac\n"
	    "\tif [ ! -f \"$dir/agent-$n.conf\" ]; then\n"
	    "\t\techo \"launch.sh: no agent $n in $dir\" >&2\n"
	    "\t\trc=1\n"
	    "\t\tcontinue\n"
	    "\tfi\n"
	    "\t# Its own process: a running single-instance ghostty would "
	    "ignore the\n"
	    "\t# config file.\n"
	    "\t\"$ghostty\" --gtk-single-instance=false "
	    "--config-file=\"$dir/agent-$n.conf\" \\\n"
	    "\t    </dev/null >/dev/null 2>&1 &\n"
	    "done\n"
	    "exit $rc\n");
	free(qdir);
	return strbuf_take(&b);
}

static char *
export_ghostty_applescript(const struct export_ctx *ctx, const char *dir,
    const char *ssh_config, const struct export_agent *v)
{
	struct strbuf		 b = { NULL, 0, 0 };
	char			*cmd, *q, *w;
	size_t			 i, n = ctx->nagents, cols, rows;

	cols = n < EXPORT_GHOSTTY_COLS ? n : EXPORT_GHOSTTY_COLS;
	rows = (n + cols - 1) / cols;
	export_buf_by(&b, "--", ctx);
	strbuf_printf(&b, "-- The agents in one Ghostty window: a %zux%zu "
	    "grid of splits, filled\n-- row by row from %02d at the top "
	    "left.\n", cols, rows, v[0].n);
	strbuf_add(&b, "-- Ghostty's config cannot declare a split layout; "
	    "this script builds one\n"
	    "-- through Ghostty's AppleScript dictionary, which needs Ghostty "
	    "1.3 or later.\n");
	w = export_ghostty_word(dir, "grid.applescript");
	strbuf_printf(&b, "--   osascript %s\n\n", w);
	free(w);

	strbuf_add(&b, "tell application \"Ghostty\"\n\tactivate\n");
	for (i = 0; i < n; i++) {
		cmd = export_attach_cmd(ctx, ssh_config, &v[i]);
		q = export_ghostty_as_quote(cmd);
		strbuf_printf(&b, "\tset cfg%02d to new surface "
		    "configuration\n", v[i].n);
		strbuf_printf(&b, "\tset command of cfg%02d to %s\n",
		    v[i].n, q);
		free(q);
		free(cmd);
	}
	strbuf_printf(&b, "\n\tset win to new window with configuration "
	    "cfg%02d\n", v[0].n);
	strbuf_printf(&b, "\tset t%02d to terminal 1 of selected tab of "
	    "win\n", v[0].n);
	/* The top row left to right, then each row below its column. */
	for (i = 1; i < cols; i++)
		strbuf_printf(&b, "\tset t%02d to split t%02d direction "
		    "right with configuration cfg%02d\n", v[i].n, v[i - 1].n,
		    v[i].n);
	for (i = cols; i < n; i++)
		strbuf_printf(&b, "\tset t%02d to split t%02d direction "
		    "down with configuration cfg%02d\n", v[i].n,
		    v[i - cols].n, v[i].n);
	strbuf_printf(&b, "\tperform action \"equalize_splits\" on t%02d\n",
	    v[0].n);
	strbuf_printf(&b, "\tfocus t%02d\n", v[0].n);
	strbuf_add(&b, "end tell\n");
	return strbuf_take(&b);
}

int
export_ghostty_files(const struct export_ctx *ctx, const char *dir,
    struct export_file **files, size_t *nfiles, char **cause)
{
	struct export_file	*f;
	struct export_agent	*v;
	char			*cfg = NULL, *cfgtext = NULL;
	size_t			 i, n = 0;

	*files = NULL;
	*nfiles = 0;
	if (export_check(ctx, EXPORT_NEED_AGENTS | EXPORT_NEED_SSH, "ghostty",
	    cause) != 0)
		return -1;
	if (dir == NULL || *dir != '/' || !export_one_line(dir)) {
		if (cause != NULL)
			*cause = xasprintf("export ghostty: the folder must be "
			    "an absolute path on one line");
		return -1;
	}
	if (!ctx->local) {
		cfg = xasprintf("%s/ssh_config", dir);
		if ((cfgtext = export_ssh_config_text(ctx, cfg, cause)) ==
		    NULL) {
			free(cfg);
			return -1;
		}
	}
	f = xcalloc(ctx->nagents + 6, sizeof *f);
	v = export_agents_sorted(ctx);
	export_ghostty_add(f, &n, xstrdup("README.md"),
	    export_ghostty_readme(ctx, dir, v), 0644);
	export_ghostty_add(f, &n, xstrdup("ghostty.conf"),
	    export_ghostty_keys_conf(ctx), 0644);
	for (i = 0; i < ctx->nagents; i++)
		export_ghostty_add(f, &n, xasprintf("agent-%02d.conf", v[i].n),
		    export_ghostty_agent_conf(ctx, dir, cfg, &v[i]), 0644);
	export_ghostty_add(f, &n, xstrdup("launch.sh"),
	    export_ghostty_launch(ctx, dir, v), 0755);
	export_ghostty_add(f, &n, xstrdup("grid.applescript"),
	    export_ghostty_applescript(ctx, dir, cfg, v), 0644);
	if (cfgtext != NULL)
		export_ghostty_add(f, &n, xstrdup("ssh_config"), cfgtext, 0644);
	free(cfg);
	free(v);
	*files = f;
	*nfiles = n;
	return 0;
}

int
export_ghostty(const struct export_ctx *ctx, const char *dir, char **cause)
{
	struct export_file	*files;
	size_t			 n, i;
	char			*abs, *path, *inner = NULL;
	int			 rc = -1;

	abs = export_abspath(dir);
	if (export_ghostty_files(ctx, abs, &files, &n, cause) != 0) {
		free(abs);
		return -1;
	}
	if (export_mkdirs(abs, &inner) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", abs, files[i].name);
		rc = export_write_file(path, files[i].text, files[i].mode,
		    &inner);
		free(path);
		if (rc != 0)
			goto out;
	}
	rc = export_control_dir(ctx, "ghostty", cause);
out:
	if (inner != NULL && cause != NULL)
		*cause = xasprintf("export ghostty: %s", inner);
	free(inner);
	export_files_free(files, n);
	free(abs);
	return rc;
}
