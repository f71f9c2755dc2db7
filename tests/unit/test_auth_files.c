/*
 * Unit tests for how gcp/auth.c finds credentials: the order
 * (GOOGLE_APPLICATION_CREDENTIALS, then gcloud's ADC file, then the
 * metadata server) and the wording of every failure of a key file, with
 * files in a temporary directory and the environment set per test; no
 * message quotes a secret back.
 */

#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "gcp/auth.h"
#include "tests/unit/test_auth.h"

#define TEST_AUTH_NONE	"no Google credentials found: set " \
	"GOOGLE_APPLICATION_CREDENTIALS to a service account key file, run " \
	"`gcloud auth application-default login`, or run on a GCE VM with a " \
	"service account"

static int
test_auth_on_gce(void)
{
	char	 buf[128] = "";
	FILE	*f = fopen("/sys/class/dmi/id/product_name", "r");

	if (f == NULL)
		return 0;
	if (fgets(buf, sizeof buf, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	return strstr(buf, "Google") != NULL;
}

/* GOOGLE_APPLICATION_CREDENTIALS, then ADC, then the metadata server. */
static void
test_auth_discovery_order(void **state)
{
	char		*dir = test_auth_env(), *pem, *text, *cause = NULL;
	char		*sa = test_auth_path(dir, "sa.json");
	char		*adc = test_auth_path(dir,
			    "gcloud/application_default_credentials.json");
	char		*want;
	EVP_PKEY	*pkey = test_auth_rsa(&pem);
	struct auth	*a;

	(void)state;
	text = test_auth_sa_json(pem, NULL);
	test_auth_write(sa, text, 0600);
	free(text);
	text = test_auth_user_json(NULL);
	test_auth_write(adc, text, 0600);
	free(text);
	test_auth_setenv("GCE_METADATA_HOST", "127.0.0.1:9");

	test_auth_setenv("GOOGLE_APPLICATION_CREDENTIALS", sa);
	a = auth_new(NULL, &cause);
	assert_null(cause);
	assert_non_null(a);
	assert_int_equal(auth_kind(a), AUTH_SERVICE_ACCOUNT);
	assert_true(asprintf(&want, "service account %s (%s)",
	    TEST_AUTH_EMAIL, sa) > 0);
	assert_string_equal(auth_describe(a), want);
	free(want);
	assert_string_equal(auth_project(a), "proj-1");
	assert_null(auth_warning(a));
	auth_free(a);

	test_auth_setenv("GOOGLE_APPLICATION_CREDENTIALS", "");
	a = auth_new(NULL, &cause);
	assert_non_null(a);
	assert_int_equal(auth_kind(a), AUTH_AUTHORIZED_USER);
	assert_true(asprintf(&want, "user credentials (%s)", adc) > 0);
	assert_string_equal(auth_describe(a), want);
	free(want);
	assert_string_equal(auth_project(a), "quota-proj");
	auth_free(a);

	assert_int_equal(unlink(adc), 0);
	a = auth_new(NULL, &cause);
	assert_non_null(a);
	assert_int_equal(auth_kind(a), AUTH_METADATA);
	assert_string_equal(auth_describe(a), "metadata server (127.0.0.1:9)");
	assert_null(auth_project(a));
	auth_free(a);

	/* Nothing at all: one message with the three ways. */
	test_auth_setenv("GCE_METADATA_HOST", NULL);
	if (!test_auth_on_gce()) {
		assert_null(auth_new(NULL, &cause));
		assert_string_equal(cause, TEST_AUTH_NONE);
		free(cause);
		cause = NULL;
	}

	/* Without CLOUDSDK_CONFIG, ADC is under HOME. */
	test_auth_setenv("CLOUDSDK_CONFIG", NULL);
	free(adc);
	adc = test_auth_path(dir, ".config");
	assert_int_equal(mkdir(adc, 0700), 0);
	free(adc);
	adc = test_auth_path(dir, ".config/gcloud");
	assert_int_equal(mkdir(adc, 0700), 0);
	free(adc);
	adc = test_auth_path(dir,
	    ".config/gcloud/application_default_credentials.json");
	text = test_auth_sa_json(pem, NULL);
	test_auth_write(adc, text, 0644);
	free(text);
	a = auth_new(NULL, &cause);
	assert_non_null(a);
	assert_int_equal(auth_kind(a), AUTH_SERVICE_ACCOUNT);
	assert_true(asprintf(&want, "%s can be read by other users (mode "
	    "644): chmod 600 it", adc) > 0);
	assert_string_equal(auth_warning(a), want);
	free(want);
	auth_free(a);

	test_auth_rmtree(dir);
	free(adc);
	free(sa);
	free(dir);
	free(pem);
	EVP_PKEY_free(pkey);
}

/* Writes text as the GOOGLE_APPLICATION_CREDENTIALS file, expects want. */
static void
test_auth_expect(const char *path, const char *text, const char *want)
{
	char		*cause = NULL, *full;
	struct auth	*a;

	if (text != NULL)
		test_auth_write(path, text, 0600);
	test_auth_setenv("GOOGLE_APPLICATION_CREDENTIALS", path);
	a = auth_new(NULL, &cause);
	if (a != NULL)
		fail_msg("accepted: %s", text);
	assert_true(asprintf(&full, want, path) > 0);
	if (strcmp(cause, full) != 0)
		fail_msg("\n got: %s\nwant: %s", cause, full);
	/* Whatever the file held, no secret is quoted back. */
	assert_null(strstr(cause, "SECRET"));
	assert_null(strstr(cause, "MII"));
	free(full);
	free(cause);
}

static void
test_auth_bad_files(void **state)
{
	char		*dir = test_auth_env(), *pem, *text, *p, *sub;
	char		*f = test_auth_path(dir, "key.json");
	EVP_PKEY	*pkey = test_auth_rsa(&pem);
	json_t		*o;

	(void)state;
	sub = test_auth_path(dir, "nope.json");
	test_auth_expect(sub, NULL, "%s (GOOGLE_APPLICATION_CREDENTIALS): "
	    "No such file or directory");
	free(sub);
	test_auth_expect(dir, NULL, "%s (GOOGLE_APPLICATION_CREDENTIALS): "
	    "not a regular file");

	test_auth_expect(f, "", "%s:1: not valid JSON: '[' or '{' expected");
	test_auth_expect(f, "{\"type\": \"service_account\",\n"
	    "\"private_key\": \"MIIE SECRET \\q\"}",
	    "%s:2: not valid JSON: invalid escape");
	test_auth_expect(f, "{\"private_key\": \"SECRET\", \"private_key\": "
	    "\"SECRET\"}", "%s:1: not valid JSON: duplicate object key");
	test_auth_expect(f, "[1]", "%s: not a JSON object");
	test_auth_expect(f, "{}", "%s: field type is missing");
	test_auth_expect(f, "{\"type\": 3}", "%s: field type is not a string");
	test_auth_expect(f, "{\"type\": \"external_account\"}", "%s: "
	    "credentials of type external_account are not supported (use a "
	    "service_account key or authorized_user credentials)");
	test_auth_expect(f, "{\"type\": \"authorized_user\", \"client_id\": "
	    "\"c\", \"client_secret\": \"SECRET\"}",
	    "%s: field refresh_token is missing");

	text = test_auth_sa_json(pem, NULL);
	o = json_loads(text, 0, NULL);
	free(text);
	json_object_del(o, "private_key");
	text = json_dumps(o, 0);
	test_auth_expect(f, text, "%s: field private_key is missing");
	free(text);
	json_object_set_new(o, "private_key", json_string("-----BEGIN "
	    "PRIVATE KEY-----\nMIIE SECRET\n-----END PRIVATE KEY-----\n"));
	text = json_dumps(o, 0);
	test_auth_expect(f, text, "%s: field private_key: not a PEM private "
	    "key (unsupported)");
	free(text);
	json_object_set_new(o, "private_key", json_string(pem));
	json_object_set_new(o, "client_email", json_integer(7));
	text = json_dumps(o, 0);
	test_auth_expect(f, text, "%s: field client_email is not a string");
	free(text);
	json_object_set_new(o, "client_email", json_string(TEST_AUTH_EMAIL));
	json_object_set_new(o, "token_uri",
	    json_string("http://evil.example/token"));
	text = json_dumps(o, 0);
	test_auth_expect(f, text, "%s: field token_uri must be an https URL "
	    "(plain http only to this machine)");
	free(text);
	json_object_set_new(o, "token_uri",
	    json_string("http://127.0.0.1.evil.example:80/token"));
	text = json_dumps(o, 0);
	test_auth_expect(f, text, "%s: field token_uri must be an https URL "
	    "(plain http only to this machine)");
	free(text);
	json_object_set_new(o, "token_uri", json_string("file:///etc/x"));
	text = json_dumps(o, 0);
	test_auth_expect(f, text, "%s: field token_uri is not an http(s) URL");
	free(text);
	json_decref(o);

	/* A broken ADC file is an error too, not a reason to move on. */
	test_auth_setenv("GOOGLE_APPLICATION_CREDENTIALS", NULL);
	p = test_auth_path(dir, "gcloud/application_default_credentials.json");
	test_auth_write(p, "{\"type\": \"authorized_user\"}", 0600);
	{
		char *cause = NULL, *want;

		assert_null(auth_new(NULL, &cause));
		assert_true(asprintf(&want, "%s: field client_id is missing",
		    p) > 0);
		assert_string_equal(cause, want);
		free(want);
		free(cause);
	}
	free(p);

	test_auth_rmtree(dir);
	free(f);
	free(dir);
	free(pem);
	EVP_PKEY_free(pkey);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auth_discovery_order),
		cmocka_unit_test(test_auth_bad_files),
	};
	char	*dir = test_auth_env();
	int	 rc;

	/* The user's own credentials must not leak into the tests. */
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	test_auth_rmtree(dir);
	free(dir);
	return rc;
}
