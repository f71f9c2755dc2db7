/*
 * The gce target: the app connects to the VM this program created.  Each
 * connect first asks Compute Engine where the VM is (its address can
 * change at every start) and pins the host keys it published in its guest
 * attributes, then opens an ordinary SSH connection that trusts only
 * those keys.  Also the pieces every vm command needs: the client, the
 * key pair and the VM spec from the config.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "config/xmalloc.h"
#include "gcp/auth.h"
#include "gcp/conn.h"
#include "gcp/gce.h"
#include "gcp/sshkey.h"
#include "gcp/vm.h"
#include "tui/app.h"

#define APP_GCE_MARK	"gce-vm"	/* in the config dir: a VM was made */

static char *
app_gce_path(const char *name)
{
	char	*dir = config_dir(), *path;

	path = xasprintf("%s/%s", dir, name);
	free(dir);
	return path;
}

/* gce when asked for, or (auto) when a project is set or we made a VM. */
int
app_gce_wanted(struct app *app)
{
	const char	*target = config_str(app->cfg, "target");
	char		*mark;
	int		 made;

	if (strcmp(target, "gce") == 0)
		return 1;
	if (strcmp(target, "auto") != 0)
		return 0;
	if (*config_str(app->cfg, "gcp.project") != '\0')
		return 1;
	mark = app_gce_path(APP_GCE_MARK);
	made = access(mark, F_OK) == 0;
	free(mark);
	return made;
}

struct gce *
app_gce(struct app *app, char **cause)
{
	struct gce_opts	 o;
	const char	*warning;

	if (app->gce != NULL)
		return app->gce;
	o.project = config_str(app->cfg, "gcp.project");
	o.zone = config_str(app->cfg, "gcp.zone");
	o.region = config_str(app->cfg, "gcp.region");
	o.api_endpoint = config_str(app->cfg, "gcp.api_endpoint");
	o.iam_endpoint = config_str(app->cfg, "gcp.iam_endpoint");
	o.crm_endpoint = config_str(app->cfg,
	    "gcp.resourcemanager_endpoint");
	if ((app->gce = gce_new(app->loop, &o, cause)) == NULL)
		return NULL;
	if ((warning = auth_warning(app->gce->auth)) != NULL) {
		if (app->cli)
			fprintf(stderr, "sandbox-tui: warning: %s\n", warning);
		else
			app_message(app, 1, "%s", warning);
	}
	return app->gce;
}

int
app_gce_prepare(struct app *app, char **cause)
{
	return app_gce(app, cause) != NULL ? 0 : -1;
}

void
app_gce_free(struct app *app)
{
	vm_job_cancel(app->locate_job);
	app->locate_job = NULL;
	vm_job_cancel(app->vm_job);
	app->vm_job = NULL;
	free(app->vm_label);
	app->vm_label = NULL;
	gce_free(app->gce);
	app->gce = NULL;
}

/* "europe-docker.pkg.dev/p/r/agent:1" names a registry; "agent:1" not. */
int
app_gce_pullable(const char *image)
{
	size_t	n = strcspn(image, "/");

	if (image[n] != '/')
		return 0;
	return memchr(image, '.', n) != NULL || memchr(image, ':', n) != NULL ||
	    (n == 9 && strncmp(image, "localhost", n) == 0);
}

static char *
app_gce_key_path(struct app *app)
{
	const char	*id = config_str(app->cfg, "ssh.identity");

	if (*id != '\0')
		return xstrdup(id);
	return app_gce_path("id_ed25519");
}

int
app_vm_opts(struct app *app, struct vm_opts *o, char **cause)
{
	struct config	*cfg = app->cfg;
	char		*key, *pub = NULL, **meta, **roles;
	size_t		 n = 0;

	memset(o, 0, sizeof *o);
	key = app_gce_key_path(app);
	if (sshkey_ensure(key, "sandbox-tui", &pub, cause) != 0) {
		free(key);
		return -1;
	}
	free(key);
	o->name = config_str(cfg, "gcp.instance");
	o->machine_type = config_str(cfg, "gcp.machine_type");
	o->disk_gb = (int)config_int(cfg, "gcp.disk_gb");
	o->spot = config_bool(cfg, "gcp.spot");
	o->network = config_str(cfg, "gcp.network");
	o->ssh_source_ranges = config_str(cfg, "gcp.ssh_source_ranges");
	o->image = config_str(cfg, "gcp.image");
	o->ssh_user = config_str(cfg, "gcp.ssh_user");
	o->ssh_port = (int)config_int(cfg, "gcp.ssh_port");
	o->ssh_pubkey = pub;
	o->startup_script = config_startup_script;
	o->version = SANDBOX_TUI_VERSION;
	o->known_hosts = app_gce_path("known_hosts");
	o->service_account = config_bool(cfg, "gcp.service_account");
	o->hourly_price = config_float(cfg, "gcp.hourly_price");
	o->boot_timeout = (int)config_int(cfg, "gcp.boot_timeout");
	o->ready_timeout = (int)config_int(cfg, "gcp.ready_timeout");

	/* What the startup script reads from the instance's metadata. */
	meta = xcalloc(13, sizeof *meta);
	meta[n++] = xstrdup("sandbox-user");
	meta[n++] = xstrdup(o->ssh_user);
	meta[n++] = xstrdup("workspace-dir");
	meta[n++] = xstrdup(config_str(cfg, "agents.workspace_dir"));
	/* Only an image in a registry can be pulled; a local tag (the
	 * default) is built or loaded on the VM another way. */
	meta[n++] = xstrdup("agent-image");
	meta[n++] = xstrdup(app_gce_pullable(config_str(cfg,
	    "agents.image")) ? config_str(cfg, "agents.image") : "");
	meta[n++] = xstrdup("idle-shutdown-minutes");
	meta[n++] = xasprintf("%ld", config_int(cfg,
	    "vm.idle_shutdown_minutes"));
	meta[n++] = xstrdup("ssh-max-sessions");
	meta[n++] = xasprintf("%ld", config_int(cfg, "vm.ssh_max_sessions"));
	o->metadata = (const char *const *)meta;

	n = 0;
	roles = xcalloc(5, sizeof *roles);
	/* The original design's least privilege: pull images, and only
	 * what the config turns on. */
	roles[n++] = xstrdup("roles/artifactregistry.reader");
	if (config_bool(cfg, "gcp.role_storage"))
		roles[n++] = xstrdup("roles/storage.objectViewer");
	if (config_bool(cfg, "gcp.role_pubsub"))
		roles[n++] = xstrdup("roles/pubsub.publisher");
	if (config_bool(cfg, "gcp.role_secrets"))
		roles[n++] = xstrdup("roles/secretmanager.secretAccessor");
	o->roles = (const char *const *)roles;
	return 0;
}

