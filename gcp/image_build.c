/*
 * `image build`: makes the agent image on the target with the target's own
 * docker.  Each step (the base from Dockerfile.base, then the agent image
 * from Dockerfile, or one folder of the user's) is a tar of its build
 * context, written to `docker build -` on an exec channel's stdin as fast
 * as the channel takes it (gcp/tarball.c makes it piece by piece, so a
 * large Node.js tree never sits in memory).  Nothing is copied to the
 * target first and no registry is involved: a VM that cannot reach Docker
 * Hub or nodejs.org can still be given an image (--from, --node).
 *
 * Progress goes to the caller's callbacks: the CLI shows docker's output
 * as it comes, the grid the step in its status bar.  The whole output of the last build
 * is kept in CONFIG_DIR/image-build.log, which a failure names.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "config/echo.h"
#include "config/utf8.h"
#include "config/words.h"
#include "config/xmalloc.h"
#include "gcp/conn.h"
#include "gcp/docker.h"
#include "gcp/dockerignore.h"
#include "gcp/image_build.h"
#include "gcp/loop.h"
#include "gcp/tarball.h"

#define IMAGE_CHUNK	65536
#define IMAGE_QUEUE	(4 * CHAN_WRITE_LOW)
#define IMAGE_LINE_MAX	4096
#define IMAGE_STEP_MAX	60	/* of a step's text in the status bar */
#define IMAGE_TAIL	12

struct image_step {
	const char	*label;		/* "base", "agent" */
	char		*tag;
	struct docker_build b;
	char		*cmd;		/* made (and so checked) up front */
	char		**args, **labels;
	size_t		 nargs, nlabels;
	struct tarball	*tar;
};

struct image_job {
	struct conn		*conn;
	struct image_build_cb	 cb;
	void			*arg;
	struct image_step	 steps[2];
	int			 nsteps, cur;
	struct chan		*chan;
	int64_t			 started, step_started;
	int			 upload_done;
	int			 last_percent;

	char			 line[IMAGE_LINE_MAX];
	size_t			 linelen;
	int			 cr;		/* the last byte was \r */
	char			*tail[IMAGE_TAIL];
	size_t			 ntail;
	char			*step_text;	/* "Step 3/12 : RUN ..." */
	char			*built_id;
	char			*log_path;
	FILE			*log;
	char			*error;
};

static void	image_step_run(struct image_job *);

static void
image_report(struct image_job *job, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
image_report(struct image_job *job, const char *fmt, ...)
{
	va_list		 ap;
	char		*text;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	if (text == NULL)
		return;
	job->cb.progress(job->steps[job->cur].label, text, job->arg);
	free(text);
}

static void
image_step_free(struct image_step *s)
{
	size_t	i;

	for (i = 0; i < s->nargs; i++)
		free(s->args[i]);
	free(s->args);
	for (i = 0; i < s->nlabels; i++)
		free(s->labels[i]);
	free(s->labels);
	free(s->tag);
	free(s->cmd);
	tarball_free(s->tar);
	memset(s, 0, sizeof *s);
}

static void
image_job_free(struct image_job *job)
{
	size_t	i;
	int	k;

	for (k = 0; k < job->nsteps; k++)
		image_step_free(&job->steps[k]);
	for (i = 0; i < job->ntail; i++)
		free(job->tail[i]);
	if (job->log != NULL)
		fclose(job->log);
	free(job->step_text);
	free(job->built_id);
	free(job->log_path);
	free(job->error);
	free(job);
}

static void
image_addf(char ***v, size_t *n, const char *fmt, const char *value)
{
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = xasprintf(fmt, value);
}

/* "4.1 kB", "30.0 MB": contexts are mostly small, sometimes large. */
static const char *
image_bytes(unsigned long long n, char *buf, size_t len)
{
	if (n < 1000 * 1000)
		snprintf(buf, len, "%.1f kB", n / 1e3);
	else
		snprintf(buf, len, "%.1f MB", n / 1e6);
	return buf;
}

/*
 * A line of docker's output as a message may show it: colour sequences
 * (the classic builder paints stderr red) dropped, tabs as spaces (a RUN's
 * continuation lines may be indented with them), the rest through
 * echo_text.  Caller frees.
 */
static char *
image_clean(const char *line)
{
	char	*out = xmalloc(strlen(line) + 1), *o = out, *echo;

	while (*line != '\0') {
		if (*line == '\033') {
			line++;
			if (*line == '[') {
				line++;
				while (*line != '\0' && (*line < 0x40 ||
				    *line > 0x7e))
					line++;
			}
			if (*line != '\0')
				line++;
			continue;
		}
		*o++ = *line == '\t' ? ' ' : *line;
		line++;
	}
	*o = '\0';
	echo = echo_text(out, IMAGE_LINE_MAX);
	free(out);
	return echo;
}

/* Runs of blanks as one: a RUN's continuation lines are indented. */
static void
image_squeeze(char *s)
{
	char	*o = s;
	int	 blank = 0;

	for (; *s != '\0'; s++) {
		if (*s == ' ' && blank)
			continue;
		blank = *s == ' ';
		*o++ = *s;
	}
	*o = '\0';
}

/* ---- the build contexts -------------------------------------------------- */

/*
 * ca/NN-NAME.crt: Dockerfile.base keeps only *.crt (update-ca-certificates'
 * rule), and a file that is no certificate would only fail later, inside
 * the build, with a far worse message.
 */
static int
image_add_ca(struct tarball *t, const char *path, int n, char **cause)
{
	char		 buf[8192], *name, *base, *dot;
	ssize_t		 got;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		*cause = xasprintf("CA certificate %s: %s", path,
		    strerror(errno));
		return -1;
	}
	got = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[got > 0 ? got : 0] = '\0';
	if (strstr(buf, "-----BEGIN CERTIFICATE-----") == NULL) {
		*cause = xasprintf("CA certificate %s: not a PEM certificate "
		    "(no -----BEGIN CERTIFICATE----- line)", path);
		return -1;
	}
	base = xstrdup(strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 :
	    path);
	if ((dot = strrchr(base, '.')) != NULL)
		*dot = '\0';
	name = xasprintf("ca/%02d-%s.crt", n, base);
	free(base);
	if (tarball_add_path(t, name, path, cause) != 0) {
		free(name);
		return -1;
	}
	free(name);
	return 0;
}

