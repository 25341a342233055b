/*
 * Words for search: UTF-8 text split into folded words. Case folding and
 * accent folding for Latin letters ("Élan", "ELAN" and "elan" are one
 * word), simple lowercase for Greek, Cyrillic and fullwidth Latin; words
 * end at white space, punctuation and symbols, ASCII or not. The index
 * and the query parser use the same function, so they always agree.
 */
#ifndef GEMSERV_TOKENIZE_H
#define GEMSERV_TOKENIZE_H

#include <stddef.h>
#include <stdint.h>

#define TOKEN_MAX	64	/* bytes of a folded word, longer cut */

struct token {
	size_t	 start;		/* the word's first byte in the text */
	size_t	 end;		/* one past its last byte */
	size_t	 len;		/* bytes in term */
	uint32_t hash;		/* of term, for hash tables */
	/* Folded UTF-8, NUL-terminated and zero-padded to 8 bytes past it. */
	char	 term[TOKEN_MAX + 8];
};

/*
 * Finds the next word of s[0..len) at or after *pos. Returns 1, fills t
 * and moves *pos past the word; returns 0 when no word is left. Invalid
 * UTF-8 bytes separate words. A cut word keeps whole code points.
 */
int	 token_next(const char *s, size_t len, size_t *pos, struct token *t);
/* 1 when the folded word is on the (small, English) stop-word list. */
int	 token_stopword(const char *term, size_t len);

#endif
