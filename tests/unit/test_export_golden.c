/*
 * Unit tests for layouts/export*.c against golden files: every export of
 * the two fixed contexts is compared byte for byte with the files under
 * tests/golden/export/ (found through T_REPO or the current directory),
 * and each golden folder holds exactly the files of its export;
 * UPDATE_GOLDEN=1 rewrites them instead.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/xmalloc.h"
#include "layouts/export.h"
#include "tests/unit/test_export.h"

static char *
test_export_golden_dir(void)
{
	const char	*repo = getenv("T_REPO");

	if (repo != NULL && *repo != '\0')
		return xasprintf("%s/tests/golden/export", repo);
	return xstrdup("tests/golden/export");
}

static int
test_export_updating(void)
{
	const char	*u = getenv("UPDATE_GOLDEN");

	return u != NULL && strcmp(u, "1") == 0;
}

/* mkdir -p of path's directory, for UPDATE_GOLDEN. */
static void
test_export_mkdirs(const char *path)
{
	char	*d = xstrdup(path), *p;

	for (p = d + 1; *p != '\0'; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(d, 0755);
			*p = '/';
		}
	}
	free(d);
}

/* Compares text with golden file rel, or rewrites it; says where it differs. */
static void
test_export_golden(const char *rel, const char *text)
{
	char	*dir, *path, *want;
	size_t	 i, line = 1;
	FILE	*f;

	dir = test_export_golden_dir();
	path = xasprintf("%s/%s", dir, rel);
	if (test_export_updating()) {
		test_export_mkdirs(path);
		f = fopen(path, "w");
		assert_non_null(f);
		assert_int_equal(fputs(text, f) >= 0, 1);
		assert_int_equal(fclose(f), 0);
		printf("# rewrote %s\n", path);
	} else {
		want = test_export_read(path);
		if (want == NULL)
			fail_msg("%s: cannot read (%s); UPDATE_GOLDEN=1 "
			    "from the repo root makes it", path,
			    strerror(errno));
		for (i = 0; want[i] != '\0' && want[i] == text[i]; i++) {
			if (want[i] == '\n')
				line++;
		}
		if (want[i] != text[i])
			fail_msg("%s differs from the export at line %zu "
			    "(UPDATE_GOLDEN=1 rewrites it)", path, line);
		free(want);
	}
	free(path);
	free(dir);
}

/* The golden folder rel holds exactly the files of the export. */
static void
test_export_golden_files(const char *rel, struct export_file *files,
    size_t n)
{
	struct dirent	*de;
	DIR		*d;
	char		*dir, *path;
	size_t		 i, found = 0;

	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", rel, files[i].name);
		test_export_golden(path, files[i].text);
		free(path);
	}
	dir = test_export_golden_dir();
	path = xasprintf("%s/%s", dir, rel);
	d = opendir(path);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		for (i = 0; i < n; i++) {
			if (strcmp(files[i].name, de->d_name) == 0)
				break;
		}
		if (i == n)
			fail_msg("%s/%s: a golden file the export no longer "
			    "makes", path, de->d_name);
		found++;
	}
	closedir(d);
	assert_int_equal(found, n);
	free(path);
	free(dir);
}

static void
test_export_golden_ssh(void **state)
{
	struct export_ctx	 ctx;
	struct export_file	*files;
	size_t			 n;
	char			*text, *cause = NULL;

	(void)state;
	test_export_ssh_ctx(&ctx);
	text = export_ssh_config_text(&ctx, TEST_EXPORT_SSH_CONFIG, &cause);
	assert_non_null(text);
	test_export_golden("ssh/ssh_config", text);
	free(text);

	text = export_tmux_text(&ctx, ctx.ssh_config, &cause);
	assert_non_null(text);
	test_export_golden("ssh/tmux.sh", text);
	free(text);

	text = export_compose_text(&ctx, &cause);
	assert_non_null(text);
	test_export_golden("ssh/docker-compose.yml", text);
	free(text);

	assert_int_equal(export_ghostty_files(&ctx, TEST_EXPORT_SSH_DIR,
	    &files, &n, &cause), 0);
	assert_int_equal(n, 12 + 5);
	test_export_golden_files("ssh/ghostty", files, n);
	export_files_free(files, n);
}

static void
test_export_golden_local(void **state)
{
	struct export_ctx	 ctx;
	struct export_file	*files;
	size_t			 n;
	char			*text, *cause = NULL;

	(void)state;
	test_export_local_ctx(&ctx);
	text = export_ssh_config_text(&ctx, "/x/ssh_config", &cause);
	assert_null(text);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "export ssh-config: the target is "
	    "local docker"));
	free(cause);
	cause = NULL;

	text = export_tmux_text(&ctx, NULL, &cause);
	assert_non_null(text);
	test_export_golden("local/tmux.sh", text);
	assert_null(strstr(text, "ssh"));
	free(text);

	text = export_compose_text(&ctx, &cause);
	assert_non_null(text);
	test_export_golden("local/docker-compose.yml", text);
	free(text);

	assert_int_equal(export_ghostty_files(&ctx, TEST_EXPORT_LOCAL_DIR,
	    &files, &n, &cause), 0);
	assert_int_equal(n, 3 + 4);
	test_export_golden_files("local/ghostty", files, n);
	export_files_free(files, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_export_golden_ssh),
		cmocka_unit_test(test_export_golden_local),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
