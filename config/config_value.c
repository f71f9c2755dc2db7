/*
 * Turns the text of one option value into its typed form, checking it
 * against the option table, and words the error when it does not fit:
 * each message names the option, quotes the rejected text and says what
 * would be accepted.  Values of secret options are never quoted.  Also
 * finds the option a misspelt name most likely meant.
 */

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config_int.h"
#include "config/echo.h"
#include "config/xmalloc.h"

/* Extra checks for string options whose text has a required form. */
struct config_value_check {
	const char	*name;
	int		(*check)(const char *);
	const char	*expect;
};

static int	config_value_check_target(const char *);
static int	config_value_check_env_names(const char *);
static int	config_value_check_regex(const char *);

static const struct config_value_check config_value_checks[] = {
	{ "target", config_value_check_target,
	  "is not a target (use auto, local, gce or "
	  "ssh://[user@]host[:port])" },
	{ "agents.env_secret", config_value_check_env_names,
	  "is not a list of environment variable names (use names such as "
	  "GITHUB_TOKEN separated by spaces)" },
	{ "agents.waiting_pattern", config_value_check_regex,
	  "is not a POSIX extended regular expression, or repeats too much "
	  "(at most 2000 characters once repeats such as {1,9} are written "
	  "out)" },
	{ "agents.busy_pattern", config_value_check_regex,
	  "is not a POSIX extended regular expression, or repeats too much "
	  "(at most 2000 characters once repeats such as {1,9} are written "
	  "out)" },
};

/*
 * glibc's regcomp() writes every repeat out: ((a{1,255}){1,255}){1,255}
 * takes gigabytes and a{1,32767} a minute and 8 GB.  A pattern may come
 * to this many atoms once written out, which costs some tens of MB.
 */
#define CONFIG_VALUE_REGEX_MAX		2000
#define CONFIG_VALUE_REGEX_DEPTH	32

/* a * b, or past the limit when that is (no overflow). */
static size_t
config_value_regex_mul(size_t a, size_t b)
{
	if (b != 0 && a > (CONFIG_VALUE_REGEX_MAX + 1) / b)
		return CONFIG_VALUE_REGEX_MAX + 1;
	return a * b;
}

/* The end of the bracket expression starting at s, or at its NUL. */
static const char *
config_value_regex_bracket(const char *s)
{
	const char	*p = s + 1;
	char		 end;

	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	for (; *p != '\0' && *p != ']'; p++) {
		if (*p == '[' && (p[1] == ':' || p[1] == '=' || p[1] == '.')) {
			end = p[1];
			for (p += 2; *p != '\0' && !(p[0] == end && p[1] == ']');
			    p++)
				;
			if (*p == '\0')
				return p;
			p++;
		}
	}
	return p;
}

/*
 * How many times x{m,n} writes x out: n, or m + 1 for x{m,}; 0 when s
 * does not start an interval.  *end is set to its '}'.
 */
static size_t
config_value_regex_interval(const char *s, const char **end)
{
	const char	*p = s + 1;
	size_t		 m = 0, n = 0;
	int		 comma = 0, digits = 0;

	for (; *p != '\0' && *p != '}'; p++) {
		if (*p == ',' && !comma)
			comma = 1;
		else if (*p >= '0' && *p <= '9') {
			digits = 1;
			if (comma)
				n = config_value_regex_mul(n, 10) + (size_t)(*p - '0');
			else
				m = config_value_regex_mul(m, 10) + (size_t)(*p - '0');
		} else
			return 0;
	}
	if (*p != '}' || (!digits && !comma))
		return 0;
	*end = p;
	if (comma && n == 0)
		n = m + 1;
	if (!comma)
		n = m;
	return n > 0 ? n : 1;
}

/*
 * The size of pattern s written out: a character or bracket expression
 * is one, a group the sum of what is in it, x{m,n} n times x, x* x+ x?
 * twice x.  Past CONFIG_VALUE_REGEX_MAX, it stops counting.
 */
