/*
 * The terminal input decoder (tui/input_decode.c) under anything a
 * terminal, or a paste, can send: the input is cut into feeds at the
 * lengths its bytes give, with quiet-time flushes in between.  Checked:
 * every key is a key code the rest of the program knows (a character is a
 * Unicode scalar value that is not a C1 control), and no paste piece is
 * bigger than the decoder promises.
 *
 * Input: records [len byte][len bytes]; a len byte with its top bit set
 * flushes before feeding (len & 0x7f bytes).
 */
#include "tests/fuzz/fuzz.h"
#include "tui/input_decode.h"

static void
fuzz_key(key_code k, void *arg)
{
	key_code	key = k & KEYC_MASK_KEY;

	(void)arg;
	if ((k & ~(KEYC_MASK_KEY | KEYC_MASK_MODS)) != 0)
		abort();
	if (key >= KEYC_SPECIAL) {
		if (key >= KEYC_SPECIAL_END)
			abort();
		return;
	}
	if (key > 0x10ffff || (key >= 0xd800 && key <= 0xdfff) ||
	    (key >= 0x80 && key <= 0x9f))
		abort();
}

static void
fuzz_mouse(int b, int pressed, int x, int y, unsigned mods, int motion,
    void *arg)
{
	(void)b, (void)pressed, (void)x, (void)y, (void)mods, (void)motion;
	(void)arg;
}

static void
fuzz_paste(const char *buf, size_t len, void *arg)
{
	(void)arg;
	if (len == 0 || len > INPUT_PASTE_MAX || buf == NULL)
		abort();
	if (memmem(buf, len, "\033[201~", 6) != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct input_decode_cb cb = {
		fuzz_key, fuzz_mouse, fuzz_paste, NULL
	};
	struct fuzz_in		 in = { data, size };
	struct input_decoder	*d = input_decoder_new(&cb, NULL);
	const char		*p;
	size_t			 n;
	unsigned		 len;

	while (in.len != 0) {
		len = fuzz_byte(&in);
		if (len & 0x80)
			input_decoder_flush(d);
		p = fuzz_bytes(&in, len & 0x7f, &n);
		input_decoder_feed(d, p, n);
	}
	input_decoder_flush(d);
	input_decoder_free(d);
	return 0;
}
