/* Unit tests for the article parser (server/article.c) and doc_free. */
#include <sys/stat.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "article.h"
#include "buf.h"
#include "doc.h"
#include "log.h"
#include "testutil.h"

#define SEED		"capsule/articles/belonging-heals.txt"
#define SEED_META	"capsule/articles/belonging-heals.meta"
#define SEED_TITLE	"Belonging Heals: The Role of Recovery Support Networks"

static char *drops[] = { "Blog Article", "Report this page" };
static const struct article_opts seed_opts = { drops, 2 };

/* --- helpers ------------------------------------------------------------ */

static char *
slurp(const char *path, size_t *lenp)
{
	FILE	*f;
	char	*s;
	long	 n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (s = malloc((size_t)n + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	if (fread(s, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(s);
		return NULL;
	}
	fclose(f);
	s[n] = '\0';
	if (lenp != NULL)
		*lenp = (size_t)n;
	return s;
}

/* Warnings go to a temporary file while a test looks at them. */
struct capture {
	char	 path[64];
	unsigned warnings;
};

static void
cap_start(struct capture *c)
{
	int	 fd;

	snprintf(c->path, sizeof(c->path), "/tmp/test_article.log.XXXXXX");
	fd = mkstemp(c->path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(log_open(c->path), 0);
	log_reset_warnings();
}

static char *
cap_end(struct capture *c)
{
	char	*s;

	c->warnings = log_warnings();
	assert_int_equal(log_open("stderr"), 0);
	s = slurp(c->path, NULL);
	assert_non_null(s);
	unlink(c->path);
	return s;
}

static int
parse_with(const char *text, size_t len, const char *meta, time_t mtime,
    const struct article_opts *o, struct doc *d)
{
	return article_parse("t.txt", text, len, meta,
	    meta != NULL ? strlen(meta) : 0, mtime, o, d);
}

static int
parse_meta(const char *text, const char *meta, struct doc *d)
{
	return parse_with(text, strlen(text), meta, 0, NULL, d);
}

static int
parse(const char *text, struct doc *d)
{
	return parse_with(text, strlen(text), NULL, 0, NULL, d);
}

static void
check_block(const struct doc *d, size_t i, enum block_type t, const char *text)
{
	assert_true(i < d->nblocks);
	assert_string_equal(d->blocks[i].text, text);
	assert_int_equal(d->blocks[i].type, t);
}

/* Parses text expecting a skip whose warning contains want. */
static void
expect_skip(const char *text, size_t len, const struct article_opts *o,
    const char *want)
{
	struct capture	 c;
	struct doc	 d;
	char		*log;

	cap_start(&c);
	assert_int_equal(parse_with(text, len, NULL, 0, o, &d), -1);
	log = cap_end(&c);
	assert_non_null(strstr(log, "t.txt"));
	assert_non_null(strstr(log, want));
	assert_null(d.title);
	assert_int_equal(d.nblocks, 0);
	free(log);
}

#define EXPECT_SKIP(lit, o, want) expect_skip(lit, sizeof(lit) - 1, o, want)

/* --- the seed article --------------------------------------------------- */

static const char *const seed_headings[] = {
	"The Social Nature of Recovery: Rebuilding Relationships and Trust",
	"Shared Experience: The Unspoken Strength of Peer Support",
	"Assistance Systems that Sustain: Beyond the Facility Walls",
	"From Isolation to Integration: Community Restores Identity",
	"A Culture of Compassion: Creating Safe Spaces for Growth",
	"The Power of Belonging: A Recovery That Lasts",
	"Keep Showing Up: Stay Connected, Stay Inspired",
};
#define NHEADINGS (sizeof(seed_headings) / sizeof(seed_headings[0]))

static void
check_seed(const struct doc *d)
{
	char	*src, *line, *save = NULL;
	size_t	 i, h = 0, paras = 0, b;

	assert_string_equal(d->title, SEED_TITLE);
	for (i = 0; i < d->nblocks; i++) {
		const struct block	*bl = &d->blocks[i];

		assert_string_not_equal(bl->text, "Blog Article");
		assert_string_not_equal(bl->text, "Report this page");
		assert_null(strcasestr(bl->text, SEED_TITLE));
		assert_null(bl->alt);
		assert_int_equal(bl->nlinks, 0);
		if (bl->type == BLOCK_HEADING) {
			assert_true(h < NHEADINGS);
			assert_string_equal(bl->text, seed_headings[h]);
			h++;
		} else {
			assert_int_equal(bl->type, BLOCK_PARAGRAPH);
			paras++;
		}
	}
	assert_int_equal(h, NHEADINGS);
	assert_int_equal(paras, 15);
	assert_int_equal(d->nblocks, NHEADINGS + 15);

	/* Every long source line is one paragraph, word for word, in order. */
	src = slurp(SEED, NULL);
	assert_non_null(src);
	b = 0;
	for (line = strtok_r(src, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strlen(line) <= 80)
			continue;
		while (b < d->nblocks && d->blocks[b].type != BLOCK_PARAGRAPH)
			b++;
		assert_true(b < d->nblocks);
		assert_string_equal(d->blocks[b].text, line);
		b++;
	}
	free(src);
}

static void
test_seed(void **state)
{
	struct doc	 d;
	char		*src;
	size_t		 len;

	(void)state;
	src = slurp(SEED, &len);
	assert_non_null(src);
	/* No metadata: the title is the first mixed-case repeat. */
	assert_int_equal(article_parse(SEED, src, len, NULL, 0, 86400,
	    &seed_opts, &d), 0);
	check_seed(&d);
	assert_string_equal(d.date, "1970-01-02");
	assert_null(d.author);
	assert_int_equal(d.ntags, 0);
	doc_free(&d);
	free(src);
}

static void
test_seed_meta(void **state)
{
	struct doc	 d;
	char		*src, *meta;
	size_t		 len, mlen;
	struct capture	 c;
	char		*log;

	(void)state;
	src = slurp(SEED, &len);
	meta = slurp(SEED_META, &mlen);
	assert_non_null(src);
	assert_non_null(meta);
	cap_start(&c);
	assert_int_equal(article_parse(SEED, src, len, meta, mlen, 0,
	    &seed_opts, &d), 0);
	log = cap_end(&c);
	assert_int_equal(c.warnings, 0);
	free(log);
	check_seed(&d);
	assert_string_equal(d.date, "2025-06-02");
	assert_int_equal(d.ntags, 3);
	assert_string_equal(d.tags[0], "recovery");
	assert_string_equal(d.tags[1], "community");
	assert_string_equal(d.tags[2], "peer support");
	doc_free(&d);
	free(src);
	free(meta);
}

/* Whitespace-separated words of s appended to v. */
static void
words(const char *s, char ***v, size_t *n, size_t *cap)
{
	const char	*p = s, *st;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p == '\0')
			return;
		st = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n' &&
		    *p != '\r')
			p++;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 256;
			*v = realloc(*v, *cap * sizeof(char *));
			assert_non_null(*v);
		}
		(*v)[(*n)++] = strndup(st, (size_t)(p - st));
	}
}

