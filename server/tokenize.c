/*
 * Splitting UTF-8 text into folded words. ASCII goes through one table
 * lookup per byte (the index reads tens of megabytes at startup); other
 * code points are decoded and classed: separator (punctuation, spaces,
 * symbols), ignorable inside a word (combining marks, soft hyphen,
 * joiners) or a letter, folded where a fold is known.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tokenize.h"
#include "translit.h"
#include "utf8.h"

/* ASCII letters and digits folded to lowercase; 0 separates words. */
static const char ascii_fold[128] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	'0', '1', '2', '3', '4', '5', '6', '7',
	'8', '9', 0, 0, 0, 0, 0, 0,
	0, 'a', 'b', 'c', 'd', 'e', 'f', 'g',
	'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w',
	'x', 'y', 'z', 0, 0, 0, 0, 0,
	0, 'a', 'b', 'c', 'd', 'e', 'f', 'g',
	'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w',
	'x', 'y', 'z', 0, 0, 0, 0, 0,
};

/* Sorted for bsearch. Contraction tails ("don't" splits) are here too. */
static const char *const stopwords[] = {
	"a", "about", "an", "and", "are", "as", "at", "be", "but", "by",
	"d", "for", "from", "had", "has", "have", "he", "her", "his", "i",
	"if", "in", "into", "is", "it", "its", "ll", "m", "me", "my", "of",
	"on", "or", "our", "re", "s", "she", "so", "t", "than", "that",
	"the", "their", "them", "then", "there", "these", "they", "this",
	"to", "ve", "was", "we", "were", "what", "which", "will", "with",
	"you", "your",
};

enum cls { C_SEP, C_IGNORE, C_LETTER };

/*
 * Punctuation, spaces and symbols outside ASCII, by the blocks that hold
 * them: Latin-1 punctuation, general and supplemental punctuation,
 * currency, letterlike and technical symbols, arrows, shapes, dingbats,
 * CJK and fullwidth punctuation, specials and emoji.
 */
static int
separator(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0xbf && cp != 0xad) ||
	    cp == 0xd7 || cp == 0xf7 || cp == 0x2bc || cp == 0x37e ||
	    cp == 0x387 || (cp >= 0x55a && cp <= 0x55f) || cp == 0x589 ||
	    cp == 0x5be || cp == 0x5c0 || cp == 0x5c3 || cp == 0x5f3 ||
	    cp == 0x5f4 || cp == 0x60c || cp == 0x61b || cp == 0x61f ||
	    (cp >= 0x66a && cp <= 0x66d) || cp == 0x6d4 || cp == 0x964 ||
	    cp == 0x965 || cp == 0xe4f || cp == 0xe5a || cp == 0xe5b ||
	    cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200b) ||
	    (cp >= 0x2010 && cp <= 0x205f) || (cp >= 0x20a0 && cp <= 0x20cf) ||
	    (cp >= 0x2100 && cp <= 0x2bff) || (cp >= 0x2e00 && cp <= 0x2e7f) ||
	    (cp >= 0x3000 && cp <= 0x3004) || (cp >= 0x3008 && cp <= 0x3020) ||
	    cp == 0x3030 || (cp >= 0xfe10 && cp <= 0xfe1f) ||
	    (cp >= 0xfe30 && cp <= 0xfe6f) || (cp >= 0xff01 && cp <= 0xff0f) ||
	    (cp >= 0xff1a && cp <= 0xff20) || (cp >= 0xff3b && cp <= 0xff40) ||
	    (cp >= 0xff5b && cp <= 0xff65) || (cp >= 0xfff0 && cp <= 0xffff) ||
	    (cp >= 0x1f000 && cp <= 0x1faff);
}

/* Marks and invisible joiners: part of the word, but no letter of it. */
static int
ignorable(uint32_t cp)
{
	return cp == 0xad || (cp >= 0x300 && cp <= 0x36f) ||
	    (cp >= 0x1ab0 && cp <= 0x1aff) || (cp >= 0x1dc0 && cp <= 0x1dff) ||
	    (cp >= 0x20d0 && cp <= 0x20ff) || (cp >= 0xfe20 && cp <= 0xfe2f) ||
	    (cp >= 0x200c && cp <= 0x200f) || (cp >= 0x2060 && cp <= 0x206f) ||
	    cp == 0xfe0f || cp == 0xfeff;
}

/* Simple lowercase where it is one addition; the code point otherwise. */
static uint32_t
lower(uint32_t cp)
{
	if ((cp >= 0x391 && cp <= 0x3a9 && cp != 0x3a2) ||
	    (cp >= 0x410 && cp <= 0x42f))
		return cp + 0x20;
	if (cp == 0x3c2)		/* final sigma */
		return 0x3c3;
	if (cp >= 0x400 && cp <= 0x40f)
		return cp + 0x50;
	if (cp >= 0xff21 && cp <= 0xff3a)	/* fullwidth Latin */
		return 'a' + (cp - 0xff21);
	if (cp >= 0xff41 && cp <= 0xff5a)
		return 'a' + (cp - 0xff41);
	if (cp >= 0xff10 && cp <= 0xff19)
		return '0' + (cp - 0xff10);
	return cp;
}

