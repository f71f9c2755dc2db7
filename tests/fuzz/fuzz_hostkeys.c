/*
 * The VM's SSH host keys on their way to known_hosts: the guest
 * attributes answer they come in (compute_parse_hostkeys), pinning them
 * in, and unpinning them from, a known_hosts file whose earlier content
 * is fuzzed (sshkey_pin, sshkey_unpin, sshkey_pinned), and libssh's
 * reading of that file for a changed-key message (hostkey_find_lines).
 * The file lives in a private folder made once per process.
 *
 * Checked: a pin leaves exactly one line per key for the host and is
 * then seen as pinned; an unpin leaves none; and a pin never adds a line
 * that libssh would match to another host.
 *
 * Input: [flags byte][u16 port][host length byte][host]
 * [u16 file length][file] then the guest attributes body.  flags: 1 pin,
 * 2 unpin, 4 look the host up with libssh, 0x20 the file in a folder
 * yet to be made, 0x40 no file at all.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/xmalloc.h"
#include "gcp/compute.h"
#include "gcp/conn_private.h"
#include "gcp/sshkey.h"
#include "tests/fuzz/fuzz.h"

#define FUZZ_HOSTKEYS_OTHER	"fuzz-sentinel.invalid"

/* The private folder; made once, removed at exit. */
static char fuzz_hostkeys_dir[256];

static char *
fuzz_hostkeys_path(const char *name)
{
	return xasprintf("%s/%s", fuzz_hostkeys_dir, name);
}

static void
fuzz_hostkeys_remove(const char *name)
{
	char	*path = fuzz_hostkeys_path(name);

	(void)remove(path);
	free(path);
}

static void
fuzz_hostkeys_cleanup(void)
{
	fuzz_hostkeys_remove("known_hosts");
	fuzz_hostkeys_remove("sub/known_hosts");
	fuzz_hostkeys_remove("sub");
	(void)rmdir(fuzz_hostkeys_dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_mkdtemp(fuzz_hostkeys_dir, sizeof fuzz_hostkeys_dir,
	    "fuzz_hostkeys");
	atexit(fuzz_hostkeys_cleanup);
	return 0;
}

/* How many lines of the file libssh matches to hp. */
static size_t
fuzz_hostkeys_libssh(const char *path, const char *hp)
{
	char		*list = NULL, *at;
	const char	*p;
	size_t		 n = 0;

	hostkey_find_lines(path, hp, &list);
	at = xasprintf(" at %s:", path);
	for (p = list; p != NULL && (p = strstr(p, at)) != NULL; p++)
		n++;
	free(at);
	free(list);
	return n;
}

/* How many lines of the file start with field and a space. */
static size_t
fuzz_hostkeys_lines(const char *path, const char *field)
{
	FILE	*f;
	char	*line = NULL;
	size_t	 cap = 0, n = 0, len = strlen(field);

	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (getline(&line, &cap, f) > 0) {
		if (strncmp(line, field, len) == 0 && line[len] == ' ')
			n++;
	}
	free(line);
	fclose(f);
	return n;
}

static void
fuzz_hostkeys_parsed(const struct gce_hostkey *keys, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		fuzz_check(*keys[i].type != '\0' &&
		    *keys[i].key != '\0' &&
		    strpbrk(keys[i].type, " \t\r\n") == NULL &&
		    strpbrk(keys[i].key, " \t\r\n") == NULL,
		    "compute_parse_hostkeys: a key that is not one word");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in		 in = { data, size };
	struct gce_hostkey	*keys = NULL;
	unsigned		 flags = fuzz_byte(&in);
	int			 port = (int)fuzz_u16(&in);
	const char		*p;
	char			*host, *body, *path, *field, *cause = NULL;
	size_t			 n, nkeys = 0, other;
	FILE			*f;

	p = fuzz_bytes(&in, fuzz_byte(&in), &n);
	host = xstrndup(p, n);
	p = fuzz_bytes(&in, fuzz_u16(&in), &n);
	path = fuzz_hostkeys_path(flags & 0x20 ? "sub/known_hosts" :
	    "known_hosts");
	fuzz_hostkeys_remove("known_hosts");
	fuzz_hostkeys_remove("sub/known_hosts");
	fuzz_hostkeys_remove("sub");
	if ((flags & 0x40) == 0 && (flags & 0x20) == 0) {
		if ((f = fopen(path, "w")) == NULL ||
		    fwrite(p, 1, n, f) != n || fclose(f) != 0) {
			perror(path);
			abort();
		}
	}
	body = fuzz_string(&in);

	if (compute_parse_hostkeys(body, &keys, &nkeys, &cause) != 0) {
		fuzz_check(cause != NULL && keys == NULL &&
		    nkeys == 0,
		    "compute_parse_hostkeys failed without a cause");
		free(cause);
		cause = NULL;
	}
	fuzz_hostkeys_parsed(keys, nkeys);

	field = port == 22 ? xstrdup(host) : xasprintf("[%s]:%d", host, port);
	other = fuzz_hostkeys_libssh(path, FUZZ_HOSTKEYS_OTHER);
	if (flags & 1) {
		if (sshkey_pin(path, host, port, keys, nkeys, &cause) == 0) {
			fuzz_check(sshkey_pinned(path, host, port) ==
			    (nkeys > 0), "sshkey_pin: not pinned after");
			fuzz_check(fuzz_hostkeys_lines(path, field) ==
			    nkeys, "sshkey_pin: not one line a key");
			if (strcmp(host, FUZZ_HOSTKEYS_OTHER) != 0)
				fuzz_check(fuzz_hostkeys_libssh(path,
				    FUZZ_HOSTKEYS_OTHER) <= other,
				    "sshkey_pin: a line for another host");
		} else {
			fuzz_check(cause != NULL,
			    "sshkey_pin failed without a cause");
			free(cause);
			cause = NULL;
		}
	}
	if (flags & 2) {
		if (sshkey_unpin(path, host, port, &cause) == 0)
			fuzz_check(!sshkey_pinned(path, host, port),
			    "sshkey_unpin: still pinned after");
		else {
			fuzz_check(cause != NULL,
			    "sshkey_unpin failed without a cause");
			free(cause);
			cause = NULL;
		}
	}
	if (flags & 4)
		(void)fuzz_hostkeys_libssh(path, field);
	(void)sshkey_pinned(path, host, port);

	gce_hostkeys_free(keys, nkeys);
	free(field);
	free(body);
	free(path);
	free(host);
	return 0;
}