static void
free_words(char **v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/*
 * Word fidelity: the source's words, less the title repeats at the top
 * and the dropped lines, are exactly the words of title + blocks.
 */
static void
test_word_fidelity(void **state)
{
	struct doc	 d;
	char		*src, *copy, *line, *save = NULL;
	char		**want = NULL, **got = NULL;
	size_t		 len, nw = 0, cw = 0, ng = 0, cg = 0, i;
	int		 top = 1;

	(void)state;
	src = slurp(SEED, &len);
	assert_non_null(src);
	assert_int_equal(article_parse(SEED, src, len, NULL, 0, 0,
	    &seed_opts, &d), 0);

	words(SEED_TITLE, &want, &nw, &cw);
	copy = strdup(src);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (top && strcasecmp(line, SEED_TITLE) == 0)
			continue;
		top = 0;
		if (strcmp(line, "Blog Article") == 0 ||
		    strcmp(line, "Report this page") == 0)
			continue;
		words(line, &want, &nw, &cw);
	}
	free(copy);

	words(d.title, &got, &ng, &cg);
	for (i = 0; i < d.nblocks; i++)
		words(d.blocks[i].text, &got, &ng, &cg);
	assert_int_equal(ng, nw);
	for (i = 0; i < nw; i++)
		assert_string_equal(got[i], want[i]);
	/* 902 words in the source, 3 title lines of 8, 2 + 3 dropped. */
	assert_int_equal(nw, 902 - 3 * 8 - 2 - 3 + 8);
	free_words(want, nw);
	free_words(got, ng);
	doc_free(&d);
	free(src);
}

/* --- header block and sidecar -------------------------------------------- */

static void
test_header_dashes(void **state)
{
	struct doc	 d;

	(void)state;
	assert_int_equal(parse("Title: Hello  there\nDate: 2024-02-29\n"
	    "AUTHOR: Ann Example\ntags: a, b ,, c d\n---\nBody text.\n", &d),
	    0);
	assert_string_equal(d.title, "Hello there");
	assert_string_equal(d.date, "2024-02-29");
	assert_string_equal(d.author, "Ann Example");
	assert_int_equal(d.ntags, 3);
	assert_string_equal(d.tags[0], "a");
	assert_string_equal(d.tags[1], "b");
	assert_string_equal(d.tags[2], "c d");
	assert_int_equal(d.nblocks, 1);
	check_block(&d, 0, BLOCK_PARAGRAPH, "Body text.");
	doc_free(&d);
}

static void
test_header_blank(void **state)
{
	struct doc	 d;

	(void)state;
	/* The blank line ends the header; "---" later is body text. */
	assert_int_equal(parse("title: X\n\n---\n\nBody.\n", &d), 0);
	assert_string_equal(d.title, "X");
	assert_int_equal(d.nblocks, 2);
	check_block(&d, 0, BLOCK_PARAGRAPH, "---");
	check_block(&d, 1, BLOCK_PARAGRAPH, "Body.");
	doc_free(&d);

	/* A non-key line ends the header and stays. */
	assert_int_equal(parse("Title: X\nBody starts here.\n", &d), 0);
	assert_string_equal(d.title, "X");
	assert_int_equal(d.nblocks, 1);
	check_block(&d, 0, BLOCK_PARAGRAPH, "Body starts here.");
	doc_free(&d);

	/* Keys not on the first line are text, not a header. */
	assert_int_equal(parse("Intro\nTitle: X\n\nBody.\n", &d), 0);
	assert_string_equal(d.title, "Intro");
	/* Adjacent to the removed title line: not a lone short line. */
	check_block(&d, 0, BLOCK_PARAGRAPH, "Title: X");
	doc_free(&d);
}

static void
test_sidecar_override(void **state)
{
	struct doc	 d;
	struct capture	 c;
	char		*log;
	const char	*text = "Title: A\nDate: 2024-01-01\nAuthor: X\n"
	    "Tags: t1\n\nB\n\nA\n\nBody.\n";

	(void)state;
	cap_start(&c);
	assert_int_equal(parse_meta(text,
	    "# operator's word\n\n  Title: B  \nDate: 2025-06-02\n"
	    "Colour: blue\nno colon here\nTags:\n", &d), 0);
	log = cap_end(&c);
	/* The sidecar wins; the header fills in what it does not say. */
	assert_string_equal(d.title, "B");
	assert_string_equal(d.date, "2025-06-02");
	assert_string_equal(d.author, "X");
	assert_int_equal(d.ntags, 0);		/* the sidecar cleared them */
	/* The repeat of B is removed, A (no longer the title) stays. */
	assert_int_equal(d.nblocks, 2);
	check_block(&d, 0, BLOCK_HEADING, "A");
	check_block(&d, 1, BLOCK_PARAGRAPH, "Body.");
	assert_int_equal(c.warnings, 2);
	assert_non_null(strstr(log, "t.meta:5: unknown key"));
	assert_non_null(strstr(log, "t.meta:6: unknown key"));
	free(log);
	doc_free(&d);
}

