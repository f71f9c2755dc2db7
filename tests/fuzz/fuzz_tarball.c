/*
 * The tar writer's names (gcp/tarball.c): in-memory files, directories
 * and symlinks (through tarball_add_path on a folder holding one link)
 * under hostile names and link targets, short, split into ustar's prefix
 * or carried by pax headers.  The archive is read in pieces of any size
 * and parsed back: whole 512-byte blocks, good checksums, well-formed pax
 * records, and each entry coming back under exactly the name it was
 * added with, with its data and link target.  A name the harness's own
 * check refuses (leading '/', empty, "." or ".." parts) must have been
 * refused, and one it accepts accepted: the archive is unpacked on
 * another machine, so a name must never climb out of the folder.
 *
 * Input: two u16 read sizes, then records [op byte][...]: op % 4 is
 * 0 file (u16 name length, name, data length byte, data, u16 mode),
 * 1 directory (u16 name length, name, u16 mode), 2 a made-up long name
 * (part length byte, part, count byte; op's high bit makes it a folder),
 * 3 a folder holding one symlink (u16 name length, name, u16 target
 * length, target).
 */
#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "gcp/tarball.h"
#include "tests/fuzz/fuzz.h"

#define FUZZ_TAR_CHECK(x) do {						\
	if (!(x)) {							\
		fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #x);	\
		fuzz_tar_die();						\
	}								\
} while (0)

#define FUZZ_TAR_MAX	64	/* entries kept track of */

struct fuzz_tar_entry {
	char		 type;	/* '0', '5' or '2' */
	char		*name;	/* as it must come back */
	char		*data;	/* '0': the bytes; '2': the target */
	size_t		 len;
};

struct fuzz_tar {
	struct tarball		*t;
	struct fuzz_tar_entry	 e[FUZZ_TAR_MAX];
	size_t			 n;
};

/* The folder the symlinks are made in, made once and removed at exit. */
static char	fuzz_tar_dir[256];
static char	fuzz_tar_link[sizeof fuzz_tar_dir + 2];

static void
fuzz_tar_cleanup(void)
{
	unlink(fuzz_tar_link);
	rmdir(fuzz_tar_dir);
}

/* A finding: the folder goes first, since abort() skips atexit. */
static void
fuzz_tar_die(void)
{
	fuzz_tar_cleanup();
	abort();
}

