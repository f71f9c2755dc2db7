/*
 * Terminal input: the bytes the user's terminal sends, decoded into keys,
 * mouse events and pastes.  We read fd 0 ourselves instead of using curses'
 * getch() so nothing blocks, paste and SGR mouse reports arrive whole, and
 * every key can be re-encoded by the focused pane's terminal modes.
 * A lone ESC becomes the Escape key only after a short quiet time, since it
 * also starts every escape sequence.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "config/keys.h"
#include "tui/app.h"
#include "tui/loop.h"
#include "tui/xmalloc.h"

#define INPUT_ESC_MS	25
#define INPUT_FD	0

static const char input_paste_end[] = "\033[201~";

static void input_parse(struct app *, int);

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
input_paste_append(struct app *app, const char *buf, size_t len)
{
	/* Bounded: a paste bigger than this is delivered in pieces. */
	if (app->paste_len + len > 1024 * 1024) {
		mode_paste(app, app->paste_buf, app->paste_len);
		app->paste_len = 0;
	}
	if (app->paste_len + len > app->paste_cap) {
		app->paste_cap = (app->paste_len + len) * 2;
		app->paste_buf = xrealloc(app->paste_buf, app->paste_cap);
	}
	memcpy(app->paste_buf + app->paste_len, buf, len);
	app->paste_len += len;
}

/* Consumes paste bytes; returns the bytes used. */
static size_t
input_paste(struct app *app, const char *buf, size_t len)
{
	const char	*end = memmem(buf, len, input_paste_end,
	    sizeof input_paste_end - 1);
	size_t		 used, i;

	if (end != NULL) {
		input_paste_append(app, buf, (size_t)(end - buf));
		app->in_paste = 0;
		mode_paste(app, app->paste_buf, app->paste_len);
		app->paste_len = 0;
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
	input_paste_append(app, buf, used);
	return used;
}

/*
 * Parses one CSI sequence at buf (which starts with ESC [); returns bytes
 * used, 0 if incomplete.
 */
static size_t
input_csi(struct app *app, const char *buf, size_t len)
{
	size_t		 i = 2;
	int		 params[8] = { 0 }, np = 0, b, x, y;
	char		 final, lead = 0;
	key_code	 k, mods;

	if (len > 2 && (buf[2] == '<' || buf[2] == '?' || buf[2] == '>')) {
		lead = buf[2];
		i++;
	}
	for (; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c >= '0' && c <= '9') {
			if (np == 0)
				np = 1;
			if (params[np - 1] < 100000)
				params[np - 1] = params[np - 1] * 10 + (c - '0');
		} else if (c == ';') {
			if (np == 0)
				np = 1;
			if (np < 8)
				np++;
		} else if (c >= 0x20 && c <= 0x2f) {
			continue;
		} else
			break;
	}
	if (i >= len)
		return 0;
	final = buf[i];
	i++;
	if (lead == '<' && (final == 'M' || final == 'm') && np >= 3) {
		b = params[0];
		x = params[1] - 1;
		y = params[2] - 1;
		mods = ((b & 4) ? KEYC_SHIFT : 0) | ((b & 8) ? KEYC_META : 0) |
		    ((b & 16) ? KEYC_CTRL : 0);
		mode_mouse(app, b, final == 'M', x, y, mods, (b & 32) != 0);
		return i;
	}
	if (final == '~' && params[0] == 200) {
		app->in_paste = 1;
		app->paste_len = 0;
		return i;
	}
	if (final == '~')
		k = input_tilde_key(params[0]);
	else if (final == 'M' && np == 0) {
		/* Legacy X10 mouse report: three more bytes we didn't ask for. */
		return len >= 6 ? 6 : 0;
	} else
		k = input_letter_key(final);
	if (k != KEYC_NONE && lead == 0) {
		k |= input_mods(np >= 2 ? params[1] : 0);
		mode_key(app, k);
	}
	return i;
}

/* Decodes one UTF-8 character; returns bytes used, 0 if incomplete. */
static size_t
input_utf8(const char *buf, size_t len, key_code *k)
{
	unsigned char	c = (unsigned char)buf[0];
	size_t		n, i;
	uint32_t	cp;

	if (c < 0x80) {
		*k = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		n = 2;
		cp = c & 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		cp = c & 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4;
		cp = c & 0x07;
	} else {
		*k = 0xfffd;
		return 1;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if (((unsigned char)buf[i] & 0xc0) != 0x80) {
			*k = 0xfffd;
			return 1;
		}
		cp = (cp << 6) | ((unsigned char)buf[i] & 0x3f);
	}
	*k = cp;
	return n;
}

