/*
 * Unit tests for gcp/tarball.c: an archive holding every kind of entry (in
 * memory, a tree, symlinks, a long name split into ustar's prefix, a name
 * and a link target only pax can carry, empty and 1 MiB files) read out in
 * pieces of many sizes, then listed and unpacked by GNU tar and checked
 * header by header by python (when present); and the errors: fifos,
 * devices, files that change size before or while being sent, names that
 * would escape the directory the archive is unpacked in.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/xmalloc.h"
#include "gcp/tarball.h"

#define TEST_TARBALL_BIG (1024 * 1024 + 3)

struct test_tarball {
	char	*dir;		/* mkdtemp, removed at the end */
	char	*ctx;		/* dir/ctx: the tree */
	char	 l1[71];	/* a 70-byte directory name */
	char	 l2[75];	/* a 74-byte file name in it */
	char	 u[121];	/* a 120-byte file name */
	char	 target[146];	/* l1/l2 */
	char	*big;
};

static void
test_tarball_write(const char *dir, const char *name, const void *data,
    size_t len, mode_t mode)
{
	char	*path = xasprintf("%s/%s", dir, name);
	FILE	*f;

	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
	free(path);
}

static void
test_tarball_mkdir(const char *dir, const char *name, mode_t mode)
{
	char	*path = xasprintf("%s/%s", dir, name);

	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(chmod(path, mode), 0);
	free(path);
}

static void
test_tarball_symlink(const char *dir, const char *name, const char *target)
{
	char	*path = xasprintf("%s/%s", dir, name);

	assert_int_equal(symlink(target, path), 0);
	free(path);
}

/* Reads a whole file; caller frees. */
static char *
test_tarball_slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 size = 0, got;

	f = fopen(path, "r");
	assert_non_null(f);
	*len = 0;
	do {
		if (*len + 65536 + 1 > size) {
			size = (*len + 65536 + 1) * 2;
			buf = xrealloc(buf, size);
		}
		got = fread(buf + *len, 1, 65536, f);
		*len += got;
	} while (got > 0);
	fclose(f);
	buf[*len] = '\0';
	return buf;
}

/* Runs cmd under /bin/sh; returns its output, the caller frees. */
static char *
test_tarball_run(const char *cmd, int *status)
{
	FILE	*f;
	char	*out = NULL;
	size_t	 len = 0, size = 0, got;

	f = popen(cmd, "r");
	assert_non_null(f);
	do {
		if (len + 4096 + 1 > size) {
			size = (len + 4096 + 1) * 2;
			out = xrealloc(out, size);
		}
		got = fread(out + len, 1, 4096, f);
		len += got;
	} while (got > 0);
	out[len] = '\0';
	*status = pclose(f);
	return out;
}

static char *
test_tarball_tmpdir(void)
{
	char	tmpl[] = "/tmp/test_tarball.XXXXXX";

	assert_non_null(mkdtemp(tmpl));
	return xstrdup(tmpl);
}

