/*
 * Log text: the store behind the logs view (tui/logs.c).  Raw `docker logs
 * --timestamps` bytes in (any chunking), lines out.  Each line keeps its
 * docker timestamp apart from its text, so the view can show or hide it,
 * and its colours as attribute runs parsed from SGR sequences; every other
 * escape sequence and control character is dropped.  The store is a ring of
 * at most max_lines lines of at most LOGBUF_LINE_MAX bytes each, so memory
 * stays bounded under any input.  It also lays a line out in terminal
 * cells (wcwidth, tabs, wrapping) for the view.  Pure (no curses), so it is
 * unit tested.
 */
#ifndef SANDBOX_TUI_LOGBUF_H
#define SANDBOX_TUI_LOGBUF_H

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

/* A colour: LOGBUF_DEFAULT, a palette index 0-255, or LOGBUF_RGB | rgb. */
#define LOGBUF_DEFAULT		(-1)
#define LOGBUF_RGB		0x1000000
#define LOGBUF_RGB_OF(r, g, b)	(LOGBUF_RGB | ((r) << 16) | ((g) << 8) | (b))

#define LOGBUF_BOLD		0x01
#define LOGBUF_DIM		0x02
#define LOGBUF_ITALIC		0x04
#define LOGBUF_UNDERLINE	0x08
#define LOGBUF_REVERSE		0x10

/* Longest text kept of one line; the rest is dropped for the marker. */
#define LOGBUF_LINE_MAX		65536
#define LOGBUF_TRUNCATED	" [line truncated]"

/* Attributes from byte off of the text to the next run or the end. */
struct logbuf_run {
	uint32_t	off;
	int32_t		fg, bg;
	uint32_t	attrs;		/* LOGBUF_BOLD, ... */
};

struct logbuf_line {
	/* The timestamp (tslen bytes, its space included), then the text. */
	char			*buf;
	struct logbuf_run	*runs;	/* none: default attributes */
	uint32_t		 tslen;
	uint32_t		 len;	/* text bytes, after the timestamp */
	uint32_t		 nruns;
};

/* Where a search found its pattern: line index and display byte offset. */
struct logbuf_pos {
	size_t	line;
	size_t	off;
};

struct logbuf;

struct logbuf *logbuf_new(size_t max_lines);
void logbuf_free(struct logbuf *);
void logbuf_feed(struct logbuf *, const char *, size_t);

/* Lines held, the unfinished last one included (at most max_lines + 1). */
size_t logbuf_count(struct logbuf *);
/* Lines dropped so far: line i was the (dropped + i)th line received. */
uint64_t logbuf_dropped(struct logbuf *);
/* Line i (0 is the oldest held); valid until the next feed. */
const struct logbuf_line *logbuf_get(struct logbuf *, size_t i);
/* The line as shown: with or without its timestamp. */
void logbuf_display(const struct logbuf_line *, int with_ts,
	    const char **s, size_t *len);

/* Nonzero when a search for pattern ignores case (no uppercase in it). */
int logbuf_smartcase(const char *pattern);
/* First match in the displayed line starting at or after from. */
int logbuf_line_find(const struct logbuf_line *, int with_ts,
	    const char *pat, int icase, size_t from, size_t *off);
/*
 * From (at->line, at->off): forward, the first match at or after it;
 * backward, the last match before it.  Wraps around the ends (setting
 * *wrapped).  Returns 0 with *at moved to the match, -1 when none.
 */
int logbuf_search(struct logbuf *, const char *pat, int icase, int with_ts,
	    int backward, struct logbuf_pos *at, int *wrapped);

/*
 * Walks a displayed line cell by cell as a terminal shows it: wcwidth
 * columns, tabs to the next multiple of 8, combining marks with their
 * character, invalid bytes as '?', wrapping at cols (0: no wrap).
 */
#define LOGBUF_CELL_CHARS	4

struct logbuf_iter {
	const char	*s;
	size_t		 len, at;
	int		 cols;
	int		 row, col;	/* where the next cell goes */
	mbstate_t	 ps;
};

struct logbuf_cell {
	size_t		 off;		/* its first byte */
	wchar_t		 wc[LOGBUF_CELL_CHARS + 1];	/* L" " for a tab */
	int		 width;
	int		 row, col;
};

void logbuf_iter_init(struct logbuf_iter *, const char *, size_t, int cols);
/* Fills the next cell; returns 0 at the end of the line. */
int logbuf_iter_next(struct logbuf_iter *, struct logbuf_cell *);

#endif
