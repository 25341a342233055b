/*
 * The search index. Built in one pass over the documents: each word is
 * folded, looked up in an open-addressing hash table of terms, and
 * appended to its term's postings (one array per term, in document
 * order) and positions (one byte array per term, LEB128 deltas). After
 * the last document, search_finish() turns field counts into BM25F
 * weights once, so a query only adds floats, and sorts the dictionary
 * for prefix search.
 *
 * Snippets quote the article's own Gemini page, which the capsule keeps
 * anyway: each block's text is found in the page as it is indexed, and a
 * posting records the page offset of its word's first occurrence. A
 * resource's description is copied (resources are few and short).
 *
 * A query is evaluated with one counter, score and first-match slot per
 * document: each unit (word, prefix, phrase) is one pass over its
 * postings, and a document stays a candidate while it matched every unit
 * so far. Phrases run last, checking positions only for the documents
 * still in the running. Nothing is ever worse than linear in the index.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "directory.h"
#include "search.h"
#include "tokenize.h"
#include "utf8.h"

enum { F_TITLE, F_META, F_BODY, NFIELDS };

#define NONE		UINT32_MAX
#define QMAX		(SEARCH_QUERY_MAX / 2 + 1)	/* words in a query */
/*
 * Positions skipped between blocks, tags and fields, so a phrase never
 * matches across a boundary: a phrase's words are never further apart
 * than this (add_chunk). Small, so most position deltas take one byte.
 */
#define GAP		16
#define SNIP_BEFORE	60	/* bytes of context before a match */
#define SNIP_MAX	160	/* bytes of a snippet, "..." aside */

/* BM25F: k1, and per field a weight and a length normalisation b. */
#define K1		1.2
static const double	 field_weight[NFIELDS] = { 4.0, 2.0, 1.0 };
static const double	 field_b[NFIELDS] = { 0.5, 0.5, 0.75 };
/* Field counts in a posting: title 8 bits, meta 8, body 16. */
static const uint32_t	 tf_shift[NFIELDS] = { 0, 8, 16 };
static const uint32_t	 tf_max[NFIELDS] = { 0xff, 0xff, 0xffff };

struct posting {
	uint32_t	 doc;
	uint32_t	 pos;		/* its positions' start in term.pos */
	uint32_t	 first;		/* first occurrence in the text */
	union {
		uint32_t tf;		/* building: field counts, saturating */
		float	 w;		/* finished: BM25F weight */
	} u;
};

struct term {
	uint64_t	 head;		/* its first 8 bytes, zero-padded */
	uint32_t	 str;		/* offset of the term in strs */
	uint32_t	 len;
	uint32_t	 hash;
	int		 stop;
	float		 idf;
	uint32_t	 last_doc;	/* 1 + doc of the last posting */
	uint32_t	 last_pos;	/* the previous position in last_doc */
	struct posting	*post;
	uint32_t	 npost;
	uint32_t	 cpost;
	uint8_t		*pos;
	size_t		 npos;
	size_t		 cpos;
};

struct sdoc {
	enum search_kind kind;
	uint32_t	 key;		/* offsets in strs */
	uint32_t	 title;
	uint32_t	 meta;
	const char	*page;		/* an article's Gemini page, or NULL */
	uint32_t	 text;		/* else: offset of the text in texts */
	uint32_t	 textlen;
	uint32_t	 body;		/* where the body starts, or NONE */
	uint32_t	 npos;		/* positions it spans */
	uint32_t	 len[NFIELDS];	/* words per field, stop words aside */
};

struct search_index {
	struct term	*terms;
	uint32_t	 nterms;
	uint32_t	 cterms;
	uint32_t	*slots;		/* hash: term index + 1, 0 empty */
	uint32_t	 nslots;	/* a power of two */
	uint32_t	*sorted;	/* terms with postings, by bytes */
	uint32_t	 nsorted;
	struct sdoc	*docs;
	uint32_t	 ndocs;
	uint32_t	 cdocs;
	struct buf	 strs;		/* terms, keys, titles, metas */
	struct buf	 texts;		/* resource descriptions */
	uint32_t	 pos;		/* next position in the current doc */
	int		 finished;
};

/* ln(x) for x >= 1, to keep the server free of libm. */
static double
ln(double x)
{
	double	 z, z2, t, sum = 0;
	int	 k = 0, i;

	while (x >= 2) {
		x /= 2;
		k++;
	}
	/* ln x = 2 atanh((x-1)/(x+1)), and |z| <= 1/3 converges fast. */
	z = (x - 1) / (x + 1);
	z2 = z * z;
	t = z;
	for (i = 1; i < 40; i += 2) {
		sum += t / i;
		t *= z2;
	}
	return k * 0.69314718055994530942 + 2 * sum;
}

/* BM25's inverse document frequency: never negative, never zero. */
static double
idf_of(uint32_t ndocs, size_t df)
{
	if (df > ndocs)
		df = ndocs;
	return ln(1 + (ndocs - df + 0.5) / (df + 0.5));
}

static const char *
term_str(const struct search_index *x, const struct term *t)
{
	return x->strs.data + t->str;
}

