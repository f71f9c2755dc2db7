/*
 * The answers of Compute Engine, IAM and Resource Manager, parsed: long
 * running operations, instances, guest attributes (the VM's SSH host keys
 * and the startup script's mark), and Google's error bodies, which become
 * one sentence a user can act on: the HTTP status, Google's reason and
 * message, and what to do next (the role that grants a missing
 * permission, another zone when the zone is out of machines, ...).
 *
 * Everything here reads text that came over the network, so nothing is
 * trusted: wrong types are skipped, text quoted back goes through
 * echo_text (cut short, control bytes shown as \xNN), and a host key
 * must be well-formed base64 of a key of the type it claims before it is
 * returned for pinning.
 */

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config/echo.h"
#include "config/xmalloc.h"
#include "gcp/compute.h"
#include "gcp/compute_private.h"

#define COMPUTE_QUOTE_MAX	160	/* a body that is not JSON, quoted */
#define COMPUTE_MESSAGE_MAX	1000	/* Google's message, quoted */
#define COMPUTE_CODE_MAX	100	/* an error code or reason, quoted */

/* What to do about an operation's error code. */
static const struct {
	const char	*code;
	const char	*hint;
} compute_op_hints[] = {
	{ "ZONE_RESOURCE_POOL_EXHAUSTED",
	  "the zone has no capacity for this machine type right now: try "
	  "another zone (set gcp.zone), another machine type "
	  "(gcp.machine_type), or again later" },
	{ "ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS",
	  "the zone has no capacity for this machine type right now: try "
	  "another zone (set gcp.zone), another machine type "
	  "(gcp.machine_type), or again later" },
	{ "QUOTA_EXCEEDED",
	  "request more quota for the region (Google Cloud console, IAM & "
	  "Admin > Quotas), or use a smaller machine type (gcp.machine_type) "
	  "or disk (gcp.disk_gb)" },
	{ "UNSUPPORTED_OPERATION",
	  "the zone or machine type does not support this: try another zone "
	  "(gcp.zone) or machine type (gcp.machine_type)" },
	{ "RESOURCE_NOT_FOUND",
	  "check that gcp.image, gcp.network and gcp.machine_type name "
	  "things that exist for this project and zone" },
	{ "RESOURCE_ALREADY_EXISTS",
	  "something of that name exists already" },
	{ "RESOURCE_IN_USE_BY_ANOTHER_RESOURCE",
	  "it is still in use by something else" },
	{ "RESOURCE_OPERATION_RATE_EXCEEDED",
	  "too many changes to it at once: try again in a minute" },
	{ "RATE_LIMIT_EXCEEDED",
	  "too many requests: try again in a minute" },
	{ "CONDITION_NOT_MET",
	  "it changed meanwhile: try again" },
};

/* A role that grants each permission (by prefix; the first match wins). */
static const struct {
	const char	*prefix;
	const char	*role;
} compute_roles[] = {
	{ "iam.serviceAccounts.actAs", "roles/iam.serviceAccountUser" },
	{ "iam.serviceAccounts.", "roles/iam.serviceAccountAdmin" },
	{ "resourcemanager.projects.setIamPolicy",
	  "roles/resourcemanager.projectIamAdmin" },
	{ "resourcemanager.projects.getIamPolicy",
	  "roles/resourcemanager.projectIamAdmin" },
	{ "compute.firewalls.", "roles/compute.securityAdmin" },
	{ "compute.networks.", "roles/compute.networkAdmin" },
	{ "compute.globalOperations.", "roles/compute.networkAdmin" },
	{ "compute.instances.", "roles/compute.instanceAdmin.v1" },
	{ "compute.disks.", "roles/compute.instanceAdmin.v1" },
	{ "compute.resourcePolicies.", "roles/compute.instanceAdmin.v1" },
	{ "compute.subnetworks.use", "roles/compute.instanceAdmin.v1" },
	{ "compute.images.useReadOnly", "roles/compute.instanceAdmin.v1" },
	{ "compute.zoneOperations.", "roles/compute.instanceAdmin.v1" },
	{ "compute.regionOperations.", "roles/compute.instanceAdmin.v1" },
	{ "serviceusage.services.", "roles/serviceusage.serviceUsageAdmin" },
};

/* The services whose permissions a message may name. */
static const char *const compute_services[] = {
	"compute.", "iam.", "resourcemanager.", "serviceusage."
};

/* Host key types a VM publishes and sshd on Debian offers. */
static const char *const compute_key_types[] = {
	"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
	"ecdsa-sha2-nistp521", "ssh-rsa"
};

