/*
 * Unit tests for what gcp/compute*.c reads from Google: answers modelled
 * on real ones (operations, an instance, guest attributes with host keys,
 * error bodies) parse into the right fields and sentences, and damaged
 * answers fail cleanly or parse, never crash or leak.
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
test_compute_op(void **state)
{
	struct gce_op	 op;
	char		*cause = NULL, *text;

	(void)state;
	assert_int_equal(compute_parse_op("{\"kind\":\"compute#operation\","
	    "\"id\":\"123\",\"name\":\"operation-1700000000000-abc\","
	    "\"zone\":\"https://www.googleapis.com/compute/v1/projects/p/zones/"
	    "us-central1-a\",\"operationType\":\"insert\",\"targetLink\":"
	    "\"https://www.googleapis.com/compute/v1/projects/p/zones/"
	    "us-central1-a/instances/sandbox-agents\",\"status\":\"PENDING\","
	    "\"progress\":0,\"insertTime\":\"2026-11-29T04:00:00.000-08:00\","
	    "\"selfLink\":\"https://www.googleapis.com/compute/v1/projects/p/"
	    "zones/us-central1-a/operations/operation-1700000000000-abc\"}",
	    &op, &cause), 0);
	assert_string_equal(op.name, "operation-1700000000000-abc");
	assert_string_equal(op.status, "PENDING");
	assert_int_equal(op.progress, 0);
	assert_non_null(strstr(op.self_link, "/operations/operation-17"));
	assert_non_null(strstr(op.target_link, "/instances/sandbox-agents"));
	assert_null(op.error_code);
	assert_null(op.error_text);
	assert_int_equal(op.http_status, 0);
	gce_op_free(&op);

	assert_int_equal(compute_parse_op("{\"name\":\"op-2\",\"status\":"
	    "\"DONE\",\"progress\":100,\"selfLink\":\"https://x/projects/p/"
	    "global/operations/op-2\"}", &op, &cause), 0);
	assert_string_equal(op.status, "DONE");
	assert_int_equal(op.progress, 100);
	assert_null(op.error_code);
	gce_op_free(&op);

	assert_int_equal(compute_parse_op("{\"name\":\"op-3\",\"status\":"
	    "\"DONE\",\"progress\":100,\"error\":{\"errors\":[{\"code\":"
	    "\"ZONE_RESOURCE_POOL_EXHAUSTED\",\"message\":\"The zone "
	    "'projects/p/zones/us-central1-a' does not have enough resources "
	    "available to fulfill the request.  Try a different zone, or try "
	    "again later.\"},{\"code\":\"OTHER\",\"message\":\"second\"}]},"
	    "\"httpErrorStatusCode\":503,\"httpErrorMessage\":\"SERVICE "
	    "UNAVAILABLE\"}", &op, &cause), 0);
	assert_string_equal(op.error_code, "ZONE_RESOURCE_POOL_EXHAUSTED");
	assert_non_null(strstr(op.error_text, "does not have enough"));
	assert_non_null(strstr(op.error_text, "; second"));
	assert_int_equal(op.http_status, 503);
	text = compute_op_error(&op);
	assert_non_null(strstr(text, "does not have enough resources"));
	assert_non_null(strstr(text,
	    "(ZONE_RESOURCE_POOL_EXHAUSTED, HTTP 503)"));
	assert_non_null(strstr(text, "try another zone (set gcp.zone)"));
	free(text);
	gce_op_free(&op);

	assert_int_equal(compute_parse_op("{\"name\":\"op-4\",\"status\":"
	    "\"DONE\",\"error\":{\"errors\":[{\"code\":\"QUOTA_EXCEEDED\","
	    "\"message\":\"Quota 'CPUS' exceeded.  Limit: 8.0 in region "
	    "us-central1.\"}]}}", &op, &cause), 0);
	text = compute_op_error(&op);
	assert_string_equal(text, "Quota 'CPUS' exceeded.  Limit: 8.0 in "
	    "region us-central1. (QUOTA_EXCEEDED); request more quota for the "
	    "region (Google Cloud console, IAM & Admin > Quotas), or use a "
	    "smaller machine type (gcp.machine_type) or disk (gcp.disk_gb)");
	free(text);
	gce_op_free(&op);

	assert_int_equal(compute_parse_op("{\"name\":\"op-5\",\"status\":"
	    "\"DONE\",\"error\":{\"errors\":[{\"code\":\"PERMISSIONS_ERROR\","
	    "\"message\":\"Required 'compute.subnetworks.use' permission for "
	    "'projects/p/regions/us-central1/subnetworks/default'\"}]}}", &op,
	    &cause), 0);
	text = compute_op_error(&op);
	assert_non_null(strstr(text, "; the account needs compute.subnetworks."
	    "use, which roles/compute.instanceAdmin.v1 grants"));
	free(text);
	gce_op_free(&op);

	/* A code is quoted like a message: no control bytes pass. */
	assert_int_equal(compute_parse_op("{\"name\":\"op-6\",\"status\":"
	    "\"DONE\",\"error\":{\"errors\":[{\"code\":"
	    "\"BAD\\u001b[2J\\n\x7f\",\"message\":\"m\"}]}}", &op, &cause), 0);
	text = compute_op_error(&op);
	assert_string_equal(text, "m (BAD\\x1b[2J\\x0a\\x7f)");
	free(text);
	gce_op_free(&op);

	assert_int_equal(compute_parse_op("{\"name\":\"x\"}", &op, &cause), -1);
	assert_non_null(strstr(cause, "no status"));
	assert_null(op.name);
	free(cause);
	cause = NULL;
	assert_int_equal(compute_parse_op("upstream connect error", &op,
	    &cause), -1);
	assert_non_null(strstr(cause, "not JSON: 'upstream connect error'"));
	free(cause);
}

