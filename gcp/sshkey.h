/*
 * The SSH key pair this program makes for the VMs it creates, and the
 * known-hosts file where it pins their host keys (read from the VM's
 * guest attributes, never trusted on first use).
 */
#ifndef SANDBOX_TUI_SSHKEY_H
#define SANDBOX_TUI_SSHKEY_H

#include <stddef.h>

struct gce_hostkey;

/*
 * Loads the key pair at path (private key, path.pub) or, when there is
 * none, generates an ed25519 one (private key mode 0600).  Sets *pubkey to
 * the public key line "ssh-ed25519 AAAA... comment".  -1 with *cause
 * naming the file otherwise.
 */
int sshkey_ensure(const char *path, const char *comment, char **pubkey,
	    char **cause);

/*
 * Replaces every line for host:port in the known-hosts file with the keys
 * given (file and its directory created 0600 / 0700).  -1 with *cause.
 * A host that is not a plain host name or IP address, or a port outside
 * 1..65535, is refused (by sshkey_unpin too; sshkey_pinned says 0).
 */
int sshkey_pin(const char *known_hosts, const char *host, int port,
	    const struct gce_hostkey *, size_t n, char **cause);
/* Drops host:port's lines.  A missing file is fine. */
int sshkey_unpin(const char *known_hosts, const char *host, int port,
	    char **cause);
/* Nonzero when the file has a line for host:port. */
int sshkey_pinned(const char *known_hosts, const char *host, int port);

#endif
