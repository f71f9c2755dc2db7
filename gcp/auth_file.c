/*
 * Google credential files: reading one (bounded, never following a
 * surprise), telling a service account key from an authorized user, and
 * checking its fields and token_uri before any secret could be sent to a
 * mistyped URL.  auth.c decides which file to read and does the rest.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "config/echo.h"
#include "config/xmalloc.h"
#include "gcp/auth.h"
#include "gcp/auth_private.h"
#include "gcp/http.h"

#define AUTH_TOKEN_URI		"https://oauth2.googleapis.com/token"
#define AUTH_DMI_PRODUCT	"/sys/class/dmi/id/product_name"
/* Key files are a few KiB; anything much larger is not one. */
#define AUTH_FILE_MAX		(64 * 1024)
#define AUTH_FILE_ECHO_MAX	64	/* a value quoted in a message */

/*
 * Reads a credentials file whole into a buffer the caller wipes and
 * frees.  ENOENT is left in *missing so discovery can move on.
 */
static char *
auth_read_file(const char *path, const char *via, struct stat *sb,
    size_t *lenp, int *missing, char **cause)
{
	char	*buf;
	ssize_t	 n;
	size_t	 len = 0;
	int	 fd;

	*missing = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		*missing = errno == ENOENT;
		*cause = xasprintf("%s%s: %s", path, via, strerror(errno));
		return NULL;
	}
	if (fstat(fd, sb) == -1) {
		*cause = xasprintf("%s%s: %s", path, via, strerror(errno));
		close(fd);
		return NULL;
	}
	if (!S_ISREG(sb->st_mode)) {
		*cause = xasprintf("%s%s: not a regular file", path, via);
		close(fd);
		return NULL;
	}
	buf = xmalloc(AUTH_FILE_MAX + 1);
	for (;;) {
		n = read(fd, buf + len, AUTH_FILE_MAX + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
		if (len > AUTH_FILE_MAX)
			break;
	}
	close(fd);
	if (n == -1 || len > AUTH_FILE_MAX) {
		*cause = n == -1 ?
		    xasprintf("%s%s: %s", path, via, strerror(errno)) :
		    xasprintf("%s%s: too large for a credentials file", path,
		    via);
		OPENSSL_cleanse(buf, len);
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

/*
 * A string field of a credentials file: 0 and *out NULL when absent and
 * optional, -1 with *cause naming the file and field otherwise.
 */
static int
auth_field(json_t *o, const char *file, const char *name, int required,
    char **out, char **cause)
{
	json_t	*j = json_object_get(o, name);

	*out = NULL;
	if (j == NULL || json_is_null(j) ||
	    (json_is_string(j) && json_string_length(j) == 0)) {
		if (!required)
			return 0;
		*cause = xasprintf("%s: field %s is missing", file, name);
		return -1;
	}
	if (!json_is_string(j) || strlen(json_string_value(j)) !=
	    json_string_length(j)) {
		*cause = xasprintf("%s: field %s is not a string", file, name);
		return -1;
	}
	*out = xstrdup(json_string_value(j));
	return 0;
}

/* token_uri: checked here, by the rule every URL that carries a secret
 * follows (http_url.c), so that no secret goes to a mistyped URL. */
static int
auth_set_url(struct auth *a, const char *file, char *url, char **cause)
{
	int	 https;

	if (url == NULL)
		url = xstrdup(AUTH_TOKEN_URI);
	a->url = url;
	if ((a->host = http_url_host(url, &https)) == NULL) {
		*cause = xasprintf("%s: field token_uri is not an http(s) URL",
		    file);
		return -1;
	}
	if (!https && !http_url_loopback(a->host)) {
		*cause = xasprintf("%s: field token_uri must be an https URL "
		    "(plain http only to this machine)", file);
		return -1;
	}
	return 0;
}

static int
auth_load_service_account(struct auth *a, json_t *o, const char *file,
    char **cause)
{
	char	*url, *jwt, *why = NULL;

	if (auth_field(o, file, "client_email", 1, &a->client_email,
	    cause) != 0 ||
	    auth_field(o, file, "private_key", 1, &a->private_key,
	    cause) != 0 ||
	    auth_field(o, file, "private_key_id", 0, &a->key_id, cause) != 0 ||
	    auth_field(o, file, "project_id", 0, &a->project, cause) != 0 ||
	    auth_field(o, file, "token_uri", 0, &url, cause) != 0 ||
	    auth_set_url(a, file, url, cause) != 0)
		return -1;
	/* Signing once now reports a bad key before any request is made. */
	jwt = auth_jwt(a->client_email, a->key_id, a->private_key, a->url,
	    AUTH_SCOPE, (int64_t)time(NULL), &why);
	if (jwt == NULL) {
		*cause = xasprintf("%s: field private_key: %s", file,
		    strncmp(why, "private key: ", 13) == 0 ? why + 13 : why);
		free(why);
		return -1;
	}
	auth_wipe(&jwt);
	a->kind = AUTH_SERVICE_ACCOUNT;
	a->describe = xasprintf("service account %s (%s)", a->client_email,
	    file);
	return 0;
}

static int
auth_load_authorized_user(struct auth *a, json_t *o, const char *file,
    char **cause)
{
	char	*url;

	if (auth_field(o, file, "client_id", 1, &a->client_id, cause) != 0 ||
	    auth_field(o, file, "client_secret", 1, &a->client_secret,
	    cause) != 0 ||
	    auth_field(o, file, "refresh_token", 1, &a->refresh_token,
	    cause) != 0 ||
	    auth_field(o, file, "token_uri", 0, &url, cause) != 0 ||
	    auth_set_url(a, file, url, cause) != 0)
		return -1;
	a->kind = AUTH_AUTHORIZED_USER;
	a->describe = xasprintf("user credentials (%s)", file);
	return 0;
}

/* Wipes every string in a parsed credentials file before it is freed. */
static void
auth_wipe_json(json_t *o)
{
	const char	*k;
	json_t		*v;

	json_object_foreach(o, k, v)
		auth_wipe_json_string(v);
}

/* Parses a credentials file already read into buf. */
int
auth_load_json(struct auth *a, const char *file, const char *buf,
    char **cause)
{
	json_t		*o;
	json_error_t	 jerr;
	char		*type = NULL, *near, *echo;
	int		 rc = -1;

	if ((o = json_loads(buf, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		/* jansson quotes the text "near" the error: maybe the key. */
		if ((near = strstr(jerr.text, " near ")) != NULL)
			*near = '\0';
		*cause = xasprintf("%s:%d: not valid JSON: %s", file,
		    jerr.line, jerr.text);
		OPENSSL_cleanse(&jerr, sizeof jerr);
		return -1;
	}
	if (!json_is_object(o)) {
		*cause = xasprintf("%s: not a JSON object", file);
		goto out;
	}
	if (auth_field(o, file, "type", 1, &type, cause) != 0)
		goto out;
	if (strcmp(type, "service_account") == 0)
		rc = auth_load_service_account(a, o, file, cause);
	else if (strcmp(type, "authorized_user") == 0)
		rc = auth_load_authorized_user(a, o, file, cause);
	else {
		echo = echo_text(type, AUTH_FILE_ECHO_MAX);
		*cause = xasprintf("%s: credentials of type %s are not "
		    "supported (use a service_account key or "
		    "authorized_user credentials)", file, echo);
		free(echo);
		goto out;
	}
	if (rc == 0 && a->project == NULL &&
	    auth_field(o, file, "quota_project_id", 0, &a->project,
	    cause) != 0)
		rc = -1;
out:
	free(type);
	auth_wipe_json(o);
	json_decref(o);
	return rc;
}

/*
 * Loads one credentials file.  Returns 1 when it does not exist and
 * missing_ok, 0 when loaded, -1 with *cause.
 */
int
auth_load_file(struct auth *a, const char *file, const char *via,
    int missing_ok, char **cause)
{
	struct stat	 sb;
	char		*buf;
	size_t		 len;
	int		 missing, rc;

	buf = auth_read_file(file, via, &sb, &len, &missing, cause);
	if (buf == NULL) {
		if (missing && missing_ok) {
			free(*cause);
			*cause = NULL;
			return 1;
		}
		return -1;
	}
	rc = auth_load_json(a, file, buf, cause);
	OPENSSL_cleanse(buf, len);
	free(buf);
	if (rc == 0 && (sb.st_mode & (S_IRGRP | S_IROTH)) != 0)
		a->warning = xasprintf("%s can be read by other users (mode "
		    "%03o): chmod 600 it", file, (unsigned)sb.st_mode & 0777);
	return rc;
}

/* As Google's libraries: the BIOS of a GCE VM says "Google". */
int
auth_on_gce(void)
{
	char	 buf[128];
	FILE	*f;
	int	 yes = 0;

	if ((f = fopen(AUTH_DMI_PRODUCT, "r")) == NULL)
		return 0;
	if (fgets(buf, sizeof buf, f) != NULL)
		yes = strstr(buf, "Google") != NULL;
	fclose(f);
	return yes;
}
