/* Unit tests: the gemtext and gopher renderers of the document model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "doc.h"
#include "render_gemtext.h"
#include "render_gopher.h"
#include "utf8.h"

/* --- helpers ------------------------------------------------------------ */

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static void
expect_gemline(const char *in, const char *want)
{
	struct buf	 b;

	buf_init(&b);
	gemtext_text_line(&b, in);
	assert_false(b.err);
	assert_string_equal(b.data, want);
	buf_free(&b);
}

static void
expect_wrap(const char *in, size_t width, const char *first,
    const char *rest, const char *want)
{
	struct buf	 b;

	buf_init(&b);
	gopher_wrap(&b, in, width, first, rest);
	assert_false(b.err);
	assert_string_equal(b.len ? b.data : "", want);
	buf_free(&b);
}

static char *
render_gem(const struct doc *d)
{
	struct buf	 b;
	char		*s;

	buf_init(&b);
	render_gemtext(&b, d);
	s = buf_steal(&b, NULL);
	assert_non_null(s);
	return s;
}

static char *
render_goph(const struct doc *d, size_t width)
{
	struct buf	 b;
	char		*s;

	buf_init(&b);
	render_gopher(&b, d, width);
	s = buf_steal(&b, NULL);
	assert_non_null(s);
	return s;
}

/* --- the sample document: every block type ------------------------------ */

static char	*tags[] = { "a", "b" };
static char	*links_p1[] = { "https://a.example/x", "https://a.example/x" };
static char	*links_p2[] = { "https://b.example/", "https://a.example/x" };

static struct block sample_blocks[] = {
	{ BLOCK_HEADING, "First part", NULL, 0, NULL, 0 },
	{ BLOCK_PARAGRAPH,
	    "See https://a.example/x for more, and https://a.example/x again.",
	    NULL, 0, links_p1, 2 },
	{ BLOCK_ITEM, "bullet one", NULL, 0, NULL, 0 },
	{ BLOCK_ITEM, "bullet two", NULL, 0, NULL, 0 },
	{ BLOCK_ITEM, "third thing", NULL, 3, NULL, 0 },
	{ BLOCK_QUOTE, "quoted words", NULL, 0, NULL, 0 },
	{ BLOCK_PRE, "code\n```\n\tx", "sh", 0, NULL, 0 },
	{ BLOCK_PARAGRAPH, "Last https://b.example/ and https://a.example/x.",
	    NULL, 0, links_p2, 2 },
};

static struct doc sample = {
	"A Title", "2025-06-02", "Ann Author", tags, 2,
	sample_blocks, NELEM(sample_blocks)
};

static void
test_gemtext_sample(void **state)
{
	char	*s = render_gem(&sample);

	assert_string_equal(s,
	    "# A Title\n"
	    "\n"
	    "2025-06-02 · by Ann Author\n"
	    "Tags: a, b\n"
	    "\n"
	    "## First part\n"
	    "\n"
	    "See https://a.example/x for more, and https://a.example/x again.\n"
	    "=> https://a.example/x https://a.example/x\n"
	    "\n"
	    "* bullet one\n"
	    "* bullet two\n"
	    "3. third thing\n"
	    "\n"
	    "> quoted words\n"
	    "\n"
	    "```sh\n"
	    "code\n"
	    " ```\n"
	    "\tx\n"
	    "```\n"
	    "\n"
	    "Last https://b.example/ and https://a.example/x.\n"
	    "=> https://b.example/ https://b.example/\n"
	    "=> https://a.example/x https://a.example/x\n");
	free(s);
}

static void
test_gopher_sample(void **state)
{
	char	*s = render_goph(&sample, 40);

	assert_string_equal(s,
	    "A Title\r\n"
	    "=======\r\n"
	    "2025-06-02 · by Ann Author\r\n"
	    "Tags: a, b\r\n"
	    "\r\n"
	    "First part\r\n"
	    "----------\r\n"
	    "\r\n"
	    "See https://a.example/x [1] for more,\r\n"
	    "and https://a.example/x again.\r\n"
	    "\r\n"
	    "  - bullet one\r\n"
	    "  - bullet two\r\n"
	    "  3. third thing\r\n"
	    "\r\n"
	    "> quoted words\r\n"
	    "\r\n"
	    "code\r\n"
	    "```\r\n"
	    "        x\r\n"
	    "\r\n"
	    "Last https://b.example/ [2] and\r\n"
	    "https://a.example/x.\r\n"
	    "\r\n"
	    "Links\r\n"
	    "-----\r\n"
	    "\r\n"
	    "[1] https://a.example/x\r\n"
	    "[2] https://b.example/\r\n");
	free(s);
}

