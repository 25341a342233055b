/* Absolute URI parsing (RFC 3986), path decoding and dot-segment removal. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "url.h"

/* Character classes of RFC 3986 section 2 and appendix A. */
#define C_ALPHA		0x01
#define C_DIGIT		0x02
#define C_UNRES		0x04	/* unreserved: ALPHA DIGIT - . _ ~ */
#define C_SUBD		0x08	/* sub-delims: ! $ & ' ( ) * + , ; = */
#define C_HEX		0x10

static int
cclass(unsigned char c)
{
	int	 m = 0;

	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		m |= C_ALPHA | C_UNRES;
	if (c >= '0' && c <= '9')
		m |= C_DIGIT | C_UNRES | C_HEX;
	if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
		m |= C_HEX;
	if (c != '\0' && strchr("-._~", c) != NULL)
		m |= C_UNRES;
	if (c != '\0' && strchr("!$&'()*+,;=", c) != NULL)
		m |= C_SUBD;
	return m;
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Checks s[0..len) against *( unreserved / pct-encoded / sub-delims /
 * extra ), with bytes >= 0x80 allowed when iri is set (RFC 3987 ucschar;
 * UTF-8 validity is checked by the caller).
 */
static int
valid_chars(const char *s, size_t len, const char *extra, int iri)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i;

	for (i = 0; i < len; i++) {
		if (u[i] == '%') {
			if (len - i < 3 || hexval(u[i + 1]) < 0 ||
			    hexval(u[i + 2]) < 0)
				return -1;
			i += 2;
			continue;
		}
		if (u[i] >= 0x80) {
			if (!iri)
				return -1;
			continue;
		}
		if (cclass(u[i]) & (C_UNRES | C_SUBD))
			continue;
		if (u[i] != '\0' && strchr(extra, u[i]) != NULL)
			continue;
		return -1;
	}
	return 0;
}

/* The end of the component that starts at s[i]: the first of stops. */
static size_t
span_until(const char *s, size_t len, size_t i, const char *stops)
{
	while (i < len && (s[i] == '\0' || strchr(stops, s[i]) == NULL))
		i++;
	return i;
}

static int
parse_port(const char *s, size_t len, struct url *u)
{
	size_t	 i;
	long	 v = 0;

	u->has_port = 1;
	u->port = s;
	u->port_len = len;
	for (i = 0; i < len; i++) {
		if (!(cclass((unsigned char)s[i]) & C_DIGIT))
			return -1;
		if (v <= 65535)
			v = v * 10 + (s[i] - '0');
	}
	u->port_num = (len == 0 || v > 65535) ? -1 : (int)v;
	return 0;
}

static int
parse_authority(const char *s, size_t len, struct url *u)
{
	const char	*at, *h;
	size_t		 hlen, i;
	char		 tmp[INET6_ADDRSTRLEN];
	struct in6_addr	 a6;

	if ((at = memchr(s, '@', len)) != NULL) {
		u->has_userinfo = 1;
		u->userinfo = s;
		u->userinfo_len = (size_t)(at - s);
		if (valid_chars(s, u->userinfo_len, ":", 1) == -1)
			return -1;
		len -= u->userinfo_len + 1;
		s = at + 1;
	}
	if (len > 0 && s[0] == '[') {
		/* IP-literal: IPv6 only; IPvFuture and zone ids are refused. */
		h = memchr(s, ']', len);
		if (h == NULL)
			return -1;
		hlen = (size_t)(h - s) - 1;
		if (hlen == 0 || hlen >= sizeof(tmp))
			return -1;
		memcpy(tmp, s + 1, hlen);
		tmp[hlen] = '\0';
		/* inet_pton() would stop at a NUL and accept "[::\0junk]". */
		if (strlen(tmp) != hlen || inet_pton(AF_INET6, tmp, &a6) != 1)
			return -1;
		u->host = s + 1;
		u->host_len = hlen;
		u->host_literal = 1;
		i = hlen + 2;
		if (i < len && s[i] != ':')
			return -1;
	} else {
		i = span_until(s, len, 0, ":");
		if (valid_chars(s, i, "", 1) == -1)
			return -1;
		u->host = s;
		u->host_len = i;
	}
	if (i < len)
		return parse_port(s + i + 1, len - i - 1, u);
	return 0;
}

