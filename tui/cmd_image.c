/*
 * The `image` command (CLI `sandbox-tui image ...` and `:image ...`):
 * `image build` makes the agent image on the target (gcp/image_build.c),
 * `image status` says what is there: the image and its base, when they
 * were built, the Claude Code inside, and which agents still run an
 * older build.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "config/config.h"
#include "config/echo.h"
#include "config/xmalloc.h"
#include "gcp/conn.h"
#include "gcp/docker.h"
#include "gcp/image_build.h"
#include "tui/app.h"
#include "tui/cmd.h"
#include "tui/cmd_image.h"
#include "tui/opts.h"

#define IMAGE_USAGE "usage: image build [--only base|agent] [--no-cache] " \
	"[--from IMAGE] [--claude-code-version V] [--node-version V] " \
	"[--node PATH] [--ca-cert FILE]... [--build-arg NAME=VALUE]... " \
	"[--label NAME=VALUE]... [--network NAME] [--context DIR], or " \
	"image status [--json]"

static void
image_push(char ***v, size_t *n, const char *s)
{
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = xstrdup(s);
}

static void
image_args_free(struct image_args *a)
{
	size_t	i;

	for (i = 0; i < a->nca; i++)
		free(a->ca[i]);
	free(a->ca);
	for (i = 0; i < a->nargs; i++)
		free(a->args[i]);
	free(a->args);
	for (i = 0; i < a->nlabels; i++)
		free(a->labels[i]);
	free(a->labels);
	memset(a, 0, sizeof *a);
}

/* A file this machine can read: the cause names it and says why not. */
static int
image_readable(const char *what, const char *path, int want_dir,
    char **cause)
{
	struct stat	st;

	if (stat(path, &st) != 0) {
		*cause = xasprintf("%s %s: %s", what, path, strerror(errno));
		return -1;
	}
	if (want_dir >= 0 && (S_ISDIR(st.st_mode) ? 1 : 0) != want_dir) {
		*cause = xasprintf("%s %s: %s", what, path, want_dir ?
		    "not a directory" : "not a regular file");
		return -1;
	}
	return 0;
}

/* "--opt VALUE" or "--opt=VALUE"; *k moves past what was used. */
static const char *
image_value(int argc, char **argv, int *k, const char *opt, char **cause)
{
	size_t		 n = strlen(opt);
	const char	*w = argv[*k];

	if (strncmp(w, opt, n) != 0)
		return NULL;
	if (w[n] == '=')
		return w + n + 1;
	if (w[n] != '\0')
		return NULL;
	if (*k + 1 >= argc) {
		*cause = xasprintf("image build: %s needs a value", opt);
		return NULL;
	}
	return argv[++*k];
}

static int
image_parse(int argc, char **argv, struct image_args *a, char **cause)
{
	static const char *valued[] = { "--only", "--from",
	    "--claude-code-version", "--node-version", "--node", "--ca-cert",
	    "--build-arg", "--network", "--context", "--label" };
	const char	*v;
	size_t		 i;
	int		 k;

	memset(a, 0, sizeof *a);
	*cause = NULL;
	if (argc < 2 || (strcmp(argv[1], "build") != 0 &&
	    strcmp(argv[1], "status") != 0)) {
		*cause = xstrdup(IMAGE_USAGE);
		return -1;
	}
	a->status = strcmp(argv[1], "status") == 0;
	for (k = 2; k < argc; k++) {
		if (a->status) {
			if (strcmp(argv[k], "--json") != 0)
				goto unexpected;
			a->json = 1;
			continue;
		}
		if (strcmp(argv[k], "--no-cache") == 0) {
			a->no_cache = 1;
			continue;
		}
		for (i = 0; i < sizeof valued / sizeof valued[0]; i++) {
			if ((v = image_value(argc, argv, &k, valued[i],
			    cause)) != NULL)
				break;
			if (*cause != NULL)
				goto fail;
		}
		switch (i) {
		case 0:
			if (strcmp(v, "base") == 0)
				a->only = IMAGE_BASE;
			else if (strcmp(v, "agent") == 0)
				a->only = IMAGE_AGENT;
			else {
				*cause = xasprintf("image build: --only %s: "
				    "base or agent", v);
				goto fail;
			}
			break;
		case 1:
			a->from = v;
			break;
		case 2:
			a->claude_version = v;
			break;
		case 3:
			a->node_version = v;
			break;
		case 4:
			if (image_readable("--node", v, -1, cause) != 0)
				goto fail;
			a->node = v;
			break;
		case 5:
			if (image_readable("--ca-cert", v, 0, cause) != 0)
				goto fail;
			image_push(&a->ca, &a->nca, v);
			break;
		case 6:
			if (strchr(v, '=') == NULL) {
				*cause = xasprintf("image build: --build-arg "
				    "%s: expected NAME=VALUE", v);
				goto fail;
			}
			image_push(&a->args, &a->nargs, v);
			break;
		case 7:
			a->network = v;
			break;
		case 8:
			if (image_readable("--context", v, 1, cause) != 0)
				goto fail;
			a->context = v;
			break;
		case 9:
			if (strchr(v, '=') == NULL) {
				*cause = xasprintf("image build: --label %s: "
				    "expected NAME=VALUE", v);
				goto fail;
			}
			image_push(&a->labels, &a->nlabels, v);
			break;
		default:
			goto unexpected;
		}
	}
	if (a->context != NULL && (a->only == IMAGE_BASE || a->node != NULL ||
	    a->nca > 0)) {
		*cause = xstrdup("image build: --context builds your own "
		    "Dockerfile as the agent image; --only base, --node and "
		    "--ca-cert belong to the bundled one");
		goto fail;
	}
	return 0;
unexpected:
	*cause = xasprintf("image %s: unexpected '%s' (%s)", argv[1], argv[k],
	    IMAGE_USAGE);
fail:
	image_args_free(a);
	return -1;
}

