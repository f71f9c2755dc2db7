/*
 * Splitting a line into words the way a shell user expects: blanks
 * separate words, '...' is literal, "..." and backslash escape, and a '#'
 * that starts a word ends the line.  Command lines (the prompt, bindings,
 * the CLI) and word-list options (agents.command, image.ca_certs, ...) are
 * split by this one rule.
 */
#include <stdlib.h>
#include <string.h>

#include "config/words.h"
#include "config/xmalloc.h"

static void
words_push(int *argc, char ***argv, const char *w, size_t len)
{
	*argv = xreallocarray(*argv, (size_t)*argc + 2, sizeof **argv);
	(*argv)[(*argc)++] = xstrndup(w, len);
	(*argv)[*argc] = NULL;
}

/* Splits like sh: blanks separate words; '…' is literal; "…" and \ escape. */
int
words_split(const char *line, int *argc, char ***argv, char **cause)
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
				words_push(argc, argv, word, len);
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
	words_free(*argc, *argv);
	*argc = 0;
	*argv = NULL;
	*cause = xasprintf("unterminated quote or escape in '%s'", line);
	return -1;
}

void
words_free(int argc, char **argv)
{
	int	i;

	if (argv == NULL)
		return;
	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}
