/*
 * Key names, as written in `bind` lines and shown on the help screen, and
 * the mapping from bytes typed on a terminal to keys.  Names follow tmux:
 * a single character ("z", "?", "é"), a named key ("PageUp", "F5",
 * "Space") and modifier prefixes C-, M- and S- in any order.  Control keys
 * are canonical as KEYC_CTRL | lowercase character, except the four that
 * have their own specials (C-i is Tab, C-m Enter, C-[ Escape, C-? BSpace),
 * so a key typed on the terminal and a key named in a config file compare
 * equal.  key_tostring() writes the name key_parse() reads back.
 */

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config/keys.h"
#include "config/utf8.h"

struct keys_named {
	const char	*name;
	key_code	 key;
};

/* The first entry for a key is its canonical name; later ones are aliases. */
static const struct keys_named keys_named_table[] = {
	{ "Up", KEYC_UP },
	{ "Down", KEYC_DOWN },
	{ "Left", KEYC_LEFT },
	{ "Right", KEYC_RIGHT },
	{ "Home", KEYC_HOME },
	{ "End", KEYC_END },
	{ "PageUp", KEYC_PPAGE },
	{ "PPage", KEYC_PPAGE },
	{ "PgUp", KEYC_PPAGE },
	{ "PageDown", KEYC_NPAGE },
	{ "NPage", KEYC_NPAGE },
	{ "PgDn", KEYC_NPAGE },
	{ "Insert", KEYC_IC },
	{ "IC", KEYC_IC },
	{ "Delete", KEYC_DC },
	{ "DC", KEYC_DC },
	{ "Enter", KEYC_ENTER },
	{ "Return", KEYC_ENTER },
	{ "Tab", KEYC_TAB },
	{ "BTab", KEYC_BTAB },
	{ "BSpace", KEYC_BSPACE },
	{ "Backspace", KEYC_BSPACE },
	{ "Escape", KEYC_ESCAPE },
	{ "Esc", KEYC_ESCAPE },
	{ "Space", ' ' },
	{ "KPEnter", KEYC_KP_ENTER },
};

/* Looks up "F1".."F12", "KP0".."KP9" and the named keys; KEYC_NONE if none. */
static key_code
keys_lookup_name(const char *s)
{
	size_t	i;
	int	n;

	for (i = 0; i < sizeof keys_named_table / sizeof keys_named_table[0];
	    i++) {
		if (strcasecmp(s, keys_named_table[i].name) == 0)
			return keys_named_table[i].key;
	}
	if ((s[0] == 'F' || s[0] == 'f') && isdigit((unsigned char)s[1]) &&
	    s[1] != '0') {
		if (s[2] == '\0')
			n = s[1] - '0';
		else if (isdigit((unsigned char)s[2]) && s[3] == '\0')
			n = (s[1] - '0') * 10 + (s[2] - '0');
		else
			return KEYC_NONE;
		if (n >= 1 && n <= 12)
			return KEYC_F1 + (key_code)(n - 1);
		return KEYC_NONE;
	}
	if (strncasecmp(s, "KP", 2) == 0 && isdigit((unsigned char)s[2]) &&
	    s[3] == '\0')
		return KEYC_KP_0 + (key_code)(s[2] - '0');
	return KEYC_NONE;
}

/* Decodes s as exactly one printable UTF-8 character; KEYC_NONE if not. */
static key_code
keys_decode_char(const char *s)
{
	size_t		len = strlen(s);
	uint32_t	cp;

	if (len == 0 || utf8_valid_len(s, len) != len)
		return KEYC_NONE;
	utf8_decode(s, len, &cp);
	if (utf8_is_control(cp))
		return KEYC_NONE;
	return cp;
}

/* Applies C- to a base key as a terminal does: the canonical form. */
static key_code
keys_ctrl(key_code base)
{
	if (base >= 'A' && base <= 'Z')
		base += 'a' - 'A';
	switch (base) {
	case 'i':
		return KEYC_TAB;
	case 'm':
		return KEYC_ENTER;
	case '[':
		return KEYC_ESCAPE;
	case '?':
		return KEYC_BSPACE;
	case '@':
		return KEYC_CTRL | ' ';
	}
	return KEYC_CTRL | base;
}

