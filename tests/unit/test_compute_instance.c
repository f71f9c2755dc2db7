/*
 * Unit tests for the VM's own requests in gcp/compute*.c: the checks of
 * names, projects and zones; the instances.insert body for on-demand and
 * spot VMs read back field by field against the Compute Engine v1
 * reference, each refusal of a bad setting naming that setting; and the
 * setMetadata body built from the instance as it is.
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

/* The value of a metadata item, or NULL. */
static const char *
test_item(json_t *items, const char *key)
{
	json_t	*it;
	size_t	 i;

	json_array_foreach(items, i, it) {
		if (strcmp(json_string_value(json_object_get(it, "key")),
		    key) == 0)
			return json_string_value(json_object_get(it, "value"));
	}
	return NULL;
}

static void
test_spec(struct vm_spec *s)
{
	static const char *const extra[] = {
		"sandbox-tui-agents", "12", "sandbox-tui-idle", "30", NULL
	};

	memset(s, 0, sizeof *s);
	s->project = "my-project-1";
	s->zone = "us-central1-a";
	s->name = "sandbox-agents";
	s->machine_type = "e2-standard-16";
	s->disk_gb = 200;
	s->network = "default";
	s->sa_email = "sandbox-agents@my-project-1.iam.gserviceaccount.com";
	s->startup_script = "#!/bin/sh\necho hi\n";
	s->ssh_user = "sandbox";
	s->ssh_pubkey = TEST_PUBKEY;
	s->image = "projects/debian-cloud/global/images/family/debian-12";
	s->version = "0.1-3-gABC.dirty";
	s->metadata = extra;
}

static void
test_compute_valid(void **state)
{
	char	*r;

	(void)state;
	assert_true(compute_valid_name("a"));
	assert_true(compute_valid_name("sandbox-agents-2"));
	assert_false(compute_valid_name(""));
	assert_false(compute_valid_name(NULL));
	assert_false(compute_valid_name("2box"));
	assert_false(compute_valid_name("box-"));
	assert_false(compute_valid_name("Box"));
	assert_false(compute_valid_name("a_b"));
	assert_true(compute_valid_name(
	    "a23456789012345678901234567890123456789012345678901234567890123"));
	assert_false(compute_valid_name("a23456789012345678901234567890123456"
	    "7890123456789012345678901234"));

	assert_true(compute_valid_project("my-project-1"));
	assert_true(compute_valid_project("abcdef"));
	assert_false(compute_valid_project("abcde"));
	assert_false(compute_valid_project("1project"));
	assert_false(compute_valid_project("project-"));
	assert_false(compute_valid_project("my_project"));
	assert_false(compute_valid_project("a234567890123456789012345678901"));

	assert_true(compute_valid_zone("us-central1-a"));
	assert_true(compute_valid_zone("northamerica-northeast2-b"));
	assert_true(compute_valid_zone("europe-west10-c"));
	assert_false(compute_valid_zone("us-central1"));
	assert_false(compute_valid_zone("us-central-a"));
	assert_false(compute_valid_zone("us-central1-ab"));
	assert_false(compute_valid_zone("US-central1-a"));
	assert_false(compute_valid_zone("us-central1-a/../x"));
	assert_false(compute_valid_zone(""));
	assert_false(compute_valid_zone(NULL));

	r = compute_zone_region("us-central1-a");
	assert_string_equal(r, "us-central1");
	free(r);
	r = compute_zone_region("northamerica-northeast2-b");
	assert_string_equal(r, "northamerica-northeast2");
	free(r);
}

