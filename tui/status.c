/*
 * The status bar's words: target, connection state, agents running out of
 * total, the focused agent, the operation in progress and the last message;
 * on the right the mode, or how docker is reached.
 * Pure text; draw.c places it.
 */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/xmalloc.h"
#include "gcp/conn.h"
#include "gcp/dapi.h"
#include "gcp/loop.h"
#include "tui/app.h"
#include "tui/attention.h"
#include "tui/pane.h"
#include "tui/status.h"
#include "vt/vt.h"

/* " | vm create: booting | image build agent: step 3/9"; may be "". */
static char *
status_operations(struct app *app)
{
	char	*s = xstrdup(""), *t;
	size_t	 i;

	for (i = 0; i < APP_OP_N; i++) {
		if (app->operation[i] == NULL)
			continue;
		t = xasprintf("%s | %s", s, app->operation[i]);
		free(s);
		s = t;
	}
	return s;
}

static char *
status_conn(struct app *app)
{
	if (app->conn == NULL)
		return xstrdup(app->conn_error != NULL ? app->conn_error :
		    "not connected");
	switch (conn_state(app->conn)) {
	case CONN_IDLE:
		return xstrdup("idle");
	case CONN_CONNECTING:
		return xstrdup(app->was_ready ? "reconnecting" : "connecting");
	case CONN_HOSTKEY:
		return xstrdup("host key?");
	case CONN_AUTH:
		return xstrdup("authenticating");
	case CONN_READY:
		return xstrdup("connected");
	case CONN_FAILED:
		if (app->reconnect_timer != 0) {
			int64_t s = (app->reconnect_at - loop_now() + 999) /
			    1000;

			return xasprintf("reconnecting in %llds: %s",
			    (long long)(s < 0 ? 0 : s),
			    app->conn_error != NULL ? app->conn_error : "");
		}
		return xasprintf("failed: %s",
		    app->conn_error != NULL ? app->conn_error : "unknown");
	}
	return xstrdup("?");
}

/* Returns the left part (allocated) and sets *right to the right part. */
char *
status_text(struct app *app, char **right)
{
	struct pane	*p = app_focused(app);
	size_t		 i, running = 0, waiting;
	char		*conn, *s, *focus, *wbuf, *ops, prefix[32];

	for (i = 0; i < app->npanes; i++) {
		if (app->panes[i]->state != NULL &&
		    strcmp(app->panes[i]->state, "running") == 0)
			running++;
	}
	if (app->mode == MODE_SYNC) {
		size_t n = 0;

		for (i = 0; i < app->npanes; i++)
			n += app->panes[i]->link != PANE_DETACHED;
		*right = xstrdup("[SYNC] ");
		return xasprintf(" SYNC: typing to all %zu agent%s -- Enter "
		    "sends the line and ends, Esc cancels", n,
		    n == 1 ? "" : "s");
	}
	conn = status_conn(app);
	if (p != NULL)
		focus = xasprintf(" | focus %02d", p->n);
	else
		focus = xstrdup("");
	waiting = attention_waiting(app);
	if (waiting > 0)
		wbuf = xasprintf(" | %zu waiting", waiting);
	else
		wbuf = xstrdup("");
	ops = status_operations(app);
	s = xasprintf(" %s | %s | agents %zu/%zu%s%s%s%s%s",
	    app->conn != NULL ? conn_describe(app->conn) : "-", conn, running,
	    app->npanes, wbuf, focus, ops,
	    app->message != NULL ? " | " : "",
	    app->message != NULL ? app->message : "");
	free(conn);
	free(focus);
	free(wbuf);
	free(ops);

	*right = NULL;
	switch (app->mode) {
	case MODE_PREFIX:
		key_tostring(config_key(app->cfg, "keys.prefix"), prefix,
		    sizeof prefix);
		*right = xasprintf("[%s] ", prefix);
		break;
	case MODE_SCROLL:
		if (p != NULL)
			*right = xasprintf("[scroll %d/%d] ",
			    vt_scroll_offset(p->vt),
			    vt_scrollback_count(p->vt));
		break;
	case MODE_HELP:
		*right = xstrdup("[help] ");
		break;
	default:
		if (app->zoomed)
			*right = xstrdup("[zoom] ");
		else if (app->shape.pages > 1)
			*right = xasprintf("[page %d/%d] ", app->page + 1,
			    app->shape.pages);
		else if (app->dapi != NULL && dapi_version(app->dapi) != NULL)
			/* How docker is reached: issue 13 asks to say. */
			*right = xasprintf("docker API %s, %s ",
			    dapi_version(app->dapi),
			    dapi_transport(app->dapi) == DAPI_DIAL_STDIO ?
			    "dial-stdio" : "socket");
		break;
	}
	return s;
}
