/*
 * The pages of the capsule built from articles and the resource directory:
 * home, article index (gemfeed), Atom feed, directory, one page per
 * resource, robots.txt (Gemini) and caps.txt (gopher), in both protocols.
 */
#ifndef GEMSERV_SITE_H
#define GEMSERV_SITE_H

#include <stddef.h>

#include "article.h"
#include "buf.h"
#include "capsule.h"
#include "config.h"
#include "directory.h"
#include "gophermap.h"
#include "search.h"

struct site {
	const struct config	*cfg;
	const struct article	*articles;	/* newest first */
	size_t			 narticles;
	const struct directory	*dir;
};

/*
 * One article's page in each protocol. Called per article before its
 * body is freed, so a large capsule never holds every body and every
 * page at once. 0 or -1 (no memory).
 */
int	 site_gemini_article(const struct site *, const struct article *,
	    struct capsule *);
int	 site_gopher_article(const struct site *, const struct article *,
	    struct capsule *);
/*
 * Every other page: home, indexes, feed, directory and resources. These
 * read only the articles' metadata. 0 or -1 (no memory).
 */
int	 site_gemini(const struct site *, struct capsule *c);
int	 site_gopher(const struct site *, struct capsule *c);
/* Appends the capsule's Gemini base URL: gemini://host[:port]. */
void	 site_base_url(struct buf *, const struct config *);
/* The Atom feed for the Gemini article index. */
char	*site_atom(const struct site *, size_t *lenp);
/* The navigation footer every Gemini page ends with. */
void	 site_gemini_footer(struct buf *);
/*
 * A search result page (site_search.c), built per request: words[0..len)
 * as the reader gave them, st and res from search_run(). st is SEARCH_OK
 * or SEARCH_COMMON (the friendly page for stop words and punctuation).
 */
void	 site_search_gemini(struct buf *, const struct search_index *,
	    const char *words, size_t len, enum search_status st,
	    const struct search_result *res);
void	 site_search_gopher(struct gophermap *, const struct search_index *,
	    const char *words, size_t len, enum search_status st,
	    const struct search_result *res);
/* The gopher menu for an empty search: how to search. */
void	 site_search_gopher_help(struct gophermap *);

#endif
