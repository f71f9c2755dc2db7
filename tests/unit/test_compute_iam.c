/*
 * Unit tests for the IAM requests of gcp/compute*.c: the service account
 * body and the setIamPolicy body that grants roles, added to an empty
 * policy, to an existing one (conditions and other bindings kept) or not
 * at all when the member has the role already.
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
test_compute_sa(void **state)
{
	json_t	*root;
	char	*cause = NULL;

	(void)state;
	root = test_body(compute_sa_body(COMPUTE_SA_ID, "sandbox-tui agents VM",
	    &cause));
	assert_string_equal(test_str(root, "accountId"), "sandbox-agents");
	assert_string_equal(test_str(root, "serviceAccount/displayName"),
	    "sandbox-tui agents VM");
	assert_non_null(test_str(root, "serviceAccount/description"));
	json_decref(root);
	assert_null(compute_sa_body("short", "x", &cause));
	assert_non_null(strstr(cause, "service account ID: 'short'"));
	free(cause);
}

/* The members of the binding for role in a setIamPolicy body. */
static json_t *
test_members(json_t *root, const char *role)
{
	json_t	*b;
	size_t	 i;

	json_array_foreach(test_at(root, "policy/bindings"), i, b) {
		if (strcmp(json_string_value(json_object_get(b, "role")),
		    role) == 0 && json_object_get(b, "condition") == NULL)
			return json_object_get(b, "members");
	}
	return NULL;
}

#define TEST_MEMBER \
	"serviceAccount:sandbox-agents@my-project-1.iam.gserviceaccount.com"

static void
test_compute_policy_empty(void **state)
{
	static const char *const roles[] = {
		"roles/storage.objectViewer", "roles/pubsub.publisher"
	};
	json_t	*root;
	char	*cause = NULL;
	int	 changed = -1;

	(void)state;
	root = test_body(compute_policy_grant("{\"version\":1,\"etag\":"
	    "\"BwXhqDZ2Yy0=\"}", TEST_MEMBER, roles, 2, &changed, &cause));
	assert_null(cause);
	assert_int_equal(changed, 2);
	assert_string_equal(test_str(root, "policy/etag"), "BwXhqDZ2Yy0=");
	assert_int_equal(json_integer_value(test_at(root, "policy/version")),
	    1);
	assert_int_equal(json_array_size(test_at(root, "policy/bindings")), 2);
	assert_string_equal(json_string_value(json_array_get(test_members(root,
	    "roles/storage.objectViewer"), 0)), TEST_MEMBER);
	assert_string_equal(json_string_value(json_array_get(test_members(root,
	    "roles/pubsub.publisher"), 0)), TEST_MEMBER);
	json_decref(root);

	root = test_body(compute_policy_grant("{}", TEST_MEMBER, roles, 1,
	    &changed, &cause));
	assert_int_equal(changed, 1);
	assert_int_equal(json_array_size(test_at(root, "policy/bindings")), 1);
	json_decref(root);
}

static void
test_compute_policy_existing(void **state)
{
	static const char *const roles[] = { "roles/storage.objectViewer" };
	json_t	*root, *m;
	char	*cause = NULL;
	int	 changed = -1;

	(void)state;
	root = test_body(compute_policy_grant(test_policy, TEST_MEMBER, roles,
	    1, &changed, &cause));
	assert_int_equal(changed, 1);
	assert_string_equal(test_str(root, "policy/etag"), "BwXhqDZ2Yy0=");
	assert_int_equal(json_array_size(test_at(root, "policy/bindings")), 3);
	/* Added to the unconditional binding, next to its member. */
	m = test_members(root, "roles/storage.objectViewer");
	assert_int_equal(json_array_size(m), 2);
	assert_string_equal(json_string_value(json_array_get(m, 0)),
	    "group:g@example.com");
	assert_string_equal(json_string_value(json_array_get(m, 1)),
	    TEST_MEMBER);
	/* Everything else as it was. */
	assert_int_equal(json_array_size(test_at(root,
	    "policy/bindings/1/members")), 1);
	assert_string_equal(test_str(root, "policy/bindings/0/members/0"),
	    "user:me@example.com");
	assert_string_equal(test_str(root, "policy/auditConfigs/0/service"),
	    "allServices");
	json_decref(root);
}

static void
test_compute_policy_present(void **state)
{
	static const char *const roles[] = {
		"roles/owner", "roles/storage.objectViewer"
	};
	json_t	*root;
	char	*cause = NULL, *body;
	int	 changed = -1;

	(void)state;
	body = compute_policy_grant(test_policy, "group:g@example.com", roles,
	    1, &changed, &cause);
	root = test_body(body);
	assert_int_equal(changed, 1);	/* owner: not yet */
	json_decref(root);
	body = compute_policy_grant(test_policy, "group:g@example.com",
	    roles + 1, 1, &changed, &cause);
	root = test_body(body);
	assert_int_equal(changed, 0);
	assert_string_equal(test_str(root, "policy/etag"), "BwXhqDZ2Yy0=");
	json_decref(root);

	assert_null(compute_policy_grant(test_policy, "sandbox@x", roles, 1,
	    &changed, &cause));
	assert_non_null(strstr(cause, "IAM member: 'sandbox@x'"));
	free(cause);
	cause = NULL;
	assert_null(compute_policy_grant(test_policy, TEST_MEMBER,
	    (const char *const[]){ "owner" }, 1, &changed, &cause));
	assert_non_null(strstr(cause, "IAM role: 'owner'"));
	free(cause);
	cause = NULL;
	assert_null(compute_policy_grant("[1]", TEST_MEMBER, roles, 1,
	    &changed, &cause));
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_null(compute_policy_grant("{\"bindings\":{}}", TEST_MEMBER,
	    roles, 1, &changed, &cause));
	assert_non_null(cause);
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compute_sa),
		cmocka_unit_test(test_compute_policy_empty),
		cmocka_unit_test(test_compute_policy_existing),
		cmocka_unit_test(test_compute_policy_present),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
