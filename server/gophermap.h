/*
 * Writing gopher menus (RFC 1436): "Xdisplay TAB selector TAB host TAB port
 * CRLF", all four fields on every line, display strings cut to fit 69
 * columns, TAB/CR/LF in fields replaced by spaces.
 */
#ifndef GEMSERV_GOPHERMAP_H
#define GEMSERV_GOPHERMAP_H

#include "buf.h"

#define GOPHER_DISPLAY_MAX	69	/* columns: "under 70" */

struct gophermap {
	struct buf	*out;
	const char	*host;		/* public host */
	int		 port;		/* public port */
};

void	 gophermap_item(struct gophermap *, char type, const char *display,
	    const char *selector);
/* An 'i' line; long text is wrapped over several 'i' lines. */
void	 gophermap_info(struct gophermap *, const char *text);
/* A type-3 line with the same dummy fields as 'i'. */
void	 gophermap_error(struct gophermap *, const char *text);
/* 'h' item with selector "URL:<url>". */
void	 gophermap_url(struct gophermap *, const char *display, const char *url);
/* The closing ".\r\n". */
void	 gophermap_end(struct gophermap *);

#endif
