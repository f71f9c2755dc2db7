/*
 * dockerd's HTTP answers (gcp/dapi_http.c) from a hostile daemon or a
 * stream that is not docker at all: the bytes are read once whole and once
 * cut into pieces of any size, then the stream ends.  Both readers must
 * agree on everything (status, headers asked for, body, the raw stream
 * after an upgrade, complete or refused): chunking must never matter.
 * Body and raw bytes can never be more than what came in.
 *
 * Input: [piece size byte] then the stream.
 */
#include "config/strbuf.h"
#include "gcp/dapi_http.h"
#include "tests/fuzz/fuzz.h"

struct fuzz_dapi {
	struct strbuf	body, raw;
	int		heads, dones;
};

static void
fuzz_dapi_head(void *arg)
{
	((struct fuzz_dapi *)arg)->heads++;
}

static void
fuzz_dapi_body(const char *buf, size_t len, void *arg)
{
	strbuf_addn(&((struct fuzz_dapi *)arg)->body, buf, len);
}

static void
fuzz_dapi_done(void *arg)
{
	((struct fuzz_dapi *)arg)->dones++;
}

static void
fuzz_dapi_raw(const char *buf, size_t len, void *arg)
{
	strbuf_addn(&((struct fuzz_dapi *)arg)->raw, buf, len);
}

static const struct dapi_http_cb fuzz_dapi_cb = { fuzz_dapi_head,
	fuzz_dapi_body, fuzz_dapi_done, fuzz_dapi_raw };

/* Reads the stream in pieces of step bytes; returns 0 or -1. */
static int
fuzz_dapi_read(struct dapi_http *d, const char *s, size_t len, size_t step)
{
	char	*cause = NULL;
	size_t	 off = 0, n;
	int	 rc = 0;

	while (off < len && rc == 0) {
		n = len - off < step ? len - off : step;
		rc = dapi_http_feed(d, s + off, n, &cause);
		off += n;
	}
	if (rc == 0)
		rc = dapi_http_eof(d, &cause);
	fuzz_check((rc == 0) == (cause == NULL), "cause iff refused");
	free(cause);
	return rc;
}

static int
fuzz_dapi_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char	*names[] = { "Api-Version", "content-type",
				    "Upgrade", "X", "Content-Length" };
	struct fuzz_in		 in = { data, size };
	struct fuzz_dapi	 w, c;
	struct dapi_http	*dw, *dc;
	size_t			 step = fuzz_byte(&in) % 64 + 1, len, i;
	const char		*s = fuzz_bytes(&in, in.len, &len);
	int			 rw, rc;

	memset(&w, 0, sizeof w);
	memset(&c, 0, sizeof c);
	dw = dapi_http_new(&fuzz_dapi_cb, &w);
	dc = dapi_http_new(&fuzz_dapi_cb, &c);
	rw = fuzz_dapi_read(dw, s, len, len > 0 ? len : 1);
	rc = fuzz_dapi_read(dc, s, len, step);

	fuzz_check(rw == rc, "refused whole and in pieces alike");
	fuzz_check(w.heads <= 1 && w.dones <= 1, "one answer a stream");
	fuzz_check(w.heads == c.heads && w.dones == c.dones,
	    "the same callbacks");
	fuzz_check(dapi_http_status(dw) == dapi_http_status(dc),
	    "the same status");
	fuzz_check(dapi_http_upgraded(dw) == dapi_http_upgraded(dc) &&
	    dapi_http_complete(dw) == dapi_http_complete(dc),
	    "the same end");
	fuzz_check(w.body.len == c.body.len && (w.body.len == 0 ||
	    memcmp(w.body.s, c.body.s, w.body.len) == 0), "the same body");
	fuzz_check(w.raw.len == c.raw.len && (w.raw.len == 0 ||
	    memcmp(w.raw.s, c.raw.s, w.raw.len) == 0), "the same raw bytes");
	fuzz_check(w.body.len + w.raw.len <= len, "no bytes made up");
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		fuzz_check(fuzz_dapi_same(dapi_http_header(dw, names[i]),
		    dapi_http_header(dc, names[i])), "the same headers");
	}
	dapi_http_free(dw);
	dapi_http_free(dc);
	free(w.body.s);
	free(w.raw.s);
	free(c.body.s);
	free(c.raw.s);
	return 0;
}
