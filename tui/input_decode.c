/*
 * Terminal input decoding (see input_decode.h): CSI and SS3 keys with
 * their modifiers, SGR mouse reports, bracketed paste, Meta as an ESC
 * prefix, and UTF-8 text.  Sequences follow ECMA-48's shape: after ESC [,
 * parameter bytes 0x30-0x3f, intermediate bytes 0x20-0x2f, one final byte
 * 0x40-0x7e.  A sequence of any other shape is dropped up to the byte that
 * broke it, which is then read as input of its own; one that is only cut
 * short waits for more bytes (or the caller's flush).
 */
#include <stdlib.h>
#include <string.h>

#include "config/utf8.h"
#include "config/xmalloc.h"
#include "tui/input_decode.h"

#define INPUT_HOLD	4096	/* longest sequence kept waiting */
#define INPUT_PARAMS	8

static const char input_paste_end[] = "\033[201~";

struct input_decoder {
	struct input_decode_cb	 cb;
	void			*arg;
	char			 buf[INPUT_HOLD];
	size_t			 len;
	int			 in_paste;
	char			*paste;
	size_t			 paste_len, paste_cap;
};

struct input_decoder *
input_decoder_new(const struct input_decode_cb *cb, void *arg)
{
	struct input_decoder	*d = xcalloc(1, sizeof *d);

	d->cb = *cb;
	d->arg = arg;
	return d;
}

/* Wiped: a paste can hold a password or a key. */
void
input_decoder_free(struct input_decoder *d)
{
	if (d == NULL)
		return;
	freezero(d->paste, d->paste_cap);
	freezero(d, sizeof *d);
}

static int
input_stopped(struct input_decoder *d)
{
	return d->cb.stopped != NULL && d->cb.stopped(d->arg);
}

static void
input_key(struct input_decoder *d, key_code k)
{
	if (d->cb.key != NULL)
		d->cb.key(k, d->arg);
}

static key_code
input_mods(int param)
{
	key_code	m = 0;

	if (param < 2)
		return 0;
	param--;
	if (param & 1)
		m |= KEYC_SHIFT;
	if (param & 2)
		m |= KEYC_META;
	if (param & 4)
		m |= KEYC_CTRL;
	return m;
}

static key_code
input_tilde_key(int n)
{
	switch (n) {
	case 1: case 7: return KEYC_HOME;
	case 2: return KEYC_IC;
	case 3: return KEYC_DC;
	case 4: case 8: return KEYC_END;
	case 5: return KEYC_PPAGE;
	case 6: return KEYC_NPAGE;
	case 11: case 12: case 13: case 14: case 15:
		return KEYC_F1 + (key_code)(n - 11);
	case 17: case 18: case 19: case 20: case 21:
		return KEYC_F1 + 5 + (key_code)(n - 17);
	case 23: case 24:
		return KEYC_F1 + 10 + (key_code)(n - 23);
	}
	return KEYC_NONE;
}

static key_code
input_letter_key(char c)
{
	switch (c) {
	case 'A': return KEYC_UP;
	case 'B': return KEYC_DOWN;
	case 'C': return KEYC_RIGHT;
	case 'D': return KEYC_LEFT;
	case 'H': return KEYC_HOME;
	case 'F': return KEYC_END;
	case 'P': return KEYC_F1;
	case 'Q': return KEYC_F1 + 1;
	case 'R': return KEYC_F1 + 2;
	case 'S': return KEYC_F1 + 3;
	case 'Z': return KEYC_BTAB;
	case 'M': return KEYC_KP_ENTER;
	}
	return KEYC_NONE;
}

static void
input_paste_deliver(struct input_decoder *d)
{
	if (d->paste_len != 0 && d->cb.paste != NULL)
		d->cb.paste(d->paste, d->paste_len, d->arg);
	d->paste_len = 0;
}

