/*
 * `vm create|start|stop|delete|status|schedule`.
 * Entries of the command table (cmd_grid.c); see cmd.h for the signatures.
 */
#ifndef SANDBOX_TUI_CMD_VM_H
#define SANDBOX_TUI_CMD_VM_H

struct app;

int cmd_vm(struct app *, int, char **, char **);
int cmd_vm_check(int, char **, char **);

#endif
