/*
 * Follows escape sequences and UTF-8 in the bytes fed to a pane, ahead of
 * libvterm, to keep away input that libvterm 0.1.4 mishandles:
 *
 * An OSC (title) or DCS string split over two writes is lost, so an open
 * sequence at the end of a chunk is held back (up to VT_CARRY_MAX bytes)
 * and written whole when it ends; so is a UTF-8 character cut in two
 * (0.1.4 loses a combining character that arrives that way).
 *
 * REP (CSI Ps b, repeat the last character) loops forever when the last
 * character printed has width 0.  REP never reaches libvterm: it is done
 * here by writing the last character again, to the end of the row at most
 * as libvterm does, and only for characters known to have a width.
 *
 * Its UTF-8 decoder keeps a partial character pending across escape
 * sequences and completes it with later bytes, and prints C1 controls sent
 * as UTF-8 (U+0080 to U+009F) with width -1, which corrupts its memory in
 * insert mode.  So text reaches libvterm as well-formed UTF-8 only,
 * decoded with utf8_step (config/utf8.h, the one codec): each bad part
 * becomes one U+FFFD as utf8_decode counts them, C1 controls are dropped,
 * and an escape sequence with a byte above 0x7f in it is dropped whole.
 *
 * DECRQSS (DCS $ q) asking for a setting 0.1.4 does not know crashes it,
 * so such a request is dropped, and so is a DCS too long to hold.
 *
 * A CSI with more than 16 arguments (separated by ';' or ':') writes past
 * libvterm 0.1.4's argument array: `ESC [` then sixteen ';' and `2m`
 * corrupts its heap and crashes later.  Such a CSI is dropped whole, as
 * tmux drops one with more arguments than it keeps.
 *
 * The state machine mirrors libvterm's parser: ground, ESC, intermediate,
 * CSI, and strings (OSC and DCS; 0.1.4 has no SOS/PM/APC strings), ended
 * by BEL or ST, aborted by CAN, SUB or another ESC.
 */

#include <string.h>

#include "config/utf8.h"
#include "config/xmalloc.h"
#include "vt/vt_private.h"

enum {
	VT_SEQ_GROUND,
	VT_SEQ_ESC,
	VT_SEQ_INTER,
	VT_SEQ_CSI,
	VT_SEQ_CSI_DROP,	/* an over-long CSI, swallowed to its end */
	VT_SEQ_STR,
	VT_SEQ_STR_ESC,
};

#define VT_SEQ_ARG_MAX	100000
/* libvterm 0.1.4's CSI_ARGS_MAX: arguments it has room for. */
#define VT_SEQ_CSI_ARGS	16

/* Characters REP may repeat: known to be 1 (or 2) columns in libvterm. */
static const struct {
	uint32_t	first, last;
	int		width;
} vt_seq_safe[] = {
	{ 0x20, 0x7e, 1 }, { 0xa0, 0x2ff, 1 }, { 0x370, 0x482, 1 },
	{ 0x2010, 0x2027, 1 }, { 0x2030, 0x205e, 1 }, { 0x2100, 0x23ff, 1 },
	{ 0x2460, 0x27bf, 1 }, { 0x2800, 0x28ff, 1 }, { 0xfffd, 0xfffd, 1 },
	{ 0x3041, 0x3096, 2 }, { 0x30a1, 0x30fa, 2 }, { 0x4e00, 0x9fff, 2 },
	{ 0xac00, 0xd7a3, 2 },
};

static int
vt_seq_width(uint32_t cp)
{
	size_t	i;

	for (i = 0; i < sizeof vt_seq_safe / sizeof vt_seq_safe[0]; i++) {
		if (cp >= vt_seq_safe[i].first && cp <= vt_seq_safe[i].last)
			return vt_seq_safe[i].width;
	}
	return 0;
}

static const char vt_seq_fffd[] = "\xef\xbf\xbd";

/* The bytes from buf[from] to buf[to] (not included) are one U+FFFD. */
static void
vt_seq_bad(struct vt *vt, const char *buf, size_t from, size_t to,
    size_t *pass)
{
	vt_pass(vt, buf + *pass, from - *pass);
	vt_pass(vt, vt_seq_fffd, 3);
	*pass = to;
	vt->seq.last = 0xfffd;
}

