/*
 * The gopher side of the capsule: the root menu, the article menu, one
 * text per article, the resource directory menu, one menu per resource and
 * caps.txt. Selectors mirror the Gemini paths: "/articles/SLUG.txt",
 * "/resources/ID/". With [gopher] charset = ascii every page is
 * transliterated here, once, instead of on every request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "gophermap.h"
#include "render_gopher.h"
#include "site.h"
#include "translit.h"

static int
add_item(const struct site *s, struct capsule *c, const char *selector,
    char type, struct buf *b)
{
	size_t	 len, alen;
	char	*data, *ascii;

	if ((data = buf_steal(b, &len)) == NULL)
		return -1;
	if (s->cfg->gopher_ascii) {
		ascii = translit_ascii(data, len, &alen);
		free(data);
		if (ascii == NULL)
			return -1;
		data = ascii;
		len = alen;
	}
	return capsule_add(c, PROTO_GOPHER, selector, NULL, type, data, len);
}

static void
menu_init(struct gophermap *m, struct buf *b, const struct config *cfg)
{
	buf_init(b);
	m->out = b;
	m->host = cfg->hostname;
	m->port = cfg->gopher_port;
}

static void
article_item(struct gophermap *m, const struct article *a, struct buf *tmp)
{
	char	 selector[1024];

	buf_reset(tmp);
	buf_printf(tmp, "%s %s", a->doc.date, a->doc.title);
	(void)snprintf(selector, sizeof(selector), "/articles/%s.txt", a->slug);
	gophermap_item(m, '0', buf_str(tmp), selector);
}

static int
root(const struct site *s, struct capsule *c)
{
	const struct config	*cfg = s->cfg;
	struct gophermap	 m;
	struct buf		 b, tmp, url;
	size_t			 i, n;
	int			 rv;

	menu_init(&m, &b, cfg);
	buf_init(&tmp);
	buf_init(&url);
	gophermap_info(&m, cfg->title);
	gophermap_info(&m, "");
	if (cfg->intro != NULL && cfg->intro[0] != '\0') {
		gophermap_info(&m, cfg->intro);
		gophermap_info(&m, "");
	}
	gophermap_info(&m, "Latest articles");
	n = s->narticles < (size_t)cfg->latest ? s->narticles :
	    (size_t)cfg->latest;
	for (i = 0; i < n; i++)
		article_item(&m, &s->articles[i], &tmp);
	if (s->narticles == 0)
		gophermap_info(&m, "No articles yet.");
	buf_reset(&tmp);
	buf_printf(&tmp, "All articles (%zu)", s->narticles);
	gophermap_item(&m, '1', buf_str(&tmp), "/articles/");
	gophermap_info(&m, "");
	gophermap_info(&m, "Recovery resources");
	buf_reset(&tmp);
	buf_printf(&tmp, "Helplines, peer support and treatment locators (%zu)",
	    s->dir->nresources);
	gophermap_item(&m, '1', buf_str(&tmp), "/resources/");
	gophermap_item(&m, '7', "Search articles and resources", "/search");
	gophermap_info(&m, "");
	gophermap_info(&m, "Other ways to read");
	site_base_url(&url, cfg);
	buf_putc(&url, '/');
	gophermap_url(&m, "The same capsule over Gemini", buf_str(&url));
	gophermap_item(&m, '0', "Server capabilities (caps.txt)", "/caps.txt");
	gophermap_end(&m);
	rv = (tmp.err || url.err) ? -1 : add_item(s, c, "/", '1', &b);
	buf_free(&b);
	buf_free(&tmp);
	buf_free(&url);
	return rv;
}

static int
article_menu(const struct site *s, struct capsule *c)
{
	struct gophermap	 m;
	struct buf		 b, tmp;
	size_t			 i;
	int			 rv;

	menu_init(&m, &b, s->cfg);
	buf_init(&tmp);
	buf_printf(&tmp, "%s: articles", s->cfg->title);
	gophermap_info(&m, buf_str(&tmp));
	gophermap_info(&m, "");
	for (i = 0; i < s->narticles; i++)
		article_item(&m, &s->articles[i], &tmp);
	if (s->narticles == 0)
		gophermap_info(&m, "No articles yet.");
	gophermap_info(&m, "");
	gophermap_item(&m, '1', "Home", "/");
	gophermap_end(&m);
	rv = tmp.err ? -1 : add_item(s, c, "/articles/", '1', &b);
	buf_free(&b);
	buf_free(&tmp);
	return rv;
}

int
site_gopher_article(const struct site *s, const struct article *a,
    struct capsule *c)
{
	struct buf	 b;
	char		 selector[1024];

	buf_init(&b);
	render_gopher(&b, &a->doc, (size_t)s->cfg->gopher_width);
	(void)snprintf(selector, sizeof(selector), "/articles/%s.txt", a->slug);
	return add_item(s, c, selector, '0', &b);
}

static int
directory_menu(const struct site *s, struct capsule *c)
{
	const struct directory	*d = s->dir;
	const struct resource	*r;
	struct gophermap	 m;
	struct buf		 b, tmp;
	char			 selector[1024];
	size_t			 i, j;
	int			 rv;

	menu_init(&m, &b, s->cfg);
	buf_init(&tmp);
	gophermap_info(&m, "Recovery resource directory");
	gophermap_info(&m, "");
	gophermap_info(&m, "Helplines, peer support groups and treatment "
	    "locators. If you are in immediate danger, call your local "
	    "emergency number.");
	for (i = 0; i < d->ncategories; i++) {
		gophermap_info(&m, "");
		gophermap_info(&m, d->categories[i].name);
		for (j = 0; j < d->categories[i].nitems; j++) {
			r = d->categories[i].items[j];
			buf_reset(&tmp);
			buf_puts(&tmp, r->name);
			if (r->region != NULL)
				buf_printf(&tmp, " (%s)", r->region);
			(void)snprintf(selector, sizeof(selector),
			    "/resources/%s/", r->id);
			gophermap_item(&m, '1', buf_str(&tmp),
			    selector);
		}
	}
	gophermap_info(&m, "");
	gophermap_item(&m, '1', "Home", "/");
	gophermap_end(&m);
	rv = tmp.err ? -1 : add_item(s, c, "/resources/", '1', &b);
	buf_free(&b);
	buf_free(&tmp);
	return rv;
}

static void
field(struct gophermap *m, struct buf *tmp, const char *name, const char *v)
{
	if (v == NULL)
		return;
	buf_reset(tmp);
	buf_printf(tmp, "%s: %s", name, v);
	gophermap_info(m, buf_str(tmp));
}

static int
resource_menu(const struct site *s, const struct resource *r,
    struct capsule *c)
{
	struct gophermap	 m;
	struct buf		 b, tmp;
	char			 selector[1024];
	int			 rv;

	menu_init(&m, &b, s->cfg);
	buf_init(&tmp);
	gophermap_info(&m, r->name);
	gophermap_info(&m, "");
	if (r->description != NULL) {
		gophermap_info(&m, r->description);
		gophermap_info(&m, "");
	}
	field(&m, &tmp, "Category", r->category);
	field(&m, &tmp, "Region", r->region);
	field(&m, &tmp, "Phone", r->phone);
	field(&m, &tmp, "Hours", r->hours);
	gophermap_info(&m, "");
	buf_reset(&tmp);
	buf_printf(&tmp, "Website: %s", r->url);
	gophermap_url(&m, buf_str(&tmp), r->url);
	gophermap_info(&m, "");
	gophermap_item(&m, '1', "Back to the resource directory",
	    "/resources/");
	gophermap_end(&m);
	(void)snprintf(selector, sizeof(selector), "/resources/%s/", r->id);
	rv = tmp.err ? -1 : add_item(s, c, selector, '1', &b);
	buf_free(&b);
	buf_free(&tmp);
	return rv;
}

static int
caps(const struct site *s, struct capsule *c)
{
	struct buf	 b;

	buf_init(&b);
	buf_puts(&b, "CAPS\r\n\r\n"
	    "CapsVersion=1\r\n"
	    "ExpireCapsAfter=3600\r\n\r\n"
	    "PathDelimeter=/\r\n"
	    "PathIdentity=.\r\n"
	    "PathParent=..\r\n"
	    "PathParentDouble=FALSE\r\n"
	    "PathKeepPreDelimeter=FALSE\r\n\r\n"
	    "ServerSoftware=gemserv\r\n"
	    "ServerSoftwareVersion=" GEMSERV_VERSION "\r\n");
	buf_printf(&b, "ServerDescription=%s\r\n", s->cfg->title);
	buf_printf(&b, "ServerDefaultEncoding=%s\r\n",
	    s->cfg->gopher_ascii ? "US-ASCII" : "UTF-8");
	return add_item(s, c, "/caps.txt", '0', &b);
}

int
site_gopher(const struct site *s, struct capsule *c)
{
	size_t	 i;

	if (root(s, c) == -1 || article_menu(s, c) == -1 ||
	    directory_menu(s, c) == -1 || caps(s, c) == -1)
		return -1;
	for (i = 0; i < s->dir->nresources; i++)
		if (resource_menu(s, &s->dir->resources[i], c) == -1)
			return -1;
	return 0;
}
