/*
 * A tar archive produced on demand, for streaming a docker build context
 * into `docker build -` over an exec channel's stdin.  Entries are
 * described first (in-memory files, directories, files and trees from this
 * machine); tarball_read() then hands out the archive a piece at a time,
 * whenever the channel can take more, opening each file only when its turn
 * comes.  Memory stays bounded by the entry list, however big the files.
 *
 * The format is POSIX ustar with pax extended headers for names and link
 * targets that do not fit; owner root (0/0); entries of a directory in
 * byte order of their names, so the same tree gives the same archive.
 */
#ifndef SANDBOX_TUI_TARBALL_H
#define SANDBOX_TUI_TARBALL_H

#include <stddef.h>

struct tarball;

struct tarball *tarball_new(void);
/* Closes any open file. */
void tarball_free(struct tarball *);

/*
 * Names are relative paths inside the archive ("Dockerfile", "app/run.sh"):
 * no leading '/', no empty, "." or ".." components.  Entries can only be
 * added before the first tarball_read().  On error (-1 with *cause, which
 * the caller frees) nothing is added.
 */

/* An in-memory file; data is copied.  mode is e.g. 0644 or 0755. */
int tarball_add_data(struct tarball *, const char *name, const void *data,
	    size_t len, unsigned mode, char **cause);
/* A directory entry (with nothing in it unless added separately). */
int tarball_add_dir(struct tarball *, const char *name, unsigned mode,
	    char **cause);
/*
 * A file, symlink or directory tree of this machine, stored under name:
 * tarball_add_path(t, "node", "/opt/node") stores node/, node/bin/node ...
 * path itself is followed if it is a symlink (like tar -h, for the argument
 * only); symlinks inside a tree are stored as symlinks.  Name "." with a
 * directory (or a symlink to one) stores its contents at the top of the
 * archive, without an entry for the directory itself: the layout docker
 * wants for a context.  Hard links are stored as separate files.
 * Sockets, fifos and devices, files of 8 GiB or more and anything that
 * cannot be read fail, naming the path and the reason.
 */
int tarball_add_path(struct tarball *, const char *name, const char *path,
	    char **cause);

/*
 * What tarball_add_path() should do with each thing it finds, by its name
 * in the archive (dir: it is a directory): keep it, skip it (a directory's
 * contents are still looked at, one by one), or prune it (a directory
 * with everything in it).  A skipped file and a pruned tree are never
 * opened, so they may be unreadable; a skipped directory is read.
 */
enum tarball_verdict {
	TARBALL_KEEP,
	TARBALL_SKIP,
	TARBALL_PRUNE
};
/* Applies to tarball_add_path() calls from now on; NULL for none. */
void tarball_set_filter(struct tarball *, enum tarball_verdict
	    (*filter)(const char *name, int dir, void *arg), void *arg);

/* Size of the whole archive in bytes, known before reading from the
 * sizes stat() gave. */
unsigned long long tarball_size(const struct tarball *);
/* Bytes tarball_read() has handed out so far. */
unsigned long long tarball_sent(const struct tarball *);

/*
 * Writes up to cap (> 0) bytes of the archive into buf.  Returns how
 * many (less than cap only at the end), 0 once everything was sent, or -1
 * with *cause when a file cannot be read or its size changed since it was
 * added; after an error the archive is unusable.  Files are read with
 * plain read(), which for local files does not wait on the network, so a
 * cap of some tens of KiB keeps the event loop responsive.
 */
long tarball_read(struct tarball *, char *buf, size_t cap, char **cause);

#endif
