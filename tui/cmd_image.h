/*
 * `image build` and `image status`.
 * Entries of the command table (cmd_grid.c); see cmd.h for the signatures.
 */
#ifndef SANDBOX_TUI_CMD_IMAGE_H
#define SANDBOX_TUI_CMD_IMAGE_H

struct app;

int cmd_image(struct app *, int, char **, char **);
int cmd_image_check(int, char **, char **);

#endif
