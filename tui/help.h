/*
 * The help screen's lines, made from the key bindings and the command
 * table.  See help.c.
 */
#ifndef SANDBOX_TUI_HELP_H
#define SANDBOX_TUI_HELP_H

#include <stddef.h>

struct app;

char **help_lines(struct app *, size_t *n);

#endif
