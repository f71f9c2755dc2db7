/*
 * Key pair and pinned host keys for GCE VMs (see sshkey.h).  The known-
 * hosts file is rewritten whole through a temporary file and rename(), so
 * a crash never leaves it half written, and only this program writes it
 * (the user's ~/.ssh/known_hosts is left alone).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "config/xmalloc.h"
#include "gcp/compute.h"
#include "gcp/sshkey.h"

static char *
sshkey_read_line(const char *path)
{
	FILE	*f;
	char	*line = NULL;
	size_t	 cap = 0;
	ssize_t	 n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	n = getline(&line, &cap, f);
	fclose(f);
	if (n <= 0) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

static int
sshkey_write_pub(const char *path, const char *line, char **cause)
{
	char	*pub = xasprintf("%s.pub", path);
	FILE	*f;
	int	 rc = 0;

	if ((f = fopen(pub, "w")) == NULL || fprintf(f, "%s\n", line) < 0) {
		*cause = xasprintf("%s: %s", pub, strerror(errno));
		rc = -1;
	}
	if (f != NULL && fclose(f) != 0 && rc == 0) {
		*cause = xasprintf("%s: %s", pub, strerror(errno));
		rc = -1;
	}
	free(pub);
	return rc;
}

int
sshkey_ensure(const char *path, const char *comment, char **pubkey,
    char **cause)
{
	ssh_key		 key = NULL;
	char		*b64 = NULL, *pubpath, *line;
	const char	*type;
	struct stat	 st;
	mode_t		 old;
	int		 rc;

	*pubkey = NULL;
	if (stat(path, &st) == 0) {
		if (ssh_pki_import_privkey_file(path, NULL, NULL, NULL,
		    &key) != SSH_OK) {
			*cause = xasprintf("%s: not a private key this program "
			    "can read (an encrypted key needs ssh.identity "
			    "and an agent)", path);
			return -1;
		}
		pubpath = xasprintf("%s.pub", path);
		line = sshkey_read_line(pubpath);
		free(pubpath);
		if (line == NULL) {
			/* The .pub file went missing: derive it again. */
			if (ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK) {
				ssh_key_free(key);
				*cause = xasprintf("%s: cannot derive the public "
				    "key", path);
				return -1;
			}
			type = ssh_key_type_to_char(ssh_key_type(key));
			line = xasprintf("%s %s %s", type, b64, comment);
			ssh_string_free_char(b64);
			if (sshkey_write_pub(path, line, cause) != 0) {
				free(line);
				ssh_key_free(key);
				return -1;
			}
		}
		ssh_key_free(key);
		*pubkey = line;
		return 0;
	}
	if (errno != ENOENT) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key) != SSH_OK) {
		*cause = xstrdup("cannot generate an ed25519 key");
		return -1;
	}
	/* libssh creates the file itself: make it private from the start. */
	old = umask(077);
	rc = ssh_pki_export_privkey_file(key, NULL, NULL, NULL, path);
	umask(old);
	if (rc != SSH_OK || chmod(path, 0600) != 0) {
		*cause = xasprintf("%s: cannot write the private key", path);
		ssh_key_free(key);
		unlink(path);
		return -1;
	}
	if (ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK) {
		*cause = xasprintf("%s: cannot derive the public key", path);
		ssh_key_free(key);
		return -1;
	}
	line = xasprintf("ssh-ed25519 %s %s", b64, comment);
	ssh_string_free_char(b64);
	ssh_key_free(key);
	if (sshkey_write_pub(path, line, cause) != 0) {
		free(line);
		return -1;
	}
	*pubkey = line;
	return 0;
}

/*
 * Whether host and port can name a known_hosts line: a host name or an
 * IPv4 or IPv6 address, nothing else.  The host comes from the VM's
 * instance answer; a space, a line break, a comma or a pattern character
 * ('*', '?', '!') in it would write another line, or one that libssh
 * matches to other hosts too.
 */
static int
sshkey_host_ok(const char *host, int port)
{
	const char	*p;

	if (host == NULL || *host == '\0' || *host == '-' ||
	    strlen(host) > 255 || port < 1 || port > 65535)
		return 0;
	for (p = host; *p != '\0'; p++) {
		if ((*p < 'a' || *p > 'z') && (*p < 'A' || *p > 'Z') &&
		    (*p < '0' || *p > '9') && strchr(".-:_", *p) == NULL)
			return 0;
	}
	return 1;
}

/* The host field known_hosts uses: "host" on port 22, else "[host]:port". */
static char *
sshkey_host_field(const char *host, int port)
{
	if (port == 22)
		return xstrdup(host);
	return xasprintf("[%s]:%d", host, port);
}

