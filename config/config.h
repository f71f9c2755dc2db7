/*
 * Options and key bindings.  One table (options.c) names every option with
 * its type, default, allowed range or values, environment variable and help;
 * the config file parser, the environment, the command line, --help and the
 * man page all read that table.  Precedence: defaults < file < environment <
 * command line.  The default key bindings are written in the config language
 * itself (config/default.conf, embedded at build time).
 */
#ifndef SANDBOX_TUI_CONFIG_H
#define SANDBOX_TUI_CONFIG_H

#include <stddef.h>

#include "config/keys.h"

enum option_type { OPT_STRING, OPT_INT, OPT_BOOL, OPT_KEY, OPT_CHOICE,
	OPT_SIZE, OPT_FLOAT };

struct option_def {
	const char	*name;		/* "agents.count" */
	enum option_type type;
	const char	*def;		/* default, as text */
	long		 min, max;	/* range, see options.c */
	const char	*choices;	/* OPT_CHOICE: "a|b|c" */
	const char	*env;		/* environment variable or NULL */
	int		 secret;	/* never printed */
	const char	*help;
};

/* The table, terminated by an entry with name NULL. */
extern const struct option_def option_table[];

enum config_origin { ORIGIN_DEFAULT, ORIGIN_FILE, ORIGIN_ENV, ORIGIN_CLI };

struct binding {
	key_code	 key;
	char		*command;	/* a command line, as typed at the prompt */
};

struct config;

struct config *config_new(void);		/* defaults + default bindings */
void config_free(struct config *);

/*
 * Reads a config file.  A missing file is not an error when !must_exist.
 * On error returns -1 and sets *cause to "FILE:LINE: message" (caller frees).
 */
int config_load_file(struct config *, const char *path, int must_exist,
	    char **cause);
/* Parses config text (name is used in messages). */
int config_load_string(struct config *, const char *name, const char *text,
	    char **cause);
/* Applies the environment variables named in the table. */
int config_load_env(struct config *, char **cause);
/* Sets one option by name from text (validates; origin decides precedence). */
int config_set(struct config *, const char *name, const char *value,
	    enum config_origin, char **cause);

const char *config_str(struct config *, const char *name);
long config_int(struct config *, const char *name);
int config_bool(struct config *, const char *name);
double config_float(struct config *, const char *name);
key_code config_key(struct config *, const char *name);
/* OPT_SIZE in bytes ("4g" -> 4294967296). */
long long config_size(struct config *, const char *name);
enum config_origin config_origin(struct config *, const char *name);

/* Key bindings for the prefix table; later `bind` lines replace earlier. */
const struct binding *config_bindings(struct config *, size_t *n);
const char *config_binding_find(struct config *, key_code);
int config_bind(struct config *, key_code, const char *command);
int config_unbind(struct config *, key_code);

/* Default config file path: $XDG_CONFIG_HOME/sandbox-tui/config (caller frees). */
char *config_default_path(void);
/* The program's own config/state dir (~/.config/sandbox-tui), created 0700. */
char *config_dir(void);

/* Files shipped inside the binary (config/embed.S). */
extern const char config_default_conf[];
/* Claude Code settings mounted into agents when CLAUDE_SETTINGS is unset. */
extern const char config_claude_settings[];
/* The VM's provisioning script, sent as its startup-script metadata. */
extern const char config_startup_script[];
/* Compute Engine prices per machine type (gcp/compute_price.c). */
extern const char config_gce_prices[];
/* The agent image's build context (config/agent-image), for image build. */
extern const char config_image_dockerfile_base[];
extern const char config_image_dockerfile[];
extern const char config_image_entrypoint[];

#endif
