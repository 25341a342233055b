/*
 * Articles: plain text to the document model in one pass per stage.
 *
 * 1. Checks: empty, binary.  2. Normalisation: BOM removed, CRLF and CR
 * to LF, invalid UTF-8 to U+FFFD, into a new buffer only when something
 * changes.  3. The text is cut into a line array (no copies).  4. Header
 * block, sidecar, title and its repeats.  5. Structure recovery: every
 * block's text is built in a reused scratch buffer and copied once, so
 * the cost is linear and allocations are per block, never per character.
 * The passes over the whole source (checks, normalisation, folding) go
 * eight bytes at a time where the text is plain.
 *
 * Words are never lost: the only lines removed are the leading repeats of
 * the title (the title is kept in doc.title) and the operator's exact
 * drop_lines. Fenced blocks are author markup and kept verbatim, so
 * drop_lines do not apply inside them.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "article.h"
#include "buf.h"
#include "log.h"
#include "utf8.h"

#define ARTICLE_MAX	(16u * 1024 * 1024)	/* larger sources are refused */
#define META_MAX	(1u * 1024 * 1024)
#define HEADING_COLS	80
#define TAB_STOP	8
#define PRE_INDENT	4			/* columns making a pre line */
#define ITEM_INDENT	2			/* columns of a continuation */

struct line {
	const char	*s;
	size_t		 len;
	size_t		 no;		/* 1-based, as in the source file */
};

enum key { KEY_NONE = -1, KEY_TITLE, KEY_DATE, KEY_AUTHOR, KEY_TAGS };

/* Metadata from one origin: the in-file header or the sidecar. */
struct meta {
	char		*title;
	char		*author;
	char		**tags;
	size_t		 ntags;
	int		 has_tags;
	int		 has_date;
	char		 date[11];
	int		 err;
};

struct parser {
	const char			*name;
	const struct article_opts	*opts;
	struct line			*lines;
	size_t				 nlines;
	struct block			*blocks;
	size_t				 nblocks;
	size_t				 cap;
	struct buf			 scratch;
	int				 err;
};

/* --- small byte helpers (ASCII only: no locale may change parsing) ---- */

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_alnum(char c)
{
	return is_alpha(c) || is_digit(c);
}

static char
to_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static void
trim(const char **s, size_t *len)
{
	while (*len > 0 && is_ws(**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && is_ws((*s)[*len - 1]))
		(*len)--;
}

static int
is_blank(const struct line *l)
{
	size_t	 i;

	for (i = 0; i < l->len; i++)
		if (!is_ws(l->s[i]))
			return 0;
	return 1;
}

static int
starts_with(const char *s, size_t len, const char *prefix)
{
	size_t	 n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

/* Columns of leading whitespace, tabs to the next tab stop. */
static size_t
indent_cols(const char *s, size_t len, size_t *bytes)
{
	size_t	 i, col = 0;

	for (i = 0; i < len && is_ws(s[i]); i++)
		col = s[i] == '\t' ? (col / TAB_STOP + 1) * TAB_STOP : col + 1;
	if (bytes != NULL)
		*bytes = i;
	return col;
}

/* Equal after trimming, with whitespace runs folded and ASCII case ignored. */
static int
fold_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t	 i = 0, j = 0;

	trim(&a, &alen);
	trim(&b, &blen);
	while (i < alen && j < blen) {
		if (is_ws(a[i]) && is_ws(b[j])) {
			while (i < alen && is_ws(a[i]))
				i++;
			while (j < blen && is_ws(b[j]))
				j++;
			continue;
		}
		if (to_lower(a[i]) != to_lower(b[j]))
			return 0;
		i++;
		j++;
	}
	return i == alen && j == blen;
}

/*
 * Word-at-a-time helpers for the passes over a whole source: eight bytes
 * per step. Every mask below is exact per byte (no carry or borrow
 * crosses a byte), so popcount and ctz may be used on it.
 */
#define ONES	0x0101010101010101ull
#define HIGHS	0x8080808080808080ull
#define LOWS	0x7f7f7f7f7f7f7f7full

static uint64_t
load8(const char *s)
{
	uint64_t	 w;

	memcpy(&w, s, sizeof(w));
	return w;
}

/* 0x80 in each byte of w that is zero. */
static uint64_t
zero_mask(uint64_t w)
{
	return ~(((w & LOWS) + LOWS) | w) & HIGHS;
}

/* 0x80 in each byte of w equal to c. */
static uint64_t
byte_mask(uint64_t w, unsigned char c)
{
	return zero_mask(w ^ (c * ONES));
}

/*
 * 0x80 in each byte of w that is ASCII and in [lo, hi), lo < hi <= 0x80:
 * (b | 0x80) - k keeps its high bit exactly when b's low 7 bits are >= k,
 * and never borrows from the next byte.
 */
static uint64_t
range_mask(uint64_t w, unsigned char lo, unsigned char hi)
{
	uint64_t	 v = (w & LOWS) | HIGHS;

	return (v - lo * ONES) & ~(v - hi * ONES) & ~w & HIGHS;
}

/* 0x80 in each byte of w that is_ws(): space, TAB, VT or FF. */
static uint64_t
ws_mask(uint64_t w)
{
	return (range_mask(w, '\t', '\r') & ~byte_mask(w, '\n')) |
	    byte_mask(w, ' ');
}

/*
 * The first white space byte at or after i that folding changes: any
 * but a single space before a word. s[0..len) is trimmed, so s[i + 1]
 * exists after white space.
 */
static size_t
next_fold(const char *s, size_t i, size_t len)
{
	uint64_t	 w, ws, sp, next, m;

	for (; len - i > 8; i += 8) {
		w = load8(s + i);
		if ((ws = ws_mask(w)) == 0)
			continue;
		sp = byte_mask(w, ' ');
		/* White space in the byte after each byte of w. */
		next = (ws >> 8) | (is_ws(s[i + 8]) ? (uint64_t)0x80 << 56 : 0);
		if ((m = (ws & ~sp) | (sp & next)) != 0)
			return i + (size_t)__builtin_ctzll(m) / 8;
	}
	for (; i < len; i++)
		if (is_ws(s[i]) && (s[i] != ' ' || is_ws(s[i + 1])))
			return i;
	return len;
}

/*
 * Appends s trimmed, whitespace runs folded to one space. Text mostly
 * has single spaces already, so it goes out in spans as long as possible.
 */
static void
append_folded(struct buf *b, const char *s, size_t len)
{
	size_t	 i, st = 0;

	trim(&s, &len);
	while ((i = next_fold(s, st, len)) < len) {
		buf_append(b, s + st, i - st);
		buf_putc(b, ' ');
		while (is_ws(s[i]))
			i++;
		st = i;
	}
	buf_append(b, s + st, len - st);
}

static char *
dup_folded(const char *s, size_t len)
{
	struct buf	 b;

	buf_init(&b);
	append_folded(&b, s, len);
	return buf_steal(&b, NULL);
}

/* Letters present and none of them lower case (ASCII). */
static int
all_caps(const char *s, size_t len)
{
	size_t	 i;
	int	 letters = 0;

	for (i = 0; i < len; i++) {
		if (s[i] >= 'a' && s[i] <= 'z')
			return 0;
		if (s[i] >= 'A' && s[i] <= 'Z')
			letters = 1;
	}
	return letters;
}

/* A word needs a letter or digit; any non-ASCII text but U+FFFD counts. */
static int
has_word(const char *s, size_t len)
{
	size_t		 i = 0;
	uint32_t	 cp;
	int		 n;

	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			if (is_alnum(s[i]))
				return 1;
			i++;
			continue;
		}
		n = utf8_decode(s + i, len - i, &cp);
		if (n < 0)
			n = 1;
		else if (cp != UTF8_REPLACEMENT && cp != 0xa0)
			return 1;
		i += (size_t)n;
	}
	return 0;
}

