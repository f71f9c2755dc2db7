/*
 * Agents that need the user: waiting for input (the screen has been still
 * for agents.idle_seconds and its bottom lines look like a prompt) and the
 * bell, with notify.command run when one starts.  See attention.c.
 */
#ifndef SANDBOX_TUI_ATTENTION_H
#define SANDBOX_TUI_ATTENTION_H

#include <regex.h>
#include <stddef.h>

struct app;
struct pane;
struct vt;

/* How many non-blank bottom lines the patterns are tried on. */
#define ATTENTION_LINES	6

/*
 * Whether the live screen looks like it waits for input: one of its last
 * ATTENTION_LINES non-blank rows matches wait and none matches busy (NULL
 * matches nothing).
 */
int attention_screen(struct vt *, const regex_t *wait, const regex_t *busy);

/* Every chunk of output from the pane's agent. */
void attention_output(struct app *, struct pane *);
/* The pane's channel is gone or the pane is being freed. */
void attention_stop(struct app *, struct pane *);
/* Claude Code's hooks said it waits or is done (its events file, or an
 * OSC 777 on its terminal): waiting, until the user types into it. */
void attention_told(struct app *, struct pane *, const char *body);
/* The user sent input to the pane. */
void attention_input(struct app *, struct pane *);
/* The bell rang in a pane. */
void attention_bell(struct app *, struct pane *);
size_t attention_waiting(struct app *);
/*
 * Follows Claude Code's hook events (gcp/events.h) for the listed agents:
 * after each listing and when a connection becomes ready.
 */
void attention_follow(struct app *);
void attention_free(struct app *);

#endif
