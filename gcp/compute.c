/*
 * The request bodies of the Compute Engine v1, IAM and Resource Manager
 * calls gcp/vm*.c makes, built with jansson from a VM spec, and the checks
 * on every value that goes into them or into a URL.  A value a user can
 * get wrong is refused here with a message naming the setting it came
 * from ("gcp.ssh_source_ranges: '10.0.0.0/33' is not a CIDR range"), so
 * that Google never sees it and the user never has to decode a 400.
 *
 * Resource references in bodies are partial URLs ("zones/Z/machineTypes/T",
 * "global/networks/N"), which the API resolves against the project of the
 * request URL.  The answers are parsed in compute_parse.c.
 */

#include <sys/socket.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config/echo.h"
#include "config/xmalloc.h"
#include "gcp/compute.h"
#include "gcp/compute_private.h"

#define COMPUTE_SCOPE	"https://www.googleapis.com/auth/cloud-platform"
#define COMPUTE_ECHO_MAX	64	/* user input echoed in a message */
#define COMPUTE_LABEL_MAX	63	/* label value length */
#define COMPUTE_VALUE_MAX	(256 * 1024)	/* one metadata value */
#define COMPUTE_METADATA_MAX	(512 * 1024)	/* all keys and values */
#define COMPUTE_DISK_MIN	10
#define COMPUTE_DISK_MAX	65536

static int
compute_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static int
compute_digit(char c)
{
	return c >= '0' && c <= '9';
}

int
compute_bad(char **cause, const char *field, const char *value,
    const char *why)
{
	char	*echo = echo_text(value, COMPUTE_ECHO_MAX);

	*cause = xasprintf("%s: '%s' %s", field, echo, why);
	free(echo);
	return -1;
}

char *
compute_dump(json_t *root)
{
	char	*s = json_dumps(root, JSON_COMPACT);

	json_decref(root);
	if (s == NULL) {
		fprintf(stderr, "sandbox-tui: out of memory writing JSON\n");
		abort();
	}
	return s;
}

/* RFC 1035 labels as Google uses them: [a-z]([-a-z0-9]*[a-z0-9])?. */
static int
compute_rfc1035(const char *s, size_t min, size_t max)
{
	size_t	len, i;

	if (s == NULL || (len = strlen(s)) < min || len > max || len == 0)
		return 0;
	if (!compute_lower(s[0]) || s[len - 1] == '-')
		return 0;
	for (i = 1; i < len; i++) {
		if (!compute_lower(s[i]) && !compute_digit(s[i]) && s[i] != '-')
			return 0;
	}
	return 1;
}

int
compute_valid_name(const char *s)
{
	return compute_rfc1035(s, 1, 63);
}

int
compute_valid_project(const char *s)
{
	return compute_rfc1035(s, 6, 30);
}

/* Where a region name ("us-central1", "northamerica-northeast2") ends at
 * the start of s, or NULL if s does not start with one. */
static const char *
compute_region_end(const char *s)
{
	const char	*p = s;

	if (s == NULL || strlen(s) > 63 || !compute_lower(*p))
		return NULL;
	while (compute_lower(*p))
		p++;
	if (*p++ != '-' || !compute_lower(*p))
		return NULL;
	while (compute_lower(*p))
		p++;
	if (!compute_digit(*p))
		return NULL;
	while (compute_digit(*p))
		p++;
	return p;
}

int
compute_valid_zone(const char *s)
{
	const char	*p = compute_region_end(s);

	return p != NULL && p[0] == '-' && compute_lower(p[1]) && p[2] == '\0';
}

int
compute_valid_region(const char *s)
{
	const char	*p = compute_region_end(s);

	return p != NULL && *p == '\0';
}

char *
compute_zone_region(const char *zone)
{
	const char	*p = strrchr(zone, '-');

	return p != NULL ? xstrndup(zone, p - zone) : xstrdup(zone);
}

/* Printable ASCII without spaces: image paths, e-mail addresses, roles. */
static int
compute_plain(const char *s, size_t max)
{
	size_t	i;

	if (s == NULL || *s == '\0')
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= max || (unsigned char)s[i] <= 0x20 ||
		    (unsigned char)s[i] >= 0x7f)
			return 0;
	}
	return 1;
}

