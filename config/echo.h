/*
 * The one way text from elsewhere -- a server's answer, docker's output, a
 * value from a config file or the command line, a title an agent set -- is
 * shown in a message or a status line: printable UTF-8 as it is, every
 * other byte as \xNN, cut after a bound.  Shared by every folder; see
 * echo.c for why the rule is this one.
 */
#ifndef SANDBOX_TUI_ECHO_H
#define SANDBOX_TUI_ECHO_H

#include <stddef.h>

/* What a text cut short ends with. */
#define ECHO_CUT	"..."
/* The most bytes echo_text() returns for max, with the NUL. */
#define ECHO_SIZE(max)	((max) + sizeof ECHO_CUT)

/*
 * A copy of s fit for the terminal, caller frees: each character of
 * well-formed UTF-8 that is not a control (C0, DEL, C1) as it is, every
 * other byte as \xNN; at most max bytes of that, never half a character
 * or half an escape, then ECHO_CUT if some of s was left out.  NULL is
 * "(none)".
 */
char	*echo_text(const char *s, size_t max);
/* The same for the len bytes at s, a NUL byte shown as \x00. */
char	*echo_textn(const char *s, size_t len, size_t max);

#endif