/* --- checks and normalisation ------------------------------------------ */

/*
 * 0x80 in each byte of w that skip_reason() counts as a control: below
 * 0x20 but not TAB, LF, VT, FF or CR (0x09-0x0d), or DEL. NUL counts.
 */
static uint64_t
ctrl_mask(uint64_t w)
{
	return (range_mask(w, 0, 0x20) & ~range_mask(w, '\t', '\r' + 1)) |
	    byte_mask(w, 0x7f);
}

static int
is_ctrl(unsigned char c)
{
	return (c < 0x20 && (c < 0x09 || c > 0x0d)) || c == 0x7f;
}

static int
skip_reason(const char *name, const char *s, size_t len)
{
	size_t		 i, ctrl = 0;
	uint64_t	 w, m;
	int		 nul = 0;

	/*
	 * One pass counts the controls (a NUL among them): real text has
	 * almost none, so nearly every step ends at the cheap test.
	 */
	for (i = 0; len - i >= 8; i += 8) {
		w = load8(s + i);
		/* Exact for "none": no byte below 0x20 (mostly LF), no DEL. */
		if (((((w - 0x20 * ONES) & ~w) | byte_mask(w, 0x7f)) &
		    HIGHS) == 0 || (m = ctrl_mask(w)) == 0)
			continue;
		ctrl += (size_t)__builtin_popcountll(m);
		nul |= zero_mask(w) != 0;
	}
	for (; i < len; i++) {
		ctrl += is_ctrl((unsigned char)s[i]);
		nul |= s[i] == '\0';
	}
	if (nul) {
		log_warn("%s: skipped: binary file (NUL bytes)", name);
		return -1;
	}
	/* Text: anything but white space (a control is text too). */
	for (i = 0; i < len && (s[i] == ' ' || (s[i] >= 0x09 && s[i] <= 0x0d));
	    i++)
		;
	if (i == len) {
		log_warn("%s: skipped: empty file (whitespace only)", name);
		return -1;
	}
	/* "Mostly": more than a quarter of the bytes; real text has ~none. */
	if (ctrl * 4 > len) {
		log_warn("%s: skipped: binary file (mostly control characters)",
		    name);
		return -1;
	}
	return 0;
}

/* LF bytes in s[from..to). */
static size_t
count_lf(const char *s, size_t from, size_t to)
{
	const char	*p = s + from, *end = s + to;
	size_t		 n = 0;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}

/* The first byte at or after i that is CR or not ASCII, or len. */
static size_t
next_special(const char *s, size_t i, size_t len)
{
	uint64_t	 w, m;

	for (; len - i >= 8; i += 8) {
		w = load8(s + i);
		if ((m = (w & HIGHS) | byte_mask(w, '\r')) != 0)
			return i + (size_t)__builtin_ctzll(m) / 8;
	}
	while (i < len && (unsigned char)s[i] < 0x80 && s[i] != '\r')
		i++;
	return i;
}

/*
 * Line endings to LF, BOM removed, invalid UTF-8 repaired with one warning
 * per affected line. Line numbers are kept: CRLF and CR each end one line.
 * Most sources need none of it: then *out points into s and *owned is
 * NULL, else *out is *owned, a NUL-terminated copy. 0, or -1 (no memory).
 * The line number is only counted up to a CR or a repair, where needed.
 */
static int
normalise(const char *name, const char *s, size_t len, const char **out,
    size_t *outlen, char **owned)
{
	struct buf	 b;
	size_t		 i = 0, start, run, line = 1, lpos, warned = 0;
	uint32_t	 cp;
	int		 n;
	static const char repl[] = "\xef\xbf\xbd";

	*owned = NULL;
	buf_init(&b);
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	start = run = lpos = i;
	while ((i = next_special(s, i, len)) < len) {
		if (s[i] == '\r') {
			buf_append(&b, s + run, i - run);
			buf_putc(&b, '\n');
			line += count_lf(s, lpos, i) + 1;
			if (i + 1 < len && s[i + 1] == '\n')
				i++;
			run = lpos = ++i;
			continue;
		}
		if ((n = utf8_decode(s + i, len - i, &cp)) > 0) {
			i += (size_t)n;
			continue;
		}
		buf_append(&b, s + run, i - run);
		buf_append(&b, repl, 3);
		line += count_lf(s, lpos, i);
		lpos = i;
		if (warned != line) {
			log_warn("%s:%zu: invalid UTF-8 replaced with U+FFFD",
			    name, line);
			warned = line;
		}
		run = ++i;
	}
	if (run == start) {		/* nothing changed */
		*out = s + start;
		*outlen = len - start;
		return 0;
	}
	buf_append(&b, s + run, len - run);
	if ((*owned = buf_steal(&b, outlen)) == NULL)
		return -1;
	*out = *owned;
	return 0;
}

