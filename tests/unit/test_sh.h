/*
 * For unit tests of the shell commands the program builds: run one for
 * real under /bin/sh with a stand-in program first on PATH, and look at
 * what the stand-in was given.  Include it after <cmocka.h>.
 */
#ifndef SANDBOX_TUI_TEST_SH_H
#define SANDBOX_TUI_TEST_SH_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/shquote.h"
#include "config/xmalloc.h"
#include "gcp/docker.h"

/* A stand-in that prints each argument in brackets, a line a call. */
#define TEST_SH_ECHO_ARGS "#!/bin/sh\nfor a; do printf '[%s]' \"$a\"; done\necho\n"

/*
 * Runs cmd under /bin/sh with `name` (a script of that text) first on
 * PATH; returns its stdout (caller frees) and puts pclose()'s status in
 * *status.  quiet: the shell's own stderr goes to /dev/null.
 */
static __attribute__((unused)) char *
test_sh_stub(const char *name, const char *script, const char *cmd,
    int quiet, int *status)
{
	char	 dir[] = "/tmp/test_sh.XXXXXX", *path, *full, *qdir, *out;
	FILE	*f;
	size_t	 len = 0, size = 4096, got;

	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(script, f);
	fclose(f);
	assert_int_equal(chmod(path, 0700), 0);

	qdir = sh_quote(dir);
	full = xasprintf("%sPATH=%s:$PATH; export PATH; %s",
	    quiet ? "exec 2>/dev/null; " : "", qdir, cmd);
	f = popen(full, "r");
	assert_non_null(f);
	out = xmalloc(size);
	while ((got = fread(out + len, 1, size - 1 - len, f)) > 0) {
		len += got;
		if (len + 1 == size)
			out = xrealloc(out, size *= 2);
	}
	out[len] = '\0';
	*status = pclose(f);

	unlink(path);
	rmdir(dir);
	free(full);
	free(qdir);
	free(path);
	return out;
}

/* cmd with a stand-in docker that prints its arguments (TEST_SH_ECHO_ARGS). */
static __attribute__((unused)) char *
test_sh_docker(const char *cmd, int *status)
{
	return test_sh_stub("docker", TEST_SH_ECHO_ARGS, cmd, 1, status);
}

#endif
