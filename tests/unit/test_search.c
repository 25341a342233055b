/*
 * Tests for search.c: ranking order on a small fixed corpus, phrases,
 * prefixes, stop words, folding, punctuation, ties, limits, snippets,
 * and the /search answers of both protocols over that index; then
 * corpora built to take each way phrases and prefixes are evaluated.
 */
#include <magic.h>
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
#include "capsule.h"
#include "config.h"
#include "directory.h"
#include "gemini.h"
#include "gopher.h"
#include "render_gemtext.h"
#include "response.h"
#include "search.h"
#include "serve.h"

#define MAXDOCS	80

struct fix {
	struct search_index	*x;
	struct buf		 pages[MAXDOCS];	/* outlive the index */
	size_t			 npages;
};

/* Parses and indexes one article, with its Gemini page for snippets. */
static void
article(struct fix *f, const char *slug, const char *text)
{
	struct article		 a;
	struct article_opts	 opts;
	struct buf		*page = &f->pages[f->npages++];

	assert_true(f->npages <= MAXDOCS);
	memset(&opts, 0, sizeof(opts));
	memset(&a, 0, sizeof(a));
	a.slug = (char *)slug;
	assert_int_equal(article_parse(slug, text, strlen(text), NULL, 0, 0,
	    &opts, &a.doc), 0);
	buf_init(page);
	render_gemtext(page, &a.doc);
	assert_false(page->err);
	assert_int_equal(search_add_article(f->x, &a, page->data, page->len),
	    0);
	doc_free(&a.doc);
}

static void
resource(struct fix *f, const char *id, const char *name, const char *cat,
    const char *desc, const char *region)
{
	struct resource	 r;

	memset(&r, 0, sizeof(r));
	r.id = (char *)id;
	r.name = (char *)name;
	r.category = (char *)cat;
	r.description = (char *)desc;
	r.region = (char *)region;
	r.url = (char *)"https://example.org/";
	assert_int_equal(search_add_resource(f->x, &r), 0);
}

/*
 * The fixed corpus, in the order the capsule adds it (articles newest
 * first, then resources): documents 0..6.
 */
static int
setup(void **state)
{
	struct fix	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->x = search_new()) == NULL)
		return -1;
	*state = f;
	/* 0: peer in title, tags and body. */
	article(f, "peer-groups", "Title: Peer Support Groups\n"
	    "Date: 2025-03-01\nTags: peer support\n\n"
	    "Meeting others who understand helps. A peer group offers "
	    "support every week.\n");
	/* 1: "peer support" as a phrase, in the body only. */
	article(f, "families", "Title: Families in Recovery\n"
	    "Date: 2025-02-01\n\n"
	    "Peer support for families is rare.\n\n"
	    "Groups for parents\n\n"
	    "Support groups for parents exist in many towns, and the "
	    "self-help books in the library are a good start.\n");
	/* 2: the words apart, across two blocks, accents. */
	article(f, "cafe", "Title: Sober Caf\xc3\xa9 Nights\n"
	    "Date: 2025-01-01\n\n"
	    "The CAF\xc3\x89 opens at night for every peer\n\n"
	    "Support is there. Co\xc3\xb6perate with the staff; self help "
	    "is welcome.\n");
	/* 3 and 4: the same text, for a tie. */
	article(f, "twin-a", "Title: Twin\nDate: 2024-01-01\n\n"
	    "Recovering together, one day at a time.\n");
	article(f, "twin-b", "Title: Twin\nDate: 2024-01-01\n\n"
	    "Recovering together, one day at a time.\n");
	/* 5 and 6: resources. */
	resource(f, "peer-line", "Peer Recovery Line", "Crisis lines",
	    "Call for peer support any time of day.", "Canada");
	resource(f, "locator", "Treatment Locator", "Treatment locators",
	    "Find treatment and recovery services near you.", NULL);
	assert_int_equal(search_finish(f->x), 0);
	return 0;
}

static int
teardown(void **state)
{
	struct fix	*f = *state;
	size_t		 i;

	search_free(f->x);
	for (i = 0; i < f->npages; i++)
		buf_free(&f->pages[i]);
	free(f);
	return 0;
}

