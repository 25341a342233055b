/*
 * Building the capsule: load articles and the resource directory named by
 * the config, render every page and seal the result. Used at startup, on
 * SIGHUP, by -n (check) and by -x (export).
 */
#ifndef GEMSERV_BUILD_H
#define GEMSERV_BUILD_H

#include <stddef.h>

#include "capsule.h"
#include "config.h"

struct build_stats {
	size_t	 articles;	/* converted */
	size_t	 resources;
	size_t	 categories;
	size_t	 pages;		/* Gemini pages + gopher items */
	size_t	 bytes;		/* of all pages */
	size_t	 source_bytes;
};

/* NULL after logging why (unreadable directory, bad resources.ini). */
struct capsule	*build_capsule(const struct config *, struct build_stats *);

#endif
