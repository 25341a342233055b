/*
 * The search index. Built in one pass over the documents: each word is
 * folded, looked up in an open-addressing hash table of terms, and
 * appended to its term's postings (one array per term, in document
 * order) and positions (one byte array per term, LEB128 deltas, cheap
 * to append). After the last document, search_finish() turns field
 * counts into BM25F weights once, so a query only adds floats, packs
 * each posting's positions into fixed-width numbers (smaller, and each
 * readable on its own), and sorts the dictionary for prefix search.
 *
 * Snippets quote the article's own Gemini page, which the capsule keeps
 * anyway: each block's text is found in the page as it is indexed, and a
 * posting records the page offset of its word's first occurrence. A
 * resource's description is copied (resources are few and short).
 *
 * A query is split into units (word, prefix, phrase), run cheapest
 * first. The first unit lists its documents; each later one keeps those
 * it also matches, joining the sorted lists with galloping skips, so a
 * short list is never held up by a long one. Phrases run last, and
 * check positions only in the documents all their words share, from
 * the word with the fewest positions there. Nothing is ever worse than
 * linear in the index, nor allocated per document of it.
 */
#include <stddef.h>
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
/* Zero bytes after a term's packed positions: any is one 8-byte load. */
#define PAD		7
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
	uint8_t		*pos;		/* LEB128, then packed (pack()) */
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
	uint8_t		 pbits;		/* packed: bits a position takes */
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
		/* A delta takes 5 bytes at most; pack() wants one more. */
		if (t->cpos - t->npos < 6 && grow_pos(t) == -1)
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

/* A term to sort: qsort's comparison gets no context of its own. */
struct skey {
	const char	*str;
	uint32_t	 term;
};

static int
skey_cmp(const void *a, const void *b)
{
	return strcmp(((const struct skey *)a)->str,
	    ((const struct skey *)b)->str);
}

/*
 * Gives back the slack of the postings' doubling array: the index lives
 * long. (pack() sizes the positions exactly.)
 */
static void
shrink(struct term *t)
{
	struct posting	*p;

	if (t->npost < t->cpost &&
	    (p = reallocarray(t->post, t->npost, sizeof(*p))) != NULL) {
		t->post = p;
		t->cpost = t->npost;
	}
}

/* Bits to hold every position below npos: at least 8 (see pk_has). */
static uint8_t
pos_bits(uint32_t npos)
{
	uint8_t	 b = 8;

	while (b < 32 && (npos - 1) >> b != 0)
		b++;
	return b;
}

/* 8 bytes at q as a little-endian number: compilers make one load. */
static inline uint64_t
le64(const uint8_t *q)
{
	return (uint64_t)q[0] | (uint64_t)q[1] << 8 | (uint64_t)q[2] << 16 |
	    (uint64_t)q[3] << 24 | (uint64_t)q[4] << 32 |
	    (uint64_t)q[5] << 40 | (uint64_t)q[6] << 48 |
	    (uint64_t)q[7] << 56;
}

/* And back: one store. */
static inline void
put_le64(uint8_t *q, uint64_t v)
{
	q[0] = (uint8_t)v;
	q[1] = (uint8_t)(v >> 8);
	q[2] = (uint8_t)(v >> 16);
	q[3] = (uint8_t)(v >> 24);
	q[4] = (uint8_t)(v >> 32);
	q[5] = (uint8_t)(v >> 40);
	q[6] = (uint8_t)(v >> 48);
	q[7] = (uint8_t)(v >> 56);
}

/*
 * Re-packs t's positions, appended while building as LEB128 deltas,
 * into one run per posting of fixed-width numbers, as many bits as the
 * document's last position needs (pos_bits; maxw is the most any
 * document needs). They take less room than the deltas, and any one
 * can be read without those before it, so a phrase looks up a common
 * word's positions (pk_has) instead of decoding them in a chain. One
 * pass over the term, in order, through a 64-bit bit buffer.
 */
