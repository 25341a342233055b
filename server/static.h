/*
 * Files under [capsule] static, opened safely: the path is already
 * percent-decoded and free of dot segments; every component is opened with
 * openat(2) and O_NOFOLLOW relative to the static root, so neither ".." nor
 * a symlink can lead outside it.
 */
#ifndef GEMSERV_STATIC_H
#define GEMSERV_STATIC_H

#include <sys/types.h>

#include "serve.h"

struct static_file {
	int	 fd;		/* open for reading, or -1 */
	off_t	 size;
	int	 is_dir;	/* path names a directory (fd is -1) */
	char	 mime[128];	/* libmagic's type, "text/gemini" for .gmi */
};

/*
 * path starts with '/'. Returns 0 and fills out (a regular file or a
 * directory), or -1 with errno ENOENT for anything missing, unreadable,
 * special or outside the root.
 */
int	 static_open(const struct serve_ctx *, const char *path,
	    struct static_file *out);

#endif