static void
test_tarball_rm(const char *dir)
{
	char	*cmd = xasprintf("rm -rf -- '%s'", dir);

	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static int
test_tarball_setup(void **state)
{
	struct test_tarball	*fx;
	char			*sub;
	size_t			 i;

	fx = xcalloc(1, sizeof *fx);
	fx->dir = test_tarball_tmpdir();
	fx->ctx = xasprintf("%s/ctx", fx->dir);
	assert_int_equal(mkdir(fx->ctx, 0755), 0);
	assert_int_equal(chmod(fx->ctx, 0755), 0);

	fx->l1[0] = 'l';
	memset(fx->l1 + 1, 'p', 69);
	memset(fx->l2, 'q', 74);
	memset(fx->u, 'u', 120);
	snprintf(fx->target, sizeof fx->target, "%s/%s", fx->l1, fx->l2);
	fx->big = xmalloc(TEST_TARBALL_BIG);
	for (i = 0; i < TEST_TARBALL_BIG; i++)
		fx->big[i] = (char)(i * 7 + i / 509);

	test_tarball_write(fx->ctx, "a.txt", "hello\n", 6, 0644);
	test_tarball_write(fx->ctx, "big", fx->big, TEST_TARBALL_BIG, 0600);
	test_tarball_mkdir(fx->ctx, "bin", 0711);
	test_tarball_write(fx->ctx, "bin/run.sh", "#!/bin/sh\necho hi\n", 18,
	    0755);
	test_tarball_mkdir(fx->ctx, "empty", 0750);
	test_tarball_symlink(fx->ctx, "link", "a.txt");
	test_tarball_symlink(fx->ctx, "longlink", fx->target);
	test_tarball_mkdir(fx->ctx, fx->l1, 0755);
	test_tarball_write(fx->ctx, fx->target, "split\n", 6, 0640);
	test_tarball_mkdir(fx->ctx, "sub", 0755);
	test_tarball_mkdir(fx->ctx, "sub/deeper", 0700);
	test_tarball_write(fx->ctx, "sub/deeper/x.txt", "x\n", 2, 0444);
	test_tarball_write(fx->ctx, fx->u, "pax\n", 4, 0600);
	test_tarball_write(fx->ctx, "zero", "", 0, 0644);

	/* A symlink given as the path is followed. */
	sub = xasprintf("%s/a.txt", fx->ctx);
	test_tarball_symlink(fx->dir, "alink", sub);
	free(sub);

	*state = fx;
	return 0;
}

static int
test_tarball_teardown(void **state)
{
	struct test_tarball	*fx = *state;

	test_tarball_rm(fx->dir);
	free(fx->dir);
	free(fx->ctx);
	free(fx->big);
	free(fx);
	return 0;
}

static struct tarball *
test_tarball_build(struct test_tarball *fx)
{
	static const char	 df[] = "FROM scratch\nCOPY . /\n";
	struct tarball		*t;
	char			*cause = NULL, *alink;

	t = tarball_new();
	alink = xasprintf("%s/alink", fx->dir);
	assert_int_equal(tarball_add_data(t, "Dockerfile", df, strlen(df),
	    0644, &cause), 0);
	assert_int_equal(tarball_add_data(t, "script.sh", "#!/bin/sh\n", 10,
	    0755, &cause), 0);
	assert_int_equal(tarball_add_dir(t, "emptymem", 0700, &cause), 0);
	assert_int_equal(tarball_add_path(t, "tree", fx->ctx, &cause), 0);
	assert_int_equal(tarball_add_path(t, "followed.txt", alink, &cause),
	    0);
	assert_null(cause);
	free(alink);
	return t;
}

/* Reads the whole archive cap bytes at a time; caller frees. */
static char *
test_tarball_drain(struct tarball *t, size_t cap, size_t *len)
{
	char	*out, *cause = NULL;
	long	 n;

	out = xmalloc(tarball_size(t) + cap);
	*len = 0;
	while ((n = tarball_read(t, out + *len, cap, &cause)) > 0) {
		assert_true((size_t)n <= cap);
		*len += (size_t)n;
		/* Short only at the very end. */
		if ((size_t)n < cap)
			assert_int_equal(*len, tarball_size(t));
		assert_int_equal(tarball_sent(t), *len);
	}
	if (n < 0)
		fail_msg("tarball_read: %s", cause);
	assert_int_equal(tarball_read(t, out, cap, &cause), 0);
	return out;
}

/* Checks an unpacked file against its source: contents and mode. */
static void
test_tarball_same_file(const char *got, const char *want)
{
	struct stat	 gsb, wsb;
	char		*g, *w;
	size_t		 glen, wlen;

	assert_int_equal(lstat(got, &gsb), 0);
	assert_int_equal(lstat(want, &wsb), 0);
	assert_true(S_ISREG(gsb.st_mode));
	assert_int_equal(gsb.st_mode & 07777, wsb.st_mode & 07777);
	assert_int_equal(gsb.st_mtime, wsb.st_mtime);
	g = test_tarball_slurp(got, &glen);
	w = test_tarball_slurp(want, &wlen);
	assert_int_equal(glen, wlen);
	assert_memory_equal(g, w, glen);
	free(g);
	free(w);
}

static void
test_tarball_check_mode(const char *dir, const char *name, mode_t type,
    mode_t mode)
{
	char		*path = xasprintf("%s/%s", dir, name);
	struct stat	 sb;

	assert_int_equal(lstat(path, &sb), 0);
	assert_int_equal(sb.st_mode & S_IFMT, type);
	assert_int_equal(sb.st_mode & 07777, mode);
	free(path);
}

/* What `tar -xpf` made of the archive, compared with the sources. */
static void
test_tarball_check_unpacked(struct test_tarball *fx, const char *x)
{
	const char	*files[] = { "a.txt", "big", "bin/run.sh",
			    "sub/deeper/x.txt", "zero", fx->u, fx->target };
	const char	*dirs[] = { "bin", "empty", "sub", "sub/deeper",
			    fx->l1 };
	char		*got, *want, buf[256];
	struct stat	 gsb, wsb;
	ssize_t		 n;
	size_t		 i, len;

	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		got = xasprintf("%s/tree/%s", x, files[i]);
		want = xasprintf("%s/%s", fx->ctx, files[i]);
		test_tarball_same_file(got, want);
		free(want);
		free(got);
	}
	for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		got = xasprintf("%s/tree/%s", x, dirs[i]);
		want = xasprintf("%s/%s", fx->ctx, dirs[i]);
		assert_int_equal(lstat(got, &gsb), 0);
		assert_int_equal(lstat(want, &wsb), 0);
		assert_true(S_ISDIR(gsb.st_mode));
		assert_int_equal(gsb.st_mode & 07777, wsb.st_mode & 07777);
		free(want);
		free(got);
	}

	got = xasprintf("%s/tree/link", x);
	n = readlink(got, buf, sizeof buf);
	assert_int_equal(n, 5);
	assert_memory_equal(buf, "a.txt", 5);
	free(got);
	got = xasprintf("%s/tree/longlink", x);
	n = readlink(got, buf, sizeof buf);
	assert_int_equal(n, strlen(fx->target));
	assert_memory_equal(buf, fx->target, (size_t)n);
	free(got);

	test_tarball_check_mode(x, "Dockerfile", S_IFREG, 0644);
	test_tarball_check_mode(x, "script.sh", S_IFREG, 0755);
	test_tarball_check_mode(x, "emptymem", S_IFDIR, 0700);
	test_tarball_check_mode(x, "followed.txt", S_IFREG, 0644);
	got = xasprintf("%s/Dockerfile", x);
	want = test_tarball_slurp(got, &len);
	assert_string_equal(want, "FROM scratch\nCOPY . /\n");
	free(want);
	free(got);
	got = xasprintf("%s/followed.txt", x);
	want = test_tarball_slurp(got, &len);
	assert_string_equal(want, "hello\n");
	free(want);
	free(got);
}