int
cmd_image_check(int argc, char **argv, char **cause)
{
	struct image_args	a;

	if (image_parse(argc, argv, &a, cause) != 0)
		return -1;
	image_args_free(&a);
	return 0;
}

/* Docker's words in the status, as echo_text shows them, in buf. */
static const char *
image_show(char *buf, size_t size, const char *s)
{
	/* Leave room for the cut mark. */
	char	*e = echo_text(s != NULL ? s : "", size - sizeof ECHO_CUT);

	snprintf(buf, size, "%s", e);
	free(e);
	return buf;
}

/* "2.1 GB" */
static void
image_size(long long n, char *buf, size_t len)
{
	if (n < 0)
		snprintf(buf, len, "?");
	else if (n >= 1000LL * 1000 * 1000)
		snprintf(buf, len, "%.1f GB", n / 1e9);
	else
		snprintf(buf, len, "%.0f MB", n / 1e6);
}

/* "2026-11-29 07:10:02" from docker's RFC 3339 with nanoseconds. */
static void
image_when(const char *created, char *buf, size_t len)
{
	snprintf(buf, len, "%.19s", created != NULL ? created : "?");
	if (strlen(buf) > 10 && buf[10] == 'T')
		buf[10] = ' ';
}

static const char *
image_short_id(const char *id)
{
	if (id == NULL)
		return "?";
	if (strncmp(id, "sha256:", 7) == 0)
		id += 7;
	return id;
}

/* The first 12 characters of an image id, as docker shows it. */
static const char *
image_id12(char *buf, const char *id)
{
	snprintf(buf, 13, "%.12s", image_short_id(id));
	return buf;
}

static json_t *
image_info_json(const struct image_info *i, const char *name)
{
	json_t	*o = json_object();

	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "present", json_boolean(i->present));
	if (!i->present)
		return o;
	json_object_set_new(o, "id", json_string(i->id != NULL ? i->id : ""));
	if (i->created != NULL)
		json_object_set_new(o, "created", json_string(i->created));
	if (i->size >= 0)
		json_object_set_new(o, "size", json_integer(i->size));
	if (i->architecture != NULL)
		json_object_set_new(o, "architecture",
		    json_string(i->architecture));
	if (i->version != NULL)
		json_object_set_new(o, "built_by", json_string(i->version));
	return o;
}

