/* UTF-8 decoding, validation and column counting (RFC 3629). */
#include <string.h>

#include "utf8.h"

#define HIGHS	0x8080808080808080ull

/*
 * The length of an all-ASCII prefix of s[0..len), in whole steps of eight
 * bytes (the caller takes the rest a byte at a time): most text is ASCII.
 */
static size_t
ascii_run(const char *s, size_t len)
{
	uint64_t	 w;
	size_t		 i;

	for (i = 0; len - i >= 8; i += 8) {
		memcpy(&w, s + i, sizeof(w));
		if ((w & HIGHS) != 0)
			return i;
	}
	return i;
}

int
utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char	*u = (const unsigned char *)s;
	uint32_t		 c, min;
	size_t			 n, i;

	if (len == 0)
		goto bad;
	c = u[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2; min = 0x80; c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3; min = 0x800; c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4; min = 0x10000; c &= 0x07;
	} else
		goto bad;
	if (len < n)
		goto bad;
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			goto bad;
		c = (c << 6) | (u[i] & 0x3f);
	}
	/* Overlongs, surrogates and code points past U+10FFFF. */
	if (c < min || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		goto bad;
	*cp = c;
	return (int)n;
bad:
	*cp = UTF8_REPLACEMENT;
	return -1;
}

size_t
utf8_encode(uint32_t cp, char *out)
{
	unsigned char	*u = (unsigned char *)out;

	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = UTF8_REPLACEMENT;
	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | (cp >> 6));
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | (cp >> 12));
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	u[0] = (unsigned char)(0xf0 | (cp >> 18));
	u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	u[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

int
utf8_valid(const char *s, size_t len)
{
	size_t		 i = 0;
	uint32_t	 cp;
	int		 n;

	while (i < len) {
		/* ASCII fast path: most text is ASCII. */
		i += ascii_run(s + i, len - i);
		if (i >= len)
			break;
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_decode(s + i, len - i, &cp)) < 0)
			return 0;
		i += (size_t)n;
	}
	return 1;
}

/* Combining marks take no column of their own. */
static int
is_combining(uint32_t cp)
{
	return (cp >= 0x0300 && cp <= 0x036f) ||
	    (cp >= 0x1ab0 && cp <= 0x1aff) ||
	    (cp >= 0x1dc0 && cp <= 0x1dff) ||
	    (cp >= 0x20d0 && cp <= 0x20ff) ||
	    (cp >= 0xfe20 && cp <= 0xfe2f) ||
	    cp == 0x200b || cp == 0x200c || cp == 0x200d || cp == 0xfe0f;
}

/* Bytes of the code point at s (1 for an invalid byte) and its columns. */
static size_t
step(const char *s, size_t len, size_t *cols)
{
	uint32_t	 cp;
	int		 n;

	if ((unsigned char)s[0] < 0x80) {
		*cols = 1;
		return 1;
	}
	n = utf8_decode(s, len, &cp);
	*cols = is_combining(cp) ? 0 : 1;
	return n < 0 ? 1 : (size_t)n;
}

size_t
utf8_columns(const char *s, size_t len)
{
	size_t	 i = 0, cols = 0, c, n;

	while (i < len) {
		/* An ASCII byte is a column of its own. */
		n = ascii_run(s + i, len - i);
		i += n;
		cols += n;
		if (i >= len)
			break;
		i += step(s + i, len - i, &c);
		cols += c;
	}
	return cols;
}

size_t
utf8_prefix_columns(const char *s, size_t len, size_t max)
{
	size_t	 i = 0, cols = 0, n, c;

	while (i < len) {
		n = step(s + i, len - i, &c);
		if (cols + c > max)
			break;
		cols += c;
		i += n;
	}
	return i;
}