static void
test_invalid_date(void **state)
{
	static const char *const bad[] = { "2023-02-29", "2024-13-01",
	    "2024-1-01", "2024-04-31", "0000-01-01", "yesterday" };
	struct doc	 d;
	struct capture	 c;
	char		*log, text[128];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "Title: T\nDate: %s\n\nBody.\n",
		    bad[i]);
		cap_start(&c);
		assert_int_equal(parse_with(text, strlen(text), NULL,
		    365 * 86400, NULL, &d), 0);
		log = cap_end(&c);
		assert_int_equal(c.warnings, 1);
		assert_non_null(strstr(log, "t.txt:2: invalid date"));
		assert_string_equal(d.date, "1971-01-01");	/* the mtime */
		free(log);
		doc_free(&d);
	}

	/* A bad sidecar date falls back to the header's. */
	cap_start(&c);
	assert_int_equal(parse_meta("Date: 2020-02-29\n\nT\n\nBody.\n",
	    "Date: 2021-02-29\n", &d), 0);
	log = cap_end(&c);
	assert_non_null(strstr(log, "t.meta:1: invalid date"));
	assert_string_equal(d.date, "2020-02-29");
	assert_string_equal(d.title, "T");
	free(log);
	doc_free(&d);
}

/* --- input normalisation -------------------------------------------------- */

static void
test_crlf_cr(void **state)
{
	struct doc	 d;
	size_t		 i;
	static const char *const in[] = {
		"Title\r\n\r\nLine one\r\nline two\r\n\r\n- item\r\n",
		"Title\r\rLine one\rline two\r\r- item\r",
		"Title\r\n\rLine one\nline two\r\r\n- item",
	};

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_int_equal(parse(in[i], &d), 0);
		assert_string_equal(d.title, "Title");
		assert_int_equal(d.nblocks, 2);
		check_block(&d, 0, BLOCK_PARAGRAPH, "Line one line two");
		check_block(&d, 1, BLOCK_ITEM, "item");
		doc_free(&d);
	}
}

static void
test_tabs(void **state)
{
	struct doc	 d;

	(void)state;
	assert_int_equal(parse("T\n\na\tb \t\tc\t\n\n```\n\tx\nab\tc\n"
	    "\xc3\xa9\ty\n```\n", &d), 0);
	check_block(&d, 0, BLOCK_PARAGRAPH, "a b c");
	check_block(&d, 1, BLOCK_PRE,
	    "        x\nab      c\n\xc3\xa9       y");
	doc_free(&d);
}

static void
test_bom(void **state)
{
	struct doc	 d;

	(void)state;
	assert_int_equal(parse("\xef\xbb\xbfTitle: X\n\nBody.\n", &d), 0);
	assert_string_equal(d.title, "X");
	check_block(&d, 0, BLOCK_PARAGRAPH, "Body.");
	doc_free(&d);
	assert_int_equal(parse("\xef\xbb\xbfHello\n\nBody.\n", &d), 0);
	assert_string_equal(d.title, "Hello");
	doc_free(&d);
	EXPECT_SKIP("\xef\xbb\xbf", NULL, "empty");
	EXPECT_SKIP("\xef\xbb\xbf \n", NULL, "empty");
}

