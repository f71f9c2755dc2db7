/*
 * The logs view's line store (see logbuf.h).  Bytes go through a small
 * terminal-output parser, one byte at a time so a chunk may end anywhere:
 * inside a UTF-8 character, an escape sequence or a timestamp.  Text and
 * SGR attribute runs build up the current line; a newline packs it into
 * one allocation and pushes it onto the ring, dropping the oldest line
 * when the ring is full.  Docker's `--timestamps` prefix is recognised at
 * the start of each line and kept in front of the text, apart from it.
 * Searching is in logbuf_search.c, the layout in cells in logbuf_cells.c.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "config/utf8.h"
#include "config/xmalloc.h"
#include "vt/logbuf.h"

#define LOGBUF_TS_MAX		48	/* longest timestamp, space included */
#define LOGBUF_PARAMS_MAX	64	/* CSI parameter bytes kept */
#define LOGBUF_SGR_MAX		32	/* SGR numbers looked at */

enum logbuf_state {
	LOGBUF_GROUND,
	LOGBUF_ESC,		/* after ESC */
	LOGBUF_ESC_INTER,	/* ESC then intermediates: ESC ( B */
	LOGBUF_CSI,		/* ESC [ */
	LOGBUF_STR,		/* OSC, DCS, SOS, PM, APC: until BEL or ST */
	LOGBUF_STR_ESC,		/* ESC inside a string: ST if \ follows */
};

/* Where the timestamp matcher is after the "YYYY-MM-DDTHH:MM:SS" part. */
enum logbuf_ts_phase {
	LOGBUF_TS_SECS,		/* fraction, zone or Z next */
	LOGBUF_TS_FRAC,
	LOGBUF_TS_ZONE,		/* "HH:MM" after + or - */
	LOGBUF_TS_SPACE,	/* the space ending it */
};

struct logbuf {
	struct logbuf_line	**ring;
	size_t			  max, head, count;
	uint64_t		  dropped;

	/* The line being built: timestamp then text, and its runs. */
	char			 *buf;
	size_t			  blen, bcap;
	uint32_t		  tslen;
	struct logbuf_run	 *runs;
	size_t			  nruns, rcap;
	int			  truncated;
	struct logbuf_line	  partial;

	/* Timestamp recognition at the start of a line. */
	int			  at_start;
	char			  ts[LOGBUF_TS_MAX];
	size_t			  tsn;
	enum logbuf_ts_phase	  ts_phase;
	int			  ts_zone;

	int			  pending_cr;
	enum logbuf_state	  state;
	char			  params[LOGBUF_PARAMS_MAX];
	size_t			  nparams;
	int			  csi_bad;	/* private, intermediate or too long */

	/* The current SGR state. */
	int32_t			  fg, bg;
	uint32_t		  attrs;
};

static void logbuf_byte(struct logbuf *, unsigned char);

struct logbuf *
logbuf_new(size_t max_lines)
{
	struct logbuf	*lb = xcalloc(1, sizeof *lb);

	lb->max = max_lines > 0 ? max_lines : 1;
	lb->ring = xcalloc(lb->max, sizeof *lb->ring);
	lb->at_start = 1;
	lb->fg = lb->bg = LOGBUF_DEFAULT;
	return lb;
}

void
logbuf_free(struct logbuf *lb)
{
	size_t	i;

	if (lb == NULL)
		return;
	for (i = 0; i < lb->count; i++)
		free(lb->ring[(lb->head + i) % lb->max]);
	free(lb->ring);
	free(lb->buf);
	free(lb->runs);
	free(lb);
}

size_t
logbuf_count(struct logbuf *lb)
{
	return lb->count + (lb->blen > 0);
}

uint64_t
logbuf_dropped(struct logbuf *lb)
{
	return lb->dropped;
}

const struct logbuf_line *
logbuf_get(struct logbuf *lb, size_t i)
{
	if (i < lb->count)
		return lb->ring[(lb->head + i) % lb->max];
	if (i > lb->count || lb->blen == 0)
		return NULL;
	lb->partial.buf = lb->buf;
	lb->partial.tslen = lb->tslen;
	lb->partial.len = (uint32_t)(lb->blen - lb->tslen);
	lb->partial.runs = lb->runs;
	lb->partial.nruns = (uint32_t)lb->nruns;
	return &lb->partial;
}

