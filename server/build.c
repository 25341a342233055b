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
#include "search.h"
#include "site.h"

/*
 * Each article's bodies are freed once rendered and indexed: see site.h.
 * Documents enter the index in the site's order, which breaks ties.
 */
static int
render(const struct site *site, struct article *articles, struct capsule *c,
    struct search_index *idx)
{
	const struct entry	*page;
	size_t			 i;

	for (i = 0; i < site->narticles; i++) {
		if (site_gemini_article(site, &articles[i], c) == -1 ||
		    site_gopher_article(site, &articles[i], c) == -1)
			return -1;
		/* The article's Gemini page, just added: snippets quote it. */
		page = capsule_at(c, PROTO_GEMINI,
		    capsule_count(c, PROTO_GEMINI) - 1);
		if (search_add_article(idx, &articles[i], page->data,
		    page->len) == -1)
			return -1;
		doc_free_blocks(&articles[i].doc);
	}
	if (site_gemini(site, c) == -1 || site_gopher(site, c) == -1)
		return -1;
	for (i = 0; i < site->dir->nresources; i++)
		if (search_add_resource(idx, &site->dir->resources[i]) == -1)
			return -1;
	return search_finish(idx);
}

struct capsule *
build_capsule(const struct config *cfg, struct build_stats *st)
{
	struct article_opts	 opts;
	struct article		*articles = NULL;
	struct directory	 dir;
	struct capsule		*c = NULL;
	struct search_index	*idx = NULL;
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
	/* The capsule owns the index from the start, on failure too. */
	if ((c = capsule_new()) != NULL && (idx = search_new()) != NULL)
		capsule_set_index(c, idx);
	if (c == NULL || idx == NULL || render(&site, articles, c, idx) == -1) {
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
