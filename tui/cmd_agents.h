/*
 * `agents`, `scale`, `logs` and `sync-input`: the commands on agents.
 * Entries of the command table (cmd_grid.c); see cmd.h for the signatures.
 */
#ifndef SANDBOX_TUI_CMD_AGENTS_H
#define SANDBOX_TUI_CMD_AGENTS_H

struct app;

int cmd_agents(struct app *, int, char **, char **);
int cmd_agents_check(int, char **, char **);
int cmd_scale(struct app *, int, char **, char **);
int cmd_logs(struct app *, int, char **, char **);
int cmd_logs_check(int, char **, char **);
int cmd_sync_input(struct app *, int, char **, char **);
void cmd_agents_free(struct app *);

#endif
