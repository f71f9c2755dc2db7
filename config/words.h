/*
 * Shell-like word splitting for command lines and word-list options.
 * See words.c.
 */
#ifndef SANDBOX_TUI_WORDS_H
#define SANDBOX_TUI_WORDS_H

/*
 * Splits line into a NULL-terminated *argv of *argc words.  Returns 0, or
 * -1 with *cause set (an unterminated quote or escape).
 */
int words_split(const char *line, int *argc, char ***argv, char **cause);
void words_free(int argc, char **argv);

#endif
