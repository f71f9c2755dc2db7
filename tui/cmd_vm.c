/*
 * The `vm` command, in the grid (prefix v, or `:vm ...`) and as
 * `sandbox-tui vm ...`: create, start, stop, delete, status and schedule
 * the VM through the Compute Engine API (gcp/vm.c).  In the CLI progress
 * goes to stderr, a status to stdout; in the grid progress is in the
 * status bar and a created or started VM becomes the target.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/xmalloc.h"
#include "gcp/docker.h"
#include "gcp/gce.h"
#include "gcp/vm.h"
#include "tui/app.h"
#include "tui/app_gce.h"
#include "tui/cmd.h"
#include "tui/cmd_vm.h"
#include "tui/prompt.h"

#define VM_MENU	"vm create|start|stop|delete|status|schedule: "

struct vm_args {
	enum vm_verb	 verb;
	int		 yes;
	int		 off;
	const char	*stop, *start, *tz, *days;
};

static int
vm_hhmm(const char *s)
{
	return strlen(s) == 5 && isdigit((unsigned char)s[0]) &&
	    isdigit((unsigned char)s[1]) && s[2] == ':' &&
	    isdigit((unsigned char)s[3]) && isdigit((unsigned char)s[4]) &&
	    (s[0] - '0') * 10 + (s[1] - '0') < 24 &&
	    (s[3] - '0') * 10 + (s[4] - '0') < 60;
}

static int
vm_parse(int argc, char **argv, struct vm_args *a, char **cause)
{
	static const struct {
		const char	*name;
		enum vm_verb	 verb;
	} verbs[] = {
		{ "create", VM_CREATE }, { "start", VM_START },
		{ "stop", VM_STOP }, { "delete", VM_DELETE },
		{ "status", VM_STATUS }, { "schedule", VM_SCHEDULE },
	};
	size_t	 i;
	int	 k;

	memset(a, 0, sizeof *a);
	if (argc < 2) {
		*cause = xstrdup("usage: vm create|start|stop|delete [--yes]|"
		    "status|schedule ...");
		return -1;
	}
	for (i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
		if (strcmp(argv[1], verbs[i].name) == 0)
			break;
	}
	if (i == sizeof verbs / sizeof verbs[0]) {
		*cause = xasprintf("vm: unknown command '%s' (create, start, "
		    "stop, delete, status or schedule)", argv[1]);
		return -1;
	}
	a->verb = verbs[i].verb;
	for (k = 2; k < argc; k++) {
		const char	*opt = argv[k], *val = k + 1 < argc ?
		    argv[k + 1] : NULL;

		if (strcmp(opt, "--yes") == 0 && a->verb == VM_DELETE)
			a->yes = 1;
		else if (a->verb == VM_SCHEDULE && strcmp(opt, "--off") == 0)
			a->off = 1;
		else if (a->verb == VM_SCHEDULE && val != NULL &&
		    (strcmp(opt, "--stop") == 0 ||
		    strcmp(opt, "--start") == 0 || strcmp(opt, "--tz") == 0 ||
		    strcmp(opt, "--days") == 0)) {
			if (strcmp(opt, "--stop") == 0)
				a->stop = val;
			else if (strcmp(opt, "--start") == 0)
				a->start = val;
			else if (strcmp(opt, "--tz") == 0)
				a->tz = val;
			else
				a->days = val;
			k++;
		} else {
			*cause = xasprintf("vm %s: unexpected '%s'", argv[1],
			    opt);
			return -1;
		}
	}
	if (a->verb != VM_SCHEDULE)
		return 0;
	if (a->off) {
		if (a->stop != NULL || a->start != NULL) {
			*cause = xstrdup("vm schedule: --off takes nothing "
			    "else");
			return -1;
		}
		return 0;
	}
	if (a->stop == NULL && a->start == NULL) {
		*cause = xstrdup("usage: vm schedule --stop HH:MM --start HH:MM "
		    "--tz ZONE [--days mon-fri], or vm schedule --off");
		return -1;
	}
	if ((a->stop != NULL && !vm_hhmm(a->stop)) ||
	    (a->start != NULL && !vm_hhmm(a->start))) {
		*cause = xasprintf("vm schedule: '%s' is not a time HH:MM "
		    "(00:00 to 23:59)", a->stop != NULL && !vm_hhmm(a->stop) ?
		    a->stop : a->start);
		return -1;
	}
	if (a->tz == NULL) {
		*cause = xstrdup("vm schedule: --tz ZONE is needed (such as "
		    "Europe/Berlin or UTC)");
		return -1;
	}
	return 0;
}

int
cmd_vm_check(int argc, char **argv, char **cause)
{
	struct vm_args	a;

	if (vm_parse(argc, argv, &a, cause) != 0)
		return -1;
	if (a.verb == VM_DELETE && !a.yes) {
		*cause = xstrdup("vm delete removes the VM and its disk, with "
		    "every workspace on it: add --yes");
		return -1;
	}
	return 0;
}

static const char *
vm_verb_name(enum vm_verb v)
{
	static const char *names[] = { "create", "start", "stop", "delete",
	    "status", "schedule", "locate" };

	return names[v];
}

static void
vm_report_step(const char *text, void *arg)
{
	struct app	*app = arg;

	if (app->cli) {
		fprintf(stderr, "%s: %s\n", app->vm_label, text);
		return;
	}
	app_operation(app, APP_OP_VM, "%s: %s", app->vm_label, text);
}

static void
vm_report_warn(const char *text, void *arg)
{
	struct app	*app = arg;

	if (app->cli)
		fprintf(stderr, "sandbox-tui: warning: %s\n", text);
	else
		app_message(app, 1, "%s", text);
}

static void
vm_report_done(const char *error, const struct vm_info *info, void *arg)
{
	struct app	*app = arg;
	enum vm_verb	 verb;
	char		*text;

	verb = (enum vm_verb)app->vm_verb;
	app->vm_job = NULL;
	app_operation(app, APP_OP_VM, NULL);
	if (error == NULL && verb == VM_CREATE)
		app_gce_created(app);
	if (error == NULL && verb == VM_DELETE)
		vm_made_forget();
	if (app->cli) {
		if (error != NULL) {
			fprintf(stderr, "sandbox-tui: %s: %s\n", app->vm_label,
			    error);
			app_quit(app, 1);
			return;
		}
		if (info != NULL && verb == VM_STATUS) {
			text = vm_info_text(info);
			fputs(text, stdout);
			free(text);
		} else if (info != NULL && info->ip != NULL) {
			printf("VM %s is ready: ssh://%s@%s:%ld\n", info->name,
			    config_str(app->cfg, "gcp.ssh_user"), info->ip,
			    config_int(app->cfg, "gcp.ssh_port"));
			/* A new VM has no image a registry did not give it. */
			if (verb == VM_CREATE && !docker_image_pullable(
			    config_str(app->cfg, "agents.image")))
				fprintf(stderr, "sandbox-tui: next: sandbox-tui "
				    "image build (makes %s on the VM), then "
				    "sandbox-tui agents start N\n",
				    config_str(app->cfg, "agents.image"));
		}
		else
			printf("%s: done\n", app->vm_label);
		fflush(stdout);
		app_quit(app, 0);
		return;
	}
	if (error != NULL) {
		app_message(app, 1, "%s: %s", app->vm_label, error);
		return;
	}
	if (verb == VM_STATUS && info != NULL) {
		char	price[48] = "";

		if (info->hour_usd >= 0)
			snprintf(price, sizeof price, ", about $%.2f/hour",
			    info->hour_usd);
		app_message(app, 0, "VM %s %s at %s, %s%s%s",
		    info->name != NULL ? info->name : "?",
		    info->status != NULL ? info->status : "?",
		    info->ip != NULL ? info->ip : "no address",
		    info->machine_type != NULL ? info->machine_type : "?",
		    info->spot ? " spot" : "", price);
		return;
	}
	app_message(app, 0, "%s: done", app->vm_label);
	if (verb == VM_CREATE || verb == VM_START)
		app_use_gce(app);
}