static int
split_lines(const char *s, size_t len, struct line **out, size_t *nout)
{
	const char	*p = s, *end = s + len, *nl;
	size_t		 n = 0, cap = 1;
	struct line	*v;

	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		cap++;
		p = nl + 1;
	}
	if ((v = calloc(cap, sizeof(*v))) == NULL)
		return -1;
	p = s;
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		v[n].s = p;
		v[n].len = (size_t)(nl - p);
		v[n].no = n + 1;
		n++;
		p = nl + 1;
	}
	*out = v;
	*nout = n;
	return 0;
}

/* --- metadata ------------------------------------------------------------ */

static int
valid_date(const char *s, size_t len)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int	 y, m, d, max;
	size_t	 i;

	if (len != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !is_digit(s[i]))
			return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return 0;
	max = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		max = 29;
	return d <= max;
}

/* "Key: value" with a known key; the trimmed value goes to val, vlen. */
static enum key
parse_key(const char *s, size_t len, const char **val, size_t *vlen)
{
	static const char *const names[] = { "title", "date", "author",
	    "tags" };
	const char	*colon, *k;
	size_t		 klen, i, j;

	/* Keys are short: never scan a long line for its colon. */
	if ((colon = memchr(s, ':', len < 16 ? len : 16)) == NULL)
		return KEY_NONE;
	k = s;
	klen = (size_t)(colon - s);
	trim(&k, &klen);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i]) != klen)
			continue;
		for (j = 0; j < klen; j++)
			if (to_lower(k[j]) != names[i][j])
				break;
		if (j == klen) {
			*val = colon + 1;
			*vlen = len - (size_t)(colon + 1 - s);
			trim(val, vlen);
			return (enum key)i;
		}
	}
	return KEY_NONE;
}

static void
meta_clear(struct meta *m)
{
	size_t	 i;

	free(m->title);
	free(m->author);
	for (i = 0; i < m->ntags; i++)
		free(m->tags[i]);
	free(m->tags);
	memset(m, 0, sizeof(*m));
}

static int
set_tags(struct meta *m, const char *v, size_t vlen)
{
	size_t		 i, n = 1, st;
	const char	*t;
	size_t		 tlen;

	for (i = 0; i < m->ntags; i++)
		free(m->tags[i]);
	free(m->tags);
	m->tags = NULL;
	m->ntags = 0;
	m->has_tags = 1;
	for (i = 0; i < vlen; i++)
		if (v[i] == ',')
			n++;
	if ((m->tags = calloc(n, sizeof(char *))) == NULL)
		return -1;
	for (i = 0; i <= vlen; i++) {
		st = i;
		while (i < vlen && v[i] != ',')
			i++;
		t = v + st;
		tlen = i - st;
		trim(&t, &tlen);
		if (tlen == 0)
			continue;
		if ((m->tags[m->ntags] = dup_folded(t, tlen)) == NULL)
			return -1;
		m->ntags++;
	}
	return 0;
}

/* fname/no name the line for warnings ("x.txt:3" or "x.meta:2"). */
static void
meta_set(struct meta *m, enum key k, const char *v, size_t vlen,
    const char *fname, size_t no)
{
	char	*s;

	switch (k) {
	case KEY_TITLE:
	case KEY_AUTHOR:
		if (vlen == 0)
			return;	/* an empty value says nothing */
		if ((s = dup_folded(v, vlen)) == NULL) {
			m->err = 1;
			return;
		}
		if (k == KEY_TITLE) {
			free(m->title);
			m->title = s;
		} else {
			free(m->author);
			m->author = s;
		}
		break;
	case KEY_DATE:
		if (!valid_date(v, vlen)) {
			log_warn("%s:%zu: invalid date \"%.*s\" (want a real "
			    "YYYY-MM-DD), ignored", fname, no,
			    vlen > 40 ? 40 : (int)vlen, v);
			return;
		}
		memcpy(m->date, v, 10);
		m->date[10] = '\0';
		m->has_date = 1;
		break;
	case KEY_TAGS:
		if (set_tags(m, v, vlen) == -1)
			m->err = 1;
		break;
	case KEY_NONE:
		break;
	}
}

/*
 * The in-file header: only when the very first line is a known key; ends
 * at a blank or "---" line (consumed) or at the first other line (kept).
 * Returns the index of the first body line.
 */
static size_t
parse_header(struct parser *p, struct meta *m)
{
	size_t		 i, vlen;
	const char	*v, *t;
	size_t		 tlen;
	enum key	 k;

	for (i = 0; i < p->nlines; i++) {
		const struct line	*l = &p->lines[i];

		t = l->s;
		tlen = l->len;
		trim(&t, &tlen);
		if (i > 0 && (tlen == 0 || (tlen == 3 &&
		    memcmp(t, "---", 3) == 0)))
			return i + 1;
		if ((k = parse_key(l->s, l->len, &v, &vlen)) == KEY_NONE)
			return i;
		meta_set(m, k, v, vlen, p->name, l->no);
	}
	return i;
}

static void
parse_sidecar(const char *metaname, const char *text, size_t len,
    struct meta *m)
{
	char		*s;
	const char	*norm;
	size_t		 slen, i, vlen, tlen;
	struct line	*lines;
	size_t		 n;
	const char	*v, *t;
	enum key	 k;

	if (normalise(metaname, text, len, &norm, &slen, &s) == -1) {
		m->err = 1;
		return;
	}
	if (split_lines(norm, slen, &lines, &n) == -1) {
		free(s);
		m->err = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		t = lines[i].s;
		tlen = lines[i].len;
		trim(&t, &tlen);
		if (tlen == 0 || t[0] == '#')
			continue;
		if ((k = parse_key(t, tlen, &v, &vlen)) == KEY_NONE) {
			log_warn("%s:%zu: unknown key or not \"Key: value\", "
			    "ignored", metaname, lines[i].no);
			continue;
		}
		meta_set(m, k, v, vlen, metaname, lines[i].no);
	}
	free(lines);
	free(s);
}

/* --- blocks -------------------------------------------------------------- */

