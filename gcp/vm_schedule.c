/*
 * `vm schedule` (see vm.h): an instance schedule resource policy
 * (NAME-schedule in the VM's region) that stops and starts the VM at
 * fixed times, attached to the VM.  A policy cannot be changed in place
 * or deleted while attached, so setting a schedule detaches and deletes
 * any earlier one first; each of those steps treats "not there" as done.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/xmalloc.h"
#include "gcp/compute.h"
#include "gcp/gce.h"
#include "gcp/vm.h"
#include "gcp/vm_private.h"

static void vm_schedule_delete(struct vm_job *);
static void vm_schedule_insert(struct vm_job *);

static char *
vm_policy_name(struct vm_job *j)
{
	return xasprintf("%s-schedule", j->o.name);
}

static char *
vm_policy_url(struct vm_job *j)
{
	char	*name = vm_policy_name(j), *url;

	url = vm_url(j, "regions/%s/resourcePolicies/%s", j->gce->region,
	    name);
	free(name);
	return url;
}

static void
vm_schedule_done(struct vm_job *j)
{
	if (j->o.schedule_off)
		vm_step(j, "schedule removed from %s", j->o.name);
	else
		vm_step(j, "schedule attached to %s: stop %s, start %s, %s, "
		    "%s", j->o.name, j->o.stop_at != NULL ? j->o.stop_at :
		    "never", j->o.start_at != NULL ? j->o.start_at : "never",
		    j->o.days != NULL ? j->o.days : "every day",
		    j->o.tz);
	vm_finish(j);
}

static void
vm_schedule_after_delete(struct vm_job *j)
{
	if (j->o.schedule_off)
		vm_schedule_done(j);
	else
		vm_schedule_insert(j);
}

static void
vm_schedule_deleted(const struct gce_result *r, void *arg)
{
	struct vm_job	*j = arg;

	j->call = 0;
	if (r->error != NULL) {
		if (r->status == 404) {
			vm_schedule_after_delete(j);
			return;
		}
		vm_fail(j, "deleting the old schedule: %s", r->error);
		return;
	}
	vm_op(j, r->body, "schedule delete", vm_schedule_after_delete);
}

static void
vm_schedule_delete(struct vm_job *j)
{
	char	*name = vm_policy_name(j), *url;

	url = vm_url_mutate(j, "regions/%s/resourcePolicies/%s",
	    j->gce->region, name);
	free(name);
	vm_call(j, "DELETE", url, NULL, 1, vm_schedule_deleted);
	free(url);
}

static void
vm_schedule_detached(const struct gce_result *r, void *arg)
{
	struct vm_job	*j = arg;

	j->call = 0;
	if (r->error != NULL) {
		vm_fail(j, "detaching the old schedule: %s", r->error);
		return;
	}
	vm_op(j, r->body, "schedule detach", vm_schedule_delete);
}

static void
vm_schedule_attached(struct vm_job *j)
{
	vm_schedule_done(j);
}

static void
vm_schedule_attach_sent(const struct gce_result *r, void *arg)
{
	struct vm_job	*j = arg;

	j->call = 0;
	if (r->error != NULL) {
		vm_fail(j, "attaching the schedule to %s: %s", j->o.name,
		    r->error);
		return;
	}
	vm_op(j, r->body, "schedule attach", vm_schedule_attached);
}

static void
vm_schedule_made(struct vm_job *j)
{
	char	*url, *body, *purl = vm_policy_url(j);

	body = xasprintf("{\"resourcePolicies\":[\"%s\"]}", purl);
	free(purl);
	url = vm_url_mutate(j, "zones/%s/instances/%s/addResourcePolicies",
	    j->gce->zone, j->o.name);
	vm_call(j, "POST", url, body, 1, vm_schedule_attach_sent);
	free(url);
	free(body);
}

static void
vm_schedule_inserted(const struct gce_result *r, void *arg)
{
	struct vm_job	*j = arg;

	j->call = 0;
	if (r->error != NULL) {
		vm_fail(j, "creating the schedule: %s", r->error);
		return;
	}
	vm_op(j, r->body, "schedule", vm_schedule_made);
}

static void
vm_schedule_insert(struct vm_job *j)
{
	char	*name = vm_policy_name(j), *body, *url, *cause = NULL;

	body = compute_schedule_body(name, j->gce->region, j->o.stop_at,
	    j->o.start_at, j->o.tz, j->o.days, &cause);
	free(name);
	if (body == NULL) {
		vm_fail(j, "schedule: %s", cause);
		free(cause);
		return;
	}
	url = vm_url_mutate(j, "regions/%s/resourcePolicies",
	    j->gce->region);
	vm_call(j, "POST", url, body, 1, vm_schedule_inserted);
	free(url);
	free(body);
}

/* Detaches our policy when the instance has it, else goes on. */
static void
vm_schedule_instance_got(const struct gce_result *r, void *arg)
{
	struct vm_job		*j = arg;
	struct gce_instance	 in;
	char			*url, *body, *purl, *name;
	size_t			 i;
	int			 attached = 0;

	j->call = 0;
	if (vm_instance_answer(j, r, &in) != 0)
		return;
	name = vm_policy_name(j);
	for (i = 0; i < in.npolicies; i++)
		attached |= strcmp(in.policies[i], name) == 0;
	free(name);
	gce_instance_free(&in);
	if (!attached) {
		vm_schedule_delete(j);
		return;
	}
	purl = vm_policy_url(j);
	body = xasprintf("{\"resourcePolicies\":[\"%s\"]}", purl);
	free(purl);
	url = vm_url_mutate(j,
	    "zones/%s/instances/%s/removeResourcePolicies", j->gce->zone,
	    j->o.name);
	vm_call(j, "POST", url, body, 1, vm_schedule_detached);
	free(url);
	free(body);
}

void
vm_schedule_begin(struct vm_job *j)
{
	char	*url;

	if (!j->o.schedule_off)
		/* Google starts and stops the VM as its Compute Engine
		 * service agent, which needs the rights to. */
		vm_warn(j, "the schedule acts through the project's Compute "
		    "Engine service agent (service-PROJECT_NUMBER@compute-"
		    "system.iam.gserviceaccount.com): it needs "
		    "compute.instances.start and stop, e.g. "
		    "roles/compute.instanceAdmin.v1");
	url = vm_url(j, "zones/%s/instances/%s", j->gce->zone, j->o.name);
	vm_call(j, "GET", url, NULL, 1, vm_schedule_instance_got);
	free(url);
}