/* Date only, no tags, no links: no "by", no Tags line, no Links. */
static void
test_minimal_header(void **state)
{
	struct block	 bl[] = {
		{ BLOCK_PARAGRAPH, "Hello.", NULL, 0, NULL, 0 },
		{ BLOCK_PARAGRAPH, " \t\n", NULL, 0, NULL, 0 },	/* skipped */
		{ BLOCK_QUOTE, "", NULL, 0, NULL, 0 },		/* skipped */
	};
	struct doc	 d = { "T", "2024-01-31", NULL, NULL, 0, bl, 3 };
	char		*s;

	s = render_gem(&d);
	assert_string_equal(s, "# T\n\n2024-01-31\n\nHello.\n");
	free(s);
	s = render_goph(&d, 70);
	assert_string_equal(s, "T\r\n=\r\n2024-01-31\r\n\r\nHello.\r\n");
	free(s);
}

/* Newlines inside heading, item, quote, title and alt text become spaces. */
static void
test_gemtext_newlines(void **state)
{
	struct block	 bl[] = {
		{ BLOCK_HEADING, "two\nlines", NULL, 0, NULL, 0 },
		{ BLOCK_ITEM, "x\r\n=> y", NULL, 0, NULL, 0 },
		{ BLOCK_QUOTE, "q\n# r", NULL, 0, NULL, 0 },
		{ BLOCK_PRE, "a\r\nb", "alt\nx", 0, NULL, 0 },
	};
	struct doc	 d = { "ti\ntle", "2024-01-31", "A\nB", NULL, 0, bl, 4 };
	char		*s;

	s = render_gem(&d);
	assert_string_equal(s,
	    "# ti tle\n\n2024-01-31 · by A B\n\n"
	    "## two lines\n\n"
	    "* x => y\n\n"
	    "> q # r\n\n"
	    "```alt x\na\nb\n```\n");
	free(s);
}

/* Each special line start stays text; look-alikes are left alone. */
static void
test_gemtext_escape(void **state)
{
	expect_gemline("=> gemini://x", " => gemini://x\n");
	expect_gemline("=>", " =>\n");
	expect_gemline("# not a heading", " # not a heading\n");
	expect_gemline("### deep", " ### deep\n");
	expect_gemline("* not an item", " * not an item\n");
	expect_gemline(">not a quote", " >not a quote\n");
	expect_gemline("```not a fence", " ```not a fence\n");
	/* The newline becomes a space first, then "* " is seen. */
	expect_gemline("*\nx", " * x\n");
	/* Plain text, and look-alikes that are text already. */
	expect_gemline("plain", "plain\n");
	expect_gemline("*emphasis*", "*emphasis*\n");
	expect_gemline("=not a link", "=not a link\n");
	expect_gemline("``two", "``two\n");
	expect_gemline(" # already indented", " # already indented\n");
	expect_gemline("a\nb\r\nc\rd", "a b c d\n");
	expect_gemline("", "\n");
}

/* Pre lines: only a fence-like start is changed, and every line ends LF. */
static void
test_gemtext_pre_fence(void **state)
{
	struct block	 bl[] = {
		{ BLOCK_PRE, "```\n``\n ```\nx```\n```py", NULL, 0, NULL, 0 },
	};
	struct doc	 d = { NULL, "", NULL, NULL, 0, bl, 1 };
	char		*s;

	s = render_gem(&d);
	assert_string_equal(s,
	    "```\n ```\n``\n ```\nx```\n ```py\n```\n");
	free(s);
}