static void
input_paste_append(struct input_decoder *d, const char *buf, size_t len)
{
	char	*old;
	size_t	 oldcap;

	if (len == 0)
		return;
	if (d->paste_len + len > INPUT_PASTE_MAX)
		input_paste_deliver(d);
	if (d->paste_len + len > d->paste_cap) {
		/* A new block and the old one wiped, as conn_buf does. */
		old = d->paste;
		oldcap = d->paste_cap;
		d->paste_cap = (d->paste_len + len) * 2;
		d->paste = xmalloc(d->paste_cap);
		if (old != NULL)
			memcpy(d->paste, old, d->paste_len);
		freezero(old, oldcap);
	}
	memcpy(d->paste + d->paste_len, buf, len);
	d->paste_len += len;
}

/* Consumes paste bytes; returns the bytes used (0: wait for more). */
static size_t
input_paste(struct input_decoder *d, const char *buf, size_t len)
{
	const char	*end = memmem(buf, len, input_paste_end,
	    sizeof input_paste_end - 1);
	size_t		 used, i;

	if (end != NULL) {
		input_paste_append(d, buf, (size_t)(end - buf));
		d->in_paste = 0;
		input_paste_deliver(d);
		return (size_t)(end - buf) + sizeof input_paste_end - 1;
	}
	/* Hold back what could be the start of a split end marker. */
	used = len;
	for (i = len > sizeof input_paste_end ? len - sizeof input_paste_end :
	    0; i < len; i++) {
		if (buf[i] == '\033') {
			used = i;
			break;
		}
	}
	input_paste_append(d, buf, used);
	return used;
}

/*
 * Parses one CSI sequence at buf (which starts with ESC [); returns bytes
 * used, 0 if cut short.
 */
static size_t
input_csi(struct input_decoder *d, const char *buf, size_t len)
{
	size_t		 i = 2;
	int		 params[INPUT_PARAMS] = { 0 }, np = 0, odd = 0;
	unsigned char	 c, final, lead = 0;
	key_code	 k, mods;
	int		 b;

	if (len > 2 && (buf[2] == '<' || buf[2] == '?' || buf[2] == '>')) {
		lead = (unsigned char)buf[2];
		i++;
	}
	for (; i < len; i++) {
		c = (unsigned char)buf[i];
		if (c >= '0' && c <= '9') {
			if (np == 0)
				np = 1;
			if (params[np - 1] < 100000)
				params[np - 1] = params[np - 1] * 10 + (c - '0');
		} else if (c == ';') {
			if (np == 0)
				np = 1;
			if (np < INPUT_PARAMS)
				np++;
		} else if (c >= 0x20 && c <= 0x3f)
			odd = 1;	/* ':', '<'..'?' inside, intermediates */
		else
			break;
	}
	if (i >= len)
		return 0;
	final = (unsigned char)buf[i];
	if (final < 0x40 || final > 0x7e)
		return i;	/* malformed: dropped up to this byte */
	i++;
	if (odd)
		return i;
	if (lead == '<' && (final == 'M' || final == 'm') && np >= 3) {
		b = params[0];
		mods = ((b & 4) ? KEYC_SHIFT : 0) | ((b & 8) ? KEYC_META : 0) |
		    ((b & 16) ? KEYC_CTRL : 0);
		if (d->cb.mouse != NULL)
			d->cb.mouse(b, final == 'M', params[1] - 1,
			    params[2] - 1, mods, (b & 32) != 0, d->arg);
		return i;
	}
	if (lead != 0)
		return i;
	if (final == '~' && params[0] == 200) {
		d->in_paste = 1;
		d->paste_len = 0;
		return i;
	}
	if (final == '~')
		k = input_tilde_key(params[0]);
	else if (final == 'M' && np == 0) {
		/* Legacy X10 mouse report: three more bytes we didn't ask for. */
		return len >= 6 ? 6 : 0;
	} else
		k = input_letter_key((char)final);
	if (k != KEYC_NONE)
		input_key(d, k | input_mods(np >= 2 ? params[1] : 0));
	return i;
}