struct search_index *
search_new(void)
{
	struct search_index	*x;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return NULL;
	buf_init(&x->strs);
	buf_init(&x->texts);
	x->nslots = 1024;
	if ((x->slots = calloc(x->nslots, sizeof(*x->slots))) == NULL) {
		free(x);
		return NULL;
	}
	return x;
}

void
search_free(struct search_index *x)
{
	uint32_t	 i;

	if (x == NULL)
		return;
	for (i = 0; i < x->nterms; i++) {
		free(x->terms[i].post);
		free(x->terms[i].pos);
	}
	free(x->terms);
	free(x->slots);
	free(x->sorted);
	free(x->docs);
	buf_free(&x->strs);
	buf_free(&x->texts);
	free(x);
}

/* Appends s and a NUL to strs; its offset in *off. 0 or -1. */
static int
put_str(struct search_index *x, const char *s, size_t len, uint32_t *off)
{
	if (x->strs.len > UINT32_MAX - len - 1)
		return -1;
	*off = (uint32_t)x->strs.len;
	buf_append(&x->strs, s, len);
	buf_putc(&x->strs, '\0');
	return x->strs.err ? -1 : 0;
}

/* The term of token tk, or NONE. */
static uint32_t
find(const struct search_index *x, const struct token *tk)
{
	const struct term	*t;
	uint64_t		 head;
	uint32_t		 i, ti;

	memcpy(&head, tk->term, sizeof(head));
	for (i = tk->hash & (x->nslots - 1); x->slots[i] != 0;
	    i = (i + 1) & (x->nslots - 1)) {
		ti = x->slots[i] - 1;
		t = &x->terms[ti];
		if (t->hash == tk->hash && t->head == head &&
		    t->len == tk->len && (tk->len <= 8 ||
		    memcmp(term_str(x, t) + 8, tk->term + 8, tk->len - 8) == 0))
			return ti;
	}
	return NONE;
}

static int
grow_slots(struct search_index *x)
{
	uint32_t	*slots, n, i, j;

	if (x->nslots > UINT32_MAX / 2)
		return -1;
	n = x->nslots * 2;
	if ((slots = calloc(n, sizeof(*slots))) == NULL)
		return -1;
	for (i = 0; i < x->nterms; i++) {
		for (j = x->terms[i].hash & (n - 1); slots[j] != 0;
		    j = (j + 1) & (n - 1))
			;
		slots[j] = i + 1;
	}
	free(x->slots);
	x->slots = slots;
	x->nslots = n;
	return 0;
}

/* The term of tk, added when new. NONE when out of memory. */
static uint32_t
intern(struct search_index *x, const struct token *tk)
{
	struct term	*t;
	uint32_t	 ti, i, n;

	if ((ti = find(x, tk)) != NONE)
		return ti;
	if ((x->nterms + 1) * 2 > x->nslots && grow_slots(x) == -1)
		return NONE;
	if (x->nterms == x->cterms) {
		n = x->cterms ? x->cterms * 2 : 1024;
		if (n <= x->cterms || (t = reallocarray(x->terms, n,
		    sizeof(*t))) == NULL)
			return NONE;
		x->terms = t;
		x->cterms = n;
	}
	t = &x->terms[x->nterms];
	memset(t, 0, sizeof(*t));
	if (put_str(x, tk->term, tk->len, &t->str) == -1)
		return NONE;
	memcpy(&t->head, tk->term, sizeof(t->head));
	t->len = (uint32_t)tk->len;
	t->hash = tk->hash;
	t->stop = token_stopword(tk->term, tk->len);
	for (i = tk->hash & (x->nslots - 1); x->slots[i] != 0;
	    i = (i + 1) & (x->nslots - 1))
		;
	x->slots[i] = x->nterms + 1;
	return x->nterms++;
}

static int
grow_pos(struct term *t)
{
	uint8_t	*p;
	size_t	 n;

	n = t->cpos ? t->cpos * 2 : 16;
	if ((p = realloc(t->pos, n)) == NULL)
		return -1;
	t->pos = p;
	t->cpos = n;
	return 0;
}

static int
grow_post(struct term *t)
{
	struct posting	*p;
	uint32_t	 n;

	n = t->cpost ? t->cpost * 2 : 4;
	if (n <= t->cpost || (p = reallocarray(t->post, n,
	    sizeof(*p))) == NULL)
		return -1;
	t->post = p;
	t->cpost = n;
	return 0;
}

/*
 * Every word of s[0..len) into field of document docno, at the current
 * positions. textoff is where s starts in the document's stored text, or
 * NONE when it is not there (titles, tags, a block not found).
 */
