/*
 * The gce target: the app connects to the VM this program created.  Each
 * connect first asks Compute Engine where the VM is (gcp/vm.c's locate
 * job: its address can change at every start, and it pins the host keys
 * the VM published in its guest attributes), then opens an ordinary SSH
 * connection that trusts only those keys.  Also the app's one Compute
 * Engine client and the VM spec every vm command starts from.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/xmalloc.h"
#include "gcp/auth.h"
#include "gcp/conn.h"
#include "gcp/gce.h"
#include "gcp/vm.h"
#include "tui/app.h"
#include "tui/app_gce.h"
#include "tui/opts.h"

/* gce when asked for, or (auto) when a project is set or we made a VM. */
int
app_gce_wanted(struct app *app)
{
	const char	*target = config_str(app->cfg, "target");

	if (strcmp(target, "gce") == 0)
		return 1;
	if (strcmp(target, "auto") != 0)
		return 0;
	if (*config_str(app->cfg, "gcp.project") != '\0')
		return 1;
	return vm_made();
}

struct gce *
app_gce(struct app *app, char **cause)
{
	struct gce_opts	 o;
	const char	*warning;

	if (app->gce != NULL)
		return app->gce;
	opts_gce(app->cfg, &o);
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

int
app_vm_opts(struct app *app, struct vm_opts *o, char **cause)
{
	struct vm_setup	 setup;

	opts_vm(app->cfg, o, &setup);
	return vm_opts_prepare(o, &setup, cause);
}

/* Remembers that a VM exists, so target auto picks it next time. */
void
app_gce_created(struct app *app)
{
	vm_made_record(app->gce->project, app->gce->zone,
	    config_str(app->cfg, "gcp.instance"));
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
	key = vm_key_path(config_str(app->cfg, "ssh.identity"));
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
	o.known_hosts = vm_known_hosts_path();
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
	vm_opts_release(&o);
}