void
logbuf_display(const struct logbuf_line *l, int with_ts, const char **s,
    size_t *len)
{
	if (with_ts) {
		*s = l->buf;
		*len = (size_t)l->tslen + l->len;
	} else {
		*s = l->buf + l->tslen;
		*len = l->len;
	}
}

static void
logbuf_reserve(struct logbuf *lb, size_t more)
{
	if (lb->blen + more <= lb->bcap)
		return;
	lb->bcap = lb->bcap == 0 ? 256 : lb->bcap * 2;
	if (lb->bcap < lb->blen + more)
		lb->bcap = lb->blen + more;
	lb->buf = xrealloc(lb->buf, lb->bcap);
}

/* Starts a run if the current attributes differ from the last run's. */
static void
logbuf_mark(struct logbuf *lb, int32_t fg, int32_t bg, uint32_t attrs)
{
	struct logbuf_run	*r;
	uint32_t		 off = (uint32_t)(lb->blen - lb->tslen);

	if (lb->nruns == 0) {
		if (fg == LOGBUF_DEFAULT && bg == LOGBUF_DEFAULT && attrs == 0)
			return;
	} else {
		r = &lb->runs[lb->nruns - 1];
		if (r->fg == fg && r->bg == bg && r->attrs == attrs)
			return;
		if (r->off == off) {
			r->fg = fg;
			r->bg = bg;
			r->attrs = attrs;
			return;
		}
	}
	if (lb->nruns == lb->rcap) {
		lb->rcap = lb->rcap == 0 ? 8 : lb->rcap * 2;
		lb->runs = xreallocarray(lb->runs, lb->rcap, sizeof *lb->runs);
	}
	r = &lb->runs[lb->nruns++];
	r->off = off;
	r->fg = fg;
	r->bg = bg;
	r->attrs = attrs;
}

/* Cuts an incomplete UTF-8 character off the end of the text. */
static void
logbuf_trim_utf8(struct logbuf *lb)
{
	lb->blen = lb->tslen + utf8_cut(lb->buf + lb->tslen,
	    lb->blen - lb->tslen);
}

/*
 * Text after a carriage return (not followed by a newline) starts the line
 * over after its timestamp: a progress bar keeps its last state.
 */
static void
logbuf_restart(struct logbuf *lb)
{
	lb->blen = lb->tslen;
	lb->nruns = 0;
	lb->truncated = 0;
}

/* Appends text; past LOGBUF_LINE_MAX the line ends with a marker. */
static void
logbuf_text(struct logbuf *lb, const char *s, size_t n)
{
	size_t	room;

	if (lb->pending_cr) {
		lb->pending_cr = 0;
		logbuf_restart(lb);
	}
	if (lb->truncated || n == 0)
		return;
	/* Measured after the restart: the text before the CR is gone. */
	room = LOGBUF_LINE_MAX - (lb->blen - lb->tslen);
	logbuf_mark(lb, lb->fg, lb->bg, lb->attrs);
	if (n <= room) {
		logbuf_reserve(lb, n);
		memcpy(lb->buf + lb->blen, s, n);
		lb->blen += n;
		return;
	}
	logbuf_reserve(lb, room + sizeof LOGBUF_TRUNCATED);
	memcpy(lb->buf + lb->blen, s, room);
	lb->blen += room;
	logbuf_trim_utf8(lb);
	while (lb->nruns > 0 &&
	    lb->runs[lb->nruns - 1].off > lb->blen - lb->tslen)
		lb->nruns--;
	logbuf_mark(lb, LOGBUF_DEFAULT, LOGBUF_DEFAULT, 0);
	memcpy(lb->buf + lb->blen, LOGBUF_TRUNCATED,
	    sizeof LOGBUF_TRUNCATED - 1);
	lb->blen += sizeof LOGBUF_TRUNCATED - 1;
	lb->truncated = 1;
}

