/*
 * What the gcp/auth*.c unit tests share: a temporary HOME and gcloud
 * folder with no other credentials in the environment, the key files
 * Google's console and gcloud write (with an RSA key made at run time;
 * nothing secret is committed), and a check of a JWT assertion's
 * signature, header and claims.  Include after cmocka.h.
 */
#ifndef SANDBOX_TUI_TEST_AUTH_H
#define SANDBOX_TUI_TEST_AUTH_H

#include <sys/stat.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "gcp/auth.h"

#define TEST_AUTH_EMAIL	"runner@proj-1.iam.gserviceaccount.com"
#define TEST_AUTH_REFRESH	"1//refresh+token/SECRET"
#define TEST_AUTH_CSECRET	"client&secret=SECRET"

static inline void
test_auth_setenv(const char *name, const char *value)
{
	if (value == NULL)
		assert_int_equal(unsetenv(name), 0);
	else
		assert_int_equal(setenv(name, value, 1), 0);
}

static inline int
test_auth_rm_cb(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline void
test_auth_rmtree(const char *dir)
{
	assert_int_equal(nftw(dir, test_auth_rm_cb, 16, FTW_DEPTH | FTW_PHYS),
	    0);
}

/* A new directory under /tmp; caller removes and frees. */
static inline char *
test_auth_tmpdir(void)
{
	char	*dir = strdup("/tmp/test_auth.XXXXXX");

	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	return dir;
}

/* dir/name; caller frees. */
static inline char *
test_auth_path(const char *dir, const char *name)
{
	char	*p;

	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	return p;
}

static inline void
test_auth_write(const char *path, const char *text, mode_t mode)
{
	int	fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* A fresh RSA key and its PKCS #8 PEM (caller frees). */
static inline EVP_PKEY *
test_auth_rsa(char **pem)
{
	EVP_PKEY	*pkey = EVP_RSA_gen(2048);
	BIO		*bio = BIO_new(BIO_s_mem());
	char		*data;
	long		 len;

	assert_non_null(pkey);
	assert_non_null(bio);
	assert_int_equal(PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0,
	    NULL, NULL), 1);
	len = BIO_get_mem_data(bio, &data);
	*pem = strndup(data, len);
	assert_non_null(*pem);
	BIO_free(bio);
	return pkey;
}

/* A credentials file's text: o, with token_uri when given; frees o. */
static inline char *
test_auth_json_text(json_t *o, const char *token_uri)
{
	char	*text;

	assert_non_null(o);
	if (token_uri != NULL)
		json_object_set_new(o, "token_uri", json_string(token_uri));
	text = json_dumps(o, JSON_INDENT(2));
	assert_non_null(text);
	json_decref(o);
	return text;
}

/* A service account key file as Google's console writes it. */
static inline char *
test_auth_sa_json(const char *pem, const char *token_uri)
{
	return test_auth_json_text(json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
	    "type", "service_account", "project_id", "proj-1",
	    "private_key_id", "kid-1", "private_key", pem,
	    "client_email", TEST_AUTH_EMAIL, "client_id", "1234"), token_uri);
}

/* User credentials as `gcloud auth application-default login` writes them. */
static inline char *
test_auth_user_json(const char *token_uri)
{
	return test_auth_json_text(json_pack("{s:s, s:s, s:s, s:s, s:s}",
	    "type", "authorized_user", "client_id", "cid.apps",
	    "client_secret", TEST_AUTH_CSECRET,
	    "refresh_token", TEST_AUTH_REFRESH,
	    "quota_project_id", "quota-proj"), token_uri);
}

/* Decodes base64url (no padding); caller frees; *len its length. */
static inline unsigned char *
test_auth_unb64url(const char *in, size_t inlen, size_t *len)
{
	char		*std = calloc(1, inlen + 4);
	unsigned char	*out = calloc(1, inlen + 4);
	size_t		 i, pad = (4 - inlen % 4) % 4;
	int		 n;

	assert_non_null(std);
	assert_non_null(out);
	for (i = 0; i < inlen; i++)
		std[i] = in[i] == '-' ? '+' : in[i] == '_' ? '/' : in[i];
	memset(std + inlen, '=', pad);
	n = EVP_DecodeBlock(out, (unsigned char *)std, (int)(inlen + pad));
	assert_true(n >= 0);
	*len = (size_t)n - pad;
	free(std);
	return out;
}