/*
 * Copies every line of the file not for host into a new buffer (NULL
 * when the file is missing).  -1 on a read error.
 */
static int
sshkey_others(const char *path, const char *field, char **out, size_t *len,
    int *found, char **cause)
{
	FILE	*f;
	char	*line = NULL;
	size_t	 cap = 0, flen = strlen(field), olen = 0, ocap = 0;
	ssize_t	 n;
	char	*buf = NULL;

	*out = NULL;
	*len = 0;
	*found = 0;
	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		if (strncmp(line, field, flen) == 0 && line[flen] == ' ') {
			*found = 1;
			continue;
		}
		if (olen + (size_t)n + 1 > ocap) {
			ocap = (olen + (size_t)n + 1) * 2;
			buf = xrealloc(buf, ocap);
		}
		memcpy(buf + olen, line, (size_t)n);
		olen += (size_t)n;
		if (line[n - 1] != '\n')
			buf[olen++] = '\n';
	}
	free(line);
	fclose(f);
	*out = buf;
	*len = olen;
	return 0;
}

static int
sshkey_mkdirs(const char *path)
{
	char	*dir = xstrdup(path), *p;

	for (p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			free(dir);
			return -1;
		}
		*p = '/';
	}
	free(dir);
	return 0;
}

static int
sshkey_rewrite(const char *path, const char *others, size_t olen,
    const char *field, const struct gce_hostkey *keys, size_t n,
    char **cause)
{
	char	*tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	FILE	*f = NULL;
	size_t	 i;
	int	 fd = -1, ok;

	if (sshkey_mkdirs(path) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    (f = fdopen(fd, "w")) == NULL) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		if (fd != -1) {
			close(fd);
			unlink(tmp);
		}
		free(tmp);
		return -1;
	}
	ok = olen == 0 || fwrite(others, 1, olen, f) == olen;
	for (i = 0; ok && i < n; i++)
		ok = fprintf(f, "%s %s %s\n", field, keys[i].type,
		    keys[i].key) > 0;
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		ok = 0;
	if (fclose(f) != 0)
		ok = 0;
	if (!ok || rename(tmp, path) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

int
sshkey_pin(const char *known_hosts, const char *host, int port,
    const struct gce_hostkey *keys, size_t n, char **cause)
{
	char	*field, *others;
	size_t	 olen, i;
	int	 found, rc;

	if (!sshkey_host_ok(host, port)) {
		*cause = xasprintf("%s: the host to pin keys for is not a host "
		    "name or address", known_hosts);
		return -1;
	}
	field = sshkey_host_field(host, port);
	for (i = 0; i < n; i++) {
		/* Only what goes on one known_hosts line. */
		if (strpbrk(keys[i].type, " \t\r\n") != NULL ||
		    strpbrk(keys[i].key, " \t\r\n") != NULL ||
		    *keys[i].type == '\0' || *keys[i].key == '\0') {
			*cause = xasprintf("host key %zu from the VM's guest "
			    "attributes is malformed", i + 1);
			free(field);
			return -1;
		}
	}
	if (sshkey_others(known_hosts, field, &others, &olen, &found,
	    cause) != 0) {
		free(field);
		return -1;
	}
	rc = sshkey_rewrite(known_hosts, others, olen, field, keys, n, cause);
	free(others);
	free(field);
	return rc;
}

int
sshkey_unpin(const char *known_hosts, const char *host, int port,
    char **cause)
{
	char	*field, *others;
	size_t	 olen;
	int	 found, rc = 0;

	if (!sshkey_host_ok(host, port)) {
		*cause = xasprintf("%s: the host to unpin is not a host name or "
		    "address", known_hosts);
		return -1;
	}
	field = sshkey_host_field(host, port);
	if (sshkey_others(known_hosts, field, &others, &olen, &found,
	    cause) != 0) {
		free(field);
		return -1;
	}
	if (found)
		rc = sshkey_rewrite(known_hosts, others, olen, field, NULL, 0,
		    cause);
	free(others);
	free(field);
	return rc;
}

int
sshkey_pinned(const char *known_hosts, const char *host, int port)
{
	char	*field, *others = NULL, *cause = NULL;
	size_t	 olen;
	int	 found = 0;

	if (!sshkey_host_ok(host, port))
		return 0;
	field = sshkey_host_field(host, port);
	if (sshkey_others(known_hosts, field, &others, &olen, &found,
	    &cause) != 0)
		free(cause);
	free(others);
	free(field);
	return found;
}