/* Packs the current line into one allocation at the end of the ring. */
static void
logbuf_commit(struct logbuf *lb)
{
	struct logbuf_line	*l;
	size_t			 rsz = lb->nruns * sizeof *lb->runs;
	size_t			 hsz = sizeof *l;

	hsz = (hsz + 7) & ~(size_t)7;
	l = xmalloc(hsz + rsz + lb->blen + 1);
	l->runs = lb->nruns > 0 ? (struct logbuf_run *)((char *)l + hsz) :
	    NULL;
	if (rsz > 0)
		memcpy(l->runs, lb->runs, rsz);
	l->buf = (char *)l + hsz + rsz;
	if (lb->blen > 0)
		memcpy(l->buf, lb->buf, lb->blen);
	l->buf[lb->blen] = '\0';
	l->tslen = lb->tslen;
	l->len = (uint32_t)(lb->blen - lb->tslen);
	l->nruns = (uint32_t)lb->nruns;

	if (lb->count == lb->max) {
		free(lb->ring[lb->head]);
		lb->ring[lb->head] = l;
		lb->head = (lb->head + 1) % lb->max;
		lb->dropped++;
	} else
		lb->ring[(lb->head + lb->count++) % lb->max] = l;

	lb->blen = 0;
	lb->tslen = 0;
	lb->nruns = 0;
	lb->truncated = 0;
	lb->pending_cr = 0;
	lb->at_start = 1;
	lb->tsn = 0;
	lb->ts_phase = LOGBUF_TS_SECS;
	/* A big line's buffer is not kept around. */
	if (lb->bcap > 4096) {
		free(lb->buf);
		lb->buf = NULL;
		lb->bcap = 0;
	}
}

/*
 * Steps the timestamp matcher: RFC 3339 with an optional fraction, then a
 * space.  Returns 1 for more, 2 when complete, 0 when this is no timestamp.
 */
static int
logbuf_ts_step(struct logbuf *lb, unsigned char c)
{
	static const char	tmpl[] = "dddd-dd-ddTdd:dd:dd";
	size_t			n = lb->tsn;

	if (n >= LOGBUF_TS_MAX)
		return 0;
	if (n < sizeof tmpl - 1) {
		if (tmpl[n] == 'd' ? !isdigit(c) : c != (unsigned char)tmpl[n])
			return 0;
		lb->ts[lb->tsn++] = (char)c;
		lb->ts_phase = LOGBUF_TS_SECS;
		return 1;
	}
	switch (lb->ts_phase) {
	case LOGBUF_TS_SECS:
	case LOGBUF_TS_FRAC:
		if (c == '.' && lb->ts_phase == LOGBUF_TS_SECS)
			lb->ts_phase = LOGBUF_TS_FRAC;
		else if (isdigit(c) && lb->ts_phase == LOGBUF_TS_FRAC)
			;
		else if (c == 'Z')
			lb->ts_phase = LOGBUF_TS_SPACE;
		else if (c == '+' || c == '-') {
			lb->ts_phase = LOGBUF_TS_ZONE;
			lb->ts_zone = 0;
		} else
			return 0;
		break;
	case LOGBUF_TS_ZONE:
		if (lb->ts_zone == 2 ? c != ':' : !isdigit(c))
			return 0;
		if (++lb->ts_zone == 5)
			lb->ts_phase = LOGBUF_TS_SPACE;
		break;
	case LOGBUF_TS_SPACE:
		if (c != ' ')
			return 0;
		lb->ts[lb->tsn++] = (char)c;
		return 2;
	}
	lb->ts[lb->tsn++] = (char)c;
	return 1;
}

/* At the start of a line: a timestamp, or bytes to parse as usual. */
static void
logbuf_start(struct logbuf *lb, unsigned char c)
{
	char	saved[LOGBUF_TS_MAX];
	size_t	n, i;

	switch (logbuf_ts_step(lb, c)) {
	case 1:
		return;
	case 2:
		lb->at_start = 0;
		logbuf_reserve(lb, lb->tsn);
		memcpy(lb->buf, lb->ts, lb->tsn);
		lb->blen = lb->tslen = (uint32_t)lb->tsn;
		lb->tsn = 0;
		return;
	}
	lb->at_start = 0;
	n = lb->tsn;
	memcpy(saved, lb->ts, n);
	lb->tsn = 0;
	for (i = 0; i < n; i++)
		logbuf_byte(lb, (unsigned char)saved[i]);
	logbuf_byte(lb, c);
}