/* One JWT part decoded and parsed as JSON. */
static inline json_t *
test_auth_jwt_part(const char *part, size_t len)
{
	unsigned char	*raw;
	size_t		 rawlen;
	json_t		*j;

	raw = test_auth_unb64url(part, len, &rawlen);
	j = json_loadb((char *)raw, rawlen, 0, NULL);
	assert_non_null(j);
	free(raw);
	return j;
}

/* Checks an assertion's signature, header and claims. */
static inline void
test_auth_check_jwt(const char *jwt, EVP_PKEY *pkey, const char *aud,
    int64_t now)
{
	const char	*d1 = strchr(jwt, '.'), *d2;
	EVP_MD_CTX	*ctx = EVP_MD_CTX_new();
	unsigned char	*sig;
	size_t		 siglen;
	json_t		*h, *c;
	char		*bad;

	assert_non_null(d1);
	d2 = strchr(d1 + 1, '.');
	assert_non_null(d2);
	assert_null(strchr(d2 + 1, '.'));
	assert_null(strpbrk(jwt, "+/="));

	sig = test_auth_unb64url(d2 + 1, strlen(d2 + 1), &siglen);
	assert_int_equal(siglen, 256);
	assert_int_equal(EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL,
	    pkey), 1);
	assert_int_equal(EVP_DigestVerify(ctx, sig, siglen,
	    (const unsigned char *)jwt, d2 - jwt), 1);
	/* A changed claim no longer verifies. */
	bad = strndup(jwt, d2 - jwt);
	bad[d1 - jwt + 3] ^= 1;
	assert_int_equal(EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL,
	    pkey), 1);
	assert_int_not_equal(EVP_DigestVerify(ctx, sig, siglen,
	    (const unsigned char *)bad, d2 - jwt), 1);
	free(bad);
	free(sig);
	EVP_MD_CTX_free(ctx);

	h = test_auth_jwt_part(jwt, d1 - jwt);
	assert_int_equal(json_object_size(h), 3);
	assert_string_equal(json_string_value(json_object_get(h, "alg")),
	    "RS256");
	assert_string_equal(json_string_value(json_object_get(h, "typ")),
	    "JWT");
	assert_string_equal(json_string_value(json_object_get(h, "kid")),
	    "kid-1");
	json_decref(h);

	c = test_auth_jwt_part(d1 + 1, d2 - d1 - 1);
	assert_int_equal(json_object_size(c), 5);
	assert_string_equal(json_string_value(json_object_get(c, "iss")),
	    TEST_AUTH_EMAIL);
	assert_string_equal(json_string_value(json_object_get(c, "scope")),
	    AUTH_SCOPE);
	assert_string_equal(json_string_value(json_object_get(c, "aud")), aud);
	if (now != 0)
		assert_int_equal(json_integer_value(json_object_get(c, "iat")),
		    now);
	else {
		now = json_integer_value(json_object_get(c, "iat"));
		assert_true(now > time(NULL) - 120 && now <= time(NULL));
	}
	assert_int_equal(json_integer_value(json_object_get(c, "exp")),
	    now + 3600);
	json_decref(c);
}

/* A directory with HOME and CLOUDSDK_CONFIG in it; no other credentials. */
static inline char *
test_auth_env(void)
{
	char	*dir = test_auth_tmpdir(), *gc = test_auth_path(dir, "gcloud");

	assert_int_equal(mkdir(gc, 0700), 0);
	test_auth_setenv("HOME", dir);
	test_auth_setenv("CLOUDSDK_CONFIG", gc);
	test_auth_setenv("GOOGLE_APPLICATION_CREDENTIALS", NULL);
	test_auth_setenv("GCE_METADATA_HOST", NULL);
	free(gc);
	return dir;
}

#endif
