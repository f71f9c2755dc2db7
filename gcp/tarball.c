/*
 * Streamed tar archives.  A docker build context goes to `docker build -`
 * on the VM as a tar on an exec channel's stdin.  A context can hold a
 * whole Node.js tree (~100 MB) and the loop feeding the channel is the
 * program's only thread, so the archive is never built in memory: adding
 * entries records names and what stat() said (which fixes the total size
 * before the first byte goes out), and tarball_read() makes the next bytes
 * when the channel has room, building one header at a time and reading
 * file data straight into the caller's buffer.
 *
 * The format is POSIX ustar.  A name over 100 bytes is split between the
 * prefix and name fields at a '/' when a split fits; otherwise, and for a
 * link target over 100 bytes, a pax extended header ('x') carries path= or
 * linkpath=.  A file must keep the size it had when it was added: its
 * header already announced that size, so a file that shrank or grew fails
 * the stream instead of silently producing a corrupt archive.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config/xmalloc.h"
#include "gcp/tarball.h"

#define TARBALL_BLOCK 512
#define TARBALL_TRAILER_SIZE (2 * TARBALL_BLOCK)
/* The largest number 11 octal digits hold: sizes up to 8 GiB - 1. */
#define TARBALL_MAX 077777777777LL
/* Name of a pax header entry; readers that know pax never show it. */
#define TARBALL_PAX_NAME "././@PaxHeader"

enum tarball_type {
	TARBALL_DATA,		/* in memory */
	TARBALL_FILE,		/* read from disk when its turn comes */
	TARBALL_DIR,
	TARBALL_LINK,
};

struct tarball_entry {
	enum tarball_type	 type;
	char			*name;	/* as stored: directories end in '/' */
	char			*path;	/* TARBALL_FILE */
	char			*link;	/* TARBALL_LINK: the target */
	char			*data;	/* TARBALL_DATA */
	unsigned long long	 size;
	unsigned		 mode;
	long long		 mtime;
	size_t			 headlen; /* header blocks, pax included */
};

enum tarball_state {
	TARBALL_HEAD,
	TARBALL_BODY,
	TARBALL_PAD,
	TARBALL_TRAILER,
	TARBALL_DONE,
	TARBALL_FAILED,
};

struct tarball {
	struct tarball_entry	*entries;
	size_t			 n, alloc;
	long long		 now;	/* mtime of in-memory entries */
	unsigned long long	 size, sent;

	int			 started;
	enum tarball_state	 state;
	size_t			 cur;	/* entry being sent */
	char			*head;	/* its header blocks */
	unsigned long long	 off;	/* progress within the current part */
	int			 fd;	/* its file, while open */

	enum tarball_verdict	(*filter)(const char *, int, void *);
	void			*filter_arg;
};

static unsigned long long
tarball_round(unsigned long long n)
{
	return (n + TARBALL_BLOCK - 1) / TARBALL_BLOCK * TARBALL_BLOCK;
}

/*
 * Where name splits into the ustar prefix and name fields: 0 when it fits
 * the name field whole, the index of the '/' between them, or -1 when no
 * split fits and a pax header must carry it.  Names never start with '/',
 * so 0 is free to mean "no split".
 */
static long
tarball_split(const char *name)
{
	size_t	len = strlen(name), i;

	if (len <= 100)
		return 0;
	/* The earliest '/' that leaves at most 100 bytes after it. */
	for (i = len - 101; i < len - 1 && i <= 155; i++) {
		if (name[i] == '/')
			return (long)i;
	}
	return -1;
}

/* Appends a pax record "LEN key=value\n"; LEN counts the whole record,
 * its own digits included, so it is found by fixed point. */
static void
tarball_pax_record(char **buf, size_t *len, const char *key,
    const char *value)
{
	size_t	body, n;

	body = strlen(key) + strlen(value) + 3;	/* ' ', '=', '\n' */
	n = body;
	while (n != body + (size_t)snprintf(NULL, 0, "%zu", n))
		n = body + (size_t)snprintf(NULL, 0, "%zu", n);
	*buf = xrealloc(*buf, *len + n + 1);
	snprintf(*buf + *len, n + 1, "%zu %s=%s\n", n, key, value);
	*len += n;
}

/* The pax records an entry needs, or NULL; caller frees. */
static char *
tarball_pax(const struct tarball_entry *e, size_t *len)
{
	char	*buf = NULL;

	*len = 0;
	if (tarball_split(e->name) == -1)
		tarball_pax_record(&buf, len, "path", e->name);
	if (e->link != NULL && strlen(e->link) > 100)
		tarball_pax_record(&buf, len, "linkpath", e->link);
	return buf;
}

