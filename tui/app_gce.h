/*
 * The gce target: finding the VM this program made and connecting to it,
 * and the Compute Engine client and VM spec that vm commands use.  See
 * app_gce.c.
 */
#ifndef SANDBOX_TUI_APP_GCE_H
#define SANDBOX_TUI_APP_GCE_H

struct app;
struct gce;
struct vm_opts;

int app_gce_wanted(struct app *);
int app_gce_prepare(struct app *, char **cause);
void app_gce_locate(struct app *);
void app_gce_free(struct app *);
struct gce *app_gce(struct app *, char **cause);
/* The VM's options from the config, completed by vm_opts_prepare. */
int app_vm_opts(struct app *, struct vm_opts *, char **cause);
void app_gce_created(struct app *);

#endif
