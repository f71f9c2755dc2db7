/*
 * Exporters: the same agents, seen through other tools.  Each exporter is a
 * pure text generator plus a writer that puts the text into files; the
 * `export` command fills a struct export_ctx from the connection, the live
 * agent list and the config and calls one of them.
 *
 *   ssh-config  an OpenSSH Host entry with ControlMaster sharing, so that
 *               every ssh (and every terminal window) rides one connection
 *   ghostty     a folder: per-agent ghostty configs, split keybindings, a
 *               Linux launcher, a macOS AppleScript grid, that ssh config
 *   tmux        a POSIX sh script: one tmux window, a tiled pane per agent
 *   compose     a docker-compose.yml that recreates the running agents
 *
 * No export holds a secret: the env file is named, never read.  Every value
 * from the agent list or the config is checked (names sandbox-agent-NN, no
 * line breaks in paths, ...) and quoted for the file it lands in.
 */
#ifndef SANDBOX_TUI_EXPORT_H
#define SANDBOX_TUI_EXPORT_H

#include <stddef.h>

#include "gcp/docker.h"

struct export_agent {
	int		 n;		/* 1..AGENT_MAX */
	const char	*name;		/* sandbox-agent-NN, NN = n */
};

/*
 * known_hosts NULL: the user's default file, still with strict checking.
 * control_dir is absolute and short (EXPORT_CONTROL_DIR_MAX, 45 bytes) so
 * that its sockets fit a socket path; writing an ssh config makes it 0700.
 * ssh_config is the file the tmux panes pass to ssh -F; NULL makes
 * export_tmux() write one at FILE.ssh_config.
 */
struct export_ctx {
	const char	*host_alias;	/* the Host entry: "sandbox" */
	const char	*hostname;	/* VM address or host name */
	int		 port;
	const char	*user;
	const char	*identity;	/* private key path, or NULL */
	const char	*known_hosts;	/* pinned file, or NULL */
	int		 known_hosts_only;	/* and not the system-wide one */
	const char	*control_dir;	/* for the ControlPath sockets */
	const char	*ssh_config;	/* tmux: absolute, or NULL */
	int		 local;		/* local docker: no ssh at all */
	const struct export_agent *agents;
	size_t		 nagents;

	/*
	 * What `agents start` gives docker run (gcp/docker.h), for compose;
	 * every export names spec.version.  The env file is named, never read.
	 */
	struct agent_spec spec;

	const char	*self;		/* sandbox-tui's path, or NULL */
};

/* A generated file: its name inside the export directory, text, mode. */
struct export_file {
	char	*name;
	char	*text;
	int	 mode;
};

void	export_files_free(struct export_file *, size_t);

/*
 * The generators.  Each returns new text (caller frees), or NULL with
 * *cause set (caller frees) when the context is unusable: a bad agent
 * name, a path with a line break, a control_dir too long for a socket, the
 * ssh-config of a local target, ...  path / dir / ssh_config are where the
 * files will live, which the text refers to.
 */
char	*export_ssh_config_text(const struct export_ctx *, const char *path,
	    char **cause);
/* Every file of the ghostty folder, in a fixed order; 0 or -1. */
int	 export_ghostty_files(const struct export_ctx *, const char *dir,
	    struct export_file **files, size_t *nfiles, char **cause);
/* ssh_config is ignored (may be NULL) for a local target. */
char	*export_tmux_text(const struct export_ctx *, const char *ssh_config,
	    char **cause);
char	*export_compose_text(const struct export_ctx *, char **cause);

/*
 * The writers.  Each writes into its directory (made 0700 if missing) and
 * returns 0, or -1 with *cause naming the file.  Files are replaced
 * atomically (temporary file and rename), mode 0644, 0755 for scripts.
 * Writing an ssh config also makes control_dir (0700).  export_ghostty()
 * makes dir absolute first: the files it writes refer to each other.
 */
int	 export_ssh_config(const struct export_ctx *, const char *path,
	    char **cause);
int	 export_ghostty(const struct export_ctx *, const char *dir,
	    char **cause);
int	 export_tmux(const struct export_ctx *, const char *path,
	    char **cause);
int	 export_compose(const struct export_ctx *, const char *path,
	    char **cause);

/* Writes text to path atomically with mode; the directory must exist. */
int	 export_write_file(const char *path, const char *text, int mode,
	    char **cause);

/*
 * Quoting, exposed for the tests.  A YAML double-quoted scalar with
 * escapes; an ssh_config argument in double quotes with '%' doubled (NULL
 * if s holds a '"', a '\' or a control character, which ssh_config cannot
 * carry).  Both return new strings.
 */
char	*export_yaml_quote(const char *s);
char	*export_ssh_quote(const char *s);

#endif
