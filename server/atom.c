/*
 * The Atom feed (RFC 4287) of the article index. Dates come from the
 * articles, never from the clock, so the same capsule gives the same feed.
 */
#include <string.h>

#include "buf.h"
#include "site.h"

static void
element(struct buf *b, const char *indent, const char *name, const char *text)
{
	buf_printf(b, "%s<%s>", indent, name);
	buf_escape_markup(b, text, strlen(text));
	buf_printf(b, "</%s>\n", name);
}

/* An href attribute: the capsule base, then a path. */
static void
link(struct buf *b, const char *indent, const struct config *cfg,
    const char *path, const char *rel)
{
	buf_printf(b, "%s<link href=\"", indent);
	site_base_url(b, cfg);
	buf_escape_markup(b, path, strlen(path));
	buf_printf(b, "\" rel=\"%s\"/>\n", rel);
}

char *
site_atom(const struct site *s, size_t *lenp)
{
	const struct config	*cfg = s->cfg;
	const struct article	*a;
	struct buf		 b, path;
	size_t			 i;

	buf_init(&b);
	buf_init(&path);
	buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
	element(&b, "  ", "title", cfg->title);
	buf_puts(&b, "  <id>");
	site_base_url(&b, cfg);
	buf_puts(&b, "/</id>\n");
	link(&b, "  ", cfg, "/atom.xml", "self");
	link(&b, "  ", cfg, "/articles/", "alternate");
	/* The feed changes when its newest article does. */
	buf_printf(&b, "  <updated>%sT00:00:00Z</updated>\n",
	    s->narticles > 0 ? s->articles[0].doc.date : "1970-01-01");
	buf_puts(&b, "  <author>\n");
	element(&b, "    ", "name", cfg->title);
	buf_puts(&b, "  </author>\n");
	for (i = 0; i < s->narticles; i++) {
		a = &s->articles[i];
		buf_reset(&path);
		buf_printf(&path, "/articles/%s.gmi", a->slug);
		buf_puts(&b, "  <entry>\n");
		element(&b, "    ", "title", a->doc.title);
		link(&b, "    ", cfg, buf_str(&path), "alternate");
		buf_puts(&b, "    <id>");
		site_base_url(&b, cfg);
		buf_printf(&b, "%s</id>\n", buf_str(&path));
		buf_printf(&b, "    <updated>%sT00:00:00Z</updated>\n",
		    a->doc.date);
		if (a->doc.author != NULL) {
			buf_puts(&b, "    <author>\n");
			element(&b, "      ", "name", a->doc.author);
			buf_puts(&b, "    </author>\n");
		}
		buf_puts(&b, "  </entry>\n");
	}
	buf_puts(&b, "</feed>\n");
	if (path.err)
		b.err = 1;
	buf_free(&path);
	return buf_steal(&b, lenp);
}
