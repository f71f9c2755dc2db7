/*
 * Unit tests for gcp/sshkey.c's known_hosts pinning: keys replace the
 * host's earlier lines and leave other hosts' alone, unpinning drops
 * them, and a host that could write a second line or a pattern line is
 * refused.  Files live in a temporary directory removed at the end.
 */

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
#include "gcp/compute.h"
#include "gcp/sshkey.h"

#define TEST_ED25519	"AAAAC3NzaC1lZDI1NTE5AAAAIGMmOV6QGQX7P/fx9Jxuz90BjW" \
			"7hD38LSCiPmk3YTe0V"

struct test_sshkey {
	char	*dir;
	char	*path;
};

static int
test_sshkey_setup(void **state)
{
	struct test_sshkey	*t = xcalloc(1, sizeof *t);
	const char		*tmp = getenv("TMPDIR");

	t->dir = xasprintf("%s/test_sshkey.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(t->dir) == NULL)
		return -1;
	t->path = xasprintf("%s/known_hosts", t->dir);
	*state = t;
	return 0;
}

static int
test_sshkey_teardown(void **state)
{
	struct test_sshkey	*t = *state;

	unlink(t->path);
	rmdir(t->dir);
	free(t->path);
	free(t->dir);
	free(t);
	return 0;
}

/* The whole file; caller frees. */
static char *
test_sshkey_read(const char *path)
{
	FILE	*f = fopen(path, "r");
	char	*buf = xcalloc(1, 4096);

	assert_non_null(f);
	assert_true(fread(buf, 1, 4095, f) < 4095);
	fclose(f);
	return buf;
}

static void
test_sshkey_pin_replaces(void **state)
{
	struct test_sshkey	*t = *state;
	struct gce_hostkey	 key = { "ssh-ed25519", TEST_ED25519 };
	FILE			*f;
	char			*cause = NULL, *text;

	f = fopen(t->path, "w");
	assert_non_null(f);
	fputs("34.41.22.100 ssh-rsa OLD\n10.0.0.1 ssh-rsa OTHER", f);
	fclose(f);
	assert_int_equal(sshkey_pin(t->path, "34.41.22.100", 22, &key, 1,
	    &cause), 0);
	text = test_sshkey_read(t->path);
	assert_string_equal(text, "10.0.0.1 ssh-rsa OTHER\n"
	    "34.41.22.100 ssh-ed25519 " TEST_ED25519 "\n");
	free(text);
	assert_true(sshkey_pinned(t->path, "34.41.22.100", 22));
	assert_false(sshkey_pinned(t->path, "34.41.22.100", 2222));

	assert_int_equal(sshkey_pin(t->path, "2001:db8::7", 2222, &key, 1,
	    &cause), 0);
	assert_true(sshkey_pinned(t->path, "2001:db8::7", 2222));
	assert_int_equal(sshkey_unpin(t->path, "2001:db8::7", 2222, &cause),
	    0);
	assert_false(sshkey_pinned(t->path, "2001:db8::7", 2222));
	assert_true(sshkey_pinned(t->path, "34.41.22.100", 22));
}

static void
test_sshkey_bad_host(void **state)
{
	static const char *const bad[] = {
		"", "34.41.22.x\n0", "a b", "*", "10.0.0.?", "!10.0.0.1",
		"10.0.0.1,10.0.0.2", "[10.0.0.1]:22", "|1|abc", "@revoked",
		"-oProxyCommand", "h\t", "h\r"
	};
	struct test_sshkey	*t = *state;
	struct gce_hostkey	 key = { "ssh-ed25519", TEST_ED25519 };
	char			*cause = NULL;
	size_t			 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(sshkey_pin(t->path, bad[i], 22, &key, 1,
		    &cause), -1);
		assert_non_null(strstr(cause, "not a host name or address"));
		free(cause);
		cause = NULL;
		assert_int_equal(sshkey_unpin(t->path, bad[i], 22, &cause),
		    -1);
		free(cause);
		cause = NULL;
		assert_false(sshkey_pinned(t->path, bad[i], 22));
		if (access(t->path, F_OK) == 0)
			fail_msg("'%s' wrote the file", bad[i]);
	}
	assert_int_equal(sshkey_pin(t->path, "10.0.0.1", 0, &key, 1, &cause),
	    -1);
	free(cause);
	cause = NULL;
	assert_int_equal(sshkey_pin(t->path, "10.0.0.1", 65536, &key, 1,
	    &cause), -1);
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sshkey_pin_replaces,
		    test_sshkey_setup, test_sshkey_teardown),
		cmocka_unit_test_setup_teardown(test_sshkey_bad_host,
		    test_sshkey_setup, test_sshkey_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
