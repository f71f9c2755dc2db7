/*
 * `vm create` (see vm.h): what `terraform apply` and provision-vm.sh did,
 * one idempotent step after another.  Each step looks first and makes
 * only what is missing, so running create again after a failure (or on a
 * VM that exists) finishes the job instead of failing on "already
 * exists":
 *
 *   network -> firewall (tcp:22 to the VM's tag) -> service account ->
 *   its roles (policy read-modify-write, retried on a concurrent change)
 *   -> instance (insert with a requestId; started if stopped; our SSH key
 *   added to its metadata if missing) -> RUNNING with an address -> host
 *   keys pinned from the guest attributes -> the startup script's ready
 *   mark in the guest attributes.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config/echo.h"
#include "config/xmalloc.h"
#include "gcp/compute.h"
#include "gcp/gce.h"
#include "gcp/loop.h"
#include "gcp/vm.h"
#include "gcp/vm_private.h"

#define VM_POLICY_TRIES		6
#define VM_READY_POLL_MS	5000
/* The startup script's words in a message. */
#define VM_GUEST_ECHO_MAX	1000

static void vm_create_firewall(struct vm_job *);
static void vm_create_sa(struct vm_job *);
static void vm_create_roles(struct vm_job *);
static void vm_create_instance(struct vm_job *);
static void vm_create_keys_metadata(struct vm_job *);
static void vm_create_ready(struct vm_job *);

static char *
vm_firewall_name(struct vm_job *j)
{
	return xasprintf("%s-ssh", j->o.name);
}

static char *
vm_sa_email(struct vm_job *j)
{
	return xasprintf("%s@%s.iam.gserviceaccount.com", COMPUTE_SA_ID,
	    j->gce->project);
}

/* ---- network ---- */

static void
vm_network_made(struct vm_job *j)
{
	vm_step(j, "network %s: created", j->o.network);
	vm_create_firewall(j);
}

static void
vm_network_inserted(const struct gce_result *r, void *arg)
{
	struct vm_job	*j = arg;

	j->call = 0;
	if (r->error != NULL && (r->reason == NULL ||
	    strcmp(r->reason, "alreadyExists") != 0)) {
		vm_fail(j, "network %s: %s", j->o.network, r->error);
		return;
	}
	if (r->error != NULL) {
		vm_create_firewall(j);
		return;
	}
	vm_op(j, r->body, "network", vm_network_made);
}

static void
vm_network_got(const struct gce_result *r, void *arg)
{
	struct vm_job	*j = arg;
	char		*url, *body, *cause = NULL;

	j->call = 0;
	if (r->error == NULL) {
		vm_step(j, "network %s: exists", j->o.network);
		vm_create_firewall(j);
		return;
	}
	if (r->status != 404) {
		vm_fail(j, "network %s: %s", j->o.network, r->error);
		return;
	}
	if ((body = compute_network_body(j->o.network, &cause)) == NULL) {
		vm_fail(j, "network %s: %s", j->o.network, cause);
		free(cause);
		return;
	}
	vm_step(j, "network %s: creating", j->o.network);
	url = vm_url_mutate(j, "global/networks");
	vm_call(j, "POST", url, body, 1, vm_network_inserted);
	free(url);
	free(body);
}

/* ---- firewall ---- */

static void
vm_firewall_made(struct vm_job *j)
{
	char	*name = vm_firewall_name(j);

	vm_step(j, "firewall %s: created", name);
	free(name);
	vm_create_sa(j);
}

static void
vm_firewall_inserted(const struct gce_result *r, void *arg)
{
	struct vm_job	*j = arg;

	j->call = 0;
	if (r->error != NULL && (r->reason == NULL ||
	    strcmp(r->reason, "alreadyExists") != 0)) {
		vm_fail(j, "firewall: %s", r->error);
		return;
	}
	if (r->error != NULL) {
		vm_create_sa(j);
		return;
	}
	vm_op(j, r->body, "firewall", vm_firewall_made);
}