/*
 * Checks every header block by hand (magic, version, checksum, terminated
 * numbers, owner, pax record lengths, the two zero blocks at the end, one
 * name in the prefix field and two pax headers), then
 * reads the archive with tarfile and compares each tree entry with its
 * source: type, mode, mtime, size, contents, link target.
 */
static const char test_tarball_py[] =
	"import os, sys, tarfile\n"
	"p, ctx = sys.argv[1], sys.argv[2]\n"
	"d = open(p, 'rb').read()\n"
	"assert len(d) % 512 == 0\n"
	"off = splits = paxes = 0\n"
	"while d[off:off + 512] != bytes(512):\n"
	"    h = d[off:off + 512]\n"
	"    splits += h[345] != 0\n"
	"    assert h[257:265] == b'ustar\\x0000', h\n"
	"    s = sum(h[:148]) + 8 * 32 + sum(h[156:])\n"
	"    assert h[148:156] == b'%06o\\x00 ' % s, h[148:156]\n"
	"    for a, b in ((100, 108), (108, 116), (116, 124), (124, 136),\n"
	"                 (136, 148), (329, 337), (337, 345)):\n"
	"        assert h[b - 1] == 0 and int(h[a:b - 1], 8) >= 0, (a, h)\n"
	"    assert int(h[108:115], 8) == 0 and int(h[116:123], 8) == 0\n"
	"    assert h[265:270] == b'root\\0' and h[297:302] == b'root\\0'\n"
	"    assert h[156:157] in b'025x', h[156]\n"
	"    size = int(h[124:135], 8)\n"
	"    if h[156:157] == b'x':\n"
	"        paxes += 1\n"
	"        r = d[off + 512:off + 512 + size]\n"
	"        while r:\n"
	"            n = int(r.split(b' ', 1)[0])\n"
	"            assert r[n - 1:n] == b'\\n', r\n"
	"            r = r[n:]\n"
	"    off += 512 + (size + 511) // 512 * 512\n"
	"assert len(d) - off == 1024 and d[off:] == bytes(1024), off\n"
	"assert splits == 1 and paxes == 2, (splits, paxes)\n"
	"n = 0\n"
	"with tarfile.open(p, 'r:', errorlevel=2) as tf:\n"
	"    for m in tf:\n"
	"        assert m.uid == 0 and m.gid == 0 and m.uname == 'root'\n"
	"        if not m.name.startswith('tree/'):\n"
	"            continue\n"
	"        n += 1\n"
	"        st = os.lstat(os.path.join(ctx, m.name[5:]))\n"
	"        assert m.mode == st.st_mode & 0o7777, m.name\n"
	"        assert m.mtime == int(st.st_mtime), m.name\n"
	"        if m.issym():\n"
	"            assert m.linkname == os.readlink(os.path.join(ctx, "
	"m.name[5:]))\n"
	"        elif m.isfile():\n"
	"            assert m.size == st.st_size\n"
	"            data = tf.extractfile(m).read()\n"
	"            assert data == open(os.path.join(ctx, m.name[5:]), "
	"'rb').read()\n"
	"        else:\n"
	"            assert m.isdir(), m.name\n"
	"assert n == sum(len(ds) + len(fs) for _, ds, fs in os.walk(ctx)), n\n";

