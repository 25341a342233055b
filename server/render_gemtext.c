/*
 * The document model as gemtext. Gemtext has no escapes: a line's type is
 * decided by its first characters, so everything here is about choosing
 * those first characters and keeping each logical line on one physical line.
 */
#include <stdio.h>
#include <string.h>

#include "render_gemtext.h"

/*
 * Appends s with CR and LF turned into spaces (a CRLF pair into one space):
 * a newline inside a heading or paragraph would start a new line whose
 * type the client decides afresh.
 */
static void
put_oneline(struct buf *out, const char *s)
{
	const char	*p;

	while (*s != '\0') {
		p = s + strcspn(s, "\r\n");
		buf_append(out, s, (size_t)(p - s));
		if (*p == '\0')
			break;
		buf_putc(out, ' ');
		if (p[0] == '\r' && p[1] == '\n')
			p++;
		s = p + 1;
	}
}

/*
 * Appends a URL for a link line. The first whitespace ends the URL on a
 * link line, so whitespace and control bytes are percent-encoded; bare
 * URLs found in text never hold any, this only keeps the line well formed.
 */
static void
put_url(struct buf *out, const char *url)
{
	const unsigned char	*u;

	for (u = (const unsigned char *)url; *u != '\0'; u++) {
		if (*u <= 0x20 || *u == 0x7f)
			buf_printf(out, "%%%02X", *u);
		else
			buf_putc(out, (char)*u);
	}
}

static int
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* 1 when a line starting with s would not be a text line. */
static int
special_start(const char *s)
{
	return starts_with(s, "=>") || starts_with(s, "#") ||
	    starts_with(s, "* ") || starts_with(s, ">") ||
	    starts_with(s, "```");
}

void
gemtext_text_line(struct buf *out, const char *text)
{
	size_t	 start = out->len;

	put_oneline(out, text);
	/*
	 * Checked after newlines became spaces ("*\nx" reads "* x"). One
	 * leading space keeps the line text: clients decide the type from the
	 * very first characters and show the space as a slight indent, where a
	 * zero-width character would show as garbage in some clients.
	 */
	if (!out->err && out->len > start &&
	    special_start(out->data + start)) {
		buf_putc(out, ' ');	/* grow by one byte, then shift */
		if (out->err)
			return;
		memmove(out->data + start + 1, out->data + start,
		    out->len - 1 - start);
		out->data[start] = ' ';
	}
	buf_putc(out, '\n');
}

/*
 * Preformatted lines go out verbatim, except that a line starting with
 * ``` would close the block early: gemtext has no escape, so such a line
 * gets one leading space, the least visible change that keeps it inside.
 * CR bytes are dropped so every line ends in a bare LF.
 */
static void
render_pre(struct buf *out, const struct block *b)
{
	const char	*s = b->text, *e;
	size_t		 i;

	buf_puts(out, "```");
	if (b->alt != NULL)
		put_oneline(out, b->alt);
	buf_putc(out, '\n');
	for (;;) {
		e = strchr(s, '\n');
		if (e == NULL)
			e = s + strlen(s);
		if (starts_with(s, "```") && (size_t)(e - s) >= 3)
			buf_putc(out, ' ');
		for (i = 0; s + i < e; i++)
			if (s[i] != '\r')
				buf_putc(out, s[i]);
		buf_putc(out, '\n');
		if (*e == '\0')
			break;
		s = e + 1;
	}
	buf_puts(out, "```\n");
}

/* One link line per distinct URL of the block, labelled with the URL. */
static void
render_links(struct buf *out, const struct block *b)
{
	size_t	 i, j;

	for (i = 0; i < b->nlinks; i++) {
		if (b->links[i] == NULL || b->links[i][0] == '\0')
			continue;
		for (j = 0; j < i; j++)
			if (b->links[j] != NULL &&
			    strcmp(b->links[j], b->links[i]) == 0)
				break;
		if (j < i)
			continue;
		buf_puts(out, "=> ");
		put_url(out, b->links[i]);
		buf_putc(out, ' ');
		put_url(out, b->links[i]);
		buf_putc(out, '\n');
	}
}

static void
render_block(struct buf *out, const struct block *b)
{
	switch (b->type) {
	case BLOCK_HEADING:
		buf_puts(out, "## ");
		put_oneline(out, b->text);
		buf_putc(out, '\n');
		break;
	case BLOCK_ITEM:
		/*
		 * Gemtext lists have no numbers. Bullets become "* text";
		 * a numbered item becomes the text line "3. text", as
		 * gemtext authors write them, so the number survives.
		 */
		if (b->number > 0) {
			buf_printf(out, "%d. ", b->number);
			put_oneline(out, b->text);
			buf_putc(out, '\n');
		} else {
			buf_puts(out, "* ");
			put_oneline(out, b->text);
			buf_putc(out, '\n');
		}
		break;
	case BLOCK_QUOTE:
		buf_puts(out, "> ");
		put_oneline(out, b->text);
		buf_putc(out, '\n');
		break;
	case BLOCK_PRE:
		render_pre(out, b);
		break;
	case BLOCK_PARAGRAPH:
	default:
		gemtext_text_line(out, b->text);
		break;
	}
	render_links(out, b);
}

/*
 * "# Title", a blank line, "DATE · by AUTHOR", "Tags: a, b", then the
 * blocks, each after a blank line. Consecutive list items stay together,
 * one line after the other, as a gemtext list is written. Blocks with no
 * text are skipped. The output ends with the last block's last line.
 */
void
render_gemtext(struct buf *out, const struct doc *d)
{
	struct buf		 meta;
	const struct block	*b, *prev = NULL;
	size_t			 i, start = out->len;

	if (d->title != NULL && d->title[0] != '\0') {
		buf_puts(out, "# ");
		put_oneline(out, d->title);
		buf_putc(out, '\n');
	}

	buf_init(&meta);
	buf_append(&meta, d->date, strnlen(d->date, sizeof(d->date)));
	if (d->author != NULL && d->author[0] != '\0')
		buf_printf(&meta, "%sby %s", d->date[0] != '\0' ? " · " : "",
		    d->author);
	if (meta.err)
		out->err = 1;
	if ((meta.len > 0 || d->ntags > 0) && out->len > start)
		buf_putc(out, '\n');
	if (meta.len > 0 && !meta.err)
		gemtext_text_line(out, meta.data);
	buf_free(&meta);

	if (d->ntags > 0) {
		buf_puts(out, "Tags: ");
		for (i = 0; i < d->ntags; i++) {
			if (i > 0)
				buf_puts(out, ", ");
			put_oneline(out, d->tags[i]);
		}
		buf_putc(out, '\n');
	}

	for (i = 0; i < d->nblocks; i++) {
		b = &d->blocks[i];
		if (!block_has_text(b))
			continue;
		if (out->len > start && !(prev != NULL &&
		    prev->type == BLOCK_ITEM && b->type == BLOCK_ITEM))
			buf_putc(out, '\n');
		render_block(out, b);
		prev = b;
	}
}
