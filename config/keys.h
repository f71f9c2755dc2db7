/*
 * Key codes shared by the config parser (key names in `bind` lines), the
 * input layer (bytes from the terminal) and vt/ (keys sent to a pane).
 * A key is a Unicode code point or a KEYC_* special, OR'd with modifiers.
 * Control characters are canonical as KEYC_CTRL | lowercase letter or
 * punctuation: byte 0x1d is KEYC_CTRL | ']'.  Tab, Enter, Escape and
 * Backspace have their own specials (as in tmux, C-i is Tab).
 */
#ifndef SANDBOX_TUI_KEYS_H
#define SANDBOX_TUI_KEYS_H

#include <stddef.h>
#include <stdint.h>

typedef uint32_t key_code;

#define KEYC_NONE	0
#define KEYC_SPECIAL	0x00200000u	/* above Unicode */
#define KEYC_CTRL	0x01000000u
#define KEYC_META	0x02000000u
#define KEYC_SHIFT	0x04000000u
#define KEYC_MASK_MODS	0x07000000u
#define KEYC_MASK_KEY	0x00ffffffu

enum key_special {
	KEYC_ENTER = KEYC_SPECIAL,
	KEYC_TAB,
	KEYC_BTAB,
	KEYC_BSPACE,
	KEYC_ESCAPE,
	KEYC_UP,
	KEYC_DOWN,
	KEYC_LEFT,
	KEYC_RIGHT,
	KEYC_HOME,
	KEYC_END,
	KEYC_IC,
	KEYC_DC,
	KEYC_PPAGE,
	KEYC_NPAGE,
	KEYC_F1,	/* F1..F12 are consecutive */
	KEYC_F12 = KEYC_F1 + 11,
	KEYC_KP_0,	/* keypad 0..9 are consecutive */
	KEYC_KP_9 = KEYC_KP_0 + 9,
	KEYC_KP_ENTER,
	KEYC_SPECIAL_END
};

/* Parses "C-]", "M-x", "PageUp", "F5", "z", "S-Up"; KEYC_NONE on error. */
key_code key_parse(const char *);
/* Writes the canonical name of k (not key_name: ncurses has one) (as key_parse reads it) into buf. */
const char *key_tostring(key_code k, char *buf, size_t len);
/* Maps one byte typed on a terminal (a control char or ASCII) to a key. */
key_code key_from_byte(unsigned char);

#endif
