/*
 * The remote docker commands the program runs on the VM, as shell command
 * strings, and the parsing of what they print.  Nothing here runs a
 * command: gcp/conn.c does that, over SSH or locally, and hands the output
 * back.  Every value placed in a command is quoted with sh_quote().
 *
 * The agent list comes from `docker ps --format '{{json .}}'`, which prints
 * one JSON object a line with every field a string (docker 20.10 adds
 * "Platform": null).  Labels arrive as one "k=v,k=v" string sorted by key;
 * see docker_label() for how values that contain commas are recovered.
 * A container counts as an agent when its sandbox-tui.agent label is a
 * number from 1 to AGENT_MAX; the name kept is docker's, not one derived
 * from the number, because that is what attach must target.  Two containers
 * with the same number are both kept (sorted by name), so the user sees the
 * clash rather than one of them silently vanishing.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "config/echo.h"
#include "config/shquote.h"
#include "config/xmalloc.h"
#include "gcp/dapi_http.h"
#include "gcp/docker.h"
#include "gcp/docker_private.h"

/*
 * Detach keys for `docker attach`.  Docker holds back any typed byte that
 * starts the detach sequence until the next one shows it is not the
 * sequence, and detaches on a full match: its default, ctrl-p,ctrl-q, would
 * delay every C-p typed into Claude Code and could detach on C-p C-q.  A
 * single byte 0xff never occurs in UTF-8 input, so no key a user types can
 * match it (docker also only matches a read of exactly one byte, and the
 * daemon accepts any single byte; checked with docker 20.10).  The program
 * detaches by closing the channel instead.
 */
#define DOCKER_DETACH_KEYS "\377"

/* ASCII only: names and label keys must not depend on the locale. */
static int
docker_isalnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

/* Parses exactly one or two ASCII digits in 1..AGENT_MAX, else -1. */
static int
docker_number(const char *s)
{
	size_t	len = strlen(s);
	int	n;

	if (len == 0 || len > 2)
		return -1;
	if (s[0] < '0' || s[0] > '9' ||
	    (len == 2 && (s[1] < '0' || s[1] > '9')))
		return -1;
	n = atoi(s);
	if (n < 1 || n > AGENT_MAX)
		return -1;
	return n;
}

int
agent_parse_number(const char *s, char **cause)
{
	const char	*digits;
	char		*echo;
	int		 n;

	if (s == NULL)
		s = "";
	digits = s;
	if (strncmp(s, AGENT_NAME_PREFIX, strlen(AGENT_NAME_PREFIX)) == 0)
		digits = s + strlen(AGENT_NAME_PREFIX);
	if ((n = docker_number(digits)) > 0)
		return n;
	if (cause != NULL) {
		echo = echo_text(s, DOCKER_ECHO_MAX);
		*cause = xasprintf("agent '%s': not a number between 1 and %d",
		    echo, AGENT_MAX);
		free(echo);
	}
	return -1;
}

const char *
agent_name(int n, char *buf, size_t len)
{
	snprintf(buf, len, "%s%02d", AGENT_NAME_PREFIX, n);
	return buf;
}

char *
docker_cmd_ps(void)
{
	char	*format, *cmd;

	format = sh_quote("{{json .}}");
	cmd = xasprintf("docker ps -a --size=false --filter label=%s "
	    "--format %s", AGENT_LABEL, format);
	free(format);
	return cmd;
}

/* base followed by the escaped filters: the API's way to take them. */
static char *
docker_api_filtered(const char *base, const char *filters)
{
	char	*q, *path;

	q = dapi_http_escape(filters);
	path = xasprintf("%sfilters=%s", base, q);
	free(q);
	return path;
}

char *
docker_api_ps_path(void)
{
	return docker_api_filtered("/containers/json?all=1&",
	    "{\"label\":[\"" AGENT_LABEL "\"]}");
}

char *
docker_api_events_path(void)
{
	/* What changes the list; attach, exec and resize do not. */
	return docker_api_filtered("/events?", "{\"label\":[\"" AGENT_LABEL
	    "\"],\"type\":[\"container\"],\"event\":[\"create\","
	    "\"start\",\"restart\",\"die\",\"stop\",\"destroy\","
	    "\"pause\",\"unpause\",\"rename\"]}");
}