static int
logbuf_colour(int *v, int n, int *used)
{
	if (n >= 2 && v[0] == 5) {
		*used = 2;
		return v[1] >= 0 && v[1] <= 255 ? v[1] : -2;
	}
	if (n >= 4 && v[0] == 2) {
		*used = 4;
		if (v[1] > 255 || v[2] > 255 || v[3] > 255)
			return -2;
		return LOGBUF_RGB_OF(v[1], v[2], v[3]);
	}
	*used = n;
	return -2;
}

/* 38/48 with colon subparameters: 38:5:N, 38:2:R:G:B or 38:2:CS:R:G:B. */
static int
logbuf_colour_sub(int *v, int n)
{
	int	rgb[4], used;

	if (n >= 5 && v[0] == 2) {
		rgb[0] = 2;
		rgb[1] = v[2];
		rgb[2] = v[3];
		rgb[3] = v[4];
		return logbuf_colour(rgb, 4, &used);
	}
	return logbuf_colour(v, n, &used);
}

/* SGR numbers that set or clear attributes. */
static const struct {
	int		code;
	uint32_t	set, clear;
} logbuf_sgr_attrs[] = {
	{ 1, LOGBUF_BOLD, 0 },
	{ 2, LOGBUF_DIM, 0 },
	{ 3, LOGBUF_ITALIC, 0 },
	{ 4, LOGBUF_UNDERLINE, 0 },
	{ 7, LOGBUF_REVERSE, 0 },
	{ 21, LOGBUF_UNDERLINE, 0 },
	{ 22, 0, LOGBUF_BOLD | LOGBUF_DIM },
	{ 23, 0, LOGBUF_ITALIC },
	{ 24, 0, LOGBUF_UNDERLINE },
	{ 27, 0, LOGBUF_REVERSE },
};

static void
logbuf_sgr_one(struct logbuf *lb, int p)
{
	size_t	i;

	if (p == 0) {
		lb->fg = lb->bg = LOGBUF_DEFAULT;
		lb->attrs = 0;
	} else if (p >= 30 && p <= 37)
		lb->fg = p - 30;
	else if (p == 39)
		lb->fg = LOGBUF_DEFAULT;
	else if (p >= 40 && p <= 47)
		lb->bg = p - 40;
	else if (p == 49)
		lb->bg = LOGBUF_DEFAULT;
	else if (p >= 90 && p <= 97)
		lb->fg = p - 90 + 8;
	else if (p >= 100 && p <= 107)
		lb->bg = p - 100 + 8;
	for (i = 0; i < sizeof logbuf_sgr_attrs / sizeof logbuf_sgr_attrs[0];
	    i++) {
		if (logbuf_sgr_attrs[i].code == p) {
			lb->attrs |= logbuf_sgr_attrs[i].set;
			lb->attrs &= ~logbuf_sgr_attrs[i].clear;
		}
	}
}

/* Applies ESC [ params m to the current attributes. */
static void
logbuf_sgr(struct logbuf *lb)
{
	int		 v[LOGBUF_SGR_MAX], sub[LOGBUF_SGR_MAX];
	int		 n = 0, i, nsub, c, used, which;
	size_t		 k;

	v[0] = 0;
	sub[0] = 0;
	for (k = 0; k < lb->nparams; k++) {
		c = (unsigned char)lb->params[k];
		if (c == ';' || c == ':') {
			if (++n == LOGBUF_SGR_MAX)
				return;
			v[n] = 0;
			sub[n] = c == ':';
		} else if (isdigit(c)) {
			if (v[n] < 100000)
				v[n] = v[n] * 10 + (c - '0');
		} else
			return;
	}
	n++;
	for (i = 0; i < n; i += 1 + nsub) {
		for (nsub = 0; i + 1 + nsub < n && sub[i + 1 + nsub]; nsub++)
			;
		if (v[i] == 38 || v[i] == 48) {
			which = v[i];
			if (nsub > 0)
				c = logbuf_colour_sub(v + i + 1, nsub);
			else {
				c = logbuf_colour(v + i + 1, n - i - 1, &used);
				i += used;
			}
			if (c != -2 && which == 38)
				lb->fg = c;
			else if (c != -2)
				lb->bg = c;
		} else if (v[i] == 4 && nsub > 0) {
			if (v[i + 1] == 0)
				lb->attrs &= ~(uint32_t)LOGBUF_UNDERLINE;
			else
				lb->attrs |= LOGBUF_UNDERLINE;
		} else
			logbuf_sgr_one(lb, v[i]);
	}
}