static int
is_dropped(const struct parser *p, const struct line *l)
{
	const char	*t = l->s;
	size_t		 tlen = l->len, i;

	if (p->opts == NULL || p->opts->ndrop_lines == 0)
		return 0;
	trim(&t, &tlen);
	for (i = 0; i < p->opts->ndrop_lines; i++) {
		const char	*d = p->opts->drop_lines[i];

		if (d != NULL && strlen(d) == tlen && memcmp(d, t, tlen) == 0)
			return 1;
	}
	return 0;
}

static int
is_fence(const struct line *l)
{
	return starts_with(l->s, l->len, "```");
}

static int
is_quote(const struct line *l)
{
	size_t	 off;

	indent_cols(l->s, l->len, &off);
	return off < l->len && l->s[off] == '>';
}

/*
 * "- ", "* ", "• ", "N. ", "N) " followed by text. Stores the number (0
 * for bullets) and the offset of the text.
 */
static int
is_item(const struct line *l, int *number, size_t *textoff)
{
	const char	*s = l->s;
	size_t		 len = l->len, i, st;
	int		 num = 0;

	indent_cols(s, len, &i);
	st = i;
	if (i < len && (s[i] == '-' || s[i] == '*'))
		i++;
	else if (starts_with(s + i, len - i, "\xe2\x80\xa2"))
		i += 3;
	else {
		while (i < len && is_digit(s[i]) && i - st < 9)
			num = num * 10 + (s[i++] - '0');
		if (i == st || i >= len || (s[i] != '.' && s[i] != ')'))
			return 0;
		i++;
	}
	if (i >= len || !is_ws(s[i]))
		return 0;
	while (i < len && is_ws(s[i]))
		i++;
	if (i == len)
		return 0;
	*number = num;
	*textoff = i;
	return 1;
}

/* Upper case in ASCII, Latin-1, Greek and Cyrillic; or a digit. */
static int
starts_upper(const char *s, size_t len)
{
	uint32_t	 cp;

	if (len == 0)
		return 0;
	if ((unsigned char)s[0] < 0x80)
		return (s[0] >= 'A' && s[0] <= 'Z') || is_digit(s[0]);
	if (utf8_decode(s, len, &cp) < 0)
		return 0;
	return (cp >= 0xc0 && cp <= 0xde && cp != 0xd7) ||
	    (cp >= 0x391 && cp <= 0x3a9) || (cp >= 0x400 && cp <= 0x42f);
}

/* Ends in . , ; : ! ? or …, looking through closing quotes. */
static int
ends_sentence(const char *s, size_t len)
{
	for (;;) {
		if (len == 0)
			return 0;
		if (s[len - 1] == '"' || s[len - 1] == '\'')
			len--;
		else if (len >= 3 &&
		    (memcmp(s + len - 3, "\xe2\x80\x9d", 3) == 0 ||
		    memcmp(s + len - 3, "\xe2\x80\x99", 3) == 0))
			len -= 3;
		else
			break;
	}
	if (len >= 3 && memcmp(s + len - 3, "\xe2\x80\xa6", 3) == 0)
		return 1;
	switch (s[len - 1]) {
	case '.': case ',': case ';': case ':': case '!': case '?':
		return 1;
	}
	return 0;
}

static int
looks_heading(const char *s, size_t len)
{
	return starts_upper(s, len) && !ends_sentence(s, len) &&
	    utf8_columns(s, len) <= HEADING_COLS;
}

/* Bytes of a trailing closing quote or » at s[0..len), else 0. */
static size_t
closing_quote(const char *s, size_t len)
{
	if (len >= 3 && (memcmp(s + len - 3, "\xe2\x80\x9d", 3) == 0 ||
	    memcmp(s + len - 3, "\xe2\x80\x99", 3) == 0 ||
	    memcmp(s + len - 3, "\xe2\x80\xa6", 3) == 0))
		return 3;
	if (len >= 2 && memcmp(s + len - 2, "\xc2\xbb", 2) == 0)
		return 2;
	return 0;
}

/* The end of the URL in s[st..e) once trailing punctuation is removed. */
static size_t
url_end(const char *s, size_t st, size_t e, size_t min)
{
	size_t	 i, open_p = 0, close_p = 0, open_b = 0, close_b = 0, q;

	for (i = st; i < e; i++) {
		open_p += s[i] == '(';
		close_p += s[i] == ')';
		open_b += s[i] == '[';
		close_b += s[i] == ']';
	}
	while (e > min) {
		switch (s[e - 1]) {
		case '.': case ',': case ';': case ':': case '!': case '?':
		case '\'': case '*':
			e--;
			continue;
		case ')':
			if (close_p > open_p) {
				close_p--;
				e--;
				continue;
			}
			return e;
		case ']':
			if (close_b > open_b) {
				close_b--;
				e--;
				continue;
			}
			return e;
		}
		if ((q = closing_quote(s + min, e - min)) == 0)
			break;
		e -= q;
	}
	return e;
}

static int
add_link(struct block *b, const char *s, size_t len)
{
	char	**v, *l;

	/* Grow at powers of two: amortised O(1) per link. */
	if ((b->nlinks & (b->nlinks - 1)) == 0) {
		v = reallocarray(b->links, b->nlinks ? b->nlinks * 2 : 1,
		    sizeof(char *));
		if (v == NULL)
			return -1;
		b->links = v;
	}
	if ((l = strndup(s, len)) == NULL)
		return -1;
	b->links[b->nlinks++] = l;
	return 0;
}

/* Records every bare http, https, gemini and gopher URL, in order. */
static int
scan_links(struct block *b, size_t len)
{
	static const char *const schemes[] = { "http", "https", "gemini",
	    "gopher" };
	const char	*s = b->text, *c;
	size_t		 i = 0, k, st, e, end, j, n;
	int		 ok;

	while (i < len && (c = memchr(s + i, ':', len - i)) != NULL) {
		k = (size_t)(c - s);
		i = k + 1;
		if (k + 3 > len || c[1] != '/' || c[2] != '/')
			continue;
		st = k;
		while (st > 0 && k - st < 7 && is_alpha(s[st - 1]))
			st--;
		if (st > 0 && is_alnum(s[st - 1]))
			continue;
		ok = 0;
		for (j = 0; j < sizeof(schemes) / sizeof(schemes[0]); j++) {
			n = strlen(schemes[j]);
			if (n == k - st &&
			    strncasecmp(s + st, schemes[j], n) == 0)
				ok = 1;
		}
		if (!ok)
			continue;
		for (e = k + 3; e < len && !is_ws(s[e]) && s[e] != '<' &&
		    s[e] != '>' && s[e] != '"' && s[e] != '`'; e++)
			;
		i = e;
		if ((end = url_end(s, st, e, k + 3)) > k + 3 &&
		    add_link(b, s + st, end - st) == -1)
			return -1;
	}
	return 0;
}

