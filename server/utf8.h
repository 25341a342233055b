/* UTF-8 decoding, validation, repair and column counting. */
#ifndef GEMSERV_UTF8_H
#define GEMSERV_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define UTF8_REPLACEMENT	0xFFFDu

/*
 * Decodes one code point from s[0..len). Returns the bytes consumed (1..4)
 * and stores the code point in *cp. An invalid, overlong, surrogate or
 * truncated sequence consumes 1 byte and stores UTF8_REPLACEMENT with
 * a return of -1 (so callers can tell repair from a real U+FFFD).
 */
int	 utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Writes cp as UTF-8 into out (at least 4 bytes); returns the length. */
size_t	 utf8_encode(uint32_t cp, char *out);
/* 1 when s[0..len) is valid UTF-8 (no overlongs, no surrogates). */
int	 utf8_valid(const char *s, size_t len);
/* Display columns: code points, except combining marks count 0. */
size_t	 utf8_columns(const char *s, size_t len);
/* Byte length of the longest prefix of s whose columns are <= cols. */
size_t	 utf8_prefix_columns(const char *s, size_t len, size_t cols);

#endif
