/*
 * Command lines: splitting words (config/words.c), finding the
 * command in the table, checking the argument count, and running it.  The
 * table itself sits with the commands (cmd_grid.c) so a new command is one
 * function and one row.
 */
#include <stdlib.h>
#include <string.h>

#include "config/words.h"
#include "config/xmalloc.h"
#include "tui/app.h"
#include "tui/cmd.h"

const struct cmd_entry *
cmd_find(const char *name)
{
	const struct cmd_entry	*e;

	for (e = cmd_table; e->name != NULL; e++) {
		if (strcmp(e->name, name) == 0)
			return e;
		if (e->alias != NULL && strcmp(e->alias, name) == 0)
			return e;
	}
	return NULL;
}


int
cmd_run_argv(struct app *app, int argc, char **argv, char **cause)
{
	const struct cmd_entry	*e;
	int			 nargs = argc - 1;

	if (argc == 0)
		return 0;
	if ((e = cmd_find(argv[0])) == NULL) {
		*cause = xasprintf("unknown command '%s' (try 'help')",
		    argv[0]);
		return -1;
	}
	if (nargs < e->min_args || (e->max_args >= 0 && nargs > e->max_args)) {
		*cause = xasprintf("usage: %s%s%s", e->name,
		    e->usage[0] != '\0' ? " " : "", e->usage);
		return -1;
	}
	return e->exec(app, argc, argv, cause);
}

int
cmd_run(struct app *app, const char *line, char **cause)
{
	int	  argc, rc;
	char	**argv;

	if (words_split(line, &argc, &argv, cause) != 0)
		return -1;
	rc = cmd_run_argv(app, argc, argv, cause);
	words_free(argc, argv);
	return rc;
}
