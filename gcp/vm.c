/*
 * VM jobs (see vm.h).  A job is a chain of callbacks: each step makes one
 * call and its callback starts the next, so nothing waits anywhere but in
 * the event loop.  Mutating calls carry a requestId, which makes http.c's
 * retries safe: Google (and the test server) runs a repeated request
 * once.  This file holds the job itself, waiting for a running VM and its
 * host keys, and the verbs that are one call each: start, stop, delete,
 * status and locate.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/xmalloc.h"
#include "gcp/compute.h"
#include "gcp/gce.h"
#include "gcp/loop.h"
#include "gcp/sshkey.h"
#include "gcp/vm.h"
#include "gcp/vm_private.h"

#define VM_POLL_MS		2000	/* instance status */
#define VM_KEYS_POLL_MS		3000	/* guest attributes */

static char *
vm_vurl(struct vm_job *j, const char *fmt, va_list ap)
{
	char	*path, *url;

	if (vasprintf(&path, fmt, ap) == -1)
		abort();
	url = xasprintf("%s/%s", j->gce->compute, path);
	free(path);
	return url;
}

char *
vm_url(struct vm_job *j, const char *fmt, ...)
{
	va_list	 ap;
	char	*url;

	va_start(ap, fmt);
	url = vm_vurl(j, fmt, ap);
	va_end(ap);
	return url;
}

char *
vm_url_mutate(struct vm_job *j, const char *fmt, ...)
{
	va_list	 ap;
	char	*url, *id, *full;

	va_start(ap, fmt);
	url = vm_vurl(j, fmt, ap);
	va_end(ap);
	id = gce_request_id();
	full = xasprintf("%s%crequestId=%s", url,
	    strchr(url, '?') != NULL ? '&' : '?', id);
	free(id);
	free(url);
	return full;
}

static void
vm_report(struct vm_job *j, void (*fn)(const char *, void *),
    const char *fmt, va_list ap)
{
	char	*s;

	if (fn == NULL)
		return;
	if (vasprintf(&s, fmt, ap) == -1)
		abort();
	fn(s, j->arg);
	free(s);
}

void
vm_step(struct vm_job *j, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vm_report(j, j->rep.step, fmt, ap);
	va_end(ap);
}

void
vm_warn(struct vm_job *j, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vm_report(j, j->rep.warn, fmt, ap);
	va_end(ap);
}

static char **
vm_strv_dup(const char *const *v)
{
	size_t	 n = 0, i;
	char	**d;

	if (v == NULL)
		return NULL;
	while (v[n] != NULL)
		n++;
	d = xcalloc(n + 1, sizeof *d);
	for (i = 0; i < n; i++)
		d[i] = xstrdup(v[i]);
	return d;
}

static void
vm_strv_free(const char *const *v)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free((char *)v[i]);
	free((void *)v);
}

#define VM_DUP(f)	(o->f != NULL ? xstrdup(o->f) : NULL)

static void
vm_opts_copy(struct vm_opts *d, const struct vm_opts *o)
{
	*d = *o;
	d->name = VM_DUP(name);
	d->machine_type = VM_DUP(machine_type);
	d->network = VM_DUP(network);
	d->ssh_source_ranges = VM_DUP(ssh_source_ranges);
	d->image = VM_DUP(image);
	d->ssh_user = VM_DUP(ssh_user);
	d->ssh_pubkey = VM_DUP(ssh_pubkey);
	d->startup_script = VM_DUP(startup_script);
	d->version = VM_DUP(version);
	d->known_hosts = VM_DUP(known_hosts);
	d->stop_at = VM_DUP(stop_at);
	d->start_at = VM_DUP(start_at);
	d->tz = VM_DUP(tz);
	d->days = VM_DUP(days);
	d->metadata = (const char *const *)vm_strv_dup(o->metadata);
	d->roles = (const char *const *)vm_strv_dup(o->roles);
}