/* A rule made earlier may allow other ranges than the config now says. */
static void
vm_firewall_compare(struct vm_job *j, const char *name, const char *body)
{
	json_t		*root, *ranges, *v;
	size_t		 i;
	char		*have = xstrdup(""), *t;
	int		 differ = 0;

	if ((root = json_loads(body, 0, NULL)) == NULL) {
		free(have);
		return;
	}
	ranges = json_object_get(root, "sourceRanges");
	json_array_foreach(ranges, i, v) {
		const char *s = json_string_value(v);

		if (s == NULL)
			continue;
		if (strstr(j->o.ssh_source_ranges, s) == NULL)
			differ = 1;
		t = xasprintf("%s%s%s", have, *have != '\0' ? "," : "", s);
		free(have);
		have = t;
	}
	json_decref(root);
	if (differ)
		vm_warn(j, "firewall %s allows tcp:22 from %s, not only %s "
		    "(gcp.ssh_source_ranges); change it with `gcloud compute "
		    "firewall-rules update %s --source-ranges=...`", name,
		    have, j->o.ssh_source_ranges, name);
	free(have);
}

static void
vm_firewall_got(const struct gce_result *r, void *arg)
{
	struct vm_job	*j = arg;
	char		*name = vm_firewall_name(j), *url, *body, *cause = NULL;

	j->call = 0;
	if (r->error == NULL) {
		vm_step(j, "firewall %s: exists", name);
		vm_firewall_compare(j, name, r->body);
		free(name);
		vm_create_sa(j);
		return;
	}
	if (r->status != 404) {
		vm_fail(j, "firewall %s: %s", name, r->error);
		free(name);
		return;
	}
	if ((body = compute_firewall_body(name, j->gce->project,
	    j->o.network, j->o.ssh_source_ranges, &cause)) == NULL) {
		vm_fail(j, "firewall %s: %s", name, cause);
		free(cause);
		free(name);
		return;
	}
	vm_step(j, "firewall %s: creating (tcp:22 from %s)", name,
	    j->o.ssh_source_ranges);
	url = vm_url_mutate(j, "global/firewalls");
	vm_call(j, "POST", url, body, 1, vm_firewall_inserted);
	free(url);
	free(body);
	free(name);
}

static void
vm_create_firewall(struct vm_job *j)
{
	char	*name = vm_firewall_name(j), *url;

	if (strstr(j->o.ssh_source_ranges, "0.0.0.0/0") != NULL ||
	    strstr(j->o.ssh_source_ranges, "::/0") != NULL)
		vm_warn(j, "WARNING: the VM's SSH port will be open to the "
		    "whole internet (gcp.ssh_source_ranges = %s); set it to "
		    "your own address range", j->o.ssh_source_ranges);
	url = vm_url(j, "global/firewalls/%s", name);
	vm_call(j, "GET", url, NULL, 1, vm_firewall_got);
	free(url);
	free(name);
}

/* ---- service account and its roles ---- */

static void
vm_sa_created(const struct gce_result *r, void *arg)
{
	struct vm_job	*j = arg;

	j->call = 0;
	if (r->error != NULL && r->status != 409) {
		vm_fail(j, "service account %s: %s", COMPUTE_SA_ID, r->error);
		return;
	}
	vm_step(j, "service account %s: %s", COMPUTE_SA_ID,
	    r->error == NULL ? "created" : "exists");
	j->tries = 0;
	vm_create_roles(j);
}

static void
vm_sa_got(const struct gce_result *r, void *arg)
{
	struct vm_job	*j = arg;
	char		*url, *body, *cause = NULL;

	j->call = 0;
	if (r->error == NULL) {
		vm_step(j, "service account %s: exists", COMPUTE_SA_ID);
		j->tries = 0;
		vm_create_roles(j);
		return;
	}
	if (r->status != 404) {
		vm_fail(j, "service account %s: %s", COMPUTE_SA_ID, r->error);
		return;
	}
	if ((body = compute_sa_body(COMPUTE_SA_ID, "sandbox-tui agents VM",
	    &cause)) == NULL) {
		vm_fail(j, "service account: %s", cause);
		free(cause);
		return;
	}
	url = xasprintf("%s/serviceAccounts", j->gce->iam);
	/* A repeat after a lost answer gets 409, which means done. */
	vm_call(j, "POST", url, body, 1, vm_sa_created);
	free(url);
	free(body);
}

