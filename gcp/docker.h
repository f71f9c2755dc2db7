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

/* 1..AGENT_MAX, else -1 with *cause set. Accepts "3", "03", "sandbox-agent-03". */
int agent_parse_number(const char *s, char **cause);
/* "sandbox-agent-NN" into buf. */
const char *agent_name(int n, char *buf, size_t len);

/* The commands (caller frees). */
char *docker_cmd_ps(void);
/* The Engine API's path for the same list (gcp/dapi.h; caller frees). */
char *docker_api_ps_path(void);
/* The events that change that list, as a stream (caller frees). */
char *docker_api_events_path(void);
/*
 * Printed between the replay and `docker attach`.  docker attach discards
 * input typed before it puts the terminal in raw mode, so a pane holds
 * keys until it has seen this (an OSC that terminals ignore).
 */
#define DOCKER_ATTACH_MARKER "\033]5379;sandbox-tui-attach\007"

/* The last `tail` lines of a container's output, stderr included. */
char *docker_cmd_logs(const char *name, int tail);
/*
 * `docker logs [--follow] [--timestamps] --tail N|all [--since S] NAME`;
 * tail < 0 is all, since may be NULL.  Output is the container's stdout on
 * stdout and its stderr on stderr (a TTY container has only stdout).
 */
char *docker_cmd_logs_stream(const char *name, int follow, int tail,
	    const char *since, int timestamps);
/* Replays the last `tail` lines of output, then attaches to the TTY. */
char *docker_cmd_attach(const char *name, int tail);

/*
 * Parses `docker ps --format '{{json .}}'` output (one JSON object a line),
 * keeps containers with a valid sandbox-tui.agent label, sorted by n.
 * Returns -1 with *cause (naming the line) on malformed input.
 */
int docker_parse_ps(const char *out, struct agent_info **agents, size_t *n,
	    char **cause);
/*
 * The same from the Engine API's GET /containers/json (a JSON array):
 * agents only, sorted by number.
 */
int docker_parse_containers(const char *body, size_t len,
	    struct agent_info **, size_t *n, char **cause);
void agent_info_free(struct agent_info *, size_t n);

/*
 * Managing agent containers (gcp/docker_run.c).  Every function returns a
 * new string the caller frees, or NULL with *cause set (cause may be NULL).
 */

/* Where the Claude Code settings file is mounted in an agent container. */
#define AGENT_SETTINGS_PATH "/etc/claude-code/managed-settings.json"
/*
 * The program's files on the target live in WORKSPACE_DIR/AGENT_STATE_DIR;
 * each agent's events file (its hooks append to it) is
 * AGENT_STATE_DIR/agent-NN/events there, mounted at AGENT_EVENTS_PATH.
 */
#define AGENT_STATE_DIR ".sandbox-tui"
#define AGENT_EVENTS_PATH "/run/sandbox-tui/events"

struct agent_spec {
	const char	*image;
	char *const	*command;	/* words after the image; NULL or ncommand 0: the image's own */
	int		 ncommand;
	long long	 memory;	/* bytes, also --memory-swap */
	long		 cpus_milli;	/* 1250 = 1.25 CPUs */
	long		 pids_limit;
	const char	*workspace_dir;	/* on the target; agent-NN is made under it */
	const char	*settings_file;	/* on the target, mounted read-only at
					   AGENT_SETTINGS_PATH; NULL: none */
	const char	*env_file;	/* on the target, --env-file; NULL: none */
	const char	*version;	/* sandbox-tui.version label value */
};