int
url_parse(const char *s, size_t len, struct url *u)
{
	size_t	 i, end;

	memset(u, 0, sizeof(*u));
	u->port_num = -1;

	/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
	if (len == 0 || !(cclass((unsigned char)s[0]) & C_ALPHA))
		return -1;
	for (i = 1; i < len && s[i] != ':'; i++)
		if (!(cclass((unsigned char)s[i]) & (C_ALPHA | C_DIGIT)) &&
		    s[i] != '+' && s[i] != '-' && s[i] != '.')
			return -1;
	if (i == len)
		return -1;
	u->scheme = s;
	u->scheme_len = i;
	i++;

	if (len - i >= 2 && s[i] == '/' && s[i + 1] == '/') {
		i += 2;
		end = span_until(s, len, i, "/?#");
		u->has_authority = 1;
		if (parse_authority(s + i, end - i, u) == -1)
			return -1;
		i = end;
	}

	/* The path: path-abempty after an authority, else absolute,
	 * rootless or empty; "//" cannot start it here (it would have
	 * been an authority). */
	end = span_until(s, len, i, "?#");
	if (valid_chars(s + i, end - i, ":@/", 1) == -1)
		return -1;
	u->path = s + i;
	u->path_len = end - i;
	i = end;

	if (i < len && s[i] == '?') {
		i++;
		end = span_until(s, len, i, "#");
		if (valid_chars(s + i, end - i, ":@/?", 1) == -1)
			return -1;
		u->has_query = 1;
		u->query = s + i;
		u->query_len = end - i;
		i = end;
	}
	if (i < len && s[i] == '#') {
		i++;
		if (valid_chars(s + i, len - i, ":@/?", 1) == -1)
			return -1;
		u->has_fragment = 1;
		u->fragment = s + i;
		u->fragment_len = len - i;
	}
	return 0;
}

int
url_decode_path(const char *in, size_t len, char *out, size_t outsize,
    size_t *outlen)
{
	size_t		 i, o = 0;
	int		 hi, lo;
	unsigned char	 c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)in[i];
		if (c == '%') {
			if (len - i < 3 ||
			    (hi = hexval((unsigned char)in[i + 1])) < 0 ||
			    (lo = hexval((unsigned char)in[i + 2])) < 0)
				return -1;
			c = (unsigned char)(hi << 4 | lo);
			if (c == '/' || c == '\\')
				return -1;
			i += 2;
		}
		if (c < 0x20 || c == 0x7f)
			return -1;
		if (o + 1 >= outsize)
			return -1;
		out[o++] = (char)c;
	}
	if (outsize == 0)
		return -1;
	out[o] = '\0';
	*outlen = o;
	return 0;
}

size_t
url_decode_query(const char *q, size_t len, char *out)
{
	size_t	 i, n = 0;
	int	 hi, lo;

	for (i = 0; i < len; i++) {
		if (q[i] == '%' && len - i >= 3 &&
		    (hi = hexval((unsigned char)q[i + 1])) >= 0 &&
		    (lo = hexval((unsigned char)q[i + 2])) >= 0) {
			out[n++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			out[n++] = q[i];
	}
	return n;
}

/* 1 when p[0..len) starts with the segment seg followed by '/' or the end. */
static int
is_seg(const char *p, size_t len, const char *seg)
{
	size_t	 n = strlen(seg);

	return len >= n && memcmp(p, seg, n) == 0 && (len == n || p[n] == '/');
}

int
url_remove_dot_segments(char *p, size_t *len)
{
	size_t	 r = 0, w = 0, n = *len, e;

	/*
	 * Output is written at w and input read at r with w <= r at all
	 * times (every output byte consumes at least one input byte), so
	 * the work can be done in place.
	 */
	while (r < n) {
		if (is_seg(p + r, n - r, "..")) {
			/* A relative path starting with "..": no parent. */
			return -1;
		} else if (is_seg(p + r, n - r, ".")) {
			r += (n - r > 1) ? 2 : 1;
		} else if (p[r] == '/' && is_seg(p + r + 1, n - r - 1, ".")) {
			if (r + 2 == n) {
				p[w++] = '/';
				r = n;
			} else
				r += 2;
		} else if (p[r] == '/' && is_seg(p + r + 1, n - r - 1, "..")) {
			if (w == 0)
				return -1;
			while (w > 0 && p[w - 1] != '/')
				w--;
			if (w > 0)
				w--;	/* the '/' before the removed segment */
			if (r + 3 == n) {
				p[w++] = '/';
				r = n;
			} else
				r += 3;
		} else {
			e = r + (p[r] == '/' ? 1 : 0);
			while (e < n && p[e] != '/')
				e++;
			memmove(p + w, p + r, e - r);
			w += e - r;
			r = e;
		}
	}
	p[w] = '\0';
	*len = w;
	return 0;
}
