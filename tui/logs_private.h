/*
 * The logs view's state, shared by its keys and stream (logs.c) and its
 * drawing (logs_draw.c).
 */
#ifndef SANDBOX_TUI_LOGS_PRIVATE_H
#define SANDBOX_TUI_LOGS_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#define LOGS_HELP	"q back  f follow  / search  t time  w wrap  s save"

struct app;
struct chan;
struct logbuf;

struct logs {
	struct app	*app;
	int		 n;
	char		*name;
	struct chan	*chan;
	struct logbuf	*lb;
	char		*ended;		/* why there is no stream (any more) */
	char		*note;		/* result of the last search or save */

	int		 follow, wrap, timestamps;
	uint64_t	 top;		/* number of the top line */
	int		 top_row;	/* its first wrapped row shown */
	int		 hscroll;	/* columns skipped with wrap off */

	char		*pattern;
	int		 icase, backward;
	int		 have_match;
	uint64_t	 match_line;	/* number of the line */
	size_t		 match_off;	/* display byte offset in it */

	/* What the last frame showed, for searches that go on from it. */
	int		 shown;
	uint64_t	 shown_first, shown_last;
	int		 shown_last_full;
};

int logs_cols(struct app *);
/* Where the top is now, as a line index and a wrapped row of it. */
void logs_top(struct logs *, size_t *line, int *row);
void logs_set_top(struct logs *, size_t line, int row);

#endif
