/*
 * Fuzz target: the article parser and every renderer of an article.
 * Input: one byte choosing the gopher width (20..200), then the article
 * text, then optionally "\n--META--\n" and a sidecar. Invariants: the
 * document and every rendering are valid UTF-8; gemtext lines end in LF
 * and gopher lines in CRLF, with no TAB and no lone "."; a wrapped line
 * is never wider than the width unless it holds a single word.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "buf.h"
#include "capsule.h"
#include "directory.h"
#include "fuzz.h"
#include "render_gemtext.h"
#include "render_gopher.h"
#include "site.h"
#include "utf8.h"

#define SEP	"\n--META--\n"

static void
check_str(const char *s)
{
	if (s != NULL)
		FUZZ_ASSERT(utf8_valid(s, strlen(s)));
}

static void
check_doc(const struct doc *d)
{
	size_t	 i, j;

	FUZZ_ASSERT(d->title != NULL);
	check_str(d->title);
	check_str(d->author);
	FUZZ_ASSERT(strlen(d->date) == 10 && d->date[4] == '-' &&
	    d->date[7] == '-');
	for (i = 0; i < d->ntags; i++)
		check_str(d->tags[i]);
	for (i = 0; i < d->nblocks; i++) {
		FUZZ_ASSERT(d->blocks[i].text != NULL);
		check_str(d->blocks[i].text);
		check_str(d->blocks[i].alt);
		for (j = 0; j < d->blocks[i].nlinks; j++)
			check_str(d->blocks[i].links[j]);
	}
}

static void
check_gemtext(const struct buf *b)
{
	FUZZ_ASSERT(!b->err);
	FUZZ_ASSERT(utf8_valid(b->data, b->len));
	FUZZ_ASSERT(b->len > 0 && b->data[b->len - 1] == '\n');
	FUZZ_ASSERT(memchr(b->data, '\r', b->len) == NULL);
}

/* CRLF everywhere, no TAB, no line that is a lone ".". */
static void
check_gopher(const struct buf *b)
{
	size_t	 i, start = 0;

	FUZZ_ASSERT(!b->err);
	FUZZ_ASSERT(utf8_valid(b->data, b->len));
	FUZZ_ASSERT(memchr(b->data, '\t', b->len) == NULL);
	for (i = 0; i < b->len; i++) {
		if (b->data[i] == '\r') {
			FUZZ_ASSERT(i + 1 < b->len && b->data[i + 1] == '\n');
			FUZZ_ASSERT(!(i - start == 1 && b->data[start] == '.'));
			i++;
			start = i + 1;
		} else
			FUZZ_ASSERT(b->data[i] != '\n');
	}
	FUZZ_ASSERT(start == b->len);
}

/* Every line over width columns is the prefix and one word. */
static void
check_wrap(const struct buf *b, size_t width, size_t plen)
{
	const char	*s = b->data, *e, *end = b->data + b->len;

	check_gopher(b);
	for (; s < end; s = e + 2) {
		e = memmem(s, (size_t)(end - s), "\r\n", 2);
		FUZZ_ASSERT(e != NULL);
		if (utf8_columns(s, (size_t)(e - s)) <= width)
			continue;
		FUZZ_ASSERT((size_t)(e - s) >= plen);
		FUZZ_ASSERT(memchr(s + plen, ' ', (size_t)(e - s) - plen) ==
		    NULL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char		*drops[] = { "Blog Article", "Report this page" };
	struct fuzz_capsule	*fc = fuzz_capsule();
	struct article_opts	 opts = { drops, 2 };
	struct article		 a;
	struct directory	 dir;
	struct site		 site;
	struct capsule		*c;
	struct buf		 b;
	const char		*text, *meta = NULL, *sep;
	char			*atom;
	size_t			 width, len, metalen = 0, i, alen;

	if (size == 0)
		return 0;
	width = 20 + data[0] % 181;
	text = (const char *)data + 1;
	len = size - 1;
	if ((sep = memmem(text, len, SEP, strlen(SEP))) != NULL) {
		meta = sep + strlen(SEP);
		metalen = len - (size_t)(meta - text);
		len = (size_t)(sep - text);
	}

	memset(&a, 0, sizeof(a));
	if (article_parse("fuzz.txt", text, len, meta, metalen, 1700000000,
	    &opts, &a.doc) == -1)
		return 0;
	check_doc(&a.doc);

	buf_init(&b);
	render_gemtext(&b, &a.doc);
	check_gemtext(&b);
	buf_reset(&b);
	render_gopher(&b, &a.doc, width);
	check_gopher(&b);
	for (i = 0; i < a.doc.nblocks; i++) {
		if (a.doc.blocks[i].type == BLOCK_PRE)
			continue;
		buf_reset(&b);
		gopher_wrap(&b, a.doc.blocks[i].text, width, "", "");
		check_wrap(&b, width, 0);
		buf_reset(&b);
		gopher_wrap(&b, a.doc.blocks[i].text, width, "  - ", "    ");
		check_wrap(&b, width, 4);
	}
	buf_free(&b);

	/* The article's pages and the feed, as the page builder makes them. */
	a.slug = "fuzz";
	a.source = "fuzz.txt";
	a.size = len;
	memset(&dir, 0, sizeof(dir));
	site.cfg = fc->cfg;
	site.articles = &a;
	site.narticles = 1;
	site.dir = &dir;
	FUZZ_ASSERT((c = capsule_new()) != NULL);
	FUZZ_ASSERT(site_gemini_article(&site, &a, c) == 0);
	FUZZ_ASSERT(site_gopher_article(&site, &a, c) == 0);
	FUZZ_ASSERT(site_gemini(&site, c) == 0);
	FUZZ_ASSERT(site_gopher(&site, c) == 0);
	FUZZ_ASSERT(capsule_seal(c) == 0);
	for (i = 0; i < capsule_count(c, PROTO_GEMINI); i++)
		FUZZ_ASSERT(utf8_valid(capsule_at(c, PROTO_GEMINI, i)->data,
		    capsule_at(c, PROTO_GEMINI, i)->len));
	capsule_free(c);
	atom = site_atom(&site, &alen);
	FUZZ_ASSERT(atom != NULL && utf8_valid(atom, alen));
	free(atom);
	doc_free(&a.doc);
	return 0;
}
