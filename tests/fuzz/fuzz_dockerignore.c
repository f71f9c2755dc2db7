/*
 * A build context's .dockerignore (gcp/dockerignore.c) on hostile text:
 * parsed, then paths matched against it with dockerignore_excluded and
 * dockerignore_may_keep_below.  The packer trusts may-keep-below to skip
 * a left-out folder unread, so that is checked: when a folder is left out
 * and nothing below it may be kept, every path below it must be left out
 * too.  Only clean paths (no empty, "." or ".." parts) are checked so;
 * the packer makes no others, but every path is matched.
 *
 * Input: the .dockerignore text up to the first NUL byte; after it, paths
 * separated by NUL bytes.
 */
#include <stdio.h>

#include "gcp/dockerignore.h"
#include "tests/fuzz/fuzz.h"

/* Has path no empty, "." or ".." part, and no '/' at either end? */
static int
fuzz_dockerignore_clean(const char *path)
{
	const char	*p = path, *end;
	size_t		 len;

	for (;;) {
		end = strchr(p, '/');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		if (len == 0 || (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (end == NULL)
			return 1;
		p = end + 1;
	}
}

static void
fuzz_dockerignore_path(struct dockerignore *di, char *path)
{
	char	*slash;
	int	 out;

	out = dockerignore_excluded(di, path);
	(void)dockerignore_may_keep_below(di, path);
	if (!fuzz_dockerignore_clean(path))
		return;
	/* Each folder above path, from the top down. */
	for (slash = strchr(path, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (dockerignore_excluded(di, path) &&
		    !dockerignore_may_keep_below(di, path) && !out) {
			fprintf(stderr, "'%s' is left out and nothing below "
			    "may be kept, but '%s/%s' is kept\n", path, path,
			    slash + 1);
			abort();
		}
		*slash = '/';
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dockerignore	*di;
	char			*all, *cause = NULL, *p, *end;

	all = fuzz_cstring(data, size);
	end = all + size;
	di = dockerignore_parse(all, ".dockerignore", &cause);
	if (di == NULL) {
		if (cause == NULL || strncmp(cause, ".dockerignore:", 14) != 0)
			abort();
		free(cause);
		free(all);
		return 0;
	}
	if (cause != NULL)
		abort();
	for (p = all + strlen(all); p < end; p += strlen(p))
		fuzz_dockerignore_path(di, ++p);
	dockerignore_free(di);
	free(all);
	return 0;
}
