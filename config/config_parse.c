/*
 * The config language, read from the user's file and from the embedded
 * default.conf alike:
 *
 *	# a comment line
 *	target = ssh://me@box		# a trailing comment after whitespace
 *	[agents]			# later keys are agents.<key>
 *	count = 4
 *	image = "my image"		# "..." with \" and \\ escapes
 *	ssh.keepalive = 5		# a key with a dot is a full name
 *	bind z zoom			# bind KEY COMMAND...
 *	unbind z
 *
 * Sections only prefix keys, so an unknown key is reported with its full
 * dotted name.  An unquoted value ends at a '#' that follows whitespace.
 * bind and unbind are valid anywhere; the rest of a bind line is the
 * command, up to a '#' that follows whitespace outside double quotes.
 * Every error is "NAME:LINE: message"; the caller works on a copy so a
 * failed parse changes nothing.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_int.h"
#include "config/echo.h"
#include "config/xmalloc.h"

/*
 * Where a trailing "# comment" starts: a '#' at the start of s or after
 * whitespace, and with quotes set, not inside "...".
 */
static char *
config_parse_comment(char *s, int quotes)
{
	char	*p;
	int	 quoted = 0;

	for (p = s; *p != '\0'; p++) {
		if (quotes && quoted && *p == '\\' && p[1] != '\0')
			p++;
		else if (quotes && *p == '"')
			quoted = !quoted;
		else if (*p == '#' && !quoted &&
		    (p == s || isspace((unsigned char)p[-1])))
			return p;
	}
	return NULL;
}

static char *
config_parse_trim(char *s)
{
	char	*end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* Cuts a trailing comment and whitespace; returns the trimmed text. */
static char *
config_parse_strip(char *s, int quotes)
{
	char	*c;

	if ((c = config_parse_comment(s, quotes)) != NULL)
		*c = '\0';
	return config_parse_trim(s);
}

/* Splits the first word off *s; returns it, or NULL if there is none. */
static char *
config_parse_word(char **s)
{
	char	*p = *s, *word;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0')
		return NULL;
	word = p;
	while (*p != '\0' && !isspace((unsigned char)*p))
		p++;
	if (*p != '\0')
		*p++ = '\0';
	*s = p;
	return word;
}

static int
config_parse_bind(struct config *cfg, char *rest, int bind, char **cause)
{
	const char	*what = bind ? "bind" : "unbind";
	char		*name, *shown;
	key_code	 key;

	if ((name = config_parse_word(&rest)) == NULL) {
		*cause = xasprintf("%s: missing key name", what);
		return -1;
	}
	if ((key = key_parse(name)) == KEYC_NONE) {
		shown = echo_text(name, CONFIG_ECHO_MAX);
		*cause = xasprintf("%s: unknown key name '%s'", what, shown);
		free(shown);
		return -1;
	}
	rest = config_parse_strip(rest, 1);
	if (!bind) {
		if (*rest != '\0') {
			*cause = xstrdup("unbind: too many arguments");
			return -1;
		}
		config_unbind(cfg, key);
		return 0;
	}
	if (*rest == '\0') {
		shown = echo_text(name, CONFIG_ECHO_MAX);
		*cause = xasprintf("bind: missing command for '%s'", shown);
		free(shown);
		return -1;
	}
	config_bind(cfg, key, rest);
	return 0;
}

static int
config_parse_section(char *s, char **section, char **cause)
{
	char	*end, *name, *p;

	if ((end = strchr(s, ']')) == NULL) {
		*cause = xstrdup("missing ']'");
		return -1;
	}
	*end = '\0';
	if (*config_parse_strip(end + 1, 0) != '\0') {
		*cause = xstrdup("unexpected text after ']'");
		return -1;
	}
	name = config_parse_trim(s + 1);
	if (*name == '\0') {
		*cause = xstrdup("empty section name");
		return -1;
	}
	for (p = name; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-' &&
		    *p != '.') {
			name = echo_text(name, CONFIG_ECHO_MAX);
			*cause = xasprintf("invalid section name '%s'", name);
			free(name);
			return -1;
		}
	}
	free(*section);
	*section = xstrdup(name);
	return 0;
}