static void
vm_opts_free(struct vm_opts *o)
{
	free((char *)o->name);
	free((char *)o->machine_type);
	free((char *)o->network);
	free((char *)o->ssh_source_ranges);
	free((char *)o->image);
	free((char *)o->ssh_user);
	free((char *)o->ssh_pubkey);
	free((char *)o->startup_script);
	free((char *)o->version);
	free((char *)o->known_hosts);
	free((char *)o->stop_at);
	free((char *)o->start_at);
	free((char *)o->tz);
	free((char *)o->days);
	vm_strv_free(o->metadata);
	vm_strv_free(o->roles);
}

static void
vm_job_release(struct vm_job *j)
{
	vm_opts_free(&j->o);
	free(j->instance_json);
	free(j->ip);
	free(j);
}

void
vm_job_cancel(struct vm_job *j)
{
	if (j == NULL)
		return;
	gce_cancel(j->gce, j->call);
	loop_timer_cancel(j->gce->loop, j->timer);
	vm_job_release(j);
}

/* ---- status and cost ---- */

/* RFC 3339 ("2026-11-29T04:00:00.123-08:00") to a time_t; -1 if not. */
static time_t
vm_parse_time(const char *s)
{
	struct tm	 tm;
	const char	*p;
	time_t		 t;
	int		 sign, hh, mm;

	if (s == NULL)
		return -1;
	memset(&tm, 0, sizeof tm);
	if ((p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL)
		return -1;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	}
	t = timegm(&tm);
	if (*p == 'Z' || *p == 'z')
		return t;
	if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d", &hh,
	    &mm) == 2) {
		sign = *p == '+' ? 1 : -1;
		return t - sign * (hh * 3600 + mm * 60);
	}
	return -1;
}

static void
vm_info_fill(struct vm_job *j, const struct gce_instance *in,
    struct vm_info *info)
{
	time_t	start;
	double	hours;

	memset(info, 0, sizeof *info);
	info->name = in->name;
	info->zone = in->zone;
	info->status = in->status;
	info->ip = in->nat_ip;
	info->machine_type = in->machine_type;
	info->spot = in->spot;
	info->disk_gb = in->disk_gb;
	info->created = in->created;
	info->last_start = in->last_start;
	info->policies = in->policies;
	info->npolicies = in->npolicies;
	info->hour_usd = j->o.hourly_price > 0 ? j->o.hourly_price :
	    (in->machine_type != NULL ?
	    compute_price_hour(in->machine_type, in->spot) : -1);
	info->month_usd = -1;
	info->since_start_usd = -1;
	if (info->hour_usd < 0)
		return;
	/* Google bills the disk whether the VM runs or not. */
	info->month_usd = info->hour_usd * 730 +
	    in->disk_gb * compute_price_disk_gb_month();
	if (in->status != NULL && strcmp(in->status, "RUNNING") == 0 &&
	    (start = vm_parse_time(in->last_start)) != -1) {
		hours = difftime(time(NULL), start) / 3600.0;
		info->since_start_usd = hours > 0 ? hours * info->hour_usd : 0;
	}
}

char *
vm_info_text(const struct vm_info *i)
{
	char	*policies = xstrdup(""), *t, *cost;
	size_t	 k;

	for (k = 0; k < i->npolicies; k++) {
		t = xasprintf("%s%s%s", policies, k > 0 ? ", " : "",
		    i->policies[k]);
		free(policies);
		policies = t;
	}
	if (i->hour_usd < 0)
		cost = xasprintf("unknown for %s (set gcp.hourly_price)",
		    i->machine_type != NULL ? i->machine_type : "?");
	else if (i->since_start_usd >= 0)
		cost = xasprintf("$%.3f/hour, about $%.0f/month running "
		    "all the time; $%.2f since it started", i->hour_usd,
		    i->month_usd, i->since_start_usd);
	else
		cost = xasprintf("$%.3f/hour, about $%.0f/month running "
		    "all the time", i->hour_usd, i->month_usd);
	t = xasprintf("name:      %s\nzone:      %s\nstatus:    %s\n"
	    "address:   %s\nmachine:   %s%s, %d GB disk\ncreated:   %s\n"
	    "started:   %s\nschedule:  %s\ncost:      %s (estimate)\n",
	    i->name != NULL ? i->name : "?", i->zone != NULL ? i->zone : "?",
	    i->status != NULL ? i->status : "?",
	    i->ip != NULL ? i->ip : "none",
	    i->machine_type != NULL ? i->machine_type : "?",
	    i->spot ? " (spot)" : "", i->disk_gb,
	    i->created != NULL ? i->created : "?",
	    i->last_start != NULL ? i->last_start : "-",
	    *policies != '\0' ? policies : "none", cost);
	free(policies);
	free(cost);
	return t;
}

