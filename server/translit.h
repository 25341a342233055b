/*
 * UTF-8 to ASCII transliteration for [gopher] charset = ascii: typographic
 * punctuation becomes its ASCII look-alike, accented Latin letters lose
 * their accents, anything else becomes '?'.
 */
#ifndef GEMSERV_TRANSLIT_H
#define GEMSERV_TRANSLIT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Returns a malloc'd NUL-terminated ASCII copy of s[0..len) and stores its
 * length in *outlen (when not NULL); NULL when out of memory. ASCII bytes,
 * control characters included, are copied unchanged; each invalid UTF-8
 * byte becomes '?'. The result is never longer than the input.
 */
char	*translit_ascii(const char *s, size_t len, size_t *outlen);
/*
 * The ASCII spelling of an accented Latin letter (U+00C0..U+024F,
 * U+1E00..U+1EFF): "e" for U+00E9, "E" for U+00C9, "ss" for U+00DF, at
 * most two letters; NULL for anything that is not such a letter, the
 * multiplication and division signs included. Search folds with it.
 */
const char *translit_latin(uint32_t cp);

#endif