void
app_vm_opts_free(struct vm_opts *o)
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

/* Remembers that a VM exists, so target auto picks it next time. */
void
app_gce_created(struct app *app)
{
	char	*mark = app_gce_path(APP_GCE_MARK);
	FILE	*f;

	if ((f = fopen(mark, "w")) != NULL) {
		fprintf(f, "%s/%s/%s\n", app->gce->project, app->gce->zone,
		    config_str(app->cfg, "gcp.instance"));
		fclose(f);
	}
	free(mark);
}

void
app_gce_deleted(struct app *app)
{
	char	*mark = app_gce_path(APP_GCE_MARK);

	(void)app;
	unlink(mark);
	free(mark);
}

/* ---- locating the VM and connecting ---- */

static void
app_gce_step(const char *text, void *arg)
{
	struct app	*app = arg;

	free(app->conn_error);
	app->conn_error = xstrdup(text);
	app->status_dirty = 1;
}

static void
app_gce_located(const char *error, const struct vm_info *info, void *arg)
{
	struct app	*app = arg;
	struct vm_opts	 o;
	char		*target, *key, *here, *cause = NULL;
	const char	*fmt;

	app->locate_job = NULL;
	app->status_dirty = 1;
	free(app->conn_error);
	app->conn_error = NULL;
	if (error != NULL || info == NULL || info->ip == NULL) {
		app->conn_error = xstrdup(error != NULL ? error :
		    "the VM has no address");
		if (app->cli) {
			fprintf(stderr, "sandbox-tui: %s\n", app->conn_error);
			app_quit(app, 1);
			return;
		}
		/* A missing or stopped VM waits for `vm create` or `vm
		 * start`; anything else (network, API) may pass. */
		if (strstr(app->conn_error, "does not exist") == NULL &&
		    strstr(app->conn_error, "start it with") == NULL)
			app_schedule_reconnect(app);
		return;
	}
	memset(&o, 0, sizeof o);
	key = app_gce_key_path(app);
	/* A bare IPv6 address would not parse as a target. */
	fmt = strchr(info->ip, ':') != NULL ? "ssh://%s@[%s]:%ld" :
	    "ssh://%s@%s:%ld";
	target = xasprintf(fmt, config_str(app->cfg, "gcp.ssh_user"),
	    info->ip, config_int(app->cfg, "gcp.ssh_port"));
	here = xasprintf(strchr(info->ip, ':') != NULL ? "%s@[%s]:%ld" :
	    "%s@%s:%ld", config_str(app->cfg, "gcp.ssh_user"), info->ip,
	    config_int(app->cfg, "gcp.ssh_port"));
	if (app->conn != NULL && conn_state(app->conn) == CONN_READY &&
	    strcmp(conn_describe(app->conn), here) == 0) {
		/* Already there (vm start on a running VM): keep it. */
		free(here);
		free(target);
		free(key);
		return;
	}
	free(here);
	o.known_hosts = app_gce_path("known_hosts");
	if (app_open_conn(app, target, key, o.known_hosts, 1, &cause) != 0) {
		app->conn_error = cause;
		if (app->cli) {
			fprintf(stderr, "sandbox-tui: %s\n", cause);
			app_quit(app, 1);
		}
	} else
		conn_connect(app->conn);
	free((char *)o.known_hosts);
	free(target);
	free(key);
}

void
app_gce_locate(struct app *app)
{
	struct vm_report	 rep = { app_gce_step, app_gce_step,
	    app_gce_located };
	struct vm_opts		 o;
	char			*cause = NULL;

	if (app->locate_job != NULL)
		return;
	if (app_gce(app, &cause) == NULL ||
	    app_vm_opts(app, &o, &cause) != 0) {
		free(app->conn_error);
		app->conn_error = cause;
		app->status_dirty = 1;
		if (app->cli) {
			fprintf(stderr, "sandbox-tui: %s\n", cause);
			app_quit(app, 1);
		}
		return;
	}
	free(app->conn_error);
	app->conn_error = xasprintf("looking up VM %s", o.name);
	app->locate_job = vm_job_start(app->gce, VM_LOCATE, &o, &rep, app);
	app_vm_opts_free(&o);
}