static void
logbuf_csi(struct logbuf *lb, unsigned char c)
{
	if (c >= 0x30 && c <= 0x3f) {
		if (lb->nparams == 0 && c >= 0x3c)
			lb->csi_bad = 1;
		if (lb->nparams == sizeof lb->params)
			lb->csi_bad = 1;
		else
			lb->params[lb->nparams++] = (char)c;
	} else if (c >= 0x20 && c <= 0x2f)
		lb->csi_bad = 1;
	else if (c >= 0x40 && c <= 0x7e) {
		if (c == 'm' && !lb->csi_bad)
			logbuf_sgr(lb);
		lb->state = LOGBUF_GROUND;
	} else if (c == 0x1b)
		lb->state = LOGBUF_ESC;
	else if (c == '\n' || c == '\r' || c >= 0x80) {
		lb->state = LOGBUF_GROUND;
		logbuf_byte(lb, c);
	} else if (c == 0x18 || c == 0x1a)
		lb->state = LOGBUF_GROUND;
}

static void
logbuf_esc(struct logbuf *lb, unsigned char c)
{
	if (c == '[') {
		lb->state = LOGBUF_CSI;
		lb->nparams = 0;
		lb->csi_bad = 0;
	} else if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_')
		lb->state = LOGBUF_STR;
	else if (c >= 0x20 && c <= 0x2f)
		lb->state = LOGBUF_ESC_INTER;
	else if (c >= 0x30 && c <= 0x7e)
		lb->state = LOGBUF_GROUND;
	else if (c == 0x1b)
		lb->state = LOGBUF_ESC;
	else {
		lb->state = LOGBUF_GROUND;
		logbuf_byte(lb, c);
	}
}

static void
logbuf_ground(struct logbuf *lb, unsigned char c)
{
	char	ch = (char)c;

	if (c == '\n')
		logbuf_commit(lb);
	else if (c == '\r')
		lb->pending_cr = 1;
	else if (c == 0x1b)
		lb->state = LOGBUF_ESC;
	else if (c == '\t' || (c >= 0x20 && c != 0x7f))
		logbuf_text(lb, &ch, 1);
}

static void
logbuf_byte(struct logbuf *lb, unsigned char c)
{
	if (lb->at_start && lb->state == LOGBUF_GROUND) {
		logbuf_start(lb, c);
		return;
	}
	switch (lb->state) {
	case LOGBUF_GROUND:
		logbuf_ground(lb, c);
		break;
	case LOGBUF_ESC:
		logbuf_esc(lb, c);
		break;
	case LOGBUF_ESC_INTER:
		if (c >= 0x30 && c <= 0x7e)
			lb->state = LOGBUF_GROUND;
		else if (c < 0x20 || c > 0x7e) {
			lb->state = LOGBUF_GROUND;
			logbuf_byte(lb, c);
		}
		break;
	case LOGBUF_CSI:
		logbuf_csi(lb, c);
		break;
	case LOGBUF_STR:
		if (c == 0x07 || c == 0x18 || c == 0x1a)
			lb->state = LOGBUF_GROUND;
		else if (c == 0x1b)
			lb->state = LOGBUF_STR_ESC;
		else if (c == '\n') {
			/* An unterminated string does not eat the log. */
			lb->state = LOGBUF_GROUND;
			logbuf_byte(lb, c);
		}
		break;
	case LOGBUF_STR_ESC:
		lb->state = c == '\\' ? LOGBUF_GROUND : LOGBUF_ESC;
		if (c != '\\')
			logbuf_byte(lb, c);
		break;
	}
}

void
logbuf_feed(struct logbuf *lb, const char *buf, size_t len)
{
	const unsigned char	*p = (const unsigned char *)buf;
	size_t			 i = 0, j;

	while (i < len) {
		/* Plain text in bulk: the common case by far. */
		if (lb->state == LOGBUF_GROUND && !lb->at_start) {
			for (j = i; j < len && p[j] >= 0x20 && p[j] != 0x7f; j++)
				;
			if (j > i) {
				logbuf_text(lb, buf + i, j - i);
				i = j;
				continue;
			}
		}
		logbuf_byte(lb, p[i++]);
	}
}
