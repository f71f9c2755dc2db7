/*
 * The docker commands that create and manage agent containers on the
 * target, as shell command strings, and the secrets env file's text
 * (`docker stats` is docker_stats.c's).  Like gcp/docker.c, nothing here runs a
 * command: gcp/conn.c runs them and hands back output and exit status, and
 * docker_explain() (gcp/docker_explain.c) turns a failure into a sentence.
 *
 * Every value placed in a command goes through sh_quote(), after it has
 * been validated: agent numbers, container and image names, paths and
 * numbers are refused with a cause rather than passed on.  Secrets never
 * reach a command line: docker_env_file() builds the file's text, which the
 * caller sends on the stdin of docker_cmd_put_file(), and docker_cmd_run()
 * names the file with --env-file.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/echo.h"
#include "config/shquote.h"
#include "config/utf8.h"
#include "config/xmalloc.h"
#include "gcp/docker.h"
#include "gcp/docker_private.h"

/* Docker refuses a memory limit below 6MB; 1TiB is beyond any VM we make. */
#define DOCKER_RUN_MEMORY_MIN	(6LL * 1024 * 1024)
#define DOCKER_RUN_MEMORY_MAX	(1LL << 40)
/* --cpus takes hundredths at the finest (0.01). */
#define DOCKER_RUN_CPUS_MIN	10L
#define DOCKER_RUN_CPUS_MAX	1024000L
/* The kernel's largest pid_max. */
#define DOCKER_RUN_PIDS_MAX	4194304L
/* Longest image reference we accept (docker's own limit is near this). */
#define DOCKER_RUN_IMAGE_MAX	512
/* docker reads an env file with a 64KiB line buffer, newline included. */
#define DOCKER_RUN_ENV_LINE_MAX	65535

static int
docker_run_agent_ok(int n, char **cause)
{
	if (n >= 1 && n <= AGENT_MAX)
		return 1;
	if (cause != NULL)
		*cause = xasprintf("agent %d: not a number between 1 and %d",
		    n, AGENT_MAX);
	return 0;
}

