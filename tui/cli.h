/*
 * Non-interactive subcommands (`sandbox-tui agents list`, ...): the same
 * commands as the grid, run once and printed.  See cli.c.
 */
#ifndef SANDBOX_TUI_CLI_H
#define SANDBOX_TUI_CLI_H

struct config;

int cli_main(struct config *, int argc, char **argv);

#endif
