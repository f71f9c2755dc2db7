/*
 * Terminal input: fd 0 read in the loop and decoded (input_decode.c)
 * into keys, mouse reports and pastes for mode.c.
 */
#ifndef SANDBOX_TUI_INPUT_H
#define SANDBOX_TUI_INPUT_H

struct app;

void input_init(struct app *);
void input_end(struct app *);

#endif
