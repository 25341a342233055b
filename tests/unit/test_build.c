/*
 * Tests for build.c: the capsule built as articles stream (pages rendered
 * and bodies freed one at a time, the index fed afterwards from slices of
 * the pages) equals the capsule built the simple way, with every body in
 * memory and each article rendered and indexed in the capsule's order:
 * the same pages, byte for byte, and the same answers to searches.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "article.h"
#include "buf.h"
#include "build.h"
#include "capsule.h"
#include "config.h"
#include "directory.h"
#include "search.h"
#include "site.h"
#include "testutil.h"

/* Articles that take every path: pre blocks the page changes, lines that
 * need a leading space, empty blocks, ties, duplicates, no body at all. */
static const char *const articles[][2] = {
	{ "a.txt", "Title: Alpha\nDate: 2024-05-01\nTags: peer, help\n\n"
	    "Alpha\n\nPeer support helps. Recovery is a journey.\n\n"
	    "Heading Here\n\n- one item\n- two items\n\n> quoted words\n\n"
	    "See https://example.org/x for more.\n" },
	{ "b.txt", "Title: Beta\nDate: 2024-05-01\n\n"
	    "```sh\nline one\n```not a fence\n   ```\n```\n\n"
	    "* star text\n\n#hash text here\n\n=> arrow text\n\n"
	    "```\n```\n\nPeer group again.\n" },
	{ "c.txt", "Title: Gamma\nDate: 2023-01-01\n\n"
	    "    indented pre\n    ```inner\n\nAfter the code, peer words.\n" },
	{ "H.txt", "Title: Eta\nDate: 2025-01-01\n\nA slug taken first.\n" },
	{ "h.txt", "Title: Eta two\nDate: 2025-01-01\n\nDuplicate slug.\n" },
	{ "d.txt", "Title: Delta words only\nDate: 2022-02-02\n" },
	{ "e.txt", "Date: 2024-05-01\n\nEpsilon\n\nEpsilon peer "
	    "\xc3\xa9t\xc3\xa9 caf\xc3\xa9 na\xc3\xafve.\n\n"
	    "1. first step\n2. second step\n" },
	{ "f.txt", "Title: Phi\nDate: 2024-05-01\n\n"
	    "```\n```\n```\n\ntext after peer\n" },
};

static const char resources[] =
    "[peer-line]\nname = Peer Line\ncategory = Crisis lines\n"
    "description = Peer support by phone, day and night.\n"
    "url = https://example.org/\nregion = Somewhere\n"
    "[help-group]\nname = Help Group\ncategory = Groups\n"
    "url = https://example.net/\n";

static const char *const queries[] = {
	"peer", "recovery", "alpha", "fence", "line", "text", "star",
	"hash", "arrow", "indented", "inner", "cafe", "ete", "step",
	"\"peer support\"", "pe*", "help", "delta", "words", "gamma",
	"example", "journey",
};

/* The capsule built the simple way, as build.c did before streaming. */
static struct capsule *
build_simple(const struct config *cfg)
{
	struct article_opts	 opts;
	struct article		*v;
	struct directory	 dir;
	struct capsule		*c;
	struct search_index	*x;
	struct site		 site;
	const struct entry	*page;
	size_t			 n, i;

	opts.drop_lines = cfg->drop_lines;
	opts.ndrop_lines = cfg->ndrop_lines;
	assert_int_equal(articles_load(cfg->articles, &opts, &v, &n), 0);
	assert_int_equal(directory_load(cfg->resources, &dir), 0);
	assert_non_null(c = capsule_new());
	assert_non_null(x = search_new());
	capsule_set_index(c, x);
	site.cfg = cfg;
	site.articles = v;
	site.narticles = n;
	site.dir = &dir;
	for (i = 0; i < n; i++) {
		assert_int_equal(site_gemini_article(&site, &v[i], c), 0);
		assert_int_equal(site_gopher_article(&site, &v[i], c), 0);
		page = capsule_at(c, PROTO_GEMINI,
		    capsule_count(c, PROTO_GEMINI) - 1);
		assert_int_equal(search_add_article(x, &v[i], page->data,
		    page->len), 0);
		doc_free_blocks(&v[i].doc);
	}
	assert_int_equal(site_gemini(&site, c), 0);
	assert_int_equal(site_gopher(&site, c), 0);
	for (i = 0; i < dir.nresources; i++)
		assert_int_equal(search_add_resource(x, &dir.resources[i]), 0);
	assert_int_equal(search_finish(x), 0);
	assert_int_equal(capsule_seal(c), 0);
	articles_free(v, n);
	directory_free(&dir);
	return c;
}