key_code
key_parse(const char *s)
{
	key_code	mods = 0, base;

	if (s == NULL || *s == '\0')
		return KEYC_NONE;
	if (s[0] == '^' && s[1] != '\0' && s[2] == '\0') {
		mods |= KEYC_CTRL;
		s++;
	}
	while (s[0] != '\0' && s[1] == '-' && s[2] != '\0') {
		switch (s[0]) {
		case 'C': case 'c':
			mods |= KEYC_CTRL;
			break;
		case 'M': case 'm':
			mods |= KEYC_META;
			break;
		case 'S': case 's':
			mods |= KEYC_SHIFT;
			break;
		default:
			return KEYC_NONE;
		}
		s += 2;
	}

	if ((base = keys_lookup_name(s)) == KEYC_NONE &&
	    (base = keys_decode_char(s)) == KEYC_NONE)
		return KEYC_NONE;

	if (mods & KEYC_SHIFT) {
		if (base >= 'a' && base <= 'z') {
			base -= 'a' - 'A';
			mods &= ~KEYC_SHIFT;
		} else if (base >= 'A' && base <= 'Z')
			mods &= ~KEYC_SHIFT;
		else if (base == KEYC_TAB) {
			base = KEYC_BTAB;
			mods &= ~KEYC_SHIFT;
		}
	}
	if ((mods & KEYC_CTRL) && base < KEYC_SPECIAL) {
		base = keys_ctrl(base);
		mods &= ~KEYC_CTRL;
	}
	return base | mods;
}

/* Writes the UTF-8 form of code point cp into out (5 bytes); returns out. */
/* cp as a NUL-terminated UTF-8 string in out (5 bytes). */
static const char *
keys_encode_char(key_code cp, char *out)
{
	out[utf8_encode(cp, out)] = '\0';
	return out;
}

/* The canonical name of a key without modifiers, or NULL if it has none. */
static const char *
keys_base_name(key_code base, char *tmp, size_t len)
{
	size_t	i;

	if (base >= KEYC_F1 && base <= KEYC_F12) {
		snprintf(tmp, len, "F%u", (unsigned)(base - KEYC_F1 + 1));
		return tmp;
	}
	if (base >= KEYC_KP_0 && base <= KEYC_KP_9) {
		snprintf(tmp, len, "KP%u", (unsigned)(base - KEYC_KP_0));
		return tmp;
	}
	for (i = 0; i < sizeof keys_named_table / sizeof keys_named_table[0];
	    i++) {
		if (keys_named_table[i].key == base)
			return keys_named_table[i].name;
	}
	if (base >= KEYC_SPECIAL || (base >= 0xd800 && base <= 0xdfff) ||
	    base > 0x10ffff || base == 0x7f || (base >= 0x80 && base < 0xa0))
		return NULL;
	return keys_encode_char(base, tmp);
}

const char *
key_tostring(key_code k, char *buf, size_t len)
{
	key_code	 mods = k & KEYC_MASK_MODS, base = k & KEYC_MASK_KEY;
	char		 tmp[16];
	const char	*name;

	if (len == 0)
		return buf;
	if (k == KEYC_NONE) {
		snprintf(buf, len, "None");
		return buf;
	}
	/* A raw control character is named as the key the terminal sends. */
	if (base < 0x20) {
		k = key_from_byte((unsigned char)base);
		mods |= k & KEYC_MASK_MODS;
		base = k & KEYC_MASK_KEY;
	}
	if ((name = keys_base_name(base, tmp, sizeof tmp)) == NULL) {
		snprintf(buf, len, "Invalid");
		return buf;
	}
	snprintf(buf, len, "%s%s%s%s", (mods & KEYC_CTRL) ? "C-" : "",
	    (mods & KEYC_META) ? "M-" : "", (mods & KEYC_SHIFT) ? "S-" : "",
	    name);
	return buf;
}

key_code
key_from_byte(unsigned char c)
{
	switch (c) {
	case 0x00:
		return KEYC_CTRL | ' ';
	case 0x09:
		return KEYC_TAB;
	case 0x0d:
		return KEYC_ENTER;
	case 0x1b:
		return KEYC_ESCAPE;
	case 0x7f:
		return KEYC_BSPACE;
	}
	if (c >= 0x01 && c <= 0x1a)
		return KEYC_CTRL | (key_code)('a' + c - 1);
	if (c >= 0x1c && c <= 0x1f)
		return KEYC_CTRL | (key_code)("\\]^_"[c - 0x1c]);
	return c;
}