/* Character cp, from buf[s->lead] to buf[i], is kept or dropped. */
static void
vt_seq_char(struct vt *vt, const char *buf, size_t i, size_t *pass,
    uint32_t cp)
{
	struct vt_seq	*s = &vt->seq;

	if (utf8_is_control(cp)) {
		vt_pass(vt, buf + *pass, s->lead - *pass);
		*pass = i + 1;
	} else
		s->last = vt_seq_width(cp) != 0 ? cp : 0;
}

/*
 * Byte buf[i] in the ground state, above 0x7f or after the start of a
 * character: decoded with utf8_step.  Returns 0 when the byte is left to
 * the caller: ASCII that cut a character short.
 */
static int
vt_seq_text(struct vt *vt, const char *buf, size_t i, size_t *pass)
{
	struct vt_seq	*s = &vt->seq;
	unsigned char	 c = buf[i];
	int		 start = s->utf8.need == 0;
	enum utf8_step	 r;
	uint32_t	 cp;

	if ((r = utf8_step(&s->utf8, c, &cp)) == UTF8_CUT) {
		vt_seq_bad(vt, buf, s->lead, i, pass);
		if (c < 0x80)
			return 0;
		start = 1;
		r = utf8_step(&s->utf8, c, &cp);
	}
	switch (r) {
	case UTF8_MORE:
		if (start)
			s->lead = i;
		break;
	case UTF8_BAD:
		vt_seq_bad(vt, buf, i, i + 1, pass);
		break;
	default:
		vt_seq_char(vt, buf, i, pass, cp);
		break;
	}
	return 1;
}

/* Does REP: the last character again, count times, to the row's end. */
static void
vt_seq_rep(struct vt *vt, unsigned long count)
{
	char		buf[256], one[4];
	uint32_t	cp = vt->seq.last;
	VTermPos	pos;
	size_t		n = 0, len;
	unsigned long	room;
	int		width = vt_seq_width(cp);

	if (cp == 0 || width == 0)
		return;
	if (count == 0)
		count = 1;
	vterm_state_get_cursorpos(vt->state, &pos);
	room = (unsigned long)(vt->cols - pos.col) / width;
	if (count > room)
		count = room;
	len = utf8_encode(cp, one);
	while (count-- != 0) {
		if (n + len > sizeof buf) {
			vt_pass(vt, buf, n);
			n = 0;
		}
		memcpy(buf + n, one, len);
		n += len;
	}
	vt_pass(vt, buf, n);
}

static void
vt_seq_carry(struct vt *vt, const char *buf, size_t len)
{
	if (len == 0)
		return;
	vt->carry = xrealloc(vt->carry, vt->carry_len + len);
	memcpy(vt->carry + vt->carry_len, buf, len);
	vt->carry_len += len;
}

/* Writes the held bytes and those of buf before end, as one write. */
static void
vt_seq_flush(struct vt *vt, const char *buf, size_t end, size_t *pass)
{
	vt_seq_carry(vt, buf + *pass, end - *pass);
	vt_pass_whole(vt, vt->carry, vt->carry_len);
	vt->carry_len = 0;
	*pass = end;
}

/* A sequence ended at buf[i]: write it whole if it was held. */
static void
vt_seq_done(struct vt *vt, const char *buf, size_t i, size_t *pass)
{
	vt->seq.state = VT_SEQ_GROUND;
	vt->seq.nohold = 0;
	if (!vt->seq.here && vt->carry_len != 0)
		vt_seq_flush(vt, buf, i + 1, pass);
}

/* An ESC at buf[i] in the ground state starts a sequence. */
static void
vt_seq_start(struct vt *vt, size_t i)
{
	struct vt_seq	*s = &vt->seq;

	s->state = VT_SEQ_ESC;
	s->here = 1;
	s->start = i;
	s->nohold = 0;
}

/*
 * The open sequence was cut short by an ESC starting another, at buf[at]
 * (at is SIZE_MAX when that ESC came in an earlier feed).  The cut one is
 * dropped whole, so libvterm never sees part of it; if it already saw its
 * start (a string too long to hold), a CAN ends it there.
 */
