/*
 * What gcp/auth.c and gcp/auth_file.c share; private to them.
 */
#ifndef SANDBOX_TUI_AUTH_PRIVATE_H
#define SANDBOX_TUI_AUTH_PRIVATE_H

#include <stdint.h>

#include <jansson.h>

#include "gcp/auth.h"

struct auth_waiter {
	uint64_t		 id;
	uint64_t		 gen;
	auth_cb			 cb;
	void			*arg;
	struct auth_waiter	*next;
};

struct auth {
	struct http		*http;
	enum auth_kind		 kind;
	char			*describe;
	char			*project;
	char			*warning;
	char			*url;		/* token endpoint */
	char			*host;		/* its host[:port] */

	char			*client_email;	/* service account */
	char			*key_id;
	char			*private_key;	/* PEM; wiped */
	char			*client_id;	/* authorized user */
	char			*client_secret;	/* wiped */
	char			*refresh_token;	/* wiped */

	char			*token;		/* wiped */
	int64_t			 fresh_until;	/* monotonic ms */
	int			 fetching;
	uint64_t		 fetch;		/* http id, 0 if none yet */
	uint64_t		 gen;		/* of the next fetch */
	uint64_t		 next_id;
	struct auth_waiter	*waiters;	/* oldest first */

	int			 busy;		/* calls on the stack */
	int			 dead;		/* freed while busy */
};

/* Frees a secret string after overwriting it; sets *s to NULL. */
void	 auth_wipe(char **s);
void	 auth_wipe_json_string(json_t *);

/*
 * Loads one credentials file into a (kind, fields, url, host, project,
 * warning).  Returns 1 when it does not exist and missing_ok, 0 when
 * loaded, -1 with *cause.  via is appended to the file's name in messages.
 */
int	 auth_load_file(struct auth *, const char *file, const char *via,
	    int missing_ok, char **cause);
/*
 * Parses a credentials file already read into buf (NUL-terminated) into
 * a, as auth_load_file does; file names it in messages.  0, or -1 with
 * *cause.  Fields already set in a may be left set on failure: auth_free
 * releases them.
 */
int	 auth_load_json(struct auth *, const char *file, const char *buf,
	    char **cause);
/* Whether this machine is a GCE VM (its BIOS says Google). */
int	 auth_on_gce(void);

/*
 * The answers of the token endpoint or metadata server (auth.c; a->kind
 * and a->host say which it was).  auth_take_token keeps the token of a
 * 2xx answer in a->token, or returns the error sentence when it has none;
 * auth_fetch_error is the sentence for any other answer.  Sentences are
 * the caller's to free.
 */
struct http_response;
char	*auth_take_token(struct auth *, const struct http_response *);
char	*auth_fetch_error(struct auth *, const struct http_response *);

#endif
