/*
 * The status bar's text.  See status.c.
 */
#ifndef SANDBOX_TUI_STATUS_H
#define SANDBOX_TUI_STATUS_H

struct app;

char *status_text(struct app *, char **right);

#endif