/* Docker's rule for container names (and what an ID looks like too). */
int
docker_valid_name(const char *name)
{
	const char	*p;

	if (name == NULL || !docker_isalnum(name[0]) || name[1] == '\0')
		return 0;
	for (p = name; *p != '\0'; p++) {
		if (!docker_isalnum(*p) && strchr("_.-", *p) == NULL)
			return 0;
	}
	return 1;
}

/* A command that only reports a name docker could never have produced. */
static char *
docker_cmd_refuse(const char *name)
{
	char	*echo, *msg, *qmsg, *cmd;

	echo = echo_text(name != NULL ? name : "", DOCKER_ECHO_MAX);
	msg = xasprintf("sandbox-tui: invalid container name '%s'", echo);
	qmsg = sh_quote(msg);
	/* printf, not echo: dash's echo reads the backslashes in it. */
	cmd = xasprintf("printf '%%s\\n' %s >&2; exit 1", qmsg);
	free(qmsg);
	free(msg);
	free(echo);
	return cmd;
}

/* Names that fail validation give a command that fails with a message. */
char *
docker_cmd_logs(const char *name, int tail)
{
	char	*qname, *qtail, *n, *cmd;

	if (!docker_valid_name(name))
		return docker_cmd_refuse(name);
	n = xasprintf("%d", tail > 0 ? tail : 0);
	qtail = sh_quote(n);
	qname = sh_quote(name);
	cmd = xasprintf("docker logs --tail %s %s 2>&1", qtail, qname);
	free(qname);
	free(qtail);
	free(n);
	return cmd;
}

/*
 * `docker logs` for the logs view and `sandbox-tui logs`: tail < 0 means
 * all, since is docker's --since (a duration like 10m, or a timestamp) or
 * NULL.  stderr stays separate so a failure can be told from the log.
 */
char *
docker_cmd_logs_stream(const char *name, int follow, int tail,
    const char *since, int timestamps)
{
	char	*qname, *qtail, *qsince = NULL, *n, *cmd;

	if (!docker_valid_name(name))
		return docker_cmd_refuse(name);
	n = tail < 0 ? xstrdup("all") : xasprintf("%d", tail);
	qtail = sh_quote(n);
	qname = sh_quote(name);
	if (since != NULL)
		qsince = sh_quote(since);
	cmd = xasprintf("exec docker logs%s%s --tail %s%s%s %s",
	    follow ? " --follow" : "", timestamps ? " --timestamps" : "",
	    qtail, qsince != NULL ? " --since " : "",
	    qsince != NULL ? qsince : "", qname);
	free(qsince);
	free(qname);
	free(qtail);
	free(n);
	return cmd;
}

/*
 * One shell command for a pane: the container's recent output first (so the
 * pane shows the present), then the live TTY.  A name docker could not have
 * produced gives a command that only reports it, never one that runs docker
 * with it.  A tail of 0 or less skips the replay.
 */
char *
docker_cmd_attach(const char *name, int tail)
{
	char	*qname, *qkeys, *cmd, *logs;

	if (!docker_valid_name(name))
		return docker_cmd_refuse(name);
	qname = sh_quote(name);
	qkeys = sh_quote(DOCKER_DETACH_KEYS);
	if (tail > 0) {
		logs = docker_cmd_logs(name, tail);
		cmd = xasprintf("%s; "
		    "printf '\\033]5379;sandbox-tui-attach\\007'; "
		    "exec docker attach --sig-proxy=false --detach-keys=%s %s",
		    logs, qkeys, qname);
		free(logs);
	} else {
		cmd = xasprintf("printf '\\033]5379;sandbox-tui-attach\\007'; "
		    "exec docker attach --sig-proxy=false --detach-keys=%s %s",
		    qkeys, qname);
	}
	free(qkeys);
	free(qname);
	return cmd;
}

/* Whether the label entry [p, end) starts a new "key=value" pair. */
static int
docker_label_starts(const char *p, const char *end, const char **eq)
{
	const char	*q;

	for (q = p; q < end && *q != '='; q++) {
		if (!docker_isalnum(*q) && strchr("._-/", *q) == NULL)
			return 0;
	}
	if (q == p || q == end)
		return 0;
	*eq = q;
	return 1;
}