static void
test_compute_instance_ondemand(void **state)
{
	struct vm_spec	 spec;
	json_t		*root, *items;
	char		*cause = NULL;

	(void)state;
	test_spec(&spec);
	root = test_body(compute_instance_body(&spec, &cause));
	assert_null(cause);

	assert_string_equal(test_str(root, "name"), "sandbox-agents");
	assert_string_equal(test_str(root, "machineType"),
	    "zones/us-central1-a/machineTypes/e2-standard-16");

	assert_int_equal(json_array_size(test_at(root, "disks")), 1);
	assert_true(json_is_true(test_at(root, "disks/0/boot")));
	assert_true(json_is_true(test_at(root, "disks/0/autoDelete")));
	assert_string_equal(test_str(root,
	    "disks/0/initializeParams/sourceImage"),
	    "projects/debian-cloud/global/images/family/debian-12");
	/* int64 fields travel as strings */
	assert_string_equal(test_str(root,
	    "disks/0/initializeParams/diskSizeGb"), "200");
	assert_string_equal(test_str(root, "disks/0/initializeParams/diskType"),
	    "zones/us-central1-a/diskTypes/pd-balanced");

	assert_string_equal(test_str(root, "networkInterfaces/0/network"),
	    "global/networks/default");
	assert_string_equal(test_str(root,
	    "networkInterfaces/0/accessConfigs/0/type"), "ONE_TO_ONE_NAT");
	assert_string_equal(test_str(root,
	    "networkInterfaces/0/accessConfigs/0/name"), "External NAT");

	assert_int_equal(json_array_size(test_at(root, "tags/items")), 1);
	assert_string_equal(test_str(root, "tags/items/0"), COMPUTE_TAG);
	assert_string_equal(test_str(root, "labels/" COMPUTE_LABEL),
	    "0_1-3-gabc_dirty");

	assert_string_equal(test_str(root, "scheduling/provisioningModel"),
	    "STANDARD");
	assert_true(json_is_true(test_at(root, "scheduling/automaticRestart")));
	assert_string_equal(test_str(root, "scheduling/onHostMaintenance"),
	    "MIGRATE");
	assert_null(test_at(root, "scheduling/instanceTerminationAction"));

	assert_true(json_is_true(test_at(root,
	    "shieldedInstanceConfig/enableSecureBoot")));
	assert_true(json_is_true(test_at(root,
	    "shieldedInstanceConfig/enableVtpm")));
	assert_true(json_is_true(test_at(root,
	    "shieldedInstanceConfig/enableIntegrityMonitoring")));

	assert_int_equal(json_array_size(test_at(root, "serviceAccounts")), 1);
	assert_string_equal(test_str(root, "serviceAccounts/0/email"),
	    "sandbox-agents@my-project-1.iam.gserviceaccount.com");
	assert_string_equal(test_str(root, "serviceAccounts/0/scopes/0"),
	    "https://www.googleapis.com/auth/cloud-platform");

	items = test_at(root, "metadata/items");
	assert_int_equal(json_array_size(items), 6);
	assert_string_equal(test_item(items, "startup-script"),
	    "#!/bin/sh\necho hi\n");
	assert_string_equal(test_item(items, "ssh-keys"),
	    "sandbox:" TEST_PUBKEY);
	assert_string_equal(test_item(items, "enable-guest-attributes"),
	    "TRUE");
	assert_string_equal(test_item(items, "enable-oslogin"), "FALSE");
	assert_string_equal(test_item(items, "sandbox-tui-agents"), "12");
	assert_string_equal(test_item(items, "sandbox-tui-idle"), "30");
	json_decref(root);
}

static void
test_compute_instance_spot(void **state)
{
	struct vm_spec	 spec;
	json_t		*root, *items;
	char		*cause = NULL, long_version[100];

	(void)state;
	test_spec(&spec);
	spec.spot = 1;
	spec.sa_email = NULL;
	spec.startup_script = NULL;
	spec.metadata = NULL;
	memset(long_version, 'V', sizeof long_version - 1);
	long_version[sizeof long_version - 1] = '\0';
	spec.version = long_version;
	root = test_body(compute_instance_body(&spec, &cause));

	assert_string_equal(test_str(root, "scheduling/provisioningModel"),
	    "SPOT");
	assert_string_equal(test_str(root,
	    "scheduling/instanceTerminationAction"), "STOP");
	assert_true(json_is_false(test_at(root,
	    "scheduling/automaticRestart")));
	assert_string_equal(test_str(root, "scheduling/onHostMaintenance"),
	    "TERMINATE");
	assert_null(test_at(root, "serviceAccounts"));
	assert_int_equal(strlen(test_str(root, "labels/" COMPUTE_LABEL)), 63);
	assert_int_equal(strspn(test_str(root, "labels/" COMPUTE_LABEL), "v"),
	    63);

	items = test_at(root, "metadata/items");
	assert_int_equal(json_array_size(items), 3);
	assert_null(test_item(items, "startup-script"));
	assert_string_equal(test_item(items, "enable-guest-attributes"),
	    "TRUE");
	json_decref(root);
}

/* compute_instance_body fails and the message contains want. */
static void
test_instance_fails(const struct vm_spec *spec, const char *want)
{
	char	*cause = NULL;

	assert_null(compute_instance_body(spec, &cause));
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("cause '%s' does not contain '%s'", cause, want);
	free(cause);
}

