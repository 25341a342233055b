/*
 * Small helpers shared by the unit tests: a scratch directory, writing and
 * reading files, and capturing what the code under test writes to stderr
 * (where log.c sends messages by default). All return NULL or -1 on
 * failure; the caller asserts.
 */
#ifndef GEMSERV_TESTUTIL_H
#define GEMSERV_TESTUTIL_H

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A new empty directory under $TMPDIR or /tmp; free() the name. */
static inline char *
tu_tmpdir(void)
{
	const char	*base = getenv("TMPDIR");
	char		*dir;

	if (base == NULL || *base == '\0')
		base = "/tmp";
	if (asprintf(&dir, "%s/gemserv-test-XXXXXX", base) == -1)
		return NULL;
	if (mkdtemp(dir) == NULL) {
		free(dir);
		return NULL;
	}
	return dir;
}

/* "dir/name", or name alone when dir is NULL; free() the result. */
static inline char *
tu_path(const char *dir, const char *name)
{
	char	*p;

	if (dir == NULL)
		return strdup(name);
	if (asprintf(&p, "%s/%s", dir, name) == -1)
		return NULL;
	return p;
}

/* mkdir -p dir/name (dir may be NULL: relative to the cwd). */
static inline int
tu_mkdir(const char *dir, const char *name)
{
	char	*p, *s, c;

	if ((p = tu_path(dir, name)) == NULL)
		return -1;
	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		c = *s;
		*s = '\0';
		if (mkdir(p, 0755) == -1 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return 0;
}

/* Writes len bytes to dir/name, creating missing parent directories. */
static inline int
tu_write_bytes(const char *dir, const char *name, const void *data,
    size_t len)
{
	char	*p, *slash;
	FILE	*fp;
	int	 r = 0;

	if ((p = tu_path(dir, name)) == NULL)
		return -1;
	if ((slash = strrchr(p, '/')) != NULL && slash != p) {
		*slash = '\0';
		r = tu_mkdir(NULL, p);
		*slash = '/';
	}
	if (r == -1 || (fp = fopen(p, "w")) == NULL) {
		free(p);
		return -1;
	}
	if (fwrite(data, 1, len, fp) != len)
		r = -1;
	if (fclose(fp) == EOF)
		r = -1;
	free(p);
	return r;
}

/* Writes text to dir/name, creating missing parent directories. */
static inline int
tu_write(const char *dir, const char *name, const char *text)
{
	return tu_write_bytes(dir, name, text, strlen(text));
}

/* The whole file, NUL-terminated; *lenp (if not NULL) gets its length. */
static inline char *
tu_read(const char *path, size_t *lenp)
{
	FILE	*fp;
	char	*data = NULL, *nd;
	size_t	 len = 0, cap = 0, n;

	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			if ((nd = realloc(data, cap)) == NULL)
				goto fail;
			data = nd;
		}
		n = fread(data + len, 1, cap - len - 1, fp);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(fp))
		goto fail;
	fclose(fp);
	data[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return data;
fail:
	fclose(fp);
	free(data);
	return NULL;
}

static inline int
tu_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* rm -rf dir. */
static inline int
tu_rmtree(const char *dir)
{
	return nftw(dir, tu_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Captures stderr (fd 2) into a temporary file until tu_capture_end. */
struct tu_capture {
	int	 saved;		/* the original stderr */
	char	 path[64];
};

static inline int
tu_capture_begin(struct tu_capture *c)
{
	int	 fd;

	(void)snprintf(c->path, sizeof(c->path), "/tmp/gemserv-err-XXXXXX");
	if ((fd = mkstemp(c->path)) == -1)
		return -1;
	fflush(stderr);
	if ((c->saved = dup(STDERR_FILENO)) == -1 ||
	    dup2(fd, STDERR_FILENO) == -1) {
		if (c->saved != -1)
			close(c->saved);
		close(fd);
		unlink(c->path);
		return -1;
	}
	close(fd);
	return 0;
}

/* Restores stderr; returns what was written meanwhile (free() it). */
static inline char *
tu_capture_end(struct tu_capture *c)
{
	char	*text;

	fflush(stderr);
	(void)dup2(c->saved, STDERR_FILENO);
	close(c->saved);
	text = tu_read(c->path, NULL);
	unlink(c->path);
	return text;
}

#endif
