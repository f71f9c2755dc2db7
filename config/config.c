/*
 * The configuration store: one value per entry of the option table, each
 * remembering where it came from, plus the prefix-key bindings.  Values
 * arrive from the defaults, config files, the environment and the command
 * line in any order; the origin decides which wins (defaults < file <
 * environment < command line), so main() can apply -o before reading the
 * file.  Loading a file or the environment is all or nothing: it works on
 * a copy that replaces the store only when every line was good.
 */

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config_int.h"
#include "config/xmalloc.h"

/* Files bigger than this are not config files. */
#define CONFIG_FILE_MAX	(1024 * 1024)

/* Finds an option by name; *idx (if not NULL) is its index in the table. */
const struct option_def *
config_find_option(const char *name, size_t *idx)
{
	size_t	i;

	for (i = 0; option_table[i].name != NULL; i++) {
		if (strcmp(option_table[i].name, name) == 0) {
			if (idx != NULL)
				*idx = i;
			return &option_table[i];
		}
	}
	return NULL;
}

struct config *
config_new(void)
{
	struct config		*cfg;
	const struct option_def	*od;
	size_t			 i, n = 0;
	char			*cause = NULL;

	for (od = option_table; od->name != NULL; od++)
		n++;
	cfg = xcalloc(1, sizeof *cfg);
	cfg->values = xcalloc(n, sizeof *cfg->values);
	cfg->nvalues = n;
	for (i = 0; i < n; i++) {
		od = &option_table[i];
		if (config_value_parse(od, od->def, &cfg->values[i].v,
		    &cause) != 0) {
			fprintf(stderr, "config_new: bad default: %s\n", cause);
			abort();
		}
		cfg->values[i].text = xstrdup(od->def);
		cfg->values[i].origin = ORIGIN_DEFAULT;
	}
	if (config_parse(cfg, "default.conf", config_default_conf,
	    ORIGIN_DEFAULT, &cause) != 0) {
		fprintf(stderr, "config_new: %s\n", cause);
		abort();
	}
	return cfg;
}

static void
config_clear(struct config *cfg)
{
	size_t	i;

	for (i = 0; i < cfg->nvalues; i++)
		free(cfg->values[i].text);
	free(cfg->values);
	for (i = 0; i < cfg->nbindings; i++)
		free(cfg->bindings[i].command);
	free(cfg->bindings);
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	config_clear(cfg);
	free(cfg);
}

/* A deep copy, to load into and throw away if loading fails (caller frees). */
struct config *
config_copy(struct config *cfg)
{
	struct config	*copy;
	size_t		 i;

	copy = xcalloc(1, sizeof *copy);
	copy->nvalues = cfg->nvalues;
	copy->values = xcalloc(cfg->nvalues, sizeof *copy->values);
	for (i = 0; i < cfg->nvalues; i++) {
		copy->values[i] = cfg->values[i];
		copy->values[i].text = xstrdup(cfg->values[i].text);
	}
	copy->nbindings = cfg->nbindings;
	if (cfg->nbindings != 0) {
		copy->bindings = xreallocarray(NULL, cfg->nbindings,
		    sizeof *copy->bindings);
	}
	for (i = 0; i < cfg->nbindings; i++) {
		copy->bindings[i].key = cfg->bindings[i].key;
		copy->bindings[i].command = xstrdup(cfg->bindings[i].command);
	}
	return copy;
}

/* Moves everything in src into cfg and frees src. */
void
config_replace(struct config *cfg, struct config *src)
{
	config_clear(cfg);
	*cfg = *src;
	free(src);
}

int
config_load_string(struct config *cfg, const char *name, const char *text,
    char **cause)
{
	struct config	*copy;
	char		*error = NULL;

	copy = config_copy(cfg);
	if (config_parse(copy, name, text, ORIGIN_FILE, &error) != 0) {
		config_free(copy);
		if (cause != NULL)
			*cause = error;
		else
			free(error);
		return -1;
	}
	config_replace(cfg, copy);
	return 0;
}

