/* Unit tests for static.c: safe opening under the static root. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

#include "mimecache.h"
#include "serve.h"
#include "static.h"

static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01"
    "\x08\x06\0\0\0\x1f\x15\xc4\x89";

struct fix {
	char			*dir;
	struct serve_ctx	 ctx;
};

static void
sub(const char *dir, const char *name, char *path, size_t size)
{
	assert_true((size_t)snprintf(path, size, "%s/%s", dir, name) < size);
}

static int
setup(void **state)
{
	struct fix	*f;
	char		 p[256];
	magic_t		 m;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	if ((f->dir = tu_tmpdir()) == NULL)
		return -1;
	assert_int_equal(tu_write_bytes(f->dir, "img.png",
	    png, sizeof(png) - 1), 0);
	assert_int_equal(tu_write_bytes(f->dir, "doc.gmi", "# Doc\n", 6), 0);
	assert_int_equal(tu_write_bytes(f->dir, "old.gemini", "# Old\n", 6), 0);
	assert_int_equal(tu_write_bytes(f->dir, "notes.txt",
	    "plain words here\n", 17), 0);
	assert_int_equal(tu_write_bytes(f->dir, ".hidden", "secret\n", 7), 0);
	sub(f->dir, "sub", p, sizeof(p));
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(tu_write_bytes(p, "index.gmi", "# Sub\n", 6), 0);
	sub(f->dir, ".git", p, sizeof(p));
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(tu_write_bytes(p, "config", "[core]\n", 7), 0);
	sub(f->dir, "link", p, sizeof(p));
	assert_int_equal(symlink("/etc/passwd", p), 0);
	sub(f->dir, "linkdir", p, sizeof(p));
	assert_int_equal(symlink("/etc", p), 0);
	/* Even a link that stays inside the root is refused. */
	sub(f->dir, "inner", p, sizeof(p));
	assert_int_equal(symlink("doc.gmi", p), 0);
	sub(f->dir, "fifo", p, sizeof(p));
	assert_int_equal(mkfifo(p, 0644), 0);

	f->ctx.static_fd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (f->ctx.static_fd == -1)
		return -1;
	if ((m = magic_open(MAGIC_MIME_TYPE)) == NULL)
		return -1;
	if (magic_load(m, NULL) == -1) {
		magic_close(m);
		return -1;
	}
	f->ctx.magic = m;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix	*f = *state;

	magic_close(f->ctx.magic);
	close(f->ctx.static_fd);
	if (tu_rmtree(f->dir) == -1)
		return -1;
	free(f->dir);
	free(f);
	return 0;
}

static void
test_regular_file(void **state)
{
	struct fix		*f = *state;
	struct static_file	 sf;
	char			 b[8];

	assert_int_equal(static_open(&f->ctx, "/img.png", &sf), 0);
	assert_true(sf.fd >= 0);
	assert_false(sf.is_dir);
	assert_int_equal(sf.size, sizeof(png) - 1);
	assert_string_equal(sf.mime, "image/png");
	/* libmagic read the file; the stream must still start at 0. */
	assert_int_equal(read(sf.fd, b, 8), 8);
	assert_memory_equal(b, "\x89PNG\r\n\x1a\n", 8);
	assert_true(fcntl(sf.fd, F_GETFD) & FD_CLOEXEC);
	assert_false(fcntl(sf.fd, F_GETFL) & O_NONBLOCK);
	close(sf.fd);
}

/* The cache answers for a file it knows and forgets one that changed. */
static void
test_mime_cache(void **state)
{
	struct fix		*f = *state;
	struct static_file	 sf;
	struct stat		 st;
	struct timespec		 ts[2];
	char			 p[256], m[128];

	assert_non_null(f->ctx.mimes = mime_cache_new());
	assert_int_equal(static_open(&f->ctx, "/notes.txt", &sf), 0);
	assert_string_equal(sf.mime, "text/plain");
	assert_int_equal(fstat(sf.fd, &st), 0);
	close(sf.fd);
	assert_true(mime_cache_get(f->ctx.mimes, &st, m, sizeof(m)));
	assert_string_equal(m, "text/plain");
	/* Too small a buffer is a miss, never a cut type. */
	assert_false(mime_cache_get(f->ctx.mimes, &st, m, 10));

	/* A remembered answer is used without asking libmagic. */
	mime_cache_put(f->ctx.mimes, &st, "text/x-remembered");
	assert_int_equal(static_open(&f->ctx, "/notes.txt", &sf), 0);
	assert_string_equal(sf.mime, "text/x-remembered");
	close(sf.fd);

	/* Rewritten in place (same inode, other size): asked again. */
	sub(f->dir, "notes.txt", p, sizeof(p));
	assert_int_equal(tu_write_bytes(f->dir, "notes.txt",
	    png, sizeof(png) - 1), 0);
	assert_int_equal(static_open(&f->ctx, "/notes.txt", &sf), 0);
	assert_string_equal(sf.mime, "image/png");
	close(sf.fd);

	/* Same size, only the modification time moved: asked again. */
	assert_int_equal(stat(p, &st), 0);
	mime_cache_put(f->ctx.mimes, &st, "text/x-stale");
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	ts[1].tv_sec -= 100;
	assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
	assert_int_equal(static_open(&f->ctx, "/notes.txt", &sf), 0);
	assert_string_equal(sf.mime, "image/png");
	close(sf.fd);

	/* A .gmi name decides alone and is not cached. */
	assert_int_equal(static_open(&f->ctx, "/doc.gmi", &sf), 0);
	assert_int_equal(fstat(sf.fd, &st), 0);
	close(sf.fd);
	assert_false(mime_cache_get(f->ctx.mimes, &st, m, sizeof(m)));

	mime_cache_free(f->ctx.mimes);
	f->ctx.mimes = NULL;
}

