/*
 * UTF-8 as the standard defines it (RFC 3629): the decoder takes only the
 * shortest form of a code point up to U+10FFFF and no surrogates, so no
 * overlong form can smuggle a control byte (C0 9B is not ESC) and nothing
 * outside Unicode reaches a pane.  The one codec of the program, shared by
 * every folder: whole buffers (utf8_decode), bytes that come one at a time
 * and may stop inside a character (utf8_step), and the steps over text
 * that must not split a character (utf8_prev, utf8_cut).
 */
#ifndef SANDBOX_TUI_UTF8_H
#define SANDBOX_TUI_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define UTF8_REPLACEMENT	0xfffdu

/*
 * Decodes the character at s (len > 0 bytes).  Returns the bytes it takes
 * with *cp set; 0 when s is a valid start cut short by the end of the
 * buffer (more bytes may complete it); for an invalid sequence, the bytes
 * of its longest valid start (at least 1) with *cp U+FFFD, so decoding
 * goes on after it.
 */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);
/* The bytes of the well-formed character at s (len > 0), or 0 when it is
 * not one (bad, or cut short by the end). */
size_t utf8_valid_len(const char *s, size_t len);
/* Whether all len bytes at s are well-formed UTF-8. */
int utf8_valid(const char *s, size_t len);
/* Writes cp (U+FFFD if not a scalar value) into out; returns 1-4. */
size_t utf8_encode(uint32_t cp, char out[4]);
/* Whether cp is a control a terminal acts on rather than shows: C0, DEL
 * or C1 (U+0080 to U+009F). */
int utf8_is_control(uint32_t cp);

/*
 * A character arriving a byte at a time, for a reader that may stop in
 * the middle of one (a pane's bytes come in reads of any size).  Zero it
 * to start; need is 0 between characters.  It decodes exactly as
 * utf8_decode does, which is built on it.
 */
struct utf8_stream {
	uint32_t	cp;	/* the bits so far */
	uint8_t		need;	/* continuation bytes still to come */
	uint8_t		lo, hi;	/* the range the next one must fall in */
};

enum utf8_step {
	UTF8_MORE,	/* c taken; the character goes on */
	UTF8_CHAR,	/* c taken; it ends a character (or is ASCII): *cp */
	UTF8_BAD,	/* c taken; it cannot start a character: *cp U+FFFD */
	UTF8_CUT,	/* c not taken: the bytes before it are the start of a
			 * character it cannot go on, one U+FFFD in *cp; give
			 * c again, it may start the next one */
};

/* Takes the next byte c; *cp is set unless it returns UTF8_MORE. */
enum utf8_step utf8_step(struct utf8_stream *, unsigned char c,
	    uint32_t *cp);

/* Where the character that ends at s + at starts (at > 0; 0 for 0); a
 * byte that is not part of a well-formed character counts as one. */
size_t utf8_prev(const char *s, size_t at);
/* len less a character cut short by the end of s: where to cut text so
 * that no character is split. */
size_t utf8_cut(const char *s, size_t len);

#endif
