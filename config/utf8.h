/*
 * UTF-8 as the standard defines it (RFC 3629): the decoder takes only the
 * shortest form of a code point up to U+10FFFF and no surrogates, so no
 * overlong form can smuggle a control byte (C0 9B is not ESC) and nothing
 * outside Unicode reaches a pane.  Shared by every folder.
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
/* Writes cp (U+FFFD if not a scalar value) into out; returns 1-4. */
size_t utf8_encode(uint32_t cp, char out[4]);

#endif
