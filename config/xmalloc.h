/*
 * Allocation that never returns NULL: running out of memory is not a
 * condition this program recovers from, so it aborts with a message instead
 * of threading NULL checks through every caller.  Shared by every folder.
 */
#ifndef SANDBOX_TUI_XMALLOC_H
#define SANDBOX_TUI_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xrealloc(void *, size_t);
void *xreallocarray(void *, size_t, size_t);
char *xstrdup(const char *);
char *xstrndup(const char *, size_t);
/* Returns a newly allocated formatted string; the caller frees it. */
char *xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *, va_list) __attribute__((format(printf, 1, 0)));
/* Wipes len bytes at p, then frees it: for memory that held a secret.
 * NULL is fine. */
void freezero(void *p, size_t len);

#endif
