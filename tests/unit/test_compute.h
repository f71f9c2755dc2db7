/*
 * What the gcp/compute*.c unit tests share: readers of the JSON bodies
 * the code builds, host keys as Google stores them, and the answers (an
 * instance's metadata, a project's IAM policy) that are both the input of
 * a body and a seed of the damaged-answer test.  Include after cmocka.h.
 */
#ifndef SANDBOX_TUI_TEST_COMPUTE_H
#define SANDBOX_TUI_TEST_COMPUTE_H

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#define TEST_ED25519	"AAAAC3NzaC1lZDI1NTE5AAAAIGMmOV6QGQX7P/fx9Jxuz90BjW" \
			"7hD38LSCiPmk3YTe0V"
#define TEST_ECDSA	"AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAA" \
			"BBBD8aKrebJ5dnj8kqf7X1/lNrlaCsBRrK2RrsKRBi+0uMPSn2L" \
			"cU0Qo0iObygYeGVvWRXBU/IJhDVQVNg8c75XCI="
#define TEST_PUBKEY	"ssh-ed25519 " TEST_ED25519 " sandbox-tui"

/* The JSON value at a path of object keys and array indexes ("disks/0/
 * boot"), or NULL. */
static inline json_t *
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

static inline const char *
test_str(json_t *root, const char *path)
{
	json_t	*v = test_at(root, path);

	assert_non_null(v);
	assert_true(json_is_string(v));
	return json_string_value(v);
}

/* Parses a body the code built; it must be one compact JSON object. */
static inline json_t *
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

/* An instances.get answer cut to its metadata. */
static __attribute__((unused)) const char test_instance_md[] =
    "{\"name\":\"sandbox-agents\",\"metadata\":{\"kind\":\"compute#metadata\","
    "\"fingerprint\":\"zB3hvKW3xUw=\",\"items\":["
    "{\"key\":\"startup-script\",\"value\":\"#!/bin/sh\\n\"},"
    "{\"key\":\"ssh-keys\",\"value\":\"old:ssh-ed25519 AAAA old\"},"
    "{\"key\":\"other\",\"value\":\"kept\"}]}}";

/* A project's IAM policy with a conditional binding of the same role. */
static __attribute__((unused)) const char test_policy[] =
    "{\"version\":1,\"etag\":\"BwXhqDZ2Yy0=\",\"bindings\":["
    "{\"role\":\"roles/owner\",\"members\":[\"user:me@example.com\"]},"
    "{\"role\":\"roles/storage.objectViewer\",\"members\":"
    "[\"user:you@example.com\"],\"condition\":{\"title\":\"t\","
    "\"expression\":\"request.time < timestamp('2030-01-01T00:00:00Z')\"}},"
    "{\"role\":\"roles/storage.objectViewer\",\"members\":"
    "[\"group:g@example.com\"]}],"
    "\"auditConfigs\":[{\"service\":\"allServices\"}]}";

#endif
