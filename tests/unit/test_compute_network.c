/*
 * Unit tests for the network requests of gcp/compute*.c: the firewall
 * rule that lets SSH in from the configured ranges (CIDR parsing and its
 * refusals) and the auto-mode network, read back with jansson.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "gcp/compute.h"
#include "gcp/compute_private.h"
#include "tests/unit/test_compute.h"

static void
test_compute_firewall(void **state)
{
	json_t	*root;
	char	*cause = NULL;

	(void)state;
	root = test_body(compute_firewall_body("sandbox-agents-ssh",
	    "my-project-1", "default",
	    " 10.0.0.0/8, 192.168.1.0/24 2001:db8::/32,10.0.0.0/8 203.0.113.7",
	    &cause));
	assert_null(cause);
	assert_string_equal(test_str(root, "name"), "sandbox-agents-ssh");
	assert_string_equal(test_str(root, "network"),
	    "projects/my-project-1/global/networks/default");
	assert_string_equal(test_str(root, "direction"), "INGRESS");
	assert_int_equal(json_integer_value(test_at(root, "priority")), 1000);
	assert_int_equal(json_array_size(test_at(root, "allowed")), 1);
	assert_string_equal(test_str(root, "allowed/0/IPProtocol"), "tcp");
	assert_int_equal(json_array_size(test_at(root, "allowed/0/ports")), 1);
	assert_string_equal(test_str(root, "allowed/0/ports/0"), "22");
	assert_int_equal(json_array_size(test_at(root, "sourceRanges")), 4);
	assert_string_equal(test_str(root, "sourceRanges/0"), "10.0.0.0/8");
	assert_string_equal(test_str(root, "sourceRanges/1"),
	    "192.168.1.0/24");
	assert_string_equal(test_str(root, "sourceRanges/2"), "2001:db8::/32");
	assert_string_equal(test_str(root, "sourceRanges/3"),
	    "203.0.113.7/32");
	assert_string_equal(test_str(root, "targetTags/0"), COMPUTE_TAG);
	assert_non_null(test_str(root, "description"));
	json_decref(root);

	root = test_body(compute_firewall_body("fw-name", "my-project-1",
	    "default", "0.0.0.0/0 ::/0", &cause));
	assert_string_equal(test_str(root, "sourceRanges/0"), "0.0.0.0/0");
	assert_string_equal(test_str(root, "sourceRanges/1"), "::/0");
	json_decref(root);
}

static void
test_compute_firewall_bad(void **state)
{
	static const struct {
		const char	*ranges;
		const char	*want;
	} cases[] = {
		{ "10.0.0.0/33", "gcp.ssh_source_ranges: '10.0.0.0/33' is not "
		  "a CIDR range" },
		{ "10.0.0.0/8,2001:db8::/129", "'2001:db8::/129' is not" },
		{ "1.2.3/8", "'1.2.3/8' is not" },
		{ "10.0.0.0/", "'10.0.0.0/' is not" },
		{ "10.0.0.0/-1", "'10.0.0.0/-1' is not" },
		{ "10.0.0.0/8x", "'10.0.0.0/8x' is not" },
		{ "300.1.1.1/32", "'300.1.1.1/32' is not" },
		{ "example.com", "'example.com' is not" },
		{ "", "gcp.ssh_source_ranges: no address range" },
		{ " , ", "gcp.ssh_source_ranges: no address range" },
	};
	size_t	i;
	char	*cause;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cause = NULL;
		assert_null(compute_firewall_body("fw", "my-project-1",
		    "default", cases[i].ranges, &cause));
		assert_non_null(cause);
		if (strstr(cause, cases[i].want) == NULL)
			fail_msg("'%s': cause '%s'", cases[i].ranges, cause);
		free(cause);
	}
	cause = NULL;
	assert_null(compute_firewall_body("fw", "my-project-1", "Default",
	    "10.0.0.0/8", &cause));
	assert_non_null(strstr(cause, "gcp.network: 'Default'"));
	free(cause);
}

static void
test_compute_network(void **state)
{
	json_t	*root;
	char	*cause = NULL;

	(void)state;
	root = test_body(compute_network_body("default", &cause));
	assert_string_equal(test_str(root, "name"), "default");
	assert_true(json_is_true(test_at(root, "autoCreateSubnetworks")));
	json_decref(root);
	assert_null(compute_network_body("no good", &cause));
	assert_non_null(strstr(cause, "gcp.network: 'no good'"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compute_firewall),
		cmocka_unit_test(test_compute_firewall_bad),
		cmocka_unit_test(test_compute_network),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
