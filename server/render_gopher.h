/*
 * The document model as gopher text (item type 0): wrapped at a width in
 * UTF-8 columns, title and headings underlined, list items with hanging
 * indents, links as numbered footnotes. Lines end in CRLF.
 */
#ifndef GEMSERV_RENDER_GOPHER_H
#define GEMSERV_RENDER_GOPHER_H

#include <stddef.h>

#include "buf.h"
#include "doc.h"

void	 render_gopher(struct buf *, const struct doc *, size_t width);
/*
 * Appends text wrapped at width columns: first line prefixed by first,
 * the rest by rest (a hanging indent). Never splits a UTF-8 character or a
 * word (a URL longer than the width stands alone on its line).
 */
void	 gopher_wrap(struct buf *, const char *text, size_t width,
	    const char *first, const char *rest);

#endif