/* Runs q and checks the documents listed, best first, and the total. */
static void
order(struct fix *f, const char *q, const char *want)
{
	struct search_result	 res;
	struct search_doc	 d;
	char			 got[512];
	size_t			 i, n = 0;

	assert_int_equal(search_run(f->x, q, strlen(q), &res), SEARCH_OK);
	got[0] = '\0';
	for (i = 0; i < res.nhits; i++) {
		search_doc(f->x, res.hits[i].doc, &d);
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s",
		    i > 0 ? " " : "", d.key);
		assert_true(n < sizeof(got));
		/* Best first: scores never rise. */
		if (i > 0)
			assert_true(res.hits[i - 1].score >= res.hits[i].score);
	}
	assert_int_equal(res.total, res.nhits);
	print_message("%s -> %s\n", q, got);
	assert_string_equal(got, want);
}

static void
test_ranking(void **state)
{
	struct fix	*f = *state;

	/*
	 * Title (and name) outrank body text; between two body matches
	 * the shorter document wins (BM25's length normalisation).
	 */
	order(f, "peer", "peer-groups peer-line cafe families");
	order(f, "recovery", "families peer-line locator");
	order(f, "treatment", "locator");
	/* Every word must match. */
	order(f, "peer parents", "families");
	order(f, "peer staff", "cafe");
	order(f, "peer nosuchword", "");
	order(f, "nosuchword", "");
}

static void
test_phrases(void **state)
{
	struct fix	*f = *state;

	order(f, "peer support", "peer-groups peer-line cafe families");
	/* Adjacent only; not across the blocks of "cafe". */
	order(f, "\"peer support\"", "peer-groups peer-line families");
	order(f, "\"support peer\"", "");
	/* Stop words keep their place: "one day at a time". */
	order(f, "\"one day at a time\"", "twin-a twin-b");
	order(f, "\"one day a at time\"", "twin-a twin-b");
	order(f, "\"one day time\"", "");
	/* An unclosed quote runs to the end. */
	order(f, "\"peer support", "peer-groups peer-line families");
	/* Inner punctuation makes a phrase; any punctuation matches. */
	order(f, "self-help", "cafe families");
	order(f, "self\xe2\x80\x94help", "cafe families");
	order(f, "\"help self\"", "");
}

static void
test_prefix(void **state)
{
	struct fix	*f = *state;

	/* Title and name matches first, whichever word matched. */
	order(f, "recover*", "families peer-line twin-a twin-b locator");
	order(f, "recov*", "families peer-line twin-a twin-b locator");
	order(f, "recovering*", "twin-a twin-b");
	order(f, "gro*", "peer-groups families");
	order(f, "zzz*", "");
	/* A prefix may be a stop word: "to" is one, "together" is not. */
	order(f, "to*", "twin-a twin-b families");
	order(f, "tr*", "locator");
	/* Only a word's end makes a prefix; '*' elsewhere is punctuation. */
	order(f, "*peer", "peer-groups peer-line cafe families");
	order(f, "\"recover*\"", "");
}

static void
test_folding(void **state)
{
	struct fix	*f = *state;

	order(f, "cafe", "cafe");
	order(f, "CAF\xc3\x89", "cafe");
	order(f, "caf\xc3\xa9", "cafe");
	order(f, "Cafe\xcc\x81", "cafe");
	order(f, "cooperate", "cafe");
	order(f, "PEER", "peer-groups peer-line cafe families");
}

static void
test_ties(void **state)
{
	struct fix		*f = *state;
	struct search_result	 res;

	/* Equal scores keep the order the documents were added in. */
	order(f, "together", "twin-a twin-b");
	assert_int_equal(search_run(f->x, "together", 8, &res), SEARCH_OK);
	assert_true(res.hits[0].score == res.hits[1].score);
	order(f, "twin", "twin-a twin-b");
}

