/*
 * A pane's terminal under hostile output: the bytes an agent prints, cut
 * into writes of any size, with resizes, scrollback moves, keys, pastes
 * and mouse events in between, and every cell read back as the grid would
 * draw it; the title must be as echo_text makes text (bounded, no
 * control).  The first byte picks the start size and the fast path.
 *
 * Input: [size byte] then records [op byte][...]: op % 8 is
 * 0-3 feed (u16 length, then the bytes), 4 resize (rows, cols bytes),
 * 5 scroll (signed byte), 6 key (u16 code) or paste (length, bytes),
 * 7 mouse (row, col, button byte) and read the screen.
 */
#include "tests/fuzz/fuzz.h"
#include "vt/vt.h"
#include "vt/vt_private.h"

static volatile unsigned fuzz_vt_sink;

/*
 * libvterm 0.1.4 answers a DECRQSS it does not know with "DCS 0 $ r" and
 * whatever its 4-byte request buffer holds, unterminated: reading it may
 * crash or not.  vt_seq.c must keep every such request away, so the "0$r"
 * answer itself is a finding, crash or no crash.
 */
static int fuzz_vt_typing;	/* output is what the user typed or pasted */

static void
fuzz_vt_output(const char *buf, size_t len, void *arg)
{
	(void)arg;
	if (!fuzz_vt_typing && memmem(buf, len, "0$r", 3) != NULL)
		abort();
	/* Touch every byte so ASan sees a bad pointer or length. */
	while (len-- != 0)
		fuzz_vt_sink += (unsigned char)*buf++;
}

static void
fuzz_vt_read(struct vt *vt)
{
	struct vt_cell	cell;
	char		text[1024];
	int		r, c, row, col, vis;

	for (r = 0; r < vt_rows(vt); r++) {
		for (c = 0; c < vt_cols(vt); c++)
			vt_cell(vt, r, c, &cell);
		vt_row_text(vt, r, text, sizeof text);
	}
	vt_cursor(vt, &row, &col, &vis);
	fuzz_check(fuzz_printable(vt_title(vt)) &&
	    strlen(vt_title(vt)) <= 1024 + 3,	/* VT_TITLE_MAX, "..." */
	    "vt_title: not as echo_text makes it");
	free(vt_take_notify(vt));
	vt_take_bell(vt);
	vt_take_title_changed(vt);
	vt_damaged(vt);
	vt_clear_damage(vt);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct vt_callbacks cb = { fuzz_vt_output };
	struct fuzz_in	 in = { data, size };
	struct vt	*vt;
	const char	*p;
	size_t		 n;
	unsigned	 first = fuzz_byte(&in), op, a, b;

	vt = vt_new(1 + (first & 0x1f), 1 + ((first >> 2) & 0x3f) * 2, 50,
	    &cb, NULL);
	vt_set_fast(vt, (first & 0x80) == 0);
	while (in.len != 0) {
		op = fuzz_byte(&in);
		switch (op % 8) {
		case 0: case 1: case 2: case 3:
			p = fuzz_bytes(&in, fuzz_u16(&in), &n);
			vt_feed(vt, p, n);
			break;
		case 4:
			a = fuzz_byte(&in);
			b = fuzz_byte(&in);
			vt_resize(vt, 1 + a % 60, 1 + b % 200);
			break;
		case 5:
			vt_scroll(vt, (int)(signed char)fuzz_byte(&in));
			if (op & 0x80)
				vt_scroll_reset(vt);
			break;
		case 6:
			fuzz_vt_typing = 1;
			if (op & 0x80) {
				p = fuzz_bytes(&in, fuzz_byte(&in), &n);
				vt_paste(vt, p, n);
			} else
				vt_key(vt, (key_code)fuzz_u16(&in) |
				    ((key_code)(op >> 4) << 24));
			fuzz_vt_typing = 0;
			break;
		case 7:
			a = fuzz_byte(&in);
			b = fuzz_byte(&in);
			fuzz_vt_typing = 1;
			vt_mouse(vt, (int)a - 8, (int)b - 8,
			    (int)fuzz_byte(&in) % 7, op & 0x80, op >> 5);
			fuzz_vt_typing = 0;
			fuzz_vt_read(vt);
			break;
		}
	}
	fuzz_vt_read(vt);
	vt_free(vt);
	return 0;
}