static size_t
input_one_key(const char *buf, size_t len, key_code *k)
{
	unsigned char	c = (unsigned char)buf[0];

	if (c < 0x20 || c == 0x7f) {
		*k = key_from_byte(c);
		return 1;
	}
	return input_utf8(buf, len, k);
}

static void
input_esc_timeout(void *arg)
{
	struct app	*app = arg;

	app->esc_timer = 0;
	input_parse(app, 1);
}

/* Parses what is buffered; `flush` turns a pending lone ESC into a key. */
static void
input_parse(struct app *app, int flush)
{
	char		*buf = app->in_buf;
	size_t		 len = app->in_len, used;
	key_code	 k;

	while (len > 0 && !app->quit) {
		if (app->in_paste) {
			used = input_paste(app, buf, len);
			if (used == 0)
				break;
		} else if (buf[0] == '\033') {
			if (len == 1) {
				if (!flush)
					break;
				mode_key(app, KEYC_ESCAPE);
				used = 1;
			} else if (buf[1] == '[') {
				used = input_csi(app, buf, len);
				if (used == 0 && !flush)
					break;
				if (used == 0) {
					mode_key(app, KEYC_META | '[');
					used = 2;
				}
			} else if (buf[1] == 'O') {
				if (len < 3 && !flush)
					break;
				if (len < 3) {
					mode_key(app, KEYC_META | 'O');
					used = 2;
				} else {
					k = input_letter_key(buf[2]);
					if (k != KEYC_NONE)
						mode_key(app, k);
					used = 3;
				}
			} else {
				used = input_one_key(buf + 1, len - 1, &k);
				if (used == 0 && !flush)
					break;
				if (used == 0) {
					mode_key(app, KEYC_ESCAPE);
					used = 1;
				} else {
					mode_key(app, k | KEYC_META);
					used++;
				}
			}
		} else {
			used = input_one_key(buf, len, &k);
			if (used == 0) {
				if (!flush)
					break;
				k = 0xfffd;
				used = 1;
			}
			mode_key(app, k);
		}
		buf += used;
		len -= used;
	}
	memmove(app->in_buf, buf, len);
	app->in_len = len;
	if (len > 0 && !flush && app->esc_timer == 0)
		app->esc_timer = loop_timer_add(app->loop, INPUT_ESC_MS,
		    input_esc_timeout, app);
}

static void
input_readable(int fd, short revents, void *arg)
{
	struct app	*app = arg;
	ssize_t		 n;

	(void)revents;
	for (;;) {
		if (app->in_len == sizeof app->in_buf) {
			/* A sequence this long is garbage: drop it. */
			app->in_len = 0;
		}
		n = read(fd, app->in_buf + app->in_len,
		    sizeof app->in_buf - app->in_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			/* The terminal went away: agents keep running. */
			app_quit(app, 0);
			return;
		}
		app->in_len += (size_t)n;
		loop_timer_cancel(app->loop, app->esc_timer);
		app->esc_timer = 0;
		input_parse(app, 0);
		if ((size_t)n < sizeof app->in_buf / 2)
			break;
	}
}

void
input_init(struct app *app)
{
	int	fl = fcntl(INPUT_FD, F_GETFL);

	if (fl >= 0)
		fcntl(INPUT_FD, F_SETFL, fl | O_NONBLOCK);
	/* Button, drag and SGR-encoded mouse reports; bracketed paste. */
	if (config_bool(app->cfg, "ui.mouse"))
		fputs("\033[?1000h\033[?1002h\033[?1006h", stdout);
	fputs("\033[?2004h", stdout);
	fflush(stdout);
	loop_fd_add(app->loop, INPUT_FD, POLLIN, input_readable, app);
}

void
input_end(struct app *app)
{
	int	fl = fcntl(INPUT_FD, F_GETFL);

	loop_fd_del(app->loop, INPUT_FD);
	loop_timer_cancel(app->loop, app->esc_timer);
	app->esc_timer = 0;
	fputs("\033[?1006l\033[?1002l\033[?1000l\033[?2004l", stdout);
	fflush(stdout);
	if (fl >= 0)
		fcntl(INPUT_FD, F_SETFL, fl & ~O_NONBLOCK);
}
