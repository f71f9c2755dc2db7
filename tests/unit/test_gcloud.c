/*
 * Unit tests for gcp/gcloud.c: the INI reader (what configparser accepts
 * for gcloud's files, and FILE:LINE errors for what it does not), which
 * configuration is active, and where the project, zone and region come
 * from (option, then environment, then gcloud's file; the region from the
 * zone unless set as specifically).  Each test works in its own directory
 * under /tmp with HOME and CLOUDSDK_CONFIG pointing into it.
 */

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "gcp/gcloud.h"

static const char *const test_gcloud_vars[] = {
	"CLOUDSDK_CONFIG", "CLOUDSDK_ACTIVE_CONFIG_NAME",
	"CLOUDSDK_CORE_PROJECT", "CLOUDSDK_COMPUTE_ZONE",
	"CLOUDSDK_COMPUTE_REGION", NULL
};

static int
test_gcloud_rm_cb(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* A fresh config dir with configurations/ in it; the test's state. */
static int
test_gcloud_setup(void **state)
{
	char	*dir = strdup("/tmp/test_gcloud.XXXXXX"), *p;
	size_t	 i;

	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	for (i = 0; test_gcloud_vars[i] != NULL; i++)
		unsetenv(test_gcloud_vars[i]);
	setenv("HOME", dir, 1);
	setenv("CLOUDSDK_CONFIG", dir, 1);
	assert_true(asprintf(&p, "%s/configurations", dir) > 0);
	assert_int_equal(mkdir(p, 0700), 0);
	free(p);
	*state = dir;
	return 0;
}

static int
test_gcloud_teardown(void **state)
{
	char	*dir = *state;

	assert_int_equal(nftw(dir, test_gcloud_rm_cb, 16,
	    FTW_DEPTH | FTW_PHYS), 0);
	free(dir);
	return 0;
}

/* Writes dir/name; returns the path (caller frees). */
static char *
test_gcloud_write(const char *dir, const char *name, const char *text)
{
	char	*path;
	FILE	*f;

	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	fclose(f);
	return path;
}

/* KEY in [SECTION] of text, or NULL; fails on a parse error. */
static char *
test_gcloud_get(const char *dir, const char *text, const char *section,
    const char *key)
{
	char	*path = test_gcloud_write(dir, "t.ini", text);
	char	*value = (char *)1, *cause = NULL;

	if (gcloud_ini_get(path, section, key, &value, &cause) != 0)
		fail_msg("%s", cause);
	assert_null(cause);
	free(path);
	return value;
}

static void
test_gcloud_expect(const char *dir, const char *text, const char *section,
    const char *key, const char *want)
{
	char	*got = test_gcloud_get(dir, text, section, key);

	if (want == NULL) {
		if (got != NULL)
			fail_msg("[%s] %s: got %s in\n%s", section, key, got,
			    text);
		return;
	}
	if (got == NULL || strcmp(got, want) != 0)
		fail_msg("[%s] %s: got %s, want %s in\n%s", section, key,
		    got != NULL ? got : "(null)", want, text);
	free(got);
}

/* Expects a parse error "PATH:" + rest. */
static void
test_gcloud_expect_error(const char *dir, const char *text, const char *rest)
{
	char	*path = test_gcloud_write(dir, "t.ini", text);
	char	*value = NULL, *cause = NULL, *want;

	if (gcloud_ini_get(path, "core", "project", &value, &cause) == 0)
		fail_msg("accepted:\n%s", text);
	assert_null(value);
	assert_true(asprintf(&want, "%s%s", path, rest) > 0);
	if (strcmp(cause, want) != 0)
		fail_msg("\n got: %s\nwant: %s", cause, want);
	free(want);
	free(cause);
	free(path);
}

static void
test_gcloud_ini(void **state)
{
	const char	*dir = *state;
	const char	*file = "# gcloud writes this\n"
			    "[core]\n"
			    "account = me@example.com\n"
			    "project =   my-proj  \n"
			    "; a comment\n"
			    "disable_usage_reporting = True\n"
			    "\n"
			    "[compute]\n"
			    "  Zone: europe-west1-b\n"
			    "  # an indented comment\n"
			    "region=\n"
			    "[empty]\n";
	char		*path, *value = (char *)1, *cause = NULL;

	test_gcloud_expect(dir, file, "core", "project", "my-proj");
	test_gcloud_expect(dir, file, "core", "account", "me@example.com");
	test_gcloud_expect(dir, file, "compute", "zone", "europe-west1-b");
	test_gcloud_expect(dir, file, "compute", "region", "");
	test_gcloud_expect(dir, file, "compute", "project", NULL);
	test_gcloud_expect(dir, file, "Core", "project", NULL);
	test_gcloud_expect(dir, file, "nosuch", "project", NULL);
	test_gcloud_expect(dir, "", "core", "project", NULL);
	test_gcloud_expect(dir, "[core]\r\nproject = crlf\r\n", "core",
	    "project", "crlf");
	/*
	 * As configparser: a line indented deeper than its option continues
	 * the value, across blank lines and comments.
	 */
	test_gcloud_expect(dir, "[core]\nproject = a\n  b\n[x]\ny = 1\n  z\n",
	    "core", "project", "a\nb");
	test_gcloud_expect(dir, "[core]\nproject = a\n\n  b = c\n", "core",
	    "project", "a\n\nb = c");
	test_gcloud_expect(dir, "[core]\nproject = a\n\n  b = c\n", "core",
	    "b", NULL);
	test_gcloud_expect(dir, "[core]\naccount = x\n  project = p\n",
	    "core", "project", NULL);
	test_gcloud_expect(dir, "[core]\n  account = x\n  project = p\n"
	    "    # c\n    more\n", "core", "project", "p\nmore");
	/* No inline comments in configparser's defaults. */
	test_gcloud_expect(dir, "[core]\nproject = p # x\n", "core",
	    "project", "p # x");

	/* A missing file holds no values; it is not an error. */
	assert_true(asprintf(&path, "%s/none", dir) > 0);
	assert_int_equal(gcloud_ini_get(path, "core", "project", &value,
	    &cause), 0);
	assert_null(value);
	assert_null(cause);
	free(path);
}

static void
test_gcloud_ini_errors(void **state)
{
	const char	*dir = *state;
	char		*value = (char *)1, *cause = NULL, *want, *path;
	FILE		*f;

	test_gcloud_expect_error(dir, "project = x\n",
	    ":1: key outside any [section]");
	test_gcloud_expect_error(dir, "[core]\nproject = x\n[compute\n",
	    ":3: expected [section]");
	test_gcloud_expect_error(dir, "[core]\n[]\n", ":2: expected [section]");
	test_gcloud_expect_error(dir, "[core]\n\nproject x\n",
	    ":3: expected key = value");
	test_gcloud_expect_error(dir, "[core]\n= x\n",
	    ":2: expected key = value");
	test_gcloud_expect_error(dir, "[core]\nproject = a\nPROJECT = b\n",
	    ":3: project set twice in [core]");

	/* A NUL byte: not something gcloud wrote. */
	path = test_gcloud_write(dir, "t.ini", "");
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite("[core]\nproject = a\0b\n", 1, 21, f), 21);
	fclose(f);
	assert_int_equal(gcloud_ini_get(path, "core", "project", &value,
	    &cause), -1);
	assert_true(asprintf(&want, "%s:2: not a text file", path) > 0);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	cause = NULL;
	free(path);

	/* A directory where the file should be. */
	assert_int_equal(gcloud_ini_get(dir, "core", "project", &value,
	    &cause), -1);
	assert_null(value);
	assert_true(asprintf(&want, "%s: %s", dir, strerror(EISDIR)) > 0);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
}

