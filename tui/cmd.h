/*
 * The command table: every action a key binding, the `:` prompt or a CLI
 * subcommand can take, by name (tmux's cmd_table).  A key binding is just a
 * command line, so help, prompt, keymap and CLI are one thing.
 */
#ifndef SANDBOX_TUI_CMD_H
#define SANDBOX_TUI_CMD_H

struct app;

#define CMD_GRID	0x1	/* needs the grid on a terminal */
#define CMD_CLI		0x2	/* also a non-interactive subcommand */
#define CMD_NOCONN	0x4	/* the CLI runs it without connecting first */

/* The most of a word a message about it shows (echo_text). */
#define CMD_ECHO_MAX	32

struct cmd_entry {
	const char	*name;
	const char	*alias;
	const char	*usage;		/* arguments, e.g. "up|down|left|right|N" */
	int		 min_args, max_args;	/* max -1 = any */
	int		 flags;
	const char	*help;
	/* Returns 0, or -1 with *cause set (caller frees). */
	int		(*exec)(struct app *, int argc, char **argv, char **cause);
	/* Checks a CLI command's arguments before connecting; may be NULL. */
	int		(*check)(int argc, char **argv, char **cause);
};

extern const struct cmd_entry cmd_table[];

const struct cmd_entry *cmd_find(const char *name);
/* Parses and runs one command line. */
int cmd_run(struct app *, const char *line, char **cause);
int cmd_run_argv(struct app *, int argc, char **argv, char **cause);

#endif