static void
block_free(struct block *b)
{
	size_t	 i;

	free(b->text);
	free(b->alt);
	for (i = 0; i < b->nlinks; i++)
		free(b->links[i]);
	free(b->links);
}

/* Appends a block with a copy of the scratch text; takes alt. */
static int
emit(struct parser *p, enum block_type type, char *alt, int number)
{
	struct block	*b, *v;
	size_t		 cap, len = p->scratch.len;

	if (p->scratch.err)
		goto fail;
	if (p->nblocks == p->cap) {
		cap = p->cap ? p->cap * 2 : 16;
		if ((v = reallocarray(p->blocks, cap, sizeof(*v))) == NULL)
			goto fail;
		p->blocks = v;
		p->cap = cap;
	}
	b = &p->blocks[p->nblocks];
	memset(b, 0, sizeof(*b));
	if ((b->text = malloc(len + 1)) == NULL)
		goto fail;
	if (len > 0)
		memcpy(b->text, p->scratch.data, len);
	b->text[len] = '\0';
	b->type = type;
	b->alt = alt;
	b->number = number;
	p->nblocks++;
	buf_reset(&p->scratch);
	if (type != BLOCK_PRE && scan_links(b, len) == -1) {
		p->err = 1;
		return -1;
	}
	return 0;
fail:
	free(alt);
	p->err = 1;
	return -1;
}

/* Appends a line with tabs expanded, leaving out its first skip columns. */
static void
append_expanded(struct buf *b, const char *s, size_t len, size_t skip)
{
	size_t		 i = 0, col = 0, st;
	const char	*tab;

	while (i < len) {
		if (s[i] == '\t') {
			size_t	 next = (col / TAB_STOP + 1) * TAB_STOP;

			for (; col < next; col++)
				if (col >= skip)
					buf_putc(b, ' ');
			i++;
			continue;
		}
		if (col < skip) {	/* inside the common indentation */
			col++;
			i++;
			continue;
		}
		tab = memchr(s + i, '\t', len - i);
		st = i;
		i = tab == NULL ? len : (size_t)(tab - s);
		buf_append(b, s + st, i - st);
		/* Columns advance per code point: skip continuation bytes. */
		for (; st < i; st++)
			if (((unsigned char)s[st] & 0xc0) != 0x80)
				col++;
	}
}

/* A ``` fence: content verbatim, tabs expanded; unclosed runs to EOF. */
static int
do_fence(struct parser *p, size_t *ip)
{
	const struct line	*open = &p->lines[*ip];
	const char		*a = open->s + 3, *t;
	size_t			 alen = open->len - 3, j, tlen;
	char			*alt = NULL;

	trim(&a, &alen);
	if (alen > 0 && (alt = strndup(a, alen)) == NULL) {
		p->err = 1;
		return -1;
	}
	buf_reset(&p->scratch);
	for (j = *ip + 1; j < p->nlines && !is_fence(&p->lines[j]); j++) {
		if (j > *ip + 1)
			buf_putc(&p->scratch, '\n');
		append_expanded(&p->scratch, p->lines[j].s, p->lines[j].len, 0);
	}
	if (emit(p, BLOCK_PRE, alt, 0) == -1)
		return -1;
	if (j == p->nlines) {
		log_warn("%s:%zu: unclosed ``` fence runs to the end of the "
		    "file", p->name, open->no);
		*ip = j;
		return 0;
	}
	/* Text after a closing fence is kept, as a paragraph. */
	t = p->lines[j].s + 3;
	tlen = p->lines[j].len - 3;
	trim(&t, &tlen);
	if (tlen > 0) {
		append_folded(&p->scratch, t, tlen);
		if (emit(p, BLOCK_PARAGRAPH, NULL, 0) == -1)
			return -1;
	}
	*ip = j + 1;
	return 0;
}

/* Lines indented 4+ columns after a blank line; common indent removed. */
static int
do_indented(struct parser *p, size_t *ip)
{
	size_t	 j, last = *ip, min = SIZE_MAX, c, first = 1;

	for (j = *ip; j < p->nlines; j++) {
		const struct line	*l = &p->lines[j];

		if (is_blank(l) || is_dropped(p, l))
			continue;
		if ((c = indent_cols(l->s, l->len, NULL)) < PRE_INDENT)
			break;
		if (c < min)
			min = c;
		last = j;
	}
	buf_reset(&p->scratch);
	for (j = *ip; j <= last; j++) {
		const struct line	*l = &p->lines[j];

		if (is_dropped(p, l) && !is_blank(l))
			continue;
		if (!first)
			buf_putc(&p->scratch, '\n');
		first = 0;
		if (!is_blank(l))
			append_expanded(&p->scratch, l->s, l->len, min);
	}
	*ip = last + 1;
	return emit(p, BLOCK_PRE, NULL, 0);
}

static int
do_item(struct parser *p, size_t *ip, int number, size_t off)
{
	const struct line	*l = &p->lines[*ip];
	size_t			 j, o;
	int			 n;

	buf_reset(&p->scratch);
	append_folded(&p->scratch, l->s + off, l->len - off);
	for (j = *ip + 1; j < p->nlines; j++) {
		l = &p->lines[j];
		if (is_blank(l) || is_fence(l) || is_item(l, &n, &o))
			break;
		if (is_dropped(p, l))
			continue;
		if (indent_cols(l->s, l->len, NULL) < ITEM_INDENT)
			break;
		buf_putc(&p->scratch, ' ');
		append_folded(&p->scratch, l->s, l->len);
	}
	*ip = j;
	return emit(p, BLOCK_ITEM, NULL, number);
}

