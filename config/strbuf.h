/*
 * A growing NUL-terminated string, for text built piece by piece (shell
 * commands in gcp/, exported files in layouts/).  Zero-initialise it; the
 * string is b.s (NULL until something is added) or strbuf_take()'s result.
 * Shared by every folder, like xmalloc.h.
 */
#ifndef SANDBOX_TUI_STRBUF_H
#define SANDBOX_TUI_STRBUF_H

#include <stddef.h>

struct strbuf {
	char	*s;
	size_t	 len;
	size_t	 size;
};

void	 strbuf_add(struct strbuf *, const char *);
/* len bytes of s, which may hold NULs (the string then stops there). */
void	 strbuf_addn(struct strbuf *, const char *, size_t len);
void	 strbuf_printf(struct strbuf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* The string ("" if empty), now the caller's; the buffer is empty again. */
char	*strbuf_take(struct strbuf *);

#endif