static int
pack(const struct search_index *x, struct term *t, unsigned maxw)
{
	const uint8_t	*p = t->pos, *end, *tend = t->pos + t->npos;
	uint8_t		*out, *o;
	uint64_t	 acc, cap;
	size_t		 j;
	uint32_t	 pos, b0, b1, v;
	unsigned	 w, nacc, shift;

	/* add_text() left a byte free: p[1] below is always readable. */
	t->pos[t->npos] = 0;
	/* A position takes a byte or more; a run ends in part of one. */
	cap = ((uint64_t)t->npos * maxw + 7) / 8 + t->npost + 8;
	if (cap >= UINT32_MAX || (out = malloc(cap)) == NULL)
		return -1;
	for (o = out, j = 0; j < t->npost; j++) {
		end = j + 1 < t->npost ? t->pos + t->post[j + 1].pos : tend;
		w = x->docs[t->post[j].doc].pbits;
		t->post[j].pos = (uint32_t)(o - out);
		for (pos = 0, acc = 0, nacc = 0; p < end; ) {
			b0 = p[0];
			b1 = p[1];
			if ((b0 & b1 & 0x80) == 0) {
				v = (b0 & 0x7f) | ((b1 & 0x7f) << 7 &
				    (0u - (b0 >> 7)));
				p += 1 + (b0 >> 7);
			} else
				for (v = 0, shift = 0;; shift += 7) {
					v |= (uint32_t)(*p & 0x7f) << shift;
					if ((*p++ & 0x80) == 0 || shift >= 28)
						break;
				}
			pos += v;
			/* Whole bytes out; the rest stays in acc. */
			acc |= (uint64_t)pos << nacc;
			nacc += w;
			put_le64(o, acc);
			o += nacc / 8;
			acc >>= nacc / 8 * 8;
			nacc %= 8;
		}
		/* The last put wrote the part byte too. */
		o += nacc > 0;
	}
	memset(o, 0, PAD);
	free(t->pos);
	t->pos = out;
	t->npos = (size_t)(o - out);
	t->cpos = cap;
	if (t->npos + PAD < cap &&
	    (out = realloc(t->pos, t->npos + PAD)) != NULL) {
		t->pos = out;
		t->cpos = t->npos + PAD;
	}
	return 0;
}