static size_t
config_value_regex_size(const char *s)
{
	size_t		 sum[CONFIG_VALUE_REGEX_DEPTH + 1];
	size_t		 last[CONFIG_VALUE_REGEX_DEPTH + 1], times, atom;
	const char	*p, *end;
	int		 depth = 0;

	sum[0] = last[0] = 0;
	for (p = s; *p != '\0'; p++) {
		atom = 1;
		times = 0;
		switch (*p) {
		case '\\':
			if (p[1] != '\0')
				p++;
			break;
		case '[':
			if (*(p = config_value_regex_bracket(p)) == '\0')
				p--;
			break;
		case '(':
			if (depth == CONFIG_VALUE_REGEX_DEPTH)
				return CONFIG_VALUE_REGEX_MAX + 1;
			depth++;
			sum[depth] = last[depth] = 0;
			continue;
		case ')':
			if (depth > 0)
				atom = sum[depth--];
			break;
		case '|':
			last[depth] = 0;
			continue;
		case '*':
		case '+':
		case '?':
			times = 2;
			break;
		case '{':
			times = config_value_regex_interval(p, &end);
			if (times != 0)
				p = end;
			break;
		}
		if (times != 0) {
			sum[depth] -= last[depth];
			last[depth] = config_value_regex_mul(last[depth], times);
		} else
			last[depth] = atom;
		sum[depth] += last[depth];
		if (sum[depth] > CONFIG_VALUE_REGEX_MAX)
			return CONFIG_VALUE_REGEX_MAX + 1;
	}
	while (depth > 0) {
		atom = sum[depth--];
		sum[depth] += atom;
	}
	return sum[0];
}

/* Empty turns the pattern off, so it is accepted. */
static int
config_value_check_regex(const char *s)
{
	regex_t	re;

	if (*s == '\0')
		return 0;
	if (config_value_regex_size(s) > CONFIG_VALUE_REGEX_MAX)
		return -1;
	if (regcomp(&re, s, REG_EXTENDED | REG_NOSUB) != 0)
		return -1;
	regfree(&re);
	return 0;
}

/* Accepts ssh://[user@]host[:port], with host optionally in [brackets]. */
static int
config_value_check_ssh(const char *s)
{
	const char	*at, *host, *end, *p;
	long		 port;

	at = strchr(s, '@');
	if (at != NULL) {
		if (at == s || strchr(at + 1, '@') != NULL)
			return -1;
		host = at + 1;
	} else
		host = s;
	if (*host == '[') {
		if ((end = strchr(host, ']')) == NULL || end == host + 1)
			return -1;
		for (p = host + 1; p < end; p++) {
			if (!isxdigit((unsigned char)*p) && *p != ':' &&
			    *p != '.')
				return -1;
		}
		end++;
	} else {
		end = host + strcspn(host, ":");
		if (end == host)
			return -1;
		for (p = host; p < end; p++) {
			if (!isalnum((unsigned char)*p) && *p != '-' &&
			    *p != '.' && *p != '_')
				return -1;
		}
	}
	if (*end == '\0')
		return 0;
	if (*end != ':' || end[1] == '\0')
		return -1;
	port = 0;
	for (p = end + 1; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p))
			return -1;
		port = port * 10 + (*p - '0');
		if (port > 65535)
			return -1;
	}
	return port >= 1 ? 0 : -1;
}

static int
config_value_check_target(const char *s)
{
	const char	*user_end;

	if (strcmp(s, "auto") == 0 || strcmp(s, "local") == 0 ||
	    strcmp(s, "gce") == 0)
		return 0;
	if (strncmp(s, "ssh://", 6) != 0)
		return -1;
	s += 6;
	/* The user part may hold anything but '@', '/', ':' and spaces. */
	if ((user_end = strchr(s, '@')) != NULL &&
	    strcspn(s, "/: \t") < (size_t)(user_end - s))
		return -1;
	return config_value_check_ssh(s);
}

static int
config_value_check_env_names(const char *s)
{
	const char	*p = s;

	while (*p != '\0') {
		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		if (!isalpha((unsigned char)*p) && *p != '_')
			return -1;
		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		if (*p != '\0' && *p != ' ' && *p != '\t')
			return -1;
	}
	return 0;
}

/* Writes a byte count the way a user would: "256k", "4g", "100". */
static char *
config_value_size_text(long long n)
{
	if (n != 0 && n % (1024LL * 1024 * 1024) == 0)
		return xasprintf("%lldg", n / (1024LL * 1024 * 1024));
	if (n != 0 && n % (1024LL * 1024) == 0)
		return xasprintf("%lldm", n / (1024LL * 1024));
	if (n != 0 && n % 1024 == 0)
		return xasprintf("%lldk", n / 1024);
	return xasprintf("%lld", n);
}