/* Reads a whole file into a NUL-terminated string (caller frees). */
static char *
config_read_file(const char *path, FILE *f, char **cause)
{
	char	*buf = NULL;
	size_t	 len = 0, n;

	buf = xmalloc(CONFIG_FILE_MAX + 1);
	while ((n = fread(buf + len, 1, CONFIG_FILE_MAX + 1 - len, f)) != 0) {
		len += n;
		if (len > CONFIG_FILE_MAX) {
			*cause = xasprintf("%s: file too large (over %d bytes)",
			    path, CONFIG_FILE_MAX);
			goto fail;
		}
	}
	if (ferror(f)) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		goto fail;
	}
	if (memchr(buf, '\0', len) != NULL) {
		*cause = xasprintf("%s: not a text file (contains a NUL byte)",
		    path);
		goto fail;
	}
	buf[len] = '\0';
	return buf;

fail:
	free(buf);
	return NULL;
}

int
config_load_file(struct config *cfg, const char *path, int must_exist,
    char **cause)
{
	FILE	*f = NULL;
	char	*text = NULL, *error = NULL;
	int	 rc = -1;

	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT && !must_exist) {
			rc = 0;
			goto out;
		}
		error = xasprintf("%s: %s", path, strerror(errno));
		goto out;
	}
	if ((text = config_read_file(path, f, &error)) == NULL)
		goto out;
	if (config_load_string(cfg, path, text, &error) != 0)
		goto out;
	rc = 0;

out:
	free(text);
	if (f != NULL)
		fclose(f);
	if (error != NULL && cause != NULL)
		*cause = error;
	else
		free(error);
	return rc;
}

int
config_load_env(struct config *cfg, char **cause)
{
	struct config		*copy;
	const struct option_def	*od;
	const char		*value;
	char			*error = NULL;

	copy = config_copy(cfg);
	for (od = option_table; od->name != NULL; od++) {
		if (od->env == NULL)
			continue;
		if ((value = getenv(od->env)) == NULL || *value == '\0')
			continue;
		if (config_set(copy, od->name, value, ORIGIN_ENV,
		    &error) != 0) {
			if (cause != NULL)
				*cause = xasprintf("environment %s: %s",
				    od->env, error);
			free(error);
			config_free(copy);
			return -1;
		}
	}
	config_replace(cfg, copy);
	return 0;
}

int
config_set(struct config *cfg, const char *name, const char *value,
    enum config_origin origin, char **cause)
{
	const struct option_def	*od;
	struct config_value	*cv;
	union config_parsed	 v;
	char			*error = NULL;
	size_t			 idx;

	if ((od = config_find_option(name, &idx)) == NULL) {
		error = config_value_unknown(name);
		goto fail;
	}
	if (config_value_parse(od, value, &v, &error) != 0)
		goto fail;

	/* A value from a weaker source never replaces a stronger one. */
	cv = &cfg->values[idx];
	if (origin < cv->origin)
		return 0;
	free(cv->text);
	cv->text = xstrdup(value);
	cv->v = v;
	cv->origin = origin;
	return 0;

fail:
	if (cause != NULL)
		*cause = error;
	else
		free(error);
	return -1;
}

/* Looking up an option that is not in the table is a bug in the caller. */
static struct config_value *
config_get(struct config *cfg, const char *name, const char *fn, int type)
{
	const struct option_def	*od;
	size_t			 idx;

	if ((od = config_find_option(name, &idx)) == NULL) {
		fprintf(stderr, "%s: no option named '%s'\n", fn, name);
		abort();
	}
	if (type != -1 && (int)od->type != type) {
		fprintf(stderr, "%s: option '%s' has another type\n", fn, name);
		abort();
	}
	return &cfg->values[idx];
}