/* Runs of spaces to one: tar -tv pads its columns to varying widths. */
static void
test_tarball_squeeze(char *s)
{
	char	*r, *w = s;

	for (r = s; *r != '\0'; r++) {
		if (*r != ' ' || w == s || w[-1] != ' ')
			*w++ = *r;
	}
	*w = '\0';
}

/*
 * In-memory entries (the first three headers) carry the time of
 * tarball_new(), which may differ between two builds: blank it, and the
 * checksum that covers it, before comparing archives.
 */
static void
test_tarball_mask(char *out)
{
	size_t	i;

	for (i = 0; i < 3; i++)
		memset(out + i * 1024 + 136, 0, 20);
}

static void
test_tarball_archive(void **state)
{
	static const size_t	 caps[] = { 1, 7, 512, 65536, 3 << 20 };
	struct test_tarball	*fx = *state;
	struct tarball		*t;
	char			*first = NULL, *saved = NULL, *out, *path;
	char			*x, *cmd, *want;
	size_t			 i, len, firstlen = 0;
	FILE			*f;
	int			 status;

	for (i = 0; i < sizeof caps / sizeof caps[0]; i++) {
		t = test_tarball_build(fx);
		out = test_tarball_drain(t, caps[i], &len);
		assert_int_equal(len, tarball_size(t));
		assert_int_equal(tarball_sent(t), tarball_size(t));
		assert_int_equal(len % 512, 0);
		if (first == NULL) {
			first = out;
			firstlen = len;
			saved = xmalloc(len);
			memcpy(saved, out, len);
			test_tarball_mask(saved);
		} else {
			assert_int_equal(len, firstlen);
			test_tarball_mask(out);
			assert_memory_equal(out, saved, len);
			free(out);
		}
		tarball_free(t);
	}

	path = xasprintf("%s/out.tar", fx->dir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(first, 1, firstlen, f), firstlen);
	assert_int_equal(fclose(f), 0);
	free(first);
	free(saved);

	cmd = xasprintf("tar -tf '%s'", path);
	out = test_tarball_run(cmd, &status);
	assert_int_equal(status, 0);
	want = xasprintf("Dockerfile\nscript.sh\nemptymem/\ntree/\ntree/a.txt\n"
	    "tree/big\ntree/bin/\ntree/bin/run.sh\ntree/empty/\ntree/link\n"
	    "tree/longlink\ntree/%s/\ntree/%s\ntree/sub/\ntree/sub/deeper/\n"
	    "tree/sub/deeper/x.txt\ntree/%s\ntree/zero\nfollowed.txt\n",
	    fx->l1, fx->target, fx->u);
	assert_string_equal(out, want);
	free(want);
	free(out);
	free(cmd);

	cmd = xasprintf("tar -tvf '%s'", path);
	out = test_tarball_run(cmd, &status);
	assert_int_equal(status, 0);
	test_tarball_squeeze(out);
	assert_non_null(strstr(out, "lrwxrwxrwx root/root "));
	assert_non_null(strstr(out, " tree/link -> a.txt\n"));
	want = xasprintf(" tree/longlink -> %s\n", fx->target);
	assert_non_null(strstr(out, want));
	free(want);
	assert_non_null(strstr(out, "-rw------- root/root 1048579 "));
	assert_non_null(strstr(out, "drwxr-x--- root/root 0 "));
	free(out);
	free(cmd);

	x = xasprintf("%s/x", fx->dir);
	assert_int_equal(mkdir(x, 0700), 0);
	cmd = xasprintf("tar -xpf '%s' -C '%s'", path, x);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	test_tarball_check_unpacked(fx, x);
	free(x);

	if (system("command -v python3 >/dev/null 2>&1") != 0) {
		print_message("python3 not found: tarfile check skipped\n");
		free(path);
		return;
	}
	cmd = xasprintf("python3 - '%s' '%s'", path, fx->ctx);
	f = popen(cmd, "w");
	assert_non_null(f);
	fputs(test_tarball_py, f);
	assert_int_equal(pclose(f), 0);
	free(cmd);
	free(path);
}

