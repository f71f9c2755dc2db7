/*
 * What a key, paste or mouse event means depends on the mode: typing into
 * the focused agent, the key after the prefix (a binding), the command
 * prompt, help, or scrolling back.  This file is that dispatch.
 */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/utf8.h"
#include "config/xmalloc.h"
#include "gcp/conn.h"
#include "tui/app.h"
#include "tui/cmd.h"
#include "tui/logs.h"
#include "tui/mode.h"
#include "tui/pane.h"
#include "tui/prompt.h"
#include "vt/vt.h"

void
mode_set(struct app *app, enum app_mode mode)
{
	struct pane	*p = app_focused(app);

	if (app->mode == MODE_SCROLL && mode != MODE_SCROLL && p != NULL)
		vt_scroll_reset(p->vt);
	if ((app->mode == MODE_HELP) != (mode == MODE_HELP))
		app->redraw_all = 1;
	app->mode = mode;
	app->status_dirty = 1;
	if (p != NULL)
		p->dirty_border = 1;
}

static void
mode_run_binding(struct app *app, key_code k)
{
	const char	*command = config_binding_find(app->cfg, k);
	char		*cause = NULL, name[32];

	mode_set(app, MODE_GRID);
	if (command == NULL) {
		if (k == config_key(app->cfg, "keys.prefix")) {
			struct pane *p = app_focused(app);

			if (p != NULL)
				vt_key(p->vt, k);
			return;
		}
		if (k == KEYC_ESCAPE)
			return;
		app_message(app, 1, "no binding for %s (prefix ? lists them)",
		    key_tostring(k, name, sizeof name));
		return;
	}
	if (cmd_run(app, command, &cause) != 0) {
		app_message(app, 1, "%s", cause);
		free(cause);
	}
}

static void
mode_scroll_key(struct app *app, key_code k)
{
	struct pane	*p = app_focused(app);
	int		 page;

	if (p == NULL) {
		mode_set(app, MODE_GRID);
		return;
	}
	page = vt_rows(p->vt) > 2 ? vt_rows(p->vt) - 1 : 1;
	switch (k) {
	case KEYC_PPAGE:
	case KEYC_CTRL | 'b':
		vt_scroll(p->vt, page);
		break;
	case KEYC_NPAGE:
	case KEYC_CTRL | 'f':
		vt_scroll(p->vt, -page);
		break;
	case KEYC_UP:
	case 'k':
		vt_scroll(p->vt, 1);
		break;
	case KEYC_DOWN:
	case 'j':
		vt_scroll(p->vt, -1);
		break;
	case 'g':
	case KEYC_HOME:
		vt_scroll(p->vt, vt_scrollback_count(p->vt));
		break;
	case 'G':
	case KEYC_END:
		vt_scroll_reset(p->vt);
		break;
	case 'q':
	case KEYC_ESCAPE:
	case KEYC_CTRL | 'c':
		mode_set(app, MODE_GRID);
		break;
	}
	app->status_dirty = 1;
}

static void
mode_help_key(struct app *app, key_code k)
{
	int	page = app->lines > 3 ? app->lines - 2 : 1;

	switch (k) {
	case KEYC_UP:
	case 'k':
		app->help_offset--;
		break;
	case KEYC_DOWN:
	case 'j':
		app->help_offset++;
		break;
	case KEYC_PPAGE:
		app->help_offset -= page;
		break;
	case KEYC_NPAGE:
	case ' ':
		app->help_offset += page;
		break;
	default:
		mode_set(app, MODE_GRID);
		return;
	}
	app->redraw_all = 1;
}

/* Panes that take input: running and attached (or attaching). */
static size_t
mode_sync_targets(struct app *app)
{
	size_t	i, n = 0;

	for (i = 0; i < app->npanes; i++) {
		if (app->panes[i]->link != PANE_DETACHED)
			n++;
	}
	return n;
}

/*
 * Synchronized input: every key goes to every agent until Enter (sent too)
 * ends it; the prefix key or Escape ends it without sending anything more.
 */
static void
mode_sync_key(struct app *app, key_code k)
{
	size_t	i, n = mode_sync_targets(app);

	if (k == config_key(app->cfg, "keys.prefix") || k == KEYC_ESCAPE) {
		mode_set(app, MODE_GRID);
		app_message(app, 0, "synchronized input cancelled");
		return;
	}
	for (i = 0; i < app->npanes; i++) {
		struct pane *p = app->panes[i];

		if (p->link == PANE_DETACHED)
			continue;
		if (vt_scroll_offset(p->vt) != 0)
			vt_scroll_reset(p->vt);
		vt_key(p->vt, k);
	}
	if (k == KEYC_ENTER || k == KEYC_KP_ENTER) {
		mode_set(app, MODE_GRID);
		app_message(app, 0, "line sent to %zu agent%s", n,
		    n == 1 ? "" : "s");
	}
	app->status_dirty = 1;
}