/* The class of cp; for a letter, its folded UTF-8 in out (<= 4 bytes). */
static enum cls
classify(uint32_t cp, char *out, size_t *outlen)
{
	const char	*r;
	size_t		 i;

	/* Latin-1 and Latin Extended first: most text that is not ASCII. */
	if (cp < 0xc0)
		return cp == 0xad ? C_IGNORE : C_SEP;
	if (cp >= 0x250 && separator(cp))
		return C_SEP;
	if (cp >= 0x250 && ignorable(cp))
		return C_IGNORE;
	if (cp == 0xd7 || cp == 0xf7)
		return C_SEP;
	if ((r = translit_latin(cp)) != NULL) {
		for (i = 0; r[i] != '\0'; i++)
			out[i] = ascii_fold[(unsigned char)r[i] & 0x7f];
		*outlen = i;
		return C_LETTER;
	}
	*outlen = utf8_encode(lower(cp), out);
	return C_LETTER;
}

/* One step of term_hash(): the next eight bytes of the term. */
static uint64_t
hash_step(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xff51afd7ed558ccdull;
	return h ^ (h >> 29);
}

static uint32_t
hash_end(uint64_t h)
{
	h *= 0xc4ceb9fe1a85ec53ull;
	return (uint32_t)(h ^ (h >> 32));
}

#define HASH_SEED	0x9e3779b97f4a7c15ull

/* Word at a time over the zero-padded term: FNV would cost a multiply
 * per byte, and the index hashes every word of every article. */
static uint32_t
term_hash(const char *s, size_t len)
{
	uint64_t	 h = HASH_SEED ^ len, w;
	size_t		 i;

	for (i = 0; i < len; i += 8) {
		memcpy(&w, s + i, sizeof(w));
		h = hash_step(h, w);
	}
	return hash_end(h);
}

#define ONES	0x0101010101010101ull
#define HIGHS	0x8080808080808080ull

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SWAR	1
#else
#define SWAR	0
#endif

/*
 * 0x80 in each byte of w that is an ASCII letter or digit (SWAR: eight
 * bytes per step, no carry crosses a byte because every byte is below
 * 0x80 when added to). Letters are compared with bit 5 set, which
 * lowercases A-Z and moves no other byte into a-z.
 */
static uint64_t
alnum_mask(uint64_t w)
{
	uint64_t	 v = w & ~HIGHS, l = v | 0x20 * ONES;
	uint64_t	 letter, digit;

	letter = (l + (0x80 - 'a') * ONES) & ~(l + (0x7f - 'z') * ONES);
	digit = (v + (0x80 - '0') * ONES) & ~(v + (0x7f - '9') * ONES);
	return (letter | digit) & ~w & HIGHS;
}

/* The first byte at or after i that is an ASCII letter or digit or not
 * ASCII at all. */
static size_t
skip_ascii_sep(const unsigned char *u, size_t i, size_t len)
{
	uint64_t	 w, m;

	if (SWAR)
		for (; len - i >= 8; i += 8) {
			memcpy(&w, u + i, sizeof(w));
			if ((m = alnum_mask(w) | (w & HIGHS)) != 0)
				return i + (size_t)__builtin_ctzll(m) / 8;
		}
	while (i < len && u[i] < 0x80 && ascii_fold[u[i]] == 0)
		i++;
	return i;
}

/*
 * Copies the ASCII letters and digits from i on into term (lowercased;
 * digits keep their value with bit 5 set), up to TOKEN_MAX bytes in all;
 * returns where they end. term has 8 bytes of room past TOKEN_MAX.
 * *padded tells that the term's zero padding is written already: by one
 * aligned 8-byte store, which term_hash() then reads back without the
 * stall of a load that spans several stores.
 */
static size_t
copy_ascii_word(const unsigned char *u, size_t i, size_t len, char *term,
    size_t *np, int *padded)
{
	uint64_t	 w, m;
	size_t		 n = *np, k;

	*padded = 0;
	if (SWAR)
		for (; len - i >= 8; i += k) {
			memcpy(&w, u + i, sizeof(w));
			m = ~alnum_mask(w) & HIGHS;
			k = m == 0 ? 8 : (size_t)__builtin_ctzll(m) / 8;
			w |= 0x20 * ONES;
			if (k < 8)
				w &= ((uint64_t)1 << (8 * k)) - 1;
			if (n < TOKEN_MAX) {
				memcpy(term + n, &w, sizeof(w));
				*padded = k < 8 && n % 8 == 0 &&
				    n + k <= TOKEN_MAX;
				n = n + k < TOKEN_MAX ? n + k : TOKEN_MAX;
			}
			if (k < 8) {
				*np = n;
				return i + k;
			}
		}
	while (i < len && u[i] < 0x80 && ascii_fold[u[i]] != 0) {
		term[n] = ascii_fold[u[i]];
		n += n < TOKEN_MAX;
		i++;
		*padded = 0;
	}
	*np = n;
	return i;
}