/* A zero-padded, NUL-terminated octal number filling a field; callers
 * check that it fits. */
static void
tarball_octal(char *field, size_t size, unsigned long long v)
{
	field[--size] = '\0';
	while (size-- > 0) {
		field[size] = (char)('0' + (v & 7));
		v >>= 3;
	}
}

static void
tarball_block(char *h, const char *name, char type, unsigned mode,
    unsigned long long size, long long mtime, const char *link)
{
	long		 at = tarball_split(name);
	size_t		 len = strlen(name), i;
	unsigned	 sum = 0;

	memset(h, 0, TARBALL_BLOCK);
	if (at > 0) {
		memcpy(h + 345, name, (size_t)at);
		memcpy(h, name + at + 1, len - (size_t)at - 1);
	} else
		memcpy(h, name, len > 100 ? 100 : len);	/* pax has it whole */
	tarball_octal(h + 100, 8, mode);
	tarball_octal(h + 108, 8, 0);
	tarball_octal(h + 116, 8, 0);
	tarball_octal(h + 124, 12, size);
	tarball_octal(h + 136, 12, (unsigned long long)mtime);
	h[156] = type;
	if (link != NULL)
		memcpy(h + 157, link, strlen(link) > 100 ? 100 : strlen(link));
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memcpy(h + 265, "root", 4);
	memcpy(h + 297, "root", 4);
	tarball_octal(h + 329, 8, 0);
	tarball_octal(h + 337, 8, 0);

	/* Summed with the checksum field as spaces; six digits, NUL, space. */
	memset(h + 148, ' ', 8);
	for (i = 0; i < TARBALL_BLOCK; i++)
		sum += (unsigned char)h[i];
	tarball_octal(h + 148, 7, sum);
}

/* Builds the current entry's header blocks into t->head. */
static void
tarball_head(struct tarball *t, const struct tarball_entry *e)
{
	static const char	 types[] = { '0', '0', '5', '2' };
	char			*pax;
	size_t			 paxlen;

	t->head = xcalloc(1, e->headlen);
	if ((pax = tarball_pax(e, &paxlen)) != NULL) {
		tarball_block(t->head, TARBALL_PAX_NAME, 'x', 0644, paxlen,
		    e->mtime, NULL);
		memcpy(t->head + TARBALL_BLOCK, pax, paxlen);
		free(pax);
	}
	tarball_block(t->head + e->headlen - TARBALL_BLOCK, e->name,
	    types[e->type], e->mode, e->size, e->mtime, e->link);
}

/*
 * Checks a caller's archive name and returns it as stored, with a '/'
 * appended for a directory; caller frees.  The archive is unpacked on
 * another machine, so names must stay inside wherever it is unpacked.
 */
static char *
tarball_name(const char *name, int dir, char **cause)
{
	const char	*p, *q, *end;
	size_t		 len = strlen(name);

	if (dir && len > 1 && name[len - 1] == '/')
		len--;
	end = name + len;
	if (len == 0 || name[0] == '/')
		goto bad;
	for (p = name; p <= end; p = q + 1) {
		if ((q = memchr(p, '/', (size_t)(end - p))) == NULL)
			q = end;
		if (q == p || (q - p == 1 && p[0] == '.') ||
		    (q - p == 2 && p[0] == '.' && p[1] == '.'))
			goto bad;
	}
	if (dir)
		return xasprintf("%.*s/", (int)len, name);
	return xstrndup(name, len);

bad:
	*cause = xasprintf("bad name in archive \"%s\": it must be a relative "
	    "path without empty, \".\" or \"..\" parts", name);
	return NULL;
}

/* Adds an entry, taking name and link; its size counts from here on. */
static struct tarball_entry *
tarball_push(struct tarball *t, enum tarball_type type, char *name,
    unsigned mode, long long mtime, unsigned long long size, char *link)
{
	struct tarball_entry	*e;
	char			*pax;
	size_t			 paxlen;

	if (t->n == t->alloc) {
		t->alloc = t->alloc == 0 ? 64 : t->alloc * 2;
		t->entries = xreallocarray(t->entries, t->alloc,
		    sizeof *t->entries);
	}
	e = &t->entries[t->n++];
	memset(e, 0, sizeof *e);
	e->type = type;
	e->name = name;
	e->link = link;
	e->size = size;
	e->mode = mode & 07777;
	e->mtime = mtime < 0 ? 0 : (mtime > TARBALL_MAX ? TARBALL_MAX : mtime);

	e->headlen = TARBALL_BLOCK;
	if ((pax = tarball_pax(e, &paxlen)) != NULL) {
		e->headlen += TARBALL_BLOCK + tarball_round(paxlen);
		free(pax);
	}
	t->size += e->headlen + tarball_round(e->size);
	return e;
}