/*
 * The value of label key in docker's "k=v,k=v" string, or NULL; caller
 * frees.  A comma-separated piece that does not look like "key=" is part of
 * the previous value, so "a=x,y,b=z" gives a "x,y" and b "z".  (A value
 * holding ",k=" cannot be told apart from a new label.)
 */
static char *
docker_label(const char *labels, const char *key)
{
	const char	*p = labels, *end, *eq, *q, *next;
	size_t		 keylen = strlen(key);

	while (*p != '\0') {
		end = strchrnul(p, ',');
		if (docker_label_starts(p, end, &eq) &&
		    (size_t)(eq - p) == keylen &&
		    strncmp(p, key, keylen) == 0) {
			q = end;
			while (*q == ',') {
				next = strchrnul(q + 1, ',');
				if (docker_label_starts(q + 1, next, &eq))
					break;
				q = next;
			}
			p += keylen + 1;
			return xstrndup(p, (size_t)(q - p));
		}
		p = *end == ',' ? end + 1 : end;
	}
	return NULL;
}

/* A string field of a ps line, or "" when missing or not a string. */
static char *
docker_field(json_t *obj, const char *key)
{
	const char	*s = json_string_value(json_object_get(obj, key));

	return xstrdup(s != NULL ? s : "");
}

/* Exit code from a status like "Exited (137) 3 seconds ago", else -1. */
static int
docker_exit_code(const char *status)
{
	const char	*p;
	char		*end;
	long		 v;

	if (strncmp(status, "Exited (", 8) != 0)
		return -1;
	p = status + 8;
	if (*p < '0' || *p > '9')
		return -1;
	v = strtol(p, &end, 10);
	if (*end != ')' || v > 255)
		return -1;
	return (int)v;
}

/* Fills a from one ps object; 0 if it is not an agent. */
static int
docker_agent_from(json_t *obj, struct agent_info *a)
{
	const char	*labels, *names;
	char		*value;
	size_t		 len;
	int		 n;

	labels = json_string_value(json_object_get(obj, "Labels"));
	if (labels == NULL)
		return 0;
	if ((value = docker_label(labels, AGENT_LABEL)) == NULL)
		return 0;
	n = docker_number(value);
	free(value);
	if (n < 0)
		return 0;
	/* Legacy links add more names after a comma; the first is its own. */
	names = json_string_value(json_object_get(obj, "Names"));
	if (names == NULL || (len = strcspn(names, ",")) == 0)
		return 0;

	memset(a, 0, sizeof *a);
	a->n = n;
	a->name = xstrndup(names, len);
	a->id = docker_field(obj, "ID");
	a->image = docker_field(obj, "Image");
	a->state = docker_field(obj, "State");
	a->status = docker_field(obj, "Status");
	a->created = docker_field(obj, "CreatedAt");
	a->exit_code = docker_exit_code(a->status);
	return 1;
}

static int
docker_agent_cmp(const void *va, const void *vb)
{
	const struct agent_info	*a = va, *b = vb;
	int			 r;

	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	if ((r = strcmp(a->name, b->name)) != 0)
		return r;
	return strcmp(a->id, b->id);
}

int
docker_json_lines(const char *out, const char *what,
    int (*each)(json_t *, void *, const char **), void *arg, char **cause)
{
	size_t		 len, line = 0;
	const char	*p, *end, *why;
	char		*echo;
	json_t		*obj;
	json_error_t	 err;
	int		 ok;

	for (p = out != NULL ? out : ""; *p != '\0'; p = end + (*end != '\0')) {
		end = strchrnul(p, '\n');
		len = (size_t)(end - p);
		line++;
		if (strspn(p, " \t\r") >= len)
			continue;
		if ((obj = json_loadb(p, len, 0, &err)) == NULL) {
			/* jansson's text quotes the bytes near the error. */
			if (cause != NULL) {
				echo = echo_text(err.text,
				    JSON_ERROR_TEXT_LENGTH);
				*cause = xasprintf("%s: line %zu: %s", what,
				    line, echo);
				free(echo);
			}
			return -1;
		}
		why = "not a JSON object";
		ok = json_is_object(obj) && each(obj, arg, &why) == 0;
		json_decref(obj);
		if (!ok) {
			if (cause != NULL)
				*cause = xasprintf("%s: line %zu: %s", what,
				    line, why);
			return -1;
		}
	}
	return 0;
}

