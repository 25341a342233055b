/*
 * The MIME types libmagic gave static files, remembered per worker. A
 * lookup costs a hash and a compare where libmagic reads and matches up
 * to a megabyte. Entries are keyed by the file's identity and change
 * times, so a file replaced or edited in place is looked at again.
 */
#ifndef GEMSERV_MIMECACHE_H
#define GEMSERV_MIMECACHE_H

#include <sys/stat.h>

#include <stddef.h>

struct mime_cache;

struct mime_cache *mime_cache_new(void);
void	 mime_cache_free(struct mime_cache *);

/* Copies the remembered type of st into mime (size bytes): 1, or 0. */
int	 mime_cache_get(const struct mime_cache *, const struct stat *st,
	    char *mime, size_t size);
/* Remembers mime for st, replacing whatever shared its slot. */
void	 mime_cache_put(struct mime_cache *, const struct stat *st,
	    const char *mime);

#endif
