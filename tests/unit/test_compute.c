/*
 * Unit tests for gcp/compute*.c: every request body is read back with
 * jansson and checked field by field against the names of the Compute
 * Engine v1, IAM and Resource Manager references; the checks on user
 * input name the setting at fault; answers modelled on real ones
 * (operations, an instance, guest attributes, error bodies) parse into
 * the right fields and sentences; the price table reads as written.
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

#define TEST_ED25519	"AAAAC3NzaC1lZDI1NTE5AAAAIGMmOV6QGQX7P/fx9Jxuz90BjW" \
			"7hD38LSCiPmk3YTe0V"
#define TEST_ECDSA	"AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAA" \
			"BBBD8aKrebJ5dnj8kqf7X1/lNrlaCsBRrK2RrsKRBi+0uMPSn2L" \
			"cU0Qo0iObygYeGVvWRXBU/IJhDVQVNg8c75XCI="
#define TEST_PUBKEY	"ssh-ed25519 " TEST_ED25519 " sandbox-tui"

/* The JSON value at a path of object keys and array indexes ("disks/0/
 * boot"), or NULL. */
static json_t *
test_at(json_t *root, const char *path)
{
	char	*copy = strdup(path), *p = copy, *part;
	json_t	*v = root;

	assert_non_null(copy);
	while (v != NULL && (part = strsep(&p, "/")) != NULL) {
		if (json_is_array(v))
			v = json_array_get(v, (size_t)atoi(part));
		else
			v = json_object_get(v, part);
	}
	free(copy);
	return v;
}

static const char *
test_str(json_t *root, const char *path)
{
	json_t	*v = test_at(root, path);

	assert_non_null(v);
	assert_true(json_is_string(v));
	return json_string_value(v);
}

/* Parses a body the code built; it must be one compact JSON object. */
static json_t *
test_body(char *body)
{
	json_t	*root;

	assert_non_null(body);
	assert_null(strchr(body, '\n'));
	root = json_loads(body, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(root);
	assert_true(json_is_object(root));
	free(body);
	return root;
}

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

static const char test_instance_md[] =
    "{\"name\":\"sandbox-agents\",\"metadata\":{\"kind\":\"compute#metadata\","
    "\"fingerprint\":\"zB3hvKW3xUw=\",\"items\":["
    "{\"key\":\"startup-script\",\"value\":\"#!/bin/sh\\n\"},"
    "{\"key\":\"ssh-keys\",\"value\":\"old:ssh-ed25519 AAAA old\"},"
    "{\"key\":\"other\",\"value\":\"kept\"}]}}";

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

/* The schedule body's two crons ("" when absent). */
static void
test_schedule(const char *stop, const char *start, const char *days,
    const char *want_stop, const char *want_start)
{
	json_t	*root;
	char	*cause = NULL;

	root = test_body(compute_schedule_body("sandbox-agents-schedule",
	    "us-central1", stop, start, "Europe/Berlin", days, &cause));
	assert_null(cause);
	assert_string_equal(test_str(root, "name"), "sandbox-agents-schedule");
	assert_string_equal(test_str(root, "instanceSchedulePolicy/timeZone"),
	    "Europe/Berlin");
	if (*want_stop != '\0')
		assert_string_equal(test_str(root, "instanceSchedulePolicy/"
		    "vmStopSchedule/schedule"), want_stop);
	else
		assert_null(test_at(root, "instanceSchedulePolicy/"
		    "vmStopSchedule"));
	if (*want_start != '\0')
		assert_string_equal(test_str(root,
		    "instanceSchedulePolicy/vmStartSchedule/schedule"),
		    want_start);
	else
		assert_null(test_at(root, "instanceSchedulePolicy/"
		    "vmStartSchedule"));
	json_decref(root);
}

static void
test_compute_schedule(void **state)
{
	(void)state;
	test_schedule("19:00", "08:30", "mon-fri", "0 19 * * 1-5",
	    "30 8 * * 1-5");
	test_schedule("19:00", "08:30", NULL, "0 19 * * *", "30 8 * * *");
	test_schedule("23:59", "0:00", "sat,sun", "59 23 * * 0,6",
	    "0 0 * * 0,6");
	test_schedule("18:05", NULL, "mon,wed,fri", "5 18 * * 1,3,5", "");
	test_schedule(NULL, "07:00", "Mon-Fri", "", "0 7 * * 1-5");
	test_schedule("20:00", NULL, "fri-mon", "0 20 * * 0,1,5,6", "");
	test_schedule("20:00", NULL, "sun-sat", "0 20 * * *", "");
	test_schedule("20:00", NULL, "monday, tuesday,wed", "0 20 * * 1-3",
	    "");
	test_schedule("20:00", NULL, "weekends", "0 20 * * 0,6", "");
}

static void
test_compute_schedule_bad(void **state)
{
	static const struct {
		const char	*stop, *start, *tz, *days, *want;
	} cases[] = {
		{ "24:00", NULL, "UTC", NULL, "--stop: '24:00' is not a time" },
		{ "12:60", NULL, "UTC", NULL, "--stop: '12:60'" },
		{ "7:5", NULL, "UTC", NULL, "--stop: '7:5'" },
		{ "noon", NULL, "UTC", NULL, "--stop: 'noon'" },
		{ "19:00", "8h", "UTC", NULL, "--start: '8h'" },
		{ "19:00", NULL, "Berlin", NULL, "--tz: 'Berlin' is not a time "
		  "zone" },
		{ "19:00", NULL, "Europe/", NULL, "--tz: 'Europe/'" },
		{ "19:00", NULL, "../etc/passwd", NULL, "--tz:" },
		{ "19:00", NULL, "Europe//Berlin", NULL, "--tz:" },
		{ "19:00", NULL, NULL, NULL, "--tz: '(none)'" },
		{ "19:00", NULL, "UTC", "funday", "--days: 'funday' is not a "
		  "list of days" },
		{ "19:00", NULL, "UTC", "mon-", "--days: 'mon-'" },
		{ "19:00", NULL, "UTC", "mon,,fri", "--days:" },
		{ "19:00", NULL, "UTC", "", "--days:" },
		{ NULL, NULL, "UTC", NULL, "give --stop HH:MM" },
	};
	size_t	i;
	char	*cause;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cause = NULL;
		assert_null(compute_schedule_body("s-schedule", "us-central1",
		    cases[i].stop, cases[i].start, cases[i].tz, cases[i].days,
		    &cause));
		assert_non_null(cause);
		if (strstr(cause, cases[i].want) == NULL)
			fail_msg("case %zu: cause '%s'", i, cause);
		free(cause);
	}
	cause = NULL;
	assert_null(compute_schedule_body("s", "us-central1-a", "19:00", NULL,
	    "UTC", NULL, &cause));
	assert_non_null(strstr(cause, "gcp.region: 'us-central1-a'"));
	free(cause);
	json_decref(test_body(compute_schedule_body("s", "us-central1",
	    "19:00", NULL, "America/Argentina/Buenos_Aires", NULL, &cause)));
	json_decref(test_body(compute_schedule_body("s", "us-central1",
	    "19:00", NULL, "Etc/GMT+5", NULL, &cause)));
}

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