struct docker_ps_list {
	struct agent_info	*list;
	size_t			 count;
};

/* Objects that are not agents are skipped, not errors. */
static int
docker_ps_each(json_t *obj, void *arg, const char **why)
{
	struct docker_ps_list	*l = arg;

	(void)why;
	l->list = xreallocarray(l->list, l->count + 1, sizeof *l->list);
	if (docker_agent_from(obj, &l->list[l->count]))
		l->count++;
	return 0;
}

int
docker_parse_ps(const char *out, struct agent_info **agents, size_t *n,
    char **cause)
{
	struct docker_ps_list	l = { NULL, 0 };

	*agents = NULL;
	*n = 0;
	if (docker_json_lines(out, "docker ps", docker_ps_each, &l,
	    cause) != 0) {
		agent_info_free(l.list, l.count);
		return -1;
	}
	if (l.count > 0)
		qsort(l.list, l.count, sizeof *l.list, docker_agent_cmp);
	*agents = l.list;
	*n = l.count;
	return 0;
}

/*
 * One container of the Engine API's /containers/json; 0 if it is not an
 * agent.  The API gives Names as "/name" and Created as a Unix time; the
 * fields agents need are the ones docker ps shows.
 */
static int
docker_agent_from_api(json_t *obj, struct agent_info *a)
{
	const char	*label, *name;
	json_int_t	 created;
	struct tm	 tm;
	time_t		 t;
	char		 buf[64];
	int		 n;

	label = json_string_value(json_object_get(json_object_get(obj,
	    "Labels"), AGENT_LABEL));
	if (label == NULL || (n = docker_number(label)) < 0)
		return 0;
	name = json_string_value(json_array_get(json_object_get(obj,
	    "Names"), 0));
	if (name == NULL)
		return 0;
	if (*name == '/')
		name++;
	if (*name == '\0')
		return 0;

	memset(a, 0, sizeof *a);
	a->n = n;
	a->name = xstrdup(name);
	a->id = docker_field(obj, "Id");
	a->image = docker_field(obj, "Image");
	a->state = docker_field(obj, "State");
	a->status = docker_field(obj, "Status");
	created = json_integer_value(json_object_get(obj, "Created"));
	t = (time_t)created;
	if (created > 0 && created < 253402300800LL &&
	    gmtime_r(&t, &tm) != NULL &&
	    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S +0000 UTC", &tm) > 0)
		a->created = xstrdup(buf);
	else
		a->created = xstrdup("");
	a->exit_code = docker_exit_code(a->status);
	return 1;
}

int
docker_parse_containers(const char *body, size_t len,
    struct agent_info **agents, size_t *n, char **cause)
{
	struct agent_info	*list = NULL;
	size_t			 count = 0, i;
	json_error_t		 err;
	json_t			*arr, *obj;
	char			*echo;

	*agents = NULL;
	*n = 0;
	if ((arr = json_loadb(body, len, 0, &err)) == NULL) {
		echo = echo_text(err.text, JSON_ERROR_TEXT_LENGTH);
		*cause = xasprintf("dockerd's container list: %s", echo);
		free(echo);
		return -1;
	}
	if (!json_is_array(arr)) {
		json_decref(arr);
		*cause = xstrdup("dockerd's container list: not a JSON array");
		return -1;
	}
	json_array_foreach(arr, i, obj) {
		list = xreallocarray(list, count + 1, sizeof *list);
		if (json_is_object(obj) &&
		    docker_agent_from_api(obj, &list[count]))
			count++;
	}
	json_decref(arr);
	if (count > 0)
		qsort(list, count, sizeof *list, docker_agent_cmp);
	*agents = list;
	*n = count;
	return 0;
}

void
agent_info_free(struct agent_info *agents, size_t n)
{
	size_t	i;

	if (agents == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(agents[i].name);
		free(agents[i].id);
		free(agents[i].image);
		free(agents[i].state);
		free(agents[i].status);
		free(agents[i].created);
	}
	free(agents);
}