static enum tarball_verdict
image_ignore(const char *name, int dir, void *arg)
{
	const struct dockerignore	*di = arg;

	/*
	 * Sent whatever the file says, as docker's CLI does: the builder
	 * reads them.  The classic builder then keeps them out of COPY when
	 * listed; BuildKit does not look at .dockerignore in a tar context.
	 */
	if (strcmp(name, "Dockerfile") == 0 ||
	    strcmp(name, ".dockerignore") == 0)
		return TARBALL_KEEP;
	if (!dockerignore_excluded(di, name))
		return TARBALL_KEEP;
	/* Unless a '!' line may bring back something below, skip the
	 * tree unread, as docker does. */
	if (dir && !dockerignore_may_keep_below(di, name))
		return TARBALL_PRUNE;
	return TARBALL_SKIP;
}

/* The user's folder as the root of the context, less what it ignores. */
static int
image_add_folder(struct tarball *t, const char *dir, char **cause)
{
	struct stat		 st;
	struct dockerignore	*di;
	char			*df = xasprintf("%s/Dockerfile", dir);
	int			 ok = stat(df, &st) == 0 && S_ISREG(st.st_mode);
	int			 rc;

	free(df);
	if (!ok) {
		*cause = xasprintf("--context %s: no Dockerfile in it", dir);
		return -1;
	}
	if ((di = dockerignore_load(dir, cause)) == NULL)
		return -1;
	tarball_set_filter(t, image_ignore, di);
	rc = tarball_add_path(t, ".", dir, cause);
	tarball_set_filter(t, NULL, NULL);
	dockerignore_free(di);
	return rc;
}

static int
image_plan_base(struct image_job *job, const struct image_args *a,
    char **ca, size_t nca, char **cause)
{
	struct image_step	*s = &job->steps[job->nsteps];
	char			*name;
	size_t			 i;

	/* Counted at once, so that a failure below frees it too. */
	job->nsteps++;
	s->label = "base";
	s->tag = xstrdup(a->base_tag);
	s->tar = tarball_new();
	/* Both folders must exist for COPY, even when empty. */
	if (tarball_add_data(s->tar, "Dockerfile.base",
	    config_image_dockerfile_base, strlen(config_image_dockerfile_base),
	    0644, cause) != 0 ||
	    tarball_add_dir(s->tar, "ca", 0755, cause) != 0)
		return -1;
	for (i = 0; i < nca; i++) {
		if (image_add_ca(s->tar, ca[i], (int)i + 1, cause) != 0)
			return -1;
	}
	if (a->node != NULL) {
		struct stat	st;

		if (stat(a->node, &st) == 0 && S_ISDIR(st.st_mode))
			name = xstrdup("node");
		else if (tarball_add_dir(s->tar, "node", 0755, cause) == 0)
			name = xasprintf("node/%s", strrchr(a->node, '/') !=
			    NULL ? strrchr(a->node, '/') + 1 : a->node);
		else
			return -1;
		if (tarball_add_path(s->tar, name, a->node, cause) != 0) {
			free(name);
			return -1;
		}
		free(name);
	} else if (tarball_add_dir(s->tar, "node", 0755, cause) != 0)
		return -1;
	image_addf(&s->args, &s->nargs, "BASE=%s", a->from);
	image_addf(&s->args, &s->nargs, "NODE_SOURCE=%s", a->node != NULL ?
	    "context" : "dist");
	image_addf(&s->args, &s->nargs, "NODE_VERSION=%s", a->node_version);
	s->b.dockerfile = "Dockerfile.base";
	return 0;
}