/* A JSON object from an answer, or NULL with *cause naming what it is. */
static json_t *
compute_load(const char *body, const char *what, char **cause)
{
	json_t	*root;
	char	*echo;

	if (body == NULL || (root = json_loads(body, 0, NULL)) == NULL) {
		echo = echo_text(body, COMPUTE_QUOTE_MAX);
		*cause = xasprintf("%s: the answer is not JSON: '%s'", what,
		    echo);
		free(echo);
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		*cause = xasprintf("%s: the answer is not a JSON object", what);
		return NULL;
	}
	return root;
}

static const char *
compute_str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static char *
compute_dup(json_t *o, const char *key)
{
	const char	*s = compute_str(o, key);

	return s != NULL ? xstrdup(s) : NULL;
}

/* The last part of a resource URL: ".../zones/us-central1-a" gives
 * "us-central1-a". */
static char *
compute_short(const char *url)
{
	const char	*p;

	if (url == NULL)
		return NULL;
	p = strrchr(url, '/');
	return xstrdup(p != NULL ? p + 1 : url);
}

/* A decimal number of at most INT_MAX, else 0. */
static int
compute_int(const char *s)
{
	long long	v = 0;

	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s) ||
		    (v = v * 10 + (*s - '0')) > INT_MAX)
			return 0;
	}
	return (int)v;
}

/* Appends "; text" to *s, or makes *s text when it is NULL. */
static void
compute_append(char **s, const char *text)
{
	char	*t;

	if (*s == NULL) {
		*s = xstrdup(text);
		return;
	}
	t = xasprintf("%s; %s", *s, text);
	free(*s);
	*s = t;
}

int
compute_parse_op(const char *body, struct gce_op *op, char **cause)
{
	json_t		*root, *errs, *e, *v;
	const char	*code, *msg;
	size_t		 i;

	memset(op, 0, sizeof *op);
	if ((root = compute_load(body, "operation", cause)) == NULL)
		return -1;
	op->name = compute_dup(root, "name");
	op->status = compute_dup(root, "status");
	op->self_link = compute_dup(root, "selfLink");
	op->target_link = compute_dup(root, "targetLink");
	if (json_is_integer(v = json_object_get(root, "progress")) &&
	    json_integer_value(v) >= 0 && json_integer_value(v) <= 100)
		op->progress = (int)json_integer_value(v);
	if (json_is_integer(v = json_object_get(root, "httpErrorStatusCode")))
		op->http_status = (long)json_integer_value(v);
	errs = json_object_get(json_object_get(root, "error"), "errors");
	json_array_foreach(errs, i, e) {
		code = compute_str(e, "code");
		msg = compute_str(e, "message");
		if (op->error_code == NULL)
			op->error_code = xstrdup(code != NULL ? code :
			    "UNKNOWN");
		if (msg != NULL)
			compute_append(&op->error_text, msg);
		else if (code != NULL)
			compute_append(&op->error_text, code);
	}
	json_decref(root);
	if (op->status == NULL) {
		gce_op_free(op);
		*cause = xstrdup("operation: no status in the answer");
		return -1;
	}
	return 0;
}

void
gce_op_free(struct gce_op *op)
{
	free(op->name);
	free(op->status);
	free(op->self_link);
	free(op->target_link);
	free(op->error_code);
	free(op->error_text);
	memset(op, 0, sizeof *op);
}

/* Whether text names a permission at p: a word of service.resource.verb
 * starting with one of compute_services. */
static size_t
compute_permission_at(const char *text, const char *p)
{
	size_t	i, len, dots = 0;

	if (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '.' ||
	    p[-1] == '_'))
		return 0;
	for (i = 0; i < sizeof compute_services / sizeof compute_services[0];
	    i++) {
		if (strncmp(p, compute_services[i],
		    strlen(compute_services[i])) == 0)
			break;
	}
	if (i == sizeof compute_services / sizeof compute_services[0])
		return 0;
	for (len = 0; isalnum((unsigned char)p[len]) || p[len] == '.'; len++)
		dots += p[len] == '.';
	while (len > 0 && p[len - 1] == '.') {
		len--;
		dots--;
	}
	/* "compute.googleapis.com" is a service, not a permission. */
	if (dots != 2 || memmem(p, len, ".googleapis.", 12) != NULL)
		return 0;
	return len;
}

/* The first permission a message names ("Required 'compute.instances.
 * create' permission for ..."), or NULL; caller frees. */
