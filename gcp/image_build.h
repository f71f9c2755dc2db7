/*
 * `image build`: the agent image made on the target by streaming its
 * build context to `docker build -` over the one connection.  The CLI and
 * the grid (tui/cmd_image.c) start the same build and differ only in how
 * they show its callbacks.
 */
#ifndef SANDBOX_TUI_IMAGE_BUILD_H
#define SANDBOX_TUI_IMAGE_BUILD_H

#include <stddef.h>

struct conn;

enum image_only { IMAGE_BOTH, IMAGE_BASE, IMAGE_AGENT };

/*
 * What `image build` was asked for.  Strings point into argv or the config
 * (tui/opts.c fills what the command line left NULL) and are only read
 * while image_build_start runs.
 */
struct image_args {
	int		 status;	/* image status */
	int		 json;		/* image status --json */
	enum image_only	 only;
	int		 no_cache;
	const char	*from;		/* Debian image of the base */
	const char	*claude_version;
	const char	*node_version;
	const char	*node;		/* Node.js tree or tarball here */
	const char	*context;	/* a folder of the user's own */
	const char	*network;
	const char	*base_tag;	/* image.base */
	const char	*agent_tag;	/* agents.image */
	const char	*ca_certs;	/* image.ca_certs: PEM files, words */
	char		**ca;		/* PEM files here */
	size_t		 nca;
	char		**args;		/* NAME=VALUE */
	size_t		 nargs;
	char		**labels;	/* NAME=VALUE */
	size_t		 nlabels;
};

/* The end of a build. */
struct image_result {
	const char	*error;		/* a sentence naming the log; NULL: built */
	const char	*label;		/* the last step run: "base", "agent" */
	const char	*tag;		/* of that step */
	const char	*id;		/* what docker built, "" if not said */
	double		 seconds;
};

struct image_build_cb {
	/* What the build does now, for a status line. */
	void	(*progress)(const char *step, const char *text, void *arg);
	/*
	 * Every line docker prints, or NULL.  A caller that shows the
	 * lines gets no progress for steps and upload percentages.
	 */
	void	(*line)(const char *line, void *arg);
	/* Called once; the build is freed after it returns. */
	void	(*done)(const struct image_result *, void *arg);
};

struct image_job;

/*
 * Plans the build on conn (contexts, arguments, the command); NULL with
 * *cause if it cannot be done.  image_build_run starts it: done may come
 * before run returns (a context file that cannot be read), so keep the
 * job's pointer first.
 */
struct image_job *image_build_new(struct conn *, const struct image_args *,
	    const struct image_build_cb *, void *arg, char **cause);
void image_build_run(struct image_job *);
/* Stops a build: reported through done as failed with why, or silently
 * (why NULL). */
void image_build_stop(struct image_job *, const char *why);

#endif