static int
config_value_int(const struct option_def *od, const char *s, const char *shown,
    long *out, char **cause)
{
	char	*end;
	long	 n;

	if ((!isdigit((unsigned char)s[0]) && s[0] != '-' && s[0] != '+') ||
	    ((s[0] == '-' || s[0] == '+') && !isdigit((unsigned char)s[1]))) {
		*cause = xasprintf("%s: '%s' is not a number", od->name, shown);
		return -1;
	}
	errno = 0;
	n = strtol(s, &end, 10);
	if (*end != '\0') {
		*cause = xasprintf("%s: '%s' is not a number", od->name, shown);
		return -1;
	}
	if (errno == ERANGE || n < od->min || n > od->max) {
		*cause = xasprintf("%s: '%s' is out of range (%ld to %ld)",
		    od->name, shown, od->min, od->max);
		return -1;
	}
	*out = n;
	return 0;
}

static int
config_value_bool(const struct option_def *od, const char *s, const char *shown,
    int *out, char **cause)
{
	static const char	*yes[] = { "on", "yes", "true", "1" };
	static const char	*no[] = { "off", "no", "false", "0" };
	size_t			 i;

	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	*cause = xasprintf("%s: '%s' is not a boolean (use on/off, yes/no, "
	    "true/false)", od->name, shown);
	return -1;
}

static int
config_value_size(const struct option_def *od, const char *s, const char *shown,
    long long *out, char **cause)
{
	const char		*p = s;
	unsigned long long	 n = 0, mult = 1;
	char			*lo, *hi;

	if (!isdigit((unsigned char)*p))
		goto bad;
	for (; isdigit((unsigned char)*p); p++) {
		if (n > (ULLONG_MAX - 9) / 10)
			goto range;
		n = n * 10 + (unsigned)(*p - '0');
	}
	switch (tolower((unsigned char)*p)) {
	case 'k':
		mult = 1024;
		p++;
		break;
	case 'm':
		mult = 1024 * 1024;
		p++;
		break;
	case 'g':
		mult = 1024 * 1024 * 1024;
		p++;
		break;
	}
	if (*p == 'b' || *p == 'B')
		p++;
	if (*p != '\0')
		goto bad;
	if (n > (unsigned long long)LLONG_MAX / mult)
		goto range;
	n *= mult;
	if ((od->min != 0 || od->max != 0) &&
	    (n < (unsigned long long)od->min ||
	    n > (unsigned long long)od->max))
		goto range;
	*out = (long long)n;
	return 0;

bad:
	*cause = xasprintf("%s: '%s' is not a size (use a number of bytes "
	    "with an optional k, m or g suffix, such as 512k or 4g)",
	    od->name, shown);
	return -1;
range:
	lo = config_value_size_text(od->min);
	hi = config_value_size_text(od->max);
	*cause = xasprintf("%s: '%s' is out of range (%s to %s)", od->name,
	    shown, lo, hi);
	free(lo);
	free(hi);
	return -1;
}

/* Parses [+-]digits[.digits] whatever the process locale says about '.'. */
static int
config_value_float(const struct option_def *od, const char *s,
    const char *shown, double *out, char **cause)
{
	const char	*p = s;
	locale_t	 c_locale;
	double		 f;
	int		 digits = 0;

	if (*p == '+' || *p == '-')
		p++;
	for (; isdigit((unsigned char)*p); p++)
		digits++;
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++)
			digits++;
	}
	if (digits == 0 || *p != '\0') {
		*cause = xasprintf("%s: '%s' is not a decimal number (such as "
		    "1.5)", od->name, shown);
		return -1;
	}
	if ((c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0)) ==
	    (locale_t)0) {
		*cause = xasprintf("%s: cannot create the C locale", od->name);
		return -1;
	}
	f = strtod_l(s, NULL, c_locale);
	freelocale(c_locale);
	if ((od->min != 0 || od->max != 0) &&
	    (f < od->min / 1000.0 || f > od->max / 1000.0)) {
		*cause = xasprintf("%s: '%s' is out of range (%g to %g)",
		    od->name, shown, od->min / 1000.0, od->max / 1000.0);
		return -1;
	}
	*out = f;
	return 0;
}

static int
config_value_choice(const struct option_def *od, const char *s,
    const char *shown, long *out, char **cause)
{
	const char	*c = od->choices, *end;
	size_t		 len = strlen(s);
	long		 i = 0;

	while (c != NULL && *c != '\0') {
		end = c + strcspn(c, "|");
		if ((size_t)(end - c) == len && strncasecmp(c, s, len) == 0) {
			*out = i;
			return 0;
		}
		c = (*end == '|') ? end + 1 : end;
		i++;
	}
	*cause = xasprintf("%s: '%s' is not a valid value (use %s)", od->name,
	    shown, od->choices != NULL ? od->choices : "");
	return -1;
}

