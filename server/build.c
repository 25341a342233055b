/*
 * Building the capsule from the config's sources: articles and the
 * resource directory are loaded into the document model, every page is
 * rendered for both protocols, and the result is sealed.
 *
 * Articles stream: each one's pages are rendered as soon as it is parsed
 * and its body is freed, so the peak never holds every body. The search
 * index, though, numbers documents in the capsule's order (newest first,
 * which breaks ties), known only once every article is read. Its input
 * is kept meanwhile at almost no cost: a block's text is nearly always a
 * verbatim run of the article's Gemini page, which the capsule keeps
 * anyway, so a block is kept as an offset and a length into the page
 * (or, the rare time it is not in the page, as a copy), and rebuilt for
 * the index one article at a time.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "buf.h"
#include "build.h"
#include "directory.h"
#include "log.h"
#include "search.h"
#include "site.h"

/* A block as the index will read it again: type, number and text. */
struct piece {
	uint32_t	 off;		/* in the page, or in the copies */
	uint32_t	 len;
	int		 number;
	unsigned char	 type;		/* enum block_type */
	unsigned char	 copied;	/* text in copies, not in the page */
};

/* An article whose pages are built, waiting for its turn in the index. */
struct kept {
	const char	*page;		/* its Gemini page, in the capsule */
	size_t		 pagelen;
	struct piece	*pieces;
	size_t		 npieces;
	char		*copies;	/* texts not in the page, NUL-ended */
};

struct builder {
	struct site	 site;
	struct capsule	*c;
	struct kept	*kept;		/* by the index articles_stream gives */
	size_t		 nkept, cap;
	int		 failed;	/* out of memory in a callback */
};

static void
kept_free(struct kept *k)
{
	free(k->pieces);
	free(k->copies);
	memset(k, 0, sizeof(*k));
}

/*
 * Where text[0..len) is in page at or after from, or NULL. Any run with
 * the same bytes does; the limit keeps a text that is not there (a
 * preformatted block the renderer had to change) from costing a scan of
 * the rest of the page each time.
 */
static const char *
find_text(const char *page, size_t pagelen, size_t from, const char *text,
    size_t len)
{
	const char	*p = page + from, *end;
	int		 tries;

	if (len == 0 || from > pagelen || pagelen - from < len)
		return NULL;
	end = page + pagelen - len + 1;
	for (tries = 0; tries < 64 && p < end; tries++, p++) {
		if ((p = memchr(p, text[0], (size_t)(end - p))) == NULL)
			return NULL;
		if (memcmp(p, text, len) == 0)
			return p;
	}
	return NULL;
}

/* Keeps d's blocks as pieces of page. 0 or -1 (no memory). */
static int
keep_body(struct kept *k, const struct doc *d, const char *page,
    size_t pagelen)
{
	struct buf		 copies;
	const struct block	*b;
	const char		*at;
	struct piece		*pc;
	size_t			 i, len, cur = 0;

	memset(k, 0, sizeof(*k));
	k->page = page;
	k->pagelen = pagelen;
	if (d->nblocks == 0)
		return 0;
	if ((k->pieces = calloc(d->nblocks, sizeof(*k->pieces))) == NULL)
		return -1;
	k->npieces = d->nblocks;
	buf_init(&copies);
	for (i = 0; i < d->nblocks; i++) {
		b = &d->blocks[i];
		pc = &k->pieces[i];
		len = strlen(b->text);
		pc->type = (unsigned char)b->type;
		pc->number = b->number;
		if (len >= UINT32_MAX)
			goto fail;
		pc->len = (uint32_t)len;
		if (pagelen < UINT32_MAX && (at = find_text(page, pagelen, cur,
		    b->text, len)) != NULL) {
			pc->off = (uint32_t)(at - page);
			cur = pc->off + len;
			continue;
		}
		if (copies.len > UINT32_MAX - len - 1)
			goto fail;
		pc->off = (uint32_t)copies.len;
		pc->copied = 1;
		buf_append(&copies, b->text, len + 1);	/* with its NUL */
	}
	if (copies.err || (copies.len > 0 &&
	    (k->copies = buf_steal(&copies, NULL)) == NULL))
		goto fail;
	buf_free(&copies);
	return 0;
fail:
	buf_free(&copies);
	kept_free(k);
	return -1;
}

