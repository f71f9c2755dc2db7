/*
 * What the user sends to a pane: keys, pastes and mouse events, encoded
 * for the modes the program inside set (application cursor keys, keypad
 * mode, bracketed paste, mouse reporting), which libvterm tracks.  The
 * bytes leave through the output callback given to vt_new().  Special
 * keys go through vterm_keyboard_key(); plain characters through
 * vterm_keyboard_unichar(); control and meta characters are encoded here
 * as terminals do (C-] is 0x1d, M-x is ESC x), because 0.1.4 answers
 * several of them (C-@, C-[, C-?, C-i, M- with non-ASCII) with CSI u forms
 * or truncated bytes that programs do not expect.
 */

#include <stdlib.h>
#include <string.h>

#include "config/utf8.h"
#include "config/xmalloc.h"
#include "vt/vt_private.h"

#define nitems(a) (sizeof (a) / sizeof (a)[0])

static const struct {
	key_code	key;
	VTermKey	vkey;
	VTermModifier	mod;
} vt_input_keys[] = {
	{ KEYC_ENTER, VTERM_KEY_ENTER, VTERM_MOD_NONE },
	{ KEYC_TAB, VTERM_KEY_TAB, VTERM_MOD_NONE },
	{ KEYC_BTAB, VTERM_KEY_TAB, VTERM_MOD_SHIFT },
	{ KEYC_BSPACE, VTERM_KEY_BACKSPACE, VTERM_MOD_NONE },
	{ KEYC_ESCAPE, VTERM_KEY_ESCAPE, VTERM_MOD_NONE },
	{ KEYC_UP, VTERM_KEY_UP, VTERM_MOD_NONE },
	{ KEYC_DOWN, VTERM_KEY_DOWN, VTERM_MOD_NONE },
	{ KEYC_LEFT, VTERM_KEY_LEFT, VTERM_MOD_NONE },
	{ KEYC_RIGHT, VTERM_KEY_RIGHT, VTERM_MOD_NONE },
	{ KEYC_HOME, VTERM_KEY_HOME, VTERM_MOD_NONE },
	{ KEYC_END, VTERM_KEY_END, VTERM_MOD_NONE },
	{ KEYC_IC, VTERM_KEY_INS, VTERM_MOD_NONE },
	{ KEYC_DC, VTERM_KEY_DEL, VTERM_MOD_NONE },
	{ KEYC_PPAGE, VTERM_KEY_PAGEUP, VTERM_MOD_NONE },
	{ KEYC_NPAGE, VTERM_KEY_PAGEDOWN, VTERM_MOD_NONE },
	{ KEYC_KP_ENTER, VTERM_KEY_KP_ENTER, VTERM_MOD_NONE },
};

/* Control characters as C-x makes them; 0 in the table means none. */
static const struct {
	uint32_t	ch;
	char		byte;
} vt_input_ctrls[] = {
	{ '@', 0x00 }, { ' ', 0x00 }, { '2', 0x00 },
	{ '[', 0x1b }, { '3', 0x1b },
	{ '\\', 0x1c }, { '4', 0x1c },
	{ ']', 0x1d }, { '5', 0x1d },
	{ '^', 0x1e }, { '~', 0x1e }, { '6', 0x1e },
	{ '_', 0x1f }, { '/', 0x1f }, { '-', 0x1f }, { '7', 0x1f },
	{ '?', 0x7f }, { '8', 0x7f },
};

static VTermModifier
vt_input_mods(unsigned mods)
{
	unsigned	m = VTERM_MOD_NONE;

	if (mods & KEYC_SHIFT)
		m |= VTERM_MOD_SHIFT;
	if (mods & KEYC_META)
		m |= VTERM_MOD_ALT;
	if (mods & KEYC_CTRL)
		m |= VTERM_MOD_CTRL;
	return (VTermModifier)m;
}

static void
vt_input_special(struct vt *vt, key_code k, VTermModifier mod)
{
	size_t	i;

	if (k >= KEYC_F1 && k <= KEYC_F12) {
		vterm_keyboard_key(vt->vterm,
		    VTERM_KEY_FUNCTION(1 + (int)(k - KEYC_F1)), mod);
		return;
	}
	if (k >= KEYC_KP_0 && k <= KEYC_KP_9) {
		vterm_keyboard_key(vt->vterm,
		    (VTermKey)(VTERM_KEY_KP_0 + (int)(k - KEYC_KP_0)), mod);
		return;
	}
	for (i = 0; i < sizeof vt_input_keys / sizeof vt_input_keys[0]; i++) {
		if (vt_input_keys[i].key != k)
			continue;
		vt->kp_enter = k == KEYC_KP_ENTER;
		vterm_keyboard_key(vt->vterm, vt_input_keys[i].vkey,
		    (VTermModifier)(mod | vt_input_keys[i].mod));
		vt->kp_enter = 0;
		return;
	}
}

