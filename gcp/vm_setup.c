/*
 * What every vm command and the gce target need besides the options
 * themselves: the key pair that reaches the VM (made on first use), where
 * its host keys are pinned, the metadata the startup script reads, the
 * roles its service account gets, and the record that this program made
 * a VM (so target auto picks it).  All of it lives in the config folder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "config/xmalloc.h"
#include "gcp/docker.h"
#include "gcp/sshkey.h"
#include "gcp/vm.h"

#define VM_MADE_MARK	"gce-vm"	/* in the config dir: a VM was made */

static char *
vm_setup_path(const char *name)
{
	char	*dir = config_dir(), *path;

	path = xasprintf("%s/%s", dir, name);
	free(dir);
	return path;
}

char *
vm_key_path(const char *identity)
{
	if (identity != NULL && *identity != '\0')
		return xstrdup(identity);
	return vm_setup_path("id_ed25519");
}

char *
vm_known_hosts_path(void)
{
	return vm_setup_path("known_hosts");
}

int
vm_opts_prepare(struct vm_opts *o, const struct vm_setup *s, char **cause)
{
	char	*key, *pub = NULL, **meta, **roles;
	size_t	 n = 0;

	key = vm_key_path(s->identity);
	if (sshkey_ensure(key, "sandbox-tui", &pub, cause) != 0) {
		free(key);
		return -1;
	}
	free(key);
	o->ssh_pubkey = pub;
	o->startup_script = config_startup_script;
	o->version = SANDBOX_TUI_VERSION;
	o->known_hosts = vm_known_hosts_path();

	/* What the startup script reads from the instance's metadata. */
	meta = xcalloc(13, sizeof *meta);
	meta[n++] = xstrdup("sandbox-user");
	meta[n++] = xstrdup(o->ssh_user);
	meta[n++] = xstrdup("workspace-dir");
	meta[n++] = xstrdup(s->workspace_dir);
	/* Only an image in a registry can be pulled; a local tag (the
	 * default) is built or loaded on the VM another way. */
	meta[n++] = xstrdup("agent-image");
	meta[n++] = xstrdup(docker_image_pullable(s->agent_image) ?
	    s->agent_image : "");
	meta[n++] = xstrdup("idle-shutdown-minutes");
	meta[n++] = xasprintf("%ld", s->idle_shutdown_minutes);
	meta[n++] = xstrdup("ssh-max-sessions");
	meta[n++] = xasprintf("%ld", s->ssh_max_sessions);
	o->metadata = (const char *const *)meta;

	n = 0;
	roles = xcalloc(5, sizeof *roles);
	/* The original design's least privilege: pull images, and only
	 * what the config turns on. */
	roles[n++] = xstrdup("roles/artifactregistry.reader");
	if (s->role_storage)
		roles[n++] = xstrdup("roles/storage.objectViewer");
	if (s->role_pubsub)
		roles[n++] = xstrdup("roles/pubsub.publisher");
	if (s->role_secrets)
		roles[n++] = xstrdup("roles/secretmanager.secretAccessor");
	o->roles = (const char *const *)roles;
	return 0;
}

void
vm_opts_release(struct vm_opts *o)
{
	size_t	i;

	free((char *)o->ssh_pubkey);
	free((char *)o->known_hosts);
	for (i = 0; o->metadata != NULL && o->metadata[i] != NULL; i++)
		free((char *)o->metadata[i]);
	free((void *)o->metadata);
	for (i = 0; o->roles != NULL && o->roles[i] != NULL; i++)
		free((char *)o->roles[i]);
	free((void *)o->roles);
	memset(o, 0, sizeof *o);
}

int
vm_made(void)
{
	char	*mark = vm_setup_path(VM_MADE_MARK);
	int	 made = access(mark, F_OK) == 0;

	free(mark);
	return made;
}

void
vm_made_record(const char *project, const char *zone, const char *name)
{
	char	*mark = vm_setup_path(VM_MADE_MARK);
	FILE	*f;

	if ((f = fopen(mark, "w")) != NULL) {
		fprintf(f, "%s/%s/%s\n", project, zone, name);
		fclose(f);
	}
	free(mark);
}

void
vm_made_forget(void)
{
	char	*mark = vm_setup_path(VM_MADE_MARK);

	unlink(mark);
	free(mark);
}