/* '>' lines; a blank '>' line separates quote paragraphs. */
static int
do_quote(struct parser *p, size_t *ip)
{
	size_t	 j, off;

	buf_reset(&p->scratch);
	for (j = *ip; j < p->nlines && is_quote(&p->lines[j]); j++) {
		const struct line	*l = &p->lines[j];
		const char		*r;
		size_t			 rlen;

		indent_cols(l->s, l->len, &off);
		r = l->s + off + 1;
		rlen = l->len - off - 1;
		if (rlen > 0 && *r == ' ') {
			r++;
			rlen--;
		}
		trim(&r, &rlen);
		if (rlen == 0) {
			if (p->scratch.len > 0 &&
			    emit(p, BLOCK_QUOTE, NULL, 0) == -1)
				return -1;
			continue;
		}
		if (p->scratch.len > 0)
			buf_putc(&p->scratch, ' ');
		append_folded(&p->scratch, r, rlen);
	}
	*ip = j;
	if (p->scratch.len > 0)
		return emit(p, BLOCK_QUOTE, NULL, 0);
	return 0;
}

/* Lines joined up to a blank line; one short line alone is a heading. */
static int
do_para(struct parser *p, size_t *ip, int prevblank)
{
	size_t	 j, nl = 0, o;
	int	 n, endblank;

	buf_reset(&p->scratch);
	for (j = *ip; j < p->nlines; j++) {
		const struct line	*l = &p->lines[j];

		if (is_blank(l))
			break;
		if (j > *ip && (is_fence(l) || is_quote(l) ||
		    is_item(l, &n, &o)))
			break;
		if (is_dropped(p, l))
			continue;
		if (nl++ > 0)
			buf_putc(&p->scratch, ' ');
		append_folded(&p->scratch, l->s, l->len);
	}
	endblank = j == p->nlines || is_blank(&p->lines[j]);
	*ip = j;
	if (p->scratch.err) {
		p->err = 1;
		return -1;
	}
	if (prevblank && endblank && nl == 1 &&
	    looks_heading(p->scratch.data, p->scratch.len))
		return emit(p, BLOCK_HEADING, NULL, 0);
	return emit(p, BLOCK_PARAGRAPH, NULL, 0);
}

/* prevblank: whether line i follows a blank line or the file's start. */
static int
structure(struct parser *p, size_t i, int prevblank)
{
	int	 number, r;
	size_t	 off;

	while (i < p->nlines) {
		const struct line	*l = &p->lines[i];

		if (is_blank(l)) {
			prevblank = 1;
			i++;
			continue;
		}
		if (is_fence(l))
			r = do_fence(p, &i);
		else if (is_dropped(p, l)) {
			i++;	/* as if absent: the blank-line state stays */
			continue;
		} else if (prevblank &&
		    indent_cols(l->s, l->len, NULL) >= PRE_INDENT)
			r = do_indented(p, &i);
		else if (is_item(l, &number, &off))
			r = do_item(p, &i, number, off);
		else if (is_quote(l))
			r = do_quote(p, &i);
		else
			r = do_para(p, &i, prevblank);
		if (r == -1)
			return -1;
		prevblank = 0;
	}
	return 0;
}

/*
 * The title and its repeats at the top of the body (blank and dropped
 * lines between them allowed) are removed. Without a metadata title, the
 * first line is the title, or its first mixed-case repeat when it is in
 * capitals. Returns the first body line after the repeats.
 */
static size_t
take_title(struct parser *p, size_t from, const char *mtitle, char **title)
{
	size_t			 i, end = from;
	const struct line	*first = NULL, *pick = NULL;

	*title = NULL;
	for (i = from; i < p->nlines; i++) {
		const struct line	*l = &p->lines[i];

		if (is_blank(l) || is_dropped(p, l))
			continue;
		if (mtitle != NULL) {
			if (!fold_eq(l->s, l->len, mtitle, strlen(mtitle)))
				break;
		} else if (first == NULL)
			first = l;
		else if (!fold_eq(l->s, l->len, first->s, first->len))
			break;
		if (mtitle == NULL && pick == NULL && !all_caps(l->s, l->len))
			pick = l;
		end = i + 1;
	}
	if (mtitle != NULL)
		*title = strdup(mtitle);
	else if (first != NULL) {
		if (pick == NULL)
			pick = first;
		*title = dup_folded(pick->s, pick->len);
	}
	if ((mtitle != NULL || first != NULL) && *title == NULL)
		p->err = 1;
	return end;
}

static void
date_from_mtime(time_t mtime, char date[11])
{
	struct tm	 tm;

	if (gmtime_r(&mtime, &tm) == NULL || tm.tm_year + 1900 < 1 ||
	    tm.tm_year + 1900 > 9999 ||
	    strftime(date, 11, "%Y-%m-%d", &tm) != 10)
		memcpy(date, "1970-01-01", 11);
}

/* "dir/x.txt" -> "dir/x.meta"; other names get ".meta" appended. */
static char *
meta_name(const char *name)
{
	struct buf	 b;
	size_t		 n = strlen(name);

	buf_init(&b);
	if (n > 4 && strcmp(name + n - 4, ".txt") == 0)
		n -= 4;
	buf_append(&b, name, n);
	buf_puts(&b, ".meta");
	return buf_steal(&b, NULL);
}

static int
doc_has_words(const struct doc *d)
{
	size_t	 i;

	if (d->title != NULL && has_word(d->title, strlen(d->title)))
		return 1;
	for (i = 0; i < d->nblocks; i++)
		if (has_word(d->blocks[i].text, strlen(d->blocks[i].text)))
			return 1;
	return 0;
}

/*
 * Metadata precedence: the sidecar wins, field by field, over the in-file
 * header, because the sidecar is the operator's word on a scraped file
 * whose own header may be wrong; the header fills what the sidecar omits.
 */
