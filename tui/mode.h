/*
 * What a key, a paste or a mouse report does in the current mode (the
 * grid, after the prefix, the prompt, scrollback, help, logs).  See
 * mode.c.
 */
#ifndef SANDBOX_TUI_MODE_H
#define SANDBOX_TUI_MODE_H

#include <stddef.h>

#include "config/keys.h"
#include "tui/app.h"

void mode_key(struct app *, key_code);
void mode_paste(struct app *, const char *, size_t);
void mode_mouse(struct app *, int button, int pressed, int x, int y,
	    unsigned mods, int motion);
void mode_set(struct app *, enum app_mode);
void mode_sync_start(struct app *);

#endif