/*
 * Rebuilds k's blocks into blocks (k->npieces of them), their texts
 * NUL-terminated in texts. Only what the index reads is set: type,
 * number and text. 0 or -1 (no memory).
 */
static int
restore_body(const struct kept *k, struct block *blocks, struct buf *texts)
{
	const struct piece	*pc;
	size_t			*at = NULL, i;

	buf_reset(texts);
	if (k->npieces > 0 &&
	    (at = calloc(k->npieces, sizeof(*at))) == NULL)
		return -1;
	for (i = 0; i < k->npieces; i++) {
		pc = &k->pieces[i];
		at[i] = texts->len;
		buf_append(texts, (pc->copied ? k->copies : k->page) + pc->off,
		    pc->len);
		buf_putc(texts, '\0');
	}
	if (texts->err) {
		free(at);
		return -1;
	}
	/* Pointers only now: the buffer may have moved while it grew. */
	for (i = 0; i < k->npieces; i++) {
		pc = &k->pieces[i];
		memset(&blocks[i], 0, sizeof(blocks[i]));
		blocks[i].type = (enum block_type)pc->type;
		blocks[i].number = pc->number;
		blocks[i].text = texts->data + at[i];
	}
	free(at);
	return 0;
}

/* articles_stream()'s callback: both pages, then the body goes. */
static int
article_built(struct article *a, size_t i, void *arg)
{
	struct builder		*bd = arg;
	const struct entry	*page;
	struct kept		*v;
	size_t			 cap;

	if (i != bd->nkept)		/* articles_stream() counts from 0 */
		goto fail;
	if (bd->nkept == bd->cap) {
		cap = bd->cap ? bd->cap * 2 : 64;
		if ((v = reallocarray(bd->kept, cap, sizeof(*v))) == NULL)
			goto fail;
		bd->kept = v;
		bd->cap = cap;
	}
	if (site_gemini_article(&bd->site, a, bd->c) == -1 ||
	    site_gopher_article(&bd->site, a, bd->c) == -1)
		goto fail;
	/* The article's Gemini page, just added: snippets quote it. */
	page = capsule_at(bd->c, PROTO_GEMINI,
	    capsule_count(bd->c, PROTO_GEMINI) - 1);
	if (keep_body(&bd->kept[bd->nkept], &a->doc, page->data,
	    page->len) == -1)
		goto fail;
	bd->nkept++;
	doc_free_blocks(&a->doc);
	return 0;
fail:
	bd->failed = 1;
	return -1;
}

static int
cmp_newest(const void *a, const void *b)
{
	return article_newer(*(const struct article *const *)a,
	    *(const struct article *const *)b);
}

/*
 * Sorts v (file-name order, bd->kept alongside) newest first into *out,
 * with *order[j] the file-name index of out[j]. v's shell is freed.
 */
static int
sort_articles(struct article *v, size_t n, struct article **out,
    size_t **order)
{
	struct article	**p, *sorted;
	size_t		 *ord, i;

	*out = NULL;
	*order = NULL;
	if (n == 0) {
		free(v);
		return 0;
	}
	p = calloc(n, sizeof(*p));
	sorted = calloc(n, sizeof(*sorted));
	ord = calloc(n, sizeof(*ord));
	if (p == NULL || sorted == NULL || ord == NULL) {
		free(p);
		free(sorted);
		free(ord);
		return -1;
	}
	for (i = 0; i < n; i++)
		p[i] = &v[i];
	/* Slugs are unique by now: the order is total, qsort is enough. */
	qsort(p, n, sizeof(*p), cmp_newest);
	for (i = 0; i < n; i++) {
		sorted[i] = *p[i];
		ord[i] = (size_t)(p[i] - v);
	}
	free(p);
	free(v);
	*out = sorted;
	*order = ord;
	return 0;
}

/*
 * Documents enter the index in the site's order, which breaks ties; then
 * the pages that list articles (metadata only) and the resources.
 */
