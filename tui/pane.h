/*
 * One agent's pane: its terminal (vt/), the channel attached to it, its
 * place in the grid and what the border and attention marks show.  See
 * pane.c.
 */
#ifndef SANDBOX_TUI_PANE_H
#define SANDBOX_TUI_PANE_H

#include <stddef.h>
#include <stdint.h>

#include "layouts/grid.h"

struct app;
struct chan;
struct vt;

enum pane_link {
	PANE_DETACHED,		/* no channel: agent not running, or no connection */
	PANE_ATTACHING,		/* channel opened, waiting for output */
	PANE_ATTACHED,
};

struct pane {
	struct app	*app;
	uint64_t	 id;		/* async work refers to panes by id */
	int		 n;		/* agent number */
	char		*name;		/* sandbox-agent-NN */
	char		*state;		/* docker state: running, exited, ... */
	char		*status;	/* docker status text */
	int		 exit_code;
	int		 gone;		/* no longer listed by docker */

	struct vt	*vt;
	struct chan	*chan;
	enum pane_link	 link;
	char		*closed_reason;	/* why the last channel ended */
	uint64_t	 nudge_timer;
	int		 nudge_step;

	struct grid_rect rect;		/* outer box, set by layout */
	int		 visible;	/* on the current page (or zoomed) */
	int		 activity;	/* output while not focused */
	int		 bell;

	size_t		 frame_bytes;	/* fed since the last frame */
	int		 paused;	/* flow control: channel paused until drawn */
	int		 dirty_border;
	int		 replayed;	/* its recent output was shown */
	/* Keys typed before docker attach is listening (see pane.c). */
	int		 holding;
	char		*hold_buf;
	size_t		 hold_len;
	uint64_t	 hold_timer;

	/* Waiting for input (attention.c). */
	int64_t		 last_output;	/* loop_now() of the last byte */
	uint64_t	 idle_timer;
	int		 waiting;	/* still and showing a prompt */
	int		 told;		/* Claude Code's hook said it waits */
};

struct pane *pane_new(struct app *, int n, const char *name);
void pane_free(struct app *, struct pane *);
void pane_attach(struct app *, struct pane *);
void pane_detach(struct app *, struct pane *, const char *reason);
void pane_replay(struct app *, struct pane *);
void pane_set_size(struct app *, struct pane *, int rows, int cols);
void pane_write(struct pane *, const char *, size_t);
void pane_frame_done(struct app *);

#endif