static void
test_not_searched(void **state)
{
	struct fix		*f = *state;
	struct search_result	 res;
	char			 q[SEARCH_QUERY_MAX + 2];
	size_t			 i;

	assert_int_equal(search_run(f->x, "", 0, &res), SEARCH_BLANK);
	assert_int_equal(search_run(f->x, " \t\r\n", 4, &res), SEARCH_BLANK);
	assert_int_equal(search_run(f->x, "the and of", 10, &res),
	    SEARCH_COMMON);
	assert_int_equal(search_run(f->x, "\"a\" , ! *", 9, &res),
	    SEARCH_COMMON);
	assert_int_equal(search_run(f->x, "\xe2\x80\x94", 3, &res),
	    SEARCH_COMMON);
	assert_int_equal(res.total, 0);
	assert_int_equal(search_run(f->x, "ab\xff", 3, &res),
	    SEARCH_BAD_UTF8);
	/* 256 bytes are searched, 257 are too long. */
	memset(q, 'x', sizeof(q));
	q[0] = 'p';
	assert_int_equal(search_run(f->x, q, SEARCH_QUERY_MAX, &res),
	    SEARCH_OK);
	assert_int_equal(search_run(f->x, q, SEARCH_QUERY_MAX + 1, &res),
	    SEARCH_TOO_LONG);
	/* The most words a query can hold: 128 one-letter words. */
	for (i = 0; i < SEARCH_QUERY_MAX; i += 2) {
		q[i] = 'b';
		q[i + 1] = ' ';
	}
	assert_int_equal(search_run(f->x, q, SEARCH_QUERY_MAX, &res),
	    SEARCH_OK);
	assert_int_equal(res.total, 0);
	for (i = 0; i < SEARCH_QUERY_MAX; i += 2)
		q[i + 1] = '-';
	assert_int_equal(search_run(f->x, q, SEARCH_QUERY_MAX, &res),
	    SEARCH_OK);
}

static void
snippet(struct fix *f, const char *q, size_t hit, const char *want)
{
	struct search_result	 res;
	struct buf		 b;

	assert_int_equal(search_run(f->x, q, strlen(q), &res), SEARCH_OK);
	assert_true(hit < res.nhits);
	buf_init(&b);
	search_snippet(f->x, &res.hits[hit], &b);
	assert_false(b.err);
	assert_string_equal(buf_str(&b), want);
	buf_free(&b);
}

static void
test_snippets(void **state)
{
	struct fix	*f = *state;

	/* The first match in the body, its block only. */
	snippet(f, "parents", 0, "Groups for parents");
	snippet(f, "staff", 0, "Support is there. Co\xc3\xb6perate with the "
	    "staff; self help is welcome.");
	/* A title-only match shows the opening words. */
	snippet(f, "nights", 0, "The CAF\xc3\x89 opens at night for every "
	    "peer");
	/* Resources quote their description. */
	snippet(f, "canada", 0, "Call for peer support any time of day.");
	snippet(f, "twin", 1, "Recovering together, one day at a time.");
}

static void
test_long_snippet(void **state)
{
	struct fix		*f;
	struct buf		 text, b;
	struct search_result	 res;
	size_t			 i;

	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->x = search_new()) == NULL)
		fail();
	buf_init(&text);
	buf_puts(&text, "Title: Long\nDate: 2025-01-01\n\n");
	for (i = 0; i < 40; i++)
		buf_printf(&text, "word%zu ", i);
	buf_puts(&text, "needle");
	for (i = 40; i < 80; i++)
		buf_printf(&text, " word%zu", i);
	buf_puts(&text, ".\n");
	article(f, "long", buf_str(&text));
	assert_int_equal(search_finish(f->x), 0);
	assert_int_equal(search_run(f->x, "needle", 6, &res), SEARCH_OK);
	assert_int_equal(res.total, 1);
	buf_init(&b);
	search_snippet(f->x, &res.hits[0], &b);
	/* Cut at words on both sides, with "..." where it was cut. */
	assert_string_equal(buf_str(&b), "...word32 word33 word34 word35 "
	    "word36 word37 word38 word39 needle word40 word41 word42 word43 "
	    "word44 word45 word46 word47 word48 word49 word50 word51 word52 "
	    "word53...");
	buf_free(&b);
	buf_free(&text);
	teardown((void **)&f);
}

static void
test_many_hits(void **state)
{
	struct fix		*f;
	struct search_result	 res;
	char			 slug[16];
	size_t			 i;

	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->x = search_new()) == NULL)
		fail();
	for (i = 0; i < 60; i++) {
		(void)snprintf(slug, sizeof(slug), "a%02zu", i);
		article(f, slug, i == 42 ? "Title: Hope\n\nhope hope" :
		    "Title: Day\n\nhope");
	}
	assert_int_equal(search_finish(f->x), 0);
	assert_int_equal(search_run(f->x, "hope", 4, &res), SEARCH_OK);
	assert_int_equal(res.total, 60);
	assert_int_equal(res.nhits, SEARCH_HITS_MAX);
	/* The title match first, then the rest in capsule order. */
	assert_int_equal(res.hits[0].doc, 42);
	for (i = 1; i < res.nhits; i++)
		assert_int_equal(res.hits[i].doc, i - 1 < 42 ? i - 1 : i);
	assert_true(search_ndocs(f->x) == 60 && search_nterms(f->x) == 2);
	assert_true(search_memory(f->x) > 0);
	teardown((void **)&f);
}