static void
vt_seq_restart(struct vt *vt, const char *buf, size_t at, size_t *pass)
{
	struct vt_seq	*s = &vt->seq;

	if (s->nohold)
		vt_pass(vt, "\030", 1);
	else if (s->here)
		vt_pass(vt, buf + *pass, s->start - *pass);
	vt->carry_len = 0;
	s->state = VT_SEQ_ESC;
	s->nohold = 0;
	if (at != SIZE_MAX) {
		*pass = at;
		s->here = 1;
		s->start = at;
	} else {
		s->here = 0;
		vt_seq_carry(vt, "\033", 1);
	}
}

/* Drops the open sequence and buf[i] (REP, or garbage libvterm mishandles). */
static void
vt_seq_discard(struct vt *vt, const char *buf, size_t i, size_t *pass)
{
	struct vt_seq	*s = &vt->seq;

	if (s->here)
		vt_pass(vt, buf + *pass, s->start - *pass);
	vt->carry_len = 0;
	*pass = i + 1;
	s->state = VT_SEQ_GROUND;
	s->here = 0;
	s->nohold = 0;
}

/*
 * Whether a DCS is safe for 0.1.4: DECRQSS only for what it knows (an
 * empty request too goes: its answer reads the same unterminated buffer).
 * C0 controls inside are not part of it for libvterm, so not here either.
 */
static int
vt_seq_dcs_ok(const char *p, size_t n)
{
	static const char	*known[] = { "m", "r", "s", " q", "\"q" };
	char			 req[8];
	size_t			 i, k = 0;

	for (i = 0; i < n; i++) {
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			continue;
		if (k == sizeof req)
			break;
		req[k++] = p[i];
	}
	if (k < 2 || req[0] != '$' || req[1] != 'q')
		return 1;
	if (i != n)
		return 0;
	for (i = 0; i < sizeof known / sizeof known[0]; i++) {
		if (k - 2 == strlen(known[i]) &&
		    memcmp(req + 2, known[i], k - 2) == 0)
			return 1;
	}
	return 0;
}

/* A string ended at buf[i] with a terminator of tlen bytes. */
static void
vt_seq_string_end(struct vt *vt, const char *buf, size_t i, size_t tlen,
    size_t *pass)
{
	struct vt_seq	*s = &vt->seq;
	const char	*p, *q;
	size_t		 n;

	if (s->drop) {
		*pass = i + 1;
		s->state = VT_SEQ_GROUND;
		s->drop = 0;
		return;
	}
	if (s->dcs && !s->nohold) {
		if (s->here) {
			p = buf + s->start;
			n = i + 1 - s->start;
		} else {
			vt_seq_carry(vt, buf + *pass, i + 1 - *pass);
			*pass = i + 1;
			p = vt->carry;
			n = vt->carry_len;
		}
		/* The body starts after the P; C0 controls and intermediates
		 * may stand between it and the ESC (libvterm runs the first,
		 * ignores the others and goes on). */
		q = memchr(p, 'P', n - tlen);
		if (q == NULL || !vt_seq_dcs_ok(q + 1,
		    (size_t)(p + n - tlen - (q + 1)))) {
			vt_seq_discard(vt, buf, i, pass);
			return;
		}
	}
	if (s->here && !s->nohold) {
		/* In one write, whatever line feeds it holds. */
		vt_pass(vt, buf + *pass, s->start - *pass);
		vt_pass_whole(vt, buf + s->start, i + 1 - s->start);
		*pass = i + 1;
		s->state = VT_SEQ_GROUND;
		return;
	}
	vt_seq_done(vt, buf, i, pass);
}