static void
test_invalid_utf8(void **state)
{
	struct doc	 d;
	struct capture	 c;
	char		*log;

	(void)state;
	cap_start(&c);
	assert_int_equal(parse("Title\r\n\r\nok \xff\xfe bad\nfine \xe2\x82"
	    "\n\xc3 x \xed\xa0\x80\n", &d), 0);
	log = cap_end(&c);
	/* One warning per affected line: lines 3, 4 and 5, not 1 or 2. */
	assert_int_equal(c.warnings, 3);
	assert_non_null(strstr(log,
	    "t.txt:3: invalid UTF-8 replaced with U+FFFD"));
	assert_non_null(strstr(log, "t.txt:4: invalid UTF-8"));
	assert_non_null(strstr(log, "t.txt:5: invalid UTF-8"));
	check_block(&d, 0, BLOCK_PARAGRAPH,
	    "ok \xef\xbf\xbd\xef\xbf\xbd bad fine \xef\xbf\xbd\xef\xbf\xbd "
	    "\xef\xbf\xbd x \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	free(log);
	doc_free(&d);
}

static void
test_skips(void **state)
{
	static const char *const drop[] = { "Blog Article" };
	struct article_opts	 o = { (char **)drop, 1 };
	char			*big;

	(void)state;
	EXPECT_SKIP("", NULL, "empty");
	EXPECT_SKIP(" \t\r\n\n\t \r", NULL, "empty");
	EXPECT_SKIP("Title\n\nab\0cd\n", NULL, "binary");
	EXPECT_SKIP("\x01\x02\x03\x1b\x7f abc\x04\x05\x06", NULL,
	    "binary");
	EXPECT_SKIP("---\n\n***\n\n> ...\n", NULL, "no words");
	EXPECT_SKIP("Blog Article\n\n  Blog Article\n", &o, "no words");
	/* An invalid byte repaired to U+FFFD is not a word. */
	EXPECT_SKIP("\xff\xfe\n", NULL, "no words");

	/* A stray control character in real text is not binary. */
	big = strdup("Title\n\nText with a \x1b stray escape.\n");
	{
		struct doc	 d;

		assert_int_equal(parse(big, &d), 0);
		check_block(&d, 0, BLOCK_PARAGRAPH,
		    "Text with a \x1b stray escape.");
		doc_free(&d);
	}
	free(big);
}

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
test_megabyte_line(void **state)
{
	struct doc	 d;
	struct buf	 b;
	size_t		 i, len;
	char		*s;
	double		 t0;

	(void)state;
	buf_init(&b);
	buf_puts(&b, "Title\n\n");
	for (i = 0; i < 100000; i++)	/* 1.1 MB, 200000 words, 100000 URLs */
		buf_puts(&b, "http://a.b/ c ");
	buf_puts(&b, "\n\n```\n");
	for (i = 0; i < 1 << 20; i++)
		buf_putc(&b, i % 7 ? 'x' : '\t');
	buf_puts(&b, "\n```\n\n");
	for (i = 0; i < 1 << 20; i++)	/* a long line of closing parens */
		buf_puts(&b, i == 0 ? "http://a/" : ")");
	buf_putc(&b, '\n');
	s = buf_steal(&b, &len);
	assert_non_null(s);
	t0 = now();
	assert_int_equal(parse_with(s, len, NULL, 0, NULL, &d), 0);
	/* Linear: well under a second even with sanitizers; n^2 is hours. */
	assert_true(now() - t0 < 5.0);
	assert_int_equal(d.nblocks, 3);
	assert_int_equal(d.blocks[0].type, BLOCK_PARAGRAPH);
	assert_int_equal(strlen(d.blocks[0].text), 100000 * 14 - 1);
	assert_int_equal(d.blocks[0].nlinks, 100000);
	assert_string_equal(d.blocks[0].links[99999], "http://a.b/");
	assert_int_equal(d.blocks[1].type, BLOCK_PRE);
	assert_int_equal(d.blocks[2].nlinks, 1);
	assert_string_equal(d.blocks[2].links[0], "http://a/");
	doc_free(&d);

	/* A file that is one 1 MB line: it is the title. */
	s[7 + 100000 * 14 - 1] = '\0';
	assert_int_equal(parse(s + 7, &d), 0);
	assert_int_equal(strlen(d.title), 100000 * 14 - 1);
	assert_int_equal(d.nblocks, 0);
	doc_free(&d);
	free(s);
}

/* --- structure ----------------------------------------------------------- */

static void
test_lists(void **state)
{
	struct doc	 d;

	(void)state;
	assert_int_equal(parse("T\n\n- dash\n* star\n\xe2\x80\xa2 bullet\n"
	    "1. one\n  continued  here\n\tand here\n2) two\n10. ten\n"
	    "  - nested\nnot joined\n\n-no space\n\n- \n", &d), 0);
	check_block(&d, 0, BLOCK_ITEM, "dash");
	check_block(&d, 1, BLOCK_ITEM, "star");
	check_block(&d, 2, BLOCK_ITEM, "bullet");
	check_block(&d, 3, BLOCK_ITEM, "one continued here and here");
	check_block(&d, 4, BLOCK_ITEM, "two");
	check_block(&d, 5, BLOCK_ITEM, "ten");
	check_block(&d, 6, BLOCK_ITEM, "nested");
	check_block(&d, 7, BLOCK_PARAGRAPH, "not joined");
	check_block(&d, 8, BLOCK_PARAGRAPH, "-no space");
	check_block(&d, 9, BLOCK_PARAGRAPH, "-");
	assert_int_equal(d.nblocks, 10);
	assert_int_equal(d.blocks[0].number, 0);
	assert_int_equal(d.blocks[1].number, 0);
	assert_int_equal(d.blocks[2].number, 0);
	assert_int_equal(d.blocks[3].number, 1);
	assert_int_equal(d.blocks[4].number, 2);
	assert_int_equal(d.blocks[5].number, 10);
	doc_free(&d);

	/* A list item interrupts a paragraph. */
	assert_int_equal(parse("T\n\nIntro:\n- a\n", &d), 0);
	check_block(&d, 0, BLOCK_PARAGRAPH, "Intro:");
	check_block(&d, 1, BLOCK_ITEM, "a");
	doc_free(&d);
}

static void
test_quotes(void **state)
{
	struct doc	 d;

	(void)state;
	assert_int_equal(parse("T\n\n> first\n>second  line\n>\n> > third\n"
	    "after\n", &d), 0);
	check_block(&d, 0, BLOCK_QUOTE, "first second line");
	check_block(&d, 1, BLOCK_QUOTE, "> third");
	check_block(&d, 2, BLOCK_PARAGRAPH, "after");
	assert_int_equal(d.nblocks, 3);
	doc_free(&d);
}

static void
test_fence(void **state)
{
	static const char *const drop[] = { "Blog Article" };
	struct article_opts	 o = { (char **)drop, 1 };
	struct doc		 d;
	const char		*t = "T\n\n```  python code \n- x  = 1\n\n"
	    "Blog Article\n  http://no.link/\n```\nafter\n```\n```\n";

	(void)state;
	assert_int_equal(parse_with(t, strlen(t), NULL, 0, &o, &d), 0);
	check_block(&d, 0, BLOCK_PRE,
	    "- x  = 1\n\nBlog Article\n  http://no.link/");
	assert_string_equal(d.blocks[0].alt, "python code");
	assert_int_equal(d.blocks[0].nlinks, 0);
	check_block(&d, 1, BLOCK_PARAGRAPH, "after");
	check_block(&d, 2, BLOCK_PRE, "");
	assert_null(d.blocks[2].alt);
	assert_int_equal(d.nblocks, 3);
	doc_free(&d);
}

static void
test_unclosed_fence(void **state)
{
	struct doc	 d;
	struct capture	 c;
	char		*log;

	(void)state;
	cap_start(&c);
	assert_int_equal(parse("T\n\nText.\n```\na\n\nb  \n", &d), 0);
	log = cap_end(&c);
	assert_int_equal(c.warnings, 1);
	assert_non_null(strstr(log, "t.txt:4: unclosed"));
	check_block(&d, 0, BLOCK_PARAGRAPH, "Text.");
	check_block(&d, 1, BLOCK_PRE, "a\n\nb  ");
	free(log);
	doc_free(&d);
}

static void
test_indented(void **state)
{
	struct doc	 d;

	(void)state;
	assert_int_equal(parse("T\n\nPara\n    joined\n\n    code 1\n"
	    "      code 2\n\n\tx\ty\nback\n\n- item\n    continuation\n",
	    &d), 0);
	check_block(&d, 0, BLOCK_PARAGRAPH, "Para joined");
	check_block(&d, 1, BLOCK_PRE, "code 1\n  code 2\n\n    x       y");
	check_block(&d, 2, BLOCK_PARAGRAPH, "back");
	check_block(&d, 3, BLOCK_ITEM, "item continuation");
	assert_int_equal(d.nblocks, 4);
	doc_free(&d);
}

static void
test_urls(void **state)
{
	struct doc	 d;
	const char	*text = "T\n\nSee https://example.org/a_(b), and "
	    "GEMINI://x.y/z. Also (http://q.r/s) and "
	    "\xe2\x80\x9chttps://u.v/w\xe2\x80\x9d! gopher://g.h:70/1/?\n"
	    "xhttp://no.pe and http:// alone, ftp://f.g <http://h.i/j>";

	(void)state;
	assert_int_equal(parse("T\n\n> quoted https://q.example/x.\n\n"
	    "Heading gemini://h.example/\n\n- item http://i.example/;\n",
	    &d), 0);
	check_block(&d, 0, BLOCK_QUOTE, "quoted https://q.example/x.");
	assert_int_equal(d.blocks[0].nlinks, 1);
	assert_string_equal(d.blocks[0].links[0], "https://q.example/x");
	check_block(&d, 1, BLOCK_HEADING, "Heading gemini://h.example/");
	assert_string_equal(d.blocks[1].links[0], "gemini://h.example/");
	check_block(&d, 2, BLOCK_ITEM, "item http://i.example/;");
	assert_string_equal(d.blocks[2].links[0], "http://i.example/");
	doc_free(&d);

	assert_int_equal(parse(text, &d), 0);
	assert_int_equal(d.nblocks, 1);
	/* The text keeps the URLs: nothing lost. */
	assert_non_null(strstr(d.blocks[0].text, "https://example.org/a_(b),"));
	assert_int_equal(d.blocks[0].nlinks, 6);
	assert_string_equal(d.blocks[0].links[0], "https://example.org/a_(b)");
	assert_string_equal(d.blocks[0].links[1], "GEMINI://x.y/z");
	assert_string_equal(d.blocks[0].links[2], "http://q.r/s");
	assert_string_equal(d.blocks[0].links[3], "https://u.v/w");
	assert_string_equal(d.blocks[0].links[4], "gopher://g.h:70/1/");
	assert_string_equal(d.blocks[0].links[5], "http://h.i/j");
	doc_free(&d);
}

static void
test_title_repeats(void **state)
{
	struct doc	 d;
	struct capture	 c;
	char		*log;

	(void)state;
	assert_int_equal(parse("HELLO WORLD\n\n\nHello World\n\nhello \t world"
	    "\nBody.\n\nHello World\n", &d), 0);
	assert_string_equal(d.title, "Hello World");
	/* Repeats removed; a later line equal to the title stays. */
	assert_int_equal(d.nblocks, 2);
	check_block(&d, 0, BLOCK_PARAGRAPH, "Body.");
	check_block(&d, 1, BLOCK_HEADING, "Hello World");
	doc_free(&d);

	/* Only capitals: the title is as written. */
	assert_int_equal(parse("HELLO\n\nBody.\n", &d), 0);
	assert_string_equal(d.title, "HELLO");
	assert_int_equal(d.nblocks, 1);
	doc_free(&d);

	/* A metadata title collapses its repeats, whatever their case. */
	cap_start(&c);
	assert_int_equal(parse_meta("THE TITLE\nthe title\n\nIntro.\n",
	    "title: The Title\n", &d), 0);
	log = cap_end(&c);
	assert_int_equal(c.warnings, 0);
	free(log);
	assert_string_equal(d.title, "The Title");
	assert_int_equal(d.nblocks, 1);
	check_block(&d, 0, BLOCK_PARAGRAPH, "Intro.");
	doc_free(&d);

	/* A first line that differs from the metadata title stays. */
	assert_int_equal(parse_meta("Intro line\n\nBody.\n", "Title: Other\n",
	    &d), 0);
	assert_string_equal(d.title, "Other");
	check_block(&d, 0, BLOCK_HEADING, "Intro line");
	check_block(&d, 1, BLOCK_PARAGRAPH, "Body.");
	doc_free(&d);
}

static void
test_drop_lines(void **state)
{
	static const char *const drop[] = { "Blog Article" };
	struct article_opts	 o = { (char **)drop, 1 };
	struct doc		 d;
	const char		*t = "T\n\nBlog Article\n\n"
	    "  Blog Article \t\n\n"
	    "Blog Article!\n\nblog article\n\nThe Blog Article here\n\n"
	    "Blog  Article\n\nBefore\nBlog Article\nafter.\n";

	(void)state;
	assert_int_equal(parse_with(t, strlen(t), NULL, 0, &o, &d), 0);
	assert_int_equal(d.nblocks, 5);
	check_block(&d, 0, BLOCK_PARAGRAPH, "Blog Article!");
	check_block(&d, 1, BLOCK_PARAGRAPH, "blog article");
	check_block(&d, 2, BLOCK_HEADING, "The Blog Article here");
	check_block(&d, 3, BLOCK_HEADING, "Blog Article");
	check_block(&d, 4, BLOCK_PARAGRAPH, "Before after.");
	doc_free(&d);
}

static void
test_headings(void **state)
{
	struct doc	 d;
	char		 t[256];

	(void)state;
	assert_int_equal(parse("T\n\nShort heading\n\nends with period.\n\n"
	    "Ends with colon:\n\nlower case start\n\n2024 in review\n\n"
	    "Two lines\nnot a heading\n\n\xc3\x89t\xc3\xa9 \xe2\x80\x94 summer"
	    "\n\nHe said \xe2\x80\x9cno.\xe2\x80\x9d\n\n"
	    "Wait\xe2\x80\xa6\n", &d),
	    0);
	check_block(&d, 0, BLOCK_HEADING, "Short heading");
	check_block(&d, 1, BLOCK_PARAGRAPH, "ends with period.");
	check_block(&d, 2, BLOCK_PARAGRAPH, "Ends with colon:");
	check_block(&d, 3, BLOCK_PARAGRAPH, "lower case start");
	check_block(&d, 4, BLOCK_HEADING, "2024 in review");
	check_block(&d, 5, BLOCK_PARAGRAPH, "Two lines not a heading");
	check_block(&d, 6, BLOCK_HEADING,
	    "\xc3\x89t\xc3\xa9 \xe2\x80\x94 summer");
	check_block(&d, 7, BLOCK_PARAGRAPH,
	    "He said \xe2\x80\x9cno.\xe2\x80\x9d");
	check_block(&d, 8, BLOCK_PARAGRAPH, "Wait\xe2\x80\xa6");
	doc_free(&d);

	/* 80 columns is a heading, 81 is not. */
	memset(t, 0, sizeof(t));
	memcpy(t, "T\n\n", 3);
	memset(t + 3, 'A', 80);
	strcat(t, "\n\n");
	memset(t + strlen(t), 'B', 81);
	assert_int_equal(parse(t, &d), 0);
	assert_int_equal(d.blocks[0].type, BLOCK_HEADING);
	assert_int_equal(d.blocks[1].type, BLOCK_PARAGRAPH);
	doc_free(&d);
}

/* --- slugs and the directory --------------------------------------------- */

static void
test_slug(void **state)
{
	static const char *const cases[][2] = {
		{ "My Post.txt", "my-post" },
		{ "my_post.txt", "my-post" },
		{ "belonging-heals.txt", "belonging-heals" },
		{ "--Hello__World--.txt", "hello-world" },
		{ "a.b.txt", "a-b" },
		{ "\xc3\x84pfel 2.txt", "pfel-2" },
		{ "UPPER.TXT", "upper-txt" },
		{ "x", "x" },
	};
	size_t	 i;
	char	*s;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = article_slug(cases[i][0]);
		assert_non_null(s);
		assert_string_equal(s, cases[i][1]);
		free(s);
	}
	assert_null(article_slug("___.txt"));
	assert_null(article_slug(".txt"));
	assert_null(article_slug("\xc3\xa9.txt"));
}