static char *
compute_permission(const char *text)
{
	const char	*p;
	size_t		 len;

	for (p = text; p != NULL && *p != '\0'; p++) {
		if ((len = compute_permission_at(text, p)) != 0)
			return xstrndup(p, len);
	}
	return NULL;
}

/* "the account needs PERMISSION, which ROLE grants", or NULL. */
static char *
compute_role_hint(const char *permission)
{
	size_t	i;

	if (permission == NULL)
		return NULL;
	for (i = 0; i < sizeof compute_roles / sizeof compute_roles[0]; i++) {
		if (strncmp(permission, compute_roles[i].prefix,
		    strlen(compute_roles[i].prefix)) == 0)
			return xasprintf("the account needs %s, which %s "
			    "grants", permission, compute_roles[i].role);
	}
	return xasprintf("the account needs the permission %s", permission);
}

char *
compute_op_error(const struct gce_op *op)
{
	const char	*code = op->error_code != NULL ? op->error_code :
			    "UNKNOWN";
	char		*text, *msg, *echo, *perm, *role;
	size_t		 i;

	msg = echo_text(op->error_text != NULL ? op->error_text : code,
	    COMPUTE_MESSAGE_MAX);
	/* The code is Google's text too: quoted, not trusted. */
	echo = echo_text(code, COMPUTE_CODE_MAX);
	if (op->http_status != 0)
		text = xasprintf("%s (%s, HTTP %ld)", msg, echo,
		    op->http_status);
	else
		text = xasprintf("%s (%s)", msg, echo);
	free(echo);
	free(msg);
	for (i = 0; i < sizeof compute_op_hints / sizeof compute_op_hints[0];
	    i++) {
		if (strcmp(code, compute_op_hints[i].code) == 0) {
			compute_append(&text, compute_op_hints[i].hint);
			break;
		}
	}
	perm = compute_permission(op->error_text);
	if ((role = compute_role_hint(perm)) != NULL)
		compute_append(&text, role);
	free(role);
	free(perm);
	return text;
}

int
compute_parse_instance(const char *body, struct gce_instance *in,
    char **cause)
{
	json_t		*root, *nic, *ac, *sched, *pols, *p, *disk, *v;
	const char	*s;
	size_t		 i;

	memset(in, 0, sizeof *in);
	if ((root = compute_load(body, "instance", cause)) == NULL)
		return -1;
	if ((in->name = compute_dup(root, "name")) == NULL) {
		json_decref(root);
		*cause = xstrdup("instance: no name in the answer");
		return -1;
	}
	in->status = compute_dup(root, "status");
	in->machine_type = compute_short(compute_str(root, "machineType"));
	in->zone = compute_short(compute_str(root, "zone"));
	nic = json_array_get(json_object_get(root, "networkInterfaces"), 0);
	in->internal_ip = compute_dup(nic, "networkIP");
	ac = json_array_get(json_object_get(nic, "accessConfigs"), 0);
	in->nat_ip = compute_dup(ac, "natIP");
	sched = json_object_get(root, "scheduling");
	s = compute_str(sched, "provisioningModel");
	in->spot = (s != NULL && strcmp(s, "SPOT") == 0) ||
	    json_is_true(json_object_get(sched, "preemptible"));
	in->created = compute_dup(root, "creationTimestamp");
	in->last_start = compute_dup(root, "lastStartTimestamp");
	in->last_stop = compute_dup(root, "lastStopTimestamp");
	in->metadata_fingerprint = compute_dup(json_object_get(root,
	    "metadata"), "fingerprint");
	pols = json_object_get(root, "resourcePolicies");
	if (json_array_size(pols) > 0) {
		in->policies = xcalloc(json_array_size(pols),
		    sizeof *in->policies);
		json_array_foreach(pols, i, p) {
			if (json_is_string(p))
				in->policies[in->npolicies++] =
				    compute_short(json_string_value(p));
		}
	}
	/* diskSizeGb is an int64, which JSON carries as a string. */
	disk = json_array_get(json_object_get(root, "disks"), 0);
	v = json_object_get(disk, "diskSizeGb");
	if (json_is_string(v))
		in->disk_gb = compute_int(json_string_value(v));
	else if (json_is_integer(v) && json_integer_value(v) >= 0 &&
	    json_integer_value(v) <= INT_MAX)
		in->disk_gb = (int)json_integer_value(v);
	json_decref(root);
	return 0;
}