static int
add_text(struct search_index *x, uint32_t docno, const char *s, size_t len,
    int field, uint32_t textoff)
{
	struct token	 tk;
	struct term	*t;
	struct posting	*p;
	size_t		 i = 0;
	uint32_t	 ti, delta, words = 0;
	uint32_t	 tf1 = (uint32_t)1 << tf_shift[field];
	uint32_t	 tfmask = tf_max[field] << tf_shift[field];

	while (token_next(s, len, &i, &tk)) {
		if ((ti = intern(x, &tk)) == NONE)
			return -1;
		t = &x->terms[ti];
		if (t->stop) {
			x->pos++;
			continue;
		}
		if (t->last_doc != docno + 1) {
			if (t->npos > UINT32_MAX ||
			    (t->npost == t->cpost && grow_post(t) == -1))
				return -1;
			p = &t->post[t->npost++];
			p->doc = docno;
			p->pos = (uint32_t)t->npos;
			p->first = NONE;
			p->u.tf = 0;
			t->last_doc = docno + 1;
			delta = x->pos;
		} else {
			p = &t->post[t->npost - 1];
			delta = x->pos - t->last_pos;
		}
		if (t->cpos - t->npos < 5 && grow_pos(t) == -1)
			return -1;
		while (delta >= 0x80) {
			t->pos[t->npos++] = (uint8_t)(delta | 0x80);
			delta >>= 7;
		}
		t->pos[t->npos++] = (uint8_t)delta;
		t->last_pos = x->pos++;
		if ((p->u.tf & tfmask) != tfmask)
			p->u.tf += tf1;
		if (p->first == NONE && textoff != NONE)
			p->first = textoff + (uint32_t)tk.start;
		words++;
	}
	x->docs[docno].len[field] += words;
	x->docs[docno].npos = x->pos;
	if (x->pos > UINT32_MAX - GAP - 1)
		return -1;
	x->pos += GAP;
	return 0;
}

static int
add_string(struct search_index *x, uint32_t docno, const char *s, int field)
{
	return s == NULL ? 0 : add_text(x, docno, s, strlen(s), field, NONE);
}

/* A new document record; its number in *docno. */
static struct sdoc *
new_doc(struct search_index *x, enum search_kind kind, uint32_t *docno)
{
	struct sdoc	*d;
	uint32_t	 n;

	if (x->finished || x->ndocs == UINT32_MAX - 1)
		return NULL;
	if (x->ndocs == x->cdocs) {
		n = x->cdocs ? x->cdocs * 2 : 256;
		if ((d = reallocarray(x->docs, n, sizeof(*d))) == NULL)
			return NULL;
		x->docs = d;
		x->cdocs = n;
	}
	d = &x->docs[x->ndocs];
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	d->body = NONE;
	*docno = x->ndocs++;
	x->pos = 0;
	return d;
}

/*
 * Where needle[0..len) starts in s[from..n), looked for as the renderer
 * writes blocks: a few bytes of markup or links after the previous one.
 * The first candidate almost always matches; past a bounded number of
 * candidates it gives up (NULL), so odd pages cost linear time too.
 * (memmem's two-way search costs more setup than this ever scans.)
 */
static const char *
find_block(const char *s, size_t n, size_t from, const char *needle,
    size_t len)
{
	const char	*p = s + from, *end;
	int		 tries;

	if (len == 0 || from > n || n - from < len)
		return NULL;
	end = s + n - len + 1;
	for (tries = 0; tries < 64 && p < end; tries++, p++) {
		if ((p = memchr(p, needle[0], (size_t)(end - p))) == NULL)
			return NULL;
		if (memcmp(p, needle, len) == 0)
			return p;
	}
	return NULL;
}

int
search_add_article(struct search_index *x, const struct article *a,
    const char *page, size_t pagelen)
{
	const struct doc	*doc = &a->doc;
	const struct block	*b;
	struct sdoc		*d;
	const char		*at;
	uint32_t		 docno, off;
	size_t			 i, len, cur = 0;
	const char		*title = doc->title != NULL ? doc->title : "";

	if (page == NULL || pagelen >= UINT32_MAX)
		pagelen = 0;
	if ((d = new_doc(x, SEARCH_ARTICLE, &docno)) == NULL)
		return -1;
	d->page = page;
	d->textlen = (uint32_t)pagelen;
	if (put_str(x, a->slug, strlen(a->slug), &d->key) == -1 ||
	    put_str(x, title, strlen(title), &d->title) == -1 ||
	    put_str(x, doc->date, strnlen(doc->date, sizeof(doc->date)),
	    &d->meta) == -1 || add_string(x, docno, title, F_TITLE) == -1)
		return -1;
	for (i = 0; i < doc->ntags; i++)
		if (add_string(x, docno, doc->tags[i], F_META) == -1)
			return -1;
	for (i = 0; i < doc->nblocks; i++) {
		b = &doc->blocks[i];
		if (!block_has_text(b))
			continue;
		len = strlen(b->text);
		/*
		 * The page holds the blocks in order, each one's text as it
		 * is (a block the renderer had to change, a preformatted
		 * one with a fence inside, is not found: no snippet there).
		 */
		off = NONE;
		if ((at = find_block(page, pagelen, cur, b->text,
		    len)) != NULL) {
			off = (uint32_t)(at - page);
			cur = off + len;
			d = &x->docs[docno];
			if (d->body == NONE)
				d->body = off;
		}
		if (add_text(x, docno, b->text, len, b->type ==
		    BLOCK_HEADING ? F_META : F_BODY, off) == -1)
			return -1;
	}
	return 0;
}

