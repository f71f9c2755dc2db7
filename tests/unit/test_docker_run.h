/*
 * What the gcp/docker_run.c unit tests that run commands for real share:
 * a temporary directory whose name needs quoting, and its removal.
 * Include after cmocka.h.
 */
#ifndef SANDBOX_TUI_TEST_DOCKER_RUN_H
#define SANDBOX_TUI_TEST_DOCKER_RUN_H

#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>

#include "config/shquote.h"
#include "config/xmalloc.h"

/* A temporary directory whose name needs quoting; caller frees. */
static inline char *
test_docker_run_tmpdir(void)
{
	char	 tmpl[] = "/tmp/test_docker_run.XXXXXX", *dir;

	assert_non_null(mkdtemp(tmpl));
	dir = xasprintf("%s/it's a \"dir\" $(x) `y`", tmpl);
	assert_int_equal(mkdir(dir, 0700), 0);
	return dir;
}

/* Removes such a directory and the one mkdtemp made for it. */
static inline void
test_docker_run_tmpdir_rm(const char *dir)
{
	char	*parent, *qparent, *cmd;

	parent = xstrndup(dir, strrchr(dir, '/') - dir);
	qparent = sh_quote(parent);
	cmd = xasprintf("rm -rf -- %s", qparent);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(qparent);
	free(parent);
}

#endif