/* ---- the job's end ---- */

static void
vm_end(struct vm_job *j, const char *error)
{
	struct gce_instance	 in;
	struct vm_info		 info, *ip = NULL;
	char			*cause = NULL;

	memset(&in, 0, sizeof in);
	if (error == NULL && j->instance_json != NULL &&
	    j->verb != VM_STOP && j->verb != VM_DELETE &&
	    compute_parse_instance(j->instance_json, &in, &cause) == 0) {
		vm_info_fill(j, &in, &info);
		ip = &info;
	}
	free(cause);
	/* Nothing is in flight now; done() may even free the client. */
	j->call = 0;
	j->timer = 0;
	if (j->rep.done != NULL)
		j->rep.done(error, ip, j->arg);
	gce_instance_free(&in);
	vm_job_release(j);
}

void
vm_fail(struct vm_job *j, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		abort();
	va_end(ap);
	vm_end(j, s);
	free(s);
}

void
vm_finish(struct vm_job *j)
{
	vm_end(j, NULL);
}

/* ---- plumbing ---- */

void
vm_call(struct vm_job *j, const char *method, const char *url,
    const char *body, int retry, gce_cb cb)
{
	j->call = gce_call(j->gce, method, url, body, retry, cb, j);
}

static void
vm_op_progress(const struct gce_op *op, void *arg)
{
	struct vm_job	*j = arg;

	vm_step(j, "%s: %s (%llds)", j->what,
	    op->status != NULL ? op->status : "?",
	    (long long)((loop_now() - j->phase_started) / 1000));
}

static void
vm_op_done(const char *error, void *arg)
{
	struct vm_job	*j = arg;

	j->call = 0;
	if (error != NULL) {
		vm_fail(j, "%s: %s", j->what, error);
		return;
	}
	j->next(j);
}

void
vm_op(struct vm_job *j, const char *body, const char *what,
    void (*next)(struct vm_job *))
{
	j->what = what;
	j->next = next;
	j->phase_started = loop_now();
	j->call = gce_op_wait(j->gce, body, vm_op_progress, vm_op_done, j);
}

static void
vm_later_fire(void *arg)
{
	struct vm_job	*j = arg;

	j->timer = 0;
	j->later(j);
}

void
vm_later(struct vm_job *j, int64_t ms, void (*fn)(struct vm_job *))
{
	j->later = fn;
	j->timer = loop_timer_add(j->gce->loop, ms, vm_later_fire, j);
}

static void
vm_keep_instance(struct vm_job *j, const char *body)
{
	free(j->instance_json);
	j->instance_json = xstrdup(body);
}

int
vm_instance_answer(struct vm_job *j, const struct gce_result *r,
    struct gce_instance *in)
{
	char	*cause = NULL;

	memset(in, 0, sizeof *in);
	if (r->status == 404) {
		vm_fail(j, "VM %s does not exist in project %s zone %s%s",
		    j->o.name, j->gce->project, j->gce->zone,
		    j->verb == VM_LOCATE || j->verb == VM_STATUS ||
		    j->verb == VM_START ? ": create it with `sandbox-tui vm "
		    "create`" : "");
		return -1;
	}
	if (r->error != NULL) {
		vm_fail(j, "instance %s: %s", j->o.name, r->error);
		return -1;
	}
	if (compute_parse_instance(r->body, in, &cause) != 0) {
		vm_fail(j, "instance %s: %s", j->o.name, cause);
		free(cause);
		return -1;
	}
	return 0;
}

