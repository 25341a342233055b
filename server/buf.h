/*
 * Growable byte buffer with a sticky error flag: appends after a failed
 * allocation are no-ops, so builders append freely and check once at the end.
 */
#ifndef GEMSERV_BUF_H
#define GEMSERV_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*data;	/* always NUL-terminated when len > 0 or after any append */
	size_t	 len;
	size_t	 cap;
	int	 err;	/* set once an allocation failed; never cleared */
};

void	 buf_init(struct buf *);
void	 buf_free(struct buf *);
void	 buf_reset(struct buf *);	/* len = 0, keeps memory */
void	 buf_append(struct buf *, const void *, size_t);
void	 buf_puts(struct buf *, const char *);
void	 buf_putc(struct buf *, char);
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