static void
rm(const char *dir, const char *name)
{
	char	 path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (unlink(path) == -1)
		assert_int_equal(rmdir(path), 0);
}

static void
test_load(void **state)
{
	static const char *const files[] = { "b.txt", "a.txt", "c.txt",
	    "My Post.txt", "my_post.txt", ".hidden.txt", "notes.md",
	    "empty.txt", "dir.txt", "dangling.txt", "locked.txt", "big.txt",
	    "old.txt", "old.meta" };
	char		 dir[] = "/tmp/test_article.XXXXXX", path[512];
	struct article	*v;
	size_t		 n, i;
	struct capture	 c;
	char		*log;
	int		 fd, root = geteuid() == 0;
	struct timeval	 tv[2];

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(tu_write(dir, "b.txt",
	    "Title: B\nDate: 2024-01-01\n\nBody b.\n"), 0);
	assert_int_equal(tu_write(dir, "a.txt",
	    "Title: A\nDate: 2025-01-01\n\nBody a.\n"), 0);
	assert_int_equal(tu_write(dir, "c.txt", "C\n\nBody c.\n"), 0);
	assert_int_equal(tu_write(dir, "My Post.txt",
	    "Date: 2020-01-01\n\nPost\n\nFirst.\n"), 0);
	assert_int_equal(tu_write(dir, "my_post.txt",
	    "Date: 2020-01-01\n\nPost\n\nSecond.\n"), 0);
	assert_int_equal(tu_write(dir, ".hidden.txt", "Hidden\n\nText.\n"), 0);
	assert_int_equal(tu_write(dir, "notes.md", "Notes\n\nText.\n"), 0);
	assert_int_equal(tu_write(dir, "empty.txt", "\n\n"), 0);
	assert_int_equal(tu_write(dir, "locked.txt",
	    "Date: 1999-01-01\n\nLocked.\n"), 0);
	assert_int_equal(tu_write(dir, "old.txt", "Old\n\nText.\n"), 0);
	assert_int_equal(tu_write(dir, "old.meta",
	    "Date: 2001-02-03\nTitle: Old one\n"), 0);
	snprintf(path, sizeof(path), "%s/dir.txt", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/dangling.txt", dir);
	assert_int_equal(symlink("/nonexistent/x", path), 0);
	snprintf(path, sizeof(path), "%s/locked.txt", dir);
	assert_int_equal(chmod(path, 0), 0);
	snprintf(path, sizeof(path), "%s/big.txt", dir);
	assert_true((fd = open(path, O_WRONLY | O_CREAT, 0644)) >= 0);
	assert_int_equal(ftruncate(fd, 16 * 1024 * 1024 + 1), 0);
	close(fd);
	/* c.txt has no date: its mtime says 2025-01-01, a tie with a.txt. */
	snprintf(path, sizeof(path), "%s/c.txt", dir);
	tv[0].tv_sec = tv[1].tv_sec = 1735689600 + 3600;
	tv[0].tv_usec = tv[1].tv_usec = 0;
	assert_int_equal(utimes(path, tv), 0);

	cap_start(&c);
	assert_int_equal(articles_load(dir, NULL, &v, &n), 0);
	log = cap_end(&c);

	/* Newest first, ties by slug; the second my-post is skipped. */
	assert_int_equal(n, root ? 6 : 5);
	assert_string_equal(v[0].slug, "a");
	assert_string_equal(v[1].slug, "c");
	assert_string_equal(v[1].doc.date, "2025-01-01");
	assert_string_equal(v[2].slug, "b");
	i = 3;
	/* Root reads a chmod 000 file: then it loads, and sorts last. */
	if (root)
		assert_string_equal(v[5].slug, "locked");
	else
		assert_non_null(strstr(log, "locked.txt: Permission denied"));
	assert_string_equal(v[i].slug, "my-post");
	assert_string_equal(v[i].doc.blocks[0].text, "First.");
	assert_string_equal(v[i + 1].slug, "old");
	assert_string_equal(v[i + 1].doc.title, "Old one");
	assert_string_equal(v[i + 1].doc.date, "2001-02-03");
	snprintf(path, sizeof(path), "%s/a.txt", dir);
	assert_string_equal(v[0].source, path);
	assert_non_null(strstr(log, "my_post.txt: slug \"my-post\" already "
	    "taken by "));
	assert_non_null(strstr(log, "My Post.txt, skipped"));
	assert_non_null(strstr(log, "empty.txt: skipped: empty"));
	assert_non_null(strstr(log, "dir.txt: not a regular file"));
	assert_non_null(strstr(log, "dangling.txt: No such file"));
	assert_non_null(strstr(log, "big.txt: larger than"));
	assert_null(strstr(log, "hidden"));
	assert_null(strstr(log, "notes"));
	articles_free(v, n);
	free(log);

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		rm(dir, files[i]);
	assert_int_equal(rmdir(dir), 0);
}

static void
test_load_errors(void **state)
{
	char		 dir[] = "/tmp/test_article.XXXXXX";
	struct article	*v = (struct article *)1;
	size_t		 n = 7;
	struct capture	 c;
	char		*log;

	(void)state;
	cap_start(&c);
	assert_int_equal(articles_load("/nonexistent/articles", NULL, &v, &n),
	    -1);
	log = cap_end(&c);
	assert_non_null(strstr(log, "/nonexistent/articles"));
	free(log);

	/* An empty directory is no error: zero articles. */
	assert_non_null(mkdtemp(dir));
	assert_int_equal(articles_load(dir, NULL, &v, &n), 0);
	assert_int_equal(n, 0);
	articles_free(v, n);
	assert_int_equal(rmdir(dir), 0);
}

/* --- the 8-byte passes: skip checks, folding, line numbers ---------------- */

/* Parses text[0..len) and tells whether (and why) it was skipped. */
static const char *
skip_kind(const char *text, size_t len)
{
	struct capture	 c;
	struct doc	 d;
	char		*log;
	const char	*kind = NULL;
	int		 rc;

	cap_start(&c);
	rc = parse_with(text, len, NULL, 0, NULL, &d);
	log = cap_end(&c);
	if (strstr(log, "binary file (NUL bytes)") != NULL)
		kind = "nul";
	else if (strstr(log, "mostly control") != NULL)
		kind = "ctrl";
	else if (strstr(log, "empty file") != NULL)
		kind = "empty";
	else if (strstr(log, "no words") != NULL)
		kind = "no words";
	else
		kind = "ok";
	assert_int_equal(rc, strcmp(kind, "ok") == 0 ? 0 : -1);
	if (rc == 0)
		doc_free(&d);
	free(log);
	return kind;
}

static void
test_skip_fast_path(void **state)
{
	static const char ctrl[] = "\x01\x02\x07\x08\x0e\x1b\x1f\x7f";
	char		 s[64];
	size_t		 len, at, k, i, n;
	unsigned	 seed = 3;

	(void)state;
	/* A NUL anywhere, at every offset modulo 8, in every length. */
	for (len = 1; len <= 40; len++)
		for (at = 0; at < len; at++) {
			memset(s, 'w', len);
			s[at] = '\0';
			assert_string_equal(skip_kind(s, len), "nul");
		}
	/* NUL wins over white space only and over controls. */
	assert_string_equal(skip_kind(" \t\n\0\r", 5), "nul");
	assert_string_equal(skip_kind("\x01\x01\x01\0", 4), "nul");
	/* More than a quarter controls is binary; a quarter is not. */
	for (len = 8; len <= 48; len++)
		for (k = len / 4; k <= len / 4 + 1; k++) {
			memset(s, 'w', len);
			for (n = 0; n < k; ) {
				seed = seed * 1103515245 + 12345;
				i = (seed >> 16) % len;
				if (s[i] != 'w')
					continue;
				s[i] = ctrl[(seed >> 8) % (sizeof(ctrl) - 1)];
				n++;
			}
			assert_string_equal(skip_kind(s, len),
			    k * 4 > len ? "ctrl" : "ok");
		}
	/* TAB, LF, VT, FF, CR are white space, C1 controls in UTF-8 text. */
	for (i = 0; i < 32; i++) {
		s[2 * i] = (char)0xc2;
		s[2 * i + 1] = (char)(0x80 + i);
	}
	memcpy(s, "ab\t\n\v\f\r\t\n\v\f\r\t\n\v\f\r", 17);
	assert_string_equal(skip_kind(s, 64), "ok");
	/* White space only, any length: empty; one control makes text. */
	for (len = 1; len <= 20; len++) {
		for (i = 0; i < len; i++)
			s[i] = " \t\n\v\f\r"[i % 6];
		assert_string_equal(skip_kind(s, len), "empty");
		s[len - 1] = '\x01';
		assert_string_equal(skip_kind(s, len), len < 4 ? "ctrl" :
		    "no words");
	}
}

/* Runs of white space fold to one space wherever they fall. */
static void
test_fold_fast_path(void **state)
{
	static const char *const words[] = { "ab", "c", "defghijkl", "mn",
	    "\xc3\xa9t\xc3\xa9", "opqrstu", "x" };
	static const char *const seps[] = { " ", " ", " ", "  ", "\t", " \t ",
	    "\v", "\f", "   ", "\t\t" };
	struct buf	 in, want;
	struct doc	 d;
	unsigned	 seed = 5;
	size_t		 iter, line, nlines, nw, w;

	(void)state;
	for (iter = 0; iter < 400; iter++) {
		buf_init(&in);
		buf_init(&want);
		buf_puts(&in, "Title\n\n");
		seed = seed * 1103515245 + 12345;
		nlines = 1 + (seed >> 16) % 4;
		for (line = 0; line < nlines; line++) {
			seed = seed * 1103515245 + 12345;
			nw = 1 + (seed >> 16) % 12;
			if (line > 0) {
				/* Continuations may start and end blank. */
				buf_puts(&in, seps[(seed >> 4) % 10]);
				buf_putc(&want, ' ');
			}
			for (w = 0; w < nw; w++) {
				seed = seed * 1103515245 + 12345;
				if (w > 0) {
					buf_puts(&in, seps[(seed >> 4) % 10]);
					buf_putc(&want, ' ');
				}
				/* A lowercase start: no heading. */
				buf_puts(&in, words[(seed >> 16) % 7]);
				buf_puts(&want, words[(seed >> 16) % 7]);
			}
			buf_puts(&in, seps[(seed >> 8) % 10]);
			buf_putc(&in, '\n');
		}
		assert_false(in.err || want.err);
		assert_int_equal(parse(buf_str(&in), &d), 0);
		assert_int_equal(d.nblocks, 1);
		check_block(&d, 0, BLOCK_PARAGRAPH, buf_str(&want));
		doc_free(&d);
		buf_free(&in);
		buf_free(&want);
	}
}

/*
 * Line numbers in warnings count every LF, CRLF and CR, though they are
 * only counted where a CR or a repair needs them.
 */
static void
test_line_numbers(void **state)
{
	static const char *const ends[] = { "\n", "\r\n", "\r" };
	struct buf	 in;
	struct capture	 c;
	struct doc	 d;
	char		*log, want[64];
	unsigned	 seed = 9, bad[40];
	size_t		 iter, line, nlines, nbad, pad;

	(void)state;
	for (iter = 0; iter < 60; iter++) {
		buf_init(&in);
		buf_puts(&in, "Title");
		nbad = 0;
		seed = seed * 1103515245 + 12345;
		nlines = 2 + (seed >> 16) % 38;
		for (line = 2; line <= nlines; line++) {
			seed = seed * 1103515245 + 12345;
			buf_puts(&in, ends[(seed >> 16) % 3]);
			/* Never empty: CR then LF would be one CRLF. */
			for (pad = 1 + (seed >> 8) % 13; pad > 0; pad--)
				buf_putc(&in, 'a');
			if ((seed >> 20) % 3 == 0) {
				buf_puts(&in, (seed >> 24) % 2 ? "\xff" :
				    "x\xc3");
				bad[nbad++] = (unsigned)line;
			}
		}
		cap_start(&c);
		assert_int_equal(parse_with(buf_str(&in), in.len, NULL, 0,
		    NULL, &d), 0);
		log = cap_end(&c);
		assert_int_equal(c.warnings, nbad);
		while (nbad > 0) {
			snprintf(want, sizeof(want), "t.txt:%u: invalid UTF-8",
			    bad[--nbad]);
			assert_non_null(strstr(log, want));
		}
		free(log);
		doc_free(&d);
		buf_free(&in);
	}
}

/* What the streaming callback saw. */
struct seen {
	char	 slugs[8][16];
	size_t	 n;
	size_t	 fail_at;	/* returns -1 on this call (0: never) */
};

static int
on_article(struct article *a, size_t i, void *arg)
{
	struct seen	*s = arg;

	assert_int_equal(i, s->n);
	assert_true(a->doc.nblocks > 0);	/* the body is still there */
	snprintf(s->slugs[s->n], sizeof(s->slugs[0]), "%s", a->slug);
	if (++s->n == s->fail_at)
		return -1;
	doc_free_blocks(&a->doc);
	return 0;
}

static void
test_stream(void **state)
{
	static const char *const files[] = { "b.txt", "a.txt", "c.txt",
	    "A.txt", "d.txt", "_b_.txt", "e.txt" };
	static const char *const texts[] = {
		"Date: 2020-01-01\n\nB\n\nb.\n",
		"Date: 2021-01-01\n\nA\n\na.\n",
		"\n \n",
		"Date: 2022-01-01\n\nA2\n\na.\n",
		"Date: 2020-01-01\n\nD\n\nd.\n",
		"Date: 2019-01-01\n\nB2\n\nb.\n",
		"Date: 2023-01-01\n\nE\n\ne.\n",
	};
	char		*dir, *log;
	struct article	*v;
	struct seen	 seen;
	struct capture	 c;
	size_t		 n, i;

	(void)state;
	assert_non_null(dir = tu_tmpdir());
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		assert_int_equal(tu_write(dir, files[i], texts[i]), 0);

	/* File-name order ("A" < "_b_" < "a" < ...), the first slug wins. */
	memset(&seen, 0, sizeof(seen));
	cap_start(&c);
	assert_int_equal(articles_stream(dir, NULL, on_article, &seen, &v, &n),
	    0);
	log = cap_end(&c);
	assert_int_equal(n, 4);
	assert_int_equal(seen.n, 4);
	assert_string_equal(seen.slugs[0], "a");	/* A.txt */
	assert_string_equal(seen.slugs[1], "b");	/* _b_.txt */
	assert_string_equal(seen.slugs[2], "d");
	assert_string_equal(seen.slugs[3], "e");
	for (i = 0; i < n; i++) {
		assert_string_equal(v[i].slug, seen.slugs[i]);
		/* The callback freed the body; the metadata is kept. */
		assert_int_equal(v[i].doc.nblocks, 0);
		assert_non_null(v[i].doc.title);
	}
	assert_string_equal(v[0].doc.title, "A2");
	assert_string_equal(v[1].doc.title, "B2");
	/* Duplicates are warned about after every parse warning, by slug. */
	assert_non_null(strstr(log, "c.txt: skipped: empty"));
	assert_non_null(strstr(log, "a.txt: slug \"a\" already taken by"));
	assert_non_null(strstr(log, "b.txt: slug \"b\" already taken by"));
	assert_true(strstr(log, "c.txt: skipped") < strstr(log, "slug \"a\""));
	assert_true(strstr(log, "slug \"a\"") < strstr(log, "slug \"b\""));
	free(log);
	/* Sorted, they are the capsule's order: newest first. */
	articles_sort(v, n);
	assert_string_equal(v[0].slug, "e");
	assert_string_equal(v[1].slug, "a");
	assert_string_equal(v[2].slug, "d");
	assert_string_equal(v[3].slug, "b");
	articles_free(v, n);

	/* A failing callback stops the load; nothing is leaked. */
	memset(&seen, 0, sizeof(seen));
	seen.fail_at = 2;
	cap_start(&c);
	assert_int_equal(articles_stream(dir, NULL, on_article, &seen, &v, &n),
	    -1);
	log = cap_end(&c);
	assert_int_equal(seen.n, 2);
	assert_null(v);
	assert_int_equal(n, 0);
	free(log);

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		rm(dir, files[i]);
	assert_int_equal(rmdir(dir), 0);
	free(dir);
}

static void
test_doc_free_empty(void **state)
{
	struct doc	 d;

	(void)state;
	memset(&d, 0, sizeof(d));
	doc_free(&d);
	doc_free(&d);		/* twice: doc_free leaves an empty doc */
	doc_free(NULL);
	assert_null(d.title);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed),
		cmocka_unit_test(test_seed_meta),
		cmocka_unit_test(test_word_fidelity),
		cmocka_unit_test(test_header_dashes),
		cmocka_unit_test(test_header_blank),
		cmocka_unit_test(test_sidecar_override),
		cmocka_unit_test(test_invalid_date),
		cmocka_unit_test(test_crlf_cr),
		cmocka_unit_test(test_tabs),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_skips),
		cmocka_unit_test(test_megabyte_line),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_fence),
		cmocka_unit_test(test_unclosed_fence),
		cmocka_unit_test(test_indented),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_title_repeats),
		cmocka_unit_test(test_drop_lines),
		cmocka_unit_test(test_headings),
		cmocka_unit_test(test_slug),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_skip_fast_path),
		cmocka_unit_test(test_fold_fast_path),
		cmocka_unit_test(test_line_numbers),
		cmocka_unit_test(test_stream),
		cmocka_unit_test(test_doc_free_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