/* A login name the guest environment will make from ssh-keys. */
static int
compute_valid_user(const char *s)
{
	size_t	i;

	if (s == NULL || (!compute_lower(s[0]) && s[0] != '_'))
		return 0;
	for (i = 1; s[i] != '\0'; i++) {
		if (i >= 32 || (!compute_lower(s[i]) &&
		    !compute_digit(s[i]) && s[i] != '_' && s[i] != '-'))
			return 0;
	}
	return 1;
}

/* One OpenSSH public key line of a type sshd on Debian accepts. */
static int
compute_valid_pubkey(const char *s)
{
	static const char *const types[] = {
		"ssh-ed25519 ", "ecdsa-sha2-nistp256 ", "ecdsa-sha2-nistp384 ",
		"ecdsa-sha2-nistp521 ", "ssh-rsa "
	};
	size_t	i, n;

	if (s == NULL)
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	}
	for (i = 0; i < sizeof types / sizeof types[0]; i++) {
		n = strlen(types[i]);
		/* The base64 of a key blob starts with "AAAA". */
		if (strncmp(s, types[i], n) == 0)
			return strncmp(s + n, "AAAA", 4) == 0;
	}
	return 0;
}

/* Metadata keys: [A-Za-z0-9_-]{1,128}. */
static int
compute_valid_key(const char *s)
{
	size_t	i;

	if (s == NULL || *s == '\0')
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= 128 || (!compute_lower(s[i]) &&
		    !compute_digit(s[i]) && !(s[i] >= 'A' && s[i] <= 'Z') &&
		    s[i] != '_' && s[i] != '-'))
			return 0;
	}
	return 1;
}

/* A label value Google accepts, [a-z0-9_-]{0,63}, made from any text. */
static char *
compute_label_value(const char *s)
{
	char	*out = xmalloc(COMPUTE_LABEL_MAX + 1), c;
	size_t	 n = 0;

	for (; s != NULL && *s != '\0' && n < COMPUTE_LABEL_MAX; s++) {
		c = *s;
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (!compute_lower(c) && !compute_digit(c) && c != '-')
			c = '_';
		out[n++] = c;
	}
	out[n] = '\0';
	return out;
}

/*
 * A source range as the firewall wants it: an IPv4 or IPv6 address with a
 * prefix length in range; a bare address becomes /32 or /128.  NULL if s
 * is not one.
 */
static char *
compute_cidr(const char *s)
{
	char		 buf[INET6_ADDRSTRLEN + 8], *slash;
	unsigned char	 addr[sizeof(struct in6_addr)];
	size_t		 len = strlen(s), i;
	int		 af, bits = 0, max;

	if (len == 0 || len >= sizeof buf)
		return NULL;
	memcpy(buf, s, len + 1);
	af = strchr(buf, ':') != NULL ? AF_INET6 : AF_INET;
	max = af == AF_INET6 ? 128 : 32;
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash++ = '\0';
		if (*slash == '\0' || strlen(slash) > 3)
			return NULL;
		for (i = 0; slash[i] != '\0'; i++) {
			if (!compute_digit(slash[i]))
				return NULL;
			bits = bits * 10 + (slash[i] - '0');
		}
		if (bits > max)
			return NULL;
	}
	if (inet_pton(af, buf, addr) != 1)
		return NULL;
	return slash != NULL ? xstrdup(s) : xasprintf("%s/%d", buf, max);
}

/* The ranges of gcp.ssh_source_ranges (comma or space separated) as a
 * JSON array, without repeats. */
static json_t *
compute_ranges(const char *ranges, char **cause)
{
	json_t		*out = json_array(), *v;
	const char	*p = ranges, *sep = ", \t\r\n";
	char		*one, *cidr;
	size_t		 len, i;
	int		 seen;

	while (p != NULL && *p != '\0') {
		p += strspn(p, sep);
		if ((len = strcspn(p, sep)) == 0)
			break;
		one = xstrndup(p, len);
		p += len;
		if ((cidr = compute_cidr(one)) == NULL) {
			compute_bad(cause, "gcp.ssh_source_ranges", one,
			    "is not a CIDR range (such as 203.0.113.0/24 or "
			    "2001:db8::/32)");
			free(one);
			json_decref(out);
			return NULL;
		}
		free(one);
		seen = 0;
		json_array_foreach(out, i, v)
			seen |= strcmp(json_string_value(v), cidr) == 0;
		if (!seen)
			json_array_append_new(out, json_string(cidr));
		free(cidr);
	}
	if (json_array_size(out) == 0) {
		*cause = xstrdup("gcp.ssh_source_ranges: no address range "
		    "given (such as 203.0.113.0/24)");
		json_decref(out);
		return NULL;
	}
	return out;
}