static char *
image_status_json(const struct image_status *st, const char *image,
    const char *base)
{
	json_t	*o = json_object(), *agents = json_array(), *c;
	char	*s;
	size_t	 i;

	json_object_set_new(o, "docker", json_string(st->server_version));
	json_object_set_new(o, "image", image_info_json(&st->image, image));
	json_object_set_new(o, "base", image_info_json(&st->base, base));
	if (st->claude_version != NULL)
		json_object_set_new(o, "claude_code",
		    json_string(st->claude_version));
	for (i = 0; i < st->ncontainers; i++) {
		c = json_object();
		json_object_set_new(c, "name",
		    json_string(st->containers[i].name));
		json_object_set_new(c, "state",
		    json_string(st->containers[i].state));
		json_object_set_new(c, "current", json_boolean(
		    st->image.present && st->image.id != NULL &&
		    strcmp(st->containers[i].image_id, st->image.id) == 0));
		json_array_append_new(agents, c);
	}
	json_object_set_new(o, "agents", agents);
	s = json_dumps(o, JSON_INDENT(2));
	json_decref(o);
	return s;
}

static char *
image_status_text(const struct image_status *st, const char *image,
    const char *base, const char *target)
{
	char	*s = NULL, size[32], when[32], **old = NULL, a[160], b[160];
	char	 id[13];
	size_t	 i, nold = 0, len = 0;
	FILE	*f = open_memstream(&s, &len);

	fprintf(f, "target       %s (docker %s)\n", image_show(a, sizeof a,
	    target), image_show(b, sizeof b, st->server_version));
	if (st->image.present) {
		image_size(st->image.size, size, sizeof size);
		image_when(st->image.created, when, sizeof when);
		fprintf(f, "image        %s  %s  %s UTC  %s\n",
		    image_show(a, sizeof a, image), image_show(b, sizeof b,
		    image_id12(id, st->image.id)), image_show(when,
		    sizeof when, when), size);
		fprintf(f, "claude code  %s\n", st->claude_version != NULL ?
		    image_show(a, sizeof a, st->claude_version) :
		    "(not the bundled image: unknown)");
	} else
		fprintf(f, "image        %s: not on the target (image build "
		    "makes it)\n", image_show(a, sizeof a, image));
	if (st->base.present) {
		image_size(st->base.size, size, sizeof size);
		image_when(st->base.created, when, sizeof when);
		fprintf(f, "base         %s  %s  %s UTC  %s\n",
		    image_show(a, sizeof a, base), image_show(b, sizeof b,
		    image_id12(id, st->base.id)), image_show(when,
		    sizeof when, when), size);
	} else
		fprintf(f, "base         %s: not on the target\n",
		    image_show(a, sizeof a, base));
	for (i = 0; i < st->ncontainers; i++) {
		if (st->image.present && st->image.id != NULL &&
		    strcmp(st->containers[i].image_id, st->image.id) == 0)
			continue;
		old = xreallocarray(old, nold + 1, sizeof *old);
		old[nold++] = st->containers[i].name;
	}
	fprintf(f, "agents       %zu", st->ncontainers);
	if (nold == 0 && st->ncontainers > 0)
		fprintf(f, ", all on this build\n");
	else if (nold == 0)
		fprintf(f, "\n");
	else {
		fprintf(f, ", %zu on an older image (agents restart does not "
		    "change it: agents rm then agents start does):", nold);
		for (i = 0; i < nold; i++)
			fprintf(f, " %s", image_show(a, sizeof a, old[i]));
		fprintf(f, "\n");
	}
	fclose(f);
	free(old);
	return s;
}

/* The status bar's one line. */
static char *
image_status_line(const struct image_status *st, const char *image)
{
	char	when[32];
	size_t	i, nold = 0;

	if (!st->image.present)
		return xasprintf("image %s is not on the target: image build "
		    "makes it", image);
	for (i = 0; i < st->ncontainers; i++) {
		if (st->image.id == NULL ||
		    strcmp(st->containers[i].image_id, st->image.id) != 0)
			nold++;
	}
	image_when(st->image.created, when, sizeof when);
	return xasprintf("image %s %.12s built %s UTC, claude %s; %zu of %zu "
	    "agents on an older image", image, image_short_id(st->image.id),
	    when, st->claude_version != NULL ? st->claude_version : "?", nold,
	    st->ncontainers);
}

struct image_status_job {
	struct app	*app;
	int		 json;
	char		*image, *base;
};

static void
image_status_job_free(void *arg)
{
	struct image_status_job	*job = arg;

	free(job->image);
	free(job->base);
	free(job);
}