/* --- each way of evaluating a unit --------------------------------- */

/* A fresh index, for a test's own corpus. */
static struct fix *
fix_new(void)
{
	struct fix	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->x = search_new()) == NULL)
		fail();
	return f;
}

/* An article titled title: n copies of word, then tail. */
static void
article_of(struct fix *f, const char *slug, const char *title,
    const char *word, size_t n, const char *tail)
{
	struct buf	 text;
	size_t		 i;

	buf_init(&text);
	buf_printf(&text, "Title: %s\nDate: 2025-01-01\n\n", title);
	for (i = 0; i < n; i++)
		buf_printf(&text, "%s%s", i > 0 ? " " : "", word);
	buf_printf(&text, "%s%s\n", n > 0 ? " " : "", tail);
	assert_false(text.err);
	article(f, slug, buf_str(&text));
	buf_free(&text);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Runs q and checks which documents match: want in key order. */
static void
found(struct fix *f, const char *q, const char *want)
{
	struct search_result	 res;
	struct search_doc	 d;
	const char		*keys[SEARCH_HITS_MAX];
	char			 got[512];
	size_t			 i, n = 0;

	assert_int_equal(search_run(f->x, q, strlen(q), &res), SEARCH_OK);
	assert_int_equal(res.total, res.nhits);
	for (i = 0; i < res.nhits; i++) {
		search_doc(f->x, res.hits[i].doc, &d);
		keys[i] = d.key;
	}
	qsort(keys, res.nhits, sizeof(keys[0]), str_cmp);
	got[0] = '\0';
	for (i = 0; i < res.nhits; i++) {
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s",
		    i > 0 ? " " : "", keys[i]);
		assert_true(n < sizeof(got));
	}
	print_message("%s -> %s\n", q, got);
	assert_string_equal(got, want);
}

static void
test_phrase_some_docs(void **state)
{
	struct fix	*f = fix_new();
	char		 slug[16];
	size_t		 i;

	/*
	 * Both words in every document, next to each other in a few
	 * (a paragraph break is no neighbour): only those match,
	 * whichever word is the rarer there.
	 */
	for (i = 0; i < 40; i++) {
		(void)snprintf(slug, sizeof(slug), "d%02zu", i);
		if (i % 10 == 3)
			article_of(f, slug, "Notes", "support", i,
			    "\n\npeer support here.");
		else
			article_of(f, slug, "Notes", "peer", i,
			    "\n\nsupport and peer apart.");
	}
	assert_int_equal(search_finish(f->x), 0);
	found(f, "\"peer support\"", "d03 d13 d23 d33");
	found(f, "\"support peer\"", "");
	/* A phrase after a rarer word keeps only its candidates. */
	found(f, "here \"peer support\"", "d03 d13 d23 d33");
	found(f, "\"peer support\" here", "d03 d13 d23 d33");
	found(f, "apart \"peer support\"", "");
	found(f, "\"support peer\" \"peer apart\"", "");
	teardown((void **)&f);
}

static void
test_phrase_rare_common(void **state)
{
	struct fix	*f = fix_new();

	/*
	 * One rare word among hundreds of a common one: its position is
	 * looked up among theirs, which are not read through. On either
	 * side of them, or not next to them.
	 */
	article_of(f, "late", "Late", "hope", 300, "naloxone");
	article_of(f, "early", "Early", "", 0, "naloxone hope");
	article_of(f, "first", "First", "hope", 300, "");
	article_of(f, "apart", "Apart", "hope", 300, "filler naloxone");
	article_of(f, "inside", "Inside", "hope", 150,
	    "naloxone hope hope hope");
	assert_int_equal(search_finish(f->x), 0);
	found(f, "\"hope naloxone\"", "inside late");
	found(f, "\"naloxone hope\"", "early inside");
	found(f, "\"hope hope naloxone\"", "inside late");
	found(f, "\"naloxone hope hope hope\"", "inside");
	found(f, "\"naloxone hope hope hope hope\"", "");
	found(f, "\"hope filler naloxone\"", "apart");
	found(f, "\"filler hope\"", "");
	teardown((void **)&f);
}