/* Name "." puts a directory's contents at the top, as docker wants. */
static void
test_tarball_top(void **state)
{
	struct test_tarball	*fx = *state;
	struct tarball		*t;
	char			*out, *cause = NULL, *path;
	size_t			 len;

	t = tarball_new();
	assert_int_equal(tarball_add_path(t, ".", fx->ctx, &cause), 0);
	out = test_tarball_drain(t, 4096, &len);
	assert_string_equal(out, "a.txt");
	assert_int_equal(out[156], '0');
	free(out);
	tarball_free(t);

	t = tarball_new();
	path = xasprintf("%s/a.txt", fx->ctx);
	assert_int_equal(tarball_add_path(t, ".", path, &cause), -1);
	assert_non_null(strstr(cause, path));
	free(cause);
	free(path);
	tarball_free(t);
}

static void
test_tarball_names(void **state)
{
	static const char	*bad[] = { "", "/abs", "..", "../x", "a/../b",
				    "a/..", ".", "./a", "a/./b", "a//b", "a/",
				    "//" };
	struct test_tarball	*fx = *state;
	struct tarball		*t;
	char			*cause, *path;
	size_t			 i;

	t = tarball_new();
	path = xasprintf("%s/a.txt", fx->ctx);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		assert_int_equal(tarball_add_data(t, bad[i], "x", 1, 0644,
		    &cause), -1);
		assert_non_null(strstr(cause, "bad name"));
		free(cause);
		if (strcmp(bad[i], "a/") == 0 || strcmp(bad[i], ".") == 0)
			continue;
		assert_int_equal(tarball_add_dir(t, bad[i], 0755, &cause), -1);
		free(cause);
		assert_int_equal(tarball_add_path(t, bad[i], path, &cause), -1);
		free(cause);
	}
	assert_int_equal(tarball_size(t), 1024);
	assert_int_equal(tarball_add_dir(t, "ok/", 0755, &cause), 0);
	assert_int_equal(tarball_add_path(t, "dir/", fx->ctx, &cause), 0);
	assert_int_equal(tarball_add_data(t, "..x/y..", "", 0, 0644, &cause),
	    0);
	free(path);
	tarball_free(t);
}

