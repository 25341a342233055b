/* Growable byte buffer with a sticky error flag. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void
buf_init(struct buf *b)
{
	memset(b, 0, sizeof(*b));
}

void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Makes room for n more bytes plus the terminating NUL. */
static int
buf_reserve(struct buf *b, size_t n)
{
	size_t	 cap;
	char	*p;

	if (b->err)
		return -1;
	if (n > SIZE_MAX / 2 - b->len) {
		b->err = 1;
		return -1;
	}
	if (b->len + n + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + n + 1)
		cap *= 2;
	if ((p = realloc(b->data, cap)) == NULL) {
		b->err = 1;
		return -1;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

/* The slow path of the inline appends in buf.h: grows, or fails. */
void
buf_append_grow(struct buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n) == -1)
		return;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/*
 * Formats straight into the room left, which is nearly always enough, so
 * most calls format once; otherwise the first pass measured the text and
 * a second one writes it after the buffer grew.
 */
void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list	 ap2;
	size_t	 room;
	int	 n;

	if (b->err)
		return;
	room = b->cap - b->len;		/* 0 for an empty buffer */
	va_copy(ap2, ap);
	n = vsnprintf(room > 0 ? b->data + b->len : NULL, room, fmt, ap2);
	va_end(ap2);
	if (n >= 0 && (size_t)n < room) {
		b->len += (size_t)n;
		return;
	}
	if (room > 0)
		b->data[b->len] = '\0';	/* undo a cut first pass */
	if (n < 0) {
		b->err = 1;
		return;
	}
	if (buf_reserve(b, (size_t)n) == -1)
		return;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
buf_escape_markup(struct buf *b, const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '&':
			buf_puts(b, "&amp;");
			break;
		case '<':
			buf_puts(b, "&lt;");
			break;
		case '>':
			buf_puts(b, "&gt;");
			break;
		case '"':
			buf_puts(b, "&quot;");
			break;
		case '\'':
			buf_puts(b, "&#39;");
			break;
		default:
			if ((unsigned char)s[i] < 0x20 && s[i] != '\t' &&
			    s[i] != '\n')
				buf_putc(b, ' ');
			else
				buf_putc(b, s[i]);
		}
	}
}

const char *
buf_str(const struct buf *b)
{
	return (b->err || b->data == NULL) ? "" : b->data;
}

char *
buf_steal(struct buf *b, size_t *lenp)
{
	char	*p;

	if (b->err) {
		buf_free(b);
		return NULL;
	}
	if (buf_reserve(b, 0) == -1) {	/* an empty buffer still gets "" */
		buf_free(b);
		return NULL;
	}
	b->data[b->len] = '\0';
	p = b->data;
	/* Doubling leaves up to half the buffer unused; pages live long. */
	if (b->cap - b->len > 64 && (p = realloc(b->data, b->len + 1)) == NULL)
		p = b->data;
	if (lenp != NULL)
		*lenp = b->len;
	buf_init(b);
	return p;
}