static void
test_gcloud_config_dir(void **state)
{
	const char	*dir = *state;
	char		*got, *want;

	got = gcloud_config_dir();
	assert_string_equal(got, dir);
	free(got);
	unsetenv("CLOUDSDK_CONFIG");
	got = gcloud_config_dir();
	assert_true(asprintf(&want, "%s/.config/gcloud", dir) > 0);
	assert_string_equal(got, want);
	free(want);
	free(got);
	setenv("CLOUDSDK_CONFIG", "", 1);
	got = gcloud_config_dir();
	assert_non_null(strstr(got, "/.config/gcloud"));
	free(got);
}

static void
test_gcloud_place_expect(const struct gcloud_place *p, const char *project,
    const char *project_from, const char *zone, const char *zone_from,
    const char *region, const char *region_from)
{
	const char	*got[] = { p->project, p->project_from, p->zone,
			    p->zone_from, p->region, p->region_from };
	const char	*want[] = { project, project_from, zone, zone_from,
			    region, region_from };
	size_t		 i;

	for (i = 0; i < 6; i++) {
		if (want[i] == NULL && got[i] == NULL)
			continue;
		if (want[i] == NULL || got[i] == NULL ||
		    strcmp(want[i], got[i]) != 0)
			fail_msg("field %zu: got %s, want %s", i,
			    got[i] != NULL ? got[i] : "(null)",
			    want[i] != NULL ? want[i] : "(null)");
	}
}