static void
test_phrase_repeated(void **state)
{
	struct fix	*f = fix_new();

	article(f, "two", "Title: Two\n\nsupport support group.\n");
	article(f, "three", "Title: Three\n\nsupport support support.\n");
	article(f, "apart", "Title: Apart\n\nsupport group support.\n");
	assert_int_equal(search_finish(f->x), 0);
	/* The same word twice: at two places, one right after the other. */
	found(f, "\"support support\"", "three two");
	found(f, "\"support support support\"", "three");
	found(f, "\"support support group\"", "two");
	found(f, "\"support group support\"", "apart");
	found(f, "support-support-support-support", "");
	teardown((void **)&f);
}

static void
test_phrase_blocks(void **state)
{
	struct fix	*f = fix_new();

	/* A heading is a block of its own: no phrase runs into or out of it. */
	article(f, "heading", "Title: Heading\n\nPeer\n\n"
	    "Support groups meet weekly.\n");
	article(f, "inside", "Title: Inside\n\nPeer support\n\n"
	    "Groups meet weekly.\n");
	article(f, "title", "Title: Weekly peer\n\nSupport groups.\n");
	assert_int_equal(search_finish(f->x), 0);
	found(f, "\"peer support\"", "inside");
	found(f, "\"support groups\"", "heading title");
	found(f, "\"peer support groups\"", "");
	found(f, "\"weekly peer\"", "title");
	found(f, "\"weekly peer support\"", "");
	teardown((void **)&f);
}

static void
test_phrase_long(void **state)
{
	struct fix	*f = fix_new();
	struct buf	 text;
	size_t		 i;

	/*
	 * A document past 4096 and 16384 positions: wider packed numbers,
	 * deltas of three bytes while building, and starts 4096 apart,
	 * which share a bit of phrase_in()'s filter without matching.
	 */
	buf_init(&text);
	buf_puts(&text, "Title: Long\nDate: 2025-01-01\n\nalpha");
	for (i = 0; i < 4096; i++)
		buf_puts(&text, " filler");
	buf_puts(&text, " beta");
	for (i = 0; i < 20000; i++)
		buf_puts(&text, " filler");
	buf_puts(&text, " alpha gamma delta alpha filler beta.\n");
	assert_false(text.err);
	article(f, "long", buf_str(&text));
	article(f, "short", "Title: Short\n\nalpha beta gamma delta.\n");
	assert_int_equal(search_finish(f->x), 0);
	found(f, "\"alpha beta\"", "short");
	found(f, "\"filler beta\"", "long");
	found(f, "\"gamma delta\"", "long short");
	found(f, "\"delta alpha filler beta\"", "long");
	found(f, "\"alpha filler filler\"", "long");
	found(f, "\"beta alpha\"", "");
	buf_free(&text);
	teardown((void **)&f);
}

static void
test_prefix_merge(void **state)
{
	struct fix	*f = fix_new();
	char		 slug[16];
	size_t		 i;

	/*
	 * A prefix with few postings among many documents is merged
	 * word by word (a heap); one with many, slot by slot. Either way
	 * a document counts its best word once, and a title match wins.
	 */
	for (i = 0; i < 20; i++) {
		(void)snprintf(slug, sizeof(slug), "d%02zu", i);
		if (i == 5)
			article(f, slug, "Title: Zebra\n\nzebras graze here "
			    "with others of their kind.\n");
		else if (i == 9)
			article(f, slug, "Title: Plains\n\nzebras graze.\n");
		else if (i == 14)
			article(f, slug, "Title: Fish\n\nzebrafish swim "
			    "in tanks with other small fish.\n");
		else
			article(f, slug, "Title: Other\n\nnothing striped "
			    "here.\n");
	}
	assert_int_equal(search_finish(f->x), 0);
	order(f, "zebr*", "d05 d09 d14");
	order(f, "graze zebr*", "d05 d09");
	order(f, "zebr* graze", "d05 d09");
	order(f, "\"zebras graze\" zebr*", "d09 d05");
	found(f, "zebr* here", "d05");
	found(f, "noth*", "d00 d01 d02 d03 d04 d06 d07 d08 d10 d11 d12 d13 "
	    "d15 d16 d17 d18 d19");
	found(f, "zebr* noth*", "");
	found(f, "noth* her*", "d00 d01 d02 d03 d04 d06 d07 d08 d10 d11 d12 "
	    "d13 d15 d16 d17 d18 d19");
	teardown((void **)&f);
}

/* --- the protocols over this index ------------------------------------ */

