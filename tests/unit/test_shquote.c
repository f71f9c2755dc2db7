/*
 * Unit tests for config/shquote.c: the exact quoting of tricky strings, and
 * round trips through a real /bin/sh, which must hand every string back
 * byte for byte as one word.
 */

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

struct test_shquote_case {
	const char	*in;
	const char	*out;
};

static void
test_shquote_exact(void **state)
{
	static const struct test_shquote_case cases[] = {
		{ "abc", "'abc'" },
		{ "", "''" },
		{ "a'b", "'a'\\''b'" },
		{ "'", "''\\'''" },
		{ "''", "''\\'''\\'''" },
		{ "a b", "'a b'" },
		{ "$(id)", "'$(id)'" },
		{ "`id`", "'`id`'" },
		{ "\\", "'\\'" },
		{ "a\nb", "'a\nb'" },
		{ ";rm -rf /", "';rm -rf /'" },
		{ "it's 'quoted'", "'it'\\''s '\\''quoted'\\'''" },
	};
	size_t	 i;
	char	*q;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		q = sh_quote(cases[i].in);
		assert_string_equal(q, cases[i].out);
		free(q);
	}
	q = sh_quote(NULL);
	assert_string_equal(q, "''");
	free(q);
}

/*
 * Runs `printf '[%s]' <quoted>` under /bin/sh and returns what it printed:
 * the brackets show the string arrived as exactly one word.
 */
static char *
test_shquote_through_sh(const char *s, size_t *len)
{
	char	*q, *cmd, *out = NULL;
	size_t	 size = 0, got;
	FILE	*f;
	char	 buf[4096];

	q = sh_quote(s);
	cmd = xasprintf("printf '[%%s]' %s", q);
	free(q);
	f = popen(cmd, "r");
	assert_non_null(f);
	*len = 0;
	while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
		if (*len + got + 1 > size) {
			size = (*len + got + 1) * 2;
			out = xrealloc(out, size);
		}
		memcpy(out + *len, buf, got);
		*len += got;
	}
	assert_int_equal(pclose(f), 0);
	free(cmd);
	if (out == NULL)
		out = xmalloc(1);
	out[*len] = '\0';
	return out;
}

static void
test_shquote_check_sh(const char *s)
{
	char	*out, *want;
	size_t	 len;

	out = test_shquote_through_sh(s, &len);
	want = xasprintf("[%s]", s);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(out, want, len);
	free(want);
	free(out);
}

static void
test_shquote_round_trip(void **state)
{
	static const char *nasty[] = {
		"", "abc", "a b", "  leading and trailing  ", "a'b", "'",
		"''", "'''", "\"", "\"'\"", "$(echo pwned)", "`echo pwned`",
		"$HOME", "${HOME:-x}", "$((1+1))", "\\", "\\'", "'\\",
		"a\nb", "\n", "trailing newline\n", "tab\there", ";rm -rf /",
		"; echo pwned", "&& echo pwned", "| cat", "> /tmp/x", "*",
		"?", "[a-z]", "~", "~root", "-n", "--help", "%s%d%n",
		"#comment", "!", "!!", "a=b", "{a,b}", "\x01\x1b[31m\x7f",
		"é€😀 ünïcödé", "\xff\xfe", "sandbox-agent-03",
		"it's a 'test' \"with\" $(all) `the` \\things\\",
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof nasty / sizeof nasty[0]; i++)
		test_shquote_check_sh(nasty[i]);
}

static void
test_shquote_all_bytes(void **state)
{
	char	s[256];
	int	i;

	(void)state;
	for (i = 1; i < 256; i++)
		s[i - 1] = (char)i;
	s[255] = '\0';
	test_shquote_check_sh(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shquote_exact),
		cmocka_unit_test(test_shquote_round_trip),
		cmocka_unit_test(test_shquote_all_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
