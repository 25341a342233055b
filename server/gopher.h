/* The Gopher protocol: framing a selector line and choosing the response. */
#ifndef GEMSERV_GOPHER_H
#define GEMSERV_GOPHER_H

#include <sys/types.h>
#include <stddef.h>

#include "response.h"
#include "serve.h"

#define GOPHER_SELECTOR_MAX	1024
#define GOPHER_LINE_MAX		4096	/* selector, TAB, search, Gopher+ */

/* Length including CRLF or LF; 0: need more; -1: over GOPHER_LINE_MAX. */
ssize_t	 gopher_frame(const char *buf, size_t len);
/*
 * The item type for a file of MIME type mime ("text/plain" -> '0',
 * "inode/directory" -> '1', unknown or NULL -> '9'); used for static files.
 */
char	 gopher_item_type(const char *mime);
/* Answers one line (len bytes, without its line ending). */
void	 gopher_respond(const struct serve_ctx *, const char *line, size_t len,
	    struct response *out);

#endif