/* ---- waiting for a running VM and its host keys ---- */

static void vm_running_poll(struct vm_job *);
static void vm_kick_sent(const struct gce_result *, void *);
static void vm_keys_poll(struct vm_job *);

static void
vm_keys_got(const struct gce_result *r, void *arg)
{
	struct vm_job		*j = arg;
	struct gce_hostkey	*keys = NULL;
	size_t			 n = 0;
	char			*cause = NULL;

	j->call = 0;
	if (r->error != NULL && r->status != 404) {
		vm_fail(j, "host keys: %s", r->error);
		return;
	}
	if (r->error == NULL && compute_parse_hostkeys(r->body, &keys, &n,
	    &cause) != 0) {
		vm_fail(j, "host keys: %s", cause);
		free(cause);
		return;
	}
	if (n == 0) {
		if (loop_now() - j->phase_started >
		    (int64_t)j->o.boot_timeout * 1000) {
			vm_fail(j, "the VM did not publish its SSH host keys "
			    "in %d s (guest attributes hostkeys/): is "
			    "enable-guest-attributes set and the guest "
			    "agent running?", j->o.boot_timeout);
			return;
		}
		vm_step(j, "waiting for the VM's host keys (%llds)",
		    (long long)((loop_now() - j->phase_started) / 1000));
		vm_later(j, VM_KEYS_POLL_MS, vm_keys_poll);
		return;
	}
	if (sshkey_pin(j->o.known_hosts, j->ip, j->o.ssh_port, keys, n,
	    &cause) != 0) {
		gce_hostkeys_free(keys, n);
		vm_fail(j, "pinning the host keys: %s", cause);
		free(cause);
		return;
	}
	vm_step(j, "host keys of %s pinned (%zu key%s, from the VM's "
	    "guest attributes)", j->ip, n, n == 1 ? "" : "s");
	gce_hostkeys_free(keys, n);
	j->after(j);
}

static void
vm_keys_poll(struct vm_job *j)
{
	char	*url = vm_url(j, "zones/%s/instances/%s/getGuestAttributes"
	    "?queryPath=hostkeys/", j->gce->zone, j->o.name);

	vm_call(j, "GET", url, NULL, 1, vm_keys_got);
	free(url);
}

static void
vm_running_got(const struct gce_result *r, void *arg)
{
	struct vm_job		*j = arg;
	struct gce_instance	 in;
	char			*url;
	int			 down;

	j->call = 0;
	if (vm_instance_answer(j, r, &in) != 0)
		return;
	vm_keep_instance(j, r->body);
	if (in.status != NULL && strcmp(in.status, "RUNNING") == 0 &&
	    in.nat_ip != NULL) {
		free(j->ip);
		j->ip = xstrdup(in.nat_ip);
		vm_step(j, "instance %s: RUNNING at %s", j->o.name, j->ip);
		gce_instance_free(&in);
		j->phase_started = loop_now();
		vm_keys_poll(j);
		return;
	}
	if (in.status != NULL && strcmp(in.status, "RUNNING") == 0) {
		gce_instance_free(&in);
		vm_fail(j, "instance %s runs without an external address; "
		    "this program needs one to reach it over SSH", j->o.name);
		return;
	}
	down = in.status != NULL && (strcmp(in.status, "TERMINATED") == 0 ||
	    strcmp(in.status, "STOPPED") == 0 ||
	    strcmp(in.status, "SUSPENDED") == 0);
	if (down && j->verb == VM_LOCATE) {
		vm_fail(j, "VM %s is %s: start it with `sandbox-tui vm "
		    "start`", j->o.name, in.status);
		gce_instance_free(&in);
		return;
	}
	if (down && !j->kicked) {
		j->kicked = 1;
		j->what = strcmp(in.status, "SUSPENDED") == 0 ? "resume" :
		    "start";
		j->next = vm_running_poll;
		vm_step(j, "instance %s: %s, sending %s", j->o.name,
		    in.status, j->what);
		gce_instance_free(&in);
		url = vm_url_mutate(j, "zones/%s/instances/%s/%s",
		    j->gce->zone, j->o.name, j->what);
		vm_call(j, "POST", url, NULL, 1, vm_kick_sent);
		free(url);
		return;
	}
	if (loop_now() - j->phase_started > (int64_t)j->o.boot_timeout *
	    1000) {
		vm_fail(j, "instance %s is still %s after %d s", j->o.name,
		    in.status != NULL ? in.status : "?", j->o.boot_timeout);
		gce_instance_free(&in);
		return;
	}
	vm_step(j, "instance %s: %s (%llds)", j->o.name,
	    in.status != NULL ? in.status : "?",
	    (long long)((loop_now() - j->phase_started) / 1000));
	gce_instance_free(&in);
	vm_later(j, VM_POLL_MS, vm_running_poll);
}