/* Unquotes "..." in place; the rest of the line may only be a comment. */
static int
config_parse_quoted(char *s, char **cause)
{
	char	*in = s + 1, *out = s;

	for (;;) {
		if (*in == '\0') {
			*cause = xstrdup("unterminated quote");
			return -1;
		}
		if (*in == '"')
			break;
		if (*in == '\\') {
			if (in[1] != '"' && in[1] != '\\') {
				*cause = xstrdup("invalid escape in quoted value "
				    "(only \\\" and \\\\ are allowed)");
				return -1;
			}
			in++;
		}
		*out++ = *in++;
	}
	*out = '\0';
	if (*config_parse_strip(in + 1, 0) != '\0') {
		*cause = xstrdup("unexpected text after closing quote");
		return -1;
	}
	return 0;
}

static int
config_parse_assign(struct config *cfg, char *s, const char *section,
    enum config_origin origin, char **cause)
{
	char	*eq, *key, *value, *name;
	int	 rc;

	if ((eq = strchr(s, '=')) == NULL) {
		*cause = xstrdup("missing '='");
		return -1;
	}
	*eq = '\0';
	key = config_parse_trim(s);
	if (*key == '\0') {
		*cause = xstrdup("missing key before '='");
		return -1;
	}

	value = eq + 1;
	while (isspace((unsigned char)*value))
		value++;
	if (*value == '"') {
		if (config_parse_quoted(value, cause) != 0)
			return -1;
	} else
		value = config_parse_strip(eq + 1, 0);

	if (section == NULL || strchr(key, '.') != NULL)
		name = xstrdup(key);
	else
		name = xasprintf("%s.%s", section, key);
	rc = config_set(cfg, name, value, origin, cause);
	free(name);
	return rc;
}

/*
 * Is line "WORD" or "WORD ..."?  No option is named bind or unbind, so
 * "bind = zoom" binds the '=' key; only "bind=..." is an assignment.
 */
static char *
config_parse_command(char *s, const char *word)
{
	size_t	 len = strlen(word);

	if (strncmp(s, word, len) != 0)
		return NULL;
	if (s[len] != '\0' && !isspace((unsigned char)s[len]))
		return NULL;
	return s + len;
}

static int
config_parse_line(struct config *cfg, char *line, char **section,
    enum config_origin origin, char **cause)
{
	char	*s = line, *rest;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\0' || *s == '#')
		return 0;
	if (*s == '[')
		return config_parse_section(s, section, cause);
	if ((rest = config_parse_command(s, "bind")) != NULL)
		return config_parse_bind(cfg, rest, 1, cause);
	if ((rest = config_parse_command(s, "unbind")) != NULL)
		return config_parse_bind(cfg, rest, 0, cause);
	return config_parse_assign(cfg, s, *section, origin, cause);
}

/* Applies text to cfg line by line, stopping at the first bad line. */
int
config_parse(struct config *cfg, const char *name, const char *text,
    enum config_origin origin, char **cause)
{
	const char	*p = text, *end;
	char		*line, *section = NULL, *error = NULL;
	unsigned int	 n = 0;
	size_t		 len;
	int		 rc = 0;

	while (*p != '\0') {
		end = strchr(p, '\n');
		len = (end != NULL) ? (size_t)(end - p) : strlen(p);
		n++;
		line = xstrndup(p, len);
		if (len != 0 && line[len - 1] == '\r')
			line[len - 1] = '\0';
		rc = config_parse_line(cfg, line, &section, origin, &error);
		free(line);
		if (rc != 0) {
			*cause = xasprintf("%s:%u: %s", name, n, error);
			free(error);
			break;
		}
		p += len;
		if (*p == '\n')
			p++;
	}
	free(section);
	return rc;
}