/* A URL twice in one block: one link line; whitespace in a URL encoded. */
static void
test_gemtext_links(void **state)
{
	char		*l1[] = { "gemini://x/", "gemini://y/", "gemini://x/" };
	char		*l2[] = { "gemini://x/", "gemini://z/a b" };
	struct block	 bl[] = {
		{ BLOCK_PARAGRAPH, "gemini://x/ gemini://y/ gemini://x/",
		    NULL, 0, l1, 3 },
		{ BLOCK_ITEM, "gemini://x/ again", NULL, 0, l2, 2 },
	};
	struct doc	 d = { NULL, "", NULL, NULL, 0, bl, 2 };
	char		*s;

	s = render_gem(&d);
	assert_string_equal(s,
	    "gemini://x/ gemini://y/ gemini://x/\n"
	    "=> gemini://x/ gemini://x/\n"
	    "=> gemini://y/ gemini://y/\n"
	    "\n"
	    "* gemini://x/ again\n"
	    "=> gemini://x/ gemini://x/\n"
	    "=> gemini://z/a%20b gemini://z/a%20b\n");
	free(s);
}

/* Appending to a buffer that already failed writes nothing, never crashes. */
static void
test_failed_buffer(void **state)
{
	struct buf	 b;

	buf_init(&b);
	b.err = 1;
	render_gemtext(&b, &sample);
	gemtext_text_line(&b, "# x");
	render_gopher(&b, &sample, 40);
	gopher_wrap(&b, ". x", 10, "", "");
	assert_int_equal(b.len, 0);
	assert_null(buf_steal(&b, NULL));
	buf_free(&b);
}

/* --- gopher wrapping ------------------------------------------------------ */

static void
test_wrap_basic(void **state)
{
	expect_wrap("one two three four", 9, "", "",
	    "one two\r\nthree\r\nfour\r\n");
	/* Exactly the width fits. */
	expect_wrap("one two", 7, "", "", "one two\r\n");
	/* Whitespace runs (tabs and newlines too) collapse to one space. */
	expect_wrap("  a \t\t b\r\n\nc  ", 70, "", "", "a b c\r\n");
	/* Hanging indent: prefixes count toward the width. */
	expect_wrap("alpha beta gamma", 12, "  - ", "    ",
	    "  - alpha\r\n    beta\r\n    gamma\r\n");
	expect_wrap("alpha beta gamma", 14, "> ", "> ",
	    "> alpha beta\r\n> gamma\r\n");
	/* No words, no line, not even the prefix. */
	expect_wrap("", 10, "  - ", "    ", "");
	expect_wrap(" \t\r\n ", 10, "> ", "> ", "");
}

/* A word longer than the width stands alone; it is never split. */
static void
test_wrap_long_word(void **state)
{
	expect_wrap("a bbbbbbbbbb c", 5, "", "", "a\r\nbbbbbbbbbb\r\nc\r\n");
	expect_wrap("bbbbbbbbbb", 5, "  - ", "    ", "  - bbbbbbbbbb\r\n");
	expect_wrap("x https://example.org/a/very/long/path/that/goes/on y",
	    20, "", "",
	    "x\r\nhttps://example.org/a/very/long/path/that/goes/on\r\ny\r\n");
	/* Width 0: every word on its own line. */
	expect_wrap("a b", 0, "", "", "a\r\nb\r\n");
}

/* Columns are characters, not bytes: é “” emoji CJK 1, combining 0. */
static void
test_wrap_utf8(void **state)
{
	/* 11 columns (21 bytes): fits 11, not 10. */
	expect_wrap("ééééé ééééé", 11, "", "", "ééééé ééééé\r\n");
	expect_wrap("ééééé ééééé", 10, "", "", "ééééé\r\nééééé\r\n");
	expect_wrap("“ab” “cd”", 9, "", "", "“ab” “cd”\r\n");
	expect_wrap("“ab” “cd”", 8, "", "", "“ab”\r\n“cd”\r\n");
	expect_wrap("😀😀 😀😀", 5, "", "", "😀😀 😀😀\r\n");
	expect_wrap("😀😀 😀😀", 4, "", "", "😀😀\r\n😀😀\r\n");
	expect_wrap("漢字 漢字 漢字", 5, "", "", "漢字 漢字\r\n漢字\r\n");
	/* e + U+0301 is one column. */
	expect_wrap("e\xcc\x81" "e\xcc\x81" "e\xcc\x81 abc", 7, "", "",
	    "e\xcc\x81" "e\xcc\x81" "e\xcc\x81 abc\r\n");
	expect_wrap("e\xcc\x81" "e\xcc\x81" "e\xcc\x81 abc", 6, "", "",
	    "e\xcc\x81" "e\xcc\x81" "e\xcc\x81\r\nabc\r\n");
	/* A multi-byte prefix counts in columns too. */
	expect_wrap("ab cd", 7, "•• ", "   ", "•• ab\r\n   cd\r\n");
}

