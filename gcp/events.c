/*
 * Waiting for input, as Claude Code says it.  The shipped settings run a
 * Notification hook (a permission prompt, an idle prompt, an MCP question)
 * and a Stop hook (the turn ended) that each append one line,
 * "TIME NN waiting" or "TIME NN done", to /run/sandbox-tui/events in the
 * container: WS/.sandbox-tui/agent-NN/events on the target (see
 * docker_cmd_run).  The same hooks still print an OSC 777 notification to
 * the terminal (pane.c), but a hook that Claude Code runs without a
 * controlling terminal cannot, so the file is what counts.
 *
 * One stream channel follows the files of every listed agent with
 * `tail -q -n 1 -F`, and each fresh line is handed to the caller, which
 * marks its agent's pane as it does for the OSC (tui/attention.c): waiting
 * until the user types into it.  The caller restarts the follower when the
 * set of agents changes (after each `docker ps`) and when a connection
 * becomes ready, and stops it when the connection goes.  Nothing here wakes the loop but bytes on that channel.
 *
 * A restart must neither lose an event written meanwhile nor repeat an old
 * one, so each follower replays the last line of every file and the
 * freshness rule (events_seen_take) sorts them by the target's clock: the
 * follower's first line is the target's time, and events before the first
 * follower started never count.
 *
 * If the follower cannot run (no tail, or a tail without -F such as a
 * minimal busybox), one message says so and nothing is retried until the
 * next connection: waiting marks then come from the OSC and the screen.
 *
 * The agent writes these lines, so they are untrusted: a line is taken only
 * in its exact form, lines are bounded, and the worst an agent can do is
 * mark a pane (its own or, by writing another number, another one) as
 * waiting.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/echo.h"
#include "config/shquote.h"
#include "config/xmalloc.h"
#include "gcp/conn.h"
#include "gcp/docker.h"
#include "gcp/loop.h"
#include "gcp/agents.h"
#include "gcp/events.h"

/* The longest complaint of tail's kept for the failure message. */
#define EVENTS_DIAG_MAX	120

/*
 * followed[] is the set of agents the current follower was started for
 * (following), failed means given up until the next connection, files is
 * what the start line said (-1 before it), started that the start line or
 * an event was read.
 */
struct events {
	struct events_cb	 cb;
	void			*arg;
	struct conn		*conn;		/* of the follower, while it runs */
	struct chan		*chan;
	unsigned char		 followed[AGENT_MAX + 1];
	int			 following;
	int			 failed;
	int			 files;
	int			 started;
	int64_t			 start_time;	/* the target's, at START */
	int64_t			 start_ms;	/* loop_now() then */
	struct events_split	 split;
	struct events_seen	 seen;
	char			 diag[ECHO_SIZE(EVENTS_DIAG_MAX)];
};

/* Reads 1..max digits at *p into *v; 0 if there are none or too many. */
static int
events_digits(const char **p, const char *end, size_t max, int64_t *v)
{
	const char	*s = *p;

	*v = 0;
	while (*p < end && **p >= '0' && **p <= '9' &&
	    (size_t)(*p - s) < max) {
		*v = *v * 10 + (**p - '0');
		(*p)++;
	}
	if (*p == s || (*p < end && **p >= '0' && **p <= '9'))
		return 0;
	return 1;
}

/* Whether the word w is next at *p; steps over it. */
static int
events_word(const char **p, const char *end, const char *w)
{
	size_t	len = strlen(w);

	if ((size_t)(end - *p) < len || memcmp(*p, w, len) != 0)
		return 0;
	*p += len;
	return 1;
}

