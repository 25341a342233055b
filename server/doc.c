/* The document model: freeing what the article parser built. */
#include <stdlib.h>
#include <string.h>

#include "doc.h"

int
block_has_text(const struct block *b)
{
	if (b->text == NULL)
		return 0;
	if (b->type == BLOCK_PRE)
		return b->text[0] != '\0';
	return b->text[strspn(b->text, " \t\r\n\v\f")] != '\0';
}

void
doc_free_blocks(struct doc *d)
{
	size_t		 i, j;
	struct block	*b;

	for (i = 0; i < d->nblocks; i++) {
		b = &d->blocks[i];
		free(b->text);
		free(b->alt);
		for (j = 0; j < b->nlinks; j++)
			free(b->links[j]);
		free(b->links);
	}
	free(d->blocks);
	d->blocks = NULL;
	d->nblocks = 0;
}

void
doc_free(struct doc *d)
{
	size_t		 i;

	if (d == NULL)
		return;
	free(d->title);
	free(d->author);
	for (i = 0; i < d->ntags; i++)
		free(d->tags[i]);
	free(d->tags);
	doc_free_blocks(d);
	memset(d, 0, sizeof(*d));
}