static int
config_value_string(const struct option_def *od, const char *s,
    const char *shown, char **cause)
{
	size_t	i;

	for (i = 0; i < sizeof config_value_checks /
	    sizeof config_value_checks[0]; i++) {
		if (strcmp(config_value_checks[i].name, od->name) != 0)
			continue;
		if (config_value_checks[i].check(s) != 0) {
			*cause = xasprintf("%s: '%s' %s", od->name, shown,
			    config_value_checks[i].expect);
			return -1;
		}
	}
	return 0;
}

/*
 * Checks text against od and stores the typed value in *out (OPT_CHOICE
 * stores the index of the choice in out->i).  The error names the option.
 */
int
config_value_parse(const struct option_def *od, const char *s,
    union config_parsed *out, char **cause)
{
	union config_parsed	 v;
	int			 rc = -1;
	/* Values come from files and the environment too: a message shows
	 * them as echo_text does. */
	char			*shown = echo_text(s, CONFIG_ECHO_MAX);

	memset(&v, 0, sizeof v);
	switch (od->type) {
	case OPT_STRING:
		rc = config_value_string(od, s, shown, cause);
		break;
	case OPT_INT:
		rc = config_value_int(od, s, shown, &v.i, cause);
		break;
	case OPT_BOOL:
		rc = config_value_bool(od, s, shown, &v.b, cause);
		break;
	case OPT_KEY:
		if ((v.k = key_parse(s)) == KEYC_NONE)
			*cause = xasprintf("%s: '%s' is not a key name (such as "
			    "C-a, M-x, F5 or z)", od->name, shown);
		else
			rc = 0;
		break;
	case OPT_CHOICE:
		rc = config_value_choice(od, s, shown, &v.i, cause);
		break;
	case OPT_SIZE:
		rc = config_value_size(od, s, shown, &v.size, cause);
		break;
	case OPT_FLOAT:
		rc = config_value_float(od, s, shown, &v.f, cause);
		break;
	}
	if (rc != 0 && od->secret) {
		free(*cause);
		*cause = xasprintf("%s: value rejected", od->name);
	}
	if (rc == 0)
		*out = v;
	free(shown);
	return rc;
}

/* Edit distance counting a swap of two neighbours as one edit. */
static size_t
config_value_distance(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b), i, j, best, *d;
	size_t	 w = lb + 1;

	d = xcalloc((la + 1) * w, sizeof *d);
	for (i = 0; i <= la; i++)
		d[i * w] = i;
	for (j = 0; j <= lb; j++)
		d[j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			best = d[(i - 1) * w + j] + 1;
			if (d[i * w + j - 1] + 1 < best)
				best = d[i * w + j - 1] + 1;
			if (d[(i - 1) * w + j - 1] + (a[i - 1] != b[j - 1]) <
			    best)
				best = d[(i - 1) * w + j - 1] +
				    (a[i - 1] != b[j - 1]);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] &&
			    d[(i - 2) * w + j - 2] + 1 < best)
				best = d[(i - 2) * w + j - 2] + 1;
			d[i * w + j] = best;
		}
	}
	best = d[la * w + lb];
	free(d);
	return best;
}

/* The option a misspelt name most likely meant, or NULL. */
static const char *
config_value_suggest(const char *name)
{
	const struct option_def	*od, *found = NULL;
	const char		*dot;
	size_t			 len = strlen(name), d, best = SIZE_MAX, limit;
	int			 nsuffix = 0;

	if (len > 128)
		return NULL;
	limit = len / 3 + 1;
	if (limit > 3)
		limit = 3;
	for (od = option_table; od->name != NULL; od++) {
		d = config_value_distance(name, od->name);
		if (d < best) {
			best = d;
			found = od;
		}
	}
	if (found != NULL && best <= limit)
		return found->name;

	/* "count" alone probably means the one option ending in ".count". */
	found = NULL;
	for (od = option_table; od->name != NULL; od++) {
		if ((dot = strrchr(od->name, '.')) != NULL &&
		    strcmp(dot + 1, name) == 0) {
			found = od;
			nsuffix++;
		}
	}
	return nsuffix == 1 ? found->name : NULL;
}

/* The message for an option name not in the table (caller frees). */
char *
config_value_unknown(const char *name)
{
	const char	*s = config_value_suggest(name);
	char		*shown = echo_text(name, CONFIG_ECHO_MAX), *msg;

	if (s != NULL)
		msg = xasprintf("unknown key '%s' (did you mean '%s'?)",
		    shown, s);
	else
		msg = xasprintf("unknown key '%s'", shown);
	free(shown);
	return msg;
}
