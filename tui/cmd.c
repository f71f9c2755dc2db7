/*
 * Command lines: splitting words the way a shell user expects, finding the
 * command in the table, checking the argument count, and running it.  The
 * table itself sits with the commands (cmd_grid.c) so a new command is one
 * function and one row.
 */
#include <stdlib.h>
#include <string.h>

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

static void
cmd_push(int *argc, char ***argv, const char *w, size_t len)
{
	*argv = xreallocarray(*argv, (size_t)*argc + 2, sizeof **argv);
	(*argv)[(*argc)++] = xstrndup(w, len);
	(*argv)[*argc] = NULL;
}

/* Splits like sh: blanks separate words; '…' is literal; "…" and \ escape. */
int
cmd_split(const char *line, int *argc, char ***argv, char **cause)
{
	char		*word = xmalloc(strlen(line) + 1);
	size_t		 len = 0;
	const char	*p = line;
	int		 in_word = 0;

	*argc = 0;
	*argv = xcalloc(1, sizeof **argv);
	for (;;) {
		char c = *p;

		if (c == '\0' || c == ' ' || c == '\t' || c == '\n') {
			if (in_word)
				cmd_push(argc, argv, word, len);
			in_word = 0;
			len = 0;
			if (c == '\0')
				break;
			p++;
			continue;
		}
		in_word = 1;
		if (c == '#' && len == 0 && (p == line || p[-1] == ' ' ||
		    p[-1] == '\t'))
			break;
		if (c == '\\') {
			if (p[1] == '\0')
				goto unterminated;
			word[len++] = p[1];
			p += 2;
			continue;
		}
		if (c == '\'' || c == '"') {
			const char *q = p + 1;

			while (*q != '\0' && *q != c) {
				if (c == '"' && *q == '\\' && q[1] != '\0')
					q++;
				word[len++] = *q++;
			}
			if (*q != c)
				goto unterminated;
			p = q + 1;
			continue;
		}
		word[len++] = c;
		p++;
	}
	free(word);
	return 0;

unterminated:
	free(word);
	cmd_free_argv(*argc, *argv);
	*argc = 0;
	*argv = NULL;
	*cause = xasprintf("unterminated quote or escape in '%s'", line);
	return -1;
}

void
cmd_free_argv(int argc, char **argv)
{
	int	i;

	if (argv == NULL)
		return;
	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
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

	if (cmd_split(line, &argc, &argv, cause) != 0)
		return -1;
	rc = cmd_run_argv(app, argc, argv, cause);
	cmd_free_argv(argc, argv);
	return rc;
}
