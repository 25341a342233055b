/*
 * The in-memory capsule: every converted page, built once at startup and
 * then immutable. Two namespaces: Gemini paths ("/articles/x.gmi") with a
 * MIME type, and gopher selectors ("/articles/x.txt") with an item type.
 * Lookups are binary searches over sorted arrays.
 */
#ifndef GEMSERV_CAPSULE_H
#define GEMSERV_CAPSULE_H

#include <stddef.h>

enum proto { PROTO_GEMINI, PROTO_GOPHER };

struct search_index;

struct entry {
	char	*path;		/* "/", "/articles/", "/articles/x.gmi" */
	char	*mime;		/* Gemini: MIME type; gopher: NULL */
	char	 type;		/* gopher item type ('0', '1'); Gemini: 0 */
	char	*data;
	size_t	 len;
};

struct capsule;

struct capsule	*capsule_new(void);
void		 capsule_free(struct capsule *);
/*
 * Adds a page, taking ownership of data (malloc'd) even on failure.
 * mime is copied. Returns 0, or -1 when out of memory or sealed.
 */
int		 capsule_add(struct capsule *, enum proto, const char *path,
		    const char *mime, char type, char *data, size_t len);
/*
 * Sorts both namespaces; after this only lookups are allowed. Returns -1
 * when a path was added twice (a bug in the page builder).
 */
int		 capsule_seal(struct capsule *);
const struct entry *capsule_find(const struct capsule *, enum proto,
		    const char *path);
size_t		 capsule_count(const struct capsule *, enum proto);
/* Before capsule_seal, entries are in the order they were added. */
const struct entry *capsule_at(const struct capsule *, enum proto, size_t);
size_t		 capsule_bytes(const struct capsule *, enum proto);
/*
 * The search index built with the pages; the capsule owns it from here
 * on (capsule_free frees it). NULL when none was set.
 */
void		 capsule_set_index(struct capsule *, struct search_index *);
const struct search_index *capsule_index(const struct capsule *);

#endif
