/*
 * The Gemini side of the capsule: home, article index (a gemfeed), one page
 * per article, the resource directory and one page per resource, the Atom
 * feed and robots.txt. Every page ends with the same navigation footer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "render_gemtext.h"
#include "site.h"

#define GEMTEXT		"text/gemini"

/* The capsule's own base URL: "gemini://host" plus ":port" unless 1965. */
void
site_base_url(struct buf *b, const struct config *cfg)
{
	int	 port = config_gemini_port(cfg);

	buf_puts(b, "gemini://");
	if (strchr(cfg->hostname, ':') != NULL)
		buf_printf(b, "[%s]", cfg->hostname);
	else
		buf_puts(b, cfg->hostname);
	if (port != 1965)
		buf_printf(b, ":%d", port);
}

static void
footer(struct buf *b)
{
	buf_puts(b, "\n=> / Home\n"
	    "=> /articles/ All articles\n"
	    "=> /resources/ Recovery resource directory\n"
	    "=> /search Search articles and resources\n");
}

void
site_gemini_footer(struct buf *b)
{
	footer(b);
}

/* Hands a finished page to the capsule; -1 when out of memory. */
static int
add_page(struct capsule *c, const char *path, const char *mime, struct buf *b)
{
	size_t	 len;
	char	*data;

	if ((data = buf_steal(b, &len)) == NULL)
		return -1;
	return capsule_add(c, PROTO_GEMINI, path, mime, 0, data, len);
}

static void
feed_line(struct buf *b, const struct article *a)
{
	buf_printf(b, "=> /articles/%s.gmi %s - ", a->slug, a->doc.date);
	buf_puts(b, a->doc.title);
	buf_putc(b, '\n');
}

static int
home(const struct site *s, struct capsule *c)
{
	const struct config	*cfg = s->cfg;
	struct buf		 b;
	size_t			 i, n;

	buf_init(&b);
	buf_printf(&b, "# %s\n\n", cfg->title);
	if (cfg->intro != NULL && cfg->intro[0] != '\0') {
		gemtext_text_line(&b, cfg->intro);
		buf_putc(&b, '\n');
	}
	buf_puts(&b, "## Latest articles\n\n");
	n = s->narticles < (size_t)cfg->latest ? s->narticles :
	    (size_t)cfg->latest;
	for (i = 0; i < n; i++)
		feed_line(&b, &s->articles[i]);
	if (s->narticles == 0)
		buf_puts(&b, "No articles yet.\n");
	buf_printf(&b, "=> /articles/ All articles (%zu)\n", s->narticles);
	buf_puts(&b, "=> /atom.xml Atom feed\n\n## Recovery resources\n\n");
	buf_printf(&b, "=> /resources/ Helplines, peer support and treatment "
	    "locators (%zu)\n", s->dir->nresources);
	buf_puts(&b, "=> /search Search articles and resources\n\n"
	    "## Other ways to read\n\n");
	buf_printf(&b, "=> gopher://%s:%d/ The same capsule over Gopher\n",
	    cfg->hostname, cfg->gopher_port);
	return add_page(c, "/", GEMTEXT, &b);
}

static int
article_index(const struct site *s, struct capsule *c)
{
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	/* A gemfeed: a "# " heading, then "YYYY-MM-DD - Title" links. */
	buf_printf(&b, "# %s: articles\n\n", s->cfg->title);
	for (i = 0; i < s->narticles; i++)
		feed_line(&b, &s->articles[i]);
	if (s->narticles == 0)
		buf_puts(&b, "No articles yet.\n");
	buf_puts(&b, "\n=> /atom.xml Atom feed of these articles\n");
	footer(&b);
	return add_page(c, "/articles/", GEMTEXT, &b);
}

int
site_gemini_article(const struct site *s, const struct article *a,
    struct capsule *c)
{
	struct buf	 b;
	char		 path[1024];

	buf_init(&b);
	render_gemtext(&b, &a->doc);
	footer(&b);
	(void)snprintf(path, sizeof(path), "/articles/%s.gmi", a->slug);
	return add_page(c, path, GEMTEXT, &b);
}

static void
resource_label(struct buf *b, const struct resource *r)
{
	buf_puts(b, r->name);
	if (r->region != NULL)
		buf_printf(b, " (%s)", r->region);
}

static int
directory_page(const struct site *s, struct capsule *c)
{
	const struct directory	*d = s->dir;
	const struct resource	*r;
	struct buf		 b;
	size_t			 i, j;

	buf_init(&b);
	buf_puts(&b, "# Recovery resource directory\n\n"
	    "Helplines, peer support groups and treatment locators. "
	    "If you are in immediate danger, call your local emergency "
	    "number.\n");
	for (i = 0; i < d->ncategories; i++) {
		buf_printf(&b, "\n## %s\n\n", d->categories[i].name);
		for (j = 0; j < d->categories[i].nitems; j++) {
			r = d->categories[i].items[j];
			buf_printf(&b, "=> /resources/%s.gmi ", r->id);
			resource_label(&b, r);
			buf_putc(&b, '\n');
		}
	}
	footer(&b);
	return add_page(c, "/resources/", GEMTEXT, &b);
}

static int
resource_page(const struct resource *r, struct capsule *c)
{
	struct buf	 b;
	char		 path[1024];

	buf_init(&b);
	buf_printf(&b, "# %s\n\n", r->name);
	if (r->description != NULL) {
		gemtext_text_line(&b, r->description);
		buf_putc(&b, '\n');
	}
	buf_printf(&b, "* Category: %s\n", r->category);
	if (r->region != NULL)
		buf_printf(&b, "* Region: %s\n", r->region);
	if (r->phone != NULL)
		buf_printf(&b, "* Phone: %s\n", r->phone);
	if (r->hours != NULL)
		buf_printf(&b, "* Hours: %s\n", r->hours);
	buf_printf(&b, "\n=> %s Website: %s\n", r->url, r->url);
	footer(&b);
	(void)snprintf(path, sizeof(path), "/resources/%s.gmi", r->id);
	return add_page(c, path, GEMTEXT, &b);
}

static int
robots(struct capsule *c)
{
	struct buf	 b;

	buf_init(&b);
	/* Search results are endless and change; everything else is fair. */
	buf_puts(&b, "User-agent: *\nDisallow: /search\n");
	return add_page(c, "/robots.txt", "text/plain", &b);
}

static int
atom(const struct site *s, struct capsule *c)
{
	size_t	 len;
	char	*data;

	if ((data = site_atom(s, &len)) == NULL)
		return -1;
	return capsule_add(c, PROTO_GEMINI, "/atom.xml",
	    "application/atom+xml", 0, data, len);
}

int
site_gemini(const struct site *s, struct capsule *c)
{
	size_t	 i;

	if (home(s, c) == -1 || article_index(s, c) == -1 ||
	    directory_page(s, c) == -1 || robots(c) == -1 || atom(s, c) == -1)
		return -1;
	for (i = 0; i < s->dir->nresources; i++)
		if (resource_page(&s->dir->resources[i], c) == -1)
			return -1;
	return 0;
}