static void
vm_kick_sent(const struct gce_result *r, void *arg)
{
	struct vm_job	*j = arg;

	j->call = 0;
	if (r->error != NULL) {
		vm_fail(j, "%s: %s", j->what, r->error);
		return;
	}
	vm_op(j, r->body, j->what, j->next);
}

static void
vm_running_poll(struct vm_job *j)
{
	char	*url = vm_url(j, "zones/%s/instances/%s", j->gce->zone,
	    j->o.name);

	vm_call(j, "GET", url, NULL, 1, vm_running_got);
	free(url);
}

void
vm_wait_running(struct vm_job *j, void (*next)(struct vm_job *))
{
	j->after = next;
	j->phase_started = loop_now();
	vm_running_poll(j);
}

/* ---- start, stop, delete, status, locate ---- */

static void
vm_simple_sent(const struct gce_result *r, void *arg)
{
	struct vm_job	*j = arg;

	j->call = 0;
	if (r->error != NULL) {
		if (r->status == 404)
			vm_fail(j, "VM %s does not exist in project %s zone "
			    "%s%s", j->o.name, j->gce->project, j->gce->zone,
			    j->verb == VM_LOCATE || j->verb == VM_STATUS ?
			    ": create it with `sandbox-tui vm create`" : "");
		else
			vm_fail(j, "%s: %s", j->what, r->error);
		return;
	}
	vm_op(j, r->body, j->what, j->next);
}

static void
vm_deleted(struct vm_job *j)
{
	char	*cause = NULL;

	if (j->ip != NULL && sshkey_unpin(j->o.known_hosts, j->ip,
	    j->o.ssh_port, &cause) != 0) {
		vm_warn(j, "%s", cause);
		free(cause);
	}
	vm_step(j, "instance %s: deleted", j->o.name);
	vm_finish(j);
}

static void
vm_delete_found(const struct gce_result *r, void *arg)
{
	struct vm_job		*j = arg;
	struct gce_instance	 in;
	char			*url, *cause = NULL;

	j->call = 0;
	if (r->status == 404) {
		/* Gone already: that is what delete wants. */
		vm_step(j, "instance %s: does not exist", j->o.name);
		vm_finish(j);
		return;
	}
	if (r->error != NULL) {
		vm_simple_sent(r, arg);
		return;
	}
	memset(&in, 0, sizeof in);
	if (compute_parse_instance(r->body, &in, &cause) == 0 &&
	    in.nat_ip != NULL)
		j->ip = xstrdup(in.nat_ip);
	free(cause);
	gce_instance_free(&in);
	j->what = "delete";
	j->next = vm_deleted;
	url = vm_url_mutate(j, "zones/%s/instances/%s", j->gce->zone,
	    j->o.name);
	vm_call(j, "DELETE", url, NULL, 1, vm_simple_sent);
	free(url);
}

static void vm_stopped_poll(struct vm_job *);

