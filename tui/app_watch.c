/*
 * The agent list kept current by dockerd's /events (see app_watch.h).
 * Each event line asks for a listing (app_list_agents folds a burst into
 * at most one more), so a container started or removed by someone else
 * shows within a round trip, and an idle program makes no request at all.
 * When the stream ends (the daemon restarted, the connection broke) it is
 * followed again after a pause that doubles up to WATCH_MAX_MS, with a
 * listing to catch what happened meanwhile; while it is down the grid
 * lists every APP_REFRESH_MS as before.
 */
#include <stdlib.h>
#include <string.h>

#include "gcp/conn.h"
#include "gcp/dapi.h"
#include "gcp/docker.h"
#include "gcp/loop.h"
#include "tui/app.h"
#include "tui/app_watch.h"

#define WATCH_MIN_MS	1000
#define WATCH_MAX_MS	30000

static void	app_watch_follow(struct app *);

static void
app_watch_data(const char *buf, size_t len, void *arg)
{
	struct app	*app = arg;

	/* The stream works: the next failure starts the backoff afresh. */
	app->watch_ms = 0;
	if (memchr(buf, '\n', len) != NULL)
		app_list_agents(app);
}

static void
app_watch_again(void *arg)
{
	struct app	*app = arg;

	app->watch_timer = 0;
	if (app->conn == NULL || conn_state(app->conn) != CONN_READY)
		return;
	app_watch_follow(app);
	app_list_agents(app);
}

static void
app_watch_end(const char *error, void *arg)
{
	struct app	*app = arg;

	(void)error;
	app->watch = NULL;
	if (app->quit || app->conn == NULL ||
	    conn_state(app->conn) != CONN_READY)
		return;
	app->watch_ms = app->watch_ms == 0 ? WATCH_MIN_MS :
	    app->watch_ms * 2 > WATCH_MAX_MS ? WATCH_MAX_MS :
	    app->watch_ms * 2;
	loop_timer_cancel(app->loop, app->watch_timer);
	app->watch_timer = loop_timer_add(app->loop, app->watch_ms,
	    app_watch_again, app);
	/* Until it is back, poll as before. */
	app_list_agents(app);
}

static void
app_watch_follow(struct app *app)
{
	char	*path;

	if (app->watch != NULL || app->dapi == NULL)
		return;
	path = docker_api_events_path();
	app->watch = dapi_stream(app->dapi, path, app_watch_data,
	    app_watch_end, app);
	free(path);
}

void
app_watch_start(struct app *app)
{
	if (app->watch != NULL || app->watch_timer != 0 || app->cli)
		return;
	app_watch_follow(app);
}

void
app_watch_stop(struct app *app)
{
	dapi_cancel(app->watch);
	app->watch = NULL;
	loop_timer_cancel(app->loop, app->watch_timer);
	app->watch_timer = 0;
	app->watch_ms = 0;
}

int
app_watch_active(struct app *app)
{
	return app->watch != NULL;
}