int
search_add_resource(struct search_index *x, const struct resource *r)
{
	struct sdoc	*d;
	struct buf	 meta;
	uint32_t	 docno;
	size_t		 len;
	int		 rv;

	if ((d = new_doc(x, SEARCH_RESOURCE, &docno)) == NULL)
		return -1;
	buf_init(&meta);
	buf_puts(&meta, r->category);
	if (r->region != NULL)
		buf_printf(&meta, ", %s", r->region);
	rv = meta.err ? -1 : put_str(x, meta.data, meta.len, &d->meta);
	buf_free(&meta);
	if (rv == -1 ||
	    put_str(x, r->id, strlen(r->id), &d->key) == -1 ||
	    put_str(x, r->name, strlen(r->name), &d->title) == -1 ||
	    add_string(x, docno, r->name, F_TITLE) == -1 ||
	    add_string(x, docno, r->category, F_META) == -1 ||
	    add_string(x, docno, r->region, F_META) == -1)
		return -1;
	if (r->description == NULL)
		return 0;
	len = strlen(r->description);
	if (x->texts.len > UINT32_MAX - len)
		return -1;
	d->text = (uint32_t)x->texts.len;
	d->textlen = (uint32_t)len;
	d->body = 0;
	buf_append(&x->texts, r->description, len);
	if (x->texts.err)
		return -1;
	return add_text(x, docno, r->description, len, F_BODY, 0);
}

static const struct search_index *sort_index;	/* for term_cmp */

static int
term_cmp(const void *a, const void *b)
{
	const struct search_index	*x = sort_index;

	return strcmp(term_str(x, &x->terms[*(const uint32_t *)a]),
	    term_str(x, &x->terms[*(const uint32_t *)b]));
}

/* Gives back the slack of the doubling arrays: the index lives long. */
static void
shrink(struct term *t)
{
	struct posting	*p;
	uint8_t		*q;

	if (t->npost < t->cpost &&
	    (p = reallocarray(t->post, t->npost, sizeof(*p))) != NULL) {
		t->post = p;
		t->cpost = t->npost;
	}
	if (t->npos < t->cpos && (q = realloc(t->pos, t->npos)) != NULL) {
		t->pos = q;
		t->cpos = t->npos;
	}
}

int
search_finish(struct search_index *x)
{
	double		 sum[2][NFIELDS], avg[2][NFIELDS], norm, tfw, idf;
	size_t		 count[2] = { 0, 0 };
	struct posting	*p;
	struct sdoc	*d;
	struct term	*t;
	uint32_t	 i, j, tf;
	int		 f, k;

	memset(sum, 0, sizeof(sum));
	for (i = 0; i < x->ndocs; i++) {
		k = x->docs[i].kind;
		count[k]++;
		for (f = 0; f < NFIELDS; f++)
			sum[k][f] += x->docs[i].len[f];
	}
	/* Per kind: a resource's few lines are not a short article. */
	for (k = 0; k < 2; k++)
		for (f = 0; f < NFIELDS; f++)
			avg[k][f] = count[k] ? sum[k][f] / count[k] : 0;

	if ((x->sorted = reallocarray(NULL, x->nterms ? x->nterms : 1,
	    sizeof(*x->sorted))) == NULL)
		return -1;
	x->nsorted = 0;
	for (i = 0; i < x->nterms; i++) {
		t = &x->terms[i];
		if (t->npost == 0)
			continue;
		x->sorted[x->nsorted++] = i;
		shrink(t);
		idf = idf_of(x->ndocs, t->npost);
		t->idf = (float)idf;
		for (j = 0; j < t->npost; j++) {
			p = &t->post[j];
			d = &x->docs[p->doc];
			tfw = 0;
			for (f = 0; f < NFIELDS; f++) {
				if ((tf = (p->u.tf >> tf_shift[f]) &
				    tf_max[f]) == 0)
					continue;
				norm = 1;
				if (avg[d->kind][f] > 0)
					norm = 1 - field_b[f] + field_b[f] *
					    d->len[f] / avg[d->kind][f];
				tfw += field_weight[f] * tf / norm;
			}
			p->u.w = (float)(idf * tfw * (K1 + 1) / (K1 + tfw));
		}
	}
	sort_index = x;
	qsort(x->sorted, x->nsorted, sizeof(*x->sorted), term_cmp);
	sort_index = NULL;
	x->finished = 1;
	return 0;
}

/* --- queries ----------------------------------------------------------- */

enum utype { U_TERM, U_PREFIX, U_PHRASE };

struct member {
	uint32_t	 term;
	uint32_t	 off;		/* position relative to the first */
};

struct unit {
	enum utype	 type;
	uint32_t	 term;		/* U_TERM */
	uint32_t	 lo, hi;	/* U_PREFIX: sorted[lo..hi) */
	size_t		 m0, nm;	/* U_PHRASE: members[m0..m0+nm) */
	size_t		 cost;		/* postings it reads */
	size_t		 order;		/* in the query */
};

struct query {
	struct unit	 units[QMAX];
	size_t		 nunits;
	struct member	 members[QMAX];
	size_t		 nmembers;
	int		 impossible;	/* a word no document has */
};

/* Per-query state: one slot per document. */
struct eval {
	uint8_t		*count;		/* units matched */
	float		*score;
	uint32_t	*first;
	float		*best;		/* a prefix's best word in each doc */
	uint64_t	*bm, *bm2;	/* bitmaps over a doc's positions */
	size_t		 cbm;		/* words in each */
};