static void
image_status_done(const struct exec_result *r, void *arg)
{
	struct image_status_job	*job = arg;
	struct app		*app = job->app;
	struct image_status	 st;
	char			*cause = NULL, *text;

	if (r->error != NULL || r->status != 0)
		cause = r->error != NULL ? xasprintf("image status: %s",
		    r->error) : docker_explain(r->status, r->err,
		    conn_describe(app->conn), NULL);
	else if (docker_parse_image_status(r->out, &st, &cause) == 0) {
		if (!app->cli)
			text = image_status_line(&st, job->image);
		else if (job->json)
			text = image_status_json(&st, job->image, job->base);
		else
			text = image_status_text(&st, job->image, job->base,
			    conn_describe(app->conn));
		if (app->cli) {
			fputs(text, stdout);
			if (job->json)
				putchar('\n');
			fflush(stdout);
		} else
			app_message(app, 0, "%s", text);
		free(text);
		image_status_free(&st);
	}
	if (cause != NULL) {
		if (app->cli)
			fprintf(stderr, "sandbox-tui: %s\n", cause);
		else
			app_message(app, 1, "%s", cause);
	}
	if (app->cli)
		app_quit(app, cause == NULL ? 0 : 1);
	free(cause);
	image_status_job_free(job);
}

/* ---- image build: showing gcp/image_build.c's callbacks ---- */

static void
image_build_progress(const char *step, const char *text, void *arg)
{
	struct app	*app = arg;

	if (app->cli)
		fprintf(stderr, "sandbox-tui: image build: %s\n", text);
	else
		app_operation(app, APP_OP_IMAGE, "image build %s: %s", step,
		    text);
}

static void
image_build_line(const char *line, void *arg)
{
	(void)arg;
	fprintf(stderr, "%s\n", line);
	fflush(stderr);
}

static void
image_build_done(const struct image_result *r, void *arg)
{
	struct app	*app = arg;

	app->image_job = NULL;
	app_operation(app, APP_OP_IMAGE, NULL);
	if (r->error != NULL) {
		if (app->cli)
			fprintf(stderr, "sandbox-tui: %s\n", r->error);
		else
			app_message(app, 1, "%s", r->error);
	} else if (app->cli) {
		printf("%s %s\n", r->tag, r->id);
		fflush(stdout);
		fprintf(stderr, "sandbox-tui: image build: done in %.0f s\n",
		    r->seconds);
	} else if (strcmp(r->label, "base") == 0)
		app_message(app, 0, "image build: the base %s is ready (%.0f s); "
		    "image build --only agent puts the agent image on it",
		    r->tag, r->seconds);
	else
		app_message(app, 0, "image build: %s is ready (%.0f s); new "
		    "agents use it", r->tag, r->seconds);
	if (app->cli)
		app_quit(app, r->error != NULL ? 1 : 0);
}

static int
image_build_begin(struct app *app, struct image_args *a, char **cause)
{
	struct image_build_cb	 cb = { image_build_progress, NULL,
				    image_build_done };

	if (app->image_job != NULL) {
		*cause = xstrdup("image build is already running");
		return -1;
	}
	/* In the CLI docker's output goes to stderr as it comes. */
	if (app->cli)
		cb.line = image_build_line;
	opts_image(app->cfg, a);
	app->image_job = image_build_new(app->conn, a, &cb, app, cause);
	if (app->image_job == NULL)
		return -1;
	image_build_run(app->image_job);
	return 0;
}

int
cmd_image(struct app *app, int argc, char **argv, char **cause)
{
	struct image_args	 a;
	struct image_status_job	*job;
	char			*cmd;
	int			 rc;

	if (image_parse(argc, argv, &a, cause) != 0)
		return -1;
	if (app->conn == NULL || conn_state(app->conn) != CONN_READY) {
		*cause = xstrdup("image: not connected to the target");
		image_args_free(&a);
		return -1;
	}
	if (!a.status) {
		rc = image_build_begin(app, &a, cause);
		image_args_free(&a);
		return rc;
	}
	job = xcalloc(1, sizeof *job);
	job->app = app;
	job->json = a.json;
	job->image = xstrdup(config_str(app->cfg, "agents.image"));
	job->base = xstrdup(config_str(app->cfg, "image.base"));
	image_args_free(&a);
	if ((cmd = docker_cmd_image_status(job->image, job->base,
	    cause)) == NULL) {
		image_status_job_free(job);
		return -1;
	}
	app_exec(app, cmd, image_status_done, image_status_job_free, job);
	free(cmd);
	return 0;
}