/*
 * `mkdir -p WS/agent-NN && (umask 077 && mkdir -p S) && chmod 700 S &&
 * : > S/events && chmod 666 S/events && docker run -dit --init --pull never
 * --name sandbox-agent-NN --hostname agent-NN --label sandbox-tui.agent=N
 * --label sandbox-tui.version=V --cap-drop ALL --security-opt
 * no-new-privileges --pids-limit P --memory M --memory-swap M --cpus C -v
 * WS/agent-NN:/workspace -w /workspace -e SANDBOX_TUI_AGENT=NN -v
 * S/events:/run/sandbox-tui/events [-v SETTINGS:AGENT_SETTINGS_PATH:ro]
 * [--env-file F] IMAGE [command...]`, where S is WS/.sandbox-tui/agent-NN:
 * Claude Code's hooks append "TIME NN waiting|done" lines to the events
 * file, which gcp/events.c follows.  S is the SSH user's and 0700, the file
 * 0666 so that the container's user, whatever its uid, can append; only the
 * file is mounted, never S or WS/.sandbox-tui (which holds the secrets env
 * file).  Before that, WS/agent-NN is chowned to the uid of the image's
 * label sandbox-tui.uid, if it has one.  Refuses an agent number outside
 * 1..AGENT_MAX, an image
 * that is not a plausible docker reference, a path that is not absolute or
 * holds a line break (or a ':', which -v cannot carry), a workspace that is
 * "/" or has a "." or ".." part, a missing version, numbers out of range
 * (memory 6MiB..1TiB, cpus 0.01..1024, pids 1..4194304).
 */
char *docker_cmd_run(const struct agent_spec *, int n, char **cause);

/*
 * An agent container as data: the one rule set that docker_cmd_run() turns
 * into `docker run` words, the compose export into a service's keys
 * (layouts/export_compose.c), and the export's check reads.  Each setting
 * is a flag of docker run with its value and the compose key that says the
 * same.  docker_run_describe() is the one place that says what an agent
 * container is: a new flag is a line there (and a row in its table of
 * compose keys when compose has no key for it yet).
 */
enum agent_run_yaml {
	AGENT_RUN_NONE,		/* none (-d: `compose up -d` says it) */
	AGENT_RUN_STR,		/* key: "value" */
	AGENT_RUN_RAW,		/* key: value (a number; true: a flag alone) */
	AGENT_RUN_LIST,		/* key:, then - "value" a line */
	AGENT_RUN_MAP,		/* key:, then NAME: "VALUE" a line */
};

#define AGENT_RUN_BARE		0x1	/* a constant: docker run, unquoted */
#define AGENT_RUN_DEFAULT	0x2	/* docker run's default: compose only */

struct agent_run_set {
	const char		*flag;	/* "--memory", "-t"; NULL: a word after
					   the flags (the image, the command) */
	char			*value;	/* NULL: the flag alone; NAME=VALUE
					   for AGENT_RUN_MAP */
	int			 how;	/* AGENT_RUN_BARE, AGENT_RUN_DEFAULT */
	const char		*key;	/* compose's ("mem_limit"), or NULL */
	enum agent_run_yaml	 yaml;
	int			 rank;	/* with a key: compose writes lower
					   ranks first */
	char			*compose_value;	/* compose's spelling, or
						   NULL: value */
};

struct agent_run {
	char			*workspace;	/* WS/agent-NN, at /workspace */
	char			*state;		/* WS/.sandbox-tui/agent-NN */
	char			*events;	/* its events file */
	struct agent_run_set	*sets;		/* in docker run's order */
	size_t			 nsets;
};

/*
 * Checks spec and n as docker_cmd_run() does and describes agent n's
 * container into run: 0, or -1 with *cause (cause may be NULL) and run
 * left empty.  agent_run_free() frees what it holds.
 */
int docker_run_describe(const struct agent_spec *, int n, struct agent_run *,
	    char **cause);
void agent_run_free(struct agent_run *);

/* docker's --cpus for thousandths: 1250 -> "1.25", 2000 -> "2"; caller frees. */
char *docker_cpus(long milli);
/*
 * `docker start|stop -t 10|restart -t 10|rm -f|unpause NAME...` for verb
 * "start", "stop", "restart", "rm" or "unpause"; every name must follow
 * docker's name rule.
 */
char *docker_cmd_each(const char *verb, char *const *names, size_t n,
	    char **cause);
/* `docker stats --no-stream --format '{{json .}}' NAME...` */
char *docker_cmd_stats(char *const *names, size_t n, char **cause);