static void
vm_create_sa(struct vm_job *j)
{
	char	*email, *url;

	if (!j->o.service_account) {
		vm_create_instance(j);
		return;
	}
	email = vm_sa_email(j);
	url = xasprintf("%s/serviceAccounts/%s", j->gce->iam, email);
	vm_call(j, "GET", url, NULL, 1, vm_sa_got);
	free(url);
	free(email);
}

static void
vm_roles_set(const struct gce_result *r, void *arg)
{
	struct vm_job	*j = arg;

	j->call = 0;
	if (r->error != NULL) {
		/* 409: someone changed the policy since we read it; 400 for
		 * a minute after the account is made: IAM has not seen it
		 * yet.  Both pass by reading again. */
		if ((r->status == 409 || (r->status == 400 &&
		    strstr(r->error, "does not exist") != NULL)) &&
		    ++j->tries < VM_POLICY_TRIES) {
			vm_step(j, "roles: %s; trying again", r->status == 409 ?
			    "the policy changed meanwhile" :
			    "the new account is not visible yet");
			vm_later(j, 2000 * j->tries, vm_create_roles);
			return;
		}
		vm_fail(j, "granting roles: %s", r->error);
		return;
	}
	vm_step(j, "roles granted to %s", COMPUTE_SA_ID);
	j->tries = 0;
	vm_create_instance(j);
}

static void
vm_roles_got(const struct gce_result *r, void *arg)
{
	struct vm_job	*j = arg;
	char		*email, *member, *body, *url, *cause = NULL;
	size_t		 n = 0;
	int		 changed = 0;

	j->call = 0;
	if (r->error != NULL) {
		vm_fail(j, "reading the project's IAM policy: %s", r->error);
		return;
	}
	while (j->o.roles != NULL && j->o.roles[n] != NULL)
		n++;
	email = vm_sa_email(j);
	member = xasprintf("serviceAccount:%s", email);
	free(email);
	body = compute_policy_grant(r->body, member, j->o.roles, n, &changed,
	    &cause);
	free(member);
	if (body == NULL) {
		vm_fail(j, "IAM policy: %s", cause);
		free(cause);
		return;
	}
	if (!changed) {
		free(body);
		vm_step(j, "roles of %s: already granted", COMPUTE_SA_ID);
		j->tries = 0;
		vm_create_instance(j);
		return;
	}
	url = xasprintf("%s:setIamPolicy", j->gce->crm);
	/* The etag makes a repeat fail rather than apply twice. */
	vm_call(j, "POST", url, body, 1, vm_roles_set);
	free(url);
	free(body);
}

static void
vm_create_roles(struct vm_job *j)
{
	char	*url;

	if (j->o.roles == NULL || j->o.roles[0] == NULL) {
		vm_create_instance(j);
		return;
	}
	url = xasprintf("%s:getIamPolicy", j->gce->crm);
	/* Version 3, or a policy with conditional bindings would come back
	 * mangled (and its write refused). */
	vm_call(j, "POST", url, "{\"options\":{\"requestedPolicyVersion\":3}}",
	    1, vm_roles_got);
	free(url);
}

/* ---- the instance ---- */

static void
vm_instance_made(struct vm_job *j)
{
	vm_step(j, "instance %s: created", j->o.name);
	vm_wait_running(j, vm_create_ready);
}

static void
vm_instance_inserted(const struct gce_result *r, void *arg)
{
	struct vm_job	*j = arg;

	j->call = 0;
	if (r->error != NULL) {
		vm_fail(j, "instance %s: %s", j->o.name, r->error);
		return;
	}
	vm_op(j, r->body, "instance", vm_instance_made);
}

