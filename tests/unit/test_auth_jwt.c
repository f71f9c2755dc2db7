/*
 * Unit tests for gcp/auth_jwt.c: base64url vectors, the JWT assertion
 * checked with OpenSSL's verify and decoded, and keys it cannot sign
 * with.  RSA keys are generated at run time; nothing secret is committed.
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
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "gcp/auth.h"
#include "tests/unit/test_auth.h"

static void
test_auth_b64url(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;
	} cases[] = {
		{ "", "" },
		{ "f", "Zg" },
		{ "fo", "Zm8" },
		{ "foo", "Zm9v" },
		{ "foob", "Zm9vYg" },
		{ "fooba", "Zm9vYmE" },
		{ "foobar", "Zm9vYmFy" },
		{ "\xfb\xff", "-_8" },
		{ "\xfb\xff\xbf", "-_-_" },
		{ "{\"alg\":\"RS256\"}", "eyJhbGciOiJSUzI1NiJ9" },
	};
	const unsigned char	 zero[3] = { 0, 0, 0 };
	size_t			 i;
	char			*s;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		s = auth_b64url((const unsigned char *)cases[i].in,
		    strlen(cases[i].in));
		assert_string_equal(s, cases[i].out);
		free(s);
	}
	s = auth_b64url(zero, 3);
	assert_string_equal(s, "AAAA");
	free(s);
}

static void
test_auth_jwt_signs(void **state)
{
	EVP_PKEY	*pkey;
	char		*pem, *jwt, *cause = NULL;
	const char	*aud = "https://oauth2.googleapis.com/token";

	(void)state;
	pkey = test_auth_rsa(&pem);
	jwt = auth_jwt(TEST_AUTH_EMAIL, "kid-1", pem, aud, AUTH_SCOPE,
	    1700000000, &cause);
	assert_null(cause);
	assert_non_null(jwt);
	test_auth_check_jwt(jwt, pkey, aud, 1700000000);
	/* RS256 with PKCS #1 v1.5 is deterministic. */
	{
		char *again = auth_jwt(TEST_AUTH_EMAIL, "kid-1", pem, aud,
		    AUTH_SCOPE, 1700000000, &cause);

		assert_string_equal(again, jwt);
		free(again);
	}
	free(jwt);

	/* No key id: no kid in the header. */
	jwt = auth_jwt(TEST_AUTH_EMAIL, NULL, pem, aud, AUTH_SCOPE, 5, &cause);
	assert_non_null(jwt);
	{
		json_t *h = test_auth_jwt_part(jwt, strchr(jwt, '.') - jwt);

		assert_null(json_object_get(h, "kid"));
		json_decref(h);
	}
	free(jwt);
	free(pem);
	EVP_PKEY_free(pkey);
}

static void
test_auth_jwt_bad_keys(void **state)
{
	EVP_PKEY	*ec;
	BIO		*bio;
	char		*pem, *data, *cause = NULL;
	long		 len;

	(void)state;
	assert_null(auth_jwt(TEST_AUTH_EMAIL, "k", "not a key", "aud",
	    AUTH_SCOPE, 1, &cause));
	assert_non_null(cause);
	assert_non_null(strstr(cause, "private key: not a PEM private key ("));
	free(cause);
	cause = NULL;

	assert_null(auth_jwt(TEST_AUTH_EMAIL, "k", "-----BEGIN PRIVATE KEY-"
	    "----\nAAAA\n-----END PRIVATE KEY-----\n", "aud", AUTH_SCOPE, 1,
	    &cause));
	assert_non_null(strstr(cause, "not a PEM private key"));
	free(cause);
	cause = NULL;

	/* An EC key parses but cannot make RS256. */
	ec = EVP_EC_gen("P-256");
	assert_non_null(ec);
	bio = BIO_new(BIO_s_mem());
	assert_int_equal(PEM_write_bio_PrivateKey(bio, ec, NULL, NULL, 0,
	    NULL, NULL), 1);
	len = BIO_get_mem_data(bio, &data);
	pem = strndup(data, len);
	assert_null(auth_jwt(TEST_AUTH_EMAIL, "k", pem, "aud", AUTH_SCOPE, 1,
	    &cause));
	assert_string_equal(cause, "private key: type EC, not RSA");
	free(cause);
	cause = NULL;
	free(pem);
	BIO_free(bio);

	/* An encrypted key fails at once: no passphrase prompt. */
	bio = BIO_new(BIO_s_mem());
	assert_int_equal(PEM_write_bio_PKCS8PrivateKey(bio, ec,
	    EVP_aes_128_cbc(), "pass", 4, NULL, NULL), 1);
	len = BIO_get_mem_data(bio, &data);
	pem = strndup(data, len);
	assert_null(auth_jwt(TEST_AUTH_EMAIL, "k", pem, "aud", AUTH_SCOPE, 1,
	    &cause));
	assert_non_null(strstr(cause, "not a PEM private key"));
	free(cause);
	free(pem);
	BIO_free(bio);
	EVP_PKEY_free(ec);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auth_b64url),
		cmocka_unit_test(test_auth_jwt_signs),
		cmocka_unit_test(test_auth_jwt_bad_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
