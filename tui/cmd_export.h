/*
 * `export`: ghostty, OpenSSH, tmux and compose views of the agents.
 * Entries of the command table (cmd_grid.c); see cmd.h for the signatures.
 */
#ifndef SANDBOX_TUI_CMD_EXPORT_H
#define SANDBOX_TUI_CMD_EXPORT_H

struct app;

int cmd_export(struct app *, int, char **, char **);
int cmd_export_check(int, char **, char **);

#endif