/* Our key line in the ssh-keys metadata of the instance JSON, or not. */
static char *
vm_ssh_keys_value(const char *instance_json, int *have, const char *line)
{
	json_t		*root, *items, *it;
	size_t		 i;
	const char	*k, *v, *found = NULL;
	char		*value;

	*have = 0;
	if ((root = json_loads(instance_json, 0, NULL)) == NULL)
		return xstrdup(line);
	items = json_object_get(json_object_get(root, "metadata"), "items");
	json_array_foreach(items, i, it) {
		k = json_string_value(json_object_get(it, "key"));
		v = json_string_value(json_object_get(it, "value"));
		if (k != NULL && v != NULL && strcmp(k, "ssh-keys") == 0)
			found = v;
	}
	if (found != NULL && strstr(found, line) != NULL)
		*have = 1;
	/* Other users' keys stay. */
	value = found != NULL && *found != '\0' ?
	    xasprintf("%s%s%s", found,
	    found[strlen(found) - 1] == '\n' ? "" : "\n", line) :
	    xstrdup(line);
	json_decref(root);
	return value;
}

static void
vm_instance_got(const struct gce_result *r, void *arg)
{
	struct vm_job		*j = arg;
	struct gce_instance	 in;
	struct vm_spec		 spec;
	char			*url, *body, *cause = NULL, *email = NULL;

	j->call = 0;
	if (r->error == NULL) {
		memset(&in, 0, sizeof in);
		if (compute_parse_instance(r->body, &in, &cause) != 0) {
			vm_fail(j, "instance %s: %s", j->o.name, cause);
			free(cause);
			return;
		}
		j->found = 1;
		free(j->instance_json);
		j->instance_json = xstrdup(r->body);
		vm_step(j, "instance %s: exists (%s)", j->o.name,
		    in.status != NULL ? in.status : "?");
		gce_instance_free(&in);
		/* Our key first (setMetadata works on a stopped VM too);
		 * waiting for it to run starts or resumes it if need be. */
		vm_create_keys_metadata(j);
		return;
	}
	if (r->status != 404) {
		vm_fail(j, "instance %s: %s", j->o.name, r->error);
		return;
	}

	memset(&spec, 0, sizeof spec);
	spec.project = j->gce->project;
	spec.zone = j->gce->zone;
	spec.name = j->o.name;
	spec.machine_type = j->o.machine_type;
	spec.disk_gb = j->o.disk_gb;
	spec.spot = j->o.spot;
	spec.network = j->o.network;
	if (j->o.service_account)
		spec.sa_email = email = vm_sa_email(j);
	spec.startup_script = j->o.startup_script;
	spec.ssh_user = j->o.ssh_user;
	spec.ssh_pubkey = j->o.ssh_pubkey;
	spec.image = j->o.image;
	spec.version = j->o.version;
	spec.metadata = j->o.metadata;
	body = compute_instance_body(&spec, &cause);
	free(email);
	if (body == NULL) {
		vm_fail(j, "instance %s: %s", j->o.name, cause);
		free(cause);
		return;
	}
	vm_step(j, "instance %s: creating (%s%s, %d GB, %s)", j->o.name,
	    j->o.machine_type, j->o.spot ? " spot" : "", j->o.disk_gb,
	    j->gce->zone);
	/* The requestId in the URL is what makes http.c's retries of this
	 * insert safe: Google makes one VM however often it is sent. */
	url = vm_url_mutate(j, "zones/%s/instances", j->gce->zone);
	vm_call(j, "POST", url, body, 1, vm_instance_inserted);
	free(url);
	free(body);
}

static void
vm_create_instance(struct vm_job *j)
{
	char	*url = vm_url(j, "zones/%s/instances/%s", j->gce->zone,
	    j->o.name);

	vm_call(j, "GET", url, NULL, 1, vm_instance_got);
	free(url);
}

static void
vm_keys_metadata_done(struct vm_job *j)
{
	vm_step(j, "instance %s: SSH key added to its metadata", j->o.name);
	vm_wait_running(j, vm_create_ready);
}

