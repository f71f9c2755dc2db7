/*
 * Quoting for a POSIX shell (see shquote.c): every value the program puts
 * into a command that runs under sh goes through sh_quote().  Shared by
 * every folder, like xmalloc.h.
 */
#ifndef SANDBOX_TUI_SHQUOTE_H
#define SANDBOX_TUI_SHQUOTE_H

/* Quotes s for a POSIX shell: 'a'\''b'; NULL as ''. Caller frees. */
char *sh_quote(const char *s);

#endif
