/*
 * The document model as gopher text (item type 0): greedy word wrap in
 * UTF-8 columns, underlined title and headings, hanging indents for list
 * items, and bare URLs as numbered footnotes listed at the end.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render_gopher.h"
#include "utf8.h"

#define TABSTOP	8		/* tab stops when expanding tabs in pre */

/* --- footnotes: one number per distinct URL, in order of appearance --- */

struct note {
	const char	*url;		/* borrowed from the doc */
	int		 marked;	/* its " [n]" is already in the text */
};

struct notes {
	struct note	*v;		/* v[n - 1] is footnote n */
	size_t		 n, cap;
	size_t		*slots;		/* hash set: index + 1, 0 when free */
	size_t		 nslots;	/* a power of two, or 0 */
	int		 err;
};

static size_t
hash(const char *s)
{
	uint64_t	 h = 14695981039346656037u;	/* FNV-1a */

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211u;
	}
	return (size_t)h;
}

/* The footnote number of url, or 0. */
static size_t
notes_find(const struct notes *nt, const char *url)
{
	size_t	 i, k;

	if (nt->nslots == 0)
		return 0;
	for (i = hash(url) & (nt->nslots - 1); (k = nt->slots[i]) != 0;
	    i = (i + 1) & (nt->nslots - 1))
		if (strcmp(nt->v[k - 1].url, url) == 0)
			return k;
	return 0;
}

/* Numbers a URL not numbered yet; returns its number, or 0 on no memory. */
static size_t
notes_add(struct notes *nt, const char *url)
{
	struct note	*v;
	size_t		*slots, nslots, i, k;

	if (nt->err)
		return 0;
	if (nt->n == nt->cap) {
		k = nt->cap ? nt->cap * 2 : 16;
		if ((v = reallocarray(nt->v, k, sizeof(*v))) == NULL)
			goto fail;
		nt->v = v;
		nt->cap = k;
	}
	/* Keep the table at most half full so probes stay short. */
	if ((nt->n + 1) * 2 > nt->nslots) {
		nslots = nt->nslots ? nt->nslots * 2 : 32;
		if ((slots = calloc(nslots, sizeof(*slots))) == NULL)
			goto fail;
		for (k = 1; k <= nt->n; k++) {
			for (i = hash(nt->v[k - 1].url) & (nslots - 1);
			    slots[i] != 0; i = (i + 1) & (nslots - 1))
				;
			slots[i] = k;
		}
		free(nt->slots);
		nt->slots = slots;
		nt->nslots = nslots;
	}
	nt->v[nt->n].url = url;
	nt->v[nt->n].marked = 0;
	nt->n++;
	for (i = hash(url) & (nt->nslots - 1); nt->slots[i] != 0;
	    i = (i + 1) & (nt->nslots - 1))
		;
	nt->slots[i] = nt->n;
	return nt->n;
fail:
	nt->err = 1;
	return 0;
}

static void
notes_free(struct notes *nt)
{
	free(nt->v);
	free(nt->slots);
}

/* --- lines -------------------------------------------------------------- */

/*
 * Ends the line that started at offset start. A line that is exactly "."
 * is the end marker of RFC 1436; dot-doubling it would show ".." since
 * deployed clients do not undo it, so it goes out as " ." instead.
 */
static void
end_line(struct buf *out, size_t start)
{
	if (!out->err && out->len - start == 1 && out->data[start] == '.') {
		out->data[start] = ' ';
		buf_putc(out, '.');
	}
	buf_puts(out, "\r\n");
}

static void
put_repeat(struct buf *out, char c, size_t n)
{
	while (n-- > 0)
		buf_putc(out, c);
}

/* Appends s with TAB, CR and LF as spaces (tabs separate menu fields). */
static void
put_clean(struct buf *out, const char *s)
{
	size_t	 n;

	while (*s != '\0') {
		n = strcspn(s, "\t\r\n");
		buf_append(out, s, n);
		if (s[n] == '\0')
			break;
		buf_putc(out, ' ');
		s += n + 1;
	}
}

