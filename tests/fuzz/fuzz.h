/*
 * What the libFuzzer harnesses share: a reader that takes an input apart
 * into small numbers and byte runs, so one input can drive a sequence of
 * operations (feed, resize, scroll, ...).  A reader past the end gives
 * zeros and empty runs, never reads out of bounds.  And the oracle for
 * text meant for the user's screen.
 */
#ifndef SANDBOX_TUI_FUZZ_H
#define SANDBOX_TUI_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int LLVMFuzzerInitialize(int *, char ***);

/* Stops the run when a promise is broken: libFuzzer keeps the input. */
static inline void
fuzz_check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz: %s\n", what);
		abort();
	}
}

/* Text for the user's screen, as echo_text makes it: well-formed UTF-8
 * without a control character (C0, DEL, C1). */
static inline int
fuzz_printable(const char *s)
{
	size_t		len = strlen(s), n;
	uint32_t	cp;

	while (len > 0) {
		if ((n = utf8_valid_len(s, len)) == 0)
			return 0;
		utf8_decode(s, n, &cp);
		if (utf8_is_control(cp))
			return 0;
		s += n;
		len -= n;
	}
	return 1;
}

/*
 * Makes a private folder NAME.XXXXXX for a harness's files, in /dev/shm
 * when it can (file I/O at fuzzing speed), else in $TMPDIR or /tmp, into
 * dir (size bytes).  Aborts when it cannot.
 */
static inline void
fuzz_mkdtemp(char *dir, size_t size, const char *name)
{
	const char	*tmp = getenv("TMPDIR");

	if (access("/dev/shm", W_OK) == 0)
		tmp = "/dev/shm";
	else if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(dir, size, "%s/%s.XXXXXX", tmp, name);
	if (mkdtemp(dir) == NULL) {
		perror(dir);
		abort();
	}
}

struct fuzz_in {
	const uint8_t	*p;
	size_t		 len;
};

static inline unsigned
fuzz_byte(struct fuzz_in *in)
{
	unsigned	c;

	if (in->len == 0)
		return 0;
	c = *in->p++;
	in->len--;
	return c;
}

static inline unsigned
fuzz_u16(struct fuzz_in *in)
{
	unsigned	hi = fuzz_byte(in);

	return (hi << 8) | fuzz_byte(in);
}

/* Up to max bytes; *n set to how many. */
static inline const char *
fuzz_bytes(struct fuzz_in *in, size_t max, size_t *n)
{
	const char	*p = (const char *)in->p;

	*n = max < in->len ? max : in->len;
	in->p += *n;
	in->len -= *n;
	return p;
}

/* The rest, NUL-terminated, in memory the caller frees. */
static inline char *
fuzz_string(struct fuzz_in *in)
{
	char	*s = malloc(in->len + 1);

	if (s == NULL)
		abort();
	memcpy(s, in->p, in->len);
	s[in->len] = '\0';
	in->p += in->len;
	in->len = 0;
	return s;
}

/* The whole input as a NUL-terminated string (caller frees). */
static inline char *
fuzz_cstring(const uint8_t *data, size_t len)
{
	struct fuzz_in	in = { data, len };

	return fuzz_string(&in);
}

#endif