/* Adds {key, value} to a metadata item list, counting its size. */
static int
compute_item(json_t *items, const char *key, const char *value,
    size_t *total, char **cause)
{
	json_t	*v;
	size_t	 len = strlen(value);

	if (len > COMPUTE_VALUE_MAX) {
		*cause = xasprintf("metadata %s: %zu bytes, more than Compute "
		    "Engine allows in one value (%d)", key, len,
		    COMPUTE_VALUE_MAX);
		return -1;
	}
	*total += strlen(key) + len;
	if (*total > COMPUTE_METADATA_MAX) {
		*cause = xasprintf("metadata %s: all metadata together is more "
		    "than Compute Engine allows (%d bytes)", key,
		    COMPUTE_METADATA_MAX);
		return -1;
	}
	if ((v = json_string(value)) == NULL) {
		*cause = xasprintf("metadata %s: not valid UTF-8", key);
		return -1;
	}
	json_array_append_new(items, json_pack("{s:s, s:o}", "key", key,
	    "value", v));
	return 0;
}

static int
compute_has_item(json_t *items, const char *key)
{
	json_t	*it;
	size_t	 i;

	json_array_foreach(items, i, it) {
		if (strcmp(json_string_value(json_object_get(it, "key")),
		    key) == 0)
			return 1;
	}
	return 0;
}

/* The instance's metadata items; the startup script reads the extra ones. */
static json_t *
compute_instance_items(const struct vm_spec *spec, char **cause)
{
	json_t			*items = json_array();
	const char *const	*m;
	char			*keys;
	size_t			 total = 0;

	if (spec->startup_script != NULL && compute_item(items,
	    "startup-script", spec->startup_script, &total, cause) != 0)
		goto fail;
	if (spec->ssh_pubkey != NULL) {
		keys = xasprintf("%s:%s", spec->ssh_user, spec->ssh_pubkey);
		if (compute_item(items, "ssh-keys", keys, &total, cause) != 0) {
			free(keys);
			goto fail;
		}
		free(keys);
	}
	/* Host keys reach us through guest attributes; OS Login would
	 * ignore ssh-keys. */
	if (compute_item(items, "enable-guest-attributes", "TRUE", &total,
	    cause) != 0 ||
	    compute_item(items, "enable-oslogin", "FALSE", &total, cause) != 0)
		goto fail;
	for (m = spec->metadata; m != NULL && m[0] != NULL; m += 2) {
		if (!compute_valid_key(m[0])) {
			compute_bad(cause, "metadata key", m[0],
			    "is not a metadata key ([A-Za-z0-9_-], up to 128)");
			goto fail;
		}
		if (compute_has_item(items, m[0])) {
			compute_bad(cause, "metadata key", m[0],
			    "is given twice");
			goto fail;
		}
		if (m[1] == NULL) {
			compute_bad(cause, "metadata key", m[0],
			    "has no value");
			goto fail;
		}
		if (compute_item(items, m[0], m[1], &total, cause) != 0)
			goto fail;
	}
	return items;

fail:
	json_decref(items);
	return NULL;
}