enum events_kind
events_parse(const char *line, size_t len, struct events_line *l)
{
	const char	*p = line, *end = line + len;
	int64_t		 v;

	memset(l, 0, sizeof *l);
	if (len > 0 && end[-1] == '\r')
		end--;
	if (events_word(&p, end, EVENTS_START_WORD " ")) {
		if (!events_digits(&p, end, 18, &l->time) || l->time <= 0 ||
		    !events_word(&p, end, " ") ||
		    !events_digits(&p, end, 3, &v) || p != end)
			goto bad;
		l->files = (int)v;
		return (l->kind = EVENTS_START);
	}
	if (!events_digits(&p, end, 18, &l->time) || l->time <= 0 ||
	    !events_word(&p, end, " ") || !events_digits(&p, end, 3, &v) ||
	    v < 1 || v > AGENT_MAX || !events_word(&p, end, " "))
		goto bad;
	l->agent = (int)v;
	if (events_word(&p, end, "waiting"))
		l->kind = EVENTS_WAITING;
	else if (events_word(&p, end, "done"))
		l->kind = EVENTS_DONE;
	/* Room for more words after the event, for later versions. */
	if (l->kind != EVENTS_NONE && (p == end || *p == ' '))
		return l->kind;
bad:
	memset(l, 0, sizeof *l);
	return EVENTS_NONE;
}

void
events_split(struct events_split *s, const char *buf, size_t len,
    events_line_cb cb, void *arg)
{
	const char	*nl;
	size_t		 n;

	while (len > 0) {
		nl = memchr(buf, '\n', len);
		n = nl != NULL ? (size_t)(nl - buf) : len;
		if (!s->overlong && s->len + n <= sizeof s->buf) {
			memcpy(s->buf + s->len, buf, n);
			s->len += n;
		} else {
			s->overlong = 1;
			s->len = 0;
		}
		if (nl == NULL)
			return;
		if (!s->overlong)
			cb(s->buf, s->len, arg);
		s->len = 0;
		s->overlong = 0;
		buf += n + 1;
		len -= n + 1;
	}
}

void
events_seen_restart(struct events_seen *s)
{
	memset(s->live, 0, sizeof s->live);
}

int
events_seen_take(struct events_seen *s, const struct events_line *l)
{
	int64_t	*last;
	int	 fresh;

	if (l->kind == EVENTS_START) {
		if (s->since == 0)
			s->since = l->time;
		return 0;
	}
	if ((l->kind != EVENTS_WAITING && l->kind != EVENTS_DONE) ||
	    l->agent < 1 || l->agent > AGENT_MAX || s->since == 0)
		return 0;
	if (s->now != 0 && l->time > s->now + EVENTS_FUTURE_SLACK)
		return 0;
	last = &s->last[l->agent];
	fresh = l->time >= s->since && (l->time > *last ||
	    (s->live[l->agent] && l->time == *last));
	if (l->time > *last)
		*last = l->time;
	s->live[l->agent] = 1;
	return fresh;
}

char *
events_command(const char *workspace_dir, const int *agents, size_t n)
{
	char	*list = xstrdup(""), *path, *q, *next, *cmd;
	size_t	 len = strlen(workspace_dir), i;

	/* The directory as docker_cmd_run names it: no trailing slash. */
	while (len > 0 && workspace_dir[len - 1] == '/')
		len--;
	for (i = 0; i < n; i++) {
		path = xasprintf("%.*s/%s/agent-%02d/events", (int)len,
		    workspace_dir, AGENTS_STATE_DIR, agents[i]);
		q = sh_quote(path);
		next = xasprintf("%s %s", list, q);
		free(q);
		free(path);
		free(list);
		list = next;
	}
	/*
	 * Agents made before this existed have no file: following a missing
	 * file would make GNU tail poll for it.  exec, so that closing the
	 * channel ends tail (SIGPIPE, or SIGHUP for the local target), and
	 * 2>&1 so its complaints stay in order with the lines.
	 */
	cmd = xasprintf("set --; for f in%s; do [ -f \"$f\" ] && "
	    "set -- \"$@\" \"$f\"; done; printf '%s %%s %%s\\n' "
	    "\"$(date +%%s)\" \"$#\"; [ \"$#\" -gt 0 ] || exit 0; "
	    "exec tail -q -n 1 -F -- \"$@\" 2>&1", list, EVENTS_START_WORD);
	free(list);
	return cmd;
}