static void
vm_keys_metadata_sent(const struct gce_result *r, void *arg)
{
	struct vm_job	*j = arg;

	j->call = 0;
	if (r->error != NULL) {
		/* 412: the metadata changed since we read it; read again. */
		if (r->status == 412 && ++j->tries < VM_POLICY_TRIES) {
			vm_create_instance(j);
			return;
		}
		vm_fail(j, "instance %s metadata: %s", j->o.name, r->error);
		return;
	}
	vm_op(j, r->body, "metadata", vm_keys_metadata_done);
}

/* A VM made elsewhere, or with an older key: make sure ours gets in. */
static void
vm_create_keys_metadata(struct vm_job *j)
{
	char	*line, *value, *body, *url, *cause = NULL;
	int	 have;

	line = xasprintf("%s:%s", j->o.ssh_user, j->o.ssh_pubkey);
	value = vm_ssh_keys_value(j->instance_json, &have, line);
	free(line);
	if (have) {
		free(value);
		vm_wait_running(j, vm_create_ready);
		return;
	}
	body = compute_metadata_body(j->instance_json, "ssh-keys", value,
	    &cause);
	free(value);
	if (body == NULL) {
		vm_fail(j, "instance %s metadata: %s", j->o.name, cause);
		free(cause);
		return;
	}
	url = vm_url_mutate(j, "zones/%s/instances/%s/setMetadata",
	    j->gce->zone, j->o.name);
	vm_call(j, "POST", url, body, 1, vm_keys_metadata_sent);
	free(url);
	free(body);
}

/* ---- the startup script's mark ---- */

static void vm_ready_poll(struct vm_job *);

/* A guest attribute the VM wrote, echoed for a message; NULL if none. */
static char *
vm_guest_echo(const char *body, const char *key)
{
	char	*value = compute_parse_guest_value(body, key), *echo;

	if (value == NULL)
		return NULL;
	echo = echo_text(value, VM_GUEST_ECHO_MAX);
	free(value);
	return echo;
}

static void
vm_ready_got(const struct gce_result *r, void *arg)
{
	struct vm_job	*j = arg;
	char		*v = NULL, *e = NULL, *w = NULL;

	j->call = 0;
	if (r->error != NULL && r->status != 404) {
		vm_fail(j, "waiting for the startup script: %s", r->error);
		return;
	}
	if (r->error == NULL) {
		v = vm_guest_echo(r->body, "ready");
		e = vm_guest_echo(r->body, "error");
		w = vm_guest_echo(r->body, "warnings");
	}
	if (e != NULL || v != NULL) {
		if (w != NULL)
			vm_warn(j, "the VM's startup script: %s", w);
		if (e != NULL)
			vm_fail(j, "the VM's startup script failed (%s); its "
			    "output is on the serial console: `gcloud compute "
			    "instances get-serial-port-output %s --zone %s`",
			    e, j->o.name, j->gce->zone);
		else {
			vm_step(j, "startup script finished (%s)", v);
			vm_finish(j);
		}
		free(v);
		free(e);
		free(w);
		return;
	}
	free(w);
	if (loop_now() - j->phase_started >
	    (int64_t)j->o.ready_timeout * 1000) {
		vm_fail(j, "the VM's startup script did not finish in %d s; "
		    "its output is on the serial console: `gcloud compute "
		    "instances get-serial-port-output %s --zone %s`",
		    j->o.ready_timeout, j->o.name, j->gce->zone);
		return;
	}
	vm_step(j, "waiting for the startup script (%llds)",
	    (long long)((loop_now() - j->phase_started) / 1000));
	vm_later(j, VM_READY_POLL_MS, vm_ready_poll);
}

static void
vm_ready_poll(struct vm_job *j)
{
	char	*url = vm_url(j, "zones/%s/instances/%s/getGuestAttributes"
	    "?queryPath=sandbox-tui/", j->gce->zone, j->o.name);

	vm_call(j, "GET", url, NULL, 1, vm_ready_got);
	free(url);
}

static void
vm_create_ready(struct vm_job *j)
{
	j->phase_started = loop_now();
	vm_ready_poll(j);
}

void
vm_create_begin(struct vm_job *j)
{
	char	*url = vm_url(j, "global/networks/%s", j->o.network);

	vm_call(j, "GET", url, NULL, 1, vm_network_got);
	free(url);
}