/* Every value of the spec that the user set, checked. */
static int
compute_check_spec(const struct vm_spec *spec, char **cause)
{
	if (!compute_valid_project(spec->project))
		return compute_bad(cause, "gcp.project", spec->project,
		    "is not a project ID ([a-z][-a-z0-9], 6 to 30)");
	if (!compute_valid_zone(spec->zone))
		return compute_bad(cause, "gcp.zone", spec->zone,
		    "is not a zone (such as us-central1-a)");
	if (!compute_valid_name(spec->name))
		return compute_bad(cause, "gcp.instance", spec->name,
		    "is not a VM name ([a-z]([-a-z0-9]*[a-z0-9])?, up to 63)");
	if (!compute_valid_name(spec->machine_type))
		return compute_bad(cause, "gcp.machine_type",
		    spec->machine_type,
		    "is not a machine type (such as e2-standard-16)");
	if (spec->disk_gb < COMPUTE_DISK_MIN ||
	    spec->disk_gb > COMPUTE_DISK_MAX) {
		*cause = xasprintf("gcp.disk_gb: %d GB is not between %d and "
		    "%d", spec->disk_gb, COMPUTE_DISK_MIN, COMPUTE_DISK_MAX);
		return -1;
	}
	if (!compute_valid_name(spec->network))
		return compute_bad(cause, "gcp.network", spec->network,
		    "is not a network name");
	if (!compute_plain(spec->image, 1024))
		return compute_bad(cause, "gcp.image", spec->image,
		    "is not an image (such as projects/debian-cloud/global/"
		    "images/family/debian-12)");
	if (spec->sa_email != NULL && (!compute_plain(spec->sa_email, 254) ||
	    strchr(spec->sa_email, '@') == NULL))
		return compute_bad(cause, "service account", spec->sa_email,
		    "is not an e-mail address");
	if (spec->ssh_pubkey != NULL && !compute_valid_user(spec->ssh_user))
		return compute_bad(cause, "gcp.ssh_user", spec->ssh_user,
		    "is not a user name ([a-z_][a-z0-9_-], up to 32)");
	if (spec->ssh_pubkey != NULL && !compute_valid_pubkey(spec->ssh_pubkey))
		return compute_bad(cause, "SSH public key", spec->ssh_pubkey,
		    "is not one line of ssh-ed25519, ecdsa-sha2-* or ssh-rsa");
	return 0;
}

char *
compute_instance_body(const struct vm_spec *spec, char **cause)
{
	json_t	*root, *items, *sched;
	char	*mt, *dt, *net, *gb, *label;

	if (compute_check_spec(spec, cause) != 0)
		return NULL;
	if ((items = compute_instance_items(spec, cause)) == NULL)
		return NULL;

	/* Spot VMs cannot restart or migrate themselves; STOP keeps the
	 * disk (and the agents' work) when Google takes the VM back. */
	if (spec->spot)
		sched = json_pack("{s:s, s:s, s:b, s:s}",
		    "provisioningModel", "SPOT",
		    "instanceTerminationAction", "STOP",
		    "automaticRestart", 0,
		    "onHostMaintenance", "TERMINATE");
	else
		sched = json_pack("{s:s, s:b, s:s}",
		    "provisioningModel", "STANDARD",
		    "automaticRestart", 1,
		    "onHostMaintenance", "MIGRATE");

	mt = xasprintf("zones/%s/machineTypes/%s", spec->zone,
	    spec->machine_type);
	dt = xasprintf("zones/%s/diskTypes/pd-balanced", spec->zone);
	net = xasprintf("global/networks/%s", spec->network);
	gb = xasprintf("%d", spec->disk_gb);	/* an int64 is a string */
	label = compute_label_value(spec->version);
	root = json_pack("{s:s, s:s,"
	    " s:[{s:b, s:b, s:{s:s, s:s, s:s}}],"
	    " s:[{s:s, s:[{s:s, s:s}]}],"
	    " s:{s:[s]}, s:{s:s}, s:o, s:{s:b, s:b, s:b}, s:{s:o}}",
	    "name", spec->name,
	    "machineType", mt,
	    "disks", "boot", 1, "autoDelete", 1, "initializeParams",
	    "sourceImage", spec->image, "diskSizeGb", gb, "diskType", dt,
	    "networkInterfaces", "network", net, "accessConfigs",
	    "type", "ONE_TO_ONE_NAT", "name", "External NAT",
	    "tags", "items", COMPUTE_TAG,
	    "labels", COMPUTE_LABEL, label,
	    "scheduling", sched,
	    "shieldedInstanceConfig", "enableSecureBoot", 1, "enableVtpm", 1,
	    "enableIntegrityMonitoring", 1,
	    "metadata", "items", items);
	free(mt);
	free(dt);
	free(net);
	free(gb);
	free(label);
	if (root == NULL) {
		*cause = xstrdup("instance: could not build the request");
		return NULL;
	}
	if (spec->sa_email != NULL)
		json_object_set_new(root, "serviceAccounts",
		    json_pack("[{s:s, s:[s]}]", "email", spec->sa_email,
		    "scopes", COMPUTE_SCOPE));
	return compute_dump(root);
}