/*
 * The general case: runs of ASCII go eight bytes at a time, and only
 * bytes that are not ASCII are decoded and classed. Kept out of line so
 * that token_next()'s fast path stays small.
 */
static int __attribute__((noinline))
token_slow(const char *s, size_t len, size_t *pos, struct token *t)
{
	const unsigned char	*u = (const unsigned char *)s;
	char			*term = t->term, f[4];
	size_t			 i = *pos, n = 0, start, end, flen;
	uint32_t		 cp;
	int			 k, padded = 0;

	/* Up to the first letter of a word. */
	for (;;) {
		if ((i = skip_ascii_sep(u, i, len)) >= len) {
			*pos = i;
			return 0;
		}
		if (u[i] < 0x80)
			break;
		if ((k = utf8_decode(s + i, len - i, &cp)) < 0) {
			i++;
			continue;
		}
		if (classify(cp, f, &flen) == C_LETTER)
			break;
		i += (size_t)k;		/* a separator, or a stray mark */
	}
	start = i;
	for (;;) {
		end = i = copy_ascii_word(u, i, len, term, &n, &padded);
		if (i >= len || u[i] < 0x80)
			break;
		if ((k = utf8_decode(s + i, len - i, &cp)) < 0)
			break;		/* an invalid byte separates */
		switch (classify(cp, f, &flen)) {
		case C_SEP:
			goto done;
		case C_LETTER:
			/* Whole code points only: a cut word stays UTF-8. */
			if (n + flen <= TOKEN_MAX) {
				memcpy(term + n, f, flen);
				n += flen;
			}
			padded = 0;
			break;
		case C_IGNORE:
			break;
		}
		i += (size_t)k;
	}
done:
	if (!padded)
		memset(term + n, 0, 8);
	t->start = start;
	t->end = end;
	t->len = n;
	t->hash = term_hash(term, n);
	*pos = i;
	return 1;
}

/*
 * The hot loop of the index build. Most words are short and ASCII, and
 * end in ASCII: such a word is found, folded, padded and hashed in one
 * or two 8-byte registers, the same bytes and hash token_slow() gives.
 */
int
token_next(const char *s, size_t len, size_t *pos, struct token *t)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = *pos, k;
	uint64_t		 w, w2, m, h;

	/* ASCII separators are never part of a word: skipping them first
	 * does not change what token_slow() finds. */
	while (i < len && u[i] < 0x80 && ascii_fold[u[i]] == 0)
		i++;
	if (!SWAR || len - i < 8 || u[i] >= 0x80)
		goto slow;
	memcpy(&w, u + i, sizeof(w));
	/* u[i] is a letter or digit, so the first other byte is at k >= 1. */
	if ((m = ~alnum_mask(w) & HIGHS) != 0) {
		k = (size_t)__builtin_ctzll(m) / 8;
		if (u[i + k] >= 0x80)
			goto slow;
		w = (w | 0x20 * ONES) & (((uint64_t)1 << (8 * k)) - 1);
		memcpy(t->term, &w, sizeof(w));
		memset(t->term + 8, 0, 8);
		h = hash_step(HASH_SEED ^ k, w);
	} else {
		/* Eight letters or digits: a word of up to 15 bytes. */
		if (len - i < 16)
			goto slow;
		memcpy(&w2, u + i + 8, sizeof(w2));
		if ((m = ~alnum_mask(w2) & HIGHS) == 0)
			goto slow;
		k = 8 + (size_t)__builtin_ctzll(m) / 8;
		if (u[i + k] >= 0x80)
			goto slow;
		w |= 0x20 * ONES;
		w2 = (w2 | 0x20 * ONES) & (((uint64_t)1 << (8 * (k - 8))) - 1);
		memcpy(t->term, &w, sizeof(w));
		memcpy(t->term + 8, &w2, sizeof(w2));
		memset(t->term + 16, 0, 8);
		/* term_hash() takes as many steps as the term has 8 bytes. */
		h = hash_step(HASH_SEED ^ k, w);
		if (k > 8)
			h = hash_step(h, w2);
	}
	t->start = i;
	t->end = i + k;
	t->len = k;
	t->hash = hash_end(h);
	*pos = i + k;
	return 1;
slow:
	*pos = i;
	return token_slow(s, len, pos, t);
}

static int
stop_cmp(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

int
token_stopword(const char *term, size_t len)
{
	if (len == 0 || len > 5)
		return 0;
	return bsearch(term, stopwords, sizeof(stopwords) /
	    sizeof(stopwords[0]), sizeof(stopwords[0]), stop_cmp) != NULL;
}
