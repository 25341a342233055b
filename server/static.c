/*
 * Static files under [capsule] static. The path is walked one component
 * at a time with openat(2) and O_NOFOLLOW from the static root, so neither
 * ".." nor a symlink can lead outside it: every symlink is refused, even
 * one that points inside the root (simpler to reason about than checking
 * where it lands). Names starting with '.' (".git", ".htaccess", "..") are
 * refused too, as is anything but regular files and directories.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mimecache.h"
#include "serve.h"
#include "static.h"

#define OCTET_STREAM	"application/octet-stream"

/* Errors that mean "not here" as seen by a client, not a server fault. */
static int
is_absent(int e)
{
	return e == ENOENT || e == ENOTDIR || e == ELOOP || e == EACCES ||
	    e == EPERM || e == ENAMETOOLONG || e == ENXIO || e == EISDIR;
}

static int
fail(int e)
{
	errno = is_absent(e) ? ENOENT : e;
	return -1;
}

static int
has_suffix(const char *s, const char *suf)
{
	size_t	 n = strlen(s), m = strlen(suf);

	return n >= m && strcmp(s + n - m, suf) == 0;
}

/* MIME types go into a response header: printable ASCII only. */
static int
mime_ok(const char *m)
{
	if (*m == '\0')
		return 0;
	for (; *m != '\0'; m++)
		if ((unsigned char)*m < 0x20 || (unsigned char)*m >= 0x7f)
			return 0;
	return 1;
}

static int
set_mime(const struct serve_ctx *ctx, const char *name, int fd,
    const struct stat *st, char *mime, size_t size)
{
	const char	*m = NULL;
	int		 looked = 0;

	if (has_suffix(name, ".gmi") || has_suffix(name, ".gemini"))
		m = "text/gemini";
	else if (ctx->mimes != NULL &&
	    mime_cache_get(ctx->mimes, st, mime, size))
		return 0;
	else if (ctx->magic != NULL) {
		m = magic_descriptor(ctx->magic, fd);
		looked = 1;
		/* libmagic reads the file: the stream must start at byte 0. */
		if (lseek(fd, 0, SEEK_SET) == -1)
			return -1;
	}
	if (m == NULL || !mime_ok(m) || strlen(m) >= size)
		m = OCTET_STREAM;
	(void)snprintf(mime, size, "%s", m);
	if (looked && ctx->mimes != NULL)
		mime_cache_put(ctx->mimes, st, mime);
	return 0;
}

/*
 * Opens the single component name in dir as a regular file or a
 * directory, refusing symlinks and special files. Returns the fd (a
 * directory is opened O_DIRECTORY) with *st filled, or -1.
 */
static int
open_component(int dir, const char *name, struct stat *st)
{
	struct stat	 pre;
	int		 fd, flags;

	if (name[0] == '.')
		return fail(ENOENT);
	/* lstat first: opening a FIFO or a device may block or act. */
	if (fstatat(dir, name, &pre, AT_SYMLINK_NOFOLLOW) == -1)
		return fail(errno);
	if (!S_ISREG(pre.st_mode) && !S_ISDIR(pre.st_mode))
		return fail(ENOENT);
	flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
	if (S_ISDIR(pre.st_mode))
		flags |= O_DIRECTORY;
	if ((fd = openat(dir, name, flags)) == -1)
		return fail(errno);
	/* The name may have been replaced between fstatat and openat. */
	if (fstat(fd, st) == -1 || st->st_dev != pre.st_dev ||
	    st->st_ino != pre.st_ino ||
	    (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode))) {
		(void)close(fd);
		return fail(ENOENT);
	}
	/* Regular files ignore O_NONBLOCK, but the core should not see it. */
	if (S_ISREG(st->st_mode) &&
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) == -1) {
		(void)close(fd);
		return fail(errno);
	}
	return fd;
}

int
static_open(const struct serve_ctx *ctx, const char *path,
    struct static_file *out)
{
	struct stat	 st;
	char		 name[256];
	const char	*p, *e;
	size_t		 n;
	int		 dir, fd, saved;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	if (ctx->static_fd == -1 || path[0] != '/')
		return fail(ENOENT);

	dir = ctx->static_fd;
	memset(&st, 0, sizeof(st));
	st.st_mode = S_IFDIR;	/* "/" is the root itself */
	name[0] = '\0';
	for (p = path; *p != '\0'; p = e) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		e = strchr(p, '/');
		if (e == NULL)
			e = p + strlen(p);
		n = (size_t)(e - p);
		if (n >= sizeof(name)) {
			errno = ENAMETOOLONG;
			goto fail;
		}
		/* A file in the middle of the path is not a directory. */
		if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			goto fail;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		if ((fd = open_component(dir, name, &st)) == -1)
			goto fail;
		if (dir != ctx->static_fd)
			(void)close(dir);
		dir = fd;
	}

	if (S_ISDIR(st.st_mode)) {
		if (dir != ctx->static_fd)
			(void)close(dir);
		out->is_dir = 1;
		(void)snprintf(out->mime, sizeof(out->mime), "%s",
		    "inode/directory");
		return 0;
	}
	/* A trailing slash after a file name: "/a.png/". */
	if (path[strlen(path) - 1] == '/') {
		errno = ENOTDIR;
		goto fail;
	}
	if (set_mime(ctx, name, dir, &st, out->mime, sizeof(out->mime)) == -1)
		goto fail;
	out->fd = dir;
	out->size = st.st_size;
	return 0;

fail:
	saved = errno;
	if (dir != ctx->static_fd)
		(void)close(dir);
	return fail(saved);
}