/* RFC 1436's end marker never appears: a lone "." line becomes " .". */
static void
test_gopher_lone_dot(void **state)
{
	struct block	 bl[] = {
		{ BLOCK_PARAGRAPH, ".", NULL, 0, NULL, 0 },
		{ BLOCK_PRE, ".\n..\n. \n.\r", NULL, 0, NULL, 0 },
		{ BLOCK_PARAGRAPH, "a . b", NULL, 0, NULL, 0 },
	};
	struct doc	 d = { ".", "", NULL, NULL, 0, bl, 3 };
	char		*s;

	expect_wrap(" . ", 10, "", "", " .\r\n");
	expect_wrap("...", 10, "", "", "...\r\n");
	expect_wrap("x .", 1, "", "", "x\r\n .\r\n");
	s = render_goph(&d, 1);
	assert_string_equal(s,
	    " .\r\n=\r\n"
	    "\r\n .\r\n"
	    "\r\n .\r\n..\r\n. \r\n .\r\n"
	    "\r\na\r\n .\r\nb\r\n");
	free(s);
}

/* Tabs never reach gopher output: spaces in text, tab stops in pre. */
static void
test_gopher_tabs(void **state)
{
	char		*l[] = { "gopher://h/\tx" };
	struct block	 bl[] = {
		{ BLOCK_PARAGRAPH, "a\tb", NULL, 0, NULL, 0 },
		{ BLOCK_PRE, "\tx\nab\tc\né\td", NULL, 0, NULL, 0 },
		{ BLOCK_PRE, "gopher://h/\tx", NULL, 0, l, 1 },
	};
	struct doc	 d = { "T\tT", "", "A\tB", NULL, 0, bl, 3 };
	char		*s;

	s = render_goph(&d, 70);
	assert_null(strchr(s, '\t'));
	assert_string_equal(s,
	    "T T\r\n===\r\nby A B\r\n"
	    "\r\na b\r\n"
	    "\r\n        x\r\nab      c\r\né       d\r\n"
	    "\r\ngopher://h/     x\r\n"
	    "\r\nLinks\r\n-----\r\n\r\n[1] gopher://h/ x\r\n");
	free(s);
}

/*
 * Footnotes: numbered across the document in order of first appearance,
 * one number per URL, the marker only at the first occurrence in text, a
 * URL inside punctuation found, the longer of two nested URLs chosen, a
 * URL first seen in pre (no marker possible) marked later in text.
 */
static void
test_gopher_footnotes(void **state)
{
	char		*l0[] = { "https://p.example/" };
	char		*l1[] = { "https://a.example/", "https://b.example/" };
	char		*l2[] = { "https://b.example/", "https://c.example/" };
	char		*l3[] = { "https://a.example/", "https://a.example/x",
	    "https://p.example/" };
	struct block	 bl[] = {
		{ BLOCK_PRE, "see https://p.example/", NULL, 0, l0, 1 },
		{ BLOCK_PARAGRAPH,
		    "(https://a.example/) and https://b.example/, https://a.example/",
		    NULL, 0, l1, 2 },
		{ BLOCK_HEADING, "On https://c.example/ and https://b.example/",
		    NULL, 0, l2, 2 },
		{ BLOCK_ITEM, "https://a.example/x https://p.example/ done",
		    NULL, 0, l3, 3 },
	};
	struct doc	 d = { "T", "", NULL, NULL, 0, bl, 4 };
	char		*s;

	s = render_goph(&d, 80);
	assert_string_equal(s,
	    "T\r\n=\r\n"
	    "\r\nsee https://p.example/\r\n"
	    "\r\n(https://a.example/) [2] and https://b.example/, [3]"
	    " https://a.example/\r\n"
	    "\r\nOn https://c.example/ [4] and https://b.example/\r\n"
	    "------------------------------------------------\r\n"
	    "\r\n  - https://a.example/x [5] https://p.example/ [1] done\r\n"
	    "\r\nLinks\r\n-----\r\n\r\n"
	    "[1] https://p.example/\r\n"
	    "[2] https://a.example/\r\n"
	    "[3] https://b.example/\r\n"
	    "[4] https://c.example/\r\n"
	    "[5] https://a.example/x\r\n");
	free(s);
}

