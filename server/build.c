/*
 * Building the capsule from the config's sources: articles and the
 * resource directory are loaded into the document model, every page is
 * rendered for both protocols, and the result is sealed.
 */
#include <stdlib.h>

#include "article.h"
#include "build.h"
#include "directory.h"
#include "log.h"
#include "site.h"

/* Each article's bodies are freed once rendered: see site.h. */
static int
render(const struct site *site, struct article *articles, struct capsule *c)
{
	size_t	 i;

	for (i = 0; i < site->narticles; i++) {
		if (site_gemini_article(site, &articles[i], c) == -1 ||
		    site_gopher_article(site, &articles[i], c) == -1)
			return -1;
		doc_free_blocks(&articles[i].doc);
	}
	if (site_gemini(site, c) == -1 || site_gopher(site, c) == -1)
		return -1;
	return 0;
}

struct capsule *
build_capsule(const struct config *cfg, struct build_stats *st)
{
	struct article_opts	 opts;
	struct article		*articles = NULL;
	struct directory	 dir;
	struct capsule		*c = NULL;
	struct site		 site;
	size_t			 narticles = 0, i;

	opts.drop_lines = cfg->drop_lines;
	opts.ndrop_lines = cfg->ndrop_lines;
	if (articles_load(cfg->articles, &opts, &articles, &narticles) == -1)
		return NULL;
	if (directory_load(cfg->resources, &dir) == -1) {
		articles_free(articles, narticles);
		return NULL;
	}
	site.cfg = cfg;
	site.articles = articles;
	site.narticles = narticles;
	site.dir = &dir;
	if ((c = capsule_new()) == NULL || render(&site, articles, c) == -1) {
		log_err("building the capsule: out of memory");
		capsule_free(c);
		c = NULL;
		goto done;
	}
	if (capsule_seal(c) == -1) {
		/* Two pages on one path: the page builder has a bug. */
		log_err("building the capsule: two pages share a path");
		capsule_free(c);
		c = NULL;
		goto done;
	}
	if (st != NULL) {
		st->articles = narticles;
		st->source_bytes = 0;
		for (i = 0; i < narticles; i++)
			st->source_bytes += articles[i].size;
		st->resources = dir.nresources;
		st->categories = dir.ncategories;
		st->pages = capsule_count(c, PROTO_GEMINI) +
		    capsule_count(c, PROTO_GOPHER);
		st->bytes = capsule_bytes(c, PROTO_GEMINI) +
		    capsule_bytes(c, PROTO_GOPHER);
	}
done:
	articles_free(articles, narticles);
	directory_free(&dir);
	return c;
}
