/*
 * The one-line prompt in the status bar: the `:` command line, and
 * questions such as whether to trust a host key.  A small line editor
 * (insert, delete, move, kill line) over a UTF-8 buffer.
 */
#include <stdlib.h>
#include <string.h>

#include "config/utf8.h"
#include "config/xmalloc.h"
#include "tui/app.h"
#include "tui/cmd.h"
#include "tui/mode.h"
#include "tui/prompt.h"

struct prompt {
	char	*buf;
	size_t	 len, cap;
	size_t	 cursor;		/* byte offset */
	char	*label;
	/* What to do with the line (NULL when cancelled); no done runs it
	 * as a command. */
	void	(*done)(struct app *, const char *line);
	enum app_mode back;		/* mode to return to */
};

void
prompt_open(struct app *app, const char *label, const char *initial,
    void (*done)(struct app *, const char *))
{
	struct prompt	*pr;

	if (app->prompt == NULL)
		app->prompt = xcalloc(1, sizeof *app->prompt);
	pr = app->prompt;
	free(pr->label);
	pr->label = xstrdup(label);
	pr->len = 0;
	pr->cursor = 0;
	if (pr->cap < strlen(initial) + 1) {
		pr->cap = strlen(initial) + 64;
		pr->buf = xrealloc(pr->buf, pr->cap);
	}
	memcpy(pr->buf, initial, strlen(initial));
	pr->len = pr->cursor = strlen(initial);
	pr->done = done;
	/* A prompt opened over the logs view goes back to it. */
	if (app->mode != MODE_PROMPT && app->mode != MODE_HOSTKEY)
		pr->back = app->mode == MODE_LOGS ? MODE_LOGS : MODE_GRID;
	mode_set(app, MODE_PROMPT);
}

void
prompt_free(struct app *app)
{
	struct prompt	*pr = app->prompt;

	if (pr == NULL)
		return;
	free(pr->buf);
	free(pr->label);
	free(pr);
	app->prompt = NULL;
}

char *
prompt_line(struct app *app)
{
	struct prompt	*pr = app->prompt;

	if (pr == NULL)
		return xstrdup("");
	return xasprintf("%s%.*s", pr->label, (int)pr->len, pr->buf);
}

int
prompt_cursor(struct app *app)
{
	struct prompt	*pr = app->prompt;

	if (pr == NULL)
		return 0;
	return (int)strlen(pr->label) + (int)pr->cursor;
}

int
prompt_over_logs(struct app *app)
{
	return app->prompt != NULL && app->prompt->back == MODE_LOGS;
}

int
prompt_drop(struct app *app, void (*done)(struct app *, const char *))
{
	if (app->prompt == NULL || app->prompt->done != done)
		return 0;
	app->prompt->done = NULL;
	return 1;
}

/* The longest line the prompt takes: a huge paste is cut there. */
#define PROMPT_MAX	65536

static void
prompt_insert(struct prompt *pr, key_code k)
{
	char	u[4];
	size_t	n = utf8_encode(k, u);

	if (pr->len + n > PROMPT_MAX)
		return;
	if (pr->len + n + 1 > pr->cap) {
		pr->cap = (pr->len + n + 1) * 2;
		pr->buf = xrealloc(pr->buf, pr->cap);
	}
	memmove(pr->buf + pr->cursor + n, pr->buf + pr->cursor,
	    pr->len - pr->cursor);
	memcpy(pr->buf + pr->cursor, u, n);
	pr->len += n;
	pr->cursor += n;
}

/* Steps over a whole UTF-8 character (back: utf8_prev). */
static size_t
prompt_next(struct prompt *pr, size_t at)
{
	uint32_t	cp;
	size_t		n;

	if (at >= pr->len)
		return pr->len;
	n = utf8_decode(pr->buf + at, pr->len - at, &cp);
	return n == 0 ? pr->len : at + n;
}

static void
prompt_finish(struct app *app, int accept)
{
	struct prompt	*pr = app->prompt;
	char		*line = accept ? xstrndup(pr->buf != NULL ? pr->buf :
	    "", pr->len) : NULL;
	void		(*done)(struct app *, const char *) = pr->done;
	char		*cause = NULL;

	pr->done = NULL;
	mode_set(app, pr->back == MODE_LOGS && app->logs != NULL ?
	    MODE_LOGS : MODE_GRID);
	if (done != NULL)
		done(app, line);
	else if (accept && cmd_run(app, line, &cause) != 0) {
		app_message(app, 1, "%s", cause);
		free(cause);
	}
	free(line);
}

void
prompt_key(struct app *app, key_code k)
{
	struct prompt	*pr = app->prompt;
	size_t		 at;

	app->status_dirty = 1;
	switch (k) {
	case KEYC_ENTER:
	case KEYC_KP_ENTER:
		prompt_finish(app, 1);
		return;
	case KEYC_ESCAPE:
	case KEYC_CTRL | 'c':
	case KEYC_CTRL | 'g':
		prompt_finish(app, 0);
		return;
	case KEYC_BSPACE:
	case KEYC_CTRL | 'h':
		if (pr->cursor == 0)
			return;
		at = utf8_prev(pr->buf, pr->cursor);
		memmove(pr->buf + at, pr->buf + pr->cursor,
		    pr->len - pr->cursor);
		pr->len -= pr->cursor - at;
		pr->cursor = at;
		return;
	case KEYC_DC:
	case KEYC_CTRL | 'd':
		if (pr->cursor == pr->len)
			return;
		at = prompt_next(pr, pr->cursor);
		memmove(pr->buf + pr->cursor, pr->buf + at, pr->len - at);
		pr->len -= at - pr->cursor;
		return;
	case KEYC_LEFT:
	case KEYC_CTRL | 'b':
		pr->cursor = utf8_prev(pr->buf, pr->cursor);
		return;
	case KEYC_RIGHT:
	case KEYC_CTRL | 'f':
		pr->cursor = prompt_next(pr, pr->cursor);
		return;
	case KEYC_HOME:
	case KEYC_CTRL | 'a':
		pr->cursor = 0;
		return;
	case KEYC_END:
	case KEYC_CTRL | 'e':
		pr->cursor = pr->len;
		return;
	case KEYC_CTRL | 'u':
		memmove(pr->buf, pr->buf + pr->cursor, pr->len - pr->cursor);
		pr->len -= pr->cursor;
		pr->cursor = 0;
		return;
	case KEYC_CTRL | 'k':
		pr->len = pr->cursor;
		return;
	}
	if ((k & KEYC_MASK_MODS) == 0 && k >= 0x20 && k < KEYC_SPECIAL &&
	    k != 0x7f)
		prompt_insert(pr, k);
}
