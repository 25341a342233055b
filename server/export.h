/*
 * Exporting the converted capsule as a static tree that any other server
 * can serve: DIR/gemini/ (".gmi" pages, a directory's page as index.gmi)
 * and DIR/gopher/ (texts, a menu's lines as "gophermap"), each with a
 * copy of the static files.
 */
#ifndef GEMSERV_EXPORT_H
#define GEMSERV_EXPORT_H

#include "capsule.h"

/* 0, or -1 after logging the file that could not be written. */
int	 export_capsule(const struct capsule *, const char *static_dir,
	    const char *dir);

#endif