char *
compute_firewall_body(const char *name, const char *project,
    const char *network, const char *ranges, char **cause)
{
	json_t	*root, *src;
	char	*net;

	if (!compute_valid_name(name)) {
		compute_bad(cause, "firewall name", name, "is not a name");
		return NULL;
	}
	if (!compute_valid_project(project)) {
		compute_bad(cause, "gcp.project", project,
		    "is not a project ID ([a-z][-a-z0-9], 6 to 30)");
		return NULL;
	}
	if (!compute_valid_name(network)) {
		compute_bad(cause, "gcp.network", network,
		    "is not a network name");
		return NULL;
	}
	if ((src = compute_ranges(ranges, cause)) == NULL)
		return NULL;
	net = xasprintf("projects/%s/global/networks/%s", project, network);
	root = json_pack("{s:s, s:s, s:s, s:s, s:i, s:[{s:s, s:[s]}], s:o,"
	    " s:[s]}",
	    "name", name,
	    "description", "sandbox-tui: SSH to the agents VM",
	    "network", net,
	    "direction", "INGRESS",
	    "priority", 1000,
	    "allowed", "IPProtocol", "tcp", "ports", "22",
	    "sourceRanges", src,
	    "targetTags", COMPUTE_TAG);
	free(net);
	return compute_dump(root);
}

char *
compute_network_body(const char *name, char **cause)
{
	if (!compute_valid_name(name)) {
		compute_bad(cause, "gcp.network", name,
		    "is not a network name");
		return NULL;
	}
	return compute_dump(json_pack("{s:s, s:s, s:b}", "name", name,
	    "description", "sandbox-tui: network of the agents VM",
	    "autoCreateSubnetworks", 1));
}

char *
compute_metadata_body(const char *instance_json, const char *key,
    const char *value, char **cause)
{
	json_t		*root, *md, *items, *it, *out;
	const char	*fp, *k, *v;
	size_t		 i, total = 0;
	int		 done = 0;

	if (!compute_valid_key(key)) {
		compute_bad(cause, "metadata key", key,
		    "is not a metadata key ([A-Za-z0-9_-], up to 128)");
		return NULL;
	}
	if (value == NULL) {
		compute_bad(cause, "metadata key", key, "has no value");
		return NULL;
	}
	if ((root = json_loads(instance_json, 0, NULL)) == NULL ||
	    !json_is_object(root)) {
		json_decref(root);
		*cause = xstrdup("instance: the answer is not a JSON object");
		return NULL;
	}
	md = json_object_get(root, "metadata");
	if ((fp = json_string_value(json_object_get(md, "fingerprint"))) ==
	    NULL) {
		json_decref(root);
		*cause = xstrdup("instance: no metadata fingerprint in the "
		    "answer");
		return NULL;
	}
	/* Every other item is sent back as it was: setMetadata replaces
	 * the whole list. */
	out = json_array();
	items = json_object_get(md, "items");
	json_array_foreach(items, i, it) {
		if ((k = json_string_value(json_object_get(it, "key"))) == NULL)
			continue;
		v = json_string_value(json_object_get(it, "value"));
		if (strcmp(k, key) == 0) {
			if (done)
				continue;
			v = value;
			done = 1;
		}
		if (compute_item(out, k, v != NULL ? v : "", &total,
		    cause) != 0)
			goto fail;
	}
	if (!done && compute_item(out, key, value, &total, cause) != 0)
		goto fail;
	it = json_pack("{s:s, s:o}", "fingerprint", fp, "items", out);
	json_decref(root);
	return compute_dump(it);

fail:
	json_decref(out);
	json_decref(root);
	return NULL;
}

