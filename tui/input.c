/*
 * Terminal input: the bytes the user's terminal sends, decoded into keys,
 * mouse events and pastes by input_decode.c.  We read fd 0 ourselves
 * instead of using curses' getch() so nothing blocks, paste and SGR mouse
 * reports arrive whole, and every key can be re-encoded by the focused
 * pane's terminal modes.
 * A lone ESC becomes the Escape key only after a short quiet time, since it
 * also starts every escape sequence; a paste whose end never comes ends
 * after a long one (the decoder says which).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "config/keys.h"
#include "config/xmalloc.h"
#include "gcp/loop.h"
#include "tui/app.h"
#include "tui/input.h"
#include "tui/input_decode.h"
#include "tui/mode.h"

#define INPUT_FD	0

/* input.c's own state, behind app->input. */
struct input {
	struct input_decoder	*decoder;
	/* Ends the quiet time: a lone ESC is Escape, a lost paste ends. */
	uint64_t		 esc_timer;
};

static void
input_key(key_code k, void *arg)
{
	mode_key(arg, k);
}

static void
input_mouse(int button, int pressed, int x, int y, unsigned mods,
    int motion, void *arg)
{
	mode_mouse(arg, button, pressed, x, y, mods, motion);
}

static void
input_paste(const char *buf, size_t len, void *arg)
{
	mode_paste(arg, buf, len);
}

static int
input_stopped(void *arg)
{
	struct app	*app = arg;

	return app->quit;
}

static const struct input_decode_cb input_cb = {
	input_key, input_mouse, input_paste, input_stopped
};

static void
input_esc_timeout(void *arg)
{
	struct app	*app = arg;

	app->input->esc_timer = 0;
	input_decoder_flush(app->input->decoder);
}

static void
input_readable(int fd, short revents, void *arg)
{
	struct app	*app = arg;
	struct input	*in = app->input;
	char		 buf[4096];
	ssize_t		 n;
	int		 wait = 0;

	(void)revents;
	for (;;) {
		n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			/* The terminal went away: agents keep running. */
			app_quit(app, 0);
			return;
		}
		loop_timer_cancel(app->loop, in->esc_timer);
		in->esc_timer = 0;
		wait = input_decoder_feed(in->decoder, buf, (size_t)n);
		if (app->quit || (size_t)n < sizeof buf / 2)
			break;
	}
	if (wait != 0 && !app->quit && in->esc_timer == 0)
		in->esc_timer = loop_timer_add(app->loop, wait,
		    input_esc_timeout, app);
}

void
input_init(struct app *app)
{
	int	fl = fcntl(INPUT_FD, F_GETFL);

	if (fl >= 0)
		fcntl(INPUT_FD, F_SETFL, fl | O_NONBLOCK);
	app->input = xcalloc(1, sizeof *app->input);
	app->input->decoder = input_decoder_new(&input_cb, app);
	/* Button, drag and SGR-encoded mouse reports; bracketed paste. */
	if (config_bool(app->cfg, "ui.mouse"))
		fputs("\033[?1000h\033[?1002h\033[?1006h", stdout);
	fputs("\033[?2004h", stdout);
	fflush(stdout);
	loop_fd_add(app->loop, INPUT_FD, POLLIN, input_readable, app);
}

void
input_end(struct app *app)
{
	int	fl = fcntl(INPUT_FD, F_GETFL);

	loop_fd_del(app->loop, INPUT_FD);
	if (app->input != NULL) {
		loop_timer_cancel(app->loop, app->input->esc_timer);
		input_decoder_free(app->input->decoder);
		free(app->input);
		app->input = NULL;
	}
	fputs("\033[?1006l\033[?1002l\033[?1000l\033[?2004l", stdout);
	fflush(stdout);
	if (fl >= 0)
		fcntl(INPUT_FD, F_SETFL, fl & ~O_NONBLOCK);
}
