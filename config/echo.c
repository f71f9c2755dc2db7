/*
 * Text echoed to the user's terminal (see echo.h).  Whatever a server, a
 * VM, docker or an agent wrote may be crafted: an ESC in it would let it
 * move the cursor, repaint the screen or set the window title of the
 * user's terminal, and a C1 control is CSI or ST to some terminals, sent
 * as UTF-8 (C2 9B) or as a byte that is not UTF-8 (9B).  Values the user
 * typed may hold a stray control byte too.
 *
 * Why \xNN and not '?' or a space: the reader sees that something was
 * there and which byte it was ("workspace_dir '/ws\x0a'" shows the line
 * break a '?' would hide, and an ESC shows as \x1b, not as a typo), the
 * text says the same in any font and locale, and a real '?' or space in
 * the text stays unambiguous.  Tabs and line breaks are no exception: a
 * message is one line, and \x0a reads as a line break to anyone who sees
 * it.  A backslash is left as it is, so paths and regular expressions read
 * as written; a literal "\x1b" in the text looks like an escaped ESC, which
 * misleads nobody's terminal.  A C1 control is shown as the two bytes it
 * was sent as, like any other byte that is not shown.
 *
 * The bound counts the bytes shown, escapes included, so a message stays
 * short however hostile its input, and a cut never splits a character or
 * an escape.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "config/echo.h"
#include "config/utf8.h"
#include "config/xmalloc.h"

char *
echo_textn(const char *s, size_t len, size_t max)
{
	char		*out = xmalloc(ECHO_SIZE(max));
	size_t		 o = 0, n;
	uint32_t	 cp;

	while (len > 0) {
		n = utf8_valid_len(s, len);
		if (n != 0) {
			utf8_decode(s, n, &cp);
			if (utf8_is_control(cp))
				n = 0;
		}
		if (o + (n != 0 ? n : 4) > max) {
			memcpy(out + o, ECHO_CUT, sizeof ECHO_CUT);
			return out;
		}
		if (n != 0) {
			memcpy(out + o, s, n);
			o += n;
		} else {
			/* One byte at a time: the bytes of a bad sequence
			 * are continuation bytes, bad on their own too. */
			snprintf(out + o, 5, "\\x%02x", (unsigned char)*s);
			o += 4;
			n = 1;
		}
		s += n;
		len -= n;
	}
	out[o] = '\0';
	return out;
}

char *
echo_text(const char *s, size_t max)
{
	if (s == NULL)
		return xstrdup("(none)");
	return echo_textn(s, strlen(s), max);
}