/* Whether s is a plausible image reference: [A-Za-z0-9._/:@-], no '-' first. */
int
docker_image_ok(const char *image, char **cause)
{
	char	*echo;

	if (image != NULL && *image != '\0' && *image != '-' &&
	    strlen(image) <= DOCKER_RUN_IMAGE_MAX &&
	    strspn(image, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/:@-") == strlen(image))
		return 1;
	if (cause != NULL) {
		echo = echo_text(image != NULL ? image : "",
		    DOCKER_ECHO_MAX);
		*cause = xasprintf("image '%s': not a valid image name", echo);
		free(echo);
	}
	return 0;
}

/*
 * Checks a path on the target: absolute, no newline, and for -v no ':' (it
 * separates the parts of a volume).  what names it in the cause.
 */
static int
docker_run_path_ok(const char *what, const char *path, int for_volume,
    char **cause)
{
	const char	*why = NULL;
	char		*echo;

	if (path == NULL || *path != '/')
		why = "not an absolute path";
	else if (strpbrk(path, "\n\r") != NULL)
		why = "contains a line break";
	else if (for_volume && strchr(path, ':') != NULL)
		why = "contains ':', which docker -v cannot take";
	if (why == NULL)
		return 1;
	if (cause != NULL) {
		echo = echo_text(path != NULL ? path : "", DOCKER_ECHO_MAX);
		*cause = xasprintf("%s '%s': %s", what, echo, why);
		free(echo);
	}
	return 0;
}

/*
 * WS/agent-NN for a checked workspace directory; NULL with *cause if WS is
 * "/" (or only slashes) or has a "." or ".." component.  Caller frees.
 */
static char *
docker_run_workspace(const char *ws, int n, char **cause)
{
	const char	*p, *end;
	size_t		 len, plen;
	char		*echo;

	if (!docker_run_path_ok("workspace_dir", ws, 1, cause))
		return NULL;
	len = strlen(ws);
	while (len > 0 && ws[len - 1] == '/')
		len--;
	for (p = ws; p < ws + len; p = end) {
		p += strspn(p, "/");
		end = strchrnul(p, '/');
		if (end > ws + len)
			end = ws + len;
		plen = (size_t)(end - p);
		if ((plen == 1 && p[0] == '.') ||
		    (plen == 2 && p[0] == '.' && p[1] == '.'))
			break;
	}
	if (len > 0 && p >= ws + len)
		return xasprintf("%.*s/agent-%02d", (int)len, ws, n);
	if (cause != NULL) {
		echo = echo_text(ws, DOCKER_ECHO_MAX);
		*cause = xasprintf("workspace_dir '%s': %s", echo, len == 0 ?
		    "must not be /" : "must not contain . or ..");
		free(echo);
	}
	return NULL;
}

/*
 * Creates the agent's state directory and an empty events file, before
 * `docker run` mounts the file.  The directory is the SSH user's, mode 0700
 * (umask 077 also covers WS/.sandbox-tui if it is missing), so nobody else
 * on the target reaches the file; the file itself is 0666 because the
 * container's user (uid 1000 in our image, but any uid in another, root
 * without capabilities in some) must append to it whoever the SSH user is
 * (root, uid 1000 or another).  Only the file is mounted, not the
 * directory: the agent can write lines but cannot swap the file for a link
 * to something the follower on the target would then read.  A new
 * container starts from an empty file, so lines left by an earlier agent
 * of the same number are gone.
 */
/* WS/.sandbox-tui/agent-NN from WS/agent-NN; caller frees. */
static char *
docker_run_state_dir(const char *agent_ws, int n)
{
	return xasprintf("%.*s/%s/agent-%02d",
	    (int)(strrchr(agent_ws, '/') - agent_ws), agent_ws,
	    AGENT_STATE_DIR, n);
}

static void
docker_run_state(struct strbuf *b, const char *dir, const char *events)
{
	strbuf_add(b, " && (umask 077 && mkdir -p");
	docker_buf_addq(b, dir);
	strbuf_add(b, ") && chmod 700");
	docker_buf_addq(b, dir);
	strbuf_add(b, " && : >");
	docker_buf_addq(b, events);
	strbuf_add(b, " && chmod 666");
	docker_buf_addq(b, events);
}

/*
 * Gives the workspace to the uid the image names in its label
 * sandbox-tui.uid (the bundled image: its user agent, 1000), so that the
 * agent can write it whoever the SSH user is.  The SSH user chowns when it
 * may (root); otherwise docker does, which it may use anyway: a throwaway
 * container of the same image with only CAP_CHOWN.  Only the top: files a
 * user put there keep their owners; a symbolic link (which chown would
 * follow) is never touched.  An image without the label (any
 * other) is left alone, and a failure here is not fatal: the bundled
 * entrypoint then says what to chown.
 */
/*
 * " docker run ..." of a throwaway container of image: root, but with only
 * the capabilities in caps, no network, agent_ws at /w, entrypoint run.
 */
static void
docker_run_throwaway(struct strbuf *b, const char *caps,
    const char *entrypoint, const char *agent_ws, const char *image)
{
	strbuf_printf(b, " docker run --rm --pull never --network none "
	    "--user 0:0 --cap-drop ALL %s --entrypoint %s", caps, entrypoint);
	docker_buf_addf(b, "-v", "%s:/w", agent_ws);
	docker_buf_addq(b, image);
}

static void
docker_run_owner(struct strbuf *b, const char *agent_ws,
    const char *image)
{
	strbuf_add(b, " && { u=$(docker image inspect --format");
	docker_buf_addq(b, "{{index .Config.Labels \"sandbox-tui.uid\"}}");
	docker_buf_addq(b, image);
	strbuf_add(b, " 2>/dev/null) || u=; case $u in ''|*[!0-9]*) ;; "
	    "*) [ -L");
	docker_buf_addq(b, agent_ws);
	strbuf_add(b, " ] || [ \"$(stat -c %u");
	docker_buf_addq(b, agent_ws);
	strbuf_add(b, ")\" = \"$u\" ] || chown \"$u:$u\"");
	docker_buf_addq(b, agent_ws);
	strbuf_add(b, " 2>/dev/null ||");
	docker_run_throwaway(b, "--cap-add CHOWN", "chown", agent_ws, image);
	strbuf_add(b, " \"$u:$u\" /w >/dev/null 2>&1 || :;; esac; }");
}

char *
docker_cpus(long milli)
{
	char	*s;
	size_t	 len;

	if (milli % 1000 == 0)
		return xasprintf("%ld", milli / 1000);
	s = xasprintf("%ld.%03ld", milli / 1000, milli % 1000);
	len = strlen(s);
	while (s[len - 1] == '0')
		s[--len] = '\0';
	return s;
}

/* Checks the numbers and the version of a spec. */
static int
docker_run_numbers_ok(const struct agent_spec *spec, char **cause)
{
	char	*echo;

	if (spec->memory < DOCKER_RUN_MEMORY_MIN ||
	    spec->memory > DOCKER_RUN_MEMORY_MAX) {
		if (cause != NULL)
			*cause = xasprintf("memory %lld: out of range "
			    "(%lld to %lld bytes)", spec->memory,
			    DOCKER_RUN_MEMORY_MIN, DOCKER_RUN_MEMORY_MAX);
		return 0;
	}
	if (spec->cpus_milli < DOCKER_RUN_CPUS_MIN ||
	    spec->cpus_milli > DOCKER_RUN_CPUS_MAX) {
		if (cause != NULL)
			*cause = xasprintf("cpus %ld/1000: out of range "
			    "(0.01 to %ld)", spec->cpus_milli,
			    DOCKER_RUN_CPUS_MAX / 1000);
		return 0;
	}
	if (spec->pids_limit < 1 || spec->pids_limit > DOCKER_RUN_PIDS_MAX) {
		if (cause != NULL)
			*cause = xasprintf("pids_limit %ld: out of range "
			    "(1 to %ld)", spec->pids_limit,
			    DOCKER_RUN_PIDS_MAX);
		return 0;
	}
	if (spec->ncommand < 0 ||
	    (spec->ncommand > 0 && spec->command == NULL)) {
		if (cause != NULL)
			*cause = xasprintf("command: %d words but none given",
			    spec->ncommand);
		return 0;
	}
	if (spec->version == NULL || *spec->version == '\0' ||
	    strpbrk(spec->version, "\n\r") != NULL) {
		if (cause != NULL) {
			echo = echo_text(spec->version != NULL ?
			    spec->version : "", DOCKER_ECHO_MAX);
			*cause = xasprintf("version '%s': missing or holds a "
			    "line break", echo);
			free(echo);
		}
		return 0;
	}
	return 1;
}

/*
 * The keys a compose service gives the settings of an agent container, in
 * the order the export writes them, and how each is written.
 */
static const struct {
	const char		*key;
	enum agent_run_yaml	 yaml;
} docker_run_keys[] = {
	{ "container_name",	AGENT_RUN_STR },
	{ "hostname",		AGENT_RUN_STR },
	{ "image",		AGENT_RUN_STR },
	{ "pull_policy",	AGENT_RUN_STR },
	{ "command",		AGENT_RUN_LIST },
	{ "init",		AGENT_RUN_RAW },
	{ "stdin_open",		AGENT_RUN_RAW },
	{ "tty",		AGENT_RUN_RAW },
	{ "network_mode",	AGENT_RUN_STR },
	{ "cap_drop",		AGENT_RUN_LIST },
	{ "security_opt",	AGENT_RUN_LIST },
	{ "pids_limit",		AGENT_RUN_RAW },
	{ "mem_limit",		AGENT_RUN_RAW },
	{ "memswap_limit",	AGENT_RUN_RAW },
	{ "cpus",		AGENT_RUN_RAW },
	{ "working_dir",	AGENT_RUN_STR },
	{ "environment",	AGENT_RUN_MAP },
	{ "volumes",		AGENT_RUN_LIST },
	{ "env_file",		AGENT_RUN_LIST },
	{ "labels",		AGENT_RUN_MAP },
};

/*
 * Appends a setting with compose key key (NULL: none), which must be in
 * docker_run_keys: a slip there is a bug that every test of
 * docker_cmd_run() meets, so it aborts.  value is taken, NULL for a flag
 * alone.
 */
static struct agent_run_set *
docker_run_put(struct agent_run *r, const char *flag, const char *key,
    int how, char *value)
{
	struct agent_run_set	*s;
	size_t			 i = 0;

	if (key != NULL) {
		while (i < sizeof docker_run_keys / sizeof docker_run_keys[0] &&
		    strcmp(docker_run_keys[i].key, key) != 0)
			i++;
		if (i == sizeof docker_run_keys / sizeof docker_run_keys[0])
			abort();
	}
	r->sets = xreallocarray(r->sets, r->nsets + 1, sizeof *r->sets);
	s = &r->sets[r->nsets++];
	memset(s, 0, sizeof *s);
	s->flag = flag;
	s->value = value;
	s->how = how;
	s->key = key;
	s->yaml = key != NULL ? docker_run_keys[i].yaml : AGENT_RUN_NONE;
	s->rank = (int)i;
	return s;
}

/* A flag that takes no value, such as --init. */
static void
docker_run_flag(struct agent_run *r, const char *flag, const char *key)
{
	docker_run_put(r, flag, key, 0, NULL);
}

/* A flag (NULL: a word after the flags) and its value from a format. */
static struct agent_run_set *
docker_run_add(struct agent_run *r, const char *flag, const char *key,
    int how, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static struct agent_run_set *
docker_run_add(struct agent_run *r, const char *flag, const char *key,
    int how, const char *fmt, ...)
{
	va_list	 ap;
	char	*value;

	va_start(ap, fmt);
	value = xvasprintf(fmt, ap);
	va_end(ap);
	return docker_run_put(r, flag, key, how, value);
}

/*
 * The rules: every setting of an agent container, in docker run's order,
 * each with the compose key that says the same.
 */
int
docker_run_describe(const struct agent_spec *spec, int n, struct agent_run *r,
    char **cause)
{
	struct agent_run_set	*s;
	char			*cpus, name[32];
	int			 i;

	memset(r, 0, sizeof *r);
	if (!docker_run_agent_ok(n, cause) ||
	    !docker_image_ok(spec->image, cause) ||
	    !docker_run_numbers_ok(spec, cause))
		return -1;
	if ((r->workspace = docker_run_workspace(spec->workspace_dir, n,
	    cause)) == NULL)
		return -1;
	if (spec->settings_file != NULL && !docker_run_path_ok("settings_file",
	    spec->settings_file, 1, cause))
		goto fail;
	if (spec->env_file != NULL &&
	    !docker_run_path_ok("env_file", spec->env_file, 0, cause))
		goto fail;
	for (i = 0; i < spec->ncommand; i++) {
		if (spec->command[i] == NULL) {
			if (cause != NULL)
				*cause = xasprintf("command: word %d missing",
				    i + 1);
			goto fail;
		}
	}
	r->state = docker_run_state_dir(r->workspace, n);
	r->events = xasprintf("%s/events", r->state);

	docker_run_flag(r, "-d", NULL);		/* compose: `up -d` */
	docker_run_flag(r, "-i", "stdin_open");
	docker_run_flag(r, "-t", "tty");
	docker_run_flag(r, "--init", "init");
	docker_run_add(r, "--pull", "pull_policy", AGENT_RUN_BARE, "never");
	docker_run_add(r, "--name", "container_name", 0, "%s",
	    agent_name(n, name, sizeof name));
	docker_run_add(r, "--hostname", "hostname", 0, "agent-%02d", n);
	docker_run_add(r, "--label", "labels", 0, "%s=%d", AGENT_LABEL, n);
	docker_run_add(r, "--label", "labels", 0, "sandbox-tui.version=%s",
	    spec->version);
	/* compose would make a network of its own. */
	docker_run_add(r, "--network", "network_mode",
	    AGENT_RUN_BARE | AGENT_RUN_DEFAULT, "bridge");
	docker_run_add(r, "--cap-drop", "cap_drop", AGENT_RUN_BARE, "ALL");
	s = docker_run_add(r, "--security-opt", "security_opt",
	    AGENT_RUN_BARE, "no-new-privileges");
	s->compose_value = xstrdup("no-new-privileges:true");
	docker_run_add(r, "--pids-limit", "pids_limit", 0, "%ld",
	    spec->pids_limit);
	docker_run_add(r, "--memory", "mem_limit", 0, "%lld", spec->memory);
	docker_run_add(r, "--memory-swap", "memswap_limit", 0, "%lld",
	    spec->memory);
	cpus = docker_cpus(spec->cpus_milli);
	docker_run_add(r, "--cpus", "cpus", 0, "%s", cpus);
	free(cpus);
	docker_run_add(r, "-v", "volumes", 0, "%s:/workspace", r->workspace);
	docker_run_add(r, "-w", "working_dir", AGENT_RUN_BARE, "/workspace");
	docker_run_add(r, "-e", "environment", 0, "SANDBOX_TUI_AGENT=%02d", n);
	docker_run_add(r, "-v", "volumes", 0, "%s:%s", r->events,
	    AGENT_EVENTS_PATH);
	if (spec->settings_file != NULL) {
		docker_run_add(r, "-v", "volumes", 0, "%s:%s:ro",
		    spec->settings_file, AGENT_SETTINGS_PATH);
	}
	if (spec->env_file != NULL)
		docker_run_add(r, "--env-file", "env_file", 0, "%s",
		    spec->env_file);
	docker_run_add(r, NULL, "image", 0, "%s", spec->image);
	for (i = 0; i < spec->ncommand; i++)
		docker_run_add(r, NULL, "command", 0, "%s", spec->command[i]);
	return 0;
fail:
	agent_run_free(r);
	return -1;
}

void
agent_run_free(struct agent_run *r)
{
	size_t	i;

	for (i = 0; i < r->nsets; i++) {
		free(r->sets[i].value);
		free(r->sets[i].compose_value);
	}
	free(r->sets);
	free(r->events);
	free(r->state);
	free(r->workspace);
	memset(r, 0, sizeof *r);
}

/*
 * The words of docker run for a description: flags alone bundled as
 * getopt reads them (-dit), constants bare, every other value quoted.
 */
static void
docker_run_words(struct strbuf *b, const struct agent_run *r)
{
	const struct agent_run_set	*s;
	size_t				 i;
	int				 bundle = 0;

	for (i = 0; i < r->nsets; i++) {
		s = &r->sets[i];
		if (s->how & AGENT_RUN_DEFAULT)
			continue;
		if (s->flag == NULL)
			docker_buf_addq(b, s->value);
		else if (s->value == NULL && bundle && s->flag[1] != '-')
			strbuf_add(b, s->flag + 1);
		else if (s->value != NULL && !(s->how & AGENT_RUN_BARE))
			docker_buf_addf(b, s->flag, "%s", s->value);
		else {
			strbuf_printf(b, " %s", s->flag);
			if (s->value != NULL)
				strbuf_printf(b, " %s", s->value);
		}
		bundle = s->flag != NULL && s->value == NULL &&
		    s->flag[1] != '-';
	}
}

char *
docker_cmd_run(const struct agent_spec *spec, int n, char **cause)
{
	struct strbuf		 b = { NULL, 0, 0 };
	struct agent_run	 r;

	if (docker_run_describe(spec, n, &r, cause) != 0)
		return NULL;
	strbuf_add(&b, "mkdir -p");
	docker_buf_addq(&b, r.workspace);
	docker_run_owner(&b, r.workspace, spec->image);
	docker_run_state(&b, r.state, r.events);
	strbuf_add(&b, " && docker run");
	docker_run_words(&b, &r);
	agent_run_free(&r);
	return b.s;
}

/* Checks every name; the cause names the first bad one. */
int
docker_run_names_ok(char *const *names, size_t n, char **cause)
{
	size_t	 i;
	char	*echo;

	if (n == 0 || names == NULL) {
		if (cause != NULL)
			*cause = xstrdup("no container given");
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (docker_valid_name(names[i]))
			continue;
		if (cause != NULL) {
			echo = echo_text(names[i] != NULL ? names[i] : "",
			    DOCKER_ECHO_MAX);
			*cause = xasprintf("invalid container name '%s'", echo);
			free(echo);
		}
		return 0;
	}
	return 1;
}

char *
docker_cmd_each(const char *verb, char *const *names, size_t n, char **cause)
{
	static const struct {
		const char	*verb;
		const char	*words;
	} verbs[] = {
		{ "start", "docker start" },
		{ "stop", "docker stop -t 10" },
		{ "restart", "docker restart -t 10" },
		{ "rm", "docker rm -f" },
		{ "unpause", "docker unpause" },
	};
	struct strbuf		 b = { NULL, 0, 0 };
	size_t			 i;
	char			*echo;

	for (i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
		if (verb != NULL && strcmp(verb, verbs[i].verb) == 0)
			break;
	}
	if (i == sizeof verbs / sizeof verbs[0]) {
		if (cause != NULL) {
			echo = echo_text(verb != NULL ? verb : "",
			    DOCKER_ECHO_MAX);
			*cause = xasprintf("unknown container command '%s'",
			    echo);
			free(echo);
		}
		return NULL;
	}
	if (!docker_run_names_ok(names, n, cause))
		return NULL;
	strbuf_add(&b, verbs[i].words);
	for (i = 0; i < n; i++)
		docker_buf_addq(&b, names[i]);
	return b.s;
}

/*
 * The tmp file is in the same directory so mv is a rename; umask keeps it
 * 0600 from the first byte, and a failed step removes it.
 */
char *
docker_cmd_put_file(const char *path, char **cause)
{
	char	*dir, *qpath, *qdir, *cmd, *echo;
	size_t	 len;

	if (!docker_run_path_ok("file", path, 0, cause))
		return NULL;
	len = strlen(path);
	if (path[len - 1] == '/') {
		if (cause != NULL) {
			echo = echo_text(path, DOCKER_ECHO_MAX);
			*cause = xasprintf("file '%s': names a directory",
			    echo);
			free(echo);
		}
		return NULL;
	}
	len = (size_t)(strrchr(path, '/') - path);
	while (len > 0 && path[len - 1] == '/')
		len--;
	dir = len == 0 ? xstrdup("/") : xstrndup(path, len);
	qdir = sh_quote(dir);
	qpath = sh_quote(path);
	cmd = xasprintf("umask 077 && mkdir -p %s && cat > %s.tmp.$$ && "
	    "chmod 600 %s.tmp.$$ && mv -f %s.tmp.$$ %s || "
	    "{ rm -f %s.tmp.$$; exit 1; }", qdir, qpath, qpath, qpath, qpath,
	    qpath);
	free(qpath);
	free(qdir);
	free(dir);
	return cmd;
}

char *
docker_cmd_purge(const char *workspace_dir, int n, const char *image,
    char **cause)
{
	struct strbuf	 b = { 0 };
	char		*ws, *state, *rm;

	if (!docker_run_agent_ok(n, cause))
		return NULL;
	if (image != NULL && !docker_image_ok(image, cause))
		return NULL;
	if ((ws = docker_run_workspace(workspace_dir, n, cause)) == NULL)
		return NULL;
	state = docker_run_state_dir(ws, n);
	strbuf_add(&b, "rm -rf --");
	docker_buf_addq(&b, ws);
	docker_buf_addq(&b, state);
	rm = strbuf_take(&b);
	if (image != NULL) {
		/*
		 * Root in the container may only override file permissions
		 * (DAC_OVERRIDE, FOWNER for sticky folders), sees only the
		 * workspace and has no network.  It empties /w but leaves
		 * the mount point: the folder goes with the second rm, which
		 * its parent's owner may do.  docker's own complaint (no such
		 * image...) stays on stderr beside rm's.  Braced whole, so
		 * that `docker rm ... && PURGE` never purges after a failed
		 * docker rm.
		 */
		strbuf_add(&b, "{ ");
		strbuf_add(&b, rm);
		strbuf_add(&b, " 2>/dev/null || { [ -L");
		docker_buf_addq(&b, ws);
		strbuf_add(&b, " ] || [ ! -d");
		docker_buf_addq(&b, ws);
		strbuf_add(&b, " ] ||");
		docker_run_throwaway(&b, "--cap-add DAC_OVERRIDE --cap-add "
		    "FOWNER --security-opt no-new-privileges", "sh", ws, image);
		strbuf_add(&b, " -c 'rm -rf -- /w/* /w/.[!.]* /w/..?*' "
		    ">/dev/null; ");
		strbuf_add(&b, rm);
		strbuf_add(&b, "; }; }");
		free(rm);
		rm = strbuf_take(&b);
	}
	free(state);
	free(ws);
	return rm;
}

char *
docker_cmd_image_check(const char *image, char **cause)
{
	char	*qimage, *qformat, *cmd;

	if (!docker_image_ok(image, cause))
		return NULL;
	qimage = sh_quote(image);
	qformat = sh_quote("{{.Id}}");
	cmd = xasprintf("docker image inspect --format %s %s", qformat,
	    qimage);
	free(qformat);
	free(qimage);
	return cmd;
}

/* Why docker would not read name=value back as given, or NULL. */
static const char *
docker_env_bad(const char *name, const char *value)
{
	if ((name[0] < 'A' || name[0] > 'Z') &&
	    (name[0] < 'a' || name[0] > 'z') && name[0] != '_')
		return "not a valid variable name";
	if (strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != strlen(name))
		return "not a valid variable name";
	if (value == NULL)
		return "has no value";
	if (strpbrk(value, "\n\r") != NULL)
		return "value holds a line break, which an env file "
		    "cannot carry";
	if (!utf8_valid(value, strlen(value)))
		return "value is not valid UTF-8";
	if (strlen(name) + 1 + strlen(value) > DOCKER_RUN_ENV_LINE_MAX)
		return "value is too long for an env file";
	return NULL;
}

char *
docker_env_file(char *const *names, char *const *values, size_t n,
    char **cause)
{
	const char		*why;
	char			*echo, *text, *p;
	size_t			 i, len = 0;

	for (i = 0; i < n; i++) {
		if (names[i] == NULL || *names[i] == '\0')
			why = "variable name missing";
		else
			why = docker_env_bad(names[i], values[i]);
		if (why != NULL) {
			if (cause != NULL) {
				echo = echo_text(names[i] != NULL ?
				    names[i] : "", DOCKER_ECHO_MAX);
				*cause = xasprintf("secret '%s': %s", echo,
				    why);
				free(echo);
			}
			return NULL;
		}
		len += strlen(names[i]) + strlen(values[i]) + 2;
	}
	/* Sized first and written once: no realloc leaves a copy of a
	 * secret behind in freed memory. */
	p = text = xmalloc(len + 1);
	for (i = 0; i < n; i++)
		p += sprintf(p, "%s=%s\n", names[i], values[i]);
	*p = '\0';
	return text;
}
