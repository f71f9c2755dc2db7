/*
 * Typed options for the lower layers, read from the config once per use.
 * See opts.h.
 */
#include <string.h>

#include "config/config.h"
#include "gcp/agents.h"
#include "gcp/gce.h"
#include "gcp/image_build.h"
#include "gcp/vm.h"
#include "tui/opts.h"

void
opts_agents(struct config *cfg, struct agents_opts *o)
{
	memset(o, 0, sizeof *o);
	o->image = config_str(cfg, "agents.image");
	o->command = config_str(cfg, "agents.command");
	o->memory = config_size(cfg, "agents.memory");
	o->cpus = config_float(cfg, "agents.cpus");
	o->pids_limit = config_int(cfg, "agents.pids_limit");
	o->workspace_dir = config_str(cfg, "agents.workspace_dir");
	o->api_key = config_str(cfg, "agents.api_key");
	o->env_secret = config_str(cfg, "agents.env_secret");
	o->claude_settings = config_str(cfg, "agents.claude_settings");
}

void
opts_image(struct config *cfg, struct image_args *a)
{
	if (a->from == NULL)
		a->from = config_str(cfg, "image.from");
	if (a->node_version == NULL)
		a->node_version = config_str(cfg, "image.node_version");
	if (a->claude_version == NULL)
		a->claude_version = config_str(cfg, "image.claude_code_version");
	if (a->network == NULL)
		a->network = config_str(cfg, "image.network");
	a->base_tag = config_str(cfg, "image.base");
	a->agent_tag = config_str(cfg, "agents.image");
	a->ca_certs = config_str(cfg, "image.ca_certs");
}

void
opts_gce(struct config *cfg, struct gce_opts *o)
{
	memset(o, 0, sizeof *o);
	o->project = config_str(cfg, "gcp.project");
	o->zone = config_str(cfg, "gcp.zone");
	o->region = config_str(cfg, "gcp.region");
	o->api_endpoint = config_str(cfg, "gcp.api_endpoint");
	o->iam_endpoint = config_str(cfg, "gcp.iam_endpoint");
	o->crm_endpoint = config_str(cfg, "gcp.resourcemanager_endpoint");
}

void
opts_vm(struct config *cfg, struct vm_opts *o, struct vm_setup *s)
{
	memset(o, 0, sizeof *o);
	o->name = config_str(cfg, "gcp.instance");
	o->machine_type = config_str(cfg, "gcp.machine_type");
	o->disk_gb = (int)config_int(cfg, "gcp.disk_gb");
	o->spot = config_bool(cfg, "gcp.spot");
	o->network = config_str(cfg, "gcp.network");
	o->ssh_source_ranges = config_str(cfg, "gcp.ssh_source_ranges");
	o->image = config_str(cfg, "gcp.image");
	o->ssh_user = config_str(cfg, "gcp.ssh_user");
	o->ssh_port = (int)config_int(cfg, "gcp.ssh_port");
	o->service_account = config_bool(cfg, "gcp.service_account");
	o->hourly_price = config_float(cfg, "gcp.hourly_price");
	o->boot_timeout = (int)config_int(cfg, "gcp.boot_timeout");
	o->ready_timeout = (int)config_int(cfg, "gcp.ready_timeout");

	memset(s, 0, sizeof *s);
	s->identity = config_str(cfg, "ssh.identity");
	s->workspace_dir = config_str(cfg, "agents.workspace_dir");
	s->agent_image = config_str(cfg, "agents.image");
	s->idle_shutdown_minutes = config_int(cfg, "vm.idle_shutdown_minutes");
	s->ssh_max_sessions = config_int(cfg, "vm.ssh_max_sessions");
	s->role_storage = config_bool(cfg, "gcp.role_storage");
	s->role_pubsub = config_bool(cfg, "gcp.role_pubsub");
	s->role_secrets = config_bool(cfg, "gcp.role_secrets");
}