/* An instances.get answer modelled on a real one. */
static const char test_instance[] =
    "{\"kind\":\"compute#instance\",\"id\":\"4567890123456789012\","
    "\"creationTimestamp\":\"2026-11-28T07:12:33.456-08:00\","
    "\"name\":\"sandbox-agents\",\"tags\":{\"items\":[\"sandbox-agents\"],"
    "\"fingerprint\":\"Z2aIYTuBqWI=\"},"
    "\"machineType\":\"https://www.googleapis.com/compute/v1/projects/"
    "my-project-1/zones/us-central1-a/machineTypes/e2-standard-16\","
    "\"status\":\"RUNNING\",\"zone\":\"https://www.googleapis.com/compute/"
    "v1/projects/my-project-1/zones/us-central1-a\","
    "\"networkInterfaces\":[{\"kind\":\"compute#networkInterface\","
    "\"network\":\"https://www.googleapis.com/compute/v1/projects/"
    "my-project-1/global/networks/default\",\"subnetwork\":\"https://www."
    "googleapis.com/compute/v1/projects/my-project-1/regions/us-central1/"
    "subnetworks/default\",\"networkIP\":\"10.128.0.7\",\"name\":\"nic0\","
    "\"accessConfigs\":[{\"kind\":\"compute#accessConfig\",\"type\":"
    "\"ONE_TO_ONE_NAT\",\"name\":\"External NAT\",\"natIP\":"
    "\"34.41.22.100\",\"networkTier\":\"PREMIUM\"}],\"fingerprint\":"
    "\"x5Zb1mP2vHk=\",\"stackType\":\"IPV4_ONLY\"}],"
    "\"disks\":[{\"kind\":\"compute#attachedDisk\",\"type\":\"PERSISTENT\","
    "\"mode\":\"READ_WRITE\",\"source\":\"https://www.googleapis.com/"
    "compute/v1/projects/my-project-1/zones/us-central1-a/disks/"
    "sandbox-agents\",\"deviceName\":\"persistent-disk-0\",\"index\":0,"
    "\"boot\":true,\"autoDelete\":true,\"licenses\":[\"https://www."
    "googleapis.com/compute/v1/projects/debian-cloud/global/licenses/"
    "debian-12-bookworm\"],\"interface\":\"SCSI\",\"diskSizeGb\":\"200\","
    "\"architecture\":\"X86_64\"}],"
    "\"metadata\":{\"kind\":\"compute#metadata\",\"fingerprint\":"
    "\"zB3hvKW3xUw=\",\"items\":[{\"key\":\"enable-oslogin\",\"value\":"
    "\"FALSE\"}]},"
    "\"serviceAccounts\":[{\"email\":\"sandbox-agents@my-project-1.iam."
    "gserviceaccount.com\",\"scopes\":[\"https://www.googleapis.com/auth/"
    "cloud-platform\"]}],"
    "\"selfLink\":\"https://www.googleapis.com/compute/v1/projects/"
    "my-project-1/zones/us-central1-a/instances/sandbox-agents\","
    "\"scheduling\":{\"onHostMaintenance\":\"TERMINATE\","
    "\"automaticRestart\":false,\"preemptible\":false,"
    "\"provisioningModel\":\"SPOT\",\"instanceTerminationAction\":\"STOP\"},"
    "\"cpuPlatform\":\"Intel Broadwell\","
    "\"labels\":{\"sandbox-tui\":\"0_1\"},\"labelFingerprint\":"
    "\"42WmSpB8rSM=\",\"startRestricted\":false,\"deletionProtection\":"
    "false,\"shieldedInstanceConfig\":{\"enableSecureBoot\":true,"
    "\"enableVtpm\":true,\"enableIntegrityMonitoring\":true},"
    "\"fingerprint\":\"9e4OMc4L9yU=\",\"lastStartTimestamp\":"
    "\"2026-11-28T07:12:41.012-08:00\",\"lastStopTimestamp\":"
    "\"2026-11-27T19:00:12.345-08:00\",\"resourcePolicies\":["
    "\"https://www.googleapis.com/compute/v1/projects/my-project-1/"
    "regions/us-central1/resourcePolicies/sandbox-agents-schedule\"],"
    "\"satisfiesPzi\":true}";