/* Drops entries from first on: a failed add leaves nothing behind. */
static void
tarball_truncate(struct tarball *t, size_t first)
{
	struct tarball_entry	*e;

	while (t->n > first) {
		e = &t->entries[--t->n];
		t->size -= e->headlen + tarball_round(e->size);
		free(e->name);
		free(e->path);
		free(e->link);
		free(e->data);
	}
}

/* The size is announced from what was added: no more once sending began. */
static int
tarball_can_add(struct tarball *t, char **cause)
{
	if (!t->started)
		return 0;
	*cause = xstrdup("cannot add to an archive already being sent");
	return -1;
}

struct tarball *
tarball_new(void)
{
	struct tarball	*t;

	t = xcalloc(1, sizeof *t);
	t->now = (long long)time(NULL);
	t->size = TARBALL_TRAILER_SIZE;
	t->state = TARBALL_HEAD;
	t->fd = -1;
	return t;
}

void
tarball_free(struct tarball *t)
{
	if (t == NULL)
		return;
	if (t->fd != -1)
		close(t->fd);
	tarball_truncate(t, 0);
	free(t->entries);
	free(t->head);
	free(t);
}

int
tarball_add_data(struct tarball *t, const char *name, const void *data,
    size_t len, unsigned mode, char **cause)
{
	struct tarball_entry	*e;
	char			*stored;

	if (tarball_can_add(t, cause) != 0 ||
	    (stored = tarball_name(name, 0, cause)) == NULL)
		return -1;
	if ((unsigned long long)len > TARBALL_MAX) {
		*cause = xasprintf("%s: too big for the archive", stored);
		free(stored);
		return -1;
	}
	e = tarball_push(t, TARBALL_DATA, stored, mode, t->now, len, NULL);
	e->data = xmalloc(len);
	if (len != 0)
		memcpy(e->data, data, len);
	return 0;
}

int
tarball_add_dir(struct tarball *t, const char *name, unsigned mode,
    char **cause)
{
	char	*stored;

	if (tarball_can_add(t, cause) != 0 ||
	    (stored = tarball_name(name, 1, cause)) == NULL)
		return -1;
	tarball_push(t, TARBALL_DIR, stored, mode, t->now, 0, NULL);
	return 0;
}

static int	tarball_walk(struct tarball *, const char *, const char *, int,
		    char **);

/* Byte order, not strcoll(): the archive must not depend on the locale. */
static int
tarball_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
tarball_not_dots(const struct dirent *d)
{
	return strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0;
}

/*
 * Adds what is in directory path under prefix ("" for the top of the
 * archive), sorted by name so the same tree always gives the same archive.
 */
static int
tarball_walk_dir(struct tarball *t, const char *prefix, const char *path,
    char **cause)
{
	struct dirent	**list;
	char		 *cname, *cpath;
	const char	 *sep;
	int		  n, i, rc = 0;

	if ((n = scandir(path, &list, tarball_not_dots, tarball_cmp)) == -1) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	sep = path[0] != '\0' && path[strlen(path) - 1] == '/' ? "" : "/";
	for (i = 0; i < n; i++) {
		if (rc == 0) {
			cname = xasprintf("%s%s%s", prefix,
			    *prefix == '\0' ? "" : "/", list[i]->d_name);
			cpath = xasprintf("%s%s%s", path, sep, list[i]->d_name);
			rc = tarball_walk(t, cname, cpath, 0, cause);
			free(cpath);
			free(cname);
		}
		free(list[i]);
	}
	free(list);
	return rc;
}

/* Adds path under name (no trailing '/'); follow is set for the path the
 * caller gave, which is followed if it is a symlink. */