static void
test_gcloud_active(void **state)
{
	const char		*dir = *state;
	struct gcloud_place	 p;
	char			*cause = NULL, *path, *want;

	/* Nothing anywhere. */
	assert_int_equal(gcloud_place("", "", "", &p, &cause), 0);
	test_gcloud_place_expect(&p, NULL, NULL, NULL, NULL, NULL, NULL);
	gcloud_place_free(&p);

	free(test_gcloud_write(dir, "configurations/config_default",
	    "[core]\nproject = def-proj\n"));
	free(test_gcloud_write(dir, "configurations/config_work",
	    "[core]\nproject = work-proj\n[compute]\nzone = us-east1-c\n"));
	free(test_gcloud_write(dir, "configurations/config_home",
	    "[core]\nproject = home-proj\n"));

	assert_int_equal(gcloud_place(NULL, NULL, NULL, &p, &cause), 0);
	test_gcloud_place_expect(&p, "def-proj", "gcloud configuration "
	    "'default'", NULL, NULL, NULL, NULL);
	gcloud_place_free(&p);

	free(test_gcloud_write(dir, "active_config", "work\n"));
	assert_int_equal(gcloud_place("", "", "", &p, &cause), 0);
	test_gcloud_place_expect(&p, "work-proj", "gcloud configuration "
	    "'work'", "us-east1-c", "gcloud configuration 'work'",
	    "us-east1", "zone us-east1-c");
	gcloud_place_free(&p);

	setenv("CLOUDSDK_ACTIVE_CONFIG_NAME", "home", 1);
	assert_int_equal(gcloud_place("", "", "", &p, &cause), 0);
	test_gcloud_place_expect(&p, "home-proj", "gcloud configuration "
	    "'home'", NULL, NULL, NULL, NULL);
	gcloud_place_free(&p);

	/* A name that would leave the directory. */
	setenv("CLOUDSDK_ACTIVE_CONFIG_NAME", "../x", 1);
	assert_int_equal(gcloud_place("", "", "", &p, &cause), -1);
	assert_string_equal(cause, "CLOUDSDK_ACTIVE_CONFIG_NAME: '../x' is "
	    "not a gcloud configuration name");
	test_gcloud_place_expect(&p, NULL, NULL, NULL, NULL, NULL, NULL);
	free(cause);
	cause = NULL;
	unsetenv("CLOUDSDK_ACTIVE_CONFIG_NAME");
	path = test_gcloud_write(dir, "active_config", "Bad Name\n");
	assert_int_equal(gcloud_place("", "", "", &p, &cause), -1);
	assert_true(asprintf(&want, "%s: 'Bad Name' is not a gcloud "
	    "configuration name", path) > 0);
	assert_string_equal(cause, want);
	free(want);
	free(cause);
	cause = NULL;
	free(path);

	/* An empty active_config means the default. */
	free(test_gcloud_write(dir, "active_config", "\n"));
	assert_int_equal(gcloud_place("", "", "", &p, &cause), 0);
	assert_string_equal(p.project, "def-proj");
	gcloud_place_free(&p);
}

