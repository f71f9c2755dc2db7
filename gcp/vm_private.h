/*
 * Shared by the VM jobs: vm.c (the job, requests, waiting for the VM and
 * its keys, the simple verbs), vm_create.c (create) and vm_schedule.c.
 */
#ifndef SANDBOX_TUI_VM_PRIVATE_H
#define SANDBOX_TUI_VM_PRIVATE_H

#include <stdint.h>

#include "gcp/gce.h"
#include "gcp/vm.h"

struct vm_job {
	struct gce	*gce;
	enum vm_verb	 verb;
	struct vm_opts	 o;		/* copied */
	struct vm_report rep;
	void		*arg;

	uint64_t	 call;		/* gce call or operation wait */
	uint64_t	 timer;
	int64_t		 started, phase_started;
	int		 tries;
	const char	*what;		/* the operation being waited for */
	void		(*next)(struct vm_job *);	/* after the operation */
	void		(*later)(struct vm_job *);	/* after the timer */
	void		(*after)(struct vm_job *);	/* once running */

	char		*instance_json;	/* the last instances.get answer */
	char		*ip;
	int		 found;		/* the instance exists */
	int		 kicked;	/* start or resume sent while waiting */
};

/* A compute URL under the project: vm_url(j, "zones/%s/instances", z). */
char *vm_url(struct vm_job *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* The same with ?requestId=UUID (or &requestId when fmt has a query). */
char *vm_url_mutate(struct vm_job *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

void vm_step(struct vm_job *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void vm_warn(struct vm_job *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Ends the job with an error (or success with NULL) and frees it. */
void vm_fail(struct vm_job *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void vm_finish(struct vm_job *);

void vm_call(struct vm_job *, const char *method, const char *url,
	    const char *body, int retry, gce_cb);
/* Follows the operation in body, reporting "what: STATUS (Ns)", then
 * runs next (the job fails on an operation error). */
void vm_op(struct vm_job *, const char *body, const char *what,
	    void (*next)(struct vm_job *));
/* Runs fn after ms. */
void vm_later(struct vm_job *, int64_t ms, void (*fn)(struct vm_job *));

/* The instance in a GET answer; otherwise the job fails (and is freed)
 * with a message naming it, and -1. */
struct gce_instance;
int vm_instance_answer(struct vm_job *, const struct gce_result *,
	    struct gce_instance *);

/* Waits until the instance is RUNNING with an address, then pins its host
 * keys from the guest attributes, then runs next. */
void vm_wait_running(struct vm_job *, void (*next)(struct vm_job *));

/* vm_create.c */
void vm_create_begin(struct vm_job *);
/* vm_schedule.c */
void vm_schedule_begin(struct vm_job *);

#endif
