/*
 * The option table: every setting the program reads, with its type,
 * default, allowed range or values, environment variable and help text.
 * config.c validates values against it, the config file parser and the
 * environment go through it, and --help and the man page are written from
 * it.  Ranges: min and max are units for OPT_INT, bytes for OPT_SIZE and
 * thousandths for OPT_FLOAT; min == max == 0 means no range.
 */

#include <stddef.h>

#include "config/config.h"

#define KIB	1024L
#define MIB	(1024L * 1024L)
#define GIB	(1024L * 1024L * 1024L)

const struct option_def option_table[] = {
	{ .name = "target", .type = OPT_STRING, .def = "auto",
	  .env = "SANDBOX_TUI_TARGET",
	  .help = "Where the agents run: auto (gce if gcp.project is set, "
	  "else local), local (this machine's docker), gce (the VM this "
	  "program creates) or ssh://[user@]host[:port] (any host with "
	  "docker)." },

	{ .name = "ssh.identity", .type = OPT_STRING, .def = "",
	  .help = "Private key file for SSH; empty uses the default keys." },
	{ .name = "ssh.known_hosts", .type = OPT_STRING, .def = "",
	  .help = "Known-hosts file for ssh:// targets; empty uses the "
	  "default." },
	{ .name = "ssh.config", .type = OPT_STRING, .def = "",
	  .help = "OpenSSH client config file to read host aliases, users and "
	  "ports from; empty uses ~/.ssh/config." },
	{ .name = "ssh.accept_new_host_key", .type = OPT_BOOL, .def = "off",
	  .help = "Accept and remember the host key of an ssh:// host seen "
	  "for the first time (a changed key is always refused)." },
	{ .name = "ssh.keepalive", .type = OPT_INT, .def = "10",
	  .min = 0, .max = 3600,
	  .help = "Seconds between SSH keepalive messages; 0 turns them "
	  "off." },
	{ .name = "ssh.connect_timeout", .type = OPT_INT, .def = "15",
	  .min = 1, .max = 600,
	  .help = "Seconds to wait for an SSH connection and handshake." },

	{ .name = "docker.socket", .type = OPT_STRING,
	  .def = "/var/run/docker.sock",
	  .help = "The docker daemon's socket on the target, reached through "
	  "the SSH connection (or dial-stdio where the server does not "
	  "forward sockets); the local target takes DOCKER_HOST instead when "
	  "it names a unix socket." },

	{ .name = "agents.count", .type = OPT_INT, .def = "12",
	  .min = 0, .max = 99, .env = "AGENT_COUNT",
	  .help = "Number of agent containers to run." },
	{ .name = "agents.image", .type = OPT_STRING,
	  .def = "sandbox-agent:latest",
	  .help = "Docker image the agent containers run." },
	{ .name = "image.base", .type = OPT_STRING,
	  .def = "sandbox-agent-base:latest",
	  .help = "Tag of the base image (Debian, tools, Node.js) that image "
	  "build makes first and agents.image is built on." },
	{ .name = "image.from", .type = OPT_STRING,
	  .def = "debian:bookworm-slim",
	  .help = "Debian image the base image starts from (a registry "
	  "reference, or an image already on the target)." },
	{ .name = "image.claude_code_version", .type = OPT_STRING,
	  .def = "latest",
	  .help = "npm version or tag of @anthropic-ai/claude-code that image "
	  "build installs." },
	{ .name = "image.node_version", .type = OPT_STRING, .def = "22",
	  .help = "Node.js the base image downloads from nodejs.org: a major "
	  "(22) or an exact version (22.11.0); 22 or newer." },
	{ .name = "image.ca_certs", .type = OPT_STRING, .def = "",
	  .help = "PEM files on this machine (words, quoted as in sh) added "
	  "to the image's trust store, for networks that inspect TLS." },
	{ .name = "image.network", .type = OPT_STRING, .def = "",
	  .help = "docker build --network for image build (such as host); "
	  "empty is docker's default." },
	{ .name = "agents.command", .type = OPT_STRING, .def = "",
	  .help = "Command run in each agent container; empty uses the "
	  "image's own command." },
	{ .name = "agents.memory", .type = OPT_SIZE, .def = "4g",
	  .min = 6 * MIB, .max = 1024 * GIB,
	  .help = "Memory limit of each agent container (also its "
	  "memory+swap limit)." },
	{ .name = "agents.cpus", .type = OPT_FLOAT, .def = "1.25",
	  .min = 10, .max = 256000,
	  .help = "CPUs each agent container may use." },
	{ .name = "agents.pids_limit", .type = OPT_INT, .def = "512",
	  .min = 16, .max = 1000000,
	  .help = "Maximum number of processes in each agent container." },
	{ .name = "agents.idle_seconds", .type = OPT_INT, .def = "5",
	  .min = 1, .max = 3600,
	  .help = "Seconds without output after which an agent whose last "
	  "lines look like a prompt is shown as waiting for input." },
	{ .name = "agents.waiting_pattern", .type = OPT_STRING,
	  .def = "([>?$#]|\xe2\x9d\xaf)[[:space:]]*(\xe2\x94\x82[[:space:]]*)?$|"
	  "^[[:space:]\xe2\x94\x82]*(\xe2\x9d\xaf|>)[[:space:]]*[0-9]+\\.|"
	  "\\([yY]/[nN]\\)|\\[[yY]/[nN]\\]|Do you want|Press Enter|"
	  "\\? for shortcuts",
	  .help = "POSIX extended regular expression: an agent is waiting for "
	  "input when one of its last six non-blank lines matches it "
	  "(and agents.busy_pattern does not); empty turns the detection "
	  "off." },
	{ .name = "agents.busy_pattern", .type = OPT_STRING,
	  .def = "esc to interrupt",
	  .help = "POSIX extended regular expression for a working agent: "
	  "when one of its last six non-blank lines matches it, the agent "
	  "is not waiting, however still its screen; empty matches "
	  "nothing." },
	{ .name = "agents.workspace_dir", .type = OPT_STRING,
	  .def = "/srv/sandbox/workspaces", .env = "WORKSPACE_DIR",
	  .help = "Directory on the host holding each agent's workspace "
	  "(agent-NN), mounted at /workspace." },
	{ .name = "agents.claude_settings", .type = OPT_STRING, .def = "",
	  .env = "CLAUDE_SETTINGS",
	  .help = "Claude Code settings.json to mount read-only in every "
	  "agent; empty uses the one built into the program." },
	{ .name = "agents.api_key", .type = OPT_STRING, .def = "",
	  .env = "ANTHROPIC_API_KEY", .secret = 1,
	  .help = "Anthropic API key given to the agents through an env "
	  "file; never shown or put on a command line." },
	{ .name = "agents.env_secret", .type = OPT_STRING, .def = "",
	  .help = "Space-separated names of environment variables copied "
	  "from this program's environment into the agents' env file." },
	{ .name = "agents.replay_lines", .type = OPT_INT, .def = "200",
	  .min = 0, .max = 100000,
	  .help = "Lines of recent output replayed into a pane when it "
	  "attaches." },

	{ .name = "vt.scrollback", .type = OPT_INT, .def = "10000",
	  .min = 0, .max = 1000000,
	  .help = "Lines of scrollback kept for each pane." },

	{ .name = "keys.prefix", .type = OPT_KEY, .def = "C-]",
	  .help = "Prefix key for commands in the grid; press it twice to "
	  "send it to the agent." },

	{ .name = "ui.mouse", .type = OPT_BOOL, .def = "on",
	  .help = "Click to focus a pane, wheel to scroll." },
	{ .name = "ui.fps", .type = OPT_INT, .def = "60",
	  .min = 1, .max = 240,
	  .help = "Maximum screen updates per second." },
	{ .name = "ui.flow_budget", .type = OPT_SIZE, .def = "256k",
	  .min = 1 * KIB, .max = 1 * GIB,
	  .help = "Bytes a pane may take per frame before reading from its "
	  "channel is paused." },

	{ .name = "logs.max_lines", .type = OPT_INT, .def = "100000",
	  .min = 1000, .max = 10000000,
	  .help = "Lines kept by the logs view." },

	{ .name = "gcp.project", .type = OPT_STRING, .def = "",
	  .env = "PROJECT_ID",
	  .help = "Google Cloud project; empty uses CLOUDSDK_CORE_PROJECT "
	  "or gcloud's active configuration." },
	{ .name = "gcp.region", .type = OPT_STRING, .def = "",
	  .env = "REGION",
	  .help = "Compute Engine region." },
	{ .name = "gcp.zone", .type = OPT_STRING, .def = "",
	  .env = "ZONE",
	  .help = "Compute Engine zone; empty uses CLOUDSDK_COMPUTE_ZONE or "
	  "gcloud's active configuration." },
	{ .name = "gcp.api_endpoint", .type = OPT_STRING,
	  .def = "https://compute.googleapis.com",
	  .help = "Compute Engine API base URL (tests point it at a fake "
	  "server)." },
	{ .name = "gcp.iam_endpoint", .type = OPT_STRING,
	  .def = "https://iam.googleapis.com",
	  .help = "IAM API base URL (tests point it at a fake server)." },
	{ .name = "gcp.resourcemanager_endpoint", .type = OPT_STRING,
	  .def = "https://cloudresourcemanager.googleapis.com",
	  .help = "Resource Manager API base URL (tests point it at a fake "
	  "server)." },
	{ .name = "gcp.instance", .type = OPT_STRING,
	  .def = "sandbox-agents",
	  .help = "Name of the VM." },
	{ .name = "gcp.machine_type", .type = OPT_STRING,
	  .def = "e2-standard-16",
	  .help = "Machine type of the VM." },
	{ .name = "gcp.disk_gb", .type = OPT_INT, .def = "200",
	  .min = 10, .max = 65536,
	  .help = "Boot disk size of the VM in GB." },
	{ .name = "gcp.spot", .type = OPT_BOOL, .def = "off",
	  .help = "Create the VM as a Spot VM (cheaper, may be stopped by "
	  "Google)." },
	{ .name = "gcp.network", .type = OPT_STRING, .def = "default",
	  .help = "VPC network the VM and its firewall rule use." },
	{ .name = "gcp.ssh_source_ranges", .type = OPT_STRING,
	  .def = "0.0.0.0/0",
	  .help = "Space- or comma-separated CIDR ranges allowed to reach "
	  "the VM's SSH port." },
	{ .name = "gcp.image", .type = OPT_STRING,
	  .def = "projects/debian-cloud/global/images/family/debian-12",
	  .help = "Boot image of the VM (the startup script expects "
	  "Debian)." },
	{ .name = "gcp.ssh_user", .type = OPT_STRING, .def = "sandbox",
	  .help = "User this program logs in as on the VM (made by the "
	  "ssh-keys metadata)." },
	{ .name = "gcp.ssh_port", .type = OPT_INT, .def = "22",
	  .min = 1, .max = 65535,
	  .help = "SSH port of the VM's sshd (the firewall rule and the "
	  "startup script keep sshd on 22: change both by hand to move "
	  "it)." },
	{ .name = "gcp.service_account", .type = OPT_BOOL, .def = "on",
	  .help = "Give the VM its own service account, sandbox-agents, "
	  "with only the roles below." },
	{ .name = "gcp.role_storage", .type = OPT_BOOL, .def = "off",
	  .help = "Grant the VM's account roles/storage.objectViewer." },
	{ .name = "gcp.role_pubsub", .type = OPT_BOOL, .def = "off",
	  .help = "Grant the VM's account roles/pubsub.publisher." },
	{ .name = "gcp.role_secrets", .type = OPT_BOOL, .def = "off",
	  .help = "Grant the VM's account "
	  "roles/secretmanager.secretAccessor." },
	{ .name = "gcp.hourly_price", .type = OPT_FLOAT, .def = "0",
	  .min = 0, .max = 1000000,
	  .help = "Price of the VM per hour in USD for `vm status`; 0 uses "
	  "the table built in (us-central1 list prices)." },
	{ .name = "gcp.boot_timeout", .type = OPT_INT, .def = "600",
	  .min = 10, .max = 86400,
	  .help = "Seconds to wait for the VM to run and publish its host "
	  "keys." },
	{ .name = "gcp.ready_timeout", .type = OPT_INT, .def = "1200",
	  .min = 10, .max = 86400,
	  .help = "Seconds to wait for the VM's startup script to finish." },
	{ .name = "vm.idle_shutdown_minutes", .type = OPT_INT, .def = "0",
	  .min = 0, .max = 100000,
	  .help = "The VM powers itself off after this many minutes with no "
	  "agent running and nobody logged in; 0 never." },
	{ .name = "vm.ssh_max_sessions", .type = OPT_INT, .def = "64",
	  .min = 10, .max = 1024,
	  .help = "MaxSessions the VM's sshd allows on one connection (one "
	  "channel per pane plus commands)." },

	{ .name = "notify.command", .type = OPT_STRING, .def = "",
	  .help = "Shell command run when an agent starts waiting for input "
	  "or rings the bell, with SANDBOX_TUI_EVENT, SANDBOX_TUI_AGENT and "
	  "SANDBOX_TUI_AGENT_NAME set; empty runs nothing." },

	{ .name = NULL }
};
