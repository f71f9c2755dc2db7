/*
 * `image build` and `image status` (tui/cmd_image.c, tui/image_build.c):
 * the agent image made on the target by streaming its build context to
 * `docker build -` over the one connection.
 */
#ifndef SANDBOX_TUI_IMAGE_H
#define SANDBOX_TUI_IMAGE_H

#include <stddef.h>

struct app;

enum image_only { IMAGE_BOTH, IMAGE_BASE, IMAGE_AGENT };

/* What `image build` was asked for; strings point into argv or the config. */
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
	char		**ca;		/* PEM files here */
	size_t		 nca;
	char		**args;		/* NAME=VALUE */
	size_t		 nargs;
	char		**labels;	/* NAME=VALUE */
	size_t		 nlabels;
};

/* cmd_image.c */
int image_parse(int argc, char **argv, struct image_args *, char **cause);
void image_args_free(struct image_args *);

/* image_build.c: starts the build; 0, or -1 with *cause. */
int image_build_start(struct app *, const struct image_args *, char **cause);
/* Stops a build: reported as failed with why, or silently (why NULL). */
void image_build_free(struct app *, const char *why);

#endif
