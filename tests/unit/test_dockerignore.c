/*
 * .dockerignore rules (gcp/dockerignore.c), case by case as Docker's
 * documentation describes them, and the files and errors of loading one.
 */
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

#include "config/strbuf.h"
#include "config/xmalloc.h"
#include "gcp/dockerignore.h"

struct case_ {
	const char	*path;
	int		 excluded;
};

/* Parses text and checks every case against it. */
static void
check(const char *text, const struct case_ *cases, size_t n)
{
	struct dockerignore	*di;
	char			*cause = NULL;
	size_t			 i;

	di = dockerignore_parse(text, ".dockerignore", &cause);
	assert_non_null(di);
	assert_null(cause);
	for (i = 0; i < n; i++) {
		if (dockerignore_excluded(di, cases[i].path) !=
		    cases[i].excluded)
			fail_msg("%s: %s should be %s", text, cases[i].path,
			    cases[i].excluded ? "excluded" : "kept");
	}
	dockerignore_free(di);
}

#define CHECK(text, ...) do {						\
	static const struct case_ c_[] = { __VA_ARGS__ };		\
	check(text, c_, sizeof c_ / sizeof c_[0]);			\
} while (0)

static void
test_dockerignore_root_only(void **state)
{
	(void)state;
	/* Unlike .gitignore, a pattern is anchored at the root. */
	CHECK("*.md\n",
	    { "README.md", 1 }, { "docs/a.md", 0 }, { "md", 0 },
	    { ".hidden.md", 1 });
	CHECK("/secret\n", { "secret", 1 }, { "a/secret", 0 });
	CHECK("./a/../b\n", { "b", 1 }, { "a/b", 0 }, { "a", 0 });
	CHECK("a//b/\n", { "a/b", 1 }, { "a/b/c", 1 }, { "a", 0 });
	/* Outside the context: nothing there to match. */
	CHECK("../x\n", { "x", 0 });
}

static void
test_dockerignore_folders(void **state)
{
	(void)state;
	/* A folder takes what is in it along. */
	CHECK("node_modules\n",
	    { "node_modules", 1 }, { "node_modules/a/b.js", 1 },
	    { "src/node_modules", 0 }, { "node_modules2", 0 });
	CHECK("*/temp*\n",
	    { "a/temporary.txt", 1 }, { "a/temp/x", 1 }, { "temp", 0 },
	    { "a/b/temp", 0 });
	CHECK("temp?\n", { "temp1", 1 }, { "temp", 0 }, { "temp12", 0 });
}

static void
test_dockerignore_double_star(void **state)
{
	(void)state;
	CHECK("**/*.go\n",
	    { "main.go", 1 }, { "a/b/c.go", 1 }, { "a/b/c.gox", 0 });
	CHECK("a/**/b\n",
	    { "a/b", 1 }, { "a/x/b", 1 }, { "a/x/y/b", 1 }, { "b", 0 },
	    { "a/x/b/c", 1 });
	/* At the end it needs something below the folder. */
	CHECK("dist/**\n",
	    { "dist", 0 }, { "dist/x", 1 }, { "dist/x/y", 1 });
	CHECK("**\n", { "a", 1 }, { "a/b", 1 });
}

/* Many "**" parts over a deep path: matching must not try every split. */
static void
test_dockerignore_many_stars(void **state)
{
	struct strbuf		 pat = { NULL, 0, 0 }, path = { NULL, 0, 0 };
	struct dockerignore	*di;
	char			*cause = NULL;
	int			 i;

	(void)state;
	for (i = 0; i < 12; i++)
		strbuf_add(&pat, "**/a/");
	strbuf_add(&pat, "**/b\n");
	for (i = 0; i < 60; i++)
		strbuf_add(&path, i == 0 ? "a" : "/a");
	di = dockerignore_parse(pat.s, ".dockerignore", &cause);
	assert_non_null(di);
	/* Before the fix this took hours; the alarm ends the test. */
	alarm(20);
	assert_int_equal(dockerignore_excluded(di, path.s), 0);
	strbuf_add(&path, "/b");
	assert_int_equal(dockerignore_excluded(di, path.s), 1);
	alarm(0);
	dockerignore_free(di);
	free(pat.s);
	free(path.s);
}

