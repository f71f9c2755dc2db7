/*
 * Keeping the agent list current without polling: dockerd's event stream,
 * filtered to our label, asks for a new listing whenever a container is
 * created, started, stopped or removed, by us or by anyone.  See
 * app_watch.c.
 */
#ifndef SANDBOX_TUI_APP_WATCH_H
#define SANDBOX_TUI_APP_WATCH_H

struct app;

/* After a listing: follow the events, unless already. */
void app_watch_start(struct app *);
/* The connection went: stop, and forget the backoff. */
void app_watch_stop(struct app *);
/* Whether the list is being kept current (no polling needed). */
int app_watch_active(struct app *);

#endif
