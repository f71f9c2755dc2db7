/*
 * The help screen, generated from the binding table and the command table
 * so it can never disagree with what the keys do.
 */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/xmalloc.h"
#include "tui/app.h"
#include "tui/cmd.h"
#include "tui/help.h"

static void
help_add(char ***lines, size_t *n, char *line)
{
	*lines = xreallocarray(*lines, *n + 1, sizeof **lines);
	(*lines)[(*n)++] = line;
}

/* Returns allocated lines; the caller frees each and the array. */
char **
help_lines(struct app *app, size_t *n)
{
	const struct binding	*b;
	const struct cmd_entry	*e;
	char			**lines = NULL, prefix[32], name[32];
	size_t			  nb, i;

	*n = 0;
	key_tostring(config_key(app->cfg, "keys.prefix"), prefix, sizeof prefix);
	help_add(&lines, n, xasprintf("sandbox-tui %s: keys after the prefix "
	    "%s (press it twice to send it to the agent)",
	    SANDBOX_TUI_VERSION, prefix));
	help_add(&lines, n, xstrdup(""));
	b = config_bindings(app->cfg, &nb);
	for (i = 0; i < nb; i++) {
		help_add(&lines, n, xasprintf("  %s %-8s %s", prefix,
		    key_tostring(b[i].key, name, sizeof name), b[i].command));
	}
	help_add(&lines, n, xstrdup(""));
	help_add(&lines, n, xstrdup("Commands (prefix : opens the prompt):"));
	for (e = cmd_table; e->name != NULL; e++) {
		help_add(&lines, n, xasprintf("  %-16s %-22s %s", e->name,
		    e->usage, e->help));
	}
	help_add(&lines, n, xstrdup(""));
	help_add(&lines, n, xstrdup("Mouse: click focuses a pane; the wheel "
	    "scrolls back unless the agent uses the mouse."));
	help_add(&lines, n, xstrdup("Scroll mode: PgUp/PgDn, Up/Down, g/G, "
	    "q or Escape to leave."));
	help_add(&lines, n, xstrdup(""));
	help_add(&lines, n, xstrdup("Up/Down/PgUp/PgDn scroll this help; any "
	    "other key closes it."));
	return lines;
}
