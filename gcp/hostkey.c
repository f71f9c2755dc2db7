/*
 * Host key checks for the ssh backend.  A key is never accepted silently:
 * a known and matching key continues, a changed one fails with both
 * fingerprints and the known_hosts FILE:LINE to fix, and an unknown one is
 * recorded only with --accept-new-host-key or after the user said yes
 * (CONN_HOSTKEY).  libssh does the matching; it does not say which line
 * matched, so hostkey_find_lines() scans the files itself, letting
 * ssh_known_hosts_parse_line() match each line (hashed names included).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/xmalloc.h"
#include "gcp/conn_private.h"

/* "ED25519 SHA256:..." for a key; the caller frees. */
char *
hostkey_describe_key(ssh_key key)
{
	unsigned char	*hash = NULL;
	size_t		 hlen = 0;
	char		*fp, *out;
	const char	*type;

	switch (ssh_key_type(key)) {
	case SSH_KEYTYPE_ED25519:
		type = "ED25519";
		break;
	case SSH_KEYTYPE_RSA:
		type = "RSA";
		break;
	case SSH_KEYTYPE_ECDSA_P256:
	case SSH_KEYTYPE_ECDSA_P384:
	case SSH_KEYTYPE_ECDSA_P521:
		type = "ECDSA";
		break;
	default:
		type = ssh_key_type_to_char(ssh_key_type(key));
		if (type == NULL)
			type = "unknown";
		break;
	}
	if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash,
	    &hlen) != 0)
		return xasprintf("%s (no fingerprint)", type);
	fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	ssh_clean_pubkey_hash(&hash);
	out = xasprintf("%s %s", type, fp != NULL ? fp : "?");
	ssh_string_free_char(fp);
	return out;
}

/* "host" or "[host]:port", the name libssh looks up in known_hosts. */
static char *
hostkey_host_port(struct conn *c)
{
	char		*host = NULL, *out;
	unsigned int	 port = 22;

	if (ssh_options_get(c->session, SSH_OPTIONS_HOST, &host) != SSH_OK)
		return xstrdup(c->t.host);
	ssh_options_get_port(c->session, &port);
	if (port == 22 || port == 0)
		out = xstrdup(host);
	else
		out = xasprintf("[%s]:%u", host, port);
	ssh_string_free_char(host);
	return out;
}

static char *
hostkey_file(struct conn *c, enum ssh_options_e which)
{
	char	*p = NULL, *out;

	if (ssh_options_get(c->session, which, &p) != SSH_OK || p == NULL)
		return NULL;
	out = xstrdup(p);
	ssh_string_free_char(p);
	return out;
}

/* Appends "SHA256:... at FILE:LINE" for each line of path naming hp. */
void
hostkey_find_lines(const char *path, const char *hp, char **list)
{
	FILE		*f;
	char		*line = NULL, *p, *n;
	size_t		 cap = 0;
	ssize_t		 len;
	unsigned long	 lineno = 0;

	if (path == NULL || (f = fopen(path, "r")) == NULL)
		return;
	while ((len = getline(&line, &cap, f)) != -1) {
		struct ssh_knownhosts_entry *e = NULL;
		char *desc;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		p = line + strspn(line, " \t");
		if (*p == '\0' || *p == '#')
			continue;
		if (ssh_known_hosts_parse_line(hp, p, &e) != SSH_OK) {
			SSH_KNOWNHOSTS_ENTRY_FREE(e);
			continue;
		}
		desc = e->publickey ? hostkey_describe_key(e->publickey) :
		    xstrdup("unparsable key");
		n = xasprintf("%s%s%s at %s:%lu", *list ? *list : "",
		    *list ? "; " : "", desc, path, lineno);
		free(desc);
		free(*list);
		*list = n;
		SSH_KNOWNHOSTS_ENTRY_FREE(e);
	}
	free(line);
	fclose(f);
}

