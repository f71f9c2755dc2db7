/*
 * Quoting for the remote shell.  Every value the program puts into a
 * command that runs under sh (over SSH or locally) goes through sh_quote(),
 * so a container name, path or argument is always one literal word.
 */

#include <string.h>

#include "config/shquote.h"
#include "config/xmalloc.h"

/*
 * Single quotes keep every byte literal except the single quote itself,
 * which is written as '\'' (close, escaped quote, reopen).  Returns a new
 * string; the caller frees it.  NULL quotes like the empty string.
 */
char *
sh_quote(const char *s)
{
	const char	*p;
	char		*out, *q;
	size_t		 len = 2;

	if (s == NULL)
		s = "";
	for (p = s; *p != '\0'; p++)
		len += *p == '\'' ? 4 : 1;
	out = q = xmalloc(len + 1);
	*q++ = '\'';
	for (p = s; *p != '\0'; p++) {
		if (*p == '\'') {
			memcpy(q, "'\\''", 4);
			q += 4;
		} else
			*q++ = *p;
	}
	*q++ = '\'';
	*q = '\0';
	return out;
}