static void
test_compute_instance_parse(void **state)
{
	struct gce_instance	 in;
	char			*cause = NULL;

	(void)state;
	assert_int_equal(compute_parse_instance(test_instance, &in, &cause),
	    0);
	assert_string_equal(in.name, "sandbox-agents");
	assert_string_equal(in.status, "RUNNING");
	assert_string_equal(in.machine_type, "e2-standard-16");
	assert_string_equal(in.zone, "us-central1-a");
	assert_string_equal(in.nat_ip, "34.41.22.100");
	assert_string_equal(in.internal_ip, "10.128.0.7");
	assert_int_equal(in.spot, 1);
	assert_string_equal(in.created, "2026-11-28T07:12:33.456-08:00");
	assert_string_equal(in.last_start, "2026-11-28T07:12:41.012-08:00");
	assert_string_equal(in.last_stop, "2026-11-27T19:00:12.345-08:00");
	assert_string_equal(in.metadata_fingerprint, "zB3hvKW3xUw=");
	assert_int_equal(in.npolicies, 1);
	assert_string_equal(in.policies[0], "sandbox-agents-schedule");
	assert_int_equal(in.disk_gb, 200);
	gce_instance_free(&in);

	/* A stopped VM has no external address. */
	assert_int_equal(compute_parse_instance("{\"name\":\"v\",\"status\":"
	    "\"TERMINATED\",\"networkInterfaces\":[{\"networkIP\":\"10.0.0.2\","
	    "\"accessConfigs\":[{\"type\":\"ONE_TO_ONE_NAT\"}]}],"
	    "\"scheduling\":{\"provisioningModel\":\"STANDARD\"}}", &in,
	    &cause), 0);
	assert_string_equal(in.status, "TERMINATED");
	assert_null(in.nat_ip);
	assert_int_equal(in.spot, 0);
	assert_null(in.machine_type);
	assert_int_equal(in.npolicies, 0);
	assert_int_equal(in.disk_gb, 0);
	gce_instance_free(&in);

	assert_int_equal(compute_parse_instance("{\"error\":{\"code\":404}}",
	    &in, &cause), -1);
	assert_non_null(cause);
	free(cause);
}

