/*
 * A build context's .dockerignore, applied while the context is packed.
 * Docker's CLI applies it when it packs a folder itself; a context sent
 * as a tar on stdin (`docker build -`, as image build does) is taken
 * whole by the daemon, so the packer must leave ignored files out, or a
 * `.env` the user ignored would end up in the image.
 *
 * The rules are Docker's: one pattern a line, `#` lines are comments,
 * patterns are relative to the context root (a leading '/' changes
 * nothing) and cleaned like paths; `*`, `?`, `[...]` (negated by `^`
 * only) and `\` escapes within one path component; a `**` component
 * matches any number of components (at least one at the end of a
 * pattern); a pattern that matches a folder also matches everything in
 * it; `!pattern` brings back what an earlier line left out; the last line
 * that matches decides.  Not followed: docker also reads `**` inside a
 * component (`**foo`) and `\d`-style regexp classes, by accident of its
 * implementation.
 */
#ifndef SANDBOX_TUI_DOCKERIGNORE_H
#define SANDBOX_TUI_DOCKERIGNORE_H

struct dockerignore;

/*
 * Reads DIR/.dockerignore; a folder without one gives an empty list.  NULL
 * with *cause (naming the file, and the line for a bad pattern) on error.
 */
struct dockerignore *dockerignore_load(const char *dir, char **cause);
/* Parses the text of a .dockerignore; file names it in messages. */
struct dockerignore *dockerignore_parse(const char *text, const char *file,
	    char **cause);
void dockerignore_free(struct dockerignore *);

/* 1 if path ("a/b/c", relative to the context root) is left out. */
int dockerignore_excluded(const struct dockerignore *, const char *path);
/*
 * 1 if a '!' line could bring back something inside folder dir (a
 * wildcard line could; a plain path only if it lies below dir), so that
 * a left-out folder must still be looked into.  Docker skips the others
 * unread, and so must we: they may not even be readable.
 */
int dockerignore_may_keep_below(const struct dockerignore *,
	    const char *dir);

#endif