/* Fifos and devices are refused, and a failed add leaves nothing. */
static void
test_tarball_special(void **state)
{
	struct test_tarball	*fx = *state;
	struct tarball		*t;
	char			*cause = NULL, *fifo;
	unsigned long long	 size;

	fifo = xasprintf("%s/sub/fifo", fx->ctx);
	assert_int_equal(mkfifo(fifo, 0644), 0);
	t = tarball_new();
	assert_int_equal(tarball_add_data(t, "a", "x", 1, 0644, &cause), 0);
	size = tarball_size(t);
	assert_int_equal(tarball_add_path(t, "c", fx->ctx, &cause), -1);
	print_message("%s\n", cause);
	assert_non_null(strstr(cause, fifo));
	assert_non_null(strstr(cause, "fifo"));
	free(cause);
	assert_int_equal(tarball_size(t), size);
	assert_int_equal(tarball_add_path(t, "n", "/dev/null", &cause), -1);
	print_message("%s\n", cause);
	assert_non_null(strstr(cause, "/dev/null"));
	free(cause);
	assert_int_equal(tarball_add_path(t, "n", "/nonexistent/x", &cause),
	    -1);
	assert_non_null(strstr(cause, "/nonexistent/x: "));
	free(cause);
	assert_int_equal(tarball_size(t), size);
	tarball_free(t);
	unlink(fifo);
	free(fifo);
}

/* Reads until the archive fails; returns the cause. */
static char *
test_tarball_fail(struct tarball *t)
{
	char	 buf[4096], *cause = NULL;
	long	 n;

	while ((n = tarball_read(t, buf, sizeof buf, &cause)) > 0)
		;
	assert_int_equal(n, -1);
	print_message("%s\n", cause);
	return cause;
}

static void
test_tarball_changed(const char *dir, size_t len, size_t after,
    off_t now, const char *expect)
{
	struct tarball	*t;
	char		*path, *cause = NULL, *data, buf[4096];
	FILE		*f;

	data = xcalloc(1, len);
	test_tarball_write(dir, "changing", data, len, 0644);
	path = xasprintf("%s/changing", dir);
	t = tarball_new();
	assert_int_equal(tarball_add_path(t, "c", path, &cause), 0);
	if (after > 0)
		assert_int_equal(tarball_read(t, buf, after, &cause), after);
	if (now < (off_t)len)
		assert_int_equal(truncate(path, now), 0);
	else {
		f = fopen(path, "a");
		assert_non_null(f);
		fwrite(data, 1, (size_t)now - len, f);
		fclose(f);
	}
	cause = test_tarball_fail(t);
	assert_non_null(strstr(cause, path));
	assert_non_null(strstr(cause, expect));
	free(cause);
	assert_int_equal(tarball_read(t, buf, sizeof buf, &cause), -1);
	free(cause);
	tarball_free(t);
	unlink(path);
	free(path);
	free(data);
}

/* A file must send the size its header announced. */
static void
test_tarball_size_change(void **state)
{
	struct test_tarball	*fx = *state;

	/* Changed before its turn. */
	test_tarball_changed(fx->dir, 1000, 0, 7,
	    ": changed size while being sent (was 1000 bytes, now 7)");
	test_tarball_changed(fx->dir, 10, 0, 15, "(was 10 bytes, now 15)");
	test_tarball_changed(fx->dir, 0, 0, 1, "(was 0 bytes, now 1)");
	/* Changed halfway through. */
	test_tarball_changed(fx->dir, 200000, 4096, 100000,
	    "(was 200000 bytes, now 100000)");
	test_tarball_changed(fx->dir, 200000, 4096, 200010,
	    "(was 200000 bytes, now 200010)");
}