static void
same_pages(const struct capsule *a, const struct capsule *b, enum proto p)
{
	const struct entry	*x, *y;
	size_t			 i;

	assert_int_equal(capsule_count(a, p), capsule_count(b, p));
	for (i = 0; i < capsule_count(a, p); i++) {
		x = capsule_at(a, p, i);
		assert_non_null(y = capsule_find(b, p, x->path));
		assert_int_equal(x->len, y->len);
		assert_memory_equal(x->data, y->data, x->len);
	}
}

static void
same_search(const struct search_index *a, const struct search_index *b)
{
	struct search_result	 ra, rb;
	struct search_doc	 da, db;
	struct buf		 sa, sb;
	size_t			 q, i;

	assert_int_equal(search_ndocs(a), search_ndocs(b));
	assert_int_equal(search_nterms(a), search_nterms(b));
	for (q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
		assert_int_equal(search_run(a, queries[q], strlen(queries[q]),
		    &ra), search_run(b, queries[q], strlen(queries[q]), &rb));
		assert_int_equal(ra.total, rb.total);
		assert_int_equal(ra.nhits, rb.nhits);
		for (i = 0; i < ra.nhits; i++) {
			assert_int_equal(ra.hits[i].doc, rb.hits[i].doc);
			assert_true(ra.hits[i].score == rb.hits[i].score);
			assert_int_equal(ra.hits[i].first, rb.hits[i].first);
			search_doc(a, ra.hits[i].doc, &da);
			search_doc(b, rb.hits[i].doc, &db);
			assert_string_equal(da.key, db.key);
			buf_init(&sa);
			buf_init(&sb);
			search_snippet(a, &ra.hits[i], &sa);
			search_snippet(b, &rb.hits[i], &sb);
			assert_string_equal(buf_str(&sa), buf_str(&sb));
			buf_free(&sa);
			buf_free(&sb);
		}
	}
}

static void
test_streamed_equals_simple(void **state)
{
	struct config		*cfg;
	struct capsule		*built, *simple;
	struct build_stats	 st;
	struct tu_capture	 cap;
	char			*dir, *ini, *log;
	size_t			 i;

	(void)state;
	assert_non_null(dir = tu_tmpdir());
	for (i = 0; i < sizeof(articles) / sizeof(articles[0]); i++) {
		assert_non_null(ini = tu_path("articles", articles[i][0]));
		assert_int_equal(tu_write(dir, ini, articles[i][1]), 0);
		free(ini);
	}
	assert_int_equal(tu_write(dir, "resources.ini", resources), 0);
	assert_int_equal(tu_mkdir(dir, "static"), 0);
	assert_int_equal(tu_write(dir, "gemserv.ini", "[gopher]\nwidth = 30\n"
	    "[capsule]\narticles = articles\nresources = resources.ini\n"
	    "static = static\n"), 0);
	assert_non_null(ini = tu_path(dir, "gemserv.ini"));
	assert_int_equal(tu_capture_begin(&cap), 0);
	assert_non_null(cfg = config_load(ini));
	built = build_capsule(cfg, &st);
	simple = build_simple(cfg);
	log = tu_capture_end(&cap);
	assert_non_null(log);
	assert_non_null(built);
	/* The duplicate is warned about (twice: built twice). */
	assert_non_null(strstr(log, "already taken by"));
	assert_int_equal(st.articles, 7);
	same_pages(built, simple, PROTO_GEMINI);
	same_pages(built, simple, PROTO_GOPHER);
	same_search(capsule_index(built), capsule_index(simple));
	capsule_free(built);
	capsule_free(simple);
	config_free(cfg);
	free(log);
	free(ini);
	assert_int_equal(tu_rmtree(dir), 0);
	free(dir);
}

/* No articles at all: the capsule still builds, with the resources. */
static void
test_no_articles(void **state)
{
	struct config		*cfg;
	struct capsule		*c;
	struct build_stats	 st;
	char			*dir, *ini;

	(void)state;
	assert_non_null(dir = tu_tmpdir());
	assert_int_equal(tu_mkdir(dir, "articles"), 0);
	assert_int_equal(tu_write(dir, "resources.ini", resources), 0);
	assert_int_equal(tu_mkdir(dir, "static"), 0);
	assert_int_equal(tu_write(dir, "gemserv.ini", "[capsule]\n"
	    "articles = articles\nresources = resources.ini\n"
	    "static = static\n"), 0);
	assert_non_null(ini = tu_path(dir, "gemserv.ini"));
	assert_non_null(cfg = config_load(ini));
	assert_non_null(c = build_capsule(cfg, &st));
	assert_int_equal(st.articles, 0);
	assert_int_equal(st.resources, 2);
	assert_int_equal(search_ndocs(capsule_index(c)), 2);
	capsule_free(c);
	config_free(cfg);
	free(ini);
	assert_int_equal(tu_rmtree(dir), 0);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_streamed_equals_simple),
		cmocka_unit_test(test_no_articles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