static int
tarball_walk(struct tarball *t, const char *name, const char *path,
    int follow, char **cause)
{
	struct tarball_entry	*e;
	struct stat		 sb;
	char			*link;
	ssize_t			 n;
	int			 fd;

	if ((follow ? stat(path, &sb) : lstat(path, &sb)) != 0)
		goto fail;
	if (t->filter != NULL) {
		switch (t->filter(name, S_ISDIR(sb.st_mode), t->filter_arg)) {
		case TARBALL_KEEP:
			break;
		case TARBALL_SKIP:
			if (S_ISDIR(sb.st_mode))
				return tarball_walk_dir(t, name, path, cause);
			return 0;
		case TARBALL_PRUNE:
			return 0;
		}
	}
	if (S_ISREG(sb.st_mode)) {
		if (sb.st_size > TARBALL_MAX) {
			*cause = xasprintf("%s: too big for the archive (%lld "
			    "bytes, at most 8 GiB - 1)", path,
			    (long long)sb.st_size);
			return -1;
		}
		/* Find unreadable files now, not halfway through sending. */
		fd = open(path, O_RDONLY|O_NONBLOCK|O_NOCTTY|O_CLOEXEC|
		    (follow ? 0 : O_NOFOLLOW));
		if (fd == -1)
			goto fail;
		close(fd);
		e = tarball_push(t, TARBALL_FILE, xstrdup(name), sb.st_mode,
		    sb.st_mtime, (unsigned long long)sb.st_size, NULL);
		e->path = xstrdup(path);
		return 0;
	}
	if (S_ISLNK(sb.st_mode)) {
		/* On the heap: this frame recurses with the tree's depth. */
		link = xmalloc(PATH_MAX);
		if ((n = readlink(path, link, PATH_MAX)) == -1 ||
		    n == PATH_MAX) {
			*cause = xasprintf("%s: %s", path, n == -1 ?
			    strerror(errno) : "link target too long");
			free(link);
			return -1;
		}
		link[n] = '\0';
		tarball_push(t, TARBALL_LINK, xstrdup(name), sb.st_mode,
		    sb.st_mtime, 0, link);
		return 0;
	}
	if (S_ISDIR(sb.st_mode)) {
		tarball_push(t, TARBALL_DIR, xasprintf("%s/", name),
		    sb.st_mode, sb.st_mtime, 0, NULL);
		return tarball_walk_dir(t, name, path, cause);
	}
	*cause = xasprintf("%s: is %s; only files, directories and symlinks "
	    "can go into the archive", path, S_ISSOCK(sb.st_mode) ?
	    "a socket" : S_ISFIFO(sb.st_mode) ? "a fifo" : "a device");
	return -1;

fail:
	*cause = xasprintf("%s: %s", path, strerror(errno));
	return -1;
}

void
tarball_set_filter(struct tarball *t,
    enum tarball_verdict (*filter)(const char *, int, void *), void *arg)
{
	t->filter = filter;
	t->filter_arg = arg;
}

int
tarball_add_path(struct tarball *t, const char *name, const char *path,
    char **cause)
{
	char	*stored;
	size_t	 first = t->n;
	int	 rc;

	if (tarball_can_add(t, cause) != 0)
		return -1;
	if (strcmp(name, ".") == 0)
		rc = tarball_walk_dir(t, "", path, cause);	/* follows */
	else {
		/* Checked as a directory name, to allow a trailing '/'. */
		if ((stored = tarball_name(name, 1, cause)) == NULL)
			return -1;
		stored[strlen(stored) - 1] = '\0';
		rc = tarball_walk(t, stored, path, 1, cause);
		free(stored);
	}
	if (rc != 0)
		tarball_truncate(t, first);
	return rc;
}

unsigned long long
tarball_size(const struct tarball *t)
{
	return t->size;
}

unsigned long long
tarball_sent(const struct tarball *t)
{
	return t->sent;
}

static int
tarball_changed(const struct tarball_entry *e, unsigned long long now,
    char **cause)
{
	*cause = xasprintf("%s: changed size while being sent (was %llu bytes, "
	    "now %llu)", e->path, e->size, now);
	return -1;
}

/*
 * Opens the current file when its data is due.  O_NONBLOCK keeps open()
 * from waiting if the file was replaced by a fifo; the size is checked
 * against the header's before any of it is sent.
 */