/* Bytes of white space at q[i]: ASCII blanks, controls, NBSP, U+3000. */
static size_t
space_at(const char *q, size_t len, size_t i)
{
	const unsigned char	*u = (const unsigned char *)q + i;

	if (u[0] <= 0x20 || u[0] == 0x7f)
		return 1;
	if (len - i >= 2 && u[0] == 0xc2 && u[1] == 0xa0)
		return 2;
	if (len - i >= 3 && u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80)
		return 3;
	return 0;
}

/* First index in sorted whose term is >= s. */
static uint32_t
lower_bound(const struct search_index *x, const char *s)
{
	uint32_t	 lo = 0, hi = x->nsorted, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(term_str(x, &x->terms[x->sorted[mid]]), s) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static uint32_t
lookup(const struct search_index *x, const struct token *tk)
{
	uint32_t	 ti;

	ti = find(x, tk);
	return ti != NONE && x->terms[ti].npost > 0 ? ti : NONE;
}

/* A unit for term ti (NONE: a word no document has). */
static void
add_term_unit(const struct search_index *x, struct query *qq, uint32_t ti)
{
	struct unit	*u = &qq->units[qq->nunits];
	size_t		 i;

	if (ti == NONE) {
		qq->impossible = 1;
		return;
	}
	/* A repeated word adds nothing but work. */
	for (i = 0; i < qq->nunits; i++)
		if (qq->units[i].type == U_TERM && qq->units[i].term == ti)
			return;
	memset(u, 0, sizeof(*u));
	u->type = U_TERM;
	u->term = ti;
	u->cost = x->terms[ti].npost;
	u->order = qq->nunits++;
}

/* A phrase of members[m0..m0+nm), nm >= 2; offsets rebased to 0. */
static void
add_phrase_unit(const struct search_index *x, struct query *qq, size_t m0,
    size_t nm)
{
	struct member	*m = &qq->members[m0];
	struct unit	*u = &qq->units[qq->nunits];
	size_t		 i, least = SIZE_MAX;
	uint32_t	 base = m[0].off;

	memset(u, 0, sizeof(*u));
	u->type = U_PHRASE;
	u->m0 = m0;
	u->nm = nm;
	u->order = qq->nunits++;
	/* Phrases run last, cheapest (rarest leading word) first. */
	for (i = 0; i < nm; i++) {
		m[i].off -= base;
		if (m[i].term == NONE)
			qq->impossible = 1;
		else if (x->terms[m[i].term].npost < least)
			least = x->terms[m[i].term].npost;
	}
	u->cost = SIZE_MAX / 2 + (least == SIZE_MAX ? 0 : least);
}

static void
add_prefix_unit(const struct search_index *x, struct query *qq,
    const struct token *tk)
{
	struct unit	*u = &qq->units[qq->nunits];
	uint32_t	 i;

	memset(u, 0, sizeof(*u));
	u->type = U_PREFIX;
	u->lo = lower_bound(x, tk->term);
	for (i = u->lo; i < x->nsorted && strncmp(term_str(x,
	    &x->terms[x->sorted[i]]), tk->term, tk->len) == 0; i++)
		u->cost += x->terms[x->sorted[i]].npost;
	u->hi = i;
	if (u->hi == u->lo) {
		qq->impossible = 1;
		return;
	}
	for (i = 0; i < qq->nunits; i++)
		if (qq->units[i].type == U_PREFIX &&
		    qq->units[i].lo == u->lo && qq->units[i].hi == u->hi)
			return;
	u->order = qq->nunits++;
}

/*
 * The words of one chunk of the query: a quoted phrase, or what lies
 * between blanks. Words of a chunk further apart than GAP (a run of stop
 * words between them) are matched as separate phrases, as the index
 * keeps only GAP positions between blocks.
 */
static void
add_chunk(const struct search_index *x, struct query *qq, const char *q,
    size_t start, size_t end, int quoted)
{
	struct token	 tk, first;
	size_t		 i = start, n = 0, r, m0 = qq->nmembers;

	while (token_next(q, end, &i, &tk)) {
		if (n++ == 0)
			first = tk;
		if (token_stopword(tk.term, tk.len) || qq->nmembers == QMAX)
			continue;
		qq->members[qq->nmembers].term = lookup(x, &tk);
		qq->members[qq->nmembers].off = (uint32_t)(n - 1);
		qq->nmembers++;
	}
	if (n == 1 && !quoted && first.end < end && q[first.end] == '*') {
		/* A prefix may begin like a stop word: "the*" -> therapy. */
		qq->nmembers = m0;
		add_prefix_unit(x, qq, &first);
		return;
	}
	for (r = i = m0; i < qq->nmembers; i++) {
		if (i + 1 < qq->nmembers && qq->members[i + 1].off -
		    qq->members[i].off <= GAP)
			continue;
		if (i == r)
			add_term_unit(x, qq, qq->members[r].term);
		else
			add_phrase_unit(x, qq, r, i - r + 1);
		r = i + 1;
	}
}

/* Splits the query into units. SEARCH_OK, SEARCH_BLANK or SEARCH_COMMON. */
static enum search_status
parse(const struct search_index *x, const char *q, size_t len,
    struct query *qq)
{
	size_t	 i = 0, j, sp;
	int	 ink = 0;

	memset(qq, 0, sizeof(*qq));
	while (i < len) {
		if ((sp = space_at(q, len, i)) > 0) {
			i += sp;
			continue;
		}
		ink = 1;
		if (q[i] == '"') {
			for (j = i + 1; j < len && q[j] != '"'; j++)
				;
			add_chunk(x, qq, q, i + 1, j, 1);
			i = j < len ? j + 1 : j;
			continue;
		}
		for (j = i; j < len && q[j] != '"' &&
		    space_at(q, len, j) == 0; j++)
			;
		add_chunk(x, qq, q, i, j, 0);
		i = j;
	}
	if (qq->nunits == 0 && !qq->impossible)
		return ink ? SEARCH_COMMON : SEARCH_BLANK;
	return SEARCH_OK;
}

static int
unit_cmp(const void *a, const void *b)
{
	const struct unit	*u = a, *v = b;

	if (u->cost != v->cost)
		return u->cost < v->cost ? -1 : 1;
	return u->order < v->order ? -1 : u->order > v->order;
}

/* Unit k, one word: a pass over its postings. Returns docs advanced. */
static size_t
apply_term(const struct term *t, uint8_t k, struct eval *e)
{
	const struct posting	*p;
	size_t			 n = 0;
	uint32_t		 j, d;

	for (j = 0; j < t->npost; j++) {
		p = &t->post[j];
		d = p->doc;
		if (e->count[d] != k)
			continue;
		e->count[d] = k + 1;
		e->score[d] += p->u.w;
		if (p->first < e->first[d])
			e->first[d] = p->first;
		n++;
	}
	return n;
}

/*
 * Unit k, a prefix: scored as one word whose documents are those of all
 * the words it begins (their idf replaces each word's own), a document
 * counting its best word once. So "recover*" ranks a title "Recovery"
 * above a body "recovering", as it would rank either word alone.
 */
static size_t
apply_prefix(const struct search_index *x, const struct unit *u, uint8_t k,
    struct eval *e)
{
	const struct posting	*p;
	const struct term	*t;
	size_t			 n = 0;
	uint32_t		 i, j, d;
	float			 scale, w;

	if (e->best == NULL && (e->best = reallocarray(NULL, x->ndocs,
	    sizeof(*e->best))) == NULL)
		return SIZE_MAX;
	for (i = u->lo; i < u->hi; i++) {
		t = &x->terms[x->sorted[i]];
		scale = (float)(idf_of(x->ndocs, u->cost) / t->idf);
		for (j = 0; j < t->npost; j++) {
			p = &t->post[j];
			d = p->doc;
			w = p->u.w * scale;
			if (e->count[d] == k) {
				e->count[d] = k + 1;
				e->best[d] = w;
				n++;
			} else if (e->count[d] != k + 1)
				continue;
			else if (w > e->best[d])
				e->best[d] = w;
			if (p->first < e->first[d])
				e->first[d] = p->first;
		}
	}
	for (d = 0; n > 0 && d < x->ndocs; d++)
		if (e->count[d] == k + 1)
			e->score[d] += e->best[d];
	return n;
}

/* A cursor over posting j's positions of t (LEB128 deltas). */
struct pcur {
	const uint8_t	*p;
	const uint8_t	*end;
	uint32_t	 pos;
};

static void
pc_init(struct pcur *c, const struct term *t, uint32_t j)
{
	c->p = t->pos + t->post[j].pos;
	c->end = j + 1 < t->npost ? t->pos + t->post[j + 1].pos :
	    t->pos + t->npos;
	c->pos = 0;
}

/* The next position in c->pos; 0 at the end. */
static inline int
pc_next(struct pcur *c)
{
	uint32_t	 v = 0;
	int		 shift = 0;

	if (c->p == c->end)
		return 0;
	if (*c->p < 0x80) {		/* most deltas: one byte */
		c->pos += *c->p++;
		return 1;
	}
	do {
		v |= (uint32_t)(*c->p & 0x7f) << shift;
		shift += 7;
	} while ((*c->p++ & 0x80) && c->p < c->end && shift < 32);
	c->pos += v;
	return 1;
}

#define BIT(bm, q)	((bm)[(q) >> 6] >> ((q) & 63) & 1)

/*
 * Whether document d has its members at their offsets: a bitmap of the
 * possible starts (member 0's positions, offset 0), narrowed by each
 * further member: start q stays when the member has a word at q + off.
 * Setting and testing bits does not branch on the data, unlike merging
 * sorted lists. Linear in the positions read and the document's size.
 */
static int
phrase_in(const struct search_index *x, const struct member *m, size_t nm,
    const uint32_t *cur, uint32_t d, struct eval *e)
{
	struct pcur	 c;
	uint64_t	*bm, *tmp, hit = 0, any, bit;
	size_t		 i, words;
	uint32_t	 q, off;

	words = (size_t)x->docs[d].npos / 64 + 1;
	if (words > e->cbm || e->bm == NULL) {
		free(e->bm);
		free(e->bm2);
		/* Both NULL first: eval_free() must not see a freed bm2. */
		e->bm = e->bm2 = NULL;
		e->cbm = 0;
		if ((e->bm = reallocarray(NULL, words, sizeof(*e->bm))) ==
		    NULL || (e->bm2 = reallocarray(NULL, words,
		    sizeof(*e->bm2))) == NULL)
			return -1;
		e->cbm = words;
	}
	bm = e->bm;
	tmp = e->bm2;
	memset(bm, 0, words * sizeof(*bm));
	pc_init(&c, &x->terms[m[0].term], cur[0]);
	while (pc_next(&c))
		bm[c.pos >> 6] |= (uint64_t)1 << (c.pos & 63);
	for (i = 1; i + 1 < nm; i++) {
		off = m[i].off;
		memset(tmp, 0, words * sizeof(*tmp));
		pc_init(&c, &x->terms[m[i].term], cur[i]);
		for (any = 0; pc_next(&c); )
			if (c.pos >= off) {
				q = c.pos - off;
				any |= bit = BIT(bm, q);
				tmp[q >> 6] |= bit << (q & 63);
			}
		if (!any)
			return 0;
		bm = tmp;
		tmp = bm == e->bm ? e->bm2 : e->bm;
	}	off = m[nm - 1].off;
	pc_init(&c, &x->terms[m[nm - 1].term], cur[nm - 1]);
	/* One occurrence is all the ranking needs. */
	while (!hit && pc_next(&c))
		if (c.pos >= off)
			hit = BIT(bm, c.pos - off);
	return hit != 0;
}

/*
 * Unit k, a phrase: each candidate document that holds every member is
 * checked with phrase_in(). Linear in the postings and positions read.
 */
static int
apply_phrase(const struct search_index *x, const struct query *qq,
    const struct unit *u, uint8_t k, struct eval *e, size_t *advanced)
{
	const struct member	*m = &qq->members[u->m0];
	const struct term	*lead, *t;
	uint32_t		 cur[QMAX], j, d, li = 0, first;
	size_t			 i;
	float			 w;
	int			 in;

	*advanced = 0;
	for (i = 1; i < u->nm; i++)
		if (x->terms[m[i].term].npost < x->terms[m[li].term].npost)
			li = (uint32_t)i;
	lead = &x->terms[m[li].term];
	memset(cur, 0, sizeof(cur));
	for (j = 0; j < lead->npost; j++) {
		d = lead->post[j].doc;
		if (e->count[d] != k)
			continue;
		for (i = 0; i < u->nm; i++) {
			t = &x->terms[m[i].term];
			while (cur[i] < t->npost && t->post[cur[i]].doc < d)
				cur[i]++;
			if (cur[i] == t->npost || t->post[cur[i]].doc != d)
				break;
		}
		if (i < u->nm)
			continue;
		if ((in = phrase_in(x, m, u->nm, cur, d, e)) == -1)
			return -1;
		if (!in)
			continue;
		w = 0;
		first = NONE;
		for (i = 0; i < u->nm; i++) {
			t = &x->terms[m[i].term];
			w += t->post[cur[i]].u.w;
			if (t->post[cur[i]].first < first)
				first = t->post[cur[i]].first;
		}
		e->count[d] = k + 1;
		e->score[d] += w;
		if (first < e->first[d])
			e->first[d] = first;
		(*advanced)++;
	}
	return 0;
}

/* a ranks before b: higher score, then earlier document. */
static int
better(const struct search_hit *a, const struct search_hit *b)
{
	return a->score > b->score || (a->score == b->score && a->doc < b->doc);
}

static int
hit_cmp(const void *a, const void *b)
{
	return better(a, b) ? -1 : better(b, a) ? 1 : 0;
}

/* A min-heap (worst on top) of the best SEARCH_HITS_MAX hits. */
static void
keep_best(struct search_result *res, const struct search_hit *h)
{
	struct search_hit	*v = res->hits, tmp;
	size_t			 i, c, n;

	if (res->nhits < SEARCH_HITS_MAX) {
		i = res->nhits++;
		v[i] = *h;
		while (i > 0 && better(&v[(i - 1) / 2], &v[i])) {
			tmp = v[i];
			v[i] = v[(i - 1) / 2];
			v[(i - 1) / 2] = tmp;
			i = (i - 1) / 2;
		}
		return;
	}
	if (!better(h, &v[0]))
		return;
	v[0] = *h;
	n = res->nhits;
	for (i = 0; (c = 2 * i + 1) < n; i = c) {
		if (c + 1 < n && better(&v[c], &v[c + 1]))
			c++;
		if (!better(&v[i], &v[c]))
			break;
		tmp = v[i];
		v[i] = v[c];
		v[c] = tmp;
	}
}

static void
eval_free(struct eval *e)
{
	free(e->count);
	free(e->score);
	free(e->first);
	free(e->best);
	free(e->bm);
	free(e->bm2);
}

enum search_status
search_run(const struct search_index *x, const char *q, size_t len,
    struct search_result *res)
{
	struct query		*qq;
	struct eval		 e;
	struct search_hit	 h;
	enum search_status	 st;
	const struct unit	*u;
	size_t			 i, alive = 0, adv;
	uint32_t		 d;
	uint8_t			 k;

	memset(res, 0, sizeof(*res));
	if (len > SEARCH_QUERY_MAX)
		return SEARCH_TOO_LONG;
	if (!utf8_valid(q, len))
		return SEARCH_BAD_UTF8;
	if ((qq = malloc(sizeof(*qq))) == NULL)
		return SEARCH_NOMEM;
	if ((st = parse(x, q, len, qq)) != SEARCH_OK || qq->impossible ||
	    x->ndocs == 0) {
		free(qq);
		return st;
	}
	memset(&e, 0, sizeof(e));
	e.count = calloc(x->ndocs, sizeof(*e.count));
	e.score = calloc(x->ndocs, sizeof(*e.score));
	e.first = reallocarray(NULL, x->ndocs, sizeof(*e.first));
	if (e.count == NULL || e.score == NULL || e.first == NULL)
		goto nomem;
	memset(e.first, 0xff, x->ndocs * sizeof(*e.first));

	qsort(qq->units, qq->nunits, sizeof(qq->units[0]), unit_cmp);
	for (i = 0; i < qq->nunits; i++) {
		u = &qq->units[i];
		k = (uint8_t)i;
		if (u->type == U_TERM)
			alive = apply_term(&x->terms[u->term], k, &e);
		else if (u->type == U_PREFIX) {
			if ((alive = apply_prefix(x, u, k, &e)) == SIZE_MAX)
				goto nomem;
		} else {
			if (apply_phrase(x, qq, u, k, &e, &adv) == -1)
				goto nomem;
			alive = adv;
		}
		if (alive == 0)
			break;
	}
	if (alive > 0)
		for (d = 0; d < x->ndocs; d++) {
			if (e.count[d] != qq->nunits)
				continue;
			res->total++;
			h.doc = d;
			h.score = e.score[d];
			h.first = e.first[d];
			keep_best(res, &h);
		}
	qsort(res->hits, res->nhits, sizeof(res->hits[0]), hit_cmp);
	eval_free(&e);
	free(qq);
	return SEARCH_OK;
nomem:
	eval_free(&e);
	free(qq);
	memset(res, 0, sizeof(*res));
	return SEARCH_NOMEM;
}

void
search_doc(const struct search_index *x, uint32_t doc, struct search_doc *out)
{
	const struct sdoc	*d = &x->docs[doc];

	out->kind = d->kind;
	out->key = x->strs.data + d->key;
	out->title = x->strs.data + d->title;
	out->meta = x->strs.data + d->meta;
}

/* Where the text of the line holding s[ls] starts: past the markup. */
static size_t
past_markup(const char *s, size_t ls, size_t le)
{
	static const char *const marks[] = { "## ", "* ", "> ", " " };
	size_t			 i, n;

	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		n = strlen(marks[i]);
		if (le - ls >= n && memcmp(s + ls, marks[i], n) == 0)
			return ls + n;
	}
	return ls;
}

