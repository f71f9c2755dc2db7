/*
 * Compute Engine v1, IAM and Resource Manager: request URLs and bodies
 * built from a VM spec, and the answers parsed (operations, instances,
 * guest attributes, IAM policies, Google's error bodies).  Pure: no I/O,
 * so each function is unit tested against the fields of the real API.
 * The calls themselves are made by gcp/vm.c through gcp/http.h.
 */
#ifndef SANDBOX_TUI_COMPUTE_H
#define SANDBOX_TUI_COMPUTE_H

#include <stddef.h>
#include <stdint.h>

#define COMPUTE_TAG		"sandbox-agents"	/* network tag, firewall target */
#define COMPUTE_SA_ID		"sandbox-agents"	/* service account id */
#define COMPUTE_LABEL		"sandbox-tui"		/* label key on what we make */

struct vm_spec {
	const char	*project, *zone, *name;
	const char	*machine_type;	/* "e2-standard-16" */
	int		 disk_gb;
	int		 spot;		/* provisioningModel SPOT, instanceTerminationAction STOP */
	const char	*network;	/* "default" */
	const char	*sa_email;	/* service account, or NULL for none */
	const char	*startup_script;
	const char	*ssh_user;
	const char	*ssh_pubkey;	/* "ssh-ed25519 AAAA... comment" */
	const char	*image;		/* "projects/debian-cloud/global/images/family/debian-12" */
	const char	*version;	/* label value sandbox-tui=VERSION (sanitised) */
	/* More metadata items for the startup script: key, value, key,
	 * value, ..., NULL (keys checked as [A-Za-z0-9_-]{1,128}). */
	const char *const *metadata;
};

/* Everything returned is allocated (caller frees) or NULL with *cause. */

/* Checks names before they go into a URL: GCE names are [a-z]([-a-z0-9]*[a-z0-9])?
 * up to 63; projects [a-z][-a-z0-9]{4,28}[a-z0-9]; zones like us-central1-a. */
int compute_valid_name(const char *);
int compute_valid_project(const char *);
int compute_valid_zone(const char *);
/* "us-central1-a" -> "us-central1"; caller frees. */
char *compute_zone_region(const char *zone);

/* instances.insert body (JSON text): machineType, disks (boot, autoDelete,
 * initializeParams sourceImage/diskSizeGb/diskType pd-balanced),
 * networkInterfaces (network, accessConfigs ONE_TO_ONE_NAT "External NAT"),
 * tags, labels, scheduling, shieldedInstanceConfig (secure boot, vTPM,
 * integrity monitoring), serviceAccounts (email, cloud-platform scope),
 * metadata items startup-script, ssh-keys ("USER:KEY"),
 * enable-guest-attributes TRUE, enable-oslogin FALSE. */
char *compute_instance_body(const struct vm_spec *, char **cause);
/* firewalls.insert: allow tcp:22 from ranges ("a/8, b/16" or space
 * separated, each checked as IPv4/IPv6 CIDR) to targetTags [tag]. */
char *compute_firewall_body(const char *name, const char *project,
	    const char *network, const char *ranges, char **cause);
/* networks.insert: autoCreateSubnetworks true. */
char *compute_network_body(const char *name, char **cause);
/* setMetadata body: the instance's items with key replaced (or added),
 * keeping the fingerprint given. */
char *compute_metadata_body(const char *instance_json, const char *key,
	    const char *value, char **cause);
/* resourcePolicies.insert: instanceSchedulePolicy with vmStartSchedule and
 * vmStopSchedule crons ("MM HH * * DAYS") and timeZone.  stop and start
 * "HH:MM" (either may be NULL, not both); days "mon-fri", "sat,sun", NULL
 * for every day. */
char *compute_schedule_body(const char *name, const char *region,
	    const char *stop, const char *start, const char *tz,
	    const char *days, char **cause);
/* iam serviceAccounts.create body. */
char *compute_sa_body(const char *account_id, const char *display_name,
	    char **cause);
/*
 * From a getIamPolicy answer, the setIamPolicy body granting member every
 * role in roles (keeping the etag and every other binding).  *changed is
 * 0 when the policy already had them all (no call needed).
 */
char *compute_policy_grant(const char *policy_json, const char *member,
	    const char *const *roles, size_t nroles, int *changed,
	    char **cause);

/* A long-running operation. */
struct gce_op {
	char	*name;
	char	*status;	/* PENDING, RUNNING, DONE */
	char	*self_link;
	char	*target_link;
	int	 progress;
	char	*error_code;	/* first error's code, when DONE with an error */
	char	*error_text;	/* every error's message, joined */
	long	 http_status;	/* httpErrorStatusCode, 0 when none */
};
int compute_parse_op(const char *body, struct gce_op *, char **cause);
void gce_op_free(struct gce_op *);
/* The operation's error as one sentence, with what to try: another zone
 * for ZONE_RESOURCE_POOL_EXHAUSTED and quota errors, and so on. */
char *compute_op_error(const struct gce_op *);

struct gce_instance {
	char	*name;
	char	*status;	/* PROVISIONING, STAGING, RUNNING, STOPPING, TERMINATED, ... */
	char	*machine_type;	/* short name */
	char	*zone;		/* short name */
	char	*nat_ip;	/* NULL when none */
	char	*internal_ip;
	int	 spot;
	char	*created;	/* creationTimestamp (RFC 3339) */
	char	*last_start;	/* lastStartTimestamp */
	char	*last_stop;	/* lastStopTimestamp */
	char	*metadata_fingerprint;
	char	**policies;	/* resourcePolicies, short names */
	size_t	 npolicies;
	int	 disk_gb;	/* from disks[0].diskSizeGb */
};
int compute_parse_instance(const char *body, struct gce_instance *,
	    char **cause);
void gce_instance_free(struct gce_instance *);

/* getGuestAttributes?queryPath=hostkeys/: queryValue.items of namespace
 * hostkeys, as (type "ssh-ed25519", base64 key).  An empty list (404 or no
 * items) is n == 0, not an error. */
struct gce_hostkey {
	char	*type;
	char	*key;
};
int compute_parse_hostkeys(const char *body, struct gce_hostkey **, size_t *n,
	    char **cause);
void gce_hostkeys_free(struct gce_hostkey *, size_t n);
/* One guest attribute's value (queryPath=NS/KEY), or NULL. */
char *compute_parse_guest_value(const char *body, const char *key);

/*
 * Google's error body ({"error": {"code", "message", "status", "errors":
 * [{"reason", "domain", "message"}], "details": [...]}}) as one sentence:
 * "HTTP 403 (forbidden): Required 'compute.instances.create' permission
 * for 'projects/p/zones/z/instances/x'", plus, for 403, the permission and
 * a role that has it when the message names one, and for 401 a hint to
 * check the credentials.  A body that is not JSON is quoted, cut short.
 */
char *compute_error_text(long status, const char *body);
/* The first errors[].reason (or error.status), or NULL: "alreadyExists",
 * "notFound", "conditionNotMet", "rateLimitExceeded", ... */
char *compute_error_reason(const char *body);

/* Price per hour in USD for a machine type from the table shipped in the
 * binary (config/gce-prices.conf), on-demand or spot; -1 if unknown. */
double compute_price_hour(const char *machine_type, int spot);
/* Standard persistent disk price per GB-month. */
double compute_price_disk_gb_month(void);

#endif
