/*
 * The project, zone and region a gcloud user already chose, so that
 * sandbox-tui works with no settings of its own.  Each value comes from
 * the first of: our config option, gcloud's CLOUDSDK_* environment
 * variable, the active gcloud configuration file.  The region, when not
 * set at least as specifically as the zone, is the zone's: a zone given
 * with gcp.zone wins over a region left in an old gcloud configuration.
 *
 * gcloud writes its configurations with Python's configparser, so the
 * reader here accepts what configparser accepts for our few keys:
 * [section] lines, "key = value" or "key: value", full-line comments
 * starting with # or ;, indented continuation lines, case-insensitive key
 * names.  The files are read only when a value is still missing, so a
 * broken gcloud file cannot stand in the way of explicit settings.
 */
#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config/echo.h"
#include "config/xmalloc.h"
#include "gcp/gcloud.h"

/* Longest name from a file or the environment echoed in a message. */
#define GCLOUD_ECHO_MAX	64

/* How specific a setting is: a higher level was set closer to this run. */
enum gcloud_level { GCLOUD_NONE, GCLOUD_FILE, GCLOUD_ENV, GCLOUD_OPT };

/* The active configuration, read on first need. */
struct gcloud_active {
	int	 loaded;
	char	*name;
	char	*path;		/* configurations/config_NAME */
	char	*from;		/* "gcloud configuration 'NAME'" */
};

char *
gcloud_config_dir(void)
{
	const char	*env = getenv("CLOUDSDK_CONFIG");
	const char	*home = getenv("HOME");
	struct passwd	*pw;

	if (env != NULL && *env != '\0')
		return xstrdup(env);
	if (home == NULL || *home == '\0') {
		pw = getpwuid(getuid());
		home = pw != NULL ? pw->pw_dir : "";
	}
	return xasprintf("%s/.config/gcloud", home);
}

/* Trims whitespace at both ends in place; returns the new start. */
static char *
gcloud_trim(char *s)
{
	size_t	len;

	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		s[--len] = '\0';
	return s;
}

/* Appends a continuation line, after the blank lines that preceded it. */
static void
gcloud_continue(char **value, int blanks, const char *more)
{
	size_t	 have = strlen(*value), mlen = strlen(more);
	char	*n;

	n = xmalloc(have + 1 + blanks + mlen + 1);
	memcpy(n, *value, have);
	memset(n + have, '\n', 1 + blanks);
	memcpy(n + have + 1 + blanks, more, mlen + 1);
	free(*value);
	*value = n;
}

/* The state of one read: the section and option the lines belong to. */
struct gcloud_ini {
	const char	*path;
	unsigned long	 lineno;
	char		*section;	/* current [section] */
	long		 indent;	/* of the current option; -1: none */
	int		 ours;		/* the current option is the wanted one */
	int		 blanks;	/* blank lines since its last line */
};

/*
 * One line that is not blank, a comment or a continuation: a [section]
 * or a "key = value" (or "key: value").  -1 with *cause if neither.
 */
static int
gcloud_ini_line(struct gcloud_ini *ini, char *p, const char *section,
    const char *key, char **value, char **cause)
{
	char	*sep, *name;

	ini->ours = 0;
	ini->blanks = 0;
	if (*p == '[') {
		sep = strrchr(p, ']');
		if (sep == NULL || sep[1] != '\0' || sep == p + 1) {
			*cause = xasprintf("%s:%lu: expected [section]",
			    ini->path, ini->lineno);
			return -1;
		}
		free(ini->section);
		ini->section = xstrndup(p + 1, sep - p - 1);
		ini->indent = -1;
		return 0;
	}
	sep = p + strcspn(p, "=:");
	if (*sep == '\0' || sep == p) {
		*cause = xasprintf("%s:%lu: expected key = value", ini->path,
		    ini->lineno);
		return -1;
	}
	if (ini->section == NULL) {
		*cause = xasprintf("%s:%lu: key outside any [section]",
		    ini->path, ini->lineno);
		return -1;
	}
	*sep = '\0';
	name = gcloud_trim(p);
	if (strcmp(ini->section, section) != 0 || strcasecmp(name, key) != 0)
		return 0;
	if (*value != NULL) {
		*cause = xasprintf("%s:%lu: %s set twice in [%s]", ini->path,
		    ini->lineno, key, section);
		return -1;
	}
	*value = xstrdup(gcloud_trim(sep + 1));
	ini->ours = 1;
	return 0;
}

/*
 * A missing file is not an error (*value stays NULL): most users have no
 * configuration for some of the keys.  As in configparser, a line indented
 * deeper than its option continues that option's value, blank lines
 * included, and comments are skipped anywhere.
 */
int
gcloud_ini_get(const char *path, const char *section, const char *key,
    char **value, char **cause)
{
	struct gcloud_ini	 ini = { .path = path, .indent = -1 };
	FILE			*f;
	char			*line = NULL, *p;
	size_t			 cap = 0;
	ssize_t			 len;
	long			 indent;
	int			 rc = -1;

	*value = NULL;
	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &cap, f)) != -1) {
		ini.lineno++;
		if (memchr(line, '\0', len) != NULL) {
			*cause = xasprintf("%s:%lu: not a text file", path,
			    ini.lineno);
			goto out;
		}
		p = gcloud_trim(line);
		indent = p - line;
		if (*p == '#' || *p == ';')
			continue;
		if (*p == '\0') {
			if (ini.indent >= 0)
				ini.blanks++;
			continue;
		}
		if (ini.indent >= 0 && indent > ini.indent) {
			if (ini.ours)
				gcloud_continue(value, ini.blanks, p);
			ini.blanks = 0;
			continue;
		}
		ini.indent = indent;
		if (gcloud_ini_line(&ini, p, section, key, value, cause) != 0)
			goto out;
	}
	if (ferror(f)) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (rc != 0) {
		free(*value);
		*value = NULL;
	}
	free(ini.section);
	free(line);
	fclose(f);
	return rc;
}