/* mkdir -p for the directory part of path, 0700. */
static int
hostkey_mkdirs(const char *path)
{
	char	*dir = xstrdup(path), *p;
	int	 rc = 0;

	p = strrchr(dir, '/');
	if (p == NULL || p == dir) {
		free(dir);
		return 0;
	}
	*p = '\0';
	for (p = dir + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char save = *p;

			*p = '\0';
			if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
				rc = -1;
				break;
			}
			*p = save;
			if (save == '\0')
				break;
		}
	}
	free(dir);
	return rc;
}

/* Saves the offered key in known_hosts (created 0600 in a 0700 dir). */
int
hostkey_record(struct conn *c)
{
	char	*path;
	int	 fd, rc = -1;

	path = hostkey_file(c, SSH_OPTIONS_KNOWNHOSTS);
	if (path == NULL) {
		free(c->error);
		c->error = xstrdup("cannot record the host key: no known_hosts "
		    "file configured");
		c->retryable = 0;
		return -1;
	}
	if (hostkey_mkdirs(path) != 0 ||
	    (fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600)) < 0) {
		free(c->error);
		c->error = xasprintf("cannot record the host key in %s: %s",
		    path, strerror(errno));
		c->retryable = 0;
		goto out;
	}
	close(fd);
	if (ssh_session_update_known_hosts(c->session) != SSH_OK) {
		free(c->error);
		c->error = xasprintf("cannot record the host key in %s: %s",
		    path, ssh_get_error(c->session));
		c->retryable = 0;
		goto out;
	}
	rc = 0;
out:
	free(path);
	return rc;
}

/*
 * Returns 0 to go on to authentication, 1 to ask the user (CONN_HOSTKEY),
 * -1 with c->error set when the key is refused.
 */
int
hostkey_check(struct conn *c)
{
	ssh_key			 key = NULL;
	enum ssh_known_hosts_e	 st;
	char			*hp = NULL, *path = NULL, *global = NULL;
	char			*found = NULL;
	int			 rc = -1;

	c->retryable = 0;
	if (ssh_get_server_publickey(c->session, &key) != SSH_OK) {
		free(c->error);
		c->error = xasprintf("cannot get the host key of %s: %s",
		    c->describe, ssh_get_error(c->session));
		return -1;
	}
	free(c->fingerprint);
	c->fingerprint = hostkey_describe_key(key);
	hp = hostkey_host_port(c);
	path = hostkey_file(c, SSH_OPTIONS_KNOWNHOSTS);
	global = hostkey_file(c, SSH_OPTIONS_GLOBAL_KNOWNHOSTS);

	st = ssh_session_is_known_server(c->session);
	switch (st) {
	case SSH_KNOWN_HOSTS_OK:
		rc = 0;
		break;
	case SSH_KNOWN_HOSTS_CHANGED:
	case SSH_KNOWN_HOSTS_OTHER:
		hostkey_find_lines(path, hp, &found);
		hostkey_find_lines(global, hp, &found);
		free(c->error);
		c->error = xasprintf("host key for %s has CHANGED (possible "
		    "attack): offered %s, known_hosts has %s; remove that line "
		    "if the change is expected", hp, c->fingerprint,
		    found ? found : "another key");
		break;
	case SSH_KNOWN_HOSTS_NOT_FOUND:
	case SSH_KNOWN_HOSTS_UNKNOWN:
		if (c->accept_new_host_key) {
			rc = hostkey_record(c) == 0 ? 0 : -1;
			break;
		}
		if (c->interactive) {
			rc = 1;
			break;
		}
		free(c->error);
		c->error = xasprintf("host key for %s is unknown (%s); verify "
		    "it and rerun with --accept-new-host-key, or add it to %s",
		    hp, c->fingerprint, path ? path : "~/.ssh/known_hosts");
		break;
	case SSH_KNOWN_HOSTS_ERROR:
	default:
		free(c->error);
		c->error = xasprintf("cannot check the host key of %s against "
		    "%s: %s", hp, path ? path : "known_hosts",
		    ssh_get_error(c->session));
		break;
	}
	if (rc >= 0)
		c->retryable = 1;
	free(found);
	free(global);
	free(path);
	free(hp);
	ssh_key_free(key);
	return rc;
}