/* "URL [n]" moves as one unit; an over-long URL keeps its marker. */
static void
test_gopher_marker_glue(void **state)
{
	char		*l1[] = { "https://e.example/ab" };
	char		*l2[] = { "https://example.org/a/very/long/path" };
	struct block	 bl[] = {
		{ BLOCK_PARAGRAPH, "words here https://e.example/ab end",
		    NULL, 0, l1, 1 },
		{ BLOCK_PARAGRAPH, "x https://example.org/a/very/long/path y",
		    NULL, 0, l2, 1 },
	};
	struct doc	 d = { NULL, "", NULL, NULL, 0, bl, 2 };
	char		*s;

	/* The URL alone would fit after "here" (31 cols), with [1] not. */
	s = render_goph(&d, 33);
	assert_string_equal(s,
	    "words here\r\nhttps://e.example/ab [1] end\r\n"
	    "\r\nx\r\nhttps://example.org/a/very/long/path [2]\r\ny\r\n"
	    "\r\nLinks\r\n-----\r\n\r\n"
	    "[1] https://e.example/ab\r\n"
	    "[2] https://example.org/a/very/long/path\r\n");
	free(s);
}

/* A title over several lines is underlined as long as its widest line. */
static void
test_gopher_title_wrap(void **state)
{
	struct block	 bl[] = {
		{ BLOCK_HEADING, "Ünïcödé heading words", NULL, 0, NULL, 0 },
	};
	struct doc	 d = { "A rather long title here", "2025-06-02",
	    "Somebody Withalongname", NULL, 0, bl, 1 };
	char		*s;

	s = render_goph(&d, 14);
	assert_string_equal(s,
	    "A rather long\r\ntitle here\r\n=============\r\n"
	    "2025-06-02 ·\r\nby Somebody\r\nWithalongname\r\n"
	    "\r\nÜnïcödé\r\nheading words\r\n-------------\r\n");
	free(s);
}

/* Numbered items: the hanging indent follows the width of the number. */
static void
test_gopher_items(void **state)
{
	struct block	 bl[] = {
		{ BLOCK_ITEM, "one two three", NULL, 9, NULL, 0 },
		{ BLOCK_ITEM, "one two three", NULL, 10, NULL, 0 },
		{ BLOCK_ITEM, "one two three", NULL, 0, NULL, 0 },
		{ BLOCK_PARAGRAPH, "after", NULL, 0, NULL, 0 },
		{ BLOCK_ITEM, "again", NULL, 0, NULL, 0 },
	};
	struct doc	 d = { NULL, "", NULL, NULL, 0, bl, 5 };
	char		*s;

	s = render_goph(&d, 13);
	assert_string_equal(s,
	    "  9. one two\r\n     three\r\n"
	    "  10. one two\r\n      three\r\n"
	    "  - one two\r\n    three\r\n"
	    "\r\nafter\r\n"
	    "\r\n  - again\r\n");
	free(s);
}

/* --- property: fidelity and width ------------------------------------------ */

static uint32_t
rnd(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 8) & 0xffffff;
}

/* Pieces of words: ASCII, Latin, quotes, CJK, emoji, a combining mark. */
static const char *pieces[] = {
	"a", "b", "z", "é", "ü", "“", "”", "漢", "字", "😀", "e\xcc\x81", ".",
	",", "-", "/", ":",
};