int
article_parse(const char *name, const char *text, size_t len,
    const char *meta, size_t metalen, time_t mtime,
    const struct article_opts *opts, struct doc *out)
{
	struct parser	 p;
	struct meta	 hdr, side;
	char		*owned = NULL, *mname = NULL;
	const char	*norm;
	size_t		 normlen, start, body, i;
	const char	*mtitle;
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	memset(&hdr, 0, sizeof(hdr));
	memset(&side, 0, sizeof(side));
	buf_init(&p.scratch);
	p.name = name;
	p.opts = opts;

	if (text == NULL)
		len = 0;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		if (skip_reason(name, text + 3, len - 3) == -1)
			return -1;
	} else if (skip_reason(name, text == NULL ? "" : text, len) == -1)
		return -1;
	if (normalise(name, text == NULL ? "" : text, len, &norm, &normlen,
	    &owned) == -1 ||
	    split_lines(norm, normlen, &p.lines, &p.nlines) == -1)
		goto oom;

	start = parse_header(&p, &hdr);
	if (meta != NULL) {
		if ((mname = meta_name(name)) == NULL)
			goto oom;
		parse_sidecar(mname, meta, metalen, &side);
	}
	if (hdr.err || side.err)
		goto oom;

	mtitle = side.title != NULL ? side.title : hdr.title;
	body = take_title(&p, start, mtitle, &out->title);
	if (p.err)
		goto oom;
	if (side.has_date)
		memcpy(out->date, side.date, sizeof(out->date));
	else if (hdr.has_date)
		memcpy(out->date, hdr.date, sizeof(out->date));
	else
		date_from_mtime(mtime, out->date);
	if (side.author != NULL) {
		out->author = side.author;
		side.author = NULL;
	} else {
		out->author = hdr.author;
		hdr.author = NULL;
	}
	if (side.has_tags) {
		out->tags = side.tags;
		out->ntags = side.ntags;
		side.tags = NULL;
		side.ntags = 0;
	} else {
		out->tags = hdr.tags;
		out->ntags = hdr.ntags;
		hdr.tags = NULL;
		hdr.ntags = 0;
	}

	/*
	 * A line right under a removed title line does not follow a blank;
	 * the header's terminator counts as the start of the file.
	 */
	if (structure(&p, body, body == start) == -1)
		goto oom;
	out->blocks = p.blocks;
	out->nblocks = p.nblocks;
	p.blocks = NULL;
	p.nblocks = 0;
	if (!doc_has_words(out)) {
		log_warn("%s: skipped: no words after cleaning", name);
		goto done;
	}
	rc = 0;
	goto done;
oom:
	log_err("%s: out of memory, skipped", name);
done:
	for (i = 0; i < p.nblocks; i++)
		block_free(&p.blocks[i]);
	free(p.blocks);
	if (rc == -1)
		doc_free(out);
	buf_free(&p.scratch);
	meta_clear(&hdr);
	meta_clear(&side);
	free(p.lines);
	free(owned);
	free(mname);
	return rc;
}

/* --- the directory ---------------------------------------------------- */

char *
article_slug(const char *filename)
{
	size_t	 n = strlen(filename), i, o = 0;
	char	*s;

	if (n >= 4 && strcmp(filename + n - 4, ".txt") == 0)
		n -= 4;
	if ((s = malloc(n + 1)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		char	 c = filename[i];

		if (is_alnum(c))
			s[o++] = to_lower(c);
		else if (o > 0 && s[o - 1] != '-')
			s[o++] = '-';
	}
	while (o > 0 && s[o - 1] == '-')
		o--;
	s[o] = '\0';
	if (o == 0) {
		free(s);
		return NULL;
	}
	return s;
}

/*
 * Reads an open file of at most max bytes. Returns 0, -1 on a read error
 * (errno set) or 1 when the file is too large.
 */
static int
read_bounded(int fd, size_t size, size_t max, char **out, size_t *outlen)
{
	char	*data, *v;
	size_t	 len = 0, cap;
	ssize_t	 r;

	if (size > max)
		return 1;
	cap = size + 1;		/* +1 notices a file that grew */
	if ((data = malloc(cap)) == NULL)
		return -1;
	for (;;) {
		if (len == cap) {
			if (cap > max) {
				free(data);
				return 1;
			}
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			if ((v = realloc(data, cap)) == NULL) {
				free(data);
				return -1;
			}
			data = v;
		}
		r = read(fd, data + len, cap - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			free(data);
			return -1;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len > max) {
		free(data);
		return 1;
	}
	*out = data;
	*outlen = len;
	return 0;
}

/*
 * Opens path as a regular file and reads it. Returns 0, -1 after a warning
 * ending in what ("skipped"), or -2 quietly when quiet_missing and the file
 * does not exist.
 */
static int
slurp(const char *path, size_t max, int quiet_missing, const char *what,
    char **out, size_t *len, time_t *mtime)
{
	struct stat	 st;
	int		 fd, r, e;

	/* O_NONBLOCK: a FIFO named like an article must not hang the load. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		if (quiet_missing && errno == ENOENT)
			return -2;
		log_warn("%s: %s, %s", path, strerror(errno), what);
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		log_warn("%s: %s, %s", path, strerror(errno), what);
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		log_warn("%s: not a regular file, %s", path, what);
		close(fd);
		return -1;
	}
	r = read_bounded(fd, (size_t)st.st_size, max, out, len);
	e = errno;
	close(fd);
	if (r == 1) {
		log_warn("%s: larger than %zu bytes, %s", path, max, what);
		return -1;
	}
	if (r == -1) {
		log_warn("%s: %s, %s", path, strerror(e), what);
		return -1;
	}
	if (mtime != NULL)
		*mtime = st.st_mtime;
	return 0;
}

static int
load_one(const char *dir, const char *file, const struct article_opts *opts,
    struct article *a)
{
	struct buf	 b;
	char		*path, *mpath = NULL, *text = NULL, *meta = NULL;
	size_t		 len = 0, mlen = 0;
	time_t		 mtime = 0;
	int		 r, rc = -1;

	memset(a, 0, sizeof(*a));
	buf_init(&b);
	buf_puts(&b, dir);
	buf_putc(&b, '/');
	buf_puts(&b, file);
	if ((path = buf_steal(&b, NULL)) == NULL ||
	    (mpath = meta_name(path)) == NULL) {
		log_err("%s/%s: out of memory, skipped", dir, file);
		goto out;
	}
	if ((a->slug = article_slug(file)) == NULL) {
		log_warn("%s: no letters or digits for a name, skipped", path);
		goto out;
	}
	if (slurp(path, ARTICLE_MAX, 0, "skipped", &text, &len, &mtime) != 0)
		goto out;
	/* A broken sidecar costs metadata, never the article's words. */
	r = slurp(mpath, META_MAX, 1, "sidecar ignored", &meta, &mlen, NULL);
	if (r != 0)
		meta = NULL;
	if (article_parse(path, text, len, meta, mlen, mtime, opts,
	    &a->doc) == -1)
		goto out;
	a->source = path;
	a->size = len;
	path = NULL;
	rc = 0;
out:
	if (rc == -1) {
		free(a->slug);
		a->slug = NULL;
	}
	free(path);
	free(mpath);
	free(text);
	free(meta);
	return rc;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
article_newer(const struct article *x, const struct article *y)
{
	int	 c;

	if ((c = strcmp(y->doc.date, x->doc.date)) != 0)
		return c;
	return strcmp(x->slug, y->slug);
}

static int
cmp_newest(const void *a, const void *b)
{
	return article_newer(a, b);
}

void
articles_sort(struct article *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_newest);
}

static void
article_clear(struct article *a)
{
	free(a->slug);
	free(a->source);
	doc_free(&a->doc);
}

/*
 * The slugs taken so far: an open-addressing set of indexes into the
 * articles kept, at most half full.
 */
struct slugs {
	size_t	*slots;		/* index + 1, 0 when free */
	size_t	 mask;
};

static size_t
slug_hash(const char *s)
{
	uint64_t	 h = 14695981039346656037u;	/* FNV-1a */

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211u;
	}
	return (size_t)h;
}

/* The slot of slug: holding its article, or free. */
static size_t *
slugs_find(const struct slugs *t, const struct article *v, const char *slug)
{
	size_t	 i;

	for (i = slug_hash(slug) & t->mask; t->slots[i] != 0;
	    i = (i + 1) & t->mask)
		if (strcmp(v[t->slots[i] - 1].slug, slug) == 0)
			break;
	return &t->slots[i];
}

/* A duplicate, warned about once every article is read. */
struct dup {
	char	*slug;
	char	*source;
	size_t	 keeper;	/* the article that has the slug */
	size_t	 seq;		/* order read: kept among equals */
};

static int
cmp_dup(const void *a, const void *b)
{
	const struct dup	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->slug, y->slug)) != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Lists the *.txt names in d, sorted. 0 or -1 (logged). */
