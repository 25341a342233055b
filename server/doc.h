/*
 * The document model: what the article parser recovers from plain text and
 * what every renderer reads. Strings are UTF-8, NUL-terminated, owned by the
 * doc and freed by doc_free().
 */
#ifndef GEMSERV_DOC_H
#define GEMSERV_DOC_H

#include <stddef.h>

enum block_type {
	BLOCK_HEADING,		/* a section heading (rendered as ## / underlined) */
	BLOCK_PARAGRAPH,	/* hard-wrapped lines joined with single spaces */
	BLOCK_ITEM,		/* one list item; continuation lines joined */
	BLOCK_QUOTE,		/* quoted text, '>' markers removed, lines joined */
	BLOCK_PRE		/* preformatted: lines kept, separated by '\n' */
};

struct block {
	enum block_type	  type;
	char		 *text;
	char		 *alt;		/* BLOCK_PRE: fence alt text, or NULL */
	int		  number;	/* BLOCK_ITEM: 3 for "3.", 0 for a bullet */
	char		**links;	/* bare URLs found in text, in order */
	size_t		  nlinks;
};

struct doc {
	char		 *title;
	char		  date[11];	/* YYYY-MM-DD, always set */
	char		 *author;	/* NULL when unknown */
	char		**tags;
	size_t		  ntags;
	struct block	 *blocks;
	size_t		  nblocks;
};

/* 1 when a block has something to show (not only white space). */
int	 block_has_text(const struct block *);
void	 doc_free(struct doc *);
/*
 * Frees the body only, keeping title, date, author and tags: once an
 * article's pages are rendered, indexes and feeds need just those.
 */
void	 doc_free_blocks(struct doc *);

#endif