static int
image_plan_agent(struct image_job *job, const struct image_args *a,
    char **cause)
{
	struct image_step	*s = &job->steps[job->nsteps];
	const char		*cv = a->claude_version;

	s->label = "agent";
	s->tag = xstrdup(a->agent_tag);
	s->tar = tarball_new();
	s->b.dockerfile = "Dockerfile";
	job->nsteps++;
	if (a->context != NULL)
		return image_add_folder(s->tar, a->context, cause);
	if (tarball_add_data(s->tar, "Dockerfile", config_image_dockerfile,
	    strlen(config_image_dockerfile), 0644, cause) != 0 ||
	    tarball_add_data(s->tar, "entrypoint.sh", config_image_entrypoint,
	    strlen(config_image_entrypoint), 0755, cause) != 0)
		return -1;
	image_addf(&s->args, &s->nargs, "BASE_IMAGE=%s", a->base_tag);
	image_addf(&s->args, &s->nargs, "CLAUDE_CODE_VERSION=%s", cv);
	image_addf(&s->labels, &s->nlabels, "sandbox-tui.claude-code=%s", cv);
	/* A tag names a new version now and then; docker's cache cannot
	 * know, so a rebuild fetches it again.  An exact version is cached. */
	if (strspn(cv, "0123456789.") != strlen(cv)) {
		char	now[32];

		snprintf(now, sizeof now, "%lld", (long long)time(NULL));
		image_addf(&s->args, &s->nargs, "CLAUDE_CODE_FETCH=%s", now);
	}
	return 0;
}

/* The steps asked for, each with its context, arguments and labels. */
static int
image_plan(struct image_job *job, const struct image_args *a, char **cause)
{
	char		**ca = NULL;
	int		 nca = 0, k, rc = -1;
	size_t		 i;

	if (a->context == NULL && a->only != IMAGE_AGENT) {
		if (words_split(a->ca_certs, &nca, &ca,
		    cause) != 0) {
			char *inner = *cause;

			*cause = xasprintf("image.ca_certs: %s", inner);
			free(inner);
			return -1;
		}
		for (i = 0; i < a->nca; i++) {
			ca = xreallocarray(ca, (size_t)nca + 2, sizeof *ca);
			ca[nca++] = xstrdup(a->ca[i]);
			ca[nca] = NULL;
		}
		if (image_plan_base(job, a, ca, (size_t)nca, cause) != 0)
			goto out;
	}
	if (a->only != IMAGE_BASE && image_plan_agent(job, a, cause) != 0)
		goto out;
	for (k = 0; k < job->nsteps; k++) {
		struct image_step	*s = &job->steps[k];

		image_addf(&s->labels, &s->nlabels, "sandbox-tui.version=%s",
		    SANDBOX_TUI_VERSION);
		/* After ours: docker takes the last of a name given twice. */
		for (i = 0; i < a->nargs; i++)
			image_addf(&s->args, &s->nargs, "%s", a->args[i]);
		for (i = 0; i < a->nlabels; i++)
			image_addf(&s->labels, &s->nlabels, "%s",
			    a->labels[i]);
		s->b.tag = s->tag;
		s->b.network = a->network;
		s->b.args = s->args;
		s->b.nargs = s->nargs;
		s->b.labels = s->labels;
		s->b.nlabels = s->nlabels;
		s->b.no_cache = a->no_cache;
		/* The network may point into argv, gone once we return. */
		if ((s->cmd = docker_cmd_build(&s->b, cause)) == NULL)
			goto out;
		s->b.network = NULL;
	}
	rc = 0;
out:
	words_free(nca, ca);
	return rc;
}

/* ---- running a step ------------------------------------------------------ */

