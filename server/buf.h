/*
 * Growable byte buffer with a sticky error flag: appends after a failed
 * allocation are no-ops, so builders append freely and check once at the end.
 */
#ifndef GEMSERV_BUF_H
#define GEMSERV_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct buf {
	char	*data;	/* always NUL-terminated when len > 0 or after any append */
	size_t	 len;
	size_t	 cap;
	int	 err;	/* set once an allocation failed; never cleared */
};

void	 buf_init(struct buf *);
void	 buf_free(struct buf *);
void	 buf_reset(struct buf *);	/* len = 0, keeps memory */
/*
 * buf_append, buf_puts and buf_putc are inline: page builders call them
 * per word, so the common case (room left, no error) costs a compare and
 * a copy. Growth and the error path are in buf_append_grow(), which only
 * these three call.
 */
void	 buf_append_grow(struct buf *, const void *, size_t);

static inline void
buf_append(struct buf *b, const void *p, size_t n)
{
	/*
	 * cap - len is 0 for an empty buffer: n < 0 never holds then. The
	 * bound on n is what buf_reserve() allows; it also tells the compiler
	 * that an absurd constant n never reaches memcpy.
	 */
	if (n < b->cap - b->len && n <= SIZE_MAX / 2 && !b->err) {
		if (n > 0)	/* p may be NULL then */
			memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return;
	}
	buf_append_grow(b, p, n);
}

static inline void
buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

static inline void
buf_putc(struct buf *b, char c)
{
	if (b->cap - b->len > 1 && !b->err) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
		return;
	}
	buf_append_grow(b, &c, 1);
}

void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_vprintf(struct buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
/*
 * Appends s with what XML and HTML read as markup (& < > " ') escaped,
 * and C0 controls other than TAB and LF, which XML 1.0 forbids even
 * escaped, turned into spaces.
 */
void	 buf_escape_markup(struct buf *, const char *, size_t);
/* The text so far, "" when empty or after an error: always a string. */
const char *buf_str(const struct buf *);
/* Hands the NUL-terminated data to the caller; NULL if b->err. Resets b. */
char	*buf_steal(struct buf *, size_t *lenp);

#endif
