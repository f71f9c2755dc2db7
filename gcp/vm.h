/*
 * The VM's life cycle on Compute Engine, each verb an asynchronous job on
 * the event loop: create (network, firewall, service account and roles,
 * the instance, then its host keys pinned and its startup script
 * finished), start, stop, delete, status, schedule, and locate (where to
 * connect: the running VM's address with its host keys pinned).  Every
 * step is idempotent, so running create again finishes a half-done one.
 */
#ifndef SANDBOX_TUI_VM_H
#define SANDBOX_TUI_VM_H

#include <stddef.h>

struct gce;
struct vm_job;

enum vm_verb {
	VM_CREATE,
	VM_START,
	VM_STOP,
	VM_DELETE,
	VM_STATUS,
	VM_SCHEDULE,
	VM_LOCATE,
};

struct vm_opts {
	const char	*name;
	const char	*machine_type;
	int		 disk_gb;
	int		 spot;
	const char	*network;
	const char	*ssh_source_ranges;
	const char	*image;
	const char	*ssh_user;
	int		 ssh_port;
	const char	*ssh_pubkey;	/* "ssh-ed25519 AAAA... comment" */
	const char	*startup_script;
	const char	*const *metadata; /* more key, value pairs; NULL-ended */
	const char	*version;
	const char	*known_hosts;	/* where host keys are pinned */
	int		 service_account;	/* make and use sandbox-agents */
	const char	*const *roles;	/* granted to it; NULL-ended */
	double		 hourly_price;	/* 0: from the price table */
	/* VM_SCHEDULE: off, or stop/start "HH:MM" (either may be NULL). */
	int		 schedule_off;
	const char	*stop_at, *start_at, *tz, *days;
	/* Limits on waiting for the VM (seconds). */
	int		 boot_timeout, ready_timeout;
};

struct vm_info {
	char	*name, *zone, *status, *ip, *machine_type;
	int	 spot, disk_gb;
	char	*created, *last_start;
	char	**policies;
	size_t	 npolicies;
	double	 hour_usd;	/* < 0 when the machine type is not in the table */
	double	 month_usd;	/* 730 hours plus the disk */
	double	 since_start_usd; /* since the last start, when running */
};

struct vm_report {
	/* One line of progress: "firewall sandbox-agents-ssh: created". */
	void	(*step)(const char *text, void *arg);
	/* Something the user should know but that does not stop the job. */
	void	(*warn)(const char *text, void *arg);
	/* The end: error NULL on success; info is set for create, start,
	 * status and locate (valid only during the call). */
	void	(*done)(const char *error, const struct vm_info *, void *arg);
};

/* Starts a job; the opts strings are copied.  The report is called from
 * the loop, never from inside vm_job_start. */
struct vm_job *vm_job_start(struct gce *, enum vm_verb,
	    const struct vm_opts *, const struct vm_report *, void *arg);
/* Stops a job without a report; what it started on Google's side goes
 * on. */
void vm_job_cancel(struct vm_job *);

/* vm_setup.c: what the options alone do not say (tui/opts.c fills it). */
struct vm_setup {
	const char	*identity;	/* ssh.identity; "" for our own key */
	const char	*workspace_dir;
	const char	*agent_image;
	long		 idle_shutdown_minutes;
	long		 ssh_max_sessions;
	int		 role_storage, role_pubsub, role_secrets;
};
/*
 * Completes o for a job: the key pair (made if missing), where host keys
 * are pinned, the startup script and its metadata, the roles.  Returns 0,
 * or -1 with *cause; vm_opts_release frees what it added.
 */
int vm_opts_prepare(struct vm_opts *, const struct vm_setup *, char **cause);
void vm_opts_release(struct vm_opts *);
/* The private key that reaches the VM; caller frees. */
char *vm_key_path(const char *identity);
/* Where the VM's host keys are pinned; caller frees. */
char *vm_known_hosts_path(void);
/* Whether this program made a VM (and has not deleted it since). */
int vm_made(void);
void vm_made_record(const char *project, const char *zone, const char *name);
void vm_made_forget(void);

/* "vm status" as text, the lines the CLI prints; caller frees. */
char *vm_info_text(const struct vm_info *);

#endif
