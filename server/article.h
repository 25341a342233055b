/*
 * Articles: plain source text (plus an optional NAME.meta sidecar) to the
 * document model. Recovers structure, cleans scraper debris without losing
 * words, and repairs bad input with warnings naming file and line.
 */
#ifndef GEMSERV_ARTICLE_H
#define GEMSERV_ARTICLE_H

#include <stddef.h>
#include <time.h>

#include "doc.h"

struct article {
	char		*slug;		/* from the file name: "belonging-heals" */
	char		*source;	/* path of the source file, for messages */
	size_t		 size;		/* bytes of source text read */
	struct doc	 doc;
};

struct article_opts {
	char	**drop_lines;		/* exact lines to drop */
	size_t	  ndrop_lines;
};

/*
 * Parses one article held in memory. name is used in warnings
 * ("name:12: ..."); meta/metalen is the sidecar's text or NULL; mtime
 * dates an article that names no date. Returns 0, or -1 when the article
 * must be skipped (empty, binary, no words), after logging why.
 */
int	 article_parse(const char *name, const char *text, size_t len,
	    const char *meta, size_t metalen, time_t mtime,
	    const struct article_opts *, struct doc *out);

/*
 * Called once per article kept, with its body, as soon as it is parsed:
 * i is its index in the array articles_stream() returns. It may free the
 * body (doc_free_blocks), so that a large capsule never holds every body
 * at once. 0, or -1 to stop the load.
 */
typedef int	(*article_fn)(struct article *, size_t i, void *arg);

/*
 * Loads every *.txt in dir in file-name order, with NAME.meta sidecars,
 * handing each article kept to fn (when not NULL) before reading the next.
 * Bad articles are skipped with a warning; two articles with one slug
 * keep the first by file name (the others are warned about at the end).
 * Returns the articles kept in file-name order, or -1 if the directory
 * cannot be read, memory runs out or fn failed.
 */
int	 articles_stream(const char *dir, const struct article_opts *,
	    article_fn fn, void *arg, struct article **out, size_t *nout);
/* articles_stream() without fn, sorted by articles_sort(). */
int	 articles_load(const char *dir, const struct article_opts *,
	    struct article **out, size_t *nout);
/* Sorts newest first, ties by slug: the capsule's order. */
void	 articles_sort(struct article *, size_t);
/* < 0 when x comes before y in that order, > 0 after, 0 same slug. */
int	 article_newer(const struct article *x, const struct article *y);
void	 articles_free(struct article *, size_t);

/* The slug for a file name ("My Post.txt" -> "my-post"); NULL if empty. */
char	*article_slug(const char *filename);

#endif