static void
test_compute_instance_bad(void **state)
{
	struct vm_spec		 spec;
	static const char *const dup[] = { "ssh-keys", "x", NULL };
	static const char *const badkey[] = { "a b", "x", NULL };
	static const char *const novalue[] = { "k", NULL, NULL };
	char			*big;

	(void)state;
	test_spec(&spec);
	spec.project = "p";
	test_instance_fails(&spec, "gcp.project: 'p' is not a project ID");
	test_spec(&spec);
	spec.zone = "us-central1";
	test_instance_fails(&spec, "gcp.zone: 'us-central1' is not a zone");
	test_spec(&spec);
	spec.name = "Agents";
	test_instance_fails(&spec, "gcp.instance: 'Agents' is not a VM name");
	test_spec(&spec);
	spec.machine_type = "e2 standard";
	test_instance_fails(&spec, "gcp.machine_type: 'e2 standard'");
	test_spec(&spec);
	spec.disk_gb = 5;
	test_instance_fails(&spec, "gcp.disk_gb: 5 GB is not between 10");
	test_spec(&spec);
	spec.network = "../x";
	test_instance_fails(&spec, "gcp.network: '../x'");
	test_spec(&spec);
	spec.image = "debian 12";
	test_instance_fails(&spec, "gcp.image: 'debian 12'");
	test_spec(&spec);
	spec.ssh_user = "Root";
	test_instance_fails(&spec, "gcp.ssh_user: 'Root' is not a user name");
	test_spec(&spec);
	spec.ssh_user = "a23456789012345678901234567890123";
	test_instance_fails(&spec, "gcp.ssh_user:");
	test_spec(&spec);
	spec.ssh_pubkey = "ssh-dss AAAAB3 x";
	test_instance_fails(&spec, "SSH public key: 'ssh-dss AAAAB3 x'");
	test_spec(&spec);
	spec.ssh_pubkey = TEST_PUBKEY "\nssh-ed25519 " TEST_ED25519;
	test_instance_fails(&spec, "SSH public key:");
	test_spec(&spec);
	spec.sa_email = "not an email";
	test_instance_fails(&spec, "service account: 'not an email'");
	test_spec(&spec);
	spec.metadata = dup;
	test_instance_fails(&spec, "metadata key: 'ssh-keys' is given twice");
	test_spec(&spec);
	spec.metadata = badkey;
	test_instance_fails(&spec, "metadata key: 'a b' is not a metadata key");
	test_spec(&spec);
	spec.metadata = novalue;
	test_instance_fails(&spec, "metadata key: 'k' has no value");
	test_spec(&spec);
	spec.startup_script = "\xff\xfe not UTF-8";
	test_instance_fails(&spec, "metadata startup-script: not valid UTF-8");
	test_spec(&spec);
	big = malloc(300 * 1024);
	assert_non_null(big);
	memset(big, '#', 300 * 1024 - 1);
	big[300 * 1024 - 1] = '\0';
	spec.startup_script = big;
	test_instance_fails(&spec, "metadata startup-script: 307199 bytes");
	free(big);
}

static void
test_compute_metadata(void **state)
{
	json_t	*root;
	char	*cause = NULL;

	(void)state;
	root = test_body(compute_metadata_body(test_instance_md, "ssh-keys",
	    "sandbox:" TEST_PUBKEY, &cause));
	assert_null(cause);
	assert_string_equal(test_str(root, "fingerprint"), "zB3hvKW3xUw=");
	assert_int_equal(json_array_size(test_at(root, "items")), 3);
	assert_string_equal(test_str(root, "items/0/key"), "startup-script");
	assert_string_equal(test_str(root, "items/0/value"), "#!/bin/sh\n");
	assert_string_equal(test_str(root, "items/1/key"), "ssh-keys");
	assert_string_equal(test_str(root, "items/1/value"),
	    "sandbox:" TEST_PUBKEY);
	assert_string_equal(test_str(root, "items/2/value"), "kept");
	json_decref(root);

	/* Added when the instance does not have it. */
	root = test_body(compute_metadata_body(test_instance_md, "new-key",
	    "v", &cause));
	assert_int_equal(json_array_size(test_at(root, "items")), 4);
	assert_string_equal(test_str(root, "items/3/key"), "new-key");
	json_decref(root);

	root = test_body(compute_metadata_body("{\"name\":\"x\",\"metadata\":"
	    "{\"fingerprint\":\"abc=\"}}", "ssh-keys", "u:k", &cause));
	assert_string_equal(test_str(root, "fingerprint"), "abc=");
	assert_int_equal(json_array_size(test_at(root, "items")), 1);
	json_decref(root);

	assert_null(compute_metadata_body("{\"name\":\"x\",\"metadata\":{}}",
	    "ssh-keys", "u:k", &cause));
	assert_non_null(strstr(cause, "fingerprint"));
	free(cause);
	cause = NULL;
	assert_null(compute_metadata_body("<html>", "ssh-keys", "u:k",
	    &cause));
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_null(compute_metadata_body(test_instance_md, "bad key", "v",
	    &cause));
	assert_non_null(strstr(cause, "'bad key'"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compute_valid),
		cmocka_unit_test(test_compute_instance_ondemand),
		cmocka_unit_test(test_compute_instance_spot),
		cmocka_unit_test(test_compute_instance_bad),
		cmocka_unit_test(test_compute_metadata),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
