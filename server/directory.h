/*
 * The curated resource directory: capsule/resources.ini, one section per
 * resource. Loading validates every section; errors name file, section
 * and key.
 */
#ifndef GEMSERV_DIRECTORY_H
#define GEMSERV_DIRECTORY_H

#include <stddef.h>

struct resource {
	char	*id;		/* the section name: "samhsa-helpline" */
	char	*name;
	char	*category;
	char	*description;	/* may be NULL */
	char	*url;		/* http, https, gemini or gopher */
	char	*phone;		/* may be NULL */
	char	*region;	/* may be NULL */
	char	*hours;		/* may be NULL */
};

struct category {
	char		 *name;
	struct resource	**items;	/* pointers into directory.resources */
	size_t		  nitems;
};

struct directory {
	struct resource	*resources;	/* in file order */
	size_t		 nresources;
	struct category	*categories;	/* in order of first appearance */
	size_t		 ncategories;
};

/* 0, or -1 after logging every error found (not just the first). */
int	 directory_load(const char *path, struct directory *out);
void	 directory_free(struct directory *);
/* 1 when url is an absolute http, https, gemini or gopher URL with a host. */
int	 directory_url_valid(const char *url);

#endif
