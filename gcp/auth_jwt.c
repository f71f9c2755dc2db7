/*
 * The pure half of service-account credentials: base64url and the signed
 * JWT that Google's token endpoint exchanges for an access token (RFC 7523
 * with RS256, RFC 7515).  No I/O and no state; auth.c signs one assertion
 * per token fetch (and one when it loads a key, to check the key), and the
 * unit tests verify the output with OpenSSL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "config/xmalloc.h"
#include "gcp/auth.h"

/* Google accepts assertions valid for at most an hour. */
#define AUTH_JWT_LIFETIME	3600

char *
auth_b64url(const unsigned char *in, size_t len)
{
	static const char	 tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	char			*out, *p;
	size_t			 i;
	unsigned long		 v;

	out = p = xmalloc(len / 3 * 4 + 4 + 1);
	for (i = 0; i + 3 <= len; i += 3) {
		v = (unsigned long)in[i] << 16 | in[i + 1] << 8 | in[i + 2];
		*p++ = tab[v >> 18 & 63];
		*p++ = tab[v >> 12 & 63];
		*p++ = tab[v >> 6 & 63];
		*p++ = tab[v & 63];
	}
	if (len - i == 1) {
		v = (unsigned long)in[i] << 16;
		*p++ = tab[v >> 18 & 63];
		*p++ = tab[v >> 12 & 63];
	} else if (len - i == 2) {
		v = (unsigned long)in[i] << 16 | in[i + 1] << 8;
		*p++ = tab[v >> 18 & 63];
		*p++ = tab[v >> 12 & 63];
		*p++ = tab[v >> 6 & 63];
	}
	*p = '\0';
	return out;
}

/* Never prompt on the terminal for an encrypted key: fail instead. */
static int
auth_jwt_no_passphrase(char *buf, int size, int rwflag, void *arg)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)arg;
	return -1;
}

/* OpenSSL's reason for the last failure (never key material). */
static const char *
auth_jwt_ssl_reason(void)
{
	unsigned long	 e = ERR_peek_last_error();
	const char	*r = e != 0 ? ERR_reason_error_string(e) : NULL;

	return r != NULL ? r : "unknown error";
}

static EVP_PKEY *
auth_jwt_load_key(const char *pem, char **cause)
{
	BIO		*bio;
	EVP_PKEY	*pkey;

	ERR_clear_error();
	if ((bio = BIO_new_mem_buf(pem, -1)) == NULL) {
		*cause = xstrdup("private key: out of memory");
		return NULL;
	}
	pkey = PEM_read_bio_PrivateKey(bio, NULL, auth_jwt_no_passphrase,
	    NULL);
	BIO_free(bio);
	if (pkey == NULL) {
		*cause = xasprintf("private key: not a PEM private key (%s)",
		    auth_jwt_ssl_reason());
		ERR_clear_error();
		return NULL;
	}
	if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
		*cause = xasprintf("private key: type %s, not RSA",
		    EVP_PKEY_get0_type_name(pkey) != NULL ?
		    EVP_PKEY_get0_type_name(pkey) : "unknown");
		EVP_PKEY_free(pkey);
		return NULL;
	}
	return pkey;
}

/* base64url of a JSON value in compact form; caller frees. */
static char *
auth_jwt_part(json_t *j)
{
	char	*text, *out;

	if ((text = json_dumps(j, JSON_COMPACT)) == NULL)
		abort();
	out = auth_b64url((unsigned char *)text, strlen(text));
	free(text);
	return out;
}

/* RS256 over input: PKCS #1 v1.5 with SHA-256; base64url, caller frees. */
static char *
auth_jwt_sign(EVP_PKEY *pkey, const char *input, char **cause)
{
	EVP_MD_CTX	*ctx = NULL;
	unsigned char	*sig = NULL;
	size_t		 siglen = 0;
	char		*out = NULL;

	ERR_clear_error();
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		goto fail;
	if (EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, pkey) != 1)
		goto fail;
	if (EVP_DigestSign(ctx, NULL, &siglen, (const unsigned char *)input,
	    strlen(input)) != 1)
		goto fail;
	sig = xmalloc(siglen);
	if (EVP_DigestSign(ctx, sig, &siglen, (const unsigned char *)input,
	    strlen(input)) != 1)
		goto fail;
	out = auth_b64url(sig, siglen);
	goto out;
fail:
	*cause = xasprintf("private key: cannot sign (%s)",
	    auth_jwt_ssl_reason());
	ERR_clear_error();
out:
	free(sig);
	EVP_MD_CTX_free(ctx);
	return out;
}

char *
auth_jwt(const char *client_email, const char *key_id,
    const char *private_key_pem, const char *audience, const char *scope,
    int64_t now, char **cause)
{
	EVP_PKEY	*pkey;
	json_t		*header, *claims;
	char		*h, *c, *input, *sig, *out = NULL;

	if ((pkey = auth_jwt_load_key(private_key_pem, cause)) == NULL)
		return NULL;

	header = json_pack("{s:s, s:s}", "alg", "RS256", "typ", "JWT");
	if (header == NULL)
		abort();
	if (key_id != NULL && *key_id != '\0')
		json_object_set_new(header, "kid", json_string(key_id));
	claims = json_pack("{s:s, s:s, s:s, s:I, s:I}",
	    "iss", client_email, "scope", scope, "aud", audience,
	    "iat", (json_int_t)now,
	    "exp", (json_int_t)(now + AUTH_JWT_LIFETIME));
	if (claims == NULL) {
		/* Only a string that is not UTF-8 gets here. */
		*cause = xstrdup("client_email, scope or audience is not "
		    "valid UTF-8");
		json_decref(header);
		EVP_PKEY_free(pkey);
		return NULL;
	}
	h = auth_jwt_part(header);
	c = auth_jwt_part(claims);
	input = xasprintf("%s.%s", h, c);
	if ((sig = auth_jwt_sign(pkey, input, cause)) != NULL) {
		out = xasprintf("%s.%s", input, sig);
		free(sig);
	}
	free(input);
	free(c);
	free(h);
	json_decref(claims);
	json_decref(header);
	EVP_PKEY_free(pkey);
	return out;
}