/* gcloud's own rule for configuration names, so no name leaves the dir. */
static int
gcloud_valid_name(const char *name)
{
	const char	*p;

	if (!islower((unsigned char)*name))
		return 0;
	for (p = name; *p != '\0'; p++) {
		if (!islower((unsigned char)*p) &&
		    !isdigit((unsigned char)*p) && *p != '-')
			return 0;
	}
	return 1;
}

/* Reads the first line of the active_config file, if there is one. */
static int
gcloud_read_active(const char *path, char **name, char **cause)
{
	FILE	*f;
	char	*line = NULL;
	size_t	 cap = 0;

	*name = NULL;
	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	if (getline(&line, &cap, f) != -1)
		*name = xstrdup(gcloud_trim(line));
	else if (ferror(f)) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		free(line);
		fclose(f);
		return -1;
	}
	free(line);
	fclose(f);
	if (*name != NULL && **name == '\0') {
		free(*name);
		*name = NULL;
	}
	return 0;
}

/* Finds the active configuration: its name, file and label. */
static int
gcloud_active_load(struct gcloud_active *act, char **cause)
{
	const char	*env = getenv("CLOUDSDK_ACTIVE_CONFIG_NAME");
	char		*dir = gcloud_config_dir(), *file, *name = NULL, *echo;
	const char	*src;
	int		 rc = -1;

	act->loaded = 1;
	file = xasprintf("%s/active_config", dir);
	if (env != NULL && *env != '\0') {
		name = xstrdup(env);
		src = "CLOUDSDK_ACTIVE_CONFIG_NAME";
	} else {
		if (gcloud_read_active(file, &name, cause) != 0)
			goto out;
		if (name == NULL)
			name = xstrdup("default");
		src = file;
	}
	if (!gcloud_valid_name(name)) {
		echo = echo_text(name, GCLOUD_ECHO_MAX);
		*cause = xasprintf("%s: '%s' is not a gcloud configuration "
		    "name", src, echo);
		free(echo);
		goto out;
	}
	act->name = name;
	act->path = xasprintf("%s/configurations/config_%s", dir, name);
	act->from = xasprintf("gcloud configuration '%s'", name);
	name = NULL;
	rc = 0;
out:
	free(name);
	free(file);
	free(dir);
	return rc;
}

/* One value from the first place that sets it; level says which. */
static int
gcloud_pick(const char *opt, const char *opt_name, const char *env,
    const char *section, const char *key, int use_file,
    struct gcloud_active *act, char **value, char **from,
    enum gcloud_level *level, char **cause)
{
	const char	*e = getenv(env);
	char		*v = NULL;

	*level = GCLOUD_NONE;
	if (opt != NULL && *opt != '\0') {
		*value = xstrdup(opt);
		*from = xstrdup(opt_name);
		*level = GCLOUD_OPT;
		return 0;
	}
	if (e != NULL && *e != '\0') {
		*value = xstrdup(e);
		*from = xstrdup(env);
		*level = GCLOUD_ENV;
		return 0;
	}
	if (!use_file)
		return 0;
	if (!act->loaded && gcloud_active_load(act, cause) != 0)
		return -1;
	if (gcloud_ini_get(act->path, section, key, &v, cause) != 0)
		return -1;
	if (v == NULL || *v == '\0') {
		free(v);
		return 0;
	}
	*value = v;
	*from = xstrdup(act->from);
	*level = GCLOUD_FILE;
	return 0;
}

int
gcloud_place(const char *opt_project, const char *opt_zone,
    const char *opt_region, struct gcloud_place *place, char **cause)
{
	struct gcloud_active	 act = { 0 };
	enum gcloud_level	 plevel, zlevel, rlevel;
	char			*dash;
	int			 rc = -1;

	memset(place, 0, sizeof *place);
	if (gcloud_pick(opt_project, "gcp.project", "CLOUDSDK_CORE_PROJECT",
	    "core", "project", 1, &act, &place->project,
	    &place->project_from, &plevel, cause) != 0)
		goto out;
	if (gcloud_pick(opt_zone, "gcp.zone", "CLOUDSDK_COMPUTE_ZONE",
	    "compute", "zone", 1, &act, &place->zone, &place->zone_from,
	    &zlevel, cause) != 0)
		goto out;
	/* A file's region cannot beat a zone set more specifically. */
	if (gcloud_pick(opt_region, "gcp.region", "CLOUDSDK_COMPUTE_REGION",
	    "compute", "region", zlevel <= GCLOUD_FILE, &act, &place->region,
	    &place->region_from, &rlevel, cause) != 0)
		goto out;
	if (place->zone != NULL && rlevel < zlevel &&
	    (dash = strrchr(place->zone, '-')) != NULL &&
	    dash != place->zone) {
		free(place->region);
		free(place->region_from);
		place->region = xstrndup(place->zone, dash - place->zone);
		place->region_from = xasprintf("zone %s", place->zone);
	}
	rc = 0;
out:
	if (rc != 0)
		gcloud_place_free(place);
	free(act.name);
	free(act.path);
	free(act.from);
	return rc;
}

void
gcloud_place_free(struct gcloud_place *place)
{
	free(place->project);
	free(place->zone);
	free(place->region);
	free(place->project_from);
	free(place->zone_from);
	free(place->region_from);
	memset(place, 0, sizeof *place);
}