static void
test_wrap_property(void **state)
{
	static const char	*prefixes[][2] = {
		{ "", "" }, { "  - ", "    " }, { "> ", "> " },
		{ "  12. ", "      " },
	};
	struct buf	 in, out;
	char		*words[64], *line, *next, *w, *save;
	uint32_t	 seed = 20250602;
	size_t		 iter, i, j, nwords, width, k, lineno, cols;
	size_t		 wi, nonl, prevcols, firstcols;
	const char	*first, *rest, *pre;

	for (iter = 0; iter < 500; iter++) {
		buf_init(&in);
		buf_init(&out);
		nwords = rnd(&seed) % 60;
		for (i = 0; i < nwords; i++) {
			struct buf	 wb;

			buf_init(&wb);
			k = 1 + (rnd(&seed) % 3 == 0 ? rnd(&seed) % 30 :
			    rnd(&seed) % 8);
			for (j = 0; j < k; j++)
				buf_puts(&wb, pieces[rnd(&seed) %
				    NELEM(pieces)]);
			words[i] = buf_steal(&wb, NULL);
			assert_non_null(words[i]);
			/* Separators: any run of blanks. */
			buf_puts(&in, (const char *[]){ " ", "  ", "\t",
			    "\n", " \r\n " }[rnd(&seed) % 5]);
			buf_puts(&in, words[i]);
		}
		buf_puts(&in, " ");
		assert_false(in.err);
		width = 8 + rnd(&seed) % 70;
		k = rnd(&seed) % NELEM(prefixes);
		first = prefixes[k][0];
		rest = prefixes[k][1];
		gopher_wrap(&out, in.data, width, first, rest);
		assert_false(out.err);
		if (nwords == 0)
			assert_int_equal(out.len, 0);

		/* Walk the lines: prefix, words in order, widths. */
		wi = 0;
		lineno = 0;
		prevcols = 0;
		for (line = out.data; line != NULL && *line != '\0';
		    line = next) {
			next = strstr(line, "\r\n");
			assert_non_null(next);
			*next = '\0';
			next += 2;
			assert_null(strchr(line, '\n'));
			assert_null(strchr(line, '\r'));
			assert_null(strchr(line, '\t'));
			pre = lineno == 0 ? first : rest;
			assert_memory_equal(line, pre, strlen(pre));
			cols = utf8_columns(line, strlen(line));
			nonl = 0;
			firstcols = 0;
			for (w = strtok_r(line + strlen(pre), " ", &save);
			    w != NULL; w = strtok_r(NULL, " ", &save)) {
				assert_true(wi < nwords);
				assert_string_equal(w, words[wi]);
				if (nonl == 0)
					firstcols = utf8_columns(w,
					    strlen(w));
				wi++;
				nonl++;
			}
			assert_true(nonl >= 1);
			/* Over the width only when alone on its line. */
			if (cols > width)
				assert_int_equal(nonl, 1);
			/* Greedy: this line's first word did not fit above. */
			if (lineno > 0)
				assert_true(prevcols + 1 + firstcols > width);
			prevcols = cols;
			lineno++;
		}
		assert_int_equal(wi, nwords);
		for (i = 0; i < nwords; i++)
			free(words[i]);
		buf_free(&in);
		buf_free(&out);
	}
}

/*
 * gopher_wrap() as it was written first, a word at a time with strspn,
 * strcspn and utf8_columns: the fast paths (runs of plain words copied
 * at once, ASCII words counted by their length) must give its bytes and
 * its widest line. The widest line is what render_gopher() underlines.
 */
static size_t
ref_wrap(struct buf *out, const char *text, size_t width, const char *first,
    const char *rest)
{
	static const char ws[] = " \t\r\n\v\f";
	size_t	 start = 0, col = 0, words = 0, lines = 0, maxcol = 0;
	size_t	 len, cols;
	int	 open = 0;

	for (;;) {
		text += strspn(text, ws);
		if (*text == '\0')
			break;
		len = strcspn(text, ws);
		cols = utf8_columns(text, len);
		if (open && words > 0 && col + 1 + cols > width) {
			if (out->len - start == 1 && out->data[start] == '.') {
				out->data[start] = ' ';
				buf_putc(out, '.');
			}
			buf_puts(out, "\r\n");
			maxcol = col > maxcol ? col : maxcol;
			lines++;
			open = 0;
		}
		if (!open) {
			open = 1;
			start = out->len;
			words = 0;
			buf_puts(out, lines == 0 ? first : rest);
			col = lines == 0 ? utf8_columns(first, strlen(first)) :
			    utf8_columns(rest, strlen(rest));
		}
		if (words > 0) {
			buf_putc(out, ' ');
			col++;
		}
		buf_append(out, text, len);
		col += cols;
		words++;
		text += len;
	}
	if (open) {
		if (out->len - start == 1 && out->data[start] == '.') {
			out->data[start] = ' ';
			buf_putc(out, '.');
		}
		buf_puts(out, "\r\n");
		maxcol = col > maxcol ? col : maxcol;
	}
	return maxcol;
}

