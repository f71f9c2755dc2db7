/*
 * The logs view, private to tui/: one agent's `docker logs -f` full screen,
 * streamed over an exec channel into a bounded line store (logs.max_lines),
 * with follow, scroll, search, timestamps, wrap and save.  MODE_LOGS sends
 * keys here; draw.c calls logs_draw() for the whole screen while it is open.
 */
#ifndef SANDBOX_TUI_LOGS_H
#define SANDBOX_TUI_LOGS_H

#include "config/keys.h"

struct app;

/* Opens the view of agent n (container `name`) and enters MODE_LOGS. */
void logs_open(struct app *, int n, const char *name);
/* Closes the channel, frees the view, and returns to the grid. */
void logs_close(struct app *);
void logs_key(struct app *, key_code);
/*
 * Draws rows 0 .. lines-2 and, unless a prompt is open over the view, its
 * own status line on the last row.  Called once per frame.
 */
void logs_draw(struct app *);

#endif