void
mode_sync_start(struct app *app)
{
	mode_set(app, MODE_SYNC);
	app->status_dirty = 1;
}

void
mode_key(struct app *app, key_code k)
{
	struct pane	*p;

	switch (app->mode) {
	case MODE_PROMPT:
	case MODE_HOSTKEY:
		prompt_key(app, k);
		return;
	case MODE_HELP:
		mode_help_key(app, k);
		return;
	case MODE_SCROLL:
		mode_scroll_key(app, k);
		return;
	case MODE_PREFIX:
		mode_run_binding(app, k);
		return;
	case MODE_LOGS:
		logs_key(app, k);
		return;
	case MODE_SYNC:
		mode_sync_key(app, k);
		return;
	case MODE_GRID:
		break;
	}
	if (k == config_key(app->cfg, "keys.prefix")) {
		mode_set(app, MODE_PREFIX);
		return;
	}
	if ((p = app_focused(app)) == NULL)
		return;
	if (vt_scroll_offset(p->vt) != 0)
		vt_scroll_reset(p->vt);
	vt_key(p->vt, k);
}

/*
 * Text pasted into the prompt goes in as the characters it holds (UTF-8
 * decoded, as typed ones are); controls and bad bytes are left out.
 */
static void
mode_paste_prompt(struct app *app, const char *buf, size_t len)
{
	uint32_t	cp;
	size_t		n;

	while (len != 0) {
		n = utf8_decode(buf, len, &cp);
		if (n == 0)
			break;	/* cut short at the end of the paste */
		if (cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp <= 0x9f) &&
		    cp != UTF8_REPLACEMENT)
			prompt_key(app, cp);
		buf += n;
		len -= n;
	}
}

void
mode_paste(struct app *app, const char *buf, size_t len)
{
	struct pane	*p;

	if (app->mode == MODE_PROMPT || app->mode == MODE_HOSTKEY) {
		mode_paste_prompt(app, buf, len);
		return;
	}
	if (app->mode == MODE_SYNC) {
		size_t i;

		for (i = 0; i < app->npanes; i++) {
			if (app->panes[i]->link != PANE_DETACHED)
				vt_paste(app->panes[i]->vt, buf, len);
		}
		return;
	}
	if (app->mode != MODE_GRID || (p = app_focused(app)) == NULL)
		return;
	vt_paste(p->vt, buf, len);
}

static int
mode_pane_at(struct app *app, int x, int y)
{
	size_t	i;

	for (i = 0; i < app->npanes; i++) {
		struct pane *p = app->panes[i];

		if (p->visible && x >= p->rect.x && x < p->rect.x + p->rect.w &&
		    y >= p->rect.y && y < p->rect.y + p->rect.h)
			return (int)i;
	}
	return -1;
}

void
mode_mouse(struct app *app, int button, int pressed, int x, int y,
    unsigned mods, int motion)
{
	int		 i = mode_pane_at(app, x, y), wheel, b;
	struct pane	*p;

	if (app->mode != MODE_GRID && app->mode != MODE_SCROLL)
		return;
	if (i < 0)
		return;
	p = app->panes[i];
	b = button & ~(4 | 8 | 16 | 32);
	wheel = (b & 64) != 0;
	if (!motion && pressed && !wheel && i != app->focus) {
		app_set_focus(app, i);
		return;
	}
	if (vt_mouse_wanted(p->vt) && y > p->rect.y) {
		int vb = wheel ? ((b & 1) ? 5 : 4) : (b & 3) + 1;

		if (!wheel && (b & 3) == 3)
			vb = 0;
		vt_mouse(p->vt, y - p->rect.y - 1, x - p->rect.x, vb, pressed,
		    mods);
		return;
	}
	if (wheel && pressed) {
		if (i != app->focus)
			app_set_focus(app, i);
		vt_scroll(p->vt, (b & 1) ? -3 : 3);
		if (vt_scroll_offset(p->vt) > 0 && app->mode == MODE_GRID)
			mode_set(app, MODE_SCROLL);
		else if (vt_scroll_offset(p->vt) == 0 &&
		    app->mode == MODE_SCROLL)
			mode_set(app, MODE_GRID);
		app->status_dirty = 1;
	}
}
