/*
 * Searching the logs view's line store (see logbuf.h): plain substrings,
 * case-insensitive when the pattern has no uppercase (as in less and vim
 * with smartcase), in the lines as displayed, forward or backward from a
 * position and wrapping around the ends.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "vt/logbuf.h"

int
logbuf_smartcase(const char *pattern)
{
	for (; *pattern != '\0'; pattern++) {
		if (isupper((unsigned char)*pattern))
			return 0;
	}
	return 1;
}

int
logbuf_line_find(const struct logbuf_line *l, int with_ts, const char *pat,
    int icase, size_t from, size_t *off)
{
	const char	*s, *hit;
	size_t		 len, plen = strlen(pat), i;
	int		 first;

	logbuf_display(l, with_ts, &s, &len);
	if (plen == 0 || from > len || len - from < plen)
		return -1;
	if (!icase) {
		hit = memmem(s + from, len - from, pat, plen);
		if (hit == NULL)
			return -1;
		*off = (size_t)(hit - s);
		return 0;
	}
	first = tolower((unsigned char)pat[0]);
	for (i = from; i + plen <= len; i++) {
		if (tolower((unsigned char)s[i]) == first &&
		    strncasecmp(s + i, pat, plen) == 0) {
			*off = i;
			return 0;
		}
	}
	return -1;
}

/* The last match in line l starting before `before`. */
static int
logbuf_line_rfind(const struct logbuf_line *l, int with_ts, const char *pat,
    int icase, size_t before, size_t *off)
{
	size_t	from = 0, at;
	int	found = -1;

	while (logbuf_line_find(l, with_ts, pat, icase, from, &at) == 0 &&
	    at < before) {
		*off = at;
		found = 0;
		from = at + 1;
	}
	return found;
}

static int
logbuf_search_fwd(struct logbuf *lb, const char *pat, int icase,
    int with_ts, struct logbuf_pos *at, int *wrapped)
{
	size_t	n = logbuf_count(lb), i, off, from = at->off;

	for (i = at->line; i < n; i++, from = 0) {
		if (logbuf_line_find(logbuf_get(lb, i), with_ts, pat, icase,
		    from, &off) == 0)
			goto found;
	}
	*wrapped = 1;
	for (i = 0; i <= at->line && i < n; i++) {
		if (logbuf_line_find(logbuf_get(lb, i), with_ts, pat, icase,
		    0, &off) == 0)
			goto found;
	}
	return -1;
found:
	at->line = i;
	at->off = off;
	return 0;
}

static int
logbuf_search_back(struct logbuf *lb, const char *pat, int icase,
    int with_ts, struct logbuf_pos *at, int *wrapped)
{
	size_t	n = logbuf_count(lb), i, off, before = at->off;

	if (n == 0)
		return -1;
	i = at->line;
	if (i >= n) {
		i = n - 1;
		before = SIZE_MAX;
	}
	for (;; before = SIZE_MAX) {
		if (logbuf_line_rfind(logbuf_get(lb, i), with_ts, pat, icase,
		    before, &off) == 0)
			goto found;
		if (i-- == 0)
			break;
	}
	*wrapped = 1;
	for (i = n; i > at->line; i--) {
		if (logbuf_line_rfind(logbuf_get(lb, i - 1), with_ts, pat,
		    icase, SIZE_MAX, &off) == 0) {
			i--;
			goto found;
		}
	}
	return -1;
found:
	at->line = i;
	at->off = off;
	return 0;
}

int
logbuf_search(struct logbuf *lb, const char *pat, int icase, int with_ts,
    int backward, struct logbuf_pos *at, int *wrapped)
{
	*wrapped = 0;
	if (*pat == '\0')
		return -1;
	if (backward)
		return logbuf_search_back(lb, pat, icase, with_ts, at, wrapped);
	return logbuf_search_fwd(lb, pat, icase, with_ts, at, wrapped);
}
