/*
 * Typed options for the lower layers, read from the config once per use.
 * See opts.h.
 */
#include <string.h>

#include "config/config.h"
#include "gcp/agents.h"
#include "gcp/image_build.h"
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