static int
tarball_open(struct tarball *t, const struct tarball_entry *e, char **cause)
{
	struct stat	sb;

	t->fd = open(e->path, O_RDONLY|O_NONBLOCK|O_NOCTTY|O_CLOEXEC);
	if (t->fd == -1 || fstat(t->fd, &sb) != 0) {
		*cause = xasprintf("%s: %s", e->path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		*cause = xasprintf("%s: no longer a regular file", e->path);
		return -1;
	}
	if ((unsigned long long)sb.st_size != e->size)
		return tarball_changed(e, (unsigned long long)sb.st_size, cause);
	return 0;
}

/* Reads into buf, or (buf NULL) checks that the file ends where the
 * header said it would: one more read must find nothing. */
static ssize_t
tarball_file(struct tarball *t, const struct tarball_entry *e, char *buf,
    size_t cap, char **cause)
{
	struct stat	sb;
	char		c;
	ssize_t		got;

	while ((got = read(t->fd, buf == NULL ? &c : buf,
	    buf == NULL ? 1 : cap)) == -1 && errno == EINTR)
		;
	if (got == -1)
		*cause = xasprintf("%s: %s", e->path, strerror(errno));
	else if (buf != NULL && got == 0)
		return tarball_changed(e, t->off, cause);
	else if (buf == NULL && got != 0) {
		if (fstat(t->fd, &sb) == 0 &&
		    (unsigned long long)sb.st_size > e->size)
			return tarball_changed(e, (unsigned long long)sb.st_size,
			    cause);
		*cause = xasprintf("%s: changed size while being sent (was "
		    "%llu bytes, now more)", e->path, e->size);
		return -1;
	}
	return got;
}

/*
 * Copies the next piece of a part of the archive len bytes long from src
 * (zeros when NULL) and moves to state next once the part is done.
 */
static size_t
tarball_part(struct tarball *t, char *buf, size_t cap, const char *src,
    unsigned long long len, enum tarball_state next)
{
	size_t	n = len - t->off < cap ? (size_t)(len - t->off) : cap;

	if (src != NULL)
		memcpy(buf, src + t->off, n);
	else
		memset(buf, 0, n);
	if ((t->off += n) == len) {
		t->off = 0;
		t->state = next;
	}
	return n;
}

/* The next piece of the current file's data. */
static long
tarball_body(struct tarball *t, const struct tarball_entry *e, char *buf,
    size_t cap, char **cause)
{
	ssize_t	got = 0;

	if (t->fd == -1 && tarball_open(t, e, cause) != 0)
		return -1;
	if (e->size - t->off < cap)
		cap = (size_t)(e->size - t->off);
	if (cap > 0 && (got = tarball_file(t, e, buf, cap, cause)) == -1)
		return -1;
	if ((t->off += (size_t)got) == e->size) {
		if (tarball_file(t, e, NULL, 0, cause) != 0)
			return -1;
		close(t->fd);
		t->fd = -1;
		t->off = 0;
		t->state = TARBALL_PAD;
	}
	return (long)got;
}

/* Makes the next piece of the archive, up to cap bytes (0 only between
 * parts). */
static long
tarball_step(struct tarball *t, char *buf, size_t cap, char **cause)
{
	struct tarball_entry	*e = NULL;
	size_t			 n;

	if (t->cur < t->n)
		e = &t->entries[t->cur];
	switch (t->state) {
	case TARBALL_HEAD:
		if (e == NULL) {
			t->state = TARBALL_TRAILER;
			return 0;
		}
		if (t->head == NULL)
			tarball_head(t, e);
		n = tarball_part(t, buf, cap, t->head, e->headlen,
		    TARBALL_BODY);
		if (t->state == TARBALL_BODY) {
			free(t->head);
			t->head = NULL;
		}
		return (long)n;
	case TARBALL_BODY:
		if (e->type == TARBALL_FILE)
			return tarball_body(t, e, buf, cap, cause);
		return (long)tarball_part(t, buf, cap, e->data, e->size,
		    TARBALL_PAD);
	case TARBALL_PAD:
		n = tarball_part(t, buf, cap, NULL,
		    tarball_round(e->size) - e->size, TARBALL_HEAD);
		if (t->state == TARBALL_HEAD)
			t->cur++;
		return (long)n;
	case TARBALL_TRAILER:
		return (long)tarball_part(t, buf, cap, NULL,
		    TARBALL_TRAILER_SIZE, TARBALL_DONE);
	default:
		return 0;
	}
}

long
tarball_read(struct tarball *t, char *buf, size_t cap, char **cause)
{
	size_t	done = 0;
	long	n;

	if (t->state == TARBALL_FAILED) {
		*cause = xstrdup("the archive failed earlier");
		return -1;
	}
	t->started = 1;
	if (cap > LONG_MAX)
		cap = LONG_MAX;
	while (done < cap && t->state != TARBALL_DONE) {
		if ((n = tarball_step(t, buf + done, cap - done, cause)) < 0) {
			t->state = TARBALL_FAILED;
			if (t->fd != -1) {
				close(t->fd);
				t->fd = -1;
			}
			return -1;
		}
		done += (size_t)n;
	}
	t->sent += done;
	return (long)done;
}