/* The operation can be DONE a moment before the instance says so. */
static void
vm_stopped_got(const struct gce_result *r, void *arg)
{
	struct vm_job		*j = arg;
	struct gce_instance	 in;
	int			 down;

	j->call = 0;
	if (vm_instance_answer(j, r, &in) != 0)
		return;
	down = in.status != NULL && (strcmp(in.status, "TERMINATED") == 0 ||
	    strcmp(in.status, "STOPPED") == 0);
	gce_instance_free(&in);
	if (down) {
		vm_step(j, "instance %s: stopped", j->o.name);
		vm_finish(j);
		return;
	}
	if (loop_now() - j->phase_started > (int64_t)j->o.boot_timeout *
	    1000) {
		vm_fail(j, "instance %s did not stop in %d s", j->o.name,
		    j->o.boot_timeout);
		return;
	}
	vm_later(j, VM_POLL_MS / 2, vm_stopped_poll);
}

static void
vm_stopped_poll(struct vm_job *j)
{
	char	*url = vm_url(j, "zones/%s/instances/%s", j->gce->zone,
	    j->o.name);

	vm_call(j, "GET", url, NULL, 1, vm_stopped_got);
	free(url);
}

static void
vm_stopped(struct vm_job *j)
{
	j->phase_started = loop_now();
	vm_stopped_poll(j);
}

static void
vm_status_got(const struct gce_result *r, void *arg)
{
	struct vm_job	*j = arg;

	j->call = 0;
	if (r->error != NULL) {
		j->what = "status";
		vm_simple_sent(r, arg);
		return;
	}
	vm_keep_instance(j, r->body);
	if (j->verb == VM_LOCATE) {
		/* The guest attributes are read again on every connect:
		 * the address may now belong to another VM. */
		j->phase_started = loop_now();
		vm_running_got(r, arg);
		return;
	}
	vm_finish(j);
}

static void
vm_begin(void *arg)
{
	struct vm_job	*j = arg;
	char		*url = NULL;

	j->timer = 0;
	switch (j->verb) {
	case VM_CREATE:
		vm_create_begin(j);
		return;
	case VM_SCHEDULE:
		vm_schedule_begin(j);
		return;
	case VM_START:
		/* Looks first: a suspended VM needs resume, not start, and a
		 * running one nothing. */
		vm_wait_running(j, vm_finish);
		break;
	case VM_STOP:
		j->what = "stop";
		j->next = vm_stopped;
		url = vm_url_mutate(j, "zones/%s/instances/%s/stop",
		    j->gce->zone, j->o.name);
		vm_call(j, "POST", url, NULL, 1, vm_simple_sent);
		break;
	case VM_DELETE:
		j->what = "delete";
		url = vm_url(j, "zones/%s/instances/%s", j->gce->zone,
		    j->o.name);
		vm_call(j, "GET", url, NULL, 1, vm_delete_found);
		break;
	case VM_STATUS:
	case VM_LOCATE:
		j->after = vm_finish;
		url = vm_url(j, "zones/%s/instances/%s", j->gce->zone,
		    j->o.name);
		vm_call(j, "GET", url, NULL, 1, vm_status_got);
		break;
	}
	free(url);
}

struct vm_job *
vm_job_start(struct gce *g, enum vm_verb verb, const struct vm_opts *o,
    const struct vm_report *rep, void *arg)
{
	struct vm_job	*j = xcalloc(1, sizeof *j);

	j->gce = g;
	j->verb = verb;
	vm_opts_copy(&j->o, o);
	if (j->o.ssh_port == 0)
		j->o.ssh_port = 22;
	if (j->o.boot_timeout <= 0)
		j->o.boot_timeout = 600;
	if (j->o.ready_timeout <= 0)
		j->o.ready_timeout = 1200;
	j->rep = *rep;
	j->arg = arg;
	j->started = j->phase_started = loop_now();
	j->timer = loop_timer_add(g->loop, 0, vm_begin, j);
	return j;
}