void
gce_instance_free(struct gce_instance *in)
{
	size_t	i;

	free(in->name);
	free(in->status);
	free(in->machine_type);
	free(in->zone);
	free(in->nat_ip);
	free(in->internal_ip);
	free(in->created);
	free(in->last_start);
	free(in->last_stop);
	free(in->metadata_fingerprint);
	for (i = 0; i < in->npolicies; i++)
		free(in->policies[i]);
	free(in->policies);
	memset(in, 0, sizeof *in);
}

static int
compute_b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Whether key is the base64 of an SSH public key blob of this type: the
 * blob starts with the type as an SSH string (a 4-byte big-endian length,
 * then the name), and the padding is right.
 */
static int
compute_valid_hostkey(const char *type, const char *key, size_t len)
{
	unsigned char	 head[64];
	size_t		 i, n = 0, pad = 0, tlen = strlen(type);
	uint32_t	 bits = 0;
	int		 v, nbits = 0;

	if (len < 8 || len % 4 != 0)
		return 0;
	for (i = 0; i < len; i++) {
		if (key[i] == '=') {
			if (++pad > 2 || i < len - 2)
				return 0;
			continue;
		}
		if (pad > 0 || (v = compute_b64_value(key[i])) == -1)
			return 0;
		bits = (bits << 6) | (uint32_t)v;
		if ((nbits += 6) >= 8) {
			nbits -= 8;
			if (n < sizeof head)
				head[n++] = (unsigned char)(bits >> nbits);
			bits &= (1u << nbits) - 1;
		}
	}
	if (n < 4 + tlen)
		return 0;
	if (((uint32_t)head[0] << 24 | (uint32_t)head[1] << 16 |
	    (uint32_t)head[2] << 8 | head[3]) != tlen)
		return 0;
	return memcmp(head + 4, type, tlen) == 0;
}

int
compute_parse_hostkeys(const char *body, struct gce_hostkey **keys,
    size_t *n, char **cause)
{
	json_t		*root, *items, *it;
	struct gce_hostkey *out;
	const char	*ns, *type, *value;
	size_t		 i, j, len, nout = 0;

	*keys = NULL;
	*n = 0;
	if (body == NULL || body[strspn(body, " \t\r\n")] == '\0')
		return 0;
	if ((root = compute_load(body, "host keys", cause)) == NULL)
		return -1;
	items = json_object_get(json_object_get(root, "queryValue"), "items");
	out = xcalloc(json_array_size(items) + 1, sizeof *out);
	json_array_foreach(items, i, it) {
		ns = compute_str(it, "namespace");
		type = compute_str(it, "key");
		value = compute_str(it, "value");
		if (ns == NULL || type == NULL || value == NULL ||
		    strcmp(ns, "hostkeys") != 0)
			continue;
		for (j = 0; j < sizeof compute_key_types /
		    sizeof compute_key_types[0]; j++) {
			if (strcmp(type, compute_key_types[j]) == 0)
				break;
		}
		if (j == sizeof compute_key_types / sizeof compute_key_types[0])
			continue;
		/* Only the first word: a newline in a value must never reach
		 * a known_hosts file. */
		value += strspn(value, " ");
		len = strcspn(value, " \t\r\n");
		if (!compute_valid_hostkey(type, value, len))
			continue;
		for (j = 0; j < nout; j++) {
			if (strcmp(out[j].type, type) == 0)
				break;
		}
		if (j < nout)
			continue;
		out[nout].type = xstrdup(type);
		out[nout].key = xstrndup(value, len);
		nout++;
	}
	json_decref(root);
	if (nout == 0) {
		free(out);
		return 0;
	}
	*keys = out;
	*n = nout;
	return 0;
}

void
gce_hostkeys_free(struct gce_hostkey *keys, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(keys[i].type);
		free(keys[i].key);
	}
	free(keys);
}

char *
compute_parse_guest_value(const char *body, const char *key)
{
	json_t		*root, *items, *it;
	const char	*k, *v, *found = NULL;
	char		*out = NULL;
	size_t		 i;

	if (body == NULL || key == NULL ||
	    (root = json_loads(body, 0, NULL)) == NULL)
		return NULL;
	items = json_object_get(json_object_get(root, "queryValue"), "items");
	json_array_foreach(items, i, it) {
		k = compute_str(it, "key");
		v = compute_str(it, "value");
		if (k != NULL && v != NULL && strcmp(k, key) == 0) {
			found = v;
			break;
		}
	}
	/* Asked for with variableKey instead of queryPath. */
	if (found == NULL && (k = compute_str(root, "variableKey")) != NULL &&
	    (v = compute_str(root, "variableValue")) != NULL) {
		if (strlen(k) >= strlen(key) &&
		    strcmp(k + strlen(k) - strlen(key), key) == 0)
			found = v;
	}
	if (found != NULL)
		out = xstrdup(found);
	json_decref(root);
	return out;
}

