/*
 * Target strings for gcp/conn: "local" and "ssh://[user@]host[:port]",
 * IPv6 in brackets, and the messages for malformed ones.  Also checks that
 * conn_new() refuses a bad target and describes a good one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gcp/conn_private.h"
#include "gcp/loop.h"

static void
target_ok(const char *s, const char *user, const char *host, int port)
{
	struct conn_target	 t;
	char			*cause = NULL;

	assert_int_equal(conn_target_parse(s, &t, &cause), 0);
	assert_null(cause);
	assert_int_equal(t.local, 0);
	if (user == NULL)
		assert_null(t.user);
	else
		assert_string_equal(t.user, user);
	assert_string_equal(t.host, host);
	assert_int_equal(t.port, port);
	conn_target_free(&t);
}

static void
target_bad(const char *s, const char *needle)
{
	struct conn_target	 t;
	char			*cause = NULL;

	assert_int_equal(conn_target_parse(s, &t, &cause), -1);
	assert_non_null(cause);
	if (strstr(cause, needle) == NULL)
		fail_msg("cause \"%s\" lacks \"%s\"", cause, needle);
	assert_null(t.user);
	assert_null(t.host);
	free(cause);
}

static void
test_local(void **state)
{
	struct conn_target	 t;
	char			*cause = NULL;

	(void)state;
	assert_int_equal(conn_target_parse("local", &t, &cause), 0);
	assert_int_equal(t.local, 1);
	assert_null(t.host);
	conn_target_free(&t);
}

static void
test_ssh_forms(void **state)
{
	(void)state;
	target_ok("ssh://host", NULL, "host", 0);
	target_ok("ssh://host/", NULL, "host", 0);
	target_ok("ssh://alice@vm.example.com", "alice", "vm.example.com", 0);
	target_ok("ssh://bob@10.0.0.5:2222", "bob", "10.0.0.5", 2222);
	target_ok("ssh://my_host-1:22", NULL, "my_host-1", 22);
	target_ok("ssh://[::1]:2222", NULL, "::1", 2222);
	target_ok("ssh://root@[fe80::1%eth0]", "root", "fe80::1%eth0", 0);
	target_ok("ssh://a.b@host:65535", "a.b", "host", 65535);
}

static void
test_ssh_bad(void **state)
{
	(void)state;
	target_bad("", "empty target");
	target_bad(NULL, "empty target");
	target_bad("ssh:/host", "expected \"local\"");
	target_bad("remote", "expected \"local\"");
	target_bad("http://host", "expected \"local\"");
	target_bad("ssh://", "empty host");
	target_bad("ssh://user@", "empty host");
	target_bad("ssh://@host", "empty user");
	target_bad("ssh://host:", "port must be");
	target_bad("ssh://host:0", "port must be");
	target_bad("ssh://host:65536", "port must be");
	target_bad("ssh://host:22x", "port must be");
	target_bad("ssh://host/path", "no path");
	target_bad("ssh://::1", "brackets");
	target_bad("ssh://[::1", "missing ']'");
	target_bad("ssh://[::1]x", "unexpected");
	target_bad("ssh://[]:22", "IPv6");
	target_bad("ssh://[host]:22", "IPv6");
	target_bad("ssh://ho st", "bad character");
	target_bad("ssh://us er@host", "user name");
	target_bad("ssh://host;rm", "bad character");
	/* The target is shown as echo_text shows it. */
	target_bad("ssh://h\033]0;x\a",
	    "bad target \"ssh://h\\x1b]0;x\\x07\"");
	target_bad("ssh://[::1]\033[2J", "unexpected \"\\x1b[2J\"");
}

static void
test_conn_new(void **state)
{
	struct loop		*loop = loop_new();
	struct conn_opts	 o;
	struct conn		*c;
	char			*cause = NULL;

	(void)state;
	memset(&o, 0, sizeof o);
	o.target = "ssh://nowhere:70000";
	assert_null(conn_new(loop, &o, NULL, NULL, &cause));
	assert_non_null(cause);
	free(cause);
	cause = NULL;

	o.target = "ssh://alice@[::1]:2222";
	c = conn_new(loop, &o, NULL, NULL, &cause);
	assert_non_null(c);
	assert_string_equal(conn_describe(c), "alice@[::1]:2222");
	assert_int_equal(conn_is_local(c), 0);
	assert_int_equal(conn_state(c), CONN_IDLE);
	assert_string_equal(conn_error(c), "");
	conn_free(c);

	o.target = "local";
	c = conn_new(loop, &o, NULL, NULL, &cause);
	assert_non_null(c);
	assert_string_equal(conn_describe(c), "local");
	assert_int_equal(conn_is_local(c), 1);
	conn_free(c);
	loop_free(loop);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_local),
		cmocka_unit_test(test_ssh_forms),
		cmocka_unit_test(test_ssh_bad),
		cmocka_unit_test(test_conn_new),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