/*
 * One key that is not a sequence: a control byte or a character.  Returns
 * bytes used, 0 if cut short.  C1 controls typed as characters become
 * U+FFFD, as bad UTF-8 does: nothing typed reaches a pane as a control it
 * could not be typed as.
 */
static size_t
input_one_key(const char *buf, size_t len, key_code *k)
{
	unsigned char	c = (unsigned char)buf[0];
	uint32_t	cp;
	size_t		n;

	if (c < 0x20 || c == 0x7f) {
		*k = key_from_byte(c);
		return 1;
	}
	n = utf8_decode(buf, len, &cp);
	if (cp >= 0x80 && cp <= 0x9f)
		cp = UTF8_REPLACEMENT;
	*k = cp;
	return n;
}

/* Decodes one thing at buf; returns bytes used, 0 when it is cut short
 * (flush: take it as it is). */
static size_t
input_one(struct input_decoder *d, const char *buf, size_t len, int flush)
{
	key_code	k;
	size_t		used;

	if (d->in_paste)
		return input_paste(d, buf, len);
	if (buf[0] != '\033') {
		used = input_one_key(buf, len, &k);
		if (used == 0 && flush) {
			k = UTF8_REPLACEMENT;
			used = len;
		}
		if (used != 0)
			input_key(d, k);
		return used;
	}
	if (len == 1) {
		if (flush)
			input_key(d, KEYC_ESCAPE);
		return flush;
	}
	if (buf[1] == '[') {
		used = input_csi(d, buf, len);
		if (used == 0 && flush) {
			input_key(d, KEYC_META | '[');
			used = 2;
		}
		return used;
	}
	if (buf[1] == 'O') {
		if (len < 3 && !flush)
			return 0;
		if (len < 3 || (unsigned char)buf[2] < 0x40 ||
		    (unsigned char)buf[2] > 0x7e) {
			input_key(d, KEYC_META | 'O');
			return 2;
		}
		k = input_letter_key(buf[2]);
		if (k != KEYC_NONE)
			input_key(d, k);
		return 3;
	}
	used = input_one_key(buf + 1, len - 1, &k);
	if (used == 0 && !flush)
		return 0;
	if (used == 0) {
		input_key(d, KEYC_ESCAPE);
		return 1;
	}
	input_key(d, k | KEYC_META);
	return used + 1;
}

/* Decodes what is held; returns the quiet time to flush after (see
 * input_decoder_feed). */
static int
input_parse(struct input_decoder *d, int flush)
{
	char	*buf = d->buf;
	size_t	 len = d->len, used;

	while (len > 0 && !input_stopped(d)) {
		used = input_one(d, buf, len, flush);
		if (used == 0)
			break;
		buf += used;
		len -= used;
	}
	memmove(d->buf, buf, len);
	d->len = len;
	if (d->in_paste)
		return INPUT_PASTE_MS;
	return len != 0 ? INPUT_ESC_MS : 0;
}

int
input_decoder_feed(struct input_decoder *d, const char *buf, size_t len)
{
	size_t	n;
	int	wait = 0;

	do {
		if (d->len == sizeof d->buf) {
			/* A sequence this long is garbage: drop it. */
			d->len = 0;
		}
		n = sizeof d->buf - d->len;
		if (n > len)
			n = len;
		memcpy(d->buf + d->len, buf, n);
		d->len += n;
		buf += n;
		len -= n;
		wait = input_parse(d, 0);
	} while (len != 0 && !input_stopped(d));
	return wait;
}

void
input_decoder_flush(struct input_decoder *d)
{
	if (d->in_paste) {
		/* The end marker never came: the paste ends here, and what
		 * follows is typed again. */
		input_paste_append(d, d->buf, d->len);
		d->len = 0;
		d->in_paste = 0;
		input_paste_deliver(d);
		return;
	}
	input_parse(d, 1);
}