/* A service name from an answer, if it looks like one. */
static const char *
compute_service(const char *s)
{
	size_t	i;

	if (s == NULL || *s == '\0' || strlen(s) > 100)
		return NULL;
	for (i = 0; s[i] != '\0'; i++) {
		if (!islower((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]) && s[i] != '.' && s[i] != '-')
			return NULL;
	}
	return s;
}

char *
compute_error_text(long status, const char *body)
{
	json_t		*root = NULL, *err, *d;
	const char	*reason = NULL, *msg = NULL, *service = NULL;
	const char	*why = NULL, *r;
	char		*text, *echo, *why_echo, *perm = NULL, *hint;
	size_t		 i;
	int		 disabled = 0;

	if (body != NULL)
		root = json_loads(body, 0, NULL);
	err = json_object_get(root, "error");
	if (json_is_object(err)) {
		msg = compute_str(err, "message");
		reason = compute_str(json_array_get(json_object_get(err,
		    "errors"), 0), "reason");
		if (reason == NULL)
			reason = compute_str(err, "status");
		/* google.rpc.ErrorInfo says which permission or service. */
		json_array_foreach(json_object_get(err, "details"), i, d) {
			if (why == NULL)
				why = compute_str(json_object_get(d,
				    "metadata"), "permission");
			if (service == NULL)
				service = compute_service(compute_str(
				    json_object_get(d, "metadata"), "service"));
			r = compute_str(d, "reason");
			disabled |= r != NULL &&
			    strcmp(r, "SERVICE_DISABLED") == 0;
		}
		disabled |= reason != NULL &&
		    strcmp(reason, "accessNotConfigured") == 0;
	} else if (json_is_string(err)) {
		/* OAuth's form: {"error": "invalid_grant", ...}. */
		reason = json_string_value(err);
		msg = compute_str(root, "error_description");
	}

	echo = echo_text(msg != NULL ? msg : reason != NULL ? "" : body,
	    msg != NULL ? COMPUTE_MESSAGE_MAX : COMPUTE_QUOTE_MAX);
	/* The reason is Google's text too: quoted, not trusted. */
	why_echo = reason != NULL ? echo_text(reason, COMPUTE_CODE_MAX) :
	    NULL;
	if (reason != NULL && msg != NULL)
		text = xasprintf("HTTP %ld (%s): %s", status, why_echo, echo);
	else if (reason != NULL)
		text = xasprintf("HTTP %ld (%s)", status, why_echo);
	else if (msg != NULL)
		text = xasprintf("HTTP %ld: %s", status, echo);
	else if (body == NULL || body[strspn(body, " \t\r\n")] == '\0')
		text = xasprintf("HTTP %ld: empty answer", status);
	else
		text = xasprintf("HTTP %ld: '%s'", status, echo);
	free(why_echo);
	free(echo);

	if (status == 401)
		compute_append(&text, "check the credentials "
		    "(GOOGLE_APPLICATION_CREDENTIALS, or run `gcloud auth "
		    "application-default login`)");
	else if (status == 403 && disabled) {
		hint = xasprintf("enable the API for the project: `gcloud "
		    "services enable %s`", service != NULL ? service :
		    "compute.googleapis.com");
		compute_append(&text, hint);
		free(hint);
	} else if (status == 403) {
		if ((perm = compute_permission(why)) == NULL)
			perm = compute_permission(msg);
		if ((hint = compute_role_hint(perm)) != NULL)
			compute_append(&text, hint);
		free(hint);
		free(perm);
	} else if (status == 412)
		compute_append(&text, "it changed since it was read");
	json_decref(root);
	return text;
}

char *
compute_error_reason(const char *body)
{
	json_t		*root, *err;
	const char	*reason = NULL;
	char		*out = NULL;

	if (body == NULL || (root = json_loads(body, 0, NULL)) == NULL)
		return NULL;
	err = json_object_get(root, "error");
	if (json_is_object(err)) {
		reason = compute_str(json_array_get(json_object_get(err,
		    "errors"), 0), "reason");
		if (reason == NULL)
			reason = compute_str(err, "status");
	} else if (json_is_string(err))
		reason = json_string_value(err);
	if (reason != NULL)
		out = xstrdup(reason);
	json_decref(root);
	return out;
}