const char *
config_str(struct config *cfg, const char *name)
{
	return config_get(cfg, name, __func__, -1)->text;
}

long
config_int(struct config *cfg, const char *name)
{
	return config_get(cfg, name, __func__, OPT_INT)->v.i;
}

int
config_bool(struct config *cfg, const char *name)
{
	return config_get(cfg, name, __func__, OPT_BOOL)->v.b;
}

double
config_float(struct config *cfg, const char *name)
{
	return config_get(cfg, name, __func__, OPT_FLOAT)->v.f;
}

key_code
config_key(struct config *cfg, const char *name)
{
	return config_get(cfg, name, __func__, OPT_KEY)->v.k;
}

long long
config_size(struct config *cfg, const char *name)
{
	return config_get(cfg, name, __func__, OPT_SIZE)->v.size;
}

enum config_origin
config_origin(struct config *cfg, const char *name)
{
	return config_get(cfg, name, __func__, -1)->origin;
}

const struct binding *
config_bindings(struct config *cfg, size_t *n)
{
	*n = cfg->nbindings;
	return cfg->bindings;
}

const char *
config_binding_find(struct config *cfg, key_code key)
{
	size_t	i;

	for (i = 0; i < cfg->nbindings; i++) {
		if (cfg->bindings[i].key == key)
			return cfg->bindings[i].command;
	}
	return NULL;
}

/* Binds key to command, replacing an earlier binding of the same key. */
int
config_bind(struct config *cfg, key_code key, const char *command)
{
	struct binding	*b;
	size_t		 i;

	if (key == KEYC_NONE || command == NULL || *command == '\0')
		return -1;
	for (i = 0; i < cfg->nbindings; i++) {
		if (cfg->bindings[i].key == key) {
			free(cfg->bindings[i].command);
			cfg->bindings[i].command = xstrdup(command);
			return 0;
		}
	}
	cfg->bindings = xreallocarray(cfg->bindings, cfg->nbindings + 1,
	    sizeof *cfg->bindings);
	b = &cfg->bindings[cfg->nbindings++];
	b->key = key;
	b->command = xstrdup(command);
	return 0;
}

/* Removes a binding; -1 if the key was not bound. */
int
config_unbind(struct config *cfg, key_code key)
{
	size_t	i;

	for (i = 0; i < cfg->nbindings; i++) {
		if (cfg->bindings[i].key != key)
			continue;
		free(cfg->bindings[i].command);
		memmove(&cfg->bindings[i], &cfg->bindings[i + 1],
		    (cfg->nbindings - i - 1) * sizeof *cfg->bindings);
		cfg->nbindings--;
		return 0;
	}
	return -1;
}

/* The directory holding the config file, not created (caller frees). */
static char *
config_base_dir(void)
{
	const char	*xdg, *home;
	struct passwd	*pw;

	if ((xdg = getenv("XDG_CONFIG_HOME")) != NULL && xdg[0] == '/')
		return xasprintf("%s/sandbox-tui", xdg);
	if ((home = getenv("HOME")) == NULL || *home == '\0') {
		if ((pw = getpwuid(getuid())) != NULL && pw->pw_dir != NULL)
			home = pw->pw_dir;
		else
			home = "";
	}
	return xasprintf("%s/.config/sandbox-tui", home);
}

char *
config_default_path(void)
{
	char	*dir, *path;

	dir = config_base_dir();
	path = xasprintf("%s/config", dir);
	free(dir);
	return path;
}

/*
 * Creates every missing directory of the path with mode 0700 (mkdir -p).
 * Failure is left for the caller to meet when it writes a file there.
 */
char *
config_dir(void)
{
	char	*dir, *p;
	int	 rc;

	dir = config_base_dir();
	for (p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		rc = mkdir(dir, 0700);
		*p = '/';
		if (rc != 0 && errno != EEXIST)
			return dir;
	}
	mkdir(dir, 0700);
	return dir;
}