static void
test_dockerignore_exceptions(void **state)
{
	(void)state;
	CHECK("*.md\n!README.md\n",
	    { "README.md", 0 }, { "CHANGES.md", 1 });
	/* The last line that matches decides. */
	CHECK("!README.md\n*.md\n", { "README.md", 1 });
	CHECK("*.md\n!README*.md\nREADME-secret.md\n",
	    { "README.md", 0 }, { "README-secret.md", 1 }, { "a.md", 1 });
	/* Something brought back from inside a left-out folder. */
	CHECK("logs\n!logs/keep.txt\n",
	    { "logs/a.txt", 1 }, { "logs/keep.txt", 0 });
	/* In docker's classes only '^' negates; '!' is a character. */
	CHECK("[!a]*\n", { "abc", 1 }, { "!x", 1 }, { "bcd", 0 });
	CHECK("[^a]*\n", { "abc", 0 }, { "bcd", 1 });
	CHECK("\\[!a]\n", { "[!a]", 1 }, { "!", 0 });
	CHECK("a/**/**/b\n", { "a/b", 1 }, { "a/x/y/b", 1 });
	CHECK("\\*.txt\n", { "*.txt", 1 }, { "a.txt", 0 });
}

static void
test_dockerignore_lines(void **state)
{
	struct dockerignore	*di;
	char			*cause = NULL;

	(void)state;
	CHECK("# a comment\n\n   \n  .env \f\v \r\n#.git\n",
	    { ".env", 1 }, { "# a comment", 0 }, { ".git", 0 });
	/* A byte order mark before the first line (Windows editors). */
	CHECK("\xef\xbb\xbf.env\n", { ".env", 1 });
	CHECK("\xef\xbb\xbf# note\n", { "# note", 0 });
	CHECK("", { "a", 0 });
	CHECK("no-newline-at-end", { "no-newline-at-end", 1 });

	/* Whether a left-out folder must still be read. */
	di = dockerignore_parse("data\n", "f", &cause);
	assert_int_equal(dockerignore_may_keep_below(di, "data"), 0);
	dockerignore_free(di);
	di = dockerignore_parse("data\nlogs\n!logs/keep.txt\n", "f", &cause);
	assert_int_equal(dockerignore_may_keep_below(di, "data"), 0);
	assert_int_equal(dockerignore_may_keep_below(di, "logs"), 1);
	assert_int_equal(dockerignore_may_keep_below(di, "logs/old"), 0);
	dockerignore_free(di);
	di = dockerignore_parse("data\n!**/*.md\n", "f", &cause);
	assert_int_equal(dockerignore_may_keep_below(di, "data"), 1);
	dockerignore_free(di);

	assert_null(dockerignore_parse("ok\n\n[abc\n", "ctx/.dockerignore",
	    &cause));
	assert_string_equal(cause, "ctx/.dockerignore:3: a '[' with no ']' "
	    "to close it");
	free(cause);
	assert_null(dockerignore_parse("a\n!\n", "f", &cause));
	assert_string_equal(cause, "f:2: '!' with no pattern after it");
	free(cause);
}

static void
test_dockerignore_load(void **state)
{
	char			 dir[] = "/tmp/test_dockerignore.XXXXXX";
	char			*path, *cause = NULL;
	struct dockerignore	*di;
	FILE			*f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* None: nothing is left out. */
	di = dockerignore_load(dir, &cause);
	assert_non_null(di);
	assert_int_equal(dockerignore_excluded(di, "anything"), 0);
	dockerignore_free(di);

	path = xasprintf("%s/.dockerignore", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(".env\n*.pem\n", f);
	fclose(f);
	di = dockerignore_load(dir, &cause);
	assert_non_null(di);
	assert_int_equal(dockerignore_excluded(di, ".env"), 1);
	assert_int_equal(dockerignore_excluded(di, "key.pem"), 1);
	assert_int_equal(dockerignore_excluded(di, "app.py"), 0);
	dockerignore_free(di);

	f = fopen(path, "w");
	assert_non_null(f);
	fwrite("a\0b\n", 1, 4, f);
	fclose(f);
	assert_null(dockerignore_load(dir, &cause));
	assert_non_null(strstr(cause, "/.dockerignore: not a text file"));
	free(cause);

	unlink(path);
	assert_int_equal(mkdir(path, 0700), 0);
	cause = NULL;
	assert_null(dockerignore_load(dir, &cause));
	assert_non_null(strstr(cause, "/.dockerignore: "));
	free(cause);
	rmdir(path);
	free(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dockerignore_root_only),
		cmocka_unit_test(test_dockerignore_folders),
		cmocka_unit_test(test_dockerignore_double_star),
		cmocka_unit_test(test_dockerignore_many_stars),
		cmocka_unit_test(test_dockerignore_exceptions),
		cmocka_unit_test(test_dockerignore_lines),
		cmocka_unit_test(test_dockerignore_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
