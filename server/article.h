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
 * Loads every *.txt in dir (sorted by name), with NAME.meta sidecars.
 * Bad articles are skipped with a warning; two articles with one slug
 * keep the first by file name. Returns the articles sorted newest first
 * (ties by slug), or -1 if the directory itself cannot be read.
 */
int	 articles_load(const char *dir, const struct article_opts *,
	    struct article **out, size_t *nout);
void	 articles_free(struct article *, size_t);

/* The slug for a file name ("My Post.txt" -> "my-post"); NULL if empty. */
char	*article_slug(const char *filename);

#endif