/* Takes one byte; returns 1 when a REP ended at it. */
static int
vt_seq_step(struct vt *vt, const char *buf, size_t i, size_t *pass)
{
	struct vt_seq	*s = &vt->seq;
	unsigned char	 c = buf[i];

	if (s->state == VT_SEQ_GROUND) {
		if ((c >= 0x80 || s->utf8.need != 0) &&
		    vt_seq_text(vt, buf, i, pass))
			return 0;
		if (c == 0x1b)
			vt_seq_start(vt, i);
		else if (c >= 0x20 && c != 0x7f)
			s->last = c;
		return 0;
	}
	if (s->state == VT_SEQ_CSI_DROP) {
		if (c == 0x1b) {
			*pass = i;
			vt_seq_start(vt, i);
			return 0;
		}
		/* libvterm runs C0 controls inside a CSI: so do we. */
		if (c < 0x20 && c != 0x18 && c != 0x1a)
			vt_pass(vt, buf + i, 1);
		*pass = i + 1;
		if ((c >= 0x40 && c <= 0x7e) || c == 0x18 || c == 0x1a)
			s->state = VT_SEQ_GROUND;
		return 0;
	}
	if (s->drop)
		*pass = i + 1;
	if (c == 0x18 || c == 0x1a) {
		if (s->drop)
			s->drop = 0;
		vt_seq_done(vt, buf, i, pass);
		return 0;
	}
	if (c >= 0x80 && s->state != VT_SEQ_STR && s->state != VT_SEQ_STR_ESC) {
		vt_seq_discard(vt, buf, i, pass);
		return 0;
	}
	/* DEL is skipped everywhere but after a string's ESC, where
	 * libvterm 0.1.4 ends the string at it and then, at the closing
	 * backslash, copies it with a length of -1 (reading past it). */
	if (c == 0x7f && s->state != VT_SEQ_STR_ESC)
		return 0;
	switch (s->state) {
	case VT_SEQ_STR_ESC:
		if (c == '\\') {
			vt_seq_string_end(vt, buf, i, 2, pass);
			return 0;
		}
		s->drop = 0;
		vt_seq_restart(vt, buf, i >= 1 ? i - 1 : SIZE_MAX, pass);
		/* The ESC that ended the string starts a sequence, and a byte
		 * above 0x7f drops it as in any other (libvterm would skip
		 * the byte and go on: ESC ] ESC 0xff P is a DCS to it). */
		if (c >= 0x80) {
			vt_seq_discard(vt, buf, i, pass);
			return 0;
		}
		if (c == 0x7f)
			return 0;	/* the ESC waits for its next byte */
		/* FALLTHROUGH */
	case VT_SEQ_ESC:
	case VT_SEQ_INTER:
		/* libvterm starts a CSI or a string after ESC whatever
		 * intermediates came between: ESC % P is a DCS. */
		if (c == '[') {
			s->state = VT_SEQ_CSI;
			s->rep = 1;
			s->first = 1;
			s->arg = 0;
			s->nsep = 0;
			s->body = 0;
		} else if (c == ']' || c == 'P') {
			s->state = VT_SEQ_STR;
			s->dcs = c == 'P';
		}
		else if (c >= 0x20 && c <= 0x2f)
			s->state = VT_SEQ_INTER;
		else if (c == 0x1b)
			vt_seq_restart(vt, buf, i, pass);
		else if (c >= 0x30)
			vt_seq_done(vt, buf, i, pass);
		return 0;
	case VT_SEQ_CSI:
		if (c == 0x1b)
			vt_seq_restart(vt, buf, i, pass);
		else if (c >= 0x40 && c <= 0x7e) {
			if (c == 'b' && s->rep)
				return 1;
			vt_seq_done(vt, buf, i, pass);
		} else if (c >= 0x3c && c <= 0x3f && s->body) {
			/* A private marker after the arguments ends the CSI
			 * for libvterm (ESC [ 1 ? m prints the m). */
			vt_seq_done(vt, buf, i, pass);
		} else if (c >= '0' && c <= '9') {
			s->body = 1;
			if (s->first && s->arg < VT_SEQ_ARG_MAX)
				s->arg = s->arg * 10 + (c - '0');
		} else if (c == ';' || c == ':') {
			s->body = 1;
			/* Still REP to libvterm with ':' in it (CSI : 5 b
			 * hung it): done here all the same. */
			s->first = 0;
			if (++s->nsep == VT_SEQ_CSI_ARGS) {
				vt_seq_discard(vt, buf, i, pass);
				s->state = VT_SEQ_CSI_DROP;
			}
		} else if (c >= 0x20) {
			s->rep = 0;	/* a private marker or intermediate */
			s->body |= c <= 0x2f;
		}
		return 0;
	case VT_SEQ_STR:
		if (c == 0x07)
			vt_seq_string_end(vt, buf, i, 1, pass);
		else if (c == 0x1b)
			s->state = VT_SEQ_STR_ESC;
		return 0;
	}
	return 0;
}