static int
index_and_list(struct builder *bd, const size_t *order,
    struct search_index *idx)
{
	const struct site	*site = &bd->site;
	struct article		 a;
	struct block		*blocks = NULL, *nb;
	struct buf		 texts;
	struct kept		*k;
	size_t			 i, cap = 0;
	int			 rc = -1;

	buf_init(&texts);
	for (i = 0; i < site->narticles; i++) {
		k = &bd->kept[order[i]];
		if (k->npieces > cap) {
			nb = reallocarray(blocks, k->npieces, sizeof(*nb));
			if (nb == NULL)
				goto out;
			blocks = nb;
			cap = k->npieces;
		}
		if (restore_body(k, blocks, &texts) == -1)
			goto out;
		a = site->articles[i];
		a.doc.blocks = blocks;
		a.doc.nblocks = k->npieces;
		if (search_add_article(idx, &a, k->page, k->pagelen) == -1)
			goto out;
		kept_free(k);
	}
	if (site_gemini(site, bd->c) == -1 || site_gopher(site, bd->c) == -1)
		goto out;
	for (i = 0; i < site->dir->nresources; i++)
		if (search_add_resource(idx, &site->dir->resources[i]) == -1)
			goto out;
	rc = search_finish(idx);
out:
	free(blocks);
	buf_free(&texts);
	return rc;
}

struct capsule *
build_capsule(const struct config *cfg, struct build_stats *st)
{
	struct article_opts	 opts;
	struct article		*loaded = NULL, *articles = NULL;
	struct directory	 dir;
	struct search_index	*idx = NULL;
	struct builder		 bd;
	size_t			 nloaded = 0, *order = NULL, i;
	int			 ok = 0;

	memset(&bd, 0, sizeof(bd));
	memset(&dir, 0, sizeof(dir));
	opts.drop_lines = cfg->drop_lines;
	opts.ndrop_lines = cfg->ndrop_lines;
	bd.site.cfg = cfg;
	bd.site.dir = &dir;	/* article pages do not read it */
	/* The capsule owns the index from the start, on failure too. */
	if ((bd.c = capsule_new()) == NULL || (idx = search_new()) == NULL) {
		log_err("building the capsule: out of memory");
		capsule_free(bd.c);
		return NULL;
	}
	capsule_set_index(bd.c, idx);
	if (articles_stream(cfg->articles, &opts, article_built, &bd, &loaded,
	    &nloaded) == -1) {
		if (bd.failed)
			log_err("building the capsule: out of memory");
		goto done;
	}
	if (directory_load(cfg->resources, &dir) == -1)
		goto done;
	if (sort_articles(loaded, nloaded, &articles, &order) == -1) {
		log_err("building the capsule: out of memory");
		goto done;
	}
	loaded = NULL;
	bd.site.articles = articles;
	bd.site.narticles = nloaded;
	if (index_and_list(&bd, order, idx) == -1) {
		log_err("building the capsule: out of memory");
		goto done;
	}
	if (capsule_seal(bd.c) == -1) {
		/* Two pages on one path: the page builder has a bug. */
		log_err("building the capsule: two pages share a path");
		goto done;
	}
	if (st != NULL) {
		st->articles = nloaded;
		st->source_bytes = 0;
		for (i = 0; i < nloaded; i++)
			st->source_bytes += articles[i].size;
		st->resources = dir.nresources;
		st->categories = dir.ncategories;
		st->pages = capsule_count(bd.c, PROTO_GEMINI) +
		    capsule_count(bd.c, PROTO_GOPHER);
		st->bytes = capsule_bytes(bd.c, PROTO_GEMINI) +
		    capsule_bytes(bd.c, PROTO_GOPHER);
	}
	ok = 1;
done:
	for (i = 0; i < bd.nkept; i++)
		kept_free(&bd.kept[i]);
	free(bd.kept);
	free(order);
	articles_free(loaded, nloaded);
	articles_free(articles, articles != NULL ? nloaded : 0);
	directory_free(&dir);
	if (!ok) {
		capsule_free(bd.c);
		return NULL;
	}
	return bd.c;
}