char *
compute_sa_body(const char *account_id, const char *display_name,
    char **cause)
{
	json_t	*dn;

	if (!compute_rfc1035(account_id, 6, 30)) {
		compute_bad(cause, "service account ID", account_id,
		    "is not an account ID ([a-z][-a-z0-9], 6 to 30)");
		return NULL;
	}
	if (display_name == NULL || strlen(display_name) > 100 ||
	    (dn = json_string(display_name)) == NULL) {
		compute_bad(cause, "service account name", display_name,
		    "is not a display name (UTF-8, up to 100 bytes)");
		return NULL;
	}
	return compute_dump(json_pack("{s:s, s:{s:o, s:s}}",
	    "accountId", account_id, "serviceAccount", "displayName", dn,
	    "description", "Made by sandbox-tui for its agents VM"));
}

/* An IAM principal: serviceAccount:, user:, group: or domain:. */
static int
compute_valid_member(const char *s)
{
	static const char *const kinds[] = {
		"serviceAccount:", "user:", "group:", "domain:"
	};
	size_t	i, n;

	for (i = 0; s != NULL && i < sizeof kinds / sizeof kinds[0]; i++) {
		n = strlen(kinds[i]);
		if (strncmp(s, kinds[i], n) == 0)
			return compute_plain(s + n, 254);
	}
	return 0;
}

/* The binding of the policy for role without a condition, or NULL. */
static json_t *
compute_binding(json_t *bindings, const char *role)
{
	json_t		*b;
	const char	*r;
	size_t		 i;

	json_array_foreach(bindings, i, b) {
		r = json_string_value(json_object_get(b, "role"));
		/* A conditional binding grants only sometimes. */
		if (r != NULL && strcmp(r, role) == 0 &&
		    json_object_get(b, "condition") == NULL)
			return b;
	}
	return NULL;
}

char *
compute_policy_grant(const char *policy_json, const char *member,
    const char *const *roles, size_t nroles, int *changed, char **cause)
{
	json_t	*policy, *bindings, *b, *members, *m;
	size_t	 i, j;
	int	 have;

	*changed = 0;
	if (!compute_valid_member(member)) {
		compute_bad(cause, "IAM member", member, "is not a principal "
		    "(such as serviceAccount:NAME@PROJECT.iam.gserviceaccount."
		    "com)");
		return NULL;
	}
	for (i = 0; i < nroles; i++) {
		if (!compute_plain(roles[i], 256) ||
		    (strncmp(roles[i], "roles/", 6) != 0 &&
		    strncmp(roles[i], "projects/", 9) != 0 &&
		    strncmp(roles[i], "organizations/", 14) != 0)) {
			compute_bad(cause, "IAM role", roles[i],
			    "is not a role (such as roles/storage."
			    "objectViewer)");
			return NULL;
		}
	}
	if ((policy = json_loads(policy_json, 0, NULL)) == NULL ||
	    !json_is_object(policy)) {
		json_decref(policy);
		*cause = xstrdup("IAM policy: the answer is not a JSON object");
		return NULL;
	}
	if ((bindings = json_object_get(policy, "bindings")) == NULL) {
		bindings = json_array();
		json_object_set_new(policy, "bindings", bindings);
	}
	if (!json_is_array(bindings))
		goto bad;
	for (i = 0; i < nroles; i++) {
		if ((b = compute_binding(bindings, roles[i])) == NULL) {
			json_array_append_new(bindings, json_pack(
			    "{s:s, s:[s]}", "role", roles[i], "members",
			    member));
			(*changed)++;
			continue;
		}
		if ((members = json_object_get(b, "members")) == NULL) {
			members = json_array();
			json_object_set_new(b, "members", members);
		}
		if (!json_is_array(members))
			goto bad;
		have = 0;
		json_array_foreach(members, j, m) {
			if (json_is_string(m) &&
			    strcmp(json_string_value(m), member) == 0)
				have = 1;
		}
		if (!have) {
			json_array_append_new(members, json_string(member));
			(*changed)++;
		}
	}
	/* The etag read with the policy stays in it: if someone changed
	 * the policy since, Google refuses this one (409) instead of
	 * dropping their change. */
	return compute_dump(json_pack("{s:o}", "policy", policy));

bad:
	json_decref(policy);
	*changed = 0;
	*cause = xstrdup("IAM policy: bindings are not in the expected form");
	return NULL;
}