/* A run of ASCII and controls: the last printable one counts for REP. */
static void
vt_seq_ascii(struct vt_seq *s, const char *p, size_t n)
{
	while (n-- != 0) {
		if ((unsigned char)p[n] - 0x20u < 0x5fu) {
			s->last = (unsigned char)p[n];
			return;
		}
	}
}

/* Finishes a character held from the last feed; returns the bytes used. */
static size_t
vt_seq_held(struct vt *vt, const char *buf, size_t len)
{
	struct vt_seq	*s = &vt->seq;
	enum utf8_step	 r = UTF8_MORE;
	size_t		 j, pass = 0;
	uint32_t	 cp;

	for (j = 0; j < len && r == UTF8_MORE; j++)
		r = utf8_step(&s->utf8, buf[j], &cp);
	if (r == UTF8_CUT)
		j--;		/* not part of it */
	vt_seq_carry(vt, buf, j);
	if (r == UTF8_MORE)
		return len;
	if (r == UTF8_CUT) {
		vt_pass(vt, vt_seq_fffd, 3);
		s->last = 0xfffd;
	} else {
		/* Checked as if it were all in the carry. */
		s->lead = 0;
		vt_seq_char(vt, vt->carry, vt->carry_len - 1, &pass, cp);
		vt_pass(vt, vt->carry + pass, vt->carry_len - pass);
	}
	vt->carry_len = 0;
	return j;
}

/*
 * Feeds buf through the tracker: runs of it to vt_pass() as they are, REP
 * done here, an open sequence or character at the end held in the carry.
 */
void
vt_seq_feed(struct vt *vt, const char *buf, size_t len)
{
	struct vt_seq	*s = &vt->seq;
	size_t		 i, j, pass = 0;

	if (s->state == VT_SEQ_GROUND && s->utf8.need != 0) {
		j = vt_seq_held(vt, buf, len);
		if (s->utf8.need != 0)
			return;
		buf += j;
		len -= j;
	}
	s->here = 0;
	for (i = 0; i < len; i++) {
		if (s->state == VT_SEQ_GROUND && s->utf8.need == 0) {
			/* ASCII and controls but ESC are most of any output. */
			for (j = i; j < len && (unsigned char)buf[j] < 0x80 &&
			    buf[j] != 0x1b; j++)
				;
			if (j != i) {
				vt_seq_ascii(s, buf + i, j - i);
				i = j - 1;
				continue;
			}
		}
		if (!vt_seq_step(vt, buf, i, &pass))
			continue;
		/* A REP: write what came before it, then do it. */
		vt_seq_discard(vt, buf, i, &pass);
		vt_seq_rep(vt, s->arg);
	}

	if (s->state == VT_SEQ_GROUND && s->utf8.need != 0) {
		vt_pass(vt, buf + pass, s->lead - pass);
		vt_seq_carry(vt, buf + s->lead, len - s->lead);
		return;
	}
	if (s->state == VT_SEQ_GROUND || s->state == VT_SEQ_CSI_DROP ||
	    s->nohold || s->drop) {
		vt_pass(vt, buf + pass, len - pass);
		return;
	}
	if (s->here) {
		vt_pass(vt, buf + pass, s->start - pass);
		pass = s->start;
	}
	vt_seq_carry(vt, buf + pass, len - pass);
	if (vt->carry_len <= VT_CARRY_MAX)
		return;
	/* Too long to hold: a CSI or DCS is dropped, an OSC goes through. */
	if (s->state == VT_SEQ_CSI)
		s->state = VT_SEQ_CSI_DROP;
	else if ((s->state == VT_SEQ_STR || s->state == VT_SEQ_STR_ESC) &&
	    s->dcs)
		s->drop = 1;
	else {
		vt_pass(vt, vt->carry, vt->carry_len);
		s->nohold = 1;
	}
	vt->carry_len = 0;
}