struct agent_stats {
	char	*name;
	double	 cpu_percent;	/* "12.34%" -> 12.34 */
	char	*mem_usage;	/* docker's "123.4MiB / 4GiB" */
	double	 mem_percent;
};
/*
 * Parses `docker stats --format '{{json .}}'` output, one object a line, in
 * docker's order; "--" (no data) reads as 0.  -1 with *cause naming the
 * line on malformed input.
 */
int docker_parse_stats(const char *out, struct agent_stats **, size_t *n,
	    char **cause);
void agent_stats_free(struct agent_stats *, size_t n);

/*
 * Writes its stdin to PATH atomically with mode 0600 (through PATH.tmp.$$,
 * removed if a step fails).  PATH must be absolute, with no newline.
 */
char *docker_cmd_put_file(const char *path, char **cause);
/*
 * `rm -rf -- WS/agent-NN WS/.sandbox-tui/agent-NN` (the workspace and the
 * agent's events file); WS absolute, not "/", no newline, no "..".  If
 * that fails (the agent's files belong to the image's user, and the SSH
 * user is neither that user nor root) and image is not NULL, a throwaway
 * container of image empties the workspace, and rm runs again.
 */
char *docker_cmd_purge(const char *workspace_dir, int n, const char *image,
	    char **cause);
/* `docker image inspect --format '{{.Id}}' IMAGE` */
char *docker_cmd_image_check(const char *image, char **cause);
/*
 * The text of a secrets env file for --env-file: NAME=VALUE a line.
 * Refuses names that are not [A-Za-z_][A-Za-z0-9_]* and values holding a
 * line break or that docker would misread; a cause names the variable,
 * never its value.
 */
char *docker_env_file(char *const *names, char *const *values, size_t n,
	    char **cause);
/*
 * One sentence for a docker command that failed on target ("local",
 * "ssh://u@h:22"; NULL: "the target") with exit status and stderr err;
 * image (may be NULL) is the image the command used.  Caller frees.
 */
char *docker_explain(int status, const char *err, const char *target,
	    const char *image);

/*
 * The agent image (gcp/docker_image.c).  `docker build` reads its context
 * as a tar on stdin ("-"), so nothing has to be copied to the target first.
 */
struct docker_build {
	const char	*tag;
	const char	*dockerfile;	/* its path inside the context */
	const char	*network;	/* --network, or NULL/"" */
	char *const	*args;		/* --build-arg NAME=VALUE */
	size_t		 nargs;
	char *const	*labels;	/* --label NAME=VALUE */
	size_t		 nlabels;
	int		 no_cache;
};
/* `BUILDKIT_PROGRESS=plain docker build --force-rm ... -t TAG -f FILE -`. */
char *docker_cmd_build(const struct docker_build *, char **cause);

struct docker_build_step {
	int		 step, total;
	const char	*text;		/* the instruction, inside the line */
};
/*
 * Whether a line of build output starts a step: "Step 3/12 : RUN ..." (the
 * classic builder) or "#7 [stage 3/5] RUN ..." (BuildKit, plain).
 */
int docker_build_step(const char *line, struct docker_build_step *);

struct image_info {
	int		 present;
	char		*id;		/* sha256:... */
	char		*tag;		/* its first RepoTag */
	char		*created;	/* RFC 3339 */
	char		*architecture;
	long long	 size;		/* bytes, -1 unknown */
	char		*version;	/* label sandbox-tui.version */
	char		*claude_requested; /* label sandbox-tui.claude-code */
};
struct image_container {
	char		*name;
	char		*image_id;
	char		*state;
};
struct image_status {
	char			*server_version;
	struct image_info	 image, base;
	char			*claude_version;	/* in the image, or NULL */
	struct image_container	*containers;		/* agents, any state */
	size_t			 ncontainers;
};
/* One command that reports the image, its base and what the agents run. */
char *docker_cmd_image_status(const char *image, const char *base,
	    char **cause);
int docker_parse_image_status(const char *out, struct image_status *,
	    char **cause);
void image_status_free(struct image_status *);
/* Whether an image names a registry ("europe-docker.pkg.dev/p/r/agent:1")
 * that a VM could pull it from, or is a local tag ("agent:1"). */
int docker_image_pullable(const char *image);

#endif
