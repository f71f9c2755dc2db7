/*
 * The decoder of what the user's terminal sends: bytes in, keys, mouse
 * reports and pastes out through callbacks.  Pure (no file descriptors, no
 * timers), so it is unit tested and fuzzed; tui/input.c reads the terminal
 * and runs the quiet-time timer that turns a lone ESC into the Escape key.
 * Memory is bounded: a sequence longer than the decoder holds is dropped,
 * and a paste is handed on in pieces of at most INPUT_PASTE_MAX bytes.
 */
#ifndef SANDBOX_TUI_INPUT_DECODE_H
#define SANDBOX_TUI_INPUT_DECODE_H

#include <stddef.h>

#include "config/keys.h"

#define INPUT_PASTE_MAX	(1024 * 1024)
/* Quiet times before input_decoder_flush(): a lone ESC is the Escape key
 * after a short one; a paste whose end marker never comes (a terminal that
 * lost it, or Alt-[ typed fast before "200~") ends after a long one. */
#define INPUT_ESC_MS	25
#define INPUT_PASTE_MS	1000

struct input_decode_cb {
	void	(*key)(key_code, void *arg);
	/* button as SGR reports it (bits: 0-1 button, 4 shift, 8 meta,
	 * 16 ctrl, 32 motion, 64 wheel); x, y from 0. */
	void	(*mouse)(int button, int pressed, int x, int y, unsigned mods,
		    int motion, void *arg);
	/* Pasted text, markers removed, in pieces of any UTF-8 cut. */
	void	(*paste)(const char *, size_t, void *arg);
	/* Nonzero to stop decoding (the program is quitting); optional. */
	int	(*stopped)(void *arg);
};

struct input_decoder;

struct input_decoder *input_decoder_new(const struct input_decode_cb *,
	    void *arg);
void input_decoder_free(struct input_decoder *);
/*
 * Decodes what it can of the bytes held and buf.  Returns the quiet time
 * in ms after which the caller should call input_decoder_flush() if no
 * more bytes come: INPUT_ESC_MS while bytes are held that may still be a
 * sequence cut short (a lone ESC, half a character), INPUT_PASTE_MS inside
 * a paste, 0 when nothing waits.
 */
int input_decoder_feed(struct input_decoder *, const char *buf, size_t len);
/* Takes whatever is held as it is: a lone ESC is the Escape key, and a
 * paste still open is delivered and ended. */
void input_decoder_flush(struct input_decoder *);

#endif