static int
vm_run(struct app *app, const struct vm_args *a, char **cause)
{
	struct vm_report	 rep = { vm_report_step, vm_report_warn,
	    vm_report_done };
	struct vm_opts		 o;
	struct gce		*g;

	if (app->vm_job != NULL) {
		*cause = xasprintf("%s is still running", app->vm_label);
		return -1;
	}
	if ((g = app_gce(app, cause)) == NULL)
		return -1;
	if (app_vm_opts(app, &o, cause) != 0)
		return -1;
	o.schedule_off = a->off;
	o.stop_at = a->stop;
	o.start_at = a->start;
	o.tz = a->tz;
	o.days = a->days;
	free(app->vm_label);
	app->vm_label = xasprintf("vm %s", vm_verb_name(a->verb));
	app->vm_verb = (int)a->verb;
	app->vm_job = vm_job_start(g, a->verb, &o, &rep, app);
	vm_opts_release(&o);
	if (!app->cli) {
		app_operation(app, APP_OP_VM, "%s: starting", app->vm_label);
	}
	return 0;
}

/* Deleting in the grid asks for the VM's name, as a console would. */
static void
vm_delete_confirmed(struct app *app, const char *line)
{
	const char	*name = config_str(app->cfg, "gcp.instance");
	struct vm_args	 a;
	char		*cause = NULL;

	if (line == NULL || strcmp(line, name) != 0) {
		app_message(app, 0, "VM %s not deleted", name);
		return;
	}
	memset(&a, 0, sizeof a);
	a.verb = VM_DELETE;
	a.yes = 1;
	if (vm_run(app, &a, &cause) != 0) {
		app_message(app, 1, "%s", cause);
		free(cause);
	}
}

static void
vm_menu_done(struct app *app, const char *line)
{
	char	*cmd, *cause = NULL;

	if (line == NULL || *line == '\0')
		return;
	cmd = xasprintf("vm %s", line);
	if (cmd_run(app, cmd, &cause) != 0) {
		app_message(app, 1, "%s", cause);
		free(cause);
	}
	free(cmd);
}

int
cmd_vm(struct app *app, int argc, char **argv, char **cause)
{
	struct vm_args	 a;
	char		*label;

	if (argc < 2 && !app->cli) {
		prompt_open(app, VM_MENU, "", vm_menu_done);
		return 0;
	}
	if (vm_parse(argc, argv, &a, cause) != 0)
		return -1;
	if (a.verb == VM_DELETE && !a.yes && !app->cli) {
		label = xasprintf("delete VM %s with its disk and every "
		    "workspace? type its name: ",
		    config_str(app->cfg, "gcp.instance"));
		prompt_open(app, label, "", vm_delete_confirmed);
		free(label);
		return 0;
	}
	return vm_run(app, &a, cause);
}
