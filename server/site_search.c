/*
 * Search result pages, built per request: a gemtext page for Gemini and
 * a menu for Gopher, from the hits search_run() found. The words are the
 * reader's own, shown back on one line with control characters blanked.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "render_gemtext.h"
#include "site.h"

#define SYNTAX	"Put words in \"double quotes\" to find a phrase; end a " \
		"word with * to find every word it begins (recover* finds " \
		"recovery and recovering)."
#define HOW_TO	"Every word must appear in an article or resource. " SYNTAX
#define COMMON	"Only very common words (like \"the\" or \"and\") and " \
		"punctuation were given; they are not indexed. Try more " \
		"specific words."

/* The words on one line: controls blanked, outer blanks trimmed. */
static void
put_words(struct buf *b, const char *w, size_t len)
{
	size_t	 i;

	while (len > 0 && ((unsigned char)w[0] <= 0x20 || w[0] == 0x7f)) {
		w++;
		len--;
	}
	while (len > 0 && ((unsigned char)w[len - 1] <= 0x20 ||
	    w[len - 1] == 0x7f))
		len--;
	for (i = 0; i < len; i++)
		buf_putc(b, (unsigned char)w[i] < 0x20 || w[i] == 0x7f ?
		    ' ' : w[i]);
}

/* "3 results." and friends: the words are in the heading above. */
static void
summary(struct buf *b, enum search_status st, const struct search_result *res)
{
	if (st != SEARCH_OK)
		buf_puts(b, "No results. " COMMON);
	else if (res->total == 0)
		buf_puts(b, "No results. " HOW_TO);
	else
		buf_printf(b, "%zu result%s.", res->total,
		    res->total == 1 ? "" : "s");
}

static void
more(struct buf *b, const struct search_result *res)
{
	buf_printf(b, "Showing the best %zu of %zu results; add words to "
	    "narrow the search.", res->nhits, res->total);
}

void
site_search_gemini(struct buf *b, const struct search_index *x,
    const char *w, size_t len, enum search_status st,
    const struct search_result *res)
{
	struct search_doc	 d;
	struct buf		 tmp;
	size_t			 i;

	buf_init(&tmp);
	buf_puts(b, "# Search: ");
	put_words(b, w, len);
	buf_puts(b, "\n\n");
	summary(&tmp, st, res);
	gemtext_text_line(b, buf_str(&tmp));
	for (i = 0; st == SEARCH_OK && i < res->nhits; i++) {
		search_doc(x, res->hits[i].doc, &d);
		if (d.kind == SEARCH_ARTICLE)
			buf_printf(b, "\n=> /articles/%s.gmi ", d.key);
		else
			buf_printf(b, "\n=> /resources/%s.gmi ", d.key);
		put_words(b, d.title, strlen(d.title));
		buf_putc(b, '\n');
		gemtext_text_line(b, d.meta);
		buf_reset(&tmp);
		search_snippet(x, &res->hits[i], &tmp);
		if (tmp.len > 0)
			gemtext_text_line(b, buf_str(&tmp));
	}
	if (st == SEARCH_OK && res->total > res->nhits) {
		buf_reset(&tmp);
		more(&tmp, res);
		buf_putc(b, '\n');
		gemtext_text_line(b, buf_str(&tmp));
	}
	if (tmp.err)
		b->err = 1;
	buf_free(&tmp);
	site_gemini_footer(b);
}

void
site_search_gopher(struct gophermap *m, const struct search_index *x,
    const char *w, size_t len, enum search_status st,
    const struct search_result *res)
{
	struct search_doc	 d;
	struct buf		 tmp;
	char			 sel[1024];
	size_t			 i;

	buf_init(&tmp);
	buf_puts(&tmp, "Search: ");
	put_words(&tmp, w, len);
	gophermap_info(m, buf_str(&tmp));
	gophermap_info(m, "");
	buf_reset(&tmp);
	summary(&tmp, st, res);
	gophermap_info(m, buf_str(&tmp));
	for (i = 0; st == SEARCH_OK && i < res->nhits; i++) {
		search_doc(x, res->hits[i].doc, &d);
		gophermap_info(m, "");
		if (d.kind == SEARCH_ARTICLE) {
			(void)snprintf(sel, sizeof(sel), "/articles/%s.txt",
			    d.key);
			gophermap_item(m, '0', d.title, sel);
		} else {
			(void)snprintf(sel, sizeof(sel), "/resources/%s/",
			    d.key);
			gophermap_item(m, '1', d.title, sel);
		}
		gophermap_info(m, d.meta);
		buf_reset(&tmp);
		search_snippet(x, &res->hits[i], &tmp);
		if (tmp.len > 0)
			gophermap_info(m, buf_str(&tmp));
	}
	if (st == SEARCH_OK && res->total > res->nhits) {
		buf_reset(&tmp);
		more(&tmp, res);
		gophermap_info(m, "");
		gophermap_info(m, buf_str(&tmp));
	}
	if (tmp.err)
		m->out->err = 1;
	buf_free(&tmp);
	gophermap_info(m, "");
	gophermap_item(m, '7', "Search again", "/search");
	gophermap_item(m, '1', "Home", "/");
	gophermap_end(m);
}

void
site_search_gopher_help(struct gophermap *m)
{
	gophermap_info(m, "Search articles and resources");
	gophermap_info(m, "");
	gophermap_info(m, "Type words to find the articles and resources "
	    "that contain all of them. " SYNTAX);
	gophermap_info(m, "");
	gophermap_item(m, '7', "Search articles and resources", "/search");
	gophermap_item(m, '1', "Home", "/");
	gophermap_end(m);
}
