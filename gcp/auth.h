/*
 * Google credentials and access tokens.  Found in this order, as Google's
 * client libraries do: GOOGLE_APPLICATION_CREDENTIALS (a service_account
 * key, exchanged as an RS256-signed JWT at the key's token_uri, or an
 * authorized_user file, exchanged with its refresh token), gcloud's
 * application_default_credentials.json (under CLOUDSDK_CONFIG, else
 * ~/.config/gcloud), then the metadata server (GCE_METADATA_HOST, else
 * metadata.google.internal, header "Metadata-Flavor: Google").  Tokens
 * live in memory only and are refreshed a few minutes before they expire;
 * requests for a token while one is being fetched wait for it.
 */
#ifndef SANDBOX_TUI_AUTH_H
#define SANDBOX_TUI_AUTH_H

#include <stddef.h>
#include <stdint.h>

struct http;
struct auth;

#define AUTH_SCOPE "https://www.googleapis.com/auth/cloud-platform"

enum auth_kind { AUTH_SERVICE_ACCOUNT, AUTH_AUTHORIZED_USER, AUTH_METADATA };

/*
 * Finds the credentials (reads files, does no network I/O).  On failure
 * returns NULL and sets *cause: the file and field at fault, or, when
 * there are none at all, one message listing the three ways to provide
 * them.  The metadata server is chosen last only when no file is found.
 */
struct auth *auth_new(struct http *, char **cause);
void auth_free(struct auth *);

enum auth_kind auth_kind(struct auth *);
/* "service account NAME@P.iam.gserviceaccount.com (FILE)", "user
 * credentials (FILE)" or "metadata server (HOST)": for messages. */
const char *auth_describe(struct auth *);
/* project_id (service_account) or quota_project_id, else NULL. */
const char *auth_project(struct auth *);
/* "FILE can be read by other users (mode 0644): chmod 600 it", or NULL:
 * such a key is used anyway, as gcloud does, but worth telling the user. */
const char *auth_warning(struct auth *);

/*
 * Calls cb with a valid access token, or with token NULL and an error
 * (naming the token endpoint, the HTTP status and Google's error and
 * error_description, never the secret).  May call back before returning
 * when a cached token is still fresh.
 */
typedef void (*auth_cb)(const char *token, const char *error, void *arg);
uint64_t auth_token(struct auth *, auth_cb, void *arg);
void auth_cancel(struct auth *, uint64_t id);
/* Forget the cached token (after a 401). */
void auth_invalidate(struct auth *);

/* Pure parts, for tests. */
/* base64url without padding; caller frees. */
char *auth_b64url(const unsigned char *, size_t);
/* The signed JWT assertion for a service account key (PEM PKCS#8), or
 * NULL with *cause. */
char *auth_jwt(const char *client_email, const char *key_id,
	    const char *private_key_pem, const char *audience,
	    const char *scope, int64_t now, char **cause);

#endif