static void
test_compute_hostkeys(void **state)
{
	struct gce_hostkey	*keys = NULL;
	size_t			 n = 99;
	char			*cause = NULL;

	(void)state;
	assert_int_equal(compute_parse_hostkeys("{\"kind\":\"compute#"
	    "guestAttributes\",\"queryPath\":\"hostkeys/\",\"queryValue\":{"
	    "\"items\":["
	    "{\"namespace\":\"hostkeys\",\"key\":\"ssh-ed25519\",\"value\":\""
	    TEST_ED25519 "\"},"
	    "{\"namespace\":\"other\",\"key\":\"ssh-rsa\",\"value\":\""
	    TEST_ED25519 "\"},"
	    "{\"namespace\":\"hostkeys\",\"key\":\"ecdsa-sha2-nistp256\","
	    "\"value\":\"" TEST_ECDSA "\\nevil.example ssh-rsa AAAA\"},"
	    "{\"namespace\":\"hostkeys\",\"key\":\"ssh-rsa\",\"value\":\""
	    TEST_ED25519 "\"},"
	    "{\"namespace\":\"hostkeys\",\"key\":\"ssh-dss\",\"value\":"
	    "\"AAAA\"},"
	    "{\"namespace\":\"hostkeys\",\"key\":\"ssh-ed25519\",\"value\":"
	    "\"AAAA!!!!\"},"
	    "{\"namespace\":\"hostkeys\",\"key\":\"ssh-ed25519\"}"
	    "]},\"selfLink\":\"x\"}", &keys, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(keys[0].type, "ssh-ed25519");
	assert_string_equal(keys[0].key, TEST_ED25519);
	/* Cut at the newline; the rsa item holding an ed25519 key is out. */
	assert_string_equal(keys[1].type, "ecdsa-sha2-nistp256");
	assert_string_equal(keys[1].key, TEST_ECDSA);
	gce_hostkeys_free(keys, n);

	assert_int_equal(compute_parse_hostkeys("", &keys, &n, &cause), 0);
	assert_int_equal(n, 0);
	assert_null(keys);
	assert_int_equal(compute_parse_hostkeys("{\"kind\":\"compute#"
	    "guestAttributes\",\"queryPath\":\"hostkeys/\",\"queryValue\":{}}",
	    &keys, &n, &cause), 0);
	assert_int_equal(n, 0);
	assert_int_equal(compute_parse_hostkeys("{\"error\":{\"code\":404,"
	    "\"message\":\"The resource 'hostkeys/' of type 'Guest Attribute' "
	    "was not found.\",\"errors\":[{\"reason\":\"notFound\"}]}}", &keys,
	    &n, &cause), 0);
	assert_int_equal(n, 0);
	assert_null(cause);
	assert_int_equal(compute_parse_hostkeys("<html>", &keys, &n, &cause),
	    -1);
	assert_non_null(cause);
	free(cause);
}

static void
test_compute_guest_value(void **state)
{
	char	*v;

	(void)state;
	v = compute_parse_guest_value("{\"queryPath\":\"sandbox-tui/ready\","
	    "\"queryValue\":{\"items\":[{\"namespace\":\"sandbox-tui\","
	    "\"key\":\"ready\",\"value\":\"2026-11-29T04:00:00Z\"}]}}",
	    "ready");
	assert_string_equal(v, "2026-11-29T04:00:00Z");
	free(v);
	v = compute_parse_guest_value("{\"variableKey\":\"sandbox-tui/ready\","
	    "\"variableValue\":\"yes\"}", "ready");
	assert_string_equal(v, "yes");
	free(v);
	assert_null(compute_parse_guest_value("{\"queryValue\":{}}", "ready"));
	assert_null(compute_parse_guest_value("", "ready"));
	assert_null(compute_parse_guest_value("{\"queryValue\":{\"items\":[{"
	    "\"key\":\"other\",\"value\":\"x\"}]}}", "ready"));
}

/* compute_error_text's sentence for status and body equals want. */
static void
test_error(long status, const char *body, const char *want)
{
	char	*text = compute_error_text(status, body);

	if (strcmp(text, want) != 0)
		fail_msg("got  '%s'\nwant '%s'", text, want);
	free(text);
}

static void
test_compute_error_text(void **state)
{
	char	 big[1000], *text;

	(void)state;
	test_error(403, "{\"error\":{\"code\":403,\"message\":\"Required "
	    "'compute.instances.create' permission for 'projects/p/zones/"
	    "us-central1-a/instances/x'\",\"errors\":[{\"message\":\"Required "
	    "'compute.instances.create' permission for 'projects/p/zones/"
	    "us-central1-a/instances/x'\",\"domain\":\"global\",\"reason\":"
	    "\"forbidden\"}]}}",
	    "HTTP 403 (forbidden): Required 'compute.instances.create' "
	    "permission for 'projects/p/zones/us-central1-a/instances/x'; the "
	    "account needs compute.instances.create, which roles/compute."
	    "instanceAdmin.v1 grants");
	test_error(403, "{\"error\":{\"code\":403,\"message\":\"Permission "
	    "'iam.serviceAccounts.create' denied on resource (or it may not "
	    "exist).\",\"status\":\"PERMISSION_DENIED\",\"details\":[{"
	    "\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":"
	    "\"IAM_PERMISSION_DENIED\",\"domain\":\"iam.googleapis.com\","
	    "\"metadata\":{\"permission\":\"iam.serviceAccounts.create\"}}]}}",
	    "HTTP 403 (PERMISSION_DENIED): Permission 'iam.serviceAccounts."
	    "create' denied on resource (or it may not exist).; the account "
	    "needs iam.serviceAccounts.create, which roles/iam."
	    "serviceAccountAdmin grants");
	test_error(403, "{\"error\":{\"code\":403,\"message\":\"The caller "
	    "does not have permission\",\"status\":\"PERMISSION_DENIED\"}}",
	    "HTTP 403 (PERMISSION_DENIED): The caller does not have "
	    "permission");
	test_error(403, "{\"error\":{\"code\":403,\"message\":\"Compute Engine "
	    "API has not been used in project 123 before or it is disabled.\","
	    "\"status\":\"PERMISSION_DENIED\",\"details\":[{\"@type\":\"type."
	    "googleapis.com/google.rpc.ErrorInfo\",\"reason\":"
	    "\"SERVICE_DISABLED\",\"metadata\":{\"service\":"
	    "\"compute.googleapis.com\",\"consumer\":\"projects/123\"}}]}}",
	    "HTTP 403 (PERMISSION_DENIED): Compute Engine API has not been "
	    "used in project 123 before or it is disabled.; enable the API "
	    "for the project: `gcloud services enable compute.googleapis."
	    "com`");
	test_error(401, "{\"error\":{\"code\":401,\"message\":\"Request had "
	    "invalid authentication credentials.\",\"status\":"
	    "\"UNAUTHENTICATED\"}}",
	    "HTTP 401 (UNAUTHENTICATED): Request had invalid authentication "
	    "credentials.; check the credentials (GOOGLE_APPLICATION_"
	    "CREDENTIALS, or run `gcloud auth application-default login`)");
	test_error(404, "{\"error\":{\"code\":404,\"message\":\"The resource "
	    "'projects/p/zones/us-central1-a/instances/x' was not found\","
	    "\"errors\":[{\"message\":\"The resource 'projects/p/zones/"
	    "us-central1-a/instances/x' was not found\",\"domain\":\"global\","
	    "\"reason\":\"notFound\"}]}}",
	    "HTTP 404 (notFound): The resource 'projects/p/zones/us-central1-a/"
	    "instances/x' was not found");
	test_error(409, "{\"error\":{\"code\":409,\"message\":\"The resource "
	    "'projects/p/global/firewalls/fw' already exists\",\"errors\":[{"
	    "\"domain\":\"global\",\"reason\":\"alreadyExists\"}]}}",
	    "HTTP 409 (alreadyExists): The resource 'projects/p/global/"
	    "firewalls/fw' already exists");
	test_error(412, "{\"error\":{\"code\":412,\"message\":\"Supplied "
	    "fingerprint does not match current metadata fingerprint.\","
	    "\"errors\":[{\"domain\":\"global\",\"reason\":\"conditionNotMet\","
	    "\"location\":\"If-Match\",\"locationType\":\"header\"}]}}",
	    "HTTP 412 (conditionNotMet): Supplied fingerprint does not match "
	    "current metadata fingerprint.; it changed since it was read");
	test_error(400, "{\"error\":\"invalid_grant\",\"error_description\":"
	    "\"Invalid JWT Signature.\"}",
	    "HTTP 400 (invalid_grant): Invalid JWT Signature.");
	/* A reason is quoted like a message: no control bytes pass. */
	test_error(412, "{\"error\":{\"message\":\"m\",\"errors\":[{"
	    "\"reason\":\"E\x7fw\\u001b[2J\"}]}}",
	    "HTTP 412 (E\\x7fw\\x1b[2J): m; it changed since it was read");
	test_error(400, "{\"error\":\"bad\\r\\n\\u0007\"}",
	    "HTTP 400 (bad\\x0d\\x0a\\x07)");
	test_error(502, "", "HTTP 502: empty answer");
	test_error(502, NULL, "HTTP 502: empty answer");
	test_error(502, "<html>\n<b>Bad\tGateway</b>\033[2J</html>",
	    "HTTP 502: '<html>\\x0a<b>Bad\\x09Gateway</b>\\x1b[2J</html>'");

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	text = compute_error_text(503, big);
	assert_true(strlen(text) < 200);
	assert_non_null(strstr(text, "xxx...'"));
	free(text);

	text = compute_error_reason("{\"error\":{\"errors\":[{\"reason\":"
	    "\"alreadyExists\"}],\"status\":\"ALREADY_EXISTS\"}}");
	assert_string_equal(text, "alreadyExists");
	free(text);
	text = compute_error_reason("{\"error\":{\"status\":\"NOT_FOUND\"}}");
	assert_string_equal(text, "NOT_FOUND");
	free(text);
	assert_null(compute_error_reason("<html>"));
	assert_null(compute_error_reason("{}"));
	assert_null(compute_error_reason(NULL));
}

/* Damaged answers must fail cleanly or parse, never crash or leak. */
static void
test_compute_garbage(void **state)
{
	const char *const seeds[] = {
		test_instance, test_instance_md, test_policy,
		"{\"name\":\"op\",\"status\":\"DONE\",\"error\":{\"errors\":[{"
		"\"code\":\"X\",\"message\":\"Required 'compute.a.b' x\"}]}}",
		"{\"queryValue\":{\"items\":[{\"namespace\":\"hostkeys\","
		"\"key\":\"ssh-ed25519\",\"value\":\"" TEST_ED25519 "\"}]}}",
	};
	static const char *const roles[] = { "roles/x.y" };
	struct gce_op		 op;
	struct gce_instance	 in;
	struct gce_hostkey	*keys;
	uint32_t		 seed = 7;
	size_t			 s, len, i, round, n;
	char			*buf, *cause, *out;
	int			 changed;

	(void)state;
	for (s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
		len = strlen(seeds[s]);
		buf = malloc(len + 1);
		assert_non_null(buf);
		for (round = 0; round < 400; round++) {
			memcpy(buf, seeds[s], len + 1);
			for (i = 0; i < 1 + round % 6; i++) {
				seed = seed * 1103515245 + 12345;
				buf[(seed >> 8) % len] =
				    (char)(1 + (seed >> 20) % 255);
			}
			cause = NULL;
			if (compute_parse_op(buf, &op, &cause) == 0) {
				free(compute_op_error(&op));
				gce_op_free(&op);
			}
			free(cause);
			cause = NULL;
			if (compute_parse_instance(buf, &in, &cause) == 0)
				gce_instance_free(&in);
			free(cause);
			cause = NULL;
			if (compute_parse_hostkeys(buf, &keys, &n, &cause) == 0)
				gce_hostkeys_free(keys, n);
			free(cause);
			free(compute_parse_guest_value(buf, "ready"));
			free(compute_error_text(403, buf));
			free(compute_error_reason(buf));
			cause = NULL;
			out = compute_metadata_body(buf, "ssh-keys", "u:k",
			    &cause);
			free(out);
			free(cause);
			cause = NULL;
			out = compute_policy_grant(buf, "user:a@b", roles, 1,
			    &changed, &cause);
			free(out);
			free(cause);
		}
		free(buf);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compute_op),
		cmocka_unit_test(test_compute_instance_parse),
		cmocka_unit_test(test_compute_hostkeys),
		cmocka_unit_test(test_compute_guest_value),
		cmocka_unit_test(test_compute_error_text),
		cmocka_unit_test(test_compute_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
