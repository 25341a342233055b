/* The document model as gemtext: an article's page on Gemini. */
#ifndef GEMSERV_RENDER_GEMTEXT_H
#define GEMSERV_RENDER_GEMTEXT_H

#include "buf.h"
#include "doc.h"

/*
 * Appends the article: "# Title", a date (and author) line, the blocks,
 * link lines after the paragraph that holds each bare URL. No footer:
 * the page builder adds the navigation. Lines end in LF.
 */
void	 render_gemtext(struct buf *, const struct doc *);
/*
 * Appends one text line so that a client shows it as text even when it
 * starts like a link, heading, list item, quote or fence.
 */
void	 gemtext_text_line(struct buf *, const char *text);

#endif
