/*
 * .dockerignore patterns (see dockerignore.h), kept as cleaned lists of
 * path components so that matching never has to think about slashes.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/strbuf.h"
#include "config/xmalloc.h"
#include "gcp/dockerignore.h"

/* Bigger than any sane ignore file; a guard against reading a huge one. */
#define DOCKERIGNORE_MAX	(1024 * 1024)

struct dockerignore_rule {
	char	**parts;
	size_t	  nparts;
	int	  exception;
	int	  literal;	/* no wildcard or escape anywhere */
};

struct dockerignore {
	struct dockerignore_rule	*rules;
	size_t				 n;
};

#define DOCKERIGNORE_SPACE(c)	((c) == ' ' || (c) == '\t' || (c) == '\r' || \
				 (c) == '\v' || (c) == '\f')

static void
dockerignore_parts_free(char **parts, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(parts[i]);
	free(parts);
}

/*
 * Splits s at '/' the way Go's filepath.Clean would leave it: no empty or
 * "." components, ".." taking back the one before (kept when there is
 * none: such a pattern reaches outside the context and matches nothing).
 */
static char **
dockerignore_split(const char *s, size_t *n)
{
	char		**parts = NULL;
	const char	 *p = s, *end;
	size_t		  len;

	*n = 0;
	while (*p != '\0') {
		end = strchr(p, '/');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		if (len == 0 || (len == 1 && p[0] == '.'))
			;
		else if (len == 2 && p[0] == '.' && p[1] == '.' && *n > 0 &&
		    strcmp(parts[*n - 1], "..") != 0)
			free(parts[--*n]);
		else {
			parts = xreallocarray(parts, *n + 1, sizeof *parts);
			parts[(*n)++] = xstrndup(p, len);
		}
		p += len;
		if (*p == '/')
			p++;
	}
	return parts;
}

/*
 * Docker hands a pattern's [...] to Go's regexp, where only '^' negates;
 * fnmatch() also takes '!', so a '!' first in a class is made literal.
 * Adjacent "**" parts are one: each would multiply the matching work.
 */
static void
dockerignore_like_docker(struct dockerignore_rule *r)
{
	struct strbuf	 b;
	char		*p;
	size_t		 i, j;

	for (i = 0; i < r->nparts; i++) {
		if (strpbrk(r->parts[i], "*?[\\") != NULL)
			r->literal = 0;
		memset(&b, 0, sizeof b);
		for (p = r->parts[i]; *p != '\0'; p++) {
			if (*p == '\\' && p[1] != '\0') {
				strbuf_printf(&b, "%c%c", p[0], p[1]);
				p++;
			} else if (*p == '[' && p[1] == '!') {
				strbuf_add(&b, "[\\!");
				p++;
			} else
				strbuf_printf(&b, "%c", *p);
		}
		free(r->parts[i]);
		r->parts[i] = strbuf_take(&b);
	}
	for (i = j = 0; i < r->nparts; i++) {
		if (j > 0 && strcmp(r->parts[i], "**") == 0 &&
		    strcmp(r->parts[j - 1], "**") == 0)
			free(r->parts[i]);
		else
			r->parts[j++] = r->parts[i];
	}
	r->nparts = j;
}

/* A "**" part before the last may stand for nothing: step over it. */
static void
dockerignore_skip_stars(const struct dockerignore_rule *r, unsigned char *at)
{
	size_t	i;

	for (i = 0; i + 1 < r->nparts; i++) {
		if (at[i] && strcmp(r->parts[i], "**") == 0)
			at[i + 1] = 1;
	}
}

/*
 * The pattern matches path or one of the folders it is in.  It is walked
 * down the path once, keeping the set of pattern parts that could come
 * next (at[i]: parts[i] is next; at[nparts]: all matched), so matching
 * costs at most parts times components fnmatch() calls.  Trying every
 * way to spread several "**" over the path instead costs exponentially
 * many: a .dockerignore in a context must not hang the build.
 */
static int
dockerignore_rule_matches(const struct dockerignore_rule *r, char **path,
    size_t n)
{
	unsigned char	*at, *next, *tmp;
	size_t		 np = r->nparts, i, k;
	int		 hit = 0, any = 1;

	at = xcalloc(np + 1, 1);
	next = xcalloc(np + 1, 1);
	at[0] = 1;
	dockerignore_skip_stars(r, at);
	for (k = 0; k < n && any && !hit; k++) {
		memset(next, 0, np + 1);
		for (i = 0; i < np; i++) {
			if (!at[i])
				continue;
			/* "**" takes this part and maybe more; at the end
			 * it stands for something, not for nothing. */
			if (strcmp(r->parts[i], "**") == 0)
				next[i] = next[i + 1] = 1;
			else if (fnmatch(r->parts[i], path[k], 0) == 0)
				next[i + 1] = 1;
		}
		dockerignore_skip_stars(r, next);
		tmp = at;
		at = next;
		next = tmp;
		hit = at[np];
		for (any = 0, i = 0; i < np && !any; i++)
			any = at[i];
	}
	free(next);
	free(at);
	return hit;
}

