/*
 * Helpers shared by the docker files of gcp/ (docker*.c).
 * Private to gcp/: other folders use gcp/docker.h.
 */
#ifndef SANDBOX_TUI_DOCKER_PRIVATE_H
#define SANDBOX_TUI_DOCKER_PRIVATE_H

#include <stddef.h>

#include "config/strbuf.h"

/*
 * A command is built in a strbuf: words with strbuf_add(), values with
 * these.  Appends " " and the quoted value.
 */
void	 docker_buf_addq(struct strbuf *, const char *value);
/* Appends " flag 'value'" for a value from a format. */
void	 docker_buf_addf(struct strbuf *, const char *flag,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Docker's rule for container names (and what an ID looks like too). */
int docker_valid_name(const char *name);
/* A plausible image reference ([A-Za-z0-9._/:@-], no '-' first); else 0
 * with *cause naming it (cause may be NULL). */
int docker_image_ok(const char *image, char **cause);
/* Container names a command may take (docker_run.c); else 0 with *cause. */
int docker_run_names_ok(char *const *names, size_t n, char **cause);
/* Longest user input echoed back in an error message (echo_text). */
#define DOCKER_ECHO_MAX 32
/*
 * Calls each() with every object of docker's `--format '{{json .}}'`
 * output, one a line (blank lines skipped).  A line that is not a JSON
 * object, or for which each() returns -1 with *why set, ends it: -1 with
 * *cause "WHAT: line N: why" (cause may be NULL).
 */
struct json_t;
int docker_json_lines(const char *out, const char *what,
	    int (*each)(struct json_t *, void *, const char **why), void *arg,
	    char **cause);

#endif