static void
test_wrap_reference(void **state)
{
	static const char *const words[] = {
		"a", "bb", "ccc", "dddd", "eeeee", "ffffffff", "ggggggggg",
		"hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh", ".", "..", "x.", "é",
		"caf\xc3\xa9", "\xe6\xbc\xa2\xe5\xad\x97", "e\xcc\x81t\xc3\xa9",
		"\xff", "a\x01b", "https://x.example/p", "24/7",
	};
	static const char *const seps[] = { " ", " ", " ", " ", "  ", "\t",
	    "\n", " \r\n ", "\v", "\f" };
	static const char *const pre[][2] = { { "", "" }, { "> ", "> " },
	    { "  - ", "    " }, { "\xc3\xbc. ", "   " } };
	struct buf	 in, got, want;
	struct doc	 d;
	uint32_t	 seed = 4242;
	size_t		 iter, i, n, width, k, maxcol;
	char		*s;

	(void)state;
	for (iter = 0; iter < 4000; iter++) {
		buf_init(&in);
		buf_init(&got);
		buf_init(&want);
		if (rnd(&seed) % 4 == 0)
			buf_puts(&in, seps[rnd(&seed) % NELEM(seps)]);
		n = rnd(&seed) % 40;
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_puts(&in, seps[rnd(&seed) % NELEM(seps)]);
			buf_puts(&in, words[rnd(&seed) % NELEM(words)]);
		}
		if (rnd(&seed) % 4 == 0)
			buf_puts(&in, seps[rnd(&seed) % NELEM(seps)]);
		assert_false(in.err);
		width = rnd(&seed) % 50;
		k = rnd(&seed) % NELEM(pre);
		gopher_wrap(&got, buf_str(&in), width, pre[k][0], pre[k][1]);
		maxcol = ref_wrap(&want, buf_str(&in), width, pre[k][0],
		    pre[k][1]);
		assert_false(got.err || want.err);
		assert_string_equal(buf_str(&got), buf_str(&want));
		/* The widest line, through a title's underline. */
		memset(&d, 0, sizeof(d));
		d.title = (char *)buf_str(&in);
		s = render_goph(&d, width);
		buf_reset(&want);
		maxcol = ref_wrap(&want, buf_str(&in), width, "", "");
		for (i = 0; i < maxcol; i++)
			buf_putc(&want, '=');
		if (maxcol > 0)
			buf_puts(&want, "\r\n");
		assert_string_equal(s, buf_str(&want));
		free(s);
		buf_free(&in);
		buf_free(&got);
		buf_free(&want);
	}
}

int
main(void)
{
	const struct CMUnitTest	 tests[] = {
		cmocka_unit_test(test_gemtext_sample),
		cmocka_unit_test(test_gopher_sample),
		cmocka_unit_test(test_minimal_header),
		cmocka_unit_test(test_gemtext_newlines),
		cmocka_unit_test(test_gemtext_escape),
		cmocka_unit_test(test_gemtext_pre_fence),
		cmocka_unit_test(test_gemtext_links),
		cmocka_unit_test(test_failed_buffer),
		cmocka_unit_test(test_wrap_basic),
		cmocka_unit_test(test_wrap_long_word),
		cmocka_unit_test(test_wrap_utf8),
		cmocka_unit_test(test_gopher_lone_dot),
		cmocka_unit_test(test_gopher_tabs),
		cmocka_unit_test(test_gopher_footnotes),
		cmocka_unit_test(test_gopher_marker_glue),
		cmocka_unit_test(test_gopher_title_wrap),
		cmocka_unit_test(test_gopher_items),
		cmocka_unit_test(test_wrap_property),
		cmocka_unit_test(test_wrap_reference),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