struct pfix {
	struct config		 cfg;
	struct capsule		*c;
	struct serve_ctx	 ctx;
	struct response		 r;
};

static struct pfix *
proto_new(struct fix *f)
{
	struct pfix	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->c = capsule_new()) == NULL)
		fail();
	p->cfg.hostname = "localhost";
	p->cfg.lang = "en";
	p->cfg.gopher_port = 70;
	/* The capsule owns the index now. */
	capsule_set_index(p->c, f->x);
	f->x = NULL;
	assert_int_equal(capsule_seal(p->c), 0);
	p->ctx.cfg = &p->cfg;
	p->ctx.capsule = p->c;
	p->ctx.static_fd = -1;
	response_init(&p->r);
	return p;
}

static void
proto_free(struct pfix *p)
{
	response_free(&p->r);
	capsule_free(p->c);
	free(p);
}

static const char *
gem(struct pfix *p, const char *url)
{
	static char	 out[8192];

	response_free(&p->r);
	gemini_respond(&p->ctx, url, strlen(url), 1965, NULL, &p->r);
	assert_true(p->r.head.len + p->r.bodylen < sizeof(out));
	memcpy(out, p->r.head.data, p->r.head.len);
	if (p->r.bodylen > 0)
		memcpy(out + p->r.head.len, p->r.body, p->r.bodylen);
	out[p->r.head.len + p->r.bodylen] = '\0';
	return out;
}

static const char *
gopher(struct pfix *p, const char *line)
{
	static char	 out[8192];

	response_free(&p->r);
	gopher_respond(&p->ctx, line, strlen(line), &p->r);
	assert_true(p->r.bodylen < sizeof(out));
	memcpy(out, p->r.body, p->r.bodylen);
	out[p->r.bodylen] = '\0';
	return out;
}

#define FOOTER	"\n=> / Home\n=> /articles/ All articles\n" \
		"=> /resources/ Recovery resource directory\n" \
		"=> /search Search articles and resources\n"

static void
test_gemini(void **state)
{
	struct fix	*f;
	struct pfix	*p;
	char		 url[1200];
	size_t		 n;

	assert_int_equal(setup((void **)&f), 0);
	p = proto_new(f);

	assert_string_equal(gem(p, "gemini://localhost/search"),
	    "10 Search articles and resources\r\n");
	assert_string_equal(gem(p, "gemini://localhost/search?"),
	    "10 Search articles and resources\r\n");
	assert_string_equal(gem(p, "gemini://localhost/search?%20%0A"),
	    "10 Search articles and resources\r\n");
	/* %20 is a space (two words); "+" is a plus (one phrase). */
	assert_string_equal(gem(p, "gemini://localhost/search?"
	    "caf%C3%A9%20staff"),
	    "20 text/gemini; charset=utf-8; lang=en\r\n"
	    "# Search: caf\xc3\xa9 staff\n\n1 result.\n\n"
	    "=> /articles/cafe.gmi Sober Caf\xc3\xa9 Nights\n2025-01-01\n"
	    "The CAF\xc3\x89 opens at night for every peer\n" FOOTER);
	assert_string_equal(gem(p, "gemini://localhost/search?support+peer"),
	    "20 text/gemini; charset=utf-8; lang=en\r\n"
	    "# Search: support+peer\n\n"
	    "No results. Every word must appear in an article or resource. "
	    "Put words in \"double quotes\" to find a phrase; end a word "
	    "with * to find every word it begins (recover* finds recovery "
	    "and recovering).\n" FOOTER);
	assert_string_equal(gem(p, "gemini://localhost/search?the%20%22of%22"),
	    "20 text/gemini; charset=utf-8; lang=en\r\n"
	    "# Search: the \"of\"\n\n"
	    "No results. Only very common words (like \"the\" or \"and\") "
	    "and punctuation were given; they are not indexed. Try more "
	    "specific words.\n" FOOTER);
	/* Resources: category and region, the description. */
	assert_string_equal(gem(p, "gemini://localhost/search?canada"),
	    "20 text/gemini; charset=utf-8; lang=en\r\n"
	    "# Search: canada\n\n1 result.\n\n"
	    "=> /resources/peer-line.gmi Peer Recovery Line\n"
	    "Crisis lines, Canada\n"
	    "Call for peer support any time of day.\n" FOOTER);
	/* 256 bytes decoded are fine, 257 are not; invalid UTF-8 neither. */
	n = (size_t)snprintf(url, sizeof(url), "gemini://localhost/search?");
	memset(url + n, 'x', 256);
	url[n + 256] = '\0';
	assert_non_null(strstr(gem(p, url), "No results."));
	/* The limit counts decoded bytes: 258 sent, 256 decoded. */
	memcpy(url + n + 255, "%20", 4);
	assert_non_null(strstr(gem(p, url), "No results."));
	memcpy(url + n + 256, "%20", 4);
	url[n + 255] = 'x';
	assert_string_equal(gem(p, url),
	    "59 Search words too long (at most 256 bytes)\r\n");
	assert_string_equal(gem(p, "gemini://localhost/search?%FF"),
	    "59 Search words must be UTF-8\r\n");
	assert_string_equal(gem(p, "gemini://localhost/search?%C3"),
	    "59 Search words must be UTF-8\r\n");
	/* Control characters in the words are blanks. */
	assert_non_null(strstr(gem(p, "gemini://localhost/search?"
	    "%0Dcanada%00%09"), "# Search: canada\n\n1 result."));
	proto_free(p);
	teardown((void **)&f);
}