static void
test_mime(void **state)
{
	struct fix		*f = *state;
	struct static_file	 sf;

	assert_int_equal(static_open(&f->ctx, "/doc.gmi", &sf), 0);
	assert_string_equal(sf.mime, "text/gemini");
	assert_int_equal(sf.size, 6);
	close(sf.fd);
	assert_int_equal(static_open(&f->ctx, "/old.gemini", &sf), 0);
	assert_string_equal(sf.mime, "text/gemini");
	close(sf.fd);
	assert_int_equal(static_open(&f->ctx, "/notes.txt", &sf), 0);
	assert_string_equal(sf.mime, "text/plain");
	close(sf.fd);
	assert_int_equal(static_open(&f->ctx, "//sub//index.gmi", &sf), 0);
	assert_string_equal(sf.mime, "text/gemini");
	close(sf.fd);
}

static void
test_no_magic(void **state)
{
	struct fix		*f = *state;
	struct serve_ctx	 ctx = f->ctx;
	struct static_file	 sf;

	ctx.magic = NULL;
	assert_int_equal(static_open(&ctx, "/img.png", &sf), 0);
	assert_string_equal(sf.mime, "application/octet-stream");
	close(sf.fd);
	assert_int_equal(static_open(&ctx, "/doc.gmi", &sf), 0);
	assert_string_equal(sf.mime, "text/gemini");
	close(sf.fd);
}

static void
test_directories(void **state)
{
	struct fix		*f = *state;
	struct static_file	 sf;

	assert_int_equal(static_open(&f->ctx, "/", &sf), 0);
	assert_true(sf.is_dir);
	assert_int_equal(sf.fd, -1);
	assert_int_equal(static_open(&f->ctx, "/sub", &sf), 0);
	assert_true(sf.is_dir);
	assert_int_equal(sf.fd, -1);
	assert_int_equal(static_open(&f->ctx, "/sub/", &sf), 0);
	assert_true(sf.is_dir);
	assert_int_equal(sf.fd, -1);
}

static const char *const refused[] = {
	"/missing",
	"/sub/missing.gmi",
	"/img.png/",		/* a file is not a directory */
	"/img.png/x",
	"/.hidden",
	"/.git/config",
	"/.git",
	"/sub/../.hidden",
	"/..",
	"/../etc/passwd",
	"/./doc.gmi",
	"/link",		/* symlink to /etc/passwd */
	"/linkdir/passwd",	/* symlinked directory */
	"/linkdir",
	"/inner",		/* symlink inside the root */
	"/fifo",		/* special file; must not block */
	"doc.gmi",		/* not absolute */
	"",
	"/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxx",
};

static void
test_refused(void **state)
{
	struct fix		*f = *state;
	struct static_file	 sf;
	size_t			 i;
	int			 before, after;

	/* A leaked descriptor would take the lowest free number. */
	before = dup(0);
	assert_true(before != -1);
	close(before);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		print_message("case %zu: %s\n", i, refused[i]);
		errno = 0;
		assert_int_equal(static_open(&f->ctx, refused[i], &sf), -1);
		assert_int_equal(errno, ENOENT);
		assert_int_equal(sf.fd, -1);
	}
	after = dup(0);
	assert_true(after != -1);
	close(after);
	assert_int_equal(after, before);
}

static void
test_no_root(void **state)
{
	struct fix		*f = *state;
	struct serve_ctx	 ctx = f->ctx;
	struct static_file	 sf;

	ctx.static_fd = -1;
	errno = 0;
	assert_int_equal(static_open(&ctx, "/doc.gmi", &sf), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(static_open(&ctx, "/", &sf), -1);
}

/* Running as root reads everything, so only an ordinary user can check. */
static void
test_unreadable(void **state)
{
	struct fix		*f = *state;
	struct static_file	 sf;
	char			 p[256];

	if (geteuid() == 0)
		skip();
	assert_int_equal(tu_write_bytes(f->dir, "locked.txt", "x\n", 2), 0);
	sub(f->dir, "locked.txt", p, sizeof(p));
	assert_int_equal(chmod(p, 0), 0);
	errno = 0;
	assert_int_equal(static_open(&f->ctx, "/locked.txt", &sf), -1);
	assert_int_equal(errno, ENOENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regular_file),
		cmocka_unit_test(test_mime),
		cmocka_unit_test(test_mime_cache),
		cmocka_unit_test(test_no_magic),
		cmocka_unit_test(test_directories),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_no_root),
		cmocka_unit_test(test_unreadable),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