static void
test_gcloud_precedence(void **state)
{
	const char		*dir = *state;
	struct gcloud_place	 p;
	char			*cause = NULL, *path, *want;

	path = test_gcloud_write(dir, "configurations/config_default",
	    "[core]\nproject = file-proj\n[compute]\nzone = asia-east1-a\n"
	    "region = asia-east1\n");

	/* File alone: its own region, even one that differs. */
	assert_int_equal(gcloud_place("", "", "", &p, &cause), 0);
	test_gcloud_place_expect(&p, "file-proj", "gcloud configuration "
	    "'default'", "asia-east1-a", "gcloud configuration 'default'",
	    "asia-east1", "gcloud configuration 'default'");
	gcloud_place_free(&p);

	/* Environment beats the file; its zone beats the file's region. */
	setenv("CLOUDSDK_CORE_PROJECT", "env-proj", 1);
	setenv("CLOUDSDK_COMPUTE_ZONE", "europe-west4-b", 1);
	assert_int_equal(gcloud_place("", "", "", &p, &cause), 0);
	test_gcloud_place_expect(&p, "env-proj", "CLOUDSDK_CORE_PROJECT",
	    "europe-west4-b", "CLOUDSDK_COMPUTE_ZONE", "europe-west4",
	    "zone europe-west4-b");
	gcloud_place_free(&p);

	setenv("CLOUDSDK_COMPUTE_REGION", "europe-west9", 1);
	assert_int_equal(gcloud_place("", "", "", &p, &cause), 0);
	test_gcloud_place_expect(&p, "env-proj", "CLOUDSDK_CORE_PROJECT",
	    "europe-west4-b", "CLOUDSDK_COMPUTE_ZONE", "europe-west9",
	    "CLOUDSDK_COMPUTE_REGION");
	gcloud_place_free(&p);

	/* Options beat everything; a zone option beats an env region. */
	assert_int_equal(gcloud_place("opt-proj", "us-west1-c", "", &p,
	    &cause), 0);
	test_gcloud_place_expect(&p, "opt-proj", "gcp.project", "us-west1-c",
	    "gcp.zone", "us-west1", "zone us-west1-c");
	gcloud_place_free(&p);
	assert_int_equal(gcloud_place("opt-proj", "us-west1-c", "us-west2",
	    &p, &cause), 0);
	test_gcloud_place_expect(&p, "opt-proj", "gcp.project", "us-west1-c",
	    "gcp.zone", "us-west2", "gcp.region");
	gcloud_place_free(&p);

	/* A region alone stays; no zone is made up. */
	unsetenv("CLOUDSDK_COMPUTE_ZONE");
	unsetenv("CLOUDSDK_COMPUTE_REGION");
	assert_int_equal(gcloud_place(NULL, NULL, "me-west1", &p, &cause), 0);
	test_gcloud_place_expect(&p, "env-proj", "CLOUDSDK_CORE_PROJECT",
	    "asia-east1-a", "gcloud configuration 'default'", "me-west1",
	    "gcp.region");
	gcloud_place_free(&p);

	/* A broken file matters only when a value must come from it. */
	free(test_gcloud_write(dir, "configurations/config_default",
	    "[core]\nproject = a\nzone\n"));
	assert_int_equal(gcloud_place("p", "z-1", "r", &p, &cause), 0);
	assert_null(cause);
	gcloud_place_free(&p);
	assert_int_equal(gcloud_place("p", "us-central1-f", "", &p, &cause),
	    0);
	assert_string_equal(p.region, "us-central1");
	gcloud_place_free(&p);
	assert_int_equal(gcloud_place("p", "", "", &p, &cause), -1);
	assert_true(asprintf(&want, "%s:3: expected key = value", path) > 0);
	assert_string_equal(cause, want);
	test_gcloud_place_expect(&p, NULL, NULL, NULL, NULL, NULL, NULL);
	free(want);
	free(cause);
	free(path);
	unsetenv("CLOUDSDK_CORE_PROJECT");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_gcloud_ini,
		    test_gcloud_setup, test_gcloud_teardown),
		cmocka_unit_test_setup_teardown(test_gcloud_ini_errors,
		    test_gcloud_setup, test_gcloud_teardown),
		cmocka_unit_test_setup_teardown(test_gcloud_config_dir,
		    test_gcloud_setup, test_gcloud_teardown),
		cmocka_unit_test_setup_teardown(test_gcloud_active,
		    test_gcloud_setup, test_gcloud_teardown),
		cmocka_unit_test_setup_teardown(test_gcloud_precedence,
		    test_gcloud_setup, test_gcloud_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
