/*
 * Remote docker commands as strings, and parsing of their output.  Every
 * value placed in a shell command goes through sh_quote(); names and agent
 * numbers are validated first.  Pure: running the commands is conn.h's job.
 */
#ifndef SANDBOX_TUI_DOCKER_H
#define SANDBOX_TUI_DOCKER_H

#include <stddef.h>

#define AGENT_MAX 99
#define AGENT_NAME_PREFIX "sandbox-agent-"
#define AGENT_LABEL "sandbox-tui.agent"

struct agent_info {
	int	 n;		/* from label sandbox-tui.agent */
	char	*name;		/* sandbox-agent-NN */
	char	*id;
	char	*image;
	char	*state;		/* running, exited, created, paused, restarting, dead */
	char	*status;	/* docker's text: "Up 3 minutes", "Exited (0) 2 hours ago" */
	char	*created;
	int	 exit_code;	/* from status when exited, else -1 */
};

/* Quotes s for a POSIX shell: 'a'\''b'. Caller frees. */
char *sh_quote(const char *s);

/* 1..AGENT_MAX, else -1 with *cause set. Accepts "3", "03", "sandbox-agent-03". */
int agent_parse_number(const char *s, char **cause);
/* "sandbox-agent-NN" into buf. */
const char *agent_name(int n, char *buf, size_t len);

/* The commands (caller frees). */
char *docker_cmd_ps(void);
/*
 * Printed between the replay and `docker attach`.  docker attach discards
 * input typed before it puts the terminal in raw mode, so a pane holds
 * keys until it has seen this (an OSC that terminals ignore).
 */
#define DOCKER_ATTACH_MARKER "\033]5379;sandbox-tui-attach\007"

/* The last `tail` lines of a container's output, stderr included. */
char *docker_cmd_logs(const char *name, int tail);
/* Replays the last `tail` lines of output, then attaches to the TTY. */
char *docker_cmd_attach(const char *name, int tail);

/*
 * Parses `docker ps --format '{{json .}}'` output (one JSON object a line),
 * keeps containers with a valid sandbox-tui.agent label, sorted by n.
 * Returns -1 with *cause (naming the line) on malformed input.
 */
int docker_parse_ps(const char *out, struct agent_info **agents, size_t *n,
	    char **cause);
void agent_info_free(struct agent_info *, size_t n);

#endif
