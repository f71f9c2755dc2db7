/*
 * The UTF-8 codec (see utf8.h).  Invalid input follows the "maximal
 * subpart" practice of Unicode (§3.9, U+FFFD substitution): a lead byte
 * with some valid continuation bytes and then a bad one is one U+FFFD,
 * and decoding restarts at the bad byte, which may start a character.
 */
#include <string.h>

#include "config/utf8.h"

/* The range the second byte must fall in after lead byte c; 0 if c
 * cannot lead.  The narrow ranges keep out overlong forms (E0, F0),
 * surrogates (ED) and code points above U+10FFFF (F4). */
static int
utf8_second(unsigned char c, unsigned char *lo, unsigned char *hi)
{
	*lo = 0x80;
	*hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef) {
		if (c == 0xe0)
			*lo = 0xa0;
		else if (c == 0xed)
			*hi = 0x9f;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (c == 0xf0)
			*lo = 0x90;
		else if (c == 0xf4)
			*hi = 0x8f;
		return 4;
	}
	return 0;
}

enum utf8_step
utf8_step(struct utf8_stream *st, unsigned char c, uint32_t *cp)
{
	unsigned char	lo, hi;
	int		n;

	if (st->need == 0) {
		if (c < 0x80) {
			*cp = c;
			return UTF8_CHAR;
		}
		if ((n = utf8_second(c, &lo, &hi)) == 0) {
			*cp = UTF8_REPLACEMENT;
			return UTF8_BAD;
		}
		st->cp = c & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
		st->need = (uint8_t)(n - 1);
		st->lo = lo;
		st->hi = hi;
		return UTF8_MORE;
	}
	if (c < st->lo || c > st->hi) {
		st->need = 0;
		*cp = UTF8_REPLACEMENT;
		return UTF8_CUT;
	}
	st->cp = (st->cp << 6) | (c & 0x3f);
	st->lo = 0x80;
	st->hi = 0xbf;
	if (--st->need != 0)
		return UTF8_MORE;
	*cp = st->cp;
	return UTF8_CHAR;
}

size_t
utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	struct utf8_stream	st = { 0, 0, 0, 0 };
	size_t			i;

	for (i = 0; i < len; i++) {
		switch (utf8_step(&st, (unsigned char)s[i], cp)) {
		case UTF8_MORE:
			break;
		case UTF8_CUT:
			return i;
		default:
			return i + 1;
		}
	}
	*cp = UTF8_REPLACEMENT;
	return 0;
}

size_t
utf8_valid_len(const char *s, size_t len)
{
	uint32_t	cp;
	size_t		n = utf8_decode(s, len, &cp);

	/* U+FFFD stands for a bad sequence, unless it was written as is. */
	if (n == 0 || (cp == UTF8_REPLACEMENT && (n != 3 ||
	    memcmp(s, "\xef\xbf\xbd", 3) != 0)))
		return 0;
	return n;
}

int
utf8_valid(const char *s, size_t len)
{
	size_t	n;

	while (len > 0) {
		if ((n = utf8_valid_len(s, len)) == 0)
			return 0;
		s += n;
		len -= n;
	}
	return 1;
}

int
utf8_is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/* Tries the longest first: a continuation byte alone is a bad byte. */
size_t
utf8_prev(const char *s, size_t at)
{
	size_t	k;

	for (k = at < 4 ? at : 4; k > 1; k--) {
		if (utf8_valid_len(s + at - k, k) == k)
			return at - k;
	}
	return at > 0 ? at - 1 : 0;
}

/* Only one place in the last three bytes can start a character that the
 * end cuts short: the bytes after its lead are continuation bytes. */
size_t
utf8_cut(const char *s, size_t len)
{
	uint32_t	cp;
	size_t		k;

	for (k = 1; k <= 3 && k <= len; k++) {
		if (utf8_decode(s + len - k, k, &cp) == 0)
			return len - k;
	}
	return len;
}

size_t
utf8_encode(uint32_t cp, char out[4])
{
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = UTF8_REPLACEMENT;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}
