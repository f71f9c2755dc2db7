/*
 * Unit tests for the writers of layouts/export*.c: the files land as
 * generated, with their modes, replaced atomically, in directories made
 * 0700; a folder that is a file is named in the cause; and the secrets
 * env file is named, never read into an export.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/xmalloc.h"
#include "layouts/export.h"
#include "tests/unit/test_export.h"

static char *
test_export_tmpdir(void)
{
	char	*d = xstrdup("/tmp/test_export.XXXXXX");

	assert_non_null(mkdtemp(d));
	return d;
}

static int
test_export_mode(const char *path)
{
	struct stat	st;

	if (stat(path, &st) != 0)
		return -1;
	return (int)(st.st_mode & 07777);
}

static void
test_export_rm_rf(const char *path)
{
	char	*cmd = xasprintf("rm -rf '%s'", path);

	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static void
test_export_writers(void **state)
{
	struct export_ctx	 ctx;
	struct export_file	*files;
	struct stat		 st1, st2;
	struct dirent		*de;
	DIR			*d;
	size_t			 n, i;
	char			*tmp, *dir, *path, *got, *cm, *cause = NULL;
	char			*text;

	(void)state;
	tmp = test_export_tmpdir();
	cm = xasprintf("%s/cm", tmp);
	test_export_ssh_ctx(&ctx);
	ctx.control_dir = cm;

	/* ghostty: a new nested folder, files as generated for it. */
	dir = xasprintf("%s/a/b/ghostty", tmp);
	assert_int_equal(export_ghostty(&ctx, dir, &cause), 0);
	assert_int_equal(test_export_mode(dir), 0700);
	assert_int_equal(test_export_mode(cm), 0700);
	assert_int_equal(export_ghostty_files(&ctx, dir, &files, &n, &cause),
	    0);
	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", dir, files[i].name);
		got = test_export_read(path);
		assert_non_null(got);
		assert_string_equal(got, files[i].text);
		assert_int_equal(test_export_mode(path), files[i].mode);
		free(got);
		free(path);
	}
	export_files_free(files, n);
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		assert_null(strstr(de->d_name, ".tmp."));
	closedir(d);
	free(dir);

	/* ssh-config: replaced by a new file, not rewritten in place. */
	path = xasprintf("%s/ssh/config", tmp);
	assert_int_equal(export_ssh_config(&ctx, path, &cause), 0);
	assert_int_equal(stat(path, &st1), 0);
	assert_int_equal(test_export_mode(path), 0644);
	ctx.port = 2200;
	assert_int_equal(export_ssh_config(&ctx, path, &cause), 0);
	assert_int_equal(stat(path, &st2), 0);
	assert_true(st1.st_ino != st2.st_ino);
	got = test_export_read(path);
	assert_non_null(strstr(got, "\tPort 2200\n"));
	free(got);
	free(path);

	/* tmux without an ssh config writes one beside the script. */
	ctx.ssh_config = NULL;
	path = xasprintf("%s/tmux.sh", tmp);
	assert_int_equal(export_tmux(&ctx, path, &cause), 0);
	assert_int_equal(test_export_mode(path), 0755);
	got = test_export_read(path);
	text = xasprintf("ssh -F %s/tmux.sh.ssh_config -t sandbox", tmp);
	assert_non_null(strstr(got, text));
	free(text);
	free(got);
	free(path);
	path = xasprintf("%s/tmux.sh.ssh_config", tmp);
	got = test_export_read(path);
	assert_non_null(got);
	assert_non_null(strstr(got, "Host sandbox\n"));
	free(got);
	free(path);

	/* compose; then a folder that is a file is named in the cause. */
	path = xasprintf("%s/compose/docker-compose.yml", tmp);
	assert_int_equal(export_compose(&ctx, path, &cause), 0);
	assert_int_equal(test_export_mode(path), 0644);
	free(path);
	path = xasprintf("%s/tmux.sh/docker-compose.yml", tmp);
	assert_int_equal(export_compose(&ctx, path, &cause), -1);
	assert_non_null(strstr(cause, "export compose: "));
	assert_non_null(strstr(cause, "tmux.sh"));
	free(cause);
	cause = NULL;
	free(path);

	/* A local ssh-config writes nothing. */
	test_export_local_ctx(&ctx);
	path = xasprintf("%s/local/ssh_config", tmp);
	assert_int_equal(export_ssh_config(&ctx, path, &cause), -1);
	free(cause);
	assert_int_equal(access(path, F_OK), -1);
	free(path);

	test_export_rm_rf(tmp);
	free(cm);
	free(tmp);
}

/* The env file is named, never read: nothing of it reaches the export. */
static void
test_export_no_secrets(void **state)
{
	struct export_ctx	 ctx;
	struct export_file	*files;
	size_t			 n, i;
	char			*tmp, *env, *text, *cause = NULL;
	FILE			*f;

	(void)state;
	tmp = test_export_tmpdir();
	env = xasprintf("%s/agents.env", tmp);
	f = fopen(env, "w");
	assert_non_null(f);
	fputs("ANTHROPIC_API_KEY=sk-ant-secret-value\n", f);
	fclose(f);
	test_export_ssh_ctx(&ctx);
	ctx.spec.env_file = env;
	text = export_compose_text(&ctx, &cause);
	assert_non_null(strstr(text, env));
	assert_null(strstr(text, "sk-ant"));
	assert_null(strstr(text, "ANTHROPIC_API_KEY"));
	free(text);
	assert_int_equal(export_ghostty_files(&ctx, TEST_EXPORT_SSH_DIR,
	    &files, &n, &cause), 0);
	for (i = 0; i < n; i++)
		assert_null(strstr(files[i].text, "sk-ant"));
	export_files_free(files, n);
	test_export_rm_rf(tmp);
	free(env);
	free(tmp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_export_writers),
		cmocka_unit_test(test_export_no_secrets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