/* A character with C- and/or M-: the control byte, ESC before for M-. */
static void
vt_input_char(struct vt *vt, uint32_t c, int ctrl, int meta)
{
	char	buf[8];
	size_t	n = 0, i;

	if (ctrl) {
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			c &= 0x1f;
		else {
			for (i = 0; i < nitems(vt_input_ctrls); i++) {
				if (vt_input_ctrls[i].ch != c)
					continue;
				c = (unsigned char)vt_input_ctrls[i].byte;
				break;
			}
		}
	}
	if (meta)
		buf[n++] = '\033';
	n += utf8_encode(c, buf + n);
	if (vt->cb.output != NULL)
		vt->cb.output(buf, n, vt->arg);
}

void
vt_key(struct vt *vt, key_code key)
{
	key_code	k = key & KEYC_MASK_KEY;
	int		ctrl = (key & KEYC_CTRL) != 0;
	int		meta = (key & KEYC_META) != 0;

	if (k >= KEYC_SPECIAL) {
		vt_input_special(vt, k, vt_input_mods(key));
		return;
	}
	if (k > 0x10ffff || (k >= 0xd800 && k <= 0xdfff))
		return;
	if (!ctrl && !meta)
		vterm_keyboard_unichar(vt->vterm, k, VTERM_MOD_NONE);
	else
		vt_input_char(vt, k, ctrl, meta);
}

/* Whether out (n bytes) ends with a bracketed-paste marker. */
static int
vt_paste_marker_at_end(const char *out, size_t n)
{
	return n >= 6 && (memcmp(out + n - 6, "\033[200~", 6) == 0 ||
	    memcmp(out + n - 6, "\033[201~", 6) == 0);
}

/*
 * The pasted bytes go out as they are, but with LF and CR LF made CR
 * (Enter) and every paste marker removed, so a paste cannot end bracketed
 * paste early and type the rest as keys.  A marker is removed as soon as
 * the output ends with one, so removing one cannot join the bytes around
 * it into another: "ESC[20" "ESC[200~" "1~" leaves nothing of either.
 * The output never holds a marker, so it goes out in one write.
 */
void
vt_paste(struct vt *vt, const char *buf, size_t len)
{
	char	*out = xmalloc(len + 1);
	size_t	 i, n = 0;

	for (i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			if (i == 0 || buf[i - 1] != '\r')
				out[n++] = '\r';
			continue;
		}
		out[n++] = buf[i];
		if (buf[i] == '~' && vt_paste_marker_at_end(out, n))
			n -= 6;
	}
	vterm_keyboard_start_paste(vt->vterm);
	if (n != 0 && vt->cb.output != NULL)
		vt->cb.output(out, n, vt->arg);
	vterm_keyboard_end_paste(vt->vterm);
	freezero(out, len + 1);	/* a paste can hold a password */
}

int
vt_mouse_wanted(struct vt *vt)
{
	return vt->mouse != VTERM_PROP_MOUSE_NONE;
}

/*
 * Buttons 1-3 press and release, 4/5 are the wheel (presses only); button
 * 0 is motion, or a release of whatever is held.  mods are KEYC_CTRL,
 * KEYC_META and KEYC_SHIFT bits.
 */
void
vt_mouse(struct vt *vt, int row, int col, int button, int pressed,
    unsigned mods)
{
	VTermModifier	mod = vt_input_mods(mods);
	int		b;

	if (!vt_mouse_wanted(vt))
		return;
	if (row < 0)
		row = 0;
	if (row >= vt->rows)
		row = vt->rows - 1;
	if (col < 0)
		col = 0;
	if (col >= vt->cols)
		col = vt->cols - 1;
	vterm_mouse_move(vt->vterm, row, col, mod);
	if (button >= 1 && button <= 3) {
		vterm_mouse_button(vt->vterm, button, pressed != 0, mod);
		if (pressed)
			vt->buttons |= 1u << button;
		else
			vt->buttons &= ~(1u << button);
	} else if ((button == 4 || button == 5) && pressed)
		vterm_mouse_button(vt->vterm, button, 1, mod);
	else if (button == 0 && !pressed) {
		for (b = 1; b <= 3; b++) {
			if (vt->buttons & (1u << b))
				vterm_mouse_button(vt->vterm, b, 0, mod);
		}
		vt->buttons = 0;
	}
}
