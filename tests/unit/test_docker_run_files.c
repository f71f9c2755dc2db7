/*
 * Unit tests for the file commands of gcp/docker_run.c, checked as text
 * and then run for real under /bin/sh: writing a file atomically with mode
 * 0600, and purging an agent's workspace and state directory (emptied by
 * a container only when rm is refused).
 */

#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/shquote.h"
#include "config/xmalloc.h"
#include "gcp/docker.h"
#include "tests/unit/test_docker_run.h"
#include "tests/unit/test_sh.h"

/* Runs cmd under /bin/sh with input on its stdin; returns the exit status. */
static int
test_docker_run_sh(const char *cmd, const char *input)
{
	FILE	*f;

	f = popen(cmd, "w");
	assert_non_null(f);
	if (input != NULL)
		fputs(input, f);
	return pclose(f);
}

static void
test_docker_run_put_file(void **state)
{
	char		*cmd, *cause = NULL, *dir, *path, *qpath, *content;
	char		*full, buf[256];
	struct stat	 sb;
	FILE		*f;
	size_t		 len;

	(void)state;
	cmd = docker_cmd_put_file("/home/u/.sandbox-tui/agent 3.env", &cause);
	assert_string_equal(cmd, "umask 077 && "
	    "mkdir -p '/home/u/.sandbox-tui' && "
	    "cat > '/home/u/.sandbox-tui/agent 3.env'.tmp.$$ && "
	    "chmod 600 '/home/u/.sandbox-tui/agent 3.env'.tmp.$$ && "
	    "mv -f '/home/u/.sandbox-tui/agent 3.env'.tmp.$$ "
	    "'/home/u/.sandbox-tui/agent 3.env' || "
	    "{ rm -f '/home/u/.sandbox-tui/agent 3.env'.tmp.$$; exit 1; }");
	free(cmd);
	cmd = docker_cmd_put_file("/x", &cause);
	assert_non_null(strstr(cmd, "mkdir -p '/' && cat > '/x'.tmp.$$"));
	free(cmd);
	cmd = docker_cmd_put_file("//a//b", &cause);
	assert_non_null(strstr(cmd, "mkdir -p '//a' && "));
	free(cmd);
	assert_null(cause);

	assert_null(docker_cmd_put_file("rel/x", &cause));
	assert_string_equal(cause, "file 'rel/x': not an absolute path");
	free(cause);
	cause = NULL;
	assert_null(docker_cmd_put_file("/a\nb", &cause));
	assert_string_equal(cause, "file '/a\\x0ab': contains a line break");
	free(cause);
	cause = NULL;
	assert_null(docker_cmd_put_file("/", &cause));
	assert_string_equal(cause, "file '/': names a directory");
	free(cause);
	cause = NULL;
	assert_null(docker_cmd_put_file("/a/", &cause));
	free(cause);
	assert_null(docker_cmd_put_file(NULL, NULL));

	/* For real: a new directory, the content, mode 0600, no tmp left. */
	dir = test_docker_run_tmpdir();
	path = xasprintf("%s/sub dir/it's.env", dir);
	cmd = docker_cmd_put_file(path, NULL);
	content = "A=one two\nB='x' $(id)\n";
	assert_int_equal(test_docker_run_sh(cmd, content), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	f = fopen(path, "r");
	assert_non_null(f);
	len = fread(buf, 1, sizeof buf - 1, f);
	buf[len] = '\0';
	fclose(f);
	assert_string_equal(buf, content);
	/* Replacing keeps 0600 even over a wider file. */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(test_docker_run_sh(cmd, "C=3\n"), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(sb.st_size, 4);
	free(cmd);
	qpath = sh_quote(dir);
	cmd = xasprintf("test \"$(ls -A %s/'sub dir')\" = \"it's.env\"",
	    qpath);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(qpath);
	free(path);

	/* A failing step leaves no tmp file behind and fails. */
	path = xasprintf("%s/sub dir/it's.env/x", dir);
	cmd = docker_cmd_put_file(path, NULL);
	full = xasprintf("exec 2>/dev/null; %s", cmd);
	assert_int_not_equal(test_docker_run_sh(full, "x"), 0);
	free(full);
	free(cmd);
	free(path);
	test_docker_run_tmpdir_rm(dir);
	free(dir);
}

static void
test_docker_run_purge(void **state)
{
	static const char *bad[] = {
		"ws", "", "/", "//", "/ws\n", "/a/../..", "/a/.", "/a:b",
	};
	char		*cmd, *cause = NULL, *dir, *a5, *a6, *f5, *s5, *full;
	char		*out;
	struct stat	 sb;
	size_t		 i;
	int		 status;
	FILE		*f;

	(void)state;
	cmd = docker_cmd_purge("/home/u/workspaces", 7, NULL, &cause);
	assert_string_equal(cmd, "rm -rf -- '/home/u/workspaces/agent-07' "
	    "'/home/u/workspaces/.sandbox-tui/agent-07'");
	free(cmd);
	assert_null(cause);
	/* With an image: emptied by a container only if rm fails. */
	cmd = docker_cmd_purge("/w", 7, "img:1", &cause);
	assert_string_equal(cmd, "{ rm -rf -- '/w/agent-07' "
	    "'/w/.sandbox-tui/agent-07' 2>/dev/null || "
	    "{ [ -L '/w/agent-07' ] || [ ! -d '/w/agent-07' ] || "
	    "docker run --rm --pull never --network none --user 0:0 "
	    "--cap-drop ALL --cap-add DAC_OVERRIDE --cap-add FOWNER "
	    "--security-opt no-new-privileges --entrypoint sh "
	    "-v '/w/agent-07:/w' 'img:1' "
	    "-c 'rm -rf -- /w/* /w/.[!.]* /w/..?*' >/dev/null; "
	    "rm -rf -- '/w/agent-07' '/w/.sandbox-tui/agent-07'; }; }");
	free(cmd);
	assert_null(docker_cmd_purge("/w", 7, "-v /:/x", &cause));
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_null(docker_cmd_purge("/ws", 0, NULL, &cause));
	assert_string_equal(cause, "agent 0: not a number between 1 and 99");
	free(cause);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		assert_null(docker_cmd_purge(bad[i], 5, NULL, &cause));
		assert_non_null(cause);
		assert_non_null(strstr(cause, "workspace_dir '"));
		free(cause);
	}
	assert_null(docker_cmd_purge(NULL, 5, NULL, NULL));

	/* For real: agent-05 and its events go, agent-06 stays. */
	dir = test_docker_run_tmpdir();
	a5 = xasprintf("%s/agent-05", dir);
	a6 = xasprintf("%s/agent-06", dir);
	f5 = xasprintf("%s/agent-05/f", dir);
	s5 = xasprintf("%s/.sandbox-tui/agent-05", dir);
	assert_int_equal(mkdir(a5, 0700), 0);
	assert_int_equal(mkdir(a6, 0700), 0);
	f = fopen(f5, "w");
	assert_non_null(f);
	fclose(f);
	*strrchr(s5, '/') = '\0';
	assert_int_equal(mkdir(s5, 0700), 0);
	s5[strlen(s5)] = '/';
	assert_int_equal(mkdir(s5, 0700), 0);
	/* docker is not needed, so a stand-in that fails is never run. */
	cmd = docker_cmd_purge(dir, 5, "img", NULL);
	full = xasprintf("docker() { exit 9; }; %s", cmd);
	assert_int_equal(test_docker_run_sh(full, NULL), 0);
	free(full);
	assert_int_not_equal(stat(a5, &sb), 0);
	assert_int_not_equal(stat(s5, &sb), 0);
	assert_int_equal(stat(a6, &sb), 0);
	free(cmd);

	/*
	 * rm refused (the files are the image's user's): the stand-in
	 * docker is asked to empty the folder, then rm runs again.
	 */
	assert_int_equal(mkdir(a5, 0700), 0);
	cmd = docker_cmd_purge(dir, 5, "img", NULL);
	full = xasprintf("exec 3>&1; n=0; rm() { n=$((n + 1)); "
	    "[ $n -gt 1 ] && command rm \"$@\"; }; %s", cmd);
	/* Its stdout goes to /dev/null: the stand-in docker tells fd 3. */
	out = test_sh_stub("docker", "#!/bin/sh\necho \"docker $*\" >&3\n",
	    full, 1, &status);
	assert_int_equal(status, 0);
	assert_non_null(strstr(out, "docker run --rm --pull never"));
	assert_non_null(strstr(out, "--entrypoint sh -v "));
	assert_non_null(strstr(out, ":/w img -c rm -rf -- /w/* "));
	assert_int_not_equal(stat(a5, &sb), 0);
	free(out);
	free(full);

	/* A failed docker rm before it: nothing is deleted. */
	assert_int_equal(mkdir(a5, 0700), 0);
	full = xasprintf("docker() { return 1; }; docker rm -f x && %s", cmd);
	assert_int_not_equal(test_docker_run_sh(full, NULL), 0);
	assert_int_equal(stat(a5, &sb), 0);
	free(full);
	free(cmd);
	free(s5);
	free(f5);
	free(a6);
	free(a5);
	test_docker_run_tmpdir_rm(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker_run_put_file),
		cmocka_unit_test(test_docker_run_purge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
