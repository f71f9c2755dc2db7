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

size_t
utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char	*u = (const unsigned char *)s;
	unsigned char		 lo, hi;
	size_t			 n, i;
	uint32_t		 v;

	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	*cp = UTF8_REPLACEMENT;
	n = (size_t)utf8_second(u[0], &lo, &hi);
	if (n == 0)
		return 1;
	v = u[0] & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
	for (i = 1; i < n; i++) {
		if (i == len)
			return 0;
		if (u[i] < lo || u[i] > hi)
			return i;
		v = (v << 6) | (u[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = v;
	return n;
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