#define I(s)	"i" s "\t\terror.host\t1\r\n"

static void
test_gopher(void **state)
{
	struct fix	*f;
	struct pfix	*p;
	char		 line[400];

	assert_int_equal(setup((void **)&f), 0);
	p = proto_new(f);

	assert_string_equal(gopher(p, "/search\tstaff"),
	    I("Search: staff") I("") I("1 result.") I("")
	    "0Sober Caf\xc3\xa9 Nights\t/articles/cafe.txt\tlocalhost\t70\r\n"
	    I("2025-01-01")
	    I("Support is there. Co\xc3\xb6perate with the staff; self help is "
	    "welcome.")
	    I("") "7Search again\t/search\tlocalhost\t70\r\n"
	    "1Home\t/\tlocalhost\t70\r\n.\r\n");
	assert_string_equal(gopher(p, "/search\tcanada\t+"),
	    I("Search: canada") I("") I("1 result.") I("")
	    "1Peer Recovery Line\t/resources/peer-line/\tlocalhost\t70\r\n"
	    I("Crisis lines, Canada")
	    I("Call for peer support any time of day.")
	    I("") "7Search again\t/search\tlocalhost\t70\r\n"
	    "1Home\t/\tlocalhost\t70\r\n.\r\n");
	/* No words: how to search. */
	assert_string_equal(gopher(p, "/search"), gopher(p, "search\t  "));
	assert_non_null(strstr(gopher(p, "/search"),
	    I("Search articles and resources") I("")
	    I("Type words to find the articles and resources that contain "
	    "all of")));
	/* ASCII for old clients. */
	p->cfg.gopher_ascii = 1;
	assert_non_null(strstr(gopher(p, "/search\tcafe"),
	    "0Sober Cafe Nights\t/articles/cafe.txt\t"));
	p->cfg.gopher_ascii = 0;
	/* Too long, not UTF-8. */
	memset(line, 'x', sizeof(line));
	memcpy(line, "/search\t", 8);
	line[8 + 257] = '\0';
	assert_string_equal(gopher(p, line),
	    "3Search words too long (at most 256 bytes)\t\terror.host\t1\r\n"
	    ".\r\n");
	assert_int_equal(p->r.status, 3);
	line[8 + 256] = '\0';
	assert_non_null(strstr(gopher(p, line), "iNo results. Every word"));
	assert_string_equal(gopher(p, "/search\tcaf\xe9"),
	    "3Search words must be UTF-8\t\terror.host\t1\r\n.\r\n");
	proto_free(p);
	teardown((void **)&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ranking),
		cmocka_unit_test(test_phrases),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_folding),
		cmocka_unit_test(test_ties),
		cmocka_unit_test(test_not_searched),
		cmocka_unit_test(test_snippets),
		cmocka_unit_test(test_long_snippet),
		cmocka_unit_test(test_many_hits),
		cmocka_unit_test(test_phrase_some_docs),
		cmocka_unit_test(test_phrase_rare_common),
		cmocka_unit_test(test_phrase_repeated),
		cmocka_unit_test(test_phrase_blocks),
		cmocka_unit_test(test_phrase_long),
		cmocka_unit_test(test_prefix_merge),
		cmocka_unit_test(test_gemini),
		cmocka_unit_test(test_gopher),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
