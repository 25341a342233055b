/*
 * Full-text search over the articles and the resource directory: an
 * inverted index built once with the capsule, then only queried.
 *
 * Fields: an article's title; its tags and headings; its body. A
 * resource's name; its category and region; its description. Ranking is
 * BM25F (title and name weigh most, body least); equal scores keep the
 * capsule's order (articles newest first, then resources in file order).
 *
 * Query language: every word must match (AND); "quoted words" must match
 * as a phrase; a word ending in * matches any word it begins; a word
 * written with inner punctuation ("self-help", "24/7") is a phrase.
 * Words fold as tokenize.h describes; stop words are not indexed.
 */
#ifndef GEMSERV_SEARCH_H
#define GEMSERV_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define SEARCH_QUERY_MAX	256	/* bytes of search words */
#define SEARCH_HITS_MAX		50	/* hits a result lists */

struct article;
struct resource;
struct search_index;

enum search_kind { SEARCH_ARTICLE, SEARCH_RESOURCE };

enum search_status {
	SEARCH_OK,		/* searched; maybe no hits */
	SEARCH_BLANK,		/* no words at all, only white space */
	SEARCH_COMMON,		/* only stop words or punctuation */
	SEARCH_TOO_LONG,	/* over SEARCH_QUERY_MAX bytes */
	SEARCH_BAD_UTF8,
	SEARCH_NOMEM
};

struct search_hit {
	uint32_t	 doc;
	float		 score;
	uint32_t	 first;		/* first match in the stored text */
};

struct search_result {
	size_t			 total;		/* documents that matched */
	size_t			 nhits;		/* <= SEARCH_HITS_MAX */
	struct search_hit	 hits[SEARCH_HITS_MAX];	/* best first */
};

struct search_doc {
	enum search_kind	 kind;
	const char		*key;	/* article slug or resource id */
	const char		*title;	/* title or name */
	const char		*meta;	/* date, or "category, region" */
};

struct search_index	*search_new(void);
void			 search_free(struct search_index *);
/*
 * Adds a document; an article must still have its blocks. page is the
 * article's Gemini page (render_gemtext), which snippets quote: it must
 * outlive the index (the capsule holds both), or be NULL for no
 * snippets. Documents are numbered in the order added, which breaks
 * ties. 0, or -1 when out of memory (or past 4 GB).
 */
int	 search_add_article(struct search_index *, const struct article *,
	    const char *page, size_t pagelen);
int	 search_add_resource(struct search_index *, const struct resource *);
/* Computes the weights; after this only queries. 0 or -1 (no memory). */
int	 search_finish(struct search_index *);

/*
 * Runs the query q[0..len) (UTF-8, raw words, no escapes). Takes time
 * linear in the postings of the query's words, never more than linear in
 * the index. Returns SEARCH_OK with res filled, or why it did not search.
 */
enum search_status search_run(const struct search_index *, const char *q,
	    size_t len, struct search_result *res);
/* What to show for a hit's document. */
void	 search_doc(const struct search_index *, uint32_t doc,
	    struct search_doc *);
/*
 * Appends a short plain-text snippet of the hit's document around its
 * first match (or its opening words when only the title matched), with
 * "..." where it was cut; nothing when the document has no stored text.
 */
void	 search_snippet(const struct search_index *, const struct search_hit *,
	    struct buf *);

/* Sizes, for -n and the benchmark. */
size_t	 search_ndocs(const struct search_index *);
size_t	 search_nterms(const struct search_index *);
size_t	 search_memory(const struct search_index *);

#endif
