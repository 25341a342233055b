/*
 * A strict RFC 3986 parser for absolute URIs, percent-decoding of a path
 * and removal of dot segments. Pure functions: the parser points into the
 * caller's string, the others write into caller buffers. Bytes >= 0x80 are
 * accepted where RFC 3987 allows them (reg-name, path, query, fragment) so
 * that IRIs parse; whether they are valid UTF-8 is the caller's check.
 */
#ifndef GEMSERV_URL_H
#define GEMSERV_URL_H

#include <stddef.h>

struct url {
	const char	*scheme;	/* without ':' */
	size_t		 scheme_len;
	int		 has_authority;	/* "//" followed */
	int		 has_userinfo;	/* "user@" in the authority */
	const char	*userinfo;
	size_t		 userinfo_len;
	const char	*host;		/* an IP literal without its brackets */
	size_t		 host_len;
	int		 host_literal;	/* host was "[...]" (IPv6) */
	int		 has_port;	/* a ':' followed the host */
	const char	*port;		/* the digits as written, maybe none */
	size_t		 port_len;
	int		 port_num;	/* 0..65535, or -1 if empty or larger */
	const char	*path;		/* still percent-encoded */
	size_t		 path_len;
	int		 has_query;
	const char	*query;		/* without '?', still percent-encoded */
	size_t		 query_len;
	int		 has_fragment;
	const char	*fragment;	/* without '#' */
	size_t		 fragment_len;
};

/*
 * Parses s[0..len) as an absolute URI. Returns 0, or -1 when it is not one:
 * no scheme, a relative reference, a character outside the grammar (spaces,
 * control characters), a malformed percent-escape, a bad IPv6 literal or a
 * port that is not all digits.
 */
int	 url_parse(const char *s, size_t len, struct url *u);

/*
 * Percent-decodes a path into out (outsize bytes, NUL-terminated) and
 * stores the length in *outlen. Returns -1 on a malformed escape, when the
 * result does not fit, or when an escape decodes to a byte that must not
 * appear in a file name: NUL and other control characters, DEL, '/' and
 * '\\' (an encoded slash would otherwise alias another path).
 */
int	 url_decode_path(const char *in, size_t len, char *out, size_t outsize,
	    size_t *outlen);

/*
 * Percent-decodes a query into out (at least len bytes) and returns the
 * length. Every byte may result (a search may hold "%0A"); "+" stays a
 * plus, since a Gemini URL is no HTML form. url_parse() has checked the
 * escapes; a malformed one would be copied as it is.
 */
size_t	 url_decode_query(const char *q, size_t len, char *out);
/*
 * Removes "." and ".." segments in place (RFC 3986 5.2.4) from the
 * NUL-terminated path p of *len bytes, updating *len. Returns -1 when a
 * ".." would climb above the root ("/../x", "/a/../../x"), which the RFC
 * silently clamps but a server should refuse.
 */
int	 url_remove_dot_segments(char *p, size_t *len);

#endif
