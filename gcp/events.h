/*
 * Claude Code's own word on when an agent waits: its Notification and Stop
 * hooks (config/claude-settings.json) append "TIME NN waiting|done" to the
 * agent's events file, which events.c follows on the target over one
 * stream channel.  The line parsing, the splitting of a byte stream into
 * lines and the freshness rule are pure, for the unit tests.
 */
#ifndef SANDBOX_TUI_EVENTS_H
#define SANDBOX_TUI_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "gcp/docker.h"

struct conn;

/* The longest line taken; a longer one is dropped whole. */
#define EVENTS_LINE_MAX	256
/* What the follower prints first: "sandbox-tui-events TIME FILES". */
#define EVENTS_START_WORD	"sandbox-tui-events"

enum events_kind {
	EVENTS_NONE,	/* anything else: tail's complaints, garbage */
	EVENTS_START,	/* the follower started, at time, on files */
	EVENTS_WAITING,	/* Notification: a question, a permission */
	EVENTS_DONE,	/* Stop: the turn ended */
};

/* time is in seconds since the epoch, by the target's clock. */
struct events_line {
	enum events_kind kind;
	int64_t		 time;
	int		 agent;	/* 1..AGENT_MAX; 0 for START */
	int		 files;	/* START: how many files are followed */
};

/* Reads one line (no newline; a trailing CR is allowed). */
enum events_kind events_parse(const char *line, size_t len,
	    struct events_line *);

/* Splits a stream into lines, keeping at most EVENTS_LINE_MAX bytes. */
struct events_split {
	char	 buf[EVENTS_LINE_MAX];
	size_t	 len;
	int	 overlong;	/* the rest of a too-long line is dropped */
};
typedef void (*events_line_cb)(const char *line, size_t len, void *arg);
/* Calls cb for every line completed by buf; a partial one waits. */
void events_split(struct events_split *, const char *buf, size_t len,
	    events_line_cb cb, void *arg);

/*
 * Which events are news.  Events older than the first follower's start
 * (since) never count.  Each follower replays the last line of every file
 * (tail -n 1) so that an event written while no follower ran (a restart,
 * a lost connection) still counts; the first line of an agent in a run is
 * then news only if newer than the last one seen (last[]), later lines
 * (live) also in the same second.
 */
struct events_seen {
	int64_t		 since;	/* 0: no follower has started yet */
	int64_t		 last[AGENT_MAX + 1];
	unsigned char	 live[AGENT_MAX + 1];	/* seen in this run */
	/*
	 * The target's time now, as the caller reckons it (0: unknown).  A
	 * line from later than that (plus a little) is refused: the agents
	 * write these lines, and one far in the future would otherwise make
	 * every real event of its agent look old for the rest of the run.
	 */
	int64_t		 now;
};
#define EVENTS_FUTURE_SLACK	5	/* seconds */
/* A new follower starts: every agent's next line may be a replay. */
void events_seen_restart(struct events_seen *);
/* Records l; 1 if it is an event that should mark its agent. */
int events_seen_take(struct events_seen *, const struct events_line *);

/*
 * The command that follows the events files of agents[0..n) under
 * workspace_dir (those that exist), printing the start line first and
 * tail's complaints among the lines.  Caller frees.
 */
char *events_command(const char *workspace_dir, const int *agents,
	    size_t n);

/*
 * The follower: one stream channel on a connection.  event() gets every
 * fresh EVENTS_WAITING or EVENTS_DONE line; failed() gets the one message
 * when the follower cannot run, after which it stays quiet until
 * events_stop (the next connection).
 */
struct events_cb {
	void	(*event)(int agent, enum events_kind, void *arg);
	void	(*failed)(const char *message, void *arg);
};
struct events;

struct events *events_new(const struct events_cb *, void *arg);
/*
 * Follows the files of the agents marked in want[1..AGENT_MAX] under
 * workspace_dir; restarts only when that set or the connection changed.
 * Does nothing unless conn is ready.
 */
void events_follow(struct events *, struct conn *, const char *workspace_dir,
	    const unsigned char want[AGENT_MAX + 1]);
/* The connection went: stop; the next events_follow starts again. */
void events_stop(struct events *);
void events_free(struct events *);

#endif