int
search_finish(struct search_index *x)
{
	double		 sum[2][NFIELDS], avg[2][NFIELDS], norm, tfw, idf;
	size_t		 count[2] = { 0, 0 };
	struct posting	*p;
	struct sdoc	*d;
	struct term	*t;
	struct skey	*keys;
	uint32_t	 i, j, tf;
	unsigned	 maxw = 8;
	int		 f, k;

	memset(sum, 0, sizeof(sum));
	for (i = 0; i < x->ndocs; i++) {
		if ((x->docs[i].pbits = pos_bits(x->docs[i].npos)) > maxw)
			maxw = x->docs[i].pbits;
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
		if (pack(x, t, maxw) == -1)
			return -1;
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
	if ((keys = reallocarray(NULL, x->nsorted ? x->nsorted : 1,
	    sizeof(*keys))) == NULL)
		return -1;
	for (i = 0; i < x->nsorted; i++) {
		keys[i].str = term_str(x, &x->terms[x->sorted[i]]);
		keys[i].term = x->sorted[i];
	}
	qsort(keys, x->nsorted, sizeof(*keys), skey_cmp);
	for (i = 0; i < x->nsorted; i++)
		x->sorted[i] = keys[i].term;
	free(keys);
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

/*
 * Per-query state: the documents that matched every unit so far, in
 * document order, with their score and first match so far. The first
 * (cheapest) unit fills it; every later unit only filters it, in place.
 * So a query allocates for its rarest unit, never per document.
 */
struct cand {
	uint32_t	 doc;		/* first: a dlist reads it */
	float		 score;
	uint32_t	 first;
	float		 best;		/* a prefix's best word in doc */
};

struct cands {
	struct cand	*v;
	size_t		 n;
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

/*
 * A list of documents in increasing order, with a cursor: a term's
 * postings or the candidates, which differ only in their stride.
 */
struct dlist {
	const unsigned char	*base;	/* the first entry's doc */
	size_t			 stride;
	size_t			 n;
	size_t			 i;	/* the cursor */
	size_t			 who;	/* a phrase member, or CANDS */
};

#define CANDS		SIZE_MAX

static uint32_t
dl_doc(const struct dlist *l, size_t i)
{
	uint32_t	 d;

	/* memcpy: the entry's type is the caller's business. */
	memcpy(&d, l->base + i * l->stride, sizeof(d));
	return d;
}

static void
dl_term(struct dlist *l, const struct term *t, size_t who)
{
	l->base = (const unsigned char *)t->post +
	    offsetof(struct posting, doc);
	l->stride = sizeof(struct posting);
	l->n = t->npost;
	l->i = 0;
	l->who = who;
}

static void
dl_cands(struct dlist *l, const struct cands *c)
{
	l->base = (const unsigned char *)c->v + offsetof(struct cand, doc);
	l->stride = sizeof(struct cand);
	l->n = c->n;
	l->i = 0;
	l->who = CANDS;
}

/*
 * dl_seek() past the entry at the cursor, whose document is < d. It
 * gallops: skipping g entries costs O(log g) probes, so a short list
 * joined with a long one reads little of the long one, and walking a
 * whole list stays linear.
 */
static void
dl_gallop(struct dlist *l, uint32_t d)
{
	size_t	 lo = l->i, hi, mid, step = 1;

	for (;;) {
		hi = lo + step;
		if (hi >= l->n) {
			hi = l->n;
			break;
		}
		if (dl_doc(l, hi) >= d)
			break;
		lo = hi;
		step *= 2;
	}
	/* doc(lo) < d, and hi is the end or doc(hi) >= d. */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (dl_doc(l, mid) < d)
			lo = mid;
		else
			hi = mid;
	}
	l->i = hi;
}

/*
 * Moves l's cursor on to the first entry whose document is >= d. The
 * next entry is tried first: between lists of like length, the usual.
 */
static inline void
dl_seek(struct dlist *l, uint32_t d)
{
	if (l->i >= l->n || dl_doc(l, l->i) >= d)
		return;
	if (++l->i < l->n && dl_doc(l, l->i) < d)
		dl_gallop(l, d);
}

/*
 * meet() of two lists: a plain merge that gallops over gaps. Inline, so
 * a caller's two cursors can stay in registers.
 */
static inline int
meet2(struct dlist *a, struct dlist *b, uint32_t *d)
{
	uint32_t	 da, db;

	while (a->i < a->n && b->i < b->n) {
		da = dl_doc(a, a->i);
		db = dl_doc(b, b->i);
		if (da == db) {
			*d = da;
			return 1;
		}
		if (da < db) {
			a->i++;
			dl_seek(a, db);
		} else {
			b->i++;
			dl_seek(b, da);
		}
	}
	return 0;
}

/*
 * Moves the cursors of l[0..nl) to the next document all of them hold,
 * in *d; 0 when a list runs out. Each list in turn jumps to the latest
 * document seen (a leapfrog join), so the shortest list sets the pace:
 * put it first. The caller moves l[0] past *d for the next one.
 */
static int
meet(struct dlist *l, size_t nl, uint32_t *d)
{
	uint32_t	 target, at;
	size_t		 j, agree;

	if (nl == 2)
		return meet2(&l[0], &l[1], d);
	if (nl == 0 || l[0].i >= l[0].n)
		return 0;
	target = dl_doc(&l[0], l[0].i);
	for (j = 1, agree = 1; agree < nl; j = j + 1 == nl ? 0 : j + 1) {
		dl_seek(&l[j], target);
		if (l[j].i >= l[j].n)
			return 0;
		if ((at = dl_doc(&l[j], l[j].i)) == target)
			agree++;
		else {
			target = at;
			agree = 1;
		}
	}
	*d = target;
	return 1;
}

/*
 * A unit of one word. The first unit takes its postings as they are
 * (scores start at 0, as every later unit adds to them); a later one
 * keeps the candidates it has.
 */
static void
term_unit(const struct term *t, int initial, struct cands *c)
{
	const struct posting	*p;
	struct cand		*v = c->v, *o;
	struct dlist		 a, b;
	size_t			 j, n = 0;
	uint32_t		 d;

	if (initial) {
		for (j = 0; j < t->npost; j++) {
			p = &t->post[j];
			v[j].doc = p->doc;
			v[j].score = 0.0f + p->u.w;
			v[j].first = p->first;
		}
		c->n = t->npost;
		return;
	}
	dl_cands(&a, c);
	dl_term(&b, t, 0);
	while (meet2(&a, &b, &d)) {
		/* In place: n never passes the candidate being read. */
		o = &v[a.i++];
		p = &t->post[b.i++];
		v[n].doc = d;
		v[n].score = o->score + p->u.w;
		v[n].first = p->first < o->first ? p->first : o->first;
		n++;
	}
	c->n = n;
}

/* The cursor of one word of a prefix, for the heap that merges them. */
struct hcur {
	const struct posting	*p;
	const struct posting	*end;
	float			 scale;
};

static void
sift(struct hcur *h, size_t n, size_t i)
{
	struct hcur	 tmp;
	size_t		 c;

	for (; (c = 2 * i + 1) < n; i = c) {
		if (c + 1 < n && h[c + 1].p->doc < h[c].p->doc)
			c++;
		if (h[i].p->doc <= h[c].p->doc)
			break;
		tmp = h[i];
		h[i] = h[c];
		h[c] = tmp;
	}
}

static size_t
log2_floor(size_t n)
{
	size_t	 k = 0;

	while (n >>= 1)
		k++;
	return k;
}

/*
 * The first unit, a prefix: its words' postings merged into candidates,
 * each document with its best word (max and min do not care in what
 * order words come). Few postings: a heap merges the sorted lists, in
 * O(P log words); many: one slot per document, O(P + documents).
 */
static int
prefix_first(const struct search_index *x, const struct unit *u, double idf,
    struct cands *c)
{
	const struct posting	*p;
	const struct term	*t;
	struct cand		*v = c->v;
	struct hcur		*h;
	float			*best, scale, w;
	uint32_t		*first;
	size_t			 i, j, k = u->hi - u->lo, n = 0;

	if (u->cost <= x->ndocs / 2 / (1 + log2_floor(k))) {
		if ((h = reallocarray(NULL, k, sizeof(*h))) == NULL)
			return -1;
		for (i = 0; i < k; i++) {
			t = &x->terms[x->sorted[u->lo + i]];
			h[i].p = t->post;
			h[i].end = t->post + t->npost;
			h[i].scale = (float)(idf / t->idf);
		}
		for (i = k / 2; i-- > 0; )
			sift(h, k, i);
		while (k > 0) {
			p = h[0].p;
			w = p->u.w * h[0].scale;
			if (n > 0 && v[n - 1].doc == p->doc) {
				if (w > v[n - 1].best)
					v[n - 1].best = w;
				if (p->first < v[n - 1].first)
					v[n - 1].first = p->first;
			} else {
				v[n].doc = p->doc;
				v[n].best = w;
				v[n].first = p->first;
				n++;
			}
			if (++h[0].p == h[0].end)
				h[0] = h[--k];
			sift(h, k, 0);
		}
		free(h);
	} else {
		if ((best = reallocarray(NULL, x->ndocs, sizeof(*best))) ==
		    NULL)
			return -1;
		if ((first = reallocarray(NULL, x->ndocs,
		    sizeof(*first))) == NULL) {
			free(best);
			return -1;
		}
		/* Weights are never negative: -1 marks no word yet. */
		for (j = 0; j < x->ndocs; j++)
			best[j] = -1;
		memset(first, 0xff, x->ndocs * sizeof(*first));
		for (i = u->lo; i < u->hi; i++) {
			t = &x->terms[x->sorted[i]];
			scale = (float)(idf / t->idf);
			/* Unconditional stores: moves, not branches. */
			for (p = t->post; p < t->post + t->npost; p++) {
				w = p->u.w * scale;
				best[p->doc] = w > best[p->doc] ? w :
				    best[p->doc];
				first[p->doc] = p->first < first[p->doc] ?
				    p->first : first[p->doc];
			}
		}
		for (j = 0; j < x->ndocs; j++) {
			if (best[j] < 0)
				continue;
			v[n].doc = (uint32_t)j;
			v[n].best = best[j];
			v[n].first = first[j];
			n++;
		}
		free(best);
		free(first);
	}
	for (i = 0; i < n; i++)
		v[i].score = 0.0f + v[i].best;
	c->n = n;
	return 0;
}

/*
 * A prefix: scored as one word whose documents are those of all the
 * words it begins (their idf replaces each word's own), a document
 * counting its best word once. So "recover*" ranks a title "Recovery"
 * above a body "recovering", as it would rank either word alone. A
 * later unit joins each word with the candidates. 0, or -1 (no memory).
 */
static int
prefix_unit(const struct search_index *x, const struct unit *u,
    int initial, struct cands *c)
{
	const struct posting	*p;
	const struct term	*t;
	struct cand		*v = c->v;
	struct dlist		 a, b;
	double			 idf = idf_of(x->ndocs, u->cost);
	float			 scale, w;
	size_t			 i, ci, n = 0;
	uint32_t		 d;

	if (initial)
		return prefix_first(x, u, idf, c);
	for (ci = 0; ci < c->n; ci++)
		v[ci].best = -1;
	for (i = u->lo; i < u->hi; i++) {
		t = &x->terms[x->sorted[i]];
		scale = (float)(idf / t->idf);
		dl_cands(&a, c);
		dl_term(&b, t, 0);
		while (meet2(&a, &b, &d)) {
			ci = a.i++;
			p = &t->post[b.i++];
			w = p->u.w * scale;
			if (w > v[ci].best)
				v[ci].best = w;
			if (p->first < v[ci].first)
				v[ci].first = p->first;
		}
	}
	for (ci = 0; ci < c->n; ci++) {
		if (v[ci].best < 0)
			continue;
		v[n] = v[ci];
		v[n].score = v[ci].score + v[ci].best;
		n++;
	}
	c->n = n;
	return 0;
}

/*
 * The positions of one posting: numbers of w bits packed from p by
 * pack(), nbits in all (less than w more: the last byte's rest). PAD
 * zero bytes follow a term's last number, so any is one 8-byte load.
 */
struct pk {
	const uint8_t	*p;
	uint64_t	 nbits;
	uint32_t	 mask;
	unsigned	 w;
};

/* The number at bit offset bit (a multiple of w below nbits). */
static inline uint32_t
pk_at(const struct pk *c, uint64_t bit)
{
	return (uint32_t)(le64(c->p + bit / 8) >> (bit & 7)) & c->mask;
}

/* Posting j of t, in a document whose positions take w bits. */
static void
pk_init(struct pk *c, const struct term *t, uint32_t j, unsigned w)
{
	c->p = t->pos + t->post[j].pos;
	c->nbits = (uint64_t)((j + 1 < t->npost ? t->post[j + 1].pos :
	    t->npos) - t->post[j].pos) * 8;
	c->w = w;
	c->mask = w >= 32 ? UINT32_MAX : ((uint32_t)1 << w) - 1;
}

/*
 * Whether v is one of the numbers: a binary search that does not branch
 * on them (each step is a conditional move), so lookups overlap in the
 * processor. O(log n).
 */
static int
pk_has(const struct pk *c, uint64_t v)
{
	/* Exact as w >= 8 (pos_bits): the rest is less than a number. */
	uint64_t	 base = 0, len = c->nbits / c->w, half;

	/* Invariant: if v is there, it is number base .. base + len - 1. */
	while (len > 1) {
		half = len / 2;
		base += pk_at(c, (base + half) * c->w) <= v ? half : 0;
		len -= half;
	}
	return pk_at(c, base * c->w) == v;
}

#define FILTER		4096	/* bits of phrase_in()'s filter */

/* Whether all members but r and i1 are at s + off (in the order ord). */
static int
phrase_rest(const struct pk *c, const struct member *m, size_t nm,
    const size_t *ord, size_t r, size_t i1, uint64_t s)
{
	size_t	 k, i;

	for (k = 0; k < nm; k++)
		if ((i = ord[k]) != r && i != i1 &&
		    !pk_has(&c[i], s + m[i].off))
			return 0;
	return 1;
}

/*
 * Whether document d holds the members at their offsets (member i's
 * posting is cur[i]): some start s where every member i has position
 * s + off. The member r with the fewest positions in d gives the
 * candidate starts; i1, the first other in the order ord, must have
 * one of them; the rest are looked up (pk_has) only for those.
 *
 * When i1 has not many more positions than r, they are read in order
 * up to r's last start (independent loads: no chain of decoding, few
 * branches) and tested against filter, the set of r's starts modulo
 * FILTER bits, each hit confirmed in r; filter is zero before and
 * after. When it has many more, r's starts are looked up in i1
 * instead, in O(log) each. Stops at the first occurrence, which is all
 * the ranking needs. So a common word's positions are read at most
 * once, or skipped, and nothing is kept per document.
 */
static int
phrase_in(const struct search_index *x, const struct member *m, size_t nm,
    const size_t *ord, const uint32_t *cur, uint32_t d, uint64_t *filter)
{
	struct pk	 c[QMAX];
	size_t		 i, i1, k, r = 0;
	unsigned	 w = x->docs[d].pbits;
	uint32_t	 pos;
	uint64_t	 s, last = 0, bit, end, rend;
	int		 found = 0;

	if (nm < 2)		/* one word is a term, not a phrase */
		return 0;
	for (i = 0; i < nm; i++) {
		pk_init(&c[i], &x->terms[m[i].term], cur[i], w);
		if (c[i].nbits < c[r].nbits)
			r = i;
	}
	for (k = 0; (i1 = ord[k]) == r; k++)
		;
	/* Bit offsets, not indexes, so no multiplying in the loops. */
	rend = c[r].nbits - w + 1;
	if (c[i1].nbits / 16 > c[r].nbits) {
		for (bit = 0; bit < rend && !found; bit += w)
			if ((pos = pk_at(&c[r], bit)) >= m[r].off) {
				s = pos - m[r].off;
				found = pk_has(&c[i1], s + m[i1].off) &&
				    phrase_rest(c, m, nm, ord, r, i1, s);
			}
		return found;
	}
	for (bit = 0; bit < rend; bit += w)
		if ((pos = pk_at(&c[r], bit)) >= m[r].off) {
			last = pos - m[r].off;
			filter[last / 64 % (FILTER / 64)] |=
			    (uint64_t)1 << (last % 64);
		}
	for (bit = 0, end = c[i1].nbits - w + 1; bit < end; bit += w) {
		if ((pos = pk_at(&c[i1], bit)) < m[i1].off)
			continue;
		if ((s = pos - m[i1].off) > last)
			break;
		if ((filter[s / 64 % (FILTER / 64)] >> (s % 64) & 1) &&
		    pk_has(&c[r], s + m[r].off) &&
		    phrase_rest(c, m, nm, ord, r, i1, s)) {
			found = 1;
			break;
		}
	}
	for (bit = 0; bit < rend; bit += w)
		if ((pos = pk_at(&c[r], bit)) >= m[r].off)
			filter[(pos - m[r].off) / 64 % (FILTER / 64)] = 0;
	return found;
}

/*
 * A phrase: the documents that hold every member (and are candidates,
 * unless this is the first unit) are found by joining the lists,
 * shortest first; only those are checked with phrase_in(). The score
 * adds every member's weight, in the query's order.
 */
static void
phrase_unit(const struct search_index *x, const struct query *qq,
    const struct unit *u, int initial, struct cands *c)
{
	const struct member	*m = &qq->members[u->m0];
	const struct posting	*p;
	struct cand		*v = c->v, *o;
	struct dlist		 l[QMAX + 1], tmp;
	size_t			 at[QMAX] = { 0 }, ord[QMAX];
	size_t			 nl = 0, nm = u->nm, i, j, lc = 0, n = 0;
	uint32_t		 cur[QMAX], d, first;
	uint64_t		 filter[FILTER / 64];
	float			 w;

	memset(filter, 0, sizeof(filter));
	if (!initial)
		dl_cands(&l[nl++], c);
	for (i = 0; i < nm; i++)
		dl_term(&l[nl++], &x->terms[m[i].term], i);
	/* Shortest list first (insertion sort: a phrase has few words). */
	for (i = 1; i < nl; i++) {
		tmp = l[i];
		for (j = i; j > 0 && l[j - 1].n > tmp.n; j--)
			l[j] = l[j - 1];
		l[j] = tmp;
	}
	for (i = 0, j = 0; i < nl; i++) {
		if (l[i].who == CANDS) {
			lc = i;
			continue;
		}
		at[l[i].who] = i;
		ord[j++] = l[i].who;
	}
	while (meet(l, nl, &d)) {
		for (i = 0; i < nm; i++)
			cur[i] = (uint32_t)l[at[i]].i;
		if (phrase_in(x, m, nm, ord, cur, d, filter)) {
			w = 0;
			first = NONE;
			for (i = 0; i < nm; i++) {
				p = &x->terms[m[i].term].post[cur[i]];
				w += p->u.w;
				if (p->first < first)
					first = p->first;
			}
			if (initial) {
				v[n].doc = d;
				v[n].score = 0.0f + w;
				v[n].first = first;
			} else {
				/* In place, as in term_unit(). */
				o = &v[l[lc].i];
				v[n].doc = d;
				v[n].score = o->score + w;
				v[n].first = first < o->first ? first :
				    o->first;
			}
			n++;
		}
		l[0].i++;
	}
	c->n = n;
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

/* How many candidates the first unit u can leave: its rarest list. */
static size_t
first_cap(const struct search_index *x, const struct query *qq,
    const struct unit *u)
{
	size_t	 i, n, least = SIZE_MAX;

	if (u->type == U_TERM)
		return x->terms[u->term].npost;
	if (u->type == U_PREFIX)
		return u->cost < x->ndocs ? u->cost : x->ndocs;
	for (i = 0; i < u->nm; i++)
		if ((n = x->terms[qq->members[u->m0 + i].term].npost) < least)
			least = n;
	return least;
}

enum search_status
search_run(const struct search_index *x, const char *q, size_t len,
    struct search_result *res)
{
	struct query		*qq;
	struct cands		 c;
	struct search_hit	 h;
	enum search_status	 st;
	const struct unit	*u;
	size_t			 i, cap;

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
	/* Cheapest first: the candidates shrink as early as they can. */
	qsort(qq->units, qq->nunits, sizeof(qq->units[0]), unit_cmp);
	cap = first_cap(x, qq, &qq->units[0]);
	c.n = 0;
	if ((c.v = reallocarray(NULL, cap ? cap : 1, sizeof(*c.v))) == NULL)
		goto nomem;
	for (i = 0; i < qq->nunits && (i == 0 || c.n > 0); i++) {
		u = &qq->units[i];
		if (u->type == U_TERM)
			term_unit(&x->terms[u->term], i == 0, &c);
		else if (u->type == U_PREFIX) {
			if (prefix_unit(x, u, i == 0, &c) == -1)
				goto nomem;
		} else
			phrase_unit(x, qq, u, i == 0, &c);
	}
	for (i = 0; i < c.n; i++) {
		res->total++;
		h.doc = c.v[i].doc;
		h.score = c.v[i].score;
		h.first = c.v[i].first;
		keep_best(res, &h);
	}
	qsort(res->hits, res->nhits, sizeof(res->hits[0]), hit_cmp);
	free(c.v);
	free(qq);
	return SEARCH_OK;
nomem:
	free(c.v);
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
