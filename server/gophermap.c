/*
 * Gopher menu lines (RFC 1436). Every line carries all four fields so
 * strict clients parse it; fields are cleaned of the bytes that would end a
 * field or a line, and display strings are cut to fit GOPHER_DISPLAY_MAX.
 */
#include <string.h>

#include "gophermap.h"
#include "render_gopher.h"
#include "utf8.h"

/* The dummy selector, host and port of lines that lead nowhere. */
#define DUMMY_SELECTOR	""
#define DUMMY_HOST	"error.host"
#define DUMMY_PORT	1

#define ELLIPSIS	"..."
#define ELLIPSIS_COLS	3

/* Appends s[0..n) with TAB, CR and LF as spaces. */
static void
put_field(struct buf *out, const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\t' || s[i] == '\r' || s[i] == '\n')
			buf_putc(out, ' ');
		else
			buf_putc(out, s[i]);
	}
}

/*
 * A display string of at most GOPHER_DISPLAY_MAX columns. A longer one is
 * cut on a character boundary (combining marks stay with their base) and
 * ends in "..." so the reader sees it was cut; the total still fits.
 */
static void
put_display(struct buf *out, const char *s)
{
	size_t	 len = strlen(s), n;

	if (utf8_columns(s, len) <= GOPHER_DISPLAY_MAX) {
		put_field(out, s, len);
		return;
	}
	n = utf8_prefix_columns(s, len, GOPHER_DISPLAY_MAX - ELLIPSIS_COLS);
	while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL)
		n--;
	put_field(out, s, n);
	buf_puts(out, ELLIPSIS);
}

/* "Xdisplay TAB" */
static void
line_start(struct gophermap *gm, char type, const char *display)
{
	/* A control byte or a space as the type would break the line. */
	if (type <= ' ' || type > '~')
		type = '3';
	buf_putc(gm->out, type);
	put_display(gm->out, display != NULL ? display : "");
	buf_putc(gm->out, '\t');
}

/* "TAB host TAB port CRLF", after the selector. */
static void
line_end(struct gophermap *gm, const char *host, int port)
{
	buf_putc(gm->out, '\t');
	if (host != NULL)
		put_field(gm->out, host, strlen(host));
	buf_printf(gm->out, "\t%d\r\n", port);
}

static void
dummy_line(struct gophermap *gm, char type, const char *text)
{
	line_start(gm, type, text);
	buf_puts(gm->out, DUMMY_SELECTOR);
	line_end(gm, DUMMY_HOST, DUMMY_PORT);
}

void
gophermap_item(struct gophermap *gm, char type, const char *display,
    const char *selector)
{
	line_start(gm, type, display);
	if (selector != NULL)
		put_field(gm->out, selector, strlen(selector));
	line_end(gm, gm->host, gm->port);
}

/*
 * Text that fits one line goes out as it is (leading spaces kept, and an
 * empty text makes the blank 'i' line menus use as spacing). Longer text is
 * wrapped at word boundaries; a single word longer than a line is cut.
 */
void
gophermap_info(struct gophermap *gm, const char *text)
{
	struct buf	 tmp;
	char		*s, *e;

	if (text == NULL)
		text = "";
	if (utf8_columns(text, strlen(text)) <= GOPHER_DISPLAY_MAX) {
		dummy_line(gm, 'i', text);
		return;
	}
	buf_init(&tmp);
	gopher_wrap(&tmp, text, GOPHER_DISPLAY_MAX, "", "");
	if (tmp.err) {
		gm->out->err = 1;
		buf_free(&tmp);
		return;
	}
	/* Only blanks: still one (blank) line. */
	if (tmp.len == 0)
		dummy_line(gm, 'i', "");
	/* Every wrapped line ends in CRLF; turn each into an 'i' line. */
	for (s = tmp.data; s != NULL && *s != '\0'; s = e + 2) {
		if ((e = strstr(s, "\r\n")) == NULL)
			break;
		*e = '\0';
		dummy_line(gm, 'i', s);
	}
	buf_free(&tmp);
}

void
gophermap_error(struct gophermap *gm, const char *text)
{
	dummy_line(gm, '3', text != NULL ? text : "");
}

/*
 * A link to another protocol: the selector "URL:<url>" on this server,
 * which clients that know the convention open directly and others fetch
 * from here as a small page pointing at the URL.
 */
void
gophermap_url(struct gophermap *gm, const char *display, const char *url)
{
	line_start(gm, 'h', display);
	buf_puts(gm->out, "URL:");
	if (url != NULL)
		put_field(gm->out, url, strlen(url));
	line_end(gm, gm->host, gm->port);
}

void
gophermap_end(struct gophermap *gm)
{
	buf_puts(gm->out, ".\r\n");
}