static void
image_finish(struct image_job *job)
{
	struct image_step	*last = &job->steps[job->error != NULL ?
				    job->cur : job->nsteps - 1];
	struct image_result	 r;
	char			*msg = NULL;

	if (job->error != NULL) {
		msg = xasprintf("image build %s: %s (the whole output is in "
		    "%s)", last->label, job->error, job->log_path);
	}
	r.error = msg;
	r.label = last->label;
	r.tag = last->tag;
	r.id = job->built_id != NULL ? job->built_id : "";
	r.seconds = (loop_now() - job->started) / 1000.0;
	job->cb.done(&r, job->arg);
	free(msg);
	image_job_free(job);
}

static void
image_fail(struct image_job *job, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
image_fail(struct image_job *job, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	free(job->error);
	if (vasprintf(&job->error, fmt, ap) < 0)
		job->error = xstrdup("failed");
	va_end(ap);
	if (job->chan != NULL) {
		chan_close(job->chan);
		job->chan = NULL;
	}
	image_finish(job);
}

static void
image_keep_line(struct image_job *job, const char *line)
{
	struct docker_build_step	 st;
	const char			*p;
	char				*text, *step;

	if (job->log != NULL)
		fprintf(job->log, "%s\n", line);
	if (job->cb.line != NULL)
		job->cb.line(line, job->arg);
	if (job->ntail == IMAGE_TAIL) {
		free(job->tail[0]);
		memmove(job->tail, job->tail + 1,
		    (IMAGE_TAIL - 1) * sizeof *job->tail);
		job->ntail--;
	}
	job->tail[job->ntail++] = image_clean(line);
	if (docker_build_step(job->tail[job->ntail - 1], &st)) {
		free(job->step_text);
		text = xstrdup(st.text);
		image_squeeze(text);
		/* Echoed text echoes as itself: this only cuts it short. */
		step = echo_text(text, IMAGE_STEP_MAX);
		job->step_text = xasprintf("step %d/%d: %s", st.step,
		    st.total, step);
		free(step);
		free(text);
		if (job->cb.line == NULL)
			image_report(job, "%s", job->step_text);
	}
	/* The classic builder, then BuildKit. */
	line = job->tail[job->ntail - 1];
	if (strncmp(line, "Successfully built ", 19) == 0) {
		free(job->built_id);
		job->built_id = xstrdup(line + 19);
	} else if ((p = strstr(line, "writing image sha256:")) != NULL) {
		free(job->built_id);
		job->built_id = xstrndup(p + 14, strcspn(p + 14, " "));
	}
}

static void
image_data(struct chan *ch, const char *buf, size_t len, void *arg)
{
	struct image_job	*job = arg;
	size_t			 i;

	(void)ch;
	for (i = 0; i < len; i++) {
		char	c = buf[i];

		/* \r\n is one break; a lone \r (a progress bar) is too. */
		if (c == '\n' && job->cr) {
			job->cr = 0;
			continue;
		}
		job->cr = c == '\r';
		if (c == '\n' || c == '\r' || job->linelen == IMAGE_LINE_MAX - 1) {
			job->line[job->linelen] = '\0';
			image_keep_line(job, job->line);
			job->linelen = 0;
			if (c == '\n' || c == '\r')
				continue;
		}
		job->line[job->linelen++] = c;
	}
}

static void
image_writable(struct chan *ch, void *arg)
{
	struct image_job	*job = arg;
	struct image_step	*s = &job->steps[job->cur];
	char			 buf[IMAGE_CHUNK], *cause = NULL, size[32];
	unsigned long long	 total = tarball_size(s->tar);
	long			 n;
	int			 percent;

	while (chan_write_queued(ch) < IMAGE_QUEUE) {
		if ((n = tarball_read(s->tar, buf, sizeof buf, &cause)) < 0) {
			image_fail(job, "sending the build context: %s", cause);
			free(cause);
			return;
		}
		if (n == 0) {
			chan_write_eof(ch);
			if (!job->upload_done) {
				job->upload_done = 1;
				image_report(job, "context sent (%s in %.1f s)",
				    image_bytes(total, size, sizeof size),
				    (loop_now() - job->step_started) / 1000.0);
			}
			return;
		}
		chan_write(ch, buf, (size_t)n);
	}
	percent = total > 0 ? (int)(tarball_sent(s->tar) * 100 / total) : 100;
	if (percent / 10 != job->last_percent / 10 && job->cb.line == NULL)
		image_report(job, "sending the context: %d%% of %s",
		    percent, image_bytes(total, size, sizeof size));
	job->last_percent = percent;
}

/* Docker's own noise between a failing command and its verdict. */
static int
image_noise(const char *line)
{
	return strspn(line, " \t") == strlen(line) ||
	    strncmp(line, "Removing intermediate container", 31) == 0 ||
	    strncmp(line, " ---> ", 6) == 0;
}

/* "...xyz" keeping the end, where docker puts the exit code. */
static char *
image_shorten(const char *line)
{
	size_t	len = strlen(line);

	if (len <= 160)
		return xstrdup(line);
	return xasprintf("%.*s ... %s", (int)utf8_cut(line, 60), line,
	    line + utf8_cut(line, len - 80));
}

/*
 * Why the build failed, in docker's words: its last line, and when that is
 * the classic builder's "The command ... returned a non-zero code: N", the
 * command's own last line before it too ("apt-get: not found").
 */
static char *
image_why(struct image_job *job)
{
	char	*last, *cause, *why;
	size_t	 i = job->ntail;

	while (i > 0 && image_noise(job->tail[i - 1]))
		i--;
	if (i == 0)
		return NULL;
	last = image_shorten(job->tail[--i]);
	if (strstr(last, "returned a non-zero code") == NULL)
		return last;
	while (i > 0 && image_noise(job->tail[i - 1]))
		i--;
	if (i == 0 || docker_build_step(job->tail[i - 1],
	    &(struct docker_build_step){ 0, 0, NULL }))
		return last;
	cause = image_shorten(job->tail[i - 1]);
	why = xasprintf("%s (%s)", cause, last);
	free(cause);
	free(last);
	return why;
}

static void
image_closed(struct chan *ch, int status, const char *reason, void *arg)
{
	struct image_job	*job = arg;
	char			*why;

	(void)ch;
	job->chan = NULL;
	if (job->linelen > 0) {
		job->line[job->linelen] = '\0';
		image_keep_line(job, job->line);
		job->linelen = 0;
	}
	if (status == 0) {
		if (++job->cur < job->nsteps) {
			image_step_run(job);
			return;
		}
		image_finish(job);
		return;
	}
	if (status < 0) {
		image_fail(job, "%s; docker's cache keeps the steps that "
		    "finished, so running image build again resumes there",
		    reason);
		return;
	}
	why = image_why(job);
	if (job->step_text != NULL && why != NULL)
		image_fail(job, "docker build exited with status %d at %s: %s",
		    status, job->step_text, why);
	else if (why != NULL)
		image_fail(job, "docker build exited with status %d: %s",
		    status, why);
	else
		image_fail(job, "docker build exited with status %d", status);
	free(why);
}

static void
image_step_run(struct image_job *job)
{
	static const struct chan_callbacks cbs = { .data = image_data,
	    .closed = image_closed, .writable = image_writable };
	struct image_step	*s = &job->steps[job->cur];
	char			 size[32];
	size_t			 i;

	free(job->step_text);
	job->step_text = NULL;
	/* Words of the step before cannot explain this one's failure. */
	for (i = 0; i < job->ntail; i++)
		free(job->tail[i]);
	job->ntail = 0;
	job->linelen = 0;
	job->cr = 0;
	job->upload_done = 0;
	job->last_percent = -10;
	job->step_started = loop_now();
	image_report(job, "sending %s of build context to docker build -t %s "
	    "on %s", image_bytes(tarball_size(s->tar), size, sizeof size),
	    s->tag, conn_describe(job->conn));
	if (job->log != NULL)
		fprintf(job->log, "$ %s\n", s->cmd);
	job->chan = conn_open_stream(job->conn, s->cmd, &cbs, job);
}

struct image_job *
image_build_new(struct conn *conn, const struct image_args *a,
    const struct image_build_cb *cb, void *arg, char **cause)
{
	struct image_job	*job;
	char			*dir;
	int			 fd;

	job = xcalloc(1, sizeof *job);
	job->conn = conn;
	job->cb = *cb;
	job->arg = arg;
	if (image_plan(job, a, cause) != 0) {
		image_job_free(job);
		return NULL;
	}
	dir = config_dir();
	job->log_path = xasprintf("%s/image-build.log", dir);
	free(dir);
	fd = open(job->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600);
	if (fd >= 0 && (job->log = fdopen(fd, "w")) == NULL)
		close(fd);
	return job;
}

void
image_build_run(struct image_job *job)
{
	job->started = loop_now();
	image_step_run(job);
}

void
image_build_stop(struct image_job *job, const char *why)
{
	if (job == NULL)
		return;
	if (why != NULL) {
		image_fail(job, "%s", why);
		return;
	}
	if (job->chan != NULL)
		chan_close(job->chan);
	image_job_free(job);
}