static const char test_policy[] =
    "{\"version\":1,\"etag\":\"BwXhqDZ2Yy0=\",\"bindings\":["
    "{\"role\":\"roles/owner\",\"members\":[\"user:me@example.com\"]},"
    "{\"role\":\"roles/storage.objectViewer\",\"members\":"
    "[\"user:you@example.com\"],\"condition\":{\"title\":\"t\","
    "\"expression\":\"request.time < timestamp('2030-01-01T00:00:00Z')\"}},"
    "{\"role\":\"roles/storage.objectViewer\",\"members\":"
    "[\"group:g@example.com\"]}],"
    "\"auditConfigs\":[{\"service\":\"allServices\"}]}";

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

static void
test_compute_price(void **state)
{
	static const char table[] =
	    "# comment e2-standard-2 9 9\n"
	    "\n"
	    "e2-standard-2   0.067006  0.0201\r\n"
	    "  n2-standard-2\t0.097118\t0.0291\n"
	    "e2-standard-20  5 1\n"
	    "only-od 1.5\n"
	    "bad 0.1x 0.2\n"
	    "disk-pd-balanced-gb-month 0.100";

	(void)state;
	assert_true(compute_price_lookup(table, "e2-standard-2", 0) ==
	    0.067006);
	assert_true(compute_price_lookup(table, "e2-standard-2", 1) == 0.0201);
	assert_true(compute_price_lookup(table, "n2-standard-2", 0) ==
	    0.097118);
	assert_true(compute_price_lookup(table, "n2-standard-2", 1) == 0.0291);
	assert_true(compute_price_lookup(table, "e2-standard-20", 0) == 5);
	assert_true(compute_price_lookup(table, "only-od", 0) == 1.5);
	assert_true(compute_price_lookup(table, "only-od", 1) == -1);
	assert_true(compute_price_lookup(table, "bad", 0) == -1);
	assert_true(compute_price_lookup(table, "e2-standard", 0) == -1);
	assert_true(compute_price_lookup(table, "#", 0) == -1);
	assert_true(compute_price_lookup(table, "", 0) == -1);
	assert_true(compute_price_lookup(table, NULL, 0) == -1);
	assert_true(compute_price_lookup(table, "disk-pd-balanced-gb-month",
	    0) == 0.1);

	/* The table shipped in the binary. */
	assert_true(compute_price_hour("e2-standard-16", 0) == 0.536048);
	assert_true(compute_price_hour("e2-standard-16", 1) > 0);
	assert_true(compute_price_hour("e2-standard-16", 1) <
	    compute_price_hour("e2-standard-16", 0));
	assert_true(compute_price_hour("n2-standard-8", 0) == 0.388472);
	assert_true(compute_price_hour("e2-standard-3", 0) == -1);
	assert_true(compute_price_hour(NULL, 0) == -1);
	assert_true(compute_price_disk_gb_month() == 0.1);
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
		cmocka_unit_test(test_compute_valid),
		cmocka_unit_test(test_compute_instance_ondemand),
		cmocka_unit_test(test_compute_instance_spot),
		cmocka_unit_test(test_compute_instance_bad),
		cmocka_unit_test(test_compute_firewall),
		cmocka_unit_test(test_compute_firewall_bad),
		cmocka_unit_test(test_compute_network),
		cmocka_unit_test(test_compute_metadata),
		cmocka_unit_test(test_compute_schedule),
		cmocka_unit_test(test_compute_schedule_bad),
		cmocka_unit_test(test_compute_sa),
		cmocka_unit_test(test_compute_policy_empty),
		cmocka_unit_test(test_compute_policy_existing),
		cmocka_unit_test(test_compute_policy_present),
		cmocka_unit_test(test_compute_op),
		cmocka_unit_test(test_compute_instance_parse),
		cmocka_unit_test(test_compute_hostkeys),
		cmocka_unit_test(test_compute_guest_value),
		cmocka_unit_test(test_compute_error_text),
		cmocka_unit_test(test_compute_price),
		cmocka_unit_test(test_compute_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
