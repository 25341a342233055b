/*
 * gemserv -x DIR: the in-memory capsule written out as files. Paths come
 * from the capsule's own builders, never from a request, but are still
 * checked so an odd slug can never write outside DIR.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "export.h"
#include "log.h"

/* mkdir -p for the parent directories of path. */
static int
make_parents(char *path)
{
	char	*p;

	for (p = path + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(path, 0755) == -1 && errno != EEXIST) {
			log_err("%s: %s", path, strerror(errno));
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return 0;
}

static int
write_file(const char *path, const char *data, size_t len)
{
	ssize_t	 n;
	size_t	 off = 0;
	int	 fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0644);
	if (fd == -1) {
		log_err("%s: %s", path, strerror(errno));
		return -1;
	}
	while (off < len) {
		if ((n = write(fd, data + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			log_err("%s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	if (close(fd) == -1) {
		log_err("%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int
path_safe(const char *p)
{
	return p[0] == '/' && strstr(p, "/../") == NULL &&
	    strstr(p, "/./") == NULL && strstr(p, "//") == NULL;
}

static int
export_proto(const struct capsule *c, enum proto proto, const char *root,
    const char *index)
{
	const struct entry	*e;
	struct buf		 path;
	size_t			 i, n = capsule_count(c, proto);
	int			 rv = 0;

	buf_init(&path);
	for (i = 0; i < n && rv == 0; i++) {
		e = capsule_at(c, proto, i);
		if (!path_safe(e->path)) {
			log_err("export: refusing path %s", e->path);
			rv = -1;
			break;
		}
		buf_reset(&path);
		buf_printf(&path, "%s%s", root, e->path);
		if (e->path[strlen(e->path) - 1] == '/')
			buf_puts(&path, index);
		if (path.err) {
			rv = -1;
			break;
		}
		if (make_parents(path.data) == -1 ||
		    write_file(path.data, e->data, e->len) == -1)
			rv = -1;
	}
	buf_free(&path);
	return rv;
}

static int
copy_file(const char *from, const char *to)
{
	struct buf	 b;
	char		 chunk[16384];
	ssize_t		 n;
	int		 fd, rv;

	if ((fd = open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		log_err("%s: %s", from, strerror(errno));
		return -1;
	}
	buf_init(&b);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			log_err("%s: %s", from, strerror(errno));
			break;
		}
		buf_append(&b, chunk, (size_t)n);
	}
	close(fd);
	rv = (n == 0 && !b.err) ? write_file(to, buf_str(&b), b.len) : -1;
	buf_free(&b);
	return rv;
}

/* Copies regular files and directories; like the server, it skips dot
 * files and symlinks, so the export holds what readers can fetch. */
static int
copy_tree(const char *from, const char *to)
{
	struct dirent	**names;
	struct stat	  st;
	struct buf	  src, dst;
	int		  i, n, rv = 0;

	if ((n = scandir(from, &names, NULL, alphasort)) == -1) {
		log_err("%s: %s", from, strerror(errno));
		return -1;
	}
	if (mkdir(to, 0755) == -1 && errno != EEXIST) {
		log_err("%s: %s", to, strerror(errno));
		rv = -1;
	}
	buf_init(&src);
	buf_init(&dst);
	for (i = 0; i < n; i++) {
		if (rv == 0 && names[i]->d_name[0] != '.') {
			buf_reset(&src);
			buf_reset(&dst);
			buf_printf(&src, "%s/%s", from, names[i]->d_name);
			buf_printf(&dst, "%s/%s", to, names[i]->d_name);
			if (src.err || dst.err)
				rv = -1;
			else if (lstat(src.data, &st) == -1) {
				log_err("%s: %s", src.data, strerror(errno));
				rv = -1;
			} else if (S_ISDIR(st.st_mode))
				rv = copy_tree(src.data, dst.data);
			else if (S_ISREG(st.st_mode))
				rv = copy_file(src.data, dst.data);
		}
		free(names[i]);
	}
	free(names);
	buf_free(&src);
	buf_free(&dst);
	return rv;
}

int
export_capsule(const struct capsule *c, const char *static_dir,
    const char *dir)
{
	struct buf	 g, p;
	int		 rv = -1;

	buf_init(&g);
	buf_init(&p);
	buf_printf(&g, "%s/gemini", dir);
	buf_printf(&p, "%s/gopher", dir);
	if (g.err || p.err)
		goto done;
	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		log_err("%s: %s", dir, strerror(errno));
		goto done;
	}
	if (copy_tree(static_dir, g.data) == -1 ||
	    copy_tree(static_dir, p.data) == -1 ||
	    export_proto(c, PROTO_GEMINI, g.data, "index.gmi") == -1 ||
	    export_proto(c, PROTO_GOPHER, p.data, "gophermap") == -1)
		goto done;
	rv = 0;
done:
	buf_free(&g);
	buf_free(&p);
	return rv;
}