static void
test_tarball_limits(void **state)
{
	struct test_tarball	*fx = *state;
	struct tarball		*t;
	char			*cause = NULL, *path, buf[512];

	/* Sparse, so it costs no disk. */
	path = xasprintf("%s/huge", fx->dir);
	test_tarball_write(fx->dir, "huge", "", 0, 0644);
	assert_int_equal(truncate(path, 8LL << 30), 0);
	t = tarball_new();
	assert_int_equal(tarball_add_path(t, "h", path, &cause), -1);
	print_message("%s\n", cause);
	assert_non_null(strstr(cause, path));
	free(cause);
	assert_int_equal(truncate(path, (8LL << 30) - 1), 0);
	assert_int_equal(tarball_add_path(t, "h", path, &cause), 0);
	assert_int_equal(tarball_size(t), 1024 + 512 + (8ULL << 30));
	unlink(path);
	free(path);

	/* Nothing can be added once sending started. */
	assert_int_equal(tarball_read(t, buf, sizeof buf, &cause), 512);
	assert_int_equal(tarball_add_dir(t, "d", 0755, &cause), -1);
	free(cause);
	tarball_free(t);

	if (geteuid() == 0)
		return;	/* root reads anything */
	path = xasprintf("%s/secret", fx->dir);
	test_tarball_write(fx->dir, "secret", "s", 1, 0);
	t = tarball_new();
	assert_int_equal(tarball_add_path(t, "s", path, &cause), -1);
	assert_non_null(strstr(cause, "Permission denied"));
	free(cause);
	tarball_free(t);
	free(path);
}

static enum tarball_verdict
test_tarball_filter_fn(const char *name, int dir, void *arg)
{
	int	*saw_pruned = arg;

	if (strncmp(name, "bin/", 4) == 0)
		*saw_pruned = 1;
	if (strcmp(name, "big") == 0 && !dir)
		return TARBALL_SKIP;
	if (strcmp(name, "sub") == 0 && dir)
		return TARBALL_SKIP;
	if (strcmp(name, "bin") == 0 && dir)
		return TARBALL_PRUNE;
	return TARBALL_KEEP;
}

/* A filter (.dockerignore's) skips entries, or whole trees. */
static void
test_tarball_filter(void **state)
{
	struct test_tarball	*fx = *state;
	struct tarball		*t;
	char			*cause = NULL, *out, *cmd, *want;
	size_t			 len;
	int			 status, saw_pruned = 0;

	t = tarball_new();
	tarball_set_filter(t, test_tarball_filter_fn, &saw_pruned);
	assert_int_equal(tarball_add_path(t, ".", fx->ctx, &cause), 0);
	tarball_set_filter(t, NULL, NULL);
	assert_int_equal(saw_pruned, 0);
	out = test_tarball_drain(t, 4096, &len);
	assert_int_equal(len, tarball_size(t));
	tarball_free(t);

	test_tarball_write(fx->dir, "filtered.tar", out, len, 0600);
	free(out);
	cmd = xasprintf("tar -tf '%s/filtered.tar'", fx->dir);
	out = test_tarball_run(cmd, &status);
	assert_int_equal(status, 0);
	want = xasprintf("a.txt\nempty/\nlink\nlonglink\n%s/\n%s\n"
	    "sub/deeper/\nsub/deeper/x.txt\n%s\nzero\n", fx->l1,
	    fx->target, fx->u);
	assert_string_equal(out, want);
	free(want);
	free(out);
	free(cmd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tarball_archive,
		    test_tarball_setup, test_tarball_teardown),
		cmocka_unit_test_setup_teardown(test_tarball_top,
		    test_tarball_setup, test_tarball_teardown),
		cmocka_unit_test_setup_teardown(test_tarball_names,
		    test_tarball_setup, test_tarball_teardown),
		cmocka_unit_test_setup_teardown(test_tarball_special,
		    test_tarball_setup, test_tarball_teardown),
		cmocka_unit_test_setup_teardown(test_tarball_size_change,
		    test_tarball_setup, test_tarball_teardown),
		cmocka_unit_test_setup_teardown(test_tarball_limits,
		    test_tarball_setup, test_tarball_teardown),
		cmocka_unit_test_setup_teardown(test_tarball_filter,
		    test_tarball_setup, test_tarball_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
