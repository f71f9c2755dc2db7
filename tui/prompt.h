/*
 * The one-line prompt in the status bar: the `:` command line and
 * questions (trust a host key? scale down?).  Its line editor's buffer is
 * prompt.c's own; draw.c reads it through these functions.
 */
#ifndef SANDBOX_TUI_PROMPT_H
#define SANDBOX_TUI_PROMPT_H

#include <stddef.h>

#include "config/keys.h"

struct app;

void prompt_open(struct app *, const char *label, const char *initial,
	    void (*done)(struct app *, const char *));
void prompt_key(struct app *, key_code);
void prompt_free(struct app *);
/* The label and the line typed so far; caller frees. */
char *prompt_line(struct app *);
/* The cursor's column in prompt_line. */
int prompt_cursor(struct app *);
/* Whether the prompt was opened over the logs view. */
int prompt_over_logs(struct app *);
/*
 * If the open prompt would answer done, forget it: no answer comes.
 * Returns 1 if it was.
 */
int prompt_drop(struct app *, void (*done)(struct app *, const char *));

#endif