static int
list_names(DIR *d, const char *dir, char ***out, size_t *nout)
{
	struct dirent	*de;
	char		**names = NULL, **nv;
	size_t		 n = 0, cap = 0, l;

	while ((errno = 0, de = readdir(d)) != NULL) {
		l = strlen(de->d_name);
		if (de->d_name[0] == '.' || l <= 4 ||
		    strcmp(de->d_name + l - 4, ".txt") != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			nv = reallocarray(names, cap, sizeof(*nv));
			if (nv == NULL)
				goto oom;
			names = nv;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			goto oom;
		n++;
	}
	if (errno != 0) {
		log_err("articles directory %s: %s", dir, strerror(errno));
		goto fail;
	}
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp_name);
	*out = names;
	*nout = n;
	return 0;
oom:
	log_err("articles directory %s: out of memory", dir);
fail:
	while (n > 0)
		free(names[--n]);
	free(names);
	return -1;
}

/*
 * One article at a time: read, parse, and unless its slug is taken,
 * handed to fn, which may free its body before the next one is read.
 * The slug goes to the first by file name, as the articles are read in
 * that order. Duplicates are warned about at the end, by slug, as they
 * always were.
 */
int
articles_stream(const char *dir, const struct article_opts *opts,
    article_fn fn, void *arg, struct article **out, size_t *nout)
{
	DIR		*d;
	char		**names = NULL;
	struct article	*v = NULL;
	struct dup	*dups = NULL;
	struct slugs	 taken = { NULL, 0 };
	size_t		 n = 0, na = 0, ndups = 0, i, nslots, *slot;
	int		 rc = -1;

	*out = NULL;
	*nout = 0;
	if ((d = opendir(dir)) == NULL) {
		log_err("articles directory %s: %s", dir, strerror(errno));
		return -1;
	}
	if (list_names(d, dir, &names, &n) == -1) {
		closedir(d);
		return -1;
	}
	for (nslots = 16; nslots < 2 * n; nslots *= 2)
		;
	if (n > 0 && ((v = calloc(n, sizeof(*v))) == NULL ||
	    (dups = calloc(n, sizeof(*dups))) == NULL ||
	    (taken.slots = calloc(nslots, sizeof(*taken.slots))) == NULL))
		goto oom;
	taken.mask = nslots - 1;
	for (i = 0; i < n; i++) {
		if (load_one(dir, names[i], opts, &v[na]) == -1)
			continue;
		slot = slugs_find(&taken, v, v[na].slug);
		if (*slot != 0) {
			dups[ndups].slug = v[na].slug;
			dups[ndups].source = v[na].source;
			dups[ndups].keeper = *slot - 1;
			dups[ndups].seq = ndups;
			ndups++;
			v[na].slug = v[na].source = NULL;
			article_clear(&v[na]);
			continue;
		}
		*slot = na + 1;
		if (fn != NULL && fn(&v[na], na, arg) == -1) {
			na++;
			goto out;
		}
		na++;
	}
	if (ndups > 0)
		qsort(dups, ndups, sizeof(*dups), cmp_dup);
	for (i = 0; i < ndups; i++)
		log_warn("%s: slug \"%s\" already taken by %s, skipped",
		    dups[i].source, dups[i].slug, v[dups[i].keeper].source);
	*out = v;
	*nout = na;
	v = NULL;
	na = 0;
	rc = 0;
	goto out;
oom:
	log_err("articles directory %s: out of memory", dir);
out:
	articles_free(v, na);
	for (i = 0; i < ndups; i++) {
		free(dups[i].slug);
		free(dups[i].source);
	}
	free(dups);
	free(taken.slots);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

int
articles_load(const char *dir, const struct article_opts *opts,
    struct article **out, size_t *nout)
{
	if (articles_stream(dir, opts, NULL, NULL, out, nout) == -1)
		return -1;
	articles_sort(*out, *nout);
	return 0;
}

void
articles_free(struct article *v, size_t n)
{
	size_t	 i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		article_clear(&v[i]);
	free(v);
}