void
search_snippet(const struct search_index *x, const struct search_hit *h,
    struct buf *out)
{
	const struct sdoc	*d = &x->docs[h->doc];
	const char		*s;
	size_t			 n = d->textlen, at, ls, le, start, end, i;

	if (n == 0 || d->body == NONE)
		return;
	s = d->page != NULL ? d->page : x->texts.data + d->text;
	at = h->first != NONE && h->first < n ? h->first : d->body;
	/* The line (one block) holding the match bounds the snippet. */
	for (ls = at; ls > 0 && s[ls - 1] != '\n'; ls--)
		;
	for (le = at; le < n && s[le] != '\n'; le++)
		;
	if (d->page != NULL)
		ls = past_markup(s, ls, le);
	if (at < ls)
		at = ls;
	start = ls;
	if (at - ls > SNIP_BEFORE) {
		/* Start at a word: after the first space in the window. */
		for (start = at - SNIP_BEFORE; start < at && s[start] != ' ';
		    start++)
			;
		if (start < at)
			start++;
	}
	end = le;
	if (le - start > SNIP_MAX) {
		end = start + SNIP_MAX;
		for (i = end; i > at && s[i] != ' '; i--)
			;
		if (i > at)
			end = i;
		else	/* One long word: cut between code points. */
			while (end > at && (s[end] & 0xc0) == 0x80)
				end--;
	}
	while (start < end && s[start] == ' ')
		start++;
	while (end > start && s[end - 1] == ' ')
		end--;
	if (start > ls)
		buf_puts(out, "...");
	for (i = start; i < end; i++)
		buf_putc(out, (unsigned char)s[i] < 0x20 ? ' ' : s[i]);
	if (end < le)
		buf_puts(out, "...");
}

size_t
search_ndocs(const struct search_index *x)
{
	return x->ndocs;
}

size_t
search_nterms(const struct search_index *x)
{
	return x->nsorted;
}

size_t
search_memory(const struct search_index *x)
{
	size_t		 n;
	uint32_t	 i;

	n = sizeof(*x) + x->cterms * sizeof(struct term) +
	    x->nslots * sizeof(uint32_t) + x->nterms * sizeof(uint32_t) +
	    x->cdocs * sizeof(struct sdoc) + x->strs.cap + x->texts.cap;
	for (i = 0; i < x->nterms; i++)
		n += x->terms[i].cpost * sizeof(struct posting) +
		    x->terms[i].cpos;
	return n;
}