/* Keeps a line that is not an event, echoed, for the failure message. */
static void
events_diag(struct events *e, const char *line, size_t len)
{
	char	*echo = echo_textn(line, len, EVENTS_DIAG_MAX);

	snprintf(e->diag, sizeof e->diag, "%s", echo);
	free(echo);
}

static void
events_line(const char *line, size_t len, void *arg)
{
	struct events		*e = arg;
	struct events_line	 l;

	switch (events_parse(line, len, &l)) {
	case EVENTS_NONE:
		if (len > 0)
			events_diag(e, line, len);
		return;
	case EVENTS_START:
		/* Only the follower's own first line; an agent's is noise. */
		if (!e->started) {
			e->started = 1;
			e->files = l.files;
			e->start_time = l.time;
			e->start_ms = loop_now();
			events_seen_take(&e->seen, &l);
		}
		return;
	default:
		break;
	}
	e->started = 1;
	e->seen.now = e->start_time != 0 ? e->start_time +
	    (loop_now() - e->start_ms) / 1000 : 0;
	if (!events_seen_take(&e->seen, &l))
		return;
	e->cb.event(l.agent, l.kind, e->arg);
}

static void
events_chan_data(struct chan *c, const char *buf, size_t len, void *arg)
{
	struct events	*e = arg;

	if (c != e->chan)
		return;
	events_split(&e->split, buf, len, events_line, e);
}

static void
events_chan_closed(struct chan *c, int status, const char *reason, void *arg)
{
	struct events	*e = arg;
	char		*msg;

	if (c != e->chan)
		return;
	e->chan = NULL;
	if (e->conn == NULL || conn_state(e->conn) != CONN_READY) {
		/* Lost with the connection: the next one starts again. */
		e->following = 0;
		return;
	}
	/* None of the agents has a file (all made by an older version). */
	if (status == 0 && e->files == 0)
		return;
	e->failed = 1;
	msg = xasprintf("agent events: tail -F on %s: %s%s%s; waiting "
	    "marks come from the agents' terminals only",
	    conn_describe(e->conn), reason != NULL ? reason : "ended",
	    e->diag[0] != '\0' ? ": " : "", e->diag);
	e->cb.failed(msg, e->arg);
	free(msg);
}

static void
events_close(struct events *e)
{
	if (e->chan != NULL)
		chan_close(e->chan);
	e->chan = NULL;
}

struct events *
events_new(const struct events_cb *cb, void *arg)
{
	struct events	*e = xcalloc(1, sizeof *e);

	e->cb = *cb;
	e->arg = arg;
	return e;
}

void
events_follow(struct events *e, struct conn *conn, const char *workspace_dir,
    const unsigned char want[AGENT_MAX + 1])
{
	static const struct chan_callbacks cbs = { .data = events_chan_data,
	    .closed = events_chan_closed };
	int		 list[AGENT_MAX];
	size_t		 i, n = 0;
	char		*cmd;

	if (conn == NULL || conn_state(conn) != CONN_READY)
		return;
	if (e->conn != conn) {
		events_stop(e);
		e->conn = conn;
	}
	if (e->failed)
		return;
	if (e->following && memcmp(want, e->followed, sizeof e->followed) == 0)
		return;

	events_close(e);
	memcpy(e->followed, want, sizeof e->followed);
	e->following = 1;
	for (i = 1; i <= AGENT_MAX; i++) {
		if (want[i])
			list[n++] = (int)i;
	}
	if (n == 0)
		return;
	memset(&e->split, 0, sizeof e->split);
	e->files = -1;
	e->started = 0;
	e->diag[0] = '\0';
	events_seen_restart(&e->seen);
	cmd = events_command(workspace_dir, list, n);
	e->chan = conn_open_stream(conn, cmd, &cbs, e);
	free(cmd);
}

void
events_stop(struct events *e)
{
	if (e == NULL)
		return;
	events_close(e);
	e->conn = NULL;
	e->following = 0;
	e->failed = 0;
}

void
events_free(struct events *e)
{
	if (e == NULL)
		return;
	events_close(e);
	free(e);
}