static char *
fuzz_tar_strndup(const char *s, size_t n)
{
	char	*d = malloc(n + 1);

	if (d == NULL)
		abort();
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* A NUL-terminated copy of a u16-length run (cut at a NUL inside). */
static char *
fuzz_tar_name(struct fuzz_in *in)
{
	const char	*p;
	size_t		 n;

	p = fuzz_bytes(in, fuzz_u16(in) % 1024, &n);
	return fuzz_tar_strndup(p, strnlen(p, n));
}

/*
 * The rule from tarball.h, written again: relative, no empty, "." or ".."
 * part; a folder may end in one '/'.
 */
static int
fuzz_tar_valid(const char *name, int dir)
{
	size_t	len = strlen(name), i, start = 0, part;

	if (dir && len > 1 && name[len - 1] == '/')
		len--;
	if (len == 0 || name[0] == '/')
		return 0;
	for (i = 0; i <= len; i++) {
		if (i < len && name[i] != '/')
			continue;
		part = i - start;
		if (part == 0 || (part == 1 && name[start] == '.') ||
		    (part == 2 && name[start] == '.' && name[start + 1] == '.'))
			return 0;
		start = i + 1;
	}
	return 1;
}

/* The name as stored: a folder's ends in exactly one '/'. */
static char *
fuzz_tar_stored(const char *name, int dir)
{
	size_t	len = strlen(name);
	char	*s;

	if (!dir)
		return fuzz_tar_strndup(name, len);
	if (len > 1 && name[len - 1] == '/')
		len--;
	s = malloc(len + 2);
	if (s == NULL)
		abort();
	memcpy(s, name, len);
	s[len] = '/';
	s[len + 1] = '\0';
	return s;
}

static void
fuzz_tar_expect(struct fuzz_tar *f, char type, char *name, const char *data,
    size_t len)
{
	struct fuzz_tar_entry	*e = &f->e[f->n++];

	e->type = type;
	e->name = name;
	e->data = data != NULL ? fuzz_tar_strndup(data, len) : NULL;
	e->len = len;
}

/* Checks the result of an add against the rule; cause is freed. */
static void
fuzz_tar_added(const char *name, int valid, int rc, char *cause)
{
	if (rc == 0 && !valid) {
		fprintf(stderr, "bad name accepted: \"%s\"\n", name);
		fuzz_tar_die();
	}
	if (rc != 0 && valid) {
		fprintf(stderr, "good name refused: \"%s\": %s\n", name,
		    cause != NULL ? cause : "(no cause)");
		fuzz_tar_die();
	}
	FUZZ_TAR_CHECK((rc == 0) == (cause == NULL));
	free(cause);
}

static void
fuzz_tar_add(struct fuzz_tar *f, const char *name, int dir, const char *data,
    size_t len, unsigned mode)
{
	char	*cause = NULL;
	int	 valid = fuzz_tar_valid(name, dir), rc;

	if (dir)
		rc = tarball_add_dir(f->t, name, mode, &cause);
	else
		rc = tarball_add_data(f->t, name, data, len, mode, &cause);
	fuzz_tar_added(name, valid, rc, cause);
	if (rc == 0)
		fuzz_tar_expect(f, dir ? '5' : '0', fuzz_tar_stored(name, dir),
		    data, len);
}

/* A folder holding one symlink, added under name. */
static void
fuzz_tar_link_add(struct fuzz_tar *f, const char *name, const char *target)
{
	char	*cause = NULL, *stored;
	size_t	 len;
	int	 valid, rc;

	unlink(fuzz_tar_link);
	if (symlink(target, fuzz_tar_link) != 0)
		return;		/* empty or too long: no such link */
	valid = strcmp(name, ".") == 0 || fuzz_tar_valid(name, 1);
	rc = tarball_add_path(f->t, name, fuzz_tar_dir, &cause);
	fuzz_tar_added(name, valid, rc, cause);
	if (rc != 0)
		return;
	if (strcmp(name, ".") == 0)
		stored = fuzz_tar_strndup("l", 1);
	else {
		fuzz_tar_expect(f, '5', fuzz_tar_stored(name, 1), NULL, 0);
		stored = fuzz_tar_stored(name, 1);
		len = strlen(stored);
		stored = realloc(stored, len + 2);
		if (stored == NULL)
			abort();
		memcpy(stored + len, "l", 2);
	}
	fuzz_tar_expect(f, '2', stored, target, strlen(target));
}

/* An octal field as tarball.c writes it: digits, then NUL or space. */
static unsigned long long
fuzz_tar_octal(const char *p, size_t size)
{
	unsigned long long	v = 0;
	size_t			i;

	for (i = 0; i < size && p[i] >= '0' && p[i] <= '7'; i++)
		v = v * 8 + (unsigned)(p[i] - '0');
	FUZZ_TAR_CHECK(i > 0 && i < size && (p[i] == '\0' || p[i] == ' '));
	return v;
}

/* Finds key in pax records p[0..len); a copy of its value or NULL. */
static char *
fuzz_tar_pax(const char *p, size_t len, const char *key)
{
	const char	*rec = p, *sp, *eq;
	char		*found = NULL;
	size_t		 n, klen = strlen(key);

	while (rec < p + len) {
		n = 0;
		for (sp = rec; sp < p + len && *sp >= '0' && *sp <= '9'; sp++)
			n = n * 10 + (size_t)(*sp - '0');
		FUZZ_TAR_CHECK(sp > rec && sp < p + len && *sp == ' ');
		FUZZ_TAR_CHECK(n > (size_t)(sp - rec) + 1 &&
		    n <= (size_t)(p + len - rec));
		FUZZ_TAR_CHECK(rec[n - 1] == '\n');
		eq = memchr(sp + 1, '=', (size_t)(rec + n - 1 - (sp + 1)));
		FUZZ_TAR_CHECK(eq != NULL);
		if ((size_t)(eq - (sp + 1)) == klen &&
		    memcmp(sp + 1, key, klen) == 0) {
			free(found);
			found = fuzz_tar_strndup(eq + 1,
			    (size_t)(rec + n - 1 - (eq + 1)));
		}
		rec += n;
	}
	return found;
}

static void
fuzz_tar_checksum(const char *h)
{
	unsigned	sum = 0;
	size_t		i;

	for (i = 0; i < 512; i++)
		sum += (i >= 148 && i < 156) ? ' ' : (unsigned char)h[i];
	FUZZ_TAR_CHECK(fuzz_tar_octal(h + 148, 8) == sum);
	FUZZ_TAR_CHECK(memcmp(h + 257, "ustar\0" "00", 8) == 0);
}

/* Parses the archive back and compares it with what was added. */
static void
fuzz_tar_parse(struct fuzz_tar *f, const char *buf, size_t len)
{
	static const char	 zero[1024];
	const char		*h;
	char			*path = NULL, *link = NULL, *name;
	unsigned long long	 size;
	size_t			 off = 0, i = 0, n;

	FUZZ_TAR_CHECK(len % 512 == 0 && len >= 1024);
	for (;;) {
		FUZZ_TAR_CHECK(off + 512 <= len);
		h = buf + off;
		if (memcmp(h, zero, 512) == 0)
			break;
		fuzz_tar_checksum(h);
		size = fuzz_tar_octal(h + 124, 12);
		FUZZ_TAR_CHECK(size <= len - off - 512);
		if (h[156] == 'x') {
			FUZZ_TAR_CHECK(path == NULL && link == NULL);
			path = fuzz_tar_pax(h + 512, (size_t)size, "path");
			link = fuzz_tar_pax(h + 512, (size_t)size, "linkpath");
			FUZZ_TAR_CHECK(path != NULL || link != NULL);
			off += 512 + (size_t)(size + 511) / 512 * 512;
			continue;
		}
		FUZZ_TAR_CHECK(i < f->n);
		if (path != NULL)
			name = path;
		else if (h[345] != '\0') {
			n = strnlen(h + 345, 155);
			name = malloc(n + 1 + 101);
			if (name == NULL)
				abort();
			memcpy(name, h + 345, n);
			name[n] = '/';
			memcpy(name + n + 1, h, strnlen(h, 100));
			name[n + 1 + strnlen(h, 100)] = '\0';
		} else
			name = fuzz_tar_strndup(h, strnlen(h, 100));
		if (strcmp(name, f->e[i].name) != 0) {
			fprintf(stderr, "added as \"%s\", came back as \"%s\"\n",
			    f->e[i].name, name);
			fuzz_tar_die();
		}
		FUZZ_TAR_CHECK(h[156] == f->e[i].type);
		if (f->e[i].type == '0') {
			FUZZ_TAR_CHECK(size == f->e[i].len);
			FUZZ_TAR_CHECK(memcmp(h + 512, f->e[i].data,
			    f->e[i].len) == 0);
		} else
			FUZZ_TAR_CHECK(size == 0);
		if (f->e[i].type == '2') {
			if (link == NULL)
				link = fuzz_tar_strndup(h + 157,
				    strnlen(h + 157, 100));
			FUZZ_TAR_CHECK(strcmp(link, f->e[i].data) == 0);
		} else
			FUZZ_TAR_CHECK(link == NULL && h[157] == '\0');
		free(name);
		free(link);
		path = link = NULL;
		off += 512 + (size_t)(size + 511) / 512 * 512;
		i++;
	}
	FUZZ_TAR_CHECK(path == NULL && link == NULL);
	FUZZ_TAR_CHECK(i == f->n);
	FUZZ_TAR_CHECK(off + 1024 == len && memcmp(buf + off, zero, 1024) == 0);
}

/* Reads the whole archive, alternating between two piece sizes. */
static void
fuzz_tar_read(struct fuzz_tar *f, size_t cap0, size_t cap1)
{
	char	*buf, *cause = NULL;
	size_t	 len = 0, alloc, cap, k;
	long	 got;

	alloc = (size_t)tarball_size(f->t);
	FUZZ_TAR_CHECK(alloc % 512 == 0);
	buf = malloc(alloc + cap0 + cap1);
	if (buf == NULL)
		abort();
	for (k = 0;; k++) {
		cap = (k & 1) ? cap1 : cap0;
		got = tarball_read(f->t, buf + len, cap, &cause);
		FUZZ_TAR_CHECK(got >= 0 && cause == NULL);
		if (got == 0)
			break;
		len += (size_t)got;
		FUZZ_TAR_CHECK(len <= alloc);
		FUZZ_TAR_CHECK((size_t)got == cap || len == alloc);
	}
	FUZZ_TAR_CHECK(len == alloc && tarball_sent(f->t) == len);
	fuzz_tar_parse(f, buf, len);
	free(buf);

	/* Nothing more once sending began. */
	FUZZ_TAR_CHECK(tarball_add_data(f->t, "late", "x", 1, 0644,
	    &cause) == -1 && cause != NULL);
	free(cause);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 once;
	struct fuzz_in	 in = { data, size };
	struct fuzz_tar	 f;
	const char	*p;
	char		*name, *target;
	size_t		 cap0, cap1, n, k, count;
	unsigned	 op;

	if (!once) {
		fuzz_mkdtemp(fuzz_tar_dir, sizeof fuzz_tar_dir,
		    "fuzz_tarball");
		snprintf(fuzz_tar_link, sizeof fuzz_tar_link, "%s/l",
		    fuzz_tar_dir);
		atexit(fuzz_tar_cleanup);
		once = 1;
	}
	cap0 = 1 + fuzz_u16(&in) % 4096;
	cap1 = 1 + fuzz_u16(&in) % 4096;
	memset(&f, 0, sizeof f);
	f.t = tarball_new();
	while (in.len != 0 && f.n + 2 <= FUZZ_TAR_MAX) {
		op = fuzz_byte(&in);
		switch (op % 4) {
		case 0:
			name = fuzz_tar_name(&in);
			p = fuzz_bytes(&in, fuzz_byte(&in), &n);
			fuzz_tar_add(&f, name, 0, p, n, fuzz_u16(&in));
			free(name);
			break;
		case 1:
			name = fuzz_tar_name(&in);
			fuzz_tar_add(&f, name, 1, NULL, 0, fuzz_u16(&in));
			free(name);
			break;
		case 2:
			p = fuzz_bytes(&in, 1 + fuzz_byte(&in) % 64, &n);
			n = strnlen(p, n);
			count = 1 + fuzz_byte(&in) % 32;
			name = malloc(count * (n + 1) + 1);
			if (name == NULL)
				abort();
			for (k = 0; k < count; k++) {
				memcpy(name + k * (n + 1), p, n);
				name[k * (n + 1) + n] = '/';
			}
			name[count * (n + 1) - 1] = '\0';
			fuzz_tar_add(&f, name, op >> 7, "made up", 7, 0644);
			free(name);
			break;
		case 3:
			name = fuzz_tar_name(&in);
			target = fuzz_tar_name(&in);
			fuzz_tar_link_add(&f, name, target);
			free(target);
			free(name);
			break;
		}
	}
	fuzz_tar_read(&f, cap0, cap1);
	tarball_free(f.t);
	for (k = 0; k < f.n; k++) {
		free(f.e[k].name);
		free(f.e[k].data);
	}
	return 0;
}