/* --- wrapping ----------------------------------------------------------- */

/*
 * " \t\n\v\f\r": white space breaks words and its runs collapse to one
 * space. A test per byte beats strspn's set-up on words this short.
 */
static int
is_wsbyte(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

#define ONES	0x0101010101010101ull
#define HIGHS	0x8080808080808080ull
#define LOWS	0x7f7f7f7f7f7f7f7full

/* 0x80 in each byte of w that is a space. */
static uint64_t
space_mask(uint64_t w)
{
	uint64_t	 x = w ^ (' ' * ONES);

	return ~(((x & LOWS) + LOWS) | x) & HIGHS;
}

/*
 * 0x80 in each byte of w that is_wsbyte(), exactly: (b | 0x80) - k keeps
 * its high bit when b's low 7 bits are >= k, never borrowing across bytes.
 */
static uint64_t
ws_mask(uint64_t w)
{
	uint64_t	 v = (w & LOWS) | HIGHS;

	return ((v - '\t' * ONES) & ~(v - ('\r' + 1) * ONES) & ~w & HIGHS) |
	    space_mask(w);
}

/*
 * The length of the word at s[0..len) (up to white space or len) and
 * whether it is all ASCII, a column per byte; eight bytes per step.
 */
static size_t
word_len(const char *s, size_t len, int *ascii)
{
	uint64_t	 w, m, high = 0;
	size_t		 i;

	for (i = 0; len - i >= 8; i += 8) {
		memcpy(&w, s + i, sizeof(w));
		if ((m = ws_mask(w)) != 0) {
			/* The bytes below the first white space. */
			m = (m & -m) - 1;
			*ascii = (high | (w & m & HIGHS)) == 0;
			return i + (size_t)__builtin_ctzll(m + 1) / 8;
		}
		high |= w & HIGHS;
	}
	for (; i < len && !is_wsbyte(s[i]); i++)
		high |= (unsigned char)s[i] & 0x80;
	*ascii = high == 0;
	return i;
}

/*
 * Words of a line go out in spans: text usually has single spaces
 * between words already, so consecutive words are copied as one run of
 * the source (pend), not word by word.
 */
struct wrap {
	struct buf	*out;
	size_t		 width;
	const char	*first, *rest;
	size_t		 firstcols, restcols;
	int		 open;		/* a line is open */
	size_t		 start;		/* its offset in out */
	size_t		 col;		/* its columns so far */
	size_t		 words;		/* its words so far */
	size_t		 lines;		/* lines ended */
	size_t		 maxcol;	/* widest line, prefix included */
	const char	*pend;		/* source not yet in out */
	size_t		 pendlen;
};

static void
wrap_flush(struct wrap *w)
{
	if (w->pendlen > 0)
		buf_append(w->out, w->pend, w->pendlen);
	w->pendlen = 0;
}

static void
wrap_end(struct wrap *w)
{
	if (!w->open)
		return;
	wrap_flush(w);
	end_line(w->out, w->start);
	if (w->col > w->maxcol)
		w->maxcol = w->col;
	w->lines++;
	w->open = 0;
}

/*
 * Places a word of cols columns. need is the room it must find on the
 * current line to stay there: cols, or more when a footnote marker will
 * follow it. A word that does not fit starts a new line; on a line of its
 * own a word may exceed the width, since words are never split.
 */
static void
wrap_word(struct wrap *w, const char *word, size_t len, size_t cols,
    size_t need)
{
	if (w->open && w->words > 0 && w->col + 1 + need > w->width)
		wrap_end(w);
	if (!w->open) {
		w->open = 1;
		w->start = w->out->len;
		w->words = 0;
		if (w->lines == 0) {
			buf_puts(w->out, w->first);
			w->col = w->firstcols;
		} else {
			buf_puts(w->out, w->rest);
			w->col = w->restcols;
		}
	}
	if (w->words > 0) {
		w->col++;
		/* One space between them in the source: the span grows. */
		if (w->pendlen > 0 && word == w->pend + w->pendlen + 1 &&
		    w->pend[w->pendlen] == ' ') {
			w->pendlen += 1 + len;
			w->col += cols;
			w->words++;
			return;
		}
		wrap_flush(w);
		buf_putc(w->out, ' ');
	}
	w->pend = word;
	w->pendlen = len;
	w->col += cols;
	w->words++;
}

/*
 * Words that fit at once: s is the space after the open line's last word
 * and room the columns left. Returns the bytes from s to the end of the
 * last following word that fits, when all of them are plain (ASCII, a
 * column a byte, single spaces apart): the line takes them as they are,
 * as word by word it would. 0 when the next word is not plain or too long.
 */
static size_t
plain_run(const char *s, size_t len, size_t room)
{
	size_t		 i, lim = room < len ? room : len, e = 0;
	uint64_t	 w, sp, bad, prevsp = 1;	/* s[0] is a space */

	/* Eight bytes a step while all are before lim (and the NUL). */
	for (i = 1; i + 8 <= lim; i += 8) {
		memcpy(&w, s + i, sizeof(w));
		sp = space_mask(w);
		/* Not ASCII, other white space, or a space after a space. */
		bad = (w & HIGHS) | (ws_mask(w) & ~sp) |
		    (sp & ((sp << 8) | (prevsp << 7)));
		if (bad != 0) {
			/* The spaces before the first bad byte. */
			sp &= ((uint64_t)1 << (__builtin_ctzll(bad) & ~7)) - 1;
			if (sp != 0)
				e = i + (size_t)(63 - __builtin_clzll(sp)) / 8;
			return e;
		}
		if (sp != 0)
			e = i + (size_t)(63 - __builtin_clzll(sp)) / 8;
		prevsp = sp >> 63;
	}
	for (; i <= lim; i++) {
		if (s[i] == ' ') {
			if (s[i - 1] == ' ')
				break;
			e = i;
		} else if (s[i] == '\0') {	/* i == len: the text ends */
			if (s[i - 1] != ' ')
				e = i;
			break;
		} else if ((unsigned char)s[i] >= 0x80 || is_wsbyte(s[i]))
			break;
	}
	return e;
}

/* The longest of the block's URLs inside word, or NULL. */
static const char *
find_link(const struct block *b, const char *word, size_t len)
{
	const char	*best = NULL;
	size_t		 i, n, bestlen = 0;

	/* Every URL has a scheme, hence a colon: skip plain words fast. */
	if (memchr(word, ':', len) == NULL)
		return NULL;
	for (i = 0; i < b->nlinks; i++) {
		if (b->links[i] == NULL)
			continue;
		n = strlen(b->links[i]);
		if (n > bestlen && n <= len &&
		    memmem(word, len, b->links[i], n) != NULL) {
			best = b->links[i];
			bestlen = n;
		}
	}
	return best;
}

/*
 * Wraps text; with nt and b, the first occurrence in the document of each
 * of the block's URLs gets " [n]" after its word. Returns the columns of
 * the widest line, prefix included.
 */
static size_t
wrap_text(struct buf *out, const char *text, size_t width, const char *first,
    const char *rest, struct notes *nt, const struct block *b)
{
	struct wrap	 w;
	const char	*url;
	const char	*end = text + strlen(text);
	char		 mark[32];
	size_t		 len, cols, mcols, num = 0;
	int		 n, ascii;
	/* No word can be a link: runs of words may go at once. */
	int		 plain = nt == NULL || b == NULL || b->nlinks == 0;

	memset(&w, 0, sizeof(w));
	w.out = out;
	w.width = width;
	w.first = first;
	w.rest = rest;
	w.firstcols = utf8_columns(first, strlen(first));
	w.restcols = utf8_columns(rest, strlen(rest));

	for (;;) {
		if (plain && w.pendlen > 0 && text == w.pend + w.pendlen &&
		    *text == ' ' && w.col < w.width &&
		    (len = plain_run(text, (size_t)(end - text),
		    w.width - w.col)) > 0) {
			w.pendlen += len;
			w.col += len;
			w.words++;
			text += len;
		}
		while (is_wsbyte(*text))
			text++;
		if (*text == '\0')
			break;
		len = word_len(text, (size_t)(end - text), &ascii);
		cols = ascii ? len : utf8_columns(text, len);
		url = NULL;
		if (nt != NULL && b != NULL && b->nlinks > 0 &&
		    (url = find_link(b, text, len)) != NULL) {
			if ((num = notes_find(nt, url)) == 0)
				num = notes_add(nt, url);
			/*
			 * num > 0 only once nt->v holds that note.
			 * NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
			if (num == 0 || nt->v[num - 1].marked)
				url = NULL;
			else
				nt->v[num - 1].marked = 1;
		}
		if (url == NULL) {
			/* Inline, wrap_word()'s common case: the word fits
			 * and follows the span after a single space. */
			if (w.pendlen > 0 && w.col + 1 + cols <= w.width &&
			    text == w.pend + w.pendlen + 1 &&
			    w.pend[w.pendlen] == ' ') {
				w.pendlen += 1 + len;
				w.col += 1 + cols;
				w.words++;
			} else
				wrap_word(&w, text, len, cols, cols);
			text += len;
			continue;
		}
		n = snprintf(mark, sizeof(mark), "[%zu]", num);
		if (n < 0 || (size_t)n >= sizeof(mark)) {
			out->err = 1;
			break;
		}
		mcols = (size_t)n;
		/*
		 * "URL [n]" is one unit: a marker alone at the start of a
		 * line would not say what it refers to.
		 */
		wrap_word(&w, text, len, cols, cols + 1 + mcols);
		wrap_flush(&w);
		buf_putc(out, ' ');
		buf_append(out, mark, mcols);
		w.col += 1 + mcols;
		text += len;
	}
	wrap_end(&w);
	return w.maxcol;
}

/*
 * Greedy wrap; whitespace runs collapse to one space. Text with no words
 * produces no line at all, so an empty block leaves no stray prefix.
 */
void
gopher_wrap(struct buf *out, const char *text, size_t width,
    const char *first, const char *rest)
{
	wrap_text(out, text, width, first, rest, NULL, NULL);
}

/* --- blocks ------------------------------------------------------------- */

/* Wrapped text underlined with c for the columns of its widest line. */
static void
underlined(struct buf *out, const char *text, size_t width, char c,
    struct notes *nt, const struct block *b)
{
	size_t	 cols;

	cols = wrap_text(out, text, width, "", "", nt, b);
	if (cols > 0) {
		put_repeat(out, c, cols);
		buf_puts(out, "\r\n");
	}
}

/*
 * Preformatted lines verbatim, never wrapped: CR dropped, tabs expanded to
 * spaces (a TAB has no place in gopher output), a lone "." made " .".
 */
static void
render_pre(struct buf *out, const char *s)
{
	size_t		 start, col, n;
	uint32_t	 cp;
	int		 r;

	for (;;) {
		start = out->len;
		col = 0;
		while (*s != '\0' && *s != '\n') {
			if (*s == '\r') {
				s++;
				continue;
			}
			if (*s == '\t') {
				n = TABSTOP - col % TABSTOP;
				put_repeat(out, ' ', n);
				col += n;
				s++;
				continue;
			}
			r = utf8_decode(s, strnlen(s, 4), &cp);
			n = r < 0 ? 1 : (size_t)r;
			buf_append(out, s, n);
			col += utf8_columns(s, n);
			s += n;
		}
		end_line(out, start);
		if (*s == '\0')
			break;
		s++;
	}
}

static void
render_block(struct buf *out, const struct block *b, size_t width,
    struct notes *nt)
{
	char	 first[32], rest[32];
	size_t	 i;
	int	 n;

	switch (b->type) {
	case BLOCK_HEADING:
		underlined(out, b->text, width, '-', nt, b);
		break;
	case BLOCK_ITEM:
		if (b->number > 0)
			n = snprintf(first, sizeof(first), "  %d. ",
			    b->number);
		else
			n = snprintf(first, sizeof(first), "  - ");
		if (n < 0 || (size_t)n >= sizeof(first)) {
			out->err = 1;
			return;
		}
		memset(rest, ' ', (size_t)n);
		rest[n] = '\0';
		wrap_text(out, b->text, width, first, rest, nt, b);
		break;
	case BLOCK_QUOTE:
		wrap_text(out, b->text, width, "> ", "> ", nt, b);
		break;
	case BLOCK_PRE:
		render_pre(out, b->text);
		break;
	case BLOCK_PARAGRAPH:
	default:
		wrap_text(out, b->text, width, "", "", nt, b);
		break;
	}
	/*
	 * URLs the text did not show as words (preformatted text cannot
	 * take markers) are still listed, numbered in document order.
	 */
	for (i = 0; i < b->nlinks; i++)
		if (b->links[i] != NULL && b->links[i][0] != '\0' &&
		    notes_find(nt, b->links[i]) == 0)
			notes_add(nt, b->links[i]);
}

/*
 * Title underlined with '=', then "DATE · by AUTHOR" and "Tags: a, b",
 * then the blocks, each after a blank line, except that consecutive list
 * items stay together as one list. Footnotes close the text under a
 * "Links" heading: "[n] URL", never wrapped so a URL is never split.
 */
void
render_gopher(struct buf *out, const struct doc *d, size_t width)
{
	struct notes		 nt;
	struct buf		 tmp;
	const struct block	*b, *prev = NULL;
	size_t			 i, start = out->len;

	memset(&nt, 0, sizeof(nt));
	buf_init(&tmp);

	if (d->title != NULL)
		underlined(out, d->title, width, '=', NULL, NULL);

	buf_append(&tmp, d->date, strnlen(d->date, sizeof(d->date)));
	if (d->author != NULL && d->author[0] != '\0') {
		if (tmp.len > 0)
			buf_puts(&tmp, " · ");
		buf_puts(&tmp, "by ");
		buf_puts(&tmp, d->author);
	}
	if (tmp.len > 0 && !tmp.err)
		gopher_wrap(out, tmp.data, width, "", "");

	if (d->ntags > 0) {
		buf_reset(&tmp);
		buf_puts(&tmp, "Tags: ");
		for (i = 0; i < d->ntags; i++) {
			if (i > 0)
				buf_puts(&tmp, ", ");
			buf_puts(&tmp, d->tags[i]);
		}
		if (!tmp.err)
			gopher_wrap(out, tmp.data, width, "", "");
	}
	if (tmp.err)
		out->err = 1;
	buf_free(&tmp);

	for (i = 0; i < d->nblocks; i++) {
		b = &d->blocks[i];
		if (!block_has_text(b))
			continue;
		if (out->len > start && !(prev != NULL &&
		    prev->type == BLOCK_ITEM && b->type == BLOCK_ITEM))
			buf_puts(out, "\r\n");
		render_block(out, b, width, &nt);
		prev = b;
	}

	if (nt.n > 0) {
		if (out->len > start)
			buf_puts(out, "\r\n");
		underlined(out, "Links", width, '-', NULL, NULL);
		buf_puts(out, "\r\n");
		for (i = 0; i < nt.n; i++) {
			buf_printf(out, "[%zu] ", i + 1);
			put_clean(out, nt.v[i].url);
			buf_puts(out, "\r\n");
		}
	}
	if (nt.err)
		out->err = 1;
	notes_free(&nt);
}