/* fnmatch() reports a broken pattern only by not matching: look first. */
static int
dockerignore_bad_class(const char *s)
{
	const char	*p;

	for (p = s; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '[') {
			p++;
			if (*p == '!' || *p == '^')
				p++;
			if (*p == ']')
				p++;
			while (*p != '\0' && *p != ']')
				p++;
			if (*p == '\0')
				return 1;
		}
	}
	return 0;
}

struct dockerignore *
dockerignore_parse(const char *text, const char *file, char **cause)
{
	struct dockerignore	 *di = xcalloc(1, sizeof *di);
	struct dockerignore_rule *r;
	const char		 *line = text, *nl;
	char			 *s, *p, *e;
	size_t			  lineno = 0;

	/* As docker: a byte order mark (Windows editors) is not a pattern. */
	if (strncmp(line, "\xef\xbb\xbf", 3) == 0)
		line += 3;
	while (*line != '\0') {
		lineno++;
		nl = strchr(line, '\n');
		s = nl != NULL ? xstrndup(line, nl - line) : xstrdup(line);
		line = nl != NULL ? nl + 1 : line + strlen(line);
		if (s[0] == '#') {
			free(s);
			continue;
		}
		for (p = s; DOCKERIGNORE_SPACE(*p); p++)
			;
		e = p + strlen(p);
		while (e > p && DOCKERIGNORE_SPACE(e[-1]))
			*--e = '\0';
		if (*p == '\0') {
			free(s);
			continue;
		}
		di->rules = xreallocarray(di->rules, di->n + 1,
		    sizeof *di->rules);
		r = &di->rules[di->n];
		memset(r, 0, sizeof *r);
		if (*p == '!') {
			r->exception = 1;
			for (p++; *p == ' ' || *p == '\t'; p++)
				;
		}
		if (*p == '\0' || dockerignore_bad_class(p)) {
			if (*p == '\0')
				*cause = xasprintf("%s:%zu: '!' with no "
				    "pattern after it", file, lineno);
			else
				*cause = xasprintf("%s:%zu: a '[' with no "
				    "']' to close it", file, lineno);
			free(s);
			dockerignore_free(di);
			return NULL;
		}
		r->parts = dockerignore_split(p, &r->nparts);
		r->literal = 1;
		dockerignore_like_docker(r);
		di->n++;
		free(s);
	}
	return di;
}

struct dockerignore *
dockerignore_load(const char *dir, char **cause)
{
	struct dockerignore	*di = NULL;
	struct strbuf		 b = { NULL, 0, 0 };
	char			*path, buf[8192];
	size_t			 got, total = 0;
	int			 bad = 0, err = 0;
	FILE			*f;

	path = xasprintf("%s/.dockerignore", dir);
	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			di = xcalloc(1, sizeof *di);
		else
			*cause = xasprintf("%s: %s", path, strerror(errno));
		free(path);
		return di;
	}
	while ((got = fread(buf, 1, sizeof buf - 1, f)) > 0) {
		total += got;
		if (total > DOCKERIGNORE_MAX ||
		    memchr(buf, '\0', got) != NULL) {
			bad = 1;
			break;
		}
		buf[got] = '\0';
		strbuf_add(&b, buf);
	}
	if (!bad && ferror(f))
		err = errno;
	fclose(f);
	if (bad)
		*cause = xasprintf("%s: not a text file of patterns", path);
	else if (err != 0)
		*cause = xasprintf("%s: %s", path, strerror(err));
	else
		di = dockerignore_parse(b.s != NULL ? b.s : "", path, cause);
	free(b.s);
	free(path);
	return di;
}

void
dockerignore_free(struct dockerignore *di)
{
	size_t	i;

	if (di == NULL)
		return;
	for (i = 0; i < di->n; i++)
		dockerignore_parts_free(di->rules[i].parts,
		    di->rules[i].nparts);
	free(di->rules);
	free(di);
}

int
dockerignore_excluded(const struct dockerignore *di, const char *path)
{
	char	**parts;
	size_t	  n, i;
	int	  out = 0;

	if (di->n == 0)
		return 0;
	parts = dockerignore_split(path, &n);
	for (i = 0; i < di->n; i++) {
		/* A line can only change the answer it disagrees with. */
		if (di->rules[i].exception != out)
			continue;
		if (dockerignore_rule_matches(&di->rules[i], parts, n))
			out = !di->rules[i].exception;
	}
	dockerignore_parts_free(parts, n);
	return out;
}

int
dockerignore_may_keep_below(const struct dockerignore *di, const char *dir)
{
	const struct dockerignore_rule	*r;
	char				**parts;
	size_t				  n, i, k;
	int				  may = 0;

	parts = dockerignore_split(dir, &n);
	for (i = 0; i < di->n && !may; i++) {
		r = &di->rules[i];
		if (!r->exception)
			continue;
		/* A wildcard could match anywhere; a plain path only below
		 * the folder it names. */
		if (!r->literal)
			may = 1;
		else if (r->nparts > n) {
			for (k = 0; k < n && strcmp(r->parts[k], parts[k]) == 0;
			    k++)
				;
			may = k == n;
		}
	}
	dockerignore_parts_free(parts, n);
	return may;
}
