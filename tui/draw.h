/*
 * The only code that draws: one screen update per frame from the state
 * the handlers marked dirty.  See draw.c.
 */
#ifndef SANDBOX_TUI_DRAW_H
#define SANDBOX_TUI_DRAW_H

struct app;

void draw_init(struct app *);
void draw_end(struct app *);
void draw_frame(struct app *);
void draw_request(struct app *);
int draw_prepare(void *);

#endif
